"""Verdicts as a user reads them: rows for check, a criteria tree for explain (text or JSON)."""

from __future__ import annotations

from typing import Any

from .dataset import DISCIPLINE_RANK
from .engine import AwardVerdict, CriterionResult, Evaluation
from .facts import Reading
from .messages import t
from .rules import COMPARISONS, Criterion, Leaf, LoadedVersion, ParamRef

_MARK = {"passed": "✓", "failed": "✗", "undecided": "?"}


def subject_name(evaluation: Evaluation, subject: str) -> str:
    ds = evaluation.dataset
    who = ds.units_by_id.get(subject) or ds.people_by_id.get(subject)
    return who.name if who else subject


def _show(value: object, lang: str) -> str:
    if value is None:
        return t("value.missing", lang)
    if isinstance(value, bool):
        return t(f"value.{str(value).lower()}", lang)
    if value == "none":
        return t("value.none", lang)
    if isinstance(value, str) and value in DISCIPLINE_RANK:
        return t(f"ev.discipline.{value}", lang, v="").strip()
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def show_evidence(reading: Reading, lang: str) -> list[str]:
    return [t(f"ev.{kind}", lang, v=value) for kind, value in reading.evidence]


def show_reading(reading: Reading, lang: str) -> str:
    if reading.value is None and reading.low is not None:
        return t("value.between", lang, low=_show(reading.low, lang), high=_show(reading.high, lang))
    return _show(reading.value, lang)


def condition(leaf: Leaf, threshold: object, lang: str) -> str:
    return f"{COMPARISONS[leaf.comparison[0]].replace('>=', '≥').replace('<=', '≤')} {_show(threshold, lang)}"


def _reasons(verdict: AwardVerdict, lang: str) -> str:
    """The leaves that kept a verdict from being eligible, shortest form: `id (value)`."""
    wanted = {"not_eligible": "failed", "incomplete": "undecided"}.get(verdict.verdict)
    return "; ".join(f"{node.criterion.id} ({show_reading(node.reading, lang)})"
                     for root in verdict.criteria for _, node in root.flatten()
                     if node.result == wanted and node.reading is not None)


def row(evaluation: Evaluation, verdict: AwardVerdict, lang: str) -> dict[str, Any]:
    """One verdict as a record: the flat columns of check, and its criteria for JSON."""
    award = evaluation.award(verdict.award)
    ds = evaluation.dataset
    unit = ds.unit_of(verdict.subject, verdict.period) if verdict.subject in ds.people_by_id else None
    return {
        "subject": verdict.subject,
        "name": subject_name(evaluation, verdict.subject),
        "unit": unit,
        "award": verdict.award,
        "award_name": award.name.in_(lang),
        "period": verdict.period,
        "as_of": evaluation.as_of.isoformat(),
        "verdict": verdict.verdict,
        "verdict_label": t(verdict.verdict, lang),
        "rules_version": evaluation.version.label,
        "reasons": _reasons(verdict, lang),
        "initiatives_used": list(verdict.used),
        "criteria": [_criterion(node, depth, lang) for root in verdict.criteria for depth, node in root.flatten()],
    }


def _criterion(node: CriterionResult, depth: int, lang: str) -> dict[str, Any]:
    c, reading = node.criterion, node.reading
    out: dict[str, Any] = {
        "id": c.id, "depth": depth, "text": c.text.in_(lang), "cite": c.cite, "result": node.result,
        "verified": c.verified, "qualitative": c.qualitative,
        "presumed": bool(reading and reading.note == "presumed"),
    }
    if isinstance(c, Leaf) and reading is not None:
        out |= {"fact": c.fact, "value": reading.value, "low": reading.low, "high": reading.high,
                "condition": condition(c, node.threshold, lang), "evidence": show_evidence(reading, lang),
                "note": t(f"note.{reading.note}", lang) if reading.note else None}
    else:
        out |= {"combine": c.combinator[0], "evidence": []}
    return out


def heading(evaluation: Evaluation, lang: str) -> str:
    rules = evaluation.version.rules
    return t("heading", lang, org=evaluation.dataset.organization.name, period=evaluation.period,
             version=evaluation.version.label, title=rules.title.in_(lang), as_of=evaluation.as_of)


def summary(evaluation: Evaluation, lang: str) -> str:
    counts = {k: sum(v.verdict == k for v in evaluation.verdicts) for k in ("eligible", "not_eligible", "incomplete")}
    return t("summary", lang, n=len(evaluation.verdicts), **counts)


def explanation(evaluation: Evaluation, verdict: AwardVerdict, lang: str) -> str:
    """Every criterion of the award, indented as the tree: result, text, citation, values read."""
    award = evaluation.award(verdict.award)
    rules = evaluation.version.rules
    lines = [
        t("explain.title", lang, name=subject_name(evaluation, verdict.subject), subject=verdict.subject,
          award=award.name.in_(lang), award_id=verdict.award, period=verdict.period),
        t("explain.verdict", lang, verdict=t(verdict.verdict, lang)),
        t("explain.rules", lang, version=evaluation.version.label, title=rules.title.in_(lang),
          start=rules.effective_from, end=rules.effective_to or "…", as_of=evaluation.as_of),
        t("explain.sources", lang, sources="; ".join(s.title for s in rules.sources)),
        t("explain.cite", lang, cite=award.cite),
        *([t("explain.used", lang, used=", ".join(verdict.used))] if verdict.used else []),
        "",
    ]
    for root in verdict.criteria:
        for depth, node in root.flatten():
            lines.extend(_node_lines(node, "    " * depth, lang))
    return "\n".join(lines)


def _node_lines(node: CriterionResult, indent: str, lang: str) -> list[str]:
    c = node.criterion
    flags = [t("flag.qualitative", lang)] * c.qualitative + [t("flag.unverified", lang)] * (not c.verified)
    head = f"{indent}{_MARK[node.result]} {t(node.result, lang)}: {c.text.in_(lang)} [{c.id}]"
    lines = [head + (f" ({'; '.join(flags)})" if flags else "")]
    pad = indent + "    "
    lines.append(pad + t("explain.cite", lang, cite=c.cite))
    if isinstance(c, Leaf) and node.reading is not None:
        reading = node.reading
        lines.append(pad + t("explain.read", lang, fact=c.fact, value=show_reading(reading, lang),
                             condition=condition(c, node.threshold, lang)))
        if reading.evidence:
            lines.append(pad + t("explain.evidence", lang, evidence=", ".join(show_evidence(reading, lang))))
        if reading.note:
            lines.append(pad + t(f"note.{reading.note}", lang))
    else:
        lines.append(pad + t(f"explain.group.{c.combinator[0]}", lang))
    return lines


def _summary(node: Criterion, version: LoadedVersion, lang: str) -> str:
    """A criterion in a few words: `fact ≥ value`, groups in brackets; † marks an unverified reading."""
    mark = "" if node.verified else "†"
    if isinstance(node, Leaf):
        threshold = version.rules.parameters[node.comparison[1].param].value \
            if isinstance(node.comparison[1], ParamRef) else node.comparison[1]
        return f"{node.fact} {condition(node, threshold, lang)}{mark}"
    kind, children = node.combinator
    joiner = {"all": " & ", "any": t("rules.or", lang), "not": ""}[kind]
    inner = joiner.join(_summary(child, version, lang) for child in children)
    return f"{t('rules.not', lang) if kind == 'not' else ''}({inner}){mark}"


def rule_rows(versions: list[LoadedVersion], lang: str) -> list[dict[str, Any]]:
    """One row per award of each version: who it is for and its criteria in short."""
    return [{
        "version": version.label,
        "in_force": f"{version.rules.effective_from} – {version.rules.effective_to or '…'}",
        "award": award_id,
        "name": award.name.in_(lang),
        "subject": t(f"kind.{award.subject}", lang),
        "criteria": " · ".join(
            (f"{t(f'kind.{kind}', lang)}: " if kind else "") + "; ".join(_summary(c, version, lang) for c in criteria)
            for kind, criteria in award.all_criteria()),
    } for version in versions for award_id, award in version.rules.awards.items()]

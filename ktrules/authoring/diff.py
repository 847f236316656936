"""What changes between two evaluations of the same records (`ktrules diff`).

A rule author evaluates once before and once after a change (two dates in force, or two rule
folders) and reads every subject and award whose verdict moved, with the criteria that moved it.
Verdicts are matched by (subject, award) and criteria by id, never by object identity, so two
loads of the same rules compare equal.

Each `Change` has a `kind`: `verdict` (the verdict differs, or exists on one side only) or
`criteria` (same verdict, some criterion result differs). Ranks (`ktrules rank`) can join as a
third kind without touching the other two.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ktrules.common.messages import t
from ktrules.common.output import render
from ktrules.documents.formatting import day
from ktrules.documents.report import condition, show_evidence, show_reading, subject_name, unit_of
from ktrules.engine.evaluate import AwardVerdict, CriterionResult, Evaluation, awards_in_force, evaluate, rules_for
from ktrules.records.models import Dataset
from ktrules.rules import Leaf

ChangeKind = Literal["verdict", "criteria"]


@dataclass(frozen=True)
class CriterionChange:
    """One criterion whose result differs; a side is None when the criterion does not exist there."""

    id: str
    before: CriterionResult | None
    after: CriterionResult | None


@dataclass(frozen=True)
class Change:
    """A (subject, award) that moved: both verdicts (None on a side that has none) and the criteria that moved."""

    kind: ChangeKind
    subject: str
    award: str
    before: AwardVerdict | None
    after: AwardVerdict | None
    criteria: tuple[CriterionChange, ...]

    @property
    def verdicts(self) -> tuple[str | None, str | None]:
        return (self.before.verdict if self.before else None, self.after.verdict if self.after else None)


@dataclass(frozen=True)
class AwardSummary:
    """Per award: verdicts changed, verdicts kept whose criteria changed, and who became / ceased to be eligible."""

    award: str
    verdicts: int
    criteria_only: int
    now_eligible: int
    no_longer_eligible: int


def _nodes(verdict: AwardVerdict | None) -> dict[str, CriterionResult]:
    if verdict is None:
        return {}
    return {node.criterion.id: node for root in verdict.criteria for _, node in root.flatten()}


def _criteria(before: AwardVerdict | None, after: AwardVerdict | None) -> tuple[CriterionChange, ...]:
    old, new = _nodes(before), _nodes(after)
    ids = [*new, *(i for i in old if i not in new)]  # the newer tree's order, then what it dropped
    return tuple(CriterionChange(i, old.get(i), new.get(i)) for i in ids
                 if (old[i].result if i in old else None) != (new[i].result if i in new else None))


def diff(before: Evaluation, after: Evaluation) -> list[Change]:
    """Every (subject, award) whose verdict or criteria results differ between two evaluations."""
    old = {(v.subject, v.award): v for v in before.verdicts}
    new = {(v.subject, v.award): v for v in after.verdicts}
    changes = []
    for key in _ordered(before, after, old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        criteria = _criteria(was, now)
        if was is None or now is None or was.verdict != now.verdict:
            changes.append(Change("verdict", *key, was, now, criteria))
        elif criteria:
            changes.append(Change("criteria", *key, was, now, criteria))
    return changes


def sides(records: Dataset, period: int, before: Mapping[str, Any], after: Mapping[str, Any],
          awards: Sequence[str] = (), **narrow: Any) -> tuple[Evaluation, Evaluation]:
    """The two evaluations to compare: `before` and `after` hold each side's `as_of` and `rules`, `narrow`
    the rest of what `evaluate` takes. Of `awards` (every one when none is given), each side evaluates
    those its rules give: an award only one side has then reads as new or gone, as it does among every
    award. One that neither side has is refused as `evaluate` refuses it."""
    if not awards:
        return evaluate(records, period, **before, **narrow), evaluate(records, period, **after, **narrow)
    given = [awards_in_force(rules_for(side["rules"], period, side["as_of"], narrow.get("campaign")), period)
             for side in (before, after)]
    if any(a not in given[0] and a not in given[1] for a in awards):
        evaluate(records, period, awards=awards, **before, **narrow)  # refused, naming what the rules have
    evaluations = []
    for side, in_force in zip((before, after), given, strict=True):
        mine = [a for a in awards if a in in_force]
        # a side without any award asked weighs no one: its rules and date are still shown
        evaluations.append(evaluate(records, period, awards=mine, **side, **narrow) if mine else
                           evaluate(records, period, within=frozenset(), **side, **narrow))
    return evaluations[0], evaluations[1]


def _ordered(before: Evaluation, after: Evaluation, keys: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Keys in a fixed order: units then people by id (`Dataset.position`), awards as the rule files list them."""
    subjects: dict[str, int] = {}
    awards: dict[str, int] = {}
    for ev in (after, before):
        ds = ev.dataset
        for s in [*(u.id for u in ds.units_in_order()), *sorted(ds.people_by_id, key=ds.position.__getitem__)]:
            subjects.setdefault(s, len(subjects))
        for a in ev.version.rules.awards:
            awards.setdefault(a, len(awards))
    return sorted(keys, key=lambda k: (subjects.get(k[0], len(subjects)), k[0], awards.get(k[1], len(awards)), k[1]))


def summarize(changes: Sequence[Change]) -> list[AwardSummary]:
    """Counts by award, awards in the order their first change appears."""
    out = []
    for award in dict.fromkeys(c.award for c in changes):
        mine = [c for c in changes if c.award == award]
        out.append(AwardSummary(
            award,
            verdicts=sum(c.kind == "verdict" for c in mine),
            criteria_only=sum(c.kind == "criteria" for c in mine),
            now_eligible=sum(c.verdicts[0] != "eligible" and c.verdicts[1] == "eligible" for c in mine),
            no_longer_eligible=sum(c.verdicts[0] == "eligible" and c.verdicts[1] != "eligible" for c in mine)))
    return out


# --- what a user reads ---------------------------------------------------------------------------

FORMATS = ("text", "table", "json")
_MARK = {"passed": "✓", "failed": "✗", "undecided": "?"}


def _award_name(award: str, before: Evaluation, after: Evaluation, lang: str) -> str:
    for ev in (after, before):
        if award in ev.version.rules.awards:
            return ev.award(award).name.in_(lang)
    return award


def _side(node: CriterionResult | None, evaluation: Evaluation, lang: str) -> dict[str, Any] | None:
    if node is None:
        return None
    c = node.criterion
    out: dict[str, Any] = {"result": node.result, "text": c.text.in_(lang), "cite": c.cite}
    if isinstance(c, Leaf) and node.reading is not None:
        unit = unit_of(evaluation.version, c)  # as explain words it: 75%, 6 tháng
        out |= {"fact": c.fact, "value": show_reading(node.reading, lang, unit),
                "condition": condition(c, node.threshold, lang, unit),
                "evidence": show_evidence(node.reading, lang, evaluation)}  # members by name, as in explain
    return out


def change_record(change: Change, before: Evaluation, after: Evaluation, lang: str) -> dict[str, Any]:
    """One change as JSON: both verdicts, and each changed criterion with its text, citation and value on each side."""
    return {
        "kind": change.kind, "subject": change.subject, "name": subject_name(after, change.subject),
        "award": change.award, "award_name": _award_name(change.award, before, after, lang),
        "verdict_before": change.verdicts[0], "verdict_after": change.verdicts[1],
        "criteria": [{"id": c.id, "before": _side(c.before, before, lang), "after": _side(c.after, after, lang)}
                     for c in change.criteria],
    }


def _verdict(verdict: str | None, lang: str) -> str:
    return t(verdict, lang) if verdict else t("diff.no_verdict", lang)


def _result(side: dict[str, Any] | None, lang: str) -> str:
    return t(side["result"], lang) if side else "—"  # no such criterion on that side


def _side_line(side: dict[str, Any] | None, lang: str) -> str:
    """A criterion on one side in one line: result, value read, citation."""
    if side is None:
        return t("diff.absent", lang)
    parts = [f"{_MARK[side['result']]} {t(side['result'], lang)}"]
    if "fact" in side:
        parts.append(t("explain.read", lang, fact=side["fact"], value=side["value"], condition=side["condition"]))
    parts.append(t("explain.cite", lang, cite=side["cite"]))
    return " · ".join(parts)


def _block(record: dict[str, Any], lang: str) -> str:
    """One change as a rule author reads it: the verdicts, then each changed criterion on both sides."""
    verdicts = " → ".join(_verdict(v, lang) for v in (record["verdict_before"], record["verdict_after"]))
    if record["kind"] == "criteria":
        verdicts = t("diff.unchanged", lang, verdict=_verdict(record["verdict_after"], lang))
    lines = [f"{record['name']} ({record['subject']}), {record['award_name']} ({record['award']}): {verdicts}"]
    for c in record["criteria"]:
        shown = c["after"] or c["before"]
        lines += [f"    {shown['text']} [{c['id']}]",
                  "        " + t("diff.before", lang, side=_side_line(c["before"], lang)),
                  "        " + t("diff.after", lang, side=_side_line(c["after"], lang))]
    return "\n".join(lines)


def _row(record: dict[str, Any], lang: str) -> dict[str, Any]:
    """One change as a table row: the criteria in short, `id: before → after`."""
    return {**record, "verdict_before": _verdict(record["verdict_before"], lang),
            "verdict_after": _verdict(record["verdict_after"], lang),
            "criteria": "; ".join(f"{c['id']}: {_result(c['before'], lang)} → {_result(c['after'], lang)}"
                                  for c in record["criteria"])}


def _summary_rows(changes: Sequence[Change], before: Evaluation, after: Evaluation, lang: str) -> list[dict[str, Any]]:
    order = {a: i for i, a in enumerate(dict.fromkeys([*after.version.rules.awards, *before.version.rules.awards]))}
    return [{"award": s.award, "award_name": _award_name(s.award, before, after, lang), "verdicts": s.verdicts,
             "criteria_only": s.criteria_only, "now_eligible": s.now_eligible,
             "no_longer_eligible": s.no_longer_eligible}
            for s in sorted(summarize(changes), key=lambda s: order.get(s.award, len(order)))]


def render_diff(before: Evaluation, after: Evaluation, changes: Sequence[Change], listed: Sequence[Change],
                fmt: str, lang: str, folders: tuple[str, str]) -> str:
    """The `listed` changes as text, a table or JSON, with both sides and the counts by award of all `changes`."""
    records = [change_record(c, before, after, lang) for c in listed]
    summary = _summary_rows(changes, before, after, lang)
    if fmt == "json":
        sides = [{"rules_version": ev.version.label, "as_of": ev.as_of.isoformat(), "rules": folder}
                 for ev, folder in zip((before, after), folders, strict=True)]
        return json.dumps({"before": sides[0], "after": sides[1], "summary": summary, "changes": records},
                          ensure_ascii=False, indent=2, default=str)
    lines = [t("diff.before", lang, side=t("diff.side", lang, version=before.version.label,
                                            as_of=day(before.as_of, lang), rules=folders[0])),
             t("diff.after", lang, side=t("diff.side", lang, version=after.version.label,
                                           as_of=day(after.as_of, lang), rules=folders[1])), ""]
    # an award one side's rules lack moves every verdict it has: one line, not one block a subject
    one_sided = _one_sided(before, after, changes, lang)
    records = [r for r in records if r["award"] not in one_sided]
    lines += [*one_sided.values(), ""] if one_sided else []
    if records and fmt == "table":
        columns = {"subject": t("col.subject", lang), "name": t("col.name", lang),
                   "award_name": t("col.award", lang), "verdict_before": t("diff.col.before", lang),
                   "verdict_after": t("diff.col.after", lang), "criteria": t("diff.col.criteria", lang)}
        lines += [render([_row(r, lang) for r in records], "table", columns,
                         widths={"name": 24, "award_name": 22, "verdict_before": 14, "verdict_after": 14,
                                 "criteria": 48}), ""]
    elif records:
        lines += [_block(r, lang) + "\n" for r in records]
    if summary:
        columns = {"award_name": t("col.award", lang), "verdicts": t("diff.col.verdicts", lang),
                   "criteria_only": t("diff.col.criteria_only", lang),
                   "now_eligible": t("diff.col.now_eligible", lang),
                   "no_longer_eligible": t("diff.col.no_longer_eligible", lang)}
        lines += [render(summary, "table", columns, widths={"award_name": 40}), ""]
    lines.append(_total(changes, listed, lang))
    return "\n".join(lines)


def _one_sided(before: Evaluation, after: Evaluation, changes: Sequence[Change], lang: str) -> dict[str, str]:
    """A line for each award the rules of one side do not have, by award id."""
    old, new = before.version.rules.awards, after.version.rules.awards
    counts = {award: sum(c.award == award for c in changes)
              for award in {*old, *new} if (award in old) != (award in new)}
    return {award: t("diff.award_removed" if award in old else "diff.award_added", lang, n=n,
                     award=f"{_award_name(award, before, after, lang)} ({award})")
            for award, n in sorted(counts.items()) if n}


def _total(changes: Sequence[Change], listed: Sequence[Change], lang: str) -> str:
    if not changes:
        return t("diff.none", lang)
    criteria = sum(c.kind == "criteria" for c in changes)
    hidden = criteria and not any(c.kind == "criteria" for c in listed)
    return (t("diff.total", lang, verdicts=sum(c.kind == "verdict" for c in changes), criteria=criteria)
            + (t("diff.hint", lang) if hidden else ""))

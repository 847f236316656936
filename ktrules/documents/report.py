"""Verdicts as a user reads them: rows for check, a criteria tree for explain (text or JSON)."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import Any

from ktrules.common.errors import KtrulesError, suggest
from ktrules.common.messages import counted, t
from ktrules.common.vocabulary import DISCIPLINE_RANK, RATING_RANK
from ktrules.council.dossier import DossierStatus, dossiers
from ktrules.council.ranking import Candidate, RankedList
from ktrules.documents.formatting import dates_in, day, number, percent
from ktrules.engine.evaluate import OUTCOME_AGAINST, AwardVerdict, CriterionResult, Evaluation
from ktrules.engine.facts import Reading
from ktrules.engine.inputs import packed_campaigns, unpacked_campaigns
from ktrules.records.models import Dataset
from ktrules.rules import COMPARISONS, DEFAULT_RULES, Criterion, Leaf, LoadedVersion

_MARK = {"passed": "✓", "failed": "✗", "undecided": "?"}


def subject_name(evaluation: Evaluation, subject: str) -> str:
    return subject_name_in(evaluation.dataset, subject)


def _show(value: object, lang: str, unit: str = "") -> str:
    if value is None:
        return t("value.missing", lang)
    if isinstance(value, bool):
        return t(f"value.{str(value).lower()}", lang)
    if value == "none":
        return t("value.none", lang)
    if isinstance(value, str) and value in DISCIPLINE_RANK:
        return t(f"ev.discipline.{value}", lang, v="").strip()
    if isinstance(value, str) and value in RATING_RANK:  # a rating by its words, as the council writes it
        return t(f"value.rating.{value}", lang)
    if unit == "share" and isinstance(value, int | float):
        return percent(value, lang)
    shown = number(value, lang) if isinstance(value, float) else str(value)
    if unit and isinstance(value, int | float):  # "105 tháng", "1 month"
        return t(f"unit.{unit}" if value != 1 else f"unit.{unit}.one", lang, n=shown)
    return shown


_MEMBERS = frozenset({"met", "not_met", "undecided"})  # evidence that names a member


def show_evidence(reading: Reading, lang: str, evaluation: Evaluation | None = None) -> list[str]:
    """The records a reading rests on, in words: dates as the reader writes them, a council's yes or no;
    given the evaluation, members by their names (`Lê Văn Cường (p05)`), as a council member reads them."""
    return [t(f"ev.{kind}", lang, v=_named(kind, value, evaluation, lang) if evaluation else
              _evidence_value(kind, value, lang)) for kind, value in reading.evidence]


def _named(kind: str, value: object, evaluation: Evaluation, lang: str) -> object:
    """Evidence with what its ids name: a member (`Lê Văn Cường (p05)`), an award, a khối thi đua."""
    if not isinstance(value, str):
        return _evidence_value(kind, value, lang)
    if kind in _MEMBERS:
        name = subject_name(evaluation, value)
        return f"{name} ({value})" if name != value else value
    if kind.startswith("verdict."):
        return _award_name(evaluation, value, lang)
    if kind == "reset":  # "CSTD_TINH 2022"
        award, _, year = value.partition(" ")
        return f"{_award_name(evaluation, award, lang)} ({year})"
    if kind in ("spent", "spent_inferred"):  # "sk-1 (GIAY_KHEN 2024)": the initiative, and what used it
        initiative, _, used = value.partition(" (")
        award, _, year = used.removesuffix(")").partition(" ")
        return f"{initiative} ({t('ev.award_of', lang, award=_award_name(evaluation, award, lang), year=year)})"
    if kind == "maybe_spent":  # "CSTDCS 2023: 1 ∈ {sk-1, sk-2}"
        conferral, _, which = value.partition(": ")
        award, _, year = conferral.partition(" ")
        return f"{t('ev.award_of', lang, award=_award_name(evaluation, award, lang), year=year)}: {which}"
    if kind == "bloc":
        return evaluation.dataset.bloc_name(value)
    if kind == "held":  # "2024: HTXS", "2024: CSTDCS (2024)" (this run's verdict), "2022: QĐ 21/…"
        year, _, label = value.partition(": ")
        return f"{year}: {_held_label(evaluation, label, lang)}"
    if kind.startswith("discipline.") and ": " in value:  # a member's ("p09: 2024-05-20"): by name
        member, _, when = value.partition(": ")
        name = subject_name(evaluation, member)
        return f"{name} ({member}): {dates_in(when, lang)}" if name != member else dates_in(value, lang)
    return _evidence_value(kind, value, lang)


def _held_label(evaluation: Evaluation, label: str, lang: str) -> str:
    """What held an award or a rating in a year, in words: a rating's, an award's name (eligible in this
    run when it carries the period), or the decision that conferred it as written."""
    if label in RATING_RANK:
        return t(f"value.rating.{label}", lang)
    award, _, rest = label.partition(" (")
    if award in evaluation.version.rules.awards:
        name = _award_name(evaluation, award, lang)
        return t("ev.held.this_run", lang, award=name) if rest else name
    return label


def _evidence_value(kind: str, value: object, lang: str) -> object:
    if isinstance(value, date):
        return day(value, lang)
    if isinstance(value, float):  # months of work and leave: "4,5 tháng"
        return number(value, lang)
    if not isinstance(value, str):
        return value
    if kind == "assessment":  # "doan_ket: true": the criterion above names what was assessed
        return t(f"value.{value.rpartition(': ')[2]}", lang)
    # the engine keeps these dates as ISO text ("2013-02-01", "p05: 2024-09-16"); ids are left as given
    return dates_in(value, lang) if kind == "recruited" or kind.startswith("discipline.") else value


def show_reading(reading: Reading, lang: str, unit: str = "") -> str:
    """The value read, in its `unit` (see `unit_of`)."""
    if reading.value is None and reading.low is not None and reading.high is None:
        return t("value.at_least", lang, low=_show(reading.low, lang, unit))
    if reading.value is None and reading.low is not None:
        # "trong khoảng 0 đến 1 năm": the unit once, after the high bound; a percentage on both
        low = _show(reading.low, lang, "share" if unit == "share" else "")
        return t("value.between", lang, low=low, high=_show(reading.high, lang, unit))
    return _show(reading.value, lang, unit)


# what the value of a fact counts, by its operator: a reader reads "105" as "105 tháng"
_UNITS = {"member_share": "share", "months_since_recruitment": "months", "months_worked": "months",
          "consecutive_years": "years", "years_holding": "years", "member_count": "people",
          "achievements": "achievements", "bloc_rank": "rank"}


def unit_of(version: LoadedVersion, leaf: Leaf) -> str:
    """The unit a leaf's value is read in: "share" (0 to 1, shown as a percentage), "months", "years",
    "times" (holdings of an award), "initiatives" (or "initiatives_projects"), "people", "achievements",
    "rank", or "" for a rating or a yes or no."""
    spec = version.rules.facts.get(leaf.fact)
    op = getattr(spec, "op", "")
    if op in ("consecutive_years", "years_holding") and spec.award and not spec.min_rating:  # type: ignore[union-attr]
        return "times"  # "02 lần liên tục đạt Chiến sĩ thi đua cơ sở": an award is held so many times
    if op == "initiatives":
        return "initiatives" if set(spec.kinds) == {"sang_kien"} else "initiatives_projects"  # type: ignore[union-attr]
    return _UNITS.get(op, "")


def condition(leaf: Leaf, threshold: object, lang: str, unit: str = "") -> str:
    op = leaf.comparison[0]
    if isinstance(threshold, str) and threshold in RATING_RANK and op in ("at_least", "at_most"):
        return t(f"value.rating.{op}", lang, rating=_show(threshold, lang))
    return f"{_SIGNS[op]} {_show(threshold, lang, unit)}"


_SIGNS = {op: sign.replace(">=", "≥").replace("<=", "≤") for op, sign in COMPARISONS.items()}


def reasons(evaluation: Evaluation, verdict: AwardVerdict, lang: str) -> str:
    """The leaves that kept a verdict from being eligible, by their words and the value read; a deferral
    first. Words, not criterion ids: a secretary reads this column, and `explain` gives the ids."""
    wanted = OUTCOME_AGAINST.get(verdict.verdict)
    if wanted is None:
        return ""
    readings = verdict.readings
    failed = "; ".join([_reason(evaluation, leaf, readings[leaf.fact], lang) for leaf in _against(verdict, wanted)])
    return f"{deferral(evaluation, verdict, lang)}; {failed}" if verdict.deferred else failed  # not cached: per subject


def _against(verdict: AwardVerdict, wanted: str) -> tuple[Leaf, ...]:
    """The leaves whose outcome is `wanted`, in the order of the tree: once for each profile (subjects whose
    outcomes are alike share one mapping), found by identity; the entry holds what it names, as in `_reused`."""
    identity = (id(verdict.roots), id(verdict.outcomes), wanted)
    found = _AGAINST.get(identity)
    if found is None:
        leaves = tuple(leaf for leaf, outcome, _ in verdict.leaf_results() if outcome == wanted)
        found = worded(_AGAINST, identity, lambda: (verdict.roots, verdict.outcomes, leaves), _IDENTITY_LIMIT)
    return found[2]


def _reason(evaluation: Evaluation, leaf: Leaf, reading: Reading, lang: str) -> str:
    """One leaf of the reasons column, by what it shows: the value read and its bounds, never the evidence.
    Keyed so, it is shared by subjects whose records differ only in ids and dates (a run of years, the
    initiatives counted), which the whole explanation is not."""
    value, low, high = reading.value, reading.low, reading.high
    # the types too: 12 and 12.0 (and True) are equal but shown apart
    return worded(_REASON, (id(leaf), value, type(value), low, type(low), high, type(high), lang),
                  lambda: f"{leaf.text.in_(lang)} ({show_reading(reading, lang, unit_of(evaluation.version, leaf))})")


def verdict_label(verdict: AwardVerdict, lang: str) -> str:
    """The verdict in words: "Hoãn xét" for a refusal that rests only on a pending matter."""
    return t("deferred", lang) if verdict.deferred else t(verdict.verdict, lang)


def deferral(evaluation: Evaluation, verdict: AwardVerdict, lang: str) -> str:
    """Why a verdict is deferred: the pending matters, the subject's other deferred awards it waits on, and
    that the council decides when they close."""
    matters = "; ".join(leaf.text.in_(lang) for leaf in verdict.deferred)
    if not verdict.waits_on:
        return t("deferred.reason", lang, matters=matters)
    awards = ", ".join(evaluation.award(award).name.in_(lang) for award in verdict.waits_on)
    return t("deferred.reason_waiting", lang, matters=matters, awards=awards, period=evaluation.period)


def criteria_json(verdict: AwardVerdict, lang: str) -> str:
    """The `criteria` of a verdict's row as JSON text, written once per distinct explanation."""
    return _reused(_CRITERIA_JSON, verdict, lang, "criteria", lambda: _criteria_text(verdict, lang))


def _criteria_text(verdict: AwardVerdict, lang: str) -> str:
    """The criteria as JSON text, without building the tree: the groups' words depend only on the
    leaves' outcomes, so they are written once per (criteria, outcomes) as a shape with a place for each
    leaf, and each leaf's words once per (leaf, outcome, reading)."""
    found = list(verdict.leaf_results())
    shape = worded(_SHAPES, (id(verdict.roots), tuple(outcome for _, outcome, _ in found), lang),
                    lambda: _shape(verdict, lang))
    parts = []
    for part in shape:
        if isinstance(part, str):
            parts.append(part)
            continue
        leaf, outcome, reading = found[part[0]]
        node = CriterionResult(leaf, outcome, reading, verdict.thresholds[id(leaf)])
        parts.append(_criterion_json(node, part[1], lang))
    return f"[{', '.join(parts)}]"


def _shape(verdict: AwardVerdict, lang: str) -> list[str | tuple[int, int]]:
    """The criteria in the order of the tree: a group's words as JSON text, a leaf as (its place among
    the leaves, its depth)."""
    shape: list[str | tuple[int, int]] = []
    leaves = 0
    for root in verdict.criteria:
        for depth, node in root.flatten():
            if isinstance(node.criterion, Leaf):
                shape.append((leaves, depth))
                leaves += 1
            else:
                shape.append(_criterion_json(node, depth, lang))
    return shape


def _criterion_json(node: CriterionResult, depth: int, lang: str) -> str:
    return worded(_CRITERION_JSON, _node_key(node, depth, lang),
                   lambda: json.dumps(_criterion(node, depth, lang), ensure_ascii=False, default=str))


# Explanations repeat: a province of 100,000 people has a few thousand distinct ones per award. The
# leaves' outcomes and readings settle a verdict's whole explanation (groups follow from leaves), so
# its words are made once per distinct key below and reused. Keys hold criteria by identity: they
# belong to loaded rule versions, which stay loaded (cached).
_REASON: dict[tuple, str] = {}  # a leaf of the reasons column, by `_reason`'s key
_CRITERIA_JSON: dict[tuple, str] = {}
_CRITERION_JSON: dict[tuple, str] = {}  # one criterion's words as JSON text, by `_node_key`
_SHAPES: dict[tuple, list] = {}  # criteria's words with a place for each leaf, by (criteria, outcomes, language)
_BY_IDENTITY: dict[tuple, tuple[Any, Any, str]] = {}
_AGAINST: dict[tuple, tuple[Any, Any, tuple[Leaf, ...]]] = {}  # the leaves that kept a verdict, by `_against`
_CACHE_LIMIT = 200_000  # entries; past it a cache starts again, bounding memory on odd data
# fewer: its entries keep readings alive, and a server's requests never share them (check's rows are
# found by identity in `verdicts._Rows`, for the call only)
_IDENTITY_LIMIT = 4_096


def _reused(cache: dict[tuple, str], verdict: AwardVerdict, lang: str, part: str, word: Any) -> str:
    """A part of a verdict's explanation from `cache`, made by `word` the first time its key is seen.

    Subjects that read alike share their outcomes and readings objects (`engine.columns`), so the
    key, costly to hash, is made once per such pair: the entry holds the pair itself, so their ids
    cannot be reused by other objects while it exists. Outcomes and readings are never changed."""
    identity = (id(verdict.outcomes), id(verdict.readings), id(verdict.roots), lang, part)
    found = _BY_IDENTITY.get(identity)
    if found is None:
        text = worded(cache, (*explanation_key(verdict, lang), part), word)
        found = worded(_BY_IDENTITY, identity, lambda: (verdict.outcomes, verdict.readings, text), _IDENTITY_LIMIT)
    return found[2]


def explanation_key(verdict: AwardVerdict, lang: str) -> tuple:
    """What settles a verdict's explanation in `lang`: its criteria and each leaf's outcome and reading."""
    # the value's type too: Reading(12) == Reading(12.0) == Reading(True), which are worded 12, 12.0, true
    return id(verdict.roots), lang, tuple((outcome, reading, type(reading.value))
                                          for _, outcome, reading in verdict.leaf_results())


def worded(cache: dict[tuple, Any], key: tuple, word: Any, limit: int = _CACHE_LIMIT) -> Any:
    """`cache[key]`, made by `word()` the first time; past `limit` entries the cache starts again."""
    found = cache.get(key)
    if found is None:
        if len(cache) > limit:
            cache.clear()
        found = cache[key] = word()
    return found


SUBJECT_FIELDS = ("subject", "name", "unit")  # the fields of a row that belong to its subject, first in every row


def subject_fields(evaluation: Evaluation, subject: str) -> dict[str, Any]:
    """The subject's fields of its rows: id, name and, for a person, the unit of the period."""
    ds = evaluation.dataset
    unit = ds.unit_of(subject, evaluation.period) if subject in ds.people_by_id else None
    return {"subject": subject, "name": subject_name(evaluation, subject), "unit": unit}


def row(evaluation: Evaluation, verdict: AwardVerdict, lang: str, criteria: bool = True,
        subject: bool = True) -> dict[str, Any]:
    """One verdict as a record: the flat columns of check and, unless `criteria` is false, its
    criteria for JSON; without the subject's fields (`SUBJECT_FIELDS`) when `subject` is false."""
    award = evaluation.award(verdict.award)
    return {
        **(subject_fields(evaluation, verdict.subject) if subject else {}),
        "award": verdict.award,
        "award_name": award.name.in_(lang),
        "period": verdict.period,
        "as_of": evaluation.as_of.isoformat(),
        "verdict": verdict.verdict,
        "verdict_label": verdict_label(verdict, lang),
        "deferred": bool(verdict.deferred),
        "rules_version": evaluation.version.label,
        "reasons": reasons(evaluation, verdict, lang),
        "initiatives_used": list(verdict.used),
        **({"criteria": [_criterion(node, depth, lang) for root in verdict.criteria
                         for depth, node in root.flatten()]} if criteria else {}),
    }


# Many people read the same values (HTT, twelve months, no discipline): their criteria read alike,
# so each distinct (criterion, result, reading) is put into words once. Entries are never mutated.
_WORDED: dict[tuple, dict[str, Any]] = {}


def _criterion(node: CriterionResult, depth: int, lang: str) -> dict[str, Any]:
    return worded(_WORDED, _node_key(node, depth, lang), lambda: _word(node, depth, lang))


def _node_key(node: CriterionResult, depth: int, lang: str) -> tuple:
    return (id(node.criterion), node.result, node.reading, type(node.reading and node.reading.value), node.threshold,
            depth, lang)


def _word(node: CriterionResult, depth: int, lang: str) -> dict[str, Any]:
    c, reading = node.criterion, node.reading
    out: dict[str, Any] = {
        "id": c.id, "depth": depth, "text": c.text.in_(lang), "cite": c.cite, "result": node.result,
        "verified": c.verified, "qualitative": c.qualitative,
        "presumed": bool(reading and reading.note == "presumed"),
    }
    if isinstance(c, Leaf) and reading is not None:
        out |= {"fact": c.fact, "value": reading.value, "low": reading.low, "high": reading.high,
                "condition": condition(c, node.threshold, lang), "evidence": show_evidence(reading, lang),
                "note": _note(node, lang) if reading.note else None}
    else:
        out |= {"combine": c.combinator[0], "evidence": []}
    return out


# notes that say what is missing: under a criterion the missing part did not decide, they say so
_MISSING = frozenset({"not_recorded", "members_undecided", "depends_on_incomplete", "past_year_not_rated",
                      "record_conferral_initiatives"})


def _note(node: CriterionResult, lang: str) -> str:
    assert node.reading is not None and node.reading.note
    note = t(f"note.{node.reading.note}", lang)
    return t("note.no_effect", lang, note=note) if node.result != "undecided" and node.reading.note in _MISSING \
        else note


def heading(evaluation: Evaluation, lang: str) -> str:
    """Whose records, which year and which rules; then a notice when the pack may be out of date."""
    rules = evaluation.version.rules
    line = t("heading", lang, org=evaluation.dataset.organization.name, period=evaluation.period,
             version=evaluation.version.label, title=rules.title.in_(lang), as_of=day(evaluation.as_of, lang))
    notice = rules_notice(evaluation, lang)
    return f"{line}\n{notice}" if notice else line


def _until(end: date | None, lang: str) -> str:
    return day(end, lang) if end else "…"


def rules_notice(evaluation: Evaluation, lang: str) -> str | None:
    """A notice that the rules applied may not be those meant: taken on a date before the period began
    (an --as-of mistyped, or the older rules on purpose), or later changes of the law not in the pack."""
    notices = [t("as_of.before", lang, day=day(evaluation.as_of, lang), period=evaluation.period,
                 version=evaluation.version.label)] if evaluation.as_of < date(evaluation.period, 1, 1) else []
    return " ".join(filter(None, [*notices, _review_notice(evaluation, lang)])) or None


def _review_notice(evaluation: Evaluation, lang: str) -> str | None:
    """Later changes of the law are not in the pack, when the period or the date the rules are taken on
    falls after the day the pack was checked against the law (`reviewed`)."""
    pack = evaluation.version.pack
    latest = max(evaluation.as_of, date(evaluation.period, 12, 31))
    if pack.reviewed is None or latest <= pack.reviewed:
        return None
    return " ".join([t("review.notice", lang, pack=pack.id, reviewed=day(pack.reviewed, lang)),
                     *reported_changes(evaluation, lang, latest)])


def reported_changes(evaluation: Evaluation, lang: str, by: date) -> list[str]:
    """The changes of the law the pack lists as reported but not encoded (`watch`) in force by `by`."""
    return [t("review.watch", lang, cite=w.cite, day=day(w.in_force, lang), changes=w.changes.in_(lang),
              unverified=t("review.unverified", lang) if not w.verified else "")
            for w in evaluation.version.pack.watch if w.in_force <= by]


def years_text(years: list[int]) -> str:
    """2021–2025 when no year is missing between, else each."""
    if len(years) == 1:
        return str(years[0])
    return f"{years[0]}–{years[-1]}" if years[-1] - years[0] == len(years) - 1 else ", ".join(map(str, years))


def nothing_evaluated(records: Dataset, period: int, narrowed: bool, lang: str | None = None) -> str:
    """Why a run gave no verdict at all: --award and --subject left nothing, the campaign awards nothing
    that year, or the year has no records (a mistyped period, with the years the records hold)."""
    if narrowed:
        return t("err.nothing_matched", lang, period=period)
    years = records.years
    if period in years:  # records there are: the campaign awards nothing that year
        return t("err.nothing_evaluated.chosen", lang, period=period) + "; " + \
            t("err.nothing_to_write.chosen.hint", lang)
    hint = t("err.nothing_to_write.hint", lang, years=years_text(years)) if years else None
    return t("err.nothing_evaluated", lang, period=period) + (f"; {hint}" if hint else "")


def unweighed(evaluation: Evaluation, award: str, lang: str | None = None) -> str | None:
    """Why no one was weighed for `award` (a year without records), as `nothing_evaluated` says it; None
    when someone was: `rank`'s list is then the answer, empty or not."""
    if any(v.award == award for v in evaluation.verdicts):
        return None
    return nothing_evaluated(evaluation.dataset, evaluation.period, False, lang)


def worth_writing(evaluation: Evaluation, source: str | Path, page: bool = False) -> Evaluation:
    """An evaluation worth a packet or văn bản, else the refusal: a year without records would give papers
    with no one on them, a likely mistyped period. `page`: the hint names the start page's fields, not the
    command's options."""
    if evaluation.verdicts:
        return evaluation
    where = "server." if page else "err."
    years = evaluation.dataset.years
    if evaluation.period in years:  # records there are: --award or the campaign's years left no verdict
        raise KtrulesError(t("err.nothing_to_write.chosen", period=evaluation.period), file=source,
                           hint=t(f"{where}nothing_to_write.chosen.hint"))
    raise KtrulesError(t("err.nothing_to_write", period=evaluation.period), file=source,
                       hint=t(f"{where}nothing_to_write.hint", years=years_text(years)) if years else None)


def record_notices(dataset: Dataset, period: int, lang: str, shown: int = 10,
                   subjects: Collection[str] = (), rules: Path = DEFAULT_RULES) -> list[str]:
    """What the records hold that may not be what the secretary meant, read as it is written: people who
    seem present in the period without a record of it (no verdict, no place in their unit's shares), and
    disciplines dated in another year than their row (they count in the year of their date), and campaigns
    no pack under `rules` holds. Given `subjects` (a run asked for some), only what concerns them: their own
    records, and a unit's members'."""
    notices = []
    absent = [p for p in dataset.unrecorded(period) if not subjects or {p.id, p.unit} & set(subjects)]
    if absent:
        names = ", ".join(f"{p.name} ({p.id})" for p in absent[:shown])
        more = t("unrecorded.more", lang, n=len(absent) - shown) if len(absent) > shown else ""
        notices.append(t("unrecorded.notice", lang, n=len(absent), period=period, names=names + more))
    misdated = [(r, d) for r, d in dataset.misdated(period)
                if not subjects or {r.subject, dataset.unit_of(r.subject, r.year)} & set(subjects)]
    if misdated:
        more = t("unrecorded.more", lang, n=len(misdated) - shown) if len(misdated) > shown else ""
        notices.append(t("misdated.notice", lang, items="; ".join(
            t("misdated.item", lang, name=subject_name_in(dataset, r.subject), subject=r.subject,
              level=t(f"ev.discipline.{d.level}", lang, v=day(d.date, lang)), row=r.year, year=d.date.year)
            for r, d in misdated[:shown]) + more))
    overstaffed = [(p, m, since) for _, p, m, since in dataset.overstaffed(period)
                   if not subjects or {p.id, dataset.unit_of(p.id, period)} & set(subjects)]
    if overstaffed:
        more = t("unrecorded.more", lang, n=len(overstaffed) - shown) if len(overstaffed) > shown else ""
        notices.append(t("overstaffed.notice", lang, period=period, items="; ".join(
            t("overstaffed.item", lang, name=p.name, subject=p.id, months=_show(m, lang, "months"),
              day=day(p.recruited, lang), since=_show(since, lang, "months"))  # type: ignore[arg-type]
            for p, m, since in overstaffed[:shown]) + more))
    unpacked = unpacked_campaigns(dataset, rules, subjects)
    if unpacked:
        known = packed_campaigns(rules)
        # close only: a campaign of the agency's own with no pack shares 'ntm-…-2021-2025' with others
        hints = {campaign: suggest(campaign, known, lang, cutoff=0.85) for campaign in unpacked}
        listed = list(unpacked.items())  # bounded as the names above are: an API gives these in a header
        items = "; ".join(counted("unpacked.item", n, lang, campaign=campaign)
                          + (f" ({hints[campaign]})" if hints[campaign] else "") for campaign, n in listed[:shown])
        items += t("unpacked.more", lang, n=len(listed) - shown) if len(listed) > shown else ""
        mistyped = f" {t('unpacked.mistyped', lang)}" if any(hints.values()) else ""
        notices.append(t("unpacked.notice", lang, campaigns=items) + mistyped)
    return notices


def notices(evaluation: Evaluation, lang: str) -> list[str]:
    """Every notice of a run, one paragraph each, for the packet and the pages: the rules' age, then the
    records' (`record_notices`)."""
    return [*filter(None, [rules_notice(evaluation, lang)]),
            *record_notices(evaluation.dataset, evaluation.period, lang, subjects=evaluation.subjects,
                            rules=evaluation.rules)]


def subject_name_in(dataset: Dataset, subject: str) -> str:
    who = dataset.units_by_id.get(subject) or dataset.people_by_id.get(subject)
    return who.name if who else subject


def summary(evaluation: Evaluation, lang: str) -> str:
    """The counts of each verdict, then the deferred listed apart from the refused."""
    counts = {k: sum(v.verdict == k for v in evaluation.verdicts) for k in ("eligible", "not_eligible", "incomplete")}
    deferred = [v for v in evaluation.verdicts if v.deferred]
    lines = [t("summary", lang, n=len(evaluation.verdicts), **counts),
             *record_notices(evaluation.dataset, evaluation.period, lang, subjects=evaluation.subjects,
                             rules=evaluation.rules)]
    if deferred:
        lines.append(t("summary.deferred", lang, n=len(deferred)))
        lines.extend(f"  - {subject_name(evaluation, v.subject)} ({v.subject}): "
                     f"{evaluation.award(v.award).name.in_(lang)} — {deferral(evaluation, v, lang)}" for v in deferred)
    return "\n".join(lines)


def explanation(evaluation: Evaluation, verdict: AwardVerdict, lang: str) -> str:
    """Every criterion of the award, indented as the tree: result, text, citation, values read."""
    award = evaluation.award(verdict.award)
    rules = evaluation.version.rules
    lines = [
        t("explain.title", lang, name=subject_name(evaluation, verdict.subject), subject=verdict.subject,
          award=award.name.in_(lang), award_id=verdict.award, period=verdict.period),
        t("explain.verdict", lang, verdict=verdict_label(verdict, lang)),
        *([deferral(evaluation, verdict, lang)] if verdict.deferred else []),
        t("explain.rules", lang, version=evaluation.version.label, title=rules.title.in_(lang),
          start=day(rules.effective_from, lang), end=_until(rules.effective_to, lang),
          as_of=day(evaluation.as_of, lang)),
        *filter(None, [rules_notice(evaluation, lang)]),
        t("explain.sources", lang, sources="; ".join(s.title for s in rules.sources)),
        t("explain.cite", lang, cite=award.cite),
        *([t("explain.used", lang, used=", ".join(verdict.used))] if verdict.used else []),
        "",
    ]
    for root in verdict.criteria:
        for depth, node in root.flatten():
            lines.extend(_node_lines(node, "    " * depth, lang, evaluation))
    return "\n".join(lines)


def _node_lines(node: CriterionResult, indent: str, lang: str, evaluation: Evaluation) -> list[str]:
    c = node.criterion
    flags = [t("flag.qualitative", lang)] * c.qualitative + [t("flag.unverified", lang)] * (not c.verified)
    head = f"{indent}{_MARK[node.result]} {t(node.result, lang)}: {c.text.in_(lang)} [{c.id}]"
    lines = [head + (f" ({'; '.join(flags)})" if flags else "")]
    pad = indent + "    "
    lines.append(pad + t("explain.cite", lang, cite=c.cite))
    if isinstance(c, Leaf) and node.reading is not None:
        reading = node.reading
        unit = unit_of(evaluation.version, c)
        lines.append(pad + t("explain.value", lang, value=show_reading(reading, lang, unit),
                             condition=condition(c, node.threshold, lang, unit)))
        if reading.evidence:
            lines.append(pad + t("explain.evidence", lang,
                                 evidence=", ".join(show_evidence(reading, lang, evaluation))))
        if reading.note:
            lines.append(pad + _note(node, lang))
    else:
        lines.append(pad + t(f"explain.group.{c.combinator[0]}", lang))
    return lines


def _summary(node: Criterion, version: LoadedVersion, lang: str) -> str:
    """A criterion in a few words: `fact ≥ value`, groups in brackets; † marks an unverified reading."""
    mark = "" if node.verified else "†"
    if isinstance(node, Leaf):
        threshold = version.rules.value(node.comparison[1])
        if isinstance(threshold, str) and threshold in RATING_RANK:  # "rating ≥ HTT": a rule author's shorthand
            return f"{node.fact} {_SIGNS[node.comparison[0]]} {threshold}{mark}"
        return f"{node.fact} {condition(node, threshold, lang, unit_of(version, node))}{mark}"
    kind, children = node.combinator
    joiner = {"all": " & ", "any": t("rules.or", lang), "not": ""}[kind]
    inner = joiner.join(_summary(child, version, lang) for child in children)
    return f"{t('rules.not', lang) if kind == 'not' else ''}({inner}){mark}"


def rule_rows(versions: list[LoadedVersion], lang: str) -> list[dict[str, Any]]:
    """One row per award of each version: who it is for and its criteria in short."""
    return [{
        "version": version.label,
        "in_force": f"{day(version.rules.effective_from, lang)} – {_until(version.rules.effective_to, lang)}",
        # the same dates for a program (in JSON: the table and CSV show neither)
        "effective_from": version.rules.effective_from.isoformat(),
        "effective_to": version.rules.effective_to.isoformat() if version.rules.effective_to else None,
        "award": award_id,
        "name": award.name.in_(lang),
        "subject": t(f"kind.{award.subject}", lang),
        "criteria": " · ".join(
            (f"{t(f'kind.{kind}', lang)}: " if kind else "") + "; ".join(_summary(c, version, lang) for c in criteria)
            for kind, criteria in award.all_criteria()),
    } for version in versions for award_id, award in version.rules.awards.items()]


def campaign_rows(packs: list[list[LoadedVersion]], lang: str) -> list[dict[str, Any]]:
    """One row per campaign pack, from its pack.yaml and its latest version."""
    rows = []
    for versions in packs:
        info, latest = versions[0].pack, versions[-1].rules
        c = info.campaign
        if c is None:
            continue
        rows.append({
            "id": info.id, "name": c.name.in_(lang), "agency": f"{c.agency}, {c.plan}",
            "period": f"{c.first_year}–{c.last_year}" + (f" ({c.ends.strftime('%d/%m/%Y')})" if c.ends else ""),
            "reviews": ", ".join(t(f"review.{r.kind}", lang, year=r.year) for r in c.reviews),
            "rewards": "; ".join(f"{r.form} ({r.authority})" for r in c.rewards),
            "awards": ", ".join([*latest.awards, *(latest.include.awards if latest.include else [])]),
            "defers_to": [d.document for d in c.defers_to],
            "versions": [v.rules.version for v in versions],
        })
    return rows


def dossier_rows(evaluation: Evaluation, lang: str) -> list[dict[str, Any]]:
    """Each nominee's dossier: the documents present and those missing, by their names."""
    return [{
        "subject": status.subject, "name": subject_name(evaluation, status.subject), "award": status.award,
        "award_name": evaluation.award(status.award).name.in_(lang), "complete": status.complete,
        "present": "; ".join([", ".join(_document_names(status, lang)),
                              *(t("dossier.unknown", lang, v=u) for u in status.unknown)]).strip("; "),
        "missing": "; ".join(d.text.in_(lang) for d in status.missing) or t("dossier.complete", lang),
        "missing_ids": [d.id for d in status.missing],
        "unknown": list(status.unknown),
    } for status in dossiers(evaluation)]


def _document_names(status: DossierStatus, lang: str) -> list[str]:
    """The documents a dossier holds that its award asks for, by their names, as those missing are."""
    names = {d.id: d.text.in_(lang) for d in status.required}
    return [names[p] for p in status.present if p in names]


def _number(value: object, lang: str) -> str:
    return number(float(value), lang)  # type: ignore[arg-type]


def _award_name(evaluation: Evaluation, award: str | None, lang: str) -> str:
    found = evaluation.version.rules.awards.get(award or "")
    return found.name.in_(lang) if found else str(award)


def _group_name(evaluation: Evaluation, group: str, lang: str) -> str:
    """A ranking group by name: the khối thi đua's name when the records give one, else 'Khối <id>'."""
    if not group:
        return t("rank.group.organization", lang)
    name = evaluation.dataset.bloc_name(group)
    return name if name != group else t("rank.group.bloc", lang, bloc=group)


def _rank_reason(ranked: RankedList, candidate: Candidate, lang: str, ids: bool) -> str:
    limit = ranked.limits[candidate.group].limit
    if candidate.nominated:
        return t("rank.no_quota" if limit is None else "rank.in_quota", lang)
    over = t("rank.over_quota", lang, limit=limit)
    if candidate.behind is None:
        return over
    ahead = next(c for c in ranked.candidates if c.subject == candidate.behind)
    who = subject_name(ranked.evaluation, ahead.subject) + (f" ({ahead.subject})" if ids else "")
    if candidate.decided_by == "score":
        why = t("rank.behind.score", lang, who=who, a=_number(ahead.score, lang), b=_number(candidate.score, lang))
    elif candidate.decided_by == "order":
        why = t("rank.behind.order", lang, who=who)
    else:
        tie = ranked.tie_breaks[int(str(candidate.decided_by).split(":")[1])]
        why = t("rank.behind.tie", lang, who=who, tie=tie.text.in_(lang))
    return f"{over}; {why}"


def rank_rows(ranked: RankedList, lang: str, ids: bool = True) -> list[dict[str, Any]]:
    """One row per eligible candidate, in order: score, rank, whether proposed and why not; then,
    apart and unranked, those deferred by a pending matter. `ids` false names the one ahead without
    its id, as a văn bản does."""
    evaluation = ranked.evaluation
    award = evaluation.award(ranked.award)
    return [*candidate_rows(ranked, lang, ids), *({
        "subject": v.subject, "name": subject_name(evaluation, v.subject), "award": ranked.award,
        "award_name": award.name.in_(lang), "period": evaluation.period, "group": None, "group_name": "",
        "rank": None, "score": None, "nominated": False, "nominated_label": t("deferred", lang),
        "reason": deferral(evaluation, v, lang), "score_parts": [], "rules_version": evaluation.version.label,
    } for v in evaluation.verdicts if v.award == ranked.award and v.deferred)]


def candidate_rows(ranked: RankedList, lang: str, ids: bool = True) -> list[dict[str, Any]]:
    """One row per eligible candidate, in order (`rank_rows` without the deferred)."""
    evaluation = ranked.evaluation
    award = evaluation.award(ranked.award)
    return [{
        "subject": c.subject, "name": subject_name(evaluation, c.subject), "award": ranked.award,
        "award_name": award.name.in_(lang), "period": evaluation.period, "group": c.group or None,
        "group_name": _group_name(evaluation, c.group, lang), "rank": c.rank, "score": round(c.score, 3),
        "nominated": c.nominated,
        "nominated_label": t("yes" if c.nominated else "no", lang), "reason": _rank_reason(ranked, c, lang, ids),
        "score_parts": [{"id": p.item.id, "text": p.item.text.in_(lang), "points": p.points,
                         "value": p.reading.value, "cite": p.item.cite, "verified": p.item.verified}
                        for p in c.parts],
        "rules_version": evaluation.version.label,
    } for c in ranked.candidates]


def quota_lines(ranked: RankedList, lang: str) -> list[str]:
    """How many each group may propose, with the arithmetic and the article; then the tie-breaks."""
    lines = []
    for group, limit in ranked.limits.items():
        quota, name = limit.quota, _group_name(ranked.evaluation, group, lang)
        if quota is None:
            lines.append(t("rank.quota.none", lang, group=name))
        elif limit.base is None:
            lines.append(t("rank.quota.count", lang, group=name, limit=limit.limit, text=quota.text.in_(lang),
                           cite=quota.cite))
        else:
            share = ranked.evaluation.version.rules.value(quota.share)
            lines.append(t("rank.quota.share", lang, group=name, limit=limit.limit, share=_number(share, lang),
                           base=limit.base, share_of=_award_name(ranked.evaluation, quota.share_of, lang),
                           exact=_number(limit.exact, lang),
                           rounding=t(f"rounding.{limit.rounding}", lang), text=quota.text.in_(lang),
                           cite=quota.cite))
    if ranked.tie_breaks:
        lines.append(t("rank.ties", lang, ties="; ".join(
            f"{tie.text.in_(lang)} [{tie.cite}]" for tie in ranked.tie_breaks)))
    return lines

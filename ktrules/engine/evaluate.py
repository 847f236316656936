"""Evaluate a dataset for a period: the Python API (`ktrules.evaluate`).

Awards are settled stage by stage (an award that reads another's verdict comes after it), so one
run decides CSTĐCS on this year's LĐTT and TTLĐXS on its members' verdicts. Leaf criteria are
decided by the durable_rules matcher; groups combine them with three-valued logic, so a missing
input leaves a verdict `incomplete`, never silently `not_eligible`.
"""

from __future__ import annotations

import math
import operator
import os
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache, cached_property, lru_cache
from itertools import chain
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np

from ktrules.common.collector import no_collection
from ktrules.common.errors import KtrulesError, suggest_or_list
from ktrules.common.messages import t
from ktrules.common.reading import read_day
from ktrules.engine.columns import Column, Columns
from ktrules.engine.facts import Context, Inferred, Reading, read
from ktrules.engine.matcher import Condition, Facts, Matcher, Outcome
from ktrules.records.models import Dataset, Unit, checked_dataset
from ktrules.rules import (
    COMPARISONS,
    DEFAULT_RULES,
    FACT_TYPES,
    NATIONAL_PACK,
    ORDINALS,
    AssessmentFact,
    Award,
    ConsecutiveFact,
    Criterion,
    Leaf,
    LoadedVersion,
    VerdictFact,
    YearsHoldingFact,
    leaves,
    load_pack,
    merge_included,
    reads_initiatives,
    rules_folder,
    select_version,
    walk,
)

CAMPAIGNS = "campaigns"
# facts as columns unless an operator asks for the per-subject reference (KTRULES_COLUMNS=0)
_COLUMNS_BY_DEFAULT = os.environ.get("KTRULES_COLUMNS", "1") != "0"

Verdict = Literal["eligible", "not_eligible", "incomplete"]
VERDICT_OF: dict[Outcome, Verdict] = {"passed": "eligible", "failed": "not_eligible", "undecided": "incomplete"}
OUTCOME_AGAINST: dict[str, Outcome] = {"not_eligible": "failed", "incomplete": "undecided"}  # what kept a verdict


class CriterionResult(NamedTuple):
    """One node of an explanation: the criterion, its result and, for a leaf, what it read."""

    criterion: Criterion
    result: Outcome
    reading: Reading | None
    threshold: object
    children: tuple[CriterionResult, ...] = ()

    def flatten(self, depth: int = 0) -> Iterable[tuple[int, CriterionResult]]:
        yield depth, self
        for child in self.children:
            yield from child.flatten(depth + 1)


@dataclass(slots=True)
class AwardVerdict:
    """A verdict with what explains it: the outcome of each leaf and the facts read. The tree of
    criteria results is built when first asked for, since a province has millions of verdicts."""

    subject: str
    award: str
    period: int
    verdict: Verdict
    outcomes: Mapping[str, Outcome] = field(repr=False)  # leaf id -> outcome, shared by identical profiles
    readings: Mapping[str, Reading] = field(repr=False)  # fact name -> what was read
    roots: Sequence[Criterion] = field(repr=False, compare=False)
    thresholds: Mapping[int, object] = field(repr=False, compare=False)
    used: tuple[str, ...] = ()  # initiatives this verdict spends under the single-use rule
    # not_eligible only because of a pending matter: the award is deferred (hoãn xét), for these criteria
    deferred: tuple[Leaf, ...] = ()
    waits_on: tuple[str, ...] = ()  # the subject's other awards, deferred too, that the deferral rests on
    _tree: tuple[CriterionResult, ...] | None = field(default=None, repr=False, compare=False)

    def leaf_results(self) -> Iterator[tuple[Leaf, Outcome, Reading]]:
        """Each leaf criterion in the order of the tree, with its outcome and what it read; cheaper
        than the tree when only the leaves matter (the reasons column of check)."""
        for leaf in _leaves_of(self.roots):
            yield leaf, self.outcomes[leaf.id], self.readings[leaf.fact]

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        """Every criterion with its result and, for leaves, the values read and the threshold."""
        if self._tree is None:
            self._tree = _explained(self.roots, self.outcomes, self.readings, self.thresholds)
        return self._tree


@dataclass(frozen=True)
class Evaluation:
    """Every verdict of a run, with the rule version that applied and the date in force."""

    dataset: Dataset
    period: int
    as_of: date
    version: LoadedVersion
    verdicts: list[AwardVerdict]
    context: Context  # what facts read: every verdict settled in the run, initiatives spent
    subjects: frozenset[str] = frozenset()  # the subjects asked for; none: everyone
    rules: Path = DEFAULT_RULES  # the folder of rule packs the run read
    awards: tuple[str, ...] = ()  # the awards whose verdicts it lists
    whole: bool = True  # False when `within` weighed part of the dataset (a partition)

    def award(self, award_id: str) -> Award:
        return self.version.rules.awards[award_id]

    def get(self, subject: str, award: str) -> AwardVerdict | None:
        return self._by_key.get((subject, award))

    @cached_property
    def _by_key(self) -> dict[tuple[str, str], AwardVerdict]:
        return {(v.subject, v.award): v for v in self.verdicts}

    def only(self, awards: Collection[str]) -> Evaluation:
        """This run listing the verdicts of `awards` alone: what it read, settled and spent stays whole."""
        return replace(self, verdicts=[v for v in self.verdicts if v.award in awards],
                       awards=tuple(a for a in self.awards if a in awards))


def _pack(folder: Path) -> list[LoadedVersion]:
    # re-read a pack whose files changed on disk (a rule author editing while testing); one stat a file,
    # since this runs for every evaluation, a server's every request (files as glob("*") sees them)
    try:
        with os.scandir(folder) as entries:
            stamp = tuple(sorted((e.name, s.st_mtime_ns, s.st_size) for e in entries
                                 if not e.name.startswith(".") and e.is_file() and (s := e.stat())))
    except OSError:  # no such folder: load_pack says so
        stamp = ()
    return _cached_pack(folder, stamp)


@cache
def _cached_pack(folder: Path, stamp: tuple) -> list[LoadedVersion]:
    return load_pack(folder)


def campaign_ids(rules: str | Path = DEFAULT_RULES) -> list[str]:
    """The campaign packs under a rules folder."""
    folder = Path(rules) / CAMPAIGNS
    return sorted(p.parent.name for p in folder.glob("*/pack.yaml"))


def campaign_packs(rules: str | Path = DEFAULT_RULES, ids: Sequence[str] | None = None) -> list[list[LoadedVersion]]:
    """Every version of every campaign pack (or of those of `ids`), pack by pack."""
    return [_pack(_root(rules) / CAMPAIGNS / c) for c in (campaign_ids(rules) if ids is None else ids)]


def _root(rules: str | Path) -> Path:
    """A rules folder as an absolute path; an absolute one resolved once (a server resolved its folder,
    symbolic links and all, three times a request), a relative one from the current folder each time."""
    path = rules_folder(rules)
    return _resolved(path) if path.is_absolute() else path.resolve()


@lru_cache(maxsize=64)
def _resolved(path: Path) -> Path:
    return path.resolve()


def version_in_force(rules: str | Path, as_of: date, campaign: str | None = None) -> LoadedVersion:
    """The national version in force on `as_of`, or a campaign's with the national awards it includes."""
    root = _root(rules)
    if campaign is None:
        return select_version(_pack(root / NATIONAL_PACK), as_of)
    known = campaign_ids(root)
    if campaign not in known:
        raise KtrulesError(t("err.unknown_campaign", value=campaign), file=root / CAMPAIGNS,
                           hint=suggest_or_list(campaign, known))
    version = select_version(_pack(root / CAMPAIGNS / campaign), as_of)
    include = version.rules.include
    return _merged(version, select_version(_pack(root / include.pack), as_of)) if include else version


def rules_for(rules: str | Path, period: int, as_of: date | None = None, campaign: str | None = None) -> LoadedVersion:
    """The version a run of `period` reads, to be found before its records are read: with none in force, a
    criterion the records name would be refused as read by no rule, blaming the records for the rules."""
    return version_in_force(rules, as_of or date(period, 12, 31), campaign)


@cache
def _merged(version: LoadedVersion, base: LoadedVersion) -> LoadedVersion:
    return merge_included(version, base)


def _parts(award_id: str, award: Award) -> list[tuple[str, str, list[Criterion]]]:
    """(matcher key, kind of subject, criteria) for each kind an award is given to."""
    if isinstance(award.criteria, list):
        return [(award_id, kind, award.criteria) for kind in award.kinds]
    return [(f"{award_id}@{kind}", kind, criteria) for kind, criteria in award.criteria.items()]


@cache
def _compiled(version: LoadedVersion) -> Matcher:
    return Matcher({key: [_condition(version, node) for node, _ in walk(criteria, ()) if isinstance(node, Leaf)]
                    for award_id, award in version.rules.awards.items()
                    for key, _, criteria in _parts(award_id, award)})


def encode(value: object, kind: str) -> float | None:
    """A fact value as the number the matcher compares (ordinals by rank, booleans as 0/1)."""
    if value is None:
        return None
    if kind in ORDINALS:
        return ORDINALS[kind][value]
    return float(value)  # type: ignore[arg-type]


def _bounds(reading: Reading, kind: str) -> tuple[float | None, float | None]:
    low, high = reading.bounds
    return encode(low, kind), encode(high, kind)


def _condition(version: LoadedVersion, leaf: Leaf) -> Condition:
    kind = FACT_TYPES[version.rules.facts[leaf.fact].op]
    threshold = encode(version.rules.value(leaf.comparison[1]), kind)
    return Condition(leaf.id, leaf.fact, COMPARISONS[leaf.comparison[0]], threshold)  # type: ignore[arg-type]


def _kleene(kind: str, results: Sequence[Outcome]) -> Outcome:
    if kind == "not":
        return {"passed": "failed", "failed": "passed", "undecided": "undecided"}[results[0]]  # type: ignore[return-value]
    decisive, other = ("failed", "passed") if kind == "all" else ("passed", "failed")
    if decisive in results:
        return decisive  # type: ignore[return-value]
    return "undecided" if "undecided" in results else other  # type: ignore[return-value]


def _explained(roots: Sequence[Criterion], outcomes: Mapping[str, Outcome], readings: Mapping[str, Reading],
               thresholds: Mapping[int, object]) -> tuple[CriterionResult, ...]:
    return tuple(_explain(node, outcomes, readings, thresholds) for node in roots)


def _explain(node: Criterion, outcomes: Mapping[str, Outcome], readings: Mapping[str, Reading],
             thresholds: Mapping[int, object]) -> CriterionResult:
    if isinstance(node, Leaf):
        return CriterionResult(node, outcomes[node.id], readings[node.fact], thresholds[id(node)])
    kind, children = node.combinator
    explained = tuple(_explain(child, outcomes, readings, thresholds) for child in children)
    return CriterionResult(node, _kleene(kind, [c.result for c in explained]), None, None, explained)


_LEAVES: dict[int, list[Leaf]] = {}


def _leaves_of(roots: Sequence[Criterion]) -> list[Leaf]:
    # keyed by identity: criteria lists belong to loaded versions, which stay loaded (cached)
    found = _LEAVES.get(id(roots))
    if found is None:
        found = _LEAVES[id(roots)] = [node for node, _ in walk(list(roots), ()) if isinstance(node, Leaf)]
    return found


def _decide(kind: str, criteria: Sequence[Criterion], outcomes: Mapping[str, Outcome]) -> Outcome:
    """The result of criteria combined by `kind`, without building the explanation."""
    results = [outcomes[node.id] if isinstance(node, Leaf) else _decide(*node.combinator, outcomes)
               for node in criteria]
    return _kleene(kind, results)


@cache
def _thresholds(version: LoadedVersion) -> dict[int, object]:
    """Each leaf's threshold, parameters resolved, by the leaf's identity."""
    rules = version.rules
    return {id(leaf): rules.value(leaf.comparison[1]) for award in rules.awards.values() for leaf in leaves(award)}


@cache
def _plan(version: LoadedVersion) -> dict[str, dict[str, str]]:
    """For each matcher key, the facts its leaves read and their types, in a fixed order."""
    law = version.rules
    return {key: {name: FACT_TYPES[law.facts[name].op]
                  for name in sorted({n.fact for n, _ in walk(criteria, ()) if isinstance(n, Leaf)})}
            for award_id, award in law.awards.items() for key, _, criteria in _parts(award_id, award)}


def _subjects(dataset: Dataset, period: int, kind: str, within: Collection[str] | None) -> list[str]:
    """Who an award is weighed for: people with a record in the period; units with a record or members."""
    recorded = dataset.records_by_year.get(period, {})
    if kind == "individual":
        people = dataset.people_by_id
        if within is None:
            return [s for s in recorded if s in people]
        return [s for s in within if s in people and s in recorded]
    units = dataset.units_by_id
    return [s for s in (units if within is None else within) if s in units
            and (s in recorded or dataset.members(s, period))]


def _needed(version: LoadedVersion, awards: Sequence[str]) -> set[str]:
    """The awards asked for and every award they must follow, transitively."""
    todo, needed = list(awards), set()
    while todo:
        award = todo.pop()
        if award not in needed:
            needed.add(award)
            todo.extend(version.needs[award])
    return needed


def _initiative_leaves(version: LoadedVersion, criteria: Sequence[Criterion],
                       outcomes: Mapping[str, Outcome]) -> tuple[list[Leaf], Outcome]:
    """The passing initiative criteria, and what the criteria give with them failed."""
    facts = version.rules.facts
    found = [leaf for leaf in _leaves_of(criteria)
             if facts[leaf.fact].op == "initiatives" and outcomes[leaf.id] == "passed"]
    return found, _decide("all", criteria, {**outcomes, **dict.fromkeys((leaf.id for leaf in found), "failed")})


def _spending(version: LoadedVersion, criteria: Sequence[Criterion], outcomes: Mapping[str, Outcome]) -> list[Leaf]:
    """The passing initiative criteria an eligible verdict rests on, once per profile: none when it holds
    without them (HTXS instead of a sáng kiến)."""
    found, held_without = _initiative_leaves(version, criteria, outcomes)
    return [] if held_without == "passed" else found


def _spends(spending: Sequence[Leaf], readings: Mapping[str, Reading], thresholds: Mapping[int, object]) \
        -> tuple[str, ...]:
    """The initiatives an eligible verdict spends: the oldest ones each of its `spending` criteria requires."""
    used: list[str] = []
    for leaf in spending:
        counted = [value for kind, value in readings[leaf.fact].evidence if kind == "id"]
        used.extend(i for i in counted[:_how_many(leaf, thresholds[id(leaf)])] if i not in used)
    return tuple(used)


def _needed_initiatives(version: LoadedVersion, criteria: Sequence[Criterion], outcomes: Mapping[str, Outcome],
                        readings: Mapping[str, Reading]) -> tuple[tuple[str, ...], int, int] | None:
    """(candidates, fewest, most spent) of an award conferred with these leaf outcomes and readings: none
    when it held without initiatives, at most the most any one initiative criterion required."""
    found, held_without = _initiative_leaves(version, criteria, outcomes)
    if not found or held_without == "passed":
        return None
    candidates = tuple(dict.fromkeys(v for leaf in found for kind, v in readings[leaf.fact].evidence if kind == "id"))
    thresholds = _thresholds(version)
    most = min(len(candidates), max(_how_many(leaf, thresholds[id(leaf)]) for leaf in found))
    return candidates, 0 if held_without == "undecided" else most, most


def _how_many(leaf: Leaf, threshold: object) -> int:
    """How many initiatives a passing initiative criterion needs."""
    op, at_least = leaf.comparison[0], float(threshold)  # type: ignore[arg-type]
    return math.floor(at_least) + 1 if op == "more_than" else max(1, math.ceil(at_least))


def _unlisted(dataset: Dataset, groups: Collection[str],
              within: Collection[str] | None) -> dict[int, dict[str, set[str]]]:
    """The conferrals of awards in a single-use group whose records list no `initiatives`, by year and
    award: their subjects, of authors only (a verdict of one person reads no one else's, and only
    authors' initiatives are counted), of `within` only (a partition's, not every conferral of the
    province for each partition)."""
    found: dict[int, dict[str, set[str]]] = {}
    authors, conferred = dataset.initiatives_by_author, dataset.conferred_by_subject
    for subject in authors if within is None else (s for s in within if s in authors):
        for c in conferred.get(subject, ()):
            if not c.initiatives and c.campaign is None and c.award in groups:
                found.setdefault(c.year, {}).setdefault(c.award, set()).add(subject)
    return found


def _infer_spending(dataset: Dataset, year: int, rules: str | Path,
                    unlisted: Mapping[str, set[str]]) -> dict[str, list[Inferred]]:
    """What the conferrals of `year` that list no initiatives (`unlisted`: subjects by award, see
    `_unlisted`) spent, inferred from the rules in force at the end of that year."""
    out: dict[str, list[Inferred]] = {}
    for award, subjects in sorted(unlisted.items()):
        for subject, found in _inferred_in(dataset, year, award, sorted(subjects), rules):
            out.setdefault(subject, []).append(Inferred(award, year, *found))
    return out


def _inferred_in(dataset: Dataset, year: int, award: str, subjects: list[str],
                 rules: str | Path) -> Iterator[tuple[str, tuple[tuple[str, ...], int, int]]]:
    try:
        version = version_in_force(rules, date(year, 12, 31))
    except KtrulesError:
        return  # no version covers that year: nothing to infer from
    spec = version.rules.awards.get(award)
    if spec is None or "individual" not in spec.kinds or (spec.years is not None and year not in spec.years) \
            or not reads_initiatives(version.rules, award):
        return
    past = evaluate(dataset, year, rules=rules, awards=[award], within=frozenset(subjects))
    needed: dict[tuple[int, int], tuple[tuple[str, ...], int, int] | None] = {}  # by a group's shared reading
    for subject in subjects:
        verdict = past.get(subject, award)
        if verdict is None:
            found = _needed_initiatives(version, *_unrecorded(version, award, subject, past.context))
        else:
            group = (id(verdict.outcomes), id(verdict.readings))  # alive in `past` while this runs
            if group not in needed:
                needed[group] = _needed_initiatives(version, verdict.roots, verdict.outcomes, verdict.readings)
            found = needed[group]
        if found:
            yield subject, found


def _unrecorded(version: LoadedVersion, award: str, subject: str,
                ctx: Context) -> tuple[list[Criterion], dict[str, Outcome], dict[str, Reading]]:
    """An award's criteria for a subject with no record of the year, with each leaf's outcome and reading:
    what initiatives it had, the rest undecided."""
    criteria = next(c for _, kind, c in _parts(award, version.rules.awards[award]) if kind == "individual")
    ctx.award = award
    readings: dict[str, Reading] = {}
    outcomes: dict[str, Outcome] = {}
    thresholds = _thresholds(version)
    for leaf in _leaves_of(criteria):
        op = version.rules.facts[leaf.fact].op
        reading = readings[leaf.fact] = ctx.reading(leaf.fact, subject) if op == "initiatives" else Reading(None)
        outcomes[leaf.id] = _compare(reading, leaf, thresholds[id(leaf)], FACT_TYPES[op])
    return criteria, outcomes, readings


def _compare(reading: Reading, leaf: Leaf, threshold: object, kind: str) -> Outcome:
    held = holds(reading.value, COMPARISONS[leaf.comparison[0]], threshold, kind)
    return "undecided" if held is None else "passed" if held else "failed"


def holds(value: object, op: str, threshold: object, kind: str) -> bool | None:
    """Whether a fact value compares so with a threshold; None when the value is missing."""
    a, b = encode(value, kind), encode(threshold, kind)
    if a is None or b is None:
        return None
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b, "=": a == b}[op]


class _Deferring(NamedTuple):
    """What may carry a deferral in a version: facts whose failure defers an award, and facts that read
    another award, by the award each reads."""

    defers: frozenset[str]
    verdicts: dict[str, str]  # a verdict of another award this year
    holdings: dict[str, str]  # a run or count of years holding another award, this year included


@cache
def _deferring(version: LoadedVersion) -> _Deferring:
    facts = version.rules.facts.items()
    return _Deferring(frozenset(name for name, spec in facts if isinstance(spec, AssessmentFact) and spec.defers),
                      {name: spec.award for name, spec in facts if isinstance(spec, VerdictFact)},
                      {name: spec.award for name, spec in facts
                       if isinstance(spec, ConsecutiveFact | YearsHoldingFact) and spec.award})


def _pending(deferring: _Deferring, roots: Sequence[Criterion], outcomes: Mapping[str, Outcome],
             verdict: Verdict) -> list[Leaf]:
    """The failed leaves a refusal's deferral may rest on: those on an assessment that defers, or on
    another award (deferred or not, subject by subject)."""
    if verdict != "not_eligible":
        return []
    defers, verdicts, holdings = deferring
    return [leaf for leaf in _leaves_of(roots) if outcomes[leaf.id] == "failed"
            and (leaf.fact in defers or leaf.fact in verdicts or leaf.fact in holdings)]


def _deferral(deferring: _Deferring, version: LoadedVersion, verdict: AwardVerdict,
              settled: Mapping[str, Mapping[str, AwardVerdict]], failed: Sequence[Leaf], ctx: Context) \
        -> tuple[tuple[Leaf, ...], tuple[str, ...]]:
    """The pending-matter criteria a refusal rests on alone, and the other awards it waits on: those of its
    `failed` leaves (`_pending`) on an assessment that defers, or on this subject's verdict or run of
    another award that was itself deferred and, granted, would meet the leaf. None when the verdict fails
    without them, read as the deferred verdicts granted would leave it: their runs completed and the
    sáng kiến they need spent."""
    defers, verdicts, holdings = deferring
    pending: dict[str, tuple[Leaf, ...]] = {leaf.id: (leaf,) for leaf in failed if leaf.fact in defers}
    others = [(leaf, other) for leaf in failed if leaf.fact not in defers
              if (other := settled.get(verdicts.get(leaf.fact) or holdings[leaf.fact], {}).get(verdict.subject))
              and other.deferred]
    outcomes = {**verdict.outcomes, **dict.fromkeys(pending, "passed")}
    if others:
        granted = _granted(deferring, version, verdict, [other for _, other in others], ctx)
        facts = version.rules.facts
        counting = [leaf for leaf in _leaves_of(verdict.roots) if facts[leaf.fact].op == "initiatives"]
        outcomes |= {leaf.id: _compare(read(facts[leaf.fact], verdict.subject, granted), leaf,
                                       verdict.thresholds[id(leaf)], FACT_TYPES[facts[leaf.fact].op])
                     for leaf in [*(leaf for leaf, _ in others), *counting]}
        others = [(leaf, other) for leaf, other in others if outcomes[leaf.id] != "failed"]
        pending |= {leaf.id: other.deferred for leaf, other in others}
    if not pending or _decide("all", verdict.roots, outcomes) == "failed":
        return (), ()
    return (tuple({leaf.id: leaf for leaves in pending.values() for leaf in leaves}.values()),
            tuple(dict.fromkeys(other.award for _, other in others)))


def _granted(deferring: _Deferring, version: LoadedVersion, verdict: AwardVerdict, others: Sequence[AwardVerdict],
             ctx: Context) -> Context:
    """What `verdict`'s facts read if the subject's deferred verdicts `others` were granted: each held this
    year, and the sáng kiến each would rest on spent when it claims before `verdict`'s award (a CSTĐCS
    granted on its sáng kiến leaves that one to no Bằng khen)."""
    subject, group = verdict.subject, ctx.groups.get(verdict.award)
    spent = dict(ctx.spent.get(subject, {}))
    for other in others:
        if group is not None and ctx.groups.get(other.award, group) < group:
            waiting = _pending(deferring, other.roots, other.outcomes, "not_eligible")
            needed = _spending(version, other.roots, {**other.outcomes, **{leaf.id: "passed" for leaf in waiting}})
            for initiative in _spends(needed, other.readings, other.thresholds):
                spent.setdefault(initiative, (other.award, verdict.period))
    held = {other.award: {subject: "eligible"} for other in others}
    return replace(ctx, award=verdict.award, verdicts={**ctx.verdicts, **held}, spent={**ctx.spent, subject: spent},
                   _readings={})


def _waiting(made: list[AwardVerdict], pending: Sequence[Leaf], deferring: _Deferring,
             postponed: Collection[str]) -> Iterable[AwardVerdict]:
    """The refusals of a profile whose deferral is worth working out: all of them when it fails on a
    pending matter of its own, else those of subjects with a verdict deferred earlier in the run."""
    if not pending:
        return ()
    if any(leaf.fact in deferring.defers for leaf in pending):
        return made
    return [result for result in made if result.subject in postponed] if postponed else ()


class _Group(NamedTuple):
    """Subjects of an award that read the same values: one matcher fact, one verdict for all."""

    award: str
    criteria: list[Criterion]
    readings: dict[str, Reading]
    subjects: list[str]


def _gather(source: Columns, matcher: Matcher, award_id: str, key: str, kind: str, criteria: list[Criterion],
            kinds: dict[str, str], subjects: list[str], batch: list[Facts], groups: list[_Group]) -> None:
    """Subject by subject: each subject's facts read and matched on their own (the reference)."""
    for subject in subjects:
        read_now = {name: source.ctx.reading(name, subject) for name in kinds}
        groups.append(_Group(award_id, criteria, read_now, [subject]))
        batch.append(Facts(key, matcher.profile({name: _bounds(r, kinds[name]) for name, r in read_now.items()})))


def _gather_columns(source: Columns, matcher: Matcher, award_id: str, key: str, kind: str, criteria: list[Criterion],
                    kinds: dict[str, str], subjects: list[str], batch: list[Facts], groups: list[_Group]) -> None:
    """Facts as columns: subjects whose readings coincide fact by fact form one group, matched once."""
    if not subjects:
        return
    names = list(kinds)
    columns = [source.column(name, kind, subjects) for name in names]
    # each distinct reading as the rules compare it, once, not once per group
    reduced = [[matcher.reduced(name, _bounds(r, kinds[name])) for r in col.readings]
               for name, col in zip(names, columns, strict=True)]
    readings = [col.readings for col in columns]
    for row, members in _distinct(columns, subjects):
        groups.append(_Group(award_id, criteria, dict(zip(names, map(list.__getitem__, readings, row), strict=True)),
                             members))
        batch.append(Facts(key, tuple(map(list.__getitem__, reduced, row))))


def _distinct(columns: Sequence[Column], subjects: Sequence[str]) -> list[tuple[tuple[int, ...], list[str]]]:
    """Each distinct row of codes with its subjects, in the order rows first come, grouped in a dict: faster
    than sorting rows with numpy (0.02 against 0.13 ms for a department, 22 against 51 ms for 20,000
    subjects with many groups, when keys were tuples). A row is packed into one integer, whose hash is far
    quicker than a tuple's (the hashing alone, 20,000 subjects and 8 facts: 3.6 against 11.3 ms), unless
    the facts have too many readings between them to fit 62 bits."""
    if not columns:
        return [((), list(subjects))]
    codes = [c.codes for c in columns]
    sizes = [len(c.readings) for c in columns]
    keys: list[Hashable]
    if math.prod(sizes) >= 1 << 62:
        keys = list(zip(*(c.tolist() for c in codes), strict=True))
    else:
        packed = np.zeros(len(subjects), dtype=np.int64)
        for column, size in zip(codes, sizes, strict=True):
            packed = packed * size + column
        keys = packed.tolist()
    groups: dict[Hashable, list[str]] = {}
    firsts: list[int] = []
    for i, (subject, key) in enumerate(zip(subjects, keys, strict=True)):
        found = groups.get(key)
        if found is None:
            groups[key] = [subject]
            firsts.append(i)
        else:
            found.append(subject)
    rows = zip(*(c[firsts].tolist() for c in codes), strict=True)  # each group's first subject's codes
    return list(zip(rows, groups.values(), strict=True))


def _day(value: object) -> date | None:
    """`as_of` as a program may give it: a date (a datetime's day), or text as the command line takes it."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    day = read_day(value) if isinstance(value, str) else None
    if day is None:
        raise KtrulesError(t("err.option_date", option="as_of", value=value), hint=t("err.option_date.hint"))
    return day


def _ids(given: object, name: str) -> list[str]:
    """A list of ids, from any iterable of text read once; a single id given as text would be read letter by
    letter, and a generator used up by the check of its ids."""
    if isinstance(given, str):
        raise KtrulesError(t("err.ids_not_text", name=name, value=given), hint=t("err.ids_not_text.hint",
                                                                                   name=name, value=given))
    try:
        ids = [given] if isinstance(given, bytes) else list(() if given is None else given)  # type: ignore[call-overload]
    except TypeError:
        ids = [given]
    if not all(isinstance(i, str) for i in ids):
        raise KtrulesError(t("err.ids_not_list", name=name, value=repr(given)), hint=t("err.ids_not_list.hint",
                                                                                         name=name))
    return ids


def _year(period: object) -> int:
    """The period as a program may give it: any integer (numpy's too); refused as text, a float, a bool or a
    year no rule can cover."""
    try:
        year = None if isinstance(period, bool) else operator.index(period)  # type: ignore[arg-type]
    except TypeError:
        year = None
    if year is None or not 1945 <= year <= 2100:
        raise KtrulesError(t("err.period_value", value=repr(period)), hint=t("err.period_value.hint"))
    return year


def _check_ids(given: Sequence[str], known: Collection[str], what: str, where: str) -> None:
    for item in given:
        if item not in known:
            raise KtrulesError(t(f"err.unknown_{what}", value=item, where=where), hint=suggest_or_list(item, known))


def awards_in_force(version: LoadedVersion, period: int) -> list[str]:
    """The awards a version gives for `period`, in the order of its rule files."""
    return [a for a, award in version.rules.awards.items() if award.years is None or period in award.years]


def evaluate(dataset: Dataset, period: int, *, as_of: date | str | None = None,
             rules: str | Path = DEFAULT_RULES, awards: Sequence[str] | None = (),
             subjects: Sequence[str] | None = (), campaign: str | None = None,
             within: Collection[str] | None = None, use_columns: bool | None = None) -> Evaluation:
    """Every verdict for `period` under the rules in force on `as_of` (default: the period's last day;
    a date, or text as the command line takes it): the national pack's, or with `campaign` that
    campaign pack's.

    `awards` and `subjects` (lists of ids; None or empty: all) narrow what is returned; awards they
    depend on are still evaluated.
    `within` weighs only those subjects: whole units with their members (see `parallel.partitions`).
    `use_columns` reads facts as columns (`engine.columns`, the default) or subject by subject, the
    reference the columns are tested against; KTRULES_COLUMNS=0 makes the latter the default.
    """
    checked_dataset(dataset)  # one a program built itself has had no reference checked
    period = _year(period)
    as_of = _day(as_of) or date(period, 12, 31)
    awards, subjects = _ids(awards, "awards"), _ids(subjects, "subjects")
    within = None if within is None else set(_ids(within, "within"))
    version = version_in_force(rules, as_of, campaign)
    plan = version.pack.campaign
    if plan is not None and not plan.first_year <= period <= plan.last_year:
        raise KtrulesError(t("err.campaign_years", campaign=version.pack.id, first=plan.first_year,
                             last=plan.last_year, period=period),
                           file=version.path.parent / "pack.yaml", hint=t("err.campaign_years.hint"))
    given = awards_in_force(version, period)
    _check_ids(awards, given, "award", t("err.in_version", version=version.label, period=period))
    _check_ids(subjects, dataset.subjects(), "subject", t("err.in_dataset"))
    _check_ids(within or (), dataset.subjects(), "subject", t("err.in_dataset"))
    with no_collection():
        return _run(dataset, period, as_of, version, list(awards) or given, subjects, rules, within,
                    _gather_columns if (use_columns if use_columns is not None else _COLUMNS_BY_DEFAULT) else _gather)


def _run(dataset: Dataset, period: int, as_of: date, version: LoadedVersion, wanted: list[str],
         subjects: Sequence[str], rules: str | Path, within: Collection[str] | None, gather: Callable) -> Evaluation:
    needed = _needed(version, wanted)
    law = version.rules
    groups = {a: i for i, group in enumerate(law.single_use) for a in group}
    unlisted = cache(lambda: _unlisted(dataset, groups, within))  # on first need, for every year
    ctx = Context(dataset, period, groups=groups, facts=law.facts,
                  infer=lambda year: _infer_spending(dataset, year, rules, unlisted().get(year, {})))
    matcher = _compiled(version)
    reads = _plan(version)
    results: dict[str, dict[str, AwardVerdict]] = {}  # by award, then subject
    thresholds = _thresholds(version)
    deferring = _deferring(version)
    postponed: set[str] = set()  # subjects with a deferred verdict so far
    source = Columns(ctx)
    weighed: dict[str, list[str]] = {}  # who awards of each kind weigh: the same for every award of the kind
    for stage in version.stages:
        batch: list[Facts] = []
        gathered: list[_Group] = []  # each of `batch`'s subjects, in its order
        for award_id in (a for a in stage if a in needed):
            ctx.award = award_id
            for key, kind, criteria in _parts(award_id, law.awards[award_id]):
                if kind not in weighed:
                    weighed[kind] = _subjects(dataset, period, kind, within)
                gather(source, matcher, award_id, key, kind, criteria, reads[key], weighed[kind], batch, gathered)
        # by the outcomes' identity: the matcher gives each distinct profile (its award's too) one mapping
        decided: dict[int, tuple[Verdict, list[Leaf], list[Leaf]]] = {}
        for (award_id, criteria, readings, members), outcomes in zip(gathered, matcher.run(batch), strict=True):
            found = decided.get(id(outcomes))
            if found is None:  # once per profile: identical profiles share their outcomes
                verdict = VERDICT_OF[_decide("all", criteria, outcomes)]
                spending = _spending(version, criteria, outcomes) \
                    if verdict == "eligible" and award_id in ctx.groups else []
                found = decided[id(outcomes)] = \
                    verdict, _pending(deferring, criteria, outcomes, verdict), spending
            verdict, pending, spending = found
            # a group reads alike, so it spends alike; a deferral may also rest on each subject's other verdicts
            used = _spends(spending, readings, thresholds) if spending else ()
            made = [AwardVerdict(subject, award_id, period, verdict, outcomes, readings, criteria, thresholds, used)
                    for subject in members]
            ctx.verdicts.setdefault(award_id, {}).update(dict.fromkeys(members, verdict))
            results.setdefault(award_id, {}).update(zip(members, made, strict=True))
            for result in made if used else ():
                for initiative in used:
                    ctx.spent.setdefault(result.subject, {}).setdefault(initiative, (award_id, period))
            for result in _waiting(made, pending, deferring, postponed):
                result.deferred, result.waits_on = _deferral(deferring, version, result, results, pending, ctx)
                if result.deferred:
                    postponed.add(result.subject)
    listed = _listed(results, [a for a in law.awards if a in wanted], set(subjects), weighed, source, within)
    return Evaluation(dataset, period, as_of, version, listed, ctx, frozenset(subjects), Path(rules), tuple(wanted),
                      within is None)


def _listed(results: Mapping[str, Mapping[str, AwardVerdict]], wanted: Sequence[str], subjects: Collection[str],
            weighed: Mapping[str, list[str]], source: Columns, within: Collection[str] | None) -> list[AwardVerdict]:
    """The verdicts of the `wanted` awards (in the order of the rule files) and `subjects` (all when
    empty), in the order of listings: unit by unit, each unit before its members of the period, units
    and people by `Dataset.position`."""
    dataset, period, place = source.ctx.dataset, source.ctx.period, source.ctx.dataset.position
    units = set(weighed.get("collective", ()))
    if within is None:  # every unit; the people weighed are then exactly the members of the period
        listed, people = dataset.units_in_order(), None
    else:  # only the units of the part weighed: a partition walks its own units, not the province's
        listed, people = _listing_units(dataset, weighed, source), set(weighed.get("individual", ()))
    listing: list[str] = []
    # each unit, then its members of the period by their own place: a person weighed has a record of the
    # period, so is among the members of the unit it names
    for unit in listed:
        if unit.id in units:
            listing.append(unit.id)
        members = dataset.members(unit.id, period)
        listing += sorted(members if people is None else [p for p in members if p in people], key=place.__getitem__)
    if subjects:
        listing = [s for s in listing if s in subjects]
    # an award's verdicts in that order at once, then each subject's awards side by side
    found = [list(map(results.get(award, {}).get, listing)) for award in wanted]
    return list(filter(None, chain.from_iterable(zip(*found, strict=True))))  # a verdict is never false


def _listing_units(dataset: Dataset, weighed: Mapping[str, list[str]], source: Columns) -> list[Unit]:
    """The units a part of the dataset lists: those weighed and those of the people weighed, in order."""
    people = weighed.get("individual", [])
    by_id, units = dataset.people_by_id, dataset.units_by_id
    found = {*weighed.get("collective", ()),
             *((record.unit or by_id[person].unit) for person, record in zip(people, source.records(people),
                                                                               strict=True))}
    return sorted((units[u] for u in found), key=lambda u: dataset.position[u.id])

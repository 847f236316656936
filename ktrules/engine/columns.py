"""Facts as columns: one fact of many subjects at once, as codes into the distinct readings.

A province has hundreds of thousands of subjects but few distinct readings of a fact (six ratings,
a few hundred leave patterns), so a column holds, per subject, the index of its reading among the
distinct ones. Subjects whose codes coincide for every fact of an award read alike and share one
verdict, one outcome per leaf and one readings mapping (see `evaluate`).

Operators that read only the subject's own entries (its record of the period, recruitment,
discipline, achievements and campaign conferrals, or a verdict settled earlier in the run) are
grouped by the inputs they read (their signature) and the operator of `facts` runs once per distinct
signature, so a column and the per-subject reading agree by construction. Consecutive years and
years holding are grouped the same way, on the subject's ratings from the dataset's first year, the
conferrals of the awards they name and this year's verdict. The others (initiatives and their
spending, member shares and counts) are read subject by subject through `Context.reading`, their
semantics owned by `facts`, and only interned here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ktrules.engine.facts import (
    NO_INITIATIVES,
    Context,
    Reading,
    earliest_held,
    latest_countable,
    read,
    recruited_in,
    window_start,
)
from ktrules.records.models import Record
from ktrules.rules import (
    AchievementsFact,
    AssessmentFact,
    BlocRankFact,
    ConsecutiveFact,
    DisciplineFact,
    InitiativesFact,
    MonthsSinceRecruitmentFact,
    MonthsWorkedFact,
    RatingFact,
    VerdictFact,
    YearsHoldingFact,
)

# what an operator reads of each subject, given their records of the period (looked up once per run)
Signature = Callable[[Any, Sequence[str], Sequence[Record | None], Context], list]


class Column(NamedTuple):
    """A fact of subjects in order: `readings[codes[i]]` is what the i-th subject read."""

    codes: np.ndarray  # int32
    readings: list[Reading]


class Columns:
    """The columns of one run. A record fact depends on neither the award nor the stage, and a
    verdict fact is read only once its award is settled, so each is built once for every award of
    the run that names it; the others are read for each award, as `Context.reading` decides."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._kept: dict[tuple[str, str], Column] = {}
        # by the id of a list of subjects, kept with it: what each of them has, for the facts read
        self._lists: dict[tuple[int, str], tuple[Sequence[str], list[Any]]] = {}
        # runs that an initiatives window reads again subject by subject (`years_from`)
        self._windows = {n for spec in ctx.facts.values() if isinstance(spec, InitiativesFact) for n in spec.years_from}

    def column(self, name: str, kind: str, subjects: Sequence[str]) -> Column:
        """The fact `name` of `subjects`, every subject of this kind weighed in the run, for the award
        `ctx.award`."""
        spec = self.ctx.facts[name]
        if isinstance(spec, InitiativesFact):
            for run in spec.years_from:  # read as columns first, so the window finds them kept
                self.column(run, kind, subjects)
            return self._initiatives(name, subjects)
        signature = _SIGNATURES.get(type(spec))
        if signature is None and not isinstance(spec, ConsecutiveFact | YearsHoldingFact):
            return _interned(self.ctx.reading(name, subject) for subject in subjects)
        found = self._kept.get((name, kind))
        if found is None:
            keys = self._run_keys(spec, subjects) if signature is None else \
                signature(spec, subjects, self.records(subjects), self.ctx)
            found = self._kept[name, kind] = _grouped(spec, keys, subjects, self.ctx)
            if name in self._windows:
                self.ctx.keep(name, subjects, [found.readings[c] for c in found.codes.tolist()])
        return found

    def records(self, subjects: Sequence[str]) -> list[Record | None]:
        """The period's record of each subject, in order."""
        found = self.ctx.dataset.records_by_year.get(self.ctx.period, {})
        return self._per_list(subjects, "record", lambda subjects: list(map(found.get, subjects)))

    def _initiatives(self, name: str, subjects: Sequence[str]) -> Column:
        """Initiatives are read subject by subject (`facts`), but only of authors of one the fact may count:
        most people author none and read the one shared reading of none (code 0)."""
        ctx = self.ctx
        spec = ctx.facts[name]
        latest = latest_countable(spec, ctx)
        authors = [i for i, subject in enumerate(subjects)
                   if subject in latest and latest[subject] >= window_start(spec, subject, ctx)]
        found = _interned([NO_INITIATIVES, *(ctx.reading(name, subjects[i]) for i in authors)])
        codes = np.zeros(len(subjects), dtype=np.int32)
        codes[authors] = found.codes[1:]
        return Column(codes, found.readings)

    def _run_keys(self, spec: ConsecutiveFact | YearsHoldingFact, subjects: Sequence[str]) -> list[Hashable]:
        """What `facts._held` reads of each subject in any year a run or window may reach: ratings (with
        recruitment) from the dataset's first year when the fact counts a rating, the conferrals of the
        awards it names, and this year's verdict of its award."""
        conferred = self._per_subject(subjects, "conferred", self._conferred_of)
        ratings = self._employed_ratings(spec, subjects) if spec.min_rating else [None] * len(subjects)
        by = spec.reset_by if isinstance(spec, ConsecutiveFact) else None
        resets = self._per_list(subjects, f"reset {by}", lambda _: self._resets(by, conferred)) \
            if by else [None] * len(subjects)
        if spec.award is None:
            return list(zip(ratings, resets, strict=True))
        award = spec.award
        verdicts = map(self.ctx.verdicts.get(award, {}).get, subjects)
        return [(rated, reset, held.get(award), verdict)
                for verdict, rated, reset, held in zip(verdicts, ratings, resets, conferred, strict=True)]

    def _resets(self, by: str, conferred: list[dict[str, tuple]]) -> list[int | None]:
        """The last year before this one that a conferral of `by` spent, of each subject: all a run reads of
        its reset. Most people hold none."""
        period = self.ctx.period
        return [max((year for year, _ in held[by] if year < period), default=None) if by in held else None
                for held in conferred]

    def _employed_ratings(self, spec: ConsecutiveFact | YearsHoldingFact, subjects: Sequence[str]) -> list[tuple]:
        """`_ratings`, with the years of recruitment that `facts._held` reads alike for this fact made one:
        most people were recruited before any year it reads, and then read as those with no date."""
        lowest, after = earliest_held(spec, self.ctx), self.ctx.period + 1
        return [(lowest if recruited is None else min(max(recruited, lowest), after), *rated)
                for recruited, *rated in self._per_list(subjects, "ratings", self._ratings)]

    def _per_subject(self, subjects: Sequence[str], what: str, make: Callable[[str], Any]) -> list[Any]:
        """`make` of each subject, in order; made once for each list of subjects."""
        return self._per_list(subjects, what, lambda subjects: [make(subject) for subject in subjects])

    def _per_list(self, subjects: Sequence[str], what: str, make: Callable[[Sequence[str]], list[Any]]) -> list[Any]:
        """`make` of a list of subjects, one item a subject; made once for each list."""
        found = self._lists.get((id(subjects), what))
        if found is None or found[0] is not subjects:
            found = self._lists[id(subjects), what] = (subjects, make(subjects))
        return found[1]

    def _conferred_of(self, subject: str) -> dict[str, tuple]:
        """The subject's conferrals by award: the (year, decision) of each, oldest first as
        `Dataset.conferral` weighs them."""
        by_award: dict[str, list] = {}
        for c in self.ctx.dataset.conferred_by_subject.get(subject, ()):
            by_award.setdefault(c.award, []).append((c.year, c.decision))
        return {award: tuple(held) for award, held in by_award.items()}

    def _ratings(self, subjects: Sequence[str]) -> list[tuple]:
        """Each subject's year of recruitment and rating of every year from the dataset's first to the
        period, year by year over all subjects."""
        ctx = self.ctx
        by_year, people = ctx.dataset.records_by_year, ctx.dataset.people_by_id
        recruited = [p.recruited.year if (p := people.get(s)) and p.recruited else None for s in subjects]
        # no record ("") and a record without a rating (None) are read apart
        years = [["" if r is None else r.rating for r in map(by_year.get(year, {}).get, subjects)]
                 for year in range(min(ctx.dataset.first_year or ctx.period, ctx.period), ctx.period + 1)]
        return list(zip(recruited, *years, strict=True))


def _grouped(spec: Any, keys: Sequence[Hashable], subjects: Sequence[str], ctx: Context) -> Column:
    """Subjects coded by their keys (what the operator reads of each): the first subject of a key reads for all."""
    codes, readings, seen = [], [], {}
    for i, key in enumerate(keys):
        code = seen.get(key)
        if code is None:
            code = seen[key] = len(readings)
            readings.append(read(spec, subjects[i], ctx))
        codes.append(code)  # a list made an array at once: numpy's item assignment costs more
    return Column(np.array(codes, dtype=np.int32), readings)


def _interned(found: Any) -> Column:
    codes, readings, seen = [], [], {}
    for reading in found:
        # the value's type too: Reading(1) == Reading(1.0) == Reading(True), which explanations word apart
        key = (reading, type(reading.value))
        code = seen.get(key)
        if code is None:
            code = seen[key] = len(readings)
            readings.append(reading)
        codes.append(code)
    return Column(np.array(codes, dtype=np.int32), readings)


# What each record operator of `facts` reads of each subject, values with their types (12 and 12.0
# read alike but are written apart), for a whole list of subjects at once: one call, not one per
# subject. A change to an operator's inputs changes its signature here; the differential test
# (tests/engine/test_columns.py) holds the two together.
def _rating(spec: RatingFact, subjects: Sequence[str], records: Sequence[Record | None], ctx: Context) -> list:
    return [None if record is None else (record.rating,) for record in records]


def _recruited(spec: MonthsSinceRecruitmentFact, subjects: Sequence[str], records: Sequence[Record | None],
               ctx: Context) -> list:
    people = ctx.dataset.people_by_id
    return [None if (person := people.get(subject)) is None else person.recruited for subject in subjects]


def _worked(spec: MonthsWorkedFact, subjects: Sequence[str], records: Sequence[Record | None], ctx: Context) -> list:
    # most records: months as a float, no leave; the float alone is hashed quicker than a tuple with its type.
    # Without months, the year is presumed from recruitment when that falls in the period.
    return [None if record is None else
            months if type(months := record.months_worked) is float and not record.leave else
            (months, type(months), tuple((x.kind, x.months, type(x.months)) for x in record.leave),
             None if months is not None else recruited_in(ctx.dataset, subject, ctx.period))
            for subject, record in zip(subjects, records, strict=True)]


def _discipline(spec: DisciplineFact, subjects: Sequence[str], records: Sequence[Record | None],
                ctx: Context) -> list:
    found, period = ctx.dataset.disciplines_by_subject, ctx.period
    return [tuple((d.level, d.date) for d in found[subject] if d.date.year == period) if subject in found else ()
            for subject in subjects]


def _assessment(spec: AssessmentFact, subjects: Sequence[str], records: Sequence[Record | None],
                ctx: Context) -> list:
    key = spec.key
    return [None if record is None or not (judged := record.assessments) else judged.get(key) for record in records]


def _bloc_rank(spec: BlocRankFact, subjects: Sequence[str], records: Sequence[Record | None], ctx: Context) -> list:
    units = ctx.dataset.units_by_id
    return [None if record is None or record.bloc_rank is None else
            (record.bloc_rank, unit.bloc if (unit := units.get(subject)) else None)
            for subject, record in zip(subjects, records, strict=True)]


def _achieved(spec: AchievementsFact, subjects: Sequence[str], records: Sequence[Record | None],
              ctx: Context) -> list:
    return [_achieved_by(spec, subject, ctx) for subject in subjects]


def _achieved_by(spec: AchievementsFact, subject: str, ctx: Context) -> Hashable:
    years = range(spec.since or ctx.period, ctx.period + 1)
    found = tuple((a.campaign, a.year, a.evidence) for year in years
                  for a in ctx.dataset.achievements_by_key.get((subject, year), ())
                  if a.criterion == spec.criterion and (spec.campaign is None or a.campaign == spec.campaign))
    if not found or not spec.exclude_campaign_rewarded:
        return found
    # campaign conferrals decide which achievements were already rewarded
    return found, tuple((c.award, c.campaign, c.year, c.decision)
                        for c in ctx.dataset.conferred_by_subject.get(subject, ()) if c.campaign)


def _verdict(spec: VerdictFact, subjects: Sequence[str], records: Sequence[Record | None], ctx: Context) -> list:
    return list(map(ctx.verdicts.get(spec.award, {}).get, subjects))


_SIGNATURES: dict[type, Signature] = {
    RatingFact: _rating,
    MonthsSinceRecruitmentFact: _recruited,
    MonthsWorkedFact: _worked,
    DisciplineFact: _discipline,
    AssessmentFact: _assessment,
    BlocRankFact: _bloc_rank,
    AchievementsFact: _achieved,
    VerdictFact: _verdict,
}

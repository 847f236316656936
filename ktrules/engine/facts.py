"""The fixed set of fact operators that rule files may name, each implemented once here.

An operator reads the records of one subject (and, for units, of their members) for the period,
and returns a Reading: the value (None when the records lack it) and the evidence it read, so an
explanation can show exactly what a verdict rests on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from ktrules.common.vocabulary import DISCIPLINE_RANK, RATING_RANK, SCOPE_RANK
from ktrules.records.models import Dataset, Initiative, months_since
from ktrules.rules import (
    AchievementsFact,
    AssessmentFact,
    BlocRankFact,
    ConsecutiveFact,
    DisciplineFact,
    InitiativesFact,
    MemberCountFact,
    MemberDisciplineFact,
    MemberShareFact,
    MonthsSinceRecruitmentFact,
    MonthsWorkedFact,
    RatingFact,
    VerdictFact,
    YearsHoldingFact,
)

# One thing read: (kind, value); the kind names a message that says it in the user's language.
Evidence = tuple[str, str]


class Reading(NamedTuple):
    """What an operator read: the value, the evidence (ids, documents, years) and why it may be absent."""

    value: Any
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None  # a message key: presumed, no_record, not_recorded, no_members, ...
    low: Any = None  # when the value is unknown but bounded (some members undecided)
    high: Any = None

    @property
    def bounds(self) -> tuple[Any, Any]:
        return (self.value, self.value) if self.value is not None else (self.low, self.high)


class Inferred(NamedTuple):
    """What a conferred award whose record lists no `initiatives` spent, inferred from the rules of
    its own year: between `low` and `high` of the `candidates` that fit what it needed."""

    award: str
    year: int
    candidates: tuple[str, ...]
    low: int
    high: int

    @property
    def exact(self) -> bool:
        return self.low == self.high == len(self.candidates)

    @property
    def label(self) -> str:
        return f"{self.award} {self.year}"


@dataclass
class Context:
    """What operators read beyond the records: verdicts settled so far in the run, and under the
    single-use rule which group of awards each award belongs to and what was spent in the run."""

    dataset: Dataset
    period: int
    verdicts: dict[str, dict[str, str]] = field(default_factory=dict)  # award -> subject -> verdict
    groups: dict[str, int] = field(default_factory=dict)  # award -> single-use group
    spent: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)  # subject -> initiative -> (award, year)
    award: str = ""  # the award being evaluated
    facts: Mapping[str, Any] = field(default_factory=dict)  # the version's declared facts, by name
    # conferrals of a year that list no initiatives: what they spent, inferred on first need (it
    # evaluates that year), by subject
    infer: Callable[[int], Mapping[str, list[Inferred]]] | None = None
    _readings: dict[tuple, Reading] = field(default_factory=dict)
    _inferred: dict[int, Mapping[str, list[Inferred]]] = field(default_factory=dict)

    def verdict(self, subject: str, award: str) -> str | None:
        """The subject's verdict of `award`, once it is settled in the run."""
        found = self.verdicts.get(award)
        return None if found is None else found.get(subject)

    def reading(self, name: str, subject: str) -> Reading:
        """A declared fact of a subject, read once per run: what a fact reads of other awards is
        settled before it is first read (stages), so only the sáng kiến an award may count, which
        depend on the award, are read again for each award."""
        spec = self.facts[name]
        key = (name, subject, self.award if spec.op == "initiatives" else "")
        found = self._readings.get(key)
        if found is None:
            found = self._readings[key] = read(spec, subject, self)
        return found

    def keep(self, name: str, subjects: Sequence[str], readings: Sequence[Reading]) -> None:
        """Readings of a fact that does not depend on the award, made elsewhere (a column), so that
        what reads the fact again subject by subject finds them."""
        pairs = zip(subjects, readings, strict=True)
        self._readings.update(((name, subject, ""), reading) for subject, reading in pairs)

    def spent_for(self, subject: str) -> dict[str, str]:
        """Initiatives the current award may not count: spent by a conferred award of another
        single-use group or an earlier conferral of this award, or earlier in this run by an award of
        an earlier group; initiative -> 'AWARD year'. This award's conferral of the period itself (a
        year evaluated again) spent nothing before it."""
        group = self.groups.get(self.award)
        if group is None:
            return {}
        out: dict[str, str] = {}
        # most authors' conferrals list no initiatives: not looked through
        listed = self.dataset.conferred_by_subject.get(subject, []) if subject in _listing(self.dataset) else []
        for c in listed:  # oldest first: it spent the initiative
            if (c.year < self.period if c.award == self.award else self.groups.get(c.award, group) != group):
                for i in c.initiatives:
                    out.setdefault(i, f"{c.award} {c.year}")
        if spent := self.spent.get(subject):
            out |= {i: f"{award} {year}" for i, (award, year) in spent.items() if self.groups.get(award, group) < group}
        return out

    def inferred_for(self, subject: str, since: int) -> list[Inferred]:
        """What the subject's conferrals from `since` on that list no initiatives spent, as far as the
        current award may not count it (the same rule as `spent_for`). An earlier conferral spent only
        initiatives of its own window, all before `since`, so its year is not evaluated."""
        group = self.groups.get(self.award)
        if group is None or self.infer is None:
            return []
        found: list[Inferred] = []
        for year in range(since, self.period):
            if year not in self._inferred:
                self._inferred[year] = self.infer(year)
            found.extend(x for x in self._inferred[year].get(subject, [])
                         if x.award == self.award or self.groups.get(x.award, group) != group)
        return found


def read(spec: Any, subject: str, ctx: Context) -> Reading:
    """Evaluate one declared fact for one subject."""
    return _OPERATORS[type(spec)](spec, subject, ctx)


def _rating(spec: RatingFact, subject: str, ctx: Context) -> Reading:
    record = ctx.dataset.record(subject, ctx.period)
    if record is None:
        return Reading(None, note="no_record")
    return Reading(record.rating, note=None if record.rating else "not_recorded")


def _months_since_recruitment(spec: MonthsSinceRecruitmentFact, subject: str, ctx: Context) -> Reading:
    person = ctx.dataset.people_by_id.get(subject)
    if person is None or person.recruited is None:
        return Reading(None, note="not_recorded")
    return Reading(months_since(person.recruited, ctx.period), (("recruited", person.recruited.isoformat()),))


def recruited_in(dataset: Dataset, subject: str, period: int) -> date | None:
    """The subject's day of recruitment when it falls in the period: the months before it were not on the staff."""
    person = dataset.people_by_id.get(subject)
    return person.recruited if person is not None and person.recruited and person.recruited.year == period else None


def _months_worked(spec: MonthsWorkedFact, subject: str, ctx: Context) -> Reading:
    record = ctx.dataset.record(subject, ctx.period)
    if record is None:
        return Reading(None, note="no_record")
    counted = [leave for leave in record.leave if leave.kind in spec.counting]
    # the leave that does not count is read too, and said: else a secretary cannot see her entry was read
    evidence = tuple((f"leave.{leave.kind}" if leave in counted else f"uncounted.{leave.kind}", leave.months)
                     for leave in record.leave)
    if record.months_worked is None:
        # a record that lists its leave apart and no months: the rest of the year was at work, or of the
        # months since recruitment for someone recruited in the year
        start = recruited_in(ctx.dataset, subject, ctx.period)
        if start is None:
            worked = 12 - sum(leave.months for leave in record.leave)
            return Reading(worked + sum(x.months for x in counted), evidence, note="presumed_full_year")
        worked = max(0, months_since(start, ctx.period) - sum(leave.months for leave in record.leave))
        return Reading(worked + sum(x.months for x in counted), (("recruited", start.isoformat()), *evidence),
                       note="presumed_since_recruitment")
    worked = record.months_worked
    return Reading(worked + sum(x.months for x in counted), (("worked", worked), *evidence))


def _disciplines(ctx: Context, subject: str) -> list[tuple[str, date]]:
    # a discipline counts in the year of its date, whichever record lists it
    return sorted((d.level, d.date) for d in ctx.dataset.disciplines_by_subject.get(subject, ())
                  if d.date.year == ctx.period)


def _heaviest(found: list[tuple[str, str, date]]) -> Reading:
    """The heaviest of (who, level, date) disciplines, 'none' when there are none."""
    if not found:
        return Reading("none")
    heaviest = max((level for _, level, _ in found), key=DISCIPLINE_RANK.__getitem__)
    return Reading(heaviest, tuple((f"discipline.{level}", f"{who}{day.isoformat()}") for who, level, day in found))


def _discipline(spec: DisciplineFact, subject: str, ctx: Context) -> Reading:
    return _heaviest([("", level, day) for level, day in _disciplines(ctx, subject)])


NO_INITIATIVES = Reading(0)  # most people author no initiative: one shared reading


def _initiatives(spec: InitiativesFact, subject: str, ctx: Context) -> Reading:
    authored = ctx.dataset.initiatives_by_author.get(subject)
    if not authored:
        return NO_INITIATIVES
    first = window_start(spec, subject, ctx)
    found = sorted((i.year, i.id) for i in authored if _fits(spec, i, first, ctx.period))
    if not found:
        return NO_INITIATIVES  # what _unspent makes of none, without looking up what was spent
    spent = ctx.spent_for(subject)
    ids = [i for _, i in found if i not in spent]
    listed = tuple(("spent", f"{i} ({spent[i]})") for _, i in found if i in spent)
    inferred = ctx.inferred_for(subject, since=found[0][0])
    if not inferred:  # what _unspent makes of no inferred spending, without its sets
        return Reading(len(ids), (*(("id", i) for i in ids), *listed))
    return _unspent(ids, inferred, listed)


def _fits(spec: InitiativesFact, initiative: Initiative, first: int, period: int) -> bool:
    """Whether the fact counts an initiative of this kind and scope, from year `first` to the period."""
    return initiative.kind in spec.kinds and SCOPE_RANK[initiative.scope] >= SCOPE_RANK[spec.min_scope] \
        and first <= initiative.year <= period


def window_start(spec: InitiativesFact, subject: str, ctx: Context) -> int:
    """The first year of the subject's window: `years` back from the period, or as far as the longest of
    its runs (`years_from`, read before)."""
    if not spec.years_from:  # the same for everyone: most windows
        return ctx.period - spec.years + 1
    runs = [_run_length(ctx.reading(name, subject), ctx) for name in spec.years_from]
    return ctx.period - max([spec.years, *runs]) + 1


def _listing(dataset: Dataset) -> frozenset[str]:
    """The subjects with a conferral that lists initiatives; made once per dataset."""
    found = dataset.derived.get("listing initiatives")
    if found is None:
        found = dataset.derived["listing initiatives"] = frozenset(c.subject for c in dataset.conferred
                                                                   if c.initiatives)
    return found


def latest_countable(spec: InitiativesFact, ctx: Context) -> dict[str, int]:
    """Each author's latest initiative the fact could count, by kind and scope, not after the period:
    an author whose latest is before the window reads `NO_INITIATIVES`, as `_initiatives` finds. Made
    once per dataset, for all subjects."""
    key = ("latest initiatives", tuple(spec.kinds), spec.min_scope, ctx.period)
    found = ctx.dataset.derived.get(key)
    if found is None:
        found = ctx.dataset.derived[key] = {}
        for initiative in ctx.dataset.initiatives:
            if _fits(spec, initiative, 0, ctx.period):
                for author in initiative.authors:
                    found[author] = max(initiative.year, found.get(author, initiative.year))
    return found


def _unspent(ids: list[str], inferred: list[Inferred], listed: tuple[Evidence, ...]) -> Reading:
    """How many of `ids` are not spent by conferrals whose spending is inferred: a range when a
    conferral had several that fit, each initiative counted once."""
    sure = {i: x.label for x in inferred if x.exact for i in x.candidates if i in ids}
    left = set(ids) - sure.keys()
    unsure = [x for x in inferred if not x.exact and left & set(x.candidates)]
    maybe = {i for x in unsure for i in x.candidates}
    counted = [i for i in ids if i not in sure and i not in maybe]
    evidence = (*(("id", i) for i in counted), *listed,
                *(("spent_inferred", f"{i} ({sure[i]})") for i in ids if i in sure),
                *(("maybe_spent", _maybe(x)) for x in unsure))
    # each unsure conferral spent `low`..`high` of its candidates: those it did not spend count here
    low = high = len(counted)
    for x in unsure:
        here = left & set(x.candidates)
        left -= here
        low += max(0, len(here) - x.high)
        high += min(len(here), len(x.candidates) - x.low)
    if low == high:
        return Reading(low, evidence)
    return Reading(None, evidence, note="record_conferral_initiatives", low=low, high=high)


def _maybe(conferral: Inferred) -> str:
    many = conferral.high if conferral.low == conferral.high else f"{conferral.low}–{conferral.high}"
    return f"{conferral.label}: {many} ∈ {{{', '.join(conferral.candidates)}}}"


def _run_length(run: Reading, ctx: Context) -> int:
    """The most years a run may span: back to the dataset's first year when unrated years leave it open."""
    low, high = run.bounds
    if high is None and low is not None:
        return ctx.period - (ctx.dataset.first_year or ctx.period) + 1
    return high or 0


_TRI: dict[str | None, bool] = {"eligible": True, "not_eligible": False}


def _tri(verdict: str | None) -> bool | None:
    return _TRI.get(verdict)


def _states(members: list[str], settled: Mapping[str, str]) -> dict[str, bool | None]:
    """Each member's verdict as met, not met or undecided (None)."""
    return dict(zip(members, map(_TRI.get, map(settled.get, members)), strict=True))


def _verdict(spec: VerdictFact, subject: str, ctx: Context) -> Reading:
    verdict = ctx.verdict(subject, spec.award)
    return Reading(_tri(verdict), ((f"verdict.{verdict or 'none'}", spec.award),))


def _held(spec: ConsecutiveFact | YearsHoldingFact, subject: str, year: int, ctx: Context) -> str | None | bool:
    """How the subject held the award or rating in `year`: a label when held, False when a recorded
    year fails it, None when undecided: this year's verdict or rating still open, or a past year
    whose rating is not recorded (only a recorded year that fails breaks a run)."""
    record = ctx.dataset.record(subject, year)
    if spec.award:
        decision = ctx.dataset.conferral(subject, spec.award, year)
        if decision:
            return decision
        if year == ctx.period and ctx.verdict(subject, spec.award) == "eligible":
            return f"{spec.award} ({year})"
    if spec.min_rating and record and record.rating and RATING_RANK[record.rating] >= RATING_RANK[spec.min_rating]:
        return record.rating
    if year < ctx.period:
        return None if spec.min_rating and not (record and record.rating) and _employed(subject, year, ctx) else False
    still_open = (spec.award is not None and ctx.verdict(subject, spec.award) == "incomplete") or (
        spec.min_rating is not None and record is not None and record.rating is None)
    return None if still_open else False


def earliest_held(spec: ConsecutiveFact | YearsHoldingFact, ctx: Context) -> int:
    """The earliest year `_held` is asked about for the fact: a run stops at the first year it reaches
    before the dataset's first (nothing is recorded there), a window where it starts. Years of
    recruitment up to this one read alike (`_employed`)."""
    if isinstance(spec, ConsecutiveFact):
        return min(ctx.dataset.first_year or ctx.period, ctx.period) - spec.every
    last = ctx.period - 1 if spec.before else ctx.period
    return last - spec.years + 1 if spec.years else min(ctx.dataset.first_year or last, last)


def _employed(subject: str, year: int, ctx: Context) -> bool:
    """Whether the subject could be rated in `year`: a person not before the year of recruitment."""
    person = ctx.dataset.people_by_id.get(subject)
    return person is None or person.recruited is None or year >= person.recruited.year


def _consecutive_holdings(spec: ConsecutiveFact, subject: str, ctx: Context) -> Reading:
    """Holdings `every` years apart going back from this year until a recorded year breaks the run;
    a range when this year is open or a past year's rating is not recorded."""
    now = _held(spec, subject, ctx.period, ctx)
    if now is False:
        return Reading(0, (("year.not_met", ctx.period),))
    spent_until = max((c.year for c in ctx.dataset.conferred_by_subject.get(subject, [])
                       if c.award == spec.reset_by and c.year < ctx.period), default=None)
    streak, missing, open_ended, reached = _walk_back(spec, subject, ctx, spent_until or 0)
    sure = 1 + sum(1 for year, _ in streak if not missing or year > missing[0])  # held before the first gap
    high = None if open_ended else 1 + len(streak) + len(missing)
    held = tuple(("held", f"{year}: {label}") for year, label in streak)
    unrated = tuple(("not_rated", str(year)) for year in missing)
    if now is None:
        return Reading(None, (("year.undecided", ctx.period), *held, *unrated), note="depends_on_incomplete",
                       low=0, high=high)
    reset = (("reset", f"{spec.reset_by} {spent_until}"),) if spent_until and reached else ()  # what ended it
    evidence = (("held", f"{ctx.period}: {now}"), *held, *unrated, *reset)
    if missing:
        return Reading(None, evidence, note="past_year_not_rated", low=sure, high=high)
    return Reading(len(streak) + 1, evidence)


def _walk_back(spec: ConsecutiveFact, subject: str, ctx: Context,
               stop: int) -> tuple[list[tuple[int, str]], list[int], bool, bool]:
    """The years held and the years unrated before this one, back to a recorded break or `stop`;
    open-ended when unrated years reach past the first year the dataset records; and whether it
    reached `stop` (a reset, not a break, ended it)."""
    streak: list[tuple[int, str]] = []
    missing: list[int] = []
    first = ctx.dataset.first_year or ctx.period
    year = ctx.period - spec.every
    while year > stop:
        held = _held(spec, subject, year, ctx)
        if held is False:
            return streak, missing, False, False
        if held is None:
            missing.append(year)
            if year < first:  # nothing is recorded this far back: the run may go on
                return streak, missing, True, False
        else:
            streak.append((year, held))
        year -= spec.every
    return streak, missing, False, True


def _years_holding(spec: YearsHoldingFact, subject: str, ctx: Context) -> Reading:
    last = ctx.period - 1 if spec.before else ctx.period
    first = last - spec.years + 1 if spec.years else min(ctx.dataset.first_year or last, last)
    states = {year: _held(spec, subject, year, ctx) for year in range(first, last + 1)}
    held = [("held", f"{y}: {s}") for y, s in states.items() if s]
    open_years = [y for y, s in states.items() if s is None]
    if open_years:
        return Reading(None, (*held, *(("year.undecided", y) for y in open_years)), note="depends_on_incomplete",
                       low=len(held), high=len(held) + len(open_years))
    return Reading(len(held), tuple(held))


def _bloc_rank(spec: BlocRankFact, subject: str, ctx: Context) -> Reading:
    record = ctx.dataset.record(subject, ctx.period)
    if record is None or record.bloc_rank is None:
        return Reading(None, note="not_recorded")
    unit = ctx.dataset.units_by_id.get(subject)
    return Reading(record.bloc_rank, (("bloc", unit.bloc if unit and unit.bloc else "?"),))


def _members_or_none(subject: str, ctx: Context) -> list[str] | None:
    return ctx.dataset.members(subject, ctx.period) if ctx.dataset.is_collective(subject) else None


def _member_share(spec: MemberShareFact, subject: str, ctx: Context) -> Reading:
    members = _members_or_none(subject, ctx)
    if not members:
        return Reading(None, note="no_members")
    if spec.award:
        states = _states(members, ctx.verdicts.get(spec.award, {}))
    else:
        ratings = {m: ctx.dataset.record(m, ctx.period).rating for m in members}  # type: ignore[union-attr]
        states = {m: None if r is None else RATING_RANK[r] >= RATING_RANK[spec.min_rating or "KHT"]
                  for m, r in ratings.items()}
    return _share(states)


def _share(states: dict[str, bool | None]) -> Reading:
    unknown = sorted(m for m, s in states.items() if s is None)
    met, total = sum(1 for s in states.values() if s), len(states)
    missed = sorted(m for m, s in states.items() if s is False)
    evidence = (("share", f"{met}/{total}"), *(("not_met", m) for m in missed))
    if unknown:
        return Reading(None, (*evidence, *(("undecided", m) for m in unknown)), note="members_undecided",
                       low=round(met / total, 6), high=round((met + len(unknown)) / total, 6))
    return Reading(round(met / total, 6), evidence)


def _member_count(spec: MemberCountFact, subject: str, ctx: Context) -> Reading:
    members = _members_or_none(subject, ctx)
    if members is None:
        return Reading(None, note="no_members")
    states = _states(members, ctx.verdicts.get(spec.award, {}))
    met = sorted(m for m, s in states.items() if s)
    unknown = sorted(m for m, s in states.items() if s is None)
    if unknown:
        return Reading(None, (*(("met", m) for m in met), *(("undecided", m) for m in unknown)),
                       note="members_undecided", low=len(met), high=len(met) + len(unknown))
    return Reading(len(met), tuple(("met", m) for m in met))


def _member_discipline(spec: MemberDisciplineFact, subject: str, ctx: Context) -> Reading:
    members = _members_or_none(subject, ctx)
    if members is None:
        return Reading(None, note="no_members")
    disciplined = ctx.dataset.disciplines_by_subject  # few members are: the others are not looked into
    return _heaviest([(f"{m}: ", level, day) for m in sorted(members) if m in disciplined
                      for level, day in _disciplines(ctx, m)])


def _assessment(spec: AssessmentFact, subject: str, ctx: Context) -> Reading:
    record = ctx.dataset.record(subject, ctx.period)
    judged = record.assessments.get(spec.key) if record and record.assessments else None
    if judged is None:
        return Reading(True, note="presumed")
    return Reading(judged, (("assessment", f"{spec.key}: {str(judged).lower()}"),))


def _achievements(spec: AchievementsFact, subject: str, ctx: Context) -> Reading:
    years = range(spec.since or ctx.period, ctx.period + 1)
    found = sorted((a for year in years for a in ctx.dataset.achievements_by_key.get((subject, year), [])
                    if a.criterion == spec.criterion and (spec.campaign is None or a.campaign == spec.campaign)),
                   key=lambda a: (a.year, a.campaign or "", a.evidence or ""))
    rewarded = {(c.campaign, c.year): c for c in ctx.dataset.conferred_by_subject.get(subject, [])
                if c.campaign} if spec.exclude_campaign_rewarded else {}
    counted = [a for a in found if (a.campaign, a.year) not in rewarded and a.evidence]
    spent = [("campaign_rewarded", f"{a.evidence} ({_conferral(rewarded[a.campaign, a.year])})")
             for a in found if (a.campaign, a.year) in rewarded and a.evidence]
    # an entry without a document shows nothing: it is named, so the secretary can add the document
    unshown = [("no_evidence", f"{a.criterion} {a.year}") for a in found if not a.evidence]
    # none at all: say where an achievement is written, as nothing is presumed for this kind of criterion
    return Reading(len(counted), (*(("document", a.evidence) for a in counted), *spent, *unshown),
                   note=None if found else "no_achievement")


def _conferral(conferred: Any) -> str:
    return ", ".join(x for x in (conferred.award, conferred.campaign, str(conferred.year), conferred.decision) if x)


_OPERATORS: dict[type, Callable[[Any, str, Context], Reading]] = {
    RatingFact: _rating,
    MonthsSinceRecruitmentFact: _months_since_recruitment,
    MonthsWorkedFact: _months_worked,
    DisciplineFact: _discipline,
    InitiativesFact: _initiatives,
    VerdictFact: _verdict,
    ConsecutiveFact: _consecutive_holdings,
    YearsHoldingFact: _years_holding,
    BlocRankFact: _bloc_rank,
    MemberShareFact: _member_share,
    MemberCountFact: _member_count,
    MemberDisciplineFact: _member_discipline,
    AssessmentFact: _assessment,
    AchievementsFact: _achievements,
}

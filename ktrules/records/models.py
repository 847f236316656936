"""The records a council works from (the contract's dataset format), validated and indexed."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import MISSING, fields
from datetime import date
from functools import cached_property
from itertools import chain, compress, repeat
from operator import and_, attrgetter, countOf, is_, is_not, not_
from pathlib import Path
from typing import Annotated, Any, get_args

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass

from ktrules.common.collector import no_collection
from ktrules.common.errors import KtrulesError, suggest
from ktrules.common.messages import short_date, t
from ktrules.common.reading import (
    NAME,
    PRINTABLE,
    decoded,
    json_model,
    line_of,
    load_model,
    parse_document,
    placed,
    validation_error,
)
from ktrules.common.vocabulary import (
    COMMENDATIONS,
    NATIONAL_AWARDS,
    DisciplineLevel,
    Gender,
    InitiativeKind,
    LeaveKind,
    NationalAward,
    Rating,
    Scope,
)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
Id = Annotated[str, Field(min_length=1, pattern=ID_PATTERN)]
# an id that names a unit, person or initiative given elsewhere, where it matched the pattern: one that none
# has is refused by name with the likeliest id (`Dataset.problems`), so the pattern is not matched again for
# each of a province's millions of references (0.25 s of loading 100,000 people). The schema still shows it.
Ref = Annotated[str, Field(min_length=1, json_schema_extra={"pattern": ID_PATTERN})]


Text = Annotated[str, Field(pattern=PRINTABLE)]
Name = Annotated[str, Field(pattern=NAME)]
# Strict: `months_worked: yes` is no month and `bloc_rank: true` no rank (lax pydantic reads both as 1);
# YAML and JSON give numbers as numbers, and the workbook's cells are converted before (`sheets`)
Year = Annotated[int, Field(ge=1945, le=2100, strict=True)]
Months = Annotated[float, Field(ge=0, le=12, strict=True)]
# a date of the records (recruitment, discipline) within the years a record may have: a year typed alone
# in a date cell of Excel is a day of 1905 (serial 2024), and a recruitment then reads as 1,400 months
Day = Annotated[date, Field(ge=date(1945, 1, 1), le=date(2100, 12, 31))]


STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)


class Strict(BaseModel):
    model_config = ConfigDict(**STRICT, frozen=True)


class Organization(Strict):
    """The agency whose council meets; the optional fields fill the văn bản's thể thức (NĐ 30/2020)."""

    id: Id
    name: Text
    parent: Text | None = None  # cơ quan chủ quản, printed above the agency: "UBND TỈNH BÌNH ĐỊNH"
    abbreviation: Text | None = None  # chữ viết tắt in số/ký hiệu: "SKHCN" gives "…/QĐ-SKHCN"
    place: Text | None = None  # địa danh of "…, ngày … tháng … năm …"
    chair: Text | None = None  # the council's chair (the head of the agency), who signs decisions
    chair_title: Text | None = None
    secretary: Text | None = None  # the council's secretary, who signs the minutes
    secretary_title: Text | None = None
    council_members: Annotated[int, Field(ge=1, le=99, strict=True)] | None = None  # all members, present or not


# The rows of a dataset's lists, which a province holds by the million, are slotted dataclasses, not models:
# a model keeps a __dict__ and the set of the fields given for each row. A record takes 206 bytes with its
# values, where a model took 710.
@dataclass(slots=True, frozen=True, kw_only=True, config=STRICT)
class Bloc:
    """A khối thi đua: units that compete with each other."""

    id: Id
    name: Name


@dataclass(slots=True, frozen=True, kw_only=True, config=STRICT)
class Unit:
    id: Id
    name: Name
    bloc: Id | None = None


@dataclass(slots=True, frozen=True, kw_only=True, config=STRICT)
class Person:
    id: Id
    name: Name
    gender: Gender | None = None
    unit: Ref
    recruited: Day | None = None


@dataclass(slots=True, frozen=True, kw_only=True, config=STRICT)
class Leave:
    kind: LeaveKind
    months: Annotated[float, Field(gt=0, le=12, strict=True)]


@dataclass(slots=True, frozen=True, kw_only=True, config=STRICT)
class Discipline:
    level: DisciplineLevel
    date: Day


@dataclass(slots=True, frozen=True, kw_only=True, config=STRICT)
class Record:
    subject: Ref
    year: Year
    rating: Rating | None = None
    months_worked: Months | None = None
    # tuples and None, not [] and {}: pydantic copies a mutable default for every record, which
    # made validating a province's records several times slower
    leave: tuple[Leave, ...] = ()
    discipline: tuple[Discipline, ...] = ()
    unit: Ref | None = None
    assessments: dict[str, Annotated[bool, Field(strict=True)]] | None = None  # "yes", "0", 1.0 are no verdict
    # a unit's place in its khối thi đua that year. The bound refuses in JSON what was always refused there:
    # orjson reads a larger integer as a float, pydantic reading the bytes itself as an integer.
    bloc_rank: Annotated[int, Field(ge=1, le=2**64 - 1, strict=True)] | None = None


@dataclass(slots=True, frozen=True, kw_only=True, config=STRICT)
class Initiative:
    id: Id
    authors: Annotated[list[Ref], Field(min_length=1)]
    year: Year
    scope: Scope
    kind: InitiativeKind
    title: Text = ""


@dataclass(slots=True, frozen=True, kw_only=True, config=STRICT)
class Conferred:
    """An award already decided: a national one, or with `campaign` an award of that campaign's pack."""

    subject: Ref
    award: NationalAward | Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]
    year: Year
    decision: Text | None = None
    initiatives: tuple[Ref, ...] = ()  # the sáng kiến / đề tài this award used (spent under the single-use rule)
    campaign: Text | None = None

    @model_validator(mode="after")
    def _national_unless_campaign(self) -> Conferred:
        if self.campaign is None and self.award not in NATIONAL_AWARDS:
            raise ValueError(t("val.not_national", award=self.award, ids=", ".join(NATIONAL_AWARDS)))
        return self


@dataclass(slots=True, frozen=True, kw_only=True, config=STRICT)
class Achievement:
    """An achievement shown by a document; one with no `evidence` loads but counts for nothing."""

    subject: Ref
    year: Year
    campaign: Text | None = None
    criterion: Text
    evidence: Annotated[Text, Field(min_length=1)] | None = None

    @field_validator("evidence")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError(t("val.blank_evidence"))
        return value


@dataclass(slots=True, frozen=True, kw_only=True, config=STRICT)
class Dossier:
    """The documents a proposal of a subject for an award already holds."""

    subject: Ref
    award: Text
    year: Year
    campaign: Text | None = None
    documents: tuple[Text, ...] = ()


def months_since(start: date, year: int) -> int:
    """Whole months from `start` to the first day after `year`."""
    return (year + 1 - start.year) * 12 + (1 - start.month) - (1 if start.day > 1 else 0)


class Dataset(Strict):
    organization: Organization
    blocs: list[Bloc] = []
    units: list[Unit] = []
    people: list[Person] = []
    records: list[Record] = []
    initiatives: list[Initiative] = []
    conferred: list[Conferred] = []
    achievements: list[Achievement] = []
    dossiers: list[Dossier] = []

    @cached_property
    def units_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def blocs_by_id(self) -> dict[str, Bloc]:
        return {b.id: b for b in self.blocs}

    def bloc_name(self, bloc: str) -> str:
        """A khối thi đua's name; its id when the records name no blocs."""
        found = self.blocs_by_id.get(bloc)
        return found.name if found else bloc

    @cached_property
    def people_by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    @cached_property
    def records_by_year(self) -> dict[int, dict[str, Record]]:
        """Each year's records by subject: a year's records of many subjects are then looked up with one
        `map` (`engine.columns`), where keys of (subject, year) cost a tuple each."""
        found: dict[int, dict[str, Record]] = {}
        for r in self.records:
            year = found.get(r.year)
            if year is None:
                year = found[r.year] = {}
            year[r.subject] = r
        return found

    @cached_property
    def initiatives_by_author(self) -> dict[str, list[Initiative]]:
        return _group((a, i) for i in self.initiatives for a in i.authors)

    @cached_property
    def disciplines_by_subject(self) -> dict[str, list[Discipline]]:
        return _group((r.subject, d) for r in self.records for d in r.discipline)

    @cached_property
    def conferred_by_subject(self) -> dict[str, list[Conferred]]:
        """Each subject's conferrals, oldest first whatever their order in the file."""
        found = _group((c.subject, c) for c in self.conferred)
        for conferred in found.values():  # a few each: cheaper than sorting them all together
            if len(conferred) > 1:
                conferred.sort(key=_conferral_order)
        return found

    @cached_property
    def _conferrals(self) -> dict[tuple[str, str, int], str]:
        found: dict[tuple[str, str, int], str] = {}
        for subject, conferred in self.conferred_by_subject.items():  # in order already: not sorted again
            for c in conferred:
                found.setdefault((subject, c.award, c.year), c.decision or c.award)
        return found

    def conferral(self, subject: str, award: str, year: int) -> str | None:
        """The decision that conferred `award` on `subject` in `year` (the award id when none is given)."""
        return self._conferrals.get((subject, award, year))

    @cached_property
    def achievements_by_key(self) -> dict[tuple[str, int], list[Achievement]]:
        return _group(((a.subject, a.year), a) for a in self.achievements)

    @cached_property
    def position(self) -> dict[str, int]:
        """Each unit's and person's place in listings: by id in natural order (p2 before p10), never
        by the order of the file, so that shuffling a dataset's lists changes no output."""
        return {x: i for part in (self.units, self.people) for i, x in enumerate(natural_order(map(_ID, part)))}

    def units_in_order(self) -> list[Unit]:
        """The units in the order of listings (`position`)."""
        return sorted(self.units, key=lambda u: self.position[u.id])

    @cached_property
    def first_year(self) -> int | None:
        """The earliest year any record or conferral names."""
        return min(chain(map(_YEAR, self.records), map(_YEAR, self.conferred)), default=None)

    @cached_property
    def _members(self) -> dict[tuple[str, int], list[str]]:
        # `unit_of` with each record at hand, by C-level maps: a person's unit, unless the record names one
        records = self.records
        subjects = list(map(_SUBJECT, records))
        of_people = list(map(dict(zip(map(_ID, self.people), map(_UNIT, self.people), strict=True)).get, subjects))
        units = [own or usual for own, usual in zip(map(_UNIT, records), of_people, strict=True)]
        return _group(compress(zip(zip(units, map(_YEAR, records), strict=True), subjects, strict=True), of_people))

    def record(self, subject: str, year: int) -> Record | None:
        found = self.records_by_year.get(year)
        return None if found is None else found.get(subject)

    def unit_of(self, person: str, year: int) -> str:
        """The person's unit in a year: the record's `unit` when it differs, else the person's."""
        record = self.record(person, year)
        return (record.unit if record and record.unit else None) or self.people_by_id[person].unit

    def unrecorded(self, year: int) -> list[Person]:
        """People who look present in `year` but have no record of it, so no verdict and no place in a
        unit's shares: none in any year (added without a rating row), or one the year before or after
        (a row forgotten, or a first year away). Not those recruited after the year, and no one in a year
        without any record: one before the records start or after they end is no row forgotten."""
        if year not in self.years:
            return []
        by_year = self.records_by_year  # made for evaluation, which comes before the notices that ask this
        missing = self.people_by_id.keys() - by_year[year].keys()
        absent = [p for p in map(self.people_by_id.__getitem__, missing)
                  if p.recruited is None or p.recruited.year <= year]
        if not absent:
            return []
        around = by_year.get(year - 1, {}).keys() | by_year.get(year + 1, {}).keys()
        found = [p for p in absent if p.id in around or not any(p.id in of_year for of_year in by_year.values())]
        return sorted(found, key=lambda p: self.position[p.id])  # the order of listings, never the file's

    @cached_property
    def years(self) -> list[int]:
        """The years the records hold, in order."""
        return sorted(set(map(_YEAR, self.records)))

    def misdated(self, year: int) -> list[tuple[Record, Discipline]]:
        """Disciplines dated in another year than the record that lists them, when either is `year`: one
        counts in the year of its date, which a year mistyped on either side would move without a word."""
        found = [(r, d) for r in compress(self.records, map(_DISCIPLINE, self.records)) for d in r.discipline
                 if d.date.year != r.year and year in (r.year, d.date.year)]
        return sorted(found, key=lambda rd: (self.position.get(rd[0].subject, -1), rd[1].date, rd[1].level))

    def overstaffed(self, year: int) -> list[tuple[Record, Person, float, int]]:
        """Records of `year` whose months of work and leave exceed the months since the person's recruitment
        in that year (the month of recruitment counted whole: 15/08 to the year's end is 4,5), with both: a
        recruitment date or a number of months is likely mistyped."""
        recruits = {p.id: p for p in self.people if p.recruited is not None and p.recruited.year == year}
        found = []
        for subject in recruits.keys() & self.records_by_year.get(year, {}).keys():
            record, person = self.records_by_year[year][subject], recruits[subject]
            months = (record.months_worked or 0) + sum(x.months for x in record.leave)
            start: date = person.recruited  # type: ignore[assignment]
            since = months_since(start, year) + (start.day > 1)
            if months > since:
                found.append((record, person, months, since))
        return sorted(found, key=lambda found: self.position[found[1].id])

    def members(self, unit: str, year: int) -> list[str]:
        """People with a record that year whose unit that year is `unit`."""
        return self._members.get((unit, year), [])

    def is_collective(self, subject: str) -> bool:
        return subject in self.units_by_id

    def subjects(self) -> frozenset[str]:
        return self._subject_ids

    @cached_property
    def _subject_ids(self) -> frozenset[str]:
        return frozenset(self.units_by_id) | frozenset(self.people_by_id)

    @cached_property
    def derived(self) -> dict[Any, Any]:
        """What evaluation derives from the records alone, by a key of its own: made once per dataset and
        process, and kept as long as the records."""
        return {}

    @cached_property
    def sound(self) -> bool:
        """Whether the dataset has none of `problems`: found once, by whichever reader or evaluation asks first."""
        return next(self.problems(), None) is None

    def problems(self) -> Iterator[tuple[tuple[str | int, ...], str, str | None]]:
        """Broken references and contradictions: (location, message, hint) for each, in the order of the
        file's parts. Each kind of problem is first looked for over whole columns at once (sets, C-level
        maps): a province's records are gone through one by one only when there is a problem to locate."""
        units, people = self.units_by_id, self.people_by_id
        ids = [*map(_ID, self.units), *map(_ID, self.people), *map(_ID, self.initiatives)]
        if len(set(ids)) < len(ids):
            seen: set[str] = set()
            for part, items in (("units", self.units), ("people", self.people), ("initiatives", self.initiatives)):
                for i, item in enumerate(items):
                    if item.id in seen:
                        yield (part, i, "id"), t("ds.id_twice", value=item.id), t("ds.id_twice.hint")
                    seen.add(item.id)
        subjects = self.subjects()
        if len(self.blocs_by_id) < len(self.blocs):
            for i, bloc in enumerate(self.blocs):
                if self.blocs_by_id[bloc.id] is not bloc:
                    yield ("blocs", i, "id"), t("ds.bloc_twice", value=bloc.id), t("ds.id_twice.hint")
        if self.blocs and not {u.bloc for u in self.units} - {None} <= self.blocs_by_id.keys():
            for i, unit in enumerate(self.units):  # blocs, once named, must all be named
                if unit.bloc is not None and unit.bloc not in self.blocs_by_id:
                    yield (("units", i, "bloc"), t("ds.unknown_bloc", value=unit.bloc),
                           suggest(unit.bloc, self.blocs_by_id))
        if not set(map(_UNIT, self.people)) <= units.keys():
            for i, person in enumerate(self.people):
                if person.unit not in units:
                    yield ("people", i, "unit"), t("ds.unknown_unit", value=person.unit), suggest(person.unit, units)
        if not self._records_sound():
            yield from self._record_problems()
        initiative_ids = set(map(_ID, self.initiatives))
        if not set(chain.from_iterable(map(_AUTHORS, self.initiatives))) <= people.keys():
            for i, ini in enumerate(self.initiatives):
                for j, author in enumerate(ini.authors):
                    if author not in people:
                        yield (("initiatives", i, "authors", j), t("ds.unknown_author", value=author),
                               suggest(author, people))
        if not set(chain.from_iterable(map(_INITIATIVES, self.conferred))) <= initiative_ids:
            for i, award in enumerate(self.conferred):
                for j, ini in enumerate(award.initiatives):
                    if ini not in initiative_ids:
                        yield (("conferred", i, "initiatives", j), t("ds.unknown_initiative", value=ini),
                               suggest(ini, [x.id for x in self.initiatives]))
        yield from self._conferral_problems()
        for part, items in (("conferred", self.conferred), ("achievements", self.achievements),
                            ("dossiers", self.dossiers)):
            if set(map(_SUBJECT, items)) <= subjects:
                continue
            for i, item in enumerate(items):
                if item.subject not in subjects:
                    yield ((part, i, "subject"), t("ds.unknown_subject", value=item.subject),
                           suggest(item.subject, subjects))

    def _conferral_problems(self) -> Iterator[tuple[tuple[str | int, ...], str, str | None]]:
        """A national title conferred twice on a subject in a year: the first one silently won, and a year
        mistyped (2002 for 2022) moves a run of consecutive years. A commendation may be given twice in a
        year (the year's work, and a thành tích đột xuất), and a campaign may reward twice."""
        conferred = self.conferred
        # the national titles' (subject, award, year), by C-level maps over a province's conferrals
        keys = zip(map(_SUBJECT, conferred), map(_AWARD, conferred), map(_YEAR, conferred), strict=True)
        national = map(is_, map(_CAMPAIGN, conferred), repeat(None))
        commendation = map(COMMENDATIONS.__contains__, map(_AWARD, conferred))
        titles = list(compress(keys, map(and_, national, map(not_, commendation))))
        if len(set(titles)) == len(titles):
            return
        seen: set[tuple[str, str, int]] = set()
        for i, c in enumerate(self.conferred):
            key = (c.subject, c.award, c.year)
            if c.campaign is None and c.award not in COMMENDATIONS:
                if key in seen:
                    who = self.people_by_id.get(c.subject) or self.units_by_id.get(c.subject)
                    yield (("conferred", i, "year"), t("ds.conferred_twice", award=c.award, year=c.year,
                                                       name=who.name if who else c.subject, subject=c.subject),
                           t("ds.conferred_twice.hint"))
                seen.add(key)

    def _records_sound(self) -> bool:
        """Whether no record has a problem that `_record_problems` names, checked over whole columns:
        numpy sorts the (subject, year) pairs as integers, several times faster than a set of tuples."""
        records = self.records
        if not records:
            return True
        if not set(map(_UNIT, records)) - {None} <= self.units_by_id.keys():
            return False
        ids = [*map(_ID, self.units), *map(_ID, self.people)]
        code = dict(zip(ids, range(len(ids)), strict=True))  # each subject as an integer
        subjects = np.fromiter(map(code.get, map(_SUBJECT, records), repeat(-1)), np.int64, len(records))
        if subjects.min() < 0:  # unknown
            return False
        years = np.fromiter(map(_YEAR, records), np.int64, len(records))
        recruited = {p.id: p.recruited.year for p in self.people if p.recruited is not None}
        if (np.fromiter(map(recruited.get, ids, repeat(0)), np.int64, len(ids))[subjects] > years).any():
            return False
        pairs = np.sort(subjects * 10_000 + years)  # a Year is below 10,000
        ranked = np.fromiter(map(is_not, map(_BLOC_RANK, records), repeat(None)), bool, len(records))
        of_units = [records[i] for i in np.flatnonzero(subjects < len(self.units)).tolist()]
        return not ((pairs[1:] == pairs[:-1]).any()
                    or (ranked & (subjects >= len(self.units))).any()
                    or any(map(_personal, of_units))
                    or any((r.months_worked or 0) + sum(x.months for x in r.leave) > 12
                           for r in compress(records, map(_LEAVE, records))))

    def _record_problems(self) -> Iterator[tuple[tuple[str | int, ...], str, str | None]]:
        units, people, subjects = self.units_by_id, self.people_by_id, self.subjects()
        keys: set[tuple[str, int]] = set()
        first_year = {p.id: p.recruited.year for p in self.people if p.recruited is not None}  # of recruitment
        for i, rec in enumerate(self.records):
            if rec.subject not in subjects:
                yield (("records", i, "subject"), t("ds.unknown_subject", value=rec.subject),
                       suggest(rec.subject, subjects))
            if rec.unit is not None and rec.unit not in units:
                yield ("records", i, "unit"), t("ds.unknown_unit", value=rec.unit), suggest(rec.unit, units)
            if (rec.subject, rec.year) in keys:
                yield (("records", i, "year"), t("ds.record_twice", subject=rec.subject, year=rec.year),
                       t("ds.record_twice.hint"))
            keys.add((rec.subject, rec.year))
            if rec.year < first_year.get(rec.subject, 0):
                yield (("records", i, "year"), t("ds.before_recruited", year=rec.year, subject=rec.subject,
                                                 recruited=short_date(people[rec.subject].recruited)),
                       t("ds.before_recruited.hint"))
            away = sum(leave.months for leave in rec.leave)
            if rec.months_worked is not None and rec.months_worked + away > 12:
                yield (("records", i, "months_worked"),
                       t("ds.over_12", worked=f"{rec.months_worked:g}", away=f"{away:g}"), t("ds.over_12.hint"))
            elif away > 12:  # without months_worked the year is counted as 12 months less the leave
                yield (("records", i, "leave"), t("ds.leave_over_12", away=f"{away:g}"), t("ds.leave_over_12.hint"))
            yield from _misplaced(rec, i, rec.subject in units)


# what a record of a person holds that a unit's does not, and the reverse: given to the other, no rule
# reads it, and it would be ignored without a word
PERSONAL_FIELDS = ("months_worked", "leave", "discipline", "unit")


def _personal(record: Record) -> list[str]:
    """The fields only a person's record holds that `record` gives."""
    return [name for name in PERSONAL_FIELDS if getattr(record, name) not in (None, ())]


def _misplaced(record: Record, i: int, of_unit: bool) -> Iterator[tuple[tuple[str | int, ...], str, str | None]]:
    if of_unit:
        for name in _personal(record):
            yield ("records", i, name), t("ds.personal_on_unit", name=name, subject=record.subject), \
                t("ds.misplaced.hint", name=name)
    elif record.bloc_rank is not None:
        yield ("records", i, "bloc_rank"), t("ds.rank_on_person", subject=record.subject), \
            t("ds.misplaced.hint", name="bloc_rank")


# columns of a part, read by C-level maps: a generator over a province's records costs several times more
_ID, _UNIT, _SUBJECT, _YEAR = attrgetter("id"), attrgetter("unit"), attrgetter("subject"), attrgetter("year")
_AUTHORS, _INITIATIVES, _LEAVE = attrgetter("authors"), attrgetter("initiatives"), attrgetter("leave")
_DISCIPLINE, _ASSESSMENTS = attrgetter("discipline"), attrgetter("assessments")
_BLOC_RANK, _AWARD, _CAMPAIGN = attrgetter("bloc_rank"), attrgetter("award"), attrgetter("campaign")


def id_order(identifier: str) -> tuple:
    """Natural order of ids: digits compare as numbers (p2 before p10), then the id itself."""
    parts = re.split(r"(\d+)", identifier)
    return tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in parts if x), identifier


_NUMBERED = re.compile(r"([^0-9]*)([0-9]+)")


def natural_order(ids: Iterable[str]) -> list[str]:
    """`ids` sorted by `id_order`. When every id is letters then a number (p000123, u42), as a province's
    are, (letters, number, id) orders them alike in half the time (0.11 against 0.22 s, 100,000 people)."""
    ids = list(ids)
    found = list(map(_NUMBERED.fullmatch, ids))
    if not all(found):
        return sorted(ids, key=id_order)
    letters, digits = zip(*(m.groups() for m in found), strict=True) if found else ((), ())
    return [i for *_, i in sorted(zip(letters, map(int, digits), ids, strict=True))]


def _conferral_order(c: Conferred) -> tuple:
    return c.year, c.award, c.campaign or "", c.decision or "", c.initiatives


def _group(pairs: Any) -> dict[Any, list[Any]]:
    out: dict[Any, list[Any]] = defaultdict(list)
    for key, value in pairs:
        out[key].append(value)
    return dict(out)


# the dataset's lists by the kind of row they hold
_PARTS = {name: get_args(field.annotation)[0] for name, field in Dataset.model_fields.items() if name != "organization"}
# each kind of row's fields that a file may leave out, with the value the row then holds
_DEFAULTS = {kind: {f.name: f.default for f in fields(kind) if f.default is not MISSING}
             for kind in (*_PARTS.values(), Leave, Discipline)}


def _vocabulary() -> set[str]:
    return {*Organization.model_fields, *Dataset.model_fields, *(f.name for kind in _DEFAULTS for f in fields(kind))}


def check_dataset(dataset: Dataset, path: Path, prefix: tuple[str | int, ...] = ()) -> Dataset:
    """Refuse a dataset with a broken reference, naming the first one's line."""
    for loc, message, hint in () if dataset.sound else dataset.problems():
        raise KtrulesError(placed(message, path, loc), file=path, line=line_of(path, (*prefix, *loc)),
                           hint=hint or t("ds.fix_id"))
    return dataset


def dataset_from_file(path: Path) -> Dataset:
    """Read and validate a dataset file in the contract's format (YAML or JSON)."""
    with no_collection():
        return check_dataset(load_model(path, Dataset, _vocabulary(), _keys), path)


def _keys(dataset: Dataset) -> int:
    """How many keys the objects of the dataset's file give at least, a key given twice counted once. A row
    keeps no set of the fields given: a key given with its default value (`"leave": []`) is not counted,
    and `json_model` then reads the file again to see whether a key was given twice."""
    records = dataset.records
    nested = ((Leave, [*chain.from_iterable(map(_LEAVE, records))]),
              (Discipline, [*chain.from_iterable(map(_DISCIPLINE, records))]))
    parts = ((kind, getattr(dataset, name)) for name, kind in _PARTS.items())
    return (sum(_given(kind, rows) for kind, rows in chain(parts, nested))
            + len(dataset.model_fields_set) + len(dataset.organization.model_fields_set)
            + sum(map(len, filter(None, map(_ASSESSMENTS, records)))))


def _given(kind: type, rows: list[Any]) -> int:
    """The keys `rows` of `kind` give: every field but those that hold their default, counted by C-level
    maps a field at a time (0.18 s for the records and conferrals of 100,000 people)."""
    defaults = _DEFAULTS[kind]
    return (len(rows) * len(fields(kind))
            - sum(countOf(map(attrgetter(name), rows), default) for name, default in defaults.items()))


def sound_dataset(content: bytes, path: Path) -> Dataset | None:
    """The dataset in `content`, the bytes of the YAML or JSON file `path` that need not be on disk, or
    None when `dataset_from_file` would refuse it: its error's line is found only in a file."""
    with no_collection():
        try:
            if path.suffix.lower() == ".json":
                dataset = json_model(content, Dataset, _keys, path)
            else:
                data = parse_document(decoded(content), path)
                dataset = Dataset.model_validate(data) if isinstance(data, dict) else None
        except (UnicodeDecodeError, KtrulesError, ValidationError):
            return None
        return dataset if dataset is not None and dataset.sound else None


def checked_data(data: Any) -> Dataset:
    """A dataset a program holds as the contract's mapping, validated and checked as a file is: its errors
    name the place in the mapping (`records[5].subject`), there being no line to name."""
    if not isinstance(data, Mapping):
        raise KtrulesError(t("err.data.not_mapping", kind=type(data).__name__), hint=t("err.data.not_mapping.hint"))
    with no_collection():
        try:
            dataset = Dataset.model_validate(data)
        except ValidationError as exc:
            raise validation_error(exc, None, _vocabulary(), document=data) from None
    return checked_dataset(dataset)


def checked_dataset(dataset: Dataset) -> Dataset:
    """`dataset`, refused at the place of its first problem: one built by a program (`Dataset(...)`,
    `model_validate`) has had no reference checked, and evaluation would fail on a broken one."""
    if not isinstance(dataset, Dataset):
        raise KtrulesError(t("err.data.not_dataset", kind=type(dataset).__name__), hint=t("err.data.not_dataset.hint"))
    for loc, message, hint in () if dataset.sound else dataset.problems():
        raise KtrulesError(placed(message, None, loc), hint=hint or t("ds.fix_id"))
    return dataset


def dataset_from_mapping(data: dict[str, Any], path: Path, prefix: tuple[str | int, ...]) -> Dataset:
    """Validate a dataset given inline (in a case file), locating errors under `prefix`."""
    try:
        dataset = Dataset.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, _vocabulary(), prefix) from None
    return check_dataset(dataset, path, prefix)

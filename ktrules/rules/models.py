"""The format of rule files: a version's sources, parameters, facts, awards and their criteria trees.

A pack is a folder (`rules/vn/`) with `pack.yaml` describing it and one file per version. A version
declares its legal sources, dated parameters, the facts its criteria read (each computed by one of a
fixed set of operators, see `facts.py`) and its awards with their criteria trees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from ktrules.common.vocabulary import DISCIPLINE_RANK, RATING_RANK, InitiativeKind, LeaveKind, Rating, Scope

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
CriterionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]
PackId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*$")]
AwardId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Text(Strict):
    """Words in Vietnamese (shown by default) and English (`--lang en`)."""

    vi: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


class Source(Strict):
    id: Name
    title: str
    url: str | None = None
    in_force: str | None = None


class Parameter(Strict):
    value: int | float | str | bool
    text: Text
    cite: str
    verified: bool


# --- facts: the fixed operators a criterion may read (implemented once, in facts.py) -----------------

class RatingFact(Strict):
    """The subject's task-completion rating (xếp loại) in the year."""
    op: Literal["rating"]


class MonthsSinceRecruitmentFact(Strict):
    """Whole months from recruitment to the end of the year."""
    op: Literal["months_since_recruitment"]


class MonthsWorkedFact(Strict):
    """Months at work in the year plus the months of the leave kinds that count as worked."""
    op: Literal["months_worked"]
    counting: list[LeaveKind] = []


class DisciplineFact(Strict):
    """The heaviest discipline decided in the year (none when there is none)."""
    op: Literal["heaviest_discipline"]


class InitiativesFact(Strict):
    """How many initiatives of these kinds and at least this scope the subject authored in a window."""
    op: Literal["initiatives"]
    kinds: Annotated[list[InitiativeKind], Field(min_length=1)]
    min_scope: Scope = "co_so"
    years: Annotated[int, Field(ge=1, le=10)] = 1
    # "in that time": the window stretches to the longest of these runs of years (facts of this version)
    years_from: list[Name] = []


class VerdictFact(Strict):
    """Whether the subject is eligible for another award this year (decided earlier in the same run)."""
    op: Literal["verdict"]
    award: AwardId


class ConsecutiveFact(Strict):
    """Consecutive holdings ending this year: of an award (conferred, or derived in this run) or of a
    rating at least `min_rating`, either one counting when both are given; `every` years apart."""
    op: Literal["consecutive_years"]
    award: AwardId | None = None
    min_rating: Rating | None = None
    every: Annotated[int, Field(ge=1, le=10)] = 1
    reset_by: AwardId | None = None  # years up to a conferral of this award were spent on it

class YearsHoldingFact(Strict):
    """How many years of a window ending this year (all years when `years` is omitted) the subject
    held an award or a rating at least `min_rating`; `before` leaves this year out."""
    op: Literal["years_holding"]
    award: AwardId | None = None
    min_rating: Rating | None = None
    years: Annotated[int, Field(ge=1, le=50)] | None = None
    before: bool = False


class BlocRankFact(Strict):
    """A unit's place in its khối thi đua that year (1 leads); undecided when not recorded."""
    op: Literal["bloc_rank"]


class MemberShareFact(Strict):
    """Share (0 to 1) of a unit's members eligible for an award, or rated at least a given rating."""
    op: Literal["member_share"]
    award: AwardId | None = None
    min_rating: Rating | None = None


class MemberCountFact(Strict):
    """How many of a unit's members are eligible for an award this year."""
    op: Literal["member_count"]
    award: AwardId


class MemberDisciplineFact(Strict):
    """The heaviest discipline decided in the year on any member of a unit."""
    op: Literal["members_heaviest_discipline"]


class AssessmentFact(Strict):
    """The council's judgement on conduct; presumed met when the record carries none."""
    op: Literal["assessment"]
    key: CriterionId
    # the words a records sheet names the judgement by, offered in its list and read as the key
    name: Text | None = None
    # a matter still open (discipline being considered, an inspection or complaint): false defers the
    # award (chưa xét) instead of refusing it, and the council decides when the matter closes
    defers: bool = False


class AchievementsFact(Strict):
    """How many recorded achievements with evidence name this criterion, in the year or, for a
    review (sơ kết, tổng kết), from `since` to the year; `campaign` counts only that campaign's."""
    op: Literal["achievements"]
    criterion: CriterionId
    campaign: str | None = None
    since: Annotated[int, Field(ge=1945, le=2100)] | None = None
    # NĐ 98 Đ4 k3: what earned a campaign award (a conferral with `campaign:` that year) is not
    # counted again for a khen thưởng công trạng proposal
    exclude_campaign_rewarded: bool = False


FactSpec = Annotated[
    RatingFact | MonthsSinceRecruitmentFact | MonthsWorkedFact | DisciplineFact | InitiativesFact | VerdictFact
    | ConsecutiveFact | YearsHoldingFact | BlocRankFact | MemberShareFact | MemberCountFact | MemberDisciplineFact
    | AssessmentFact | AchievementsFact,
    Field(discriminator="op"),
]

FACT_TYPES: dict[str, str] = {
    "rating": "rating", "months_since_recruitment": "number", "months_worked": "number",
    "heaviest_discipline": "discipline", "initiatives": "number", "verdict": "bool",
    "consecutive_years": "number", "years_holding": "number", "bloc_rank": "number",
    "member_share": "number", "member_count": "number", "members_heaviest_discipline": "discipline",
    "assessment": "bool", "achievements": "number",
}
QUALITATIVE_OPS = {"assessment", "achievements"}
ORDINALS = {"rating": RATING_RANK, "discipline": DISCIPLINE_RANK}
HISTORY_OPS = {"consecutive_years", "years_holding"}
# Operators that read what only one kind of subject has (a person's recruitment, a unit's members).
OP_KIND = {"months_since_recruitment": "individual", "months_worked": "individual", "initiatives": "individual",
           "member_share": "collective", "member_count": "collective",
           "members_heaviest_discipline": "collective", "bloc_rank": "collective"}


# --- criteria ---------------------------------------------------------------------------------------

class ParamRef(Strict):
    param: Name


Value = bool | int | float | str | ParamRef
COMPARISONS = {"at_least": ">=", "more_than": ">", "at_most": "<=", "less_than": "<", "equals": "="}


class CriterionBase(Strict):
    id: CriterionId
    text: Text
    cite: str
    verified: bool
    qualitative: bool


class Compared(Strict):
    """A fact compared with a value: one of at_least / more_than / at_most / less_than / equals."""

    fact: Name
    at_least: Value | None = None
    more_than: Value | None = None
    at_most: Value | None = None
    less_than: Value | None = None
    equals: Value | None = None

    def comparisons(self) -> list[tuple[str, Value]]:
        return [(k, getattr(self, k)) for k in COMPARISONS if getattr(self, k) is not None]


class Leaf(CriterionBase, Compared):
    """A criterion on one fact: exactly one comparison."""

    @cached_property
    def comparison(self) -> tuple[str, Value]:
        return self.comparisons()[0]


class Group(CriterionBase):
    """Criteria combined: all must hold, any one suffices, or the one given must not hold."""

    all: list[Criterion] | None = None
    any: list[Criterion] | None = None
    not_: Criterion | None = Field(default=None, alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    @property
    def combinator(self) -> tuple[str, list[Criterion]]:
        if self.all is not None:
            return "all", self.all
        if self.any is not None:
            return "any", self.any
        return "not", [self.not_] if self.not_ is not None else []


def _criterion_kind(data: Any) -> str:
    if isinstance(data, dict):
        return "group" if {"all", "any", "not"} & data.keys() else "leaf"
    return "group" if isinstance(data, Group) else "leaf"


Criterion = Annotated[
    Annotated[Leaf, Tag("leaf")] | Annotated[Group, Tag("group")],
    Discriminator(_criterion_kind),
]
Group.model_rebuild()


Kind = Literal["individual", "collective"]
Criteria = Annotated[list[Criterion], Field(min_length=1)]


class Award(Strict):
    """An award; one awarded to both kinds of subject gives criteria for each kind. `years` limits it
    to those periods (a campaign's sơ kết and tổng kết)."""

    name: Text
    short: Text | None = None  # the name officials abbreviate it to (LĐTT, CSTĐCS): a workbook's sheet name
    subject: Literal["individual", "collective", "both"]
    cite: str
    criteria: Criteria | dict[Kind, Criteria]
    years: list[Annotated[int, Field(ge=1945, le=2100)]] | None = None

    @property
    def kinds(self) -> list[Kind]:
        return ["individual", "collective"] if self.subject == "both" else [self.subject]  # type: ignore[list-item]

    def all_criteria(self) -> list[tuple[str, list[Criterion]]]:
        """(kind, criteria) for each kind; kind is '' when one list serves."""
        return [("", self.criteria)] if isinstance(self.criteria, list) else list(self.criteria.items())


# --- ranking nominees: scores, tie-breaks, quotas, the council's vote -------------------------------

class ScoreItem(Compared):
    """Points toward a nominee's place: `points` when the comparison holds, or `points` for each unit
    of the fact's value with `each: true` (each sáng kiến, each year held)."""

    id: CriterionId
    text: Text
    cite: str
    verified: bool
    points: float
    each: bool = False

    @property
    def comparison(self) -> tuple[str, Value] | None:
        given = self.comparisons()
        return given[0] if given else None


class TieBreak(Strict):
    """Who goes first at equal score: women (and collectives with at least `share` women members), or
    the higher (`high_first`) or lower value of a fact."""

    by: Literal["women", "fact"]
    fact: Name | None = None
    order: Literal["high_first", "low_first"] = "high_first"
    share: float = 0.7
    text: Text
    cite: str
    verified: bool


Rounding = Literal["floor", "ceil", "nearest"]
ROUNDINGS = ("floor", "ceil", "nearest")


class Quota(Strict):
    """How many of a ranking group may be proposed: a fixed `count`, or `share` of the subjects
    eligible for the award `share_of` in the same group, rounded as `rounding` says."""

    count: Annotated[int, Field(ge=0)] | ParamRef | None = None
    share: Annotated[float, Field(gt=0, le=1)] | ParamRef | None = None
    share_of: AwardId | None = None
    rounding: Rounding | ParamRef = "floor"
    text: Text
    cite: str
    verified: bool


class Ranking(Strict):
    """How an award's eligible subjects are ordered and how many are proposed. Collectives rank within
    their khối thi đua (`group: bloc`), individuals across the organization."""

    scores: list[ScoreItem] = []
    tie_breaks: list[TieBreak] = []
    quota: Quota | None = None
    group: Literal["organization", "bloc"] | None = None  # default: bloc for collectives


class Ballot(Strict):
    """The council's secret vote: the share of all its members that must vote yes."""

    share: Annotated[float, Field(gt=0, le=1)]
    cite: str
    verified: bool


class Document(Strict):
    """A paper a proposal's dossier must hold."""

    id: Name
    text: Text
    cite: str


class BaseSalary(Strict):
    """The lương cơ sở from a date on, with the decree that set it."""

    since: date
    amount: Annotated[int, Field(gt=0)]
    cite: str
    verified: bool


class Multiple(Strict):
    """An award's tiền thưởng as multiples of the lương cơ sở, per kind of subject (one may be unknown)."""

    individual: Annotated[float, Field(gt=0)] | None = None
    collective: Annotated[float, Field(gt=0)] | None = None
    cite: str
    verified: bool


class RewardMoney(Strict):
    """Tiền thưởng: the multiple times the lương cơ sở in force on the decision date, rounded up to
    `round_up_to` đồng. The regime whose version is in force on the decision date pays."""

    base_salary: Annotated[list[BaseSalary], Field(min_length=1)]
    round_up_to: Annotated[int, Field(gt=0)]
    rounding_cite: str
    rounding_verified: bool
    multiples: dict[AwardId, Multiple]


class Authority(Strict):
    """Who decides a group of awards (thẩm quyền): the head of the council's own agency, or a higher
    level the agency proposes them to (tờ trình)."""

    level: Literal["agency", "upward"]
    who: Text
    awards: Annotated[list[AwardId], Field(min_length=1)]
    cite: str
    verified: bool


class Include(Strict):
    """Awards of another pack (the national law) evaluated alongside this version's own, under that
    pack's version in force on the same date."""

    pack: PackId
    awards: Annotated[list[AwardId], Field(min_length=1)]


class RuleVersion(Strict):
    version: str
    effective_from: date
    effective_to: date | None = None
    title: Text
    sources: Annotated[list[Source], Field(min_length=1)]
    parameters: dict[Name, Parameter] = {}
    facts: dict[Name, FactSpec]
    awards: dict[AwardId, Award]
    # Sáng kiến used for an award of one group are spent for awards of later groups; groups claim
    # them in this order (titles before forms of commendation, CV 5007/BNV-TĐKT).
    single_use: list[list[AwardId]] = []
    include: Include | None = None
    dossiers: dict[AwardId, list[Document]] = {}  # award -> the documents of its proposal
    tie_breaks: list[TieBreak] = []  # the law's own, applied before an award's
    ranking: dict[AwardId, Ranking] = {}
    ballots: dict[AwardId, Ballot] = {}
    reward_money: RewardMoney | None = None
    authority: list[Authority] = []

    def value(self, given: Value | None) -> Any:
        """A value as written, or the value of the parameter it names."""
        return self.parameters[given.param].value if isinstance(given, ParamRef) else given

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class Review(Strict):
    kind: Literal["so_ket", "tong_ket"]
    year: Annotated[int, Field(ge=1945, le=2100)]
    cite: str


class Deadline(Strict):
    date: date
    text: Text
    cite: str


class Reward(Strict):
    form: str
    authority: str
    cite: str


class Deferral(Strict):
    """A document the plan defers to that the pack does not hold, and what it governs."""

    document: str
    governs: Text
    cite: str


class Campaign(Strict):
    """What a campaign plan (kế hoạch thi đua) says about itself: who issued it, when, for whom."""

    agency: str
    plan: str
    issued: date
    name: Text
    first_year: Annotated[int, Field(ge=1945, le=2100)]
    last_year: Annotated[int, Field(ge=1945, le=2100)]
    ends: date | None = None  # a campaign ending before the last year's end (Đắk Nông: 31/10/2023)
    reviews: list[Review] = []
    covers: dict[Kind, list[str]]
    rewards: Annotated[list[Reward], Field(min_length=1)]
    defers_to: list[Deferral] = []
    deadlines: list[Deadline] = []
    source: str  # the plan's file among the seeds


class Watch(Strict):
    """A change of the law reported but not encoded, its text not at hand: a run whose period or date
    reaches the day it is said to take force names it, so the council checks before deciding."""

    cite: str
    in_force: date  # as reported
    changes: Text  # what it is reported to change
    verified: bool = False  # seen only in summaries


class PackInfo(Strict):
    id: PackId
    title: Text
    description: Text | None = None
    campaign: Campaign | None = None
    # the day up to which the authors checked the pack against the law: a run for a later period or
    # date says that later changes of the law are not in the pack
    reviewed: date | None = None
    watch: list[Watch] = []


@dataclass(frozen=True, eq=False)
class LoadedVersion:
    """A version as loaded: its pack, the file it came from and its awards in dependency order."""

    pack: PackInfo
    path: Path
    rules: RuleVersion
    stages: list[list[str]]
    needs: dict[str, set[str]]  # award -> the awards it must follow
    included_from: dict[str, Path] = field(default_factory=dict)  # award -> the file of another pack it comes from

    @property
    def label(self) -> str:
        return f"{self.pack.id}/{self.rules.version}"

    def file_of(self, award: str) -> Path:
        """The rule file that declares an award."""
        return self.included_from.get(award, self.path)


def walk(criteria: list[Criterion], path: tuple[str | int, ...]) -> Iterator[tuple[Criterion, tuple]]:
    """Every criterion of a tree with its location in the file, parents first."""
    for i, node in enumerate(criteria):
        here = (*path, i)
        yield node, here
        if isinstance(node, Group):
            name, children = node.combinator
            yield from walk(children, (*here, name) if name != "not" else (*here, "not"))


def leaves(award: Award) -> list[Leaf]:
    """Every leaf criterion of an award, of every kind."""
    return [node for _, criteria in award.all_criteria() for node, _ in walk(criteria, ()) if isinstance(node, Leaf)]

"""Rule packs: the format of rule files, loading, type-checking once, and choosing the version in force.

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

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from .dataset import DISCIPLINE_RANK, RATING_RANK, InitiativeKind, LeaveKind, Scope
from .errors import KtrulesError, suggest
from .loading import line_of, read_document, validation_error

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules"
NATIONAL_PACK = "vn"

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
CriterionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]
PackId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*$")]
AwardId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]
Rating = Literal["HTXS", "HTT", "HT", "KHT"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
AWARD_OPS = {"verdict", "consecutive_years", "years_holding", "member_share", "member_count"}
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

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

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


class PackInfo(Strict):
    id: PackId
    title: Text
    description: Text | None = None
    campaign: Campaign | None = None


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


def _vocabulary() -> set[str]:
    models = [Text, Source, Parameter, ParamRef, Compared, Leaf, Group, Award, RuleVersion, PackInfo, Document, Include,
              Review, Deadline, Reward, Deferral, Campaign, ScoreItem, TieBreak, Quota, Ranking, Ballot,
              *FactSpec.__args__[0].__args__]  # type: ignore[attr-defined]
    return {name for m in models for name in m.model_fields} | {"not"}


def _check_value(value: Any, kind: str) -> str | None:
    """Why `value` cannot be compared with a fact of `kind`, or None when it can."""
    if kind in ORDINALS:
        if value not in ORDINALS[kind]:
            return f"expected one of {', '.join(ORDINALS[kind])}"
    elif kind == "bool":
        if not isinstance(value, bool):
            return "expected true or false"
    elif isinstance(value, bool) or not isinstance(value, int | float):
        return "expected a number"
    return None


def _type_check(rules: RuleVersion) -> Iterator[tuple[tuple, str, str | None]]:
    """Problems that the schema alone cannot see: unknown names, mistyped values, cycles."""
    known = [*rules.awards, *(rules.include.awards if rules.include else [])]
    for name, spec in rules.facts.items():
        award = getattr(spec, "award", None)
        if spec.op in AWARD_OPS and award is not None and award not in known:
            yield ("facts", name, "award"), f"unknown award '{award}'", suggest(award, known)
        if spec.op == "member_share" and (spec.award is None) == (spec.min_rating is None):
            yield ("facts", name), "member_share needs exactly one of 'award' and 'min_rating'", None
        for j, other in enumerate(getattr(spec, "years_from", [])):
            if rules.facts.get(other) is None or rules.facts[other].op not in HISTORY_OPS:
                yield (("facts", name, "years_from", j), f"'{other}' is not a consecutive_years or years_holding "
                       "fact of this version", suggest(other, rules.facts))
        if spec.op in HISTORY_OPS and spec.award is None and spec.min_rating is None:
            yield ("facts", name), f"{spec.op} needs 'award', 'min_rating' or both", None
    for part in ("dossiers", "ranking", "ballots"):
        for award_id in getattr(rules, part):
            if award_id not in known:
                yield (part, award_id), f"unknown award '{award_id}'", suggest(award_id, known)
    yield from _check_ranking(rules, known)
    for i, group in enumerate(rules.single_use):
        for j, award_id in enumerate(group):
            if award_id not in rules.awards:
                yield ("single_use", i, j), f"unknown award '{award_id}'", suggest(award_id, rules.awards)
    for award_id, award in rules.awards.items():
        if award.subject == "both" and isinstance(award.criteria, list):
            yield (("awards", award_id, "criteria"), f"{award_id} is for both kinds of subject: give criteria as "
                   "individual: [...] and collective: [...]", None)
        for kind, criteria in award.all_criteria():
            yield from _check_criteria(rules, award_id, kind or award.subject, criteria,
                                       ("awards", award_id, "criteria", *([kind] if kind else [])))


def _check_ranking(rules: RuleVersion, known: list[str]) -> Iterator[tuple[tuple, str, str | None]]:
    for i, tie in enumerate(rules.tie_breaks):
        yield from _check_tie_break(rules, tie, ("tie_breaks", i))
    for award_id, ranking in rules.ranking.items():
        here = ("ranking", award_id)
        for i, item in enumerate(ranking.scores):
            loc = (*here, "scores", i)
            if item.fact not in rules.facts:
                yield (*loc, "fact"), f"unknown fact '{item.fact}'", suggest(item.fact, rules.facts)
            elif item.each == (item.comparison is not None):
                yield loc, f"score '{item.id}' needs either each: true or one comparison (at_least, ...)", None
            elif item.comparison is not None:
                yield from _check_comparison(rules, item.fact, *item.comparison, loc)
            elif FACT_TYPES[rules.facts[item.fact].op] != "number":
                yield (*loc, "each"), f"each: true needs a numeric fact; '{item.fact}' is not one", None
        for i, tie in enumerate(ranking.tie_breaks):
            yield from _check_tie_break(rules, tie, (*here, "tie_breaks", i))
        quota = ranking.quota
        if quota is None:
            continue
        if (quota.count is None) == (quota.share is None) or (quota.share is None) != (quota.share_of is None):
            yield (*here, "quota"), "a quota is either count: N, or share: S with share_of: AWARD", None
        if quota.share_of is not None and quota.share_of not in known:
            yield (*here, "quota", "share_of"), f"unknown award '{quota.share_of}'", suggest(quota.share_of, known)
        for key in ("count", "share", "rounding"):
            ref = getattr(quota, key)
            if isinstance(ref, ParamRef) and ref.param not in rules.parameters:
                yield (*here, "quota", key, "param"), f"unknown parameter '{ref.param}'", \
                    suggest(ref.param, rules.parameters)
            elif key == "rounding" and isinstance(ref, ParamRef) and \
                    rules.parameters[ref.param].value not in ROUNDINGS:
                yield (*here, "quota", key, "param"), f"'{ref.param}' must be one of {', '.join(ROUNDINGS)}", None


def _check_tie_break(rules: RuleVersion, tie: TieBreak, loc: tuple) -> Iterator[tuple[tuple, str, str | None]]:
    if (tie.by == "fact") != (tie.fact is not None):
        yield loc, "a tie-break is by: women, or by: fact with fact: NAME", None
    elif tie.fact is not None and tie.fact not in rules.facts:
        yield (*loc, "fact"), f"unknown fact '{tie.fact}'", suggest(tie.fact, rules.facts)


def _check_criteria(rules: RuleVersion, award_id: str, kind: str, criteria: list[Criterion],
                    path: tuple) -> Iterator[tuple[tuple, str, str | None]]:
    seen: set[str] = set()
    for node, loc in walk(criteria, path):
        if node.id in seen:
            yield ((*loc, "id"), f"criterion id '{node.id}' is used twice in {award_id}",
                   "ids must be unique in an award")
        seen.add(node.id)
        if isinstance(node, Leaf):
            yield from _check_leaf(rules, node, loc)
            spec = rules.facts.get(node.fact)
            if spec is not None and OP_KIND.get(spec.op, kind) != kind:
                yield (*loc, "fact"), f"'{node.fact}' ({spec.op}) is read of a {OP_KIND[spec.op]}, not a {kind}", None
        elif len(node.combinator[1]) == 0 or sum(x is not None for x in (node.all, node.any, node.not_)) > 1:
            yield loc, f"criterion '{node.id}' needs exactly one non-empty all / any / not", None


def _check_leaf(rules: RuleVersion, leaf: Leaf, loc: tuple) -> Iterator[tuple[tuple, str, str | None]]:
    spec = rules.facts.get(leaf.fact)
    if spec is None:
        hint = suggest(leaf.fact, rules.facts) or "declare it under facts:"
        yield (*loc, "fact"), f"unknown fact '{leaf.fact}'", hint
        return
    given = [k for k, _ in leaf.comparisons()]
    if len(given) != 1:
        yield loc, f"criterion '{leaf.id}' needs exactly one of {', '.join(COMPARISONS)}", None
        return
    if leaf.qualitative != (spec.op in QUALITATIVE_OPS):
        yield ((*loc, "qualitative"), f"criterion '{leaf.id}' reads {spec.op}: qualitative must be "
               f"{str(spec.op in QUALITATIVE_OPS).lower()}", None)
    yield from _check_comparison(rules, leaf.fact, given[0], getattr(leaf, given[0]), loc)


def _check_comparison(rules: RuleVersion, fact: str, key: str, value: Value,
                      loc: tuple) -> Iterator[tuple[tuple, str, str | None]]:
    kind = FACT_TYPES[rules.facts[fact].op]
    if isinstance(value, ParamRef):
        if value.param not in rules.parameters:
            yield (*loc, key, "param"), f"unknown parameter '{value.param}'", suggest(value.param, rules.parameters)
            return
        value = rules.parameters[value.param].value
    if key != "equals" and kind == "bool":
        yield (*loc, key), f"'{fact}' is true or false: compare it with equals", None
    elif (problem := _check_value(value, kind)) is not None:
        yield (*loc, key), f"'{value}' cannot be compared with '{fact}' ({kind}): {problem}", None


def _needs(rules: RuleVersion) -> dict[str, set[str]]:
    """The awards of this version each award must follow: those whose verdicts it reads, and under
    the single-use rule the awards of earlier groups, which claim sáng kiến first."""
    needs = {award_id: {getattr(rules.facts[leaf.fact], "award", None) for leaf in leaves(award)}
             & (rules.awards.keys() - {award_id}) for award_id, award in rules.awards.items()}
    for later, group in enumerate(rules.single_use):
        for award_id in group:
            needs[award_id] |= {a for earlier in rules.single_use[:later] for a in earlier}
    return needs


def _stages(needs: dict[str, set[str]]) -> list[list[str]] | str:
    """Awards grouped so that each group depends only on earlier groups; or the awards in a cycle."""
    stages: list[list[str]] = []
    done: set[str] = set()
    while len(done) < len(needs):
        ready = sorted(a for a, deps in needs.items() if a not in done and deps <= done)
        if not ready:
            return ", ".join(sorted(_in_cycles({a: needs[a] - done for a in needs if a not in done})))
        stages.append(ready)
        done.update(ready)
    return stages


def _in_cycles(needs: dict[str, set[str]]) -> set[str]:
    """The awards on a cycle: drop, again and again, those that no remaining award needs."""
    left = set(needs)
    while dropped := {a for a in left if not any(a in needs[b] for b in left)}:
        left -= dropped
    return left


def load_version(path: Path, pack: PackInfo) -> LoadedVersion:
    data = read_document(path)
    if not isinstance(data, dict):
        raise KtrulesError("expected a mapping of keys at the top of the file", file=path, line=1)
    try:
        rules = RuleVersion.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, _vocabulary()) from None
    for loc, message, hint in _type_check(rules):
        raise KtrulesError(message, file=path, line=line_of(path, loc), hint=hint)
    needs = _needs(rules)
    stages = _stages(needs)
    if isinstance(stages, str):
        raise KtrulesError(f"awards depend on each other in a cycle: {stages}", file=path,
                           line=line_of(path, ("awards",)), hint="an award cannot need its own verdict")
    return LoadedVersion(pack, path, rules, stages, needs)


def load_pack(folder: Path) -> list[LoadedVersion]:
    """Every version of a pack, oldest first."""
    info_path = folder / "pack.yaml"
    if not folder.is_dir():
        raise KtrulesError("no such rule pack folder", file=folder, hint="check --rules")
    if not info_path.exists():
        raise KtrulesError("a rule pack folder needs a pack.yaml", file=folder, hint="add one with id and title")
    info_data = read_document(info_path)
    try:
        info = PackInfo.model_validate(info_data if isinstance(info_data, dict) else {})
    except ValidationError as exc:
        raise validation_error(exc, info_path, _vocabulary()) from None
    files = sorted(p for p in folder.glob("*.y*ml") if p.name != "pack.yaml") + sorted(folder.glob("*.json"))
    versions = sorted((load_version(p, info) for p in files), key=lambda v: v.rules.effective_from)
    if not versions:
        raise KtrulesError("the rule pack has no version files", file=folder, hint="add one, e.g. 2024.yaml")
    return versions


def merge_included(version: LoadedVersion, base: LoadedVersion) -> LoadedVersion:
    """A campaign version with the awards it includes from `base` (the national version in force),
    as one version: their facts, parameters and sources side by side, their stages recomputed."""
    own, law = version.rules, base.rules
    include = own.include
    assert include is not None
    for i, award_id in enumerate(include.awards):
        if award_id not in law.awards:
            raise KtrulesError(f"'{award_id}' is not an award of {base.label}", file=version.path,
                               line=line_of(version.path, ("include", "awards", i)), hint=suggest(award_id, law.awards))
        missing = base.needs[award_id] - set(include.awards)
        if missing:
            raise KtrulesError(f"{award_id} of {base.label} needs {', '.join(sorted(missing))}", file=version.path,
                               line=line_of(version.path, ("include", "awards", i)), hint="include those awards too")
    for part in ("facts", "parameters"):
        for name, value in getattr(own, part).items():
            if getattr(law, part).get(name, value) != value:
                raise KtrulesError(f"{part[:-1]} '{name}' differs from the one of {base.label}", file=version.path,
                                   line=line_of(version.path, (part, name)), hint="rename it or declare it alike")
    chosen = set(include.awards)
    rules = own.model_copy(update={
        "version": f"{own.version}+{base.label}",
        "sources": [*own.sources, *law.sources],
        "parameters": {**law.parameters, **own.parameters},
        "facts": {**law.facts, **own.facts},
        "awards": {**{a: law.awards[a] for a in include.awards}, **own.awards},
        "single_use": [kept for group in law.single_use if (kept := [a for a in group if a in chosen])],
        "dossiers": {**{a: d for a, d in law.dossiers.items() if a in chosen}, **own.dossiers},
        "ranking": {**{a: r for a, r in law.ranking.items() if a in chosen}, **own.ranking},
        "ballots": {**{a: b for a, b in law.ballots.items() if a in chosen}, **own.ballots},
        "tie_breaks": own.tie_breaks or law.tie_breaks,
    })
    needs = _needs(rules)
    return LoadedVersion(version.pack, version.path, rules, _stages(needs), needs,  # type: ignore[arg-type]
                         {award_id: base.path for award_id in include.awards})


def select_version(versions: list[LoadedVersion], as_of: date) -> LoadedVersion:
    """The version in force on `as_of`."""
    for version in versions:
        if version.rules.covers(as_of):
            return version
    spans = "; ".join(f"{v.rules.version}: {v.rules.effective_from} to {v.rules.effective_to or '…'}"
                      for v in versions)
    raise KtrulesError(f"no rule version of pack '{versions[0].pack.id}' is in force on {as_of} ({spans})",
                       file=versions[0].path.parent,
                       hint="choose a period or --as-of those versions cover, or add a version file")


def rule_schema() -> dict[str, Any]:
    """The JSON Schema of a version file, generated from the models."""
    return RuleVersion.model_json_schema()

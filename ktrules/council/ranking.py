"""Ranked nominee lists: an award's eligible subjects ordered by the scores and tie-breaks the rule
file declares, with its quota applied per ranking group (the organization, or a khối thi đua).

Ordering is total and deterministic: score, then the law's tie-breaks, then the award's, then the
subject id, so the same records give the same list on every machine and in any input order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ktrules.common.errors import KtrulesError, suggest, suggest_or_list
from ktrules.common.messages import t
from ktrules.engine.evaluate import AwardVerdict, Evaluation, encode, holds
from ktrules.engine.facts import Reading
from ktrules.rules import COMPARISONS, FACT_TYPES, Quota, Ranking, ScoreItem, TieBreak

ORGANIZATION = ""  # the ranking group of those ranked across the whole organization


@dataclass(frozen=True)
class ScorePart:
    item: ScoreItem
    reading: Reading
    points: float


@dataclass(frozen=True)
class Limit:
    """A group's quota as computed: `limit` None when the award has none."""

    quota: Quota | None
    limit: int | None
    base: int | None = None  # how many in the group are eligible for quota.share_of
    exact: Fraction | None = None  # share × base before rounding
    rounding: str | None = None


@dataclass(frozen=True)
class Candidate:
    verdict: AwardVerdict
    group: str
    score: float
    parts: tuple[ScorePart, ...]
    key: tuple  # the sort key: (-score, tie-break values..., subject)
    rank: int  # place in its group, 1 first
    nominated: bool
    behind: str | None = None  # not nominated: the last nominated subject of the group
    decided_by: str | None = None  # "score", "tie:<i>" or "order": what put `behind` ahead

    @property
    def subject(self) -> str:
        return self.verdict.subject


@dataclass(frozen=True)
class RankedList:
    award: str
    evaluation: Evaluation
    candidates: list[Candidate]
    limits: dict[str, Limit]
    tie_breaks: tuple[TieBreak, ...]


def ranking_of(evaluation: Evaluation, award: str) -> Ranking:
    return evaluation.version.rules.ranking.get(award, Ranking())


def rank(evaluation: Evaluation, award: str, bloc: str | None = None) -> RankedList:
    """The award's eligible subjects in order, each with its score, rank and whether it is proposed."""
    rules = evaluation.version.rules
    if not isinstance(award, str) or award not in rules.awards:
        raise KtrulesError(t("err.award_not_in_version", award=award, version=evaluation.version.label),
                           hint=suggest_or_list(award, rules.awards))
    _check_whole(evaluation, award)
    ranking = ranking_of(evaluation, award)
    ties = (*rules.tie_breaks, *ranking.tie_breaks)
    by_bloc = _groups_by_bloc(evaluation, award, ranking)
    if bloc is not None and not by_bloc:
        raise KtrulesError(t("err.rank.not_by_bloc", award=award), hint=t("err.rank.not_by_bloc.hint"))
    if bloc is not None:
        blocs = sorted({u.bloc for u in evaluation.dataset.units if u.bloc})
        if bloc not in blocs:
            raise KtrulesError(t("err.rank.no_bloc", bloc=bloc), hint=suggest(bloc, blocs) or
                               t("err.rank.blocs", blocs=", ".join(blocs) or t("err.rank.no_blocs")))
    evaluation.context.award = award
    scored: dict[str, list[tuple[tuple, AwardVerdict, float, tuple[ScorePart, ...]]]] = {}
    for verdict in evaluation.verdicts:
        if verdict.award != award or verdict.verdict != "eligible":
            continue
        group = _group(evaluation, verdict.subject) if by_bloc else ORGANIZATION
        if bloc is not None and group != bloc:
            continue
        parts = tuple(_score(evaluation, item, verdict.subject) for item in ranking.scores)
        score = sum(p.points for p in parts)
        key = (-score, *(_tie_value(evaluation, tie, verdict.subject) for tie in ties), verdict.subject)
        scored.setdefault(group, []).append((key, verdict, score, parts))
    candidates: list[Candidate] = []
    limits: dict[str, Limit] = {}
    for group in sorted(scored):
        limits[group] = limit = _limit(evaluation, ranking.quota, group, by_bloc)
        ordered = sorted(scored[group], key=lambda entry: entry[0])
        last = ordered[limit.limit - 1] if limit.limit else None
        for place, (key, verdict, score, parts) in enumerate(ordered, start=1):
            nominated = limit.limit is None or place <= limit.limit
            candidates.append(Candidate(
                verdict, group, score, parts, key, place, nominated,
                behind=None if nominated or last is None else last[1].subject,
                decided_by=None if nominated or last is None else _decided_by(last[0], key)))
    return RankedList(award, evaluation, candidates, limits, ties)


def _check_whole(evaluation: Evaluation, award: str) -> None:
    """A ranking weighs every eligible subject against the quota of all: an evaluation of some subjects, or
    without the award, would rank a part as if it were the whole."""
    if evaluation.subjects or not evaluation.whole:
        raise KtrulesError(t("err.rank.some_subjects", award=award), hint=t("err.rank.some_subjects.hint"))
    years = evaluation.award(award).years
    if years is not None and evaluation.period not in years:
        raise KtrulesError(t("err.rank.not_given", award=award, period=evaluation.period),
                           hint=t("err.rank.not_given.hint", years=", ".join(map(str, years))))
    if award not in evaluation.awards:
        raise KtrulesError(t("err.rank.not_evaluated", award=award), hint=t("err.rank.not_evaluated.hint", award=award))


def _groups_by_bloc(evaluation: Evaluation, award: str, ranking: Ranking) -> bool:
    if ranking.group is not None:
        return ranking.group == "bloc"
    return evaluation.version.rules.awards[award].subject == "collective"


def _group(evaluation: Evaluation, subject: str) -> str:
    ds = evaluation.dataset
    unit = ds.units_by_id.get(subject) or ds.units_by_id.get(ds.unit_of(subject, evaluation.period))
    return unit.bloc or ORGANIZATION if unit else ORGANIZATION


def _value(evaluation: Evaluation, name: str, subject: str) -> Reading:
    return evaluation.context.reading(name, subject)


def _score(evaluation: Evaluation, item: ScoreItem, subject: str) -> ScorePart:
    reading = _value(evaluation, item.fact, subject)
    value = reading.bounds[0]
    if item.comparison is None:
        return ScorePart(item, reading, item.points * float(value or 0))
    op, threshold = item.comparison
    kind = FACT_TYPES[evaluation.version.rules.facts[item.fact].op]
    held = _holds(value, COMPARISONS[op], evaluation.version.rules.value(threshold), kind)
    return ScorePart(item, reading, item.points if held else 0.0)


def _holds(value: object, op: str, threshold: object, kind: str) -> bool:
    return bool(holds(value, op, threshold, kind))  # a missing value earns no points


def _tie_value(evaluation: Evaluation, tie: TieBreak, subject: str) -> float:
    """A number that sorts first the subject the tie-break favours."""
    ds = evaluation.dataset
    if tie.by == "women":
        if subject in ds.people_by_id:
            return 0 if ds.people_by_id[subject].gender == "female" else 1
        members = ds.members(subject, evaluation.period)
        women = sum(ds.people_by_id[m].gender == "female" for m in members)
        return 0 if members and Fraction(women, len(members)) >= Fraction(str(tie.share)) else 1
    value = _value(evaluation, tie.fact, subject).bounds[0]  # type: ignore[arg-type]
    if value is None:
        return math.inf
    kind = FACT_TYPES[evaluation.version.rules.facts[tie.fact].op]  # type: ignore[index]
    number = encode(value, kind)
    assert number is not None
    return -number if tie.order == "high_first" else number


def _decided_by(ahead: tuple, behind: tuple) -> str:
    first = next(i for i, (a, b) in enumerate(zip(ahead, behind, strict=True)) if a != b)
    return "score" if first == 0 else "order" if first == len(ahead) - 1 else f"tie:{first - 1}"


def _limit(evaluation: Evaluation, quota: Quota | None, group: str, by_bloc: bool) -> Limit:
    if quota is None:
        return Limit(None, None)
    if quota.count is not None:
        return Limit(quota, int(evaluation.version.rules.value(quota.count)))
    base = sum(1 for subject, verdict in evaluation.context.verdicts.get(quota.share_of, {}).items()
               if verdict == "eligible" and (not by_bloc or _group(evaluation, subject) == group))
    exact = Fraction(str(evaluation.version.rules.value(quota.share))) * base
    rounding = str(evaluation.version.rules.value(quota.rounding))
    limit = {"floor": math.floor, "ceil": math.ceil, "nearest": lambda x: math.floor(x + Fraction(1, 2))}[rounding]
    return Limit(quota, int(limit(exact)), base, exact, rounding)

"""Type-checking a rule version once, at load: facts against operators, values against types, award
dependencies in stages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ktrules.common.errors import suggest
from ktrules.common.messages import t
from ktrules.rules.models import (
    COMPARISONS,
    FACT_TYPES,
    HISTORY_OPS,
    OP_KIND,
    ORDINALS,
    QUALITATIVE_OPS,
    ROUNDINGS,
    Authority,
    Award,
    Ballot,
    BaseSalary,
    Campaign,
    Compared,
    Criterion,
    Deadline,
    Deferral,
    Document,
    FactSpec,
    Group,
    Include,
    Leaf,
    Multiple,
    PackInfo,
    Parameter,
    ParamRef,
    Quota,
    Ranking,
    Review,
    Reward,
    RewardMoney,
    RuleVersion,
    ScoreItem,
    Source,
    Text,
    TieBreak,
    Value,
    leaves,
    walk,
)


def vocabulary() -> set[str]:
    models = [Text, Source, Parameter, ParamRef, Compared, Leaf, Group, Award, RuleVersion, PackInfo, Document, Include,
              Review, Deadline, Reward, Deferral, Campaign, ScoreItem, TieBreak, Quota, Ranking, Ballot,
              BaseSalary, Multiple, RewardMoney, Authority,
              *FactSpec.__args__[0].__args__]  # type: ignore[attr-defined]
    return {name for m in models for name in m.model_fields} - {"not_"} | {"not"}  # `not` is written, `not_` is ours


# The keys of a fact that name an award: a misspelt one would match no verdict or conferral, silently.
_AWARD_KEYS = ("award", "reset_by")

# (where in the file, what is wrong, a hint, lint's code for it)
Problem = tuple[tuple, str, str | None, str]


def _unknown_award(loc: tuple, award: str, known: Iterable[str]) -> Problem:
    return loc, t("rc.unknown_award", award=award), suggest(award, known), "unknown-award"


def _unknown_fact(loc: tuple, fact: str, rules: RuleVersion) -> Problem:
    return loc, t("rc.unknown_fact", fact=fact), suggest(fact, rules.facts) or t("rc.declare_fact"), "unknown-fact"


def _unknown_parameter(loc: tuple, param: str, rules: RuleVersion) -> Problem:
    return loc, t("rc.unknown_parameter", param=param), suggest(param, rules.parameters), "unknown-parameter"


def _check_value(value: Any, kind: str) -> str | None:
    """Why `value` cannot be compared with a fact of `kind`, or None when it can."""
    if kind in ORDINALS:
        if value not in ORDINALS[kind]:
            return t("rc.expected_one_of", choices=", ".join(ORDINALS[kind]))
    elif kind == "bool":
        if not isinstance(value, bool):
            return t("rc.expected_bool")
    elif isinstance(value, bool) or not isinstance(value, int | float):
        return t("rc.expected_number")
    return None


def type_check(rules: RuleVersion) -> Iterator[Problem]:
    """Problems that the schema alone cannot see: unknown names, mistyped values, cycles."""
    known = [*rules.awards, *(rules.include.awards if rules.include else [])]
    for name, spec in rules.facts.items():
        for key in _AWARD_KEYS:
            award = getattr(spec, key, None)
            if award is not None and award not in known:
                yield _unknown_award(("facts", name, key), award, known)
        if spec.op == "member_share" and (spec.award is None) == (spec.min_rating is None):
            yield ("facts", name), t("rc.member_share"), None, "invalid"
        for j, other in enumerate(getattr(spec, "years_from", [])):
            if rules.facts.get(other) is None or rules.facts[other].op not in HISTORY_OPS:
                yield ("facts", name, "years_from", j), t("rc.years_from", other=other), suggest(other, rules.facts), \
                    "unknown-fact"
        if spec.op in HISTORY_OPS and spec.award is None and spec.min_rating is None:
            yield ("facts", name), t("rc.history_needs", op=spec.op), None, "invalid"
    for part in ("dossiers", "ranking", "ballots"):
        for award_id in getattr(rules, part):
            if award_id not in known:
                yield _unknown_award((part, award_id), award_id, known)
    yield from _check_ranking(rules, known)
    yield from _check_money(rules, known)
    yield from _check_authority(rules, known)
    for i, group in enumerate(rules.single_use):
        for j, award_id in enumerate(group):
            if award_id not in rules.awards:
                yield _unknown_award(("single_use", i, j), award_id, rules.awards)
    for award_id, award in rules.awards.items():
        if award.subject == "both" and isinstance(award.criteria, list):
            yield ("awards", award_id, "criteria"), t("rc.both_kinds", award=award_id), None, "invalid"
        for kind, criteria in award.all_criteria():
            yield from _check_criteria(rules, award_id, kind or award.subject, criteria,
                                       ("awards", award_id, "criteria", *([kind] if kind else [])))


def _check_ranking(rules: RuleVersion, known: list[str]) -> Iterator[Problem]:
    for i, tie in enumerate(rules.tie_breaks):
        yield from _check_tie_break(rules, tie, ("tie_breaks", i))
    for award_id, ranking in rules.ranking.items():
        here = ("ranking", award_id)
        for i, item in enumerate(ranking.scores):
            loc = (*here, "scores", i)
            if item.fact not in rules.facts:
                yield _unknown_fact((*loc, "fact"), item.fact, rules)
            elif item.each == (item.comparison is not None):
                yield loc, t("rc.score_shape", id=item.id), None, "invalid"
            elif item.comparison is not None:
                yield from _check_comparison(rules, item.fact, *item.comparison, loc)
            elif FACT_TYPES[rules.facts[item.fact].op] != "number":
                yield (*loc, "each"), t("rc.each_number", fact=item.fact), None, "invalid"
        for i, tie in enumerate(ranking.tie_breaks):
            yield from _check_tie_break(rules, tie, (*here, "tie_breaks", i))
        quota = ranking.quota
        if quota is None:
            continue
        if (quota.count is None) == (quota.share is None) or (quota.share is None) != (quota.share_of is None):
            yield (*here, "quota"), t("rc.quota_shape"), None, "invalid"
        if quota.share_of is not None and quota.share_of not in known:
            yield _unknown_award((*here, "quota", "share_of"), quota.share_of, known)
        for key in ("count", "share", "rounding"):
            ref = getattr(quota, key)
            if isinstance(ref, ParamRef) and ref.param not in rules.parameters:
                yield _unknown_parameter((*here, "quota", key, "param"), ref.param, rules)
            elif key == "rounding" and isinstance(ref, ParamRef) and \
                    rules.parameters[ref.param].value not in ROUNDINGS:
                yield (*here, "quota", key, "param"), t("rc.rounding", param=ref.param, choices=", ".join(ROUNDINGS)), \
                    None, "invalid"


def _check_money(rules: RuleVersion, known: list[str]) -> Iterator[Problem]:
    money = rules.reward_money
    if money is None:
        return
    dates = [b.since for b in money.base_salary]
    if dates != sorted(set(dates)):
        yield ("reward_money", "base_salary"), t("rc.salary_order"), None, "invalid"
    for award_id, multiple in money.multiples.items():
        loc = ("reward_money", "multiples", award_id)
        if award_id not in known:
            yield _unknown_award(loc, award_id, known)
            continue
        award = rules.awards.get(award_id)
        kinds = award.kinds if award else ["individual", "collective"]
        for kind in ("individual", "collective"):
            if getattr(multiple, kind) is not None and kind not in kinds:
                yield (*loc, kind), t("rc.not_for_kind", award=award_id, kind=t(f"kind.{kind}")), None, "invalid"
        if multiple.individual is None and multiple.collective is None:
            yield loc, t("rc.multiple_missing", award=award_id), None, "invalid"


def _check_authority(rules: RuleVersion, known: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, line in enumerate(rules.authority):
        for j, award_id in enumerate(line.awards):
            if award_id not in known:
                yield _unknown_award(("authority", i, "awards", j), award_id, known)
            elif award_id in seen:
                yield ("authority", i, "awards", j), t("rc.two_authorities", award=award_id), t("rc.list_once"), \
                    "invalid"
            seen.add(award_id)


def _check_tie_break(rules: RuleVersion, tie: TieBreak, loc: tuple) -> Iterator[Problem]:
    if (tie.by == "fact") != (tie.fact is not None):
        yield loc, t("rc.tie_shape"), None, "invalid"
    elif tie.fact is not None and tie.fact not in rules.facts:
        yield _unknown_fact((*loc, "fact"), tie.fact, rules)


def _check_criteria(rules: RuleVersion, award_id: str, kind: str, criteria: list[Criterion],
                    path: tuple) -> Iterator[Problem]:
    seen: set[str] = set()
    for node, loc in walk(criteria, path):
        if node.id in seen:
            yield (*loc, "id"), t("rc.id_twice", id=node.id, award=award_id), t("rc.id_unique"), "duplicate-id"
        seen.add(node.id)
        if isinstance(node, Leaf):
            yield from _check_leaf(rules, node, loc)
            spec = rules.facts.get(node.fact)
            if spec is not None and OP_KIND.get(spec.op, kind) != kind:
                yield (*loc, "fact"), t("rc.wrong_kind", fact=node.fact, op=spec.op, read=t(f"kind.{OP_KIND[spec.op]}"),
                                        kind=t(f"kind.{kind}")), None, "invalid"
        elif len(node.combinator[1]) == 0 or sum(x is not None for x in (node.all, node.any, node.not_)) > 1:
            yield loc, t("rc.group_shape", id=node.id), None, "invalid"


def _check_leaf(rules: RuleVersion, leaf: Leaf, loc: tuple) -> Iterator[Problem]:
    spec = rules.facts.get(leaf.fact)
    if spec is None:
        yield _unknown_fact((*loc, "fact"), leaf.fact, rules)
        return
    given = [k for k, _ in leaf.comparisons()]
    if len(given) != 1:
        yield loc, t("rc.one_comparison", id=leaf.id, keys=", ".join(COMPARISONS)), None, "invalid"
        return
    if leaf.qualitative != (spec.op in QUALITATIVE_OPS):
        yield ((*loc, "qualitative"), t("rc.qualitative", id=leaf.id, op=spec.op,
                                         value=str(spec.op in QUALITATIVE_OPS).lower()), None, "invalid")
    yield from _check_comparison(rules, leaf.fact, given[0], getattr(leaf, given[0]), loc)


def _check_comparison(rules: RuleVersion, fact: str, key: str, value: Value,
                      loc: tuple) -> Iterator[Problem]:
    kind = FACT_TYPES[rules.facts[fact].op]
    where = (*loc, key)
    if isinstance(value, ParamRef):
        if value.param not in rules.parameters:
            yield _unknown_parameter((*loc, key, "param"), value.param, rules)
            return
        # a parameter's wrong value is said at the parameter, which is what to fix
        where, named = ("parameters", value.param, "value"), value.param
        value = rules.parameters[value.param].value
    if key != "equals" and kind == "bool":
        yield (*loc, key), t("rc.bool_equals", fact=fact), None, "invalid"
    elif (problem := _check_value(value, kind)) is not None:
        message = t("rc.cannot_compare", value=value, fact=fact, kind=kind, problem=problem)
        yield where, (t("rc.parameter", name=named) + message if where[0] == "parameters" else message), None, \
            "invalid"


def award_needs(rules: RuleVersion) -> dict[str, set[str]]:
    """The awards of this version each award must follow: those whose verdicts it reads, and under
    the single-use rule the awards of earlier groups, which claim sáng kiến first."""
    needs = {award_id: {getattr(rules.facts[leaf.fact], "award", None) for leaf in leaves(award)}
             & (rules.awards.keys() - {award_id}) for award_id, award in rules.awards.items()}
    for later, group in enumerate(rules.single_use):
        for award_id in filter(lambda a: reads_initiatives(rules, a), group):
            needs[award_id] |= {a for earlier in rules.single_use[:later] for a in earlier}
    return needs


def reads_initiatives(rules: RuleVersion, award_id: str) -> bool:
    """Whether an award counts sáng kiến: one that counts none (Giấy khen) spends none and waits for none,
    though a single-use group lists it, so that what its conferrals list is spent for the other group."""
    award = rules.awards.get(award_id)
    return award is not None and any(rules.facts[leaf.fact].op == "initiatives" for leaf in leaves(award))


def award_stages(needs: dict[str, set[str]]) -> list[list[str]] | str:
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

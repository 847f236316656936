"""Type-checking a rule version once, at load: facts against operators, values against types, award
dependencies in stages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ktrules.common.errors import suggest
from ktrules.rules.models import (
    AWARD_OPS,
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


def type_check(rules: RuleVersion) -> Iterator[tuple[tuple, str, str | None]]:
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
    yield from _check_money(rules, known)
    yield from _check_authority(rules, known)
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


def _check_money(rules: RuleVersion, known: list[str]) -> Iterator[tuple[tuple, str, str | None]]:
    money = rules.reward_money
    if money is None:
        return
    dates = [b.since for b in money.base_salary]
    if dates != sorted(set(dates)):
        yield ("reward_money", "base_salary"), "lương cơ sở values must be listed oldest first, one per date", None
    for award_id, multiple in money.multiples.items():
        loc = ("reward_money", "multiples", award_id)
        if award_id not in known:
            yield loc, f"unknown award '{award_id}'", suggest(award_id, known)
            continue
        award = rules.awards.get(award_id)
        kinds = award.kinds if award else ["individual", "collective"]
        for kind in ("individual", "collective"):
            if getattr(multiple, kind) is not None and kind not in kinds:
                yield (*loc, kind), f"{award_id} is not awarded to a {kind}", None
        if multiple.individual is None and multiple.collective is None:
            yield loc, f"give {award_id} a multiple for individual, collective or both", None


def _check_authority(rules: RuleVersion, known: list[str]) -> Iterator[tuple[tuple, str, str | None]]:
    seen: set[str] = set()
    for i, line in enumerate(rules.authority):
        for j, award_id in enumerate(line.awards):
            if award_id not in known:
                yield ("authority", i, "awards", j), f"unknown award '{award_id}'", suggest(award_id, known)
            elif award_id in seen:
                yield ("authority", i, "awards", j), f"'{award_id}' has two authorities", "list it once"
            seen.add(award_id)


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


def award_needs(rules: RuleVersion) -> dict[str, set[str]]:
    """The awards of this version each award must follow: those whose verdicts it reads, and under
    the single-use rule the awards of earlier groups, which claim sáng kiến first."""
    needs = {award_id: {getattr(rules.facts[leaf.fact], "award", None) for leaf in leaves(award)}
             & (rules.awards.keys() - {award_id}) for award_id, award in rules.awards.items()}
    for later, group in enumerate(rules.single_use):
        for award_id in group:
            needs[award_id] |= {a for earlier in rules.single_use[:later] for a in earlier}
    return needs


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

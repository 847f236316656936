"""The durable_rules side of ktrules: the only module that imports it.

Every leaf criterion becomes three mutually exclusive rules (passed, failed, undecided when the
records do not settle its fact), all tagged with the award. A subject's facts for an award are
asserted as one durable_rules fact in a session (sid) of its own, so every leaf of that award fires
exactly once for it. Results are collected as sets and the firings are counted against the facts
asserted: a firing that did not run is an error, never a silent verdict.

A value matters to the rules only through which side of each threshold it lies on, so values are
first reduced to one representative per interval between thresholds; subjects whose facts then
coincide are matched once. Thresholds and representatives reach durable_rules as small integers, their
ranks among a fact's thresholds (2k + 1 for the k-th threshold, 2k for the interval below it): its JSON
reader misread numbers that Python writes with an exponent (1e-05, 1e+18), which crashed a run or
passed a criterion that no one meets. A province has many thousand people and few hundred such profiles, and
a profile's outcomes, once matched, are remembered for the matcher's life: a server sees the same ones
request after request.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Literal, NamedTuple

from durable import engine as durable_engine

Outcome = Literal["passed", "failed", "undecided"]
Op = Literal[">=", ">", "<=", "<", "="]

# durable_rules keeps at most 1024 live sessions per ruleset; the 1025th raises MemoryError.
_SESSIONS_PER_BATCH = 1000
# profiles and representatives kept between runs, about 1 KB each: a server matches the same profiles
# request after request (a department has about a hundred); past this many, some 20 MB, all are forgotten
_REMEMBERED = 20_000
_NONE: Mapping[str, Outcome] = MappingProxyType({})  # a place in `run`'s answer before it is filled
_OPS = {">=": "$gte", ">": "$gt", "<=": "$lte", "<": "$lt"}
_NEGATION = {">=": "<", ">": "<=", "<=": ">", "<": ">="}
_names = itertools.count()


@dataclass(frozen=True)
class Condition:
    """A leaf as the matcher sees it: fact `fact` compared with a number."""

    criterion: str
    fact: str
    op: Op
    threshold: float


Bounds = tuple[float | None, float | None]
# a fact as the rules compare it: (fact, rank of its low bound, rank of its high bound), see `Matcher.reduced`
Reduced = tuple[str, int | None, int | None]


class Facts(NamedTuple):
    """The facts of one subject, or of subjects reading alike, for one award, as the rules compare them
    (`Matcher.profile`). Equal facts are matched once."""

    award: str
    profile: tuple[Reduced, ...]


class MatcherError(RuntimeError):
    """durable_rules did not run every firing it owed: an engine fault, not a user error."""


class _SyncHost(durable_engine.Host):
    # The default Host dispatches actions from timer threads and can return before they ran.
    def _run(self) -> None:
        pass


def _bound(fact: str, side: str) -> str:
    # 'id' and 'sid' are durable_rules' own keys: fact names never reach the engine bare.
    return f"f_{fact}_{side}"


def _cmp(field: str, op: str, threshold: int) -> dict:
    return {_OPS[op]: {field: threshold}}


def _either(field: str, op: str, threshold: int) -> dict:
    """The bound is unknown or compares so: that side leaves the test open."""
    return {"$or": [{"$nex": {field: 1}}, _cmp(field, op, threshold)]}


def _condition(cond: Condition, t: int, outcome: Outcome) -> dict:
    """Passed when every value in the bounds passes, failed when none does, undecided otherwise; `t` is
    the threshold's rank."""
    lo, hi = _bound(cond.fact, "lo"), _bound(cond.fact, "hi")
    if cond.op == "=":
        return {
            "passed": {"$and": [{lo: t}, {hi: t}]},
            "failed": {"$or": [_cmp(lo, ">", t), _cmp(hi, "<", t)]},
            "undecided": {"$and": [_either(lo, "<=", t), _either(hi, ">=", t),
                                   {"$or": [{"$nex": {lo: 1}}, {"$nex": {hi: 1}},
                                            _cmp(lo, "<", t), _cmp(hi, ">", t)]}]},
        }[outcome]
    # for >= and >, the low bound decides a pass and the high bound a failure; for <= and < the reverse
    passing, failing = (lo, hi) if cond.op in (">=", ">") else (hi, lo)
    return {
        "passed": _cmp(passing, cond.op, t),
        "failed": _cmp(failing, _NEGATION[cond.op], t),
        "undecided": {"$and": [_either(passing, _NEGATION[cond.op], t), _either(failing, cond.op, t)]},
    }[outcome]


class Matcher:
    """A compiled ruleset for one rule version: awards and the conditions of their leaf criteria."""

    def __init__(self, conditions: Mapping[str, Sequence[Condition]]) -> None:
        self._conditions = conditions
        cuts: dict[str, set[float]] = {}
        for cond in itertools.chain.from_iterable(conditions.values()):
            cuts.setdefault(cond.fact, set()).add(cond.threshold)
        self._cuts = {fact: sorted(values) for fact, values in cuts.items()}
        ranked = {fact: {cut: 2 * k + 1 for k, cut in enumerate(values)} for fact, values in self._cuts.items()}
        self._representatives: dict[tuple, tuple] = {}
        self._known: dict[tuple, Mapping[str, Outcome]] = {}  # profile -> outcomes, read-only once matched
        self._fired: set[tuple[str, str, str, Outcome]] = set()
        self._seen: set[tuple[str, str]] = set()
        rules: dict[str, dict] = {"seen": {"all": [{"m": {"$ex": {"award": 1}}}], "run": self._on_fact}}
        for award, award_conditions in conditions.items():
            for i, cond in enumerate(award_conditions):
                for outcome in ("passed", "failed", "undecided"):
                    rules[f"{award}.{i}.{outcome}"] = {
                        "all": [{"m": {"$and": [{"award": award},
                                                _condition(cond, ranked[cond.fact][cond.threshold], outcome)]}}],
                        "run": self._on_leaf(award, cond.criterion, outcome),
                    }
        self._host = _SyncHost()
        self._name = f"ktrules{next(_names)}"
        self._host.register_rulesets({self._name: rules})
        self._ruleset = self._host.get_ruleset(self._name)
        # one run at a time: a run's firings are collected in the sets above and its sessions are named
        # v0, v1, ... in the one ruleset, and durable_rules' engine is not safe to enter from two threads
        # (the server evaluates requests in threads; two at once crashed the process)
        self._lock = threading.Lock()

    def _on_fact(self, c: object) -> None:
        self._seen.add((c.m.sid, c.m.award))  # type: ignore[attr-defined]

    def _on_leaf(self, award: str, criterion: str, outcome: Outcome):  # noqa: ANN202
        def record(c: object) -> None:
            self._fired.add((c.m.sid, award, criterion, outcome))  # type: ignore[attr-defined]
        return record

    def profile(self, values: Mapping[str, Bounds]) -> tuple[Reduced, ...]:
        """Facts as the rules compare them, each `reduced`, in the order given (a caller gives an award's
        facts in one fixed order)."""
        return tuple(self.reduced(fact, bounds) for fact, bounds in values.items())

    def reduced(self, fact: str, bounds: Bounds) -> Reduced:
        """A fact's bounds (low, high) as the representatives of the intervals between its thresholds that
        hold them: a known value has low == high; a value the records only bound (a share with some
        members undecided) has both; a missing value has neither."""
        found = self._representatives.get((fact, bounds))
        if found is None:
            if len(self._representatives) > _REMEMBERED:  # new values request after request: bounded as profiles are
                self._representatives = {}
            found = self._representatives[fact, bounds] = (fact, *map(partial(self._representative, fact), bounds))
        return found  # type: ignore[return-value]

    def run(self, facts: Sequence[Facts]) -> list[Mapping[str, Outcome]]:
        """The outcome of every leaf of each of `facts`, in their order."""
        places: dict[Facts, list[int]] = {}
        for at, item in enumerate(facts):
            found = places.get(item)
            if found is None:
                places[item] = [at]
            else:
                found.append(at)
        known = self._known
        outcomes = {item: known[item] for item in places if item in known}
        outcomes.update(self._learn([item for item in places if item not in outcomes]))
        out: list[Mapping[str, Outcome]] = [_NONE] * len(facts)
        for item, found in places.items():
            for at in found:
                out[at] = outcomes[item]
        return out

    def _learn(self, facts: list[Facts]) -> dict[Facts, Mapping[str, Outcome]]:
        """The outcomes of `facts` from durable_rules, remembered: they depend on nothing but the facts and
        the rules, and are read-only so that runs can share them."""
        if not facts:
            return {}
        with self._lock:
            learnt = dict(zip(facts, map(MappingProxyType, self._match(facts)), strict=True))
        if len(self._known) + len(learnt) > _REMEMBERED:
            self._known, self._representatives = {}, {}
        self._known.update(learnt)
        return learnt

    def _representative(self, fact: str, value: float | None) -> int | None:
        """The rank that compares with the ranks of every threshold of `fact` as `value` compares with
        the thresholds: 2k + 1 when it is the k-th, 2k when it lies between the (k-1)-th and the k-th."""
        if value is None:
            return None
        cuts = self._cuts.get(fact, ())
        at = bisect.bisect_left(cuts, value)
        return 2 * at + 1 if at < len(cuts) and cuts[at] == value else 2 * at

    def _match(self, facts: list[Facts]) -> list[dict[str, Outcome]]:
        """Each of `facts` in a session of its own (v0, v1, ...), as many sessions at a time as the engine
        keeps."""
        results: dict[tuple[str, str], dict[str, Outcome]] = {}
        named = [(f"v{i}", item) for i, item in enumerate(facts)]
        for start in range(0, len(named), _SESSIONS_PER_BATCH):
            self._run_batch(named[start:start + _SESSIONS_PER_BATCH], results)
        return [results.get((sid, item.award), {}) for sid, item in named]  # an award without leaves fires none

    def _run_batch(self, batch: list[tuple[str, Facts]], results: dict) -> None:
        self._fired.clear()
        self._seen.clear()
        messages = [{"sid": sid, "award": f.award, **_bounds(f.profile)} for sid, f in batch]
        self._ruleset.assert_facts(messages)
        while True:
            before = len(self._fired) + len(self._seen)
            self._ruleset.dispatch()
            if len(self._fired) + len(self._seen) == before:
                break
        owed = sum(len(self._conditions.get(f.award, ())) for _, f in batch)
        if len(self._seen) != len(batch) or len(self._fired) != owed:
            raise MatcherError(f"durable_rules ran {len(self._seen)} of {len(batch)} facts and "
                               f"{len(self._fired)} of {owed} criterion firings")
        for sid, award, criterion, outcome in self._fired:
            results.setdefault((sid, award), {})[criterion] = outcome
        for sid, _ in batch:
            self._ruleset.delete_state(sid)


def _bounds(profile: tuple[Reduced, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for fact, low, high in profile:
        if low is not None:
            out[_bound(fact, "lo")] = low
        if high is not None:
            out[_bound(fact, "hi")] = high
    return out

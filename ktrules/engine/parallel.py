"""Large datasets evaluated a partition at a time, in parallel processes when there are many.

A unit and the people who are its members in the period depend on nothing outside them: a person's
criteria read the person's own records, a unit's read its members' verdicts. So partitions of whole
units give exactly the verdicts of a single run, and in the same order (unit by unit, see
`evaluate._listed`), while each process holds one partition's verdicts at a time.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from ktrules.common.collector import freeze, no_collection, unfreeze
from ktrules.engine.evaluate import Evaluation, evaluate
from ktrules.records.models import Dataset

T = TypeVar("T")
PART_SIZE = 5000  # people per partition at most: small enough to stream, large enough for its fixed costs
FEWEST_PER_PART = 2000  # people per partition at least when processes share the work (`_part_size`)
# people; below this one process is as quick (2,500 people: 1.03-1.08 s in two against 1.15-1.18 s in one;
# 10,000: 2.0-2.2 s against 3.0-4.0 s, and half the peak memory)
PARALLEL_FROM = 2000

_task: tuple[Dataset, int, Callable[[Evaluation], Any], list[frozenset[str]], dict[str, Any]] | None = None


def partitions(dataset: Dataset, period: int, size: int = PART_SIZE) -> list[frozenset[str]]:
    """Whole units with their members of the period, in the order of listings, about `size` people each."""
    out: list[frozenset[str]] = []
    current: list[str] = []
    for unit in dataset.units_in_order():
        current += [unit.id, *dataset.members(unit.id, period)]
        if len(current) >= size:
            out.append(frozenset(current))
            current = []
    if current or not out:
        out.append(frozenset(current))
    return out


def default_jobs(dataset: Dataset) -> int:
    return min(os.cpu_count() or 1, 4) if len(dataset.people) >= PARALLEL_FROM else 1


def map_partitions(dataset: Dataset, period: int, work: Callable[[Evaluation], T], *, jobs: int = 1,
                   size: int | None = None, **options: Any) -> Iterator[T]:
    """`work` applied to the evaluation of each partition, results in order; `options` go to `evaluate`."""
    if jobs > 1:
        _warm(dataset)
    parts = partitions(dataset, period, size or _part_size(dataset, jobs))
    if jobs <= 1 or len(parts) == 1:
        for part in parts:
            yield work(evaluate(dataset, period, within=part, **options))
        return
    global _task
    # a run of no one: the rules are loaded and compiled once, before forking, for every worker
    evaluate(dataset, period, within=frozenset(), **options)
    _task = (dataset, period, work, parts, options)
    # workers share the parsed dataset and the compiled rules (fork) instead of receiving copies;
    # frozen, the dataset is neither scanned by their collectors nor copied page by page as they run
    freeze()
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    try:
        yield from pool.map(_run, range(len(parts)))
    finally:
        pool.shutdown(cancel_futures=True)  # a caller that stops early (a user error) waits for no more
        _task = None
        unfreeze()


def _part_size(dataset: Dataset, jobs: int) -> int:
    """About eight partitions a process, so that the processes finish together: 20,000 people in 3.6 s
    with partitions of 2,000 against 4.4 s with 5,000, a tail of one partition left to one process.
    Not below 2,000 people, for each partition's fixed costs: a million people took a tenth more CPU."""
    if jobs <= 1:
        return PART_SIZE
    return min(PART_SIZE, max(FEWEST_PER_PART, len(dataset.people) // (8 * jobs)))


def _warm(dataset: Dataset) -> None:
    # build the indexes once, before forking, so that every worker inherits them; they last as long as
    # the dataset, and without the collector going through it again and again (0.98 s down to 0.5 s
    # for 20,000 people)
    with no_collection():
        for index in ("records_by_year", "initiatives_by_author", "disciplines_by_subject", "conferred_by_subject",
                      "achievements_by_key", "first_year", "_conferrals", "position", "_subject_ids", "_members"):
            getattr(dataset, index)


def _run(index: int) -> Any:
    assert _task is not None
    dataset, period, work, parts, options = _task
    with no_collection():  # rows are made of an evaluation's objects too: no cyclic garbage to find
        return work(evaluate(dataset, period, within=parts[index], **options))

"""The pages' store of runs: a burst of uploads never drops a run whose owner has not had its result."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from ktrules.common.errors import KtrulesError
from ktrules.engine.inputs import load_dataset
from ktrules.records.models import Dataset
from ktrules.rules import DEFAULT_RULES
from ktrules.server import runs as store
from ktrules.server.runs import KEPT, Asked, Run, Runs
from tests.conftest import SMALL

ASKED = Asked("hồ sơ.yaml", 2024, None, None)


@pytest.fixture
def runs() -> Iterator[Runs]:
    with Runs() as kept:
        yield kept


def _settled(run: Run | None) -> Run:
    """The run once it is done or failed, watched without asking the store (which would mark it seen)."""
    assert run is not None
    for _ in range(200):  # at most 10 s
        if run.finished is not None:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run.id} still {run.phase}")


def _good() -> Dataset:
    return load_dataset(SMALL)


def _bad() -> Dataset:
    raise KtrulesError("hồ sơ hỏng")


def _start(runs: Runs, read: Callable[[], Dataset] = _good) -> Run | None:
    return runs.start(ASKED, read, str(DEFAULT_RULES))


def test_a_burst_drops_seen_failed_runs_first_and_never_one_its_owner_has_not_had(runs: Runs) -> None:
    done = _settled(_start(runs))
    failed = [_settled(_start(runs, _bad)) for _ in range(KEPT - 2)]
    assert runs.get(done.id) is done and all(runs.get(r.id) is r for r in failed)  # their pages shown
    release = threading.Event()
    waiting = [_start(runs, lambda: (release.wait(10), _good())[1]) for _ in range(KEPT - 1)]
    try:
        assert all(r is not None and runs.get(r.id) is r for r in waiting)  # the failed runs made room
        assert all(runs.get(r.id) is None for r in failed) and runs.get(done.id) is done
        assert _start(runs) is not None and runs.get(done.id) is None  # `done`, looked at, made room
        assert _start(runs) is None  # KEPT runs still under way
    finally:
        release.set()
    assert all(_settled(r).phase == "done" for r in waiting)


def test_a_finished_run_nobody_came_back_for_may_go_after_a_while(runs: Runs,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first, *rest = [_settled(_start(runs)) for _ in range(KEPT)]
    assert _start(runs) is None  # finished, but their owners have not looked
    monkeypatch.setattr(store, "UNCLAIMED", 0.0)
    assert _settled(_start(runs)).phase == "done" and runs.get(first.id) is None


def test_the_finished_run_looked_at_latest_is_kept_longest(runs: Runs) -> None:
    first, *rest = [_settled(_start(runs)) for _ in range(KEPT)]
    for run in [*rest, first]:  # each looked at; `first` last
        assert runs.get(run.id) is run
    _settled(_start(runs))
    assert runs.get(first.id) is first and runs.get(rest[0].id) is None

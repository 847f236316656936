"""The pages' store of runs: a burst of uploads never drops a run whose owner is still waiting for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from ktrules.common.errors import KtrulesError
from ktrules.engine.inputs import load_dataset
from ktrules.records.models import Dataset
from ktrules.rules import DEFAULT_RULES
from ktrules.server.runs import KEPT, Asked, Run, Runs
from tests.conftest import SMALL

ASKED = Asked("hồ sơ.yaml", 2024, None, None)


@pytest.fixture
def runs() -> Iterator[Runs]:
    with Runs() as store:
        yield store


def _settled(run: Run) -> Run:
    for _ in range(200):  # at most 10 s
        if run.phase in ("done", "failed"):
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run.id} still {run.phase}")


def _bad() -> Dataset:
    raise KtrulesError("hồ sơ hỏng")


def test_a_burst_of_uploads_drops_failed_runs_first_and_never_an_unfinished_one(runs: Runs) -> None:
    done = _settled(runs.start(ASKED, lambda: load_dataset(SMALL), str(DEFAULT_RULES)))
    failed = [_settled(runs.start(ASKED, _bad, str(DEFAULT_RULES))) for _ in range(KEPT - 2)]
    assert done.phase == "done" and all(r.phase == "failed" for r in failed)
    release = threading.Event()
    waiting = [runs.start(ASKED, lambda: (release.wait(10), load_dataset(SMALL))[1], str(DEFAULT_RULES))
               for _ in range(KEPT - 1)]
    try:
        assert all(runs.get(r.id) is r for r in waiting)  # failed runs made room for them
        assert runs.get(done.id) is done and all(runs.get(r.id) is None for r in failed)
        assert runs.start(ASKED, lambda: load_dataset(SMALL), str(DEFAULT_RULES)) is not None  # drops `done`
        assert runs.get(done.id) is None
        assert runs.start(ASKED, lambda: load_dataset(SMALL), str(DEFAULT_RULES)) is None  # all KEPT unfinished
    finally:
        release.set()
    assert all(_settled(r).phase == "done" for r in waiting)


def test_the_finished_run_looked_at_latest_is_kept_longest(runs: Runs) -> None:
    first, *rest = [_settled(runs.start(ASKED, lambda: load_dataset(SMALL), str(DEFAULT_RULES))) for _ in range(KEPT)]
    assert runs.get(first.id) is first  # looked at: now the last to go
    _settled(runs.start(ASKED, lambda: load_dataset(SMALL), str(DEFAULT_RULES)))
    assert runs.get(first.id) is first and runs.get(rest[0].id) is None

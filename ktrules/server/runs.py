"""The pages' evaluations: an upload becomes a run, evaluated in the background while its page shows how
far it has got. Runs share nothing: each holds its own dataset and evaluation behind its own lock (ranking
writes into an evaluation's context), and the store only adds, finds and drops whole runs."""

from __future__ import annotations

import contextvars
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Literal

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import t
from ktrules.engine.evaluate import Evaluation, evaluate, rules_for
from ktrules.records.models import Dataset
from ktrules.server.problems import without_folder

KEPT = 16  # runs kept in memory: a failed one goes first, then the finished one looked at least lately
UNCLAIMED = 600.0  # seconds a finished run waits for its owner to look at it before it may be dropped
WORKERS = 2  # evaluations at once; more wait their turn
log = logging.getLogger("ktrules.server")


@dataclass(frozen=True)
class Asked:
    """What the start page asked for."""

    name: str  # the upload's name, for the page's title
    period: int
    as_of: date | None
    campaign: str | None
    decided: date | None = None  # the decision date the reward money and the papers follow; None: each download's day


@dataclass
class Run:
    id: str
    asked: Asked
    phase: Literal["reading", "evaluating", "done", "failed"] = "reading"
    people: int = 0
    error: str | None = None
    evaluation: Evaluation | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    finished: float | None = None  # when it was done or failed (time.monotonic)
    seen: bool = False  # its result asked for since it finished: its owner has it

    @contextmanager
    def using(self) -> Iterator[Evaluation]:
        """The evaluation, for one request at a time: ranking a list writes into its context."""
        assert self.evaluation is not None
        with self.lock:
            yield self.evaluation


class Runs:
    def __init__(self) -> None:
        self._runs: OrderedDict[str, Run] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="ktrules-run")

    def __enter__(self) -> Runs:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def start(self, asked: Asked, read: Callable[[], Dataset], rules: str) -> Run | None:
        """A new run, reading then evaluating in the background; None when KEPT runs are still to be shown:
        one person's upload never drops another's run before its page has shown the result, or before
        UNCLAIMED seconds have passed since it finished (its owner may have gone)."""
        run = Run(secrets.token_urlsafe(16), asked)
        with self._lock:
            now = time.monotonic()
            droppable = [r for r in self._runs.values()
                         if r.finished is not None and (r.seen or now - r.finished > UNCLAIMED)]
            if len(self._runs) - len(droppable) >= KEPT:
                return None
            # failed ones first, then the least lately looked at (`get` moves a run to the end)
            for dropped in sorted(droppable, key=lambda r: r.phase == "done")[:max(0, len(self._runs) + 1 - KEPT)]:
                del self._runs[dropped.id]
            self._runs[run.id] = run
        self._pool.submit(contextvars.copy_context().run, _evaluate, run, read, rules)  # with the page's language
        return run

    def get(self, run_id: str) -> Run | None:
        with self._lock:
            run = self._runs.get(run_id)
            if run is not None:
                self._runs.move_to_end(run_id)
                run.seen = run.seen or run.phase in ("done", "failed")  # its page shows the result, or the error
            return run


def _evaluate(run: Run, read: Callable[[], Dataset], rules: str) -> None:
    asked = run.asked
    try:
        rules_for(rules, asked.period, asked.as_of, asked.campaign)  # as the command: the rules' error first
        dataset = read()
        run.people, run.phase = len(dataset.people), "evaluating"
        run.evaluation = evaluate(dataset, asked.period, as_of=asked.as_of, rules=rules, campaign=asked.campaign)
        run.phase = "done"
    except KtrulesError as exc:  # as the API says it: the rules folder's place on the server is not shown
        run.error, run.phase = without_folder(str(exc), Path(rules)), "failed"
    except Exception:  # the page says it failed; the trace is for whoever runs the server
        log.exception("unexpected error evaluating run %s", run.id)
        run.error, run.phase = t("err.unexpected"), "failed"
    finally:
        run.finished = time.monotonic()

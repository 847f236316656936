"""The API's work in worker processes: reading the body, evaluating, writing the answer. Processes use
every core where threads would take turns under the GIL, keep the server's own memory flat under load,
and share nothing: a request's error or memory stays in the process that served it."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import LANGUAGE
from ktrules.engine.evaluate import version_in_force
from ktrules.engine.inputs import UploadTooLarge

T = TypeVar("T")


def default_size() -> int:
    return min(os.cpu_count() or 1, 4)


@dataclass(frozen=True)
class Failure:
    """A user error carried back whole: a pickled exception would lose its file, line and hint."""

    message: str
    file: str | None
    line: int | None
    hint: str | None
    too_large: bool

    def error(self) -> KtrulesError:
        kind = UploadTooLarge if self.too_large else KtrulesError
        return kind(self.message, file=self.file, line=self.line, hint=self.hint)


def start(size: int, rules: Path) -> ProcessPoolExecutor:
    """`size` processes, started fresh (spawn: forking a threaded server is unsafe), with the rules read."""
    pool = ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("spawn"))
    for done in [pool.submit(_warm, rules) for _ in range(size)]:
        done.result()  # a worker that cannot start stops the server's start, not a request
    return pool


def _warm(rules: Path) -> None:
    # the rules compiled before the first request: the version in force today and a year ago
    for day in (date.today(), date.today() - timedelta(days=365)):
        with suppress(KtrulesError):  # no version in force that day: requests will say so
            version_in_force(rules, day)


async def run(pool: ProcessPoolExecutor, task: Callable[..., T], *args: Any, lang: str = "vi") -> T:
    """`task(*args)` in a worker, its errors in `lang`; a user error raised there is raised here as it was."""
    answer = await asyncio.wrap_future(pool.submit(_guarded, lang, task, *args))
    if isinstance(answer, Failure):
        raise answer.error()
    return answer


def _guarded(lang: str, task: Callable[..., T], *args: Any) -> T | Failure:
    LANGUAGE.set(lang)  # a worker serves one call at a time: the call's language holds until the next
    try:
        return task(*args)
    except KtrulesError as exc:
        return Failure(exc.message, exc.file, exc.line, exc.hint, isinstance(exc, UploadTooLarge))

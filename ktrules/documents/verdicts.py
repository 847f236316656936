"""The output of `check` as CSV or JSON text, piece by piece: the command prints the pieces and the HTTP
API sends them, so both give the same bytes for the same input."""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import t
from ktrules.common.output import render
from ktrules.documents.report import row, row_json
from ktrules.engine.evaluate import AwardVerdict, Evaluation
from ktrules.engine.parallel import default_jobs, map_partitions
from ktrules.records.models import Dataset

CHECK_COLUMNS_CSV = {k: k for k in ("subject", "name", "unit", "award", "award_name", "period", "verdict",
                                    "rules_version", "reasons", "deferred")}


def check_pieces(records: Dataset, period: int, fmt: str, lang: str, jobs: int | None = None,
                 empty: Callable[[], None] | None = None, **options: Any) -> Iterator[bytes]:
    """Every verdict as CSV lines or a JSON array, in UTF-8, a partition of units at a time (in `jobs`
    processes); `options` go to `evaluate`. The first partition is evaluated before this returns, so that
    user errors (an unknown award, no rules in force) are raised before any text is given out; `empty`
    is called after the last piece when there was no verdict at all."""
    folder = tempfile.mkdtemp(prefix="ktrules-check-")
    try:
        work = functools.partial(_chunk, lang=lang, fmt=fmt, folder=folder)
        chunks = map_partitions(records, period, work, jobs=jobs or default_jobs(records), **options)
        first = next(chunks)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _pieces(itertools.chain([first], chunks), fmt, empty, folder)


def _pieces(paths: Iterator[str], fmt: str, empty: Callable[[], None] | None, folder: str) -> Iterator[bytes]:
    try:
        yield (render([], "csv", CHECK_COLUMNS_CSV) + "\n" if fmt == "csv" else "[").encode()
        written = False
        for path in paths:
            part = Path(path).read_bytes()
            os.unlink(path)
            if part:
                yield part if fmt == "csv" else (b",\n" if written else b"\n") + part
                written = True
        if fmt == "json":
            yield b"\n]\n"
        if not written and empty:
            empty()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _chunk(evaluation: Evaluation, lang: str, fmt: str, folder: str) -> str:
    """A partition's verdicts as CSV lines or JSON objects, written to a file of `folder` by the process
    that evaluated them: the parent reads the files in order instead of receiving the text through a pipe."""
    if fmt == "csv":
        rows = [row(evaluation, v, lang, criteria=False) for v in evaluation.verdicts]
        text = render(rows, "csv", CHECK_COLUMNS_CSV, header=False) + "\n" if rows else ""
    else:
        text = ",\n".join(row_json(evaluation, v, lang) for v in evaluation.verdicts)
    handle, path = tempfile.mkstemp(dir=folder)
    with open(handle, "w", encoding="utf-8") as part:
        part.write(text)
    return path


def subject_verdicts(evaluation: Evaluation, subject: str) -> list[AwardVerdict]:
    """The verdicts of the one subject `explain` asks about, or a user error saying why there are none."""
    found = [v for v in evaluation.verdicts if v.subject == subject]
    if not found:
        raise KtrulesError(t("err.no_verdict", subject=subject, period=evaluation.period),
                           hint=t("err.no_verdict.hint"))
    return found

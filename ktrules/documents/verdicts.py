"""The output of `check` as CSV or JSON text, piece by piece: the command prints the pieces and the HTTP
API sends them, so both give the same bytes for the same input."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import t
from ktrules.common.output import render
from ktrules.documents.report import row
from ktrules.engine.evaluate import AwardVerdict, Evaluation
from ktrules.engine.parallel import default_jobs, map_partitions
from ktrules.records.models import Dataset

CHECK_COLUMNS_CSV = {k: k for k in ("subject", "name", "unit", "award", "award_name", "period", "verdict",
                                    "rules_version", "reasons", "deferred")}


def check_pieces(records: Dataset, period: int, fmt: str, lang: str, jobs: int | None = None,
                 empty: Callable[[], None] | None = None, **options: Any) -> Iterator[str]:
    """Every verdict as CSV lines or a JSON array, a partition of units at a time (in `jobs` processes);
    `options` go to `evaluate`. The first partition is evaluated before this returns, so that user
    errors (an unknown award, no rules in force) are raised before any text is given out; `empty` is
    called after the last piece when there was no verdict at all."""
    work = functools.partial(_chunk, lang=lang, fmt=fmt)
    chunks = map_partitions(records, period, work, jobs=jobs or default_jobs(records), **options)
    first = next(chunks)
    return _pieces(itertools.chain([first], chunks), fmt, empty)


def _pieces(chunks: Iterator[str], fmt: str, empty: Callable[[], None] | None) -> Iterator[str]:
    yield render([], "csv", CHECK_COLUMNS_CSV) + "\n" if fmt == "csv" else "["
    written = False
    for chunk in chunks:
        if chunk:
            yield chunk + "\n" if fmt == "csv" else ("," if written else "") + "\n" + chunk
            written = True
    if fmt == "json":
        yield "\n]\n"
    if not written and empty:
        empty()


def _chunk(evaluation: Evaluation, lang: str, fmt: str) -> str:
    """A partition's verdicts as CSV lines or JSON objects, made where they were evaluated."""
    rows = [row(evaluation, v, lang, criteria=fmt == "json") for v in evaluation.verdicts]
    if fmt == "csv":
        return render(rows, "csv", CHECK_COLUMNS_CSV, header=False)
    return ",\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows)


def subject_verdicts(evaluation: Evaluation, subject: str) -> list[AwardVerdict]:
    """The verdicts of the one subject `explain` asks about, or a user error saying why there are none."""
    found = [v for v in evaluation.verdicts if v.subject == subject]
    if not found:
        raise KtrulesError(t("err.no_verdict", subject=subject, period=evaluation.period),
                           hint=t("err.no_verdict.hint"))
    return found

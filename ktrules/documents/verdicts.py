"""The output of `check` as CSV or JSON text, piece by piece: the command prints the pieces and the HTTP
API sends them, so both give the same bytes for the same input."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ktrules.common.collector import no_collection
from ktrules.common.errors import KtrulesError, suggest_or_list
from ktrules.common.messages import t
from ktrules.common.output import neutralised, render
from ktrules.documents.report import (
    SUBJECT_FIELDS,
    criteria_json,
    explanation_key,
    reasons,
    row,
    subject_fields,
    worded,
)
from ktrules.engine.evaluate import AwardVerdict, Evaluation
from ktrules.engine.parallel import default_jobs, map_partitions
from ktrules.records.models import Dataset

CHECK_COLUMNS_CSV = {k: k for k in ("subject", "name", "unit", "award", "award_name", "period", "verdict",
                                    "rules_version", "reasons", "deferred")}

_SHARED_CSV = [k for k in CHECK_COLUMNS_CSV if k not in SUBJECT_FIELDS]  # the CSV columns after the subject's
_TAILS: dict[tuple, bytes] = {}  # JSON rows beyond their subject, by `_Rows._content`
_TAILS_LIMIT = 20_000  # entries of a few kilobytes: tens of megabytes at most
_CHUNK = 1 << 20  # bytes of a partition's file written or read at a time


def check_pieces(records: Dataset, period: int, fmt: str, lang: str, jobs: int | None = None,
                 empty: Callable[[], None] | None = None, **options: Any) -> Iterator[bytes]:
    """Every verdict as CSV lines or a JSON array, in UTF-8, a partition of units at a time (in `jobs`
    processes); `options` go to `evaluate`. The first partition is evaluated before this returns, so that
    user errors (an unknown award, no rules in force) are raised before any text is given out; `empty`
    is called after the last piece when there was no verdict at all."""
    jobs = jobs or default_jobs(records)
    # one process (a department, a server's request) keeps its text in memory; several write files
    folder = tempfile.mkdtemp(prefix="ktrules-check-") if jobs > 1 else None
    try:
        work = functools.partial(_written, folder=folder) if folder else check_text
        chunks = map_partitions(records, period, functools.partial(work, lang=lang, fmt=fmt), jobs=jobs,
                                **options)
        first = next(chunks)
    except BaseException:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    texts = itertools.chain([first], chunks)
    return _pieces(_read(texts) if folder else ([text] for text in texts), fmt, empty, folder, chunks.close)


def _pieces(parts: Iterator[Iterable[bytes]], fmt: str, empty: Callable[[], None] | None,
            folder: str | None, stop: Callable[[], None]) -> Iterator[bytes]:
    try:
        yield (render([], "csv", CHECK_COLUMNS_CSV) + "\n" if fmt == "csv" else "[").encode()
        written = False
        for part in parts:
            for at, chunk in enumerate(filter(None, part)):
                if at == 0 and fmt == "json":
                    yield b",\n" if written else b"\n"
                written = True
                yield chunk
        if fmt == "json":
            yield b"\n]\n"
        if not written and empty:
            empty()
    finally:
        if folder:
            # the workers first (the pool waits for those at work): a file one wrote after the folder was
            # emptied would be left behind when a reader stops early (`check … | head`)
            stop()
            shutil.rmtree(folder, ignore_errors=True)


def _read(paths: Iterator[str]) -> Iterator[Iterator[bytes]]:
    for path in paths:
        yield _chunks(path)


def _chunks(path: str) -> Iterator[bytes]:
    """A partition's file a megabyte at a time: reading a province's hundreds of megabytes whole cost the
    parent a page fault for every 4 KB of it."""
    try:
        with open(path, "rb") as file:
            while chunk := file.read(_CHUNK):
                yield chunk
    finally:
        # gone already when the reader stopped early (a closed pipe): `_pieces` then removed the folder whole
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def check_text(evaluation: Evaluation, lang: str, fmt: str) -> bytes:
    """An evaluation's verdicts as the CSV lines or JSON objects of `check` (no header, no brackets), in UTF-8."""
    return b"".join(_check_parts(evaluation, lang, fmt))


def _check_parts(evaluation: Evaluation, lang: str, fmt: str) -> list[bytes]:
    """`check_text` in pieces, not joined: a partition's text is tens of megabytes, and writing it from
    its pieces is quicker than making it whole first."""
    rows = _Rows(evaluation, lang)
    pieces: list[bytes] = []
    with no_collection():  # words and pieces, no cyclic garbage: the collector cost a third of this
        if fmt == "csv":
            for verdict in evaluation.verdicts:
                pieces += (rows.head(verdict.subject, "csv"), rows.line(verdict))
            return pieces
        for verdict in evaluation.verdicts:
            pieces += (b",\n", rows.head(verdict.subject, "json"), rows.json(verdict))
        return pieces[1:]


class _Rows:
    """The rows of one evaluation's verdicts. Beyond its subject's id, name and unit, a row depends only on
    what the subject read, which subjects that read alike share (`engine.columns`): that part is written
    once for each of them and joined to each subject's own. Keys hold objects of the evaluation by
    identity, so a `_Rows` lives no longer than the call that writes the evaluation."""

    def __init__(self, evaluation: Evaluation, lang: str) -> None:
        self.evaluation, self.lang = evaluation, lang
        self._heads: dict[tuple[str, str], Any] = {}  # (subject, format) -> its fields written
        self._json: dict[tuple, bytes] = {}
        self._lines: dict[tuple, bytes] = {}
        # the fields after the subject's, by what they say (`_says`): CSV cells, or JSON text without the criteria
        self._said: dict[tuple, Any] = {}
        self._buffer = io.StringIO()
        # the line's own terminator: csv quotes a cell holding a line break only when it ends lines with one
        self._csv = csv.writer(self._buffer, lineterminator="\n")

    def json(self, verdict: AwardVerdict) -> bytes:
        """The row after the subject's fields, to the closing brace, in UTF-8."""
        key = _shared(verdict)
        tail = self._json.get(key)
        if tail is None:
            tail = self._json[key] = worded(_TAILS, self._content(verdict), lambda: self._tail_json(verdict),
                                            _TAILS_LIMIT)
        return tail

    def _tail_json(self, verdict: AwardVerdict) -> bytes:
        says = (*self._says(verdict), verdict.used)
        fields = self._said.get(says)
        if fields is None:
            fields = self._said[says] = json.dumps(self._tail(verdict), ensure_ascii=False, default=str)[1:-1]
        return f", {fields}, \"criteria\": {criteria_json(verdict, self.lang)}}}".encode()

    def _content(self, verdict: AwardVerdict) -> tuple:
        """What the row beyond its subject says, by content: the same words in another call (a partition,
        a server's next request) are found again. Rule versions stay loaded, so their ids stay theirs."""
        evaluation = self.evaluation
        return (explanation_key(verdict, self.lang), verdict.award, verdict.verdict, verdict.used, verdict.deferred,
                id(evaluation.version), evaluation.period, evaluation.as_of)

    def line(self, verdict: AwardVerdict) -> bytes:
        """The verdict's CSV line after the subject's cells (`head`), from the comma on. Cells are quoted
        one by one, so these cells are written once for all who share them (the reasons are long:
        quoting them again for each subject was most of the CSV)."""
        key = _shared(verdict)
        tail = self._lines.get(key)
        if tail is None:
            says = self._says(verdict)
            tail = self._said.get(says)
            if tail is None:
                shared = self._tail(verdict)
                cells = self._cells([neutralised(shared.get(k, "")) for k in _SHARED_CSV])
                tail = self._said[says] = f",{cells}\n".encode()
            self._lines[key] = tail
        return tail

    def _says(self, verdict: AwardVerdict) -> tuple:
        """What settles a row's fields beyond its subject and criteria in this evaluation and language: many
        more subjects share these than share their whole explanation (the reasons show no evidence)."""
        return verdict.award, verdict.verdict, bool(verdict.deferred), reasons(self.evaluation, verdict, self.lang)

    def head(self, subject: str, fmt: str) -> Any:
        """The subject's fields: the start of a JSON object, or the first CSV cells, in UTF-8."""
        found = self._heads.get((subject, fmt))
        if found is None:
            fields = subject_fields(self.evaluation, subject)
            found = self._heads[subject, fmt] = json.dumps(fields, ensure_ascii=False)[:-1].encode() \
                if fmt == "json" else self._cells([neutralised(x) for x in fields.values()]).encode()
        return found

    def _cells(self, cells: list[Any]) -> str:
        """Cells as CSV text, quoted as `csv.writer` quotes a whole line."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._csv.writerow(cells)
        return self._buffer.getvalue()[:-1]

    def _tail(self, verdict: AwardVerdict) -> dict[str, Any]:
        return row(self.evaluation, verdict, self.lang, criteria=False, subject=False)


def _shared(verdict: AwardVerdict) -> tuple:
    """What a verdict's row says beyond its subject, by the identity of what its group shares."""
    return id(verdict.outcomes), id(verdict.readings), verdict.award, verdict.verdict, verdict.used, verdict.deferred


def _written(evaluation: Evaluation, lang: str, fmt: str, folder: str) -> str:
    """`check_text` written to a file of `folder` by the process that evaluated the partition: the parent
    reads the files in order instead of receiving the text through a pipe."""
    handle, path = tempfile.mkstemp(dir=folder)
    with open(handle, "wb", buffering=_CHUNK) as part:
        part.writelines(_check_parts(evaluation, lang, fmt))
    return path


def subject_verdicts(evaluation: Evaluation, subject: str) -> list[AwardVerdict]:
    """The verdicts of the one subject `explain` asks about, or a user error saying why there are none."""
    found = [v for v in evaluation.verdicts if v.subject == subject]
    subjects = evaluation.dataset.subjects()
    if not found and subject not in subjects:  # a mistyped id: the period and award are not the cause
        raise KtrulesError(t("err.unknown_subject", value=subject, where=t("err.in_dataset")),
                           hint=suggest_or_list(subject, subjects))
    kind = "collective" if evaluation.dataset.is_collective(subject) else "individual"
    others = [a for a in evaluation.awards if kind not in evaluation.award(a).kinds]
    if not found and others and len(others) == len(evaluation.awards):  # asked only of the other kind's awards
        raise KtrulesError(t(f"err.award_for_{evaluation.award(others[0]).kinds[0]}", award=others[0],
                             subject=subject), hint=t("err.award_kind.hint"))
    if not found:
        raise KtrulesError(t("err.no_verdict", subject=subject, period=evaluation.period),
                           hint=t("err.no_verdict.hint"))
    return found

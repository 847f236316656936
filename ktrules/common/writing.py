"""Every file ktrules writes (case files, workbooks, packets) is written whole or not at all, and never
over a file it reads."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType

from ktrules.common.errors import KtrulesError, os_reason
from ktrules.common.messages import t


def write_atomically(path: Path, save: Callable[[Path], None]) -> None:
    """`save` writes beside `path`, then a rename puts it in place: a reader sees the old file or the
    whole new one, and a failure, Ctrl-C or SIGTERM leaves neither half a file nor a temporary one."""
    if not path.parent.is_dir():
        raise KtrulesError(t("err.no_folder", folder=path.parent), file=path, hint=t("err.no_folder.hint"))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with _terminate_as_interrupt():
            save(temporary)
            os.replace(temporary, path)
    except OSError as exc:
        raise KtrulesError(t("err.cannot_write", reason=os_reason(exc)), file=path,
                           hint=t("err.cannot_write.hint")) from None
    finally:
        with contextlib.suppress(OSError):  # a read-only folder must not turn one line into a traceback
            temporary.unlink(missing_ok=True)


# What each kind of file ktrules writes carries, so that writing again replaces its own file and no other
PDF_IDENTIFIER = b"ktrules"  # the first part of the PDF's /ID, in its trailer, which is not compressed
MARKS = {".html": b'<meta name="generator" content="ktrules">', ".pdf": b"/ID [(%s)" % PDF_IDENTIFIER,
         ".yaml": b"# Written by `ktrules freeze`", ".yml": b"# Written by `ktrules freeze`"}
WORKBOOK_CREATOR = "ktrules"


def refuse_to_replace(out: Path, force: bool) -> None:
    """Refuse to write over an existing file that ktrules did not write (a user's notes, another
    dataset), unless `force`: an empty file holds nothing to lose, and a file written by an earlier run
    is replaced as the run is repeated."""
    if force or not out.is_file() or out.stat().st_size == 0 or _written_by_us(out):
        return
    raise KtrulesError(t("err.not_ours"), file=out, hint=t("err.not_ours.hint"))


def _written_by_us(path: Path) -> bool:
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                return _our_workbook(book.read("docProps/core.xml").decode())
        with path.open("rb") as file:
            head = file.read(8192)
            if suffix == ".pdf":  # the /ID is in the trailer's dictionary, where `startxref` points
                file.seek(max(0, path.stat().st_size - 1024))
                found = re.search(rb"startxref\s+(\d+)", file.read())
                file.seek(int(found.group(1)) if found else 0)
                head = file.read(4096)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):  # unreadable, or no workbook: not one of ours
        return False
    mark = MARKS.get(suffix)
    return mark is not None and mark in head


def _our_workbook(core: str) -> bool:
    """Written by ktrules and saved since by nobody else: Excel and LibreOffice put the user's name as its
    last author and move its modified time; earlier ktrules wrote no last author, only equal times."""
    def field(tag: str) -> str | None:
        found = re.search(rf"<{tag}[^>]*>([^<]*)</{tag}>", core)
        return found.group(1) if found else None
    if field("dc:creator") != WORKBOOK_CREATOR:
        return False
    last = field("cp:lastModifiedBy")
    return last == WORKBOOK_CREATOR or (last is None and field("dcterms:created") == field("dcterms:modified"))


def make_folder(folder: Path) -> None:
    """`folder` and its parents, made if missing: a folder that cannot be made is a user error (the place
    is read-only, or a file has its name), said on one line."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KtrulesError(t("err.cannot_make_folder", reason=os_reason(exc)), file=folder,
                           hint=t("err.cannot_write.hint")) from None


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM kills a process without running `finally`; while writing, it raises KeyboardInterrupt as
    Ctrl-C does, so the temporary file is removed before the process ends."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals; a server's worker thread is stopped otherwise
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def refuse_inputs(out: Path, inputs: Iterable[Path]) -> None:
    """Refuse to write `out` when it is one of the files read (the dataset, a rule file) or lies in a
    folder read (a CSV dataset, a rule folder): writing would replace the records."""
    target = out.resolve()
    for given in inputs:
        source = given.resolve()
        if target == source or (source.is_dir() and source in target.parents and _read_from(target)):
            raise KtrulesError(t("err.out_is_input", input=given), file=out, hint=t("err.out_is_input.hint"))


def _read_from(target: Path) -> bool:
    """Files of an input folder that a reader would take: records and rules, not other files."""
    return target.suffix.lower() in (".csv", ".yaml", ".yml", ".json")

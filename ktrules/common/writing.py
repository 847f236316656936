"""Every file ktrules writes (case files, workbooks, packets) is written whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ktrules.common.errors import KtrulesError


def write_atomically(path: Path, save: Callable[[Path], None], what: str = "the file") -> None:
    """`save` writes beside `path`, then a rename puts it in place: a reader sees the old file or the
    whole new one, and a failure leaves neither half a file nor a temporary one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        save(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        raise KtrulesError(f"cannot write {what} ({exc.strerror or exc})", file=path,
                           hint="check the folder, and close the file if Excel has it open") from None
    finally:
        temporary.unlink(missing_ok=True)

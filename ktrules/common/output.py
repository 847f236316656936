"""The one place that decides how rows are printed: a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from tabulate import tabulate

FORMATS = ("table", "json", "csv")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made plain text by a leading apostrophe;
    numbers and other text as they are."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def render(rows: Sequence[dict[str, Any]], fmt: str, columns: dict[str, str],
           widths: dict[str, int] | None = None, header: bool = True) -> str:
    """`rows` as text: JSON keeps every key; table and CSV keep `columns` (key -> header).

    A table wraps the columns named in `widths` at that many characters.
    """
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if header:
            writer.writerow(columns)
        writer.writerows([[neutralised(r.get(k, "")) for k in columns] for r in rows])
        return buffer.getvalue().rstrip("\n")
    widths = widths or {}
    return tabulate([[r.get(k, "") for k in columns] for r in rows], headers=list(columns.values()),
                    tablefmt="simple", maxcolwidths=[widths.get(k) for k in columns])

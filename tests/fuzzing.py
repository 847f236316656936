"""Hostile inputs for the fuzzing suite (tests/test_fuzz.py) and its long run (benchmarks/fuzz.py).

Each strategy draws a valid input (the small dataset as YAML, JSON, a workbook or a CSV folder, or the
national rule pack), damages it the way a user or a broken export would (a wrong type, a missing or
unknown key, a value out of range, odd Unicode, deep nesting, a huge number, a broken byte of text),
and writes it under a folder. `outcome` then reads and evaluates it: the property is that it either
evaluates or fails with one KtrulesError line, never with another exception.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from ktrules import KtrulesError, evaluate, load_dataset
from ktrules.common.reading import read_document
from ktrules.rules import DEFAULT_RULES, NATIONAL_PACK

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "fixtures" / "datasets" / "small.yaml"
BASE = read_document(SMALL)
RULE_FILE = "2024.yaml"
RULES = read_document(DEFAULT_RULES / NATIONAL_PACK / RULE_FILE)

# Values json.dumps cannot write, and a date YAML would quote: put in as markers, spelled out in the text.
HUGE, DEEP, NO_DAY = "HUGE_NUMBER_MARKER", "DEEP_NESTING_MARKER", "IMPOSSIBLE_DATE_MARKER"
SPELLED = {HUGE: "9" * 5000, DEEP: "[" * 2000 + "]" * 2000, NO_DAY: "2024-02-30"}

odd_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "\t", "\u00a0", "\u200b", "\u202e", "\x00", "\ufeff", "ǅ", "٣", "𝟘", "Đ", "ß",
                     "=1+1", "@SUM(A1)", "'", '"', "\\", "null", "~", "yes", "1e309", "-0", "NaN"]),
)
# the values that broke ktrules once are drawn as often as all the others together
known_breakers = st.sampled_from([HUGE, DEEP, NO_DAY])
weird_value = st.one_of(
    known_breakers,
    st.one_of(
        st.none(), st.booleans(), odd_text,
        st.integers(min_value=-10**20, max_value=10**20), st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(["2024-13-01", "0000-01-01", "9999-12-31", "30/02/2024", "HTT", "HTXS", "p01", "vp",
                         "LDTT", 1945, 2100, 2101, 0, -1, 12, 12.5, 13]),
        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    ),
)


@st.composite
def damaged(draw: st.DrawFn, base: Any) -> Any:
    """`base` with one to three parts replaced, removed, added to or repeated."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        data = _damage_once(draw, data)
    return data


def _damage_once(draw: st.DrawFn, data: Any) -> Any:
    parent, key = None, None
    node = data
    while isinstance(node, dict | list) and node and draw(st.integers(0, 3)):  # go down a while
        parent = node
        key = draw(st.sampled_from(sorted(node, key=str))) if isinstance(node, dict) else \
            draw(st.integers(0, len(node) - 1))
        node = node[key]
    action = draw(st.sampled_from(["replace", "remove", "unknown key", "repeat", "empty"]))
    if parent is None:
        return draw(weird_value) if action == "replace" else data
    if action == "replace":
        parent[key] = draw(weird_value)
    elif action == "remove":
        del parent[key]
    elif action == "unknown key" and isinstance(parent, dict):
        parent[draw(odd_text) or "x"] = draw(weird_value)
    elif action == "repeat" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    elif action == "empty":
        parent[key] = type(node)() if isinstance(node, dict | list | str) else None
    return data


def _plain(value: Any) -> Any:
    """YAML and JSON writable: dates as text (a YAML reader makes them dates again)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, date | datetime) else value


def document_text(data: Any, suffix: str) -> str:
    if suffix == ".json":
        text = json.dumps(_plain(data), ensure_ascii=False, indent=1)
        for marker, spelled in SPELLED.items():
            text = text.replace(f'"{marker}"', f'"{spelled}"' if marker == NO_DAY else spelled)
        return text
    text = yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False)
    for marker, spelled in SPELLED.items():
        text = text.replace(marker, spelled)
    return text


text_edits = st.tuples(st.sampled_from(["insert", "delete", "repeat line", "none"]), st.floats(0, 1),
                       st.text(max_size=3))


def edited(text: str, edit: tuple[str, float, str]) -> str:
    """A byte-level slip: a character inserted or deleted, or a line given twice (keys twice in JSON)."""
    how, where, what = edit
    at = int(where * len(text))
    if how == "insert":
        return text[:at] + what + text[at:]
    if how == "delete":
        return text[:at] + text[at + 1:]
    if how == "repeat line":
        lines = text.split("\n")
        n = min(int(where * len(lines)), len(lines) - 1)
        return "\n".join([*lines[: n + 1], lines[n], *lines[n + 1:]])
    return text


@st.composite
def document_datasets(draw: st.DrawFn) -> Callable[[Path], Path]:
    """A damaged dataset as YAML or JSON text."""
    suffix = draw(st.sampled_from([".yaml", ".json"]))
    text = edited(document_text(draw(damaged(BASE)), suffix), draw(text_edits))

    def write(folder: Path) -> Path:
        path = folder / f"records{suffix}"
        path.write_text(text, encoding="utf-8")
        return path
    return write


@st.composite
def cell_edits(draw: st.DrawFn) -> list[tuple[int, int, int, Any]]:
    """(sheet, row, column, value) for one to three cells, the header row included."""
    cell = st.tuples(st.integers(0, 7), st.integers(1, 8), st.integers(1, 14),
                     st.one_of(weird_value.filter(lambda v: not isinstance(v, list | dict)),
                               st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))))
    return draw(st.lists(cell, min_size=1, max_size=3))


def _sheet_value(value: Any) -> Any:
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # control characters a workbook cannot hold

        return ILLEGAL_CHARACTERS_RE.sub("", SPELLED.get(value, value))[:32767]  # at most 32,767 characters
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return str(value)  # a workbook cannot hold NaN or infinity as numbers
    return value


@st.composite
def workbook_datasets(draw: st.DrawFn) -> Callable[[Path], Path]:
    """The small dataset as a workbook with damaged cells."""
    edits = draw(cell_edits())

    def write(folder: Path) -> Path:
        import openpyxl

        path = folder / "records.xlsx"
        book = openpyxl.load_workbook(_base_files(folder.parent)["xlsx"])
        for sheet, row, column, value in edits:
            ws = book.worksheets[sheet % len(book.worksheets)]
            ws.cell(row, column).value = _sheet_value(value)
        book.save(path)
        return path
    return write


@st.composite
def csv_datasets(draw: st.DrawFn) -> Callable[[Path], Path]:
    """The small dataset as a folder of CSV files with damaged cells, or a file missing."""
    edits = draw(cell_edits())
    drop = draw(st.sampled_from([None, None, None, 0, 3, 5]))

    def write(folder: Path) -> Path:
        import csv
        import io

        path = folder / "records-csv"
        shutil.copytree(_base_files(folder.parent)["csv"], path)
        files = sorted(path.iterdir())
        for sheet, row, column, value in edits:
            file = files[sheet % len(files)]
            rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8-sig"), newline="")))
            while len(rows) < row:
                rows.append([])
            rows[row - 1] += [""] * max(0, column - len(rows[row - 1]))
            rows[row - 1][column - 1] = str(_sheet_value(value))
            out = io.StringIO(newline="")
            csv.writer(out, lineterminator="\n").writerows(rows)
            file.write_text(out.getvalue(), encoding="utf-8")
        if drop is not None:
            files[drop % len(files)].unlink()
        return path
    return write


@st.composite
def rule_packs(draw: st.DrawFn) -> Callable[[Path], Path]:
    """The national rule pack with its 2024 version damaged, as YAML or JSON: returns the rules folder."""
    suffix = draw(st.sampled_from([".yaml", ".json"]))
    text = edited(document_text(draw(damaged(RULES)), suffix), draw(text_edits))

    def write(folder: Path) -> Path:
        rules = folder / "rules"
        shutil.copytree(DEFAULT_RULES / NATIONAL_PACK, rules / NATIONAL_PACK)
        (rules / NATIONAL_PACK / RULE_FILE).unlink()
        (rules / NATIONAL_PACK / f"2024{suffix}").write_text(text, encoding="utf-8")
        return rules
    return write


def _base_files(folder: Path) -> dict[str, Path]:
    """The small dataset as a workbook and as a CSV folder, made once under `folder`."""
    from ktrules.documents.records_files import dataset_to_csv, dataset_to_workbook

    book, csvs = folder / "base.xlsx", folder / "base-csv"
    if not book.exists():
        dataset = load_dataset(SMALL)
        dataset_to_workbook(dataset, book)
        dataset_to_csv(dataset, csvs)
    return {"xlsx": book, "csv": csvs}


def outcome(path: Path, rules: Path = DEFAULT_RULES) -> str:
    """'evaluated' or 'refused'; any exception other than a KtrulesError escapes (a crash)."""
    try:
        evaluate(load_dataset(path), 2024, rules=rules)
    except KtrulesError as exc:
        assert "\n" not in str(exc), str(exc)
        return "refused"
    return "evaluated"


DATASETS = st.one_of(document_datasets(), workbook_datasets(), csv_datasets())

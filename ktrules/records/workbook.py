"""Reading a workbook (.xlsx) or a folder of CSV files in the layout of `sheets` into a validated Dataset,
naming the sheet, row and column of every problem."""

from __future__ import annotations

import csv
import difflib
import io
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import t
from ktrules.common.output import FORMULA_STARTS
from ktrules.common.reading import value_problem
from ktrules.common.vocabulary import NATIONAL_AWARDS
from ktrules.records.models import PERSONAL_FIELDS, Dataset
from ktrules.records.sheets import (
    AWARD_ID,
    LISTS_SHEET,
    PAIRS,
    RECORD_KEY,
    SHEET_NAMES,
    SHEETS,
    SUBJECT_NAME,
    CellError,
    Column,
    Sheet,
    blank,
    cell_text,
    folded,
    shown,
)

Problem = tuple[tuple[str | int, ...], str, str | None]  # (location in the dataset, message, hint)

# ---------------------------------------------------------------- reading the tables


@dataclass
class Table:
    """One sheet as read: where it came from, its header row and its numbered rows."""

    sheet: Sheet
    file: Path
    label: str  # "Trang tính Xếp loại" in a workbook; empty in a CSV file, whose name says the sheet
    header: tuple[Any, ...]
    rows: list[tuple[int, tuple[Any, ...]]]
    header_row: int = 1

    def error(self, message: str, hint: str | None = None, row: int | None = None,
              column: str | None = None) -> KtrulesError:
        where = ", ".join(p for p in (self.label, row and t("wb.row", n=row), column and t("wb.column", name=column))
                          if p)
        return KtrulesError(f"{where}: {message}" if where else message, file=self.file, hint=hint)


def _did_you_mean(word: str, choices: list[str]) -> str | None:
    keyed = {folded(c): c for c in choices}
    # a shortened header ('Thứ hạng' for 'Thứ hạng trong khối') is closer than difflib finds it
    close = [k for k in keyed if folded(word) and folded(word) in k] or difflib.get_close_matches(
        folded(word), list(keyed), n=1, cutoff=0.6)
    return t("wb.did_you_mean", word=keyed[close[0]]) if close else None


def _workbook_grids(path: Path) -> dict[str, tuple[Path, str, list[tuple[Any, ...]]]]:
    if not path.is_file():
        raise KtrulesError(t("err.not_found"), file=path, hint=t("err.not_found.hint"))
    try:
        with warnings.catch_warnings():  # openpyxl warns about Excel features it drops; they hold no records
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True)
    except Exception:  # a file that is not a workbook fails with zip, XML or openpyxl errors alike
        raise KtrulesError(t("wb.not_excel"), file=path,
                           hint=t("wb.not_excel.hint")) from None
    _refuse_uncomputed(path, book)
    layouts = {folded(s.name): s for s in SHEETS}
    grids = {}
    for ws in book.worksheets:
        if ws.sheet_state != "visible" and folded(ws.title) == folded(LISTS_SHEET):
            continue  # the lists the cells offer, hidden as ktrules writes them; a visible one is the user's
        grid = list(ws.iter_rows(values_only=True))
        layout = layouts.get(folded(ws.title))
        above = _header_at(layout, grid) if layout else 0  # a title merged over the columns holds no records
        # openpyxl keeps a merged range's value in its first cell only: ratings merged over four people
        # would read as one rating and three missing
        for merged in ws.merged_cells.ranges:
            if merged.max_row > above:
                raise KtrulesError(t("wb.merged", sheet=ws.title, cells=merged.coord), file=path,
                                   hint=t("wb.merged.hint"))
        grids[ws.title] = (path, t("wb.sheet", name=ws.title), grid)
    return grids


def _refuse_uncomputed(path: Path, book: Any) -> None:
    """A formula whose value was never computed (a workbook written by a script, not saved by Excel)
    reads as an empty cell: a rating left out, a year missing. Read again for its formulas only when the
    sheets hold any (Excel's own workbooks keep every value computed)."""
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        if not any(b"<f" in archive.read(name) for name in sheets):
            return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        formulas = openpyxl.load_workbook(path, read_only=True)  # formulas as their text, not their values
    try:
        for ws in formulas.worksheets:
            computed = book[ws.title]
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("=") and \
                            computed[cell.coordinate].value is None:
                        raise KtrulesError(t("wb.uncomputed", sheet=ws.title, cell=cell.coordinate), file=path,
                                           hint=t("wb.uncomputed.hint"))
    finally:
        formulas.close()


def _csv_grids(folder: Path) -> dict[str, tuple[Path, str, list[tuple[Any, ...]]]]:
    grids = {}
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() == ".csv" and file.is_file():  # a folder named x.csv is no sheet
            grids[file.stem] = (file, "", _csv_rows(file))
    return grids


def _csv_rows(file: Path) -> list[tuple[Any, ...]]:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise KtrulesError(t("wb.not_utf8"), file=file, hint=t("wb.csv.hint")) from None
    delimiter = _delimiter(text)
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [tuple(map(_formula_kept, row)) for row in rows]
    except csv.Error as exc:
        raise KtrulesError(t("wb.bad_csv", reason=exc), file=file, hint=t("wb.csv.hint")) from None


def _delimiter(text: str) -> str:
    """',' or, where Excel writes it because the decimal mark is ',', ';' (or a tab): the one that splits a
    header row of the first lines into column names of the layout, else the one most used. Not simply the
    first line's: a title line above the header may hold none, or a comma ("Danh sách, năm 2024")."""
    marks = sorted(",;\t", key=text.count, reverse=True)
    first = text.split("\n", 5)[:5]
    for mark in marks:
        if any(folded(cell) in _HEADERS for line in first if mark in line for cell in line.split(mark)):
            return mark
    return marks[0]


_HEADERS = frozenset(folded(column.header) for sheet in SHEETS for column in sheet.columns)


def _formula_kept(cell: str) -> str:
    """A cell as written before CSV output neutralised it ("'=x" for "=x"), so a round trip keeps it."""
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1:].startswith(FORMULA_STARTS) else cell


def _tables(path: Path) -> dict[str, Table]:
    """The sheets of a workbook or CSV folder, matched to the layout by name (case and accents aside)."""
    grids = _csv_grids(path) if path.is_dir() else _workbook_grids(path)
    by_key = {folded(s.name): s for s in SHEETS}
    what = t("wb.file") if path.is_dir() else t("wb.a_sheet")
    anything = t("wb.sheets", what=what, names=SHEET_NAMES)
    tables: dict[str, Table] = {}
    for name, (file, label, grid) in grids.items():
        sheet = by_key.get(folded(name))
        if all(blank(c) for row in grid for c in row) and not (sheet and sheet.required):
            continue  # an empty sheet (one Excel added, or an optional part cleared) holds nothing to ignore
        if sheet is None:
            hint = _did_you_mean(name, [s.name for s in SHEETS]) or anything
            raise KtrulesError(t("wb.unknown_sheet", what=what.capitalize(), name=name), file=file,
                               hint=t("wb.unknown_sheet.hint", hint=hint, what=what))
        if sheet.name in tables:
            raise KtrulesError(t("wb.sheet_twice", what=what, name=sheet.name), file=file, hint=t("wb.merge"))
        tables[sheet.name] = _table(sheet, file, label, grid)
    for sheet in SHEETS:
        if sheet.required and sheet.name not in tables:
            missing = f"{sheet.name}.csv" if path.is_dir() else sheet.name
            raise KtrulesError(t("wb.missing_sheet", what=what, name=missing), file=path,
                               hint=t("wb.missing_sheet.hint"))
    return tables


def _table(sheet: Sheet, file: Path, label: str, grid: list[tuple[Any, ...]]) -> Table:
    numbered = list(enumerate(grid, start=1))
    at = _header_at(sheet, grid)
    header = grid[at] if grid else ()
    return Table(sheet, file, label, tuple(header), numbered[at + 1:], at + 1)


def _header_at(sheet: Sheet, grid: list[tuple[Any, ...]], within: int = 5) -> int:
    """The row of the column names: the first, or the first of a few holding one of the sheet's, below a
    title a secretary put above them ("DANH SÁCH CÁN BỘ NĂM 2024")."""
    known = {folded(c.header) for c in sheet.columns}
    for i, row in enumerate(grid[:within]):
        if any(not blank(cell) and folded(cell_text(cell)) in known for cell in row):
            return i
    return 0


def _columns(table: Table) -> list[Column | None]:
    """The layout's column under each header cell; unknown, repeated or missing headers are errors."""
    known = {folded(c.header): c for c in table.sheet.columns}
    found: list[Column | None] = []
    for i, cell in enumerate(table.header):
        column = None if blank(cell) else known.get(folded(cell_text(cell)))
        letter = get_column_letter(i + 1)
        if column is None and not blank(cell):
            headers = [c.header for c in table.sheet.columns]
            hint = _did_you_mean(cell_text(cell), headers) or t("wb.columns", names=", ".join(headers))
            raise table.error(t("wb.unknown_column", name=shown(cell)), t("wb.unknown_column.hint", hint=hint),
                              table.header_row, letter)
        if column is not None and column in found:
            raise table.error(t("wb.column_twice", name=column.header), t("wb.column_twice.hint"), table.header_row,
                              letter)
        found.append(column)
    for column in table.sheet.columns:
        if column.required and column not in found:
            raise table.error(t("wb.missing_column", name=column.header), t("wb.missing_column.hint"))
    return found


def _values(table: Table, problems: Problems) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank row as {field: value read}, blank cells left out; a row with a bad cell is
    reported to `problems` and left out, so that the reading goes on to the next bad cell."""
    columns = _columns(table)
    for number, cells in table.rows:
        if all(blank(c) for c in cells):
            continue
        values: dict[str, Any] = {}
        bad = False
        for i, cell in enumerate(cells):
            if blank(cell):
                continue
            column = columns[i] if i < len(columns) else None
            if column is None:
                bad = problems.add(table.error(t("wb.no_header"), t("wb.no_header.hint"), number,
                                               get_column_letter(i + 1)))
                continue
            try:
                values[column.field] = column.read(cell)
            except CellError as exc:
                bad = problems.add(table.error(exc.message, exc.hint, number, column.header))
        for column in table.sheet.columns:
            if column.required and column.field not in values and not bad:
                bad = problems.add(table.error(t("wb.empty"), t("wb.required"), number, column.header))
        if not bad:
            yield number, values


class Problems:
    """The problems of one reading, so that a secretary sees every bad cell at once, up to CAP."""

    CAP = 50

    def __init__(self) -> None:
        self.found: list[KtrulesError] = []

    def add(self, error: KtrulesError) -> bool:
        """Note `error` (True, for `bad = problems.add(...)`); stop reading at the cap."""
        self.found.append(error)
        if len(self.found) >= self.CAP:
            self.raise_any()
        return True

    def raise_any(self) -> None:
        if self.found:
            raise self.combined()

    def combined(self) -> KtrulesError:
        """The first problem, carrying the others."""
        first, *others = self.found
        return KtrulesError(first.message, file=first.file, line=first.line, hint=first.hint, more=others)


# ---------------------------------------------------------------- from rows to a Dataset


class _Builder:
    """Gathers the rows into the contract's mapping, remembering which row each item came from."""

    def __init__(self, path: Path, award_names: Mapping[str, str], criterion_words: Mapping[str, str],
                 assessment_words: Mapping[str, str]) -> None:
        self.path = path
        self.awards = {folded(a): a for a in NATIONAL_AWARDS} | {folded(n): a for a, n in award_names.items()}
        self.criteria = {folded(words): criterion for criterion, words in criterion_words.items()}
        self.assessments = {folded(words): key for key, words in assessment_words.items()}
        self.data: dict[str, Any] = {}
        self.places: dict[tuple[str | int, ...], tuple[Table, int]] = {}
        self.names: list[tuple[Table, int, str, str]] = []  # (table, row, subject, name written)
        self.records: dict[tuple[str, int], tuple[dict[str, Any], int]] = {}
        self.problems = Problems()

    def add(self, table: Table) -> None:
        part = table.sheet.part
        rows = list(_values(table, self.problems))
        if part == "organization":
            return self._organization(table, rows)
        items = self.data.setdefault(part, [])
        for number, values in rows:
            try:
                self._row(table, part, number, values, items)
            except KtrulesError as exc:
                self.problems.add(exc)

    def _row(self, table: Table, part: str, number: int, values: dict[str, Any], items: list[dict[str, Any]]) -> None:
        if "subject_name" in values:
            self.names.append((table, number, values["subject"], values.pop("subject_name")))
        if part == "records":
            self._record(table, number, values, items)
            return
        if "award" in values:
            values["award"] = self._award(table, number, values["award"])
        if "criterion" in values:  # by its words as well as its id
            values["criterion"] = self.criteria.get(folded(values["criterion"]), values["criterion"])
        if part == "conferred" and values["award"] not in NATIONAL_AWARDS and "campaign" not in values:
            raise table.error(t("wb.not_award", value=shown(values["award"])), t("wb.campaign_award.hint"),
                              number, table.sheet.header("award"))
        self.places[(part, len(items))] = (table, number)
        items.append(values)

    def _award(self, table: Table, number: int, written: str) -> str:
        """A national award by id or name; else, as written, the id of a campaign's award."""
        found = self.awards.get(folded(written))
        if found is None and not AWARD_ID.match(written):
            raise table.error(t("wb.not_award", value=shown(written)), t("wb.award.hint"),
                              number, table.sheet.header("award"))
        return found or written

    def _organization(self, table: Table, rows: list[tuple[int, dict[str, Any]]]) -> None:
        if not rows:
            self.problems.raise_any()  # a row with a bad cell is not read: its cell is the problem, not its absence
            raise table.error(t("wb.no_organization"), t("wb.no_organization.hint"))
        if len(rows) > 1:
            raise table.error(t("wb.one_organization"), t("wb.remove_row"), rows[1][0])
        self.places[("organization",)] = (table, rows[0][0])
        self.data["organization"] = rows[0][1]

    def _record(self, table: Table, number: int, values: dict[str, Any], items: list[dict[str, Any]]) -> None:
        key = (values["subject"], values["year"])
        pairs = {k: values.pop(k) for k in list(values) if "." in k}
        if key in self.records:
            record, index = self.records[key]
            extra = set(values) - RECORD_KEY
            if extra:
                first = self.places[("records", index)][1]
                header = next(c.header for c in table.sheet.columns if c.field in extra)
                raise table.error(t("wb.record_twice", subject=key[0], year=key[1], row=first),
                                  t("wb.record_twice.hint"), number, header)
        else:
            record, index = values, len(items)
            self.records[key] = (record, index)
            self.places[("records", index)] = (table, number)
            items.append(record)
        self._pairs(table, number, record, index, pairs)

    def _pairs(self, table: Table, number: int, record: dict[str, Any], index: int, values: dict[str, Any]) -> None:
        for group, (first, second) in PAIRS.items():
            a, b = values.get(f"{group}.{first}"), values.get(f"{group}.{second}")
            if a is None and b is None:
                continue
            if a is None or b is None:
                pair = [table.sheet.header(f"{group}.{first}"), table.sheet.header(f"{group}.{second}")]
                raise table.error(t("wb.empty"), t("wb.pair.hint", a=pair[0], b=pair[1]), number,
                                  pair[0] if a is None else pair[1])
            if group == "assessments":
                written, a = a, self.assessments.get(folded(a), a)  # by its name as well as its key
                if a in record.setdefault("assessments", {}):
                    raise table.error(t("wb.assessed_twice", name=written), t("wb.keep_one"), number,
                                      table.sheet.header("assessments.key"))
                record["assessments"][a] = b
                self.places[("records", index, "assessments", a)] = (table, number)
            else:
                entries = record.setdefault(group, [])
                self.places[("records", index, group, len(entries))] = (table, number)
                entries.append({first: a, second: b})

    def where(self, loc: tuple[str | int, ...]) -> tuple[Table, int, str | None] | None:
        """The table, row and column header of a location in the mapping."""
        prefix = next((loc[:n] for n in range(len(loc), 0, -1) if loc[:n] in self.places), None)
        if prefix is None:
            return None
        table, row = self.places[prefix]
        steps = [s for s in loc[1:] if isinstance(s, str)]  # ('leave', 'months') -> 'leave.months'
        candidates = [".".join(steps), *steps[:1]]
        if steps and steps[0] in PAIRS:
            candidates.append(f"{steps[0]}.{PAIRS[steps[0]][0]}")
        column = next((c for c in map(table.sheet.column, candidates) if c), None)
        return table, row, column.header if column else None

    def error(self, loc: tuple[str | int, ...], message: str, hint: str | None) -> KtrulesError:
        place = self.where(loc)
        if place is None:
            return KtrulesError(message, file=self.path, hint=hint)
        table, row, column = place
        return table.error(message, hint, row, column)

    def finish(self, checks: Callable[[Dataset], Iterable[Problem]]) -> Dataset:
        """The Dataset, or every problem of the reading: bad cells first, as the models and references
        would only repeat them."""
        self.problems.raise_any()
        try:
            dataset = Dataset.model_validate(self.data)
        except ValidationError as exc:
            for error in exc.errors()[:Problems.CAP]:
                self.problems.add(self.error(tuple(error["loc"]), value_problem(error), t("wb.invalid.hint")))
            raise self.problems.combined() from None
        for loc, message, hint in chain(dataset.problems(), checks(dataset)):
            self.problems.add(self._problem(dataset, loc, message, hint))
        self._check_names(dataset)
        self.problems.raise_any()
        return dataset

    def _problem(self, dataset: Dataset, loc: tuple[str | int, ...], message: str, hint: str | None) -> KtrulesError:
        """A problem of the dataset in the words of its cells, where the dataset's words name keys."""
        value = _at(self.data, loc)
        field = next((s for s in loc[1:] if isinstance(s, str)), "")
        if loc[0] == "records" and field in PERSONAL_FIELDS and dataset.records[loc[1]].subject in dataset.units_by_id:
            return self.error(loc, message, hint)  # a person's cell filled on a unit's row: said as the dataset says
        if field == "id":
            return self.error(loc, t("wb.id_twice", value=value, where=self._first_use(value)), t("wb.id_twice.hint"))
        if field == "months_worked":
            record = dataset.records[loc[1]]  # type: ignore[index]
            away = sum(leave.months for leave in record.leave)
            return self.error(loc, t("wb.over_12", worked=f"{value:g}", away=f"{away:g}"), t("wb.over_12.hint"))
        known = {"unit": list(dataset.units_by_id), "subject": sorted(dataset.subjects()),
                 "authors": list(dataset.people_by_id), "initiatives": [i.id for i in dataset.initiatives]}
        if field in known:
            hint = _did_you_mean(str(value), known[field]) or t(f"wb.unknown.{field}.hint")
            return self.error(loc, t(f"wb.unknown.{field}", value=value), hint)
        return self.error(loc, message, hint)

    def _first_use(self, value: Any) -> str:
        """'Trang tính Cán bộ, dòng 3': where an id is first given."""
        for part in ("units", "people", "initiatives"):
            for i, item in enumerate(self.data.get(part, [])):
                place = self.where((part, i)) if item["id"] == value else None
                if place:
                    return f"{place[0].label or place[0].file.name}, {t('wb.row', n=place[1])}"
        return t("wb.another_row")

    def _check_names(self, dataset: Dataset) -> None:
        for table, row, subject, name in self.names:
            item = dataset.people_by_id.get(subject) or dataset.units_by_id.get(subject)
            if item is not None and _plain(item.name) != _plain(name):
                self.problems.add(table.error(t("wb.name_differs", name=shown(name), subject=subject,
                                                known=shown(item.name)), t("wb.name_differs.hint"), row,
                                              SUBJECT_NAME.header))


def _plain(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _at(data: Any, loc: tuple[str | int, ...]) -> Any:
    for step in loc:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def read_dataset(path: str | Path, award_names: Mapping[str, str],
                 checks: Callable[[Dataset], Iterable[Problem]] = lambda dataset: (),
                 criterion_words: Mapping[str, str] | None = None,
                 assessment_words: Mapping[str, str] | None = None) -> Dataset:
    """Read a workbook (.xlsx) or a folder of CSV files into a validated Dataset; `award_names` (id -> name)
    lets a secretary write 'Lao động tiên tiến' where the contract has LDTT, `criterion_words` (id -> words)
    an achievement's criterion by its words and `assessment_words` (key -> name) an assessment by its name.
    `checks` are the problems a higher layer finds (what no rule reads), said at their sheet, row and column
    as the reader's are."""
    tables = _tables(Path(path))
    builder = _Builder(Path(path), award_names, criterion_words or {}, assessment_words or {})
    for sheet in SHEETS:
        if sheet.name in tables:
            builder.add(tables[sheet.name])
    return builder.finish(checks)

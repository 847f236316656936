"""Records written in the office's formats: a dataset as a workbook or a CSV folder, and the empty
workbook to fill in."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import t
from ktrules.common.output import neutralised
from ktrules.common.writing import write_atomically
from ktrules.engine.inputs import achievement_words, assessment_words, national_award_names
from ktrules.records.models import Dataset
from ktrules.records.sheets import LISTS_SHEET, SHEETS, Column, Sheet
from ktrules.rules import DEFAULT_RULES, NATIONAL_PACK, load_pack


@cache
def _assessment_choices() -> tuple[str, ...]:
    """The assessments the national pack reads, by name (by key where none is given): the choices of the
    template's assessment column."""
    keys = {fact.key for version in load_pack(DEFAULT_RULES / NATIONAL_PACK)
            for fact in version.rules.facts.values() if getattr(fact, "op", None) == "assessment"}
    return tuple(sorted(assessment_words().get(key, key) for key in keys))

def _names(dataset: Dataset) -> dict[str, str]:
    return {**{u.id: u.name for u in dataset.units}, **{p.id: p.name for p in dataset.people}}


def _record_rows(record: Any, name: str | None) -> Iterator[dict[str, Any]]:
    """A record's first row, then one more row for each second leave, discipline or assessment."""
    fields = {k: v for k, v in asdict(record).items() if k not in ("leave", "discipline", "assessments")}
    key = {"subject": record.subject, "subject_name": name, "year": record.year}
    lists = {"leave": list(map(asdict, record.leave)), "discipline": list(map(asdict, record.discipline)),
             "assessments": [{"key": k, "value": v} for k, v in (record.assessments or {}).items()]}
    for i in range(max(1, *(len(v) for v in lists.values()))):
        row = {**fields, **key} if i == 0 else dict(key)
        for group, entries in lists.items():
            if i < len(entries):
                row.update({f"{group}.{k}": v for k, v in entries[i].items()})
        yield row


def sheet_rows(dataset: Dataset) -> Iterator[tuple[Sheet, list[dict[str, Any]]]]:
    """Each sheet with its rows as {field: value}, in the dataset's order."""
    names = _names(dataset)
    for sheet in SHEETS:
        if sheet.part == "organization":
            yield sheet, [dataset.organization.model_dump()]
        elif sheet.part == "records":
            yield sheet, [row for r in dataset.records for row in _record_rows(r, names.get(r.subject))]
        else:
            items = list(map(asdict, getattr(dataset, sheet.part)))
            yield sheet, [{**item, "subject_name": names.get(item.get("subject", ""))} for item in items]


def _cell(column: Column, row: dict[str, Any]) -> Any:
    value = row.get(column.field)
    if value is None or value == [] or value == "":
        return None
    # a national award, an achievement's criterion and an assessment by the words a secretary knows, which the
    # reader takes as it takes the id
    if column.field == "award":
        return national_award_names().get(value, value)
    if column.field == "assessments.key":
        return assessment_words().get(value, value)
    return achievement_words().get(value, value) if column.field == "criterion" else column.write(value)


class _Lists:
    """The lists the cells offer, one column each of the hidden sheet `LISTS_SHEET`."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str, ...], str] = {}

    def ref(self, choices: tuple[str, ...]) -> str:
        letter = self.columns.setdefault(choices, get_column_letter(len(self.columns) + 1))
        return f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(choices)}"

    def write(self, ws: Worksheet) -> None:
        for choices, letter in self.columns.items():
            for i, choice in enumerate(choices, start=1):
                ws[f"{letter}{i}"] = choice
        ws.sheet_state = "hidden"


def _choices(column: Column) -> tuple[str, ...]:
    if column.field == "award":
        return tuple(national_award_names().values())
    if column.field == "criterion":  # by the words of the criteria, which the reader takes as their ids
        return tuple(sorted(set(achievement_words().values())))
    return column.choices or (_assessment_choices() if column.field == "assessments.key" else ())


def _write_sheet(ws: Worksheet, sheet: Sheet, rows: list[dict[str, Any]], lists: _Lists) -> None:
    ws.append([c.header for c in sheet.columns])
    for row in rows:
        ws.append([_cell(c, row) for c in sheet.columns])
    for i, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        header = ws.cell(1, i)
        header.font = Font(bold=True)
        if column.note:
            header.comment = Comment(column.note, "ktrules", width=300, height=120)
        ws.column_dimensions[letter].width = max(column.width, len(column.header) + 2)
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # a text starting with '=' stays text, not a formula
        choices = _choices(column)
        if choices:
            _add_list(ws, letter, lists.ref(choices))
    ws.freeze_panes = "A2"


def _add_list(ws: Worksheet, letter: str, source: str) -> None:
    # a warning, not a stop: codes (HTXS) and other accepted words may still be typed
    rule = DataValidation(type="list", formula1=source, allow_blank=True,
                          showErrorMessage=True, errorStyle="warning", errorTitle="Giá trị ngoài danh sách",
                          error="Nên chọn trong danh sách. Vẫn ghi giá trị này?")
    rule.add(f"{letter}2:{letter}1048576")
    ws.add_data_validation(rule)


def dataset_to_workbook(dataset: Dataset, path: str | Path) -> None:
    """Write a dataset as a workbook in the layout above, with bold frozen headers, notes and lists."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    lists = _Lists()
    for sheet, rows in sheet_rows(dataset):
        _write_sheet(book.create_sheet(sheet.name), sheet, rows, lists)
    lists.write(book.create_sheet(LISTS_SHEET))
    write_atomically(Path(path), lambda target: book.save(target))


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(neutralised(value))


def dataset_to_csv(dataset: Dataset, folder: str | Path) -> None:
    """Write a dataset as a folder of CSV files, one per sheet (UTF-8 with BOM, which Excel opens)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in sheet_rows(dataset):
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.header for c in sheet.columns])
        writer.writerows([_csv_text(_cell(c, row)) for c in sheet.columns] for row in rows)
        write_atomically(folder / f"{sheet.name}.csv", _text_saver(out.getvalue()))


def _text_saver(text: str) -> Callable[[Path], None]:
    return lambda target: target.write_text(text, encoding="utf-8-sig")


EXAMPLE = Dataset.model_validate({
    "organization": {"id": "skhcn-tn", "name": "Sở Khoa học và Công nghệ tỉnh Tây Ninh",
                     "parent": "Ủy ban nhân dân tỉnh Tây Ninh", "abbreviation": "SKHCN", "place": "Tây Ninh",
                     "chair": "Trần Văn Bình", "chair_title": "Giám đốc", "secretary": "Lê Thị Cúc",
                     "secretary_title": "Chánh Văn phòng", "council_members": 9},
    "blocs": [{"id": "khoi-phong", "name": "Khối các phòng chuyên môn"}],
    "units": [{"id": "vp", "name": "Văn phòng Sở", "bloc": "khoi-phong"}],
    "people": [{"id": "p01", "name": "Nguyễn Thị An", "gender": "female", "unit": "vp", "recruited": "2015-03-01"}],
    "records": [{"subject": "p01", "year": 2024, "rating": "HTXS", "months_worked": 7,
                 "leave": [{"kind": "maternity", "months": 5}]}],
    "initiatives": [{"id": "sk-01", "authors": ["p01"], "year": 2024, "scope": "co_so", "kind": "sang_kien",
                     "title": "Số hóa sổ theo dõi thi đua"}],
    "conferred": [{"subject": "p01", "award": "LDTT", "year": 2023, "decision": "QĐ 15/QĐ-SKHCN ngày 12/01/2024"}],
    # a national criterion, by its words in the sheet: the example reads as a secretary writes one
    "achievements": [{"subject": "vp", "year": 2024, "criterion": "thanh_tich_phong_trao",
                      "evidence": "Giấy khen của Cụm thi đua số 5/GK-CTĐ ngày 20/11/2024"}],
    "dossiers": [{"subject": "p01", "award": "CSTDCS", "year": 2024, "documents": ["to_trinh", "bao_cao_thanh_tich"]}],
})


def write_template(path: str | Path, force: bool = False) -> None:
    """An empty workbook to fill in: every sheet with its headers, lists of choices and one example row."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise KtrulesError(t("err.template.suffix"), file=path, hint=t("err.template.suffix.hint"))
    if path.exists() and not force:
        raise KtrulesError(t("err.template.exists"), file=path, hint=t("err.template.exists.hint"))
    dataset_to_workbook(EXAMPLE, path)

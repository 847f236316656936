"""Records in Excel and CSV: a workbook reads into the same Dataset as the YAML it came from, the template
fills in and evaluates, and every bad cell is refused on one line naming the sheet, the row and the column.

The committed fixtures are written by the module itself; after a change to the YAML or the layout run:
    python3 -c "from ktrules import load_dataset as l; \
from ktrules.documents.records_files import dataset_to_workbook as w, dataset_to_csv as c; \
w(l('fixtures/datasets/so-khcn-binh-dinh.yaml'), 'fixtures/datasets/so-khcn-binh-dinh.xlsx'); \
c(l('fixtures/datasets/small.yaml'), 'fixtures/datasets/small-csv')"
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ktrules import Dataset, KtrulesError, evaluate, load_dataset
from ktrules.cli import cli
from ktrules.common.messages import LANGUAGE
from ktrules.documents.records_files import EXAMPLE, dataset_to_csv, dataset_to_workbook
from ktrules.records.sheets import LISTS_SHEET, SHEETS
from tests.conftest import DEPARTMENT, FIXTURES, SMALL, assert_one_line_error


@pytest.fixture(autouse=True)
def vietnamese():
    """A secretary's workbook speaks Vietnamese: so do its errors, by default."""
    language = LANGUAGE.set("vi")
    yield
    LANGUAGE.reset(language)

DEPARTMENT_XLSX = FIXTURES / "datasets" / "so-khcn-binh-dinh.xlsx"
SMALL_CSV = FIXTURES / "datasets" / "small-csv"


def invoke(*args: Any):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The contract's small dataset as a workbook. Xếp loại rows: 2 p01 2024, 3 p02 2024 (leave),
    4 p03 2023 (discipline), 5 p04 2024 (unit kt), 6 vp 2024 (assessment)."""
    path = tmp_path / "ho-so.xlsx"
    dataset_to_workbook(load_dataset(SMALL), path)
    return path


def edit(path: Path, sheet: str, changes: dict[str, Any]) -> Path:
    """Set cells of one sheet, as a secretary would in Excel."""
    wb = openpyxl.load_workbook(path)
    for cell, value in changes.items():
        wb[sheet][cell] = value
    wb.save(path)
    return path


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("source", [DEPARTMENT, SMALL])
def test_a_dataset_written_as_a_workbook_reads_back_equal(tmp_path, source):
    original = load_dataset(source)
    dataset_to_workbook(original, tmp_path / "ho-so.xlsx")
    assert load_dataset(tmp_path / "ho-so.xlsx") == original


def test_a_second_leave_discipline_and_assessment_take_extra_rows_and_read_back(tmp_path):
    data = json.loads(EXAMPLE.model_dump_json())
    data["records"][0].update(
        months_worked=3, leave=[{"kind": "maternity", "months": 5}, {"kind": "sick", "months": 1.5},
                                {"kind": "training", "months": 1}],
        discipline=[{"level": "khien_trach", "date": "2024-03-01"}, {"level": "canh_cao", "date": "2024-09-30"}],
        assessments={"chap_hanh": True, "khong_dang_xem_xet": False})
    data["records"].append({"subject": "vp", "year": 2024, "rating": "HTT", "bloc_rank": 2,
                            "assessments": {"doan_ket": True, "phong_trao": False}})
    data["conferred"][0]["initiatives"] = ["sk-01"]
    data["initiatives"].append({**data["initiatives"][0], "id": "sk-02", "authors": ["p01", "p02"], "title": ""})
    data["people"].append({"id": "p02", "name": "Trần Văn Bình", "unit": "vp"})
    data["dossiers"] = [{"subject": "p01", "award": "CSTDCS", "year": 2024, "documents": ["to_trinh", "bao_cao"]}]
    original = Dataset.model_validate(data)
    dataset_to_workbook(original, tmp_path / "ho-so.xlsx")
    assert openpyxl.load_workbook(tmp_path / "ho-so.xlsx")["Xếp loại"].max_row == 6  # header, 3 rows for p01, 2 for vp
    assert load_dataset(tmp_path / "ho-so.xlsx") == original


def test_the_layout_has_a_column_for_every_field_of_the_dataset():
    # a field added to the dataset model and not to the workbook would be lost on the way through Excel
    for sheet in SHEETS:
        model = Dataset.model_fields[sheet.part].annotation
        model = getattr(model, "__args__", (model,))[0]
        fields = {c.field.split(".")[0] for c in sheet.columns} - {"subject_name"}
        assert fields == set(model.__pydantic_fields__), sheet.name  # a model's or a dataclass row's
    assert {s.part for s in SHEETS} == set(Dataset.model_fields)


def test_committed_fixtures_match_their_yaml():
    assert load_dataset(DEPARTMENT_XLSX) == load_dataset(DEPARTMENT)
    assert load_dataset(SMALL_CSV) == load_dataset(SMALL)


def test_check_gives_the_same_verdicts_from_the_workbook_as_from_the_yaml():
    from_yaml = invoke("check", DEPARTMENT, "--period", "2024", "--format", "json")
    from_xlsx = invoke("check", DEPARTMENT_XLSX, "--period", "2024", "--format", "json")
    assert from_xlsx.exit_code == 0, from_xlsx.output
    assert json.loads(from_xlsx.stdout) == json.loads(from_yaml.stdout)


def test_a_csv_folder_reads_like_the_workbook(tmp_path):
    dataset_to_csv(load_dataset(DEPARTMENT), tmp_path / "csv")
    assert load_dataset(tmp_path / "csv") == load_dataset(DEPARTMENT)


def test_csv_files_without_bom_and_with_semicolons_as_excel_writes_them_in_vietnamese(tmp_path):
    dataset_to_csv(load_dataset(SMALL), tmp_path)
    ratings = tmp_path / "Xếp loại.csv"
    text = ratings.read_text(encoding="utf-8-sig").replace(",", ";")
    ratings.write_text(text, encoding="utf-8")
    assert load_dataset(tmp_path) == load_dataset(SMALL)


def test_semicolon_csv_files_with_a_title_line_holding_a_comma(tmp_path):
    """Excel in Vietnamese writes ';', and a secretary may keep a title line above the column names: the
    title's comma does not make ',' the separator, even in a sheet of two columns and no rows."""
    dataset_to_csv(load_dataset(SMALL), tmp_path)
    for file in tmp_path.glob("*.csv"):
        rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8-sig"), newline="")))
        written = io.StringIO()
        csv.writer(written, delimiter=";").writerows(rows)
        file.write_text(f"DANH SÁCH, NĂM 2024\n{written.getvalue()}", encoding="utf-8")
    assert load_dataset(tmp_path) == load_dataset(SMALL)


def test_an_achievement_names_its_criterion_by_its_words_and_an_unknown_one_is_refused_at_its_cell(tmp_path):
    path = tmp_path / "ho-so.xlsx"
    invoke("template", path)
    book = openpyxl.load_workbook(path)
    sheet = book["Thành tích phong trào"]
    assert "Có thành tích được ghi nhận trong phong trào thi đua" in offered(book, "Thành tích phong trào")["E2"]
    sheet["D2"], sheet["E2"] = None, "có thành tích được ghi nhận trong phong trào thi đua"
    book.save(path)
    assert [a.criterion for a in load_dataset(path).achievements] == ["thanh_tich_phong_trao"]
    sheet["E2"] = "Thành tích không có trong quy định"
    book.save(path)
    with pytest.raises(KtrulesError) as refused:
        load_dataset(path)
    assert "Trang tính Thành tích phong trào, dòng 2, cột Tiêu chí: không quy định nào" in str(refused.value)


def test_an_award_spelt_with_y_for_i_reads_as_the_award(tmp_path):
    path = tmp_path / "ho-so.xlsx"
    invoke("template", path)
    book = openpyxl.load_workbook(path)
    book["Khen thưởng đã có"]["D2"] = "Chiến sỹ thi đua cơ sở"  # sỹ and sĩ are both in use
    book.save(path)
    assert [c.award for c in load_dataset(path).conferred] == ["CSTDCS"]


def test_a_year_typed_alone_in_a_date_cell_is_refused_not_read_as_1905(tmp_path):
    path = tmp_path / "ho-so.xlsx"
    shutil.copy(DEPARTMENT_XLSX, path)
    book = openpyxl.load_workbook(path)
    book["Cán bộ"]["E2"] = 2024  # the cell keeps its dd/mm/yyyy format: Excel's day 2024 of 1900
    book["Cán bộ"]["E2"].number_format = "DD/MM/YYYY"
    book.save(path)
    with pytest.raises(KtrulesError) as refused:
        load_dataset(path)
    assert "Cán bộ, dòng 2, cột Ngày tuyển dụng: ô ghi ngày 16/07/1905, tức số 2024" in str(refused.value)


def test_a_control_character_in_a_cell_is_refused_at_its_cell(tmp_path):
    dataset_to_csv(load_dataset(SMALL), tmp_path)
    staff = tmp_path / "Cán bộ.csv"
    staff.write_text(staff.read_text(encoding="utf-8-sig").replace("Nguyễn Thị An", "Nguyễn Thị\x0bAn"),
                     encoding="utf-8")
    with pytest.raises(KtrulesError) as refused:
        load_dataset(tmp_path)
    assert "Cán bộ.csv: dòng 2, cột Họ và tên: có ký tự điều khiển (U+000B)" in str(refused.value)


# ---------------------------------------------------------------- the template


def offered(wb: openpyxl.Workbook, sheet: str) -> dict[str, list[str]]:
    """The choices each column's list offers, by its first cell, read from the cells its rule names."""
    found = {}
    for rule in wb[sheet].data_validations.dataValidation:
        name, cells = rule.formula1.rsplit("!", 1)
        source = wb[name.strip("'")][cells.replace("$", "")]
        found[str(rule.sqref).split(":")[0]] = [cell.value for (cell,) in source]
    return found


def test_template_writes_a_workbook_whose_example_rows_evaluate(tmp_path):
    path = tmp_path / "ho-so-2024.xlsx"
    result = invoke("template", path)
    assert result.exit_code == 0 and result.stdout == ""
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [*(s.name for s in SHEETS), LISTS_SHEET] and wb[LISTS_SHEET].sheet_state == "hidden"
    ratings = wb["Xếp loại"]
    assert ratings.freeze_panes == "A2" and ratings["A1"].font.b and ratings["A1"].comment is not None
    lists = offered(wb, "Xếp loại")
    assert "Hoàn thành xuất sắc nhiệm vụ" in lists["D2"] and "Khiển trách" in lists["J2"]
    assert "Thai sản" in lists["H2"]
    assert all(ws.max_row == 2 for ws in wb.worksheets[:-1])  # one example row each
    # awards by their names, which hold commas: a list in the cell's rule could not offer them
    assert "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh" in offered(wb, "Khen thưởng đã có")["D2"]
    assert wb["Khen thưởng đã có"]["D2"].value == "Lao động tiên tiến"
    verdicts = {(v.subject, v.award): v.verdict for v in evaluate(load_dataset(path), 2024).verdicts}
    assert verdicts[("p01", "LDTT")] == "eligible"


def test_a_template_filled_in_like_its_example_rows_loads_and_evaluates(tmp_path):
    path = tmp_path / "ho-so.xlsx"
    invoke("template", path)
    wb = openpyxl.load_workbook(path)
    wb["Cán bộ"].append(["p02", "Trần Văn Bình", "nam", "vp", "01/02/2020"])
    wb["Xếp loại"].append(["p02", "Trần Văn Bình", 2024, "HTT", 12])
    wb["Xếp loại"].append(["vp", None, "2024", "htxs", None, None, 1, None, None, None, None, "doan_ket", "Không đạt"])
    wb.save(path)
    dataset = load_dataset(path)
    assert dataset.people_by_id["p02"].recruited == date(2020, 2, 1)
    assert dataset.record("vp", 2024).assessments == {"doan_ket": False}
    verdicts = {(v.subject, v.award): v.verdict for v in evaluate(dataset, 2024).verdicts}
    assert verdicts[("p02", "LDTT")] == "eligible"
    assert verdicts[("vp", "TTLDTT")] == "not_eligible"  # the council judged it not united


def test_template_refuses_to_overwrite_unless_forced(tmp_path):
    path = tmp_path / "ho-so.xlsx"
    path.write_text("the secretary's own work")
    result = invoke("template", path)
    assert result.exit_code == 2
    assert "tệp đã có" in result.output and "--force" in result.output
    assert path.read_text() == "the secretary's own work"
    assert invoke("template", path, "--force").exit_code == 0
    assert load_dataset(path) == EXAMPLE


def test_template_wants_an_xlsx_name(tmp_path):
    result = invoke("template", tmp_path / "ho-so.xls")
    assert result.exit_code == 2 and ".xlsx" in result.output
    assert not (tmp_path / "ho-so.xls").exists()


# ---------------------------------------------------------------- what a secretary may write


@pytest.mark.parametrize(("sheet", "cell", "value", "read"), [
    ("Xếp loại", "D2", "HTT", lambda d: d.record("p01", 2024).rating == "HTT"),
    ("Xếp loại", "D2", "  hoan thanh tot nhiem vu ", lambda d: d.record("p01", 2024).rating == "HTT"),
    ("Xếp loại", "D2", "KHÔNG HOÀN THÀNH NHIỆM VỤ", lambda d: d.record("p01", 2024).rating == "KHT"),
    ("Xếp loại", "D2", "htxs", lambda d: d.record("p01", 2024).rating == "HTXS"),
    ("Xếp loại", "E3", "4,5", lambda d: d.record("p02", 2024).months_worked == 4.5),
    ("Xếp loại", "H3", "nghỉ thai sản", lambda d: d.record("p02", 2024).leave[0].kind == "maternity"),
    ("Xếp loại", "J4", "canh_cao", lambda d: d.record("p03", 2023).discipline[0].level == "canh_cao"),
    ("Xếp loại", "K4", "2023-06-02", lambda d: d.record("p03", 2023).discipline[0].date == date(2023, 6, 2)),
    ("Xếp loại", "M6", "không", lambda d: d.record("vp", 2024).assessments == {"doan_ket": False}),
    ("Xếp loại", "M6", False, lambda d: d.record("vp", 2024).assessments == {"doan_ket": False}),
    ("Cán bộ", "E2", "5/3/2015", lambda d: d.people_by_id["p01"].recruited == date(2015, 3, 5)),
    ("Cán bộ", "E2", datetime(2015, 3, 5), lambda d: d.people_by_id["p01"].recruited == date(2015, 3, 5)),
    ("Cán bộ", "C2", "NU", lambda d: d.people_by_id["p01"].gender == "female"),
    ("Cán bộ", "C2", None, lambda d: d.people_by_id["p01"].gender is None),
    ("Sáng kiến", "E2", "cấp tỉnh", lambda d: d.initiatives[0].scope == "tinh"),
    ("Sáng kiến", "F2", "đề tài", lambda d: d.initiatives[0].kind == "de_tai"),
    ("Sáng kiến", "C2", "p01; p02", lambda d: d.initiatives[0].authors == ["p01", "p02"]),
    ("Khen thưởng đã có", "D2", "Chiến sĩ thi đua cơ sở", lambda d: d.conferred[0].award == "CSTDCS"),
    ("Khen thưởng đã có", "D2", "ldtt", lambda d: d.conferred[0].award == "LDTT"),
    ("Khen thưởng đã có", "B2", "nguyễn thị  an", lambda d: d.conferred[0].subject == "p01"),
])
def test_accepted_ways_of_writing_a_cell(book, sheet, cell, value, read):
    assert read(load_dataset(edit(book, sheet, {cell: value})))


def test_blank_rows_are_skipped_and_headers_may_be_reordered(book):
    wb = openpyxl.load_workbook(book)
    ws = wb["Xếp loại"]
    ws.insert_rows(4, amount=2)
    ws.move_range("A1:A20", cols=20)  # Mã moves to the far right
    wb.save(book)
    assert load_dataset(book) == load_dataset(SMALL)


def test_an_empty_sheet_excel_added_is_ignored(book):
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("Sheet1")
    wb.save(book)
    assert load_dataset(book) == load_dataset(SMALL)


# ---------------------------------------------------------------- errors: sheet, row, column


def test_a_bad_rating_names_sheet_row_and_column_in_vietnamese(book):
    edit(book, "Xếp loại", {"D5": "Tốt"})
    assert_one_line_error(lambda: load_dataset(book), f"{book}: ", [])
    with pytest.raises(KtrulesError) as err:
        load_dataset(book)
    assert str(err.value) == (f"{book}: Trang tính Xếp loại, dòng 5, cột Xếp loại: 'Tốt' không phải là mức xếp loại; "
                              "dùng HTXS, HTT, HT hoặc KHT")


@pytest.mark.parametrize(("sheet", "changes", "where", "words"), [
    ("Cán bộ", {"E3": "31/02/2018"}, "Trang tính Cán bộ, dòng 3, cột Ngày tuyển dụng:",
     ["'31/02/2018' không phải là ngày", "dd/mm/yyyy"]),
    ("Xếp loại", {"K4": "2023"}, "Trang tính Xếp loại, dòng 4, cột Ngày kỷ luật:", ["'2023' không phải là ngày"]),
    ("Cán bộ", {"D2": "vpp"}, "Trang tính Cán bộ, dòng 2, cột Đơn vị:", ["không có đơn vị mã 'vpp'", "có phải 'vp'?"]),
    ("Xếp loại", {"F5": "ktt"}, "Trang tính Xếp loại, dòng 5, cột Đơn vị trong năm:", ["không có đơn vị mã 'ktt'"]),
    ("Xếp loại", {"A3": "p09"}, "Trang tính Xếp loại, dòng 3, cột Mã:", ["không có cán bộ hoặc đơn vị mã 'p09'"]),
    ("Sáng kiến", {"C2": "p01, p9"}, "Trang tính Sáng kiến, dòng 2, cột Tác giả:", ["không có cán bộ mã 'p9'"]),
    ("Khen thưởng đã có", {"F2": "sk-1"}, "Trang tính Khen thưởng đã có, dòng 2, cột Sáng kiến đã dùng:",
     ["không có sáng kiến mã 'sk-1'", "có phải 'sk-01'?"]),
    ("Khen thưởng đã có", {"D2": "Huân chương"}, "Trang tính Khen thưởng đã có, dòng 2, cột Danh hiệu / hình thức:",
     ["'Huân chương' không phải là danh hiệu", "Lao động tiên tiến"]),
    ("Khen thưởng đã có", {"D2": "BANG_KHEN_NTM"}, "Trang tính Khen thưởng đã có, dòng 2, cột Danh hiệu / hình thức:",
     ["cột Phong trào"]),
    ("Cán bộ", {"A3": "p01"}, "Trang tính Cán bộ, dòng 3, cột Mã:", ["mã 'p01' đã dùng ở Trang tính Cán bộ, dòng 2"]),
    ("Cán bộ", {"A3": "p 02"}, "Trang tính Cán bộ, dòng 3, cột Mã:", ["'p 02' không dùng được làm mã"]),
    ("Xếp loại", {"E3": 9}, "Trang tính Xếp loại, dòng 3, cột Số tháng làm việc:",
     ["(9) cộng số tháng nghỉ (5) quá 12"]),
    ("Xếp loại", {"E2": 13}, "Trang tính Xếp loại, dòng 2, cột Số tháng làm việc:", ["'13' tháng", "0 đến 12"]),
    ("Xếp loại", {"C2": "năm nay"}, "Trang tính Xếp loại, dòng 2, cột Năm:", ["'năm nay' không phải là năm"]),
    # a date typed where the year goes: Excel keeps a date and time, said as the secretary typed it
    ("Xếp loại", {"C2": datetime(2024, 1, 1)}, "Trang tính Xếp loại, dòng 2, cột Năm:",
     ["'01/01/2024' không phải là năm"]),
    ("Xếp loại", {"C2": None}, "Trang tính Xếp loại, dòng 2, cột Năm:", ["ô trống", "bắt buộc"]),
    ("Xếp loại", {"I3": None}, "Trang tính Xếp loại, dòng 3, cột Số tháng nghỉ:",
     ["ô trống", "ghi đủ cả 'Loại nghỉ' và 'Số tháng nghỉ'"]),
    ("Xếp loại", {"B2": "Nguyễn Thị Ân"}, "Trang tính Xếp loại, dòng 2, cột Cá nhân / tập thể:",
     ["'Nguyễn Thị Ân' không khớp với tên của mã p01 ('Nguyễn Thị An')"]),
    ("Xếp loại", {"A7": "p01", "C7": 2024, "D7": "HT"}, "Trang tính Xếp loại, dòng 7, cột Xếp loại:",
     ["'p01' năm 2024 đã có ở dòng 2", "dòng thêm chỉ ghi nghỉ, kỷ luật hoặc đánh giá"]),
    ("Xếp loại", {"A7": "vp", "C7": 2024, "L7": "doan_ket", "M7": "Đạt"}, "Trang tính Xếp loại, dòng 7, cột Tiêu chí",
     ["'doan_ket' đã được đánh giá"]),
    ("Xếp loại", {"N1": "Thứ hạng"}, "Trang tính Xếp loại, dòng 1, cột N:",
     ["không biết cột 'Thứ hạng'", "có phải 'Thứ hạng trong khối'?"]),
    ("Xếp loại", {"N1": "Ghi chú"}, "Trang tính Xếp loại, dòng 1, cột N:",
     ["không biết cột 'Ghi chú'", "các cột: Mã,"]),
    ("Xếp loại", {"N4": "nhớ hỏi lại"}, "Trang tính Xếp loại, dòng 4, cột N:", ["cột không có tiêu đề"]),
    ("Xếp loại", {"M1": "Năm"}, "Trang tính Xếp loại, dòng 1, cột M:", ["cột 'Năm' có hai lần"]),
    ("Xếp loại", {"C1": None}, "Trang tính Xếp loại: thiếu cột 'Năm'", ["dòng tiêu đề"]),
    ("Cơ quan", {"A3": "khac", "B3": "Cơ quan khác"}, "Trang tính Cơ quan, dòng 3:", ["chỉ ghi một cơ quan"]),
])
def test_bad_cells_name_sheet_row_and_column(book, sheet, changes, where, words):
    edit(book, sheet, changes)
    assert_one_line_error(lambda: load_dataset(book), f"{book}: {where}", words)


def test_a_missing_sheet_is_named(book):
    wb = openpyxl.load_workbook(book)
    del wb["Xếp loại"]
    wb.save(book)
    assert_one_line_error(lambda: load_dataset(book), f"{book}: thiếu trang tính 'Xếp loại'", ["ktrules template"])


def test_an_unknown_sheet_with_data_is_named_with_a_suggestion(book):
    wb = openpyxl.load_workbook(book)
    wb["Sáng kiến"].title = "Sang kien 2024"
    wb.create_sheet("Ghi chú")["A1"] = "họp ngày 15/12"
    wb.save(book)
    assert_one_line_error(lambda: load_dataset(book), f"{book}: Trang tính 'Sang kien 2024' không thuộc mẫu",
                          ["có phải 'Sáng kiến'?"])


def test_a_file_that_is_not_a_workbook_is_a_clean_error(tmp_path):
    path = tmp_path / "ho-so.xlsx"
    path.write_text("not a zip")
    assert_one_line_error(lambda: load_dataset(path), f"{path}: không đọc được tệp Excel", [".xlsx"])
    assert_one_line_error(lambda: load_dataset(tmp_path / "khong-co.xlsx"), f"{tmp_path / 'khong-co.xlsx'}: ",
                          ["không tìm thấy tệp"])


def test_csv_errors_name_the_file_and_row(tmp_path):
    dataset_to_csv(load_dataset(SMALL), tmp_path)
    ratings = tmp_path / "Xếp loại.csv"
    ratings.write_text(ratings.read_text(encoding="utf-8-sig").replace("Hoàn thành tốt nhiệm vụ", "Tốt", 1),
                       encoding="utf-8-sig")
    assert_one_line_error(lambda: load_dataset(tmp_path), f"{ratings}: dòng 3, cột Xếp loại: 'Tốt' không phải",
                          ["dùng HTXS, HTT, HT hoặc KHT"])
    ratings.unlink()
    assert_one_line_error(lambda: load_dataset(tmp_path), f"{tmp_path}: thiếu tệp 'Xếp loại.csv'", [])


def test_a_csv_file_with_an_unknown_name_is_named(tmp_path):
    dataset_to_csv(load_dataset(SMALL), tmp_path)
    (tmp_path / "Xếp loai 2024.csv").write_text("Mã,Năm\np01,2024\n", encoding="utf-8")
    assert_one_line_error(lambda: load_dataset(tmp_path), f"{tmp_path / 'Xếp loai 2024.csv'}: Tệp 'Xếp loai 2024'",
                          ["có phải 'Xếp loại'?"])


def test_check_on_a_bad_workbook_exits_2_with_one_line(book):
    edit(book, "Xếp loại", {"D2": "Giỏi"})
    result = invoke("check", book, "--period", "2024")
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "Trang tính Xếp loại, dòng 2, cột Xếp loại" in result.output


# ---------------------------------------------------------------- properties

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# characters the xlsx format can hold (XML 1.0); a CSV file holds any
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"
                                 + "".join(map(chr, [*range(1, 9), 11, 12, *range(14, 32)]))), max_size=40)


def _loads_or_fails_on_one_line(path: Path) -> None:
    try:
        dataset = load_dataset(path)
    except KtrulesError as exc:
        assert "\n" not in str(exc) and "Xếp loại" in str(exc)
    else:
        assert dataset.record("p01", 2024) is not None


@SETTINGS
@given(text=st.one_of(XML_TEXT, st.sampled_from(["HTXS", "hoàn thành", " Htt ", "=1+1", "KHT\n", "Tốt"])))
def test_any_text_in_a_workbook_rating_cell_loads_or_fails_on_one_line(book, text):
    _loads_or_fails_on_one_line(edit(book, "Xếp loại", {"D2": text}))


@SETTINGS
@given(text=st.text(max_size=40))
def test_any_text_in_a_csv_rating_cell_loads_or_fails_on_one_line(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("csv")
    dataset_to_csv(load_dataset(SMALL), folder)
    ratings = folder / "Xếp loại.csv"
    rows = ratings.read_text(encoding="utf-8-sig").split("\n")
    quoted = '"' + text.replace('"', '""') + '"'
    rows[1] = rows[1].replace("Hoàn thành xuất sắc nhiệm vụ", quoted)
    ratings.write_text("\n".join(rows), encoding="utf-8-sig")
    _loads_or_fails_on_one_line(folder)


def test_a_csv_folder_neutralises_formulas_and_reads_them_back_as_written(tmp_path):
    data = load_dataset(SMALL).model_dump()
    data["people"][0]["name"] = "=HYPERLINK(\"http://x\",\"An\")"
    dataset_to_csv(Dataset.model_validate(data), tmp_path / "csv")
    written = (tmp_path / "csv" / "Cán bộ.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in written
    assert load_dataset(tmp_path / "csv").people[0].name == data["people"][0]["name"]


def test_every_bad_cell_is_reported_in_one_reading(book):
    edit(book, "Cán bộ", {"E3": "31/02/2018"})
    edit(book, "Xếp loại", {"D2": "Tốt", "E3": 13, "C4": "năm nay"})
    with pytest.raises(KtrulesError) as err:
        load_dataset(book)
    assert [line.split(": ")[1] for line in err.value.lines()] == [
        "Trang tính Cán bộ, dòng 3, cột Ngày tuyển dụng", "Trang tính Xếp loại, dòng 2, cột Xếp loại",
        "Trang tính Xếp loại, dòng 3, cột Số tháng làm việc", "Trang tính Xếp loại, dòng 4, cột Năm"]


def test_a_csv_folder_with_bad_cells_prints_each_on_its_own_line_and_exits_2(tmp_path):
    dataset_to_csv(load_dataset(SMALL), tmp_path)
    ratings = tmp_path / "Xếp loại.csv"
    ratings.write_text(ratings.read_text(encoding="utf-8-sig").replace("Hoàn thành tốt nhiệm vụ", "Tốt"),
                       encoding="utf-8-sig")
    result = CliRunner().invoke(cli, ["check", str(tmp_path), "--period", "2024"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith(f"Lỗi: {ratings}: dòng ") for line in lines)


def test_a_year_that_is_no_number_gets_its_own_range_not_the_months_example(book):
    edit(book, "Xếp loại", {"C2": "năm 2024"})
    assert_one_line_error(lambda: load_dataset(book), f"{book}: Trang tính Xếp loại, dòng 2, cột Năm:",
                          ["'năm 2024' không phải là năm", "1945 đến 2100"])


def test_merged_cells_are_refused_by_sheet_and_range(book):
    wb = openpyxl.load_workbook(book)
    wb["Xếp loại"].merge_cells("D2:D3")  # one rating for p01 and p02, as a secretary might lay it out
    wb.save(book)
    assert_one_line_error(lambda: load_dataset(book), str(book),
                          ["trang tính Xếp loại", "D2:D3", "đang gộp", "bỏ gộp ô"])


def test_a_folder_named_like_a_csv_file_is_not_read_as_one(tmp_path):
    folder = tmp_path / "ho-so"
    dataset_to_csv(load_dataset(SMALL), folder)
    (folder / "ghi chú.csv").mkdir()
    assert load_dataset(folder).people


def test_a_bad_cell_in_the_organization_row_is_named_not_taken_for_a_missing_row(book):
    edit(book, "Cơ quan", {"J2": -9})  # Số thành viên Hội đồng
    assert_one_line_error(lambda: load_dataset(book), str(book), ["Cơ quan, dòng 2, cột Số thành viên Hội đồng"])


def test_a_formula_never_computed_is_refused_by_its_cell_not_read_as_empty(book):
    edit(book, "Xếp loại", {"D2": '=IF(1=1,"HTXS","HT")'})  # openpyxl saves formulas without their values
    assert_one_line_error(lambda: load_dataset(book), str(book),
                          ["trang tính Xếp loại, ô D2", "công thức chưa được tính", "lưu lại"])


def test_a_persons_cell_on_a_units_row_is_said_as_such(book):
    edit(book, "Xếp loại", {"E6": 12})  # Số tháng làm việc on vp's row: it read '12 worked plus 0 leave exceed 12'
    assert_one_line_error(lambda: load_dataset(book), str(book),
                          ["Xếp loại, dòng 6, cột Số tháng làm việc", "'vp' là một tập thể"])


def test_a_mistyped_rating_gets_the_word_it_is_closest_to(book):
    edit(book, "Xếp loại", {"D2": "Hoàn thàn tốt nhiệm vụ"})
    assert_one_line_error(lambda: load_dataset(book), str(book),
                          ["'Hoàn thàn tốt nhiệm vụ' không phải là mức xếp loại", "có phải 'Hoàn thành tốt nhiệm vụ'?"])


def test_a_title_row_above_the_column_names_is_read_past_and_rows_keep_their_numbers(book):
    wb = openpyxl.load_workbook(book)
    wb["Cán bộ"].insert_rows(1)
    wb["Cán bộ"]["A1"] = "DANH SÁCH CÁN BỘ NĂM 2024"  # as a secretary heads a sheet
    wb.save(book)
    assert load_dataset(book) == load_dataset(SMALL)
    edit(book, "Cán bộ", {"D3": "khong-co"})  # the first person's unit, now on row 3
    assert_one_line_error(lambda: load_dataset(book), str(book), ["Cán bộ, dòng 3, cột Đơn vị"])


def test_a_title_merged_over_the_columns_is_read_past_too(book):
    wb = openpyxl.load_workbook(book)
    wb["Cán bộ"].insert_rows(1)
    wb["Cán bộ"]["A1"] = "DANH SÁCH CÁN BỘ NĂM 2024"
    wb["Cán bộ"].merge_cells("A1:E1")  # how a secretary usually heads a sheet
    wb.save(book)
    assert load_dataset(book) == load_dataset(SMALL)


def test_an_assessment_is_offered_and_read_by_its_name_and_a_wrong_one_is_told_the_names(tmp_path):
    path = tmp_path / "ho-so.xlsx"
    invoke("template", path)
    book = openpyxl.load_workbook(path)
    assert "Nội bộ đoàn kết" in offered(book, "Xếp loại")["L2"]
    sheet = book["Xếp loại"]
    sheet.append(["vp", "Văn phòng Sở", 2024, "Hoàn thành tốt nhiệm vụ", None, None, 1, None, None, None, None,
                  "nội bộ đoàn kết", "Không đạt"])
    book.save(path)
    unit = load_dataset(path).record("vp", 2024)
    assert unit is not None and unit.assessments == {"doan_ket": False}
    verdict = evaluate(load_dataset(path), 2024, awards=["TTLDTT"]).get("vp", "TTLDTT")
    assert [str(outcome) for leaf, outcome, _ in verdict.leaf_results() if leaf.fact == "doan_ket"] == ["failed"]
    sheet["L3"] = "Đoàn kết nội bộ"
    book.save(path)
    with pytest.raises(KtrulesError) as refused:
        load_dataset(path)
    assert "dòng 3, cột Tiêu chí đánh giá" in str(refused.value)
    assert "'Nội bộ đoàn kết'" in str(refused.value)  # the names, not the keys, for a name written wrong

"""Records in the office's own formats: an Excel workbook, or a folder of CSV files, with one sheet per
part of the dataset, Vietnamese headers and Vietnamese words. Reads one into a `Dataset`, writes one
from a `Dataset` (the bundled department, the template).

The layout (row 1 holds the headers, in any order; then one row per item; blank rows are skipped):

    Cơ quan                Mã | Tên cơ quan                                       (exactly one row)
    Đơn vị                 Mã | Tên đơn vị | Khối thi đua
    Cán bộ                 Mã | Họ và tên | Giới tính | Đơn vị | Ngày tuyển dụng
    Xếp loại               Mã | Cá nhân / tập thể | Năm | Xếp loại | Số tháng làm việc | Đơn vị trong năm |
                           Thứ hạng trong khối | Loại nghỉ | Số tháng nghỉ | Kỷ luật | Ngày kỷ luật |
                           Tiêu chí đánh giá | Đánh giá
    Sáng kiến              Mã | Tên sáng kiến, đề tài | Tác giả | Năm | Cấp | Loại
    Khen thưởng đã có      Mã | Cá nhân / tập thể | Năm | Danh hiệu / hình thức | Số quyết định | Sáng kiến đã dùng |
                           Phong trào
    Thành tích phong trào  Mã | Cá nhân / tập thể | Năm | Phong trào | Tiêu chí | Minh chứng
    Hồ sơ đề nghị          Mã | Cá nhân / tập thể | Năm | Danh hiệu / hình thức | Phong trào | Giấy tờ đã có

The first four sheets are required, the others may be left out. Words are matched without regard to
case or accents: a rating is HTXS or "Hoàn thành xuất sắc nhiệm vụ", a date an Excel date or dd/mm/yyyy.

A record holds one leave, one discipline and one assessment per row; a second one takes one more row
with the same Mã and Năm and only those columns filled, because a pair of cells with a list of choices
is what a secretary fills most easily. Lists of ids (Tác giả, Sáng kiến đã dùng, Giấy tờ đã có) are
separated by commas. "Cá nhân / tập thể" is optional and only checked against the id, so a sheet of ids
stays readable. In a CSV folder each sheet is a file named after it (`Xếp loại.csv`, UTF-8, with or
without BOM, separated by commas or semicolons).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from .dataset import NATIONAL_AWARDS, Dataset
from .errors import KtrulesError
from .writing import write_atomically

# ---------------------------------------------------------------- reading one cell


class CellError(ValueError):
    """A cell that cannot be read; the reader adds the sheet, the row and the column."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _key(text: str) -> str:
    """Case-, accent- and spacing-free form, so 'Hoàn thành tốt' matches 'hoan thanh  TOT'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _shown(value: Any) -> str:
    """A cell's value quoted on one line, however many lines the cell holds."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value).strip())
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value).strip())


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def _id(value: Any) -> str:
    text = _text(value)
    if not _ID.match(text):
        raise CellError(f"{_shown(text)} không dùng được làm mã",
                        "mã gồm chữ cái không dấu, chữ số và . _ -, viết liền, ví dụ p01 hoặc kh-tc")
    return text


def _ids(value: Any) -> list[str]:
    ids = [_id(part) for part in re.split(r"[,;\s]+", _text(value)) if part]
    if not ids:
        raise CellError("chưa ghi mã nào", "ghi các mã, cách nhau bằng dấu phẩy, ví dụ p01, p02")
    return ids


def _number(value: Any, what: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = re.fullmatch(r"(\d+(?:[.,]\d+)?)(?: ?thang)?", _key(_text(value)))
    if isinstance(value, bool) or not match:
        raise CellError(f"{_shown(value)} không phải là {what}", "ghi một số, ví dụ 12 hoặc 4,5")
    return float(match.group(1).replace(",", "."))


def _whole(value: Any, what: str, low: int, high: int) -> int:
    number = _number(value, what)
    if not number.is_integer() or not low <= number <= high:
        raise CellError(f"{_shown(value)} không phải là {what}", f"ghi số nguyên từ {low} đến {high}")
    return int(number)


def _year(value: Any) -> int:
    return _whole(value, "năm", 1945, 2100)


def _rank(value: Any) -> int:
    return _whole(value, "thứ hạng", 1, 999)


def _months(value: Any) -> float:
    months = _number(value, "số tháng")
    if not 0 <= months <= 12:
        raise CellError(f"{_shown(value)} tháng không hợp lệ", "số tháng trong năm từ 0 đến 12")
    return months


def _leave_months(value: Any) -> float:
    months = _months(value)
    if months == 0:
        raise CellError("số tháng nghỉ bằng 0", "ghi số tháng nghỉ lớn hơn 0, hoặc xóa cả Loại nghỉ")
    return months


_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})")


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 16438 <= value <= 73415:
        return from_excel(value).date()  # a date cell whose format was lost: Excel's day number, 1945 to 2100
    match = _DATE.fullmatch(_text(value))
    try:
        if match and match.group(1):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if match:
            return date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
    except ValueError:
        pass
    raise CellError(f"{_shown(value)} không phải là ngày", "ghi ngày dạng dd/mm/yyyy, ví dụ 01/06/2023")


class Words:
    """A closed set of codes with the Vietnamese word written for each, and other words accepted."""

    def __init__(self, what: str, names: dict[str, str], hint: str, aliases: tuple[tuple[str, str], ...] = ()):
        self.what, self.names, self.hint = what, names, hint  # names: code -> the word written and listed
        pairs = [*((code, code) for code in names), *((n, c) for c, n in names.items()), *aliases]
        self.lookup = {_key(word): code for word, code in pairs}

    def read(self, value: Any) -> str:
        code = self.lookup.get(_key(_text(value)))
        if code is None:
            raise CellError(f"{_shown(value)} không phải là {self.what}", self.hint)
        return code

    def write(self, code: str) -> str:
        return self.names.get(code, code)


RATINGS = Words("mức xếp loại", {"HTXS": "Hoàn thành xuất sắc nhiệm vụ", "HTT": "Hoàn thành tốt nhiệm vụ",
                                 "HT": "Hoàn thành nhiệm vụ", "KHT": "Không hoàn thành nhiệm vụ"},
                "dùng HTXS, HTT, HT hoặc KHT",
                (("Hoàn thành xuất sắc", "HTXS"), ("Hoàn thành tốt", "HTT"), ("Hoàn thành", "HT"),
                 ("Không hoàn thành", "KHT")))
GENDERS = Words("giới tính", {"female": "Nữ", "male": "Nam"}, "dùng Nam hoặc Nữ")
DISCIPLINES = Words("hình thức kỷ luật", {
    "khien_trach": "Khiển trách", "canh_cao": "Cảnh cáo", "ha_bac_luong": "Hạ bậc lương",
    "giang_chuc": "Giáng chức", "cach_chuc": "Cách chức", "buoc_thoi_viec": "Buộc thôi việc"},
    "dùng Khiển trách, Cảnh cáo, Hạ bậc lương, Giáng chức, Cách chức hoặc Buộc thôi việc")
SCOPES = Words("cấp sáng kiến", {"co_so": "Cơ sở", "tinh": "Tỉnh", "toan_quoc": "Toàn quốc"},
               "dùng Cơ sở, Tỉnh (cấp bộ, ban, ngành, tỉnh) hoặc Toàn quốc",
               (("cấp cơ sở", "co_so"), ("cấp tỉnh", "tinh"), ("bộ, ngành, tỉnh", "tinh"), ("cấp bộ", "tinh"),
                ("bộ, ban, ngành, tỉnh", "tinh"), ("cấp bộ, ban, ngành, tỉnh", "tinh"), ("cấp toàn quốc", "toan_quoc")))
KINDS = Words("loại sáng kiến", {"sang_kien": "Sáng kiến", "de_tai": "Đề tài"}, "dùng Sáng kiến hoặc Đề tài",
              (("đề tài khoa học", "de_tai"),))
LEAVES = Words("loại nghỉ", {
    "maternity": "Thai sản", "training": "Đi học", "duty_injury": "Tai nạn khi làm nhiệm vụ", "sick": "Ốm",
    "unpaid": "Không lương"},
    "dùng Thai sản, Đi học, Tai nạn khi làm nhiệm vụ, Ốm hoặc Không lương",
    (("nghỉ thai sản", "maternity"), ("đào tạo", "training"), ("đi học, đào tạo", "training"),
     ("điều trị tai nạn khi làm nhiệm vụ", "duty_injury"), ("tai nạn", "duty_injury"),
     ("tai nạn lao động", "duty_injury"), ("nghỉ ốm", "sick"), ("ốm đau", "sick"),
     ("nghỉ không lương", "unpaid")))
VERDICTS = Words("kết quả đánh giá", {"true": "Đạt", "false": "Không đạt"}, "dùng Đạt hoặc Không đạt",
                 (("có", "true"), ("không", "false"), ("1", "true"), ("0", "false")))


def _verdict(value: Any) -> bool:
    return value if isinstance(value, bool) else VERDICTS.read(value) == "true"


def _verdict_word(value: bool) -> str:
    return VERDICTS.write("true" if value else "false")


@cache
def _national() -> tuple[dict[str, str], list[str]]:
    """Award names and assessment keys of the national pack (read only when needed)."""
    from .rules import DEFAULT_RULES, NATIONAL_PACK, load_pack
    names: dict[str, str] = {}
    keys: set[str] = set()
    for version in load_pack(DEFAULT_RULES / NATIONAL_PACK):
        for award_id, award in version.rules.awards.items():
            names.setdefault(award_id, award.name.vi)
        keys |= {f.key for f in version.rules.facts.values() if getattr(f, "op", None) == "assessment"}
    return names, sorted(keys)


AWARD_HINT = "dùng mã (LDTT, CSTDCS, TTLDXS, BANG_KHEN_TINH, ...) hoặc tên như 'Lao động tiên tiến'"
_AWARD_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


def _award(value: Any) -> str:
    """A national award by id or Vietnamese name; else, as written, the id of a campaign's award."""
    text = _text(value)
    found = {_key(a): a for a in NATIONAL_AWARDS}.get(_key(text))
    if found is None:
        found = {_key(name): a for a, name in _national()[0].items()}.get(_key(text))
    if found is None and not _AWARD_ID.match(text):
        raise CellError(f"{_shown(value)} không phải là danh hiệu, hình thức khen thưởng", AWARD_HINT)
    return found or text


def _same(value: Any) -> Any:
    return value


def _whole_or_float(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _joined(values: Any) -> Any:
    return ", ".join(values) if values else None


# ---------------------------------------------------------------- the layout


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the item's key; "leave.kind" for the pair columns of a record's lists
    read: Callable[[Any], Any]
    write: Callable[[Any], Any] = _same
    required: bool = False
    width: int = 12
    note: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    part: str  # the dataset's key
    columns: tuple[Column, ...]
    required: bool = True

    def column(self, field: str) -> Column | None:
        return next((c for c in self.columns if c.field == field), None)

    def header(self, field: str) -> str:
        column = self.column(field)
        return column.header if column else field


def _listed(words: Words) -> dict[str, Any]:
    return {"read": words.read, "write": words.write, "choices": tuple(words.names.values())}


SUBJECT = Column("Mã", "subject", _id, required=True, width=10, note="Mã cán bộ (sheet Cán bộ) hoặc mã đơn vị "
                 "(sheet Đơn vị).")
SUBJECT_NAME = Column("Cá nhân / tập thể", "subject_name", _text, width=28,
                      note="Không bắt buộc: họ tên hoặc tên đơn vị để dễ đối chiếu; nếu ghi thì phải khớp với Mã.")
YEAR = Column("Năm", "year", _year, required=True, width=8, note="Ví dụ 2024.")
CAMPAIGN = Column("Phong trào", "campaign", _text, width=18,
                  note="Mã phong trào thi đua, nếu thuộc một phong trào (danh hiệu, tiêu chí của phong trào đó).")
PAIR = " Ghi thêm loại thứ hai: thêm một dòng cùng Mã và Năm, chỉ ghi các cột này."

SHEETS: tuple[Sheet, ...] = (
    Sheet("Cơ quan", "organization", (
        Column("Mã", "id", _id, required=True, width=14, note="Mã cơ quan, viết liền không dấu, ví dụ skhcn-bd."),
        Column("Tên cơ quan", "name", _text, required=True, width=50),
    )),
    Sheet("Đơn vị", "units", (
        Column("Mã", "id", _id, required=True, width=10, note="Mã đơn vị (phòng, ban, trung tâm), ví dụ vp, kh-tc."),
        Column("Tên đơn vị", "name", _text, required=True, width=50),
        Column("Khối thi đua", "bloc", _id, width=16, note="Mã khối thi đua của đơn vị, nếu có, ví dụ khoi-phong."),
    )),
    Sheet("Cán bộ", "people", (
        Column("Mã", "id", _id, required=True, width=10, note="Mã cán bộ, viết liền không dấu, ví dụ p01."),
        Column("Họ và tên", "name", _text, required=True, width=28),
        Column("Giới tính", "gender", **_listed(GENDERS), width=10),
        Column("Đơn vị", "unit", _id, required=True, width=10, note="Mã đơn vị trong sheet Đơn vị."),
        Column("Ngày tuyển dụng", "recruited", _date, width=16, note="Ngày dạng dd/mm/yyyy, ví dụ 01/03/2015."),
    )),
    Sheet("Xếp loại", "records", (
        SUBJECT, SUBJECT_NAME, YEAR,
        Column("Xếp loại", "rating", **_listed(RATINGS), width=28,
               note="HTXS, HTT, HT, KHT hoặc ghi đủ: Hoàn thành xuất sắc nhiệm vụ, Hoàn thành tốt nhiệm vụ, "
                    "Hoàn thành nhiệm vụ, Không hoàn thành nhiệm vụ. Để trống nếu chưa xếp loại."),
        Column("Số tháng làm việc", "months_worked", _months, _whole_or_float, width=10,
               note="Số tháng thực tế làm việc trong năm (0 đến 12), không tính thời gian nghỉ."),
        Column("Đơn vị trong năm", "unit", _id, width=12,
               note="Chỉ ghi khi năm đó cán bộ ở đơn vị khác với cột Đơn vị của sheet Cán bộ."),
        Column("Thứ hạng trong khối", "bloc_rank", _rank, width=10,
               note="Dòng của đơn vị: thứ hạng trong khối thi đua năm đó (1 là dẫn đầu)."),
        Column("Loại nghỉ", "leave.kind", **_listed(LEAVES), width=22, note="Nghỉ trong năm." + PAIR),
        Column("Số tháng nghỉ", "leave.months", _leave_months, _whole_or_float, width=10),
        Column("Kỷ luật", "discipline.level", **_listed(DISCIPLINES), width=16, note="Hình thức kỷ luật." + PAIR),
        Column("Ngày kỷ luật", "discipline.date", _date, width=14, note="Ngày quyết định kỷ luật, dd/mm/yyyy."),
        Column("Tiêu chí đánh giá", "assessments.key", _id, width=20,
               note="Đánh giá của Hội đồng về một tiêu chí định tính, ví dụ doan_ket, chap_hanh; không ghi thì "
                    "tiêu chí mặc nhiên đạt." + PAIR),
        Column("Đánh giá", "assessments.value", _verdict, _verdict_word, width=12,
               choices=tuple(VERDICTS.names.values())),
    )),
    Sheet("Sáng kiến", "initiatives", (
        Column("Mã", "id", _id, required=True, width=12, note="Mã sáng kiến, đề tài, ví dụ sk-2024-01."),
        Column("Tên sáng kiến, đề tài", "title", _text, width=60),
        Column("Tác giả", "authors", _ids, _joined, required=True, width=14,
               note="Mã cán bộ; nhiều tác giả cách nhau bằng dấu phẩy: p01, p02."),
        Column("Năm", "year", _year, required=True, width=8, note="Năm được công nhận, nghiệm thu."),
        Column("Cấp", "scope", **_listed(SCOPES), required=True, width=12,
               note="Cơ sở, Tỉnh (cấp bộ, ban, ngành, tỉnh) hoặc Toàn quốc."),
        Column("Loại", "kind", **_listed(KINDS), required=True, width=12),
    ), required=False),
    Sheet("Khen thưởng đã có", "conferred", (
        SUBJECT, SUBJECT_NAME, YEAR,
        Column("Danh hiệu / hình thức", "award", _award, required=True, width=22, choices=NATIONAL_AWARDS,
               note="Mã (LDTT, CSTDCS, ...) hoặc tên danh hiệu, hình thức như 'Lao động tiên tiến'."),
        Column("Số quyết định", "decision", _text, width=36),
        Column("Sáng kiến đã dùng", "initiatives", _ids, _joined, width=18,
               note="Mã sáng kiến, đề tài đã dùng để xét khen thưởng này, cách nhau bằng dấu phẩy."),
        CAMPAIGN,
    ), required=False),
    Sheet("Thành tích phong trào", "achievements", (
        SUBJECT, SUBJECT_NAME, YEAR,
        CAMPAIGN,
        Column("Tiêu chí", "criterion", _text, required=True, width=24,
               note="Mã tiêu chí mà thành tích này chứng minh."),
        Column("Minh chứng", "evidence", _text, required=True, width=60, note="Số, ngày văn bản minh chứng."),
    ), required=False),
    Sheet("Hồ sơ đề nghị", "dossiers", (
        SUBJECT, SUBJECT_NAME, YEAR,
        Column("Danh hiệu / hình thức", "award", _award, required=True, width=22, choices=NATIONAL_AWARDS,
               note="Danh hiệu, hình thức được đề nghị: mã hoặc tên."),
        CAMPAIGN,
        Column("Giấy tờ đã có", "documents", _ids, _joined, width=40,
               note="Mã các giấy tờ hồ sơ đã có, theo quy định, cách nhau bằng dấu phẩy, ví dụ to_trinh, bao_cao."),
    ), required=False),
)
SHEET_NAMES = ", ".join(s.name for s in SHEETS)
PAIRS = {"leave": ("kind", "months"), "discipline": ("level", "date"), "assessments": ("key", "value")}
_RECORD_KEY = {"subject", "subject_name", "year"}

# ---------------------------------------------------------------- reading the tables


@dataclass
class Table:
    """One sheet as read: where it came from, its header row and its numbered rows."""

    sheet: Sheet
    file: Path
    label: str  # "Sheet Xếp loại" in a workbook; empty in a CSV file, whose name says the sheet
    header: tuple[Any, ...]
    rows: list[tuple[int, tuple[Any, ...]]]

    def error(self, message: str, hint: str | None = None, row: int | None = None,
              column: str | None = None) -> KtrulesError:
        where = ", ".join(p for p in (self.label, row and f"dòng {row}", column and f"cột {column}") if p)
        return KtrulesError(f"{where}: {message}" if where else message, file=self.file, hint=hint)


def _did_you_mean(word: str, choices: list[str]) -> str | None:
    keyed = {_key(c): c for c in choices}
    # a shortened header ('Thứ hạng' for 'Thứ hạng trong khối') is closer than difflib finds it
    close = [k for k in keyed if _key(word) and _key(word) in k] or difflib.get_close_matches(
        _key(word), list(keyed), n=1, cutoff=0.6)
    return f"có phải '{keyed[close[0]]}'?" if close else None


def _workbook_grids(path: Path) -> dict[str, tuple[Path, str, list[tuple[Any, ...]]]]:
    if not path.is_file():
        raise KtrulesError("không tìm thấy tệp", file=path, hint="kiểm tra đường dẫn")
    try:
        with warnings.catch_warnings():  # openpyxl warns about Excel features it drops; they hold no records
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # a file that is not a workbook fails with zip, XML or openpyxl errors alike
        raise KtrulesError(f"không đọc được tệp Excel ({type(exc).__name__})", file=path,
                           hint="mở tệp bằng Excel và lưu lại dạng Excel Workbook (.xlsx)") from None
    return {ws.title: (path, f"Sheet {ws.title}", list(ws.iter_rows(values_only=True))) for ws in book.worksheets}


def _csv_grids(folder: Path) -> dict[str, tuple[Path, str, list[tuple[Any, ...]]]]:
    grids = {}
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() == ".csv":
            grids[file.stem] = (file, "", _csv_rows(file))
    return grids


def _csv_rows(file: Path) -> list[tuple[Any, ...]]:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise KtrulesError("tệp không ở dạng UTF-8", file=file, hint="lưu lại dạng CSV UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel writes ';' where the decimal mark is ','
    try:
        return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise KtrulesError(f"tệp CSV hỏng ({exc})", file=file, hint="lưu lại tệp từ Excel dạng CSV UTF-8") from None


def _tables(path: Path) -> dict[str, Table]:
    """The sheets of a workbook or CSV folder, matched to the layout by name (case and accents aside)."""
    grids = _csv_grids(path) if path.is_dir() else _workbook_grids(path)
    by_key = {_key(s.name): s for s in SHEETS}
    what = "tệp" if path.is_dir() else "sheet"
    anything = f"các {what}: {SHEET_NAMES};"
    tables: dict[str, Table] = {}
    for name, (file, label, grid) in grids.items():
        sheet = by_key.get(_key(name))
        if all(_blank(c) for row in grid for c in row) and not (sheet and sheet.required):
            continue  # an empty sheet (one Excel added, or an optional part cleared) holds nothing to ignore
        if sheet is None:
            hint = _did_you_mean(name, [s.name for s in SHEETS]) or anything
            raise KtrulesError(f"{what.capitalize()} '{name}' không thuộc mẫu hồ sơ", file=file,
                               hint=f"{hint} đổi tên hoặc xóa {what} này")
        if sheet.name in tables:
            raise KtrulesError(f"có hai {what} '{sheet.name}'", file=file, hint="gộp lại thành một")
        tables[sheet.name] = _table(sheet, file, label, grid)
    for sheet in SHEETS:
        if sheet.required and sheet.name not in tables:
            missing = f"{sheet.name}.csv" if path.is_dir() else sheet.name
            raise KtrulesError(f"thiếu {what} '{missing}'", file=path,
                               hint="thêm vào, với dòng tiêu đề như tệp mẫu (tạo bằng: ktrules template mau.xlsx)")
    return tables


def _table(sheet: Sheet, file: Path, label: str, grid: list[tuple[Any, ...]]) -> Table:
    numbered = list(enumerate(grid, start=1))
    header = grid[0] if grid else ()
    return Table(sheet, file, label, tuple(header), numbered[1:])


def _columns(table: Table) -> list[Column | None]:
    """The layout's column under each header cell; unknown, repeated or missing headers are errors."""
    known = {_key(c.header): c for c in table.sheet.columns}
    found: list[Column | None] = []
    for i, cell in enumerate(table.header):
        column = None if _blank(cell) else known.get(_key(_text(cell)))
        letter = get_column_letter(i + 1)
        if column is None and not _blank(cell):
            headers = [c.header for c in table.sheet.columns]
            hint = _did_you_mean(_text(cell), headers) or "các cột: " + ", ".join(headers) + ";"
            raise table.error(f"không biết cột {_shown(cell)}", f"{hint} sửa tên hoặc xóa cột này", 1, letter)
        if column is not None and column in found:
            raise table.error(f"cột '{column.header}' có hai lần", "xóa một cột", 1, letter)
        found.append(column)
    for column in table.sheet.columns:
        if column.required and column not in found:
            raise table.error(f"thiếu cột '{column.header}'", "thêm cột này vào dòng tiêu đề (dòng 1)")
    return found


def _values(table: Table) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank row as {field: value read}, blank cells left out."""
    columns = _columns(table)
    for number, cells in table.rows:
        if all(_blank(c) for c in cells):
            continue
        values: dict[str, Any] = {}
        for i, cell in enumerate(cells):
            if _blank(cell):
                continue
            column = columns[i] if i < len(columns) else None
            if column is None:
                raise table.error("ô có dữ liệu nhưng cột không có tiêu đề", "thêm tiêu đề ở dòng 1 hoặc xóa ô",
                                  number, get_column_letter(i + 1))
            try:
                values[column.field] = column.read(cell)
            except CellError as exc:
                raise table.error(exc.message, exc.hint, number, column.header) from None
        for column in table.sheet.columns:
            if column.required and column.field not in values:
                raise table.error("ô trống", "cột này bắt buộc", number, column.header)
        yield number, values


# ---------------------------------------------------------------- from rows to a Dataset


class _Builder:
    """Gathers the rows into the contract's mapping, remembering which row each item came from."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        self.places: dict[tuple[str | int, ...], tuple[Table, int]] = {}
        self.names: list[tuple[Table, int, str, str]] = []  # (table, row, subject, name written)
        self.records: dict[tuple[str, int], tuple[dict[str, Any], int]] = {}

    def add(self, table: Table) -> None:
        part = table.sheet.part
        rows = list(_values(table))
        if part == "organization":
            return self._organization(table, rows)
        items = self.data.setdefault(part, [])
        for number, values in rows:
            if "subject_name" in values:
                self.names.append((table, number, values["subject"], values.pop("subject_name")))
            if part == "records":
                self._record(table, number, values, items)
                continue
            if part == "conferred" and values["award"] not in NATIONAL_AWARDS and "campaign" not in values:
                raise table.error(f"{_shown(values['award'])} không phải là danh hiệu, hình thức khen thưởng",
                                  f"{AWARD_HINT}; danh hiệu của một phong trào thì ghi cả cột Phong trào",
                                  number, table.sheet.header("award"))
            self.places[(part, len(items))] = (table, number)
            items.append(values)

    def _organization(self, table: Table, rows: list[tuple[int, dict[str, Any]]]) -> None:
        if not rows:
            raise table.error("chưa ghi cơ quan", "ghi mã và tên cơ quan ở dòng 2")
        if len(rows) > 1:
            raise table.error("chỉ ghi một cơ quan", "xóa dòng này", rows[1][0])
        self.places[("organization",)] = (table, rows[0][0])
        self.data["organization"] = rows[0][1]

    def _record(self, table: Table, number: int, values: dict[str, Any], items: list[dict[str, Any]]) -> None:
        key = (values["subject"], values["year"])
        pairs = {k: values.pop(k) for k in list(values) if "." in k}
        if key in self.records:
            record, index = self.records[key]
            extra = set(values) - _RECORD_KEY
            if extra:
                first = self.places[("records", index)][1]
                header = next(c.header for c in table.sheet.columns if c.field in extra)
                raise table.error(f"'{key[0]}' năm {key[1]} đã có ở dòng {first}",
                                  "mỗi năm một dòng; dòng thêm chỉ ghi nghỉ, kỷ luật hoặc đánh giá", number, header)
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
                raise table.error("ô trống", f"ghi đủ cả '{pair[0]}' và '{pair[1]}'", number,
                                  pair[0] if a is None else pair[1])
            if group == "assessments":
                if a in record.setdefault("assessments", {}):
                    raise table.error(f"tiêu chí '{a}' đã được đánh giá trong năm này", "giữ một dòng", number,
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

    def finish(self) -> Dataset:
        try:
            dataset = Dataset.model_validate(self.data)
        except ValidationError as exc:
            first = exc.errors()[0]
            message = f"giá trị không hợp lệ ({first['msg']})"
            raise self.error(tuple(first["loc"]), message, "sửa theo tệp mẫu") from None
        for loc, message, _ in dataset.problems():
            raise self._problem(dataset, loc, message)
        self._check_names(dataset)
        return dataset

    def _problem(self, dataset: Dataset, loc: tuple[str | int, ...], message: str) -> KtrulesError:
        value = _at(self.data, loc)
        field = next((s for s in loc[1:] if isinstance(s, str)), "")
        if field == "id":
            return self.error(loc, f"mã '{value}' đã dùng ở {self._first_use(value)}",
                              "mỗi mã đơn vị, cán bộ, sáng kiến chỉ dùng một lần")
        if field == "months_worked":
            record = dataset.records[loc[1]]  # type: ignore[index]
            away = sum(leave.months for leave in record.leave)
            return self.error(loc, f"số tháng làm việc ({value:g}) cộng số tháng nghỉ ({away:g}) quá 12",
                              "số tháng làm việc chỉ tính thời gian thực làm; thời gian nghỉ ghi riêng")
        known = {"unit": ("đơn vị", "sheet Đơn vị", list(dataset.units_by_id)),
                 "subject": ("cán bộ hoặc đơn vị", "sheet Cán bộ, Đơn vị", sorted(dataset.subjects())),
                 "authors": ("cán bộ", "sheet Cán bộ", list(dataset.people_by_id)),
                 "initiatives": ("sáng kiến", "sheet Sáng kiến", [i.id for i in dataset.initiatives])}
        if field in known:
            what, where, ids = known[field]
            hint = _did_you_mean(str(value), ids) or f"thêm vào {where} hoặc sửa mã"
            return self.error(loc, f"không có {what} mã '{value}'", hint)
        return self.error(loc, message, None)

    def _first_use(self, value: Any) -> str:
        """'Sheet Cán bộ, dòng 3': where an id is first given."""
        for part in ("units", "people", "initiatives"):
            for i, item in enumerate(self.data.get(part, [])):
                place = self.where((part, i)) if item["id"] == value else None
                if place:
                    return f"{place[0].label or place[0].file.name}, dòng {place[1]}"
        return "dòng khác"

    def _check_names(self, dataset: Dataset) -> None:
        for table, row, subject, name in self.names:
            item = dataset.people_by_id.get(subject) or dataset.units_by_id.get(subject)
            if item is not None and _plain(item.name) != _plain(name):
                raise table.error(f"{_shown(name)} không khớp với tên của mã {subject} ({_shown(item.name)})",
                                  "sửa tên hoặc mã; cột này chỉ để đối chiếu", row, SUBJECT_NAME.header)


def _plain(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _at(data: Any, loc: tuple[str | int, ...]) -> Any:
    for step in loc:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def read_dataset(path: str | Path) -> Dataset:
    """Read a workbook (.xlsx) or a folder of CSV files into a validated Dataset."""
    tables = _tables(Path(path))
    builder = _Builder(Path(path))
    for sheet in SHEETS:
        if sheet.name in tables:
            builder.add(tables[sheet.name])
    return builder.finish()


# ---------------------------------------------------------------- writing


def _names(dataset: Dataset) -> dict[str, str]:
    return {**{u.id: u.name for u in dataset.units}, **{p.id: p.name for p in dataset.people}}


def _record_rows(record: Any, name: str | None) -> Iterator[dict[str, Any]]:
    """A record's first row, then one more row for each second leave, discipline or assessment."""
    fields = record.model_dump(exclude={"leave", "discipline", "assessments"})
    key = {"subject": record.subject, "subject_name": name, "year": record.year}
    lists = {"leave": [x.model_dump() for x in record.leave],
             "discipline": [x.model_dump() for x in record.discipline],
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
            items = [item.model_dump() for item in getattr(dataset, sheet.part)]
            yield sheet, [{**item, "subject_name": names.get(item.get("subject", ""))} for item in items]


def _cell(column: Column, row: dict[str, Any]) -> Any:
    value = row.get(column.field)
    return None if value is None or value == [] or value == "" else column.write(value)


def _write_sheet(ws: Worksheet, sheet: Sheet, rows: list[dict[str, Any]]) -> None:
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
        choices = column.choices or (tuple(_national()[1]) if column.field == "assessments.key" else ())
        if choices:
            _add_list(ws, letter, choices)
    ws.freeze_panes = "A2"


def _add_list(ws: Worksheet, letter: str, choices: tuple[str, ...]) -> None:
    # a warning, not a stop: codes (HTXS) and other accepted words may still be typed
    rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                          showErrorMessage=True, errorStyle="warning", errorTitle="Giá trị ngoài danh sách",
                          error="Nên chọn trong danh sách. Vẫn ghi giá trị này?")
    rule.add(f"{letter}2:{letter}1048576")
    ws.add_data_validation(rule)


def dataset_to_workbook(dataset: Dataset, path: str | Path) -> None:
    """Write a dataset as a workbook in the layout above, with bold frozen headers, notes and lists."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet, rows in sheet_rows(dataset):
        _write_sheet(book.create_sheet(sheet.name), sheet, rows)
    write_atomically(Path(path), lambda target: book.save(target))


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


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
    "organization": {"id": "skhcn-tn", "name": "Sở Khoa học và Công nghệ tỉnh Tây Ninh"},
    "units": [{"id": "vp", "name": "Văn phòng Sở", "bloc": "khoi-phong"}],
    "people": [{"id": "p01", "name": "Nguyễn Thị An", "gender": "female", "unit": "vp", "recruited": "2015-03-01"}],
    "records": [{"subject": "p01", "year": 2024, "rating": "HTXS", "months_worked": 7,
                 "leave": [{"kind": "maternity", "months": 5}]}],
    "initiatives": [{"id": "sk-01", "authors": ["p01"], "year": 2024, "scope": "co_so", "kind": "sang_kien",
                     "title": "Số hóa sổ theo dõi thi đua"}],
    "conferred": [{"subject": "p01", "award": "LDTT", "year": 2023, "decision": "QĐ 15/QĐ-SKHCN ngày 12/01/2024"}],
    "achievements": [{"subject": "vp", "year": 2024, "campaign": "ntm-2021-2025", "criterion": "tham-muu-chinh-sach",
                      "evidence": "Tờ trình số 12/TTr-VP ngày 03/4/2024"}],
    "dossiers": [{"subject": "p01", "award": "CSTDCS", "year": 2024, "documents": ["to_trinh", "bao_cao_thanh_tich"]}],
})


def write_template(path: str | Path, force: bool = False) -> None:
    """An empty workbook to fill in: every sheet with its headers, lists of choices and one example row."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise KtrulesError("tệp mẫu phải có đuôi .xlsx", file=path, hint="ví dụ: ktrules template ho-so.xlsx")
    if path.exists() and not force:
        raise KtrulesError("tệp đã có", file=path, hint="chọn tên khác, hoặc thêm --force để ghi đè")
    dataset_to_workbook(EXAMPLE, path)

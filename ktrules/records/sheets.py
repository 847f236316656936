"""Records in the office's own formats: an Excel workbook, or a folder of CSV files, with one sheet per
part of the dataset, Vietnamese headers and Vietnamese words. Reads one into a `Dataset`, writes one
from a `Dataset` (the bundled department, the template).

The layout (row 1 holds the headers, in any order; then one row per item; blank rows are skipped):

    Cơ quan                Mã | Tên cơ quan | Cơ quan chủ quản | Chữ viết tắt | Địa danh | Chủ tịch Hội đồng |
                           Chức vụ Chủ tịch | Thư ký Hội đồng | Chức vụ Thư ký | Số thành viên Hội đồng
                                                                                  (exactly one row)
    Khối thi đua           Mã | Tên khối thi đua
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

Cơ quan, Đơn vị, Cán bộ and Xếp loại are required, the others may be left out. Words are matched without regard to
case or accents: a rating is HTXS or "Hoàn thành xuất sắc nhiệm vụ", a date an Excel date or dd/mm/yyyy.

A record holds one leave, one discipline and one assessment per row; a second one takes one more row
with the same Mã and Năm and only those columns filled, because a pair of cells with a list of choices
is what a secretary fills most easily. Lists of ids (Tác giả, Sáng kiến đã dùng, Giấy tờ đã có) are
separated by commas. "Cá nhân / tập thể" is optional and only checked against the id, so a sheet of ids
stays readable. In a CSV folder each sheet is a file named after it (`Xếp loại.csv`, UTF-8, with or
without BOM, separated by commas or semicolons).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ktrules.common.messages import short_date, t
from ktrules.common.vocabulary import NATIONAL_AWARDS

# ---------------------------------------------------------------- reading one cell


class CellError(ValueError):
    """A cell that cannot be read; the reader adds the sheet, the row and the column."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def unaccented(text: str) -> str:
    """Case- and accent-free, spelling kept: 'Phạm Thị Mỹ Linh' gives 'pham thi my linh' (a file's name)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def folded(text: str) -> str:
    """Case-, accent- and spacing-free form, so 'Hoàn thành tốt' matches 'hoan thanh  TOT', with a syllable's
    final y read as i: both spellings are in use ('Chiến sỹ' and 'Chiến sĩ', 'kỹ' and 'kĩ')."""
    return " ".join(_FINAL_Y.sub("i", unaccented(text)).split())


_FINAL_Y = re.compile(r"(?<=[^aeiouy\W\d])y\b")  # after a consonant: sỹ, kỹ, lý (not 'quy', 'tây')


def shown(value: Any) -> str:
    """A cell's value quoted on one line, however many lines the cell holds; a date (or a date and time,
    as Excel keeps one) as the reader writes it, not Python's '2024-01-01 00:00:00'."""
    if isinstance(value, datetime) and value.time() == time():
        value = value.date()
    text = short_date(value) if isinstance(value, date) and not isinstance(value, datetime) else str(value).strip()
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value).strip())


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def _id(value: Any) -> str:
    text = cell_text(value)
    if not _ID.match(text):
        raise CellError(t("wb.bad_id", value=shown(text)), t("wb.bad_id.hint"))
    return text


def _ids(value: Any) -> list[str]:
    ids = [_id(part) for part in re.split(r"[,;\s]+", cell_text(value)) if part]
    if not ids:
        raise CellError(t("wb.no_ids"), t("wb.no_ids.hint"))
    return ids


def _number(value: Any, what: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = re.fullmatch(r"(\d+(?:[.,]\d+)?)(?: ?thang)?", folded(cell_text(value)))
    if isinstance(value, bool) or not match:
        raise CellError(t("wb.not_a", value=shown(value), what=t(what)), t("wb.number.hint"))
    return float(match.group(1).replace(",", "."))


def _whole(value: Any, what: str, low: int, high: int) -> int:
    try:
        number: float | None = _number(value, what)
    except CellError:  # its hint is for months ("12 or 4,5"): a year or a rank gets its own range
        number = None
    if number is None or not number.is_integer() or not low <= number <= high:
        raise CellError(t("wb.not_a", value=shown(value), what=t(what)), t("wb.whole.hint", low=low, high=high))
    return int(number)


def _year(value: Any) -> int:
    return _whole(value, "wb.what.year", 1945, 2100)


def _rank(value: Any) -> int:
    return _whole(value, "wb.what.rank", 1, 999)


def _members(value: Any) -> int:
    return _whole(value, "wb.what.members", 1, 99)


def _months(value: Any) -> float:
    months = _number(value, "wb.what.months")
    if not 0 <= months <= 12:
        raise CellError(t("wb.bad_months", value=shown(value)), t("wb.bad_months.hint"))
    return months


def _leave_months(value: Any) -> float:
    months = _months(value)
    if months == 0:
        raise CellError(t("wb.no_leave"), t("wb.no_leave.hint"))
    return months


_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})")


def _date(value: Any) -> date:
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        if day.year < 1945:  # a year typed alone in a date cell: Excel keeps 2024 as its day 2024, in 1905
            serial = (day - date(1899, 12, 30)).days
            raise CellError(t("wb.year_in_date", day=day.strftime("%d/%m/%Y"), serial=serial), t("wb.date.hint"))
        return day
    if isinstance(value, int | float) and not isinstance(value, bool) and 16438 <= value <= 73415:
        from openpyxl.utils.datetime import from_excel  # here: the layout is read without openpyxl too

        return from_excel(value).date()  # a date cell whose format was lost: Excel's day number, 1945 to 2100
    match = _DATE.fullmatch(cell_text(value))
    try:
        if match and match.group(1):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if match:
            return date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
    except ValueError:
        pass
    raise CellError(t("wb.not_a", value=shown(value), what=t("wb.what.date")), t("wb.date.hint"))


class Words:
    """A closed set of codes with the Vietnamese word written for each, and other words accepted."""

    def __init__(self, what: str, names: dict[str, str], aliases: tuple[tuple[str, str], ...] = ()):
        self.what, self.names = what, names  # what: the messages wb.what.<what>, wb.hint.<what>
        pairs = [*((code, code) for code in names), *((n, c) for c, n in names.items()), *aliases]
        self.lookup = {folded(word): code for word, code in pairs}

    def read(self, value: Any) -> str:
        code = self.lookup.get(folded(cell_text(value)))
        if code is None:
            # a word mistyped ('Hoàn thàn tốt nhiệm vụ') is closer to a word than to a code
            close = difflib.get_close_matches(folded(cell_text(value)), [folded(n) for n in self.names.values()], 1)
            word = next((n for n in self.names.values() if close and folded(n) == close[0]), None)
            hint = t("wb.did_you_mean", word=word) if word else t(f"wb.hint.{self.what}")
            raise CellError(t("wb.not_a", value=shown(value), what=t(f"wb.what.{self.what}")), hint)
        return code

    def write(self, code: str) -> str:
        return self.names.get(code, code)


RATINGS = Words("rating", {"HTXS": "Hoàn thành xuất sắc nhiệm vụ", "HTT": "Hoàn thành tốt nhiệm vụ",
                                 "HT": "Hoàn thành nhiệm vụ", "KHT": "Không hoàn thành nhiệm vụ"},
                (("Hoàn thành xuất sắc", "HTXS"), ("Hoàn thành tốt", "HTT"), ("Hoàn thành", "HT"),
                 ("Không hoàn thành", "KHT")))
GENDERS = Words("gender", {"female": "Nữ", "male": "Nam"})
DISCIPLINES = Words("discipline", {
    "khien_trach": "Khiển trách", "canh_cao": "Cảnh cáo", "ha_bac_luong": "Hạ bậc lương",
    "giang_chuc": "Giáng chức", "cach_chuc": "Cách chức", "buoc_thoi_viec": "Buộc thôi việc"})
SCOPES = Words("scope", {"co_so": "Cơ sở", "tinh": "Tỉnh", "toan_quoc": "Toàn quốc"},
               (("cấp cơ sở", "co_so"), ("cấp tỉnh", "tinh"), ("bộ, ngành, tỉnh", "tinh"), ("cấp bộ", "tinh"),
                ("bộ, ban, ngành, tỉnh", "tinh"), ("cấp bộ, ban, ngành, tỉnh", "tinh"), ("cấp toàn quốc", "toan_quoc")))
KINDS = Words("kind", {"sang_kien": "Sáng kiến", "de_tai": "Đề tài"},
              (("đề tài khoa học", "de_tai"),))
LEAVES = Words("leave", {
    "maternity": "Thai sản", "training": "Đi học", "duty_injury": "Tai nạn khi làm nhiệm vụ", "sick": "Ốm",
    "unpaid": "Không lương"},
    (("nghỉ thai sản", "maternity"), ("đào tạo", "training"), ("đi học, đào tạo", "training"),
     ("điều trị tai nạn khi làm nhiệm vụ", "duty_injury"), ("tai nạn", "duty_injury"),
     ("tai nạn lao động", "duty_injury"), ("nghỉ ốm", "sick"), ("ốm đau", "sick"),
     ("nghỉ không lương", "unpaid")))
VERDICTS = Words("assessment", {"true": "Đạt", "false": "Không đạt"},
                 (("có", "true"), ("không", "false"), ("1", "true"), ("0", "false")))


def _verdict(value: Any) -> bool:
    return value if isinstance(value, bool) else VERDICTS.read(value) == "true"


def _verdict_word(value: bool) -> str:
    return VERDICTS.write("true" if value else "false")


AWARD_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


def _award(value: Any) -> str:
    """An award as written: an id, or a name the reader resolves against the rule pack's names."""
    return cell_text(value)


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
SUBJECT_NAME = Column("Cá nhân / tập thể", "subject_name", cell_text, width=28,
                      note="Không bắt buộc: họ tên hoặc tên đơn vị để dễ đối chiếu; nếu ghi thì phải khớp với Mã.")
YEAR = Column("Năm", "year", _year, required=True, width=8, note="Ví dụ 2024.")
CAMPAIGN = Column("Phong trào", "campaign", cell_text, width=18,
                  note="Mã phong trào thi đua, nếu thuộc một phong trào (danh hiệu, tiêu chí của phong trào đó).")
PAIR = " Ghi thêm loại thứ hai: thêm một dòng cùng Mã và Năm, chỉ ghi các cột này."

SHEETS: tuple[Sheet, ...] = (
    Sheet("Cơ quan", "organization", (
        Column("Mã", "id", _id, required=True, width=14, note="Mã cơ quan, viết liền không dấu, ví dụ skhcn-bd."),
        Column("Tên cơ quan", "name", cell_text, required=True, width=50),
        Column("Cơ quan chủ quản", "parent", cell_text, width=36,
               note="Cơ quan cấp trên, in phía trên tên cơ quan trong văn bản, ví dụ UBND tỉnh Bình Định."),
        Column("Chữ viết tắt", "abbreviation", cell_text, width=12,
               note="Chữ viết tắt tên cơ quan trong số, ký hiệu văn bản, ví dụ SKHCN (QĐ-SKHCN)."),
        Column("Địa danh", "place", cell_text, width=16, note="Địa danh ghi trên văn bản, ví dụ Bình Định."),
        Column("Chủ tịch Hội đồng", "chair", cell_text, width=24,
               note="Họ tên Chủ tịch Hội đồng Thi đua - Khen thưởng."),
        Column("Chức vụ Chủ tịch", "chair_title", cell_text, width=20, note="Ví dụ Giám đốc."),
        Column("Thư ký Hội đồng", "secretary", cell_text, width=24),
        Column("Chức vụ Thư ký", "secretary_title", cell_text, width=20, note="Ví dụ Chánh Văn phòng."),
        Column("Số thành viên Hội đồng", "council_members", _members,
               width=10, note="Tổng số thành viên Hội đồng, có mặt hay vắng mặt."),
    )),
    Sheet("Khối thi đua", "blocs", (
        Column("Mã", "id", _id, required=True, width=14, note="Mã khối thi đua, như ở cột Khối thi đua của sheet "
               "Đơn vị, ví dụ khoi-phong."),
        Column("Tên khối thi đua", "name", cell_text, required=True, width=50),
    ), required=False),
    Sheet("Đơn vị", "units", (
        Column("Mã", "id", _id, required=True, width=10, note="Mã đơn vị (phòng, ban, trung tâm), ví dụ vp, kh-tc."),
        Column("Tên đơn vị", "name", cell_text, required=True, width=50),
        Column("Khối thi đua", "bloc", _id, width=16, note="Mã khối thi đua của đơn vị, nếu có, ví dụ khoi-phong."),
    )),
    Sheet("Cán bộ", "people", (
        Column("Mã", "id", _id, required=True, width=10, note="Mã cán bộ, viết liền không dấu, ví dụ p01."),
        Column("Họ và tên", "name", cell_text, required=True, width=28),
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
        Column("Tiêu chí đánh giá", "assessments.key", cell_text, width=30,
               note="Đánh giá của Hội đồng về một tiêu chí định tính: chọn trong danh sách (Nội bộ đoàn kết, "
                    "…) hoặc ghi mã (doan_ket); không ghi thì tiêu chí mặc nhiên đạt." + PAIR),
        Column("Đánh giá", "assessments.value", _verdict, _verdict_word, width=12,
               choices=tuple(VERDICTS.names.values())),
    )),
    Sheet("Sáng kiến", "initiatives", (
        Column("Mã", "id", _id, required=True, width=12, note="Mã sáng kiến, đề tài, ví dụ sk-2024-01."),
        Column("Tên sáng kiến, đề tài", "title", cell_text, width=60),
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
        Column("Số quyết định", "decision", cell_text, width=36),
        Column("Sáng kiến đã dùng", "initiatives", _ids, _joined, width=18,
               note="Mã sáng kiến, đề tài đã dùng để xét khen thưởng này, cách nhau bằng dấu phẩy."),
        CAMPAIGN,
    ), required=False),
    Sheet("Thành tích phong trào", "achievements", (
        SUBJECT, SUBJECT_NAME, YEAR,
        CAMPAIGN,
        Column("Tiêu chí", "criterion", cell_text, required=True, width=24,
               note="Mã tiêu chí mà thành tích này chứng minh."),
        Column("Minh chứng", "evidence", cell_text, required=True, width=60, note="Số, ngày văn bản minh chứng."),
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
# the hidden sheet of the lists a written workbook's cells offer (an award's name holds commas, which a
# list written in the cell's rule cannot); read past
LISTS_SHEET = "Danh mục"
PAIRS = {"leave": ("kind", "months"), "discipline": ("level", "date"), "assessments": ("key", "value")}
RECORD_KEY = {"subject", "subject_name", "year"}

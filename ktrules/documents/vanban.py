"""A văn bản as data, in the parts NĐ 30/2020/NĐ-CP (Phụ lục I) lays out, whatever it is written to:
Quốc hiệu and Tiêu ngữ, the agency under its parent, số/ký hiệu, địa danh and date, tên loại and trích
yếu, the body, nơi nhận and the signers; an optional phụ lục on its own pages. The writers (`docx`,
`pdf`) only lay these parts out, so a Word file and a PDF of one document say the same."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

QUOC_HIEU = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
QUOC_HIEU_EN = ("SOCIALIST REPUBLIC OF VIETNAM", "Independence - Freedom - Happiness")


def quoc_hieu(lang: str) -> tuple[str, str]:
    """The Quốc hiệu and the Tiêu ngữ (NĐ 30/2020, Phụ lục I, mục 1)."""
    return QUOC_HIEU_EN if lang == "en" else QUOC_HIEU


Style = Literal["body", "heading", "center", "basis", "note", "blank", "subheading"]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: body text (justified, first line indented), a heading (bold), a centred line
    (bold, like "QUYẾT ĐỊNH:"), a căn cứ (italic), a note (small, italic) or a blank to fill (dots)."""

    text: str
    style: Style = "body"


@dataclass(frozen=True)
class Table:
    """A table with a header row; `numeric` columns are right-aligned; `total` closes it in bold."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # relative widths of the columns
    numeric: tuple[int, ...] = ()
    total: tuple[str, ...] | None = None


Block = Paragraph | Table


@dataclass(frozen=True)
class Signer:
    """A signature block: the authority line (quyền hạn, e.g. "TM. HỘI ĐỒNG"), the title (chức vụ),
    and the name, left for the signer to write when the records do not hold it."""

    authority: str
    title: str
    name: str


@dataclass(frozen=True)
class VanBan:
    lang: str
    parent: str  # cơ quan chủ quản, '' when the records do not name it
    agency: str
    number: str  # "Số: …/QĐ-SKHCN"
    place_date: str
    kind: str  # tên loại: QUYẾT ĐỊNH, TỜ TRÌNH, BIÊN BẢN...
    excerpt: str  # trích yếu: "Về việc ..."
    body: tuple[Block, ...]
    signers: tuple[Signer, ...]
    recipients: tuple[str, ...] = ()  # nơi nhận; none for a report signed by its author
    appendix_title: str = ""
    appendix: tuple[Block, ...] = ()
    draft: bool = False  # a dự thảo: marked as such above the tên loại

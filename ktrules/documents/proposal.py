"""The proposal list (danh sách đề nghị khen thưởng) as a workbook: one sheet per award of the packet,
the proposed subjects in order, in the columns the office pastes into its proposal."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ktrules.common.messages import t
from ktrules.documents.packet import Packet, Section

WIDTHS = (6, 28, 32, 30, 80)  # STT, name, unit, award, summary: in characters


def proposal_workbook(packet: Packet) -> Workbook:
    """A sheet per award section (named by the award id, which Excel's 31 characters always hold), with
    a bold frozen header row that is repeated on each printed page."""
    book = Workbook()
    book.remove(book.active)
    for section in packet.sections:
        _fill(book.create_sheet(section.award), section, packet.lang)
    if not packet.sections:  # a workbook needs a sheet; say why it is empty
        sheet = book.create_sheet(t("packet.sheet.empty", packet.lang))
        sheet.append([t("packet.no_sections", packet.lang, period=packet.period)])
    return book


def _fill(ws: Worksheet, section: Section, lang: str) -> None:
    ws.append([t("packet.col.stt", lang), t(f"packet.col.name.{section.kind}", lang), t("col.unit", lang),
               t("packet.col.award", lang), t("packet.col.summary", lang)])
    for entry in section.proposed:
        ws.append([entry.place, entry.name, entry.unit, section.name, entry.summary])
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a name or title starting with '=' stays text, not a formula
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

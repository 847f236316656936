"""The proposal list (danh sách đề nghị khen thưởng) as a workbook: one sheet per award with proposals,
named by the award's short name, with title rows (agency, title, period), the proposed subjects in the
packet's order, columns for the council's vote and the reward money, borders, row heights that fit the
wrapped text, and the header repeated on each printed page."""

from __future__ import annotations

import math
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ktrules.common.messages import t
from ktrules.common.writing import WORKBOOK_CREATOR
from ktrules.documents.packet import Packet, Section

WIDTHS = (6, 26, 28, 22, 60, 11, 10, 14)  # STT, name, unit, award, summary, votes, share, money: in characters
HEADER_ROW = 5  # rows 1-3 hold the titles, row 4 is blank
LINE_HEIGHT = 15  # points per line of 11 pt text
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MONEY_FORMAT = "#,##0"  # Excel shows the thousands separator of the reader's locale: 710.000 in Vietnamese
_NOT_IN_SHEET_NAMES = re.compile(r"[\\/?*\[\]:]")


def proposal_workbook(packet: Packet) -> Workbook:
    """A sheet per award with at least one proposal; a workbook with none says so on its only sheet."""
    book = Workbook()
    # `report` may write over it again, until someone saves it (lastModifiedBy), and over nobody else's
    book.properties.creator = book.properties.lastModifiedBy = WORKBOOK_CREATOR
    book.remove(book.active)
    sections = [s for s in packet.sections if s.proposed]
    for section in sections:
        _fill(book.create_sheet(_sheet_name(book, section.short)), section, packet)
    if not sections:  # a workbook needs a sheet; say why it is empty
        sheet = book.create_sheet(t("packet.sheet.empty", packet.lang))
        sheet.append([t("packet.no_sections", packet.lang, period=packet.period)])
    return book


def _sheet_name(book: Workbook, name: str) -> str:
    """Excel's sheet names: 31 characters at most, none of \\ / ? * [ ] :, unique in the workbook."""
    base = _NOT_IN_SHEET_NAMES.sub("-", name)[:31]
    candidate, n = base, 2
    while candidate in book.sheetnames:
        candidate, n = f"{base[:28]} ({n})", n + 1
    return candidate


def _titles(ws: Worksheet, section: Section, packet: Packet) -> None:
    lang, agency = packet.lang, packet.agency
    last = get_column_letter(len(WIDTHS))
    parent = f"{agency.parent.upper()} – " if agency and agency.parent else ""
    when = t("documents.sheet.decided", lang, date=packet.decision) if packet.decision else ""
    lines = (f"{parent}{packet.organization.upper()}", t("documents.sheet.title", lang, award=section.name.upper()),
             f"{t('packet.period', lang, period=packet.period)}{when}")
    for row, (text, size) in enumerate(zip(lines, (12, 14, 12), strict=True), start=1):
        ws.merge_cells(f"A{row}:{last}{row}")
        cell = ws.cell(row, 1, text)
        cell.font = Font(bold=row < 3, italic=row == 3, size=size)
        cell.alignment = Alignment(horizontal="center")


def _fill(ws: Worksheet, section: Section, packet: Packet) -> None:
    lang = packet.lang
    _titles(ws, section, packet)
    headers = [t("packet.col.stt", lang), t(f"packet.col.name.{section.kind}", lang), t("col.unit", lang),
               t("packet.col.award", lang), t("packet.col.summary", lang), t("documents.minutes.yes", lang),
               t("documents.minutes.share", lang), t("documents.money.col", lang)]
    ws.append([])
    ws.append(headers)
    members = packet.agency.council_members if packet.agency else None
    for entry in section.proposed:
        row = ws.max_row + 1
        # the share fills itself once the votes are typed in, when the council's size is known
        share = f'=IF(F{row}="","",F{row}/{members})' if members else None
        ws.append([entry.place, entry.name, entry.unit, section.name, entry.summary, None, share,
                   entry.amount if entry.amount is not None else entry.money or None])
    if section.total_money:  # a number to add up with, else the words that say what it leaves out
        total = section.total if section.total is not None else section.total_money
        ws.append([None, t("documents.money.total", lang), None, None, None, None, None, total])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    _format(ws)


def _format(ws: Worksheet) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=HEADER_ROW):
        for cell in row:
            cell.alignment, cell.border = wrap, BOX
            if isinstance(cell.value, str) and not cell.value.startswith("=IF("):
                cell.data_type = "s"  # a name or title starting with '=' stays text, not a formula
        row[6].number_format = "0.0%"
        row[7].number_format = MONEY_FORMAT
        ws.row_dimensions[row[0].row].height = _height(row)
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _height(row: tuple) -> float:
    """A row tall enough for its longest wrapped cell: Excel and LibreOffice do not grow rows written by
    a program, so without it wrapped text runs over the next row in print."""
    lines = max(math.ceil(len(str(cell.value or "")) / max(WIDTHS[i] - 1, 1)) or 1
                for i, cell in enumerate(row) if not str(cell.value or "").startswith("="))
    return max(lines, 1) * LINE_HEIGHT

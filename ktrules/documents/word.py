"""A văn bản as a Word file (python-docx), in the thể thức of NĐ 30/2020/NĐ-CP: A4, margins 20 mm top
and bottom, 30 mm left, 15 mm right; Times New Roman 14 pt for the body, 13 pt for the agency and the
Quốc hiệu, 12 and 11 pt for nơi nhận; the page number centred in the header from the second page on.
Word offices edit the file; where Times New Roman is not installed, LibreOffice shows its metric twin
Liberation Serif, so lines break in the same places."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from ktrules.common.messages import t
from ktrules.common.writing import write_atomically
from ktrules.documents.vanban import Block, Paragraph, Signer, Table, VanBan, quoc_hieu

FONT = "Times New Roman"
TEXT_WIDTH = Mm(165)  # A4 less the margins


def write_docx(vanban: VanBan, out: Path) -> None:
    """Write the văn bản to `out` whole or not at all."""
    document = _document()
    _heading(document, vanban)
    _blocks(document, vanban.body)
    _closing(document, vanban)
    if vanban.appendix:
        document.add_page_break()
        _line(document.add_paragraph(), vanban.appendix_title, bold=True, center=True)
        _blocks(document, vanban.appendix)
    write_atomically(out, lambda target: document.save(str(target)))


def _document() -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    # Word reads the East Asian and complex-script slots too; without them Vietnamese may fall back
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(6)
    section.different_first_page_header_footer = True
    _page_number(section.header.paragraphs[0])
    return document


def _page_number(paragraph: DocxParagraph) -> None:
    """A PAGE field, centred: NĐ 30 numbers pages from the second, at the top."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _line(paragraph: DocxParagraph, text: str, *, bold: bool = False, italic: bool = False, size: float = 14,
          center: bool = False, underline: bool = False) -> DocxParagraph:
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # the schema orders tblPr's children; Word refuses a file with tblBorders after tblLook
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _cell_lines(cell: _Cell, lines: list[tuple[str, dict]]) -> None:
    """Fill a cell with centred lines, each with its own weight and size."""
    first = True
    for text, fmt in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(0)
        _line(paragraph, text, center=True, **fmt)
        first = False


def _heading(document: DocxDocument, vanban: VanBan) -> None:
    """The two columns of the heading: the agency and the số on the left, the Quốc hiệu, the Tiêu ngữ
    and the date on the right; then the tên loại and the trích yếu, centred."""
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    agency_lines = ([(vanban.parent.upper(), {"size": 13})] if vanban.parent else []) + [
        (vanban.agency.upper(), {"size": 13, "bold": True}), ("", {"size": 6}), (vanban.number, {"size": 13})]
    _cell_lines(left, agency_lines)
    national, motto = quoc_hieu(vanban.lang)
    _cell_lines(right, [(national, {"size": 13, "bold": True}), (motto, {"size": 14, "bold": True, "underline": True}),
                        ("", {"size": 6}), (vanban.place_date, {"size": 14, "italic": True})])
    if vanban.draft:
        _line(document.add_paragraph(), t("vanban.draft", vanban.lang), bold=True, size=12)
    _line(document.add_paragraph(), vanban.kind, bold=True, center=True).paragraph_format.space_before = Pt(18)
    if vanban.excerpt:
        _line(document.add_paragraph(), vanban.excerpt, bold=True, center=True).paragraph_format.space_before = Pt(0)


def _blocks(document: DocxDocument, blocks: tuple[Block, ...]) -> None:
    for block in blocks:
        if isinstance(block, Table):
            _table(document, block)
        else:
            _paragraph(document, block)


def _paragraph(document: DocxDocument, block: Paragraph) -> None:
    paragraph = document.add_paragraph()
    style = block.style
    if style in ("body", "basis", "blank"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
    _line(paragraph, block.text, bold=style in ("heading", "center", "subheading"), italic=style in ("basis", "note"),
          size=12 if style == "note" else 14, center=style == "center")


def _table(document: DocxDocument, block: Table) -> None:
    rows = [block.columns, *block.rows, *([block.total] if block.total else [])]
    table = document.add_table(rows=len(rows), cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    scale = TEXT_WIDTH / sum(block.widths)
    for i, cells in enumerate(rows):
        bold = i == 0 or (block.total is not None and i == len(rows) - 1)
        for j, text in enumerate(cells):
            cell = table.cell(i, j)
            cell.width = int(block.widths[j] * scale)
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_before = Pt(2)
            _line(paragraph, text, bold=bold, size=12, center=i == 0)
            if i and j in block.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(table.rows[0])
    document.add_paragraph().paragraph_format.space_before = Pt(0)


def _repeat_header(row) -> None:
    """The header row repeats at the top of each page a long list runs onto."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _closing(document: DocxDocument, vanban: VanBan) -> None:
    """Nơi nhận on the left and the signer on the right; a second signer (a biên bản's chair) shares the row."""
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    signers = list(vanban.signers)
    if vanban.recipients:
        left.paragraphs[0].paragraph_format.space_before = Pt(12)
        _line(left.paragraphs[0], t("vanban.recipients", vanban.lang), bold=True, italic=True, size=12)
        for recipient in vanban.recipients:
            paragraph = left.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(0)
            _line(paragraph, f"- {recipient}", size=11)
    elif len(signers) > 1:
        _signature(left, signers.pop(0))
    if signers:
        _signature(right, signers[0])


def _signature(cell: _Cell, signer: Signer) -> None:
    lines = [(line, {"size": 14, "bold": True}) for line in (signer.authority, signer.title) if line]
    lines += [("", {}), ("", {}), ("", {}), (signer.name, {"size": 14, "bold": True})]
    cell.paragraphs[0].paragraph_format.space_before = Pt(12)
    _cell_lines(cell, lines)

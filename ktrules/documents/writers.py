"""The one place that turns a packet into a file: the kind is chosen by the file's suffix."""

from __future__ import annotations

from pathlib import Path

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import t
from ktrules.common.writing import make_folder, write_atomically
from ktrules.documents.packet import Packet, render_html
from ktrules.documents.papers import Paper

SUFFIXES = (".html", ".pdf", ".xlsx")


def check_output(out: Path, lang: str = "vi") -> str:
    """The output kind by the file's suffix (html, pdf or xlsx); any other is refused before work starts."""
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise KtrulesError(t("packet.bad_suffix", lang, suffix=suffix or out.name), file=out,
                           hint=t("packet.bad_suffix.hint", lang, stem=out.name.split(".")[0] or "hop-hoi-dong"))
    return suffix[1:]


def write_report(packet: Packet, out: Path) -> None:
    """Write the packet as HTML or PDF, or the proposal as a workbook, by `out`'s suffix; written to a
    temporary file then renamed, so a failure never leaves half a file (nor spoils an earlier one) under its name."""

    kind = check_output(out, packet.lang)
    if kind == "html":
        text = render_html(packet)
        write_atomically(out, lambda target: target.write_text(text, encoding="utf-8"))
    elif kind == "pdf":
        from ktrules.documents.pdf import html_to_pdf  # WeasyPrint is loaded only for PDFs

        html_to_pdf(render_html(packet), out, packet.lang)
    else:
        from ktrules.documents.proposal import proposal_workbook  # openpyxl is loaded only for workbooks

        book = proposal_workbook(packet)
        write_atomically(out, lambda target: book.save(target))


DOCUMENT_FORMATS = ("docx", "pdf")


def write_papers(papers: list[Paper], folder: Path, fmt: str) -> list[Path]:
    """Write each văn bản under `folder` as .docx or .pdf; each file is written whole or not at all."""
    if fmt == "pdf":
        from ktrules.documents.pdf import write_pdf as write  # WeasyPrint is loaded only for PDFs
    else:
        from ktrules.documents.word import write_docx as write  # python-docx is loaded only for Word files
    written = []
    for paper in papers:
        path = folder / f"{paper.stem}.{fmt}"
        make_folder(path.parent)
        write(paper.vanban, path)
        written.append(path)
    return written

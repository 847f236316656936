"""PDF through WeasyPrint (HTML and CSS to PDF, no browser): the văn bản laid out by its template, and the
meeting packet's page. The packet's pages are A4 with "Trang x/y" at the foot; a văn bản's carry their
number alone at the top, from the second page on (NĐ 30/2020); fonts come from the system through
fontconfig (Times New Roman where installed, else Liberation Serif, metric-compatible and complete in
Vietnamese) and are embedded, so the PDF reads the same on any machine. Nothing is fetched from the
network: a page that names a URL gets nothing."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from ktrules.common.messages import t
from ktrules.common.writing import PDF_IDENTIFIER, write_atomically
from ktrules.documents.vanban import Paragraph, VanBan, quoc_hieu

# The foot of every page of the packet, added to the page's own CSS: WeasyPrint counts pages, a browser
# does not.
PAGE_NUMBERS = """
@page {{ @bottom-center {{ content: "{label} " counter(page) "/" counter(pages);
                           font-family: "Times New Roman", "Liberation Serif", serif; font-size: 10pt; }} }}
"""
# A văn bản's (NĐ 30/2020, Phụ lục I): the number alone, centred at the top, in the text's font, not on
# the first page
VANBAN_NUMBERS = """
@page { @top-center { content: counter(page); font-family: "Times New Roman", "Liberation Serif", serif;
                      font-size: 13pt; vertical-align: bottom; padding-bottom: 4mm; } }
@page :first { @top-center { content: none; } }
"""


def _no_network(url: str, *args: object, **kwargs: object) -> dict:
    raise ValueError(f"ktrules fetches nothing: {url}")


def html_to_pdf(html: str, out: Path, lang: str, numbers: str | None = None) -> None:
    """Write `html` as a PDF with page numbers (`numbers`, by default the packet's), whole or not at all."""
    from weasyprint import CSS, HTML  # loaded only for PDFs: it is slow to import

    pages = CSS(string=numbers or PAGE_NUMBERS.format(label=t("vanban.page", lang)))
    document = HTML(string=html, url_fetcher=_no_network, base_url=".").render(stylesheets=[pages])
    # the identifier marks the file as ktrules' own: `report` writes over it again, and over nobody else's
    write_atomically(out, lambda target: document.write_pdf(str(target), pdf_identifier=PDF_IDENTIFIER))


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("ktrules.documents", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_vanban(vanban: VanBan) -> str:
    """The văn bản as one HTML page in the thể thức of NĐ 30/2020 (the template holds the layout)."""
    national, motto = quoc_hieu(vanban.lang)
    return _environment().get_template("vanban.html.j2").render(
        v=vanban, national=national, motto=motto, is_paragraph=lambda b: isinstance(b, Paragraph),
        t=lambda key, **values: t(key, vanban.lang, **values))


def write_pdf(vanban: VanBan, out: Path) -> None:
    html_to_pdf(render_vanban(vanban), out, vanban.lang, VANBAN_NUMBERS)

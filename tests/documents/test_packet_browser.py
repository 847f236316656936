"""The meeting packet in a real browser: headless Chromium renders the HTML `ktrules report` writes to a
PNG and prints it to PDF on A4; the PDF has a page run per award, repeats table headers on each page,
and holds the Vietnamese names as text.

Chromium, pdftotext and the Liberation Serif 2 fonts (full Vietnamese, metric-compatible with Times New
Roman) come from Debian's packages (chromium, chromium-driver, poppler-utils, fonts-liberation2). The
session fixture installs them when they are missing, as CI's machine may be new; it fails, never skips,
when it cannot, because CI must run this test.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from ktrules.cli import cli
from tests.conftest import DEPARTMENT
from tests.documents.conftest import POPPLER, ensure_packages, missing_tools

PACKAGES = ("chromium", "chromium-driver", "poppler-utils", "fonts-liberation2")
WINDOW = (1240, 1754)  # A4 at 150 dpi


@pytest.fixture(scope="session")
def browser() -> str:
    """The chromium binary, installed with apt-get when absent."""
    ensure_packages(PACKAGES, lambda: missing_tools(("chromium", *POPPLER)))
    return str(shutil.which("chromium"))


def _chromium(browser: str, profile: Path, *args: str) -> None:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
               f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]


def _text(pdf: Path) -> list[str]:
    """The PDF's text, page by page, in the NFC form the packet is written in."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [unicodedata.normalize("NFC", page) for page in out.split("\f")]


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture(scope="module")
def rendered(browser: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 2024 packet of the bundled department, written by the command, as HTML, PNG and PDF."""
    folder = tmp_path_factory.mktemp("packet")
    html = folder / "hop-hoi-dong-2024.html"
    result = CliRunner().invoke(cli, ["report", str(DEPARTMENT), "--period", "2024", "--out", str(html)])
    assert result.exit_code == 0, result.output
    png, pdf = folder / "page.png", folder / "packet.pdf"
    _chromium(browser, folder / "profile", f"--screenshot={png}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
              html.as_uri())
    _chromium(browser, folder / "profile", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri())
    return {"html": html, "png": png, "pdf": pdf}


def test_the_packet_renders_to_a_page_sized_screenshot(rendered: dict[str, Path]) -> None:
    png = rendered["png"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == WINDOW
    # a blank or error page compresses to a few kilobytes; a page of text and tables does not
    assert len(png) > 60_000


def test_the_printed_packet_starts_each_award_on_a_new_page_and_holds_the_vietnamese_text(
        rendered: dict[str, Path]) -> None:
    pages = _text(rendered["pdf"])
    assert _pages(rendered["pdf"]) == len([p for p in pages if p.strip()]) > 8  # cover + 8 awards, some long
    whole = "\n".join(pages)
    assert "HỒ SƠ HỌP HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in whole
    assert "Phan Thị Bích Ngọc" in whole and "Chiến sĩ thi đua cơ sở" in whole
    # each award's heading opens a page: "2. Chiến sĩ thi đua cơ sở (CSTDCS)" is at the top of one
    openings = [p.strip().splitlines()[0].strip() for p in pages if p.strip()]
    assert "2. Chiến sĩ thi đua cơ sở" in openings
    assert "PHẦN I. THUỘC THẨM QUYỀN QUYẾT ĐỊNH CỦA SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH BÌNH" in openings


def test_a_long_list_repeats_its_table_header_on_the_next_printed_page(rendered: dict[str, Path]) -> None:
    pages = _text(rendered["pdf"])
    # the 2024 LĐTT list (41 people) does not fit one page: its second page opens with the header again
    start = next(i for i, p in enumerate(pages) if "1. Lao động tiên tiến\n" in p)
    follow = pages[start + 1].strip().splitlines()
    assert follow[0].split()[:3] == ["STT", "Họ", "và"], follow[:2]
    assert "Tóm tắt thành tích" in follow[0]


def test_the_printed_packet_uses_one_serif_font_for_every_vietnamese_letter(rendered: dict[str, Path]) -> None:
    # a font without Vietnamese glyphs makes Chromium borrow them from another font inside one word
    fonts = subprocess.run(["pdffonts", str(rendered["pdf"])], capture_output=True, text=True, check=True).stdout
    families = {line.split()[0].split("+")[-1].split("-")[0] for line in fonts.splitlines()[2:] if line.strip()}
    assert families in ({"LiberationSerif"}, {"TimesNewRomanPSMT"}, {"TimesNewRoman"}), fonts

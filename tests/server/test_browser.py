"""The pages in a real browser: Debian's chromium driven by Selenium through chromedriver uploads the bundled
workbook to a uvicorn server on loopback, opens one person's explanation, finds a citation, and downloads
the meeting packet. Chromium and chromium-driver are installed when missing by the packet test's fixture."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from ktrules.rules import DEFAULT_RULES
from ktrules.server.app import create_app
from ktrules.server.state import Settings
from tests.conftest import DATASETS_DIR
from tests.documents.test_packet_browser import browser  # noqa: F401 - the fixture that installs chromium

WAIT = 60  # seconds for a page or a download; the machine may be busy


@pytest.fixture(scope="module")
def address() -> Iterator[str]:
    """A real server (uvicorn) on a free loopback port, in a thread, stopped after the module."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Settings.load(DEFAULT_RULES, None, 50)), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(WAIT * 10):
        if server.started:
            break
        time.sleep(0.1)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(WAIT)


@pytest.fixture
def driver(browser: str, tmp_path: Path) -> Iterator[webdriver.Chrome]:  # noqa: F811 - the imported fixture
    chromedriver = shutil.which("chromedriver")
    if chromedriver is None:
        pytest.fail("chromedriver missing: run apt-get install -y chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(tmp_path / "downloads"),
                                              "download.prompt_for_download": False})
    chrome = webdriver.Chrome(options=options, service=Service(chromedriver))
    chrome.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow",
                                                        "downloadPath": str(tmp_path / "downloads")})
    yield chrome
    chrome.quit()


def test_upload_explain_and_download_the_packet_in_chromium(driver: webdriver.Chrome, address: str,
                                                            tmp_path: Path) -> None:
    wait = WebDriverWait(driver, WAIT)
    driver.get(address + "/")
    driver.find_element(By.ID, "dataset").send_keys(str(DATASETS_DIR / "so-khcn-binh-dinh.xlsx"))
    period = driver.find_element(By.ID, "period")
    period.clear()
    period.send_keys("2024")
    driver.find_element(By.ID, "submit").click()
    # the progress page refreshes itself until the results are there
    table = wait.until(ready.presence_of_element_located((By.ID, "verdicts")))
    assert "Sở Khoa học và Công nghệ tỉnh Bình Định" in driver.find_element(By.TAG_NAME, "h1").text
    table.find_element(By.CSS_SELECTOR, "a[href$='/subjects/p22']").click()
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "section.award")))
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Vũ Thị Hải Yến")
    citations = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "li.criterion .cite")]
    assert citations and all(c.startswith("Căn cứ: ") for c in citations)
    assert any("Điều" in c for c in citations), citations[:3]
    driver.find_element(By.LINK_TEXT, "Tải về").click()
    wait.until(ready.element_to_be_clickable((By.ID, "packet"))).click()
    packet = tmp_path / "downloads" / "hop-hoi-dong-2024.html"
    for _ in range(WAIT * 10):
        if packet.exists():
            break
        time.sleep(0.1)
    assert packet.exists(), list((tmp_path / "downloads").glob("*"))
    assert "Phan Thị Bích Ngọc" in packet.read_text(encoding="utf-8")

"""The pages as a secretary uses them: upload, results with filters, a person's explanation, ranking,
downloads, rules; Vietnamese first, English on a switch; forms refused without their CSRF token."""

from __future__ import annotations

import html
import io
import shutil
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from docx import Document
from fastapi.testclient import TestClient

from ktrules.rules import DEFAULT_RULES
from ktrules.server.app import create_app
from ktrules.server.state import Settings
from tests.conftest import DATASETS_DIR, DEPARTMENT, today_is
from tests.server.conftest import serve, submit


def test_the_start_page_offers_upload_example_period_and_campaigns(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'lang="vi"' in page.text
    assert 'type="file"' in page.text and 'name="csrf"' in page.text and "bac-kan-ntm-2021-2025" in page.text
    assert "Năm xét" in page.text
    # a campaign by its name, its id the value sent
    assert '<option value="bac-kan-ntm-2021-2025">' in page.text and "nông thôn mới" in page.text
    assert "script-src 'none'" in page.headers["content-security-policy"]
    english = client.get("/?lang=en")
    assert "Year evaluated" in english.text
    assert "Year evaluated" in client.get("/").text  # the choice is remembered
    client.get("/?lang=vi")


def test_a_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    refused = client.post("/runs", data={"csrf": "forged", "period": "2024", "example": "1"}, follow_redirects=False)
    assert refused.status_code == 403 and "biểu mẫu đã cũ" in refused.text


def test_a_form_that_cannot_be_read_is_refused_in_the_pages_language(client: TestClient) -> None:
    csrf = client.get("/").cookies.get("ktrules_csrf") or client.cookies["ktrules_csrf"]
    crowded = client.post("/runs", data={"csrf": csrf, **{f"f{i}": "x" for i in range(12)}},
                          headers={"Accept": "text/html"})
    assert crowded.status_code == 400 and "không đọc được biểu mẫu gửi lên" in crowded.text


def test_a_page_refuses_what_it_does_not_take_rather_than_ignore_it(client: TestClient) -> None:
    browser = {"Accept": "text/html"}
    run = submit(client, example="1").url
    for address, said in ((f"{run}?award=LDTT&award=CSTDCS", "được ghi nhiều lần (LDTT, CSTDCS)"),
                          (f"{run}/packet.pdf?award=LDTT", "không nhận tham số truy vấn 'award'"),
                          ("/?lang=fr", "tiếng Việt (lang=vi) và tiếng Anh (lang=en), không có lang='fr'"),
                          ("/rules?foo=", "'foo'")):
        refused = client.get(address, headers=browser)
        assert refused.status_code == 400 and said in html.unescape(refused.text), address
        assert "thân yêu cầu" not in refused.text and "token" not in refused.text  # the API's words, not a page's
    csrf = client.get("/").cookies.get("ktrules_csrf") or client.cookies["ktrules_csrf"]
    posted = client.post("/runs", data={"csrf": csrf, "period": "2024", "example": "1", "rules": "/etc"},
                         headers=browser, follow_redirects=False)
    assert posted.status_code == 400 and "biểu mẫu không có ô rules" in posted.text


def test_a_busy_server_gives_the_form_back_with_when_to_send_it_again(client: TestClient,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client.app.state.runs, "start", lambda *given: None)  # type: ignore[attr-defined]
    busy = submit(client, example="1", period="2023")
    assert busy.status_code == 503 and busy.headers["retry-after"] == "60"
    assert "khoảng một phút nữa hãy gửi lại" in busy.text and 'value="2023"' in busy.text


def test_a_file_and_the_example_both_chosen_are_refused_not_one_dropped(client: TestClient) -> None:
    campaign = DATASETS_DIR / "campaigns" / "tay-ninh-2023.yaml"
    both = submit(client, files={"dataset": (campaign.name, campaign.read_bytes(), "application/yaml")},
                  period="2023", example="1")
    assert both.status_code == 422 and "đã chọn cả tệp hồ sơ lẫn dữ liệu mẫu" in both.text


def test_a_campaigns_downloads_are_named_apart_from_the_national_ones_of_the_year(client: TestClient) -> None:
    campaign = DATASETS_DIR / "campaigns" / "tay-ninh-2023.yaml"
    results = submit(client, files={"dataset": (campaign.name, campaign.read_bytes(), "application/yaml")},
                     period="2023", campaign="tay-ninh-2023")
    assert results.status_code == 200, results.text
    packet = client.get(f"{results.url}/packet.html")
    assert packet.headers["content-disposition"] == 'attachment; filename="hop-hoi-dong-2023-tay-ninh-2023.html"'


def test_an_upload_over_the_limit_is_a_page_with_the_way_back_to_a_browser() -> None:
    with serve(max_upload_mb=1) as small:
        csrf = small.get("/").cookies.get("ktrules_csrf")
        sent = {"data": {"csrf": csrf, "period": "2024"}, "files": {"dataset": ("big.yaml", b" " * 2**20)}}
        page = small.post("/runs", **sent, headers={"accept": "text/html,application/xhtml+xml"})
        assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
        assert "vượt giới hạn 1 MB" in page.text and "nhờ người quản trị máy chủ" in page.text
        assert 'href="/"' in page.text
        assert '<a href="/?lang=en" class="lang"' in page.text  # a link cannot send the form again: the start page
        # a program, which asks for no page, still has the problem details
        assert small.post("/runs", **sent).headers["content-type"] == "application/problem+json"


def test_a_refused_form_keeps_what_was_chosen_in_it(client: TestClient) -> None:
    refused = submit(client, period="2023", as_of="2023-12-31", campaign="tay-ninh-2023")  # no file, no example
    assert refused.status_code == 422 and 'id="error"' in refused.text
    assert 'value="2023" required' in refused.text and 'value="2023-12-31"' in refused.text
    assert '<option value="tay-ninh-2023" selected>' in refused.text


def test_an_uploaded_workbook_gives_counts_a_filtered_table_and_explanations(client: TestClient) -> None:
    workbook = (DATASETS_DIR / "so-khcn-binh-dinh.xlsx").read_bytes()
    results = submit(client, files={"dataset": ("so-khcn-binh-dinh.xlsx", workbook, "application/octet-stream")})
    assert results.status_code == 200
    assert "Sở Khoa học và Công nghệ tỉnh Bình Định" in results.text and 'id="counts"' in results.text
    run = str(results.url)
    filtered = client.get(run, params={"award": "LDTT", "verdict": "not_eligible"}).text
    assert "p22" in filtered and "p29" not in filtered
    person = client.get(f"{run}/subjects/p22").text
    assert "Không đủ điều kiện" in person and "khiển trách" in person
    assert "Căn cứ: " in person and "no_discipline" in person
    ranking = client.get(f"{run}/ranking", params={"award": "CSTDCS"}).text
    assert 'id="ranking"' in ranking and "Ngưỡng biểu quyết" in ranking
    packet = client.get(f"{run}/packet.html")
    assert packet.headers["content-disposition"] == 'attachment; filename="hop-hoi-dong-2024.html"'
    assert "HỒ SƠ HỌP HỘI ĐỒNG" in packet.text.upper()
    proposal = client.get(f"{run}/proposal.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(proposal.content)).sheetnames[0] == "LĐTT"


def test_a_bad_upload_shows_the_commands_message(client: TestClient) -> None:
    text = DEPARTMENT.read_text(encoding="utf-8").replace("rating: HTT", "rating: HTTT", 1)
    page = submit(client, files={"dataset": ("ho-so<script>.yaml", text.encode(), "application/yaml")})
    assert page.status_code == 422
    assert "ho-so&lt;script&gt;.yaml:" in page.text and "<script>" not in page.text  # escaped, never markup
    assert "có phải &#39;HTT&#39;" in page.text
    assert submit(client).status_code == 422  # neither a file nor the example


def test_the_rules_page_lists_awards_with_criteria_citations_and_verified_flags(client: TestClient) -> None:
    page = client.get("/rules", params={"as_of": "2024-12-31"}).text
    assert "vn/2024" in page and "vn/2017" not in page
    assert "Chiến sĩ thi đua cơ sở" in page and "Điều" in page and "†" in page


def test_an_unknown_run_is_not_found(client: TestClient) -> None:
    assert client.get("/runs/nothing-here").status_code == 404


def test_downloads_give_the_packet_as_pdf_and_the_dossier_as_word_files(client: TestClient) -> None:
    run = str(submit(client, example="1").url)
    page = client.get(f"{run}/downloads").text
    assert 'id="packet-pdf"' in page and 'id="documents"' in page
    pdf = client.get(f"{run}/packet.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    dossier = client.get(f"{run}/documents.zip")
    assert dossier.headers["content-disposition"] == 'attachment; filename="ho-so-2024.zip"'
    names = zipfile.ZipFile(io.BytesIO(dossier.content)).namelist()
    assert "bien-ban-hop-xet-2024.docx" in names
    assert any(name.startswith("bao-cao-thanh-tich/") for name in names), names


def test_the_decision_date_chosen_on_the_start_page_dates_the_papers_and_pays_by_its_rules(client: TestClient) -> None:
    # the day before the 2026 raise: an LĐTT gets 710.000 đồng, and the decision is dated that day
    run = str(submit(client, example="1", decision_date="2026-06-30").url)
    assert "theo ngày quyết định 30/06/2026" in client.get(f"{run}/downloads").text
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{run}/proposal.xlsx").content))
    assert workbook["LĐTT"]["H6"].value == 710_000
    dossier = zipfile.ZipFile(io.BytesIO(client.get(f"{run}/documents.zip").content))
    decision = Document(io.BytesIO(dossier.read("du-thao-quyet-dinh-2024.docx")))
    assert any("ngày 30 tháng 6 năm 2026" in p.text for p in decision.paragraphs)
    for decided in ("2020-01-01", "2024-03-01"):  # a typo, and a day before the year of the titles is over
        refused = submit(client, example="1", decision_date=decided)
        day = "/".join(reversed(decided.split("-")))
        assert refused.status_code == 422, refused.text
        assert f"ngày quyết định {day} trước ngày xét kết quả năm 2024 (31/12/2024)" in refused.text
        assert f'value="{decided}"' in refused.text  # the form keeps what was chosen
        assert "--decision-date" not in refused.text  # the page has no options: its message says the fix


def test_a_blank_decision_date_is_today_so_the_results_show_and_the_papers_wait_for_the_year_s_end(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # a council reviews its year in December: the verdicts are there to see, papers dated today are not
    monkeypatch.setattr("ktrules.server.pages.date", today_is(date(2025, 12, 7)))
    run = str(submit(client, example="1", period="2025").url)
    assert client.get(run).status_code == 200 and client.get(f"{run}/downloads").status_code == 200
    said = ("ngày quyết định 07/12/2025 trước ngày xét kết quả năm 2025 (31/12/2025): chỉ quyết định khen thưởng từ "
            "ngày 31/12/2025 trở đi; ô ngày quyết định để trống là hôm nay; ghi ngày quyết định")
    for download in ("documents.zip", "packet.pdf", "proposal.xlsx"):
        refused = client.get(f"{run}/{download}")
        assert refused.status_code == 422, download
        assert refused.json()["detail"] == said and "--decision-date" not in refused.text
        assert "content-disposition" not in refused.headers


def test_the_downloads_of_a_year_without_records_are_refused_as_the_command_refuses_it(client: TestClient) -> None:
    workbook = (DATASETS_DIR / "so-khcn-binh-dinh.xlsx").read_bytes()
    run = str(submit(client, files={"dataset": ("so-khcn-binh-dinh.xlsx", workbook, "application/octet-stream")},
                     period="2019").url)
    said = "so-khcn-binh-dinh.xlsx: không có bản ghi xếp loại năm 2019: không có ai để đưa vào hồ sơ"
    for download in ("documents.zip", "packet.pdf", "packet.html", "proposal.xlsx"):
        refused = client.get(f"{run}/{download}")
        assert refused.status_code == 422, download
        problem = refused.json()
        assert problem["detail"].startswith(said) and "chọn lại năm xét" in problem["detail"], problem
        assert "content-disposition" not in refused.headers  # no file, empty or not
    page = client.get(f"{run}/documents.zip", headers={"accept": "text/html"})
    assert page.status_code == 422 and said in page.text and "hồ sơ có các năm 2021–2025" in page.text


def test_the_downloads_say_which_proposals_no_paper_holds_as_the_command_says(client: TestClient) -> None:
    """Điện Biên's plan names no authority for its sơ kết reward: the zip has no quyết định or tờ trình for
    its 5 proposals, and the page the secretary downloads from says so, in its language."""
    campaign = "dien-bien-vi-nguoi-ngheo-2021-2025"
    dataset = DATASETS_DIR / "campaigns" / f"{campaign}.yaml"
    run = str(submit(client, files={"dataset": (dataset.name, dataset.read_bytes(), "application/yaml")},
                     period="2023", campaign=campaign, decision_date="2024-01-15").url)
    page = client.get(f"{run}/downloads").text
    assert 'id="unrouted"' in page
    assert f"Lưu ý: bộ quy định campaigns/{campaign}/2022.yaml không ghi thẩm quyền quyết định Khen thưởng sơ kết" \
        in page and "nên 5 đề nghị này không có trong dự thảo quyết định hay tờ trình nào" in page
    english = client.get(f"{run}/downloads?lang=en").text
    client.get("/?lang=vi")
    assert "so these 5 proposals are in no draft decision or proposal letter" in english
    names = zipfile.ZipFile(io.BytesIO(client.get(f"{run}/documents.zip").content)).namelist()
    assert "du-thao-quyet-dinh-2023.docx" in names and not any(n.startswith("to-trinh") for n in names)
    national = str(submit(client, example="1", decision_date="2026-06-30").url)
    assert 'id="unrouted"' not in client.get(f"{national}/downloads").text  # every proposal has its paper


def test_a_dossier_with_no_one_to_propose_is_refused_not_zipped_empty(client: TestClient) -> None:
    """Bình Định's records under Khánh Hòa's campaign: no one eligible, so no biên bản of no one (the command
    exits 1); the packet, which says why, is still given."""
    run = str(submit(client, example="1", campaign="ntm-khanh-hoa-2021-2025", decision_date="2026-06-30").url)
    refused = client.get(f"{run}/documents.zip")
    assert refused.status_code == 422 and "content-disposition" not in refused.headers
    assert refused.json()["detail"] == ("không có ai đủ điều kiện để đề nghị năm 2024 với phong trào đã chọn: không "
                                        "ghi văn bản nào; xem lý do của từng người ở trang kết quả")
    page = client.get(f"{run}/documents.zip?lang=en", headers={"accept": "text/html"})
    client.get("/?lang=vi")
    assert page.status_code == 422
    assert "no one is eligible to be proposed for 2024 with the campaign chosen" in page.text
    assert client.get(f"{run}/packet.html").status_code == 200


def test_a_broken_campaign_pack_does_not_close_the_start_page(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    broken = rules / "campaigns" / "bac-kan-ntm-2021-2025" / "2022.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nbogus: [\n", encoding="utf-8")
    with TestClient(create_app(Settings.load(rules, None, 50))) as client:
        page = client.get("/")
    assert page.status_code == 200
    assert '<option value="bac-kan-ntm-2021-2025">bac-kan-ntm-2021-2025</option>' in page.text  # by its id
    assert "Đắk Nông" in page.text  # the other packs by their names


def test_results_and_ranking_warn_when_the_rules_may_be_out_of_date(client: TestClient) -> None:
    # the national pack was checked against the law up to a day in 2025: a later period is warned of
    warned = "được đối chiếu với pháp luật đến ngày 04/08/2025"
    run = str(submit(client, example="1", period="2026").url)
    assert 'id="notice"' in client.get(run).text and warned in client.get(run).text
    ranking = client.get(f"{run}/ranking?award=CSTDCS").text
    assert 'id="notice"' in ranking and warned in ranking and "<td>None</td>" not in ranking
    current = str(submit(client, example="1", period="2024").url)
    assert warned not in client.get(current).text


def test_an_error_on_the_pages_is_a_page_for_a_browser_and_json_for_a_program(client: TestClient) -> None:
    browser = {"accept": "text/html,application/xhtml+xml"}
    missing = client.get("/runs/nothing", headers=browser)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert 'id="error"' in missing.text and "Không tìm thấy" in missing.text and 'href="/"' in missing.text
    run = str(submit(client, example="1").url)
    unknown = client.get(f"{run}/subjects/p999", headers=browser)
    assert unknown.status_code == 404, unknown.text  # not found, with the way back to the run
    assert "không có cán bộ hoặc đơn vị &#39;p999&#39;" in unknown.text, unknown.text[-600:]
    assert client.get("/runs/nothing").headers["content-type"] == "application/problem+json"
    assert client.get("/api/nothing", headers=browser).headers["content-type"] == "application/problem+json"


def test_a_ranking_or_rules_address_with_a_wrong_choice_is_refused_not_replaced(client: TestClient) -> None:
    browser = {"accept": "text/html"}
    run = str(submit(client, example="1").url)
    first = client.get(f"{run}/ranking").text
    assert first.index('value="LDTT"') < first.index('value="TTLDTT"')  # the rule file's order
    wrong = client.get(f"{run}/ranking?award=NOPE", headers=browser)
    assert wrong.status_code == 400 and "NOPE" in wrong.text  # as the results' filters
    for query in ("award=NOPE", "unit=nope", "verdict=bogus"):  # the results' filters, not an empty table
        refused = client.get(f"{run}?{query}", headers=browser)
        assert refused.status_code == 400 and query.split("=")[1] in refused.text, query
        assert f'<a href="{urlsplit(run).path}" id="back">' in refused.text  # back to the run, not the start
    unknown = client.get(f"{run}/subjects/cb99", headers=browser)
    assert unknown.status_code == 404 and "cb99" in unknown.text
    named = client.get(run, params={"award": "LDTT", "unit": "ttra"}).text
    assert "<td>Thanh tra Sở</td>" in named  # a person's unit by its name
    assert client.get("/rules?as_of=2024-02-30", headers=browser).status_code == 422
    typed = client.get("/rules", params={"as_of": "31/12/2024"}, headers=browser)  # as a secretary types it
    assert typed.status_code == 200 and typed.text.count('class="version"') == 1
    for address in ("/rules", "/api/rules"):  # these ask no period: the way out is another day
        before = client.get(address, params={"as_of": "1900-01-01"}, headers=browser)
        assert before.status_code == 422 and "chọn ngày áp dụng trong thời gian các phiên bản này" in before.text
        assert "năm xét" not in before.text


def test_a_year_without_records_says_why_the_table_is_empty(client: TestClient) -> None:
    page = submit(client, example="1", period="2019")
    assert page.status_code == 200 and 'id="nothing"' in page.text
    assert "không có kết quả nào cho năm 2019: không có bản ghi xếp loại của năm này" in page.text

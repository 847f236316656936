"""The council meeting packet and the proposal workbook (`ktrules report`): what the council reads per
award, the quota and the vote threshold, who is left out and why, in Vietnamese or English; the workbook
the office pastes from; and how the command writes (by suffix, atomically, nothing on stdout)."""

from __future__ import annotations

import dataclasses
import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given

from ktrules import Dataset, Evaluation, evaluate, load_dataset
from ktrules.cli import cli
from ktrules.documents.formatting import money
from ktrules.documents.packet import (
    Packet,
    Section,
    build_packet,
    evaluated_for_papers,
    initiatives_cited,
    render_html,
    twice_commended,
)
from tests.conftest import DEPARTMENT, FIXTURES, ROOT, SMALL
from tests.engine.test_properties import SETTINGS, departments

DEPARTMENT_XLSX = FIXTURES / "datasets" / "so-khcn-binh-dinh.xlsx"


def invoke(*args: Any):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def evaluations() -> dict[int, Evaluation]:
    records = load_dataset(DEPARTMENT)
    return {year: evaluate(records, year) for year in (2023, 2024)}


@pytest.fixture(scope="module")
def packet_2024(evaluations: dict[int, Evaluation]) -> Packet:
    return build_packet(evaluations[2024])


@pytest.fixture(scope="module")
def packet_2023(evaluations: dict[int, Evaluation]) -> Packet:
    return build_packet(evaluations[2023])


def section(packet: Packet, award: str) -> Section:
    return next(s for s in packet.sections if s.award == award)


def entry(entries: Any, subject: str) -> Any:
    return next(e for e in entries if e.subject == subject)


# ---------------------------------------------------------------- what the packet holds


def test_the_packet_has_a_section_per_award_someone_is_eligible_or_incomplete_for(packet_2024: Packet) -> None:
    # nobody in the department is eligible or incomplete for GIAY_KHEN, CSTD_TOAN_QUOC or BANG_KHEN_TTG, nor for
    # CO_THI_DUA_CP: no phòng is chosen among the province's bloc leaders
    assert [s.award for s in packet_2024.sections] == ["LDTT", "CSTDCS", "TTLDTT", "TTLDXS", "CSTD_TINH",
                                                       "CO_THI_DUA_TINH", "BANG_KHEN_TINH"]
    assert (packet_2024.organization, packet_2024.period, packet_2024.version) == \
        ("Sở Khoa học và Công nghệ tỉnh Bình Định", 2024, "vn/2024")
    assert [s.title for s in packet_2024.sources][0] == "Luật Thi đua, khen thưởng số 06/2022/QH15"


@pytest.mark.parametrize("year", [2023, 2024])
def test_every_verdict_of_a_section_is_in_exactly_one_of_its_lists(evaluations: dict[int, Evaluation],
                                                                   year: int) -> None:
    packet = build_packet(evaluations[year])
    for s in packet.sections:
        listed = [(kind, e.subject) for kind in ("proposed", "over_quota", "not_eligible", "incomplete")
                  for e in getattr(s, kind)]
        verdicts = {v.subject: v.verdict for v in evaluations[year].verdicts if v.award == s.award}
        assert sorted(subject for _, subject in listed) == sorted(verdicts)
        for kind, subject in listed:
            assert verdicts[subject] == {"proposed": "eligible", "over_quota": "eligible"}.get(kind, kind)
        for kind in ("proposed", "over_quota", "not_eligible", "incomplete"):
            assert [e.place for e in getattr(s, kind)] == list(range(1, len(getattr(s, kind)) + 1))


def test_a_proposed_person_has_unit_achievements_and_the_numbers_of_the_criteria_met(packet_2024: Packet) -> None:
    ldtt = section(packet_2024, "LDTT")
    p13 = entry(ldtt.proposed, "p13")
    assert (p13.name, p13.unit) == ("Phan Thị Bích Ngọc", "Phòng Quản lý khoa học")
    # 2 (chấp hành) and 6 (không đang bị xem xét) are presumed: nothing on record says otherwise
    assert p13.met == "1, 2*, 3, 4, 5, 6*"
    assert [r.number for r in ldtt.legends[0].rules] == ["1", "2", "3", "4", "5", "6"]
    cstdcs = entry(section(packet_2024, "CSTDCS").proposed, "p13")
    assert cstdcs.met == "1, 2.1, 2.2"  # LĐTT, then both HTXS and a sáng kiến of the options
    # 2.2 is met by her sáng kiến of 2024, which counts for the Bằng khen (single use): the summary says so
    assert cstdcs.summary == ("Hoàn thành xuất sắc nhiệm vụ năm 2024; sáng kiến cấp cơ sở (2024): Ứng dụng trí tuệ "
                              "nhân tạo hỗ trợ tra cứu trùng lặp đề xuất nhiệm vụ khoa học và công nghệ (tính cho "
                              "Bằng khen cấp bộ, ban, ngành, tỉnh)")


def test_a_sang_kien_spent_on_a_bang_khen_is_cited_for_it_alone_not_for_a_title_too(evaluations, packet_2024) -> None:
    """Single use: `explain` says p13's sáng kiến of 2024 counts for her Bằng khen tỉnh and for no other
    award; the lists (packet, workbook, tờ trình) cite it as that award's only: a title whose criterion it
    meets says it counts for the Bằng khen, and the LĐTT, whose criteria do not read it, leaves it out."""
    spent = next(v for v in evaluations[2024].verdicts if v.subject == "p13" and v.award == "BANG_KHEN_TINH").used
    assert spent == ("sk-2023-03", "sk-2024-02")
    cites = {s.award: entry(s.proposed, "p13").summary for s in packet_2024.sections
             if any(e.subject == "p13" for e in s.proposed)}
    assert sorted(cites) == ["BANG_KHEN_TINH", "CSTDCS", "LDTT"]
    counted = [award for award, summary in cites.items() if "Ứng dụng trí tuệ nhân tạo" in summary
               and "(tính cho" not in summary]
    assert counted == ["BANG_KHEN_TINH"] and "Ứng dụng trí tuệ nhân tạo" not in cites["LDTT"]
    assert "sáng kiến cấp cơ sở (2023): Bộ tiêu chí chấm điểm" in cites["BANG_KHEN_TINH"]


def test_a_sang_kien_a_title_spends_is_cited_for_that_title(evaluations, packet_2024) -> None:
    """A CSTĐCS or CSTĐ tỉnh won on a sáng kiến cites it: the verdict counts it."""
    titles = {i.id: i.title for i in evaluations[2024].dataset.initiatives}
    spending = [v for v in evaluations[2024].verdicts if v.award in ("CSTDCS", "CSTD_TINH") and v.used]
    assert len(spending) == 4
    for verdict in spending:
        summary = entry(section(packet_2024, verdict.award).proposed, verdict.subject).summary
        assert all(titles[i] in summary for i in verdict.used), summary


def test_the_not_eligible_and_incomplete_say_what_is_missing_in_words(packet_2024: Packet) -> None:
    ldtt = section(packet_2024, "LDTT")
    (missing,) = entry(ldtt.not_eligible, "p22").missing
    assert (missing.number, missing.text) == ("5", "Không bị kỷ luật trong năm xét tặng")
    assert missing.detail == "giá trị: khiển trách; yêu cầu = không có"
    assert not missing.verified
    (lacking,) = entry(ldtt.incomplete, "p05").missing
    assert lacking.text == "Hoàn thành tốt nhiệm vụ được giao trở lên"
    assert lacking.detail == "giá trị: không có dữ liệu; yêu cầu từ Hoàn thành tốt nhiệm vụ trở lên"
    # an 'any one of' group that failed is listed with each option, since any one would do
    merit = entry(section(packet_2024, "CSTDCS").not_eligible, "p22").missing[-1]
    assert merit.number == "2" and [p.number for p in merit.parts] == ["2.1", "2.2", "2.3"]


def test_the_vote_threshold_is_cited_or_said_to_be_absent(packet_2024: Packet) -> None:
    assert section(packet_2024, "CSTDCS").ballot == \
        "Biểu quyết: cần ít nhất 80% tổng số thành viên Hội đồng đồng ý [NĐ 98/2023/NĐ-CP, Điều 30, khoản 7]"
    assert section(packet_2024, "LDTT").ballot == "Biểu quyết: không quy định ngưỡng biểu quyết"


def test_in_2023_the_cstdcs_quota_leaves_one_eligible_person_out_with_the_reason(packet_2023: Packet) -> None:
    cstdcs = section(packet_2023, "CSTDCS")
    # decimal commas and the award's name, not its id
    assert cstdcs.quota[0].startswith("Toàn cơ quan: chỉ tiêu 6 = 0,15 × 42 (Lao động tiên tiến) = 6,3, làm tròn xuống")
    assert [e.subject for e in cstdcs.proposed] == ["p01", "p08", "p13", "p27", "p42", "p14"]
    (left,) = cstdcs.over_quota
    assert (left.subject, left.score) == ("p18", "1")
    assert left.reason == "ngoài chỉ tiêu 6; xếp sau Trương Công Danh (bằng điểm và ưu tiên; theo thứ tự mã)"
    html = render_html(packet_2023)
    assert "Đủ điều kiện nhưng không đề nghị do vượt chỉ tiêu (1)" in html
    assert "ngoài chỉ tiêu 6; xếp sau Trương Công Danh (bằng điểm" in html and "(p14)" not in html


# ---------------------------------------------------------------- the HTML page


def test_the_page_is_self_contained_printable_on_a4_and_marks_unverified_readings(packet_2024: Packet) -> None:
    html = render_html(packet_2024)
    assert "<script" not in html and "<link" not in html and not re.search(r"(src|href)=", html)
    assert "@page { size: A4" in html
    assert "thead { display: table-header-group; }" in html
    assert ".award { break-before: page;" in html
    assert html.count('<section class="award"') == len(packet_2024.sections)
    assert "Hồ sơ họp Hội đồng Thi đua - Khen thưởng" in html
    assert "Kết quả xét theo quy định vn/2024, áp dụng ngày 31/12/2024" in html  # dates as dd/mm/yyyy
    assert f"{packet_2024.unverified} tiêu chí, cách tính điểm" in html and packet_2024.unverified > 0
    # the discipline criterion of LĐTT 2024 is an unverified reading: marked where it is listed
    assert re.search(r"Không bị kỷ luật trong năm xét tặng<span class=\"mark\"[^>]*>†</span>", html)


def test_names_are_escaped_in_the_page() -> None:
    data = yaml.safe_load(DEPARTMENT.read_text(encoding="utf-8"))
    next(p for p in data["people"] if p["id"] == "p13")["name"] = "<b>Ngọc</b> & co"
    html = render_html(build_packet(evaluate(Dataset.model_validate(data), 2024, awards=["LDTT"])))
    assert "&lt;b&gt;Ngọc&lt;/b&gt; &amp; co" in html and "<b>Ngọc</b>" not in html


def test_the_packet_in_english(evaluations: dict[int, Evaluation]) -> None:
    html = render_html(build_packet(evaluations[2024], "en"))
    assert '<html lang="en">' in html
    assert "(CSTDCS)" not in html and "31 December 2024" in html  # names, not ids; English dates
    for words in ("Emulation and Commendation Council meeting packet", "2. Grassroots Emulation Fighter</h2>",
                  "Vote: at least 80% of all council members must vote yes [NĐ 98/2023/NĐ-CP, Điều 30, khoản 7]",
                  "Vote: no vote threshold is set", "Not eligible (", "Summary of achievements",
                  "Completed tasks excellently in 2024", "value: reprimand; required = none"):
        assert words in html, words
    for words in ("Danh sách đề nghị", "Biểu quyết", "Tóm tắt thành tích", "Không đủ điều kiện"):
        assert words not in html, words


# ---------------------------------------------------------------- the command


def test_report_writes_the_packet_says_where_on_stderr_and_nothing_on_stdout(tmp_path: Path) -> None:
    out = tmp_path / "hop-hoi-dong-2024.html"
    result = invoke("report", DEPARTMENT, "--period", 2024, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"Đã ghi {out}: 7 danh hiệu, hình thức; 58 đề nghị\n"
    assert "Phan Thị Bích Ngọc" in out.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left beside it


@pytest.mark.parametrize("suffix", [".html", ".xlsx", ".pdf"])
def test_report_writes_over_its_own_file_and_an_empty_one_but_no_other_unless_forced(tmp_path: Path,
                                                                                     suffix: str) -> None:
    out = tmp_path / f"hop{suffix}"
    out.write_bytes(b"")  # as tempfile.NamedTemporaryFile leaves it: nothing to lose
    assert invoke("report", SMALL, "--period", 2024, "--out", out).exit_code == 0
    assert invoke("report", SMALL, "--period", 2024, "--out", out).exit_code == 0  # its own file, run again
    mine = tmp_path / f"mine{suffix}"
    mine.write_bytes(b"USERDATA")
    refused = invoke("report", SMALL, "--period", 2024, "--out", mine)
    assert refused.exit_code == 2 and "không phải do ktrules ghi" in refused.output
    assert mine.read_bytes() == b"USERDATA"
    assert invoke("report", SMALL, "--period", 2024, "--out", mine, "--force").exit_code == 0


def test_a_proposal_workbook_saved_by_someone_since_is_no_longer_replaced(tmp_path: Path) -> None:
    out = tmp_path / "de-nghi.xlsx"
    assert invoke("report", SMALL, "--period", 2024, "--out", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    book["LĐTT"]["A20"] = "Ghi chú của thư ký"
    book.properties.lastModifiedBy = "Thư ký"  # as Excel or LibreOffice saves it
    book.save(out)
    refused = invoke("report", DEPARTMENT, "--period", 2023, "--out", out)
    assert refused.exit_code == 2 and "không phải do ktrules ghi" in refused.output
    assert openpyxl.load_workbook(out)["LĐTT"]["A20"].value == "Ghi chú của thư ký"


def test_a_proposal_workbook_of_an_earlier_ktrules_is_still_replaced(tmp_path: Path) -> None:
    out = tmp_path / "de-nghi.xlsx"
    book = openpyxl.Workbook()
    book.properties.creator = "ktrules"  # as ktrules wrote it before it marked the last author: times equal
    book.properties.modified = book.properties.created
    book.save(out)
    assert invoke("report", SMALL, "--period", 2024, "--out", out).exit_code == 0


def test_the_same_run_writes_the_same_page_and_the_workbook_gives_the_same_as_the_yaml(tmp_path: Path) -> None:
    pages = []
    for i, source in enumerate((DEPARTMENT, DEPARTMENT, DEPARTMENT_XLSX)):
        out = tmp_path / f"{i}.html"
        result = invoke("report", source, "--period", 2024, "--out", out, "--award", "CSTDCS", "--award", "TTLDXS")
        assert result.exit_code == 0, result.output
        pages.append(out.read_bytes())
    assert pages[0] == pages[1] == pages[2]
    assert [s.decode() for s in re.findall(rb'<section class="award" id="(\w+)"', pages[0])] == ["CSTDCS", "TTLDXS"]


def test_the_xlsx_report_is_the_proposal_list_one_sheet_per_award(tmp_path: Path) -> None:
    out = tmp_path / "ket-qua-2024.xlsx"
    result = invoke("report", DEPARTMENT, "--period", 2024, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    book = openpyxl.load_workbook(out)
    # sheets by short names; awards with no proposal (Cờ thi đua: incomplete only) get no empty sheet
    assert book.sheetnames == ["LĐTT", "CSTĐCS", "TTLĐTT", "TTLĐXS", "CSTĐ tỉnh", "Bằng khen tỉnh"]
    sheet = book["CSTĐCS"]
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH – SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH BÌNH ĐỊNH"
    assert sheet["A2"].value == "DANH SÁCH ĐỀ NGHỊ: CHIẾN SĨ THI ĐUA CƠ SỞ" and sheet["A3"].value.startswith("Năm 2024")
    header = [c.value for c in sheet[5]]
    assert header == ["STT", "Họ và tên", "Đơn vị", "Danh hiệu / hình thức", "Tóm tắt thành tích",
                      "Số phiếu đồng ý", "Tỷ lệ %", "Tiền thưởng"]
    assert all(c.font.bold for c in sheet[5]) and sheet.print_title_rows == "$5:$5"
    assert sheet.freeze_panes == "A6"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
    listed, total = rows[:-1], rows[-1]
    assert len(listed) == 14 and [r[0] for r in listed] == list(range(1, 15))
    # the 2024 CSTĐCS has no quota: listed by unit, in the order of listings (units by id), not by score
    units = [u.name for u in load_dataset(DEPARTMENT).units_in_order()]
    assert [units.index(r[2]) for r in listed] == sorted(units.index(r[2]) for r in listed)
    ngoc = next(r for r in listed if r[1] == "Phan Thị Bích Ngọc")
    assert ngoc[2:4] == ["Phòng Quản lý khoa học", "Chiến sĩ thi đua cơ sở"]
    assert ngoc[4].endswith("(tính cho Bằng khen cấp bộ, ban, ngành, tỉnh)")  # her sáng kiến of 2024 is her Bằng khen's
    first = listed[0]
    # the vote is left to fill, its share computed from the council's 9 members; money per person and in total
    assert first[5] is None and first[6] == '=IF(F6="","",F6/9)'
    assert all(isinstance(r[7], int) and r[7] > 0 for r in listed) and total[1] == "Tổng cộng"
    assert total[7] == sum(r[7] for r in listed) and sheet["H6"].number_format == "#,##0"
    assert all(sheet[f"{c}6"].border.left.style == "thin" for c in "ABCDEFGH")
    # rows grow with their wrapped summary, so printed text does not run over the next row
    longest = max(range(6, 6 + len(listed)), key=lambda r: len(sheet[f"E{r}"].value))
    assert len(sheet[f"E{longest}"].value) > 2 * 60 and sheet.row_dimensions[longest].height >= 3 * 15
    assert sheet["E6"].alignment.wrap_text and sheet.column_dimensions["E"].width >= 60
    assert [c.value for c in book["TTLĐTT"][5]][1] == "Tên tập thể"
    # the notes give no reward for an individual's Bằng khen: a dash, and a total that says what it leaves out
    merit = [[c.value for c in row] for row in book["Bằng khen tỉnh"].iter_rows(min_row=6)]
    amounts = [r[7] for r in merit[:-1]]
    assert amounts[1] == "—" and amounts[0] == amounts[2] > 0
    assert merit[-1][7] == f"{money(2 * amounts[0], 'vi')}, chưa gồm 1 đề nghị chưa xác định được mức tiền thưởng"


def test_the_xlsx_report_in_english(tmp_path: Path) -> None:
    out = tmp_path / "proposal.xlsx"
    assert invoke("report", DEPARTMENT, "--period", 2023, "--out", out, "--lang", "en", "--award",
                  "CSTDCS").exit_code == 0
    sheet = openpyxl.load_workbook(out)["Grassroots Emulation Fighter"]
    assert [c.value for c in sheet[5]] == ["No.", "Full name", "Unit", "Award", "Summary of achievements",
                                           "Votes in favour", "Share %", "Reward"]
    assert sheet["D6"].value == "Grassroots Emulation Fighter" and sheet.max_row == 5 + 6 + 1  # quota 6, total


@pytest.mark.parametrize("name", ["hop-hoi-dong.docx", "hop-hoi-dong", "hop.HTML.bak"])
def test_an_unknown_suffix_is_refused_on_one_line_before_anything_is_read(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    result = invoke("report", tmp_path / "not-there.yaml", "--period", 2024, "--out", out)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Lỗi: {out}: ")
    stem = name.split(".")[0]
    assert f"--out {stem}.html hoặc {stem}.pdf (hồ sơ họp Hội đồng) hoặc --out {stem}.xlsx" in result.stderr
    assert not out.exists()


def test_an_upper_case_suffix_is_accepted(tmp_path: Path) -> None:
    out = tmp_path / "HOP.HTML"
    assert invoke("report", DEPARTMENT, "--period", 2024, "--out", out, "--award", "TTLDXS").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_failed_write_leaves_the_earlier_file_whole_and_no_partial_file(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "ket-qua.xlsx"
    out.write_bytes(b"the earlier proposal")

    def broken_save(self: Any, target: Any) -> None:
        Path(target).write_bytes(b"PK half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    result = invoke("report", DEPARTMENT, "--period", 2024, "--out", out, "--award", "TTLDXS", "--force")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "đĩa đã đầy" in result.stderr  # the system's reason in the user's words
    assert out.read_bytes() == b"the earlier proposal"
    assert [p.name for p in tmp_path.iterdir()] == ["ket-qua.xlsx"]


def test_a_folder_that_does_not_exist_is_a_one_line_error(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "hop.html"
    result = invoke("report", DEPARTMENT, "--period", 2024, "--out", out, "--award", "TTLDXS")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and str(out) in result.stderr
    assert not out.parent.exists()


def test_on_a_terminal_the_progress_bar_goes_to_stderr_and_stdout_stays_empty(tmp_path: Path) -> None:
    out = tmp_path / "hop.html"
    terminal, side = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "ktrules", "report", str(DEPARTMENT), "--period", "2024",
                               "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=side, timeout=120,
                              env={**os.environ, "COLUMNS": "100"})
        os.close(side)
        shown = b""
        while chunk := _read(terminal):
            shown += chunk
    finally:
        os.close(terminal)
    assert done.returncode == 0
    assert done.stdout == b""
    text = shown.decode()
    assert "Xếp thứ tự" in text and "100%" in text and f"Đã ghi {out}" in text


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the other end closed: Linux reports EIO
        return b""


def test_with_no_one_to_consider_the_packet_and_the_workbook_say_so(tmp_path: Path) -> None:
    # nobody in the department is eligible or incomplete for the Prime Minister's Bằng khen in 2024
    for name in ("hop.html", "ket-qua.xlsx"):
        result = invoke("report", DEPARTMENT, "--period", 2024, "--out", tmp_path / name, "--award", "BANG_KHEN_TTG")
        assert result.exit_code == 0 and "0 danh hiệu, hình thức; 0 đề nghị" in result.stderr
    assert "Năm 2024 không có ai đủ điều kiện hoặc thiếu dữ liệu" in (tmp_path / "hop.html").read_text(encoding="utf-8")
    book = openpyxl.load_workbook(tmp_path / "ket-qua.xlsx")
    assert book.sheetnames == ["Không có đề nghị"]


def test_every_word_the_packet_builds_from_a_value_is_in_the_catalogue() -> None:
    from typing import get_args

    from ktrules.common.messages import LANGS, t
    from ktrules.common.vocabulary import InitiativeKind, Rating, Scope

    for lang in LANGS:
        for rating in get_args(Rating):
            assert "2024" in t(f"packet.rating.{rating}", lang, year=2024)
        for kind in get_args(InitiativeKind):
            assert "T" in t(f"packet.initiative.{kind}", lang, scope="s", year=2024, title="T")
        for scope in get_args(Scope):
            assert t(f"packet.scope.{scope}", lang)
        for kind in ("individual", "collective", "both"):
            assert t(f"packet.col.name.{kind}", lang)


def test_as_of_picks_the_rules_and_dates_the_packet(tmp_path: Path) -> None:
    # a 2023 dossier submitted after the change of regime is judged by the 2024 rules
    out = tmp_path / "hop-2023.html"
    result = invoke("report", DEPARTMENT, "--period", 2023, "--as-of", "2024-02-01", "--out", out, "--award", "CSTDCS")
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Kết quả xét theo quy định vn/2024, áp dụng ngày 01/02/2024" in html
    assert "Nghị định số 98/2023/NĐ-CP" in html and "Năm 2023" in html


def test_the_marks_are_explained_before_the_lists_that_carry_them(evaluations: dict[int, Evaluation]) -> None:
    html = render_html(build_packet(evaluations[2024]))
    first_list = html.index('<section class="award"')
    assert html.index("tiêu chí định tính mặc nhiên đạt") < first_list
    assert html.index("chưa kiểm chứng từ văn bản luật:") < first_list


def test_a_subject_proposed_for_two_forms_of_commendation_is_named_for_the_council(packet_2024: Packet) -> None:
    # one achievement earns one award (Luật TĐKT 2022, Điều 5): the council weighs a Bằng khen and a Giấy
    # khen of one year for the same unit
    merit = next(s for s in packet_2024.sections if s.award == "BANG_KHEN_TINH")
    certificate = dataclasses.replace(merit, award="GIAY_KHEN", name="Giấy khen")
    said = twice_commended((merit, certificate), "vi")
    unit = merit.proposed[0].name
    assert len(said) == 1 and f"{unit} (Bằng khen cấp bộ, ban, ngành, tỉnh, Giấy khen)" in said[0]
    assert "Điều 5" in said[0] and twice_commended((merit,), "vi") == []


def test_papers_of_one_award_cite_the_sang_kien_a_run_of_every_award_leaves_it(tmp_path: Path) -> None:
    """--award CSTDCS evaluates the awards that spend sáng kiến too: p13's sáng kiến of 2024 is her Bằng
    khen's in the list of CSTĐCS alone as in the full one, and an LĐTT list cites none the titles spend."""
    summaries = {}
    for name, awards in (("all", ()), ("cstdcs", ("--award", "CSTDCS")), ("ldtt", ("--award", "LDTT"))):
        out = tmp_path / f"{name}.xlsx"
        result = invoke("report", DEPARTMENT, "--period", 2024, "--out", out, *awards)
        assert result.exit_code == 0, result.output
        book = openpyxl.load_workbook(out)
        summaries[name] = {sheet: {r[1].value: r[4].value for r in book[sheet].iter_rows(min_row=6) if r[0].value}
                           for sheet in book.sheetnames}
    assert list(summaries["cstdcs"]) == ["CSTĐCS"] and list(summaries["ldtt"]) == ["LĐTT"]
    assert summaries["cstdcs"]["CSTĐCS"] == summaries["all"]["CSTĐCS"]
    assert summaries["ldtt"]["LĐTT"] == summaries["all"]["LĐTT"]
    assert summaries["cstdcs"]["CSTĐCS"]["Phan Thị Bích Ngọc"].endswith("(tính cho Bằng khen cấp bộ, ban, ngành, tỉnh)")


@SETTINGS
@given(departments())
def test_the_papers_of_one_award_cite_what_a_run_of_every_award_cites(data: dict) -> None:
    records = Dataset.model_validate(data)
    everything = evaluate(records, 2024)
    for award in dict.fromkeys(v.award for v in everything.verdicts):
        alone = evaluated_for_papers(records, 2024, [award])
        assert {v.award for v in alone.verdicts} == {award} and alone.awards == (award,)
        for verdict in alone.verdicts:
            assert initiatives_cited(alone, verdict) == initiatives_cited(everything,
                                                                         everything.get(verdict.subject, award))

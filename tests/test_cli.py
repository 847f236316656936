"""The commands as a secretary runs them: output, formats, languages, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import yaml
from click.testing import CliRunner

from ktrules.cli import cli
from tests.conftest import DEPARTMENT, FIXTURES, ROOT, SMALL


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_check_prints_a_table_with_heading_and_summary_in_vietnamese():
    result = invoke("check", DEPARTMENT, "--period", "2024")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Sở Khoa học và Công nghệ tỉnh Bình Định, năm 2024: quy định vn/2024")
    assert "Kết quả" in lines[2] and "Đủ điều kiện" in result.output and "Thiếu dữ liệu" in result.output
    summary = next(i for i, line in enumerate(lines) if line.startswith("Tổng cộng"))
    assert lines[summary + 1:] and all(line.startswith("Lưu ý") for line in lines[summary + 1:])  # the notices last


def test_check_in_english():
    result = invoke("check", SMALL, "--period", "2024", "--lang", "en", "--award", "LDTT")
    assert result.exit_code == 0
    assert "Eligible" in result.output and "Advanced Worker" in result.output and "Đủ" not in result.output


def test_check_json_has_the_contract_fields():
    result = invoke("check", SMALL, "--period", "2024", "--format", "json")
    rows = json.loads(result.stdout)
    assert {(r["subject"], r["award"]) for r in rows} >= {("p01", "LDTT"), ("vp", "TTLDXS")}
    for r in rows:
        assert {"subject", "award", "period", "verdict", "rules_version", "criteria"} <= r.keys()
        for c in r["criteria"]:
            assert {"id", "text", "cite", "result", "evidence"} <= c.keys()


def test_check_csv_one_row_per_subject_and_award_filtered():
    result = invoke("check", DEPARTMENT, "--period", "2024", "--format", "csv", "--award", "LDTT",
                    "--subject", "p22", "--subject", "p29")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # rows follow unit ids (kh-tc before qlcn), not the order of the file (docs/verdicts.md)
    assert [(r["subject"], r["award"], r["verdict"]) for r in rows] == [
        ("p29", "LDTT", "eligible"), ("p22", "LDTT", "not_eligible")]
    assert rows[1]["reasons"] == "Không bị kỷ luật trong năm xét tặng (khiển trách)"  # the words, not the id


def test_explain_shows_every_criterion_with_values_citation_and_version():
    result = invoke("explain", DEPARTMENT, "--period", "2024", "--subject", "p22", "--award", "LDTT")
    assert result.exit_code == 0
    out = result.output
    assert "Kết quả: Không đủ điều kiện" in out and "vn/2024" in out
    for cid in ("rating", "chap_hanh", "recruited_6_months", "months_at_work", "no_discipline", "khong_dang_xem_xet"):
        assert f"[{cid}]" in out
    assert "khiển trách 16/09/2024" in out  # the value read, its date as a Vietnamese reader writes it
    assert "chưa kiểm chứng" in out  # an unverified reading says so
    assert "mặc nhiên đạt" in out  # a presumed qualitative criterion says so
    assert "TT 01/2024/TT-BNV, Điều 1, khoản 5, điểm d" in out


def test_explain_json_and_english():
    result = invoke("explain", SMALL, "--period", "2024", "--subject", "p01", "--format", "json", "--lang", "en")
    rows = json.loads(result.stdout)
    labels = {r["award"]: r["verdict_label"] for r in rows}
    assert labels["LDTT"] == labels["CSTDCS"] == "Eligible"


def test_explain_a_subject_without_a_record_that_year_is_an_error():
    result = invoke("explain", SMALL, "--period", "2024", "--subject", "p03", "--lang", "en")
    assert result.exit_code == 2 and "no verdict for 2024" in result.output


def test_explain_a_person_for_a_collective_s_award_says_so():
    result = invoke("explain", SMALL, "--period", "2024", "--subject", "p01", "--award", "TTLDTT", "--lang", "en")
    assert result.exit_code == 2 and "TTLDTT is a collective's award; 'p01' is a person" in result.output


def test_bad_input_exits_2_with_one_line_and_nothing_on_stdout(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.read_text(encoding="utf-8").replace("rating: HTXS", "rating: XS", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(bad), "--period", "2024", "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and f"{bad}:12:" in result.stderr


def test_no_rule_version_for_the_period_exits_2():
    result = invoke("check", SMALL, "--period", "2016", "--lang", "en")
    assert result.exit_code == 2 and "no rule version" in result.stderr


def test_test_command_counts_and_exits_by_result(write):
    passing = invoke("test", FIXTURES / "cases" / "contract-example.yaml")
    assert passing.exit_code == 0 and passing.output.strip().endswith("1 passed, 0 failed")
    wrong = write("cases/wrong.yaml", (FIXTURES / "cases" / "contract-example.yaml").read_text(encoding="utf-8")
                  .replace("dataset: ../datasets/small.yaml", f"dataset: {SMALL}")
                  .replace("award: LDTT, verdict: eligible", "award: LDTT, verdict: incomplete"))
    failing = invoke("test", wrong.parent)
    assert failing.exit_code == 1
    assert "SAI " in failing.output and "p01 LDTT: cần thiếu dữ liệu, kết quả đủ điều kiện" in failing.output
    assert failing.output.strip().endswith("0 passed, 1 failed")  # the contract's words, in every language
    english = invoke("test", wrong.parent, "--lang", "en")
    assert "FAILED " in english.output and "p01 LDTT: expected incomplete, got eligible" in english.output


def test_schema_prints_the_rule_version_json_schema():
    schema = json.loads(invoke("schema").output)
    assert {"version", "effective_from", "awards", "facts"} <= set(schema["properties"])


def test_every_command_has_help_with_an_example():
    for name, command in cli.commands.items():
        assert "Example:" in (command.help or ""), name


def test_every_message_key_the_code_builds_exists():
    import re
    from pathlib import Path

    from ktrules.common import messages
    from ktrules.engine import facts
    source = Path(facts.__file__).read_text(encoding="utf-8")
    kinds = set(re.findall(r'\(\("([a-z_]+)"', source)) | set(re.findall(r'\("([a-z_]+)", ', source))
    kinds |= {f"leave.{k}" for k in ("maternity", "training", "duty_injury", "sick", "unpaid")}
    kinds |= {f"discipline.{k}" for k in ("khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc",
                                          "buoc_thoi_viec")}
    kinds |= {f"verdict.{k}" for k in ("eligible", "not_eligible", "incomplete", "none")}
    notes = set(re.findall(r'note="([a-z_]+)"', source))
    for kind in kinds:
        assert messages.t(f"ev.{kind}", "vi", v="x")
    for note in notes:
        assert messages.t(f"note.{note}", "en")


def test_rules_lists_each_award_of_the_version_with_its_criteria_in_short():
    rows = json.loads(invoke("rules", "--period", "2024", "--format", "json", "--lang", "en").output)
    awards = {r["award"]: r for r in rows}
    assert set(awards) >= {"LDTT", "CSTDCS", "TTLDTT", "TTLDXS", "CSTD_TINH", "BANG_KHEN_TINH", "GIAY_KHEN"}
    assert "rating ≥ HTT" in awards["LDTT"]["criteria"]
    assert "months_at_work ≥ 6 months†" in awards["LDTT"]["criteria"]  # an unverified reading is marked
    assert "members_ldtt ≥ 70%" in awards["TTLDTT"]["criteria"]  # a share as a percentage, not 0.7
    assert awards["GIAY_KHEN"]["criteria"].startswith("individual: ")


def test_explain_gives_months_and_years_with_their_unit_and_awards_by_name():
    result = invoke("explain", DEPARTMENT, "--period", "2024", "--subject", "p05")
    assert result.exit_code == 0, result.output
    assert "Giá trị đọc được: 105 tháng; yêu cầu ≥ 6 tháng" in result.output  # months since recruitment
    assert "trong khoảng 0 đến 1 lần; yêu cầu ≥ 3 lần" in result.output  # a run of CSTĐCS still open
    assert "Dữ liệu: Lao động tiên tiến: thiếu dữ liệu" in result.output  # not "LDTT: ..."
    assert "chưa xác định năm 2024" in result.output


def test_check_table_names_each_persons_unit():
    result = invoke("check", DEPARTMENT, "--period", "2024", "--subject", "p08", "--award", "LDTT")
    assert result.exit_code == 0, result.output
    assert "Thanh tra Sở" in result.output and " ttra " not in result.output
    as_csv = invoke("check", DEPARTMENT, "--period", "2024", "--subject", "p08", "--award", "LDTT", "--format", "csv")
    assert ",ttra," in as_csv.output  # CSV keeps the id, for programs


def test_explain_names_a_units_members_as_a_council_member_reads_them():
    result = invoke("explain", DEPARTMENT, "--period", "2024", "--subject", "vp", "--award", "TTLDXS")
    assert result.exit_code == 0, result.output
    assert "chưa xác định: Võ Thị Kim Oanh (p05)" in result.output
    as_data = invoke("explain", DEPARTMENT, "--period", "2024", "--subject", "vp", "--award", "TTLDXS",
                     "--format", "json")
    assert "chưa xác định: p05" in as_data.output  # JSON keeps the ids, for a program


def test_a_missing_part_that_did_not_decide_a_criterion_is_said_to_make_no_difference():
    shown = invoke("explain", DEPARTMENT, "--period", "2024", "--subject", "vp", "--award", "TTLDXS", "--lang", "en")
    blocks = shown.output.split("\n? ") + shown.output.split("\n✓ ")
    undecided = next(b for b in blocks if b.startswith("Undecided: Every member"))
    passed = next(b for b in blocks if b.startswith("Passed: At least 70% of members"))
    assert "some members are undecided\n" in undecided  # the missing part is why: nothing added
    assert "some members are undecided (it does not decide this criterion)" in passed


def test_a_cell_with_a_line_break_stays_one_csv_cell_and_an_id_like_a_date_stays_an_id(tmp_path):
    data = yaml.safe_load(DEPARTMENT.read_text(encoding="utf-8"))
    next(p for p in data["people"] if p["id"] == "p13")["name"] = "Phan Thị\nBích Ngọc"  # Alt+Enter in Excel
    next(i for i in data["initiatives"] if i["id"] == "sk-2022-03")["id"] = "sk-2022-13-45"
    for conferral in data["conferred"]:
        conferral["initiatives"] = [x.replace("sk-2022-03", "sk-2022-13-45") for x in conferral.get("initiatives", [])]
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = invoke("check", path, "--period", "2024", "--format", "csv", "--subject", "p13")
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert {len(r) for r in rows} == {10} and rows[1][1] == "Phan Thị\nBích Ngọc"
    explained = invoke("explain", path, "--period", "2022", "--subject", "p13", "--award", "CSTDCS")
    assert explained.exit_code == 0, explained.output
    assert "sk-2022-13-45" in explained.output


def test_a_share_of_members_reads_as_a_percentage_as_the_packet_writes_it():
    shown = invoke("explain", DEPARTMENT, "--period", "2024", "--subject", "vp", "--award", "TTLDXS").output
    assert "Giá trị đọc được: trong khoảng 71,4% đến 85,7%; yêu cầu ≥ 70%" in shown
    table = invoke("check", DEPARTMENT, "--period", "2024", "--subject", "ccdl", "--award", "TTLDTT").output
    assert "(50%)" in " ".join(table.split())


def test_someone_without_a_record_of_the_year_is_named_not_left_out_silently(write):
    # p05 is on the staff list and was rated in 2023, but her 2024 row was forgotten: she would not count
    # in her unit's share of LĐTT, and the unit's verdict could change without a word
    text = SMALL.read_text(encoding="utf-8").replace(
        "  - {id: p04,", "  - {id: p05, name: \"Lý Thị Mơ\", unit: vp}\n  - {id: p04,").replace(
        "records:\n", "records:\n  - {subject: p05, year: 2023, rating: HTT}\n")
    result = invoke("check", write("records.yaml", text), "--period", "2024")
    assert result.exit_code == 0, result.output
    assert "không có bản ghi xếp loại năm 2024" in result.output and "Lý Thị Mơ (p05)" in result.output


def test_the_notice_of_a_forgotten_row_concerns_the_subjects_asked_for(write):
    text = SMALL.read_text(encoding="utf-8").replace(
        "  - {id: p04,", "  - {id: p05, name: \"Lý Thị Mơ\", unit: vp}\n  - {id: p04,").replace(
        "records:\n", "records:\n  - {subject: p05, year: 2023, rating: HTT}\n")
    path = write("records.yaml", text)
    for subject in ("p05", "vp"):  # herself, and the unit whose shares she is missing from
        assert "Lý Thị Mơ (p05)" in invoke("check", path, "--period", "2024", "--subject", subject).output
    assert "Lý Thị Mơ" not in invoke("check", path, "--period", "2024", "--subject", "p01").output


def test_a_mistyped_campaign_id_is_named_with_the_id_meant(write):
    # the achievements of 'ntm-khanh-hoa-2021-2026' are read by no campaign's criteria: vp loses its reward
    campaign = FIXTURES / "datasets" / "campaigns" / "ntm-khanh-hoa-2021-2025.yaml"
    text = campaign.read_text(encoding="utf-8").replace("campaign: ntm-khanh-hoa-2021-2025",
                                                         "campaign: ntm-khanh-hoa-2021-2026")
    result = invoke("check", write("typo.yaml", text), "--period", "2023", "--campaign", "ntm-khanh-hoa-2021-2025",
                    "--format", "csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "no rule pack holds" in result.stderr and "'ntm-khanh-hoa-2021-2026' (" in result.stderr
    assert "did you mean 'ntm-khanh-hoa-2021-2025'" in result.stderr and "Note" not in result.stdout


def test_a_year_before_the_records_start_names_no_one_as_forgotten(write):
    result = invoke("check", SMALL, "--period", "2022")
    assert result.exit_code == 1 and "không có bản ghi xếp loại năm" not in result.output, result.output


def test_explain_shows_leave_that_does_not_count_as_read(write):
    text = SMALL.read_text(encoding="utf-8").replace(
        "{subject: p01, year: 2024, rating: HTXS, months_worked: 12}",
        "{subject: p01, year: 2024, rating: HTXS, months_worked: 5, leave: [{kind: sick, months: 7}]}")
    result = invoke("explain", write("records.yaml", text), "--period", "2024", "--subject", "p01", "--award", "LDTT")
    assert "Dữ liệu: làm việc 5 tháng, nghỉ ốm 7 tháng, không tính" in result.output, result.output


def test_explain_writes_months_with_the_decimal_comma_in_vietnamese(write):
    text = SMALL.read_text(encoding="utf-8").replace("months_worked: 7, leave: [{kind: maternity, months: 5}]",
                                                     "months_worked: 6.5, leave: [{kind: maternity, months: 4.5}]")
    path = write("records.yaml", text)
    said = invoke("explain", path, "--period", "2024", "--subject", "p02", "--award", "LDTT").output
    assert "Giá trị đọc được: 11 tháng" in said and "Dữ liệu: làm việc 6,5 tháng, nghỉ thai sản 4,5 tháng" in said, said
    english = invoke("explain", path, "--period", "2024", "--subject", "p02", "--award", "LDTT", "--lang", "en").output
    assert "Records: worked 6.5 months, maternity leave 4.5 months" in english, english


def test_months_recruited_this_year_are_read_from_recruitment_and_more_months_are_named(write):
    # recruited on 1 May: eight months on the staff, so three of sick leave leave five at work
    text = SMALL.read_text(encoding="utf-8").replace("recruited: 2018-09-01", "recruited: 2024-05-01").replace(
        "months_worked: 7, leave: [{kind: maternity, months: 5}]", "leave: [{kind: sick, months: 3}]")
    said = invoke("explain", write("records.yaml", text), "--period", "2024", "--subject", "p02", "--award", "LDTT")
    assert "Giá trị đọc được: 5 tháng; yêu cầu ≥ 6 tháng" in said.output, said.output
    assert "Dữ liệu: tuyển dụng ngày 01/05/2024, nghỉ ốm 3 tháng, không tính" in said.output
    assert "tính từ ngày tuyển dụng đến hết năm" in said.output
    # twelve months of work written for her are more than the eight since, and said so under check's table
    more = invoke("check", write("more.yaml", text.replace("leave: [{kind: sick, months: 3}]", "months_worked: 12")),
                  "--period", "2024")
    assert ("Trần Thị Bích (p02): 12 tháng, tuyển dụng ngày 01/05/2024 (8 tháng). Kiểm tra lại ngày tuyển dụng "
            "hoặc số tháng.") in more.output, more.output
    # recruited mid-month, the month of recruitment counts whole: 15/08 to the year's end holds 4,5 months
    mid = text.replace("recruited: 2024-05-01", "recruited: 2024-08-15").replace(
        "leave: [{kind: sick, months: 3}]", "months_worked: 4.5")
    assert "nhiều hơn số tháng" not in invoke("check", write("mid.yaml", mid), "--period", "2024").output
    one = text.replace("recruited: 2024-05-01", "recruited: 2024-12-01").replace(
        "leave: [{kind: sick, months: 3}]", "months_worked: 1, leave: [{kind: sick, months: 0.5}]")
    said = invoke("check", write("one.yaml", one), "--period", "2024", "--lang", "en").output
    assert "Trần Thị Bích (p02): 1.5 months, recruited 1 December 2024 (1 month)." in said, said


def test_a_discipline_dated_in_another_year_than_its_row_is_named(write):
    # a mistyped year: the reprimand counts in 2023, its date's year, and p01 stays eligible for 2024
    text = SMALL.read_text(encoding="utf-8").replace(
        "{subject: p01, year: 2024, rating: HTXS, months_worked: 12}",
        "{subject: p01, year: 2024, rating: HTXS, months_worked: 12,\n"
        "     discipline: [{level: canh_cao, date: 2023-06-05}]}")
    result = invoke("check", write("records.yaml", text), "--period", "2024")
    assert "Nguyễn Thị An (p01), cảnh cáo 05/06/2023 ghi ở dòng năm 2024, tính vào năm 2023" in result.output


def test_the_records_notice_does_not_depend_on_the_order_of_the_file(write):
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["people"] += [{"id": f"n{i}", "name": f"Người {i}", "unit": "vp"} for i in range(12)]  # no records
    shown = []
    for people in (data["people"], list(reversed(data["people"]))):
        path = write("records.yaml", yaml.safe_dump({**data, "people": people}, allow_unicode=True))
        shown.append([line for line in invoke("check", path, "--period", "2024").output.splitlines()
                      if line.startswith("Lưu ý")])
    assert shown[0] == shown[1] and "Người 0 (n0)" in shown[0][0] and "và 3 người khác" in shown[0][0]


def test_rank_writes_scores_with_the_readers_decimal_mark():
    vi = invoke("rank", DEPARTMENT, "--period", "2023", "--award", "TTLDXS").stdout
    en = invoke("rank", DEPARTMENT, "--period", "2023", "--award", "TTLDXS", "--lang", "en").stdout
    assert " 10,75 " in vi and " 10.75 " not in vi and " 10.75 " in en
    assert '"score": 10.75' in invoke("rank", DEPARTMENT, "--period", "2023", "--award", "TTLDXS", "--format",
                                      "json").stdout  # a program reads a number


def test_rank_for_a_year_without_records_says_so_and_exits_1_as_check_does():
    ranked = invoke("rank", DEPARTMENT, "--period", "2030", "--award", "CSTDCS")
    assert ranked.exit_code == 1 and "Không có ai đủ điều kiện Chiến sĩ thi đua cơ sở năm 2030" in ranked.stdout
    assert ranked.stderr == invoke("check", DEPARTMENT, "--period", "2030").stderr.splitlines()[-1] + "\n"
    assert "hồ sơ có các năm 2021–2025" in ranked.stderr


def test_a_members_discipline_is_read_by_the_members_name():
    shown = invoke("explain", DEPARTMENT, "--period", "2024", "--subject", "qlcn", "--award", "TTLDTT").output
    assert "Dữ liệu: khiển trách Vũ Thị Hải Yến (p22): 16/09/2024" in shown, shown


def test_a_run_of_years_names_ratings_and_awards_by_their_words():
    shown = invoke("explain", DEPARTMENT, "--period", "2024", "--subject", "p13").output
    assert "đạt năm 2023: Hoàn thành xuất sắc nhiệm vụ" in shown and ": HTXS" not in shown
    assert "đạt năm 2024: Chiến sĩ thi đua cơ sở (đủ điều kiện trong lần xét này)" in shown


def _process(*args: object, **options: object) -> subprocess.CompletedProcess:
    """`ktrules` as its own process, which ends without freeing what it loaded (`cli.main`)."""
    return subprocess.run([sys.executable, "-m", "ktrules", *map(str, args)], capture_output=True, cwd=ROOT,
                          **options)  # type: ignore[call-overload]


def test_a_process_writes_everything_before_it_ends_and_keeps_its_exit_codes():
    args = ("check", DEPARTMENT, "--period", "2024", "--format", "json")
    ran, within = _process(*args), CliRunner().invoke(cli, [str(a) for a in args])
    assert ran.returncode == 0 and ran.stdout.decode() == within.stdout and ran.stdout.endswith(b"]\n")
    assert ran.stderr.decode() == within.stderr and "Lưu ý" in within.stderr  # the notices, after the rows
    nothing = _process("check", SMALL, "--period", "2019", "--format", "csv")
    assert nothing.returncode == 1 and nothing.stderr.decode().startswith("không có kết quả nào cho năm 2019")
    # refused once the records are read: the exit code goes through the process's own end
    refused = _process("check", SMALL, "--period", "2024", "--award", "NOPE")
    assert refused.returncode == 2 and refused.stdout == b"" and refused.stderr.decode().startswith("Lỗi:")


def test_a_process_whose_output_is_closed_from_the_start_ends_as_it_did(tmp_path):
    """`ktrules check … >&-`: Python gives no stdout at all, and the process still ends with 0, or 2 when
    refused; `report … 2>&-` still writes its packet, with no progress bar to show."""
    command = f"{sys.executable} -m ktrules check {SMALL} --period 2024 --format csv"
    for closed, code in (("", 0), (" --award NOPE", 2)):
        ran = subprocess.run(["sh", "-c", command + closed + " >&-"], capture_output=True, cwd=ROOT)
        assert ran.returncode == code and "Traceback" not in ran.stderr.decode(), ran.stderr.decode()
    out = tmp_path / "packet.html"
    report = f"{sys.executable} -m ktrules report {DEPARTMENT} --period 2024 --out {out} --decision-date 2025-01-15"
    assert subprocess.run(["sh", "-c", report + " 2>&-"], cwd=ROOT).returncode == 0 and out.stat().st_size > 0

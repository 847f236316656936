"""What a user who gives a wrong input or output sees: one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from click.testing import CliRunner

from ktrules import DEFAULT_RULES, load_dataset
from ktrules.cli import cli
from ktrules.documents.records_files import dataset_to_csv
from tests.conftest import DEPARTMENT, FIXTURES, ROOT, SMALL, today_is


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_refused(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.startswith(("Lỗi: ", "Error: ")) and result.output.count("\n") == 1, result.output
    for word in words:
        assert word in result.output


# ---------------------------------------------------------------- output safety


def test_report_refuses_to_write_over_the_workbook_it_reads(tmp_path):
    book = tmp_path / "r.xlsx"
    shutil.copy(FIXTURES / "datasets" / "so-khcn-binh-dinh.xlsx", book)
    before = book.read_bytes()
    assert_refused(invoke("report", book, "--period", "2024", "--out", book), "--out")
    assert book.read_bytes() == before


def test_freeze_refuses_to_write_over_the_dataset_or_a_rule_file(tmp_path):
    data, rules = tmp_path / "small.yaml", tmp_path / "rules"
    shutil.copy(SMALL, data)
    shutil.copytree(ROOT / "rules", rules)
    before = data.read_bytes()
    assert_refused(invoke("freeze", data, "--period", "2024", "--out", data, "--lang", "en"),
                   "--out names a file ktrules reads")
    assert data.read_bytes() == before
    rule = rules / "vn" / "2024.yaml"
    rule_text = rule.read_bytes()
    assert_refused(invoke("freeze", data, "--period", "2024", "--rules", rules, "--out", rule), "--out")
    assert rule.read_bytes() == rule_text


def test_report_into_a_missing_folder_is_one_line(tmp_path):
    assert_refused(invoke("report", SMALL, "--period", "2024", "--out", tmp_path / "nowhere" / "x.html"),
                   "nowhere")


def test_check_csv_neutralises_a_name_a_spreadsheet_would_run(tmp_path):
    data = tmp_path / "d.yaml"
    data.write_text(SMALL.read_text(encoding="utf-8").replace('name: "Nguyễn Thị An"', 'name: "=1+1"'),
                    encoding="utf-8")
    result = invoke("check", data, "--period", "2024", "--format", "csv", "--subject", "p01")
    assert result.exit_code == 0 and "'=1+1" in result.output


# ---------------------------------------------------------------- input errors


def test_an_impossible_date_in_the_dataset_is_one_line_with_its_line(tmp_path):
    data = tmp_path / "d.yaml"
    data.write_text(SMALL.read_text(encoding="utf-8").replace("recruited: 2015-03-01", "recruited: 2024-02-30"),
                    encoding="utf-8")
    assert_refused(invoke("check", data, "--period", "2024", "--lang", "en"),
                   f"{data}:7: '2024-02-30' is not a date that exists")


def test_an_impossible_date_in_a_rule_file_fails_lint_and_check(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    rule = rules / "vn" / "2024.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("effective_from: 2024-01-01",
                                                             "effective_from: 2024-02-30"), encoding="utf-8")
    assert_refused(invoke("check", SMALL, "--period", "2024", "--rules", rules), f"{rule}:6: ", "2024-02-30")
    result = invoke("lint", rules, "--format", "csv")
    assert result.exit_code == 1 and "2024-02-30" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("text", "words"), [
    ('{"organization": ' + "[" * 50_000 + "]" * 50_000 + "}", ["64"]),
    ('{"organization": {"id": "o", "name": "x", "x": ' + "1" * 5000 + "}}", ["5000"]),
    ('{"organization": {"id": "o",\n "name": "x",\n "id": "p"}}', [":3: ", "'id'"]),
])
def test_a_json_dataset_that_python_cannot_hold_is_one_line(tmp_path, text, words):
    data = tmp_path / "d.json"
    data.write_text(text, encoding="utf-8")
    assert_refused(invoke("check", data, "--period", "2024"), *words)


@pytest.mark.parametrize("suffix", [".xls", ".xlsm", ".ods"])
def test_another_spreadsheet_format_is_asked_to_be_saved_as_xlsx(tmp_path, suffix):
    book = tmp_path / f"ho-so{suffix}"
    shutil.copy(SMALL, book)
    assert_refused(invoke("check", book, "--period", "2024", "--lang", "en"), "ho-so.xlsx", suffix)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_check_says_why_when_nothing_is_evaluated(fmt):
    result = invoke("check", SMALL, "--period", "2019", "--lang", "en", "--format", fmt)
    assert result.exit_code == 1, result.output
    assert result.stderr == "no verdict for 2019: no one has a record of that year; the records hold 2023–2024; " \
                            "fix --period\n"


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_check_exits_1_when_a_filter_matches_nothing(fmt):
    result = invoke("check", SMALL, "--period", "2024", "--subject", "p01", "--award", "TTLDXS", "--format", fmt,
                    "--lang", "en")
    assert result.exit_code == 1 and result.stderr.startswith("no verdict for 2024 matches --award and --subject")


# ---------------------------------------------------------------- language


@pytest.mark.parametrize(("lang", "words"), [("vi", "không có danh hiệu, hình thức 'LDTX'"),
                                             ("en", "unknown award 'LDTX'")])
def test_an_engine_error_speaks_the_language_asked_for(lang, words):
    assert_refused(invoke("check", SMALL, "--period", "2024", "--award", "LDTX", "--lang", lang), words)


@pytest.mark.parametrize(("lang", "words"), [("vi", "dòng 3, cột Xếp loại: 'Tốt' không phải là mức xếp loại"),
                                             ("en", "row 3, column Xếp loại: 'Tốt' is not a rating; use HTXS")])
def test_a_workbook_error_speaks_the_language_asked_for(tmp_path, lang, words):
    dataset_to_csv(load_dataset(SMALL), tmp_path)
    ratings = tmp_path / "Xếp loại.csv"
    ratings.write_text(ratings.read_text(encoding="utf-8-sig").replace("Hoàn thành tốt nhiệm vụ", "Tốt", 1),
                       encoding="utf-8-sig")
    assert_refused(invoke("check", tmp_path, "--period", "2024", "--lang", lang), words)


def test_a_json_dataset_nested_1000_levels_is_one_line(tmp_path):
    data = tmp_path / "d.json"
    data.write_text('{"organization": ' + "[" * 1000 + "]" * 1000 + "}", encoding="utf-8")
    assert_refused(invoke("check", data, "--period", "2024"), f"{data}:1: ")


# ---------------------------------------------------------------- localised validation (review fixes)


def _small_with(tmp_path, suffix: str = ".yaml", **change):
    """The small dataset with the first record (or, for `person`, the fourth person) changed."""
    import json

    import yaml

    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))
    for key, value in change.items():
        if key == "conferred":
            data.setdefault("conferred", []).append(value)
        elif key == "recruited":
            data["people"][3]["recruited"] = value
        else:
            data["records"][0][key] = value
    path = tmp_path / f"x{suffix}"
    path.write_text(json.dumps(data, ensure_ascii=False) if suffix == ".json"
                    else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "vi", "en"), [
    ({"months_worked": "abc"}, ["months_worked: phải là một số", "(giá trị: 'abc')"],
     ["months_worked: Input should be a valid number", "(given: 'abc')"]),
    ({"months_worked": -1}, ["phải lớn hơn hoặc bằng 0"], ["greater than or equal to 0"]),
    ({"rating": "Tốt"}, ["phải là một trong các giá trị 'HTXS', 'HTT', 'HT' hoặc 'KHT'", "có phải 'HTT'?"],
     ["Input should be 'HTXS', 'HTT', 'HT' or 'KHT'", "did you mean 'HTT'?"]),  # tốt: HTT, case aside
    ({"rating": "Giỏi"}, ["phải là một trong các giá trị 'HTXS', 'HTT', 'HT' hoặc 'KHT'", "dùng 'HTXS'"],
     ["Input should be 'HTXS', 'HTT', 'HT' or 'KHT'", "use 'HTXS', 'HTT', 'HT' or 'KHT'"]),
    ({"conferred": {"subject": "p1", "award": "CSTDC", "year": 2023}},
     ["'CSTDC' không phải mã danh hiệu"], ["'CSTDC' is not a national award id"]),
])
def test_validation_errors_speak_the_command_language(tmp_path, change, vi, en):
    path = _small_with(tmp_path, **change)
    said = invoke("check", path, "--period", "2024")
    assert_refused(said, "Lỗi: ", *vi)
    assert "Input should" not in said.output and "Value error" not in said.output and " or " not in said.output
    assert_refused(invoke("check", path, "--period", "2024", "--lang", "en"), "Error: ", *en)


def test_an_impossible_date_in_json_is_said_in_the_command_language(tmp_path):
    path = _small_with(tmp_path, ".json", recruited="2024-02-30")
    said = invoke("check", path, "--period", "2024")
    assert_refused(said, "people[3].recruited: phải là một ngày có thật", "'2024-02-30'")
    assert "day value" not in said.output
    assert_refused(invoke("check", path, "--period", "2024", "--lang", "en"),
                   "people[3].recruited: Input should be a date")


def test_a_syntax_error_names_the_parser_detail_after_a_label(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("units: [a, b\nrecords: 1\n", encoding="utf-8")
    said = invoke("check", path, "--period", "2024")
    assert_refused(said, "YAML sai cú pháp (thông báo gốc của bộ đọc, tiếng Anh: ")
    assert_refused(invoke("check", path, "--period", "2024", "--lang", "en"), "malformed YAML: ")


@pytest.mark.parametrize(("args", "vi", "en"), [
    (("check", SMALL, "--period", "1990"),
     ["không có phiên bản quy định nào của bộ 'vn' có hiệu lực ngày 31/12/1990", "chọn năm xét (period)"],
     ["no rule version of pack 'vn' is in force on 1990-12-31", "choose a period"]),
    (("check", SMALL, "--period", "2030", "--campaign", "dak-nong-20-nam"),
     ["phong trào 'dak-nong-20-nam' diễn ra từ năm 2022 đến năm 2023, không có năm 2030"],
     ["the campaign 'dak-nong-20-nam' runs 2022–2023, not in 2030"]),
    (("ballot", "--period", "2024", "--award", "LDTT", "--members", "9", "--yes", "7"),
     ["không đặt tỷ lệ phiếu cho Lao động tiên tiến", "các danh hiệu có tỷ lệ phiếu: CSTDCS"],
     ["set no vote threshold for Advanced Worker", "awards with a threshold: CSTDCS"]),
    (("ballot", "--period", "2024", "--award", "cstdcs", "--members", "9", "--yes", "7"),
     ["không có danh hiệu, hình thức 'cstdcs' trong quy định vn/2024", "có phải 'CSTDCS'?"],
     ["unknown award 'cstdcs' in rule version vn/2024", "did you mean 'CSTDCS'?"]),
    (("ballot", "--period", "2024", "--award", "CSTDCS", "--members", "9", "--yes", "10"),
     ["10 phiếu đồng ý trên 9 thành viên", "--yes từ 0 đến --members"],
     ["10 yes votes of 9 members is not a vote count"]),
])
def test_engine_and_council_errors_speak_the_command_language(args, vi, en):
    said = invoke(*args)
    assert_refused(said, *vi)
    assert not any(word in said.output for word in en)
    assert_refused(invoke(*args, "--lang", "en"), *en)


def test_documents_out_not_a_folder_speaks_the_command_language(tmp_path):
    out = tmp_path / "file"
    out.write_text("x", encoding="utf-8")
    args = ("documents", SMALL, "--period", "2024", "--out", out)
    assert_refused(invoke(*args), "không phải thư mục", "--out phải là tên thư mục")
    assert_refused(invoke(*args, "--lang", "en"), "not a folder", "give --out a folder name")


@pytest.mark.parametrize("args", [
    ("check", SMALL, "--period", "2024", "--as-of"),
    ("ballot", "--period", "2024", "--award", "CSTDCS", "--members", "9", "--yes", "8", "--as-of"),
    ("documents", SMALL, "--period", "2024", "--out", "ho-so", "--decision-date"),
])
@pytest.mark.parametrize("bad", ["2024-02-30", "30/02/2024", "tomorrow"])
def test_an_impossible_date_option_is_one_line_in_the_command_language(tmp_path, monkeypatch, args, bad):
    monkeypatch.chdir(tmp_path)
    option = args[-1]
    said = invoke(*args, bad)
    assert_refused(said, f"Lỗi: {option}: '{bad}' không phải ngày có thật", "YYYY-MM-DD hoặc dd/mm/yyyy")
    assert_refused(invoke(*args, bad, "--lang", "en"), f"Error: {option}: '{bad}' is not a date that exists",
                   "YYYY-MM-DD or dd/mm/yyyy")
    assert not (tmp_path / "ho-so").exists()


def test_a_date_option_takes_dd_mm_yyyy_as_well_as_iso(tmp_path):
    iso = invoke("check", SMALL, "--period", "2024", "--as-of", "2024-06-30", "--format", "json")
    typed = invoke("check", SMALL, "--period", "2024", "--as-of", "30/06/2024", "--format", "json")
    assert iso.exit_code == typed.exit_code == 0 and iso.output == typed.output
    out = tmp_path / "ho-so"
    made = invoke("documents", SMALL, "--period", "2024", "--out", out, "--decision-date", "30/06/2026")
    assert made.exit_code == 0, made.output
    assert any(out.iterdir())


def test_an_out_folder_that_cannot_be_made_is_one_line_not_a_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert_refused(invoke("documents", SMALL, "--period", "2024", "--out", blocker / "ho-so"),
                   "không tạo được thư mục (một phần của đường dẫn là tệp, không phải thư mục)")
    assert_refused(invoke("freeze", SMALL, "--period", "2024", "--out", blocker / "golden" / "g.yaml"),
                   "không tạo được thư mục")


@pytest.mark.parametrize(("args", "words"), [
    (("check", "", "--period", "2024"), ("TỆP_DỮ_LIỆU để trống", "tệp hoặc thư mục")),
    (("report", SMALL, "--period", "2024", "--out", " ", "--lang", "en"), ("--out is empty", "a file")),
    (("lint", ""), ("THƯ_MỤC_QUY_ĐỊNH để trống",)),
])
def test_an_empty_path_is_refused_rather_than_read_as_the_current_folder(args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an empty path read as "." would find no CSV files here, and say so
    assert_refused(invoke(*args), *words)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("args", "words"), [
    # click kept the last value without a word: 8 votes of 9 pass 80%, 7 do not
    (("ballot", "--period", "2024", "--award", "CSTDCS", "--members", "9", "--yes", "7", "--yes", "8"),
     ("--yes được ghi nhiều lần (7, 8)",)),
    (("check", SMALL, "--period=2023", "--period", "2024", "--lang", "en"), ("--period is given more than once",)),
])
def test_an_option_of_one_value_given_twice_is_refused(args, words):
    assert_refused(invoke(*args), *words)


def test_options_that_repeat_by_design_still_repeat():
    result = invoke("check", SMALL, "--period", "2024", "--award", "LDTT", "--award", "CSTDCS", "--format", "csv")
    assert result.exit_code == 0 and {"LDTT", "CSTDCS"} <= {line.split(",")[3] for line in result.stdout.splitlines()}


@pytest.mark.parametrize("given", ["nan", "NaN", "-nan"])
def test_a_coverage_minimum_that_is_not_a_number_is_refused_not_met_by_anything(given):
    assert_refused(invoke("test", FIXTURES / "cases", "--min", given), "--min", "0", "100")


@pytest.mark.parametrize("command", ["documents", "report"])
def test_a_rule_file_error_keeps_its_own_fix_not_the_decision_dates(command, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    version = rules / "vn" / "2024.yaml"
    version.write_text(version.read_text(encoding="utf-8").replace("  months_recruited: {op", "  months_recruted: {op",
                                                                   1), encoding="utf-8")
    out = tmp_path / ("ho-so" if command == "documents" else "ho-so.html")
    result = invoke(command, DEPARTMENT, "--period", "2024", "--out", out, "--rules", rules)
    assert_refused(result, f"{version}:", "months_recruted")
    assert "--decision-date" not in result.output


@pytest.mark.parametrize("command", ["documents", "report"])
@pytest.mark.parametrize(("decided", "as_of", "earliest"), [("2020-01-01", None, "31/12/2024"),
                                                             ("2024-03-01", None, "31/12/2024"),
                                                             ("2024-12-30", None, "31/12/2024"),
                                                             ("2024-05-31", "2024-06-30", "30/06/2024")])
def test_a_decision_date_before_the_verdicts_day_is_refused_and_nothing_is_written(command, decided, as_of, earliest,
                                                                                   tmp_path):
    """A quyết định of 01/03/2024 cannot recognise the titles of 2024: the year is not over."""
    out = tmp_path / ("ho-so" if command == "documents" else "ho-so.html")
    result = invoke(command, SMALL, "--period", "2024", "--out", out, "--decision-date", decided,
                    *(["--as-of", as_of] if as_of else []))
    day = "/".join(reversed(decided.split("-")))
    assert_refused(result, f"ngày quyết định {day} trước ngày xét kết quả năm 2024 ({earliest})",
                   f"từ ngày {earliest} trở đi", "--decision-date")
    assert not out.exists()


@pytest.mark.parametrize("command", ["documents", "report"])
def test_a_year_not_over_is_not_dated_today_when_no_decision_date_is_given(command, tmp_path, monkeypatch):
    """On 07/12/2026 the papers of 2026 without --decision-date would be dated that day, before the year's
    titles can be decided: refused as the same date given is, saying to give one."""
    monkeypatch.setattr("ktrules.cli.date", today_is(date(2026, 12, 7)))
    dataset = tmp_path / "small-2026.yaml"
    dataset.write_text(SMALL.read_text(encoding="utf-8").replace("2024", "2026"), encoding="utf-8")
    out = tmp_path / ("ho-so" if command == "documents" else "ho-so.html")
    result = invoke(command, dataset, "--period", "2026", "--out", out)
    assert_refused(result, "ngày quyết định 07/12/2026 trước ngày xét kết quả năm 2026 (31/12/2026)",
                   "; không có --decision-date thì ngày quyết định là hôm nay; ghi --decision-date")
    assert not out.exists()
    assert invoke(command, dataset, "--period", "2026", "--out", out, "--decision-date", "2026-12-31").exit_code == 0


def test_a_decision_before_the_year_begins_is_refused_by_that_day_when_the_verdicts_are_as_of_earlier(tmp_path):
    """--as-of 01/06/2023 for 2024: the bound is 01/01/2024, the year's first day, which is not the verdicts' day."""
    out = tmp_path / "ho-so"
    result = invoke("documents", SMALL, "--period", "2024", "--out", out, "--as-of", "2023-06-01",
                    "--decision-date", "2023-12-01")
    assert_refused(result, "ngày quyết định 01/12/2023 trước khi năm xét 2024 bắt đầu (01/01/2024): chỉ quyết định "
                           "khen thưởng từ ngày 01/01/2024 trở đi")
    assert "ngày xét kết quả" not in result.output and not out.exists()
    english = invoke("report", SMALL, "--period", "2024", "--out", tmp_path / "h.html", "--as-of", "2023-06-01",
                     "--decision-date", "2023-12-01", "--lang", "en")
    assert_refused(english, "the decision date 2023-12-01 is before 2024-01-01, when 2024, the year evaluated, begins")
    assert english.output.rstrip().endswith("; fix --decision-date")  # --as-of cannot move the year's first day


def test_a_decision_on_the_verdicts_day_is_taken(tmp_path):
    out = tmp_path / "ho-so.html"
    result = invoke("report", SMALL, "--period", "2024", "--out", out, "--decision-date", "2024-06-30",
                    "--as-of", "2024-06-30")
    assert result.exit_code == 0, result.output
    assert out.exists()


@pytest.mark.parametrize("given", ["vn", "campaigns"])
def test_a_pack_given_for_the_folder_of_packs_is_told_which_folder_to_give(given):
    assert_refused(invoke("check", SMALL, "--period", "2024", "--rules", ROOT / "rules" / given, "--lang", "en"),
                   "not one pack nor the campaigns folder: use --rules", str(ROOT / "rules"))


def test_a_year_a_campaign_does_not_award_is_said_so_not_a_year_without_records():
    result = invoke("check", DEPARTMENT, "--period", "2022", "--campaign", "dak-nong-20-nam", "--lang", "en")
    assert result.exit_code == 1 and "no verdict for 2022 with these choices; check --award, and --campaign" in \
        result.stderr and "fix --period" not in result.stderr


def test_rules_with_no_version_in_force_are_named_before_the_records_they_would_blame(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    (rules / "vn" / "2017.yaml").unlink()  # the campaign's 2023 includes what vn/2017 held
    result = CliRunner().invoke(cli, ["check", str(FIXTURES / "datasets" / "campaigns" / "tay-ninh-2023.yaml"),
                                      "--period", "2023", "--campaign", "tay-ninh-2023", "--rules", str(rules),
                                      "--lang", "en"])
    assert result.exit_code == 2
    assert "no rule version of pack 'vn' is in force on 2023-12-31" in result.output, result.output

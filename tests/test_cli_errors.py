"""What a user who gives a wrong input or output sees: one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from ktrules.cli import cli
from tests.conftest import FIXTURES, ROOT, SMALL


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_refused(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
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

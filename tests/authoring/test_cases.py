"""Case files: the bundled ones pass; failures name case, subject, award, expected and actual."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from ktrules.authoring import cases
from ktrules.cli import cli
from ktrules.rules import DEFAULT_RULES
from tests.conftest import FIXTURES, SMALL


def test_bundled_case_files_all_pass():
    results = cases.run([FIXTURES / "cases"])
    assert len(results) >= 20
    assert [r for r in results if not r.passed] == []


def test_a_list_of_cases_with_inline_datasets_and_criteria(write):
    path = write("two.yaml", f"""
- name: "A civil servant rated HT in 2024 is not an Advanced Worker"
  period: 2024
  dataset:
    organization: {{id: o, name: O}}
    units: [{{id: u, name: U}}]
    people: [{{id: a, name: A, unit: u, recruited: 2010-01-01}}]
    records: [{{subject: a, year: 2024, rating: HT}}]
  expect:
    - {{subject: a, award: LDTT, verdict: not_eligible, criteria: {{rating: failed, chap_hanh: passed}}}}
- name: "This case expects the wrong verdict"
  period: 2024
  dataset: {SMALL}
  expect:
    - {{subject: p02, award: CSTDCS, verdict: eligible, criteria: {{htxs: passed}}}}
""")
    first, second = cases.run([path])
    assert first.passed
    assert second.failures == ("p02 CSTDCS: expected eligible, got not_eligible (decided by htxs, sang_kien, de_tai)",
                               "p02 CSTDCS criterion htxs: expected passed, got failed")


def test_a_broken_case_file_fails_with_its_line_and_the_others_still_run(write):
    write("cases/a.yaml", "name: x\nperiod: 2024\ndataset: {}\nexpect: [}\n")
    write("cases/b.yaml", "name: x\nperid: 2024\ndataset: nope.yaml\nexpect: []\n")
    body = f"period: 2024\ndataset: {SMALL}\nexpect: [{{subject: p01, award: AWARD, verdict: eligible}}]\n"
    write("cases/c.yaml", "name: ok\n" + body.replace("AWARD", "LDTT"))
    results = cases.run([write("cases/d.yaml", "name: unknown award\n" + body.replace("AWARD", "LDTX")).parent])
    by_file = {r.file.name: r for r in results}
    assert "a.yaml:4: malformed YAML" in by_file["a.yaml"].failures[0]
    assert "b.yaml:2: unknown key 'perid'" in by_file["b.yaml"].failures[0]
    assert "did you mean 'period'?" in by_file["b.yaml"].failures[0]
    assert by_file["c.yaml"].passed
    assert "d.yaml:4: unknown award 'LDTX'" in by_file["d.yaml"].failures[0]


@pytest.mark.parametrize(("lang", "line"), [
    ("vi", "Lỗi: {missing}: không có tệp hoặc thư mục này; kiểm tra đường dẫn"),
    ("en", "Error: {missing}: no such file or folder; check the path")])
def test_a_missing_case_path_is_refused_in_the_language_asked_for(tmp_path, lang, line):
    missing = tmp_path / "khong-co"
    result = CliRunner().invoke(cli, ["test", str(missing), "--lang", lang])
    assert result.exit_code == 2
    assert result.output == line.format(missing=missing) + "\n"


@pytest.mark.parametrize(("lang", "words"), [
    ("vi", "x.yaml:1: tệp ca kiểm thử phải chứa một ca (các cặp khóa: giá trị) hoặc một danh sách các ca"),
    ("en", "x.yaml:1: a case file holds one case (a mapping) or a list of them")])
def test_a_case_file_of_the_wrong_shape_is_refused_in_the_language_asked_for(write, lang, words):
    result = CliRunner().invoke(cli, ["test", str(write("x.yaml", "42\n")), "--lang", lang])
    assert result.exit_code == 2 and words in result.output  # bad input, not a verdict that changed
    assert "0 passed, 1 failed" in result.output.splitlines()  # a script reading the line sees it did not pass


def test_a_dataset_among_the_cases_is_named_as_one_and_a_file_refused_whole_once(write):
    dataset = write("records.yaml", SMALL.read_text(encoding="utf-8"))
    impossible = write("c.yaml", f"name: c\nperiod: 2024\nas_of: 2024-02-30\ndataset: {SMALL}\nexpect: []\n")
    result = CliRunner().invoke(cli, ["test", str(dataset), str(impossible), "--lang", "en"])
    assert result.exit_code == 2
    assert f"ERROR {dataset}\n    {dataset}:1: this file is a dataset, not a case file; a case names" in result.output
    assert f"ERROR {impossible}\n" in result.output  # not "ERROR c.yaml: c.yaml"
    # beside a case that names it, a dataset is where it belongs
    named = write("named.yaml", "name: n\nperiod: 2024\ndataset: records.yaml\nexpect:\n"
                                "  - {subject: p01, award: LDTT, verdict: eligible}\n")
    both = CliRunner().invoke(cli, ["test", str(dataset), str(named)])
    assert both.exit_code == 0 and both.output == "1 passed, 0 failed\n", both.output


@pytest.mark.parametrize(("expect", "words"), [
    ("{subject: p99, award: LDTT, verdict: eligible}", ":5: unknown subject 'p99' in the dataset; known: kt, p01"),
    ("{subject: p01, award: LDTX, verdict: eligible}", ":5: unknown award 'LDTX'"),
    ("{subject: p01, award: TTLDTT, verdict: not_eligible}", ":5: TTLDTT is a collective's award; 'p01' is a person"),
])
def test_an_id_that_names_nothing_is_a_mistake_in_the_case_with_its_line(write, expect, words):
    path = write("x.yaml", f"name: x\nperiod: 2024\ndataset: {SMALL}\nexpect:\n  - {expect}\n")
    result = CliRunner().invoke(cli, ["test", str(path), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert f"ERROR {path}: x" in result.output and words in result.output


def test_a_rules_folder_given_on_the_command_line_is_the_one_the_cases_run_under(tmp_path, write):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    version = rules / "vn" / "2024.yaml"
    version.write_text(version.read_text(encoding="utf-8").replace("    value: 0.7\n", "    value: 0.9\n", 1),
                       encoding="utf-8")
    case = FIXTURES / "cases" / "vn" / "2024" / "ttldtt.yaml"
    assert CliRunner().invoke(cli, ["test", str(case)]).exit_code == 0
    edited = CliRunner().invoke(cli, ["test", str(case), "--rules", str(rules), "--lang", "en"])
    assert edited.exit_code == 1 and "decided by ldtt_share" in edited.output, edited.output


@pytest.mark.parametrize("broken", ["misspelt fact", "no such folder"])
def test_rules_that_do_not_load_are_said_once_not_blamed_on_every_case(tmp_path, broken):
    rules = tmp_path / "rules"
    if broken == "misspelt fact":
        shutil.copytree(DEFAULT_RULES, rules)
        version = rules / "vn" / "2024.yaml"
        version.write_text(version.read_text(encoding="utf-8").replace("  months_recruited: {op",
                                                                       "  months_recruted: {op", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", str(FIXTURES / "cases" / "vn" / "2024"), "--rules", str(rules),
                                      "--lang", "en"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith(f"Error: {rules / 'vn'}"), result.output


def test_a_failure_says_verdicts_and_results_in_vietnamese_and_the_summary_in_the_contracts_words(write):
    path = write("x.yaml", f"name: x\nperiod: 2024\ndataset: {SMALL}\nexpect:\n"
                           "  - {subject: p02, award: CSTDCS, verdict: eligible, criteria: {htxs: passed}}\n")
    result = CliRunner().invoke(cli, ["test", str(path)])
    assert result.exit_code == 1
    assert "p02 CSTDCS: cần đủ điều kiện, kết quả không đủ điều kiện" in result.output
    assert "p02 CSTDCS tiêu chí htxs: cần đạt, kết quả không đạt" in result.output
    assert "0 passed, 1 failed" in result.output.splitlines()


@pytest.mark.parametrize(("line", "words"), [
    ("dataset: smal.yaml", ":2: no dataset file 'smal.yaml'"),
    ("rules: ../rulez", ":2: the rules this case names in rules: ../rulez do not load"),
    ("campaign: bac-kan-ntm", ":2: unknown campaign 'bac-kan-ntm'; did you mean 'bac-kan-ntm-2021-2025'?"),
])
def test_what_a_case_names_that_is_not_there_is_said_at_the_case_line(write, line, words):
    dataset = "" if line.startswith("dataset") else f"dataset: {SMALL}\n"
    path = write("x.yaml", f"name: x\n{line}\n{dataset}period: 2024\n"
                           "expect: [{subject: p01, award: LDTT, verdict: eligible}]\n")
    result = CliRunner().invoke(cli, ["test", str(path), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert f"{path}{words}" in result.output


def test_a_criterion_gone_from_the_rules_is_a_failure_beside_the_verdicts_that_moved(write):
    # a frozen case names every criterion; one removed by a rule change must not hide what moved
    path = write("x.yaml", f"name: x\nperiod: 2024\ndataset: {SMALL}\nexpect:\n"
                           "  - {subject: p01, award: LDTT, verdict: incomplete, criteria: {ratng: passed}}\n")
    result = CliRunner().invoke(cli, ["test", str(path), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "p01 LDTT: no criterion 'ratng' any more (removed from the rules, or misspelt); did you mean 'rating'?" \
        in result.output
    assert "p01 LDTT: expected incomplete, got eligible" in result.output


def test_two_verdicts_expected_of_one_subject_and_award_are_a_mistake_in_the_case(write):
    path = write("x.yaml", f"name: x\nperiod: 2024\ndataset: {SMALL}\nexpect:\n"
                           "  - {subject: p01, award: LDTT, verdict: eligible}\n"
                           "  - {subject: p01, award: LDTT, verdict: not_eligible}\n")
    result = CliRunner().invoke(cli, ["test", str(path), "--lang", "en"])
    assert result.exit_code == 2 and f"{path}:6: the case expects two different verdicts of p01 LDTT" in result.output
    agreeing = write("y.yaml", f"name: y\nperiod: 2024\ndataset: {SMALL}\nexpect:\n"
                               "  - {subject: p01, award: LDTT, verdict: eligible}\n"
                               "  - {subject: p01, award: LDTT, verdict: eligible, criteria: {rating: passed}}\n")
    assert CliRunner().invoke(cli, ["test", str(agreeing)]).exit_code == 0  # the same verdict twice is harmless


def test_a_case_whose_period_no_rules_cover_is_said_at_the_case_and_the_others_run(write):
    case = f"  dataset: {SMALL}\n  expect: [{{subject: p01, award: LDTT, verdict: eligible}}]\n"
    path = write("x.yaml", f"- name: a\n  period: 2024\n{case}- name: b\n  period: 1990\n{case}")
    result = CliRunner().invoke(cli, ["test", str(path), "--lang", "en"])
    assert result.exit_code == 2 and "1 passed, 1 failed" in result.output
    assert f"{path}:5: " in result.output and "in force on 1990-12-31" in result.output

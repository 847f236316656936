"""Regression checks of rule changes: `diff` names exactly the subjects a change moves and why;
`freeze` writes today's verdicts as a case file that `test` then holds the rules to."""

from __future__ import annotations

import copy
import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given

from ktrules import Dataset, evaluate, load_dataset
from ktrules.authoring import cases
from ktrules.authoring.diff import diff, summarize
from ktrules.cli import cli
from ktrules.rules import DEFAULT_RULES, NATIONAL_PACK
from tests.conftest import DEPARTMENT, SMALL
from tests.engine.test_properties import SETTINGS, departments

RECRUITED_6 = "  ldtt_min_months_recruited:\n    value: 6\n"


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _copy_rules(target: Path, recruited_months: int | None = None) -> Path:
    """The national pack copied to `target`; optionally 2024's LĐTT recruitment threshold changed."""
    shutil.copytree(DEFAULT_RULES / NATIONAL_PACK, target / NATIONAL_PACK)
    if recruited_months is not None:
        version = target / NATIONAL_PACK / "2024.yaml"
        text = version.read_text(encoding="utf-8")
        assert text.count(RECRUITED_6) == 1, "the bundled 2024 rules changed: update this test's edit"
        version.write_text(text.replace(RECRUITED_6, RECRUITED_6.replace("6", str(recruited_months))), "utf-8")
    return target


@pytest.fixture(scope="module")
def same_rules(tmp_path_factory) -> Path:
    return _copy_rules(tmp_path_factory.mktemp("same"))


@pytest.fixture(scope="module")
def stricter_rules(tmp_path_factory) -> Path:
    """2024's LĐTT asks 12 months since recruitment instead of 6."""
    return _copy_rules(tmp_path_factory.mktemp("stricter"), recruited_months=12)


@pytest.fixture(scope="module")
def department() -> Dataset:
    return load_dataset(DEPARTMENT)


# --- the Python API ---------------------------------------------------------------------------------

@SETTINGS
@given(departments())
def test_a_rule_set_against_a_copy_of_itself_changes_nothing(same_rules, data):
    records = Dataset.model_validate(copy.deepcopy(data))
    assert diff(evaluate(records, 2024), evaluate(records, 2024, rules=same_rules)) == []


def test_the_department_against_itself_changes_nothing(department, same_rules):
    assert diff(evaluate(department, 2024), evaluate(department, 2024, rules=same_rules)) == []
    assert diff(evaluate(department, 2023), evaluate(department, 2023)) == []


@SETTINGS
@given(departments())
def test_a_stricter_threshold_moves_exactly_the_people_it_reaches(stricter_rules, data):
    records = Dataset.model_validate(copy.deepcopy(data))
    before, after = evaluate(records, 2024), evaluate(records, 2024, rules=stricter_rules)
    # recruited 2024-03-01: 10 months by the year's end, enough for 6 and not for 12; the others stay put
    reached = {p["id"] for p in data["people"] if p["recruited"] == "2024-03-01"}
    changes = diff(before, after)
    ldtt = [c for c in changes if c.award == "LDTT"]
    assert {c.subject for c in ldtt} == reached
    for change in ldtt:
        assert [(c.id, c.before.result, c.after.result) for c in change.criteria] == [
            ("recruited_6_months", "passed", "failed")]
        assert change.after.verdict == "not_eligible"
        assert change.kind == ("criteria" if change.before.verdict == "not_eligible" else "verdict")
    # what follows from LĐTT (CSTĐCS, the unit's shares) moves only for those people and their unit
    assert {c.subject for c in changes} <= reached | {"u1"}


def test_a_stricter_threshold_on_the_department(department, stricter_rules):
    before, after = evaluate(department, 2024), evaluate(department, 2024, rules=stricter_rules)
    reached = {v.subject for v in before.verdicts if v.award == "LDTT"
               for n in v.criteria if n.criterion.id == "recruited_6_months" and 6 <= n.reading.value < 12}
    changes = diff(before, after)
    assert reached and {c.subject for c in changes if c.kind == "verdict"} == reached
    counts = {s.award: s for s in summarize(changes)}
    assert counts["LDTT"].verdicts == counts["LDTT"].no_longer_eligible == len(reached)
    assert counts["LDTT"].now_eligible == 0


def test_a_date_in_another_regime_lists_verdicts_on_one_side_only(department):
    before = evaluate(department, 2023, as_of=date(2023, 12, 31))
    after = evaluate(department, 2023, as_of=date(2024, 1, 1))
    changes = diff(before, after)
    # the Government's flag has no 2017 criteria in the pack: every unit gains a verdict
    flag = [c for c in changes if c.award == "CO_THI_DUA_CP"]
    assert {c.subject for c in flag} == {u.id for u in department.units}
    assert all(c.kind == "verdict" and c.before is None and c.after is not None for c in flag)
    assert all(c.criteria and all(x.before is None for x in c.criteria) for c in flag)


# --- the command ------------------------------------------------------------------------------------

def test_diff_between_two_dates_lists_changes_with_reasons_and_exits_1():
    result = invoke("diff", DEPARTMENT, "--period", "2023", "--as-of", "2023-12-31", "--against-as-of", "2024-01-01")
    assert result.exit_code == 1, result.output
    out = result.output
    assert out.startswith("Trước: quy định vn/2017, áp dụng ngày 31/12/2023")
    assert "Sau: quy định vn/2024, áp dụng ngày 01/01/2024" in out
    # 2024 lets HTXS alone earn CSTĐCS, which 2017 did not
    assert "Đỗ Văn Phúc (p16), Chiến sĩ thi đua cơ sở (CSTDCS): Không đủ điều kiện → Đủ điều kiện" in out
    block = out.split("(p16), Chiến sĩ thi đua cơ sở")[1].split("\n\n")[0]
    assert "[htxs]" in block and "Sau: ✓ Đạt · Giá trị đọc được: rating = Hoàn thành xuất sắc nhiệm vụ" in block
    assert "Căn cứ: Luật TĐKT 2022, Điều 23" in block and "Căn cứ: Luật TĐKT 2003" in block
    assert "kết quả thay đổi;" in out.splitlines()[-1] and "--criteria" in out.splitlines()[-1]


def test_diff_json_carries_both_sides_and_counts_by_award():
    result = invoke("diff", DEPARTMENT, "--period", "2023", "--against-as-of", "2024-01-01", "--format", "json",
                    "--lang", "en")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["before"]["rules_version"] == "vn/2017" and data["after"]["rules_version"] == "vn/2024"
    assert data["changes"] and all(c["kind"] == "verdict" for c in data["changes"])
    for change in data["changes"]:
        assert change["verdict_before"] != change["verdict_after"]
        for criterion in change["criteria"]:
            sides = [s for s in (criterion["before"], criterion["after"]) if s]
            assert sides and all({"result", "text", "cite"} <= s.keys() for s in sides)
    by_award = {s["award"]: s["verdicts"] for s in data["summary"] if s["verdicts"]}
    assert by_award == {a: sum(c["award"] == a for c in data["changes"]) for a in by_award}


def test_diff_of_two_rule_folders_as_a_table(stricter_rules):
    result = invoke("diff", DEPARTMENT, "--period", "2024", "--against-rules", stricter_rules, "--format", "table",
                    "--lang", "en")
    assert result.exit_code == 1
    assert "p41" in result.output and "recruited_6_months: Passed → Failed" in result.output
    assert "Eligible" in result.output and "Not eligible" in result.output


def test_criteria_that_change_under_a_kept_verdict_are_listed_on_request(stricter_rules):
    kept = "Chiến sĩ thi đua cơ sở (CSTDCS): Không đủ điều kiện (không đổi)"
    plain = invoke("diff", DEPARTMENT, "--period", "2024", "--against-rules", stricter_rules)
    assert kept not in plain.output and "(liệt kê bằng --criteria)" in plain.output
    listed = invoke("diff", DEPARTMENT, "--period", "2024", "--against-rules", stricter_rules, "--criteria")
    assert listed.exit_code == 1
    assert kept in listed.output and "[ldtt]" in listed.output


def test_identical_rules_exit_0(same_rules):
    result = invoke("diff", SMALL, "--period", "2024", "--against-rules", same_rules, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "No verdict changed"


def test_diff_needs_something_to_compare_against():
    result = invoke("diff", SMALL, "--period", "2024")
    assert result.exit_code == 2
    assert result.output.strip() == ("Lỗi: không có gì để so sánh; thêm --against-as-of NGÀY, --against-rules "
                                     "THƯ_MỤC hoặc cả hai")
    english = invoke("diff", SMALL, "--period", "2024", "--lang", "en")
    assert english.output.strip() == "Error: nothing to compare; give --against-as-of DATE, --against-rules DIR or both"


# --- golden outputs: `ktrules freeze` ---------------------------------------------------------------

def test_a_frozen_case_passes_right_away_and_catches_a_rule_change(tmp_path):
    rules = _copy_rules(tmp_path / "rules")
    out = tmp_path / "golden" / "dept.yaml"
    result = invoke("freeze", DEPARTMENT, "--period", "2024", "--rules", rules, "--award", "LDTT", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Đã ghi 48 kết quả vào {out}"
    (passed,) = cases.run([out])
    assert passed.passed
    version = rules / NATIONAL_PACK / "2024.yaml"
    version.write_text(version.read_text(encoding="utf-8").replace(RECRUITED_6, RECRUITED_6.replace("6", "12")),
                       "utf-8")
    (failed,) = cases.run([out])
    assert "p41 LDTT: expected eligible, got not_eligible (decided by recruited_6_months)" in failed.failures
    assert "p41 LDTT criterion recruited_6_months: expected passed, got failed" in failed.failures
    updated = invoke("test", out, "--update")
    assert updated.exit_code == 0, updated.output
    (again,) = cases.run([out])
    assert again.passed and "subject: p41\n  award: LDTT\n  verdict: not_eligible" in out.read_text("utf-8")
    assert "award: CSTDCS" not in out.read_text("utf-8")  # the update keeps what the frozen file held


def test_a_frozen_case_names_its_dataset_rules_and_date_relative_to_itself(tmp_path, same_rules):
    out = tmp_path / "cases" / "p13.yml"
    result = invoke("freeze", DEPARTMENT, "--period", "2023", "--as-of", "2024-02-01", "--rules", same_rules,
                    "--subject", "p13", "--out", out, "--name", "p13 under the 2024 rules for 2023", "--lang", "en")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Written by `ktrules freeze`")
    assert f"dataset: {os.path.relpath(DEPARTMENT, out.parent)}\n" in text
    assert f"rules: {os.path.relpath(same_rules, out.parent)}\n" in text
    assert "as_of: 2024-02-01\n" in text and "name: p13 under the 2024 rules for 2023\n" in text
    assert "- subject: p13\n  award: CSTDCS\n  verdict: " in text
    assert all(r.passed for r in cases.run([out]))


def test_freeze_replaces_a_file_whole_or_not_at_all(tmp_path, monkeypatch):
    out = tmp_path / "x.yaml"
    old = "# Written by `ktrules freeze`: an earlier run\n"
    out.write_text(old, encoding="utf-8")
    assert invoke("freeze", SMALL, "--period", "2024", "--award", "LDTX", "--out", out).exit_code == 2

    def broken_rename(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_rename)
    result = invoke("freeze", SMALL, "--period", "2024", "--out", out, "--lang", "en")
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {out}: cannot write the file (no space left on the disk)")
    assert out.read_text(encoding="utf-8") == old
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


def test_freeze_writes_over_no_file_it_did_not_write_unless_forced(tmp_path):
    notes = tmp_path / "notes.yaml"
    notes.write_text("# my own notes\n", encoding="utf-8")
    refused = invoke("freeze", SMALL, "--period", "2024", "--out", notes, "--lang", "en")
    assert refused.exit_code == 2 and "was not written by ktrules: not overwritten" in refused.output
    assert notes.read_text(encoding="utf-8") == "# my own notes\n"
    assert invoke("freeze", SMALL, "--period", "2024", "--out", notes, "--force").exit_code == 0
    assert invoke("freeze", SMALL, "--period", "2024", "--out", notes).exit_code == 0  # its own file now


def test_freeze_refuses_a_file_test_would_not_read(tmp_path):
    result = invoke("freeze", SMALL, "--period", "2024", "--out", tmp_path / "x.txt")
    assert result.exit_code == 2
    assert result.output.strip() == (f"Lỗi: {tmp_path / 'x.txt'}: tệp ca kiểm thử phải có đuôi .yaml hoặc .yml; "
                                     "ví dụ: --out fixtures/cases/golden/x.yaml")
    english = invoke("freeze", SMALL, "--period", "2024", "--out", tmp_path / "x.txt", "--lang", "en")
    assert english.output.startswith(f"Error: {tmp_path / 'x.txt'}: a case file ends in .yaml or .yml; e.g. --out")
    assert not (tmp_path / "x.txt").exists()


def test_update_rewrites_no_case_written_by_hand_and_nothing_when_one_file_is_refused(tmp_path):
    golden = tmp_path / "golden.yaml"
    assert invoke("freeze", SMALL, "--period", "2024", "--out", golden).exit_code == 0
    frozen = golden.read_text(encoding="utf-8")
    hand = tmp_path / "hand.yaml"
    hand.write_text(f"# why p01 is expected not eligible\nname: x\nperiod: 2024\ndataset: {SMALL}\n"
                    "expect: [{subject: p01, award: LDTT, verdict: not_eligible}]\n", encoding="utf-8")
    before = hand.read_text(encoding="utf-8")
    golden.write_text(frozen.replace("verdict: eligible", "verdict: incomplete", 1), encoding="utf-8")
    result = invoke("test", golden, hand, "--update", "--lang", "en")
    assert result.exit_code == 2 and "a case written by hand is not overwritten" in result.output
    assert hand.read_text(encoding="utf-8") == before  # comments and a failing expectation kept
    assert "verdict: incomplete" in golden.read_text(encoding="utf-8")  # not half done: nothing written


def test_update_evaluates_under_the_rules_given_on_the_command_line(tmp_path):
    golden = tmp_path / "g" / "ldtt.yaml"
    assert invoke("freeze", DEPARTMENT, "--period", "2024", "--award", "LDTT", "--out", golden).exit_code == 0
    rules = _copy_rules(tmp_path / "rules")
    version = rules / NATIONAL_PACK / "2024.yaml"
    version.write_text(version.read_text(encoding="utf-8").replace(RECRUITED_6, RECRUITED_6.replace("6", "12")),
                       "utf-8")
    assert invoke("test", golden, "--rules", rules).exit_code == 1  # the edited rules move p41's verdict
    assert invoke("test", golden, "--rules", rules, "--update").exit_code == 0
    assert invoke("test", golden, "--rules", rules).exit_code == 0  # rewritten under those rules


def test_a_share_reads_as_a_percentage_on_both_sides_as_in_explain(tmp_path):
    rules = _copy_rules(tmp_path / "rules")
    version = rules / NATIONAL_PACK / "2024.yaml"
    version.write_text(version.read_text(encoding="utf-8").replace("    value: 0.7\n", "    value: 0.9\n", 1), "utf-8")
    result = invoke("diff", DEPARTMENT, "--period", "2024", "--against-rules", rules, "--format", "json")
    sides = [c[side] for change in json.loads(result.output)["changes"] for c in change["criteria"]
             if c["id"] == "ldtt_share"
             for side in ("before", "after")]
    assert sides and all(s["value"].endswith("%") and s["condition"] in ("≥ 70%", "≥ 90%") for s in sides), sides


def test_an_award_only_one_side_has_is_one_line_not_a_block_per_subject():
    result = invoke("diff", DEPARTMENT, "--period", "2023", "--as-of", "2023-12-31", "--against-as-of", "2024-01-01",
                    "--lang", "en")
    out = result.output
    assert "Government Emulation Flag (CO_THI_DUA_CP): new in the rules after the change: 7 verdicts now " \
           "evaluated" in out, out
    assert "(CO_THI_DUA_CP): no verdict" not in out
    as_json = invoke("diff", DEPARTMENT, "--period", "2023", "--as-of", "2023-12-31", "--against-as-of",
                     "2024-01-01", "--format", "json")
    assert sum(c["award"] == "CO_THI_DUA_CP" for c in json.loads(as_json.output)["changes"]) == 7  # programs get all


def test_asking_for_an_award_only_one_side_has_reads_as_it_does_among_every_award():
    dates = ("--as-of", "2023-12-31", "--against-as-of", "2024-01-01")
    added = invoke("diff", DEPARTMENT, "--period", "2023", *dates, "--award", "CO_THI_DUA_CP", "--lang", "en")
    assert added.exit_code == 1, added.output
    assert "Government Emulation Flag (CO_THI_DUA_CP): new in the rules after the change: 7 verdicts now " \
           "evaluated" in added.output and "Advanced Worker" not in added.output
    gone = invoke("diff", DEPARTMENT, "--period", "2023", "--as-of", "2024-01-01", "--against-as-of", "2023-12-31",
                  "--award", "CO_THI_DUA_CP", "--award", "LDTT", "--lang", "en")
    assert gone.exit_code == 1, gone.output
    assert "(CO_THI_DUA_CP): not in the rules after the change: 7 verdicts no longer evaluated" in gone.output
    assert "Advanced Worker" in gone.output  # the other award asked, which both sides have
    neither = invoke("diff", DEPARTMENT, "--period", "2023", *dates, "--award", "CO_THI_DUA_XX")
    assert neither.exit_code == 2 and neither.output.count("\n") == 1 and "'CO_THI_DUA_XX'" in neither.output

"""Coverage of the rules by case files: which criteria the checked verdicts saw passed, failed and
undecided; the threshold in pyproject.toml that CI holds the bundled cases to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ktrules import KtrulesError
from ktrules.authoring import cases, coverage
from ktrules.cli import cli
from ktrules.rules import DEFAULT_RULES, NATIONAL_PACK
from tests.conftest import FIXTURES, ROOT

LDTT_CASE = """
name: "In 2024 HTT earns LĐTT, HT does not, and no rating leaves it open"
period: 2024
rules: ../rules
dataset:
  organization: {id: org, name: "Sở thử nghiệm"}
  units: [{id: u1, name: "Phòng A"}]
  people:
    - {id: a, name: "A", unit: u1, recruited: 2015-03-01}
    - {id: b, name: "B", unit: u1, recruited: 2015-03-01}
    - {id: c, name: "C", unit: u1, recruited: 2015-03-01}
  records:
    - {subject: a, year: 2024, rating: HTT, months_worked: 12}
    - {subject: b, year: 2024, rating: HT, months_worked: 12}
    - {subject: c, year: 2024, months_worked: 12}
expect:
  - {subject: a, award: LDTT, verdict: eligible}
  - {subject: b, award: LDTT, verdict: not_eligible}
  - {subject: c, award: LDTT, verdict: incomplete}
"""


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def ldtt_cases(tmp_path: Path) -> Path:
    """A rules folder (the national pack) and one case file that checks only LĐTT under 2024."""
    shutil.copytree(DEFAULT_RULES / NATIONAL_PACK, tmp_path / "rules" / NATIONAL_PACK)
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "ldtt.yaml").write_text(LDTT_CASE, encoding="utf-8")
    return tmp_path / "cases"


def test_the_bundled_cases_cover_the_bundled_rules_as_pyproject_requires():
    limit = coverage.threshold(None, start=ROOT)
    assert limit is not None and limit.source == "pyproject.toml [tool.ktrules] coverage_min"
    measured = coverage.measure(cases.run([FIXTURES / "cases"]))
    assert not coverage.below(measured, limit), coverage.report(measured, limit, "en")


def test_only_the_checked_verdicts_count_and_untouched_versions_are_uncovered(ldtt_cases):
    measured = coverage.measure(cases.run([ldtt_cases]))
    seen = {(c.version, c.award, c.id): c.seen for c in measured.criteria}
    assert seen["vn/2024", "LDTT", "rating"] == {"passed", "failed", "undecided"}
    assert seen["vn/2024", "LDTT", "chap_hanh"] == {"passed"}
    # CSTĐCS was evaluated for a, b and c, but no case checks it
    assert seen["vn/2024", "CSTDCS", "ldtt"] == set()
    assert seen["vn/2017", "LDTT", "rating"] == set() and seen["vn/2025", "LDTT", "rating"] == set()
    assert {(c.version, c.award) for c in measured.criteria if c.seen} == {("vn/2024", "LDTT")}
    assert measured.decided == pytest.approx(100 / len(measured.criteria))
    assert measured.undecided == pytest.approx(100 / len(measured.criteria))  # c lacks only a rating


def test_criteria_of_an_award_for_both_kinds_count_apart(ldtt_cases):
    (ldtt_cases / "ldtt.yaml").write_text(LDTT_CASE.replace("award: LDTT", "award: GIAY_KHEN")
                                          .replace("verdict: eligible", "verdict: not_eligible")
                                          .replace("verdict: incomplete", "verdict: not_eligible"), encoding="utf-8")
    measured = coverage.measure(cases.run([ldtt_cases]))
    rating = {c.kind: c.seen for c in measured.criteria
              if (c.version, c.award, c.id) == ("vn/2024", "GIAY_KHEN", "rating")}
    assert rating == {"individual": {"passed", "failed", "undecided"}, "collective": set()}


def test_test_with_coverage_prints_the_gaps_and_fails_below_the_minimum(ldtt_cases):
    result = invoke("test", ldtt_cases, "--coverage", "--min", "100", "--lang", "en")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "1 passed, 0 failed"
    assert lines[2].startswith("Coverage: every criterion (leaf and group)")
    assert any(line.startswith("vn/2017") and "LDTT" in line for line in lines)
    ldtt_2024 = next(line for line in lines if line.startswith("vn/2024") and " LDTT " in line)
    assert "chap_hanh" in ldtt_2024 and "rating" not in ldtt_2024
    assert lines[-1].startswith("Coverage ") and lines[-1].endswith(
        "is below the minimum of 100% (--min): add cases for the criteria listed above")
    # a run of some case files says why the figure is low: the versions none of them evaluated
    assert lines[-2].startswith("2 versions no case evaluated count as untested: ") and "vn/2017" in lines[-2] \
        and "vn/2024" not in lines[-2]
    met = invoke("test", ldtt_cases, "--min", "0")
    assert met.exit_code == 0 and met.output.splitlines()[-1] == "Đạt ngưỡng tối thiểu 0% (--min)"


def test_the_threshold_comes_from_the_nearest_pyproject(ldtt_cases, monkeypatch):
    project = ldtt_cases.parent
    (project / "pyproject.toml").write_text("[tool.ktrules]\ncoverage_min = 99\n", encoding="utf-8")
    monkeypatch.chdir(ldtt_cases)
    result = invoke("test", ".", "--coverage")
    assert result.exit_code == 1
    assert "(pyproject.toml [tool.ktrules] coverage_min)" in result.output.splitlines()[-1]
    assert invoke("test", ".", "--coverage", "--min", "0.5").exit_code == 0
    assert invoke("test", ".").exit_code == 0  # without --coverage the threshold does not apply


@pytest.mark.parametrize(("toml", "words"), [
    ("[tool.ktrules]\ncoverage_min = 'high'\n", "coverage_min must be a percent from 0 to 100, not 'high'"),
    ("[tool.ktrules]\ncoverage_min = 101\n", "coverage_min must be a percent from 0 to 100, not 101"),
    ("[tool.ktrules\n", "cannot read the coverage threshold"),
])
def test_a_bad_threshold_is_one_line_naming_the_file_before_any_output(ldtt_cases, monkeypatch, toml, words):
    (ldtt_cases.parent / "pyproject.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(KtrulesError, match=words):
        coverage.threshold(None, start=ldtt_cases)
    monkeypatch.chdir(ldtt_cases)
    result = invoke("test", ".", "--coverage")
    assert result.exit_code == 2
    assert result.output.startswith(f"Lỗi: {ldtt_cases.parent / 'pyproject.toml'}: ")
    assert result.output.count("\n") == 1


def test_a_pyproject_without_the_key_sets_no_threshold_and_min_overrides_it(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 120\n", encoding="utf-8")
    assert coverage.threshold(None, start=tmp_path) is None
    assert coverage.threshold(42.5, start=tmp_path) == coverage.Threshold(42.5, "--min")

"""Verdict defects of issue 13, as a council would notice them: runs of years with an unrated year,
single use of sáng kiến across conferrals, blank evidence, deferral and the pack's review date."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from click.testing import CliRunner

from ktrules.cli import cli
from tests.conftest import criterion, unit_with, verdicts


def _explain(tmp_path: Path, data: dict, subject: str, award: str, *more: str) -> str:
    path = tmp_path / "records.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["explain", str(path), "--period", "2024", "--subject", subject,
                                      "--award", award, *more])
    assert result.exit_code == 0, result.output
    return result.output


def _with_past(data: dict, *records: dict) -> dict:
    data = copy.deepcopy(data)
    data["records"] += [{"subject": "p1", "months_worked": 12, **r} for r in records]
    return data


HTXS_NOW = unit_with([{"rating": "HTXS"}], initiatives=[
    {"id": "sk1", "authors": ["p1"], "year": 2024, "scope": "co_so", "kind": "sang_kien", "title": "t"},
    {"id": "sk2", "authors": ["p1"], "year": 2024, "scope": "co_so", "kind": "sang_kien", "title": "t"}])


def test_an_unrated_past_year_leaves_a_run_undecided_and_explain_names_the_year(tmp_path):
    data = _with_past(HTXS_NOW, {"year": 2022, "rating": "HTXS"}, {"year": 2023})
    assert criterion(data, "p1", "BANG_KHEN_TINH", "htxs_2_nam") == "undecided"
    assert verdicts(data)["p1", "BANG_KHEN_TINH"] == "incomplete"
    shown = _explain(tmp_path, data, "p1", "BANG_KHEN_TINH")
    assert "chưa ghi xếp loại năm 2023" in shown
    assert "no rating recorded for 2023" in _explain(tmp_path, data, "p1", "BANG_KHEN_TINH", "--lang", "en")


def test_a_past_year_with_no_record_at_all_leaves_the_run_undecided_too():
    data = _with_past(HTXS_NOW, {"year": 2022, "rating": "HTXS"})
    assert verdicts(data)["p1", "BANG_KHEN_TINH"] == "incomplete"


def test_only_a_recorded_failing_year_breaks_a_run():
    data = _with_past(HTXS_NOW, {"year": 2023, "rating": "HT"})
    assert criterion(data, "p1", "BANG_KHEN_TINH", "htxs_2_nam") == "failed"
    assert verdicts(data)["p1", "BANG_KHEN_TINH"] == "not_eligible"


def test_a_run_longer_than_needed_passes_whatever_an_older_unrated_year_holds():
    # five years HTT up to 2024 with 2019 unrated: the Prime Minister's run of five is met already
    data = _with_past(HTXS_NOW, *({"year": y, "rating": "HTT"} for y in range(2020, 2024)), {"year": 2019})
    assert criterion(data, "p1", "BANG_KHEN_TTG", "htt_5_nam") == "passed"


def test_a_gap_before_a_recorded_break_bounds_the_run():
    # 2023 unrated, 2022 KHT: the run is 1 or 2 years, never 5
    data = _with_past(HTXS_NOW, {"year": 2023}, {"year": 2022, "rating": "KHT"})
    assert criterion(data, "p1", "BANG_KHEN_TTG", "htt_5_nam") == "failed"
    assert criterion(data, "p1", "BANG_KHEN_TINH", "htxs_2_nam") == "undecided"


def test_years_before_recruitment_are_not_missing():
    data = _with_past(HTXS_NOW)
    data["people"][0]["recruited"] = "2024-01-01"
    assert criterion(data, "p1", "BANG_KHEN_TINH", "htxs_2_nam") == "failed"

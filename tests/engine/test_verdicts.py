"""Verdict defects of issue 13, as a council would notice them: runs of years with an unrated year,
single use of sáng kiến across conferrals, blank evidence, deferral and the pack's review date."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
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


def test_explain_names_the_award_that_restarted_a_run_only_when_it_did(tmp_path):
    # a Bằng khen tỉnh of 2022; HTXS 2023 and 2024 run back to it, while the CSTĐCS run breaks in 2023
    data = _with_past(HTXS_NOW, {"year": 2022, "rating": "HTXS"}, {"year": 2023, "rating": "HTXS"})
    data["conferred"] = [{"subject": "p1", "award": "BANG_KHEN_TINH", "year": 2022}]
    shown = _explain(tmp_path, data, "p1", "BANG_KHEN_TINH", "--lang", "en").split("[htxs_2_nam]")
    used = "earlier years were used for Provincial / Ministerial Certificate of Merit (2022)"
    assert used not in shown[0] and used in shown[1]


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


def _bang_khen_case(conferred_initiatives: list[str] | None, *extra: dict) -> dict:
    """HTXS 2023 and 2024, sk-2023 earned a CSTĐCS 2023 (2017 regime), sk-2024 is new: the issue's case."""
    sk = [{"id": "sk-2023", "authors": ["p1"], "year": 2023, "scope": "co_so", "kind": "sang_kien", "title": "t"},
          {"id": "sk-2024", "authors": ["p1"], "year": 2024, "scope": "co_so", "kind": "sang_kien", "title": "t"},
          *extra]
    conferral = {"subject": "p1", "award": "CSTDCS", "year": 2023, "decision": "QĐ 1"}
    if conferred_initiatives is not None:
        conferral["initiatives"] = conferred_initiatives
    data = unit_with([{"rating": "HTXS"}], initiatives=sk, conferred=[conferral])
    return _with_past(data, {"year": 2023, "rating": "HTXS"})


def test_a_conferral_listing_no_initiatives_spends_the_one_its_rules_needed(tmp_path):
    data = _bang_khen_case(None)
    assert criterion(data, "p1", "BANG_KHEN_TINH", "hai_sang_kien") == "failed"
    assert verdicts(data)["p1", "BANG_KHEN_TINH"] == "not_eligible"
    shown = _explain(tmp_path, data, "p1", "BANG_KHEN_TINH")
    assert "suy ra theo quy định năm được khen" in shown and "sk-2023 (Chiến sĩ thi đua cơ sở năm 2023)" in shown
    assert "inferred from the rules" in _explain(tmp_path, data, "p1", "BANG_KHEN_TINH", "--lang", "en")


def test_a_conferral_listing_its_initiatives_is_taken_at_its_word():
    assert verdicts(_bang_khen_case([]))["p1", "BANG_KHEN_TINH"] == "not_eligible"  # an empty list is no list
    other = {"id": "de-2023", "authors": ["p1"], "year": 2023, "scope": "co_so", "kind": "de_tai", "title": "t"}
    assert verdicts(_bang_khen_case(["de-2023"], other))["p1", "BANG_KHEN_TINH"] == "eligible"


def test_several_fits_give_a_range_and_explain_says_what_to_record(tmp_path):
    # a đề tài of 2023 would also have earned the 2017 CSTĐCS: one of the two was spent, not known which
    other = {"id": "de-2023", "authors": ["p1"], "year": 2023, "scope": "co_so", "kind": "de_tai", "title": "t"}
    data = _bang_khen_case(None, other)
    assert criterion(data, "p1", "BANG_KHEN_TINH", "hai_sang_kien") == "passed"  # 2 of 3 left whichever
    more = copy.deepcopy(data)
    more["initiatives"] = [i for i in more["initiatives"] if i["id"] != "sk-2024"]
    assert criterion(more, "p1", "BANG_KHEN_TINH", "hai_sang_kien") == "failed"  # sk-2023 or de-2023: 1 left
    three = copy.deepcopy(data)
    three["initiatives"].append({**other, "id": "de-2023b"})
    three["initiatives"] = [i for i in three["initiatives"] if i["id"] != "sk-2024"]
    assert criterion(three, "p1", "BANG_KHEN_TINH", "hai_sang_kien") == "passed"  # 3 fit, 1 spent: 2 left
    shown = _explain(tmp_path, data, "p1", "BANG_KHEN_TINH", "--lang", "en")
    assert "record `initiatives` on that conferral" in shown and "Grassroots Emulation Fighter of 2023: 1" in shown


def test_an_initiative_is_never_counted_twice_whatever_the_order():
    # spent by the CSTĐCS inferred and by a CSTĐ of the same year that lists it (a title is given once a year)
    data = _bang_khen_case(None)
    data["conferred"].append({"subject": "p1", "award": "CSTD_TINH", "year": 2023, "initiatives": ["sk-2023"]})
    assert criterion(data, "p1", "BANG_KHEN_TINH", "hai_sang_kien") == "failed"


def test_a_conferral_whose_route_is_unknown_may_have_spent_nothing_so_the_verdict_waits():
    # CSTĐCS 2024 (2024 rules: HTXS or a sáng kiến) with no 2024 rating: sk-2024 may or may not be spent
    sk = [{"id": f"sk-{y}", "authors": ["p1"], "year": y, "scope": "co_so", "kind": "sang_kien", "title": "t"}
          for y in (2024, 2025)]
    data = unit_with([{"rating": "HTXS"}], initiatives=sk,
                     conferred=[{"subject": "p1", "award": "CSTDCS", "year": 2024}])
    for record in data["records"]:
        record["year"] = 2025
    data["records"].append({"subject": "p1", "year": 2024, "months_worked": 12})
    assert criterion(data, "p1", "BANG_KHEN_TINH", "hai_sang_kien", period=2025) == "undecided"
    assert verdicts(data, 2025)["p1", "BANG_KHEN_TINH"] == "incomplete"


PENDING = {"khong_dang_xem_xet": False}


def _invoke(tmp_path: Path, data: dict, *args: str) -> str:
    path = tmp_path / "records.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, [args[0], str(path), "--period", "2024", *args[1:]])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_pending_matter_defers_the_award_and_check_lists_the_deferred_apart(tmp_path):
    data = unit_with([{"rating": "HTXS", "assessments": PENDING}, {"rating": "KHT", "assessments": PENDING}, {}])
    rows = {(r["subject"], r["award"]): r for r in yaml.safe_load(_invoke(tmp_path, data, "check", "--format", "json"))}
    ldtt = rows["p1", "LDTT"]
    assert ldtt["verdict"] == "not_eligible" and ldtt["deferred"] and ldtt["verdict_label"] == "Hoãn xét"
    assert "đang có vụ việc chưa kết thúc" in ldtt["reasons"]
    assert rows["p1", "CSTDCS"]["deferred"]  # it rests on the deferred LĐTT
    assert not rows["p2", "LDTT"]["deferred"]  # rated KHT: refused whatever the matter
    table = _invoke(tmp_path, data, "check", "--award", "LDTT")
    apart = table[table.index("Hoãn xét (tính trong số"):]
    assert "Người 1 (p1)" in apart and "(p2)" not in apart


def test_explain_rank_and_the_packet_show_the_deferral(tmp_path):
    data = unit_with([{"rating": "HTXS", "assessments": PENDING}, {"rating": "HTXS"}])
    shown = _invoke(tmp_path, data, "explain", "--subject", "p1", "--award", "LDTT", "--lang", "en")
    assert "Verdict: Deferred" in shown and "the council decides when it closes" in shown
    ranked = _invoke(tmp_path, data, "rank", "--award", "CSTDCS")
    assert ranked.index("(p2)" if "(p2)" in ranked else "p2") < ranked.index("Hoãn xét")
    out = tmp_path / "packet.html"
    CliRunner().invoke(cli, ["report", str(tmp_path / "records.yaml"), "--period", "2024", "--out", str(out)])
    html = out.read_text(encoding="utf-8")
    assert "Hoãn xét (1)" in html and "đang có vụ việc chưa kết thúc" in html


def test_a_deferred_cstdcs_defers_the_cstd_tinh_its_run_would_complete_and_only_that(tmp_path):
    # both under investigation, HTXS in 2024 with a provincial sáng kiến; p1 holds CSTĐCS 2022 and 2023,
    # p2 only 2023: granted, p1's CSTĐCS of 2024 completes three years and p2's does not
    tinh = [{"id": f"sk{p}", "authors": [p], "year": 2024, "scope": "tinh", "kind": "sang_kien", "title": "t"}
            for p in ("p1", "p2")]
    held = [{"subject": p, "award": "CSTDCS", "year": y} for p, y in (("p1", 2022), ("p1", 2023), ("p2", 2023))]
    data = unit_with([{"rating": "HTXS", "assessments": PENDING}] * 2, initiatives=tinh, conferred=held)
    rows = {(r["subject"], r["award"]): r for r in yaml.safe_load(_invoke(tmp_path, data, "check", "--format", "json"))}
    assert rows["p1", "CSTDCS"]["deferred"] and rows["p2", "CSTDCS"]["deferred"]
    assert rows["p1", "CSTD_TINH"]["deferred"] and rows["p1", "CSTD_TINH"]["verdict_label"] == "Hoãn xét"
    assert rows["p2", "CSTD_TINH"]["verdict"] == "not_eligible" and not rows["p2", "CSTD_TINH"]["deferred"]
    shown = _invoke(tmp_path, data, "explain", "--subject", "p1", "--award", "CSTD_TINH", "--lang", "en")
    assert "Verdict: Deferred" in shown and "waits on the deferred Grassroots Emulation Fighter of 2024" in shown


@pytest.mark.parametrize(("rating", "deferred"), [("HTT", False), ("HTXS", True)])
def test_a_bang_khen_waits_on_a_deferred_cstdcs_only_if_it_would_pass_once_that_is_granted(tmp_path, rating,
                                                                                          deferred):
    # CSTĐCS 2023 on sk-a; sk-b of 2023 and sk-c of 2024 left. Rated HTT, the CSTĐCS of 2024 granted would
    # rest on sk-c, a title's sáng kiến no Bằng khen may use, leaving one of the two: refused however the
    # matter ends. Rated HTXS, it would hold without sk-c, which stays for the Bằng khen: deferred.
    sang_kien = [{"id": i, "authors": ["p1"], "year": y, "scope": "co_so", "kind": "sang_kien", "title": "t"}
                 for i, y in (("sk-a", 2023), ("sk-b", 2023), ("sk-c", 2024))]
    held = [{"subject": "p1", "award": "CSTDCS", "year": 2023, "initiatives": ["sk-a"]}]
    data = _with_past(unit_with([{"rating": rating, "assessments": PENDING}], initiatives=sang_kien, conferred=held),
                      {"year": 2023, "rating": "HTT"})
    rows = {(r["subject"], r["award"]): r for r in yaml.safe_load(_invoke(tmp_path, data, "check", "--format", "json"))}
    assert rows["p1", "CSTDCS"]["deferred"]
    assert rows["p1", "BANG_KHEN_TINH"]["verdict"] == "not_eligible"
    assert rows["p1", "BANG_KHEN_TINH"]["deferred"] is deferred


def _giay_khen(evidence: dict) -> dict:
    achievement = {"subject": "p1", "year": 2024, "criterion": "thanh_tich_phong_trao", **evidence}
    return unit_with([{}], achievements=[achievement])


def test_blank_evidence_is_refused_like_empty_evidence(tmp_path):
    for blank in ("", "   \t "):
        path = tmp_path / "records.yaml"
        path.write_text(yaml.safe_dump(_giay_khen({"evidence": blank}), allow_unicode=True), encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", str(path), "--period", "2024"])
        assert result.exit_code == 2 and "evidence" in result.output and "Traceback" not in result.output


def test_an_achievement_without_evidence_loads_counts_nothing_and_explain_says_so(tmp_path):
    data = _giay_khen({})
    assert criterion(data, "p1", "GIAY_KHEN", "thanh_tich_phong_trao") == "failed"
    assert criterion(_giay_khen({"evidence": "QĐ 5/QĐ-SKHCN"}), "p1", "GIAY_KHEN", "thanh_tich_phong_trao") == "passed"
    shown = _explain(tmp_path, data, "p1", "GIAY_KHEN", "--lang", "en")
    assert "not counted: no evidence recorded (add `evidence`): thanh_tich_phong_trao 2024" in shown


def _check_fails(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "records.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path), "--period", "2024", "--lang", "en"])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    return result.output


def test_a_misspelt_assessment_key_is_an_error_with_its_line_and_a_suggestion(tmp_path):
    data = unit_with([{}], unit_record={"assessments": {"doan_kett": False}})
    shown = _check_fails(tmp_path, data)
    lines = (tmp_path / "records.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if "doan_kett" in text)
    assert f"records.yaml:{line}:" in shown and "'doan_kett'" in shown and "did you mean 'doan_ket'" in shown


def test_an_achievement_criterion_no_pack_reads_is_an_error_with_a_suggestion(tmp_path):
    shown = _check_fails(tmp_path, _giay_khen({"criterion": "thanh_tich_phong_trau", "evidence": "QĐ 5"}))
    assert "records.yaml:" in shown and "'thanh_tich_phong_trau'" in shown
    assert "did you mean 'thanh_tich_phong_trao'" in shown


def test_a_period_after_the_packs_review_carries_a_notice_in_heading_and_explanation(tmp_path):
    data = unit_with([{}])
    data["records"] += [{**record, "year": 2026} for record in data["records"]]
    path = tmp_path / "records.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for period, as_of, noticed in (("2026", [], True), ("2024", [], False), ("2024", ["--as-of", "2025-09-01"], True)):
        for command in (["check"], ["explain", "--subject", "p1", "--award", "LDTT"]):
            out = CliRunner().invoke(cli, [command[0], str(path), "--period", period, *as_of, *command[1:]]).output
            assert ("đối chiếu với pháp luật đến ngày 04/08/2025" in out) == noticed, (period, as_of, command)
    english = CliRunner().invoke(cli, ["check", str(path), "--period", "2026", "--lang", "en"]).output
    assert english.splitlines()[1].startswith("Note: the rule pack vn was checked against the law up to 4 August 2025")


@pytest.mark.parametrize("campaign", [[], ["--campaign", "ntm-khanh-hoa-2021-2025"]])  # one including national awards
def test_a_reported_change_of_the_law_is_named_once_its_day_is_reached(tmp_path, campaign):
    # law-notes.md, "Watch": an amending law reportedly in force from 01/10/2026, its text not seen
    path = tmp_path / "records.yaml"
    path.write_text(yaml.safe_dump(unit_with([{}]), allow_unicode=True), encoding="utf-8")
    for as_of, named in (("2026-09-30", False), ("2026-10-01", True)):
        out = CliRunner().invoke(cli, ["check", str(path), "--period", "2024", "--as-of", as_of, *campaign]).output
        assert ("06/2026/QH16 được cho là có hiệu lực từ ngày 01/10/2026 (chưa thấy văn bản)" in out) == named, out


def test_rules_taken_on_a_date_before_the_period_are_named_in_heading_and_explanation(tmp_path):
    path = tmp_path / "records.yaml"
    path.write_text(yaml.safe_dump(unit_with([{}]), allow_unicode=True), encoding="utf-8")
    for command in (["check"], ["explain", "--subject", "p1", "--award", "LDTT"]):
        for as_of, named in (("2018-01-01", True), ("2024-01-01", False)):
            out = CliRunner().invoke(cli, [command[0], str(path), "--period", "2024", "--as-of", as_of,
                                           *command[1:]]).output
            assert ("quy định áp dụng là của ngày 01/01/2018, trước năm xét 2024 (vn/2017)" in out) == named, out

"""Ranked nominee lists and the council's ballot: quotas, tie-breaks, blocs, determinism."""

from __future__ import annotations

import copy
import json
import random
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ktrules import Dataset, evaluate, load_dataset, rank, version_in_force, vote
from ktrules.cli import cli
from tests.conftest import DEPARTMENT, ROOT, assert_one_line_error, unit_with

SETTINGS = settings(max_examples=25, deadline=None)


def staff(ratings: list[str], initiatives: dict[int, int], genders: dict[int, str] | None = None,
          year: int = 2024) -> dict:
    """One unit whose people have these ratings; person i authored initiatives[i] sáng kiến that year."""
    data = unit_with([{"rating": r} for r in ratings])
    for record in data["records"]:
        record["year"] = year
    for i, person in enumerate(data["people"]):
        person["gender"] = (genders or {}).get(i, "male")
    data["initiatives"] = [{"id": f"sk{i}-{k}", "authors": [f"p{i + 1}"], "year": year, "scope": "co_so",
                            "kind": "sang_kien"} for i, n in initiatives.items() for k in range(n)]
    return data


def ranked(data: dict, award: str, period: int = 2024, **kw: Any):  # noqa: ANN201
    return rank(evaluate(Dataset.model_validate(copy.deepcopy(data)), period, **kw), award)


def test_2017_cstdcs_quota_is_15_percent_of_the_agencys_ldtt_rounded_down() -> None:
    # 14 LĐTT, all with a sáng kiến: 15% of 14 = 2.1, so 2 are proposed
    data = staff(["HTT"] * 14, {i: 1 for i in range(14)}, year=2023)
    result = ranked(data, "CSTDCS", period=2023)
    assert len(result.candidates) == 14
    assert [c.nominated for c in result.candidates].count(True) == 2
    limit = result.limits[""]
    assert (limit.limit, limit.base, float(limit.exact), limit.rounding) == (2, 14, 2.1, "floor")
    third = result.candidates[2]
    assert not third.nominated and third.behind == result.candidates[1].subject


def test_score_orders_before_ids_and_the_reason_names_who_is_ahead(write: Any) -> None:
    data = staff(["HTT"] * 7, {i: 1 for i in range(7)} | {6: 3}, year=2023)
    result = ranked(data, "CSTDCS", period=2023)
    assert result.candidates[0].subject == "p7" and result.candidates[0].score == 3
    path = write("data.yaml", yaml.safe_dump(data, allow_unicode=True))
    out = CliRunner().invoke(cli, ["rank", str(path), "--period", "2023", "--award", "CSTDCS",
                                   "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "quota 1 = 0.15 × 7 (Advanced Worker) = 1.05, rounded down" in out.output  # the award by name
    rows = CliRunner().invoke(cli, ["rank", str(path), "--period", "2023", "--award", "CSTDCS", "--lang", "en",
                                    "--format", "json"])
    assert json.loads(rows.output)[1]["reason"] == "over the quota of 1; behind Người 7 (p7) (score 3 against 1)"


def test_2024_women_go_first_at_equal_score_but_not_over_a_higher_score() -> None:
    data = staff(["HTT", "HTT", "HTXS"], {0: 1, 1: 1}, genders={1: "female"})
    order = [c.subject for c in ranked(data, "CSTDCS").candidates]
    assert order == ["p3", "p2", "p1"]  # HTXS (2 points) first; then the woman, ahead of p1 by id
    tie = ranked(data, "CSTDCS").candidates[1]
    assert tie.key[1] == 0  # the women tie-break decided


def test_no_women_tie_break_before_2024() -> None:
    data = staff(["HTT", "HTT"], {0: 1, 1: 1}, genders={1: "female"}, year=2023)
    assert [c.subject for c in ranked(data, "CSTDCS", period=2023).candidates] == ["p1", "p2"]


def test_collectives_rank_within_their_bloc_with_a_per_bloc_quota(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    version = rules / "vn" / "2017.yaml"
    text = yaml.safe_load(version.read_text(encoding="utf-8"))
    text["ranking"]["TTLDXS"]["quota"] = {"count": 1, "text": {"vi": "hạng nhất", "en": "first"},
                                          "cite": "KH thử", "verified": False}
    version.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    result = rank(evaluate(Dataset.model_validate(yaml.safe_load(DEPARTMENT.read_text(encoding="utf-8"))), 2023,
                           rules=rules), "TTLDXS")
    groups = {c.group for c in result.candidates}
    assert groups <= {"khoi-phong", "khoi-don-vi"} and groups
    for group in groups:
        members = [c for c in result.candidates if c.group == group]
        assert [c.rank for c in members] == list(range(1, len(members) + 1))
        assert sum(c.nominated for c in members) == min(1, len(members))


def test_bloc_filter_and_unknown_bloc() -> None:
    out = CliRunner().invoke(cli, ["rank", str(DEPARTMENT), "--period", "2023", "--award", "TTLDXS",
                                   "--bloc", "khoi-phong", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert rows and {r["group"] for r in rows} == {"khoi-phong"}
    assert {"subject", "award", "rank", "score", "nominated", "reason"} <= rows[0].keys()
    bad = CliRunner().invoke(cli, ["rank", str(DEPARTMENT), "--period", "2023", "--award", "TTLDXS",
                                   "--bloc", "khoi-phongg"])
    assert bad.exit_code == 2
    assert bad.output == "Lỗi: không có đơn vị nào thuộc khối 'khoi-phongg'; có phải 'khoi-phong' hoặc 'khoi-don-vi'?\n"
    english = CliRunner().invoke(cli, ["rank", str(DEPARTMENT), "--period", "2023", "--award", "TTLDXS",
                                       "--bloc", "khoi-phongg", "--lang", "en"])
    assert english.output == ("Error: no unit is in the bloc 'khoi-phongg'; did you mean 'khoi-phong' or "
                              "'khoi-don-vi'?\n")


def test_a_bloc_for_an_award_ranked_across_the_organization_is_refused() -> None:
    asked = ["rank", str(DEPARTMENT), "--period", "2023", "--award", "CSTDCS", "--bloc", "khoi-phong"]
    out = CliRunner().invoke(cli, asked)
    assert out.exit_code == 2
    assert out.output == ("Lỗi: CSTDCS được xếp hạng trong toàn cơ quan, không theo khối thi đua; "
                          "bỏ khối thi đua (--bloc, hoặc bloc trong API)\n")
    english = CliRunner().invoke(cli, [*asked, "--lang", "en"])
    assert english.output == ("Error: CSTDCS is ranked across the organization, not within a khối thi đua; "
                              "leave out the bloc (--bloc, or bloc in the API)\n")


def test_ballot_thresholds_of_each_regime() -> None:
    v2024 = version_in_force(ROOT / "rules", _day(2024))
    assert not vote(v2024, "CSTDCS", 9, 7).passed  # 77.8% < 80%
    assert vote(v2024, "CSTDCS", 10, 8).passed  # exactly 80%
    assert not vote(v2024, "CSTD_TINH", 10, 8).passed and vote(v2024, "CSTD_TINH", 10, 9).passed
    v2017 = version_in_force(ROOT / "rules", _day(2023))
    assert vote(v2017, "CSTD_TOAN_QUOC", 10, 9).passed
    assert_one_line_error(lambda: vote(v2017, "CSTDCS", 9, 9), "the rules vn/2017",
                          ["no vote threshold for Grassroots"])
    assert_one_line_error(lambda: vote(v2024, "CSTDCS", 9, 10), "10 yes votes of 9", ["--members"])


def test_ballot_json() -> None:
    out = CliRunner().invoke(cli, ["ballot", "--period", "2024", "--award", "CSTDCS", "--members", "9", "--yes", "7",
                                   "--format", "json"])
    assert out.exit_code == 0, out.output
    got = json.loads(out.output)
    assert (got["threshold"], got["share"], got["passed"]) == (0.8, 0.777778, False)
    assert "Điều 30" in got["cite"]



def test_ballot_text_names_the_award_and_writes_the_readers_percentage() -> None:
    args = ["ballot", "--period", "2024", "--award", "CSTDCS", "--members", "9", "--yes", "7"]
    vi = CliRunner().invoke(cli, args)
    assert vi.exit_code == 0, vi.output
    assert vi.output.startswith("Chiến sĩ thi đua cơ sở: 7/9 ") and "= 77,8%;" in vi.output
    assert "80%" in vi.output and "77.8" not in vi.output and "CSTDCS" not in vi.output
    en = CliRunner().invoke(cli, [*args, "--lang", "en"])
    assert en.exit_code == 0, en.output
    assert "= 77.8%;" in en.output and "77,8" not in en.output

# --- properties ----------------------------------------------------------------------------------

people = st.lists(st.tuples(st.sampled_from(["HTT", "HTXS", "HT"]), st.integers(0, 3),
                            st.sampled_from(["male", "female"])), min_size=1, max_size=12)


def _from(drawn: list[tuple[str, int, str]], year: int) -> dict:
    return staff([r for r, _, _ in drawn], {i: n for i, (_, n, _) in enumerate(drawn)},
                 genders={i: g for i, (_, _, g) in enumerate(drawn)}, year=year)


@SETTINGS
@given(people)
def test_the_nominated_never_exceed_the_quota(drawn: list) -> None:
    result = ranked(_from(drawn, 2023), "CSTDCS", period=2023)
    for group, limit in result.limits.items():
        assert sum(c.nominated for c in result.candidates if c.group == group) <= limit.limit  # type: ignore[operator]


@SETTINGS
@given(people, st.data())
def test_raising_a_score_never_lowers_the_rank(drawn: list, data: st.DataObject) -> None:
    before = {c.subject: c.rank for c in ranked(_from(drawn, 2024), "CSTDCS").candidates}
    if not before:
        return
    who = data.draw(st.sampled_from(sorted(before)))
    more = _from(drawn, 2024)
    more["initiatives"].append({"id": "extra", "authors": [who], "year": 2024, "scope": "co_so", "kind": "sang_kien"})
    after = {c.subject: c.rank for c in ranked(more, "CSTDCS").candidates}
    assert after[who] <= before[who]


@SETTINGS
@given(people, st.randoms(use_true_random=False))
def test_ranking_does_not_depend_on_input_order(drawn: list, rng: random.Random) -> None:
    data = _from(drawn, 2024)
    shuffled = copy.deepcopy(data)
    for part in ("people", "records", "initiatives"):
        rng.shuffle(shuffled[part])
    first = [(c.subject, c.rank, c.nominated) for c in ranked(data, "CSTDCS").candidates]
    assert first == [(c.subject, c.rank, c.nominated) for c in ranked(shuffled, "CSTDCS").candidates]


def test_unknown_award_is_a_clean_error() -> None:
    evaluation = evaluate(Dataset.model_validate(staff(["HTT"], {})), 2024)
    assert_one_line_error(lambda: rank(evaluation, "CSTDSC"), "unknown award 'CSTDSC'", ["CSTDCS"])


def _day(year: int) -> date:
    return date(year, 12, 31)


def test_a_ranking_of_part_of_the_agency_is_refused_rather_than_read_as_the_whole():
    dataset = load_dataset(DEPARTMENT)
    assert_one_line_error(lambda: rank(evaluate(dataset, 2023, subjects=["p01", "p08"]), "CSTDCS"), "",
                          ["CSTDCS", "subjects"])
    assert_one_line_error(lambda: rank(evaluate(dataset, 2023, awards=["LDTT"]), "CSTDCS"), "",
                          ["CSTDCS", "awards"])


def test_ranking_an_award_the_year_does_not_give_names_the_years_it_is_given():
    result = CliRunner().invoke(cli, ["rank", str(ROOT / "fixtures" / "datasets" / "campaigns" / "bac-kan-ntm.yaml"),
                                      "--period", "2024", "--campaign", "bac-kan-ntm-2021-2025",
                                      "--award", "GIAY_KHEN_NTM_SO_TONG_KET", "--lang", "en"])
    assert result.exit_code == 2
    assert "GIAY_KHEN_NTM_SO_TONG_KET is not given in 2024; choose a period among 2023, 2025" in result.output


def test_a_ranking_of_a_partition_is_refused_as_one_of_some_subjects():
    dataset = load_dataset(DEPARTMENT)
    part = {"vp"} | {p.id for p in dataset.people if p.unit == "vp"}
    assert_one_line_error(lambda: rank(evaluate(dataset, 2023, within=part), "CSTDCS"), "", ["CSTDCS", "within"])

"""What a council would notice in verdicts: dependencies settled in one run, three-valued logic,
presumptions shown, the version in force chosen by date."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ktrules import Dataset, KtrulesError, evaluate, load_dataset
from tests.conftest import DEPARTMENT, SMALL, assert_one_line_error, criterion, unit_with, verdicts


def test_cstdcs_reads_this_years_ldtt_verdict_from_the_same_run():
    reprimand = [{"level": "khien_trach", "date": "2024-05-02"}]
    data = unit_with([{"rating": "HTXS"}, {"rating": "HTXS", "discipline": reprimand}])
    got = verdicts(data)
    assert got["p1", "CSTDCS"] == "eligible"
    assert got["p2", "LDTT"] == "not_eligible" and got["p2", "CSTDCS"] == "not_eligible"


def test_ttldxs_reads_members_cstdcs_verdicts_from_the_same_run():
    strong = unit_with([{"rating": "HTXS"}, {}, {}])
    weak = unit_with([{}, {}, {}])
    assert verdicts(strong)["u1", "TTLDXS"] == "eligible"
    assert verdicts(weak)["u1", "TTLDXS"] == "not_eligible"
    assert criterion(weak, "u1", "TTLDXS", "has_cstdcs") == "failed"


def test_a_missing_rating_makes_the_verdict_incomplete_not_a_silent_fail():
    data = unit_with([{"rating": None}])
    assert verdicts(data)["p1", "LDTT"] == "incomplete"
    assert criterion(data, "p1", "LDTT", "rating") == "undecided"


def test_a_failed_criterion_outweighs_a_missing_one():
    data = unit_with([{"rating": None, "discipline": [{"level": "canh_cao", "date": "2024-03-01"}]}])
    assert verdicts(data)["p1", "LDTT"] == "not_eligible"


def test_a_share_whose_range_is_wholly_above_the_threshold_passes_despite_an_undecided_member():
    # 8 of 10 members are LĐTT, one has no rating yet: 80% to 90%, above 70% whatever comes
    people = [{} for _ in range(8)] + [{"rating": "HT"}, {"rating": None}]
    data = unit_with(people, unit_record={"rating": "HTT"})
    assert criterion(data, "u1", "TTLDTT", "ldtt_share") == "passed"
    # 6 of 10 with one undecided: 60% to 70%, so the council must wait for the missing rating
    people = [{} for _ in range(6)] + [{"rating": "HT"}] * 3 + [{"rating": None}]
    data = unit_with(people, unit_record={"rating": "HTT"})
    assert criterion(data, "u1", "TTLDTT", "ldtt_share") == "undecided"
    assert verdicts(data)["u1", "TTLDTT"] == "incomplete"


def test_conduct_is_presumed_unless_the_council_recorded_otherwise():
    data = unit_with([{}])
    ev = evaluate(Dataset.model_validate(data), 2024)
    nodes = [n for root in ev.get("u1", "TTLDTT").criteria for _, n in root.flatten()]
    node = next(n for n in nodes if n.criterion.id == "doan_ket")
    assert node.result == "passed" and node.reading.note == "presumed"
    judged = unit_with([{}], unit_record={"rating": "HTXS", "assessments": {"doan_ket": False}})
    assert verdicts(judged)["u1", "TTLDTT"] == "not_eligible"


def test_leave_that_counts_as_worked_keeps_ldtt_and_unpaid_leave_does_not():
    data = unit_with([
        {"months_worked": 6, "leave": [{"kind": "maternity", "months": 6}]},
        {"months_worked": 4, "leave": [{"kind": "training", "months": 8}]},
        {"months_worked": 3, "leave": [{"kind": "unpaid", "months": 9}]},
    ])
    got = verdicts(data)
    assert [got[f"p{i}", "LDTT"] for i in (1, 2, 3)] == ["eligible", "eligible", "not_eligible"]


def test_recruitment_counts_whole_months_to_the_end_of_the_year():
    data = unit_with([{"recruited": "2024-07-01"}, {"recruited": "2024-07-02"}])
    got = verdicts(data)
    assert (got["p1", "LDTT"], got["p2", "LDTT"]) == ("eligible", "not_eligible")


def test_discipline_counts_in_the_year_of_its_date_only():
    data = unit_with([{"discipline": [{"level": "khien_trach", "date": "2024-11-30"}]}])
    assert verdicts(data)["p1", "LDTT"] == "not_eligible"
    data["records"].append({"subject": "p1", "year": 2023, "rating": "HTT",
                            "discipline": [{"level": "canh_cao", "date": "2023-02-01"}]})
    data["records"][1]["discipline"] = []
    assert verdicts(data)["p1", "LDTT"] == "eligible"


def test_narrowing_to_one_award_still_settles_what_it_depends_on():
    ev = evaluate(load_dataset(DEPARTMENT), 2024, awards=["TTLDXS"], subjects=["qlkh"])
    assert [(v.subject, v.award, v.verdict) for v in ev.verdicts] == [("qlkh", "TTLDXS", "eligible")]


def test_the_version_in_force_is_chosen_by_the_as_of_date():
    ds = load_dataset(SMALL)
    assert evaluate(ds, 2024).as_of == date(2024, 12, 31)
    assert evaluate(ds, 2024, as_of=date(2024, 1, 1)).version.label == "vn/2024"
    assert evaluate(ds, 2024, as_of=date(2023, 12, 31)).version.label == "vn/2017"
    with pytest.raises(KtrulesError, match="in force on 2017-09-30"):
        evaluate(ds, 2024, as_of=date(2017, 9, 30))


def test_unknown_award_or_subject_is_refused_with_a_suggestion():
    ds = load_dataset(SMALL)
    with pytest.raises(KtrulesError, match="did you mean 'CSTDCS'"):
        evaluate(ds, 2024, awards=["CSTDC"])
    with pytest.raises(KtrulesError, match="unknown subject 'p9'"):
        evaluate(ds, 2024, subjects=["p9"])


def test_the_department_fixture_has_every_verdict_kind_for_each_individual_title():
    ev = evaluate(load_dataset(DEPARTMENT), 2024)
    for award in ("LDTT", "CSTDCS"):
        assert {v.verdict for v in ev.verdicts if v.award == award} == {"eligible", "not_eligible", "incomplete"}


def _innovator(ratings: dict[int, str], initiatives: dict[int, str], **parts) -> dict:
    """One person with a rating and at most one sáng kiến cơ sở per year."""
    data = unit_with([{"rating": ratings[2024]}], **parts)
    data["records"] += [{"subject": "p1", "year": y, "rating": r} for y, r in ratings.items() if y != 2024]
    data["initiatives"] = [{"id": i, "authors": ["p1"], "year": y, "scope": "co_so", "kind": "sang_kien"}
                           for y, i in initiatives.items()]
    return data


def test_a_title_won_on_htxs_keeps_its_sang_kien_for_the_bang_khen():
    # the ministry's example: HTXS 2023 with one sáng kiến, HTXS 2024 with one sáng kiến
    data = _innovator({2023: "HTXS", 2024: "HTXS"}, {2023: "sk-a", 2024: "sk-b"})
    ev = evaluate(Dataset.model_validate(data), 2024)
    assert ev.get("p1", "CSTDCS").verdict == "eligible" and ev.get("p1", "CSTDCS").used == ()
    assert ev.get("p1", "BANG_KHEN_TINH").verdict == "eligible"
    assert ev.get("p1", "BANG_KHEN_TINH").used == ("sk-a", "sk-b")


def test_a_sang_kien_spent_on_a_title_is_not_counted_again_for_a_bang_khen():
    data = _innovator({2023: "HTXS", 2024: "HTT"}, {2023: "sk-a", 2024: "sk-b"})
    ev = evaluate(Dataset.model_validate(data), 2024)
    assert ev.get("p1", "CSTDCS").used == ("sk-b",)  # HTT: only the sáng kiến makes the title
    bang_khen = ev.get("p1", "BANG_KHEN_TINH")
    node = next(n for root in bang_khen.criteria for _, n in root.flatten() if n.criterion.id == "hai_sang_kien")
    assert node.result == "failed" and ("spent", "sk-b (CSTDCS 2024)") in node.reading.evidence
    # a title conferred earlier that lists its sáng kiến spends it too
    data["conferred"] = [{"subject": "p1", "award": "CSTDCS", "year": 2023, "initiatives": ["sk-a"]}]
    node = next(n for root in evaluate(Dataset.model_validate(data), 2024).get("p1", "BANG_KHEN_TINH").criteria
                for _, n in root.flatten() if n.criterion.id == "hai_sang_kien")
    assert node.reading.value == 0


def test_a_year_evaluated_again_does_not_see_its_own_conferral_spend_its_sang_kien():
    # CSTĐCS 2024 was conferred on sk-b: evaluating 2024 again must find sk-b there, as it was
    data = _innovator({2023: "HTT", 2024: "HTT"}, {2024: "sk-b"})
    data["conferred"] = [{"subject": "p1", "award": "CSTDCS", "year": 2024, "initiatives": ["sk-b"]}]
    again = evaluate(Dataset.model_validate(data), 2024).get("p1", "CSTDCS")
    assert again.verdict == "eligible" and again.used == ("sk-b",)


def test_cstd_tinh_needs_three_new_cstdcs_years_after_the_last_one():
    data = _innovator({2022: "HTXS", 2023: "HTXS", 2024: "HTXS"}, {2024: "sk-t"})
    data["initiatives"][0]["scope"] = "tinh"
    data["conferred"] = [{"subject": "p1", "award": "CSTDCS", "year": y} for y in (2021, 2022, 2023)]
    assert verdicts(data)["p1", "CSTD_TINH"] == "eligible"
    data["conferred"].append({"subject": "p1", "award": "CSTD_TINH", "year": 2023})
    assert verdicts(data)["p1", "CSTD_TINH"] == "not_eligible"


def test_a_program_may_give_the_options_as_the_command_line_takes_them():
    dataset = load_dataset(DEPARTMENT)
    everyone = evaluate(dataset, 2024, awards=None, subjects=None)
    assert everyone.verdicts == evaluate(dataset, 2024).verdicts
    assert evaluate(dataset, 2024, as_of="31/12/2024").as_of == evaluate(dataset, 2024, as_of="2024-12-31").as_of \
        == date(2024, 12, 31)
    assert_one_line_error(lambda: evaluate(dataset, 2024, as_of="31/02/2024"), "", ["as_of", "31/02/2024"])
    assert_one_line_error(lambda: evaluate(dataset, 2024, awards="LDTT"), "", ["awards", "['LDTT']"])


@pytest.mark.parametrize(("options", "words"), [
    ({"period": "2024"}, ["period '2024'", "1945 to 2100"]),
    ({"period": 3000}, ["period 3000"]),
    ({"period": 2024, "as_of": b"2024-12-31"}, ["as_of"]),
    ({"period": 2024, "awards": 5}, ["awards is a list of ids, not 5"]),
    ({"period": 2024, "awards": [None]}, ["awards is a list of ids"]),
    ({"period": 2024, "rules": None}, ["the rules folder must be a path, not None"]),
    ({"period": 2024, "within": "vp"}, ["within is a list of ids"]),
])
def test_what_a_program_gives_wrong_is_one_line_not_a_python_error(options, words):
    dataset = load_dataset(SMALL)
    assert_one_line_error(lambda: evaluate(dataset, **options), "", words)


def test_a_program_s_generator_of_ids_is_read_once_and_a_datetime_is_its_day():
    dataset = load_dataset(SMALL)
    narrowed = evaluate(dataset, 2024, awards=(a for a in ["LDTT"]), subjects=iter(["p01"]))
    assert [(v.subject, v.award) for v in narrowed.verdicts] == [("p01", "LDTT")]
    assert evaluate(dataset, 2024, as_of=datetime(2024, 12, 31, 10)).as_of == date(2024, 12, 31)


def test_a_dataset_a_program_built_with_a_broken_reference_is_refused_not_a_key_error():
    data = load_dataset(SMALL).model_dump()
    data["people"][0]["unit"] = "zzz"
    assert_one_line_error(lambda: evaluate(Dataset.model_validate(data), 2024), "people[0].unit: ", ["zzz"])


def test_a_period_or_ids_from_numpy_are_taken_as_given():
    import numpy as np  # what a program reading a table passes

    dataset = load_dataset(DEPARTMENT)
    assert evaluate(dataset, np.int64(2024)).verdicts == evaluate(dataset, 2024).verdicts
    part = evaluate(dataset, 2024, within=np.array(["vp", "p01"]))
    assert {v.subject for v in part.verdicts} <= {"vp", "p01"} and part.verdicts

"""Loading records: valid files load, every kind of bad input fails on one line naming file and line."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ktrules import KtrulesError, load_dataset
from ktrules.records.models import Person, id_order, natural_order
from tests.conftest import DEPARTMENT, SMALL, assert_one_line_error

GOOD = SMALL.read_text(encoding="utf-8")


def test_bundled_department_loads_with_members_per_year():
    ds = load_dataset(DEPARTMENT)
    assert len(ds.units) >= 6 and len(ds.people) >= 40
    assert {r.year for r in ds.records} >= {2021, 2022, 2023, 2024, 2025}
    # a record's own unit places the person in that unit for that year
    moved = next(r for r in ds.records if r.unit and r.unit != ds.people_by_id[r.subject].unit)
    assert moved.subject in ds.members(moved.unit, moved.year)


def test_json_dataset_loads_the_same_as_yaml(tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(yaml.safe_load(GOOD), default=str), encoding="utf-8")
    assert load_dataset(path) == load_dataset(SMALL)


@pytest.mark.parametrize(("change", "line", "words"), [
    (("gender: female, unit: vp, recruited: 2015", "gendr: female, unit: vp, recruited: 2015"), 7,
     ["unknown key 'gendr'", "did you mean 'gender'"]),
    (("rating: HTXS, months_worked: 12}", "rating: Tot, months_worked: 12}"), 12,
     ["records[0].rating", "'Tot'", "HTXS"]),
    (("months_worked: 7,", "months_worked: seven,"), 13, ["records[1].months_worked", "number"]),
    # yes/no is no number: lax pydantic read it as 1 month, and a verdict changed silently
    (("months_worked: 7,", "months_worked: yes,"), 13, ["records[1].months_worked", "number", "True"]),
    (("months: 5}", "months: true}"), 13, ["records[1].leave[0].months", "number", "True"]),
    (("year: 2024, rating: HTXS", "year: yes, rating: HTXS"), 12, ["records[0].year", "integer", "True"]),
    # a program's quoted number and a secretary's date: told how to write them
    (("year: 2024, rating: HTXS", "year: '2024', rating: HTXS"), 12, ["records[0].year", "without quotes: 2024"]),
    (("recruited: 2015-03-01}", "recruited: 01/03/2015}"), 7, ["as YYYY-MM-DD: 2015-03-01"]),
    (("{subject: p04, year: 2024", "{subject: p44, year: 2024"), 16, ["unknown subject 'p44'", "'p04'"]),
    (("authors: [p01]", "authors: [p09]"), 19, ["unknown author 'p09'"]),
    (("unit: kt}", "unit: ktt}"), 16, ["unknown unit 'ktt'", "'kt'"]),
    (("units:\n", "units: [\n"), 4, ["malformed YAML"]),
    (("recruited: 2015-03-01}", "recruited: 2025-02-01}"), 12,
     ["a record for 2024, but 'p01' was recruited on 2025-02-01"]),
    (('name: "Nguyễn Thị An"', 'name: "  "'), 7, ["people[0].name", "a name cannot be empty or blank"]),
    (('name: "Nguyễn Thị An"', 'name: "\u200b"'), 7, ["people[0].name", "a name cannot be empty or blank"]),
    # a Word line break pasted into Excel (\x0b): no workbook or văn bản can be written with it
    (('name: "Nguyễn Thị An"', 'name: "Nguyễn Thị\\vAn"'), 7, ["people[0].name", "control character (U+000B)"]),
    (('decision: "QĐ 15', 'decision: "QĐ\\0 15'), 21, ["conferred[0].decision", "control character (U+0000)"]),
    # a right-to-left override would show the name in a decision other than it is spelt
    (('name: "Nguyễn Thị An"', 'name: "Nguyễn Thị \\u202eAn"'), 7, ["people[0].name", "(U+202E)"]),
    # YAML 1.1 reads 010 as octal 8: kept as written, and refused as no number rather than read as 8 months
    (("months_worked: 7,", "months_worked: 010,"), 13, ["records[1].months_worked", "number", "'010'"]),
    # a year alone typed in Excel's date cell is a day of 1905: 1,433 months since recruitment, and LĐTT met
    (("recruited: 2015-03-01}", "recruited: 1905-07-16}"), 7,
     ["people[0].recruited", "greater than or equal to 1945-01-01", "given: 1905-07-16"]),
    (("recruited: 2015-03-01}", "recruited: 2015-03-01, unit: kt}"), 7, ["key 'unit' is given twice"]),
    (("months_worked: 7, leave:", "months_worked: 9, leave:"),
     13, ["exceed 12"]),
    (("{subject: p04, year: 2024, rating: HTT, unit: kt}", "{subject: p01, year: 2024, rating: HTT}"), 16,
     ["a second record for 'p01' in 2024"]),
    # leave over a year without months_worked read as a negative number of months at work
    (("months_worked: 7, leave: [{kind: maternity, months: 5}]",
      "leave: [{kind: maternity, months: 8}, {kind: sick, months: 8}]"), 13, ["leave adds up to 16 months"]),
    # what only a person's record holds, on a unit's, and the reverse: no rule would read it
    (("assessments: {doan_ket: true}}", "assessments: {doan_ket: true}, months_worked: 12}"), 17,
     ["'vp' is a collective: months_worked is a person's"]),
    (("assessments: {doan_ket: true}}", "assessments: {doan_ket: true}, leave: [{kind: sick, months: 1}]}"), 17,
     ["'vp' is a collective: leave"]),
    (("{subject: p04, year: 2024, rating: HTT, unit: kt}", "{subject: p04, year: 2024, rating: HTT, bloc_rank: 1}"),
     16, ["'p04' is a person: bloc_rank"]),
    (("{subject: p01, award: CSTDCS, year: 2022", "{subject: p01, award: TTLDXS, year: 2022"), 21,
     ["TTLDXS is a collective's award; 'p01' is a person"]),
    (("{subject: p01, award: CSTDCS, year: 2022", "{subject: vp, award: CSTDCS, year: 2022"), 21,
     ["CSTDCS is a person's award; 'vp' is a collective"]),
    (("organization: {id: skhcn-tn,", "organization: {[a]: 1, id: skhcn-tn,"), 2, ["a key is a list or a mapping"]),
    # a title twice in a year: the first silently won
    (('decision: "QĐ 15/QĐ-SKHCN"}', 'decision: "QĐ 15/QĐ-SKHCN"}\n  - {subject: p01, award: CSTDCS, year: 2022}'),
     22, ["CSTDCS of 2022 is given twice to Nguyễn Thị An (p01)"]),
])
def test_bad_input_names_file_line_and_key(write, change, line, words):
    old, new = change
    assert old in GOOD
    path = write("records.yaml", GOOD.replace(old, new, 1))
    assert_one_line_error(lambda: load_dataset(path), f"{path}:{line}: ", words)


def test_missing_file_is_a_clean_error(tmp_path):
    with pytest.raises(KtrulesError, match="file not found"):
        load_dataset(tmp_path / "nope.yaml")


def test_a_dossier_of_an_award_no_rule_knows_is_refused(write):
    path = write("records.yaml", GOOD + "dossiers:\n  - {subject: p01, award: XXX, year: 2024, documents: [a]}\n")
    assert_one_line_error(lambda: load_dataset(path), f"{path}:25: ", ["unknown award 'XXX'"])


def test_a_staff_code_with_a_leading_zero_reads_as_written(write):
    # YAML 1.1 made `id: 012` the number 10 (octal), refused as no text; and `012` in a record matched it
    text = GOOD.replace("id: p01,", "id: 012,").replace("subject: p01,", "subject: 012,").replace(
        "authors: [p01]", "authors: [012]")
    dataset = load_dataset(write("records.yaml", text))
    assert "012" in dataset.people_by_id and dataset.record("012", 2024) is not None


def test_a_commendation_may_be_given_twice_in_a_year(write):
    # the year's work, and a thành tích đột xuất: two Giấy khen of one year, two decisions
    extra = ('decision: "QĐ 15/QĐ-SKHCN"}\n  - {subject: p01, award: GIAY_KHEN, year: 2023, decision: "QĐ 40"}'
             '\n  - {subject: p01, award: GIAY_KHEN, year: 2023, decision: "QĐ 88"}')
    dataset = load_dataset(write("records.yaml", GOOD.replace('decision: "QĐ 15/QĐ-SKHCN"}', extra, 1)))
    assert [c.decision for c in dataset.conferred if c.award == "GIAY_KHEN"] == ["QĐ 40", "QĐ 88"]

_ID = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,6}", fullmatch=True)
# a province's ids: letters then a number, zero-padded or not (p2, p10, p000123, u0042, 123)
_NUMBERED = st.builds(lambda letters, number, width: f"{letters}{number:0{width}d}",
                      st.sampled_from(["", "p", "u", "P", "p.", "don-vi_"]), st.integers(0, 10**6), st.integers(1, 8))


@given(st.lists(_NUMBERED | _ID, max_size=40) | st.lists(_NUMBERED, max_size=40))
def test_natural_order_is_the_order_of_id_order_whatever_the_ids(ids: list[str]) -> None:
    assert natural_order(ids) == sorted(ids, key=id_order)


def test_numbers_in_ids_sort_as_numbers() -> None:
    assert natural_order(["p10", "p2", "p02", "u1", "7"]) == ["7", "p02", "p2", "p10", "u1"]


_SHOWING_NOTHING = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@given(st.text(st.sampled_from(" \t\n\r\u00a0\u2028\u3000\u200b\u2060\ufeff\x0b\x1f\x85\u202eaĐ"), max_size=4)
       | st.text())
def test_a_name_is_taken_unless_blank_or_holding_a_control_character(name: str) -> None:
    printable = not any(c in name for c in "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
                        "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff"
                        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")  # and right-to-left marks
    blank = not name.translate(_SHOWING_NOTHING).strip()
    try:
        Person(id="p1", name=name, unit="u1")
        taken = True
    except ValidationError:
        taken = False
    assert taken == (printable and not blank)


def test_the_people_unrecorded_in_a_year_are_those_present_around_it_or_never_recorded(tmp_path):
    data = yaml.safe_load(GOOD)
    data["people"] += [{"id": "p06", "name": "Chưa có dòng nào", "unit": "vp"},
                       {"id": "p07", "name": "Tuyển sau năm xét", "unit": "vp", "recruited": date(2025, 3, 1)},
                       {"id": "p08", "name": "Nghỉ từ lâu", "unit": "vp"},
                       {"id": "p09", "name": "Quên dòng năm 2024", "unit": "vp"}]
    data["records"] += [{"subject": "p08", "year": 2019, "rating": "HTT"},
                        {"subject": "p09", "year": 2023, "rating": "HTT"}]
    path = tmp_path / "records.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ds = load_dataset(path)
    assert [p.id for p in ds.unrecorded(2024)] == ["p03", "p06", "p09"]  # p03: in the small dataset already
    assert [p.id for p in ds.unrecorded(2023)] == ["p01", "p02", "p04", "p06"] and ds.unrecorded(2030) == []

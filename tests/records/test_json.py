"""JSON datasets: read by pydantic straight from the bytes, yet refused exactly as any other file is,
with the line of the problem, and never accepted when a key is given twice."""

from __future__ import annotations

import json

import pytest
import yaml

from ktrules import load_dataset
from ktrules.records.models import _keys
from tests.conftest import SMALL, assert_one_line_error

DATA = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
# one key a line, as an office's export would be: every problem has its own line
PRETTY = json.dumps(DATA, default=str, ensure_ascii=False, indent=2)


def _line(text: str, fragment: str) -> int:
    """The line of the first occurrence of `fragment` in `text`."""
    return text[:text.index(fragment)].count("\n") + 1


def test_json_loads_the_same_as_yaml_whatever_its_layout(write):
    compact = json.dumps(DATA, default=str)  # \u escapes, no spaces
    spaced = PRETTY.replace('": ', '" : ')  # a space before every colon
    for name, text in (("pretty", PRETTY), ("compact", compact), ("spaced", spaced)):
        assert load_dataset(write(f"{name}.json", text)) == load_dataset(SMALL), name


def test_colons_and_quotes_in_strings_are_read_as_written(write):
    title = 'Sáng kiến: "sổ: điện tử" \\: x'
    text = PRETTY.replace('"Số hóa sổ theo dõi thi đua"', json.dumps(title, ensure_ascii=False))
    assert load_dataset(write("colons.json", text)).initiatives[0].title == title


@pytest.mark.parametrize("title", ["Số hóa sổ", "Số hóa: sổ", 'Số "hóa": sổ', "Số hóa\\u003a sổ"])
@pytest.mark.parametrize("space", ["", " "])
def test_a_key_given_twice_is_refused_at_its_line(write, title, space):
    escaped = title.replace('"', '\\"')
    text = PRETTY.replace('"Số hóa sổ theo dõi thi đua"', f'"{escaped}"')
    second = f'"unit"{space}: "kt"'
    text = text.replace('"unit": "vp",', f'"unit": "vp",\n      {second},', 1)
    path = write("twice.json", text)
    assert_one_line_error(lambda: load_dataset(path), f"{path}:{_line(text, second)}: ", ["key 'unit' is given twice"])


def _keys_given(text: str) -> int:
    """The keys the objects of a JSON text give, as the standard library reads them."""
    count = 0

    def pairs(found: list) -> dict:
        nonlocal count
        count += len(found)
        return dict(found)

    json.loads(text, object_pairs_hook=pairs)
    return count


@pytest.mark.parametrize("path", [SMALL, *sorted((SMALL.parent / "campaigns").glob("*.yaml")),
                                  SMALL.parent / "so-khcn-binh-dinh.yaml"], ids=lambda p: p.name)
def test_the_keys_counted_of_a_dataset_are_those_its_file_gives(path):
    # what a row holds is all that tells which keys its file gave: a key counted too many lets a key given
    # twice through unread
    text = json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str)
    assert _keys(load_dataset(path)) == _keys_given(text)


def test_keys_given_their_default_values_load_and_one_of_them_twice_is_refused(write):
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    for record in data["records"]:
        record.setdefault("leave", [])
        record.setdefault("bloc_rank", None)
    for initiative in data["initiatives"]:
        initiative.setdefault("title", "")
    text = json.dumps(data, default=str, ensure_ascii=False, indent=2)
    assert load_dataset(write("defaults.json", text)) == load_dataset(SMALL)
    twice = text.replace('"bloc_rank": null', '"bloc_rank": null,\n      "bloc_rank": null', 1)
    path = write("twice.json", twice)
    line = _line(twice, '"bloc_rank": null,') + 1
    assert_one_line_error(lambda: load_dataset(path), f"{path}:{line}: ", ["key 'bloc_rank' is given twice"])


def test_an_assessment_given_twice_is_refused(write):
    text = PRETTY.replace('"doan_ket": true', '"doan_ket": true,\n        "doan_ket": false')
    path = write("twice.json", text)
    line = _line(text, '"doan_ket": false')
    assert_one_line_error(lambda: load_dataset(path), f"{path}:{line}: ",
                          ["key 'doan_ket' is given twice"])


def test_a_part_given_twice_is_refused(write):
    text = PRETTY[:-2] + ',\n  "units": []\n}'
    path = write("twice.json", text)
    line = _line(text, '"units": []')
    assert_one_line_error(lambda: load_dataset(path), f"{path}:{line}: ",
                          ["key 'units' is given twice"])


@pytest.mark.parametrize(("old", "new", "at", "words"), [
    ('"gender": "female"', '"gendr": "female"', '"gendr"', ["unknown key 'gendr'", "did you mean 'gender'"]),
    ('"rating": "HTXS"', '"rating": "Tot"', '"Tot"', ["records[0].rating", "'Tot'", "HTXS"]),
    ('"months_worked": 7', '"months_worked": "seven"', '"seven"', ["records[1].months_worked", "number"]),
    ('"subject": "p04"', '"subject": "p44"', '"p44"', ["unknown subject 'p44'", "'p04'"]),
    ('"subject": "p04"', '"subject": "p 04"', '"p 04"', ["unknown subject 'p 04'", "'p04'"]),
    ('"subject": "p04"', '"subject": ""', '""', ["].subject", "at least 1 character", "given: ''"]),
    ('"unit": "kt"', '"unit": "ktt"', '"ktt"', ["unknown unit 'ktt'", "'kt'"]),
    ('"authors": [\n        "p01"', '"authors": [\n        "p09"', '"p09"', ["unknown author 'p09'"]),
    ('"recruited": "2015-03-01"', '"recruited": "2025-02-01"', '"year": 2024',
     ["a record for 2024, but 'p01' was recruited on 2025-02-01"]),
    ('"name": "Nguyễn Thị An"', '"name": "  "', '"  "', ["people[0].name", "a name cannot be empty or blank"]),
    ('"months_worked": 7', '"months_worked": 9', '"months_worked": 9', ["exceed 12"]),
    ('"award": "CSTDCS"', '"award": "CSTD"', '{\n      "subject": "p01",\n      "award": "CSTD"',
     ["conferred[0]: 'CSTD' is not a national award id"]),
    ('"year": 2023,\n      "campaign"', '"year": 1800,\n      "campaign"', "1800", ["achievements[0].year", "1945"]),
    ('"doan_ket": true', '"doan_kett": true', "doan_kett", ["reads the assessment 'doan_kett'", "'doan_ket'"]),
    ('"rating": "HTXS",\n      "assessments"', '"rating": "HTXS",\n      "bloc_rank": 100000000000000000000000,\n'
     '      "assessments"', "bloc_rank", ["records[4].bloc_rank", "a whole number too large"]),
    ('"months_worked": 12', '"months_worked": NaN', "NaN", ["malformed JSON"]),
])
def test_bad_json_names_file_line_and_key(write, old, new, at, words):
    assert old in PRETTY
    text = PRETTY.replace(old, new, 1)
    path = write("records.json", text)
    assert_one_line_error(lambda: load_dataset(path), f"{path}:{_line(text, at)}: ", words)


def test_the_largest_bloc_rank_json_can_hold_as_an_integer_loads(write):
    text = PRETTY.replace('"rating": "HTXS",\n      "assessments"',
                          f'"rating": "HTXS",\n      "bloc_rank": {2**64 - 1},\n      "assessments"')
    assert load_dataset(write("rank.json", text)).record("vp", 2024).bloc_rank == 2**64 - 1

"""Properties: more evidence never lowers a verdict; explanations agree with verdicts; output does not
depend on the order of the input's lists; any input either evaluates or fails with a clean one-line error."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ktrules import Dataset, KtrulesError, evaluate, load_dataset
from ktrules.cli import cli
from ktrules.documents.report import explanation, row
from ktrules.engine.evaluate import _kleene
from tests.conftest import DEPARTMENT, SMALL, unit_with

RATINGS = ["KHT", "HT", "HTT", "HTXS"]
RANK = {"not_eligible": 0, "incomplete": 1, "eligible": 2}
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

leave = st.fixed_dictionaries({"kind": st.sampled_from(["maternity", "training", "duty_injury", "sick", "unpaid"]),
                               "months": st.integers(1, 6)})
person = st.fixed_dictionaries({
    "rating": st.sampled_from([*RATINGS, None]),
    "months_worked": st.sampled_from([None, 0, 3, 6, 6]),
    "leave": st.lists(leave, max_size=1),
    "discipline": st.lists(st.fixed_dictionaries({
        "level": st.sampled_from(["khien_trach", "canh_cao", "ha_bac_luong"]),
        "date": st.sampled_from(["2023-05-01", "2024-05-01"])}), max_size=1),
    "recruited": st.sampled_from(["2010-01-01", "2024-03-01", "2024-09-01"]),
    "assessments": st.sampled_from([{}, {}, {"khong_dang_xem_xet": False}]),  # a pending matter defers
})
initiative = st.fixed_dictionaries({"kind": st.sampled_from(["sang_kien", "de_tai"]),
                                    "scope": st.sampled_from(["co_so", "tinh", "toan_quoc"]),
                                    "year": st.sampled_from([2023, 2024])})


@st.composite
def departments(draw: Any) -> dict:
    people = draw(st.lists(person, min_size=1, max_size=8))
    unit = {"rating": draw(st.sampled_from([*RATINGS, None])),
            "assessments": draw(st.sampled_from([{}, {"doan_ket": True}, {"doan_ket": False}]))}
    data = unit_with(people, unit_record=unit)
    for i, fields in enumerate(data["records"][1:]):
        if fields.get("months_worked") == 6 and not fields["leave"]:
            fields["months_worked"] = 12
        away = sum(x["months"] for x in fields["leave"])
        if fields.get("months_worked") is not None and fields["months_worked"] + away > 12:
            fields["months_worked"] = 12 - away
        fields["subject"] = data["people"][i]["id"]
    found = draw(st.lists(st.tuples(st.integers(0, len(people) - 1), initiative), max_size=4))
    data["initiatives"] = [{"id": f"sk{j}", "authors": [data["people"][who]["id"]], "title": "t", **ini}
                           for j, (who, ini) in enumerate(found)]
    return data


def _verdicts(data: dict) -> dict[tuple[str, str], str]:
    ev = evaluate(Dataset.model_validate(copy.deepcopy(data)), 2024)
    return {(v.subject, v.award): v.verdict for v in ev.verdicts}


@SETTINGS
@given(departments(), st.data())
def test_adding_an_initiative_never_lowers_a_verdict(data, draw):
    before = _verdicts(data)
    author = draw.draw(st.sampled_from([p["id"] for p in data["people"]]))
    more = copy.deepcopy(data)
    more["initiatives"].append({"id": "new", "authors": [author], "title": "t", **draw.draw(initiative)})
    after = _verdicts(more)
    for key, verdict in before.items():
        assert RANK[after[key]] >= RANK[verdict], key


@SETTINGS
@given(departments(), st.data())
def test_raising_a_rating_never_lowers_a_verdict(data, draw):
    rated = [r for r in data["records"] if r.get("rating") not in (None, "HTXS")]
    assume(rated)
    record = draw.draw(st.sampled_from(rated))
    before = _verdicts(data)
    more = copy.deepcopy(data)
    raised = next(r for r in more["records"] if r["subject"] == record["subject"])
    raised["rating"] = RATINGS[RATINGS.index(record["rating"]) + 1]
    after = _verdicts(more)
    for key, verdict in before.items():
        assert RANK[after[key]] >= RANK[verdict], key


@SETTINGS
@given(departments(), st.data())
def test_recording_a_missing_past_rating_as_htxs_never_lowers_a_verdict(data, draw):
    veterans = [p["id"] for p in data["people"] if p["recruited"] < "2023"]
    assume(veterans)
    before = _verdicts(data)
    more = copy.deepcopy(data)
    more["records"].append({"subject": draw.draw(st.sampled_from(veterans)), "year": 2023, "rating": "HTXS",
                            "months_worked": 12})
    after = _verdicts(more)
    for key, verdict in before.items():
        assert RANK[after[key]] >= RANK[verdict], key


def _recombine(criteria: list[dict], depth: int = 0) -> list[str]:
    """Results of the nodes at `depth`, each group recomputed from its children in the flat list."""
    results, i = [], 0
    while i < len(criteria):
        node = criteria[i]
        j = i + 1
        while j < len(criteria) and criteria[j]["depth"] > node["depth"]:
            j += 1
        if "combine" in node:
            children = _recombine(criteria[i + 1: j], depth + 1)
            assert node["result"] == _kleene(node["combine"], children), node["id"]
        results.append(node["result"])
        i = j
    return results


@SETTINGS
@given(departments(), st.sampled_from(["vi", "en"]))
def test_the_explanation_agrees_with_the_verdict(data, lang):
    ev = evaluate(Dataset.model_validate(data), 2024)
    for verdict in ev.verdicts:
        shown = row(ev, verdict, lang)
        top = _recombine(shown["criteria"])
        assert {"passed": "eligible", "failed": "not_eligible", "undecided": "incomplete"}[_kleene("all", top)] \
            == shown["verdict"]
        assert bool(shown["reasons"]) == (shown["verdict"] != "eligible")
        assert not shown["deferred"] or shown["verdict"] == "not_eligible"  # the contract's verdict is kept
        text = explanation(ev, verdict, lang)
        assert shown["verdict_label"] in text
        for leaf in shown["criteria"]:
            assert f"[{leaf['id']}]" in text and leaf["cite"] in text


GOOD = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
junk = st.one_of(st.none(), st.booleans(), st.integers(-5, 3000), st.text(max_size=6),
                 st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


@st.composite
def damaged(draw: Any) -> Any:
    """The contract's example dataset with a few random keys changed, dropped or added."""
    data = copy.deepcopy(GOOD)
    for _ in range(draw(st.integers(1, 3))):
        part = draw(st.sampled_from(sorted(data)))
        target = data[part]
        if isinstance(target, list) and target:
            target = target[draw(st.integers(0, len(target) - 1))]
        if not isinstance(target, dict):
            data[part] = draw(junk)
            continue
        action = draw(st.sampled_from(["set", "drop", "add"]))
        key = draw(st.sampled_from(sorted(target))) if target else "x"
        if action == "drop":
            target.pop(key, None)
        else:
            target[key if action == "set" else draw(st.text(min_size=1, max_size=5))] = draw(junk)
    return data


@SETTINGS
@given(st.one_of(damaged(), junk, st.text(max_size=40)))
def test_any_dataset_either_evaluates_or_fails_with_one_clean_line(tmp_path: Path, data):
    path = tmp_path / "records.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        evaluate(load_dataset(path), 2024)
    except KtrulesError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)


def _shuffled(value: Any, rnd: random.Random) -> Any:
    """The same data with every list, at every depth, in another order."""
    if isinstance(value, list):
        items = [_shuffled(v, rnd) for v in value]
        rnd.shuffle(items)
        return items
    if isinstance(value, dict):
        return {k: _shuffled(v, rnd) for k, v in value.items()}
    return value


def _check_json(path: Path, data: dict, period: int = 2024) -> bytes:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path), "--period", str(period), "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@st.composite
def departments_with_history(draw: Any) -> dict:
    """A department whose people hold earlier conferrals, some listing the initiatives they spent."""
    data = draw(departments())
    people = [p["id"] for p in data["people"]]
    for j in range(draw(st.integers(0, 3))):
        data["initiatives"].append({"id": f"old{j}", "authors": [draw(st.sampled_from(people))], "title": "t",
                                    "year": 2023, "scope": draw(st.sampled_from(["co_so", "tinh"])),
                                    "kind": "sang_kien"})
    ids = [i["id"] for i in data["initiatives"]]
    conferred = [{"subject": draw(st.sampled_from(people)),
                  "award": draw(st.sampled_from(["CSTDCS", "CSTD_TINH", "BANG_KHEN_TINH"])),
                  "year": draw(st.sampled_from([2022, 2023])),
                  "initiatives": draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)) if ids else []}
                 for _ in range(draw(st.integers(0, 4)))]
    # a national title is conferred once on a subject in a year (a second one is refused)
    data["conferred"] = list({(c["subject"], c["award"], c["year"]): c for c in conferred}.values())
    return data


@SETTINGS
@given(departments_with_history(), st.randoms(use_true_random=False))
def test_shuffling_every_list_changes_no_byte_of_the_output(tmp_path: Path, data, rnd):
    assert _check_json(tmp_path / "a.yaml", data) == _check_json(tmp_path / "b.yaml", _shuffled(data, rnd))


def test_shuffling_the_department_changes_no_byte_of_the_output(tmp_path: Path):
    data = yaml.safe_load(DEPARTMENT.read_text(encoding="utf-8"))
    before = _check_json(tmp_path / "a.yaml", data)
    for seed in range(2):
        assert _check_json(tmp_path / "b.yaml", _shuffled(data, random.Random(seed))) == before

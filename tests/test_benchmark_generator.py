"""The benchmark's synthetic province: deterministic, loadable, and shaped like a real one."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ktrules import Dataset, load_dataset

ROOT = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


generator = _module()


@pytest.fixture(scope="module")
def province() -> dict:
    return generator.generate(3000, seed=5)


def test_same_seed_gives_the_same_province_and_another_seed_a_different_one():
    assert generator.generate(300, seed=1) == generator.generate(300, seed=1)
    assert generator.generate(300, seed=1) != generator.generate(300, seed=2)


def test_written_province_loads_and_passes_reference_checks(tmp_path):
    path = tmp_path / "province.json"
    data = generator.generate(300, seed=3)
    generator.write(data, path, chunk=7)  # lists written in slices join back into the same JSON
    assert json.loads(path.read_text(encoding="utf-8")) == data
    ds = load_dataset(path)
    assert len(ds.people) == 300 and len(ds.units) == 12
    assert {r.year for r in ds.records} == {2020, 2021, 2022, 2023, 2024}
    assert all(p.id.startswith("p") for p in ds.people) and all(u.id.startswith("u") for u in ds.units)


@settings(max_examples=20, deadline=None)
@given(people=st.integers(1, 120), seed=st.integers(0, 2**32))
def test_any_size_and_seed_gives_a_valid_dataset(people, seed):
    ds = Dataset.model_validate(generator.generate(people, seed))
    assert list(ds.problems()) == []
    assert len(ds.people) == people


def _share(items, test) -> float:
    items = list(items)
    return sum(1 for i in items if test(i)) / len(items)


def test_ratings_leave_and_discipline_have_realistic_shares(province):
    people = {p["id"] for p in province["people"]}
    records = [r for r in province["records"] if r["subject"] in people]
    ratings = Counter(r.get("rating") for r in records)
    assert 0.12 < ratings["HTXS"] / len(records) < 0.25
    assert ratings["HTT"] / len(records) > 0.65
    assert 0 < ratings["HT"] / len(records) < 0.08
    assert 0 < ratings["KHT"] / len(records) < 0.02
    last = [r for r in records if r["year"] == 2024]
    assert 0 < _share(last, lambda r: "rating" not in r) < 0.02  # a few still undecided
    assert 0.01 < _share(records, lambda r: "leave" in r) < 0.08
    assert 0 < _share(records, lambda r: "discipline" in r) < 0.02
    assert _share(records, lambda r: r["months_worked"] == 12) > 0.85
    assert all(r["months_worked"] + sum(x["months"] for x in r.get("leave", ())) <= 12 for r in records)


def test_some_people_are_recruited_too_recently_for_a_full_year(province):
    recruited = [p["recruited"] for p in province["people"] if "recruited" in p]
    assert 0.01 < _share(recruited, lambda d: d.startswith("2024-")) < 0.1
    assert any(d >= "2024-04" for d in recruited)  # under ten months by the end of 2024


def test_initiatives_and_earlier_titles_look_like_a_province(province):
    person_years = sum(1 for r in province["records"] if r["subject"].startswith("p"))
    initiatives = province["initiatives"]
    co_so = [i for i in initiatives if i["scope"] == "co_so" and i["kind"] == "sang_kien"]
    assert 0.05 < len(co_so) / person_years < 0.15
    scopes = Counter(i["scope"] for i in initiatives)
    assert scopes["tinh"] > 0 and scopes["toan_quoc"] < scopes["tinh"]
    assert any(i["kind"] == "de_tai" for i in initiatives)
    conferred = province["conferred"]
    awards = Counter(c["award"] for c in conferred)
    assert {"LDTT", "CSTDCS", "BANG_KHEN_TINH", "TTLDTT"} <= set(awards)
    assert awards["LDTT"] > awards["CSTDCS"] > awards["BANG_KHEN_TINH"]
    assert all(c["year"] < 2024 for c in conferred)
    assert any(c.get("initiatives") for c in conferred) and not all(c.get("initiatives") for c in conferred)


def test_units_are_ranked_within_their_bloc(province):
    bloc_of = {u["id"]: u["bloc"] for u in province["units"]}
    assert max(Counter(bloc_of.values()).values()) == 8
    ranks: dict[tuple[str, int], list[int]] = {}
    for r in province["records"]:
        if r["subject"] in bloc_of and "bloc_rank" in r:
            ranks.setdefault((bloc_of[r["subject"]], r["year"]), []).append(r["bloc_rank"])
    assert ranks and all(sorted(v) == list(range(1, len(v) + 1)) for v in ranks.values())
    unit_records = [r for r in province["records"] if r["subject"] in bloc_of]
    assert any(r.get("assessments", {}).get("doan_ket") is False for r in unit_records)


def test_achievements_name_criteria_of_the_national_pack(province):
    facts = yaml.safe_load((ROOT / "rules" / "vn" / "2024.yaml").read_text(encoding="utf-8"))["facts"]
    known = {f["criterion"] for f in facts.values() if f["op"] == "achievements"}
    used = {a["criterion"] for a in province["achievements"]}
    assert used and used <= known

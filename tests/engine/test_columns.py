"""Facts as columns against the per-subject reference: the same verdicts, leaf by leaf and evidence
by evidence, on generated provinces (transfers, unrated years, leave, discipline, spent and unlisted
initiatives, campaign achievements) under the three regimes and the campaign packs."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ktrules import Dataset, KtrulesError, evaluate, load_dataset
from ktrules.common.vocabulary import COMMENDATIONS
from ktrules.engine.columns import Column, Columns
from ktrules.engine.evaluate import Evaluation, _distinct, campaign_ids
from ktrules.engine.facts import Context
from tests.conftest import FIXTURES, ROOT, SMALL

# period and the date in force: the 2017 regime, 2024's, 2025's before and after 1 July
REGIMES = [(2023, None), (2024, None), (2025, "2025-06-30"), (2025, None)]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


generate = _generator().generate


def assert_agree(dataset: Dataset, period: int, **options: Any) -> Evaluation:
    """The columnar evaluation equals the reference verdict by verdict, leaf by leaf, evidence by evidence."""
    reference = evaluate(dataset, period, use_columns=False, **options)
    columns = evaluate(dataset, period, use_columns=True, **options)
    assert [(v.subject, v.award, v.verdict) for v in columns.verdicts] == \
        [(v.subject, v.award, v.verdict) for v in reference.verdicts]
    for got, want in zip(columns.verdicts, reference.verdicts, strict=True):
        assert dict(got.outcomes) == dict(want.outcomes), (got.subject, got.award)
        # a reading's value type is compared too: 12 and 12.0 are equal but written apart
        assert {k: (r, type(r.value)) for k, r in got.readings.items()} == \
            {k: (r, type(r.value)) for k, r in want.readings.items()}, (got.subject, got.award)
        assert got.used == want.used, (got.subject, got.award)
    assert columns.context.spent == reference.context.spent
    return columns


@st.composite
def provinces(draw: Any) -> tuple[dict, int, str | None]:
    period, as_of = draw(st.sampled_from(REGIMES))
    data = generate(draw(st.integers(20, 150)), draw(st.integers(0, 10_000)), last_year=period)
    records = data["records"]
    data.setdefault("conferred", [])
    # past years left unrated and conferrals that do not list what they spent, beyond the generator's share
    for at in draw(st.lists(st.integers(0, len(records) - 1), max_size=30)):
        records[at].pop("rating", None)
    # recruited in the years a run reads or just before them, never after a record of their own: runs
    # read years of recruitment alike only before the earliest year they reach
    first_record = {}
    for r in records:
        first_record[r["subject"]] = min(r["year"], first_record.get(r["subject"], r["year"]))
    people = [p for p in data["people"] if p["id"] in first_record]
    for at in draw(st.lists(st.integers(0, len(people) - 1), max_size=20)):
        person = people[at]
        year = draw(st.integers(min(first_record.values()) - 4, first_record[person["id"]]))
        person["recruited"] = f"{year}-{draw(st.integers(1, 12)):02d}-{draw(st.sampled_from((1, 16))):02d}"
    # months at work left unwritten: the year less the leave, from recruitment when that was in the year
    recruits = {p["id"] for p in data["people"] if str(p.get("recruited", "")).startswith(str(period))}
    for at in draw(st.lists(st.integers(0, len(records) - 1), max_size=30)):
        records[at].pop("months_worked", None)
    for record in records:
        if record["year"] == period and record["subject"] in recruits and draw(st.booleans()):
            record.pop("months_worked", None)
    for at in draw(st.lists(st.integers(0, max(len(data["conferred"]) - 1, 0)), max_size=20)):
        if data["conferred"]:
            data["conferred"][at].pop("initiatives", None)
    # a commendation given twice in a year under two decisions: runs name the one `Dataset.conferral` weighs first
    commendations = [c for c in data["conferred"] if c["award"] in COMMENDATIONS]
    for at in draw(st.lists(st.integers(0, max(len(commendations) - 1, 0)), max_size=5)):
        if commendations:
            data["conferred"].append({**commendations[at], "decision": f"QĐ bổ sung {at}"})
    # achievements whose campaign already rewarded the subject that year (not counted again), half of
    # them of the period and resting on one shared document, as a decision listing many people does
    achieved = [a for a in data.get("achievements", []) if a.get("campaign")]
    for a in achieved[::2]:
        a["evidence"], a["year"] = "Quyết định chung", period
    for at in draw(st.lists(st.integers(0, max(len(achieved) - 1, 0)), max_size=10)):
        if achieved:
            a = achieved[at]
            data["conferred"].append({"subject": a["subject"], "award": "KHEN_THUONG", "year": a["year"],
                                      "campaign": a["campaign"], "decision": f"QĐ {at}/{a['year']}"})
    return data, period, as_of


@settings(max_examples=12, deadline=None)
@given(provinces())
def test_columns_agree_with_the_per_subject_reference_on_generated_provinces(case: tuple) -> None:
    data, period, as_of = case
    dataset = Dataset.model_validate(data)
    evaluation = assert_agree(dataset, period, as_of=None if as_of is None else date.fromisoformat(as_of))
    assert {v.verdict for v in evaluation.verdicts} >= {"eligible", "not_eligible"}


@pytest.mark.parametrize("campaign", campaign_ids())
def test_columns_agree_on_campaign_packs(campaign: str) -> None:
    datasets = [load_dataset(p) for p in sorted((FIXTURES / "datasets" / "campaigns").glob("*.yaml"))]
    datasets.append(Dataset.model_validate(generate(120, 7, last_year=2025)))
    compared = 0
    for dataset in datasets:
        for period in range(2021, 2026):
            try:
                assert_agree(dataset, period, campaign=campaign)
                compared += 1
            except KtrulesError as error:  # a year the campaign does not run
                assert "campaign" in str(error)
    assert compared


@pytest.mark.parametrize("period", [2023, 2024, 2025])
def test_columns_agree_on_the_fixture_datasets(period: int) -> None:
    for path in (SMALL, FIXTURES / "datasets" / "so-khcn-binh-dinh.yaml"):
        assert_agree(load_dataset(path), period)


def test_a_column_groups_subjects_that_read_alike() -> None:
    dataset = load_dataset(SMALL)
    people = [p.id for p in dataset.people if dataset.record(p.id, 2024)]
    ctx = Context(dataset, 2024, facts=evaluate(dataset, 2024).version.rules.facts)
    found = Columns(ctx).column("rating", "individual", people)
    assert len(found.readings) < len(people)
    assert [found.readings[c] for c in found.codes] == [ctx.reading("rating", p) for p in people]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 1)), min_size=1, max_size=60),
       st.booleans())
def test_subjects_reading_alike_fact_by_fact_are_one_group_in_the_order_they_come(rows: list, wide: bool) -> None:
    # wide: facts with so many distinct readings between them that a row of codes no longer packs into
    # one integer, and is grouped as a tuple
    size = 1 << 31 if wide else 4
    columns = [Column(np.array(codes, dtype=np.int32), range(size)) for codes in zip(*rows, strict=True)]
    subjects = [f"p{i}" for i in range(len(rows))]
    expected: dict[tuple, list[str]] = {}
    for subject, row in zip(subjects, rows, strict=True):
        expected.setdefault(row, []).append(subject)
    assert _distinct(columns, subjects) == list(expected.items())

"""Rows of check: words shared across verdicts read exactly as words made for each verdict alone."""

from __future__ import annotations

import json

import pytest

from ktrules import evaluate, load_dataset
from ktrules.common.output import render
from ktrules.documents import report
from ktrules.documents.report import row
from ktrules.documents.verdicts import CHECK_COLUMNS_CSV, check_pieces
from tests.conftest import DEPARTMENT, SMALL


@pytest.mark.parametrize("period", [2023, 2024, 2025])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_check_rows_made_from_shared_words_are_the_rows_written_whole(period: int, lang: str) -> None:
    for path in (SMALL, DEPARTMENT):
        dataset = load_dataset(path)
        evaluation = evaluate(dataset, period)
        rows = [row(evaluation, verdict, lang) for verdict in evaluation.verdicts]
        whole = ",\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows)
        listed = f"\n{whole}" if rows else ""
        assert b"".join(check_pieces(dataset, period, "json", lang, jobs=1)).decode() == f"[{listed}\n]\n"
        flat = render(rows, "csv", CHECK_COLUMNS_CSV)
        assert b"".join(check_pieces(dataset, period, "csv", lang, jobs=1)).decode() == f"{flat}\n"


def test_values_equal_in_python_but_written_apart_are_not_confused() -> None:
    # 12 == 12.0 == True in Python, and as keys of a dict: a reused explanation must tell them apart
    evaluation = evaluate(load_dataset(SMALL), 2024)
    verdict = next(v for v in evaluation.verdicts if any(isinstance(r.value, bool) for r in v.readings.values()))
    changed = {k: r._replace(value=int(r.value)) if isinstance(r.value, bool) else r
               for k, r in verdict.readings.items()}
    twin = type(verdict)(verdict.subject, verdict.award, verdict.period, verdict.verdict, verdict.outcomes, changed,
                         verdict.roots, verdict.thresholds)
    assert report.criteria_json(verdict, "vi") != report.criteria_json(twin, "vi")

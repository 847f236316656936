"""Rows of check: words reused across verdicts read exactly as words made for each verdict alone."""

from __future__ import annotations

import json

import pytest

from ktrules import evaluate, load_dataset
from ktrules.documents import report
from ktrules.documents.report import row, row_json
from tests.conftest import DEPARTMENT, SMALL


@pytest.mark.parametrize("period", [2023, 2024, 2025])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_json_row_made_from_reused_words_is_the_row_dumped_whole(period: int, lang: str) -> None:
    for path in (SMALL, DEPARTMENT):
        evaluation = evaluate(load_dataset(path), period)
        for verdict in evaluation.verdicts:
            whole = json.dumps(row(evaluation, verdict, lang), ensure_ascii=False, default=str)
            assert row_json(evaluation, verdict, lang) == whole


def test_values_equal_in_python_but_written_apart_are_not_confused() -> None:
    # 12 == 12.0 == True in Python, and as keys of a dict: a reused explanation must tell them apart
    evaluation = evaluate(load_dataset(SMALL), 2024)
    verdict = next(v for v in evaluation.verdicts if any(isinstance(r.value, bool) for r in v.readings.values()))
    changed = {k: r._replace(value=int(r.value)) if isinstance(r.value, bool) else r
               for k, r in verdict.readings.items()}
    twin = type(verdict)(verdict.subject, verdict.award, verdict.period, verdict.verdict, verdict.outcomes, changed,
                         verdict.roots, verdict.thresholds)
    assert report.criteria_json(verdict, "vi") != report.criteria_json(twin, "vi")

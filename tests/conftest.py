from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ktrules import Dataset, KtrulesError, evaluate
from ktrules.common.messages import LANGUAGE

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DEPARTMENT = FIXTURES / "datasets" / "so-khcn-binh-dinh.yaml"
SMALL = FIXTURES / "datasets" / "small.yaml"
DATASETS_DIR = FIXTURES / "datasets"


def today_is(day: date) -> type[date]:
    """`date` whose today() is `day`, to put in a module's place of `date` (what a default of today does on a
    given day, whatever the day the tests run)."""
    class Today(date):
        @classmethod
        def today(cls) -> date:
            return day
    return Today


def unit_with(people: list[dict[str, Any]], unit_record: dict[str, Any] | None = None, **parts: Any) -> dict:
    """A one-unit dataset for 2024: each person given as the fields of their 2024 record."""
    records = [{"subject": "u1", "year": 2024, "rating": "HTXS", **(unit_record or {})}]
    listed = []
    for i, fields in enumerate(people, start=1):
        fields = dict(fields)
        pid = fields.pop("id", f"p{i}")
        recruited = fields.pop("recruited", "2015-01-01")
        listed.append({"id": pid, "name": f"Người {i}", "gender": "female" if i % 2 else "male",
                       "unit": "u1", "recruited": recruited})
        records.append({"subject": pid, "year": 2024, "rating": "HTT", "months_worked": 12, **fields})
    return {"organization": {"id": "org", "name": "Sở thử nghiệm"},
            "units": [{"id": "u1", "name": "Phòng Một"}], "people": listed, "records": records, **parts}


def verdicts(data: dict, period: int = 2024, **kw: Any) -> dict[tuple[str, str], str]:
    ev = evaluate(Dataset.model_validate(copy.deepcopy(data)), period, **kw)
    return {(v.subject, v.award): v.verdict for v in ev.verdicts}


def criterion(data: dict, subject: str, award: str, cid: str, period: int = 2024) -> str:
    ev = evaluate(Dataset.model_validate(copy.deepcopy(data)), period)
    verdict = ev.get(subject, award)
    assert verdict is not None
    return next(n.result for root in verdict.criteria for _, n in root.flatten() if n.criterion.id == cid)


def assert_one_line_error(call: Any, where: str, words: list[str]) -> KtrulesError:
    """`call()` fails with a KtrulesError on one line that starts with `where` and holds `words`."""
    with pytest.raises(KtrulesError) as err:
        call()
    message = str(err.value)
    assert message.startswith(where), message
    assert "\n" not in message
    for word in words:
        assert word in message
    return err.value


@pytest.fixture
def write(tmp_path: Path):
    """Write text to a file in a temporary folder and return its path."""
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path
    return _write


@pytest.fixture(autouse=True)
def english_errors():
    """Library calls in tests speak English, as the wording of most assertions does; a command sets its own
    language from --lang (Vietnamese by default), and tests/records/test_workbook.py reads Vietnamese."""
    language = LANGUAGE.set("en")
    yield
    LANGUAGE.reset(language)

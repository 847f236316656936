"""CSV output that a spreadsheet opens without running anything."""

from __future__ import annotations

import csv
import io

import pytest

from ktrules.common.output import render


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_turns_a_cell_a_spreadsheet_would_run_into_text(text):
    out = render([{"name": text}], "csv", {"name": "name"})
    assert out.split("\n")[1].lstrip('"').startswith("'" + text[0])


def test_csv_keeps_numbers_and_ordinary_text():
    out = render([{"name": "Nguyễn Thị An", "score": -3}], "csv", {"name": "name", "score": "score"})
    assert list(csv.reader(io.StringIO(out, newline="")))[1] == ["Nguyễn Thị An", "-3"]

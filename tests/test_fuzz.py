"""Fuzzing: damaged datasets (YAML, JSON, workbook, CSV folder) and rule files either evaluate or fail
with one KtrulesError line and exit 2, never with another exception. Bounded to about a minute; the
long run is `python benchmarks/fuzz.py --examples 10000`."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from ktrules.cli import cli
from tests.fuzzing import (
    SMALL,
    csv_datasets,
    document_datasets,
    outcome,
    rule_packs,
    workbook_datasets,
)

BOUNDED = settings(max_examples=120, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def fresh(tmp_path: Path) -> Path:
    """A folder of its own for each example (the base workbook and CSV files stay in `tmp_path`)."""
    return Path(tempfile.mkdtemp(dir=tmp_path))


@BOUNDED
@given(document_datasets())
def test_a_damaged_yaml_or_json_dataset_evaluates_or_is_one_line(tmp_path: Path, write: Any):
    outcome(write(fresh(tmp_path)))


@settings(BOUNDED, max_examples=30)
@given(workbook_datasets())
def test_a_damaged_workbook_evaluates_or_is_one_line(tmp_path: Path, write: Any):
    outcome(write(fresh(tmp_path)))


@settings(BOUNDED, max_examples=60)
@given(csv_datasets())
def test_a_damaged_csv_folder_evaluates_or_is_one_line(tmp_path: Path, write: Any):
    outcome(write(fresh(tmp_path)))


@settings(BOUNDED, max_examples=60)
@given(rule_packs())
def test_a_damaged_rule_file_evaluates_or_is_one_line(tmp_path: Path, write: Any):
    outcome(SMALL, rules=write(fresh(tmp_path)))


@settings(BOUNDED, max_examples=15)
@given(document_datasets())
def test_the_command_exits_0_or_2_with_one_line_and_no_traceback(tmp_path: Path, write: Any):
    result = CliRunner().invoke(cli, ["check", str(write(fresh(tmp_path))), "--period", "2024", "--format", "csv"])
    assert result.exit_code in (0, 1, 2) and not isinstance(result.exception, Exception), result.exception
    if result.exit_code == 2:
        assert result.stderr.startswith("Lỗi: ") and result.stderr.count("\n") == 1, result.stderr

"""Partitions of whole units, evaluated in parallel processes, give exactly a single run's verdicts."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ktrules import Dataset, evaluate
from ktrules.cli import cli
from ktrules.documents.report import row
from ktrules.engine import parallel
from ktrules.engine.parallel import map_partitions, partitions

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def province() -> Dataset:
    return Dataset.model_validate(_generator().generate(1500, seed=3))


def _rows(evaluation) -> list[dict]:  # noqa: ANN001
    return [row(evaluation, v, "vi") for v in evaluation.verdicts]


def test_partitions_hold_whole_units_and_every_subject_once(province: Dataset) -> None:
    parts = partitions(province, 2024, size=200)
    assert len(parts) > 3
    everyone = [s for part in parts for s in part]
    assert len(everyone) == len(set(everyone))
    for part in parts:
        for unit in (u.id for u in province.units if u.id in part):
            assert set(province.members(unit, 2024)) <= part


def test_parallel_partitions_give_the_single_run_verdicts_in_the_same_order(province: Dataset) -> None:
    single = _rows(evaluate(province, 2024))
    parallel = [r for chunk in map_partitions(province, 2024, _rows, jobs=2, size=200) for r in chunk]
    assert parallel == single


def test_check_csv_is_the_same_with_one_or_two_processes(tmp_path: Path, province: Dataset,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PART_SIZE", 200)
    path = tmp_path / "province.json"
    path.write_text(province.model_dump_json(), encoding="utf-8")
    args = ["check", str(path), "--period", "2024", "--format", "csv"]
    one, two = (CliRunner().invoke(cli, [*args, "--jobs", n]) for n in ("1", "2"))
    assert one.exit_code == two.exit_code == 0, one.output
    assert one.output == two.output and one.output.count("\n") > 5000


def test_an_error_in_a_worker_is_the_same_one_line_error(tmp_path: Path, province: Dataset,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PART_SIZE", 200)
    path = tmp_path / "province.json"
    path.write_text(province.model_dump_json(), encoding="utf-8")
    out = CliRunner().invoke(cli, ["check", str(path), "--period", "2024", "--format", "csv", "--jobs", "2",
                                   "--award", "LDTX", "--lang", "en"])
    assert out.exit_code == 2
    assert out.output.startswith("Error: unknown award 'LDTX'") and out.output.count("\n") == 1


def test_check_stopped_by_a_closed_pipe_says_nothing_more_and_leaves_no_file(tmp_path: Path) -> None:
    """`ktrules check … | head`: the processes stop, with no trace printed and no partition's file left behind."""
    path, scratch = tmp_path / "province.json", tmp_path / "scratch"
    scratch.mkdir()
    path.write_text(json.dumps(_generator().generate(4100, seed=3)), encoding="utf-8")  # two partitions at least
    child = subprocess.Popen([sys.executable, "-m", "ktrules", "check", str(path), "--period", "2024", "--format",
                              "csv", "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                             env={**os.environ, "TMPDIR": str(scratch)})
    assert child.stdout is not None and child.stdout.read(100).startswith(b"subject,name,unit,award")
    child.stdout.close()
    stderr = child.communicate(timeout=120)[1].decode()
    assert child.returncode != 0 and "Traceback" not in stderr and "Exception" not in stderr, stderr
    assert list(scratch.iterdir()) == []

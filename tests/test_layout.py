"""The package's architecture holds: layers as declared, no import cycle, and a wheel that works when
installed without -e, from any directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import grimp
import pytest

import ktrules
from tests.conftest import ROOT, SMALL


def test_the_declared_layers_hold():
    result = subprocess.run([Path(sys.executable).parent / "lint-imports"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("ktrules")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                cycles.append(f"{module} <-> {imported}")
    assert not cycles, cycles


def test_the_public_api_names_what_a_program_needs():
    assert {"load_dataset", "evaluate", "rank", "vote", "AwardVerdict", "CriterionResult", "Evaluation",
            "KtrulesError"} <= set(ktrules.__all__)
    assert all(hasattr(ktrules, name) for name in ktrules.__all__)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel built from this tree (and its dependencies)."""
    where = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", where / "dist", ROOT], check=True,
                   capture_output=True, cwd=where)
    (wheel,) = (where / "dist").glob("ktrules-*.whl")
    venv.create(where / "venv", with_pip=True)
    bin_dir = where / "venv" / "bin"
    subprocess.run([bin_dir / "pip", "install", "-q", wheel], check=True, capture_output=True)
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' scratch folder, not ours to keep
    return bin_dir


def test_the_wheel_carries_the_rule_packs_and_runs_from_any_directory(installed, tmp_path):
    dataset = shutil.copy(SMALL, tmp_path / "records.yaml")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run([installed / "ktrules", "check", dataset, "--period", "2024", "--format", "json"],
                            cwd=tmp_path, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert '"rules_version"' in result.stdout and '"LDTT"' in result.stdout
    campaigns = subprocess.run([installed / "ktrules", "campaigns"], cwd=tmp_path, capture_output=True, text=True,
                               env=env)
    assert "tay-ninh-2023" in campaigns.stdout
    where = subprocess.run([installed / "python", "-c", "import ktrules; print(ktrules.DEFAULT_RULES)"],
                           cwd=tmp_path, capture_output=True, text=True, env=env).stdout
    assert "site-packages" in where

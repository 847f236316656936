"""Debian packages the document tests read their output with: installed by the session fixtures when a
new CI machine lacks them. They fail, never skip, when they cannot, because CI must run these tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

# Liberation Serif 2: the free serif, metric-compatible with Times New Roman, with every Vietnamese glyph
V2_SERIF = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
POPPLER = ("pdftotext", "pdfinfo", "pdffonts", "pdftoppm")


def ensure_packages(packages: tuple[str, ...], missing: Callable[[], list[str]]) -> None:
    """Install `packages` with apt-get when `missing()` names something absent; fail when that does not help."""
    if not missing():
        return
    if os.geteuid() != 0:
        pytest.fail(f"{', '.join(missing())} missing and not root: run sudo apt-get install -y {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}"
                        f"\n{done.stderr[-2000:]}")
    if missing():
        pytest.fail(f"{', '.join(missing())} still missing after installing {' '.join(packages)}")


def missing_tools(tools: tuple[str, ...]) -> list[str]:
    return [tool for tool in tools if shutil.which(tool) is None] + ([] if V2_SERIF.exists() else ["fonts-liberation2"])


@pytest.fixture(scope="session")
def poppler() -> None:
    """pdftotext, pdffonts and pdftoppm, and the Liberation Serif 2 fonts WeasyPrint embeds."""
    ensure_packages(("poppler-utils", "fonts-liberation2"), lambda: missing_tools(POPPLER))

"""The README's examples are what the commands print today."""

from __future__ import annotations

from tests.readme import EXAMPLE, README, regenerate


def test_readme_examples_are_current():
    text = README.read_text(encoding="utf-8")
    assert len(EXAMPLE.findall(text)) >= 3
    assert regenerate(text) == text, "README examples are stale: run `python tests/readme.py`"


def test_ci_runs_the_readmes_test_command():
    text = README.read_text(encoding="utf-8")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command in text

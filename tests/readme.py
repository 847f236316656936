"""The examples of README.md and docs/ come from the real commands: `python tests/readme.py` rewrites
them, tests/test_readme.py fails when they are stale.

An example is a fenced block right after a marker `<!-- example: ktrules ARGS -->`.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

from click.testing import CliRunner

from ktrules.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLE = re.compile(r"(<!-- example: (ktrules [^>]*?) -->\n```console\n)(.*?)(```)", re.S)


def run(command: str) -> str:
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return f"$ {command}\n{result.output}"


def regenerate(text: str) -> str:
    return EXAMPLE.sub(lambda m: m.group(1) + run(m.group(2)) + m.group(4), text)


if __name__ == "__main__":
    for page in PAGES:
        page.write_text(regenerate(page.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)

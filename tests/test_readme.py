"""README.md and docs/: their examples are what the commands print today, the Python example runs,
every link stays inside the repository, and the README stays short."""

from __future__ import annotations

import re

import pytest

from tests.readme import EXAMPLE, PAGES, README, ROOT, regenerate

LINK = re.compile(r"\]\(([^)#]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_are_current(page):
    text = page.read_text(encoding="utf-8")
    assert regenerate(text) == text, f"{page.name}: examples are stale: run `python tests/readme.py`"


def test_the_readme_is_a_short_tour_with_real_output():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    tour = [m.group(2).split()[1] for m in EXAMPLE.finditer(text)]
    assert {"check", "explain", "rank"} <= set(tour)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_stay_inside_the_repository_and_resolve(page):
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        assert "://" not in target and "../shared" not in target, f"{page.name} links outside: {target}"
        assert (page.parent / target).exists(), f"{page.name}: broken link {target}"


def test_no_page_points_outside_the_repository():
    for page in PAGES:
        assert "../shared" not in page.read_text(encoding="utf-8"), page.name


def test_the_python_api_example_runs(monkeypatch, capsys):
    text = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/python-api.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "proposed for 2023: p01" in printed
    assert "refused: no-such-file.yaml" in printed


def test_the_first_rule_pack_of_the_rule_files_page_lints_clean(tmp_path):
    from ktrules.authoring.lint import lint

    text = (ROOT / "docs" / "rule-files.md").read_text(encoding="utf-8")
    pack_info, version = re.findall(r"```yaml\n(.*?)```", text, re.S)[:2]
    (tmp_path / "vn").mkdir()
    (tmp_path / "vn" / "pack.yaml").write_text(pack_info, encoding="utf-8")
    (tmp_path / "vn" / "2024.yaml").write_text(version, encoding="utf-8")
    assert lint(tmp_path) == []


def test_the_commands_page_names_every_command():
    from ktrules.cli import cli

    text = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert [name for name in cli.commands if f"`{name}`" not in text] == []


def test_ci_runs_the_readmes_test_command():
    text = README.read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command in text

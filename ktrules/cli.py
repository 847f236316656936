"""The `ktrules` command: a thin layer over the library (`ktrules.evaluate`, `ktrules.cases`)."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from . import cases
from .dataset import load_dataset
from .engine import Evaluation, evaluate
from .errors import KtrulesError
from .messages import LANGS, t
from .output import FORMATS, render
from .report import explanation, heading, row, rule_rows, summary
from .rules import DEFAULT_RULES, NATIONAL_PACK, load_pack, rule_schema, select_version


def _fail_cleanly(command: Callable[..., Any]) -> Callable[..., Any]:
    """A user error prints one line on stderr and exits 2, with nothing half-written on stdout."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KtrulesError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
    return wrapper


def _evaluation_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("dataset", type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--period", type=click.IntRange(1945, 2100), required=True, help="The year evaluated."),
        click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="Date whose rules apply (YYYY-MM-DD); default the period's last day."),
        click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_RULES,
                     show_default="the project's rules/", help="Folder of rule packs."),
        click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True,
                     help="Language of verdicts and reports."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _evaluate(dataset: Path, period: int, as_of: Any, rules_dir: Path, **narrow: Any) -> Evaluation:
    day: date | None = as_of.date() if as_of else None
    return evaluate(load_dataset(dataset), period, as_of=day, rules=rules_dir, **narrow)


@click.group()
@click.version_option(package_name="ktrules")
def cli() -> None:
    """Explained verdicts on emulation titles and commendations (thi đua, khen thưởng)."""


@cli.command()
@_evaluation_options
@click.option("--award", "awards", multiple=True, help="Only this award id (repeatable), e.g. LDTT.")
@click.option("--subject", "subjects", multiple=True, help="Only this person or unit id (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@_fail_cleanly
def check(dataset: Path, period: int, as_of: Any, rules_dir: Path, lang: str, awards: tuple[str, ...],
          subjects: tuple[str, ...], fmt: str) -> None:
    """Every verdict: one row per subject and award.

    Example:

        ktrules check fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024
    """
    evaluation = _evaluate(dataset, period, as_of, rules_dir, awards=awards, subjects=subjects)
    rows = [row(evaluation, v, lang) for v in evaluation.verdicts]
    columns = {"subject": t("col.subject", lang), "name": t("col.name", lang), "unit": t("col.unit", lang),
               "award_name": t("col.award", lang), "verdict_label": t("col.verdict", lang),
               "reasons": t("col.reasons", lang)}
    if fmt == "csv":
        columns = {k: k for k in ("subject", "name", "unit", "award", "award_name", "period", "verdict",
                                  "rules_version", "reasons")}
    text = render(rows, fmt, columns, widths={"name": 28, "award_name": 22, "reasons": 48})
    if fmt == "table":
        text = f"{heading(evaluation, lang)}\n\n{text}\n\n{summary(evaluation, lang)}"
    click.echo(text)


@cli.command()
@_evaluation_options
@click.option("--subject", required=True, help="The person or unit id.")
@click.option("--award", "awards", multiple=True, help="Only this award id (repeatable); default every award.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_fail_cleanly
def explain(dataset: Path, period: int, as_of: Any, rules_dir: Path, lang: str, subject: str,
            awards: tuple[str, ...], fmt: str) -> None:
    """Why a verdict: every criterion, the values read, the rule text and its article.

    Example:

        ktrules explain fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024 --subject p13 --award CSTDCS
    """
    evaluation = _evaluate(dataset, period, as_of, rules_dir, awards=awards, subjects=(subject,))
    if not evaluation.verdicts:
        raise KtrulesError(f"'{subject}' has no verdict for {period}: no record of that year or no award "
                           "for its kind", hint="check --period and --award")
    if fmt == "json":
        click.echo(render([row(evaluation, v, lang) for v in evaluation.verdicts], "json", {}))
    else:
        click.echo("\n\n".join(explanation(evaluation, v, lang) for v in evaluation.verdicts))


@cli.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="Also list the cases that passed.")
@_fail_cleanly
def test_cases(paths: tuple[Path, ...], verbose: bool) -> None:
    """Run case files (or folders of them) and compare verdicts with those expected.

    Example:

        ktrules test fixtures/cases/
    """
    results = cases.run(paths)
    for result in results:
        if not result.passed:
            click.echo(f"FAILED {result.file}: {result.name}")
            for failure in result.failures:
                click.echo(f"    {failure}")
        elif verbose:
            click.echo(f"passed {result.file}: {result.name}")
    failed = sum(not r.passed for r in results)
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    if failed:
        sys.exit(1)


@cli.command("rules")
@click.option("--period", type=click.IntRange(1945, 2100), default=None,
              help="Only the version in force for this year.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only the version in force on this date.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_RULES,
              show_default="the project's rules/", help="Folder of rule packs.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True)
@_fail_cleanly
def rules_table(period: int | None, as_of: Any, rules_dir: Path, fmt: str, lang: str) -> None:
    """The awards of each rule version with their criteria in short, read from the rule files.

    Example:

        ktrules rules --period 2024 --lang en
    """
    versions = load_pack(rules_dir / NATIONAL_PACK)
    if period or as_of:
        versions = [select_version(versions, as_of.date() if as_of else date(period, 12, 31))]  # type: ignore[arg-type]
    columns = {"version": t("col.version", lang), "award": t("col.award", lang), "subject": t("col.kind", lang),
               "criteria": t("col.criteria", lang)}
    click.echo(render(rule_rows(versions, lang), fmt, columns, widths={"criteria": 90}))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of a rule version file (generated from the models).

    Example:

        ktrules schema > rules/rule-version.schema.json
    """
    click.echo(json.dumps(rule_schema(), ensure_ascii=False, indent=2))


def main() -> None:
    cli()

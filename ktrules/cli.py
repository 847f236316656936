"""The `ktrules` command: a thin layer over the library (`ktrules.evaluate`, `ktrules.cases`)."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from ktrules.authoring import cases
from ktrules.authoring import coverage as coverage_of
from ktrules.authoring import diff as differ
from ktrules.common import command_line
from ktrules.common.command_line import Between, GivenPath
from ktrules.common.errors import KtrulesError
from ktrules.common.messages import LANGS, LANGUAGE, counted, t
from ktrules.common.output import FORMATS, render
from ktrules.common.reading import read_day
from ktrules.common.writing import refuse_inputs, refuse_to_replace
from ktrules.council.ballot import vote
from ktrules.council.dossier import passed_deadlines
from ktrules.council.ranking import rank, ranking_of
from ktrules.council.rewards import Payer, payer
from ktrules.documents.formatting import number
from ktrules.documents.report import (
    campaign_rows,
    dossier_rows,
    explanation,
    heading,
    nothing_evaluated,
    quota_lines,
    rank_rows,
    record_notices,
    row,
    rule_rows,
    summary,
    unweighed,
    worth_writing,
)
from ktrules.documents.verdicts import check_pieces, subject_verdicts
from ktrules.engine.evaluate import Evaluation, campaign_packs, evaluate, rules_for, version_in_force
from ktrules.engine.inputs import load_dataset
from ktrules.engine.parallel import PARALLEL_FROM
from ktrules.records.models import Dataset
from ktrules.rules import DEFAULT_RULES, NATIONAL_PACK, load_pack, rule_schema, select_version


class _NotADay:
    """What a date option holds when its value is no date: refused by `_fail_cleanly` on one line, in the
    command's language (known only once every option is read), instead of click's usage in English."""

    def __init__(self, option: str, value: str) -> None:
        self.option, self.value = option, value

    def refusal(self) -> KtrulesError:
        return KtrulesError(t("err.option_date", option=self.option, value=self.value), hint=t("err.option_date.hint"))

    def date(self) -> date:
        raise self.refusal()


class _Day(click.ParamType):
    """A date as YYYY-MM-DD or as a secretary types it, dd/mm/yyyy; a datetime, as click.DateTime gives."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime | _NotADay):
            return value
        day = read_day(str(value))
        if day is not None:
            return datetime.combine(day, datetime.min.time())
        return _NotADay(param.opts[0] if param is not None and param.opts else "DATE", str(value))

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[YYYY-MM-DD|dd/mm/yyyy]"


DAY = _Day()


def _fail_cleanly(command: Callable[..., Any]) -> Callable[..., Any]:
    """A user error prints one line on stderr and exits 2, with nothing half-written on stdout."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        language = LANGUAGE.set(kwargs.get("lang") or "vi")  # errors raised in loading speak the command's
        try:
            for value in kwargs.values():
                if isinstance(value, _NotADay):
                    raise value.refusal()
            return command(*args, **kwargs)
        except KtrulesError as exc:
            for line in exc.lines():
                click.echo(t("error.prefix", line=line), err=True)
            sys.exit(exc.exit_code)
        finally:
            LANGUAGE.reset(language)
    return wrapper


def _evaluation_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("dataset", type=GivenPath(path_type=Path)),
        click.option("--period", type=click.IntRange(1945, 2100), required=True, help="The year evaluated."),
        click.option("--as-of", type=DAY, default=None,
                     help="Date whose rules apply (YYYY-MM-DD or dd/mm/yyyy); default the period's last day."),
        click.option("--rules", "rules_dir", type=GivenPath(file_okay=False, path_type=Path), default=DEFAULT_RULES,
                     show_default="the project's rules/", help="Folder of rule packs."),
        click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True,
                     help="Language of verdicts and reports."),
        click.option("--campaign", default=None, help="A campaign pack id (see `ktrules campaigns`); "
                     "default the national awards."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _evaluate(dataset: Path, period: int, as_of: Any, rules_dir: Path, campaign: str | None,
              **narrow: Any) -> Evaluation:
    day: date | None = as_of.date() if as_of else None
    records = _records(dataset, period, day, rules_dir, campaign)
    return _keep(evaluate(records, period, as_of=day, rules=rules_dir, campaign=campaign, **narrow))


def _records(dataset: Path, period: int, day: date | None, rules_dir: Path, campaign: str | None) -> Dataset:
    """The records, read once the rules in force are found (`rules_for`)."""
    rules_for(rules_dir, period, day, campaign)
    return _keep(load_dataset(dataset, rules_dir))


# Records and evaluations a command made, kept to the end of a `ktrules` process (`main`), which then
# exits without freeing them: freeing a province's millions of objects one by one took a second
# (100,000 people) of a process about to end. mypy ends its runs the same way. None when the commands
# are called otherwise (tests, a program): their objects are freed as usual.
_kept: list[Any] | None = None


def _keep(found: Any) -> Any:
    if _kept is not None:
        _kept.append(found)
    return found


@click.group(cls=command_line.Group)
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Language of help, messages and output, for any command (as its own --lang).")
@click.version_option(package_name="ktrules")
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """Explained verdicts on emulation titles and commendations (thi đua, khen thưởng)."""
    if lang:  # the command's own --lang defaults to it
        ctx.default_map = {name: {"lang": lang} for name in cli.commands}


@cli.command()
@_evaluation_options
@click.option("--award", "awards", multiple=True, help="Only this award id (repeatable), e.g. LDTT.")
@click.option("--subject", "subjects", multiple=True, help="Only this person or unit id (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="How the result is printed.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help=command_line.processes_help(PARALLEL_FROM))
@_fail_cleanly
def check(dataset: Path, period: int, as_of: Any, rules_dir: Path, lang: str, campaign: str | None,
          awards: tuple[str, ...], subjects: tuple[str, ...], fmt: str, jobs: int | None) -> None:
    """Every verdict: one row per subject and award, unit by unit.

    CSV and JSON are written as they are computed, a partition of units at a time, in parallel
    processes for large datasets (--jobs).

    Example:

        ktrules check fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024
    """
    records = _records(dataset, period, as_of.date() if as_of else None, rules_dir, campaign)
    options = {"as_of": as_of.date() if as_of else None, "rules": rules_dir, "campaign": campaign,
               "awards": awards, "subjects": subjects}
    if fmt == "table":
        evaluation = _keep(evaluate(records, period, **options))
        units = evaluation.dataset.units_by_id
        # a person's unit by its name, as a secretary reads it (CSV and JSON keep the id, for programs)
        rows = [{**r, "unit": units[r["unit"]].name if r["unit"] in units else r["unit"]}
                for r in (row(evaluation, v, lang, criteria=False) for v in evaluation.verdicts)]
        text = render(rows, fmt, _table_columns(lang),
                      widths={"name": 24, "unit": 18, "award_name": 22, "reasons": 44})
        click.echo(f"{heading(evaluation, lang)}\n\n{text}\n\n{summary(evaluation, lang)}")
        if not rows:
            _stop_empty(nothing_evaluated(records, period, bool(awards or subjects)))
        return
    narrowed = awards or subjects
    for piece in check_pieces(records, period, fmt, lang, jobs,
                              empty=lambda: _stop_empty(nothing_evaluated(records, period, bool(narrowed))),
                              **options):
        click.echo(piece, nl=False)  # bytes: written to the binary stream as they are
    # what the table's summary says of the records, on stderr: stdout stays the rows a program reads
    for notice in record_notices(records, period, lang, subjects=subjects, rules=rules_dir):
        click.echo(notice, err=True)


def _stop_empty(why: str) -> None:
    """No verdict at all is worth a line on stderr and exit 1: a script should not take an empty list for a
    clean one."""
    click.echo(why, err=True)
    sys.exit(1)


def _nothing_proposed(period: int, given: list[str], lang: str) -> None:
    """A dossier with no one proposed is not written: a line on stderr and exit 1, as `check` says of a choice
    that left no verdict, so that a script does not file an empty biên bản. (The packet of `report` is
    written: it says why no one is proposed.) `given`: the options that narrowed the run, named as typed."""
    chosen = t("err.nothing_proposed.chosen", lang, options=t("and", lang).join(given)) if given else ""
    click.echo(f"{t('err.nothing_proposed', lang, period=period, chosen=chosen)}; "
               f"{t('err.nothing_proposed.hint', lang)}", err=True)
    sys.exit(1)


def _table_columns(lang: str) -> dict[str, str]:
    return {"subject": t("col.subject", lang), "name": t("col.name", lang), "unit": t("col.unit", lang),
            "award_name": t("col.award", lang), "verdict_label": t("col.verdict", lang),
            "reasons": t("col.reasons", lang)}


@cli.command()
@_evaluation_options
@click.option("--subject", required=True, help="The person or unit id.")
@click.option("--award", "awards", multiple=True, help="Only this award id (repeatable); default every award.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How the result is printed.")
@_fail_cleanly
def explain(dataset: Path, period: int, as_of: Any, rules_dir: Path, lang: str, campaign: str | None,
            subject: str, awards: tuple[str, ...], fmt: str) -> None:
    """Why a verdict: every criterion, the values read, the rule text and its article.

    Example:

        ktrules explain fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024 --subject p13 --award CSTDCS
    """
    evaluation = _evaluate(dataset, period, as_of, rules_dir, campaign, awards=awards, subjects=(subject,))
    verdicts = subject_verdicts(evaluation, subject)
    if fmt == "json":
        click.echo(render([row(evaluation, v, lang) for v in verdicts], "json", {}))
    else:
        click.echo("\n\n".join(explanation(evaluation, v, lang) for v in verdicts))


@cli.command("test")
@click.argument("paths", nargs=-1, required=True, type=GivenPath(path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="Also list the cases that passed.")
@click.option("--coverage", "with_coverage", is_flag=True,
              help="Also show which criteria the cases saw passed, failed and undecided, and the gaps.")
@click.option("--min", "minimum", type=Between(0, 100), default=None,
              help="Least coverage in percent, else exit 1 (implies --coverage); "
                   "default [tool.ktrules] coverage_min of pyproject.toml.")
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True,
              help="Language of the failures and the coverage report.")
@click.option("--rules", "rules_dir", type=GivenPath(file_okay=False, path_type=Path), default=DEFAULT_RULES,
              show_default="the project's rules/", help="Folder of rule packs, for the cases that name none.")
@click.option("--update", is_flag=True,
              help="Rewrite golden case files (written by `ktrules freeze`) with today's verdicts instead.")
@_fail_cleanly
def test_cases(paths: tuple[Path, ...], verbose: bool, with_coverage: bool, minimum: float | None,
               lang: str, rules_dir: Path, update: bool) -> None:
    """Run case files (or folders of them) and compare verdicts with those expected.

    Example:

        ktrules test fixtures/cases/
    """
    if update:
        files = cases.case_files(paths)
        updated = [cases.updated_case(path, rules_dir) for path in files]  # all checked before any is written
        for case, path in zip(updated, files, strict=True):
            cases.write_case(case, path)
        click.echo(counted("cases.updated", len(files), lang), err=True)
        return
    with_coverage = with_coverage or minimum is not None
    limit = coverage_of.threshold(minimum) if with_coverage else None  # a bad pyproject fails before any output
    results = cases.run(paths, rules_dir)
    measured = coverage_of.measure(results) if with_coverage else None  # a broken pack fails before any output
    for result in results:
        if not result.passed:
            # a file refused whole has no case's name: its own is not said twice
            named = f": {result.name}" if result.name != result.file.name else ""
            click.echo(f"{t('cases.refused' if result.refused else 'cases.failed', lang)} {result.file}{named}")
            for failure in result.failures:
                click.echo(f"    {failure}")
        elif verbose:
            click.echo(f"{t('cases.passed', lang)} {result.file}: {result.name}")
    failed = sum(not r.passed for r in results)  # a case refused did not pass: a script reads it failed
    click.echo(f"{len(results) - failed} passed, {failed} failed")  # the contract's words, in every language
    too_low = False
    if measured is not None:
        click.echo("\n" + coverage_of.report(measured, limit, lang))
        too_low = limit is not None and coverage_of.below(measured, limit)
    refused = sum(r.refused for r in results)
    if refused:  # bad input: exit 2, as every command refuses it, after the cases that ran
        click.echo(counted("cases.refused_count", refused, lang), err=True)
        sys.exit(2)
    if failed or too_low:
        sys.exit(1)


@cli.command("rules")
@click.option("--period", type=click.IntRange(1945, 2100), default=None,
              help="Only the version in force for this year.")
@click.option("--as-of", type=DAY, default=None,
              help="Only the version in force on this date.")
@click.option("--rules", "rules_dir", type=GivenPath(file_okay=False, path_type=Path), default=DEFAULT_RULES,
              show_default="the project's rules/", help="Folder of rule packs.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="How the result is printed.")
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True, help="Language of the output.")
@_fail_cleanly
def rules_table(period: int | None, as_of: Any, rules_dir: Path, fmt: str, lang: str) -> None:
    """The awards of each rule version with their criteria in short, read from the rule files.

    Example:

        ktrules rules --period 2024 --lang en
    """
    versions = load_pack(rules_dir / NATIONAL_PACK)
    if period or as_of:
        versions = [select_version(versions, as_of.date() if as_of else date(period, 12, 31))]  # type: ignore[arg-type]
    columns = {"version": t("col.version", lang), "award": t("col.subject", lang), "name": t("col.award", lang),
               "subject": t("col.kind", lang), "criteria": t("col.criteria", lang)}
    click.echo(render(rule_rows(versions, lang), fmt, columns, widths={"name": 24, "criteria": 70}))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of a rule version file (generated from the models).

    Example:

        ktrules schema > rules/rule-version.schema.json
    """
    click.echo(json.dumps(rule_schema(), ensure_ascii=False, indent=2))


@cli.command("lint")
@click.argument("rules_dir", required=False, type=GivenPath(file_okay=False, path_type=Path), default=None)
@click.option("--rules", "rules_option", type=GivenPath(file_okay=False, path_type=Path), default=None,
              help="The rules folder, instead of the argument (as other commands take it).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="How the result is printed.")
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True, help="Language of the output.")
@_fail_cleanly
def lint_rules(rules_dir: Path | None, rules_option: Path | None, fmt: str, lang: str) -> None:
    """Check every rule pack under a folder (default the project's rules/): citations, ids, references,
    cycles, dates of versions, criteria that can never be met or never fail, unused parameters and facts.
    Exits 1 when there is an error.

    Example:

        ktrules lint rules/
    """
    from ktrules.authoring.lint import lint_report  # here so that this command stays one insertion in a shared file

    report = lint_report(_one_folder(rules_dir, rules_option))
    rows = []
    for finding in report.findings:
        entry = finding.as_dict(lang)
        entry["file"] = _shown_path(finding.file)
        rows.append(entry if fmt == "json" else
                    {**entry, "where": f"{entry['file']}:{finding.line or ''}".rstrip(":"),
                     "severity": t(f"lint.{finding.severity}", lang)})
    columns = {"where": t("lint.col.where", lang), "severity": t("lint.col.severity", lang),
               "code": t("lint.col.code", lang), "message": t("lint.col.message", lang)}
    if fmt == "csv":
        columns = {k: k for k in ("file", "line", "severity", "code", "message")}
    if rows or fmt != "table":
        click.echo(render(rows, fmt, columns, widths={"message": 80}))
    # after JSON or CSV the totals go to stderr, so that stdout stays a document a script can read
    tail = [t("lint.summary", lang, errors=counted("lint.errors", report.errors, lang),
              warnings=counted("lint.warnings", report.warnings, lang))]
    tail += [counted("lint.unverified", n, lang, version=label)
             for label, n in report.unverified.items()]
    click.echo(("\n" if rows and fmt == "table" else "") + "\n".join(tail), err=fmt != "table")
    if report.errors:
        sys.exit(1)


def _one_folder(argument: Path | None, option: Path | None) -> Path:
    """The rules folder lint is given, as its argument or as --rules: both are refused unless they agree."""
    if argument is not None and option is not None and argument.resolve() != option.resolve():
        raise KtrulesError(t("err.lint.two_folders", argument=argument, option=option),
                           hint=t("err.lint.two_folders.hint"))
    return argument or option or DEFAULT_RULES


def _shown_path(path: Path) -> str:
    """A finding's file relative to the working folder when it is under it, as a user would type it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@cli.command()
@click.option("--rules", "rules_dir", type=GivenPath(file_okay=False, path_type=Path), default=DEFAULT_RULES,
              show_default="the project's rules/", help="Folder of rule packs.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="How the result is printed.")
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True, help="Language of the output.")
@_fail_cleanly
def campaigns(rules_dir: Path, fmt: str, lang: str) -> None:
    """Every campaign pack: who issued the plan, the campaign, its period, reviews and forms of reward.

    Example:

        ktrules campaigns
    """
    columns = {"id": t("col.campaign", lang), "agency": t("col.agency", lang), "period": t("col.period", lang),
               "reviews": t("col.reviews", lang), "awards": t("col.awards", lang)}
    if fmt != "table":  # the forms of reward are long: whole in CSV and JSON, in `explain` for a table reader
        columns |= {"rewards": t("col.rewards", lang)}
    click.echo(render(campaign_rows(campaign_packs(rules_dir), lang), fmt, columns,
                      widths={"agency": 44, "reviews": 22, "awards": 36}))


@cli.command()
@_evaluation_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="How the result is printed.")
@_fail_cleanly
def dossier(dataset: Path, period: int, as_of: Any, rules_dir: Path, lang: str, campaign: str | None,
            fmt: str) -> None:
    """For each nominee, the documents its proposal still lacks, and deadlines already passed.

    Example:

        ktrules dossier fixtures/datasets/campaigns/bac-kan-ntm.yaml --period 2023 --campaign bac-kan-ntm-2021-2025
    """
    evaluation = _evaluate(dataset, period, as_of, rules_dir, campaign)
    rows = dossier_rows(evaluation, lang)
    columns = {"subject": t("col.subject", lang), "name": t("col.name", lang), "award_name": t("col.award", lang),
               "present": t("col.present", lang), "missing": t("col.missing", lang)}
    text = render(rows, fmt, columns, widths={"name": 26, "award_name": 26, "present": 30, "missing": 40})
    if fmt == "table":
        late = [t("dossier.deadline", lang, date=d.date, text=d.text.in_(lang), cite=d.cite)
                for d in passed_deadlines(evaluation)]
        text = "\n".join([heading(evaluation, lang), "", text if rows else
                          t("dossier.none", lang, version=evaluation.version.label), *([""] + late if late else [])])
    click.echo(text)


@cli.command("diff")
@_evaluation_options
@click.option("--against-as-of", type=DAY, default=None,
              help="Date whose rules apply on the after side; default --as-of.")
@click.option("--against-rules", type=GivenPath(file_okay=False, path_type=Path), default=None,
              help="Folder of rule packs on the after side (another checkout, say); default --rules.")
@click.option("--criteria", "with_criteria", is_flag=True,
              help="Also list verdicts that stay the same but whose criteria results changed.")
@click.option("--format", "fmt", type=click.Choice(differ.FORMATS), default="text", show_default=True,
              help="text: each change with its criteria in full; table: one row per change; json: everything.")
@click.option("--award", "awards", multiple=True, help="Only this award id (repeatable).")
@click.option("--subject", "subjects", multiple=True, help="Only this person or unit id (repeatable).")
@_fail_cleanly
def diff_command(dataset: Path, period: int, as_of: Any, rules_dir: Path, lang: str, campaign: str | None,
                 against_as_of: Any, against_rules: Path | None, with_criteria: bool, fmt: str,
                 awards: tuple[str, ...], subjects: tuple[str, ...]) -> None:
    """Whose verdicts a change of date or of rules moves, and the criteria that move them.

    Exits 1 when a verdict changed (with --criteria: when anything listed changed), 0 when none did.

    Example:

    \b
        ktrules diff fixtures/datasets/so-khcn-binh-dinh.yaml --period 2023 --against-as-of 2024-01-01
    """
    if against_as_of is None and against_rules is None:
        raise KtrulesError(t("err.diff.nothing"), hint=t("err.diff.nothing.hint"))
    day: date | None = as_of.date() if as_of else None
    records = _records(dataset, period, day, rules_dir, campaign)
    against = {"as_of": against_as_of.date() if against_as_of else day, "rules": against_rules or rules_dir}
    before, after = _keep(differ.sides(records, period, {"as_of": day, "rules": rules_dir}, against, awards,
                                       campaign=campaign, subjects=subjects))
    changes = differ.diff(before, after)
    listed = [c for c in changes if with_criteria or c.kind == "verdict"]
    folders = (_shown_path(rules_dir), _shown_path(against_rules or rules_dir))
    click.echo(differ.render_diff(before, after, changes, listed, fmt, lang, folders))
    if listed:
        sys.exit(1)


@cli.command()
@_evaluation_options
@click.option("--out", required=True, type=GivenPath(dir_okay=False, path_type=Path),
              help="The case file to write (.yaml); one written by freeze before is replaced whole, any other "
                   "file only with --force.")
@click.option("--force", is_flag=True, help="Overwrite --out even if ktrules did not write it.")
@click.option("--name", default=None, help="The case's name; default a sentence naming the year, rules and agency.")
@click.option("--award", "awards", multiple=True, help="Only this award id (repeatable).")
@click.option("--subject", "subjects", multiple=True, help="Only this person or unit id (repeatable).")
@_fail_cleanly
def freeze(dataset: Path, period: int, as_of: Any, rules_dir: Path, lang: str, campaign: str | None, out: Path,
           force: bool, name: str | None, awards: tuple[str, ...], subjects: tuple[str, ...]) -> None:
    """Write today's verdicts of a dataset as a case file (golden output), each with its criteria.

    `ktrules test` passes on the file until a rule change moves a verdict or a criterion; freeze
    again and review the diff of the file.

    Example:

    \b
        ktrules freeze fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024 --out fixtures/cases/golden/2024.yaml
    """
    refuse_inputs(out, [dataset, rules_dir])
    refuse_to_replace(out, force)
    evaluation = _evaluate(dataset, period, as_of, rules_dir, campaign, awards=awards, subjects=subjects)
    name = name or t("freeze.name", lang, period=period, version=evaluation.version.label,
                     org=evaluation.dataset.organization.name)
    case = cases.frozen_case(evaluation, dataset, out, name=name, as_of=as_of.date() if as_of else None,
                             rules=rules_dir, campaign=campaign)
    cases.write_case(case, out)
    click.echo(counted("freeze.written", len(case["expect"]), lang, path=out))


@cli.command()
@click.argument("path", type=GivenPath(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True, help="Language of the output.")
@_fail_cleanly
def template(path: Path, force: bool, lang: str) -> None:
    """Write a workbook to fill in: every sheet with its headers, lists of choices and one example row.

    Example:

        ktrules template ho-so-2024.xlsx
    """
    from ktrules.documents.records_files import write_template  # openpyxl is loaded only for workbooks

    write_template(path, force=force)
    click.echo(t("template.written", lang, path=path), err=True)


@cli.command("rank")
@_evaluation_options
@click.option("--award", required=True, help="The award id, e.g. CSTDCS.")
@click.option("--bloc", default=None, help="Only this khối thi đua (collectives rank within their bloc).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="How the result is printed.")
@_fail_cleanly
def rank_command(dataset: Path, period: int, as_of: Any, rules_dir: Path, lang: str, campaign: str | None,
                 award: str, bloc: str | None, fmt: str) -> None:
    """Eligible candidates in order, with score, rank, whether proposed and, if not, why.

    Example:

        ktrules rank fixtures/datasets/so-khcn-binh-dinh.yaml --period 2023 --award CSTDCS
    """
    base = _evaluate(dataset, period, as_of, rules_dir, campaign)
    ranked = rank(base, award, bloc)
    rows = rank_rows(ranked, lang)
    columns = {"rank": t("col.rank", lang), "subject": t("col.subject", lang), "name": t("col.name", lang),
               "group_name": t("col.bloc", lang), "score": t("col.score", lang),
               "nominated_label": t("col.nominated", lang), "reason": t("col.reason", lang)}
    if fmt == "csv":
        columns = {k: k for k in ("award", "period", "group", "rank", "subject", "name", "score", "nominated",
                                  "reason")}
    if fmt == "table":  # a score as the reader writes it (10,75); CSV and JSON keep the number, for programs
        rows = [{**r, "score": "" if r["score"] is None else number(r["score"], lang)} for r in rows]
        if not ranking_of(base, award).scores:  # an award scored by nothing: a column of noughts says nothing
            del columns["score"]
    text = render(rows, fmt, columns, widths={"name": 26, "reason": 56})
    if fmt == "table":
        name = base.award(award).name.in_(lang)
        body = text if rows else t("rank.empty", lang, award=name, period=period)
        text = "\n".join([heading(base, lang), f"{name} ({award})", *quota_lines(ranked, lang), "", body])
    click.echo(text)
    if (why := unweighed(base, award, lang)) is not None:  # likely a mistyped period: said as check says it
        _stop_empty(why)


@cli.command()
@click.option("--period", type=click.IntRange(1945, 2100), required=True, help="The year evaluated.")
@click.option("--award", required=True, help="The award voted on, e.g. CSTDCS.")
@click.option("--members", type=int, required=True, help="All members of the council, present or not.")
@click.option("--yes", type=int, required=True, help="Votes in favour (absent members vote in writing).")
@click.option("--as-of", type=DAY, default=None,
              help="Date whose rules apply (YYYY-MM-DD or dd/mm/yyyy); default the period's last day.")
@click.option("--rules", "rules_dir", type=GivenPath(file_okay=False, path_type=Path), default=DEFAULT_RULES,
              show_default="the project's rules/", help="Folder of rule packs.")
@click.option("--campaign", default=None, help="A campaign pack id.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How the result is printed.")
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True, help="Language of the output.")
@_fail_cleanly
def ballot(period: int, award: str, members: int, yes: int, as_of: Any, rules_dir: Path, campaign: str | None,
           fmt: str, lang: str) -> None:
    """The council's secret ballot against the threshold of the regime in force.

    Example:

        ktrules ballot --period 2024 --award CSTDCS --members 9 --yes 7
    """
    version = version_in_force(rules_dir, as_of.date() if as_of else date(period, 12, 31), campaign)
    result = vote(version, award, members, yes)
    if fmt == "json":
        click.echo(json.dumps({"award": award, "period": period, "members": members, "yes": yes,
                               "share": round(float(result.share), 6), "threshold": result.ballot.share,
                               "passed": result.passed, "cite": result.ballot.cite,
                               "verified": result.ballot.verified, "rules_version": version.label},
                              ensure_ascii=False, indent=2))
        return
    from ktrules.documents.formatting import percent  # Babel writes the reader's percentages: 77,8% / 77.8%

    known = version.rules.awards.get(award)
    click.echo(t("ballot.result", lang, award=known.name.in_(lang) if known else award, yes=yes, members=members,
                 share=percent(float(result.share), lang), threshold=percent(float(result.ballot.share), lang),
                 cite=result.ballot.cite,
                 unverified="" if result.ballot.verified else f" ({t('flag.unverified', lang)})",
                 outcome=t("ballot.passed" if result.passed else "ballot.failed", lang)))


DECISION_DATE = click.option(
    "--decision-date", type=DAY, default=None,
    help="Date of the decision (YYYY-MM-DD or dd/mm/yyyy): reward money uses the lương cơ sở in force then; "
         "default today.")


def _for_papers(dataset: Path, period: int, as_of: Any, rules_dir: Path, campaign: str | None,
                awards: tuple[str, ...], decision_date: Any) -> tuple[Evaluation, Payer]:
    """The evaluation papers are written from (`worth_writing`), and the reward money's rules on the decision
    date, today when none is given. The date is checked against the verdicts' day (papers of a year not yet
    over are not dated today) before the evaluation, which takes a province minutes; a year the records do
    not hold is said first, as a mistyped --period."""
    day: date | None = as_of.date() if as_of else None
    records = _records(dataset, period, day, rules_dir, campaign)

    def evaluated() -> Evaluation:
        from ktrules.documents.packet import evaluated_for_papers  # as the commands that write papers import it
        return worth_writing(_keep(evaluated_for_papers(records, period, awards, as_of=day, rules=rules_dir,
                                                        campaign=campaign)), dataset)
    if period not in records.years:
        evaluated()  # refused: no verdict without records of the year
    decided = decision_date.date() if decision_date else date.today()
    pays = payer(rules_dir, decided, period, day, today=decision_date is None)
    return evaluated(), pays


@cli.command("report")
@_evaluation_options
@click.option("--out", required=True, type=GivenPath(dir_okay=False, path_type=Path),
              help="The file to write: .html or .pdf for the council's meeting packet, .xlsx for the proposal "
                   "list; one written by ktrules before is replaced whole, any other file only with --force.")
@click.option("--force", is_flag=True, help="Overwrite --out even if ktrules did not write it.")
@click.option("--award", "awards", multiple=True, help="Only this award id (repeatable), e.g. CSTDCS.")
@DECISION_DATE
@click.option("--appendix/--no-appendix", default=True, show_default=True,
              help="List those not eligible in full in an appendix (else only their count and main reasons).")
@_fail_cleanly
def report_command(dataset: Path, period: int, as_of: Any, rules_dir: Path, lang: str, campaign: str | None,
                   out: Path, force: bool, awards: tuple[str, ...], decision_date: Any, appendix: bool) -> None:
    """Write the council's meeting packet (.html or .pdf, A4) or the proposal list (.xlsx): per award the
    ranked proposals with the quota, the vote threshold, who decides and the reward money, then those left
    out and what they lack.

    Example:

    \b
        ktrules report fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024 --out hop-hoi-dong-2024.html
    """
    from contextlib import nullcontext  # imports here so that this command stays one insertion in a shared file

    from ktrules.documents.packet import build_packet, packet_awards
    from ktrules.documents.writers import check_output, write_report

    check_output(out, lang)  # a wrong suffix fails before the records are read
    refuse_inputs(out, [dataset, rules_dir])
    refuse_to_replace(out, force)
    evaluation, pays = _for_papers(dataset, period, as_of, rules_dir, campaign, awards, decision_date)
    ids = packet_awards(evaluation)
    # the bar goes to stderr, and only to a terminal, so that a log or a pipe gets the result line alone
    terminal = sys.stderr is not None and sys.stderr.isatty()  # None: closed from the start (`2>&-`)
    bar = click.progressbar(ids, label=t("packet.progress", lang), file=sys.stderr) if terminal else nullcontext(ids)
    with bar as each:
        packet = build_packet(evaluation, lang, each, payer=pays, appendix=appendix)
    write_report(packet, out)
    click.echo(t("packet.written", lang, path=out, sections=len(packet.sections), proposed=packet.proposed), err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any but loopback requires a token (one is generated if not given).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--rules", "rules_dir", type=GivenPath(file_okay=False, path_type=Path), default=DEFAULT_RULES,
              show_default="the project's rules/", help="Folder of rule packs, fixed for the server's life.")
@click.option("--token", default=None, envvar="KTRULES_TOKEN",
              help="Access token every page and API call must carry (env KTRULES_TOKEN).")
@click.option("--max-upload-mb", type=click.IntRange(1, 4096), default=50, show_default=True,
              help="Largest upload or request body; larger ones are refused with 413.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes evaluating API calls; default the cores, at most 4.")
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True, help="Language of the output.")
@_fail_cleanly
def serve(host: str, port: int, rules_dir: Path, token: str | None, max_upload_mb: int, workers: int | None,
          lang: str) -> None:
    """The council's web pages and the HTTP API (/api/check, /docs); prints the address to open.

    Example:

        ktrules serve --port 8000
    """
    from urllib.parse import urlencode

    import uvicorn  # here so that this command stays one insertion in a shared file

    from ktrules.server.app import create_app
    from ktrules.server.security import access_token, local_names
    from ktrules.server.state import Settings

    token = access_token(host, token)
    app = create_app(Settings.load(rules_dir, token, max_upload_mb, workers, local_names(host)))
    shown = f"[{host}]" if ":" in host else host
    # encoded: a token of the administrator's choosing may hold '+', '&' or a space, which break the link
    link = f"http://{shown}:{port}/" + (f"?{urlencode({'token': token})}" if token else "")
    click.echo(t("server.serve.open", lang, url=link))
    if token:
        click.echo(t("server.serve.token", lang, token=token))
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command("documents")
@_evaluation_options
@click.option("--out", required=True, type=GivenPath(path_type=Path),
              help="The folder to write into: new or empty (created if needed).")
@click.option("--award", "awards", multiple=True, help="Only this award id (repeatable), e.g. LDTT.")
@DECISION_DATE
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf"]), default="docx", show_default=True,
              help="The kind of file written: Word or PDF.")
@_fail_cleanly
def documents_command(dataset: Path, period: int, as_of: Any, rules_dir: Path, lang: str, campaign: str | None,
                      out: Path, awards: tuple[str, ...], decision_date: Any, fmt: str) -> None:
    """Write the council's dossier as văn bản (NĐ 30/2020 thể thức): the biên bản of the meeting, the draft
    quyết định with reward money, a tờ trình per higher authority, and a báo cáo thành tích per nominee.

    Example:

    \b
        ktrules documents fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024 --out ho-so-2024 \\
            --decision-date 2025-01-15
    """
    from ktrules.documents.packet import build_packet  # imports here so that this command stays one insertion
    from ktrules.documents.papers import council_papers, without_paper
    from ktrules.documents.writers import write_papers

    if out.exists() and not out.is_dir():
        raise KtrulesError(t("err.not_folder"), file=out, hint=t("err.not_folder.hint"))
    if out.is_dir() and any(out.iterdir()):  # stale files of an earlier run would pass for this one's
        raise KtrulesError(t("documents.out_not_empty", lang), file=out,
                           hint=t("documents.out_not_empty.hint", lang, suggestion=f"ho-so-{period}-moi"))
    evaluation, pays = _for_papers(dataset, period, as_of, rules_dir, campaign, awards, decision_date)
    packet = build_packet(evaluation, lang, payer=pays)
    if not packet.proposed:
        _nothing_proposed(period, [name for name, value in (("--award", awards), ("--campaign", campaign)) if value],
                          lang)
    written = write_papers(council_papers(evaluation, packet, pays.decided), out, fmt)
    click.echo(t("documents.written", lang, path=out,
                 documents=counted("documents.written.documents", len(written), lang),
                 proposals=counted("documents.written.proposals", packet.proposed, lang)), err=True)
    if notice := without_paper(evaluation, packet, str(rules_dir)):
        click.echo(notice, err=True)


def main() -> None:
    global _kept
    _kept = []
    try:
        cli()
    except SystemExit as done:
        # a profiler, coverage or a debugger watching the process writes its results as the process ends
        watched = sys.getprofile() is not None or sys.gettrace() is not None
        if not _kept or watched or not isinstance(done.code, int | None):
            raise
        _end(done.code or 0)


def _end(code: int) -> None:
    """Exit at once, what is written flushed first: 120 when it cannot be, as Python's own exit says. A
    stream closed from the start (`>&-`) is None, and has nothing to flush."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except OSError:  # a pipe closed by its reader (`| head`)
            code = code or 120
        except ValueError:  # a stream closed in the process: nothing is left to write
            pass
    os._exit(code)

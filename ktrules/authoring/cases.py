"""Case files: a dataset, a period and the verdicts a rule author expects (`ktrules test`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import t
from ktrules.common.reading import line_of, read_document, validation_error
from ktrules.common.writing import make_folder, write_atomically
from ktrules.engine.evaluate import AwardVerdict, Evaluation, evaluate
from ktrules.engine.inputs import check_vocabulary, load_dataset
from ktrules.records.models import Dataset, dataset_from_mapping
from ktrules.rules import DEFAULT_RULES


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subject: str
    award: str
    verdict: Literal["eligible", "not_eligible", "incomplete"]
    criteria: dict[str, Literal["passed", "failed", "undecided"]] = {}


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    dataset: str | dict[str, Any]
    period: int
    as_of: date | None = None
    rules: str | None = None
    campaign: str | None = None
    expect: list[Expectation] = Field(min_length=1)


@dataclass(frozen=True)
class CaseResult:
    file: Path
    name: str
    failures: tuple[str, ...]
    # What coverage reads: the run, the verdicts the case checks and its rules folder (kept out of repr).
    evaluation: Evaluation | None = field(default=None, repr=False, compare=False)
    checked: tuple[AwardVerdict, ...] = field(default=(), repr=False, compare=False)
    rules: Path | None = field(default=None, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        return not self.failures


def case_files(paths: Iterable[str | Path]) -> list[Path]:
    """The case files named, folders searched recursively for .yaml / .yml."""
    found: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            found.extend(sorted(p for p in given.rglob("*") if p.suffix in (".yaml", ".yml")))
        elif given.exists():
            found.append(given)
        else:
            raise KtrulesError(t("err.case.no_path"), file=given, hint=t("err.not_found.hint"))
    if not found:
        raise KtrulesError(t("err.case.none"), file=", ".join(map(str, paths)), hint=t("err.case.none.hint"))
    return found


def _cases(path: Path) -> Iterator[tuple[int | None, dict[str, Any]]]:
    data = read_document(path)
    if isinstance(data, dict):
        yield None, data
    elif isinstance(data, list) and data:
        yield from enumerate(data)
    else:
        raise KtrulesError(t("err.case.shape"), file=path, line=1)


def _dataset(case: Case, path: Path, prefix: tuple, cache: dict[Path, Dataset], rules: Path) -> Dataset:
    if isinstance(case.dataset, dict):
        inline = dataset_from_mapping(case.dataset, path, (*prefix, "dataset"))
        return check_vocabulary(inline, path, rules, (*prefix, "dataset"))
    source = (path.parent / case.dataset).resolve()
    if source not in cache:
        cache[source] = load_dataset(source, rules)
    return cache[source]


def _check(case: Case, evaluation: Evaluation, path: Path, prefix: tuple) -> list[str]:
    failures = []
    for i, exp in enumerate(case.expect):
        loc = (*prefix, "expect", i)
        if exp.award not in evaluation.version.rules.awards:
            raise KtrulesError(t("err.award_not_in_version", award=exp.award, version=evaluation.version.label),
                               file=path, line=line_of(path, (*loc, "award")))
        got = evaluation.get(exp.subject, exp.award)
        where = f"{exp.subject} {exp.award}"
        if got is None:
            failures.append(f"{where}: expected {exp.verdict}, got no verdict (no record for {case.period})")
            continue
        if got.verdict != exp.verdict:
            failures.append(f"{where}: expected {exp.verdict}, got {got.verdict}")
        results = {node.criterion.id: node.result for root in got.criteria for _, node in root.flatten()}
        for criterion, expected in exp.criteria.items():
            actual = results.get(criterion, "absent")
            if actual != expected:
                failures.append(f"{where} criterion {criterion}: expected {expected}, got {actual}")
    return failures


def run_file(path: Path, cache: dict[Path, Dataset]) -> list[CaseResult]:
    """Every case of one file; a case that cannot run fails with its error."""
    results = []
    for index, data in _cases(path):
        prefix: tuple = () if index is None else (index,)
        name = str(data.get("name", f"case {index}")) if isinstance(data, dict) else f"case {index}"
        evaluation: Evaluation | None = None
        try:
            case = Case.model_validate(data)
            rules = (path.parent / case.rules).resolve() if case.rules else DEFAULT_RULES
            dataset = _dataset(case, path, prefix, cache, rules)
            evaluation = evaluate(dataset, case.period, as_of=case.as_of, rules=rules, campaign=case.campaign)
            failures = _check(case, evaluation, path, prefix)
        except ValidationError as exc:
            failures = [str(validation_error(exc, path, [*Case.model_fields, *Expectation.model_fields], prefix))]
        except KtrulesError as exc:
            failures = [str(exc) if exc.file else f"{path}: {exc}"]
        if evaluation is None:
            results.append(CaseResult(path, name, tuple(failures)))
            continue
        checked = tuple(v for exp in case.expect if (v := evaluation.get(exp.subject, exp.award)))
        results.append(CaseResult(path, name, tuple(failures), evaluation, checked, rules))
    return results


def run(paths: Iterable[str | Path]) -> list[CaseResult]:
    """Every case of every file; a file that cannot be read counts as one failed case."""
    cache: dict[Path, Dataset] = {}
    results: list[CaseResult] = []
    for path in case_files(paths):
        try:
            results.extend(run_file(path, cache))
        except KtrulesError as exc:
            results.append(CaseResult(path, path.name, (str(exc),)))
    return results


# --- golden case files (`ktrules freeze`) -----------------------------------------------------------

def _relative(target: Path, out: Path) -> str:
    """`target` as a case file at `out` names it: relative to the file's folder, with forward slashes."""
    return Path(os.path.relpath(target.resolve(), out.resolve().parent)).as_posix()


def frozen_case(evaluation: Evaluation, dataset: Path, out: Path, *, name: str, as_of: date | None = None,
                rules: Path | None = None, campaign: str | None = None) -> dict[str, Any]:
    """Every verdict of `evaluation`, each with all its criteria results, as a case to be written at `out`."""
    if not evaluation.verdicts:
        raise KtrulesError(t("err.case.nothing_to_freeze", period=evaluation.period), file=dataset,
                           hint=t("err.case.nothing_to_freeze.hint"))
    case: dict[str, Any] = {"name": name, "dataset": _relative(dataset, out), "period": evaluation.period}
    if as_of is not None:
        case["as_of"] = as_of
    if rules is not None and rules.resolve() != DEFAULT_RULES:
        case["rules"] = _relative(rules, out)
    if campaign is not None:
        case["campaign"] = campaign
    case["expect"] = [{"subject": v.subject, "award": v.award, "verdict": v.verdict,
                       "criteria": {n.criterion.id: n.result for root in v.criteria for _, n in root.flatten()}}
                      for v in evaluation.verdicts]
    return case


def update_case(path: Path) -> None:
    """Rewrite a golden case file (one case, a dataset file) with the verdicts the rules give today."""
    data = read_document(path)
    if not isinstance(data, dict) or not isinstance(data.get("dataset"), str):
        raise KtrulesError(t("err.case.not_updatable"), file=path, line=1, hint=t("err.case.not_updatable.hint"))
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, [*Case.model_fields, *Expectation.model_fields]) from None
    dataset = (path.parent / str(case.dataset)).resolve()
    rules = (path.parent / case.rules).resolve() if case.rules else None
    # the same verdicts as before, those a narrowed `freeze` wrote included, with today's results
    evaluation = evaluate(load_dataset(dataset), case.period, as_of=case.as_of, rules=rules or DEFAULT_RULES,
                          campaign=case.campaign, awards=sorted({e.award for e in case.expect}),
                          subjects=sorted({e.subject for e in case.expect}))
    write_case(frozen_case(evaluation, dataset, path, name=case.name, as_of=case.as_of, rules=rules,
                           campaign=case.campaign), path)


def write_case(case: dict[str, Any], out: Path) -> None:
    """Write a case file atomically: a reader sees the old file or the whole new one, never half of it."""
    if out.suffix not in (".yaml", ".yml"):
        raise KtrulesError(t("err.case.suffix"), file=out, hint=t("err.case.suffix.hint"))
    text = ("# Written by `ktrules freeze`: the verdicts the rules give today, each with its criteria.\n"
            "# After a rule change, `ktrules test` shows what moved; freeze again and review the diff of this file.\n"
            + yaml.safe_dump(case, allow_unicode=True, sort_keys=False, width=120))
    make_folder(out.parent)  # a new folder of golden files
    write_atomically(out, lambda target: target.write_text(text, encoding="utf-8"))

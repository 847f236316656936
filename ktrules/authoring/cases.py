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

from ktrules.common.errors import KtrulesError, RulesError, suggest, suggest_or_list
from ktrules.common.messages import LANGUAGE, t
from ktrules.common.reading import line_of, read_document, validation_error
from ktrules.common.writing import MARKS, make_folder, write_atomically
from ktrules.engine.evaluate import OUTCOME_AGAINST, AwardVerdict, Evaluation, campaign_ids, evaluate
from ktrules.engine.inputs import check_vocabulary, load_dataset
from ktrules.records.models import Dataset, Year, dataset_from_mapping
from ktrules.rules import DEFAULT_RULES, walk

CASES_GUIDE = "docs/authoring.md"  # where an unknown key of a case file is looked up
FROZEN = MARKS[".yaml"]  # the first line of a golden file, which `test --update` may rewrite


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
    period: Year  # strict, as in a dataset: period: "2024" is refused there too
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
    refused: bool = False  # the case could not run (a malformed file, an unknown id): bad input, not a result

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


# the parts of a dataset, which a case names (`dataset:`) or holds under `dataset`, never at its top
_DATASET_PARTS = frozenset({"organization", "units", "people", "records"})


class NotACase(KtrulesError):
    """A dataset among the case files: in its place when a case of the same run names it."""


def _cases(path: Path) -> Iterator[tuple[int | None, dict[str, Any]]]:
    data = read_document(path)
    if isinstance(data, dict) and "expect" not in data and data.keys() & _DATASET_PARTS:
        raise NotACase(t("err.case.is_dataset"), file=path, line=1, hint=t("err.case.is_dataset.hint"))
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
    if not source.exists():  # said at the case's line: the path is the case's, relative to its file
        nearby = [p.name for p in source.parent.iterdir() if p != path.resolve()] if source.parent.is_dir() else []
        raise KtrulesError(t("err.case.no_dataset", value=case.dataset, path=source), file=path,
                           line=line_of(path, (*prefix, "dataset")),
                           hint=suggest(source.name, nearby) or t("err.case.no_dataset.hint"))
    if source not in cache:
        cache[source] = load_dataset(source, rules)
    return cache[source]


def _check_campaign(case: Case, rules: Path, path: Path, prefix: tuple) -> None:
    """A campaign the case names that no pack holds, said at the case's line rather than the rules folder's."""
    known = campaign_ids(rules)
    if case.campaign is not None and case.campaign not in known:
        raise KtrulesError(t("err.unknown_campaign", value=case.campaign), file=path,
                           line=line_of(path, (*prefix, "campaign")), hint=suggest_or_list(case.campaign, known))


def _check(case: Case, evaluation: Evaluation, path: Path, prefix: tuple) -> list[str]:
    failures = []
    seen: dict[tuple[str, str], str] = {}
    for i, exp in enumerate(case.expect):
        loc = (*prefix, "expect", i)
        _refuse_unknown(exp, evaluation, path, loc)
        # two different verdicts expected of one: one of them always fails (the same one twice is harmless)
        if seen.setdefault((exp.subject, exp.award), exp.verdict) != exp.verdict:
            raise KtrulesError(t("err.case.expected_twice", subject=exp.subject, award=exp.award), file=path,
                               line=line_of(path, loc), hint=t("err.case.expected_twice.hint"))
        got = evaluation.get(exp.subject, exp.award)
        where = f"{exp.subject} {exp.award}"
        if got is None:
            failures.append(t("cases.no_verdict", where=where, expected=_word(exp.verdict), period=case.period))
            continue
        if got.verdict != exp.verdict:
            # the criteria that decided it, which a golden file frozen before they existed does not name
            against = OUTCOME_AGAINST.get(got.verdict)
            deciding = [leaf.id for leaf, outcome, _ in got.leaf_results() if outcome == against]
            failures.append(t("cases.verdict", where=where, expected=_word(exp.verdict), got=_word(got.verdict))
                            + (t("cases.deciding", ids=", ".join(deciding)) if deciding else ""))
        results = {node.criterion.id: node.result for root in got.criteria for _, node in root.flatten()}
        known = {node.id for _, tree in evaluation.award(exp.award).all_criteria() for node, _ in walk(tree, ())}
        for criterion, expected in exp.criteria.items():
            if criterion not in known:  # removed by a rule change (a frozen case) or misspelt: the verdict still counts
                failures.append(t("cases.no_criterion", where=where, criterion=criterion)
                                + (f"; {hint}" if (hint := suggest(criterion, sorted(known))) else ""))
                continue
            actual = results.get(criterion, "absent")  # a criterion of the award for the other kind of subject
            if actual != expected:
                failures.append(t("cases.criterion", where=where, criterion=criterion, expected=_word(expected),
                                  got=_word(actual)))
    return failures


def _word(result: str) -> str:
    """A verdict or a criterion's result as a failure line says it: in Vietnamese words, lower-cased within
    the line; in English the case file's own word."""
    if result == "absent":
        return t("cases.absent")
    return t(result).lower() if LANGUAGE.get() == "vi" else result


def _refuse_unknown(exp: Expectation, evaluation: Evaluation, path: Path, loc: tuple) -> None:
    """An id the case expects that names nothing is a mistake in the case, not a verdict that changed."""
    awards, dataset = evaluation.version.rules.awards, evaluation.dataset
    if exp.award not in awards:
        raise KtrulesError(t("err.award_not_in_version", award=exp.award, version=evaluation.version.label),
                           file=path, line=line_of(path, (*loc, "award")), hint=suggest_or_list(exp.award, awards))
    subjects = [*dataset.people_by_id, *dataset.units_by_id]
    if exp.subject not in subjects:
        raise KtrulesError(t("err.unknown_subject", value=exp.subject, where=t("err.in_dataset")), file=path,
                           line=line_of(path, (*loc, "subject")), hint=suggest_or_list(exp.subject, subjects))
    kind = "collective" if dataset.is_collective(exp.subject) else "individual"
    if kind not in awards[exp.award].kinds:  # else said as a verdict missing for want of a record
        raise KtrulesError(t(f"err.award_for_{awards[exp.award].kinds[0]}", award=exp.award, subject=exp.subject),
                           file=path, line=line_of(path, (*loc, "award")), hint=t("err.award_kind.hint"))


def run_file(path: Path, cache: dict[Path, Dataset], default_rules: Path = DEFAULT_RULES) -> list[CaseResult]:
    """Every case of one file; a case that cannot run is refused with its error."""
    results = []
    for index, data in _cases(path):
        prefix: tuple = () if index is None else (index,)
        name = str(data.get("name", t("cases.unnamed", n=(index or 0) + 1))) if isinstance(data, dict) \
            else t("cases.unnamed", n=(index or 0) + 1)
        own_rules = None
        try:
            case = Case.model_validate(data)
            own_rules = case.rules
            rules = (path.parent / case.rules).resolve() if case.rules else default_rules
            _check_campaign(case, rules, path, prefix)
            dataset = _dataset(case, path, prefix, cache, rules)
            evaluation = evaluate(dataset, case.period, as_of=case.as_of, rules=rules, campaign=case.campaign)
            failures = _check(case, evaluation, path, prefix)
        except ValidationError as exc:
            error = validation_error(exc, path, [*Case.model_fields, *Expectation.model_fields], prefix,
                                     guide=CASES_GUIDE)
            results.append(CaseResult(path, name, (str(error),), refused=True))
            continue
        except RulesError as exc:
            if own_rules is None:
                raise  # not this case's fault: every case under those rules would repeat it
            line = line_of(path, (*prefix, "rules"))  # the rules its own `rules:` names
            results.append(CaseResult(path, name, (t("cases.own_rules", where=f"{path}:{line}", rules=own_rules,
                                                     error=exc),), refused=True))
            continue
        except KtrulesError as exc:
            # said at the case, whatever file the error names (the rules' folder for a period none covers)
            ours = exc.file is not None and Path(exc.file).resolve() == path.resolve()
            line = line_of(path, prefix) if prefix else None
            results.append(CaseResult(path, name, (str(exc) if ours else f"{path}{f':{line}' if line else ''}: {exc}",),
                                      refused=True))
            continue
        checked = tuple(v for exp in case.expect if (v := evaluation.get(exp.subject, exp.award)))
        results.append(CaseResult(path, name, tuple(failures), evaluation, checked, rules))
    return results


def run(paths: Iterable[str | Path], rules: Path = DEFAULT_RULES) -> list[CaseResult]:
    """Every case of every file, under `rules` unless a case names its own; a file that cannot be read
    is one refused case, rules that do not load a RulesError."""
    cache: dict[Path, Dataset] = {}  # the datasets the cases name, by their resolved path
    results: list[CaseResult] = []
    datasets: dict[int, Path] = {}  # the results that are datasets among the case files, by their place
    for path in case_files(paths):
        try:
            results.extend(run_file(path, cache, rules))
        except RulesError:
            raise
        except KtrulesError as exc:
            if isinstance(exc, NotACase):
                datasets[len(results)] = path
            results.append(CaseResult(path, path.name, (str(exc),), refused=True))
    # a dataset beside the cases that name it is where it belongs; one no case names is said
    return [r for at, r in enumerate(results) if at not in datasets or datasets[at].resolve() not in cache]


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


def updated_case(path: Path, default_rules: Path = DEFAULT_RULES) -> dict[str, Any]:
    """A golden case file (written by `freeze`: one case, a dataset file) with the verdicts the rules give
    today, to be written over it. A case written by hand is refused: its comments would be lost and its
    expectations, failing or not, replaced by whatever the rules now give."""
    data = read_document(path)
    if not isinstance(data, dict) or not isinstance(data.get("dataset"), str) or \
            not path.read_bytes().startswith(FROZEN):
        raise KtrulesError(t("err.case.not_updatable"), file=path, line=1, hint=t("err.case.not_updatable.hint"))
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, [*Case.model_fields, *Expectation.model_fields],
                               guide=CASES_GUIDE) from None
    dataset = (path.parent / str(case.dataset)).resolve()
    rules = (path.parent / case.rules).resolve() if case.rules else None
    # the same verdicts as before, those a narrowed `freeze` wrote included, with today's results
    evaluation = evaluate(load_dataset(dataset, rules or default_rules), case.period, as_of=case.as_of,
                          rules=rules or default_rules,
                          campaign=case.campaign, awards=sorted({e.award for e in case.expect}),
                          subjects=sorted({e.subject for e in case.expect}))
    return frozen_case(evaluation, dataset, path, name=case.name, as_of=case.as_of, rules=rules,
                       campaign=case.campaign)


def write_case(case: dict[str, Any], out: Path) -> None:
    """Write a case file atomically: a reader sees the old file or the whole new one, never half of it."""
    if out.suffix not in (".yaml", ".yml"):
        raise KtrulesError(t("err.case.suffix"), file=out, hint=t("err.case.suffix.hint"))
    text = (f"{FROZEN.decode()}: the verdicts the rules give today, each with its criteria.\n"
            "# After a rule change, `ktrules test` shows what moved; freeze again and review the diff of this file.\n"
            + yaml.safe_dump(case, allow_unicode=True, sort_keys=False, width=120))
    make_folder(out.parent)  # a new folder of golden files
    write_atomically(out, lambda target: target.write_text(text, encoding="utf-8"))

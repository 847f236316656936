"""How much of the rules the case files exercise (`ktrules test --coverage`).

For every criterion node (leaves and groups) of every award of every version in the rule folders the
cases used, the outcomes the cases saw: passed, failed, undecided. Only the verdicts a case checks
(its `expect` entries) count: an outcome seen in a verdict nobody asserts would not catch a change.

Two numbers: the share of criteria seen both passed and failed (the threshold applies to this one:
a criterion never seen failing could be dropped unnoticed), and the share seen undecided. A version
no case evaluated counts as entirely uncovered. An outcome a criterion can never have still counts
as missing: the numbers measure what the cases show, not what the rules allow.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ktrules.authoring.cases import CaseResult
from ktrules.common.errors import KtrulesError
from ktrules.common.messages import short_number, t
from ktrules.common.output import render
from ktrules.engine.evaluate import CAMPAIGNS, AwardVerdict, Evaluation
from ktrules.rules import LoadedVersion, load_pack, walk

OUTCOMES = ("passed", "failed", "undecided")
Key = tuple[Path, str, str, str]  # version file, award, kind ('' when one list serves), criterion id


@dataclass(frozen=True)
class CriterionCoverage:
    version: str
    award: str
    kind: str
    id: str
    seen: frozenset[str]

    @property
    def decided(self) -> bool:
        return {"passed", "failed"} <= self.seen

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(o for o in OUTCOMES if o not in self.seen)


@dataclass(frozen=True)
class Coverage:
    criteria: tuple[CriterionCoverage, ...]

    def _share(self, count: int) -> float:
        return 100 * count / len(self.criteria) if self.criteria else 100.0

    @property
    def decided(self) -> float:
        """Percent of criteria seen both passed and failed."""
        return self._share(sum(c.decided for c in self.criteria))

    @property
    def undecided(self) -> float:
        """Percent of criteria seen undecided."""
        return self._share(sum("undecided" in c.seen for c in self.criteria))

    @property
    def gaps(self) -> tuple[CriterionCoverage, ...]:
        return tuple(c for c in self.criteria if c.missing)

    @property
    def unevaluated(self) -> tuple[str, ...]:
        """The versions no checked verdict read: all uncovered, as when only some case files were run."""
        seen = {c.version for c in self.criteria if c.seen}
        return tuple(dict.fromkeys(c.version for c in self.criteria if c.version not in seen))


def _part(evaluation: Evaluation, verdict: AwardVerdict) -> str:
    if isinstance(evaluation.award(verdict.award).criteria, list):
        return ""
    return "collective" if verdict.subject in evaluation.dataset.units_by_id else "individual"


def _seen(results: Sequence[CaseResult]) -> dict[Key, set[str]]:
    seen: dict[Key, set[str]] = {}
    for result in results:
        if result.evaluation is None:
            continue
        version = result.evaluation.version
        for verdict in result.checked:
            path = version.file_of(verdict.award).resolve()
            kind = _part(result.evaluation, verdict)
            for root in verdict.criteria:
                for _, node in root.flatten():
                    seen.setdefault((path, verdict.award, kind, node.criterion.id), set()).add(node.result)
    return seen


def _versions(results: Sequence[CaseResult]) -> list[LoadedVersion]:
    """Every version of every pack (national and campaign) in the rule folders the cases used."""
    folders = sorted({r.rules.resolve() for r in results if r.rules is not None})
    packs = sorted({p.parent for folder in folders for pattern in ("*/pack.yaml", f"{CAMPAIGNS}/*/pack.yaml")
                    for p in folder.glob(pattern)})
    return [v for pack in packs for v in load_pack(pack)]


def measure(results: Sequence[CaseResult]) -> Coverage:
    """The outcomes the cases' checked verdicts saw, for every criterion of every version in reach."""
    seen = _seen(results)
    out = []
    for version in _versions(results):
        path = version.path.resolve()
        for award_id, award in version.rules.awards.items():
            for kind, criteria in award.all_criteria():
                out.extend(CriterionCoverage(version.label, award_id, kind, node.id,
                                             frozenset(seen.get((path, award_id, kind, node.id), ())))
                           for node, _ in walk(criteria, ()))
    return Coverage(tuple(out))


# --- the threshold ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Threshold:
    percent: float
    source: str  # where it was set, for the message


def _pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder / "pyproject.toml"
    return None


def threshold(minimum: float | None, start: Path | None = None) -> Threshold | None:
    """`--min` when given, else `[tool.ktrules] coverage_min` of the pyproject.toml found upward from `start`."""
    if minimum is not None:
        return Threshold(minimum, "--min")
    path = _pyproject((start or Path.cwd()).resolve())
    if path is None:
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise KtrulesError(t("err.coverage.unreadable", reason=exc), file=path,
                           hint=t("err.coverage.unreadable.hint")) from None
    value: Any = data.get("tool", {}).get("ktrules", {}).get("coverage_min")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise KtrulesError(t("err.coverage.min", value=repr(value)), file=path, hint=t("err.coverage.min.hint"))
    return Threshold(float(value), f"{path.name} [tool.ktrules] coverage_min")


def below(coverage: Coverage, limit: Threshold) -> bool:
    return coverage.decided < limit.percent


# --- what a user reads -----------------------------------------------------------------------------

def _gap_rows(coverage: Coverage, lang: str) -> list[dict[str, str]]:
    """One row per version, award and kind that has gaps: the criteria lacking each outcome."""
    rows: dict[tuple[str, str, str], dict[str, str]] = {}
    for c in coverage.gaps:
        award = f"{c.award} ({t(f'kind.{c.kind}', lang)})" if c.kind else c.award
        row = rows.setdefault((c.version, c.award, c.kind), {"version": c.version, "award": award})
        for outcome in c.missing:
            row[outcome] = f"{row[outcome]}, {c.id}" if outcome in row else c.id
    return list(rows.values())


def _percent(value: float, lang: str) -> str:
    return short_number(round(value, 1), lang)  # 77,6 in Vietnamese


def report(coverage: Coverage, limit: Threshold | None, lang: str) -> str:
    """The definition, the gaps by version and award, the two numbers, and the threshold verdict."""
    n = len(coverage.criteria)
    lines = [t("coverage.header", lang), ""]
    rows = _gap_rows(coverage, lang)
    if rows:
        columns = {"version": t("col.version", lang), "award": t("col.award", lang),
                   **{o: t(f"coverage.col.{o}", lang) for o in OUTCOMES}}
        lines += [t("coverage.gaps", lang), render(rows, "table", columns, widths=dict.fromkeys(OUTCOMES, 30)), ""]
    lines.append(t("coverage.decided", lang, n=sum(c.decided for c in coverage.criteria), total=n,
                   percent=_percent(coverage.decided, lang)))
    lines.append(t("coverage.undecided", lang, n=sum("undecided" in c.seen for c in coverage.criteria), total=n,
                   percent=_percent(coverage.undecided, lang)))
    if coverage.unevaluated:  # else a run of one folder of cases reads as rules badly covered
        lines.append(t("coverage.unevaluated", lang, n=len(coverage.unevaluated),
                       versions=", ".join(coverage.unevaluated)))
    if limit is not None:
        key = "coverage.below" if below(coverage, limit) else "coverage.meets"
        lines.append(t(key, lang, percent=_percent(coverage.decided, lang), min=_percent(limit.percent, lang),
                       source=limit.source))
    return "\n".join(lines)


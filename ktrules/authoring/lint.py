"""`ktrules lint`: problems in rule packs, each with its file, line and a fix.

Loading stops at the first problem of a version; lint goes on and reports every problem of every version
of every pack under a folder (a pack is any folder with a pack.yaml, nested packs included). To what
loading refuses it adds checks of its own: citations, dates of versions that overlap or leave a gap,
criteria that can never be met or never fail, parameters and facts declared but never read.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter, ValidationError

from ktrules.common.errors import KtrulesError, suggest_or_list
from ktrules.common.messages import short_date, t
from ktrules.common.reading import line_of, read_document
from ktrules.engine.evaluate import CAMPAIGNS, campaign_ids
from ktrules.rules import (
    FACT_TYPES,
    ORDINALS,
    Campaign,
    Leaf,
    LoadedVersion,
    PackInfo,
    ParamRef,
    RuleVersion,
    award_needs,
    award_stages,
    check_pack_id,
    load_pack,
    load_version,
    merge_included,
    read_pack_info,
    type_check,
    walk,
)

Severity = Literal["error", "warning"]

# What a citation names: an article, clause, point, section or part (or their numbers).
_CITATION = re.compile(r"\d|\b(điều|đ|khoản|k|điểm|mục|phần|chương)\b", re.IGNORECASE)
_SYMBOLS = {"at_least": "≥", "more_than": ">", "at_most": "≤", "less_than": "<", "equals": "="}
# The values a numeric fact can take (months_worked: the dataset refuses more than 12 with leave).
_NUMBER_RANGES: dict[str, tuple[float, float]] = {"member_share": (0, 1), "months_worked": (0, 12),
                                                  "bloc_rank": (1, math.inf)}
_DATE = TypeAdapter(date)


@dataclass(frozen=True)
class Finding:
    """One problem: `message(lang)` says what is wrong and how to fix it."""

    severity: Severity
    file: Path
    line: int | None
    code: str
    key: str  # the message in ktrules/messages.py
    values: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "vi") -> str:
        # dates as the reader writes them, but a value to write into the file (fix…) as YAML takes it; a value
        # in words (a suggestion) is made in the language asked for
        return t(self.key, lang, **{k: v(lang) if callable(v) else
                                    short_date(v, lang) if isinstance(v, date) and not k.startswith("fix") else v
                                    for k, v in self.values.items()})

    def as_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {"file": str(self.file), "line": self.line, "severity": self.severity, "code": self.code,
                "message": self.message(lang)}


@dataclass(frozen=True)
class LintReport:
    findings: list[Finding]
    unverified: dict[str, int]  # version label (pack/version) -> criteria marked verified: false

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


def lint(folder: Path) -> list[Finding]:
    """Every finding of every rule pack under `folder`, by file and line."""
    return lint_report(folder).findings


def lint_report(folder: Path) -> LintReport:
    """The findings, and how many criteria of each version are unverified readings of the law."""
    if not folder.is_dir():
        raise KtrulesError(t("err.lint.no_folder"), file=folder, hint=t("err.lint.no_folder.hint"))
    packs = sorted({p.parent for p in folder.rglob("pack.yaml")})
    if not packs:
        raise KtrulesError(t("err.lint.no_pack"), file=folder, hint=t("err.lint.no_pack.hint"))
    findings: list[Finding] = []
    unverified: dict[str, int] = {}
    for pack in packs:
        pack_findings, pack_unverified = _lint_pack(pack)
        findings += pack_findings
        unverified |= pack_unverified
    findings += _without_info(folder, packs)
    return LintReport(sorted(findings, key=lambda f: (str(f.file), f.line or 0, f.code)), unverified)


def _without_info(folder: Path, packs: list[Path]) -> Iterator[Finding]:
    """Folders of version files with no pack.yaml: no command reads them, which their author should hear
    of rather than find their rules skipped (the schema beside the packs is no version)."""
    held = {p.parent for p in folder.rglob("*.y*ml")} | {p.parent for p in folder.rglob("*.json")}
    # a pack's own subfolders (its case files, say) hold no versions: load_pack reads its top level only
    for lost in sorted(f for f in held - {folder} if not any(f == p or p in f.parents for p in packs)):
        yield Finding("error", lost / "pack.yaml", None, "no-pack-info", "lint.load",
                      {"problem": f"{t('err.pack.no_info')}; {t('err.pack.no_info.hint')}"})


# --- one pack ---------------------------------------------------------------------------------------

@dataclass
class _Version:
    path: Path
    rules: RuleVersion | None  # None when the file does not match the schema
    loaded: LoadedVersion | None  # None when loading refuses it
    findings: list[Finding]


def _lint_pack(folder: Path) -> tuple[list[Finding], dict[str, int]]:
    info, findings = _pack_info(folder)
    unverified: dict[str, int] = {}
    files = _version_files(folder)
    if not files:
        findings.append(Finding("error", folder / "pack.yaml", None, "no-version", "lint.no-version"))
    versions = [_read(path, info) for path in files]
    for version in versions:
        findings += version.findings
        if version.rules is not None:
            findings += _version_checks(version.path, version.rules)
            findings += _campaigns_named(version.path, version.rules, _rules_root(folder))
            unverified[f"{info.id}/{version.rules.version}"] = sum(
                not node.verified for _, criteria, _ in _trees(version.rules) for node, _ in walk(criteria, ()))
    duplicates = list(_duplicate_versions(versions))
    plan = getattr(info, "campaign", None)  # a pack.yaml that does not load has none
    findings += duplicates + list(_includes(folder, versions, _campaign_days(plan)))
    if plan is not None:
        findings += _campaign_years(folder / "pack.yaml", plan, versions)
    spans = [(v.path, span) for v in versions if (span := _span(v)) is not None]
    if len(spans) < len(versions):  # a file whose dates cannot be read leaves a gap that is not there
        return findings, unverified
    # a copy of a version overlaps it: its duplicate-version says what to do, an overlap would not
    return findings + list(_span_findings([(path, *span) for path, span in spans], sides=not duplicates)), \
        unverified


def _pack_info(folder: Path) -> tuple[PackInfo, list[Finding]]:
    path = folder / "pack.yaml"
    try:
        info = read_pack_info(path)
        check_pack_id(info, path)
        return info, []
    except KtrulesError as exc:
        # the versions are still worth checking: name the pack after its folder
        return PackInfo.model_construct(id=folder.name), [_load_finding(exc, path)]


def _version_files(folder: Path) -> list[Path]:
    # the files load_pack reads
    return sorted(p for p in folder.glob("*.y*ml") if p.name != "pack.yaml") + sorted(folder.glob("*.json"))


def _read(path: Path, info: PackInfo) -> _Version:
    """The version with what loading refuses in it: every problem, not only the first."""
    try:
        loaded = load_version(path, info)
        return _Version(path, loaded.rules, loaded, [])
    except KtrulesError as exc:
        rules = _schema_valid(path)
        problems = list(_load_problems(path, rules)) if rules is not None else []
        # a check of load_version that lint does not repeat still shows, as loading words it
        return _Version(path, rules, None, problems or [_load_finding(exc, path)])


def _schema_valid(path: Path) -> RuleVersion | None:
    try:
        return RuleVersion.model_validate(read_document(path))
    except (KtrulesError, ValidationError):
        return None


def _load_problems(path: Path, rules: RuleVersion) -> Iterator[Finding]:
    problems = list(type_check(rules))
    for loc, message, hint, code in problems:
        yield _load_finding(KtrulesError(message, file=path, line=line_of(path, loc), hint=hint, code=code), path)
    if not problems and isinstance(cycle := award_stages(award_needs(rules)), str):
        yield _load_finding(KtrulesError(t("err.pack.cycle", cycle=cycle), file=path, code="cycle",
                                         line=line_of(path, ("awards", cycle.split(", ")[0])),
                                         hint=t("err.pack.cycle.hint")), path)


def _load_finding(exc: KtrulesError, path: Path) -> Finding:
    problem = exc.message + (f"; {exc.hint}" if exc.hint else "")
    code = exc.code or "invalid"
    return Finding("error", Path(exc.file) if exc.file else path, exc.line, code, "lint.load", {"problem": problem})


# --- versions side by side --------------------------------------------------------------------------

def _duplicate_versions(versions: list[_Version]) -> Iterator[Finding]:
    seen: dict[str, Path] = {}
    for v in versions:
        if v.rules is None:
            continue
        if v.rules.version in seen:
            yield Finding("error", v.path, line_of(v.path, ("version",)), "duplicate-version",
                          "lint.duplicate-version", {"version": v.rules.version, "other": seen[v.rules.version].name})
        seen.setdefault(v.rules.version, v.path)


def _includes(folder: Path, versions: list[_Version], days: tuple[date, date] | None) -> Iterator[Finding]:
    """A campaign version's awards from another pack resolve in every version of that pack in force
    during its dates (and the campaign's `days`): the engine merges them with the one in force on the day
    evaluated, and finds none on a day no version of that pack covers."""
    for v in versions:
        include = v.loaded.rules.include if v.loaded is not None else None
        if v.loaded is None or include is None:
            continue
        # where engine.version_in_force looks: <rules>/<pack>, a campaign pack being <rules>/campaigns/<id>
        base = folder.resolve().parent.parent / include.pack
        if not (base / "pack.yaml").is_file():
            yield Finding("error", v.path, line_of(v.path, ("include", "pack")), "unknown-pack", "lint.unknown-pack",
                          {"pack": include.pack, "folder": base})
            continue
        try:
            bases = load_pack(base)
        except KtrulesError:
            continue  # the included pack's own problems are findings of that pack
        applies = _while_in_force(v.loaded.rules, days)
        gap = _uncovered(bases, *applies) if applies is not None else None
        if gap is not None:
            yield Finding("error", v.path, line_of(v.path, ("include", "pack")), "include-gap", "lint.include-gap",
                          {"pack": include.pack, "start": gap[0], "end": gap[1] or "…"})
        for law in bases:
            if not _in_force_together(law.rules, v.loaded.rules):
                continue
            try:
                merged = merge_included(v.loaded, law)
            except KtrulesError as exc:
                yield _load_finding(exc, v.path)  # merge_included codes its refusals
                continue
            if isinstance(merged.stages, str):
                yield _load_finding(KtrulesError(t("err.pack.cycle_with", version=law.label, cycle=merged.stages),
                                                 file=v.path, line=line_of(v.path, ("include", "awards")),
                                                 code="cycle"), v.path)


# A first and a last day; None stands for no last day (a version in force until further notice).
_Days = tuple[date, date | None]


def _campaign_days(plan: Campaign | None) -> tuple[date, date] | None:
    """The days of the campaign's years: a period from first_year to last_year is evaluated on its last day."""
    if plan is None or plan.last_year < plan.first_year:
        return None
    return date(plan.first_year, 1, 1), date(plan.last_year, 12, 31)


def _while_in_force(rules: RuleVersion, days: tuple[date, date] | None) -> _Days | None:
    """The days a version applies: in force and, for a campaign's, within its years; None when there are none."""
    start, end = rules.effective_from, rules.effective_to
    if days is not None:
        start, end = max(start, days[0]), days[1] if end is None else min(end, days[1])
    return (start, end) if end is None or start <= end else None


def _uncovered(versions: list[LoadedVersion], start: date, end: date | None) -> _Days | None:
    """The first run of days from `start` to `end` on which none of `versions` (in date order) is in force."""
    day = timedelta(days=1)
    for version in versions:
        since, until = version.rules.effective_from, version.rules.effective_to
        if until is not None and until < start:
            continue
        if since > start:
            return start, since - day if end is None else min(since - day, end)
        if until is None or (end is not None and until >= end):
            return None
        start = until + day
    return start, end


def _campaign_years(info_path: Path, plan: Campaign, versions: list[_Version]) -> Iterator[Finding]:
    """The years of a campaign bound what its versions can decide: a version or an award's year outside
    them is never evaluated, as `evaluate` refuses a period outside the campaign."""
    first, last = plan.first_year, plan.last_year
    if last < first:
        yield Finding("error", info_path, line_of(info_path, ("campaign", "last_year")), "bad-span",
                      "lint.campaign-bad-span", {"first": first, "last": last})
        return
    days = _campaign_days(plan)
    for v in versions:
        if v.rules is None:
            continue
        if _while_in_force(v.rules, days) is None:
            late = v.rules.effective_from > date(last, 12, 31)
            yield Finding("error", v.path, line_of(v.path, ("effective_from" if late else "effective_to",)),
                          "outside-campaign", "lint.version-outside-campaign",
                          {"start": v.rules.effective_from, "end": v.rules.effective_to or "…", "first": first,
                           "last": last})
        for award_id, award in v.rules.awards.items():
            for i, year in enumerate(award.years or []):
                if not first <= year <= last:
                    yield Finding("error", v.path, line_of(v.path, ("awards", award_id, "years", i)),
                                  "outside-campaign", "lint.award-year-outside-campaign",
                                  {"award": award_id, "year": year, "first": first, "last": last})


def _rules_root(pack: Path) -> Path:
    """The rules folder a pack is read from: <rules>/<pack>, or <rules>/campaigns/<id> for a campaign."""
    parent = pack.resolve().parent
    return parent.parent if parent.name == CAMPAIGNS else parent


def _campaigns_named(path: Path, rules: RuleVersion, root: Path) -> Iterator[Finding]:
    """An achievements fact naming a campaign with no pack never matches: a misspelt id would leave its
    criteria unmet, and its awards refused, with no word."""
    known = campaign_ids(root)
    for name, spec in rules.facts.items():
        campaign = getattr(spec, "campaign", None)
        if campaign is not None and campaign not in known:
            hint = (lambda lang, c=campaign: suggest_or_list(c, known, lang=lang)) if known else \
                (lambda lang: t("lint.unknown-campaign.none", lang))
            yield Finding("error", path, line_of(path, ("facts", name, "campaign")), "unknown-campaign",
                          "lint.unknown-campaign", {"fact": name, "campaign": campaign, "folder": root / CAMPAIGNS,
                                                    "hint": hint})


def _in_force_together(a: RuleVersion, b: RuleVersion) -> bool:
    a_after_b = b.effective_to is not None and a.effective_from > b.effective_to
    b_after_a = a.effective_to is not None and b.effective_from > a.effective_to
    return not (a_after_b or b_after_a)


def _span(version: _Version) -> tuple[date, date | None] | None:
    """The dates in force, read from the raw file when the schema refuses it for another reason."""
    if version.rules is not None:
        return version.rules.effective_from, version.rules.effective_to
    try:
        data = read_document(version.path)
        if not isinstance(data, dict) or set(data) - set(RuleVersion.model_fields):  # `efective_to`: dates wrong
            return None
        end = data.get("effective_to")
        return _DATE.validate_python(data["effective_from"]), None if end is None else _DATE.validate_python(end)
    except (KtrulesError, ValidationError, AttributeError, KeyError):
        return None


def _span_findings(spans: list[tuple[Path, date, date | None]], sides: bool = True) -> Iterator[Finding]:
    """Versions that end before they start, then (with `sides`) overlaps and gaps between versions."""
    bad = [(path, start, end) for path, start, end in spans if end is not None and end < start]
    for path, start, end in bad:
        yield Finding("error", path, line_of(path, ("effective_to",)), "bad-span", "lint.bad-span",
                      {"start": start, "end": end})
    if not sides:
        return
    # a version that ends before it starts says nothing true about the gap or overlap it stands in
    ordered = sorted((s for s in spans if s not in bad), key=lambda s: s[1])
    bad_starts = [start for _, start, _ in bad]
    day = timedelta(days=1)
    for (a, a_start, a_end), (b, b_start, b_end) in itertools.pairwise(ordered):
        if any(a_start <= start <= b_start for start in bad_starts):
            continue
        if a_end is None or a_end >= b_start:
            last = min((d for d in (a_end, b_end) if d is not None), default=None)
            line = line_of(a, ("effective_to",) if a_end else ("effective_from",))
            yield Finding("error", a, line, "overlap", "lint.overlap",
                          {"a": a.name, "b": b.name, "start": b_start, "end": last or "…", "fix": b_start - day})
        elif a_end + day < b_start:
            yield Finding("error", a, line_of(a, ("effective_to",)), "gap", "lint.gap",
                          {"a": a.name, "b": b.name, "start": a_end + day, "end": b_start - day,
                           "fix_to": b_start - day, "fix_from": a_end + day})


# --- one version ------------------------------------------------------------------------------------

def _trees(rules: RuleVersion) -> Iterator[tuple[str, list, tuple]]:
    """(award id, criteria, location) for each criteria list of each award."""
    for award_id, award in rules.awards.items():
        for kind, criteria in award.all_criteria():
            yield award_id, criteria, ("awards", award_id, "criteria", *([kind] if kind else []))


def _version_checks(path: Path, rules: RuleVersion) -> Iterator[Finding]:
    yield from _citations(path, rules)
    for award_id, criteria, where in _trees(rules):
        for node, loc in walk(criteria, where):
            if isinstance(node, Leaf):
                yield from _range(path, rules, award_id, node, loc)
                yield from _words_agree(path, rules, award_id, node, loc)
    yield from _unused(path, rules)


# the numbers a criterion's words give for its threshold: "ít nhất 70%" of a share, "06 tháng" of months
_PERCENT, _MONTHS = re.compile(r"(\d+(?:[.,]\d+)?)\s*%"), re.compile(r"(\d+(?:[.,]\d+)?)\s*tháng")
_WORDED = {"member_share": (_PERCENT, 100, "%"), "months_since_recruitment": (_MONTHS, 1, " tháng"),
           "months_worked": (_MONTHS, 1, " tháng")}


def _words_agree(path: Path, rules: RuleVersion, award_id: str, leaf: Leaf, loc: tuple) -> Iterator[Finding]:
    """Words that give another threshold than the one compared: a parameter changed to 0.8 while the
    criterion still reads "ít nhất 70%", so that explanations read "70% … yêu cầu ≥ 80%"."""
    spec = rules.facts.get(leaf.fact)
    worded = _WORDED.get(getattr(spec, "op", ""))
    if worded is None or len(leaf.comparisons()) != 1:
        return
    given = leaf.comparison[1]
    value = rules.value(given) if not isinstance(given, ParamRef) or given.param in rules.parameters else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    pattern, scale, unit = worded
    said = list(pattern.finditer(leaf.text.vi))
    if said and not any(math.isclose(float(m.group(1).replace(",", ".")), value * scale) for m in said):
        yield Finding("warning", path, line_of(path, (*loc, "text")), "text-threshold", "lint.text-threshold",
                      {"id": leaf.id, "award": award_id, "said": ", ".join(m.group(0) for m in said),
                       "value": f"{value * scale:g}{unit}"})


def _citations(path: Path, rules: RuleVersion) -> Iterator[Finding]:
    cited: list[tuple[str, dict[str, str], str, tuple]] = [
        ("parameter", {"id": name}, p.cite, ("parameters", name)) for name, p in rules.parameters.items()]
    for award_id, award in rules.awards.items():
        cited.append(("award", {"award": award_id}, award.cite, ("awards", award_id)))
    for award_id, criteria, where in _trees(rules):
        cited += [("criterion", {"id": node.id, "award": award_id}, node.cite, loc)
                  for node, loc in walk(criteria, where)]
    for thing, names, cite, loc in cited:
        if not cite.strip():
            yield Finding("error", path, line_of(path, (*loc, "cite")), "uncited", f"lint.uncited.{thing}", names)
        elif not _CITATION.search(cite):
            yield Finding("warning", path, line_of(path, (*loc, "cite")), "vague-cite", f"lint.vague-cite.{thing}",
                          {**names, "cite": cite})


def _range(path: Path, rules: RuleVersion, award_id: str, leaf: Leaf, loc: tuple) -> Iterator[Finding]:
    """A comparison that every value the fact can take meets (or none does)."""
    spec = rules.facts.get(leaf.fact)
    if len(leaf.comparisons()) != 1:
        return  # none or several comparisons: loading's finding
    key, given = leaf.comparison
    known = not isinstance(given, ParamRef) or given.param in rules.parameters
    value = rules.value(given) if known else None
    if spec is None or value is None or (bounds := _bounds(spec, value)) is None:
        return  # unknown names and mistyped values are loading's findings
    low, high, number = bounds
    never = _never(key, number, low, high)
    if never is not None:
        shown = f"{value} ({given.param})" if isinstance(given, ParamRef) else str(value)
        yield Finding("warning", path, line_of(path, (*loc, key)), never, f"lint.{never}",
                      {"id": leaf.id, "award": award_id, "condition": f"{leaf.fact} {_SYMBOLS[key]} {shown}",
                       "fact": leaf.fact, "domain": _domain_text(spec, low, high)})


def _bounds(spec: Any, value: Any) -> tuple[float, float, float] | None:
    """(lowest, highest value of the fact, the value compared as a number); None for true/false facts."""
    kind = FACT_TYPES[spec.op]
    if kind in ORDINALS:
        ranks = ORDINALS[kind]
        return (min(ranks.values()), max(ranks.values()), ranks[value]) if value in ranks else None
    if kind == "bool" or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    low, high = _NUMBER_RANGES.get(spec.op, (0, math.inf))  # the rest count things: 0 or more
    if spec.op == "years_holding" and spec.years is not None:
        high = spec.years
    return low, high, value


def _never(key: str, v: float, low: float, high: float) -> str | None:
    always = {"at_least": v <= low, "more_than": v < low, "at_most": v >= high, "less_than": v > high,
              "equals": low == high == v}
    never = {"at_least": v > high, "more_than": v >= high, "at_most": v < low, "less_than": v <= low,
             "equals": not low <= v <= high}
    return "never-fails" if always[key] else "never-met" if never[key] else None


def _domain_text(spec: Any, low: float, high: float) -> str:
    kind = FACT_TYPES[spec.op]
    if kind in ORDINALS:
        names = {rank: name for name, rank in ORDINALS[kind].items()}
        return f"{names[int(low)]}…{names[int(high)]}"
    return f"{low:g}…{'∞' if math.isinf(high) else f'{high:g}'}"


def _unused(path: Path, rules: RuleVersion) -> Iterator[Finding]:
    fields = list(_fields(rules))
    used_params = {value.param for _, value in fields if isinstance(value, ParamRef)}
    for name in rules.parameters:
        if name not in used_params:
            yield Finding("warning", path, line_of(path, ("parameters", name)), "unused-parameter",
                          "lint.unused-parameter", {"name": name})
    # read by criteria, scores and tie-breaks (a `fact:` key), or lending its years to another fact
    read = {value for name, value in fields if name == "fact" and isinstance(value, str)}
    read |= {other for name, value in fields if name == "years_from" and isinstance(value, list) for other in value}
    for name in rules.facts:
        if name not in read:
            yield Finding("warning", path, line_of(path, ("facts", name)), "unused-fact", "lint.unused-fact",
                          {"name": name})


def _fields(node: Any, name: str = "") -> Iterator[tuple[str, Any]]:
    """(field name, value) of every field of the version, nested ones included: so that a parameter or a
    fact read anywhere (a criterion, a quota, a score) counts as used."""
    yield name, node
    if isinstance(node, BaseModel):
        for field_name in type(node).model_fields:
            yield from _fields(getattr(node, field_name), field_name)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _fields(value, name)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _fields(value, name)

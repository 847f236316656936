"""Rule packs on disk: loading a version, a pack, merging included awards, choosing the version in force."""

from __future__ import annotations

import itertools
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ktrules.common.errors import KtrulesError, RulesError, suggest
from ktrules.common.messages import short_date, t
from ktrules.common.reading import line_of, read_document, validation_error
from ktrules.rules.checking import award_needs, award_stages, type_check, vocabulary
from ktrules.rules.models import LoadedVersion, PackInfo, RuleVersion

# The bundled packs: the repository's rules/ folder, which a wheel carries as ktrules/packs (pyproject.toml).
_PACKAGE = Path(__file__).resolve().parent.parent
DEFAULT_RULES = _PACKAGE / "packs" if (_PACKAGE / "packs").is_dir() else _PACKAGE.parent / "rules"
NATIONAL_PACK = "vn"
RULES_GUIDE = "docs/rule-files.md"  # where an unknown key of a rule file is looked up

def rules_folder(rules: object) -> Path:
    """A rules folder as a program may give it: a path or its text, anything else refused."""
    if not isinstance(rules, str | os.PathLike):
        raise KtrulesError(t("err.rules_value", value=repr(rules)))
    return Path(rules)


def load_version(path: Path, pack: PackInfo) -> LoadedVersion:
    data = read_document(path)  # nesting deeper than the criteria may is refused there, YAML and JSON alike
    if not isinstance(data, dict):
        raise KtrulesError(t("err.pack.top_mapping"), file=path, line=1)
    try:
        rules = RuleVersion.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, vocabulary(), guide=RULES_GUIDE, document=data,
                               missing=_missing_hints()) from None
    for loc, message, hint, code in type_check(rules):
        raise KtrulesError(message, file=path, line=line_of(path, loc), hint=hint, code=code)
    needs = award_needs(rules)
    stages = award_stages(needs)
    if isinstance(stages, str):
        raise KtrulesError(t("err.pack.cycle", cycle=stages), file=path,
                           line=line_of(path, ("awards",)), hint=t("err.pack.cycle.hint"), code="cycle")
    return LoadedVersion(pack, path, rules, stages, needs)


def _missing_hints() -> dict[str, str]:
    """What to write for the keys an author most often leaves out of a criterion."""
    return {key: t(f"err.missing.{key}") for key in ("verified", "cite")}


def load_pack(folder: Path) -> list[LoadedVersion]:
    """Every version of a pack, oldest first; a RulesError when the pack does not load."""
    try:
        return _read_pack(folder)
    except KtrulesError as exc:
        raise RulesError.of(exc) from None


def _packs_above(path: Path) -> Path:
    """The folder of packs that holds `path` (a rule file's pack's parent), else the file's own folder."""
    return next((p.parent for p in path.parents if (p / "pack.yaml").is_file()), path.parent)


def _read_pack(folder: Path) -> list[LoadedVersion]:
    info_path = folder / "pack.yaml"
    if not folder.is_dir():
        # `--rules rules/vn` or `--rules rules/campaigns`: a pack's own folder, or the campaigns', given for
        # the folder of packs
        if folder.parent.is_file():  # a rule file given for the folder of packs
            raise KtrulesError(t("err.pack.rules_is_file"), file=folder.parent,
                               hint=t("err.pack.is_a_pack", parent=_packs_above(folder.parent)))
        inside = (folder.parent / "pack.yaml").is_file() or any(folder.parent.glob("*/pack.yaml"))
        hint = t("err.pack.is_a_pack", parent=folder.parent.parent) if inside else t("err.pack.no_folder.hint")
        raise KtrulesError(t("err.pack.no_folder"), file=folder, hint=hint)
    if not info_path.exists():
        raise KtrulesError(t("err.pack.no_info"), file=folder, hint=t("err.pack.no_info.hint"))
    info = read_pack_info(info_path)
    check_pack_id(info, info_path)
    files = sorted(p for p in folder.glob("*.y*ml") if p.name != "pack.yaml") + sorted(folder.glob("*.json"))
    versions = sorted((load_version(p, info) for p in files), key=lambda v: v.rules.effective_from)
    if not versions:
        raise KtrulesError(t("err.pack.no_versions"), file=folder, hint=t("err.pack.no_versions.hint"))
    _refuse_overlaps(versions)
    return versions


def read_pack_info(info_path: Path) -> PackInfo:
    """What a pack.yaml says of its pack; an empty one, or a list, is refused with what it must hold."""
    data = read_document(info_path)
    if not isinstance(data, dict):
        holds = t("err.pack.info_holds", folder=info_path.resolve().parent.name)
        raise KtrulesError(t("err.pack.info_empty") if data is None else t("err.pack.top_mapping"), file=info_path,
                           line=1, hint=holds)
    try:
        return PackInfo.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, info_path, vocabulary(), guide=RULES_GUIDE) from None


def check_pack_id(info: PackInfo, info_path: Path) -> None:
    """A pack's id is its folder's name: --campaign and conferrals name a pack by its folder, and a
    copied folder that kept the id would pass for the original."""
    folder = info_path.resolve().parent.name  # `.` or `..` names no folder
    if info.id != folder:
        raise KtrulesError(t("err.pack.id_folder", id=info.id, folder=folder), file=info_path,
                           line=line_of(info_path, ("id",)), hint=t("err.pack.id_folder.hint", folder=folder),
                           code="pack-id")


def _refuse_overlaps(versions: list[LoadedVersion]) -> None:
    """Two versions in force on one day would let the order of the files choose the rules; a version
    that ends before it starts is said first, being what makes it overlap."""
    seen: dict[str, Path] = {}
    for v in versions:  # a copy of a file (2024-draft.yaml) overlaps it because it is the same version
        other = seen.setdefault(v.rules.version, v.path)
        if other != v.path:
            raise KtrulesError(t("lint.duplicate-version", version=v.rules.version, other=other.name), file=v.path,
                               line=line_of(v.path, ("version",)), code="duplicate-version")
    for v in versions:
        start, end = v.rules.effective_from, v.rules.effective_to
        if end is not None and end < start:
            raise KtrulesError(t("lint.bad-span", start=short_date(start), end=short_date(end)), file=v.path,
                               line=line_of(v.path, ("effective_to",)), code="bad-span")
    for a, b in itertools.pairwise(versions):
        a_end, b_start, b_end = a.rules.effective_to, b.rules.effective_from, b.rules.effective_to
        if a_end is None or a_end >= b_start:
            last = min((d for d in (a_end, b_end) if d is not None), default="…")
            shown = short_date(last) if isinstance(last, date) else last
            raise KtrulesError(t("lint.overlap", a=a.path.name, b=b.path.name, start=short_date(b_start), end=shown,
                                 fix=b_start - timedelta(days=1)), file=a.path,
                               line=line_of(a.path, ("effective_to",) if a_end else ("effective_from",)))


def merge_included(version: LoadedVersion, base: LoadedVersion) -> LoadedVersion:
    """A campaign version with the awards it includes from `base` (the national version in force),
    as one version: their facts, parameters and sources side by side, their stages recomputed."""
    own, law = version.rules, base.rules
    include = own.include
    assert include is not None
    for i, award_id in enumerate(include.awards):
        if award_id not in law.awards:
            raise RulesError(t("err.pack.not_award", award=award_id, version=base.label), file=version.path,
                               line=line_of(version.path, ("include", "awards", i)), hint=suggest(award_id, law.awards),
                               code="unknown-award")
        missing = base.needs[award_id] - set(include.awards)
        if missing:
            raise RulesError(t("err.pack.needs", award=award_id, version=base.label,
                                 needs=", ".join(sorted(missing))), file=version.path,
                               line=line_of(version.path, ("include", "awards", i)), hint=t("err.pack.needs.hint"),
                               code="include-missing")
    for part in ("facts", "parameters"):
        for name, value in getattr(own, part).items():
            if getattr(law, part).get(name, value) != value:
                raise RulesError(t("err.pack.differs." + part, name=name, version=base.label), file=version.path,
                                   line=line_of(version.path, (part, name)), hint=t("err.pack.differs.hint"),
                                   code="include-conflict")
    chosen = set(include.awards)
    rules = own.model_copy(update={
        "version": f"{own.version}+{base.label}",
        "sources": [*own.sources, *law.sources],
        "parameters": {**law.parameters, **own.parameters},
        "facts": {**law.facts, **own.facts},
        "awards": {**{a: law.awards[a] for a in include.awards}, **own.awards},
        "single_use": [kept for group in law.single_use if (kept := [a for a in group if a in chosen])],
        "dossiers": {**{a: d for a, d in law.dossiers.items() if a in chosen}, **own.dossiers},
        "ranking": {**{a: r for a, r in law.ranking.items() if a in chosen}, **own.ranking},
        "ballots": {**{a: b for a, b in law.ballots.items() if a in chosen}, **own.ballots},
        "tie_breaks": own.tie_breaks or law.tie_breaks,
        "authority": [*own.authority, *(kept for line in law.authority
                                        if (kept := line.model_copy(update={"awards": [
                                            a for a in line.awards if a in chosen]})).awards)],
    })
    needs = award_needs(rules)
    # the merged rules are as current as the older of the two reviews
    reviewed = min((d for d in (version.pack.reviewed, base.pack.reviewed) if d), default=None)
    watch = [*version.pack.watch, *(w for w in base.pack.watch if w not in version.pack.watch)]
    return LoadedVersion(version.pack.model_copy(update={"reviewed": reviewed, "watch": watch}), version.path, rules,
                         award_stages(needs), needs,  # type: ignore[arg-type]
                         {award_id: base.path for award_id in include.awards})


def select_version(versions: list[LoadedVersion], as_of: date, hint: str | None = None) -> LoadedVersion:
    """The version in force on `as_of`; `hint` says what to do instead when none is, where the asker
    has no period to choose (a web page of the rules)."""
    for version in versions:
        if version.rules.covers(as_of):
            return version
    spans = "; ".join(t("err.no_version.span", version=v.rules.version, start=short_date(v.rules.effective_from),
                        end=short_date(v.rules.effective_to) if v.rules.effective_to else "…") for v in versions)
    raise KtrulesError(t("err.no_version", pack=versions[0].pack.id, as_of=short_date(as_of), spans=spans),
                       file=versions[0].path.parent, hint=hint or t("err.no_version.hint"))


def rule_schema() -> dict[str, Any]:
    """The JSON Schema of a version file, generated from the models."""
    return RuleVersion.model_json_schema()

"""Loading records in any format the office keeps them in. It sits above records and rules because a
workbook may name awards as the rule pack does ('Lao động tiên tiến' for LDTT)."""

from __future__ import annotations

import contextlib
import io
import tempfile
import zipfile
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from itertools import chain, compress
from operator import attrgetter
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from ktrules.common.errors import KtrulesError, suggest, suggest_or_list
from ktrules.common.messages import t
from ktrules.common.reading import line_of, placed
from ktrules.records.models import Dataset, checked_data, dataset_from_file, sound_dataset
from ktrules.records.sheets import folded
from ktrules.rules import (
    DEFAULT_RULES,
    NATIONAL_PACK,
    AchievementsFact,
    AssessmentFact,
    Leaf,
    leaves,
    load_pack,
    rules_folder,
    walk,
)

CAMPAIGNS = "campaigns"

# Spreadsheets openpyxl cannot read, or that hold macros: the office saves them again as .xlsx
OTHER_SPREADSHEETS = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers")


@cache
def national_award_names(rules: Path = DEFAULT_RULES) -> dict[str, str]:
    """Each national award's Vietnamese name, from the first version of the national pack that has it."""
    names: dict[str, str] = {}
    for version in load_pack(rules / NATIONAL_PACK):
        for award_id, award in version.rules.awards.items():
            names.setdefault(award_id, award.name.vi)
    return names


def load_dataset(path: str | Path, rules: str | Path = DEFAULT_RULES) -> Dataset:
    """Read and validate a dataset file (YAML or JSON), an Excel workbook (.xlsx), a folder of CSV files
    or a zip of one; an assessment or achievement criterion that no rule under `rules` reads is refused."""
    path = Path(path)
    if path.suffix.lower() in OTHER_SPREADSHEETS:
        raise KtrulesError(t("err.other_spreadsheet", suffix=path.suffix), file=path,
                           hint=t("err.other_spreadsheet.hint", stem=path.stem))
    if path.suffix.lower() == ".zip" and path.is_file():  # the CSV folder zipped, as the web page takes it
        return load_upload(str(path), path.read_bytes(), ZIP_UNPACKED_LIMIT, rules)
    if path.suffix.lower() == ".xlsx" or path.is_dir():
        from ktrules.records.workbook import read_dataset  # openpyxl is loaded only when a workbook is read

        # what no rule reads is checked by the reader, at its sheet, row and column
        return read_dataset(path, national_award_names(), lambda records: unread_keys(records, rules),
                            achievement_words(rules), assessment_words(rules))
    return check_vocabulary(dataset_from_file(path), path, rules)


def dataset_from_data(data: Mapping[str, Any], rules: str | Path = DEFAULT_RULES) -> Dataset:
    """A dataset a program holds as the contract's mapping (read from its own database, say), validated and
    checked as `load_dataset` checks a file. `Dataset.model_validate` alone checks no reference: a person
    of a unit that does not exist would fail evaluation. Errors name the place in the mapping."""
    return check_vocabulary(checked_data(data), None, rules_folder(rules))


@cache
def achievement_words(rules: str | Path = DEFAULT_RULES) -> dict[str, str]:
    """The words of each achievement criterion that a pack under `rules` reads, by criterion id: a sheet
    may name it by the words its rule gives ('Có thành tích được ghi nhận trong phong trào thi đua')."""
    return _unshared(_read_by_rules(Path(rules).resolve()).words)


@cache
def assessment_words(rules: str | Path = DEFAULT_RULES) -> dict[str, str]:
    """The name of each assessment that a pack under `rules` reads, by key: a sheet may name the judgement
    by it ('Nội bộ đoàn kết' for doan_ket)."""
    return _unshared(_read_by_rules(Path(rules).resolve()).names)


def _unshared(words: dict[str, str]) -> dict[str, str]:
    """Words two ids share (two campaigns' criteria alike) name neither: those are written by their ids."""
    shared = Counter(map(folded, words.values()))  # as the reader compares them
    return {key: text for key, text in words.items() if shared[folded(text)] == 1}


class _Read(NamedTuple):
    """What the packs under a rules folder read and hold, whatever the version."""

    assessments: frozenset[str]  # the assessment keys some version reads
    criteria: frozenset[str]  # the achievement criteria some version reads
    awards: dict[str, frozenset[str]]  # each award with the kinds of subject it is given to
    campaigns: frozenset[str]  # the campaign packs' ids
    words: dict[str, str]  # each achievement criterion's words, as its leaf gives them
    names: dict[str, str]  # each assessment's name, where its fact gives one
    judged: dict[str, frozenset[str]]  # each assessment key with the kinds of subject a criterion reads it for


@cache
def _read_by_rules(rules: Path) -> _Read:
    """What every version of every pack under `rules` reads and holds (`_Read`)."""
    campaigns = sorted(p.parent for p in (rules / CAMPAIGNS).glob("*/pack.yaml"))
    packs = [rules / NATIONAL_PACK, *campaigns]
    versions = [version.rules for pack in packs for version in load_pack(pack)]
    facts = [spec for rules_ in versions for spec in rules_.facts.values()]
    kinds: dict[str, set[str]] = {}
    judged: dict[str, set[str]] = {}
    for rules_ in versions:
        for award_id, award in rules_.awards.items():
            kinds.setdefault(award_id, set()).update(award.kinds)
            for kind, criteria in award.all_criteria():
                for node, _ in walk(criteria, ()):
                    if isinstance(node, Leaf) and isinstance(fact := rules_.facts.get(node.fact), AssessmentFact):
                        judged.setdefault(fact.key, set()).update([kind] if kind else award.kinds)
    return _Read(frozenset(f.key for f in facts if isinstance(f, AssessmentFact)),
            frozenset(f.criterion for f in facts if isinstance(f, AchievementsFact)),
            {award_id: frozenset(given) for award_id, given in kinds.items()}, frozenset(p.name for p in campaigns),
            {fact.criterion: leaf.text.vi for rules_ in versions for award in rules_.awards.values()
             for leaf in leaves(award) if isinstance(fact := rules_.facts.get(leaf.fact), AchievementsFact)},
            {f.key: f.name.vi for f in facts if isinstance(f, AssessmentFact) and f.name},
            {key: frozenset(given) for key, given in judged.items()})


def unread_keys(dataset: Dataset, rules: str | Path = DEFAULT_RULES) -> Iterator[tuple[tuple[str | int, ...], str,
                                                                                     str]]:
    """(location, message, hint) for each assessment key and achievement criterion that no rule under
    `rules` reads: a misspelt `doan_kett: false` would otherwise be ignored and unity presumed.
    Achievements of a campaign with no pack under `rules` are not checked: its criteria are not known."""
    read = _read_by_rules(Path(rules).resolve())
    assessments, criteria, awards, campaigns = read.assessments, read.criteria, read.awards, read.campaigns
    given = filter(None, map(attrgetter("assessments"), dataset.records))  # a province's records, at C speed
    if not set(chain.from_iterable(given)) <= assessments:
        for i, record in enumerate(dataset.records):
            for key in sorted(record.assessments or {}):
                if key not in assessments:
                    yield (("records", i, "assessments", key), t("err.unread_assessment", rules=rules, name=key),
                           _assessment_hint(key, assessments, read.names))
    yield from _judged_for_others(dataset, read.judged)
    for i, achievement in enumerate(dataset.achievements):
        checked = achievement.campaign is None or achievement.campaign in campaigns
        if checked and achievement.criterion not in criteria:
            yield (("achievements", i, "criterion"),
                   t("err.unread_criterion", rules=rules, criterion=achievement.criterion),
                   suggest_or_list(achievement.criterion, criteria))
    yield from _awards_given(dataset, awards, campaigns)


def _judged_for_others(dataset: Dataset, judged: dict[str, frozenset[str]]) -> Iterator[tuple[tuple[str | int, ...],
                                                                                             str, str]]:
    """An assessment on a kind of subject no criterion reads it for (a person's doan_ket): unread, the
    council's judgement would be dropped without a word."""
    records = dataset.records
    # only the records that carry an assessment, found at C speed: a province has hundreds of thousands
    for i in compress(range(len(records)), map(attrgetter("assessments"), records)):
        record = records[i]
        kind = "collective" if dataset.is_collective(record.subject) else "individual"
        for key in sorted(record.assessments or ()):
            if key in judged and kind not in judged[key]:
                yield (("records", i, "assessments", key),
                       t(f"err.assessment_for.{kind}", name=key, subject=record.subject), t("err.assessment_for.hint"))


def _assessment_hint(key: str, keys: Collection[str], names: dict[str, str]) -> str:
    """One written in words (a sheet's) is told the names, which hold commas, set apart; a key, the keys."""
    named_keys = {folded(name): key for key, name in _unshared(names).items()}
    if folded(key) in named_keys:  # a sheet's name, in YAML or JSON, which take keys
        return t("err.assessment.by_key", code=named_keys[folded(key)])
    if " " not in key or not names:
        return suggest_or_list(key, keys)
    named = sorted(_unshared(names).values())
    return suggest(key, named) or t("err.unread_assessment.names", names="; ".join(f"'{n}'" for n in named),
                                    ids=", ".join(sorted(keys)))


def unpacked_campaigns(dataset: Dataset, rules: str | Path = DEFAULT_RULES,
                       subjects: Collection[str] = ()) -> dict[str, int]:
    """The campaigns that achievements, conferrals or dossiers name and no pack under `rules` holds, with how
    many rows name each: no campaign's criteria read them, so a mistyped id (2026 for 2025) drops them.
    Given `subjects`, only their rows and their members'."""
    campaigns = packed_campaigns(rules)
    people = dataset.people_by_id
    found: dict[str, int] = {}
    for item in chain(dataset.achievements, dataset.conferred, dataset.dossiers):
        if item.campaign is None or item.campaign in campaigns:
            continue
        if not subjects or item.subject in subjects or (item.subject in people and people[item.subject].unit
                                                        in subjects):
            found[item.campaign] = found.get(item.campaign, 0) + 1
    return dict(sorted(found.items()))


def packed_campaigns(rules: str | Path = DEFAULT_RULES) -> frozenset[str]:
    """The ids of the campaign packs under `rules`."""
    return _read_by_rules(Path(rules).resolve()).campaigns


def _awards_given(dataset: Dataset, awards: dict[str, frozenset[str]], campaigns: frozenset[str]) -> Iterator[
        tuple[tuple[str | int, ...], str, str]]:
    """A dossier of an award no rule knows, and an award conferred on or proposed for the wrong kind of
    subject (a collective's title on a person): no rule would ever read them."""
    units = dataset.units_by_id
    for part, items in (("conferred", dataset.conferred), ("dossiers", dataset.dossiers)):
        for i, item in enumerate(items):
            kinds = awards.get(item.award)
            if kinds is None:
                if part == "dossiers" and (item.campaign is None or item.campaign in campaigns):
                    yield (part, i, "award"), t("err.unknown_award", value=item.award, where=t("err.in_any_rules")), \
                        suggest_or_list(item.award, awards)
                continue
            kind = "collective" if item.subject in units else "individual"
            if kind not in kinds:
                yield (part, i, "award"), t(f"err.award_for_{next(iter(kinds))}", award=item.award,
                                           subject=item.subject), t("err.award_kind.hint")


def check_vocabulary(dataset: Dataset, path: Path | None, rules: str | Path = DEFAULT_RULES,
                     prefix: tuple[str | int, ...] = ()) -> Dataset:
    """Refuse a dataset whose records name what no rule reads, at the first one's line (at its place in
    data a program holds: no `path`)."""
    for loc, message, hint in unread_keys(dataset, rules):
        located = path is not None and path.suffix.lower() in (".yaml", ".yml", ".json") and path.is_file()
        raise KtrulesError(placed(message, path, loc), file=path,
                           line=line_of(path, (*prefix, *loc)) if located else None, hint=hint)
    return dataset


ZIP_START = b"PK\x03\x04"  # how a zip, and so a workbook, begins
UPLOAD_SUFFIXES = (".xlsx", ".yaml", ".yml", ".json", ".zip")
ZIP_UNPACKED_LIMIT = 2**31  # a zip named on the command line: the user's own file, not an upload to guard


class UploadTooLarge(KtrulesError):
    """A zip whose CSV files unpack to more than the limit (a zip bomb, or simply too much)."""


def load_upload(name: str, content: bytes, unpacked_limit: int, rules: str | Path = DEFAULT_RULES) -> Dataset:
    """A dataset that arrived as bytes (an upload or a request body) named `name`: a workbook, YAML, JSON,
    or a zip of the CSV folder. YAML and JSON are read in memory; anything else, and any of them with a
    problem, is written into a temporary folder, removed afterwards, and read as `load_dataset` reads
    files, so errors are the same; they name the upload, never the temporary folder."""
    shown = PurePosixPath(name.replace("\\", "/")).name or "dataset"
    suffix = PurePosixPath(shown).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise KtrulesError(t("err.upload.suffix", suffix=suffix or shown), file=shown, hint=t("err.upload.suffix.hint"))
    if suffix in (".yaml", ".yml", ".json") and content.startswith(ZIP_START):  # renamed, or mis-chosen
        raise KtrulesError(t("err.upload.zipped", suffix=suffix), file=shown, hint=t("err.upload.zipped.hint"))
    if suffix in (".yaml", ".yml", ".json") and (dataset := _in_memory(content, suffix, rules)):
        return dataset
    with tempfile.TemporaryDirectory(prefix="ktrules-upload-") as folder:
        # the name on disk is ours: an uploaded name never becomes a path
        target = Path(folder) / ("dataset-csv" if suffix == ".zip" else f"dataset{suffix}")
        if suffix == ".zip":
            _unzip(content, target, unpacked_limit, shown)
        else:
            target.write_bytes(content)
        try:
            return load_dataset(target, rules)
        except KtrulesError as exc:
            raise _renamed(exc, str(target), shown) from None


def _in_memory(content: bytes, suffix: str, rules: str | Path) -> Dataset | None:
    """The dataset in a YAML or JSON body, or None when it has a problem: a request or upload is then
    read again from a file, for the line its error names."""
    dataset = sound_dataset(content, Path(f"dataset{suffix}"))
    return dataset if dataset is not None and next(unread_keys(dataset, rules), None) is None else None


def _unzip(content: bytes, folder: Path, limit: int, shown: str) -> None:
    """The CSV files of a zip, flat in `folder`: members' folders are dropped, so no name can point
    outside it, and the unpacked size is checked from the directory before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise KtrulesError(t("err.zip.bad"), file=shown, hint=t("err.zip.bad.hint")) from None
    with archive:
        files = {m: name for m in archive.infolist()
                 if not (name := _member_name(m)).endswith("/") and not _left_by_the_system(name)}
        if other := next((name for name in files.values() if not name.lower().endswith(".csv")), None):
            raise KtrulesError(t("err.zip.not_csv", name=other), file=shown, hint=t("err.zip.not_csv.hint"))
        members = list(files)
        if not members:
            raise KtrulesError(t("err.zip.no_csv"), file=shown, hint=t("err.zip.no_csv.hint"))
        if sum(m.file_size for m in members) > limit:
            raise UploadTooLarge(t("err.zip.too_large", mb=limit // 2**20), file=shown,
                                 hint=t("err.zip.too_large.hint"))
        folder.mkdir()
        for member in members:
            path = folder / PurePosixPath(files[member]).name
            if path.exists():
                raise KtrulesError(t("err.zip.name_twice", name=path.name), file=shown,
                                   hint=t("err.zip.name_twice.hint"))
            try:
                path.write_bytes(archive.read(member))  # reads at most the declared size, CRC checked
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError):  # damaged, a password, a method
                raise KtrulesError(t("err.zip.unreadable", name=path.name), file=shown,
                                   hint=t("err.zip.bad.hint")) from None


def _member_name(member: zipfile.ZipInfo) -> str:
    """A member's name as written, its folders parted by '/': zip tools on Linux and older Windows store
    UTF-8 names ('Cán bộ.csv') without the flag that says so, which Python then reads as code page 437
    ('C├ín bß╗Ö.csv'), and older Windows tools part folders by '\\'."""
    name = member.filename
    if not member.flag_bits & 0x800:
        with contextlib.suppress(UnicodeError):  # else truly a code page name: left as read
            name = name.encode("cp437").decode("utf-8")
    return name.replace("\\", "/")


_SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


def _left_by_the_system(name: str) -> bool:
    """A file the system leaves in a folder it zips (macOS's __MACOSX/ and .DS_Store, Windows's Thumbs.db,
    the ~$ lock file of a sheet open in Excel): not the user's, so not refused."""
    base = PurePosixPath(name).name
    return name.startswith("__MACOSX/") or base.lower() in _SYSTEM_FILES or base.startswith("~$")


def _renamed(exc: KtrulesError, written: str, shown: str) -> KtrulesError:
    def named(text: str | None) -> str | None:
        return text.replace(written, shown) if text else text
    return type(exc)(named(exc.message), file=named(exc.file), line=exc.line, hint=named(exc.hint))

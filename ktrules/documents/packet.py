"""The council meeting packet (hồ sơ họp Hội đồng Thi đua - Khen thưởng): per award the ranked list of
proposed subjects with the quota and the vote threshold, then those left out and what they lack.

`build_packet` gathers the content from an `Evaluation`; `render_html` lays it out as one
self-contained, printable page (jinja2); `write_report` writes it, or the proposal workbook
(`proposal_xlsx`), by the output's suffix. The content holds no clock time, so a run is repeatable.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

import jinja2

from ktrules.common.messages import counted, t
from ktrules.common.vocabulary import COMMENDATIONS
from ktrules.council.ballot import votes_needed
from ktrules.council.ranking import RankedList, rank, ranking_of
from ktrules.council.rewards import Amount, Payer, authority_of
from ktrules.documents.formatting import dates_in, day, money, number, percent, place_and_date
from ktrules.documents.report import (
    candidate_rows,
    condition,
    deferral,
    notices,
    quota_lines,
    reported_changes,
    show_reading,
    subject_name,
    unit_of,
)
from ktrules.documents.vanban import quoc_hieu
from ktrules.engine.evaluate import (
    OUTCOME_AGAINST,
    AwardVerdict,
    CriterionResult,
    Evaluation,
    awards_in_force,
    evaluate,
    rules_for,
)
from ktrules.records.models import Dataset, Initiative, Organization
from ktrules.records.sheets import folded
from ktrules.rules import DEFAULT_RULES, Ballot, Criterion, Group, Leaf, load_pack

UNVERIFIED = "†"
PARTS = (True, False, None)  # Section.decides, in the order the packet's parts list them
PRESUMED = "*"


@dataclass(frozen=True)
class Rule:
    """One criterion of an award's legend, numbered as in the rule file's tree (2, 2.1, ...)."""

    number: str
    depth: int
    text: str
    cite: str
    verified: bool


@dataclass(frozen=True)
class Legend:
    """An award's criteria for one kind of subject ('' when one list serves every subject)."""

    kind: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Missing:
    """A criterion that kept a subject from being eligible, in words, with what was read."""

    number: str
    text: str
    detail: str  # the value read against the requirement; '' for a group
    result: str  # failed or undecided, in words
    verified: bool
    parts: tuple[Missing, ...] = ()  # the options of an 'any one of' group


@dataclass(frozen=True)
class Entry:
    """A subject in one of an award's lists."""

    place: int  # STT within its list
    subject: str
    name: str
    unit: str
    group: str  # the khối thi đua it is ranked in, '' across the organization
    score: str
    summary: str  # tóm tắt thành tích: rating, initiatives, achievements of the year
    reason: str  # why not proposed (over the quota), '' otherwise
    met: str  # numbers of the criteria met, `*` when presumed: "1, 2*, 3"
    missing: tuple[Missing, ...] = ()
    kind: str = "individual"  # individual or collective: whom the reward money is for
    amount: int | None = None  # tiền thưởng in đồng; None when the rules hold no figure
    money: str = ""  # the amount as the reader writes it, † when a figure is not verified


@dataclass(frozen=True)
class Section:
    award: str
    name: str
    kind: str  # individual, collective or both
    cite: str
    legends: tuple[Legend, ...]
    scores: tuple[str, ...]  # how points are given, one line per score item
    quota: tuple[str, ...]
    ballot: str
    by_bloc: bool
    proposed: tuple[Entry, ...]
    over_quota: tuple[Entry, ...]
    not_eligible: tuple[Entry, ...]
    incomplete: tuple[Entry, ...]
    deferred: tuple[Entry, ...] = ()  # refused only for a pending matter: listed apart (hoãn xét)
    short: str = ""  # the name officials abbreviate it to (LĐTT), else the name
    threshold: float | None = None  # the ballot's share of all council members, None when none is set
    decides: bool | None = None  # the agency decides it (True), proposes it upward (False), unknown (None)
    authority: str = ""  # who decides, with the article
    money_basis: tuple[str, ...] = ()  # how the reward is computed, one line per kind of subject
    money_prose: tuple[str, ...] = ()  # the same as sentences for a văn bản: articles in words, no marks
    authority_verified: bool = True  # the article behind `authority` is confirmed
    ballot_prose: str = ""  # `ballot` as a sentence of a văn bản, the article in words, no mark
    ballot_verified: bool = True
    total: int | None = None  # the proposed subjects' reward money; None when a figure is missing
    total_parts: tuple[str, str] = ("", "")  # the reward money's amount and what it leaves out (`total_parts`)
    left_out: str = ""  # the not eligible in one line: how many, and the criteria most of them miss

    @property
    def total_money(self) -> str:
        """The reward money in one phrase, '' when the section has none."""
        return _phrase(self.total_parts)


@dataclass(frozen=True)
class Source:
    title: str
    in_force: str
    url: str


@dataclass(frozen=True)
class Packet:
    lang: str
    organization: str
    period: int
    as_of: str
    version: str
    title: str
    in_force: str
    sources: tuple[Source, ...]  # the texts of the rules the verdicts were reached under
    sections: tuple[Section, ...]
    unverified: int  # criteria, score items and vote thresholds marked † in the packet
    notices: tuple[str, ...] = ()  # the rules' age and what the records may not say as meant, a paragraph each
    agency: Organization | None = None  # the thể thức: parent agency, place, council chair and secretary
    place_date: str = ""
    decision: str = ""  # the decision date the reward money is computed on
    total_money: str = ""  # every proposal's reward money together
    appendix: bool = True  # the not eligible listed in full at the end
    grounds: tuple[str, ...] = ()  # the căn cứ of papers signed on the decision date (`grounds`)
    salary_ground: str = ""  # and of those that pay a reward on the lương cơ sở (`salary_ground`)
    law_notice: str = ""  # changes of the law reported by the decision date, not in the pack (`watch`)

    @property
    def proposed(self) -> int:
        return sum(len(s.proposed) for s in self.sections)


def packet_awards(evaluation: Evaluation) -> list[str]:
    """The awards the packet has a section for: those with at least one eligible or incomplete subject,
    in the rule file's order."""
    shown = {v.award for v in evaluation.verdicts if v.verdict != "not_eligible" or v.deferred}
    return [a for a in evaluation.version.rules.awards if a in shown]


def build_packet(evaluation: Evaluation, lang: str = "vi", awards: Iterable[str] | None = None,
                 payer: Payer | None = None, appendix: bool = True) -> Packet:
    """The packet's content; `awards` (default `packet_awards`) may be wrapped in a progress bar; with a
    `payer` (the rules in force on the decision date) each proposal carries its reward money."""
    rules = evaluation.version.rules
    built = [_section(evaluation, award, lang, payer) for award in (packet_awards(evaluation) if awards is None
                                                                    else awards)]
    # what the agency decides first, then what it proposes upward (a tờ trình), then what the rules leave open
    sections = tuple(sorted(built, key=lambda s: PARTS.index(s.decides)))
    agency = evaluation.dataset.organization
    amounts = [e.amount for s in sections for e in s.proposed]
    texts = grounds(evaluation, payer)
    changes = reported_changes(evaluation, lang, payer.decided) if payer else []
    return Packet(
        lang=lang, organization=agency.name, period=evaluation.period,
        as_of=day(evaluation.as_of, lang), version=evaluation.version.label, title=rules.title.in_(lang),
        in_force=f"{day(rules.effective_from, lang)} – {day(rules.effective_to, lang) if rules.effective_to else '…'}",
        sources=tuple(Source(s.title, dates_in(s.in_force or "", lang), s.url or "") for s in rules.sources),
        sections=sections, unverified=sum(_unverified(evaluation, s) for s in sections), agency=agency,
        place_date=place_and_date(agency.place, None, payer.decided.year if payer else evaluation.period + 1, lang),
        decision=day(payer.decided, lang) if payer else "",
        total_money=total_words(amounts, lang) if payer and amounts else "", appendix=appendix,
        notices=(*_notices(evaluation, lang, changes), *twice_commended(sections, lang)),
        grounds=texts, salary_ground=salary_ground(payer, texts, lang), law_notice=" ".join(changes))


def _notices(evaluation: Evaluation, lang: str, changes: list[str]) -> tuple[str, ...]:
    """The run's notices, and the `changes` of the law reported by the decision's date that they do not name."""
    said = notices(evaluation, lang)
    return (*said, *(c for c in changes if not any(c in n for n in said)))


def twice_commended(sections: tuple[Section, ...], lang: str, shown: int = 10) -> list[str]:
    """Subjects proposed for more than one form of commendation (Giấy khen, Bằng khen) of the year: one
    achievement earns one award (Luật TĐKT 2022, Điều 5), which the council weighs."""
    forms: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for section in sections:
        if section.award in COMMENDATIONS:
            for entry in section.proposed:
                forms.setdefault(entry.subject, []).append(section.name)
                names[entry.subject] = entry.name
    twice = [(subject, awards) for subject, awards in forms.items() if len(awards) > 1]
    if not twice:
        return []
    items = "; ".join(f"{names[subject]} ({', '.join(awards)})" for subject, awards in twice[:shown])
    more = t("unrecorded.more", lang, n=len(twice) - shown) if len(twice) > shown else ""
    return [t("packet.twice_commended", lang, items=items + more)]


def grounds(evaluation: Evaluation, payer: Payer | None) -> tuple[str, ...]:
    """The căn cứ of a decision or tờ trình: a campaign's own plan first, then the national texts in force on
    the day it is signed (the payer's rules), not those of the period evaluated, which may have been
    replaced since."""
    if payer is None:
        return tuple(s.title for s in evaluation.version.rules.sources)
    national = {s.id for version in load_pack(payer.version.path.parent) for s in version.rules.sources}
    titles = [s.title for s in evaluation.version.rules.sources if s.id not in national]
    # not a text signed after the decision: its day of force, where the rules give one, is no earlier
    return (*titles, *(s.title for s in payer.version.rules.sources if not _later(s.in_force, payer.decided)))


def salary_ground(payer: Payer | None, grounds: tuple[str, ...], lang: str) -> str:
    """The căn cứ a paper that pays a reward computed on the lương cơ sở adds to `grounds`: the decree that
    set it, unless they name it already."""
    base = payer.base_salary() if payer else None
    decree = cite_in_words(base.cite, lang) if base else ""
    if not decree or any(decree in title for title in grounds):
        return ""
    return t("documents.basis.base_salary", lang, decree=decree)


# ---------------------------------------------------------------- one award


def _section(evaluation: Evaluation, award_id: str, lang: str, payer: Payer | None) -> Section:
    award = evaluation.award(award_id)
    ranked = rank(evaluation, award_id)
    ranked_entries = [(c.nominated, _entry(evaluation, c.verdict, lang, payer, group=row["group_name"] if c.group
                                           else "", score=number(row["score"], lang),
                                           reason="" if c.nominated else row["reason"]))
                      for c, row in zip(ranked.candidates, candidate_rows(ranked, lang, ids=False), strict=True)]
    left_out = {kind: _in_unit_order(evaluation, [_entry(evaluation, v, lang) for v in evaluation.verdicts
                                                  if v.award == award_id and v.verdict == kind and not v.deferred])
                for kind in ("not_eligible", "incomplete")}
    proposed = [e for nominated, e in ranked_entries if nominated]
    deferred = [_entry(evaluation, v, lang, reason=deferral(evaluation, v, lang)) for v in evaluation.verdicts
                if v.award == award_id and v.deferred]
    ranking = ranking_of(evaluation, award_id)
    ballot = evaluation.version.rules.ballots.get(award_id)
    amounts = [e.amount for e in proposed]
    return Section(
        award=award_id, name=award.name.in_(lang), kind=award.subject, cite=award.cite,
        short=(award.short or award.name).in_(lang),
        legends=tuple(Legend(kind, tuple(_legend(criteria, lang))) for kind, criteria in award.all_criteria()),
        scores=tuple(f"{s.text.in_(lang)}{_mark(s.verified)}" for s in ranking.scores),
        quota=tuple(quota_lines(ranked, lang)) if ranked.candidates else (),
        ballot=t("packet.ballot", lang, share=percent(ballot.share, lang), cite=ballot.cite) + _mark(ballot.verified)
        if ballot else t("packet.no_ballot", lang),
        ballot_prose=t("documents.minutes.ballot", lang, share=percent(ballot.share, lang),
                       cite=cite_in_words(ballot.cite, lang)) + _votes_needed(ballot, evaluation, lang)
        if ballot else t("documents.minutes.no_ballot", lang),
        ballot_verified=ballot.verified if ballot else True,
        by_bloc=any(c.group for c in ranked.candidates),
        proposed=_numbered(proposed if _has_quota(ranked) else _in_unit_order(evaluation, proposed)),
        over_quota=_numbered([e for nominated, e in ranked_entries if not nominated]),
        not_eligible=_numbered(left_out["not_eligible"]), incomplete=_numbered(left_out["incomplete"]),
        deferred=_numbered(deferred), threshold=ballot.share if ballot else None,
        **_authority(evaluation, award_id, lang),
        money_basis=tuple(_money_lines(payer, award_id, award.kinds, lang)) if payer else (),
        # a văn bản states the reward of the kinds it proposes: no "(cá nhân) chưa xác định" in a list of units
        money_prose=tuple(_money_lines(payer, award_id, [k for k in award.kinds if k in {e.kind for e in proposed}]
                                       or award.kinds, lang, prose=True)) if payer else (),
        total=sum(amounts) if payer and None not in amounts else None,  # type: ignore[arg-type]
        total_parts=total_parts(amounts, lang) if payer and proposed else ("", ""),
        left_out=_left_out(left_out["not_eligible"], lang))


def _votes_needed(ballot: Ballot, evaluation: Evaluation, lang: str) -> str:
    """The votes a share of the council comes to, as counted at the meeting: "từ 8/9 phiếu"."""
    members = evaluation.dataset.organization.council_members
    if not members:
        return ""
    return " " + t("documents.minutes.votes", lang, n=votes_needed(ballot, members), members=members)


def _has_quota(ranked: RankedList) -> bool:
    return any(limit.limit is not None for limit in ranked.limits.values())


def _in_unit_order(evaluation: Evaluation, entries: list[Entry]) -> list[Entry]:
    """A list without a quota as an official reads it: by unit in the order of listings (`position`: ids
    in natural order, never the file's), then by name (given name first, as Vietnamese lists sort)."""
    ds = evaluation.dataset
    position = ds.position

    def key(entry: Entry) -> tuple:
        unit = ds.unit_of(entry.subject, evaluation.period) if entry.subject in ds.people_by_id else entry.subject
        words = folded(entry.name).split()
        return position.get(unit, len(position)), words[-1:], words
    return sorted(entries, key=key)


def _authority(evaluation: Evaluation, award_id: str, lang: str) -> dict[str, object]:
    line = authority_of(evaluation.version, award_id)
    if line is None:
        return {"decides": None, "authority": t("documents.authority.unknown", lang)}
    key = "documents.authority.agency" if line.level == "agency" else "documents.authority.upward"
    return {"decides": line.level == "agency", "authority_verified": line.verified,
            "authority": t(key, lang, who=line.who.in_(lang), cite=line.cite) + _mark(line.verified)}


def _money_lines(payer: Payer, award_id: str, kinds: list[str], lang: str, prose: bool = False) -> Iterator[str]:
    """How the reward is reached: multiple × lương cơ sở on the decision date, rounded up, with articles;
    `prose` words it as a văn bản does, one sentence per kind with the articles cited in words."""
    cited = (lambda cite: cite_in_words(cite, lang)) if prose else (lambda cite: cite)
    basis, unknown = ("documents.money.prose", "documents.money.prose_unknown") if prose else \
        ("documents.money.basis", "documents.money.unknown")
    for kind in kinds:
        amount = payer.amount(award_id, kind)
        who = (" ({})" if prose else "({}) ").format(t(f"kind.{kind}", lang)) if len(kinds) > 1 else ""
        if not amount.known:
            yield t(unknown, lang, who=who, date=day(payer.decided, lang))
            continue
        assert amount.base is not None and amount.multiple is not None
        # a văn bản cites only what is confirmed: an unconfirmed rounding is stated without its article
        # (the rule file's note says where it was seen), and `_unverified_note` says the amount needs checking
        rounded = basis if not prose or amount.rounding_verified else "documents.money.prose_rounded"
        text = t(rounded, lang, who=who, multiple=number(getattr(amount.multiple, kind), lang),
                 base=money(amount.base.amount, lang), base_cite=cited(amount.base.cite),
                 cite=cited(amount.multiple.cite), rounding=cited(amount.rounding_cite),
                 amount=money(amount.amount or 0, lang), date=day(payer.decided, lang))
        yield text if prose else text + _mark(amount.verified)  # a văn bản notes the unverified apart


_NOTE = re.compile(r"\s*\(chưa [^()]*\)")  # a rule file's caveat ("(chưa thấy văn bản)"), not an article
_KINDS_OF_TEXT = {"NĐ": ("Nghị định số", "Decree"), "TT": ("Thông tư số", "Circular"),
                  "QĐ": ("Quyết định số", "Decision")}
_PARTS = {"Điều": ("Điều", "Article"), "khoản": ("khoản", "clause"), "điểm": ("điểm", "point")}


def cite_in_words(cite: str, lang: str) -> str:
    """A rule file's citation as prose: "NĐ 152/2025/NĐ-CP, Điều 50" gives "Điều 50 Nghị định số
    152/2025/NĐ-CP" ("Article 50 of Decree 152/2025/NĐ-CP"); the smallest part first, as the law writes it."""
    en = lang == "en"
    cite = _NOTE.sub("", cite)  # "(chưa thấy văn bản)": the rule file's note, said in the † line, not the text
    text, *parts = [p.strip() for p in cite.split(",")]
    head, _, number = text.partition(" ")
    if head in _KINDS_OF_TEXT and number:
        text = f"{_KINDS_OF_TEXT[head][en]} {number}"
    elif text.startswith("Luật TĐKT"):
        year = text.removeprefix("Luật TĐKT").strip()
        text = ("Law on Emulation and Commendation" if en else "Luật Thi đua, khen thưởng") + \
            (f" {year}" if en else f" năm {year}") * bool(year)
    words = []
    for part in parts:
        name, _, value = part.partition(" ")
        if name not in _PARTS or not value:
            return f"{text} ({', '.join(parts)})"  # not an article: the reader sees it as written
        words.append(f"{_PARTS[name][en]} {value}")
    return (" of " if en else " ").join([*reversed(words), text])


def total_parts(amounts: list[int | None], lang: str) -> tuple[str, str]:
    """The total of a list's reward money and what it leaves out: where the rules give no figure for some
    (None), the total of the others and how many are not in it ('' when none), never a sum that looks whole.
    Apart, so that a narrow cell keeps the amount on one line and wraps the note; with no figure at all, the
    words are the note (an amount that does not wrap would squeeze the award's column to one word a line)."""
    known = [a for a in amounts if a is not None]
    if not known:
        return "", t("documents.money.none", lang)
    left = len(amounts) - len(known)
    return money(sum(known), lang), counted("documents.money.partial", left, lang) if left else ""


def total_words(amounts: list[int | None], lang: str) -> str:
    """`total_parts` as one phrase: "14.040.000 đồng, chưa gồm 1 đề nghị chưa xác định được mức tiền thưởng"."""
    return _phrase(total_parts(amounts, lang))


def _phrase(parts: tuple[str, str]) -> str:
    return ", ".join(part for part in parts if part)


def _later(in_force: str | None, day: date) -> bool:
    """Whether a source's day of force (its text's first ISO date) comes after `day`."""
    found = re.search(r"\d{4}-\d{2}-\d{2}", in_force or "")
    return found is not None and date.fromisoformat(found.group()) > day


def show_money(amount: Amount, lang: str) -> str:
    """An amount as the reader writes it, † when a figure behind it is not verified; a dash when unknown."""
    return money(amount.amount, lang) + _mark(amount.verified) if amount.amount is not None else "—"


def _left_out(entries: list[Entry], lang: str, top: int = 3) -> str:
    """The not eligible in one line: how many, and the criteria most often missing, each with its count."""
    if not entries:
        return ""
    counts = Counter(m.text for e in entries for m in e.missing)
    reasons = "; ".join(t("documents.left_out.reason", lang, text=text, n=n) for text, n in counts.most_common(top))
    return t("documents.left_out", lang, n=len(entries), reasons=reasons)


def _numbered(entries: list[Entry]) -> tuple[Entry, ...]:
    return tuple(replace(e, place=i) for i, e in enumerate(entries, start=1))


def _mark(verified: bool) -> str:
    return "" if verified else UNVERIFIED


def _entry(evaluation: Evaluation, verdict: AwardVerdict, lang: str, payer: Payer | None = None, *,
           group: str = "", score: str = "", reason: str = "") -> Entry:
    eligible = verdict.verdict == "eligible"
    kind = "collective" if evaluation.dataset.is_collective(verdict.subject) else "individual"
    amount = payer.amount(verdict.award, kind) if payer and eligible else None
    return Entry(place=0, subject=verdict.subject, name=subject_name(evaluation, verdict.subject),
                 unit=unit_name(evaluation, verdict.subject), group=group, score=score,
                 summary=achievements(evaluation, verdict, lang), reason=reason,
                 met=", ".join(_met(verdict.criteria)) if eligible else "",
                 missing=() if eligible else tuple(_missing(evaluation, verdict.criteria,
                                                            OUTCOME_AGAINST[verdict.verdict], lang)),
                 kind=kind, amount=amount.amount if amount else None,
                 money=show_money(amount, lang) if amount else "")


def unit_name(evaluation: Evaluation, subject: str) -> str:
    ds = evaluation.dataset
    if subject not in ds.people_by_id:
        return ""
    unit = ds.unit_of(subject, evaluation.period)
    return ds.units_by_id[unit].name if unit in ds.units_by_id else unit


def achievements(evaluation: Evaluation, verdict: AwardVerdict, lang: str) -> str:
    """Tóm tắt thành tích: the year's rating, the initiatives the verdict counts (`cited`), the achievements
    recorded with evidence, and a unit's place in its bloc."""
    ds, subject, period = evaluation.dataset, verdict.subject, evaluation.period
    parts = []
    record = ds.record(subject, period)
    if record and record.rating:
        parts.append(t(f"packet.rating.{record.rating}", lang, year=period))
    if record and record.bloc_rank:
        parts.append(t("packet.bloc_rank", lang, rank=record.bloc_rank))
    for item, elsewhere in initiatives_cited(evaluation, verdict):
        words = t(f"packet.initiative.{item.kind}", lang, scope=t(f"packet.scope.{item.scope}", lang),
                  year=item.year, title=item.title or item.id)
        parts.append(t("packet.initiative.elsewhere", lang, initiative=words,
                       award=evaluation.award(elsewhere).name.in_(lang)) if elsewhere else words)
    parts.extend(t("packet.achievement", lang, evidence=a.evidence)
                 for a in ds.achievements_by_key.get((subject, period), []) if a.evidence)
    return "; ".join(parts)


def evaluated_for_papers(records: Dataset, period: int, awards: Sequence[str], **options: Any) -> Evaluation:
    """The evaluation the papers of `awards` (every award when none is given) are written from; `options`
    go to `evaluate`. A tóm tắt cites the sáng kiến its award spends and those no other award of the run
    spent (`initiatives_cited`): every award that spends them is evaluated beside those asked, so that a
    summary cites what a run of every award leaves to its award, and only the verdicts asked are listed."""
    if not awards:
        return evaluate(records, period, **options)
    version = rules_for(options.get("rules", DEFAULT_RULES), period, options.get("as_of"), options.get("campaign"))
    in_force = awards_in_force(version, period)
    spending = [a for group in version.rules.single_use for a in group if a in in_force and a not in awards]
    return evaluate(records, period, awards=[*awards, *spending], **options).only(awards)


def initiatives_cited(evaluation: Evaluation, verdict: AwardVerdict) -> list[tuple[Initiative, str | None]]:
    """The sáng kiến and đề tài an award's tóm tắt thành tích cites: those its verdict spends (`used`), those of
    the year no other award of the run spent, and those a criterion it meets read though another award spent
    them, with that award. Under the single-use rule one spent on a Bằng khen is not counted again for a
    title (`explain` says so): where the title's criterion still shows as met by it, the summary says where
    it counts, rather than cite it as the title's or leave the met criterion unexplained."""
    spent = evaluation.context.spent.get(verdict.subject, {})
    read = {value for _, outcome, reading in verdict.leaf_results() if outcome == "passed"
            for kind, value in reading.evidence if kind == "id"}
    found: list[tuple[Initiative, str | None]] = []
    for item in sorted(evaluation.dataset.initiatives_by_author.get(verdict.subject, []),
                       key=lambda i: (i.year, i.id)):
        by = spent.get(item.id, (verdict.award,))[0]
        if item.id in verdict.used or (item.year == evaluation.period and by == verdict.award):
            found.append((item, None))
        elif item.id in read and by != verdict.award:
            found.append((item, by))
    return found


# ---------------------------------------------------------------- criteria, numbered as the tree


def _children(node: Criterion) -> list[Criterion]:
    return node.combinator[1] if isinstance(node, Group) else []


def _legend(criteria: list[Criterion], lang: str, prefix: str = "", depth: int = 0) -> Iterator[Rule]:
    for i, node in enumerate(criteria, start=1):
        number = f"{prefix}{i}"
        yield Rule(number, depth, node.text.in_(lang), node.cite, node.verified)
        yield from _legend(_children(node), lang, f"{number}.", depth + 1)


def _met(results: Iterable[CriterionResult], prefix: str = "") -> Iterator[str]:
    """The numbers of the leaves that made a verdict eligible: every one under 'all', the options that
    held under 'any'; `*` marks a qualitative criterion presumed met."""
    for i, node in enumerate(results, start=1):
        number = f"{prefix}{i}"
        if node.result != "passed":
            continue
        if isinstance(node.criterion, Leaf) or node.criterion.combinator[0] == "not":
            yield number + (PRESUMED if node.reading is not None and node.reading.note == "presumed" else "")
        else:
            yield from _met(node.children, f"{number}.")


def _missing(evaluation: Evaluation, results: Iterable[CriterionResult], wanted: str, lang: str,
             prefix: str = "") -> Iterator[Missing]:
    """The criteria that decided a verdict against eligibility: under 'all', only those with the
    verdict's own result; an 'any one of' group whole, with each of its options, since any would do."""
    for i, node in enumerate(results, start=1):
        if node.result == wanted:
            yield from _missing_node(evaluation, node, f"{prefix}{i}", lang)


def _missing_node(evaluation: Evaluation, node: CriterionResult, place: str, lang: str) -> Iterator[Missing]:
    c = node.criterion
    if isinstance(c, Leaf):
        unit = unit_of(evaluation.version, c)
        detail = t("packet.read", lang, value=show_reading(node.reading, lang, unit),
                   condition=condition(c, node.threshold, lang, unit)) if node.reading is not None else ""
        yield Missing(place, c.text.in_(lang), detail, t(node.result, lang), c.verified)
    elif c.combinator[0] == "all":
        yield from _missing(evaluation, node.children, node.result, lang, f"{place}.")
    else:
        options = tuple(part for j, child in enumerate(node.children, start=1)
                        for part in _missing_node(evaluation, child, f"{place}.{j}", lang)) \
            if c.combinator[0] == "any" else ()
        yield Missing(place, c.text.in_(lang), "", t(node.result, lang), c.verified, options)


def _unverified(evaluation: Evaluation, section: Section) -> int:
    ranking = ranking_of(evaluation, section.award)
    ballot = evaluation.version.rules.ballots.get(section.award)
    return (sum(not r.verified for legend in section.legends for r in legend.rules)
            + sum(not s.verified for s in ranking.scores) + (ballot is not None and not ballot.verified))


# ---------------------------------------------------------------- output


@cache
def _environment() -> jinja2.Environment:
    # the template ships as package data, so an installed ktrules finds it too
    return jinja2.Environment(loader=jinja2.PackageLoader("ktrules.documents", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def render_html(packet: Packet) -> str:
    """The packet as one HTML page: inline CSS, no script, no network, A4 when printed."""
    lang = packet.lang
    national, motto = quoc_hieu(lang)
    return _environment().get_template("packet.html.j2").render(
        packet=packet, t=lambda key, **values: t(key, lang, **values), unverified_mark=UNVERIFIED,
        presumed_mark=PRESUMED, national=national, motto=motto)

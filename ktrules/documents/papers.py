"""The council's dossier as văn bản (`ktrules documents`): the biên bản of the meeting, the draft quyết
định for the awards the agency decides, a tờ trình per higher authority for those it proposes, and a
báo cáo thành tích per nominee. Each is built from the packet (the same lists, order and money) and the
records; `word` and `pdf` lay them out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from ktrules.common.messages import counted, t
from ktrules.common.vocabulary import COMMENDATIONS, NATIONAL_AWARDS
from ktrules.council.rewards import authority_of
from ktrules.documents.formatting import date_words, day, percent, place_and_date
from ktrules.documents.packet import Entry, Packet, Section, total_words
from ktrules.documents.vanban import Block, Paragraph, Signer, Table, VanBan
from ktrules.engine.evaluate import Evaluation
from ktrules.records.models import Organization
from ktrules.records.sheets import RATINGS, unaccented


@dataclass(frozen=True)
class Paper:
    """A document to write: its file name without suffix (a folder for the reports) and its content."""

    stem: str
    vanban: VanBan


def council_papers(evaluation: Evaluation, packet: Packet, decided: date) -> list[Paper]:
    """Every document of the dossier, in the order the secretary files them."""
    lang, period = packet.lang, packet.period
    own = [s for s in packet.sections if s.decides and s.proposed]
    upward = [s for s in packet.sections if s.decides is False and s.proposed]
    papers = [Paper(f"bien-ban-hop-xet-{period}", minutes(packet, decided))]
    if own:
        papers.append(Paper(f"du-thao-quyet-dinh-{period}", decision(packet, own, decided)))
    for i, (who, sections) in enumerate(_by_authority(evaluation, upward, lang), start=1):
        papers.append(Paper(f"to-trinh-{period}-{i}", proposal(packet, who, sections, decided)))
    papers.extend(Paper(f"bao-cao-thanh-tich/{_slug(subject, name)}",
                        achievement_report(evaluation, packet, subject, decided))
                  for subject, name in _nominees(packet))
    return papers


def without_paper(evaluation: Evaluation, packet: Packet, folder: str = "") -> str:
    """A notice naming the awards proposed that no quyết định or tờ trình holds, because the rules do not say
    who decides them (a campaign plan that names no authority); '' when every proposal has its paper. No
    authority is guessed: the rule author adds it, in the file named under `folder` (the rules folder as the
    reader gave it; '': from the folder on, as the server names a rule file)."""
    lang = packet.lang
    left = [s for s in packet.sections if s.decides is None and s.proposed]
    if not left:
        return ""
    awards = "; ".join(counted("documents.unrouted.award", len(s.proposed), lang, name=s.name) for s in left)
    proposals = counted("documents.unrouted.proposals", sum(len(s.proposed) for s in left), lang)
    return counted("documents.unrouted", len(left), lang, rules=_version_file(evaluation, folder), awards=awards,
                   proposals=proposals)


def may_lack_paper(evaluation: Evaluation) -> bool:
    """Whether an eligible verdict's award has no authority in the rules, so that `without_paper` may have
    something to say: found without building the packet, which a large run makes slowly."""
    eligible = {v.award for v in evaluation.verdicts if v.verdict == "eligible"}
    return any(authority_of(evaluation.version, award) is None for award in eligible)


def _version_file(evaluation: Evaluation, folder: str) -> PurePosixPath | Path:
    """The version's own file, whose `authority` list is the one read, under the rules folder as named."""
    path = evaluation.version.path
    try:
        return PurePosixPath(folder, path.resolve().relative_to(Path(evaluation.rules).resolve()).as_posix())
    except ValueError:  # a version kept outside the rules folder: named whole
        return path


# ---------------------------------------------------------------- the parts every văn bản shares


def _number(agency: Organization, kind: str, lang: str) -> str:
    return t("vanban.number", lang, kind=kind, abbreviation=agency.abbreviation or "……")


def _heading(packet: Packet, kind: str, when: date | None, year: int) -> dict[str, str]:
    """The heading's parts; `when` None leaves the day and month in dots for the signer to fill."""
    agency = packet.agency
    assert agency is not None
    return {"parent": agency.parent or "", "agency": agency.name,
            "place_date": place_and_date(agency.place, when, year, packet.lang),
            "number": _number(agency, kind, packet.lang) if kind else ""}


def _head_title(agency: Organization) -> str:
    """The chức vụ of the head of the agency, who signs its quyết định and tờ trình (`chair_title`: the chair
    of the council is its head); dots to fill when not given, never "Chủ tịch Hội đồng": a council advises,
    it does not decide."""
    return agency.chair_title or "……"


def _head(agency: Organization, lang: str) -> Signer:
    """The signer of a quyết định or tờ trình: the head of the agency, by title and name."""
    return Signer("", _head_title(agency).upper(), agency.chair or t("vanban.blank_name", lang))


def _archive(agency: Organization, lang: str) -> str:
    return t("vanban.archive", lang, abbreviation=agency.abbreviation or "……")


def _unverified_note(packet: Packet, sections: list[Section], authority: bool = False) -> list[Block]:
    """The short notes closing the body on what is not verified († in the lists), never inside a clause,
    and on the law, when it may have changed by the decision's date."""
    lang = packet.lang
    shown = any("†" in e.money for s in sections for e in s.proposed) or any("†" in line for s in sections
                                                                           for line in s.money_basis)
    notes = [Paragraph(t("documents.money.unverified", lang), "note")] if shown else []
    if authority and not all(s.authority_verified for s in sections):
        notes.append(Paragraph(t("documents.authority.unverified", lang), "note"))
    if packet.law_notice:
        notes.append(Paragraph(t("documents.law_changed", lang, notice=packet.law_notice), "note"))
    return notes


def _grounds(packet: Packet, sections: list[Section]) -> list[str]:
    """The căn cứ of a paper on `sections`: the packet's, and the lương cơ sở's decree when the paper pays
    an amount computed on it (not a campaign's Giấy khen whose plan sets none)."""
    paid = any(e.amount is not None for s in sections for e in s.proposed)
    return [*packet.grounds, *([packet.salary_ground] if packet.salary_ground and paid else [])]


def _money_sentences(section: Section, lang: str, named: bool = True) -> Iterator[Paragraph]:
    """How the award's reward is computed, as sentences of the body: "Lao động tiên tiến: mức tiền thưởng
    bằng 0,3 lần mức lương cơ sở ... theo Điều 50 Nghị định số 152/2025/NĐ-CP."."""
    for line in section.money_prose:
        yield Paragraph(f"{section.name}: {line[:1].lower()}{line[1:]}" if named else line)


def _addressee(agency: Organization, lang: str) -> str:
    """Whom a tờ trình goes to: the head of the agency's parent, "Chủ tịch Ủy ban nhân dân tỉnh Bình Định"
    (the rules' "Chủ tịch Ủy ban nhân dân tỉnh (hoặc Bộ trưởng)" made the actual one), who decides or
    proposes further up; a blank to fill when the records do not say."""
    parent = (agency.parent or "").strip()
    if parent.lower().startswith(("ủy ban nhân dân", "uỷ ban nhân dân")):
        return f"The Chairman of {parent}" if lang == "en" else f"Chủ tịch {parent}"
    if parent.lower().startswith("bộ "):
        return f"The Minister of {parent}" if lang == "en" else f"Bộ trưởng {parent}"
    return t("documents.proposal.to_unknown", lang)


def _in_sentence(who: str, lang: str) -> str:
    """A title inside an English sentence: "proposes to the Chairman of …", as it starts a line ("To: The
    Chairman of …") only."""
    return f"t{who[1:]}" if lang == "en" and who.startswith("The ") else who


def _authority_line(agency: Organization, lang: str) -> str:
    """The quyền hạn of the one who decides, above the căn cứ: "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ" (the
    agency's name without its province, as NĐ 30 writes it)."""
    name = agency.name
    if agency.place:
        for prefix in ("tỉnh ", "thành phố ", ""):
            name = re.sub(rf"\s+{prefix}{re.escape(agency.place)}$", "", name)
    return t("documents.decision.authority", lang, title=_head_title(agency), agency=name).upper()


def _list_table(section: Section, lang: str, with_summary: bool = False) -> Table:
    """A section's proposals: STT, name, unit, (tóm tắt thành tích), tiền thưởng, with the total."""
    columns = [t("packet.col.stt", lang), t(f"packet.col.name.{section.kind}", lang), t("col.unit", lang)]
    widths = [6, 30, 34]
    if with_summary:
        columns.append(t("packet.col.summary", lang))
        widths = [6, 24, 24, 46]
    columns.append(t("documents.money.col", lang))
    widths.append(20)
    rows = tuple((str(e.place), e.name, e.unit, *([e.summary] if with_summary else []), e.money)
                 for e in section.proposed)
    total = (("", t("documents.money.total", lang), "", *([""] if with_summary else []), section.total_money)
             if section.total_money else None)
    return Table(tuple(columns), rows, tuple(widths), numeric=(0, len(columns) - 1), total=total)


# ---------------------------------------------------------------- biên bản


def minutes(packet: Packet, decided: date) -> VanBan:
    """Biên bản họp xét: who attended, then per award the list with the ballot columns to fill in, the
    threshold and its article."""
    lang, agency = packet.lang, packet.agency
    assert agency is not None
    members = str(agency.council_members) if agency.council_members else "……"
    body: list[Block] = [
        Paragraph(t("documents.minutes.opening", lang, agency=agency.name, period=packet.period)),
        Paragraph(t("documents.minutes.attendance", lang), "heading"),
        Paragraph(t("documents.minutes.chair", lang, name=agency.chair or "……", title=agency.chair_title or "……")),
        Paragraph(t("documents.minutes.secretary", lang, name=agency.secretary or "……",
                    title=agency.secretary_title or "……")),
        Paragraph(t("documents.minutes.members", lang, members=members), "blank"),
        Paragraph(t("documents.minutes.content_texts", lang, period=packet.period,
                    texts="; ".join(source.title for source in packet.sources) or packet.title), "heading"),
    ]
    for i, section in enumerate(packet.sections, start=1):
        body.extend(_ballot_part(i, section, lang))
    if not all(s.ballot_verified for s in packet.sections):
        body.append(Paragraph(t("documents.minutes.unverified", lang), "note"))
    body.append(Paragraph(t("documents.minutes.closing", lang), "blank"))
    return VanBan(lang=lang, kind=t("documents.minutes.kind", lang),
                  excerpt=t("documents.minutes.excerpt", lang, period=packet.period), body=tuple(body),
                  signers=(Signer(t("documents.signer.secretary", lang).upper(), "",
                                  agency.secretary or t("vanban.blank_name", lang)),
                           Signer(t("documents.minutes.presiding", lang).upper(), "",
                                  agency.chair or t("vanban.blank_name", lang))),
                  **_heading(packet, "BB", None, decided.year))


def _ballot_part(index: int, section: Section, lang: str) -> Iterator[Block]:
    yield Paragraph(f"{index}. {section.name}", "subheading")
    yield Paragraph(section.ballot_prose, "body")
    if not section.proposed:
        yield Paragraph(t("documents.minutes.none_proposed", lang), "body")  # a văn bản's sentence: a full stop
        return
    threshold = t("documents.minutes.threshold", lang, share=percent(section.threshold, lang)) \
        if section.threshold is not None else ""
    rows = tuple((str(e.place), e.name, e.unit, "", "", threshold) for e in section.proposed)
    yield Table((t("packet.col.stt", lang), t(f"packet.col.name.{section.kind}", lang), t("col.unit", lang),
                 t("documents.minutes.yes", lang), t("documents.minutes.share", lang),
                 t("documents.minutes.outcome", lang)), rows, (6, 28, 30, 14, 12, 18), numeric=(0,))


# ---------------------------------------------------------------- quyết định


def decision(packet: Packet, sections: list[Section], decided: date) -> VanBan:
    """Dự thảo Quyết định: căn cứ, Điều 1 (công nhận danh hiệu, tặng Giấy khen: what the list holds, no
    more), Điều 2 (tiền thưởng), Điều 3 (thi hành), and the list with the money attached."""
    lang, agency = packet.lang, packet.agency
    assert agency is not None
    titles = {s.award in NATIONAL_AWARDS and s.award not in COMMENDATIONS for s in sections}
    gives = "both" if len(titles) == 2 else "titles" if True in titles else "forms"
    names = "; ".join(f"{s.name} ({len(s.proposed)})" for s in sections)
    total = total_words([e.amount for s in sections for e in s.proposed], lang)
    basis = [Paragraph(t("documents.basis", lang, text=title), "basis") for title in _grounds(packet, sections)]
    body: list[Block] = [
        Paragraph(_authority_line(agency, lang), "center"),
        *basis,
        Paragraph(t("documents.decision.council", lang, agency=agency.name, period=packet.period), "basis"),
        Paragraph(t("documents.decision.decides", lang), "center"),
        Paragraph(t(f"documents.decision.article1.{gives}", lang, period=packet.period, awards=names)),
        Paragraph(t("documents.decision.article2", lang, total=total, date=day(decided, lang))),
        *(sentence for s in sections for sentence in _money_sentences(s, lang)),
        Paragraph(t("documents.decision.article3", lang)),
        *_unverified_note(packet, sections),
    ]
    appendix: list[Block] = []
    for i, section in enumerate(sections, start=1):
        appendix += [Paragraph(f"{i}. {section.name}", "subheading"), _list_table(section, lang)]
    appendix.append(Paragraph(t("documents.money.all", lang, amount=total, date=day(decided, lang)), "heading"))
    return VanBan(lang=lang, kind=t("documents.decision.kind", lang),
                  excerpt=t(f"documents.decision.excerpt.{gives}", lang, period=packet.period), body=tuple(body),
                  signers=(_head(agency, lang),),
                  recipients=(t("documents.decision.to_article3", lang), _archive(agency, lang)),
                  appendix_title=t(f"documents.decision.appendix.{gives}", lang, period=packet.period,
                                   day=date_words(decided, decided.year, lang),
                                   abbreviation=agency.abbreviation or "……"),
                  appendix=tuple(appendix), draft=True, **_heading(packet, "QĐ", decided, decided.year))


# ---------------------------------------------------------------- tờ trình


def _by_authority(evaluation: Evaluation, sections: list[Section], lang: str) -> list[tuple[str, list[Section]]]:
    """The sections proposed upward, grouped by who decides them, in the order of the packet."""
    groups: dict[str, list[Section]] = {}
    for section in sections:
        line = authority_of(evaluation.version, section.award)
        groups.setdefault(line.who.in_(lang) if line else "……", []).append(section)
    return list(groups.items())


def _counted(individual: int, collective: int, lang: str) -> str:
    """"02 cá nhân và 03 tập thể", or only the kind proposed: never "0 cá nhân"."""
    shown = (lambda n: f"{n:02d}") if lang == "vi" else str  # a văn bản writes 02, as its số does
    return t("and", lang).join(t(f"documents.count.{kind}{'.one' if n == 1 else ''}", lang, n=shown(n))
                                  for kind, n in (("individual", individual), ("collective", collective)) if n)


def proposal(packet: Packet, who: str, sections: list[Section], decided: date) -> VanBan:
    """Tờ trình đề nghị khen thưởng to one higher authority, with the list of each award."""
    lang, agency = packet.lang, packet.agency
    assert agency is not None
    # each person and unit once, however many of the awards it is proposed for
    proposed = {e.subject: e.kind for s in sections for e in s.proposed}
    collective = sum(kind == "collective" for kind in proposed.values())
    whom = _counted(len(proposed) - collective, collective, lang)
    # an agency proposes to its parent, which decides (the rules' "…(hoặc Bộ trưởng)" is the one at that
    # level) or proposes further up: the Thủ tướng's awards go through the province
    decider, who = who, _addressee(agency, lang)
    request = t("documents.proposal.request", lang, agency=agency.name, who=_in_sentence(who, lang),
                period=packet.period, whom=whom) if "(" in decider else \
        t("documents.proposal.request.through", lang, agency=agency.name, who=_in_sentence(who, lang),
          decider=_in_sentence(decider, lang), period=packet.period, whom=whom)
    body: list[Block] = [
        Paragraph(t("documents.proposal.to", lang, who=who), "center"),
        *(Paragraph(t("documents.basis", lang, text=title), "basis") for title in _grounds(packet, sections)),
        Paragraph(request),
    ]
    for i, section in enumerate(sections, start=1):
        body += [Paragraph(f"{i}. {section.name}", "subheading"), *_money_sentences(section, lang, named=False),
                 _list_table(section, lang, True)]
    body += [*_unverified_note(packet, sections, True),
             Paragraph(t("documents.proposal.closing", lang, who=_in_sentence(who, lang)))]
    return VanBan(lang=lang, kind=t("documents.proposal.kind", lang),
                  excerpt=t("documents.proposal.excerpt", lang, period=packet.period), body=tuple(body),
                  signers=(_head(agency, lang),), recipients=(t("documents.proposal.recipient", lang, who=who),
                                                               _archive(agency, lang)),
                  draft=True, **_heading(packet, "TTr", None, decided.year))


# ---------------------------------------------------------------- báo cáo thành tích


def _nominees(packet: Packet) -> list[tuple[str, str]]:
    """Everyone proposed for any award, once, in the order they first appear."""
    seen: dict[str, str] = {}
    for section in packet.sections:
        for entry in section.proposed:
            seen.setdefault(entry.subject, entry.name)
    return list(seen.items())


def _slug(subject: str, name: str) -> str:
    """A báo cáo's file name: the id and the name as written, unaccented ('p04-pham-thi-my-linh', not '…-mi-')."""
    return f"{subject}-" + re.sub(r"[^a-z0-9]+", "-", unaccented(name)).strip("-")


def achievement_report(evaluation: Evaluation, packet: Packet, subject: str, decided: date) -> VanBan:
    """Báo cáo thành tích in the decree's appendix form, prefilled from the records: who, the years and
    ratings, the sáng kiến and đề tài, the titles held; the narrative parts are marked blanks."""
    lang, ds = packet.lang, evaluation.dataset
    entries = [(s, e) for s in packet.sections for e in s.proposed if e.subject == subject]
    entry: Entry = entries[0][1]
    awards = "; ".join(s.name for s, _ in entries)
    blank = t("documents.report.blank", lang)
    person = ds.people_by_id.get(subject)
    who: list[Block]
    if person is not None:
        who = [Paragraph(t("documents.report.name", lang, name=person.name)),
               Paragraph(t("documents.report.gender", lang, gender=t(f"documents.gender.{person.gender}", lang)
                           if person.gender else blank)),
               Paragraph(t("documents.report.unit", lang, unit=entry.unit)),
               Paragraph(t("documents.report.recruited", lang,
                           date=day(person.recruited, lang) if person.recruited else blank)),
               Paragraph(t("documents.report.bio", lang, blank=blank), "blank")]
    else:
        members = len(ds.members(subject, evaluation.period))
        who = [Paragraph(t("documents.report.collective", lang, name=entry.name, members=members)),
               Paragraph(t("documents.report.situation", lang, blank=blank), "blank")]
    body: list[Block] = [
        Paragraph(t("documents.report.part1", lang), "heading"), *who,
        Paragraph(t("documents.report.part2", lang), "heading"),
        Paragraph(t("documents.report.duties", lang, blank=blank), "blank"),
        Paragraph(t("documents.report.ratings", lang), "subheading"), _ratings(evaluation, subject, lang),
        Paragraph(t("documents.report.initiatives", lang), "subheading"), _initiatives(evaluation, subject, lang),
        Paragraph(t("documents.report.results", lang, blank=blank), "blank"),
        Paragraph(t("documents.report.part3", lang), "heading"), _conferred(evaluation, subject, lang),
    ]
    # a signer's name left for the signer, as a name: the narrative's marker would read as one
    unsigned = t("vanban.blank_name", lang)
    signer = Signer(t("documents.report.author", lang).upper(), "", entry.name if person else unsigned)
    confirm = Signer(t("documents.report.confirm", lang).upper(), "", unsigned)
    heading = _heading(packet, "", None, decided.year)
    return VanBan(lang=lang, kind=t("documents.report.kind", lang),
                  excerpt=t("documents.report.excerpt", lang, awards=awards, period=packet.period),
                  body=tuple(body), signers=(confirm, signer), **heading)


def _ratings(evaluation: Evaluation, subject: str, lang: str) -> Table:
    records = sorted((r for r in evaluation.dataset.records if r.subject == subject
                      and r.year <= evaluation.period), key=lambda r: r.year)[-5:]
    rows = tuple((str(r.year), RATINGS.write(r.rating) if r.rating and lang != "en" else (r.rating or "……"))
                 for r in records)
    return Table((t("documents.report.year", lang), t("documents.report.rating", lang)),
                 rows or (("……", "……"),), (15, 85), numeric=(0,))


def _initiatives(evaluation: Evaluation, subject: str, lang: str) -> Table:
    items = sorted(evaluation.dataset.initiatives_by_author.get(subject, []), key=lambda i: (i.year, i.id))
    rows = tuple((str(i.year), i.title or i.id, t(f"packet.scope.{i.scope}", lang),
                  t(f"documents.kind.{i.kind}", lang)) for i in items if i.year <= evaluation.period)
    return Table((t("documents.report.year", lang), t("documents.report.title", lang),
                  t("documents.report.scope", lang), t("documents.report.initiative_kind", lang)),
                 rows or (("……", "……", "……", "……"),), (12, 58, 16, 14), numeric=(0,))


def _conferred(evaluation: Evaluation, subject: str, lang: str) -> Table:
    rules = evaluation.version.rules
    held = sorted(evaluation.dataset.conferred_by_subject.get(subject, []), key=lambda c: (c.year, c.award))
    rows = tuple((str(c.year), rules.awards[c.award].name.in_(lang) if c.award in rules.awards else c.award,
                  c.decision or "……") for c in held)
    return Table((t("documents.report.year", lang), t("col.award", lang), t("documents.report.decision", lang)),
                 rows or (("……", "……", "……"),), (12, 50, 38), numeric=(0,))

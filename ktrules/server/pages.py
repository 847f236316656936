"""The council's pages: start (upload), results, a person or unit, ranking, downloads, rules. Each route
reads what it needs and hands it to a template; the wording is the message catalogue's."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Collection
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, get_args

import jinja2
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from ktrules.common.errors import KtrulesError, suggest_or_list
from ktrules.common.messages import LANGS, LANGUAGE, t
from ktrules.common.reading import read_day
from ktrules.council.ranking import rank
from ktrules.council.rewards import Payer, payer
from ktrules.documents.formatting import day, number
from ktrules.documents.packet import build_packet, render_html
from ktrules.documents.papers import council_papers, may_lack_paper, without_paper
from ktrules.documents.report import (
    campaign_rows,
    condition,
    notices,
    quota_lines,
    rank_rows,
    row,
    show_evidence,
    show_reading,
    subject_name,
    unit_of,
    worth_writing,
)
from ktrules.documents.verdicts import subject_verdicts
from ktrules.documents.writers import write_papers, write_report
from ktrules.engine.evaluate import CriterionResult, Evaluation, Verdict, campaign_ids, campaign_packs
from ktrules.engine.inputs import load_dataset, load_upload
from ktrules.records.models import Dataset
from ktrules.rules import Leaf, select_version
from ktrules.server.parameters import on_page
from ktrules.server.problems import lang_of, title_of
from ktrules.server.runs import KEPT, Asked, Run
from ktrules.server.security import CSRF_COOKIE, CSRF_FIELD, new_csrf, same
from ktrules.server.state import Config, Settings


async def _speak(request: Request) -> None:
    """Every page's request speaks the page's language: what it raises (an unknown id, a run's errors in
    its thread) is worded in it. Set in this request's context only; async, so the handler inherits it."""
    LANGUAGE.set(lang_of(request))


router = APIRouter(include_in_schema=False, dependencies=[Depends(_speak)])
_PACKAGE = Path(__file__).resolve().parent.parent
# the "use the example" of the start page: the repository's fixtures, which a wheel carries as ktrules/examples
EXAMPLE = (_PACKAGE / "examples" if (_PACKAGE / "examples").is_dir()
           else _PACKAGE.parent / "fixtures" / "datasets") / "so-khcn-binh-dinh.xlsx"
SHOWN = 500  # verdicts listed on the results page at most
# the pages need no script and no other origin; inline styles are the packet's, which is a download
POLICY = "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("ktrules.server", "templates"), autoescape=True,
                                undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    lang = lang_of(request)
    other = "en" if lang == "vi" else "vi"
    # the same page in the other language; after a form sent (a POST, which a link cannot repeat), the start
    switch = request.url.include_query_params(lang=other) if request.method == "GET" else \
        request.url.replace(path="/", query=f"lang={other}")
    html = _TEMPLATES.get_template(template).render(
        t=lambda key, **v: t(key, lang, **v), lang=lang, switch=f"{switch.path}?{switch.query}",
        day=lambda when: day(when, lang) if when else "…", number=lambda value: number(value, lang),
        notice=lambda evaluation: notices(evaluation, lang), **values)
    response = HTMLResponse(html, status_code=status, headers={"content-security-policy": POLICY})
    if request.query_params.get("lang") in LANGS:
        response.set_cookie("lang", lang, samesite="strict")
    return response


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    """An error on the pages as a page: a browser shows it, with the way back (the API answers JSON)."""
    # within a run still kept, the way back is its results (after a wrong filter or person)
    within = re.match(r"/runs/([^/]+)", request.url.path)
    back = f"/runs/{within.group(1)}" if within and request.app.state.runs.get(within.group(1)) else None
    return _page(request, "error.html.j2", status, title=title_of(status, lang_of(request)), detail=detail,
                 back=back)


def _campaigns(rules: str, lang: str) -> list[tuple[str, str]]:
    """Each campaign pack's id and name; a pack that does not load is offered by its id, so one broken
    file does not close the page (choosing it says what is wrong with it)."""
    offered = []
    for campaign in campaign_ids(rules):
        try:
            rows = campaign_rows(campaign_packs(rules, [campaign]), lang)
        except KtrulesError:
            rows = []
        offered.append((campaign, rows[0]["name"] if rows else campaign))
    return offered


def _start(request: Request, settings: Settings, error: str | None = None, status: int = 200,
           form: FormData | None = None) -> HTMLResponse:
    """The start page; after a refused form, with what was chosen in it (a browser cannot fill the file in)."""
    csrf = request.cookies.get(CSRF_COOKIE) or new_csrf()
    given = {k: str(form.get(k) or "") if form else "" for k in ("example", "period", "as_of", "decision_date",
                                                                  "campaign")}
    response = _page(request, "start.html.j2", status, csrf=csrf, csrf_field=CSRF_FIELD, error=error, given=given,
                     campaigns=_campaigns(settings.rules, lang_of(request)),
                     year=date.today().year - 1,
                     mb=settings.max_upload // 2**20)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
    return response


BUSY_RETRY = 60  # seconds, as the busy message says ("in a minute")
FORM_FIELDS = frozenset({CSRF_FIELD, "dataset", "example", "period", "as_of", "decision_date", "campaign"})


@router.get("/", dependencies=[on_page()])
def start(request: Request, settings: Config) -> HTMLResponse:
    return _start(request, settings)


@router.post("/runs", dependencies=[on_page()])
async def upload(request: Request, settings: Config) -> Response:
    """The start page's form: a dataset (or the example) and the period, date and campaign."""
    lang = lang_of(request)
    try:
        form = await request.form(max_files=1, max_fields=8)
    except StarletteHTTPException as exc:  # starlette's words on a form it cannot read, in English
        raise HTTPException(400, t("server.error.form", lang, problem=exc.detail)) from None
    if not same(str(form.get(CSRF_FIELD, "")), request.cookies.get(CSRF_COOKIE, "\0")):
        return _start(request, settings, t("server.error.csrf", lang), 403)
    if unknown := sorted(set(form) - FORM_FIELDS):  # `rules=` above all: the rules folder is the server's
        return _start(request, settings, t("server.error.field", lang, names=", ".join(unknown)), 400, form)
    try:
        source = await _source(form, settings, lang)
        if source is None:
            raise ValueError(t("server.error.no_file", lang))
        asked = Asked(source[0], *_choices(form, lang))
        if asked.decided:  # a date typed: from the verdicts' day on, with rules in force that day, or said now
            payer(settings.rules, asked.decided, asked.period, asked.as_of)
    except ValueError as exc:
        return _start(request, settings, str(exc), 422, form)
    except KtrulesError as exc:  # the hints name the command's options: the page says the message alone
        return _start(request, settings, exc.message, 422, form)
    run = request.app.state.runs.start(asked, source[1], str(settings.rules))
    if run is None:  # the start page again, with what was chosen, as after the other refusals
        busy = _start(request, settings, t("server.error.busy", lang, n=KEPT), 503, form)
        busy.headers["Retry-After"] = str(BUSY_RETRY)
        return busy
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


async def _source(form: FormData, settings: Settings, lang: str) -> tuple[str, Callable[[], Dataset]] | None:
    """The dataset's name and how to read it: the upload, or the bundled example when it is ticked."""
    upload = form.get("dataset")
    if isinstance(upload, UploadFile) and upload.filename:
        if form.get("example"):  # which of the two was meant is not for the server to guess
            raise ValueError(t("server.error.file_and_example", lang))
        name, content = upload.filename, await upload.read()
        shown = PurePosixPath(name.replace("\\", "/")).name
        return shown, lambda: load_upload(name, content, settings.max_upload, settings.rules)
    if form.get("example"):
        return EXAMPLE.name, lambda: load_dataset(EXAMPLE, settings.rules)
    return None


def _choices(form: FormData, lang: str) -> tuple[int, date | None, str | None, date | None]:
    """The period, the as-of date, the campaign and the decision date, or a ValueError whose message says
    what is wrong."""
    try:
        period = int(str(form.get("period", "")))
    except ValueError:
        period = 0
    if not 1945 <= period <= 2100:
        raise ValueError(t("server.error.period", lang))
    as_of, decided = (_form_day(form, name, lang) for name in ("as_of", "decision_date"))
    return period, as_of, str(form.get("campaign") or "") or None, decided


def _form_day(form: FormData, name: str, lang: str) -> date | None:
    if not form.get(name):
        return None
    if (day := _day(str(form[name]))) is None:
        raise ValueError(t(f"server.error.{name}", lang, value=form[name]))
    return day


def _run(request: Request, run_id: str) -> Run:
    run = request.app.state.runs.get(run_id)
    if run is None:
        raise HTTPException(404, t("server.error.run", lang_of(request), n=KEPT))
    return run


@router.get("/runs/{run_id}", dependencies=[on_page("award", "unit", "verdict")])
def results(request: Request, run_id: str, award: str = "", unit: str = "", verdict: str = "") -> HTMLResponse:
    """Counts per award, then the verdicts, filtered by award, unit and verdict; or how far the run has got."""
    run = _run(request, run_id)
    if run.phase in ("reading", "evaluating"):
        return _page(request, "progress.html.j2", run=run)
    if run.phase == "failed":
        return _page(request, "failed.html.j2", 422, run=run)
    lang = lang_of(request)
    with run.using() as evaluation:
        counts: dict[str, Counter[str]] = {}
        for v in evaluation.verdicts:
            counts.setdefault(v.award, Counter())[v.verdict] += 1
        units = evaluation.dataset.units_by_id
        _refuse_filter(award, counts, "err.unknown_award", lang)  # an address typed or kept: say so, not show none
        _refuse_filter(unit, units, "err.unknown_unit", lang)
        _refuse_filter(verdict, VERDICTS, "err.unknown_verdict", lang)
        rows = [row(evaluation, v, lang, criteria=False) for v in evaluation.verdicts
                if (not award or v.award == award) and (not verdict or v.verdict == verdict)]
        if unit:
            rows = [r for r in rows if unit in (r["unit"], r["subject"])]
        shown = rows[:SHOWN]  # a province has 100,000s of verdicts: the filters narrow, a page shows a few
        for r in shown:  # a person's unit by its name, as on the check table
            r["unit"] = units[r["unit"]].name if r["unit"] in units else r["unit"]
        names = {a: evaluation.award(a).name.in_(lang) for a in counts}
        return _page(request, "results.html.j2", run=run, evaluation=evaluation, counts=counts, names=names,
                     rows=shown, total=len(rows), units=evaluation.dataset.units, verdicts=VERDICTS,
                     chosen={"award": award, "unit": unit, "verdict": verdict})


VERDICTS = get_args(Verdict)


def _refuse_filter(given: str, known: Collection[str], message: str, lang: str) -> None:
    """An address whose filter names nothing of the run: a request to fix (400), not data the server
    could not process, with a way back to the run's results (`error_page`)."""
    if given and given not in known:
        hint = f"; {suggest_or_list(given, known)}" if known else ""  # a run with no verdicts has nothing to offer
        raise HTTPException(400, f"{t(message, lang, value=given, where=t('err.in_run', lang))}{hint}")


@router.get("/runs/{run_id}/subjects/{subject}", dependencies=[on_page()])
def subject(request: Request, run_id: str, subject: str) -> HTMLResponse:
    """Each award's explanation tree: results, citations, the values read, presumed and unverified marks."""
    run = _done(request, run_id)
    lang = lang_of(request)
    with run.using() as evaluation:
        if subject not in evaluation.dataset.subjects():  # an address typed or kept: not found (404)
            raise HTTPException(404, t("err.unknown_subject", lang, value=subject, where=t("err.in_run", lang)))
        verdicts = subject_verdicts(evaluation, subject)
        explained = [row(evaluation, v, lang) for v in verdicts]
        # the values read, what was required and their records as `explain` words them ("between 2 and 3",
        # a share as a percentage, members by name), in the order of the criteria
        shown = [[_shown(evaluation, n, lang) for root in v.criteria for _, n in root.flatten()] for v in verdicts]
        awards = {r["award"]: evaluation.award(r["award"]) for r in explained}
        return _page(request, "subject.html.j2", run=run, evaluation=evaluation,
                     rows=list(zip(explained, shown, strict=True)), awards=awards,
                     name=subject_name(evaluation, subject), subject=subject)


def _shown(evaluation: Evaluation, node: CriterionResult, lang: str) -> tuple[str, str, list[str]]:
    if node.reading is None or not isinstance(node.criterion, Leaf):
        return "", "", []
    unit = unit_of(evaluation.version, node.criterion)
    return (show_reading(node.reading, lang, unit), condition(node.criterion, node.threshold, lang, unit),
            show_evidence(node.reading, lang, evaluation))


@router.get("/runs/{run_id}/ranking", dependencies=[on_page("award")])
def ranking(request: Request, run_id: str, award: str = "") -> HTMLResponse:
    """Per award: the candidates in order, the quota with its arithmetic, tie-breaks, the ballot threshold."""
    run = _done(request, run_id)
    lang = lang_of(request)
    with run.using() as evaluation:
        given = {v.award for v in evaluation.verdicts}
        awards = [a for a in evaluation.version.rules.awards if a in given]  # the rule file's order, LĐTT first
        if awards:  # an address typed or kept: say so, not show another
            _refuse_filter(award, awards, "err.unknown_award", lang)
        award = award if award in awards else (awards[0] if awards else "")
        ranked = rank(evaluation, award) if award else None
        return _page(request, "ranking.html.j2", run=run, evaluation=evaluation, awards=awards, award=award,
                     names={a: evaluation.award(a).name.in_(lang) for a in awards},
                     rows=rank_rows(ranked, lang) if ranked else [],
                     quota=quota_lines(ranked, lang) if ranked else [],
                     ballot=evaluation.version.rules.ballots.get(award))


@router.get("/runs/{run_id}/downloads", dependencies=[on_page()])
def downloads(request: Request, run_id: str) -> HTMLResponse:
    """The downloads, and what `ktrules documents` says beside its files: the proposals no paper holds."""
    run = _done(request, run_id)
    lang = lang_of(request)
    with run.using() as evaluation:
        unrouted = without_paper(evaluation, build_packet(evaluation, lang)) if may_lack_paper(evaluation) else ""
    return _page(request, "downloads.html.j2", run=run, unrouted=unrouted)


@router.get("/runs/{run_id}/packet.html", dependencies=[on_page()])
async def packet_html(request: Request, settings: Config, run_id: str) -> Response:
    """The council meeting packet, as `ktrules report --out FILE.html` writes it."""
    run = _done(request, run_id)
    html = await run_in_threadpool(lambda: render_html(_packet(run, lang_of(request), settings.rules)))
    return HTMLResponse(html, headers=_attachment(run, "hop-hoi-dong", "html"))


@router.get("/runs/{run_id}/packet.pdf", dependencies=[on_page()])
async def packet_pdf(request: Request, settings: Config, run_id: str) -> Response:
    """The council meeting packet, as `ktrules report --out FILE.pdf` writes it."""
    run = _done(request, run_id)
    packet = _packet(run, lang_of(request), settings.rules)

    def pdf() -> bytes:
        with tempfile.TemporaryDirectory(prefix="ktrules-pdf-") as folder:
            out = Path(folder) / "packet.pdf"
            write_report(packet, out)
            return out.read_bytes()
    return Response(await run_in_threadpool(pdf), media_type="application/pdf",
                    headers=_attachment(run, "hop-hoi-dong", "pdf"))


@router.get("/runs/{run_id}/documents.zip", dependencies=[on_page()])
async def documents_zip(request: Request, settings: Config, run_id: str) -> Response:
    """The dossier as Word văn bản, as `ktrules documents` writes them, in one zip."""
    run = _done(request, run_id)
    lang = lang_of(request)
    packet = _packet(run, lang, settings.rules)
    decided = run.asked.decided or date.today()
    if not packet.proposed:  # no empty biên bản, as the command refuses it (the packet says why: it is written)
        chosen = t("server.nothing_proposed.chosen", lang) if run.asked.campaign else ""
        raise KtrulesError(t("err.nothing_proposed", lang, period=run.asked.period, chosen=chosen),
                           hint=t("server.nothing_proposed.hint", lang))

    def zipped() -> bytes:
        with run.using() as evaluation, tempfile.TemporaryDirectory(prefix="ktrules-docs-") as folder:
            written = write_papers(council_papers(evaluation, packet, decided), Path(folder), "docx")
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in written:
                    archive.write(path, path.relative_to(folder).as_posix())
            return buffer.getvalue()
    return Response(await run_in_threadpool(zipped), media_type="application/zip",
                    headers=_attachment(run, "ho-so", "zip"))


@router.get("/runs/{run_id}/proposal.xlsx", dependencies=[on_page()])
async def proposal_xlsx(request: Request, settings: Config, run_id: str) -> Response:
    """The proposal list, as `ktrules report --out FILE.xlsx` writes it."""
    from ktrules.documents.proposal import proposal_workbook  # openpyxl is loaded only for workbooks

    run = _done(request, run_id)

    def save() -> bytes:
        buffer = io.BytesIO()
        proposal_workbook(_packet(run, lang_of(request), settings.rules)).save(buffer)
        return buffer.getvalue()
    return Response(await run_in_threadpool(save), media_type=XLSX,
                    headers=_attachment(run, "de-nghi-khen-thuong", "xlsx"))


@router.get("/rules", dependencies=[on_page("as_of")])
def rules(request: Request, settings: Config, as_of: str = "") -> HTMLResponse:
    """The awards of each national rule version, with criteria, citations and verified flags."""
    versions = list(settings.national)
    day = _day(as_of)
    if as_of and day is None:
        raise KtrulesError(t("server.error.as_of", lang_of(request), value=as_of))
    if day:
        versions = [select_version(versions, day, t("err.no_version.as_of_hint", lang_of(request)))]
    # given back as ISO: a date field shows nothing of '31/12/2024'
    return _page(request, "rules.html.j2", versions=versions, as_of=day.isoformat() if day else "")


def _day(text: str) -> date | None:
    """A date as the API and the command take it: dd/mm/yyyy as a secretary types it, or YYYY-MM-DD."""
    return read_day(text) if text else None


def _done(request: Request, run_id: str) -> Run:
    """A run whose evaluation is there; one still running or failed sends the browser to its page."""
    run = _run(request, run_id)
    if run.phase != "done":
        raise HTTPException(303, run.phase, headers={"location": f"/runs/{run.id}"})
    return run


def _packet(run: Run, lang: str, rules: Path) -> Any:
    """The packet with the reward money of a decision taken on the date the start page gave (else today), as
    `ktrules report` makes it, and refused as it refuses a year without records (`worth_writing`)."""
    with run.using() as evaluation:
        worth_writing(evaluation, run.asked.name, page=True)
        return build_packet(evaluation, lang, payer=_payer(run, rules, lang))


def _payer(run: Run, rules: Path, lang: str) -> Payer:
    """The reward money's rules on the date the start page gave, checked there; a blank one is today, checked
    now: the run's results are there to see before the year's end, its papers are not."""
    if run.asked.decided:
        return payer(rules, run.asked.decided)
    try:
        return payer(rules, date.today(), run.asked.period, run.asked.as_of, today=True)
    except KtrulesError as exc:  # the hint names the command's option: the page says its own
        raise KtrulesError(exc.message, hint=t("server.decided_today.hint", lang)) from None


def _attachment(run: Run, stem: str, suffix: str) -> dict[str, str]:
    """A download named by what it holds: the year, and the campaign when there is one, so that a
    campaign's packet and the national one of the same year are not saved under one name."""
    campaign = f"-{run.asked.campaign}" if run.asked.campaign else ""
    return {"content-disposition": f'attachment; filename="{stem}-{run.asked.period}{campaign}.{suffix}"'}

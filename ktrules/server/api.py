"""The JSON API: the same library calls as the commands, so `POST /api/check` answers exactly what
`ktrules check --format json` prints for the same dataset and options."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import LANGUAGE, t
from ktrules.common.output import render
from ktrules.common.reading import read_day
from ktrules.council.ranking import rank
from ktrules.documents.report import nothing_evaluated, rank_rows, record_notices, row, rule_rows, unweighed
from ktrules.documents.verdicts import check_pieces, subject_verdicts
from ktrules.engine.evaluate import evaluate, rules_for
from ktrules.engine.inputs import ZIP_START, load_upload
from ktrules.records.models import Dataset
from ktrules.rules import select_version
from ktrules.server.parameters import only
from ktrules.server.problems import MEDIA_TYPE, PROBLEM, NotJson, lang_of
from ktrules.server.state import Config
from ktrules.server.workers import Noted, Pool, run


async def speak(request: Request) -> None:
    # async, so set in the request's own context: a plain route runs in a thread given a copy of it, and
    # its messages (raised deep in the library, without a `lang`) would otherwise be Vietnamese
    LANGUAGE.set(lang_of(request))


router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(speak)])
BODY_NAME = "dataset.json"  # what errors call the request body
Lang = Literal["vi", "en"]
def _whole(value: object) -> object:
    """A year as the command line takes it, ASCII digits; anything else ('2024.0', fullwidth digits) left to
    the strict check, which refuses it as no whole number."""
    return int(value) if isinstance(value, str) and value.isascii() and value.strip().isdigit() else value


Period = Annotated[int, Query(ge=1945, le=2100, strict=True, description="The year evaluated."),
                   BeforeValidator(_whole)]


def _as_typed(value: object) -> object:
    """dd/mm/yyyy read as the command line reads it; anything else left to pydantic, which says what is wrong."""
    return (read_day(value) or value) if isinstance(value, str) else value


DAY = "YYYY-MM-DD or dd/mm/yyyy as on the command line"
AsOf = Annotated[date | None, BeforeValidator(_as_typed),
                 Query(description=f"Date whose rules apply, {DAY}; default the period's last day.")]
VersionOn = Annotated[date | None, BeforeValidator(_as_typed),
                      Query(description=f"Only the version in force on this date, {DAY}; default every version.")]
Campaign = Annotated[str | None, Query(description="A campaign pack id; default the national awards.")]
Ids = Annotated[list[str] | None, Query(description="Only this id (repeatable).")]
Subject = Annotated[str, Query(min_length=1, description="The person or unit explained: their id in the dataset.")]
Award = Annotated[str, Query(min_length=1, description="The award ranked: its id in the rules (e.g. CSTDCS).")]
BODY = {"requestBody": {"required": True, "description": "A dataset in the contract's format, as JSON.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dataset"}}}}}
_WHEN = {400: "A parameter is missing or wrong, or not one the server takes",
         401: "The token is missing, wrong, or in the address instead of `Authorization: Bearer`",
         413: "The body is larger than the limit",
         415: "The body is not JSON (a workbook, YAML or a form's upload), or is compressed",
         422: "The dataset or an option is wrong: the CLI's one-line message in `detail`",
         503: "The worker serving the call ended in the middle of it: send it again (`Retry-After`); without "
              "`Retry-After`, no worker is left and whoever runs the server must look at its log"}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The refusals a call may answer, each as the problem details the server sends."""
    problem = {MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM}"}}}
    return {status: {"description": _WHEN[status], "content": problem} for status in statuses}


ERRORS = errors(400, 401, 413, 415, 422, 503)  # of a call that takes a dataset
JSON_ARRAY = {200: {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}}


# what a body that is no JSON dataset says it is: a workbook or a zip of a CSV folder, YAML, a form's upload
# (one that starts as a zip, `ZIP_START`, is no JSON whatever it says)
_NOT_JSON_TYPES = ("multipart/", "yaml", "spreadsheet", "excel", "zip", "text/csv")


async def dataset_body(request: Request) -> bytes:
    """The body of a call that takes a dataset, refused with 415 when it is plainly no JSON: the API reads
    JSON only, and a workbook's bytes read as JSON gave a message about UTF-8 instead of saying so."""
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity"):  # read as it is, a gzip body gave a message about UTF-8
        lang = lang_of(request)
        raise NotJson(t("err.api.encoding", lang, encoding=encoding), hint=t("err.api.encoding.hint", lang))
    body = await request.body()
    kind = request.headers.get("content-type", "").lower()
    if body.startswith(ZIP_START):  # whatever its Content-Type says: naming it contradicted the message
        lang = lang_of(request)
        raise NotJson(t("err.api.zip", lang), hint=t("err.api.json_only.hint", lang))
    if any(word in kind for word in _NOT_JSON_TYPES):
        lang = lang_of(request)
        raise NotJson(t("err.api.json_only", lang, kind=kind), hint=t("err.api.json_only.hint", lang))
    if not body or body.isspace():  # read as JSON, it was 'Expecting value' on a line there is not
        lang = lang_of(request)
        raise KtrulesError(t("err.api.empty", lang), file=BODY_NAME, hint=t("err.api.empty.hint", lang))
    return body


def _json(text: str) -> Response:
    return Response(text, media_type="application/json")


def _work(request: Request) -> Pool:
    return request.app.state.workers


NOTICES = "X-Ktrules-Notices"
# bytes of that header at most: with the answer's other headers, within the 4 KB a proxy such as nginx
# holds a response's headers in by default (it refuses more); the names a notice lists have no bound
NOTICES_LIMIT = 3500
NOTED = {200: {**JSON_ARRAY[200], "headers": {NOTICES: {
    "description": "Present when the command would print notices beside its JSON (on stderr): a JSON array of "
                   "lines, non-ASCII escaped as \\u sequences, as a header must be. Why no verdict was given (the "
                   "command exits 1), records naming campaigns no pack holds, staff without a record of the year. "
                   f"At most {NOTICES_LIMIT} bytes: longer lines are cut, ending with \u2026.",
    "schema": {"type": "string"}}}}}


@router.post("/check", operation_id="check", openapi_extra=BODY, responses={**ERRORS, **NOTED},
             dependencies=[only("period", "as_of", "campaign", "award", "subject", "lang",
                                repeatable=("award", "subject"))])
async def check(request: Request, settings: Config, period: Period, as_of: AsOf = None,
                campaign: Campaign = None, award: Ids = None, subject: Ids = None, lang: Lang = "vi") -> Response:
    """Every verdict, one object per subject and award: what `ktrules check --format json` prints."""
    options = {"as_of": as_of, "rules": settings.rules, "campaign": campaign, "awards": award or (),
               "subjects": subject or ()}
    return _noted(await run(_work(request), checked, await dataset_body(request), settings.max_upload, period, lang,
                            options, lang=lang))


def _noted(answer: Noted) -> Response:
    """The command's stdout as the body, and its stderr in a header: the body stays exactly what it prints."""
    headers = {NOTICES: notices_header(answer.notices)} if answer.notices else None
    return Response(answer.body, media_type="application/json", headers=headers)


def notices_header(notices: Sequence[str]) -> str:
    """The notices as the header's JSON array, within `NOTICES_LIMIT` bytes: lines shorter than an equal
    share of what the others leave are whole, and the longer ones are cut to that share, ending with "…"
    (the command prints them whole on stderr)."""
    whole = json.dumps(list(notices))
    if len(whole) <= NOTICES_LIMIT:
        return whole
    sizes = sorted(len(json.dumps(line)) for line in notices)
    left = NOTICES_LIMIT - 2 - 2 * (len(notices) - 1)  # the brackets; a comma and a space between lines
    for kept, size in enumerate(sizes):
        share = left // (len(sizes) - kept)
        if size > share:
            break
        left -= size
    return json.dumps([_cut(line, share) for line in notices])


def _cut(line: str, size: int) -> str:
    """`line`, or its longest start followed by "…", whose JSON takes at most `size` bytes."""
    if len(json.dumps(line)) <= size:
        return line
    low, high = 0, len(line)
    while low < high:
        middle = (low + high + 1) // 2
        if len(json.dumps(line[:middle] + "…")) <= size:
            low = middle
        else:
            high = middle - 1
    return line[:low] + "…"


def checked(body: bytes, limit: int, period: int, lang: str, options: dict[str, Any]) -> Noted:
    # processes as the command uses them (several from 2,000 people): forking is safe here, in a worker
    # process that runs one call at a time on one thread
    records = _records(body, limit, period, options)
    empty: list[str] = []
    narrowed = bool(options["awards"] or options["subjects"])
    text = b"".join(check_pieces(records, period, "json", lang, **options,
                                 empty=lambda: empty.append(nothing_evaluated(records, period, narrowed, lang))))
    # as the command: when nothing was evaluated it says why and stops there
    notices = empty or record_notices(records, period, lang, subjects=options["subjects"], rules=options["rules"])
    return Noted(text, tuple(notices))


def _records(body: bytes, limit: int, period: int, options: dict[str, Any]) -> Dataset:
    """The body's records, read once the rules in force are found (`rules_for`), as the command reads them."""
    rules_for(options["rules"], period, options["as_of"], options["campaign"])
    return load_upload(BODY_NAME, body, limit, options["rules"])


@router.post("/explain", operation_id="explain", openapi_extra=BODY, responses={**JSON_ARRAY, **ERRORS},
             dependencies=[only("period", "subject", "as_of", "campaign", "award", "lang", repeatable=("award",))])
async def explain(request: Request, settings: Config, period: Period, subject: Subject, as_of: AsOf = None,
                  campaign: Campaign = None, award: Ids = None, lang: Lang = "vi") -> Response:
    """One subject's verdicts with every criterion: what `ktrules explain --format json` prints."""
    options = {"as_of": as_of, "rules": settings.rules, "campaign": campaign, "awards": award or (),
               "subjects": (subject,)}
    return _json(await run(_work(request), explained, await dataset_body(request), settings.max_upload, period, lang,
                           options, lang=lang))


def explained(body: bytes, limit: int, period: int, lang: str, options: dict[str, Any]) -> str:
    evaluation = evaluate(_records(body, limit, period, options), period, **options)
    subject = options["subjects"][0]
    return render([row(evaluation, v, lang) for v in subject_verdicts(evaluation, subject)], "json", {}) + "\n"


@router.post("/rank", operation_id="rank", openapi_extra=BODY, responses={**ERRORS, **NOTED},
             dependencies=[only("period", "award", "bloc", "as_of", "campaign", "lang")])
async def rank_award(request: Request, settings: Config, period: Period, award: Award, bloc: str | None = None,
                     as_of: AsOf = None, campaign: Campaign = None, lang: Lang = "vi") -> Response:
    """An award's eligible candidates in order, with quota: what `ktrules rank --format json` prints."""
    options = {"as_of": as_of, "rules": settings.rules, "campaign": campaign}
    return _noted(await run(_work(request), ranked, await dataset_body(request), settings.max_upload, period, lang,
                            options, award, bloc, lang=lang))


def ranked(body: bytes, limit: int, period: int, lang: str, options: dict[str, Any], award: str,
           bloc: str | None) -> Noted:
    evaluation = evaluate(_records(body, limit, period, options), period, **options)
    text = render(rank_rows(rank(evaluation, award, bloc), lang), "json", {}) + "\n"
    why = unweighed(evaluation, award, lang)  # as the command says it, on stderr
    return Noted(text.encode(), () if why is None else (why,))


@router.get("/rules", operation_id="rules", responses={**JSON_ARRAY, **errors(400, 401, 422)},
            dependencies=[only("as_of", "lang")])
def rules(settings: Config, as_of: VersionOn = None, lang: Lang = "vi") -> Response:
    """The awards of each national rule version (or of the one in force on `as_of`), criteria in short:
    what `ktrules rules --format json` prints."""
    versions = list(settings.national)
    if as_of:
        versions = [select_version(versions, as_of, t("err.no_version.as_of_hint", lang))]
    return _json(render(rule_rows(versions, lang), "json", {}) + "\n")


@router.head("/health", include_in_schema=False, dependencies=[only("lang")])  # monitors often ask with HEAD
@router.get("/health", operation_id="health", responses=errors(400, 401), dependencies=[only("lang")])
def health(settings: Config, lang: Lang = "vi") -> dict[str, Any]:
    """Whether the server answers, its version and the national rule versions it holds. It takes `lang`
    as every call does (a program may add it to all), and it sets the language of its refusals."""
    return {"status": "ok", "version": settings.version,
            "rules": [v.label for v in settings.national]}

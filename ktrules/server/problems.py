"""Errors as RFC 9457 problem details (application/problem+json): the CLI's one-line message in `detail`,
with the file, line and hint apart for a program; never a stack trace."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import LANGS, LANGUAGE, counted, t
from ktrules.common.reading import value_problem
from ktrules.engine.inputs import UploadTooLarge
from ktrules.server.workers import NoWorker, WorkerLost

MEDIA_TYPE = "application/problem+json"
STATUSES = (400, 401, 403, 404, 405, 413, 415, 422, 500, 503)  # those with a title of their own (`http.N`)
log = logging.getLogger("ktrules.server")
PROBLEM = "Problem"  # the name of the schema below among the OpenAPI schema's components
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object", "title": PROBLEM, "required": ["type", "title", "status", "detail"],
    "description": "An error as RFC 9457 problem details; members other than these four only when they apply.",
    "properties": {
        "type": {"type": "string", "const": "about:blank", "description": "The status says what kind."},
        "title": {"type": "string", "description": "The status in a few words, in the call's language."},
        "status": {"type": "integer", "description": "The HTTP status."},
        "detail": {"type": "string", "description": "The one line `ktrules` prints after 'Error: ', in the call's "
                                                    "language: where, what, and what to do."},
        "file": {"type": "string", "description": "The file the problem is in: `dataset.json` for the body, a "
                                                  "rule pack's file from the rules folder on (`vn/2024.yaml`)."},
        "line": {"type": "integer", "description": "The line of `file`."},
        "hint": {"type": "string", "description": "What to do, also at the end of `detail`."},
    },
}


class BadRequest(KtrulesError):
    """A request that asks for something the server does not take (an unknown query parameter)."""


class NotJson(KtrulesError):
    """A body the API cannot take: it reads a dataset as JSON only (415)."""


def is_api(path: str) -> bool:
    """What programs call (the JSON API and its schema); the rest are pages for a browser."""
    return path in ("/api", "/openapi.json") or path.startswith("/api/")


def lang_of(request: Request) -> str:
    """The language asked for in the address (a switch link), else on a page the one remembered, else
    Vietnamese. The API's is its `lang` parameter alone: the worker writes the detail in that language,
    and a cookie left by the pages gave an answer with a title in one language and a detail in another."""
    asked = request.query_params.get("lang")
    if not asked and not is_api(request.url.path):
        asked = request.cookies.get("lang")
    return asked if asked in LANGS else "vi"


def problem(status: int, detail: str, lang: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    title = title_of(status, lang)
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def title_of(status: int, lang: str) -> str:
    """A status in a few words, in the caller's language (a problem's `title`, an error page's heading)."""
    return t(f"http.{status if status in STATUSES else 'other'}", lang)


def from_error(exc: KtrulesError, lang: str, rules: Path | None = None) -> JSONResponse:
    """A user error: 413 for too much, 400 for a request the server does not take, 415 for a body that is
    no JSON, else 422 (the dataset or an option is wrong); `detail` is exactly what the CLI prints after
    'Error: ', except that a path under the server's `rules` folder is said from the folder on (`vn`,
    `vn/2024.yaml`): a caller learns which pack, never where the server keeps it."""
    status = _status_of(exc)
    detail, file, hint = str(exc), exc.file, exc.hint
    if rules is not None:
        detail, file, hint = (without_folder(text, rules) for text in (detail, file, hint))
    return problem(status, detail, lang, file=file, line=exc.line, hint=hint)


def _status_of(exc: KtrulesError) -> int:
    return 413 if isinstance(exc, UploadTooLarge) else 400 if isinstance(exc, BadRequest) else \
        415 if isinstance(exc, NotJson) else 422


def without_folder(text: str | None, rules: Path) -> str | None:
    """`text` with every mention of the rules folder made relative to it (the folder itself: its name)."""
    if text is None:
        return None
    for folder in dict.fromkeys((str(rules), str(rules.resolve()))):
        text = text.replace(folder + os.sep, "").replace(folder, rules.name)
    return text


# a page's error for a browser: (request, status, the one-line message) -> an HTML page
Page = Callable[[Request, int, str], Response]


def install(app: FastAPI, page: Page) -> None:
    """Every error the app can meet answered as problem details, or as `page` to a browser on the pages."""
    app.state.error_page = page
    app.add_exception_handler(KtrulesError, _ktrules_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(WorkerLost, _worker_lost)
    app.add_exception_handler(Exception, _unexpected)


def for_browser(request: Request, status: int) -> bool:
    """A page (not the API) asked for by a browser: an error there is a page, not JSON."""
    return (status >= 400 and not is_api(request.url.path)
            and "text/html" in request.headers.get("accept", ""))


def refused(request: Request, status: int, detail: str, lang: str, hint: str | None = None,
            headers: dict[str, str] | None = None) -> Response:
    """A guard's refusal, before any route: the error page to a browser on the pages (a secretary who opens
    the address without its token, or with too large a file), problem details to a program."""
    if not for_browser(request, status):
        return problem(status, detail, lang, headers=headers, hint=hint)
    response = request.app.state.error_page(request, status, f"{detail}; {hint}" if hint else detail)
    response.headers.update(headers or {})
    return response


async def _ktrules_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KtrulesError)
    settings = getattr(request.app.state, "settings", None)
    rules = getattr(settings, "rules", None)
    if for_browser(request, status := _status_of(exc)):
        return request.app.state.error_page(request, status, without_folder(str(exc), rules) if rules else str(exc))
    return from_error(exc, lang_of(request), rules)


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    lang = lang_of(request)
    LANGUAGE.set(lang)  # this request's task only: the answer speaks the language asked for
    first = exc.errors()[0]
    where = ".".join(str(step) for step in first["loc"][1:]) or str(first["loc"][0])
    given = first.get("input")
    shown = t("err.given", value=repr(given)) if isinstance(given, str | int | float) else ""
    more = len(exc.errors()) - 1
    # a date parameter also takes dd/mm/yyyy, as the command line does: pydantic's words name ISO alone
    day = first["type"].startswith("date_")
    said = t("val.date.query") if day else value_problem(first)
    return problem(400, t("err.query.invalid", place=first["loc"][0], name=where, problem=said)
                   + shown + (counted("err.more", more) if more else ""), lang,
                   hint=t("err.option_date.hint" if day else "err.query.invalid.hint"))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    lang = lang_of(request)
    # starlette's own words for a path or a method no route takes are English: ours say what to do
    detail = t(f"err.http.{exc.status_code}", lang, path=request.url.path, method=request.method) \
        if exc.status_code in (404, 405) and exc.detail in ("Not Found", "Method Not Allowed") else str(exc.detail)
    if for_browser(request, exc.status_code):
        page = request.app.state.error_page(request, exc.status_code, detail)
        page.headers.update(exc.headers or {})  # a 405's Allow, a 503's Retry-After
        return page
    return problem(exc.status_code, detail, lang, headers=exc.headers)


async def _worker_lost(request: Request, exc: Exception) -> JSONResponse:
    # nothing in the call was wrong and a new worker is starting: a retry may well succeed. One line in the
    # log; the trace would be the server's own wait for the answer, and the generic handler logged it twice
    log.error("%s, on %s %s: answered 503", exc, request.method, request.url.path)
    lang = lang_of(request)
    if isinstance(exc, NoWorker):  # no retry helps until the server is looked at
        return problem(503, t("err.no_worker", lang), lang)
    return problem(503, t("err.worker_lost", lang), lang, headers={"retry-after": "1"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # the trace goes to the server's log for whoever runs it; the caller learns only that it failed
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    lang = lang_of(request)
    # Starlette sends this answer from outside every middleware of the app: it carries the headers itself
    return problem(500, t("err.unexpected", lang), lang, headers=getattr(request.app.state, "stamp", None))

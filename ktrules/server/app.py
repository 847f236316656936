"""The app factory: everything a request reads is built here, once, and never mutated afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ktrules.records.models import Dataset
from ktrules.server import api, pages, problems, workers
from ktrules.server.limits import BodyLimit
from ktrules.server.runs import Runs
from ktrules.server.security import HostGuard, TokenGuard
from ktrules.server.state import Settings

HERE = Path(__file__).resolve().parent


def create_app(settings: Settings) -> FastAPI:
    """The web pages, the JSON API, /openapi.json and /docs (Swagger UI served from the package, no CDN)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # the API's work in processes of their own; the pages' runs in threads; both gone when the server stops
        async with workers.start(settings.workers, settings.rules) as pool:
            with Runs() as runs:
                app.state.workers, app.state.runs = pool, runs
                yield

    app = FastAPI(title="ktrules", version=settings.version, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Explained verdicts on emulation titles and commendations (thi đua, khen thưởng).")
    app.state.settings = settings
    problems.install(app, pages.error_page)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.get("/docs", include_in_schema=False)(_docs)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]

    # the last added runs first: the Host header, the token before anything reads the body, then its size;
    # the headers outside them all, so that their refusals carry them too
    app.add_middleware(BodyLimit, limit=settings.max_upload)
    app.add_middleware(TokenGuard, token=settings.token)
    if settings.hosts:
        app.add_middleware(HostGuard, hosts=tuple(settings.hosts))
    app.state.stamp = {"x-ktrules-version": settings.version, "x-content-type-options": "nosniff"}
    app.add_middleware(Stamp, headers=app.state.stamp)
    return app


class Stamp:
    """Headers set on every answer the app gives. Plain ASGI: the http middleware decorator passed each
    answer through a stream and a task of its own, work the server did again for every request."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(name.encode(), value.encode()) for name, value in headers.items()]
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in self.names]
                message = {**message, "headers": [*kept, *self.headers]}
            await send(message)

        await self.app(scope, receive, stamped)


async def _docs() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="ktrules API",
                               swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                               swagger_css_url="/static/swagger/swagger-ui.css",
                               swagger_favicon_url="/static/swagger/favicon-32x32.png")


BEARER = {"type": "http", "scheme": "bearer",
          "description": "The token of `ktrules serve --token` (or `KTRULES_TOKEN`, or the one it generates and "
                         "prints). Needed only when the server is bound beyond loopback (`--host` other than "
                         "127.0.0.1, localhost or ::1); on loopback no call needs it."}


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema, with the dataset's schema from the same pydantic model the server reads it with
    (the routes read the body themselves, so that its errors are the CLI's, with lines)."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        dataset = Dataset.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(dataset.pop("$defs", {}))
        components["Dataset"] = dataset
        components[problems.PROBLEM] = problems.PROBLEM_SCHEMA
        _without_validation_answers(schema)
        schema["components"]["securitySchemes"] = {"bearer": BEARER}
        schema["security"] = [{"bearer": []}, {}]  # or none: on loopback the server asks for no token
        app.openapi_schema = schema
    return app.openapi_schema


def _without_validation_answers(schema: dict[str, Any]) -> None:
    """FastAPI's own 422 (HTTPValidationError) dropped: the server refuses a parameter with a 400 problem."""
    for item in schema["paths"].values():
        for operation in item.values():
            answers = operation.get("responses", {})
            if "HTTPValidationError" in str(answers.get("422")):
                del answers["422"]
    for name in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(name, None)

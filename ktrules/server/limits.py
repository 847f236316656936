"""The upload limit: a body over `--max-upload-mb` is refused with 413 before the app reads any of it
(by its Content-Length) or as soon as it passes the limit (a chunked body)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ktrules.common.messages import t
from ktrules.documents.formatting import number
from ktrules.server.problems import lang_of, refused


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await self._refuse(scope, receive, send)
        chunks: list[bytes] = []
        size = 0
        while True:  # bounded: it stops at the end of the body or past the limit
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                return await self._refuse(scope, receive, send)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        del chunks
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # after the body: a disconnect, when it comes
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        lang = lang_of(request)
        detail, hint = t("err.upload.too_large", lang, mb=number(self.limit / 2**20, lang)), \
            t("err.upload.too_large.hint", lang)
        await refused(request, 413, detail, lang, hint)(scope, receive, send)

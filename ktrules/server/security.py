"""Who may reach the server: loopback without a token, any other address only with one; the token is
checked in constant time on every page and API call. Also the CSRF check of the pages' forms."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.requests import Request, cookie_parser
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ktrules.common.messages import t
from ktrules.server.problems import is_api, lang_of, refused

TOKEN_COOKIE = "ktrules_token"
CSRF_COOKIE = "ktrules_csrf"
CSRF_FIELD = "csrf"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def access_token(host: str, given: str | None) -> str | None:
    """The token the server will require: the one given, else a new one when binding off loopback."""
    if given or is_loopback(host):
        return given or None
    return secrets.token_urlsafe(24)


def local_names(host: str) -> tuple[str, ...] | None:
    """The Host headers a server bound to loopback answers: its own names only, so that a web page whose
    name an attacker points at 127.0.0.1 (DNS rebinding) cannot read it. None (any) off loopback, where
    the token guards it."""
    return ("127.0.0.1", "localhost", "::1", host.lower()) if is_loopback(host) else None


def same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


class HostGuard:
    """Refuses (400, in the caller's language: a page to a browser) a request whose Host header names none of
    `hosts`: starlette's TrustedHostMiddleware answered in English plain text."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _host_name(Headers(scope=scope).get("host", "")) not in self.hosts:
            request = Request(scope)
            lang = lang_of(request)
            return await refused(request, 400, t("err.host", lang), lang)(scope, receive, send)
        await self.app(scope, receive, send)


def _host_name(header: str) -> str:
    """The name in a Host header, without its port ('localhost:8000', '[::1]:8000'), in lower case: host
    names do not tell case apart (LOCALHOST is localhost)."""
    header = header.lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


class TokenGuard:
    """Refuses (401) any request without the token: `Authorization: Bearer T` for programs, a cookie for
    a browser. A browser's first visit to a page may carry `?token=T` (the address `ktrules serve`
    prints): it is answered with the cookie and a redirect to the same address without the token, out of
    the history. An API call never is: a redirect turns a POST into a GET without its body."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None:
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        bearer = credentials.strip() if scheme.lower() == "bearer" else None
        from_cookie = cookie_parser(headers.get("cookie", "")).get(TOKEN_COOKIE)
        if same(bearer, self.token) or same(from_cookie, self.token):
            return await self.app(scope, receive, send)
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        in_address = dict(query).get("token")
        api = is_api(scope["path"])
        if not api and same(in_address, self.token):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            response = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), status_code=303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
            return await response(scope, receive, send)
        request = Request(scope)
        lang = lang_of(request)
        await refused(request, 401, t(_refusal(api, bearer or from_cookie, in_address), lang), lang,
                      headers={"www-authenticate": "Bearer"})(scope, receive, send)


def _refusal(api: bool, sent: str | None, in_address: str | None) -> str:
    """Why a request is refused: a token sent that is not the server's (never which part differs), one
    in the address of an API call, or none."""
    if api and in_address is not None and not sent:
        return "err.token.in_address"
    return "err.token.wrong" if sent or in_address else "err.token"

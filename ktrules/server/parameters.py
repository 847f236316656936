"""What a request may ask in its address: a route refuses a parameter it does not take, and one given twice
that takes one value, rather than answer as if it were not there."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request

from ktrules.common.messages import LANGS, t
from ktrules.server.problems import BadRequest, lang_of


def only(*names: str, repeatable: tuple[str, ...] = (), hint: str = "err.query.unknown.hint") -> Any:
    """Refuse a query parameter the route does not take, `rules` above all (the rules folder is fixed when
    the server starts, and no request names a file), and one given twice that takes one value: which of
    `period=2024&period=2023` was meant, the server cannot tell."""
    allowed = set(names)

    async def check(request: Request) -> None:  # async: a plain function would run in a thread, per call
        query = request.query_params
        for name in query:
            lang = lang_of(request)
            if name not in allowed:
                taken = sorted(allowed - {"token"})  # the printed address's: not a choice to offer
                raise BadRequest(t("err.query.unknown", lang, name=name),
                                 hint=t(hint, lang, names=", ".join(taken) or t("err.none", lang)))
            if name not in repeatable and len(query.getlist(name)) > 1:
                raise BadRequest(t("err.query.twice", lang, name=name, values=", ".join(query.getlist(name))),
                                 hint=t("err.query.twice.hint", lang, name=name))
    return Depends(check)


def on_page(*names: str) -> Any:
    """`only` for a page: `lang` too, in a language the pages speak, and `token`, the printed address's,
    which the token guard takes before a page when the server has one."""
    allowed = only(*names, "lang", "token", hint="err.page.unknown.hint")

    async def check(request: Request) -> None:
        await allowed.dependency(request)
        asked = request.query_params.get("lang")
        if asked is not None and asked not in LANGS:
            raise BadRequest(t("err.query.lang", lang_of(request), value=asked))
    return Depends(check)

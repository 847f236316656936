"""What every request reads, built once when the server starts and never changed afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version as installed
from pathlib import Path
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from ktrules.rules import NATIONAL_PACK, LoadedVersion, load_pack
from ktrules.server.workers import default_size


@dataclass(frozen=True)
class Settings:
    rules: Path  # the rules folder, fixed at start: no request names a path
    token: str | None  # required of every request when set
    max_upload: int  # bytes
    national: tuple[LoadedVersion, ...]  # the national pack's versions, oldest first
    version: str  # of ktrules, sent in a header so a caller knows what answered
    workers: int  # processes evaluating API calls
    hosts: tuple[str, ...] | None  # the Host headers answered; None for any

    @classmethod
    def load(cls, rules: Path, token: str | None, max_upload_mb: int, workers: int | None = None,
             hosts: tuple[str, ...] | None = None) -> Settings:
        """Settings with the national pack read now, so that a broken rules folder stops the start."""
        rules = rules.resolve()
        return cls(rules, token, max_upload_mb * 2**20, tuple(load_pack(rules / NATIONAL_PACK)), installed("ktrules"),
                   workers or default_size(), hosts)


async def settings_of(connection: HTTPConnection) -> Settings:  # async: a plain function would run in a thread
    return connection.app.state.settings


Config = Annotated[Settings, Depends(settings_of)]  # a route's parameter: the server's settings

"""The API's worker processes: a worker that ends, or a bug in a call, fails at most that call; the server
goes on answering with the same bytes."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from fastapi.testclient import TestClient

from ktrules.rules import DEFAULT_RULES
from ktrules.server import workers
from ktrules.server.app import create_app
from ktrules.server.state import Settings
from tests.conftest import DEPARTMENT
from tests.server.conftest import body


def test_a_worker_that_ended_while_idle_is_replaced_and_no_call_fails() -> None:
    with TestClient(create_app(Settings.load(DEFAULT_RULES, None, 50, workers=1))) as client:
        url, department = "/api/check?period=2024&lang=en", body(DEPARTMENT)
        expected = client.post(url, content=department).content
        (worker,) = client.app.state.workers.everyone  # type: ignore[attr-defined]
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join()
        answer = client.post(url, content=department)
        assert (answer.status_code, answer.content) == (200, expected)


def test_a_worker_that_ends_during_a_call_fails_that_call_only() -> None:
    async def calls() -> str:
        async with workers.start(1, DEFAULT_RULES) as pool:
            with pytest.raises(workers.WorkerLost):
                await workers.run(pool, os._exit, 3)
            return await workers.run(pool, str.upper, "went on")
    assert asyncio.run(calls()) == "WENT ON"


def test_a_bug_in_a_call_is_raised_with_its_trace_and_the_worker_goes_on() -> None:
    async def calls() -> str:
        async with workers.start(1, DEFAULT_RULES) as pool:
            with pytest.raises(RuntimeError, match="ValueError: invalid literal"):
                await workers.run(pool, int, "x")
            return await workers.run(pool, str.upper, "went on")
    assert asyncio.run(calls()) == "WENT ON"

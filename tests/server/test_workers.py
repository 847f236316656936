"""The API's worker processes: a worker that ends, or a bug in a call, fails at most that call; the server
goes on answering with the same bytes."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from fastapi import Request
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


def test_a_call_whose_worker_ends_is_answered_503_to_be_retried(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings.load(DEFAULT_RULES, None, 50, workers=1))

    @app.post("/api/ending")
    async def ending(request: Request) -> None:
        await workers.run(request.app.state.workers, os._exit, 3)
    with TestClient(app, raise_server_exceptions=False) as client:
        lost = client.post("/api/ending?lang=en")
        assert lost.status_code == 503 and lost.headers["retry-after"] == "1"
        assert lost.json()["detail"] == "the process serving this call ended in the middle of it; the call can " \
                                        "be retried"
        assert lost.headers["x-ktrules-version"]
        assert client.post("/api/check?period=2024", content=body(DEPARTMENT)).status_code == 200
    logged = [r for r in caplog.records if r.name == "ktrules.server" and r.levelname == "ERROR"]
    assert len(logged) == 1 and logged[0].exc_info is None and "exit code 3" in logged[0].getMessage()


def test_a_bug_in_a_call_is_raised_with_its_trace_and_the_worker_goes_on() -> None:
    async def calls() -> str:
        async with workers.start(1, DEFAULT_RULES) as pool:
            with pytest.raises(RuntimeError, match="ValueError: invalid literal"):
                await workers.run(pool, int, "x")
            return await workers.run(pool, str.upper, "went on")
    assert asyncio.run(calls()) == "WENT ON"


def test_calls_get_a_free_worker_in_the_order_they_came() -> None:
    """A call that comes as a worker is freed waits behind those already waiting: with asyncio.Queue it
    took the worker first, and under load some requests waited seconds."""
    async def order() -> list[str]:
        pool, worker = workers.Pool(1, DEFAULT_RULES), object()
        pool.everyone.add(worker)  # type: ignore[arg-type]
        pool._release(worker)  # type: ignore[arg-type]
        taken = await pool._acquire()
        served: list[str] = []

        async def call(name: str) -> None:
            got = await pool._acquire()
            served.append(name)
            pool._release(got)

        first = asyncio.ensure_future(call("waited"))
        await asyncio.sleep(0)  # it waits for the worker
        later = asyncio.ensure_future(call("came later"))  # a request that runs before the waiting one wakes
        pool._release(taken)
        await asyncio.gather(first, later)
        return served
    assert asyncio.run(order()) == ["waited", "came later"]


def test_a_call_given_up_while_waiting_passes_the_worker_on() -> None:
    async def handed() -> bool:
        pool, worker = workers.Pool(1, DEFAULT_RULES), object()
        pool.everyone.add(worker)  # type: ignore[arg-type]
        pool._release(worker)  # type: ignore[arg-type]
        taken = await pool._acquire()
        given_up, next_one = asyncio.ensure_future(pool._acquire()), asyncio.ensure_future(pool._acquire())
        await asyncio.sleep(0)
        pool._release(taken)  # handed to the first waiting call, which is then given up
        given_up.cancel()
        return await asyncio.wait_for(next_one, 5) is worker
    assert asyncio.run(handed())


def test_a_call_when_no_worker_is_left_is_answered_not_kept_waiting() -> None:
    async def answered() -> None:
        await workers.Pool(1, DEFAULT_RULES)._acquire()
    with pytest.raises(workers.WorkerLost):
        asyncio.run(asyncio.wait_for(answered(), 5))


def test_closing_answers_the_call_in_progress_and_the_waiting_ones() -> None:
    async def closing() -> tuple[object, object]:
        pool = workers.Pool(1, DEFAULT_RULES)
        await pool.open()
        running = asyncio.ensure_future(workers.run(pool, time.sleep, 1))
        await asyncio.sleep(0.2)  # it has the only worker
        waiting = asyncio.ensure_future(workers.run(pool, time.sleep, 0))
        await asyncio.sleep(0.1)
        await pool.close()
        done = await asyncio.wait_for(asyncio.gather(running, waiting, return_exceptions=True), 15)
        return done[0], done[1]
    answered, refused = asyncio.run(closing())
    assert answered is None  # the call in progress finished and was answered
    assert isinstance(refused, workers.NoWorker)

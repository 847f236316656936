"""The API's work in worker processes: reading the body, evaluating, writing the answer. Processes use
every core where threads would take turns under the GIL, keep the server's own memory flat under load,
and share nothing: a request's error or memory stays in the process that served it.

Each worker is joined to the server by a socket pair that the event loop reads like any connection: a
call goes out as one pickled frame and an answer in bytes (the check's JSON) comes back as it is, not
pickled. ProcessPoolExecutor pickled every answer (812 KB for the department) and handed it from its
own threads to the event loop, about 1.5 ms of the server's CPU a request. The answer is read straight
into a buffer of its size: a stream reader grew its buffer and copied the answer out of it again, a
sixth of the server's own CPU under load."""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import traceback
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from ktrules.common.collector import freeze
from ktrules.common.errors import KtrulesError
from ktrules.common.messages import LANGUAGE
from ktrules.engine.evaluate import version_in_force
from ktrules.engine.inputs import UploadTooLarge

T = TypeVar("T")
FRAME = struct.Struct("!cQ")  # kind, then the payload's length
RAW, PICKLED, NOTED = b"r", b"p", b"n"  # bytes as they are; anything else pickled; the notes of bytes to follow
# Young objects a worker collects at once. A request makes hundreds of thousands of objects and leaves
# no cyclic garbage, yet the default (700) ran four young collections a request and a full one every
# ~30 requests, 60-70 ms each over the rules and the remembered outcomes. The bound keeps memory flat.
YOUNG_OBJECTS = 10_000
log = logging.getLogger("ktrules.server")


def default_size() -> int:
    return min(os.cpu_count() or 1, 4)


@dataclass(frozen=True)
class Failure:
    """A user error carried back whole: a pickled exception would lose its file, line and hint."""

    message: str
    file: str | None
    line: int | None
    hint: str | None
    too_large: bool

    def error(self) -> KtrulesError:
        kind = UploadTooLarge if self.too_large else KtrulesError
        return kind(self.message, file=self.file, line=self.line, hint=self.hint)


@dataclass(frozen=True)
class Noted:
    """An answer in bytes with the notices the command would print beside it (on stderr). It goes as two
    frames, the notices pickled and the bytes as they are: pickled whole, the answer would be copied
    twice more."""

    body: bytes | memoryview
    notices: tuple[str, ...]


@dataclass(frozen=True)
class Crash:
    """An unexpected error in a worker, with its trace for the server's log (the caller gets a 500)."""

    trace: str

    def error(self) -> RuntimeError:
        return RuntimeError(f"in a worker process:\n{self.trace}")


class WorkerLost(RuntimeError):
    """A worker process ended in the middle of a call (killed, out of memory): that call fails, the
    others go on, and a new worker takes its place."""


class NoWorker(WorkerLost):
    """No worker is left, none could be started again, or the server is stopping: a retry will not help
    until whoever runs the server looks at its log."""

    def __init__(self) -> None:
        super().__init__("no worker process is running; the server's log says why")


@dataclass(eq=False)  # each one itself, in a set
class _Worker:
    process: multiprocessing.process.BaseProcess
    channel: socket.socket  # non-blocking, read and written through the event loop


class Pool:
    """`size` worker processes, each serving one call at a time; a call waits for a free one."""

    def __init__(self, size: int, rules: Path) -> None:
        self.size, self.rules = size, rules
        self.idle: deque[_Worker] = deque()
        self.waiting: deque[asyncio.Future[_Worker]] = deque()  # calls waiting for a worker, first come first
        self.everyone: set[_Worker] = set()
        self.starting: set[asyncio.Future[None]] = set()
        self.closing = False

    async def open(self) -> None:
        # a worker that cannot start stops the server's start, not a request
        for worker in await asyncio.gather(*(self._start() for _ in range(self.size))):
            self._release(worker)

    async def _acquire(self) -> _Worker:
        if self.idle:  # none waits while one is idle
            return self.idle.popleft()
        if not self.everyone and not self.starting:  # none would ever come: a 503, not a call kept for ever
            raise NoWorker()
        waiter = asyncio.get_running_loop().create_future()
        self.waiting.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed one as the call was given up: the next
                self._release(waiter.result())
            raise

    def _release(self, worker: _Worker) -> None:
        """A free worker, handed to the call that has waited longest. With asyncio.Queue a call that came
        later could take it first, while the one woken up went back to the end of the line: under 50
        clients some requests waited six seconds while the median was half a second."""
        while self.waiting:
            waiter = self.waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self.idle.append(worker)

    async def _start(self) -> _Worker:
        """A worker started fresh (spawn: forking a threaded server is unsafe), once it has read the rules."""
        ours, theirs = socket.socketpair()
        with theirs:
            # not a daemon: a call on 2,000 people or more evaluates in processes of its own
            process = multiprocessing.get_context("spawn").Process(target=_serve, args=(theirs, self.rules))
            await asyncio.to_thread(process.start)
        ours.setblocking(False)
        worker = _Worker(process, ours)
        self.everyone.add(worker)
        try:
            ready = await _receive(ours)
        except ConnectionError:
            ready = Failure(f"a worker process could not start (exit code {process.exitcode})", None, None,
                            None, False)
        if isinstance(ready, Failure):
            self._drop(worker)
            raise ready.error()
        return worker

    async def call(self, task: Callable[..., T], *args: Any, lang: str) -> T | Failure | Crash:
        worker = await self._acquire()
        while not worker.process.is_alive():  # ended while idle: no call of its own to fail
            self._lost(worker)
            worker = await self._acquire()
        # shielded: a client that goes away mid-call leaves the worker's answer unread otherwise, and the
        # next call would read it as its own
        exchange = asyncio.ensure_future(self._exchange(worker, pickle.dumps((lang, task, args), protocol=5)))
        return await asyncio.shield(exchange)

    async def _exchange(self, worker: _Worker, call: bytes) -> Any:
        try:
            await asyncio.get_running_loop().sock_sendall(worker.channel, FRAME.pack(PICKLED, len(call)) + call)
            answer = await _receive(worker.channel)
        except ConnectionError:
            self._lost(worker)
            raise WorkerLost(f"the worker process ended during the call (exit code {worker.process.exitcode})") \
                from None
        self._release(worker)
        return answer

    def _lost(self, worker: _Worker) -> None:
        self._drop(worker)
        if self.closing:
            return
        replacing = asyncio.ensure_future(self._replace())
        self.starting.add(replacing)  # held until done: the loop keeps only a weak reference to a task
        replacing.add_done_callback(self.starting.discard)

    async def _replace(self) -> None:
        try:
            self._release(await self._start())
        except Exception:  # the server goes on with one worker fewer, and says so in its log
            log.exception("a worker process could not be started again")
            if not self.everyone and len(self.starting) <= 1:  # none left nor coming but this one: answered
                self._fail_waiting()

    def _fail_waiting(self) -> None:
        """The calls waiting, answered that no worker will serve them, rather than kept for ever."""
        while self.waiting:
            if not (waiter := self.waiting.popleft()).done():
                waiter.set_exception(NoWorker())

    def _drop(self, worker: _Worker) -> None:
        self.everyone.discard(worker)
        worker.channel.close()
        worker.process.join(1)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()

    async def close(self) -> None:
        self.closing = True
        self._fail_waiting()
        for starting in list(self.starting):
            starting.cancel()
        for worker in list(self.everyone):
            # the worker finishes its call, answers it, then reads the end of its input and stops
            with suppress(OSError):
                worker.channel.shutdown(socket.SHUT_WR)
        for worker in list(self.everyone):
            await asyncio.to_thread(worker.process.join, 10)
            self._drop(worker)


@asynccontextmanager
async def start(size: int, rules: Path) -> AsyncIterator[Pool]:
    """`size` processes with the rules read, stopped when the server stops."""
    pool = Pool(size, rules)
    try:
        await pool.open()
        yield pool
    finally:
        await pool.close()


async def run(pool: Pool, task: Callable[..., T], *args: Any, lang: str = "vi") -> T:
    """`task(*args)` in a worker, its errors in `lang`; a user error raised there is raised here as it was.
    An answer in bytes arrives as a memoryview of them, not copied again."""
    answer = await pool.call(task, *args, lang=lang)
    if isinstance(answer, Failure | Crash):
        raise answer.error()
    return answer


async def _receive(channel: socket.socket) -> Any:
    kind, size = FRAME.unpack(await _read(channel, FRAME.size))
    payload = await _read(channel, size)
    if kind == NOTED:
        return Noted(await _receive(channel), pickle.loads(payload))
    return payload if kind == RAW else pickle.loads(payload)


async def _read(channel: socket.socket, size: int) -> memoryview:
    """Exactly `size` bytes, received in place; a worker that ends first is a ConnectionError."""
    loop, payload = asyncio.get_running_loop(), memoryview(bytearray(size))
    done = 0
    while done < size:
        got = await loop.sock_recv_into(channel, payload[done:])
        if not got:
            raise ConnectionError("the worker closed its channel")
        done += got
    return payload


def _serve(channel: socket.socket, rules: Path) -> None:
    """A worker's life: the rules read, then one call after another until the server closes the channel."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which then closes the channel
    with channel, channel.makefile("rb") as incoming, suppress(ConnectionError):  # the server went away
        try:
            _warm(rules)
        except KtrulesError as exc:
            return _send(channel, _failure(exc))
        _send(channel, None)
        while header := incoming.read(FRAME.size):  # bounded by the server: it closes the channel to stop
            _, size = FRAME.unpack(header)
            lang, task, args = pickle.loads(incoming.read(size))
            _send(channel, _guarded(lang, task, *args))


def _warm(rules: Path) -> None:
    # the rules compiled before the first request: the version in force today and a year ago
    for day in (date.today(), date.today() - timedelta(days=365)):
        with suppress(KtrulesError):  # no version in force that day: requests will say so
            version_in_force(rules, day)
    # what is loaded now lives as long as the worker: kept out of every collection from here on
    freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


def _send(channel: socket.socket, answer: object) -> None:
    if isinstance(answer, Noted):
        _frame(channel, NOTED, pickle.dumps(answer.notices, protocol=5))
        answer = answer.body
    if isinstance(answer, bytes | memoryview):
        _frame(channel, RAW, answer)
    else:
        _frame(channel, PICKLED, pickle.dumps(answer, protocol=5))


def _frame(channel: socket.socket, kind: bytes, payload: bytes | memoryview) -> None:
    channel.sendall(FRAME.pack(kind, len(payload)))
    channel.sendall(payload)


def _guarded(lang: str, task: Callable[..., T], *args: Any) -> T | Failure | Crash:
    LANGUAGE.set(lang)  # a worker serves one call at a time: the call's language holds until the next
    try:
        return task(*args)
    except KtrulesError as exc:
        return _failure(exc)
    except Exception:  # a bug: this call fails, the worker goes on with the next
        return Crash(traceback.format_exc())


def _failure(exc: KtrulesError) -> Failure:
    return Failure(exc.message, exc.file, exc.line, exc.hint, isinstance(exc, UploadTooLarge))

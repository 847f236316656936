"""Load on `ktrules serve`: concurrent clients posting the 49-person department to /api/check on loopback.

    python benchmarks/load.py                          # 50 clients, 30 s, a server of its own on a free port
    python benchmarks/load.py --clients 10 --seconds 5 --workers 1
    python benchmarks/load.py --url http://127.0.0.1:8000 --pid 1234    # a server already running

Each client posts, waits for the whole answer, and posts again until the time is up (no pause: the
heaviest load that many clients can give). Prints requests/s, latency p50/p99/max, errors (any answer but
200 with the same bytes as the first), the server's resident memory at the start (after a warm-up)
and at the end, its CPU time per request, and the CPU time of this client per request (it runs on the
same cores as the server). Only loopback addresses are accepted. Figures only: nothing is asserted.

The clients speak HTTP/1.1 over asyncio streams, one kept-alive connection each, rather than through
httpx: on two cores the load client takes its CPU from the server, and httpx spent 2.4-3 ms a request
taking in the 870 KB answer, a fifth of what the server spends.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import URLError
from urllib.parse import SplitResult, urlsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENT = ROOT / "fixtures" / "datasets" / "so-khcn-binh-dinh.yaml"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
ANSWER_BUFFER = 4 << 20  # a stream's buffer: the 870 KB answer in a few reads


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if urlsplit(args.url or "http://127.0.0.1").hostname not in LOOPBACK:
        sys.exit("load.py runs against loopback only (127.0.0.1, localhost, ::1)")
    body = _body()
    server = None if args.url else _start_server(args.workers)
    url, pid = (args.url, args.pid) if args.url else (f"http://127.0.0.1:{server[1]}", server[0].pid)
    try:
        figures = asyncio.run(_load(f"{url}/api/check?period={args.period}", body, args, pid))
    finally:
        if server:
            server[0].terminate()
            server[0].wait(10)
    _print(figures, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--period", type=int, default=2024)
    parser.add_argument("--url", help="a server already running on loopback; default start one")
    parser.add_argument("--pid", type=int, help="its process id, for its memory")
    parser.add_argument("--workers", type=int, help="the started server's --workers; default its own default")
    return parser


def _body() -> bytes:
    """The department as the JSON a program would post (what the API tests post too)."""
    sys.path.insert(0, str(ROOT))
    from ktrules.engine.inputs import load_dataset

    return json.dumps(load_dataset(DEPARTMENT).model_dump(mode="json", exclude_none=True)).encode()


def _start_server(workers: int | None) -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chosen = ["--workers", str(workers)] if workers else []
    process = subprocess.Popen([sys.executable, "-m", "ktrules", "serve", "--host", "127.0.0.1", "--port",
                                str(port), *chosen], stdout=subprocess.DEVNULL)
    for _ in range(300):  # at most 30 s to start
        try:
            with urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1):
                return process, port
        except (URLError, ConnectionError):
            time.sleep(0.1)
    process.terminate()
    sys.exit("the server did not start in 30 s")


def _cpu_seconds(pid: int | None) -> tuple[float, float] | None:
    """CPU time used so far by the server process and by its worker processes: unlike requests/s, it does
    not depend on what else the machine is running."""
    if pid is None:
        return None
    ticks = [0, 0]
    for process in _family(pid):
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        ticks[process != pid] += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of proc(5)
    return ticks[0] / os.sysconf("SC_CLK_TCK"), ticks[1] / os.sysconf("SC_CLK_TCK")


def _memory_mb(pid: int | None) -> float | None:
    """Resident memory of the server and of its worker processes, together."""
    if pid is None:
        return None
    total = 0
    for process in _family(pid):
        for line in Path(f"/proc/{process}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def _family(pid: int) -> list[int]:
    # children of every thread: the server starts its workers from a thread
    children = [c for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    return [pid, *(p for child in children for p in _family(int(child)))]


async def _load(url: str, body: bytes, args: argparse.Namespace, pid: int | None) -> dict[str, object]:
    parts = urlsplit(url)
    request = (f"POST {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    connections = [await _connect(parts) for _ in range(args.clients)]
    expected = (await _post(*connections[0], request))[1]
    for _ in range(5):  # warm-up: rules compiled, caches filled, before memory is read
        await _post(*connections[0], request)
    start_mb, start_cpu, start_client = _memory_mb(pid), _cpu_seconds(pid), time.process_time()
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + args.seconds

    async def one_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while time.perf_counter() < deadline:  # bounded by the deadline
            began = time.perf_counter()
            try:
                status, content = await _post(reader, writer, request)
                if status != 200 or content != expected:
                    errors.append(str(status))
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                errors.append(type(exc).__name__)
                reader, writer = await _connect(parts)
            latencies.append(time.perf_counter() - began)
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(one_client(*connection) for connection in connections))
    elapsed = time.perf_counter() - began
    cpu, client_cpu = _cpu_seconds(pid), time.process_time() - start_client
    used = [b - a for a, b in zip(start_cpu, cpu, strict=True)] if cpu and start_cpu else None
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed, "start_mb": start_mb,
            "end_mb": _memory_mb(pid), "bytes": len(expected), "cpu": used,
            "client_cpu": client_cpu}


async def _connect(parts: SplitResult) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(parts.hostname, parts.port or 80, limit=ANSWER_BUFFER)


async def _post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    """One request on a kept-alive connection: the answer's status and body (the server gives its length)."""
    writer.write(request)
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    fields = dict(line.lower().split(": ", 1) for line in head[1:] if line)
    if "content-length" not in fields:
        raise ValueError("an answer without Content-Length")
    return int(head[0].split()[1]), await reader.readexactly(int(fields["content-length"]))


def _print(f: dict, args: argparse.Namespace) -> None:  # type: ignore[type-arg]
    latencies = sorted(f["latencies"])
    p50, p99 = (latencies[min(len(latencies) - 1, int(q * len(latencies)))] for q in (0.5, 0.99))  # nearest rank
    print(f"{args.clients} clients, {f['elapsed']:.1f} s, POST /api/check?period={args.period} "
          f"(49 people, answer {f['bytes'] / 1024:.0f} KB)")
    print(f"requests: {len(latencies)}  requests/s: {len(latencies) / f['elapsed']:.1f}")
    print(f"latency ms: p50 {p50 * 1000:.0f}  p99 {p99 * 1000:.0f}  max {latencies[-1] * 1000:.0f}")
    print(f"errors: {len(f['errors'])}" + (f" ({', '.join(sorted(set(f['errors'])))})" if f["errors"] else ""))
    if f["start_mb"] is not None:
        print(f"server memory MB: start {f['start_mb']:.0f}  end {f['end_mb']:.0f}")
        server, workers = (seconds / max(1, len(latencies)) * 1000 for seconds in f["cpu"])
        print(f"server CPU per request ms: {server + workers:.1f} (server process {server:.1f}, workers {workers:.1f})")
    print(f"load client CPU per request ms: {f['client_cpu'] / max(1, len(latencies)) * 1000:.1f} (on the same cores)")


if __name__ == "__main__":
    main()

"""Load on `ktrules serve`: concurrent clients posting the 49-person department to /api/check on loopback.

    python benchmarks/load.py                          # 50 clients, 30 s, a server of its own on a free port
    python benchmarks/load.py --clients 10 --seconds 5 --workers 1
    python benchmarks/load.py --url http://127.0.0.1:8000 --pid 1234    # a server already running

Each client posts, waits for the whole answer, and posts again until the time is up (no pause: the
heaviest load that many clients can give). Prints requests/s, latency p50/p99/max, errors (any answer but
200 with the same bytes as the first), the server's resident memory at the start (after a warm-up)
and at the end, its CPU time per request, and the CPU time of this client per request (it runs on the
same cores as the server). Only loopback addresses are accepted. Figures only: nothing is asserted.
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
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENT = ROOT / "fixtures" / "datasets" / "so-khcn-binh-dinh.yaml"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


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
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
            return process, port
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    sys.exit("the server did not start in 30 s")


def _cpu_seconds(pid: int | None) -> float | None:
    """CPU time used so far by the server and its worker processes, together: unlike requests/s, it
    does not depend on what else the machine is running."""
    if pid is None:
        return None
    ticks = 0
    for process in _family(pid):
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of proc(5)
    return ticks / os.sysconf("SC_CLK_TCK")


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
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        expected = (await client.post(url, content=body)).content
        for _ in range(5):  # warm-up: rules compiled, caches filled, before memory is read
            await client.post(url, content=body)
        start_mb, start_cpu, start_client = _memory_mb(pid), _cpu_seconds(pid), time.process_time()
        latencies: list[float] = []
        errors: list[str] = []
        deadline = time.perf_counter() + args.seconds

        async def one_client() -> None:
            while time.perf_counter() < deadline:  # bounded by the deadline
                began = time.perf_counter()
                try:
                    response = await client.post(url, content=body)
                    if response.status_code != 200 or response.content != expected:
                        errors.append(f"{response.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                latencies.append(time.perf_counter() - began)

        began = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(args.clients)))
        elapsed = time.perf_counter() - began
        cpu, client_cpu = _cpu_seconds(pid), time.process_time() - start_client
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed, "start_mb": start_mb,
            "end_mb": _memory_mb(pid), "bytes": len(expected), "cpu": cpu - start_cpu if cpu else None,
            "client_cpu": client_cpu}


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
        print(f"server CPU per request ms: {f['cpu'] / max(1, len(latencies)) * 1000:.1f} (server and workers)")
    print(f"load client CPU per request ms: {f['client_cpu'] / max(1, len(latencies)) * 1000:.1f} (on the same cores)")


if __name__ == "__main__":
    main()

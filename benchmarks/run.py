"""Time ktrules on a synthetic province: parsing, evaluation, explanations and CSV output.

    python benchmarks/run.py --people 100000            # one size
    python benchmarks/run.py --sweep                    # 10,000, 100,000 and 300,000, and how time grows
    python benchmarks/run.py --people 10000 --profile /tmp/profile.txt

The dataset is generated once per (people, seed, generator source) and cached under /tmp. Each size
is measured in a fresh process, so its peak memory is its own. Nothing is asserted: figures only.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import math
import os
import platform
import pstats
import resource
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

HERE = Path(__file__).resolve().parent
SWEEP = (10_000, 100_000, 300_000)
CACHE = Path(tempfile.gettempdir()) / "ktrules-bench"
LOOP_AWARDS, LOOP_PERIOD = ("LDTT", "CSTDCS", "TTLDTT"), 2024  # what loop.py decides


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.measure:
        _measure(args)
        return
    sizes = [int(n) for n in args.sizes.split(",")] if args.sizes else list(SWEEP) if args.sweep else [args.people]
    if args.data and len(sizes) > 1:
        sys.exit("--data names one dataset: use it without --sweep/--sizes")
    print(f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}")
    print(f"jobs={args.jobs}" if args.jobs else "jobs: ktrules' default (all cores from 2,000 people)")
    if args.check:
        for n in sizes:
            for fmt in args.check.split(","):
                _time_check(args.data or _dataset(n, args.seed, args.period), fmt, args)
        return
    results = [_run_child(args.data or _dataset(n, args.seed, args.period), args) for n in sizes]
    if len(results) > 1:
        _table(results)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Time ktrules on a synthetic province (prints figures, asserts nothing).")
    p.add_argument("--people", type=int, default=100_000, help="people in the province (default 100000)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument("--period", type=int, default=2024, help="year evaluated (default 2024)")
    p.add_argument("--jobs", type=int, default=None,
                   help="processes (default: ktrules.parallel.default_jobs, all cores from 2,000 people)")
    p.add_argument("--data", type=Path, default=None, help="time this dataset file instead of a generated one")
    p.add_argument("--sweep", action="store_true", help=f"run N = {', '.join(f'{n:,}' for n in SWEEP)}")
    p.add_argument("--sizes", default=None, help="a sweep of your own sizes, e.g. 2000,10000")
    p.add_argument("--profile", type=Path, default=None,
                   help="profile evaluate (slower) and write the top 25 by cumulative and own time here")
    p.add_argument("--check", default=None, metavar="FORMATS",
                   help="time the product path instead: `ktrules check --format F` for each of these formats "
                        "(e.g. json,csv), every national award explained, output to /dev/null")
    p.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)  # the child's dataset
    p.add_argument("--result", type=Path, default=None, help=argparse.SUPPRESS)  # where the child writes figures
    return p


# ---------------------------------------------------------------- the parent: data and one child per size
def _dataset(people: int, seed: int, period: int) -> Path:
    """The cached dataset for these arguments, generated when missing (a new generator gives a new file)."""
    source = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:10]
    path = CACHE / f"province-{people}-seed{seed}-{period}-{source}.json"
    if not path.exists():
        sys.path.insert(0, str(HERE))
        from generate import generate, write  # a sibling script, not a package

        CACHE.mkdir(parents=True, exist_ok=True)
        start = perf_counter()
        partial = path.with_suffix(".tmp")
        write(generate(people, seed, last_year=period), partial)
        partial.replace(path)
        print(f"generated {path} in {perf_counter() - start:.1f} s")
    return path


def _run_child(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        result = Path(tmp.name)
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(path), "--result", str(result),
               "--period", str(args.period)]
    command += ["--jobs", str(args.jobs)] if args.jobs else []
    command += ["--profile", str(args.profile)] if args.profile else []
    print(flush=True)
    if subprocess.run(command).returncode:
        sys.exit(f"measuring {path} failed (its error is above)")
    figures = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    return figures


def _time_check(path: Path, fmt: str, args: argparse.Namespace) -> None:
    """`ktrules check` as a user runs it, in a process of its own: wall time and the peak memory of its
    largest process (the parent or a worker; ru_maxrss of waited-for descendants)."""
    command = [sys.executable, "-m", "ktrules", "check", str(path), "--period", str(args.period), "--format", fmt]
    command += ["--jobs", str(args.jobs)] if args.jobs else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = perf_counter()
    with open(os.devnull, "wb") as sink:
        if subprocess.run(command, stdout=sink).returncode:
            sys.exit(f"ktrules check {path} failed (its error is above)")
    wall = perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"ktrules check --format {fmt} {path.name}: {wall:.2f} s wall, {cpu:.2f} s CPU (all processes), "
          f"peak {_peak(resource.RUSAGE_CHILDREN):,.0f} MiB (largest process so far)", flush=True)


def _table(results: list[dict[str, Any]]) -> None:
    print("\n      people   parse s  evaluate s  explain s  output s   total s   verdicts  people/s  verdicts/s"
          "  peak MiB")
    for r in results:
        print(f"{r['people']:>12,} {r['parse']:>9.2f} {r['evaluate']:>11.2f} {r['explain']:>10.2f} {r['output']:>9.2f}"
              f" {r['total']:>9.2f} {r['verdicts']:>10,} {r['people'] / r['total']:>9,.0f}"
              f" {r['verdicts'] / r['total']:>11,.0f} {r['peak_self']:>9,.0f}")
    print("\nhow time grows with N (linear: time ratio = N ratio, exponent 1.0)")
    for a, b in zip(results, results[1:], strict=False):
        n_ratio = b["people"] / a["people"]
        parts = [f"{phase} x{b[phase] / a[phase]:.2f}" for phase in ("parse", "evaluate", "explain", "output")
                 if a[phase] > 0]
        t_ratio = b["total"] / a["total"]
        print(f"  {a['people']:,} -> {b['people']:,}: N x{n_ratio:.1f}, total time x{t_ratio:.2f} "
              f"(exponent {math.log(t_ratio) / math.log(n_ratio):.2f}); {', '.join(parts)}")


# ---------------------------------------------------------------- the child: one size, timed phase by phase
def _measure(args: argparse.Namespace) -> None:
    from ktrules import load_dataset  # only the child pays for the import
    from ktrules.engine.parallel import default_jobs, map_partitions

    size = args.measure.stat().st_size
    start = perf_counter()
    dataset = load_dataset(args.measure)
    f: dict[str, Any] = {"parse": perf_counter() - start, "peak_parse": _peak(resource.RUSAGE_SELF)}
    if args.period == LOOP_PERIOD and not args.profile:
        f |= _versus_loop(dataset, args.period)
    jobs = 1 if args.profile else args.jobs or default_jobs(dataset)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    sums: Counter[str] = Counter()
    _mark()  # parsing is not evaluation when partitions run in this process
    with open(os.devnull, "wb") as sink:
        for text, figures in map_partitions(dataset, args.period, _partition, jobs=jobs):
            sink.write(text)
            sums.update(figures)
    if profiler:
        profiler.disable()
    f["total"] = perf_counter() - start
    f["run"] = f["total"] - f["parse"]
    f |= {"jobs": jobs, "people": len(dataset.people), "units": len(dataset.units), "verdicts": sums["verdicts"],
          "evaluate": sums["evaluate"], "explain": sums["explain"], "output": sums["output"],
          "peak_self": _peak(resource.RUSAGE_SELF), "peak_children": _peak(resource.RUSAGE_CHILDREN)}
    verdicts = Counter({k: sums[k] for k in ("eligible", "not_eligible", "incomplete")})
    del dataset
    start = perf_counter()
    json.loads(args.measure.read_text(encoding="utf-8"))
    f["json_decode"] = perf_counter() - start  # how much of parsing is the JSON itself, measured apart
    _report(args.measure, size, f, verdicts)
    if profiler:
        _write_profile(profiler, args.profile, f)
    if args.result:
        args.result.write_text(json.dumps(f), encoding="utf-8")


def _versus_loop(dataset: Any, period: int, rounds: int = 5) -> dict[str, float]:
    """`ktrules.evaluate` limited to LĐTT, CSTĐCS and TTLĐTT against the hand-written loop of
    `loop.py`, one process each, on the same parsed data: the two alternated `rounds` times, the best
    of each, counts compared. CPU seconds, not wall: on a shared machine they keep the ratio of the two
    honest, and alternating gives both the same minutes of the machine (two runs each, one after the
    other, moved the ratio by a tenth from run to run)."""
    from ktrules import evaluate

    sys.path.insert(0, str(HERE))
    import loop  # a sibling script, not a package

    def timed(run: Any) -> tuple[float, Counter]:
        started = process_time()
        counts = run()
        return process_time() - started, counts

    def ktrules() -> Counter:
        return Counter((v.award, v.verdict) for v in evaluate(dataset, period, awards=LOOP_AWARDS).verdicts)

    loop_s = ktrules_s = math.inf
    for _ in range(rounds):
        spent, expected = timed(lambda: loop.verdicts(dataset, period))
        loop_s = min(loop_s, spent)
        spent, got = timed(ktrules)
        ktrules_s = min(ktrules_s, spent)
    print(f"LĐTT, CSTĐCS, TTLĐTT of {period}, one process, CPU s, best of {rounds} alternated: hand-written loop "
          f"{loop_s:.3f}, ktrules.evaluate {ktrules_s:.3f}: ratio {ktrules_s / loop_s:.2f}x (target at most 1.5x); "
          f"verdicts {'agree' if got == expected else f'DIFFER: loop {dict(expected)} ktrules {dict(got)}'}")
    return {"loop": loop_s, "loop_ktrules": ktrules_s}


# (process, its CPU seconds) when a partition was last finished or evaluation began: a forked worker
# starts its own count from zero
_spent = (0, 0.0)


def _mark() -> None:
    global _spent
    _spent = os.getpid(), process_time()


def _partition(evaluation: Any) -> tuple[str, dict[str, float]]:
    """One partition, in the process that evaluated it: every verdict explained as `check --format json`
    writes it (its row with every criterion), then written as the CSV lines of `check --format csv`; CPU
    seconds of each phase, evaluation included."""
    from ktrules.documents.verdicts import check_text

    started = process_time()
    since = _spent[1] if _spent[0] == os.getpid() else 0.0
    check_text(evaluation, "vi", "json")
    explained = process_time()
    lines = check_text(evaluation, "vi", "csv")
    figures = Counter(v.verdict for v in evaluation.verdicts)
    figures.update({"evaluate": started - since, "explain": explained - started,
                    "output": process_time() - explained, "verdicts": len(evaluation.verdicts)})
    _mark()
    return lines, dict(figures)


def _peak(who: int) -> float:
    """Peak resident memory in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _report(path: Path, size: int, f: dict[str, Any], verdicts: Counter[str]) -> None:
    n, total = f["people"], f["total"]
    cpu = f["evaluate"] + f["explain"] + f["output"]
    print(f"N = {n:,} people, {f['units']:,} units ({path}, {size / 1e6:.1f} MB), {f['jobs']} process(es)")
    print(f"  parse + validate      {f['parse']:>9.2f} s wall (JSON decoding alone {f['json_decode']:.2f} s)")
    print(f"  evaluate, explain every verdict, write CSV: {f['run']:.2f} s wall; CPU seconds summed over the "
          "processes:")
    for label, key in (("evaluate", "evaluate"), ("explain every verdict", "explain"), ("CSV output", "output")):
        print(f"    {label:<22}{f[key]:>9.2f} s  {100 * f[key] / cpu:>5.1f} %")
    print(f"  total                 {total:>9.2f} s wall")
    shares = ", ".join(f"{k} {verdicts[k]:,}" for k in ("eligible", "not_eligible", "incomplete"))
    print(f"  verdicts              {f['verdicts']:,} ({shares})")
    print(f"  people/s              {n / total:,.0f}")
    print(f"  verdicts/s            {f['verdicts'] / total:,.0f}")
    print(f"  peak memory           {f['peak_self']:,.0f} MiB main process (after parsing {f['peak_parse']:,.0f}), "
          f"{f['peak_children']:,.0f} MiB largest worker")


def _write_profile(profiler: cProfile.Profile, out: Path, figures: dict[str, Any]) -> None:
    with out.open("w", encoding="utf-8") as f:
        f.write(f"cProfile of ktrules.evaluate on {figures['people']:,} people, {figures['verdicts']:,} verdicts "
                f"({figures['evaluate']:.1f} s under the profiler)\n\n")
        for order in ("cumulative", "tottime"):
            f.write(f"==== top 25 by {order}\n")
            pstats.Stats(profiler, stream=f).strip_dirs().sort_stats(order).print_stats(25)
    print(f"  profile of evaluate   {out} (times above include the profiler's overhead)")


if __name__ == "__main__":
    main()

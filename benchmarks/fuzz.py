"""The long fuzzing run: many damaged datasets and rule files, each read and evaluated; prints how
many were tried, evaluated and refused, the crashes (any exception other than a KtrulesError, or a
KtrulesError on more than one line) with the first of each kind, and the time.

    python benchmarks/fuzz.py --examples 10000
    python benchmarks/fuzz.py --examples 500 --seed 7 --kinds rules

Exit 1 when there was a crash. The strategies are the test suite's (tests/fuzzing.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzzing import SMALL, csv_datasets, document_datasets, outcome, rule_packs, workbook_datasets  # noqa: E402

KINDS = {"documents": document_datasets(), "workbook": workbook_datasets(), "csv": csv_datasets(),
         "rules": rule_packs()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=1000, help="How many inputs to try (default 1000).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"Comma-separated, of: {', '.join(KINDS)}.")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    results: Counter[str] = Counter()
    crashes: dict[str, str] = {}
    work = Path(tempfile.mkdtemp(prefix="ktrules-fuzz-"))
    started = time.perf_counter()

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(kinds).flatmap(lambda kind: st.tuples(st.just(kind), KINDS[kind])))
    def attempt(drawn: tuple) -> None:
        kind, write = drawn
        folder = Path(tempfile.mkdtemp(dir=work))
        try:
            written = write(folder)
            results[outcome(SMALL, rules=written) if kind == "rules" else outcome(written)] += 1
        except Exception as exc:  # noqa: BLE001 - a crash is what this run counts
            results["crashed"] += 1
            last = traceback.extract_tb(exc.__traceback__)[-1]
            crashes.setdefault(f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno} ({kind})",
                               "".join(traceback.format_exception(exc))[-1500:])
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    attempt()
    shutil.rmtree(work, ignore_errors=True)
    tried = sum(results.values())
    print(f"{tried} examples ({', '.join(kinds)}) in {time.perf_counter() - started:.0f} s: "
          f"{results['evaluated']} evaluated, {results['refused']} refused with one line, "
          f"{results['crashed']} crashed")
    for where, trace in crashes.items():
        print(f"\n--- {where}\n{trace}")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()

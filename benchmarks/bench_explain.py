"""Benchmark: `asnatlas explain` for every exposure of a pool (target: mega_pool in < 5 s).

usage: .venv/bin/python benchmarks/bench_explain.py [POOL ...] [--repeat N]

Without a pool it uses ``../shared/conformance/pools/mega_pool.csv`` (when ``../shared``
is beside the repository), else the embedded samples. Prints, per pool, the best of N
(default 3) wall-clock times of what ``asnatlas explain POOL --all`` does: read the pool,
generate its associations, explain every exposure; and each step's share.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from asnatlas import samples
from asnatlas.explain.explainer import Explainer
from asnatlas.generate import generate
from asnatlas.pool import read_pool

REPO = Path(__file__).resolve().parents[1]
MEGA = REPO.parent / "shared" / "conformance" / "pools" / "mega_pool.csv"
TARGET_SECONDS = 5.0


def once(path: Path) -> tuple[float, float, float, int, int]:
    """(read, generate, explain) seconds, rows, reasons given."""
    start = time.perf_counter()
    pool = read_pool(str(path))
    read = time.perf_counter()
    generated = generate(pool)
    made = time.perf_counter()
    explainer = Explainer(pool, generated)
    reasons = sum(len(explainer.explain(i).rejected) for i in range(len(pool.rows)))
    done = time.perf_counter()
    return read - start, made - read, done - made, len(pool.rows), reasons


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pools", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    paths = args.pools or ([MEGA] if MEGA.is_file() else
                           [samples.path(n) for n in samples.names()])
    for path in paths:
        runs = [once(path) for _ in range(args.repeat)]
        read, made, explained, rows, reasons = min(runs, key=lambda r: sum(r[:3]))
        total = read + made + explained
        verdict = "ok" if total < TARGET_SECONDS else "over target"
        print(f"{path.name}: {rows} exposures, {reasons} reasons; total {total:.2f} s "
              f"(read {read:.2f}, generate {made:.2f}, explain {explained:.2f}) "
              f"[target < {TARGET_SECONDS:.0f} s: {verdict}]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

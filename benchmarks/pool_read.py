"""Benchmark: reading pools (target: mega_pool, 838 rows, in under 0.5 s).

usage: .venv/bin/python benchmarks/pool_read.py [POOL ...]

Without arguments it reads the embedded samples and, when ``../shared`` is beside the
repository, every conformance pool. Prints the best of 5 wall-clock times per pool.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from asnatlas import samples
from asnatlas.pool import read_pool

REPO = Path(__file__).resolve().parents[1]
POOLS = REPO.parent / "shared" / "conformance" / "pools"


def best_of(path: Path, repeat: int = 5) -> tuple[float, int]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pool = read_pool(str(path))
        times.append(time.perf_counter() - start)
    return min(times), len(pool.rows)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [samples.path(n) for n in samples.names()]
    if not argv and POOLS.is_dir():
        paths += sorted(POOLS.glob("*.csv"))
    total = 0.0
    for path in paths:
        seconds, rows = best_of(path)
        total += seconds
        print(f"{path.name:45s} {rows:5d} rows {seconds * 1000:8.1f} ms")
    print(f"{'total':45s} {'':10s} {total * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

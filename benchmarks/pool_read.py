"""Benchmark: reading pools, ours against astropy's reading as the reference does it.

usage: .venv/bin/python benchmarks/pool_read.py [POOL ...]

Without arguments it reads the embedded samples and, when ``../shared`` is beside the
repository, every conformance pool. Prints the best of 5 CPU times per pool for our
reader (``read_pool``, row checks included) and for astropy's format-guessing reading
that the reference runs (``asnatlas.pool.guess.guess_read``, astropy already imported),
and the time to import astropy once, which our reader never pays.
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
        start = time.process_time()
        pool = read_pool(str(path))
        times.append(time.process_time() - start)
    return min(times), len(pool.rows)


def astropy_best_of(path: Path, repeat: int = 5) -> float:
    from asnatlas.pool.guess import guess_read

    text = path.read_text(encoding="utf-8")
    times = []
    for _ in range(repeat):
        start = time.process_time()
        guess_read(text, "|")
        times.append(time.process_time() - start)
    return min(times)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [samples.path(n) for n in samples.names()]
    if not argv and POOLS.is_dir():
        paths += sorted(POOLS.glob("*.csv"))
    import os

    start = time.process_time()
    import astropy.table  # noqa: F401  (what the reference pays before reading)

    print(f"import astropy.table: {(time.process_time() - start) * 1000:.0f} ms CPU "
          f"(load average {os.getloadavg()[0]:.2f})")
    print(f"{'pool':45s} {'rows':>10s} {'ours':>10s} {'astropy':>10s} {'ratio':>6s}")
    total = total_astropy = 0.0
    for path in paths:
        seconds, rows = best_of(path)
        reference = astropy_best_of(path)
        total += seconds
        total_astropy += reference
        print(f"{path.name:45s} {rows:5d} rows {seconds * 1000:7.1f} ms {reference * 1000:7.1f} ms"
              f" {reference / seconds:5.1f}x")
    print(f"{'total':45s} {'':10s} {total * 1000:7.1f} ms {total_astropy * 1000:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

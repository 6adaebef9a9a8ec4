"""Benchmark: `asnatlas explain --all` on a pool (target: mega_pool under 1.5 s).

usage: .venv/bin/python benchmarks/bench_explain.py [POOL ...] [--repeat N] [--jobs 1,2]

Without a pool it uses ``../shared/conformance/pools/mega_pool.csv`` (when ``../shared``
is beside the repository), else the embedded samples. Prints, per pool, the best and median
of N (default 3) wall times of the whole command (``asnatlas explain --all POOL -j J``, a
fresh process, output to /dev/null) for each J of ``--jobs``, then the best in-process
split: read the pool, generate its associations, explain every exposure. The machine's
load is printed too: other work on a shared machine inflates wall times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from asnatlas import samples
from asnatlas.explain import explain_pool
from asnatlas.generate import generate
from asnatlas.pool import read_pool

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_generate import fresh_bytecode  # noqa: E402  (sibling script, not a package)

REPO = Path(__file__).resolve().parents[1]
MEGA = REPO.parent / "shared" / "conformance" / "pools" / "mega_pool.csv"
TARGET_SECONDS = 1.5


def whole_command(path: Path, jobs: int) -> float:
    """Wall seconds of ``asnatlas explain --all POOL -j N`` in a fresh process (output
    dropped)."""
    script = Path(sys.executable).with_name("asnatlas")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "asnatlas"]
    start = time.perf_counter()
    subprocess.run([*cmd, "explain", "--all", str(path), "-j", str(jobs)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   timeout=600)
    return time.perf_counter() - start


def once(path: Path, jobs: int) -> tuple[float, float, float, int, int]:
    """(read, generate, explain) seconds, rows, reasons given."""
    start = time.perf_counter()
    pool = read_pool(str(path))
    read = time.perf_counter()
    generated = generate(pool, jobs=jobs)
    made = time.perf_counter()
    reasons = sum(explain_pool(pool, generated, jobs=jobs, then=lambda e: len(e.rejected)))
    done = time.perf_counter()
    return read - start, made - read, done - made, len(pool.rows), reasons


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pools", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=lambda text: [int(j) for j in text.split(",")],
                        default=[1, 2], help="process counts (explain -j N; default 1,2)")
    args = parser.parse_args(argv)
    paths = args.pools or ([MEGA] if MEGA.is_file() else
                           [samples.path(n) for n in samples.names()])
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(fresh_bytecode())
    for path in paths:
        for jobs in args.jobs:
            walls = [whole_command(path, jobs) for _ in range(args.repeat)]
            runs = [once(path, jobs) for _ in range(args.repeat)]
            read, made, explained, rows, reasons = min(runs, key=lambda r: sum(r[:3]))
            total = read + made + explained
            verdict = "met" if min(walls) < TARGET_SECONDS else "NOT met"
            print(f"{path.name}: {rows} exposures, {reasons} reasons; "
                  f"`asnatlas explain --all -j {jobs}` {min(walls):.2f} s best, "
                  f"{statistics.median(walls):.2f} s median (whole process); in-process "
                  f"{total:.2f} s (read {read:.2f}, generate {made:.2f}, explain "
                  f"{explained:.2f}) [target < {TARGET_SECONDS} s: {verdict}]")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

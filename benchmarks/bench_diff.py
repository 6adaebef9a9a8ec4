"""Benchmark: `asnatlas diff` over the conformance corpus (target: < 2 s).

usage: .venv/bin/python benchmarks/bench_diff.py [--repeat N]

Generates the associations of every pool of ``../shared/conformance/pools`` into a temporary
folder (not timed), then times, best of N (default 3), the command
``asnatlas diff GENERATED EXPECTED`` run as a user runs it (a new process: start-up,
reading all 1731 files of each side, comparing), relaxed and strict. Prints the figures and
the load average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFORMANCE = REPO.parent / "shared" / "conformance"
TARGET_SECONDS = 2.0


def generate_corpus(out: Path) -> int:
    from asnatlas.generate import generate
    from asnatlas.pool import read_pool

    count = 0
    for pool in sorted((CONFORMANCE / "pools").glob("*.csv")):
        folder = out / pool.stem
        folder.mkdir()
        for asn in generate(read_pool(str(pool)), version_id="20261123t000000").associations:
            (folder / asn.filename).write_text(asn.to_json())
            count += 1
    return count


def timed(args: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child, exit status)."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "asnatlas", "diff", *args],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + \
        (after.children_system - before.children_system)
    return wall, cpu, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not CONFORMANCE.is_dir():
        print(f"conformance corpus not found at {CONFORMANCE}; nothing to measure")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generated = Path(tmp)
        n = generate_corpus(generated)
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for mode in ([], ["--strict"]):
            runs = [timed([str(generated), str(CONFORMANCE / "expected"), *mode])
                    for _ in range(args.repeat)]
            wall = min(r[0] for r in runs)
            cpu = min(r[1] for r in runs)
            status = {r[2] for r in runs}
            verdict = "equivalent" if status == {0} else f"exit {sorted(status)}"
            met = "ok" if wall < TARGET_SECONDS else "MISSED"
            print(f"diff {n} generated files vs expected/ {' '.join(mode) or '(relaxed)'}: "
                  f"best wall {wall:.2f} s, CPU {cpu:.2f} s, {verdict} "
                  f"(target < {TARGET_SECONDS:.0f} s: {met})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

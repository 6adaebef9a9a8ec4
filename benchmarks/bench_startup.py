"""Benchmark: whole-process start-up of the commands users run most on small inputs.

usage: .venv/bin/python benchmarks/bench_startup.py [--repeat N]

Targets (issue 12): ``generate --sample imaging --dry-run`` and any pool under 200 rows
under 0.3 s, ``validate`` of one file under 0.15 s, whole process (interpreter start
included). Prints the median and best of N runs of each, the machine load, and which
heavy libraries each command imported. Byte-code caches are written first (a warm-up
run with PYTHONDONTWRITEBYTECODE unset), as for an installed package.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POOLS = REPO.parent / "shared" / "conformance" / "pools"
HEAVY = ("astropy", "numpy", "jinja2", "jsonschema", "sphinx")

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], repeat: int) -> tuple[float, float, float]:
    """(median wall, best wall, median CPU) seconds of the whole process.

    CPU time (user + system) hardly depends on how loaded the machine is: on an idle
    machine the wall time is close to it; on a shared one the wall time is not.
    """
    subprocess.run(argv, env=ENV, capture_output=True, check=False)  # warm-up, byte code
    times, cpus = [], []
    for _ in range(repeat):
        cpu = _child_cpu()
        start = time.perf_counter()
        subprocess.run(argv, env=ENV, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        cpus.append(_child_cpu() - cpu)
    return statistics.median(times), min(times), statistics.median(cpus)


def imported(args: list[str]) -> list[str]:
    """The heavy libraries a command imports (run in a child interpreter)."""
    code = ("import sys, contextlib, io\nfrom asnatlas.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), "
            "contextlib.redirect_stderr(io.StringIO()):\n"
            f"    main({args!r})\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True,
                            text=True, check=False)
    return [m for m in result.stdout.strip().split(",") if m]


def rows_of(path: Path) -> int:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return max(0, sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))
               - 1)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    exe = str(Path(sys.executable).parent / "asnatlas")
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}; median and best of {args.repeat} runs, whole process")
    print(f"{'command':58s} {'median':>8s} {'best':>8s} {'cpu':>7s} {'target':>7s}  imports")
    cases: list[tuple[str, list[str], float | None, list[str] | None]] = [
        ("python -c pass (interpreter alone)", [sys.executable, "-c", "pass"], None, None),
        ("python -c 'import astropy.table' (for scale)",
         [sys.executable, "-c", "import astropy.table"], None, None),
        ("asnatlas generate --sample imaging --dry-run",
         [exe, "generate", "--sample", "imaging", "--dry-run"], 0.3,
         ["generate", "--sample", "imaging", "--dry-run"]),
    ]
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([exe, "generate", "--sample", "imaging", "-o", work, "-q"], env=ENV,
                       check=True)
        one = sorted(Path(work).glob("*_asn.json"))[0]
        cases.append((f"asnatlas validate {one.name[:30]}...", [exe, "validate", str(one)], 0.15,
                      ["validate", str(one)]))
        if POOLS.is_dir():
            for pool in sorted(POOLS.glob("*.csv")):
                rows = rows_of(pool)
                if rows < 200:
                    cases.append((f"asnatlas generate {pool.name[:28]} ({rows} rows)",
                                  [exe, "generate", str(pool), "--dry-run"], 0.3, None))
        else:
            print("(../shared/conformance is not beside the repository: corpus pools skipped)")
        worst = {}
        for label, command, target, probe in cases:
            median, best, cpu = timed(command, args.repeat)
            libs = (",".join(imported(probe)) or "-") if probe is not None else ""
            mark = "" if target is None else (" ok" if median <= target else " SLOW")
            shown = "" if target is None else f"{target:.2f}"
            print(f"{label:58s} {median:8.3f} {best:8.3f} {cpu:7.3f} {shown:>7s}{mark}  {libs}")
            if target is not None:
                old = worst.get(target, (0.0, 0.0))
                worst[target] = (max(old[0], median), max(old[1], cpu))
    for target, (seconds, cpu) in sorted(worst.items()):
        print(f"against the {target:.2f} s target: slowest median {seconds:.3f} s wall, "
              f"{cpu:.3f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark `asnatlas generate` end to end, optionally side by side with jwst's asn_generate.

usage: .venv/bin/python benchmarks/bench_generate.py [--repeat 5] [--sizes 1000,5000,...]
           [--reference] [--reference-all] [--reference-cmd PATH] [--reference-max-rows N]

Every run is a fresh process started as a user starts it (``asnatlas generate POOL -o DIR
--version-id ID``: interpreter start-up, imports, reading the pool, writing the files), into
an empty folder. Wall time is measured around the process; CPU time and peak memory (maximum
resident set size) come from the kernel's accounting of that one child (``os.wait4``).

Pools:
- ``mega_pool`` from ``../shared/conformance`` (838 rows, 858 associations), ``--repeat``
  times, best and median (target: under 2 s). Skipped with a message without ``../shared``.
- synthetic imaging programs of ``--sizes`` rows (``make_synthetic_pool.py``, fixed seed):
  rows/s, peak memory, time per 1,000 rows and the growth exponent between consecutive sizes
  (1.0 = linear, 2.0 = quadratic). Target: 40,000 rows in under 30 s and under 1 GB.
  A size whose run exceeds ``--timeout`` stops the series (larger sizes would be slower).

With ``--reference`` the reference (``/tmp/jwstref/bin/asn_generate`` by default, run as
``asn_generate POOL -p DIR --version-id ID``) runs once on the same pools where feasible:
synthetic pools of at most ``--reference-max-rows`` rows and ``pool_004_wfs``; ``mega_pool``
(about 280 s) only with ``--reference-all``. Both outputs are compared file by file (same
names, same content once ``constraints`` and ``code_version`` are dropped).

example:
  .venv/bin/python benchmarks/bench_generate.py --repeat 5 --sizes 1000,5000,10000,20000,40000
  .venv/bin/python benchmarks/bench_generate.py --sizes 500,1000 --reference
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_synthetic_pool import write_pool  # noqa: E402  (sibling script, not a package)

REPO = Path(__file__).resolve().parents[1]
POOLS = REPO.parent / "shared" / "conformance" / "pools"
VERSION_ID = "20261123t000000"
REFERENCE = "/tmp/jwstref/bin/asn_generate"
DROP = ("constraints", "code_version")  # fields only the reference can reproduce


@dataclass
class Run:
    """One process run: wall and CPU seconds, peak RSS in MB, exit status, files written."""

    wall: float
    cpu: float
    peak_mb: float
    status: int
    files: int
    log: str = ""


@dataclass
class Row:
    """The figures of one pool in the final table."""

    name: str
    rows: int
    runs: list[Run] = field(default_factory=list)
    reference: Run | None = None
    same: str = ""
    note: str = ""

    @property
    def ok(self) -> list[Run]:
        return [r for r in self.runs if r.status == 0]


def asnatlas_command() -> list[str]:
    """The ``asnatlas`` console script next to this interpreter, else ``python -m asnatlas``."""
    script = Path(sys.executable).with_name("asnatlas")
    return [str(script)] if script.exists() else [sys.executable, "-m", "asnatlas"]


def measure(cmd: list[str], outdir: Path, timeout: float) -> Run:
    """Run ``cmd`` in a fresh process; its own wall time, CPU time and peak RSS."""
    with tempfile.TemporaryFile(mode="w+") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                return Run(time.perf_counter() - start, usage.ru_utime + usage.ru_stime,
                           usage.ru_maxrss / 1024, -9, 0, "timeout")
            time.sleep(0.005)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
        log.seek(0)
        text = log.read()
    files = len(list(outdir.glob("*.json"))) if outdir.is_dir() else 0
    # ru_maxrss is in kilobytes on Linux.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               proc.returncode, files, text[-2000:])


def run_ours(pool: Path, work: Path, timeout: float) -> Run:
    out = work / "ours"
    shutil.rmtree(out, ignore_errors=True)
    cmd = asnatlas_command() + ["generate", str(pool), "-o", str(out), "--version-id", VERSION_ID]
    return measure(cmd, out, timeout)


def run_reference(reference: str, pool: Path, work: Path, timeout: float) -> Run:
    out = work / "reference"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cmd = [reference, str(pool), "-p", str(out), "--version-id", VERSION_ID]
    return measure(cmd, out, timeout)


def _load(folder: Path) -> dict[str, object]:
    found = {}
    for path in sorted(folder.glob("*_asn.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            data = {"unreadable": str(exc)}
        if isinstance(data, dict):
            for key in DROP:
                data.pop(key, None)
        found[path.name] = data
    return found


def same_files(expected: Path, actual: Path) -> str:
    """``identical/total`` over the union of file names of both folders."""
    ref, ours = _load(expected), _load(actual)
    names = set(ref) | set(ours)
    same = sum(1 for n in names if n in ref and n in ours and ref[n] == ours[n])
    return f"{same}/{len(names)}"


def pool_rows(path: Path) -> int:
    """Exposure rows of a pool, as asnatlas reads them (junk and repeated headers dropped)."""
    from asnatlas.pool import read_pool

    return len(read_pool(str(path)).rows)


def bench_pool(name: str, pool: Path, work: Path, repeat: int, timeout: float,
               reference: str | None) -> Row:
    """Time our generator ``repeat`` times (and the reference once) on one pool."""
    row = Row(name, pool_rows(pool))
    for i in range(repeat):
        result = run_ours(pool, work, timeout)
        row.runs.append(result)
        print(f"  {name}: run {i + 1}/{repeat}: {_run_text(result)}", flush=True)
        if result.status != 0:
            row.note = "timeout" if result.log == "timeout" else f"exit {result.status}"
            if result.log != "timeout":
                print("    " + result.log.strip().splitlines()[-1] if result.log.strip() else "")
            break
    if reference:
        print(f"  {name}: reference running (this can take minutes)...", flush=True)
        row.reference = run_reference(reference, pool, work, timeout)
        print(f"  {name}: reference: {_run_text(row.reference)}", flush=True)
        if row.reference.status == 0 and row.ok:
            # The last run of ours left its files in work/ours.
            row.same = same_files(work / "reference", work / "ours")
    return row


def _run_text(run: Run) -> str:
    if run.log == "timeout":
        return f"timeout after {run.wall:.0f} s"
    return (f"{run.wall:.2f} s wall, {run.cpu:.2f} s CPU, {run.peak_mb:.0f} MB peak, "
            f"{run.files} files, exit {run.status}")


def machine() -> list[str]:
    """Facts that matter when reading the figures."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    from asnatlas import __version__ as version

    return [
        f"machine: {os.cpu_count()} cores ({usable} usable){memory}; {model or platform.machine()}",
        f"python:  {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}",
        f"asnatlas {version}; command: {' '.join(asnatlas_command())} generate POOL -o DIR "
        f"--version-id {VERSION_ID}",
        f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        "(other work on the machine inflates wall times; CPU time is less affected)",
    ]


def table(rows: list[Row], repeat: int, synthetic: int) -> list[str]:
    """The compact summary table."""
    head = (f"{'pool':24s} {'rows':>6s} {'asns':>6s} {'best s':>8s} {'median s':>8s} "
            f"{'CPU s':>7s} {'rows/s':>8s} {'peak MB':>7s} {'ms/1k rows':>10s} {'growth':>6s} "
            f"{'(CPU)':>6s} "
            f"{'ref s':>8s} {'ref MB':>7s} {'same':>9s}")
    lines = [head, "-" * len(head)]
    previous: tuple[int, float, float] | None = None
    for row in rows:
        ok = row.ok
        if not ok:
            lines.append(f"{row.name:24s} {row.rows:6d} {row.note or 'failed':>6s}")
            continue
        walls = [r.wall for r in ok]
        best, median = min(walls), statistics.median(walls)
        cpu = min(r.cpu for r in ok)
        growth = cpu_growth = ""
        if row.name.startswith("synthetic") and previous and row.rows > previous[0]:
            scale = math.log(row.rows / previous[0])
            growth = f"{math.log(best / previous[1]) / scale:.2f}"
            cpu_growth = f"{math.log(cpu / previous[2]) / scale:.2f}"
        if row.name.startswith("synthetic"):
            previous = (row.rows, best, cpu)
        ref = row.reference
        ref_s = ref_mb = ""
        if ref is not None:
            ref_s = "timeout" if ref.log == "timeout" else (
                f"{ref.wall:.1f}" if ref.status == 0 else f"exit {ref.status}")
            ref_mb = f"{ref.peak_mb:.0f}"
        lines.append(
            f"{row.name:24s} {row.rows:6d} {ok[-1].files:6d} {best:8.2f} {median:8.2f} "
            f"{cpu:7.2f} {row.rows / best:8.0f} "
            f"{max(r.peak_mb for r in ok):7.0f} {best / row.rows * 1e6:10.1f} {growth:>6s} "
            f"{cpu_growth:>6s} "
            f"{ref_s:>8s} {ref_mb:>7s} {row.same:>9s}")
    lines.append(f"best/median over the runs made (real pools: {repeat}, synthetic: {synthetic}); "
                 "CPU s is the least user+system time; peak MB is the child's maximum RSS;")
    lines.append("rows/s and ms/1k rows use the best wall time; growth is the exponent")
    lines.append("of best wall time (and of CPU time) between consecutive synthetic sizes "
                 "(1.0 linear, 2.0 quadratic; start-up makes small sizes look sub-linear);")
    lines.append("same = identical files / all file names, ours against the reference's.")
    return lines


def verdict(rows: list[Row]) -> list[str]:
    """Targets of issue 3, checked against the figures."""
    out = []
    for row in rows:
        if row.name == "mega_pool" and row.ok:
            best = min(r.wall for r in row.ok)
            out.append(f"target mega_pool < 2 s end to end: best {best:.2f} s -> "
                       f"{'met' if best < 2 else 'NOT met'}")
    big = [r for r in rows if r.name.startswith("synthetic") and r.rows >= 40000]
    for row in big:
        if row.ok:
            best = min(r.wall for r in row.ok)
            peak = max(r.peak_mb for r in row.ok)
            met = best < 30 and peak < 1024
            out.append(f"target {row.rows} rows < 30 s and < 1 GB: {best:.1f} s, {peak:.0f} MB -> "
                       f"{'met' if met else 'NOT met'}")
        else:
            out.append(f"target {row.rows} rows < 30 s and < 1 GB: NOT met ({row.note})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time `asnatlas generate` end to end on mega_pool and on synthetic "
                    "imaging programs of growing size; optionally the reference too.",
        epilog="example: bench_generate.py --repeat 5 --sizes 1000,5000,10000,20000,40000 "
               "--reference",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs on mega_pool (best and median are shown; default 5)")
    parser.add_argument("--synthetic-repeat", type=int, default=1,
                        help="runs per synthetic size (default 1)")
    parser.add_argument("--sizes", default="1000,5000,10000,20000,40000",
                        help="comma-separated synthetic pool sizes in rows "
                             "(default 1000,5000,10000,20000,40000; empty for none)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic pools")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds before one run is stopped (default 600)")
    parser.add_argument("--no-mega", action="store_true", help="skip mega_pool")
    parser.add_argument("--reference", action="store_true",
                        help="also run the reference on the small pools")
    parser.add_argument("--reference-all", action="store_true",
                        help="with --reference, also on mega_pool (about 280 s)")
    parser.add_argument("--reference-cmd", default=REFERENCE,
                        help=f"the reference's asn_generate (default {REFERENCE})")
    parser.add_argument("--reference-max-rows", type=int, default=500,
                        help="largest synthetic pool given to the reference (default 500; "
                             "the reference needs about 6 CPU minutes for 1,000 rows)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: expected comma-separated row counts, got {args.sizes!r}")
    if any(s < 1 for s in sizes) or args.repeat < 1 or args.synthetic_repeat < 1:
        parser.error("sizes and repeat counts must be at least 1")

    reference = None
    if args.reference or args.reference_all:
        if Path(args.reference_cmd).is_file() or shutil.which(args.reference_cmd):
            reference = args.reference_cmd
        else:
            print(f"reference skipped: {args.reference_cmd} not found "
                  "(install jwst 3.0.0 outside the repo, or give --reference-cmd)")

    for line in machine():
        print(line)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench_generate_") as tmp:
        work = Path(tmp)
        if args.no_mega:
            pass
        elif (POOLS / "mega_pool.csv").is_file():
            ref = reference if args.reference_all else None
            rows.append(bench_pool("mega_pool", POOLS / "mega_pool.csv", work, args.repeat,
                                   args.timeout, ref))
            if reference and not args.reference_all:
                print("  mega_pool: reference not run (about 280 s; use --reference-all)")
        else:
            print(f"mega_pool skipped: {POOLS} not found (../shared is not beside the repo)")
        if reference and (POOLS / "pool_004_wfs.csv").is_file():
            rows.append(bench_pool("pool_004_wfs", POOLS / "pool_004_wfs.csv", work,
                                   args.repeat, args.timeout, reference))
        stopped = False
        for size in sorted(sizes):
            name = f"synthetic_{size}"
            if stopped:
                rows.append(Row(name, size, note="skipped"))
                continue
            pool = write_pool(work / f"jw91001_synthetic_{size}_pool.csv", size, args.seed)
            ref = reference if size <= args.reference_max_rows else None
            row = bench_pool(name, pool, work, args.synthetic_repeat, args.timeout, ref)
            rows.append(row)
            stopped = not row.ok
            pool.unlink()
    print()
    for line in table(rows, args.repeat, args.synthetic_repeat) + [""] + verdict(rows):
        print(line)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

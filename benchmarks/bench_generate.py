"""Benchmark `asnatlas generate` end to end, side by side with jwst's asn_generate.

usage: .venv/bin/python benchmarks/bench_generate.py [--repeat 5] [--sizes 1000,...,40000]
           [--reference] [--reference-cmd PATH] [--reference-max-rows N] [--profile]

Every run is a fresh process started as a user starts it (``asnatlas generate POOL -o DIR
--version-id ID -j N``: interpreter start-up, imports, reading the pool, writing the files),
into a folder of its own that does not exist yet; no output is deleted before the end (see
`measure`). Wall time is measured around the process; CPU time and peak memory (maximum
resident set size) come from the kernel's accounting of that one child (``os.wait4``).

Printed, in one run:
- start-up: ``python -c pass`` and ``asnatlas generate --sample imaging --dry-run`` (a
  few dozen rows: nearly all start-up; target under 0.3 s);
- ``mega_pool`` (838 rows) and ``pool_004_wfs`` (170 rows) from ``../shared/conformance``,
  ``--repeat`` times, best and median; with ``--reference`` the reference runs once on each
  (mega_pool takes it about 5 minutes) and the ratio reference/ours is printed (target:
  500x on mega_pool). Both outputs are compared file by file (same names, same content
  once ``constraints`` and ``code_version`` are dropped). Skipped without ``../shared``;
- synthetic imaging programs of ``--sizes`` rows (``make_synthetic_pool.py``, fixed seed):
  rows/s, peak memory, time per 1,000 rows and the growth exponent between consecutive
  sizes (1.0 = linear, 2.0 = quadratic). Targets: 10,000 rows under 2.5 s, 40,000 under 8 s,
  under 500 MB. A size whose run exceeds ``--timeout`` stops the series;
- with ``--profile``: where mega_pool's time goes inside one process (start-up, imports,
  reading, matching, finalising, JSON, writing; median of ``--repeat`` fresh processes),
  then the functions that take the most time (cProfile, one run).

example:
  .venv/bin/python benchmarks/bench_generate.py --reference --profile
  .venv/bin/python benchmarks/bench_generate.py --sizes 1000,10000 --repeat 3
"""

from __future__ import annotations

import argparse
import itertools
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
    """Run ``cmd`` in a fresh process; its own wall time, CPU time and peak RSS.

    No run's output is deleted while the benchmark runs (each run writes a new folder,
    `fresh_folder`): ext4 without a journal (the README's VM) skips, for each new file,
    every inode freed in the last 60 s (360 s while its table is unwritten), one block
    lookup each (``recently_deleted`` in ``find_inode_bit``: over half of the samples of a
    ``perf`` profile). Creating 10,000 files took 0.2-0.3 s on that VM when nothing had
    been deleted for 6 minutes, 1-3 s right after deleting the previous 10,000, which
    would charge each run for the benchmark's own cleaning up. The earlier runs' files
    are written out first (``sync``), so that this run does not share the disk with them.
    """
    if hasattr(os, "sync"):
        os.sync()
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


def run_startup(work: Path, timeout: float) -> tuple[Run, Run]:
    """The interpreter alone, and a dry run of the imaging sample (nearly all start-up)."""
    bare = measure([sys.executable, "-c", "pass"], work / "none", timeout)
    cmd = asnatlas_command() + ["generate", "--sample", "imaging", "--dry-run",
                                "--version-id", VERSION_ID]
    return bare, measure(cmd, work / "none", timeout)


_FOLDERS = itertools.count(1)


def fresh_folder(work: Path, kind: str) -> Path:
    """A folder name under ``work`` no run has used (see `measure`)."""
    return work / f"{kind}-{next(_FOLDERS)}"


def run_ours(pool: Path, out: Path, timeout: float, jobs: int) -> Run:
    cmd = asnatlas_command() + ["generate", str(pool), "-o", str(out), "--version-id",
                                VERSION_ID, "-j", str(jobs)]
    return measure(cmd, out, timeout)


def run_reference(reference: str, pool: Path, out: Path, timeout: float) -> Run:
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
               reference: str | None, reference_timeout: float = 3600,
               jobs: tuple[int, ...] = (1,)) -> list[Row]:
    """Time our generator ``repeat`` times per number of processes (and the reference
    once) on one pool: one row per ``-j`` value, each compared with the reference."""
    rows = []
    count = pool_rows(pool)
    last = work / "none"
    for j in jobs:
        row = Row(f"{name} -j{j}", count)
        rows.append(row)
        for i in range(repeat):
            last = fresh_folder(work, "ours")
            result = run_ours(pool, last, timeout, j)
            row.runs.append(result)
            print(f"  {row.name}: run {i + 1}/{repeat}: {_run_text(result)}", flush=True)
            if result.status != 0:
                row.note = "timeout" if result.log == "timeout" else f"exit {result.status}"
                if result.log != "timeout":
                    print("    " + result.log.strip().splitlines()[-1]
                          if result.log.strip() else "")
                break
    if reference:
        print(f"  {name}: reference running (this can take minutes)...", flush=True)
        theirs = fresh_folder(work, "reference")
        found = run_reference(reference, pool, theirs, reference_timeout)
        print(f"  {name}: reference: {_run_text(found)}", flush=True)
        for row in rows:
            row.reference = found
        if found.status == 0 and rows[-1].ok:
            rows[-1].same = same_files(theirs, last)  # the last run of ours
    return rows


def calibration() -> float:
    """Seconds of a fixed pure-Python loop: how fast this machine is right now (shared
    machines vary by a factor of two within minutes)."""
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return time.perf_counter() - start


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
        f"--version-id {VERSION_ID} -j N",
        f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        "(other work on the machine inflates wall times; CPU time is less affected)",
    ]


def table(rows: list[Row], repeat: int, synthetic: int) -> list[str]:
    """The compact summary table."""
    head = (f"{'pool':24s} {'rows':>6s} {'asns':>6s} {'best s':>8s} {'median s':>8s} "
            f"{'CPU s':>7s} {'rows/s':>8s} {'peak MB':>7s} {'ms/1k rows':>10s} {'growth':>6s} "
            f"{'(CPU)':>6s} "
            f"{'ref s':>8s} {'ref MB':>7s} {'ratio':>7s} {'CPU ratio':>9s} {'same':>9s}")
    lines = [head, "-" * len(head)]
    previous: dict[str, tuple[int, float, float]] = {}  # per -j: rows, best, CPU
    for row in rows:
        ok = row.ok
        if not ok:
            lines.append(f"{row.name:24s} {row.rows:6d} {row.note or 'failed':>6s}")
            continue
        walls = [r.wall for r in ok]
        best, median = min(walls), statistics.median(walls)
        cpu = min(r.cpu for r in ok)
        growth = cpu_growth = ""
        jobs = row.name.rsplit(" ", 1)[-1]
        last = previous.get(jobs) if row.name.startswith("synthetic") else None
        if last and row.rows > last[0]:
            scale = math.log(row.rows / last[0])
            growth = f"{math.log(best / last[1]) / scale:.2f}"
            cpu_growth = f"{math.log(cpu / last[2]) / scale:.2f}"
        if row.name.startswith("synthetic"):
            previous[jobs] = (row.rows, best, cpu)
        ref = row.reference
        ref_s = ref_mb = ratio = cpu_ratio = ""
        if ref is not None:
            ref_s = "timeout" if ref.log == "timeout" else (
                f"{ref.wall:.1f}" if ref.status == 0 else f"exit {ref.status}")
            ref_mb = f"{ref.peak_mb:.0f}"
            if ref.status == 0:
                ratio = f"{ref.wall / best:.0f}x"
                cpu_ratio = f"{ref.cpu / cpu:.0f}x"
        lines.append(
            f"{row.name:24s} {row.rows:6d} {ok[-1].files:6d} {best:8.2f} {median:8.2f} "
            f"{cpu:7.2f} {row.rows / best:8.0f} "
            f"{max(r.peak_mb for r in ok):7.0f} {best / row.rows * 1e6:10.1f} {growth:>6s} "
            f"{cpu_growth:>6s} "
            f"{ref_s:>8s} {ref_mb:>7s} {ratio:>7s} {cpu_ratio:>9s} {row.same:>9s}")
    lines.append(f"best/median over the runs made (real pools: {repeat}, synthetic: {synthetic}); "
                 "CPU s is the least user+system time, workers included; peak MB is the")
    lines.append("largest maximum RSS of the command's processes (a forked worker's pages are "
                 "mostly shared with the parent's);")
    lines.append("-jN: asnatlas generate -j N (N processes; the default is 2 where there are "
                 "2 cores);")
    lines.append("rows/s and ms/1k rows use the best wall time; growth is the exponent")
    lines.append("of best wall time (and of CPU time) between consecutive synthetic sizes "
                 "(1.0 linear, 2.0 quadratic; start-up makes small sizes look sub-linear);")
    lines.append("ratio = the reference's wall time / our best wall time, same machine, same "
                 "run; CPU ratio = the same")
    lines.append("with CPU times (fairer when other work competes for the cores);")
    lines.append("same = identical files / all file names, ours against the reference's.")
    return lines


def verdict(rows: list[Row], startup: Run | None, default_jobs: int) -> list[str]:
    """Targets of issue 12, checked against the figures. They are for `asnatlas generate
    POOL` as a user runs it, with the default process count; rows of other counts are
    printed beside them for comparison, without a verdict."""
    out = []
    if startup is not None and startup.status == 0:
        out.append(f"target start-up (imaging sample, dry run) < 0.3 s: {startup.wall:.2f} s "
                   f"-> {'met' if startup.wall < 0.3 else 'NOT met'}")

    def line(row: Row, goal: str, figures: str, met: bool) -> str:
        if row.name.endswith(f" -j{default_jobs}"):
            return f"target {row.name} {goal}: {figures} -> {'met' if met else 'NOT met'}"
        return (f"for comparison, {row.name} (not the default -j{default_jobs}; no "
                f"target) {goal}: {figures}")

    for row in rows:
        if row.name.startswith("mega_pool ") and row.ok:
            best = min(r.wall for r in row.ok)
            ref = row.reference
            if ref is not None and ref.status == 0:
                ratio = ref.wall / best
                cpu = min(r.cpu for r in row.ok)
                out.append(line(row, "500x the reference",
                                f"{ratio:.0f}x wall ({best:.2f} s vs {ref.wall:.0f} s), "
                                f"{ref.cpu / cpu:.0f}x CPU ({cpu:.2f} s vs {ref.cpu:.0f} s)",
                                ratio >= 500))
            else:
                out.append(line(row, "about 0.55 s (500x the reference's ~277 s)",
                                f"best {best:.2f} s (run --reference for the ratio)",
                                best <= 0.55))
    synthetic = [r for r in rows if r.name.startswith("synthetic")]
    for size, limit in ((10000, 2.5), (40000, 8.0)):
        for row in (r for r in synthetic if r.rows == size):
            if row.ok:
                best = min(r.wall for r in row.ok)
                peak = max(r.peak_mb for r in row.ok)
                out.append(line(row, f"< {limit} s and < 500 MB", f"{best:.2f} s, {peak:.0f} MB",
                                best < limit and peak < 500))
            else:
                out.append(line(row, f"< {limit} s", f"no figure ({row.note})", False))
    return out


PHASES = ("start-up", "imports", "reading", "matching", "finalising", "JSON", "writing")


def phases_child(pool: str) -> int:
    """(In a fresh process) one generate of `pool` as the CLI does it with ``-j 1``, timed
    per phase.

    Prints one JSON line: seconds per phase. Matching is the engine's passes
    (`engine.run.run`), finalising the rest of `generate` (finalisation, duplicates,
    results), JSON the files' text, writing the CLI's atomic write to a fresh folder.
    """
    began = time.perf_counter()
    import gc

    gc.disable()  # as the installed command does for generate (asnatlas.cli.console)
    import asnatlas.generate as gen
    from asnatlas.cli.generate import _write_all
    from asnatlas.pool import read_pool

    imported = time.perf_counter()
    spent = {"matching": 0.0}
    engine_run = gen.run

    def timed_run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return engine_run(*args, **kwargs)
        finally:
            spent["matching"] += time.perf_counter() - start

    gen.run = timed_run
    t0 = time.perf_counter()
    loaded = read_pool(pool)
    t1 = time.perf_counter()
    result = gen.generate(loaded, version_id=VERSION_ID)
    t2 = time.perf_counter()
    files = {asn.filename: asn.to_json() for asn in result.associations}
    t3 = time.perf_counter()
    # Under the benchmark's work folder, which it deletes at the end (see `measure`); into
    # a folder the run makes, as the timed runs write.
    work = os.environ.get("BENCH_WORK")
    out = tempfile.mkdtemp(prefix="bench_phases_", dir=work)
    try:
        _write_all(os.path.join(out, "asn"), files, None)
        t4 = time.perf_counter()
    finally:
        if work is None:
            shutil.rmtree(out, ignore_errors=True)
    print(json.dumps({"imports": imported - began, "reading": t1 - t0,
                      "matching": spent["matching"],
                      "finalising": (t2 - t1) - spent["matching"], "JSON": t3 - t2,
                      "writing": t4 - t3, "files": len(files)}))
    return 0


def profile(pool: Path, repeat: int) -> list[str]:
    """Where the time of one `generate` of `pool` goes (median of fresh processes), and
    the functions that take most of it (cProfile of one in-process run)."""
    samples: list[dict] = []
    for _ in range(repeat):
        bare = measure([sys.executable, "-c", "pass"], Path("/nonexistent"), 60)  # syncs
        done = subprocess.run([sys.executable, __file__, "--phases-of", str(pool)],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            return [f"profile failed: {done.stderr.strip().splitlines()[-1:]}"]
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures["start-up"] = bare.wall
        samples.append(figures)
    median = {k: statistics.median(s[k] for s in samples) for k in PHASES}
    total = sum(median.values())
    engine = total - median["start-up"] - median["imports"]
    lines = [f"where the time of one `generate {pool.name} -j 1` goes (one process, median "
             f"of {repeat} fresh processes; {samples[0]['files']} files; with -j 2 matching is "
             "shared with a worker):"]
    for name in PHASES:
        lines.append(f"  {name:11s} {median[name] * 1000:7.0f} ms  "
                     f"{median[name] / total * 100:5.1f} %")
    lines.append(f"  {'total':11s} {total * 1000:7.0f} ms; in-process (reading to writing) "
                 f"{engine * 1000:.0f} ms")
    lines += ["", "functions with the most own time (cProfile, one in-process run; "
              "profiling inflates small calls):"]
    import cProfile
    import io
    import pstats

    from asnatlas.generate import generate
    from asnatlas.pool import read_pool

    loaded = read_pool(str(pool))
    profiler = cProfile.Profile()
    profiler.enable()
    generate(loaded, version_id=VERSION_ID)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(12)
    calls = sum(v[1] for v in stats.stats.values())
    lines.append(f"  {calls:,} calls in all")
    body = text.getvalue().splitlines()
    start = next((i for i, ln in enumerate(body) if ln.strip().startswith("ncalls")), None)
    if start is not None:
        lines += ["  " + ln.replace(str(REPO) + "/generator/", "").rstrip()
                  for ln in body[start:] if ln.strip()]
    return lines


def fresh_bytecode(source_root: Path = REPO / "generator") -> str:
    """Compile the package's byte code under `source_root` and let the runs use it, as an
    installed package does: with PYTHONDONTWRITEBYTECODE set (or stale byte code), every
    run would compile the changed modules again (tens of milliseconds on mega_pool)."""
    import compileall

    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    ok = compileall.compile_dir(source_root / "asnatlas", quiet=1)
    return f"byte code: compiled under {source_root} ({'ok' if ok else 'FAILED'})"


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
    parser.add_argument("--reference-timeout", type=float, default=3600,
                        help="seconds before the reference's run is stopped (default 3600: "
                             "it needs about 5 minutes for mega_pool on an idle machine)")
    parser.add_argument("--no-mega", action="store_true", help="skip mega_pool")
    parser.add_argument("--reference", action="store_true",
                        help="also run the reference, once, on mega_pool (about 5 minutes) "
                             "and pool_004_wfs, and print the ratios")
    parser.add_argument("--reference-all", action="store_true",
                        help="like --reference (kept for old command lines)")
    parser.add_argument("--reference-cmd", default=REFERENCE,
                        help=f"the reference's asn_generate (default {REFERENCE})")
    parser.add_argument("--reference-max-rows", type=int, default=0,
                        help="largest synthetic pool also given to the reference (default 0: "
                             "none; the reference needs about 6 CPU minutes for 1,000 rows)")
    parser.add_argument("--jobs", default="1,2",
                        help="comma-separated process counts to run ours with (asnatlas "
                             "generate -j N; default 1,2: one process, and the default on "
                             "two cores)")
    parser.add_argument("--profile", action="store_true",
                        help="also print where mega_pool's time goes (phases, functions)")
    parser.add_argument("--work", metavar="DIR",
                        help="folder for the pools and outputs of the runs (default: the "
                             "system's temporary folder). Where files are created matters: "
                             "on the VM of the README's figures, 858 files took 0.23 s in a "
                             "folder of /tmp, where much had been deleted, and 0.013 s "
                             "elsewhere on the same disk")
    parser.add_argument("--phases-of", metavar="POOL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phases_of:
        return phases_child(args.phases_of)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: expected comma-separated row counts, got {args.sizes!r}")
    try:
        jobs = tuple(int(s) for s in args.jobs.split(",") if s.strip())
    except ValueError:
        parser.error(f"--jobs: expected comma-separated process counts, got {args.jobs!r}")
    if (any(s < 1 for s in sizes) or args.repeat < 1 or args.synthetic_repeat < 1
            or not jobs or min(jobs) < 1):
        parser.error("sizes, repeat and process counts must be at least 1")

    reference = None
    if args.reference or args.reference_all:
        if Path(args.reference_cmd).is_file() or shutil.which(args.reference_cmd):
            reference = args.reference_cmd
        else:
            print(f"reference skipped: {args.reference_cmd} not found "
                  "(install jwst 3.0.0 outside the repo, or give --reference-cmd)")

    for line in machine():
        print(line)
    print(fresh_bytecode(), flush=True)
    speed = calibration()
    print(f"calibration at start: a fixed pure-Python loop took {speed:.3f} s", flush=True)
    print(f"work folder: {args.work or tempfile.gettempdir()}", flush=True)
    rows: list[Row] = []
    startup: Run | None = None
    startup_lines: list[str] = []
    if args.work:
        os.makedirs(args.work, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench_generate_", dir=args.work) as tmp:
        work = Path(tmp)
        os.environ["BENCH_WORK"] = tmp  # for the --profile children
        bare_runs, sample_runs = [], []
        for _ in range(args.repeat):
            bare, sample = run_startup(work, args.timeout)
            bare_runs.append(bare)
            sample_runs.append(sample)
        startup = min(sample_runs, key=lambda r: r.wall)
        startup_lines = [
            f"start-up: python -c pass {min(r.wall for r in bare_runs):.3f} s; "
            f"asnatlas generate --sample imaging --dry-run {startup.wall:.3f} s best, "
            f"{statistics.median(r.wall for r in sample_runs):.3f} s median "
            f"({startup.peak_mb:.0f} MB peak; best of {args.repeat})"]
        print(startup_lines[0], flush=True)
        if args.no_mega:
            pass
        elif (POOLS / "mega_pool.csv").is_file():
            rows += bench_pool("mega_pool", POOLS / "mega_pool.csv", work, args.repeat,
                               args.timeout, reference, args.reference_timeout, jobs)
        else:
            print(f"mega_pool skipped: {POOLS} not found (../shared is not beside the repo)")
        if (POOLS / "pool_004_wfs.csv").is_file():
            rows += bench_pool("pool_004_wfs", POOLS / "pool_004_wfs.csv", work,
                               args.repeat, args.timeout, reference,
                               args.reference_timeout, jobs)
        stopped = False
        for size in sorted(sizes):
            name = f"synthetic_{size}"
            if stopped:
                rows += [Row(f"{name} -j{j}", size, note="skipped") for j in jobs]
                continue
            pool = write_pool(work / f"jw91001_synthetic_{size}_pool.csv", size, args.seed)
            ref = reference if size <= args.reference_max_rows else None
            found = bench_pool(name, pool, work, args.synthetic_repeat, args.timeout, ref,
                               args.reference_timeout, jobs)
            rows += found
            stopped = not all(row.ok for row in found)
            pool.unlink()
        # Before the work folder is deleted (its files written under it, see `measure`).
        profiled = (profile(POOLS / "mega_pool.csv", args.repeat)
                    if args.profile and (POOLS / "mega_pool.csv").is_file() else [])
    from asnatlas.cli import DEFAULT_JOBS  # what `asnatlas generate` uses here without -j

    print()
    for line in (startup_lines + [""] + table(rows, args.repeat, args.synthetic_repeat)
                 + [""] + verdict(rows, startup, DEFAULT_JOBS)):
        print(line)
    if profiled:
        print()
        for line in profiled:
            print(line)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"calibration loop at start {speed:.3f} s, at end {calibration():.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

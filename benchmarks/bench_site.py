"""Benchmark ``asnatlas build`` at the sizes of real programs.

Usage::

    python benchmarks/bench_site.py [--jobs 2] [--cases conformance,2000,10000,40000]
                                    [--keep DIR]

Cases: ``conformance`` (the 28 pools of ``../shared/conformance/pools``, or the embedded
samples without it) and synthetic imaging programs of N rows
(``benchmarks/make_synthetic_pool.py``). Each case measures, with fresh ``asnatlas build``
processes (start-up included): the cold build, a rebuild with nothing changed, a rebuild
after one pool was edited (its last row dropped), the peak memory of the build (all its
processes together, sampled from /proc), the number of pages, the largest page and the
largest data file.

Targets (2-core machine): 10,000 rows cold under 5 min with peak memory under 3 GB;
40,000 rows under 20 min and 8 GB; every page under 400 kB; a rebuild with nothing
changed under 10 s. Prints a Markdown table at the end (the README's).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POOLS = REPO.parent / "shared" / "conformance" / "pools"
SYNTHETIC = REPO / "benchmarks" / "make_synthetic_pool.py"
PAGE_LIMIT = 400_000
UNCHANGED_TARGET = 10.0
#: rows -> (cold seconds, peak bytes)
TARGETS = {10_000: (300.0, 3e9), 40_000: (1200.0, 8e9)}


def default_pools() -> list[Path]:
    if POOLS.is_dir():
        return sorted(POOLS.glob("*.csv"))
    return sorted((REPO / "generator" / "asnatlas" / "samples").glob("*.csv"))


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


@dataclass
class Run:
    wall: float
    peak: int
    timings: dict[str, float] = field(default_factory=dict)
    cpu: float = 0.0  # user + system seconds of the build and its workers


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_build(pools: list[Path], out: Path, jobs: int) -> Run:
    cpu = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "asnatlas", "build", "-o", str(out), "-j", str(jobs),
         *map(str, pools)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_rss(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"build failed ({process.returncode}):\n{stderr[-3000:]}")
    timings = {}
    for line in stderr.splitlines():
        if line.startswith("asnatlas: time: "):
            for part in line.removeprefix("asnatlas: time: ").split(", "):
                name, seconds = part.rsplit(" ", 2)[:2]
                timings[name] = float(seconds)
    return Run(wall, peak[0], timings, _children_cpu() - cpu)


@dataclass
class Sizes:
    pages: int
    largest_page: tuple[int, str]
    largest_data: tuple[int, str]
    site_bytes: int


def sizes(out: Path) -> Sizes:
    pages, largest, data, total = 0, (0, ""), (0, ""), 0
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        rel = path.relative_to(out).as_posix()
        if rel.endswith(".html") and not rel.startswith("_static/"):
            pages += 1
            largest = max(largest, (size, rel))
        elif rel.endswith(".js") and not rel.startswith("_static/asnatlas-table"):
            data = max(data, (size, rel))
    return Sizes(pages, largest, data, total)


def show(label: str, run: Run, target: float | None = None) -> None:
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in run.timings.items())
    verdict = "" if target is None else f"  (target < {target:.0f} s: " + (
        "met)" if run.wall < target else "MISSED)")
    print(f"  {label:<26} {run.wall:7.1f} s (CPU {run.cpu:6.1f} s)  peak "
          f"{run.peak / 1e6:6.0f} MB  [{phases}]{verdict}", flush=True)


def case_pools(case: str, work: Path) -> tuple[list[Path], int]:
    folder = work / "pools"
    folder.mkdir(parents=True, exist_ok=True)
    if case == "conformance":
        copies = []
        for pool in default_pools():  # copies, so that one can be edited
            copy = folder / pool.name
            shutil.copy(pool, copy)
            copies.append(copy)
        rows = sum(sum(1 for line in p.read_text("utf-8", "replace").splitlines()
                       if line.strip() and not line.startswith("#")) - 1 for p in copies)
        return copies, rows
    rows = int(case)
    pool = folder / f"jw91001_{rows}_pool.csv"
    subprocess.run([sys.executable, str(SYNTHETIC), str(rows), "-o", str(pool)], check=True,
                   capture_output=True)
    return [pool], rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cases", default="conformance,2000,10000,40000",
                        help="comma-separated: conformance and/or row counts")
    parser.add_argument("--keep", type=Path, help="build the sites below this folder and keep them")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"{os.cpu_count()} CPU(s), --jobs {args.jobs}, load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the start", flush=True)
    table = []
    failed = False
    for case in args.cases.split(","):
        work = Path(tempfile.mkdtemp(prefix=f"asnatlas-bench-site-{case}-"))
        try:
            pools, rows = case_pools(case, work)
            out = (args.keep / f"site-{case}") if args.keep else work / "site"
            if out.exists():
                shutil.rmtree(out)
                shutil.rmtree(out.parent / f".{out.name}.asnatlas-cache", ignore_errors=True)
            print(f"{case}: {len(pools)} pool(s), {rows:,} rows", flush=True)
            target = TARGETS.get(rows)
            cold = run_build(pools, out, args.jobs)
            show("cold build", cold, target[0] if target else None)
            again = run_build(pools, out, args.jobs)
            show("rebuild, nothing changed", again, UNCHANGED_TARGET)
            first = pools[0]
            lines = first.read_text().rstrip("\n").split("\n")
            first.write_text("\n".join(lines[:-1]) + "\n")
            edited = run_build(pools, out, args.jobs)
            show("rebuild, one pool edited", edited)
            size = sizes(out)
            print(f"  {size.pages:,} pages, site {size.site_bytes / 1e6:.0f} MB; largest page "
                  f"{size.largest_page[0] / 1e3:.0f} kB ({size.largest_page[1]}), largest data "
                  f"file {size.largest_data[0] / 1e6:.1f} MB ({size.largest_data[1]})", flush=True)
            failed |= size.largest_page[0] >= PAGE_LIMIT or again.wall >= UNCHANGED_TARGET
            if target:
                failed |= cold.wall >= target[0] or cold.peak >= target[1]
            table.append((case, rows, cold, again, edited, size))
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n")
    print("| pools | rows | cold (CPU) | nothing changed | one pool edited | peak memory "
          "| pages | largest page |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for case, rows, cold, again, edited, size in table:
        name = "28 conformance pools" if case == "conformance" else "synthetic program"
        print(f"| {name} | {rows:,} | {cold.wall:.0f} s ({cold.cpu:.0f} s) | {again.wall:.1f} s | "
              f"{edited.wall:.0f} s | {cold.peak / 1e9:.2f} GB | {size.pages:,} | "
              f"{size.largest_page[0] / 1e3:.0f} kB |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

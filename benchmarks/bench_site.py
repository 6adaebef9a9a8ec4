"""Benchmark ``asnatlas build``: a cold build, a rebuild with nothing changed, and a rebuild
after one pool changed, with per-phase times and the size of the pages.

Usage::

    python benchmarks/bench_site.py [--jobs 2] [--keep DIR] [POOL ...]

Default pools: the 28 conformance pools of ``../shared`` (about 1,700 associations and
3,400 pages), or the embedded samples without it. Each build runs as a fresh
``asnatlas build`` process, so start-up is included; the per-phase split is the build's
own ``asnatlas: time:`` progress line.

Targets (2-core machine): cold build under 90 s, rebuild with nothing changed under
10 s; every page's size independent of the number of pages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POOLS = REPO.parent / "shared" / "conformance" / "pools"
COLD_TARGET = 90.0
REBUILD_TARGET = 10.0


def default_pools() -> list[Path]:
    if POOLS.is_dir():
        return sorted(POOLS.glob("*.csv"))
    return sorted((REPO / "generator" / "asnatlas" / "samples").glob("*.csv"))


def run_build(pools: list[Path], out: Path, jobs: int) -> tuple[float, dict]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "asnatlas", "build", "-o", str(out), "-j", str(jobs),
         *map(str, pools)], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed ({result.returncode}):\n{result.stderr[-3000:]}")
    timings = {}
    for line in result.stderr.splitlines():
        if line.startswith("asnatlas: time: "):
            for part in line.removeprefix("asnatlas: time: ").split(", "):
                name, seconds = part.rsplit(" ", 2)[:2]
                timings[name] = float(seconds)
    return wall, timings


def page_sizes(out: Path) -> dict[str, list[int]]:
    kinds: dict[str, list[int]] = {"association": [], "exposure": [], "pool": [], "other": []}
    for page in out.rglob("*.html"):
        parts = page.relative_to(out).parts
        if "_static" in parts:
            continue
        kind = ("association" if "asn" in parts else "exposure" if "exp" in parts
                else "pool" if parts[0] == "pools" and len(parts) == 3 else "other")
        kinds[kind].append(page.stat().st_size)
    return kinds


def folder_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def show(label: str, wall: float, timings: dict, target: float | None = None) -> None:
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    verdict = "" if target is None else f"  (target < {target:.0f} s: " + (
        "met)" if wall < target else "MISSED)")
    print(f"{label:<28} {wall:6.1f} s  [{phases}]{verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pools", nargs="*", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="build here and keep the site")
    args = parser.parse_args()
    pools = args.pools or default_pools()
    work = Path(tempfile.mkdtemp(prefix="asnatlas-bench-site-"))
    try:
        copies = []
        for pool in pools:  # copies, so that one can be changed for the third build
            copy = work / "pools" / pool.name
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(pool, copy)
            copies.append(copy)
        out = args.keep or work / "site"
        print(f"{len(copies)} pools, {args.jobs} Sphinx job(s), {os.cpu_count()} CPU(s); "
              f"site in {out}")
        wall, timings = run_build(copies, out, args.jobs)
        show("cold build", wall, timings, COLD_TARGET)
        wall, timings = run_build(copies, out, args.jobs)
        show("rebuild, nothing changed", wall, timings, REBUILD_TARGET)
        # Drop the last row of the first pool: only that pool's pages should be redone.
        first = copies[0]
        lines = first.read_text().rstrip("\n").split("\n")
        first.write_text("\n".join(lines[:-1]) + "\n")
        wall, timings = run_build(copies, out, args.jobs)
        show("rebuild, one pool edited", wall, timings)
        sizes = page_sizes(out)
        pages = sum(len(v) for v in sizes.values())
        print(f"pages: {pages}; site folder {folder_size(out) / 1e6:.1f} MB; "
              f"cache {folder_size(out.parent / f'.{out.name}.asnatlas-cache') / 1e6:.1f} MB")
        for kind, values in sizes.items():
            if values:
                median = statistics.median(values) / 1e3
                print(f"  {kind:<12} {len(values):5d} pages, median {median:6.1f} kB, "
                      f"largest {max(values) / 1e3:6.1f} kB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

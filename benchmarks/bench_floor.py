"""Where the floor is: what any tool that reads these pools and writes these files pays on
this machine, beside what `asnatlas generate` pays, phase by phase.

usage: .venv/bin/python benchmarks/bench_floor.py [--sizes 10000,40000] [--repeat 3]
           [--python OTHER_PYTHON] [--no-mega]

For each pool (mega_pool from ../shared/conformance when present, then synthetic imaging
programs of ``--sizes`` rows, the same as bench_generate.py's) it prints, best of
``--repeat``:

- start: ``python -c pass`` (the interpreter and its site packages, nothing of ours);
- read: the pool text split into cells with ``str.split`` (no quotes, no checks: less than
  any correct reader does) against ``asnatlas.pool.read_pool`` (astropy's reading
  reproduced, warnings included);
- match: ``asnatlas.generate.generate`` in this process (matching and finalising; CPU);
- JSON: every association's text (``Asn.to_json``);
- files: the very same names and bytes written with plain ``open``/``write`` into a fresh
  folder (no staging, no renames: less than "all or nothing" needs) against
  ``asnatlas.safeio.commit_files`` (into a folder it makes: written beside it, renamed into
  place). The file system is settled (``sync``) before each; no folder is deleted before
  the end (on ext4 without a journal, new files pay for every inode freed in the last
  minutes: see bench_generate.py's ``measure``);
- floor: start + bare read + bare files, what is left for everything else.

``--python OTHER_PYTHON`` also times the matching under another interpreter (same source,
through PYTHONPATH): how much the interpreter's build (PGO, LTO, a shared libpython) moves
the figures. Wall times move with the machine's load: compare within one run.

example:
  .venv/bin/python benchmarks/bench_floor.py --sizes 10000,40000 --python /usr/bin/python3.11
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_generate import POOLS, calibration, fresh_bytecode  # noqa: E402  (sibling script)
from make_synthetic_pool import write_pool  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "generator"))

from asnatlas import safeio  # noqa: E402
from asnatlas.generate import generate  # noqa: E402
from asnatlas.pool import read_pool  # noqa: E402

VERSION_ID = "20261123t000000"

_MATCH_CHILD = """
import sys, time
sys.path.insert(0, {source!r})
from asnatlas.generate import generate
from asnatlas.pool import read_pool
pool = read_pool({pool!r})
best = min(_time(generate, pool) for _ in range({repeat}))
print(best)
"""
_TIMER = """
def _time(generate, pool):
    import gc
    start = time.process_time()
    generate(pool, version_id="x")
    took = time.process_time() - start
    gc.collect()
    return took
"""


def interpreter() -> str:
    """The interpreter and how it was built (its build moves every figure here)."""
    args = sysconfig.get_config_var("CONFIG_ARGS") or ""
    facts = [f"Python {sys.version.split()[0]} at {sys.executable}"]
    facts.append("PGO" if "--enable-optimizations" in args else "no PGO")
    facts.append("LTO" if "--with-lto" in args else "no LTO")
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        facts.append("shared libpython")
    return ", ".join(facts)


def best(repeat: int, work) -> float:
    return min(work() for _ in range(repeat))


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def bare_read(path: Path) -> None:
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    [line.split("|") for line in lines if line and not line.startswith("#")]


def bare_write(folder: Path, files: list[tuple[str, bytes]]) -> float:
    """Seconds to write ``files`` into the new ``folder`` with plain open/write."""
    os.sync()
    folder.mkdir()
    start = time.perf_counter()
    for name, data in files:
        with open(folder / name, "wb") as handle:
            handle.write(data)
    return time.perf_counter() - start


def our_write(folder: Path, files: list[tuple[str, bytes]]) -> float:
    """Seconds to write ``files`` into the new ``folder`` as `asnatlas generate` does."""
    os.sync()
    texts = [(name, data.decode("utf-8")) for name, data in files]
    start = time.perf_counter()
    safeio.commit_files(folder, texts)
    return time.perf_counter() - start


def interpreter_start(python: str, repeat: int) -> float:
    return best(repeat, lambda: timed(lambda: subprocess.run([python, "-c", "pass"],
                                                            check=True)))


def match_elsewhere(python: str, pool: Path, repeat: int) -> float | None:
    code = _TIMER + _MATCH_CHILD.format(source=str(REPO / "generator"), pool=str(pool),
                                        repeat=repeat)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([python, "-c", "import time\n" + code], capture_output=True,
                          text=True, env=env)
    if done.returncode != 0:
        print(f"  {python}: failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return float(done.stdout.split()[-1])


def measure(pool: Path, work: Path, repeat: int, other: str | None) -> dict[str, float]:
    import gc

    figures: dict[str, float] = {}
    figures["read (bare split)"] = best(repeat, lambda: timed(lambda: bare_read(pool)))
    figures["read (asnatlas)"] = best(repeat, lambda: timed(lambda: read_pool(str(pool))))
    loaded = read_pool(str(pool))
    cpu = []
    result = None
    for _ in range(repeat):
        result = None  # the previous run's associations are freed before the next
        gc.collect()
        start = time.process_time()
        result = generate(loaded, version_id=VERSION_ID)
        cpu.append(time.process_time() - start)
    figures["match (asnatlas, CPU)"] = min(cpu)
    if other:
        elsewhere = match_elsewhere(other, pool, repeat)
        if elsewhere is not None:
            figures[f"match under {other} (CPU)"] = elsewhere
    assocs = result.associations
    figures["JSON (asnatlas)"] = best(repeat, lambda: timed(
        lambda: [asn.to_json() for asn in assocs]))
    files = [(asn.filename, asn.to_json().encode("utf-8")) for asn in assocs]
    figures["files (bare open/write)"] = min(
        bare_write(work / f"{pool.stem}-bare{i}", files) for i in range(repeat))
    figures["files (asnatlas, all or nothing)"] = min(
        our_write(work / f"{pool.stem}-ours{i}", files) for i in range(repeat))
    figures["_files"] = len(files)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="What reading the pool, starting Python and writing the files cost on "
                    "this machine at the least, beside what asnatlas pays for each.",
        epilog="example:" + __doc__.split("example:")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,40000",
                        help="synthetic pool sizes in rows (default 10000,40000; empty: none)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step (best shown)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic pools")
    parser.add_argument("--python", help="another interpreter to time the matching under")
    parser.add_argument("--no-mega", action="store_true", help="skip mega_pool")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: not comma-separated numbers: {args.sizes!r}")
    if any(rows < 1 for rows in sizes):
        parser.error(f"--sizes: every size must be at least 1 row: {args.sizes!r}")
    if args.python and shutil.which(args.python) is None:
        parser.error(f"--python: no such interpreter: {args.python!r}")
    print(fresh_bytecode())
    print(interpreter())
    if args.python:
        print(f"other: {subprocess.run([args.python, '-c', 'import sys; print(sys.version)'], capture_output=True, text=True).stdout.strip()}")  # noqa: E501
    print(f"calibration loop {calibration():.3f} s (about 0.11 s on a quiet machine here)")
    start = interpreter_start(sys.executable, args.repeat * 3)
    print(f"start (python -c pass): {start:.3f} s")
    pools: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        work = Path(tmp)
        mega = POOLS / "mega_pool.csv"
        if not args.no_mega:
            if mega.is_file():
                pools.append(mega)
            else:
                print(f"mega_pool skipped: {mega} not found (../shared is not beside the repo)")
        for rows in sizes:
            pools.append(write_pool(work / f"synthetic_{rows}.csv", rows, args.seed))
        for pool in pools:
            figures = measure(pool, work, args.repeat, args.python)
            count = int(figures.pop("_files"))
            print(f"\n{pool.name} ({count} files)")
            for name, value in figures.items():
                print(f"  {name:<40} {value:7.3f} s")
            floor = start + figures["read (bare split)"] + figures["files (bare open/write)"]
            print(f"  {'floor: start + bare read + bare files':<40} {floor:7.3f} s")
    print(f"\ncalibration loop at end {calibration():.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

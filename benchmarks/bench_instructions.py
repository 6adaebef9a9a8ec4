"""Count the CPU instructions `generate` takes (valgrind's callgrind): a figure that does not
move with the machine's load, to compare two versions of the engine.

usage: .venv/bin/python benchmarks/bench_instructions.py [POOL ...] [--against REV]

Wall times on a shared VM move by a factor of two within the hour (see the calibration
loop of bench_generate.py); the number of instructions a run executes does not (the same
count twice, whatever else runs). For each pool this prints the instructions of one
in-process ``generate(read_pool(POOL))`` (the imports, reading and the rules' set-up are
counted separately and taken off), and with ``--against REV`` the same for the git
revision REV (checked out in a temporary worktree) and the ratio. Hash randomisation is
fixed (PYTHONHASHSEED=0) and byte code compiled first, so counts repeat to a few in a
million. Pools default to mega_pool (from ../shared/conformance) and a synthetic imaging
program of 2,000 rows. Needs valgrind; under it a run is about 50 times slower.

example:
  .venv/bin/python benchmarks/bench_instructions.py --against HEAD~3
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_generate import fresh_bytecode  # noqa: E402  (sibling scripts, not a package)
from make_synthetic_pool import write_pool  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MEGA = REPO.parent / "shared" / "conformance" / "pools" / "mega_pool.csv"

# What one measurement runs: the set-up alone, or the set-up then one generate.
_CHILD = """
import gc, sys
gc.disable()
from asnatlas.pool import read_pool
from asnatlas.generate import generate, _default_rules
pool = read_pool(sys.argv[1])
_default_rules()
if sys.argv[2] == "generate":
    generate(pool, version_id="20261123t000000")
"""


def instructions(source_root: Path, pool: Path, what: str) -> int:
    """Instructions of one child run (valgrind's total), with `source_root` first on the
    path."""
    env = {**os.environ, "PYTHONPATH": str(source_root), "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, "-c", _CHILD, str(pool), what],
        env=env, capture_output=True, text=True, check=False)
    found = re.search(r"Collected\s*:\s*([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind run failed for {pool} ({what}): {done.stderr[-500:]}")
    return int(found[1].replace(",", ""))


def generate_cost(source_root: Path, pool: Path) -> int:
    fresh_bytecode(source_root)
    return instructions(source_root, pool, "generate") - instructions(source_root, pool, "setup")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog=__doc__.split("example:")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pools", nargs="*", type=Path, help="pool files (default: see above)")
    parser.add_argument("--against", metavar="REV",
                        help="also count git revision REV (e.g. HEAD~3, a tag, a commit)")
    parser.add_argument("--rows", type=int, default=2000,
                        help="rows of the default synthetic pool (default 2000)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind not found: install it (Debian: apt-get install valgrind)")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench_instructions_") as tmp:
        pools = list(args.pools)
        if not pools:
            if MEGA.is_file():
                pools.append(MEGA)
            synthetic = Path(tmp) / f"synthetic_{args.rows}.csv"
            write_pool(synthetic, args.rows, seed=1)
            pools.append(synthetic)
        trees = [("working tree", REPO / "generator")]
        if args.against:
            worktree = Path(tmp) / "against"
            subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q",
                            str(worktree), args.against], check=True)
            trees.insert(0, (args.against, worktree / "generator"))
        try:
            print(f"python {sys.version.split()[0]}; instructions of one generate "
                  "(imports, reading and rule set-up taken off), PYTHONHASHSEED=0")
            for pool in pools:
                counts = [(label, generate_cost(root, pool)) for label, root in trees]
                line = "; ".join(f"{label}: {count / 1e9:.3f} G" for label, count in counts)
                if len(counts) == 2:
                    line += f"; ratio {counts[1][1] / counts[0][1]:.3f}"
                print(f"{pool.name}: {line}", flush=True)
        finally:
            if args.against:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                                str(worktree)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark `asnatlas validate` on 10,000 association files, side by side with the anchors.

Usage::

    python benchmarks/bench_validate.py [--files 10000] [--anchors] [--anchor-files 300]

The files are copies of the reference's 1,731 associations in ``../shared/conformance``
(spread over sub-folders, each copy with its own sequence number), or, without
``../shared``, associations made up here. Each tool runs as a fresh process, so start-up
is included. Anchors (``--anchors``), when installed:

- ``check-jsonschema`` (schema only, no semantic checks), found on PATH or in
  ``$CHECK_JSONSCHEMA`` (e.g. a throw-away venv: ``python -m venv /tmp/cjs &&
  /tmp/cjs/bin/pip install check-jsonschema``), run with the reference's Stage 3 schema
  when available;
- the reference's ``jwst.associations.load_asn``, with ``$JWST_PYTHON`` (default
  ``/tmp/jwstref/bin/python``), on the first ``--anchor-files`` files (it is slow).

Target: 10,000 files in under 3 s, start-up included, faster than check-jsonschema.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPECTED = REPO.parent / "shared" / "conformance" / "expected"
JWST_PYTHON = os.environ.get("JWST_PYTHON", "/tmp/jwstref/bin/python")
REF_SCHEMA = "lib/python3.11/site-packages/jwst/associations/lib/asn_schema_jw_level3.json"


def sources() -> list[tuple[str, bytes]]:
    """(file name, content) of the associations to copy."""
    files = sorted(EXPECTED.glob("*/*_asn.json"))
    if files:
        # Different pools give files of the same name: keep the pool folder.
        return [(f"{f.parent.name}/{f.name}", f.read_bytes()) for f in files]
    made = []
    for n in range(1, 201):
        members = [{"expname": f"jw01234{n:03d}001_02101_{k:05d}_nrca1_cal.fits",
                    "exptype": "science", "exposerr": "null"} for k in range(1, 5)]
        data = {"asn_type": "image3", "asn_rule": "candidate_Asn_Lv3Image",
                "version_id": "20240101t120000", "code_version": "bench",
                "degraded_status": "No known degraded exposures in association.",
                "program": "01234", "constraints": "none", "asn_id": f"o{n:03d}",
                "asn_pool": "jw01234_pool.csv", "target": "t001",
                "products": [{"name": f"jw01234-o{n:03d}_t001_nircam_clear-f200w",
                              "members": members}]}
        made.append((f"jw01234-o{n:03d}_20240101t120000_image3_00001_asn.json",
                     (json.dumps(data, indent=4) + "\n").encode()))
    return made


def make_files(root: Path, count: int) -> list[Path]:
    """``count`` association files under ``root``, in sub-folders of at most 2,000."""
    base = sources()
    paths = []
    for i in range(count):
        name, raw = base[i % len(base)]
        folder = root / f"batch{i // 2000:02d}" / f"copy{i // len(base):02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(raw)
        paths.append(path)
    return paths


def timed(cmd: list[str], label: str, files: int, **kwargs) -> float | None:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    seconds = time.perf_counter() - start
    tail = ((result.stdout + result.stderr).strip().splitlines() or [""])[-1][:70]
    print(f"{label:<34} {files:>6} files {seconds:7.2f} s {files / seconds:9.0f} files/s"
          f"   (exit {result.returncode}: {tail})")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--anchors", action="store_true", help="also run the anchors")
    parser.add_argument("--anchor-files", type=int, default=300,
                        help="files given to the slow reference load_asn anchor")
    args = parser.parse_args()
    asnatlas = shutil.which("asnatlas", path=str(Path(sys.executable).parent)) or "asnatlas"
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        root = Path(tmp)
        paths = make_files(root, args.files)
        print(f"{len(paths)} association files in {root} "
              f"({'copies of ../shared' if EXPECTED.is_dir() else 'made up'})")
        seconds = timed([asnatlas, "validate", "-q", str(root)], "asnatlas validate (CLI)",
                        len(paths))
        timed([sys.executable, "-c", _API_SNIPPET, str(root)], "asnatlas.validate.api (API)",
              len(paths))
        if args.anchors:
            _anchors(root, paths, args.anchor_files)
    if len(paths) >= 10_000:
        verdict = "met" if seconds < 3 * len(paths) / 10_000 else "MISSED"
        print(f"target 10,000 files < 3 s (start-up included): {verdict} ({seconds:.2f} s "
              f"for {len(paths)})")
    else:
        print("target 10,000 files < 3 s: not measured (run with --files 10000)")
    return 0


_API_SNIPPET = """
import sys
from pathlib import Path
from asnatlas.validate.api import validate_path
files = sorted(Path(sys.argv[1]).rglob("*_asn.json"))
bad = sum(1 for f in files if validate_path(f))
print(f"{len(files)} files, {bad} with problems")
"""

_LOAD_ASN_SNIPPET = """
import sys
from jwst.associations import load_asn
ok = 0
for name in sys.argv[1:]:
    with open(name) as fh:
        load_asn(fh)
    ok += 1
print(f"{ok} loaded")
"""


def _anchors(root: Path, paths: list[Path], anchor_files: int) -> None:
    cjs = os.environ.get("CHECK_JSONSCHEMA") or shutil.which("check-jsonschema")
    if not cjs and Path("/tmp/cjs/bin/check-jsonschema").exists():
        cjs = "/tmp/cjs/bin/check-jsonschema"
    schema = Path(JWST_PYTHON).parents[1] / REF_SCHEMA
    if not schema.exists():
        schema = REPO / "schemas" / "asn-level3.schema.json"
    if cjs:
        # Many file arguments: run in chunks the shell accepts, timing the whole.
        start = time.perf_counter()
        chunk = 2000
        for i in range(0, len(paths), chunk):
            subprocess.run([cjs, "--schemafile", str(schema), *map(str, paths[i:i + chunk])],
                           capture_output=True)
        seconds = time.perf_counter() - start
        print(f"{'check-jsonschema (schema only)':<34} {len(paths):>6} files {seconds:7.2f} s "
              f"{len(paths) / seconds:9.0f} files/s   ({schema.name})")
    else:
        print("check-jsonschema: not installed (set $CHECK_JSONSCHEMA)")
    if Path(JWST_PYTHON).exists():
        subset = [str(p) for p in paths[:anchor_files]]
        timed([JWST_PYTHON, "-c", _LOAD_ASN_SNIPPET, *subset], "jwst load_asn (reference)",
              len(subset))
    else:
        print(f"jwst load_asn: {JWST_PYTHON} not found (set $JWST_PYTHON)")


if __name__ == "__main__":
    sys.exit(main())

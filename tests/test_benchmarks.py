"""The benchmark helpers work: synthetic pools are valid pools, and runs are measured.

No timings are asserted here; the figures come from ``benchmarks/bench_generate.py``.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from asnatlas.generate import generate
from asnatlas.pool import read_pool

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


synthetic = _load("make_synthetic_pool")
bench = _load("bench_generate")

# Seed 4 at 600 rows holds NIRCam and MIRI, mosaics, a background observation and
# flagged exposures (asserted below), so one small pool covers every feature.
ROWS, SEED = 600, 4


@pytest.fixture(scope="module")
def pool_path(tmp_path_factory) -> Path:
    return synthetic.write_pool(tmp_path_factory.mktemp("pool") / "jw_pool.csv", ROWS, SEED)


def test_synthetic_pool_is_deterministic_and_has_exactly_the_rows_asked():
    text = synthetic.pool_text(ROWS, SEED)
    assert text == synthetic.pool_text(ROWS, SEED)
    assert text != synthetic.pool_text(ROWS, SEED + 1)
    data = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert data[0].split("|") == list(synthetic.COLUMNS)
    assert len(data) - 1 == ROWS
    # A longer pool of the same seed starts with the same rows: sizes grow one program.
    longer = list(synthetic.synthetic_rows(ROWS + 50, SEED))
    assert longer[:ROWS] == list(synthetic.synthetic_rows(ROWS, SEED))


def test_synthetic_pool_reads_cleanly_and_varies_like_a_real_program(pool_path):
    pool = read_pool(str(pool_path))
    assert len(pool.rows) == ROWS
    assert pool.warnings == []
    assert {"asn_candidate", "exp_type", "detector", "filter", "bkgdtarg"} <= set(pool.columns)
    assert {r["instrume"] for r in pool.rows} == {"nircam", "miri"}
    assert len({r["detector"] for r in pool.rows}) > 5
    assert len({r["filter"] for r in pool.rows}) > 4
    assert any("'mosaic'" in r["asn_candidate"] for r in pool.rows)
    assert any("'background'" in r["asn_candidate"] for r in pool.rows)
    assert any(r["bkgdtarg"] == "t" for r in pool.rows)
    assert any(r["exposerr"] != "null" for r in pool.rows)
    assert len({r["filename"] for r in pool.rows}) == ROWS


def test_generate_makes_associations_from_a_synthetic_pool(pool_path):
    pool = read_pool(str(pool_path))
    result = generate(pool, version_id="20261123t000000")
    types = Counter(a.asn_type for a in result.associations)
    # One Stage 2 association per exposure (every row is an image), Stage 3 per candidate.
    assert types["image2"] == ROWS
    assert types["image3"] > 0
    assert result.orphans == []
    ids = {a.asn_id for a in result.associations if a.asn_type == "image3"}
    observations = {f"o{int(r['obs_num']):03d}" for r in pool.rows}
    assert observations <= ids
    assert any(i.startswith("c1") for i in ids)
    names = [a.filename for a in result.associations]
    assert len(names) == len(set(names))
    assert all(n.startswith("jw") and "_20261123t000000_" in n for n in names)
    degraded = [a for a in result.associations
                if "unsuccessful" in json.dumps(a.data).lower()]
    assert degraded


def test_synthetic_pool_script_rejects_a_bad_row_count(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        synthetic.main(["0", "-o", str(tmp_path / "p.csv")])
    assert stop.value.code == 2
    assert "ROWS must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "p.csv").exists()


def test_measure_reports_status_files_and_memory(tmp_path):
    out = tmp_path / "out"
    code = (f"import pathlib; p = pathlib.Path({str(out)!r}); p.mkdir(); "
            "(p / 'a.json').write_text('{}')")
    run = bench.measure([sys.executable, "-c", code], out, timeout=60)
    assert run.status == 0 and run.files == 1
    assert run.peak_mb > 1 and run.wall > 0
    failed = bench.measure([sys.executable, "-c", "raise SystemExit(2)"], out, timeout=60)
    assert failed.status == 2


def test_same_files_ignores_only_the_unreproducible_fields(tmp_path):
    ref, ours = tmp_path / "ref", tmp_path / "ours"
    ref.mkdir()
    ours.mkdir()
    base = {"asn_id": "o001", "products": []}
    (ref / "a_asn.json").write_text(json.dumps({**base, "code_version": "3.0.0"}))
    (ours / "a_asn.json").write_text(json.dumps({**base, "code_version": "0.1.0"}))
    (ref / "b_asn.json").write_text(json.dumps({**base, "asn_id": "o002"}))
    (ours / "b_asn.json").write_text(json.dumps({**base, "asn_id": "o003"}))
    (ours / "c_asn.json").write_text(json.dumps(base))
    assert bench.same_files(ref, ours) == "1/3"


def test_table_and_verdict_read_rows_per_process_count():
    run = bench.Run(wall=0.5, cpu=0.9, peak_mb=40, status=0, files=858)
    ref = bench.Run(wall=275.0, cpu=270.0, peak_mb=900, status=0, files=858)
    rows = [bench.Row("mega_pool -j2", 837, [run], ref, "858/858"),
            bench.Row("synthetic_10000 -j1", 10000, [bench.Run(3.0, 3.0, 130, 0, 10335)]),
            bench.Row("synthetic_10000 -j2", 10000, [bench.Run(2.0, 3.2, 120, 0, 10335)])]
    text = "\n".join(bench.table(rows, 5, 1))
    assert "550x" in text and "858/858" in text
    lines = bench.verdict(rows, None, default_jobs=2)
    assert any(line.startswith("target mega_pool -j2 500x the reference: 550x wall")
               and "-> met" in line for line in lines)
    assert any(line.startswith("target synthetic_10000 -j2 < 2.5 s") and "-> met" in line
               for line in lines)
    # Another process count than the default is shown beside, with no verdict of its own.
    one = [line for line in lines if "synthetic_10000 -j1" in line]
    assert len(one) == 1 and one[0].startswith("for comparison, synthetic_10000 -j1")
    assert "3.00 s" in one[0] and "met" not in one[0]
    # On a one-core machine the default is -j1: its rows carry the verdicts.
    lines = bench.verdict(rows, None, default_jobs=1)
    assert any(line.startswith("target synthetic_10000 -j1 < 2.5 s") and "NOT met" in line
               for line in lines)
    assert not any(line.startswith("target") and "-j2" in line for line in lines)


instructions = _load("bench_instructions")


@pytest.mark.skipif(shutil.which("valgrind") is None,
                    reason="valgrind is not installed (bench_instructions.py counts with it)")
def test_instruction_counts_are_repeatable_and_count_the_generate_alone(tmp_path):
    """Two counts of one small generate agree closely; generate costs instructions."""
    from asnatlas import samples

    pool = Path(samples.path("imaging"))
    root = Path(__file__).resolve().parents[1] / "generator"
    first = instructions.generate_cost(root, pool)
    second = instructions.generate_cost(root, pool)
    assert first > 1_000_000
    assert abs(first - second) / first < 0.01


floor = _load("bench_floor")


def test_floor_benchmark_writes_the_same_files_both_ways_and_measures_every_step(tmp_path,
                                                                                  pool_path):
    """The bare writing the floor is measured with writes exactly the files asnatlas does."""
    pool = read_pool(str(pool_path))
    result = generate(pool, version_id=floor.VERSION_ID)
    files = [(asn.filename, asn.to_json().encode("utf-8")) for asn in result.associations]
    floor.bare_write(tmp_path / "bare", files)
    floor.our_write(tmp_path / "ours", files)
    bare = {p.name: p.read_bytes() for p in (tmp_path / "bare").iterdir()}
    ours = {p.name: p.read_bytes() for p in (tmp_path / "ours").iterdir()}
    assert bare == ours == dict(files)
    figures = floor.measure(pool_path, tmp_path, 1, None)
    assert figures.pop("_files") == len(files)
    assert set(figures) == {"read (bare split)", "read (asnatlas)", "match (asnatlas, CPU)",
                            "JSON (asnatlas)", "files (bare open/write)",
                            "files (asnatlas, all or nothing)"}
    assert all(value > 0 for value in figures.values())
    assert not (tmp_path / "bare0").exists() and not (tmp_path / "ours0").exists()
    assert "Python 3." in floor.interpreter()

"""The generator writes the same associations as the DMS reference (jwst 3.0.0)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONFORMANCE, SAMPLES_EXPECTED, conformance_pools, corpus_params

from asnatlas import generate as generate_module
from asnatlas import samples
from asnatlas.generate import generate
from asnatlas.pool import read_pool

VERSION = "20261123t000000"
MODES = Path(__file__).resolve().parent / "data" / "samples_modes"
# Fields that only the reference can reproduce (a repr with memory addresses, its version).
NOT_COMPARED = ("constraints", "code_version")


def comparable(text: str) -> dict:
    data = json.loads(text)
    for key in NOT_COMPARED:
        data.pop(key, None)
    return data


def expected_files(folder: Path) -> dict[str, dict]:
    return {p.name: comparable(p.read_text()) for p in sorted(folder.glob("*.json"))}


def generated_files(result) -> dict[str, dict]:
    return {asn.filename: comparable(asn.to_json()) for asn in result.associations}


def assert_same(expected: dict[str, dict], actual: dict[str, dict]) -> None:
    assert sorted(actual) == sorted(expected), "different file names"
    for name, data in expected.items():
        # dict equality ignores key order but not list order: products and members are
        # compared in order, as the conformance script's "strict" does.
        assert actual[name] == data, f"{name} differs"


@pytest.mark.parametrize("pool_path", corpus_params(conformance_pools()), ids=lambda p: p.stem)
def test_conformance_pool_is_identical(pool_path: Path):
    result = generate(read_pool(str(pool_path)), version_id=VERSION)
    assert_same(expected_files(CONFORMANCE / "expected" / pool_path.stem),
                generated_files(result))


@pytest.mark.parametrize("name", samples.names())
def test_sample_pool_matches_reference(name: str):
    result = generate(read_pool(str(samples.path(name))), version_id=VERSION)
    assert_same(expected_files(SAMPLES_EXPECTED / name), generated_files(result))


MODE_ARGS = {
    "all-candidates": {"all_candidates": True, "version_id": VERSION},
    "discover": {"discover": True, "version_id": VERSION},
    "ids-o001": {"candidate_ids": ["o001"], "version_id": VERSION},
    # --DMS -i o001: the background candidates of o001's exposures run too, and only
    # o001's associations are kept (the spectroscopy sample has one, c1000).
    "dms-ids-o001": {"candidate_ids": ["o001"], "dms": True, "version_id": VERSION},
    "noversion": {},
}


@pytest.mark.parametrize("mode", sorted(MODE_ARGS))
@pytest.mark.parametrize("name", samples.names())
def test_modes_match_reference(name: str, mode: str):
    """--all-candidates, --discover, -i, --DMS -i and no version id, against the reference's
    output."""
    folder = MODES / name / mode
    result = generate(read_pool(str(samples.path(name))), **MODE_ARGS[mode])
    assert_same(expected_files(folder), generated_files(result))


def _small_pools() -> list[Path]:
    paths = [samples.path(name) for name in samples.names()]
    wanted = ("pool_001_candidates", "pool_004_wfs", "pool_007_spec_miri",
              "pool_013_coron_nircam", "pool_018_all_exptypes", "pool_024c_nirspec_fss_nods")
    return paths + [p for p in conformance_pools() if p.stem in wanted]


@pytest.mark.parametrize("pool_path", _small_pools(), ids=lambda p: Path(p).stem)
def test_shortcuts_change_nothing(pool_path):
    """The engine's pre-checks, index and compiled trees only save work: walking every
    rule's tree in full for every offer gives the same files."""
    pool = read_pool(str(pool_path))
    fast = generate(pool, version_id=VERSION)
    slow = generate(pool, version_id=VERSION, shortcuts=False)
    assert [a.filename for a in fast.associations] == [a.filename for a in slow.associations]
    assert [a.to_json() for a in fast.associations] == [a.to_json() for a in slow.associations]


@pytest.mark.parametrize("pool_path", _small_pools(), ids=lambda p: Path(p).stem)
def test_shared_states_change_nothing(pool_path, monkeypatch):
    """Large pools' finished associations share their states (`Asn.compact`, read-only
    once shared): the same files and member rows as with states of their own."""
    pool = read_pool(str(pool_path))
    own = generate(pool, version_id=VERSION)
    monkeypatch.setattr(generate_module, "SHARE_STATES_MIN_ROWS", 0)
    shared = generate(pool, version_id=VERSION)
    assert [(a.filename, a.to_json(), a.member_rows) for a in shared.associations] == \
        [(a.filename, a.to_json(), a.member_rows) for a in own.associations]


def test_scratch_keeps_the_engine_objects_and_changes_nothing():
    """`generate(scratch=...)` (the installed command's, which exits next) leaves the
    engine's objects in the list instead of freeing them: the same result."""
    pool = read_pool(str(samples.path("imaging")))
    kept: list = []
    with_scratch = generate(pool, version_id=VERSION, scratch=kept)
    plain = generate(pool, version_id=VERSION)
    assert [(a.filename, a.to_json()) for a in with_scratch.associations] == \
        [(a.filename, a.to_json()) for a in plain.associations]
    made = kept[0][0]
    assert len(made) >= len(plain.associations) and all(a.matcher.asn is None for a in made)


def test_member_rows_point_at_the_exposures():
    pool = read_pool(str(samples.path("imaging")))
    result = generate(pool, version_id=VERSION)
    for asn in result.associations:
        for product, rows in zip(asn.data["products"], asn.member_rows, strict=True):
            for member, row in zip(product["members"], rows, strict=True):
                if row >= 0:
                    stem = pool.rows[row]["filename"].split("_uncal")[0]
                    assert member["expname"].startswith(stem)
    in_some = {row for asn in result.associations for rows in asn.member_rows for row in rows}
    assert set(result.orphans) == set(range(len(pool.rows))) - in_some


def test_output_is_deterministic():
    pool = read_pool(str(samples.path("spectroscopy")))
    first = [a.to_json() for a in generate(pool, version_id=VERSION).associations]
    second = [a.to_json() for a in generate(pool, version_id=VERSION).associations]
    assert first == second


# --- the command line -----------------------------------------------------------------------


def asnatlas(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "asnatlas", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_cli_writes_files_and_keeps_unrelated_ones(tmp_path: Path):
    out = tmp_path / "asn"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    done = asnatlas("generate", str(samples.path("tso")), "-o", str(out), "--version-id", VERSION)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert "notes.txt" in names
    written = [n for n in names if n.endswith(".json")]
    assert sorted(expected_files(SAMPLES_EXPECTED / "tso")) == written
    assert not [n for n in names if n.startswith(".asnatlas-")], "staging folder left behind"
    assert (out / "notes.txt").read_text() == "mine"


def test_cli_bad_pool_fails_cleanly_and_writes_nothing(tmp_path: Path):
    bad = tmp_path / "bad_pool.csv"
    bad.write_text("FILENAME|PROGRAM|EXP_TYPE|INSTRUME\njw_1_uncal.fits|1|nrc_image\n")
    out = tmp_path / "asn"
    done = asnatlas("generate", str(bad), "-o", str(out))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert str(bad) in done.stderr and ":2:" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists() or not list(out.iterdir())


def test_cli_missing_pool_and_unknown_sample(tmp_path: Path):
    done = asnatlas("generate", str(tmp_path / "nope.csv"))
    assert done.returncode == 2 and "nope.csv" in done.stderr and "Traceback" not in done.stderr
    done = asnatlas("generate", "--sample", "nosuch")
    assert done.returncode == 2 and "imaging" in done.stderr
    done = asnatlas("generate")
    assert done.returncode == 2 and "no pool" in done.stderr


def test_cli_dry_run_lists_and_writes_nothing(tmp_path: Path):
    done = asnatlas("generate", "--sample", "wfss", "--dry-run", "--version-id", VERSION,
                    cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == sorted(expected_files(SAMPLES_EXPECTED / "wfss"))
    assert list(tmp_path.iterdir()) == []


def test_cli_version_id_without_value_is_a_timestamp(tmp_path: Path):
    done = asnatlas("generate", "--sample", "imaging", "--dry-run", "--version-id")
    assert done.returncode == 0, done.stderr
    stamp = done.stdout.split()[0].split("_")[1]
    assert len(stamp) == 15 and stamp[8] == "t" and stamp.replace("t", "").isdigit()


def test_cli_save_orphans(tmp_path: Path):
    done = asnatlas("generate", "--sample", "coronagraphy", "-o", str(tmp_path),
                    "--save-orphans", "orphans.csv")
    assert done.returncode == 0, done.stderr
    table = (tmp_path / "orphans.csv").read_text().splitlines()
    pool = read_pool(str(samples.path("coronagraphy")))
    assert table[0] == "|".join(pool.columns)
    orphans = generate(pool).orphans
    assert len(table) - 1 == len(orphans)


def test_cli_output_that_is_a_file_is_an_error(tmp_path: Path):
    out = tmp_path / "taken"
    out.write_text("a file, not a folder")
    done = asnatlas("generate", "--sample", "imaging", "-o", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert str(out) in done.stderr
    assert out.read_text() == "a file, not a folder"


def test_stage_follows_the_association_type():
    from asnatlas.conventions import catalogue

    pool = read_pool(str(samples.path("spectroscopy")))
    for asn in generate(pool).associations:
        assert asn.stage == catalogue.asn_type(asn.asn_type).stage, asn.filename

"""Terminal output quotes pools and file names with every control character escaped, and
says who wrote the files (``code_version``, ``--version``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from asnatlas import CODE_VERSION, RULES_VERSION, __version__
from asnatlas.safetext import UNSAFE

HERE = Path(__file__).resolve().parent
IMAGING = HERE.parent / "generator" / "asnatlas" / "samples" / "imaging.csv"
ESCAPES = "\x1b]0;retitled\x07\x1b[31m\u202e\x9b2J\u200b\ufeff\U000e0041"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "asnatlas", *args], capture_output=True,
                          text=True, timeout=600)


def assert_inert(text: str) -> None:
    """Nothing but printable text and plain line breaks."""
    bad = sorted({ch for ch in text if UNSAFE.match(ch) and ch != "\n"})
    assert not bad, (bad, text[:500])


@pytest.fixture
def hostile_pool(tmp_path) -> Path:
    """The imaging sample, with escapes in one FILENAME, a TARGNAME, and the file's name."""
    lines = IMAGING.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    fields = lines[header + 1].split("|")
    columns = lines[header].split("|")
    fields[columns.index("FILENAME")] = fields[0].replace("_uncal", f"{ESCAPES}_uncal")
    fields[columns.index("TARGNAME")] = f"ngc{ESCAPES}"
    lines[header + 1] = "|".join(fields)
    path = tmp_path / f"pool{ESCAPES}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_explain_text_shows_escapes(hostile_pool):
    result = run("explain", str(hostile_pool), "--all")
    assert result.returncode == 0, result.stderr
    assert "\\x1b]0;retitled\\x07" in result.stdout and "\\u202e" in result.stdout
    assert_inert(result.stdout + result.stderr)


def test_explain_json_is_inert(hostile_pool):
    result = run("explain", str(hostile_pool), "--all", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert_inert(result.stdout)
    # JSON escapes them itself, and a JSON reader gets the value back exactly.
    names = [e["filename"] for e in json.loads(result.stdout)["exposures"]]
    assert any(ESCAPES.lower() in name for name in names)


def test_generate_messages_show_escapes(hostile_pool, tmp_path):
    result = run("generate", str(hostile_pool), "-o", str(tmp_path / "asn"))
    assert result.returncode == 0, result.stderr
    assert "pool\\x1b]0;retitled\\x07" in result.stderr
    assert_inert(result.stdout + result.stderr)
    dry = run("generate", str(hostile_pool), "--dry-run")
    assert dry.returncode == 0 and dry.stdout
    assert_inert(dry.stdout + dry.stderr)


@pytest.mark.parametrize("command", ["generate", "explain", "build"])
def test_errors_naming_a_hostile_file_are_one_inert_line(tmp_path, command):
    missing = str(tmp_path / f"no\npool{ESCAPES}\r::error::x.csv")
    result = run(command, missing)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("asnatlas: error: ")
    assert_inert(result.stderr)
    assert "\\n" in result.stderr and "\\x1b" in result.stderr


def test_code_version_says_who_wrote_the_file(tmp_path):
    assert CODE_VERSION == f"asnatlas {__version__} (jwst {RULES_VERSION} rules)"
    assert CODE_VERSION == "asnatlas 0.2.0 (jwst 3.0.0 rules)"
    result = run("--version")
    assert result.stdout.strip() == CODE_VERSION
    out = tmp_path / "asn"
    assert run("generate", "--sample", "imaging", "-q", "-o", str(out)).returncode == 0
    files = sorted(out.glob("*_asn.json"))
    assert files
    assert {json.loads(f.read_text())["code_version"] for f in files} == {CODE_VERSION}


@pytest.mark.parametrize("output", ["text", "github", "json"])
def test_validate_shows_invisible_characters_as_escapes(tmp_path, output):
    # Zero-width and tag characters in names, keys and the file's own name: reported, and
    # never printed raw (they would make one name look like another).
    asn = {"products": [{"name": "jw01234-o001_t001_nircam_clear\u2060-f200w",
                         "members": [{"expname": "jw01234001001_02101_00001_nrca1\u200b_cal.fits",
                                      "exptype": "science"}]}],
           "no\u200bte": 1}
    path = tmp_path / "jw01234-o001_20240101t120000_image3_00001\u200b_asn.json"
    path.write_text(json.dumps(asn, ensure_ascii=False), encoding="utf-8")
    done = run("validate", "--format", output, str(path))
    assert done.returncode == 1, done.stderr
    assert_inert(done.stdout + done.stderr)
    if output == "json":
        return  # JSON escapes them by itself; its strings hold the names as they are
    assert done.stdout.count("ASN221") == 2
    assert "\\u200b" in done.stdout and "\\u2060" in done.stdout


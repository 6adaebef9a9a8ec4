"""The validator against real files: our broken corpus and the reference's associations."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from asnatlas.validate.api import validate_path
from asnatlas.validate.codes import ERROR, table

BROKEN = Path(__file__).parent / "data" / "broken"


def _expectations() -> dict[str, tuple[set, str]]:
    """file -> ({(code, line, col)}, options) from ``broken/expected.tsv``."""
    found: dict[str, tuple[set, str]] = defaultdict(lambda: (set(), ""))
    for row in (BROKEN / "expected.tsv").read_text("utf-8").splitlines():
        if row.startswith("#") or not row.strip():
            continue
        name, code, line, col, options, _what = row.split("\t")
        codes, _ = found[name]
        codes.add((code, int(line), int(col)))
        found[name] = (codes, options)
    return dict(found)


EXPECTED = _expectations()


def test_corpus_is_large_and_covers_every_code():
    assert len(EXPECTED) >= 40
    on_disk = {str(p.relative_to(BROKEN)) for p in BROKEN.rglob("*_asn.json")}
    assert on_disk == set(EXPECTED)
    covered = {code for codes, _ in EXPECTED.values() for code, _, _ in codes}
    # ASN106 and ASN114 are the fallbacks for schema keywords our schemas do not use;
    # ASN020 (cannot read) is about the file system, tested in test_validate_io.py.
    assert {c.code for c in table()} - covered == {"ASN106", "ASN114", "ASN020"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_caught_with_code_and_position(name):
    want, options = EXPECTED[name]
    problems = validate_path(BROKEN / name, check_files=options == "check-files")
    assert {(p.code, p.line, p.col) for p in problems} == want
    assert all(p.hint for p in problems), "every problem carries a hint"


def test_missing_member_file_only_with_check_files():
    name = next(n for n, (_, options) in EXPECTED.items() if options == "check-files")
    assert validate_path(BROKEN / name) == []
    found = validate_path(BROKEN / name, check_files=True)
    assert [p.code for p in found] == ["ASN215"]
    assert "00003" in found[0].message


def test_reference_associations_have_no_problem(conformance_dir):
    files = sorted((conformance_dir / "expected").glob("*/*_asn.json"))
    assert len(files) == 1731
    problems = [p for f in files for p in validate_path(f)]
    assert [p for p in problems if p.severity == ERROR] == []
    assert problems == []  # no warnings either: the reference's own files are the convention

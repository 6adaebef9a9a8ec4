"""ASN_CANDIDATE values the reference generator cannot read are refused, the others read.

``tests/data/candidate_values.json`` holds values and whether jwst 3.0.0's generator reads
them: it lists the candidates of every row (``ids_by_ctype``, in every mode) by unpacking
each entry as a pair, and fails with a TypeError on a value or an entry that cannot be
unpacked at all. When the reference is installed (``$ASNATLAS_JWST_PYTHON``, default
/tmp/jwstref/bin/python), the stored verdicts are checked against it too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reference_jwst import run_in_reference

from asnatlas.cli import main
from asnatlas.conventions import unreadable

DATA = Path(__file__).parent / "data" / "candidate_values.json"
VALUES: dict[str, str] = json.loads(DATA.read_text("utf-8"))["values"]


@pytest.mark.parametrize("text", sorted(VALUES))
def test_a_value_is_refused_exactly_where_the_reference_fails(text):
    assert (unreadable(text) is not None) == (VALUES[text] == "fails")


def test_stored_verdicts_are_the_references():
    script = (
        "import json, logging, sys\n"
        "logging.disable(logging.CRITICAL)\n"
        "from jwst.associations.generator.generate_per_candidate import ids_by_ctype\n"
        "out = {}\n"
        "for text in json.load(sys.stdin):\n"
        "    try:\n"
        "        ids_by_ctype({'asn_candidate': [text]}); out[text] = 'reads'\n"
        "    except TypeError:\n"
        "        out[text] = 'fails'\n"
        "json.dump(out, sys.stdout)\n")
    assert run_in_reference(script, sorted(VALUES)) == VALUES


def test_generate_refuses_such_a_pool_in_one_line_naming_the_cell(tmp_path, capsys):
    pool = tmp_path / "jw01234_pool.csv"
    good, bad = "[('o001', 'observation')]", "[('o001', 'observation'), 5]"
    pool.write_text("FILENAME|EXP_TYPE|ASN_CANDIDATE\n"
                    f"jw01234001001_02101_00001_nrca1_uncal.fits|NRC_IMAGE|{good}\n"
                    f"jw01234001001_02101_00002_nrca1_uncal.fits|NRC_IMAGE|{bad}\n",
                    encoding="utf-8")
    for mode in ([], ["--discover"], ["-i", "o001"]):
        assert main(["generate", str(pool), "-o", str(tmp_path / "out"), *mode]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "Traceback" not in err
        assert f"{pool}:3: column ASN_CANDIDATE value \"[('o001', 'observation'), 5]\"" in err
        assert "expected a list of (id, type) pairs" in err
        assert not (tmp_path / "out").exists()

"""The embedded sample pools: shipped, readable, standard names, and what the reference makes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from asnatlas import samples
from asnatlas.conventions.naming import ExposureName, parse_name
from asnatlas.model import exposures
from asnatlas.pool import read_pool

SAMPLES_EXPECTED = Path(__file__).parent / "data" / "samples_expected"

# Association types each sample must give (checked against the reference's output).
MUST_GIVE = {
    "imaging": {"image2", "image3"},
    "spectroscopy": {"spec2", "spec3"},
    "coronagraphy": {"image2", "coron3"},
    "tso": {"tso-image2", "tso-spec2", "tso3"},
    "wfss": {"image2", "image3", "spec2", "spec3"},
}


def test_names_and_paths():
    assert samples.names() == ["imaging", "spectroscopy", "coronagraphy", "tso", "wfss"]
    for name in samples.names():
        assert samples.path(name).is_file()
        assert samples.describe(name)
    with pytest.raises(KeyError, match="imaging"):
        samples.path("nope")


@pytest.mark.parametrize("name", samples.names())
def test_sample_pool_is_clean_and_realistic(name):
    pool = read_pool(str(samples.path(name)))
    assert 6 <= len(pool.rows) <= 30
    assert pool.warnings == []
    programs = {row["program"] for row in pool.rows}
    assert len(programs) == 1 and programs.pop().startswith("9"), "fictitious 9xxxx program"
    for exposure in exposures(pool):
        parsed = parse_name(exposure.filename)
        assert isinstance(parsed, ExposureName) and parsed.suffix == "uncal"
        assert parsed.activity_id == exposure.get("act_id")
        assert exposure.candidates, "every exposure has its candidates"


@pytest.mark.parametrize("name", samples.names())
def test_reference_output_is_stored_and_sensible(name):
    folder = SAMPLES_EXPECTED / name
    files = sorted(folder.glob("*_asn.json"))
    assert len(files) >= 5
    kinds = Counter(json.loads(f.read_text(encoding="utf-8"))["asn_type"] for f in files)
    assert MUST_GIVE[name] <= set(kinds), kinds
    pool_names = {json.loads(f.read_text(encoding="utf-8"))["asn_pool"] for f in files}
    assert pool_names == {f"{name}.csv"}

"""JWST names: round trips (hypothesis), precise errors, and every name of the corpus."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asnatlas.conventions import catalogue
from asnatlas.conventions.naming import (
    DETECTORS,
    EXTENSIONS,
    INSTRUMENTS,
    AsnFileName,
    CandidateId,
    ExposureName,
    NamingError,
    ProductName,
    base36,
    is_standard,
    parse_asn_filename,
    parse_candidate_id,
    parse_exposure_name,
    parse_name,
    parse_product_name,
)

# ----------------------------------------------------------------- strategies

candidate_ids = st.one_of(
    st.builds(CandidateId, st.just("observation"), st.integers(0, 999)),
    st.builds(CandidateId, st.just("candidate"), st.integers(1000, 1999)),
    st.builds(CandidateId, st.just("discovered"), st.integers(3000, 3999)),
    st.builds(CandidateId, st.just("reserved"), st.integers(0, 9999)),
)
suffixes = st.sampled_from(catalogue.product_suffixes())
optional = st.none

exposure_names = st.builds(
    ExposureName,
    program=st.integers(0, 99999),
    observation=st.integers(0, 999),
    visit=st.integers(0, 999),
    visit_group=st.integers(0, 99),
    sequence=st.integers(0, 9),
    activity=st.integers(0, 36**2 - 1),
    exposure=st.integers(0, 99999),
    detector=st.sampled_from(DETECTORS),
    segment=st.none() | st.integers(1, 999),
    acid=st.none() | candidate_ids.map(str),
    suffix=st.none() | suffixes,
).flatmap(
    # An extension only follows a suffix.
    lambda name: st.just(name) if name.suffix is None else st.sampled_from(
        [name, *(ExposureName(**{**name.__dict__, "extension": ext}) for ext in EXTENSIONS)])
)

targets = st.one_of(
    st.integers(0, 99999).map(lambda n: f"t{n:03d}"),
    st.tuples(st.sampled_from("sbv"), st.integers(0, 999999999)).map(lambda t: f"{t[0]}{t[1]:09d}"),
    st.just("{source_id}"),
)
elements = st.lists(
    st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True) | st.just("{slit_name}"), max_size=5
).map(tuple)


@st.composite
def product_names(draw) -> ProductName:
    suffix = draw(st.none() | suffixes | st.just("{suffix}"))
    placeholder = suffix == "{suffix}"
    return ProductName(
        program=draw(st.integers(0, 99999)),
        acid=str(draw(candidate_ids)),
        target=draw(targets),
        instrument=draw(st.sampled_from(INSTRUMENTS)),
        opt_elements=draw(elements),
        source=draw(st.none() | targets.filter(lambda t: not t.startswith("t"))),
        epoch=draw(st.none() | st.integers(0, 999)),
        suffix=suffix,
        activity=None if suffix is None else draw(st.none() | st.integers(0, 36**2 - 1)),
        # A product name (no extension) carries only the {suffix} placeholder.
        extension=None if placeholder else (
            draw(st.sampled_from(EXTENSIONS)) if suffix is not None else None),
    )


asn_file_names = st.builds(
    AsnFileName,
    program=st.integers(0, 99999),
    acid=candidate_ids.map(str),
    asn_type=st.sampled_from(catalogue.asn_type_names()),
    sequence=st.integers(0, 99999),
    version=st.none() | st.from_regex(r"[a-z0-9][a-z0-9.-]{0,20}", fullmatch=True),
)


# ----------------------------------------------------------------- round trips


@given(candidate_ids)
def test_candidate_id_round_trip(cid):
    assert parse_candidate_id(cid.format()) == cid
    assert parse_candidate_id(str(cid)).format() == str(cid)


@given(exposure_names)
def test_exposure_name_round_trip(name):
    text = name.format()
    assert parse_exposure_name(text) == name
    assert parse_name(text) == name
    assert parse_exposure_name(text).format() == text


@given(product_names())
def test_product_name_round_trip(name):
    text = name.format()
    assert parse_product_name(text) == name
    assert parse_product_name(text).format() == text


@given(asn_file_names)
def test_asn_file_name_round_trip(name):
    text = name.format()
    assert parse_asn_filename(text) == name
    assert parse_name(text).format() == text


@given(st.integers(0, 36**2 - 1))
def test_base36_round_trip(value):
    assert int(base36(value), 36) == value


# ----------------------------------------------------------------- known names


def test_exposure_fields():
    name = parse_exposure_name("jw00632003001_0310a_00001-seg002_nrca1_rateints.fits")
    assert (name.program, name.observation, name.visit) == (632, 3, 1)
    assert (name.visit_group, name.sequence, name.activity) == (3, 1, 10)
    assert name.activity_id == "0a"
    assert (name.exposure, name.segment, name.detector) == (1, 2, "nrca1")
    assert (name.suffix, name.extension) == ("rateints", "fits")
    assert name.stem == "jw00632003001_0310a_00001-seg002_nrca1"


def test_level2_product_name_is_the_exposure_stem():
    name = parse_name("jw00632003001_03105_00001_nrca1")
    assert isinstance(name, ExposureName) and name.suffix is None and name.extension is None


def test_stage3_per_exposure_product_keeps_its_candidate():
    name = parse_exposure_name("jw01234001001_02101_00001_nrca1_o001_crf.fits")
    assert name.acid == "o001" and name.suffix == "crf"


def test_product_fields():
    name = parse_product_name("jw99009-o001_t001_miri_f560w")
    assert (name.program, name.acid) == (99009, "o001")
    assert (name.target, name.instrument) == ("t001", "miri")
    assert name.opt_elements == ("f560w",) and name.suffix is None
    assert name.name == "jw99009-o001_t001_miri_f560w"
    fs = parse_product_name(
        "jw93125-o001_t001-{source_id}_nirspec_f290lp-g395h-{slit_name}-sub200a1")
    assert fs.source == "{source_id}" and fs.opt_elements[-2:] == ("{slit_name}", "sub200a1")
    wfs = parse_product_name("jw00747-o017_t002_nircam_f212n-wlm8-nrca1_{suffix}-02")
    assert (wfs.suffix, wfs.activity) == ("{suffix}", 2)
    ami = parse_product_name("jw01234-c1000_t001_niriss_f480m-nrm_ami-oi-03.fits")
    assert (ami.suffix, ami.activity) == ("ami-oi", 3)
    epoch = parse_product_name("jw01234-o001_s000000042-epoch2_nirspec_clear-prism_x1d.fits")
    assert (epoch.target, epoch.epoch) == ("s000000042", 2)
    noopt = parse_product_name("jw01234-o001_t001_miri_x1d.fits")
    assert noopt.opt_elements == () and noopt.suffix == "x1d"


def test_asn_file_fields():
    name = parse_asn_filename("jw00632-o003_20261123t000000_image2_00001_asn.json")
    assert (name.program, name.acid, name.version) == (632, "o003", "20261123t000000")
    assert (name.asn_type, name.sequence) == ("image2", 1)
    plain = parse_asn_filename("jw00632-o003_image3_00002_asn.json")
    assert plain.version is None and plain.format() == "jw00632-o003_image3_00002_asn.json"


@pytest.mark.parametrize("text, part", [
    ("jw0063200300_03105_00001_nrca1_cal.fits", "program+observation+visit"),
    ("jw00632003001_03105_00001_nrcz1_cal.fits", "detector"),
    ("jw00632003001_03105_00001-seg000_nrca1_cal.fits", "segment number"),
    ("jw00632003001_031!5_00001_nrca1_cal.fits", "activity"),
    ("jw00632003001_03105_00001_nrca1_bogus.fits", "product type"),
    ("jw00632003001_03105_00001_nrca1_cal.txt", "extension"),
    ("jw01234-o001_t001_nircam_clear-f200w_foo.fits", "product type"),
    ("jw01234-x001_t001_nircam_clear-f200w", "candidate id"),
    ("jw01234-c2001_t001_nircam_clear-f200w", "candidate id"),
    ("jw01234-o001_q001_nircam_clear-f200w", "target"),
    ("jw01234-o001_t001_hubble_clear-f200w", "instrument"),
    ("jw01234-o001_20261123t000000_image9_00001_asn.json", "asn_type"),
    ("jw01234-o001_image3_0001_asn.json", "sequence"),
    ("jw_00205", "name"),
    ("jw_00001_cal.fits", "name"),
])
def test_errors_say_which_part_is_wrong(text, part):
    with pytest.raises(NamingError) as info:
        parse_name(text)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.name == text and err.part.startswith(part)
    assert "expected" in str(err) and text in str(err)


def test_candidate_id_kinds():
    assert parse_candidate_id("o001").kind == "observation"
    assert parse_candidate_id("c1000").kind == "candidate"
    assert parse_candidate_id("a3001").kind == "discovered"
    assert parse_candidate_id("r0042").kind == "reserved"
    for bad in ("o01", "c0999", "a1001", "x001", "r12"):
        with pytest.raises(NamingError):
            parse_candidate_id(bad)


# ----------------------------------------------------------------- the corpus

# The reference's own test pools use short placeholder file names such as
# jw_00001_cal.fits (products jw_00001); they are counted, not parsed.
TEST_STYLE = re.compile(r"^jw_\d{5}(_[a-z0-9-]+\.[a-z]+)?$")


def corpus_names(expected: Path):
    for path in sorted(expected.glob("*/*_asn.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        yield "file", path.name
        for product in data["products"]:
            yield "product", product["name"]
            for member in product["members"]:
                yield "member", member["expname"]


def check_names(names) -> Counter:
    counts: Counter = Counter()
    for kind, name in names:
        if TEST_STYLE.match(name):
            assert not is_standard(name)
            counts["test-style"] += 1
            continue
        parsed = parse_name(name)  # raises NamingError with the failing part
        assert parsed.format() == name or getattr(parsed, "name", None) == name
        counts[kind] += 1
    return counts


def test_every_name_in_the_conformance_corpus(conformance_dir):
    counts = check_names(corpus_names(conformance_dir / "expected"))
    assert counts["file"] == len(list((conformance_dir / "expected").glob("*/*_asn.json")))
    assert counts["product"] > 0 and counts["member"] > 0
    # Most of the reference's test pools use test-style names; real pools do not.
    assert counts["test-style"] > 0


def test_every_name_in_the_sample_outputs():
    expected = Path(__file__).parent / "data" / "samples_expected"
    counts = check_names(corpus_names(expected))
    assert counts["test-style"] == 0, "our samples use real-style names only"
    assert counts["file"] >= 50

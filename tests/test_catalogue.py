"""The product and association-type catalogue: complete, consistent, and covering the corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

from asnatlas.conventions import catalogue

SAMPLES_EXPECTED = Path(__file__).parent / "data" / "samples_expected"


def test_products_have_every_field():
    products = catalogue.product_types()
    assert len({p.suffix for p in products}) == len(products), "suffixes are unique"
    for product in products:
        assert product.stages and all(0 <= s <= 3 for s in product.stages)
        assert product.pipelines and product.description.endswith(".")
        assert set(product.basis) <= {"exposure", "source"} and product.basis
        assert product.extension in ("fits", "ecsv")


def test_key_products():
    assert catalogue.product_type("uncal").stage == 0
    assert catalogue.product_type("rate").pipelines == ("calwebb_detector1",)
    assert catalogue.product_type("i2d").stages == (2, 3)
    assert catalogue.product_type("cat").source_based
    assert catalogue.product_type("crf").exposure_based
    for suffix in ("rateints", "calints", "crfints", "s2d", "s3d", "x1d", "x1dints", "c1d",
                   "whtlt", "segm", "psfstack", "psfalign", "psfsub", "ami-oi",
                   "amimulti-oi", "amilg", "aminorm-oi", "bsub", "bsubints", "phot",
                   "wfscmb", "trapsfilled", "dark", "ramp", "fitopt", "jump"):
        assert catalogue.product_type(suffix).suffix == suffix
    assert catalogue.product_type("nope") is None


def test_asn_types():
    names = catalogue.asn_type_names()
    assert names == sorted(names, key=lambda n: catalogue.asn_type(n).stage)
    expected = {"image2", "spec2", "tso-image2", "tso-spec2", "nrslamp-spec2", "image3",
                "spec3", "coron3", "ami3", "tso3", "wfs-image3"}
    assert set(names) == expected
    assert catalogue.asn_type("coron3").pipeline == "calwebb_coron3"
    assert catalogue.asn_type("tso-spec2").stage == 2
    suffixes = set(catalogue.product_suffixes())
    for kind in catalogue.asn_types():
        assert set(kind.products) <= suffixes, kind.name
        assert set(kind.member_suffixes) <= suffixes, kind.name
    assert catalogue.asn_type("image4") is None
    assert [catalogue.stage_of(n) for n in ("image2", "tso-spec2", "coron3", "image4")] == [
        2, 2, 3, None]


def _check_files(paths) -> int:
    seen = 0
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        kind = catalogue.asn_type(data["asn_type"])
        for product in data["products"]:
            for member in product["members"]:
                suffix = re.sub(r"\.[a-z]+$", "", member["expname"]).rsplit("_", 1)[-1]
                assert suffix in kind.member_suffixes, (path.name, member["expname"])
                catalogue.product_type(suffix)
        seen += 1
    return seen


def test_every_type_and_suffix_of_the_corpus_is_catalogued(conformance_dir):
    assert _check_files(sorted((conformance_dir / "expected").glob("*/*_asn.json"))) > 1000


def test_every_type_and_suffix_of_the_samples_is_catalogued():
    assert _check_files(sorted(SAMPLES_EXPECTED.glob("*/*_asn.json"))) >= 50


def test_the_catalogue_source_is_indented_json():
    # Data, not code: the site and validator read it; keep it reviewable.
    from importlib import resources

    text = resources.files("asnatlas.conventions").joinpath("catalogue.json").read_text("utf-8")
    assert set(json.loads(text)) == {"products", "asn_types"}

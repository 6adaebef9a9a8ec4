"""``asnatlas diff`` against the reference's ``compare_asn_files`` verdicts, and over the corpus.

The pairs and the reference's verdicts (relaxed and strict: same or not, and the error
classes it raised) are in ``tests/data/toolkit/`` (made by ``make_expected.py``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import conformance_pools

from asnatlas.cli import main
from asnatlas.generate import generate
from asnatlas.pool import read_pool
from asnatlas.toolkit import KINDS, diff_paths, review

DATA = Path(__file__).resolve().parent / "data" / "toolkit"
CASES = json.loads((DATA / "cases.json").read_text())

#: Our kinds -> the reference's error classes.
REFERENCE_CLASS = {
    "product-missing": "DifferentProductSetsError",
    "product-extra": "DifferentProductSetsError",
    "type-mismatch": "TypeMismatchError",
    "level-mismatch": "CandidateLevelError",
    "member-missing": "UnaccountedMembersError",
    "member-extra": "UnaccountedMembersError",
    "member-exptype": "MemberMismatchError",
    "duplicate-product": "DuplicateProductError",
    "duplicate-member": "DuplicateMembersError",
}
#: Reference classes that only restate others (a count, "is a subset").
RESTATING = {"MemberLengthDifferenceError", "SubsetError"}


def write_side(root: Path, files: dict[str, dict]) -> Path:
    root.mkdir(parents=True)
    for name, data in files.items():
        (root / name).write_text(json.dumps(data, indent=4))
    return root


@pytest.mark.parametrize("case", CASES["diff"], ids=lambda c: c["name"])
@pytest.mark.parametrize("mode", ["relaxed", "strict"])
def test_diff_agrees_with_reference(case, mode, tmp_path):
    left = write_side(tmp_path / "left", case["left"])
    right = write_side(tmp_path / "right", case["right"])
    verdict = json.loads((DATA / "expected" / "diff" / f"{case['name']}.json").read_text())[mode]
    diffs, _, _ = diff_paths([left], [right], strict=mode == "strict")
    assert (not diffs) == verdict["same"]
    ours = {REFERENCE_CLASS[d.kind] for d in diffs}
    assert ours == set(verdict["errors"]) - RESTATING


def test_diff_reports_every_product_not_only_the_first(tmp_path):
    case = next(c for c in CASES["diff"] if c["name"] == "several_products_differ")
    left = write_side(tmp_path / "left", case["left"])
    right = write_side(tmp_path / "right", case["right"])
    diffs, _, _ = diff_paths([left], [right])
    kinds = sorted((d.product[-9:-4], d.kind) for d in diffs)
    assert kinds == [("00001", "level-mismatch"), ("00001", "member-missing"),
                     ("00001", "type-mismatch"), ("00002", "level-mismatch"),
                     ("00002", "member-exptype"), ("00002", "type-mismatch")]


def test_diff_cli_json_text_and_exit_status(tmp_path, capsys):
    case = next(c for c in CASES["diff"] if c["name"] == "folders")
    left = write_side(tmp_path / "left", case["left"])
    right = write_side(tmp_path / "right", case["right"])
    assert main(["diff", str(left), str(right), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert {d["kind"] for d in out} == {"product-missing", "product-extra", "type-mismatch",
                                        "member-missing"}
    for item in out:
        assert item["kind"] in KINDS and item["file"] and item["product"]
        side = "right" if item["kind"].endswith("-extra") else "left"
        assert item["file"].startswith(str(tmp_path / side))
    missing = next(d for d in out if d["kind"] == "member-missing")
    assert missing["member"] == "jw87800017001_02104_00001_nis_rate.fits"
    assert main(["diff", str(left), str(right)]) == 1
    text = capsys.readouterr().out
    assert "only on the left (1 product(s))" in text
    assert "only on the right (1 product(s))" in text
    assert "type: image3 on the left, spec3 on the right" in text
    assert "(background) only on the left" in text
    assert main(["diff", str(left), str(left)]) == 0
    assert capsys.readouterr().out.endswith(": equivalent\n")


def test_diff_strict_and_relaxed(tmp_path, capsys):
    case = next(c for c in CASES["diff"] if c["name"] == "path_changed")
    left = write_side(tmp_path / "left", case["left"])
    right = write_side(tmp_path / "right", case["right"])
    assert main(["diff", str(left / "a_asn.json"), str(right / "a_asn.json")]) == 0
    assert main(["diff", str(left), str(right), "--strict"]) == 1
    out = capsys.readouterr().out
    assert "(strict)" in out and "/data/" in out


def test_diff_text_shows_hostile_names_safely(tmp_path):
    data = CASES["diff"][0]["left"]["a_asn.json"]
    evil = json.loads(json.dumps(data))
    evil["products"][0]["members"][0]["expname"] = "x\x1b[31m\u202e_cal.fits"
    write_side(tmp_path / "l", {"a_asn.json": data})
    write_side(tmp_path / "r", {"a_asn.json": evil})
    diffs, n_left, n_right = diff_paths([tmp_path / "l"], [tmp_path / "r"])
    text = review(diffs, n_left, n_right)
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b" in text


# ------------------------------------------------------------------------ the corpus
def _generate_all(pools: list[Path], out: Path) -> None:
    for pool_path in pools:
        folder = out / pool_path.stem
        folder.mkdir(parents=True)
        for asn in generate(read_pool(str(pool_path)), version_id="20261123t000000").associations:
            (folder / asn.filename).write_text(asn.to_json())


@pytest.fixture(scope="module")
def generated_corpus(tmp_path_factory) -> Path:
    pools = conformance_pools()
    if not pools:
        pytest.skip("conformance corpus ../shared/conformance not found beside the repository")
    out = tmp_path_factory.mktemp("generated")
    _generate_all(pools, out)
    return out


def test_diff_corpus_is_equivalent(generated_corpus, conformance_dir):
    expected = conformance_dir / "expected"
    pools = sorted(p.name for p in generated_corpus.iterdir())
    assert len(pools) == 28
    for name in pools:
        for strict in (False, True):
            diffs, n_left, n_right = diff_paths([generated_corpus / name], [expected / name],
                                                strict=strict)
            assert diffs == [], f"{name}: {review(diffs, n_left, n_right)}"
    diffs, n_left, n_right = diff_paths([generated_corpus], [expected])
    assert diffs == [] and n_left == n_right == 1731


def test_diff_lists_each_corruption(generated_corpus, conformance_dir, tmp_path):
    bad = tmp_path / "expected"
    shutil.copytree(conformance_dir / "expected", bad)
    folder = bad / "jw87800_20180412T163456_pool"

    def edit(name: str, change) -> dict:
        path = folder / name
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data, indent=4))
        return data

    spec2 = "jw87800-o017_20261123t000000_spec2_00001_asn.json"
    image3 = "jw87800-o017_20261123t000000_image3_00001_asn.json"
    spec3 = "jw87800-o017_20261123t000000_spec3_00001_asn.json"
    edit(spec2, lambda d: d["products"][0]["members"][1].update(exptype="science"))
    edit(spec2, lambda d: d["products"][0]["members"].append(
        {"expname": "jw87800017001_02102_00009_nis_rate.fits", "exptype": "background"}))
    edit(image3, lambda d: d.update(asn_type="spec3", asn_id="c1000"))
    edit(image3, lambda d: d["products"][0]["members"].append(
        dict(d["products"][0]["members"][0])))
    gone = edit(spec3, lambda d: None)
    dropped = gone["products"][0]["members"][0]["expname"]
    edit(spec3, lambda d: d["products"][0]["members"].pop(0))
    (folder / "jw87800-o017_20261123t000000_image2_00001_asn.json").unlink()
    extra = edit("jw87800-o017_20261123t000000_image2_00002_asn.json",
                 lambda d: d["products"][0].update(name="jw87800017001_02199_00001_nis"))
    diffs, _, _ = diff_paths([generated_corpus / folder.name], [folder])
    found = {(d.kind, Path(d.file).name, d.member) for d in diffs}
    image2_1 = "jw87800-o017_20261123t000000_image2_00001_asn.json"
    assert found == {
        ("member-exptype", spec2, "jw87800-o017_t002_niriss_clear-f200w_i2d.fits"),
        ("member-extra", spec2, "jw87800017001_02102_00009_nis_rate.fits"),
        ("type-mismatch", image3, None),
        ("level-mismatch", image3, None),
        ("duplicate-member", image3, "jw87800017001_02101_00001_nis_cal.fits"),
        ("member-extra", image3, "jw87800017001_02101_00001_nis_cal.fits"),
        ("member-missing", spec3, dropped),
        ("product-missing", image2_1, None),
        ("product-missing", "jw87800-o017_20261123t000000_image2_00002_asn.json", None),
        ("product-extra", "jw87800-o017_20261123t000000_image2_00002_asn.json", None),
    }
    assert extra["products"][0]["name"] in {d.product for d in diffs}

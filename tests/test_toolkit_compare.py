"""The compare page: generated associations against a folder the user has (build --compare)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from asnatlas import samples
from asnatlas.cli import main
from asnatlas.generate import generate
from asnatlas.pool import read_pool
from asnatlas.toolkit import (
    DIFFERENT,
    IDENTICAL,
    ONLY_GENERATED,
    compare_folder,
    summary_view,
    verdict_view,
)


def _generated(name: str = "imaging"):
    return generate(read_pool(str(samples.path(name)))).associations


def _folder_with_changes(root: Path, associations) -> dict[str, str]:
    """Write the associations into ``root`` with one changed, one removed, one added;
    return which file got which change."""
    root.mkdir()
    for asn in associations:
        (root / asn.filename).write_text(asn.to_json())
    stage3 = next(a for a in associations if a.stage == 3)
    stage2 = [a for a in associations if a.stage == 2]
    changed = json.loads((root / stage3.filename).read_text())
    changed["products"][0]["members"].pop()
    changed["asn_id"] = "c" + changed["asn_id"][1:]
    (root / stage3.filename).write_text(json.dumps(changed))
    (root / stage2[0].filename).unlink()
    extra = json.loads(stage2[1].to_json())
    extra["products"][0]["name"] = "jw_<script>alert(1)</script>"
    (root / "jw99999-o001_image2_00099_asn.json").write_text(json.dumps(extra))
    return {"changed": stage3.filename, "removed": stage2[0].filename,
            "added": "jw99999-o001_image2_00099_asn.json"}


def test_compare_folder_verdicts(tmp_path):
    associations = _generated()
    changes = _folder_with_changes(tmp_path / "mine", associations)
    result = compare_folder([(a.filename, a.data) for a in associations], tmp_path / "mine")
    statuses = {key: v.status for key, v in result.verdicts.items()}
    assert statuses.pop(changes["changed"]) == DIFFERENT
    assert statuses.pop(changes["removed"]) == ONLY_GENERATED
    assert set(statuses.values()) == {IDENTICAL}
    assert result.only_in_folder == (changes["added"],)
    kinds = sorted(d.kind for d in result.verdicts[changes["changed"]].differences)
    assert kinds == ["level-mismatch", "member-missing"]
    counts = result.counts()
    assert counts == {IDENTICAL: len(associations) - 2, DIFFERENT: 1, ONLY_GENERATED: 1}
    view = verdict_view(result, changes["changed"])
    assert view["status"] == DIFFERENT and view["matches"] == [changes["changed"]]
    assert [d["kind"] for d in view["differences"]] == ["level-mismatch", "member-missing"]
    summary = summary_view(result, [(a.filename, a.filename) for a in associations],
                           {"99009"}, {"99009"})
    assert (summary["identical"], summary["different"], summary["only_generated"]) == \
        (len(associations) - 2, 1, 1)
    assert summary["only_in_folder"] == [changes["added"]]


def test_compare_folder_of_the_same_associations_is_all_identical(tmp_path):
    associations = _generated("spectroscopy")
    (tmp_path / "same").mkdir()
    for asn in associations:
        (tmp_path / "same" / asn.filename.replace("_asn", "_20240101t000000_asn")).write_text(
            asn.to_json())
    result = compare_folder([(a.filename, a.data) for a in associations], tmp_path / "same")
    assert {v.status for v in result.verdicts.values()} == {IDENTICAL}
    assert result.only_in_folder == ()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_build_compare_pages(tmp_path, capsys):
    associations = _generated()
    changes = _folder_with_changes(tmp_path / "mine", associations)
    out = tmp_path / "site"
    assert main(["build", str(samples.path("imaging")), "--compare", str(tmp_path / "mine"),
                 "-o", str(out), "-q", "-j", "1"]) == 0
    pool_page = next(out.glob("pools/*/index.html")).read_text()
    text = _text(pool_page)
    n = len(associations)
    assert f"{n - 2} identical , 1 different , 1 only in the folder , 1 only generated" in text
    for name in changes.values():
        assert name in text
    assert "<script>alert" not in pool_page
    changed = next(out.glob(f"pools/*/asn/{changes['changed'].removesuffix('_asn.json')}.html"))
    page = _text(changed.read_text())
    assert "a different association" in page and "level-mismatch" in page
    assert "member-missing" in page
    removed = next(out.glob(f"pools/*/asn/{changes['removed'].removesuffix('_asn.json')}.html"))
    assert "not there" in _text(removed.read_text())
    # The summary links to each association page.
    links = set(re.findall(r'href="(asn/[^"#]+\.html)"', pool_page))
    assert f"asn/{changes['changed'].removesuffix('_asn.json')}.html" in links


def test_build_compare_bad_folder_is_one_line_exit_2(tmp_path, capsys):
    assert main(["build", str(samples.path("imaging")), "--compare", str(tmp_path / "none"),
                 "-o", str(tmp_path / "site"), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such file or folder" in err[0]
    assert not (tmp_path / "site").exists()

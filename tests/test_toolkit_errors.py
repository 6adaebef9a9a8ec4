"""Bad input to every toolkit command: one line on standard error, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asnatlas.cli import main

DATA = Path(__file__).resolve().parent / "data" / "toolkit"
CASES = json.loads((DATA / "cases.json").read_text())
SPEC2 = "jw87800-o017_20261123t000000_spec2_00001_asn.json"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else b"<dir>"
            for p in sorted(root.rglob("*"))}


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A folder with an association, its member files, a FITS file without OBSERVTN, a FITS
    file without TARGNAME, a text file and a broken JSON file."""
    from astropy.io import fits

    monkeypatch.chdir(tmp_path)
    data = CASES["asns"][SPEC2]
    Path(SPEC2).write_text(json.dumps(data, indent=4))
    for product in data["products"]:
        for member in product["members"]:
            Path(member["expname"]).write_text("x")
    for name, keys in (("no_obs.fits", {"TARGNAME": "NGC1"}), ("no_targ.fits",
                                                               {"OBSERVTN": "001"}),
                       ("ok.fits", {"OBSERVTN": "001", "TARGNAME": "NGC1"})):
        hdu = fits.PrimaryHDU()
        for key, value in keys.items():
            hdu.header[key] = value
        hdu.writeto(name)
    Path("notes.txt").write_text("not a FITS file\n")
    Path("broken_asn.json").write_text('{"asn_type": "image3",\n  "products": [}\n')
    Path("list_asn.json").write_text("[1, 2]\n")
    Path("empty").mkdir()
    Path("plainfile").write_text("x")
    return tmp_path


BAD = {
    "from-list": [
        (["-o", "out.json", "a_cal.fits"], "--product-name is required"),
        (["-o", "out.json", "-r", "level4", "a_cal.fits"], "unknown rule"),
        (["-o", "out.json", "-r", "level2", "-i", "zz", "a_rate.fits"], "-i"),
        (["-o", "out.json", "-r", "level2", "-i", "a3001", "a_rate.fits"], "Stage 2"),
        (["-o", "out.json", "-r", "level2", "-i", "c1000", "a_rate.fits"],
         "needs a background"),
        (["-o", "out.json", "--product-name", "p", "-i", "o1", "a_cal.fits"], "-i"),
        (["-o", "out.json", "--product-name", "p", "a_cal.fits", "--background", "b.fits"],
         "Stage 2"),
        (["-o", "out.json", "--product-name", "p", "a_cal.fits", "a_cal.fits"], "ASN202"),
        (["-o", "nofolder/out.json", "--product-name", "p", "a_cal.fits"], "cannot write"),
    ],
    "edit": [
        (["missing_asn.json", "-a", "x.fits"], "cannot read"),
        (["broken_asn.json", "-a", "x.fits"], "broken_asn.json:2:"),
        (["list_asn.json", "-a", "x.fits"], "not an association"),
        (["empty", "-a", "x.fits", "-o", "out.json"], "is a folder"),
        ([SPEC2, "-a", "-t", "nonsense", "x_rate.fits"], "ASN103"),
        ([SPEC2, "-a", "jw87800017001_02102_00001_nis_rate.fits"], "already a member"),
        ([SPEC2, "-a", "x.fits", "-o", "out.txt"], ".json"),
        ([SPEC2, "-r", "-i", "jw87800017001_02102_00001_nis_rate.fits",
          "jw87800017001_02102_00002_nis_rate.fits",
          "jw87800-o017_t002_niriss_clear-f200w_i2d.fits",
          "jw87800-o017_t002_niriss_clear-f200w_segm.fits"], "every product"),
    ],
    "gather": [
        (["missing_asn.json", "dest"], "cannot read"),
        (["broken_asn.json", "dest"], "not valid JSON"),
        ([SPEC2, "dest", "-t", "psf"], "no member has a selected exposure type"),
        ([SPEC2, "plainfile"], "not a folder"),
        ([SPEC2, "dest", "-s", "nowhere"], "no such folder"),
        ([SPEC2, "dest", "-s", "empty"], "5 member files are missing"),
    ],
    "make-pool": [
        (["-o", "pool.csv", "ok.fits", "missing.fits"], "missing.fits: no such file"),
        (["-o", "pool.csv", "notes.txt"], "notes.txt: not a readable FITS file"),
        (["-o", "pool.csv", "ok.fits", "no_obs.fits"], "no_obs.fits: primary header has no "
                                                       "OBSERVTN"),
        (["-o", "pool.csv", "no_targ.fits"], "no_targ.fits: primary header has no TARGNAME"),
        (["-o", "pool.csv", "--asn-candidate", "c1000", "ok.fits"], "--asn-candidate"),
        (["-o", "pool.csv", "--asn-candidate", "[('c1000',)]", "ok.fits"], "--asn-candidate"),
        (["-o", "pool.csv", "--is-imprt", "yes", "ok.fits"], "--is-imprt"),
        (["-o", "pool.csv", "--pntgtype", "a b", "ok.fits"], "--pntgtype"),
        (["-o", "pool.csv", "empty"], "is a folder"),
        (["-o", "nofolder/pool.csv", "ok.fits"], "cannot write"),
    ],
    "diff": [
        (["missing_asn.json", SPEC2], "no such file or folder"),
        ([SPEC2, "broken_asn.json"], "broken_asn.json:2:"),
        ([SPEC2, "list_asn.json"], "not an association"),
        ([SPEC2, "empty"], "no *_asn.json"),
    ],
}


@pytest.mark.parametrize(("command", "args", "message"),
                         [(c, a, m) for c, items in BAD.items() for a, m in items],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_bad_input_one_line_exit_2_nothing_written(command, args, message, workdir, capsys):
    before = tree(workdir)
    assert main([command, *args]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("asnatlas: error: ") and message in lines[0]
    assert "Traceback" not in captured.err
    assert tree(workdir) == before


def test_in_place_edit_keeps_the_file_whole_when_the_write_fails(workdir, monkeypatch, capsys):
    from asnatlas import safeio

    before = tree(workdir)

    def failing(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safeio, "write_text_atomic", failing)
    assert main(["edit", SPEC2, "-a", "-t", "background", "bkg_rate.fits"]) == 2
    assert "No space left" in capsys.readouterr().err
    assert tree(workdir) == before


def test_written_files_get_ordinary_permissions(workdir, capsys):
    import os
    import stat

    old = os.umask(0o022)
    try:
        assert main(["gather", SPEC2, "dest"]) == 0
        os.chmod(SPEC2, 0o640)
        assert main(["edit", SPEC2, "-a", "-t", "background", "bkg_rate.fits"]) == 0
        assert stat.S_IMODE(os.stat(SPEC2).st_mode) == 0o640, "an edited file keeps its mode"
        assert main(["from-list", "-o", "new.json", "--product-name", "p", "a_cal.fits"]) == 0
        assert main(["make-pool", "-o", "pool.csv", "ok.fits"]) == 0
        for path in ("new.json", "pool.csv", f"dest/{SPEC2}",
                     "dest/jw87800017001_02102_00001_nis_rate.fits"):
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o644, path
    finally:
        os.umask(old)


def test_gather_into_the_associations_own_folder_is_refused(workdir, capsys):
    before = tree(workdir)
    assert main(["gather", SPEC2, "."]) == 2
    assert "own folder" in capsys.readouterr().err
    assert tree(workdir) == before


def test_stage2_product_names_keep_folders_but_never_leave_the_working_folder(workdir, capsys):
    # As jwst, a Stage 2 product keeps the member's folder ...
    assert main(["from-list", "-o", "sub_asn.json", "-r", "level2",
                 "raw/jw87800017001_02102_00001_nis_rate.fits"]) == 0
    written = json.loads((workdir / "sub_asn.json").read_text())
    assert written["products"][0]["name"] == "raw/jw87800017001_02102_00001_nis"
    # ... but a name that would write the pipeline's outputs outside it is refused.
    before = tree(workdir)
    assert main(["from-list", "-o", "up_asn.json", "-r", "level2",
                 "../jw87800017001_02102_00001_nis_rate.fits"]) == 2
    assert "ASN222" in capsys.readouterr().err
    assert tree(workdir) == before


def test_from_list_takes_asn_from_lists_format_option_and_refuses_yaml(workdir, capsys):
    # Scripts written for asn_from_list pass --format json; YAML is not written.
    assert main(["from-list", "-o", "f_asn.json", "--format", "json", "--product-name", "p",
                 "a_cal.fits"]) == 0
    assert json.loads((workdir / "f_asn.json").read_text())["products"][0]["name"] == "p"
    before = tree(workdir)
    with pytest.raises(SystemExit) as stop:
        main(["from-list", "-o", "y_asn.json", "-f", "yaml", "--product-name", "p",
              "a_cal.fits"])
    assert stop.value.code == 2
    assert "invalid choice: 'yaml'" in capsys.readouterr().err
    assert tree(workdir) == before

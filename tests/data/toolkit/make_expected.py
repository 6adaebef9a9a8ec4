"""Regenerate the toolkit test set with the reference (jwst 3.0.0), installed OUTSIDE the repo.

usage: python tests/data/toolkit/make_expected.py [/tmp/jwstref]

Writes ``cases.json`` (the inputs: file lists, edits, gathers, FITS headers, diff pairs) and
``expected/`` (what the reference's asn_from_list, asn_edit, asn_gather, asn_make_pool and
``compare_asn_files`` give for them). Member names and header values are drawn from the
conformance corpus (programs 87800 and 9505). Nothing here imports asnatlas; the tests
compare asnatlas with the stored results as data.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REF = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/jwstref")

NIS = "jw87800017001_021{act}_{exp:05d}_nis_{suffix}.fits"
MIRI = "jw09505001{obs:03d}_021{act}_{exp:05d}_mirimage_{suffix}.fits"


def nis(act: str, exp: int, suffix: str) -> str:
    return NIS.format(act=act, exp=exp, suffix=suffix)


def miri(obs: int, act: str, exp: int, suffix: str) -> str:
    return MIRI.format(obs=obs, act=act, exp=exp, suffix=suffix)


# ----------------------------------------------------------------------------- inputs
FROM_LIST = [
    {"name": "level3_product", "args": ["--product-name", "jw09505-o001_t001_miri_f560w"],
     "files": [miri(1, "01", 1, "cal"), miri(2, "01", 1, "cal"), miri(2, "01", 2, "cal"),
               miri(3, "01", 1, "cal")]},
    {"name": "level3_paths", "args": ["--product-name", "mosaic"],
     "files": ["cal/" + nis("01", 1, "cal"), "/data/87800/" + nis("03", 1, "cal"),
               nis("02", 8, "cal")]},
    {"name": "level3_id_ignored", "args": ["--product-name", "p", "-i", "o017"],
     "files": [nis("02", 8, "cal"), nis("02", 6, "cal")], "fix": {"asn_id": "o017"}},
    {"name": "level2_rule", "args": ["-r", "DMSLevel2bBase"],
     "files": [nis("02", 1, "rate"), nis("02", 2, "rateints"), "raw/" + nis("02", 3, "rate"),
               "jw87800017001_02102_00004_nis.fits", "jw87800017001_02102_00005_nis_foo.fits",
               "plain_name", miri(1, "02", 1, "uncal")]},
    {"name": "level2_product_name_ignored",
     "args": ["-r", "DMSLevel2bBase", "--product-name", "ignored"],
     "files": [miri(1, "02", 4, "rate")]},
    {"name": "level2_id", "args": ["-r", "DMSLevel2bBase", "-i", "o001"],
     "files": [miri(1, "02", 4, "rate"), miri(1, "02", 3, "rate")], "fix": {"asn_id": "o001"}},
]


def spec2_asn() -> dict:
    def product(exp: int) -> dict:
        return {"name": nis("02", exp, "x")[:-7], "members": [
            {"expname": nis("02", exp, "rate"), "exptype": "science", "exposerr": "null"},
            {"expname": "jw87800-o017_t002_niriss_clear-f200w_i2d.fits",
             "exptype": "direct_image"},
            {"expname": "jw87800-o017_t002_niriss_clear-f200w_cat.ecsv", "exptype": "sourcecat"},
            {"expname": "jw87800-o017_t002_niriss_clear-f200w_segm.fits", "exptype": "segmap"},
        ]}
    return {
        "asn_type": "spec2", "asn_rule": "candidate_Asn_Lv2WFSSNIS",
        "version_id": "20261123t000000", "code_version": "3.0.0",
        "degraded_status": "No known degraded exposures in association.",
        "program": "87800", "constraints": "DMSAttrConstraint({'name': 'program'})",
        "asn_id": "o017", "asn_pool": "jw87800_20180412T163456_pool.csv", "target": "2",
        "products": [product(1), product(2)],
    }


def image3_asn() -> dict:
    return {
        "asn_type": "image3", "asn_rule": "candidate_Asn_Lv3Image",
        "version_id": "20261123t000000", "code_version": "3.0.0",
        "degraded_status": "No known degraded exposures in association.",
        "program": "9505", "constraints": "DMSAttrConstraint({'name': 'program'})",
        "asn_id": "o001", "target": "t001", "asn_pool": "jw09505_20251216t202003_pool.csv",
        "products": [{"name": "jw09505-o001_t001_miri_f560w", "members": [
            {"expname": miri(obs, "01", exp, "cal"), "exptype": "science", "exposerr": "null",
             "asn_candidate": "[('o001', 'observation')]"}
            for obs, exp in ((1, 1), (2, 1), (2, 2), (3, 1))]}],
    }


SPEC2 = "jw87800-o017_20261123t000000_spec2_00001_asn.json"
IMAGE3 = "jw09505-o001_20261123t000000_image3_00001_asn.json"
ASNS = {SPEC2: spec2_asn(), IMAGE3: image3_asn()}

EDIT = [
    {"name": "add_background", "asn": SPEC2,
     "args": ["-a", "-t", "background", "bkg/" + nis("04", 1, "rate")]},
    {"name": "add_science_default", "asn": IMAGE3, "args": ["-a", miri(4, "01", 1, "cal")]},
    {"name": "remove_exact", "asn": IMAGE3, "args": ["-r", miri(2, "01", 1, "cal")]},
    {"name": "remove_ignore_suffix", "asn": IMAGE3,
     "args": ["-r", "-i", miri(2, "01", 2, "rate"), "elsewhere/" + miri(3, "01", 1, "i2d")]},
    {"name": "remove_suffix_not_ignored", "asn": IMAGE3, "args": ["-r", miri(2, "01", 2, "rate")],
     "warns": [miri(2, "01", 2, "rate")]},
    {"name": "remove_shared_member", "asn": SPEC2,
     "args": ["-r", "jw87800-o017_t002_niriss_clear-f200w_segm.fits"]},
    {"name": "remove_drops_product", "asn": SPEC2,
     "args": ["-r", "-i", nis("02", 1, "cal"), "jw87800-o017_t002_niriss_clear-f200w_i2d.fits",
              "jw87800-o017_t002_niriss_clear-f200w_cat.ecsv",
              "jw87800-o017_t002_niriss_clear-f200w_segm.fits"]},
    {"name": "remove_some_missing", "asn": IMAGE3,
     "args": ["-r", miri(1, "01", 1, "cal"), "nothere_cal.fits"], "warns": ["nothere_cal.fits"]},
    {"name": "output_elsewhere", "asn": IMAGE3,
     "args": ["-a", "-t", "psf", miri(9, "01", 1, "cal"), "-o", "edited_asn.json"]},
]

GATHER = [
    {"name": "all", "asn": SPEC2, "args": []},
    {"name": "types", "asn": SPEC2, "args": ["-t", "science", "-t", "segmap"]},
    {"name": "exclude_wins", "asn": SPEC2,
     "args": ["-t", "science", "-t", "segmap", "-x", "segmap", "-x", "sourcecat"]},
    {"name": "drop_empty_products", "asn": IMAGE3, "args": ["-t", "science"]},
]

_COMMON = {
    "PROGRAM": "87800", "OBSERVTN": "017", "VISIT": "001", "VISIT_ID": "87800017001",
    "VISITGRP": "02", "VISITYPE": "PRIME_TARGETED_FIXED", "SEQ_ID": "1",
    "INSTRUME": "NIRISS", "DETECTOR": "NIS", "TARGPROP": "HD-99999-B", "TARGTYPE": "FIXED",
    "TEMPLATE": "NIRISS Wide Field Slitless Spectroscopy", "PNTGTYPE": "SCIENCE",
    "TARGORDN": 1, "PUPIL": "F200W", "APERNAME": "NIS_CEN", "SDP_VER": "2018_1",
    "SUBARRAY": "FULL", "BKGDTARG": False, "TSOVISIT": False, "NEXPOSUR": 10,
    "GWA_XTIL": 0.35,
}


def header(**extra) -> dict:
    out = dict(_COMMON)
    out.update(extra)
    return {key: value for key, value in out.items() if value is not None}


MAKE_POOL = [
    {"name": "wfss", "args": [], "files": [
        {"file": nis("01", 1, "uncal"), "header": header(
            OBS_ID="V87800017001P0000000002101", ACT_ID="01", EXPOSURE="1",
            EXP_TYPE="NIS_IMAGE", EXPCOUNT="1", PNTG_SEQ="1", EXPSPCIN="1", DITHPTIN="1",
            MOSTILNO="1", FILTER="CLEAR", TARGNAME="HD-99999-B", GWA_XTIL=None)},
        {"file": nis("02", 8, "uncal"), "header": header(
            OBS_ID="V87800017001P0000000002102", ACT_ID="02", EXPOSURE="8",
            EXP_TYPE="NIS_WFSS", EXPCOUNT="2", PNTG_SEQ="9", EXPSPCIN="2", DITHPTIN="8",
            MOSTILNO="1", FILTER="GR150R", DITHERID="1", TARGNAME="HD-99999-B")},
        {"file": "raw/" + nis("02", 6, "uncal"), "header": header(
            OBS_ID="V87800017001P0000000002102", ACT_ID="02", EXPOSURE="6",
            EXP_TYPE="NIS_WFSS", EXPCOUNT="2", PNTG_SEQ="7", EXPSPCIN="2", DITHPTIN="6",
            MOSTILNO="3", FILTER="GR150R", DITHERID="1", TARGNAME="HD-99999-B",
            HISTORY="a history card", COMMENT="a comment card")},
    ]},
    {"name": "options", "args": ["--asn-candidate", "[('c1000', 'background')]",
                                 "--dms-note", "wfsc_los_jitter", "--is-imprt", "t",
                                 "--pntgtype", "target_acquisition"],
     "files": [
         {"file": nis("02", 2, "uncal"), "header": header(
             EXP_TYPE="NIS_WFSS", EXPOSURE="2", FILTER="GR150R", TARGNAME="HD-99999-B")},
         {"file": nis("02", 3, "uncal"), "header": header(
             EXP_TYPE="NIS_WFSS", EXPOSURE="3", FILTER="GR150R", TARGNAME="HD-99999-B")},
     ]},
    # The reference's targetid bug: NGC1, NGC2, NGC1 get 1, 2, 2; the right answer is 1, 2, 1.
    {"name": "targetid", "args": [], "targetid_fixed": ["1", "2", "1", "3"], "files": [
        {"file": nis("01", 1, "uncal"), "header": header(EXPOSURE="1", TARGNAME="NGC1")},
        {"file": nis("01", 2, "uncal"), "header": header(EXPOSURE="2", TARGNAME="NGC2")},
        {"file": nis("01", 3, "uncal"), "header": header(EXPOSURE="3", TARGNAME="NGC1")},
        {"file": nis("01", 4, "uncal"), "header": header(EXPOSURE="4", TARGNAME="NGC3")},
    ]},
]


def asn(asn_type: str, asn_id: str, products: list[tuple[str, list[tuple[str, str]]]]) -> dict:
    return {"asn_type": asn_type, "asn_rule": "candidate_Asn_Lv3Image", "version_id": None,
            "code_version": "3.0.0", "degraded_status": "ok", "program": "87800",
            "constraints": "none", "asn_id": asn_id, "asn_pool": "pool", "target": "t002",
            "products": [{"name": name, "members": [{"expname": e, "exptype": t}
                                                    for e, t in members]}
                         for name, members in products]}


P3 = "jw87800-o017_t002_niriss_clear-f200w"
M3 = [(nis("02", exp, "cal"), "science") for exp in (8, 6, 3)]
P2 = "jw87800017001_02102_00001_nis"
M2 = [(nis("02", 1, "rate"), "science"), (nis("04", 1, "rate"), "background")]


def pair(name: str, left: dict, right: dict, note: str) -> dict:
    return {"name": name, "left": left, "right": right, "note": note}


def one(data: dict, file: str = "a_asn.json") -> dict:
    return {file: data}


def _diff_pairs() -> list[dict]:
    base3 = asn("image3", "o017", [(P3, M3)])
    base2 = asn("image2", "o017", [(P2, M2)])
    pairs = [
        pair("identical", one(base3), one(copy.deepcopy(base3)), "same file"),
        pair("reordered", one(base3), one(asn("image3", "o017", [(P3, M3[::-1])])),
             "members in another order"),
        pair("suffix_changed", one(base3), one(asn("image3", "o017", [
            (P3, [(e.replace("_cal", "_crf"), t) for e, t in M3])])),
             "relaxed equal, strict different"),
        pair("path_changed", one(base3), one(asn("image3", "o017", [
            (P3, [("/data/" + e, t) for e, t in M3])])), "relaxed equal, strict different"),
        pair("member_added", one(base3), one(asn("image3", "o017", [
            (P3, M3 + [(nis("02", 9, "cal"), "science")])])), "one more on the right"),
        pair("member_removed", one(base3), one(asn("image3", "o017", [(P3, M3[:2])])),
             "one fewer on the right"),
        pair("member_swapped", one(base3), one(asn("image3", "o017", [
            (P3, M3[:2] + [(nis("02", 9, "cal"), "science")])])), "one replaced"),
        pair("exptype_changed", one(base2), one(asn("image2", "o017", [
            (P2, [M2[0], (M2[1][0], "science")])])), "background became science"),
        pair("type_changed", one(base3), one(asn("spec3", "o017", [(P3, M3)])), "asn_type"),
        pair("level_changed", one(base3), one(asn("image3", "c1000", [(P3, M3)])), "o vs c"),
        pair("level_same_kind", one(base3), one(asn("image3", "o018", [(P3, M3)])),
             "same level, other number: equal"),
        pair("product_renamed", one(base3), one(asn("image3", "o017", [(P3 + "-x", M3)])),
             "product name changed"),
        pair("duplicate_members", one(base3), one(asn("image3", "o017", [
            (P3, M3 + [M3[0]])])), "a member listed twice on the right"),
        pair("duplicate_product", one(base3), {
            "a_asn.json": base3, "b_asn.json": copy.deepcopy(base3)},
             "the same product in two files on the right"),
        pair("duplicate_product_rateints",
             {"a_asn.json": base2, "b_asn.json": asn("image2", "o017", [
                 (P2, [(e.replace("_rate", "_rateints"), t) for e, t in M2])])},
             {"a_asn.json": base2, "b_asn.json": asn("image2", "o017", [
                 (P2, [(e.replace("_rate", "_rateints"), t) for e, t in M2])])},
             "coronagraphy: rate and rateints products share a name: not a duplicate"),
        pair("folders", {
            "a_asn.json": base3, "b_asn.json": base2,
            "c_asn.json": asn("image2", "o017", [(P2.replace("00001", "00002"), [
                (nis("02", 2, "rate"), "science")])])}, {
            "x_asn.json": asn("image2", "o017", [(P2, [M2[0]])]),
            "y_asn.json": asn("spec3", "o017", [(P3, M3)]),
            "z_asn.json": asn("image2", "o017", [(P2.replace("00001", "00003"), [
                (nis("02", 3, "rate"), "science")])])},
             "folders: a product on each side only, type changed, member missing"),
        pair("multi_product", one(asn("image2", "o017", [
            (P2, M2), (P2.replace("00001", "00002"), [(nis("02", 2, "rate"), "science")])])),
             {"a_asn.json": asn("image2", "o017", [(P2, M2)]),
              "b_asn.json": asn("image2", "o017", [(P2.replace("00001", "00002"), [
                  (nis("02", 2, "rate"), "science")])])},
             "one file with two products against two files: equal"),
        pair("several_products_differ", one(asn("image2", "o017", [
            (P2, M2), (P2.replace("00001", "00002"), [(nis("02", 2, "rate"), "science")])])),
             one(asn("spec2", "c1000", [
                 (P2, M2[:1]), (P2.replace("00001", "00002"), [
                     (nis("02", 2, "rate"), "background")])])),
             "every product differs (the reference checks type and level only once)"),
    ]
    return pairs


DIFF = _diff_pairs()


# ----------------------------------------------------------------------------- runners
def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


def write_fits(path: Path, header: dict) -> None:
    from astropy.io import fits

    path.parent.mkdir(parents=True, exist_ok=True)
    hdu = fits.PrimaryHDU()
    for key, value in header.items():
        hdu.header[key] = value
    hdu.writeto(path, overwrite=True)


def main() -> None:
    expected = HERE / "expected"
    if expected.exists():
        shutil.rmtree(expected)
    for sub in ("from_list", "edit", "gather", "make_pool", "diff"):
        (expected / sub).mkdir(parents=True)
    cases = {"asns": ASNS, "from_list": FROM_LIST, "edit": EDIT, "gather": GATHER,
             "make_pool": MAKE_POOL, "diff": DIFF}
    (HERE / "cases.json").write_text(json.dumps(cases, indent=1) + "\n")
    bin_ = REF / "bin"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for case in FROM_LIST:
            out = tmp / f"{case['name']}.json"
            proc = run([str(bin_ / "asn_from_list"), "-o", str(out), *case["args"],
                        *case["files"]], tmp)
            assert proc.returncode == 0, proc.stderr
            data = json.loads(out.read_text())
            (expected / "from_list" / out.name).write_text(json.dumps(data, indent=4) + "\n")
        for case in EDIT:
            work = tmp / "edit" / case["name"]
            work.mkdir(parents=True)
            (work / case["asn"]).write_text(json.dumps(ASNS[case["asn"]], indent=4))
            args = list(case["args"])
            proc = run([str(REF / "bin" / "python"), "-W", "always", "-c",
                        "import sys; from jwst.scripts.asn_edit import main; sys.argv[0]='x';"
                        " main()", case["asn"], *args], work)
            assert proc.returncode == 0, proc.stderr
            out = work / ("edited_asn.json" if "-o" in args else case["asn"])
            data = json.loads(out.read_text())
            (expected / "edit" / f"{case['name']}.json").write_text(
                json.dumps({"asn": data, "stderr_warning": "Filenames not found" in proc.stderr},
                           indent=4) + "\n")
        for case in GATHER:
            work = tmp / "gather" / case["name"]
            src = work / "src"
            src.mkdir(parents=True)
            (src / case["asn"]).write_text(json.dumps(ASNS[case["asn"]], indent=4))
            for product in ASNS[case["asn"]]["products"]:
                for member in product["members"]:
                    (src / member["expname"]).write_text(f"data of {member['expname']}\n")
            (work / "dest").mkdir()
            proc = run([str(bin_ / "asn_gather"), f"src/{case['asn']}", "dest", "-c", "cp",
                        *case["args"]], work)
            assert proc.returncode == 0, proc.stderr
            data = json.loads((work / "dest" / case["asn"]).read_text())
            files = sorted(p.name for p in (work / "dest").iterdir())
            (expected / "gather" / f"{case['name']}.json").write_text(
                json.dumps({"asn": data, "files": files}, indent=4) + "\n")
        for case in MAKE_POOL:
            work = tmp / "pool" / case["name"]
            work.mkdir(parents=True)
            for item in case["files"]:
                write_fits(work / item["file"], item["header"])
            proc = run([str(bin_ / "asn_make_pool"), "pool.csv", *case["args"],
                        *[item["file"] for item in case["files"]]], work)
            assert proc.returncode == 0, proc.stderr
            shutil.copy(work / "pool.csv", expected / "make_pool" / f"{case['name']}.csv")
        diff_script = (
            "import json, sys\n"
            "from pathlib import Path\n"
            "from jwst.associations.lib.diff import compare_asn_files, MultiDiffError\n"
            "out = {}\n"
            "for strict in (False, True):\n"
            "    left = sorted(Path('left').glob('*.json'))\n"
            "    right = sorted(Path('right').glob('*.json'))\n"
            "    try:\n"
            "        compare_asn_files(left, right, strict_expname=strict)\n"
            "        out['strict' if strict else 'relaxed'] = {'same': True, 'errors': []}\n"
            "    except MultiDiffError as err:\n"
            "        out['strict' if strict else 'relaxed'] = {\n"
            "            'same': False, 'errors': sorted({type(e).__name__ for e in err})}\n"
            "print(json.dumps(out))\n"
        )
        for case in DIFF:
            work = tmp / "diff" / case["name"]
            for side in ("left", "right"):
                (work / side).mkdir(parents=True)
                for name, data in case[side].items():
                    (work / side / name).write_text(json.dumps(data, indent=4))
            proc = run([str(bin_ / "python"), "-c", diff_script], work)
            assert proc.returncode == 0, proc.stderr
            verdict = json.loads(proc.stdout)
            (expected / "diff" / f"{case['name']}.json").write_text(
                json.dumps(verdict, indent=4) + "\n")
    print(f"wrote {HERE / 'cases.json'} and {expected}", file=sys.stderr)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()

"""The validator's policy against the pipeline: what the reference accepts, we accept.

``tests/data/broken/reference_verdicts.json`` holds association texts and whether jwst
3.0.0's ``jwst.associations.load_asn`` (the pipeline's loader: its schemas, its JSON
reader, then its deprecated YAML reader) accepts them, given as the pipeline gives them: a
file named ``*_asn.json``, opened. (Given the text as a string, the loader fails with an
UnboundLocalError wherever its YAML fallback would have read it.) For every text the
reference rejects, we report an error. For every text it accepts, we report no error,
except for the classes listed in `STRICTER`, where the loader lets through what the
pipeline then fails on or what would make it read or write outside its folder, or reads
only through its deprecated YAML fallback; each is listed with the reason. When the
reference is installed (``$ASNATLAS_JWST_PYTHON``, default /tmp/jwstref/bin/python), the
stored verdicts are checked against it too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reference_jwst import run_in_reference

from asnatlas.cli import main
from asnatlas.validate.api import validate_bytes
from asnatlas.validate.codes import ERROR

VERDICTS = Path(__file__).parent / "data" / "broken" / "reference_verdicts.json"
CASES: dict[str, dict] = json.loads(VERDICTS.read_text("utf-8"))["cases"]

#: Texts the reference's loader accepts but we report as errors, and why.
STRICTER: dict[str, str] = {
    "product_without_name": "calwebb_image2/spec2/spec3/coron3/tso3 read products[n]['name']",
    "empty_products": "every Stage 3 pipeline reads products[0]",
    "empty_members": "a product without members gives the pipeline nothing to process",
    "empty_name": "the output files would be named '_i2d.fits', ...",
    "empty_expname": "the pipeline would open the association's folder as a file",
    "member_dot_dot": "'..' names a folder, not an exposure",
    "member_blank": "a name of spaces names no exposure",
    "expname_nul": "no file system accepts NUL in a name: the pipeline fails to open it",
    "expname_escape_sequence": "control characters hide or rewrite what the logs show",
    "expname_newline": "a line break in a name forges log and CI lines",
    "expname_bidi": "a bidi override shows a different name than the one opened",
    "name_parent_path": "the output files would be written outside the output folder",
    "name_absolute_path": "the output files would be written outside the output folder",
    "name_dot_dot": "the output files would be named '.._i2d.fits' next to the folder",
    "name_newline": "a line break in an output file name",
    "nesting_300_deep": "past 256 levels the answer would depend on the caller's stack depth",
    "lone_surrogate": "not Unicode text: no file system or terminal encoding accepts it",
    "expname_zero_width_space": "an invisible character makes the name look like another one",
    "name_invisible": "invisible characters in the names of the output files",
    "name_too_long": "the output files' names would be over 255 bytes: File name too long",
    "expname_too_long": "no file name is over 255 bytes: the pipeline cannot open it",
    # Not JSON (or JSON the schema refuses): jwst 3.0.0 reads these only through its
    # deprecated YAML fallback, warning that invalid JSON will no longer be read, and YAML
    # reads some of them differently from what they say (escapes, line breaks, NaN).
    **{name: "read only through the pipeline's deprecated YAML fallback"
       for name in ("trailing_comma", "single_quotes", "hash_comment", "byte_order_mark",
                    "unquoted_keys", "name_nan", "name_1e400")},
}


def _errors(text: str) -> list[str]:
    problems = validate_bytes(text.encode("utf-8"), "<stdin>")
    return [p.code for p in problems if p.severity == ERROR]


@pytest.mark.parametrize("name", sorted(CASES))
def test_verdict_agrees_with_the_reference_loader(name):
    case = CASES[name]
    errors = _errors(case["text"])
    if case["reference"] == "rejects":
        assert errors, f"the reference rejects {name} but we report no error"
    elif name in STRICTER:
        assert errors, f"{name}: expected an error ({STRICTER[name]})"
    else:
        assert errors == [], f"the reference accepts {name}; we report {errors}"


def test_stricter_cases_are_all_accepted_by_the_reference():
    assert set(STRICTER) <= set(CASES)
    assert all(CASES[name]["reference"] == "accepts" for name in STRICTER)


def test_the_pipelines_minimal_association_is_valid(capsys, tmp_path):
    path = tmp_path / "jw01234-o001_20240101t120000_image3_00001_asn.json"
    path.write_text(CASES["minimal"]["text"], encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "error" not in out.replace("0 errors", "")
    assert "ASN111 warning: the association lacks the ground-system field 'asn_pool'" in out
    # Archive-grade checks: the ground-system fields are required.
    assert main(["validate", "--strict", str(path)]) == 1
    assert "ASN111 error" in capsys.readouterr().out


def test_member_with_a_directory_is_a_warning(capsys, tmp_path):
    path = tmp_path / "x_asn.json"
    path.write_text(CASES["member_in_subfolder"]["text"], encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "ASN201 warning: member name 'sub/" in capsys.readouterr().out


def test_stored_verdicts_are_the_references():
    script = (
        "import json, logging, sys, warnings\n"
        "warnings.simplefilter('ignore'); logging.disable(logging.CRITICAL)\n"
        "import tempfile\n"
        "from pathlib import Path\n"
        "from jwst.associations import load_asn\n"
        "out = {}\n"
        "path = Path(tempfile.mkdtemp()) / 'jw01234-o001_20240101t120000_image3_00001_asn.json'\n"
        "for name, text in json.load(sys.stdin).items():\n"
        "    path.write_bytes(text.encode('utf-8', 'surrogatepass'))\n"
        "    try:\n"
        "        with path.open() as fh:  # as ModelContainer and ModelLibrary open it\n"
        "            load_asn(fh)\n"
        "        out[name] = 'accepts'\n"
        "    except BaseException:\n"
        "        out[name] = 'rejects'\n"
        "json.dump(out, sys.stdout)\n")
    texts = {name: case["text"] for name, case in CASES.items()}
    live = run_in_reference(script, texts)
    assert live == {name: case["reference"] for name, case in CASES.items()}


def test_profile_dms_makes_ground_system_warnings_errors(capsys, tmp_path):
    name = "jw01234-o001_20240101t120000_image3_00001_asn.json"
    (tmp_path / "a").mkdir()
    minimal = tmp_path / "a" / name
    minimal.write_text(CASES["minimal"]["text"], encoding="utf-8")
    (tmp_path / "b").mkdir()
    unknown_key = tmp_path / "b" / name
    data = json.loads(CASES["ground_fields_all"]["text"])
    data["notes"] = "kept by hand"
    unknown_key.write_text(json.dumps(data), encoding="utf-8")
    assert main(["validate", "--profile", "dms", str(minimal)]) == 1
    assert "ASN111 error" in capsys.readouterr().out
    # An unknown key is no ground-system matter: still a warning (an error with --strict).
    assert main(["validate", "--profile", "dms", str(unknown_key)]) == 0
    assert "ASN216 warning" in capsys.readouterr().out
    assert main(["validate", "--strict", str(unknown_key)]) == 1
    assert "ASN216 error" in capsys.readouterr().out


def test_names_too_long_for_a_file_are_errors_at_the_byte_limit():
    # The pipeline opens a member by its name and writes NAME_i2d.fits ... from a product
    # name: past 255 bytes (UTF-8) the file system refuses both.
    def codes(name=None, expname=None) -> list[str]:
        product = {"name": name or "p", "members": [
            {"expname": expname or "a_cal.fits", "exptype": "science"}]}
        return _errors(json.dumps({"products": [product]}, ensure_ascii=False))

    ending = len("_amimulti-oi.fits")  # the longest the catalogue gives a product name
    assert codes(name="x" * (255 - ending)) == []
    assert codes(name="x" * (256 - ending)) == ["ASN224"]
    assert codes(name="é" * ((255 - ending) // 2) + "x") == ["ASN224"]  # bytes, not letters
    assert codes(expname="d/" + "a" * 246 + "_cal.fits") == []  # the file's name is 255
    assert codes(expname="a" * 247 + "_cal.fits") == ["ASN224"]


def test_nan_where_a_string_belongs_is_named_as_written():
    # Python's reader is told to read NaN/Infinity as None; the message says what the
    # text has, not "null" (the ASN008 warning at the same place says why it is no value).
    text = ('{"products": [{"name": "p", "members": [{"expname": NaN, "exptype": "science"}]}],'
            ' "program": -Infinity, "target": null}')
    problems = validate_bytes(text.encode(), "x_asn.json")
    messages = {p.pointer: p.message for p in problems if p.code in ("ASN102", "ASN112")}
    assert messages["/products/0/members/0/expname"].endswith("must be a string, not NaN")
    assert messages["/program"].endswith("must be a string, not -Infinity")
    assert messages["/target"].endswith("not null")  # a real null stays null

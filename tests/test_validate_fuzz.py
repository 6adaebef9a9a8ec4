"""No input makes the validator raise: random bytes, random JSON, mutated associations."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asnatlas.cli import main
from asnatlas.validate.api import validate_bytes, validate_data
from asnatlas.validate.codes import CODES
from asnatlas.validate.report import github_line, json_document, text_line

BROKEN = Path(__file__).parent / "data" / "broken"
VALID = next((BROKEN / "missing_member_file").glob("*_asn.json")).read_bytes()
NAME = "jw01234-o001_20240101t120000_image3_00001_asn.json"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10) | st.sampled_from(
        ["asn_type", "asn_id", "asn_rule", "program", "products", "name", "members",
         "expname", "exptype", "version_id"]), children, max_size=6),
    max_leaves=30,
)


def _sane(problems) -> None:
    for problem in problems:
        assert problem.code in CODES
        assert problem.severity in ("error", "warning")
        assert problem.line >= 0 and problem.col >= 0
        assert "\n" not in problem.message or problem.code == "ASN216"
        # Every reporter prints it on one line, in any strict encoding, as no CI command.
        for line in (text_line(problem), github_line(problem)):
            line.encode("utf-8")
            assert "\n" not in line and "\r" not in line and "\x1b" not in line
        assert not text_line(problem).lstrip().startswith("::")
    json_document(problems).encode("ascii")


# What Python's JSON reader refuses or reads in its own ways, and what terminals obey.
HOSTILE = ["\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u0000", "\\u001b[2J", "\\u202e",
           "\\u2028", "\\n::error::x", "##vso[x]", "1" * 4301, "-" + "9" * 4400, "[" * 300,
           "]" * 300, "{" * 300, '"../../x"', '".."', '"/abs"', "NaN", "1e999"]


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(raw):
    _sane(validate_bytes(raw, NAME, path=NAME))


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_random_json_values(value):
    text = json.dumps(value)  # may contain NaN/Infinity: those are checked too
    _sane(validate_bytes(text.encode(), NAME, path=NAME))
    _sane(validate_data(value, path=NAME))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(VALID) - 1), st.binary(min_size=0, max_size=4), st.integers(0, 3))
def test_mutated_association(at, insert, cut):
    raw = VALID[:at] + insert + VALID[at + cut:]
    _sane(validate_bytes(raw, NAME, path=NAME))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["products", "members", "expname", "name", "asn_id", "exptype"]),
       json_values)
def test_association_with_a_random_field(key, value):
    data = json.loads(VALID)
    if key in ("members", "name"):
        data["products"][0][key] = value
    elif key in ("expname", "exptype"):
        data["products"][0]["members"][0][key] = value
    else:
        data[key] = value
    _sane(validate_bytes(json.dumps(data).encode(), NAME, path=NAME))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200), st.sampled_from(["text", "json", "github"]))
def test_cli_never_tracebacks(tmp_path, capsys, raw, fmt):
    path = tmp_path / NAME
    path.write_bytes(raw)
    status = main(["validate", "--format", fmt, "--check-files", str(path)])
    out, err = capsys.readouterr()
    assert status in (0, 1)
    assert "Traceback" not in out + err
    if fmt == "json":
        json.loads(out)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(VALID)), st.sampled_from(HOSTILE)), min_size=1,
                max_size=3))
def test_hostile_insertions(edits):
    text = VALID.decode("utf-8")
    for at, token in sorted(edits, reverse=True):
        text = text[:at] + token + text[at:]
    _sane(validate_bytes(text.encode("utf-8"), NAME, path=NAME))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 0x10FFFF).map(chr), max_size=40).map("".join))
def test_any_string_as_names(name):
    """Any string as expname, product name, key and file name: no exception, safe output."""
    data = json.loads(VALID)
    data["products"][0]["members"][0]["expname"] = name
    data["products"][0]["name"] = name
    data[name] = name
    raw = json.dumps(data).encode()
    _sane(validate_bytes(raw, name, path=name))


def test_a_program_of_thousands_of_digits_is_a_mismatch_not_a_crash():
    # Found by test_hostile_insertions: int() of a 4,306-digit program raised ValueError.
    data = json.loads(VALID)
    data["program"] = "1" * 5000
    problems = validate_bytes(json.dumps(data).encode("utf-8"), NAME, path=NAME)
    _sane(problems)
    assert any(p.code in ("ASN205", "ASN209") for p in problems)


def test_a_program_of_other_unicode_digits_is_no_program_number():
    # "²" and "١٢٣" are digits to str.isdigit; the first is no int at all (found by the
    # random-JSON test above on a fresh clone: the validator raised).
    for program in ("²", "0²", "١٢٣", "12³"):
        data = json.loads(VALID)
        data["program"] = program
        _sane(validate_data(data, path=NAME))
        _sane(validate_bytes(json.dumps({"program": program}).encode(), NAME, path=NAME))

"""The shipped JSON Schemas: well-formed, in sync with the catalogue, fast path faithful."""

from __future__ import annotations

import json
from importlib import resources

from hypothesis import given, settings
from hypothesis import strategies as st

from asnatlas.conventions import catalogue
from asnatlas.validate import schema as validate_schema
from asnatlas.validate import schema_sync as validate_schema_sync
from asnatlas.validate.api import validate_data, validate_text

# Keywords the in-browser validator (Ajv, draft 2020-12, strict mode) accepts without options.
AJV_SAFE = {
    "$schema", "$id", "$ref", "$defs", "$comment", "title", "description", "type", "enum",
    "required", "properties", "items", "minItems", "minLength", "pattern", "anyOf", "if",
    "then", "else",
}


def _keywords(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    _keywords(sub, found)
            elif key not in ("enum", "required"):
                _keywords(value, found)
    elif isinstance(node, list):
        for item in node:
            _keywords(item, found)
    return found


def test_schemas_are_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    for name in validate_schema.SCHEMA_FILES:
        text = resources.files("asnatlas.schemas").joinpath(name).read_text("utf-8")
        schema = json.loads(text)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)
        assert _keywords(schema, set()) <= AJV_SAFE, name


def test_asn_types_match_the_catalogue():
    assert validate_schema_sync.differences() == []
    listed = validate_schema.level2_types() + validate_schema.level3_types()
    assert sorted(listed) == sorted(catalogue.asn_type_names())


def test_both_levels_know_the_same_keys():
    assert (validate_schema.known_keys("asn-level2.schema.json")
            == validate_schema.known_keys("asn-level3.schema.json"))


def test_dispatch_picks_the_stage_schema():
    assert validate_schema.schema_for({"asn_type": "spec2"}) == "asn-level2.schema.json"
    assert validate_schema.schema_for({"asn_type": "coron3"}) == "asn-level3.schema.json"
    assert validate_schema.schema_for([]) == "asn-level3.schema.json"


def _full_is_valid(data, name) -> bool:
    return validate_schema.validator(name).is_valid(data)


def _layers(data) -> list[str]:
    return [validate_schema.PIPELINE, validate_schema.schema_for(data)]


MEMBER = {"expname": "jw01234001001_02101_00001_nrca1_cal.fits", "exptype": "science"}
GOOD = {"asn_type": "image3", "asn_rule": "candidate_Asn_Lv3Image", "asn_id": "o001",
        "asn_pool": "p", "program": "01234", "target": "t001", "version_id": None,
        "code_version": "x", "degraded_status": "none", "constraints": "none",
        "products": [{"name": "jw01234-o001_t001_nircam_clear-f200w", "members": [MEMBER]}]}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["science", "image2", "o001", "", "psf", "a3001"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["asn_type", "asn_id", "products", "members", "name",
                                       "expname", "exptype", "program", "asn_pool", "x"]),
                      children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_fast_path_agrees_with_jsonschema_on_random_values(value):
    for name in _layers(value):
        assert validate_schema.fast_check(name)(value) == _full_is_valid(value, name)


@settings(max_examples=300, deadline=None)
@given(
    asn_type=st.sampled_from(catalogue.asn_type_names() + ["imaging3", 3]),
    asn_id=st.sampled_from(["o001", "c1000", "a3001", "r0001", "o1", "x001", None]),
    exptype=st.sampled_from(["science", "psf", "SCIENCE", "", 1]),
    expname=st.sampled_from(["a_cal.fits", "", 5, None]),
    drop=st.sampled_from([None, "asn_type", "asn_id", "products", "program"]),
)
def test_fast_path_agrees_on_near_valid_associations(asn_type, asn_id, exptype, expname, drop):
    data = json.loads(json.dumps(GOOD))
    data["asn_type"], data["asn_id"] = asn_type, asn_id
    data["products"][0]["members"][0].update(exptype=exptype, expname=expname)
    if drop:
        del data[drop]
    fast = True
    for name in _layers(data):
        layer = validate_schema.fast_check(name)(data)
        assert layer == _full_is_valid(data, name)
        fast = fast and layer
    # Whenever the fast path fails, the full pass explains why.
    assert fast or any(p.code.startswith("ASN1") for p in validate_data(data))


def test_schema_problems_name_field_and_suggest():
    data = json.loads(json.dumps(GOOD))
    data["products"][0]["members"][0]["exptype"] = "sciense"
    problems = validate_data(data)
    assert [p.code for p in problems] == ["ASN103", "ASN214"]  # and so no science member
    problem = problems[0]
    assert problem.pointer == "/products/0/members/0/exptype"
    assert "products[0].members[0].exptype" in problem.message
    assert problem.hint == "did you mean 'science'?"


def test_validate_text_positions_point_at_the_field():
    text = json.dumps(GOOD, indent=2).replace('"o001"', '"o1"', 1)
    (problem,) = validate_text(text)
    line = text.splitlines()[problem.line - 1]
    assert problem.code == "ASN104"
    assert line[problem.col - 1:].startswith('"o1"')

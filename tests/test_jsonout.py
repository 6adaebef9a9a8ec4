"""`asnatlas.jsonout.dumps` writes exactly what json.dumps(indent=4) writes."""

from __future__ import annotations

import json

import pytest
from conftest import CONFORMANCE, SAMPLES_EXPECTED, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from asnatlas.jsonout import dumps


def reference(value, indent: int = 4) -> str:
    return json.dumps(value, indent=indent, separators=(",", ": "))


# Strings with what JSON must escape: quotes, backslashes, controls, non-ASCII, astral
# characters (surrogate pairs in \u escapes) and lone surrogates.
odd_text = st.text(alphabet=st.one_of(
    st.sampled_from(list('"\\/\b\f\n\r\t\x00\x1f\x7f\u00e9\u2028\u2029\ud800\udfff\U0001f600')),
    st.characters()), max_size=20)
atoms = st.one_of(st.none(), st.booleans(), st.integers(), odd_text)
plain = st.recursive(
    atoms,
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(odd_text, inner, max_size=5)),
    max_leaves=40)
# Values json.dumps handles that ours hands back to it: floats, non-string keys, tuples.
unusual = st.recursive(
    st.one_of(atoms, st.floats(allow_nan=True, allow_infinity=True)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.tuples(inner, inner),
        st.dictionaries(st.one_of(odd_text, st.integers(), st.booleans(), st.none(),
                                  st.floats(allow_nan=False)), inner, max_size=4)),
    max_leaves=30)
association_like = st.fixed_dictionaries({
    "asn_type": odd_text, "asn_rule": odd_text, "version_id": st.one_of(st.none(), odd_text),
    "code_version": odd_text, "degraded_status": odd_text, "program": odd_text,
    "constraints": odd_text, "asn_id": odd_text, "target": odd_text,
    "asn_pool": odd_text,
    "products": st.lists(st.fixed_dictionaries({
        "name": odd_text,
        "members": st.lists(st.dictionaries(odd_text, odd_text, max_size=4), max_size=4),
    }), max_size=3),
})


@settings(max_examples=400, deadline=None)
@given(plain, st.sampled_from([0, 1, 2, 4]))
def test_plain_values(value, indent):
    assert dumps(value, indent=indent) == reference(value, indent)
    # What `explain --format json` prints: json.dumps(data, indent=2), default separators.
    assert dumps(value, indent=indent) == json.dumps(value, indent=indent)


@settings(max_examples=200, deadline=None)
@given(unusual)
def test_unusual_values_fall_back(value):
    assert dumps(value) == reference(value)


@settings(max_examples=200, deadline=None)
@given(association_like)
def test_association_like(value):
    assert dumps(value) == reference(value)


def test_edge_cases():
    for value in ({}, [], "", 0, -1, 10**40, True, False, None, {"a": {}}, {"a": []},
                  [[], {}, [[]]], {"": ""}, (1, (2,)), {1: "x", False: "y", None: "z"},
                  1.5, float("nan"), {"x": 1e300}):
        assert dumps(value) == reference(value), value


def test_cycles_fail_as_json_does():
    value: list = []
    value.append(value)
    with pytest.raises(ValueError, match="Circular"):
        dumps(value)


def test_int_and_str_subclasses_as_json():
    class Name(str):
        pass

    class Count(int):
        def __repr__(self):
            return "nope"

    value = {"n": Name("x\u00e9"), "c": Count(3), Name("k"): [Count(4)]}
    assert dumps(value) == reference(value)


def test_samples_expected():
    files = sorted(SAMPLES_EXPECTED.rglob("*_asn.json"))
    assert files
    for path in files:
        data = json.loads(path.read_text("utf-8"))
        assert dumps(data) == reference(data), path


CORPUS = sorted((CONFORMANCE / "expected").rglob("*.json")) if CONFORMANCE.is_dir() else []


@pytest.mark.parametrize("folder", corpus_params(sorted({p.parent for p in CORPUS})),
                         ids=lambda p: p.name if p else "no-corpus")
def test_every_conformance_file(folder):
    files = [p for p in CORPUS if p.parent == folder]
    for path in files:
        data = json.loads(path.read_text("utf-8"))
        assert dumps(data) == reference(data), path

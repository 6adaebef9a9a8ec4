"""The rule language's matching semantics (`asnatlas.rules.constraints`), one rule at a time.

These are the DMS generator's semantics: the end-to-end conformance run checks them on
real pools; here each one is pinned on the smallest tree that shows it.
"""

from __future__ import annotations

import pytest

from asnatlas import samples
from asnatlas.engine.candidate import Asn
from asnatlas.pool import read_pool
from asnatlas.rules import all_rules
from asnatlas.rules.constraints import (
    Attr,
    Group,
    Matcher,
    WorkOver,
    certainly_fails,
    first_set,
    meets,
    number_nodes,
)
from asnatlas.rules.constraints import Test as Computed  # not collected by pytest


class FakeAsn:
    """Just what conditions read of an association: the member type it gives."""

    def __init__(self, member_type: str = "science"):
        self.member_type = member_type

    def exposure_type(self, item: dict) -> str:
        return item.get("member", self.member_type)


def outcome(result: tuple) -> tuple:
    """A match result with its requests as a list (the compiled matcher returns an empty
    tuple when there are none)."""
    matched, requests = result
    return matched, list(requests)


def matcher(tree: Group, asn: FakeAsn | None = None) -> Matcher:
    return Matcher(asn or FakeAsn(), number_nodes(tree))


def item(**values: str) -> dict:
    return {"filename": "x_uncal.fits", **values}


def test_values_match_whole_and_ignoring_case():
    assert meets("nrc_image", "nrc_image|nrc_coron")
    assert meets("NRC_IMAGE", "nrc_image")
    assert not meets("nrc_imagex", "nrc_image")  # a whole match, not a search
    assert meets("f200w", ["f150w", "f200w"])  # a list: any of its patterns


def test_first_set_takes_the_first_column_with_a_set_value():
    row = {"filter": "null", "band": "short", "pupil": "clear"}
    assert first_set(row, ("filter", "band")) == ("band", "short")
    assert first_set(row, ("filter",)) is None  # "null" is not set
    assert first_set({"is_psf": "f"}, ("is_psf",)) is None  # a false flag is not set


def test_an_open_value_is_fixed_by_the_first_member():
    tree = Group((Attr(("filter",), name="filter"),))
    m = matcher(tree)
    assert outcome(m.check_all(tree, item(filter="f200w"))) == (True, [])
    assert not m.check_all(tree, item(filter="f150w"))[0]
    assert m.check_all(tree, item(filter="f200w"))[0]
    assert list(m.state(tree.children[0]).found) == ["f200w"]


def test_a_failed_match_undoes_every_change():
    fixes, fails = Attr(("filter",), name="filter"), Attr(("exp_type",), value="nrc_image")
    tree = Group((fixes, fails))
    m = matcher(tree)
    assert not m.check_all(tree, item(filter="f200w", exp_type="nrc_coron"))[0]
    # The filter was fixed while trying, then undone: another filter can still start it.
    assert m.check_all(tree, item(filter="f150w", exp_type="nrc_image"))[0]
    assert m.state(fixes).value == "f150w"
    assert m.fixed == 2  # filter and exp_type, by the second exposure only


def test_required_optional_and_undefined_columns():
    required = Group((Attr(("subarray",), value="full"),))
    optional = Group((Attr(("subarray",), value="full", required=False),))
    undefined = Group((Attr(("is_imprt",), undefined=True),))
    assert not matcher(required).check_all(required, item())[0]
    assert matcher(optional).check_all(optional, item())[0]
    assert matcher(optional).check_all(optional, item(subarray="null"))[0]
    assert not matcher(optional).check_all(optional, item(subarray="sub64"))[0]
    assert matcher(undefined).check_all(undefined, item(is_imprt="f"))[0]
    assert not matcher(undefined).check_all(undefined, item(is_imprt="t"))[0]


@pytest.mark.parametrize("reduce, expected", [
    ("all", False), ("any", True), ("notany", False), ("notall", True)])
def test_group_reducers(reduce, expected):
    tree = Group((Group((Attr(("a",), value="1"), Attr(("b",), value="2")), reduce),))
    assert matcher(tree).check_all(tree, item(a="1", b="3"))[0] is expected


def test_an_empty_group_never_matches():
    tree = Group(())
    assert outcome(matcher(tree).check_all(tree, item())) == (False, [])


def test_tests_compare_a_computed_value_and_may_fix_it():
    science = Group((Computed(lambda asn, row: asn.exposure_type(row), value="science"),))
    assert matcher(science).check_all(science, item())[0]
    assert not matcher(science).check_all(science, item(member="background"))[0]
    # With no value, the first computed value is fixed (`unique`).
    same = Group((Computed(lambda asn, row: row["a"], name="same_a"),))
    m = matcher(same)
    assert m.check_all(same, item(a="1"))[0] and m.check_all(same, item(a="1"))[0]
    assert not m.check_all(same, item(a="2"))[0]


def test_onlyif_skips_exposures_of_other_member_types():
    tree = Group((Attr(("targetid",), name="target", onlyif=("unless", "background")),))
    m = matcher(tree)
    assert m.check_all(tree, item(targetid="1"))[0]
    assert m.check_all(tree, item(targetid="2", member="background"))[0]  # not checked
    assert not m.check_all(tree, item(targetid="2"))[0]


def test_a_listed_value_is_split_into_one_exposure_per_value():
    node = Attr(("asn_candidate",), value=".+(o001|o002).+", evaluate=True, is_acid=True)
    tree = Group((node,))
    row = item(asn_candidate="[('o001', 'observation'), ('o002', 'observation')]")
    matched, reprocess = matcher(tree).check_all(tree, row)
    assert matched
    # The first matching value is taken; the others come back as copies, one value each.
    assert [r["asn_candidate"] for request in reprocess for r in request.items] == [
        "('o002', 'observation')"]


def test_reprocess_requests_on_match():
    tree = Group((Attr(("bkgdtarg",), reprocess=WorkOver.EXISTING, only_on_match=True),))
    row = item(bkgdtarg="t")
    matched, reprocess = matcher(tree).check_all(tree, row)
    assert matched and len(reprocess) == 1
    assert reprocess[0].items == [row] and reprocess[0].work_over is WorkOver.EXISTING


def test_quick_rejection_only_skips_certain_failures():
    # For every rule and every sample exposure: when the pre-check says "certainly fails",
    # the full evaluation of a new association fails and asks for nothing.
    checked = skipped = 0
    for name in samples.names():
        rows = read_pool(str(samples.path(name))).rows
        for rule in all_rules():
            if rule.quick_fail is None:
                continue
            for row in rows:
                asn = Asn(rule, "discover", None, "pool")
                checked += 1
                if certainly_fails(rule.quick_fail, asn.matcher, row):
                    skipped += 1
                    assert outcome(asn.matcher.check_all(rule.constraints, row)) == (False, []), (
                        rule.name, row["filename"])
    assert skipped > checked // 2  # the pre-check decides most offers

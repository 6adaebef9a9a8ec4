"""The compiled form of a rule tree decides exactly as walking the tree node by node.

`Matcher.check_all` runs closures derived from each rule's conditions (the rules as data
stay the source); `Matcher.check` walks the tree, as the explainer traces it. Here every
rule is offered sample exposures both ways, one association per rule fed in pool order,
and after every offer the verdicts, the reprocess requests and every condition's state
must agree.
"""

from __future__ import annotations

import pytest
from conftest import conformance_pools

from asnatlas import samples
from asnatlas.engine.candidate import Asn
from asnatlas.pool import read_pool
from asnatlas.rules import all_rules
from asnatlas.rules.constraints import Attr, Group, Matcher, Reprocess, compiled, number_nodes
from asnatlas.rules.constraints import Test as Computed  # not collected by pytest


def _pools() -> list:
    paths = [samples.path(name) for name in samples.names()]
    wanted = {"pool_004_wfs", "pool_013_coron_nircam", "pool_018_all_exptypes",
              "pool_023_nirspec_msa_3nod", "pool_024c_nirspec_fss_nods"}
    return paths + [p for p in conformance_pools() if p.stem in wanted]


def _requests(requests) -> list:
    return [([dict(i) for i in r.items], r.work_over, r.rules, r.only_on_match)
            for r in requests]


def _states(matcher: Matcher) -> list:
    return [None if s is None else
            (s.value if not callable(s.value) else "callable", s.sources, s.unique,
             list(s.found), s.matched, s.literal)
            for s in matcher.states]


def _offer(asn: Asn, item: dict, walk: bool) -> tuple:
    asn.matcher.compiled = not walk
    matched, requests = asn.matcher.check_all(asn.rule.constraints, item)
    return matched, _requests(requests)


@pytest.mark.parametrize("pool_path", _pools(), ids=lambda p: p.stem)
def test_compiled_trees_decide_as_the_tree_walk(pool_path):
    rows = read_pool(str(pool_path)).rows
    for rule in all_rules():
        fast = Asn(rule, "discover", None, "pool")
        slow = Asn(rule, "discover", None, "pool", shortcuts=False)
        for row in rows:
            try:
                got = _offer(fast, row, walk=False)
            except LookupError:  # no EXP_TYPE: the walk must fail the same way
                with pytest.raises(LookupError):
                    _offer(slow, row, walk=True)
                continue
            assert got == _offer(slow, row, walk=True), (rule.name, row["filename"])
            assert _states(fast.matcher) == _states(slow.matcher), (rule.name, row["filename"])
            assert (fast.matcher.fixed, fast.matcher.changes) == (
                slow.matcher.fixed, slow.matcher.changes)


def test_group_semantics_on_small_trees():
    """Each reducer, negation and reprocess flag, on a tree small enough to read."""
    item = {"a": "x", "b": "y"}
    trees = [
        Group((Attr(("a",), value="x"), Attr(("b",), value="z")), "all"),
        Group((Attr(("a",), value="q"), Attr(("b",), value="y")), "any"),
        Group((Attr(("a",), value="x"),), "notany"),
        Group((Attr(("a",), value="x"), Attr(("c",))), "notall"),
        Group((), "all"),
        Group((Attr(("a",), value="x"),), reprocess_on_match=True),
        Group((Attr(("b",), value="x"),), reprocess_on_fail=True),
        Group((Computed(lambda asn, it: it["a"], value="x"), Attr(("c",), required=False))),
    ]
    for tree in trees:
        nodes = number_nodes(tree)
        walked = Matcher(None, nodes, compiled=False)
        fast = Matcher(None, nodes)
        one = walked.check_all(tree, item)
        other = fast.check_all(tree, item)
        assert (one[0], _requests(one[1])) == (other[0], _requests(other[1]))
        assert _states(walked) == _states(fast)
        assert compiled(tree) is compiled(tree)  # derived once, then cached on the node
        assert all(isinstance(r, Reprocess) for r in other[1])

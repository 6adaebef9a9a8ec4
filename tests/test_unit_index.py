"""The index of existing associations (`asnatlas.engine.index`): it may only skip offers
that would certainly fail with no effect, and it must skip most of them."""

from __future__ import annotations

from asnatlas import samples
from asnatlas.engine.candidate import Asn
from asnatlas.engine.index import ConditionIndex
from asnatlas.pool import read_pool
from asnatlas.rules import all_rules


def outcome(result: tuple) -> tuple:
    """A match result with its requests as a list (the compiled matcher returns an empty
    tuple when there are none)."""
    matched, requests = result
    return matched, list(requests)


def _associations(rows: list[dict]) -> list[Asn]:
    """One association per (rule, exposure) that can start one (discovery rules)."""
    made = []
    for rule in all_rules():
        for row in rows:
            asn = Asn(rule, "discover", None, "pool")
            if asn.add(row)[0]:
                made.append(asn)
    return made


def test_skipped_offers_would_fail_and_ask_for_nothing():
    offered = skipped = 0
    for name in samples.names():
        rows = read_pool(str(samples.path(name))).rows
        index = ConditionIndex()
        made = _associations(rows)
        for asn in made:
            index.add(asn)
        for row in rows:
            candidates = {id(asn) for asn in index.candidates(row)}
            for asn in made:
                offered += 1
                if id(asn) in candidates:
                    continue
                skipped += 1
                assert outcome(asn.matcher.check_all(asn.rule.constraints, row)) == (False, []), (
                    name, asn.rule.name, row["filename"])
    assert skipped > offered // 2


def test_candidates_come_in_creation_order_and_members_are_offered_again():
    rows = read_pool(str(samples.path("imaging"))).rows
    index = ConditionIndex()
    made = _associations(rows)
    for asn in made:
        index.add(asn)
    assert [asn.order for asn in made] == list(range(len(made)))
    for row in rows:
        found = index.candidates(row)
        assert [asn.order for asn in found] == sorted(asn.order for asn in found)
        # An association holding the exposure is always offered it again.
        holders = [asn for asn in made if row["filename"] in asn.item_filenames]
        assert holders and all(any(asn is f for f in found) for asn in holders)


def test_refresh_follows_an_association_as_it_fills():
    rows = read_pool(str(samples.path("imaging"))).rows
    rule = next(r for r in all_rules() if r.name == "Asn_Lv3Image")
    asn = Asn(rule, "discover", None, "pool")
    first = next(row for row in rows if asn.add(row)[0])
    index = ConditionIndex()
    index.add(asn)
    others = [row for row in rows if row is not first]
    before = {row["filename"] for row in others if index.candidates(row)}
    for row in others:
        revision = asn.revision
        asn.add(row)
        if asn.revision != revision:
            index.refresh(asn)
    # Fixed values only get stricter: nothing skipped before is offered after filling.
    after = {row["filename"] for row in others if any(a is asn for a in index.candidates(row))}
    assert after <= before | asn.item_filenames

"""The index of existing associations (`asnatlas.engine.index`): it may only skip offers
that would certainly fail with no effect, and it must skip most of them."""

from __future__ import annotations

from asnatlas import samples
from asnatlas.engine.candidate import Asn
from asnatlas.engine.index import ConditionIndex
from asnatlas.errors import MemberTypeError
from asnatlas.pool import read_pool
from asnatlas.rules import all_rules


def plain(verdict: tuple) -> tuple:
    """A matcher's (matched, reprocess requests) with the requests as a list."""
    return verdict[0], list(verdict[1])


def _associations(rows: list[dict]) -> list[Asn]:
    """One association per (rule, exposure) that can start one (discovery rules)."""
    made = []
    for rule in all_rules():
        for row in rows:
            asn = Asn(rule, "discover", None, "pool")
            try:
                if asn.add(row)[0]:
                    made.append(asn)
            except MemberTypeError:  # a row without EXP_TYPE starts nothing
                continue
    return made


def _skips(made: list[Asn], offers: list[dict], name: str) -> tuple[int, int]:
    """Offer every row to every association through the index: each offer the index skips
    must fail and ask for nothing. Returns (offers, skipped)."""
    index = ConditionIndex()
    for asn in made:
        index.add(asn)
    offered = skipped = 0
    for row in offers:
        candidates = {id(asn) for asn in index.candidates(row)}
        for asn in made:
            offered += 1
            if id(asn) in candidates:
                continue
            skipped += 1
            try:
                verdict = plain(asn.matcher.check_all(asn.rule.constraints, row))
            except MemberTypeError:  # no EXP_TYPE: the check cannot decide
                continue
            assert verdict == (False, []), (name, asn.rule.name, row)
    return offered, skipped


def test_skipped_offers_would_fail_and_ask_for_nothing():
    offered = skipped = 0
    for name in samples.names():
        rows = read_pool(str(samples.path(name))).rows
        counts = _skips(_associations(rows), rows, name)
        offered, skipped = offered + counts[0], skipped + counts[1]
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



def _variants(rows: list[dict], step: int = 7) -> list[dict]:
    """Each row with one column cleared, set to another value seen in the pool, or set to
    a value seen nowhere (a `step`-th of the columns per row)."""
    columns = sorted({c for row in rows for c in row} - {"filename", "asn_candidate"})
    seen = {c: sorted({row[c] for row in rows if c in row}) for c in columns}
    out = []
    for number, row in enumerate(rows):
        for column in columns[number % step::step]:
            out.append({**row, column: "null"})
            out.append({**row, column: "unheard_of"})
            others = [v for v in seen[column] if v != row.get(column)]
            if others:
                out.append({**row, column: others[number % len(others)]})
    return out


def test_skipped_offers_would_fail_for_exposures_missing_or_changing_a_column():
    # Associations that fixed values where the pool has none (e.g. a FXD_SLIT) hold
    # optional conditions ("this value, or not set"); exposures without the column, with
    # another value or with the same must all be offered as the full check decides.
    offered = skipped = 0
    for name in samples.names():
        rows = read_pool(str(samples.path(name))).rows
        made = _associations(rows + _variants(rows[:8], step=3))
        counts = _skips(made, _variants(rows[:12]), name)
        offered, skipped = offered + counts[0], skipped + counts[1]
    assert skipped > offered // 2


def test_kept_walks_give_what_a_fresh_walk_gives_as_associations_come_and_fill():
    # The index keeps where a walk ended per the values its conditions read, until its trie
    # grows: offers between additions and refills must find what an index built afresh
    # (no kept walks) finds, rows of other configurations and variants included.
    rows = read_pool(str(samples.path("imaging"))).rows
    # Member types other than science, from the columns that decide them.
    retyped = [{**row, column: value} for row in rows[:4] for column, value in (
        ("bkgdtarg", "t"), ("is_imprt", "t"), ("is_psf", "t"),
        ("pntgtype", "target_acquisition"))]
    rows = rows + retyped + _variants(rows[:6], step=3)
    rules = all_rules()
    live = ConditionIndex()
    made: list[Asn] = []
    hits = 0
    for number, row in enumerate(rows):
        for rule in rules:
            asn = Asn(rule, "discover", None, "pool")
            try:
                if not asn.add(row)[0]:
                    continue
            except MemberTypeError:
                continue
            made.append(asn)
            live.add(asn)
        for asn in made[number % 3::3]:  # some fill: their conditions grow stricter
            revision = asn.revision
            try:
                asn.add(rows[(number * 7) % len(rows)])
            except MemberTypeError:
                continue
            if asn.revision != revision:
                live.refresh(asn)
        fresh = ConditionIndex()
        for asn in made:  # in the same order: the same creation numbers
            fresh.add(asn)
        for other in rows[number % 4::4]:
            kept = len(live.walks)
            # What the trie and the holders give, merged here without shortcuts.
            reached = [asn for bucket in fresh._walk(other) for asn in bucket]
            reached += fresh.by_filename.get(other["filename"], [])
            expected = sorted({id(asn): asn for asn in reached}.values(),
                              key=lambda asn: asn.order)
            assert live.candidates(other) == expected, (number, other)
            hits += len(live.walks) == kept
    assert hits > 0

"""The index of existing associations: which ones an exposure could possibly join.

`ConditionIndex` says how; `conditions` derives what an association asks of a new member.
The index saves time, it never changes a result.
"""

from __future__ import annotations

import re
from bisect import insort
from functools import cache, lru_cache
from operator import attrgetter

from asnatlas.conventions.vocabulary import EMPTY
from asnatlas.engine.candidate import Asn
from asnatlas.errors import MemberTypeError
from asnatlas.rules import checks
from asnatlas.rules.constraints import Item, meets
from asnatlas.rules.constraints import equal as _equal  # a local `equal` exists below

PRESENT = ""  # condition value meaning "the column is set" (to anything)
UNSET = "-"  # condition mode and value meaning "the column is not set"
MATCHES = "~"  # condition mode: the column's value matches the pattern that follows
# An optional condition passes when its column is not set: one condition each, not an
# alternative for "unset" beside the other (k optional conditions made 2^k alternatives,
# each a path in the trie to walk and fill).
EQUAL_OR_UNSET = "=?"  # mode: the column's value is the condition's, or it is not set
MATCHES_OR_UNSET = "~?"  # mode: the column's value matches the pattern, or it is not set
_ANY = object()  # an item's key part for EQUAL_OR_UNSET when unset: every value's branch
MEMBER_TYPE = "@member_type"  # a virtual column: the exposure's DMS member type
_MAX_ALTERNATIVES = 32


class ConditionIndex:
    """Existing associations in creation order, indexed by what a new member must have.

    From an association's quick pre-check (`constraints.compile_quick_fail`) and its current
    state, `conditions` derives what any exposure needs to avoid certain rejection: fixed
    column values (program, detector, filter...), set columns, a member type, as one or more
    alternatives. An exposure is offered only to associations with an alternative it meets,
    plus those it is already a member of (they accept it again without checking), in
    creation order. Conditions only grow stricter as an association fills, so the index is
    refreshed after every change; an association nothing can join any more leaves it.
    Skipped offers are exactly those that would fail with no effect.
    """

    def __init__(self, shortcuts: bool = True) -> None:
        # `shortcuts` off: every association is a candidate for every exposure (a test
        # proves the index skips only offers that change nothing).
        self.shortcuts = shortcuts
        self.root = _Node()
        self.everyone: list[Asn] = []  # every association, for runs without shortcuts
        self.parts: dict[int, dict[tuple, str | None]] = {}
        self.items: list[Item] = []
        self.placed: dict[int, list[list[Asn]]] = {}
        self.by_filename: dict[str, list[Asn]] = {}
        self.logged: dict[int, int] = {}
        # id -> (Asn.state_key, _fingerprint) when last placed or found unchanged.
        self.fingerprints: dict[int, tuple[tuple, tuple]] = {}
        self.buckets: dict[int, tuple[Conditions | None, list[list[Asn]]]] = {}
        self.count = 0
        # Where a walk of the trie ends depends only on its shape and on the values of
        # the columns its conditions read: the buckets a walk reached, by those values,
        # are kept until a bucket is added (rows repeat configurations; most offers hit).
        self.read: tuple[str, ...] = ()  # pool columns the trie's conditions read
        self.names: set[str] = set()  # the trie's column names (MEMBER_TYPE for those)
        self.walks: dict[tuple, tuple[list[Asn], ...]] = {}
        self.by_record: dict[tuple, tuple] = {}  # see `conditions`

    def add(self, asn: Asn) -> None:
        asn.order = self.count
        self.count += 1
        self.everyone.append(asn)
        self._place(asn)
        self.members_changed(asn)

    def refresh(self, asn: Asn) -> None:
        # The conditions read only what an evaluation reads of the association: they
        # cannot have changed while that stays the same (a member that changed nothing).
        state = asn.state_key()
        placed_at, fingerprint = self.fingerprints[id(asn)]
        if state != placed_at:
            if _fingerprint(asn) != fingerprint:
                for bucket in self.placed.pop(id(asn), []):
                    bucket.remove(asn)  # empty buckets stay: the same values come often
                self._place(asn)
            else:
                self.fingerprints[id(asn)] = (state, fingerprint)
        self.members_changed(asn)

    def members_changed(self, asn: Asn) -> None:
        log = asn.filename_log
        seen = self.logged.get(id(asn), 0)
        if seen == len(log):
            return
        for name in log[seen:]:
            holders = self.by_filename.setdefault(name, [])
            if not holders or holders[-1].order < asn.order:
                holders.append(asn)  # the usual case: the newest association
            else:
                insort(holders, asn, key=_by_order)
        self.logged[id(asn)] = len(log)

    def _place(self, asn: Asn) -> None:
        self.fingerprints[id(asn)] = (asn.state_key(), _fingerprint(asn))
        alternatives = conditions(asn, self.by_record)
        # Associations of one configuration share their (cached) conditions: the buckets
        # they end in are found once.
        known = self.buckets.get(id(alternatives))
        if known is None or known[0] is not alternatives:
            known = self.buckets[id(alternatives)] = (alternatives,
                                                      self._buckets(alternatives or ()))
        buckets = known[1]
        for bucket in buckets:
            if not bucket or bucket[-1].order < asn.order:
                bucket.append(asn)  # the usual case: the newest association
            else:
                insort(bucket, asn, key=_by_order)
        self.placed[id(asn)] = buckets

    def _buckets(self, alternatives: Conditions) -> list[list[Asn]]:
        """The trie's buckets for these alternatives (made when missing), each once."""
        buckets: dict[int, list[Asn]] = {}
        for alternative in alternatives:
            node = self.root
            for column, value in _in_trie_order(alternative):
                by_value = node.children.get(column)
                if by_value is None:
                    by_value = node.children[column] = {}
                child = by_value.get(value)
                if child is None:
                    child = by_value[value] = _Node()
                    self._read_column(column)
                node = child
            if node.asns is None:  # a new bucket (a new node's path ends in one)
                node.asns = []
                self.walks.clear()  # walks may reach it now
            buckets.setdefault(id(node.asns), node.asns)
        return list(buckets.values())

    def _read_column(self, column: int) -> None:
        name = _COLUMNS[column][0]
        if name not in self.names:
            self.names.add(name)
            read = checks.MEMBER_TYPE_COLUMNS if name == MEMBER_TYPE else (name,)
            self.read = tuple(sorted({*self.read, *read}))

    def candidates(self, item: Item) -> list[Asn]:
        """Associations the item may join, in creation order."""
        if not self.shortcuts:
            return list(self.everyone)
        key = tuple(map(item.get, self.read))
        reached = self.walks.get(key)
        if reached is None:
            reached = self.walks[key] = self._walk(item)
        holders = self.by_filename.get(item.get("filename", ""))
        if not holders and len(reached) == 1:  # the usual first offer
            return list(reached[0])
        found = [asns for asns in reached if asns]
        if holders:
            if len(found) == 1 and len(found[0]) == 1 and found[0][0] in holders:
                return list(holders)  # an offer again: its bucket's one association holds it
            found.append(holders)
        if len(found) == 1:
            return list(found[0])
        unique: list[Asn] = []
        seen: set[Asn] = set()  # associations hash by identity
        for bucket in found:
            for asn in bucket:
                if asn not in seen:
                    seen.add(asn)
                    unique.append(asn)
        unique.sort(key=_by_order)
        return unique

    def _walk(self, item: Item) -> tuple[list[Asn], ...]:
        """The buckets of the trie's nodes the item's values reach (empty ones too)."""
        found: list[list[Asn]] = []
        # An exposure is often looked up several times in a pass (reprocessing): its key
        # parts never change, so they are kept while the pass lasts.
        parts = self.parts.get(id(item))
        if parts is None:
            parts = self.parts[id(item)] = {}
            self.items.append(item)  # keeps id(item) from being reused while cached
        stack = [self.root]
        pop, push, known = stack.pop, stack.append, parts.get
        while stack:
            node = pop()
            if node.asns is not None:
                found.append(node.asns)
            for column, by_value in node.children.items():
                part = known(column, False)
                if part is False:
                    part = parts[column] = _key_part(item, column)
                if part is _ANY:
                    stack.extend(by_value.values())
                elif part is not None:
                    child = by_value.get(part)
                    if child is not None:
                        push(child)
        return tuple(found)


class _Node:
    """A node of the condition trie: associations whose conditions end here, and deeper ones."""

    __slots__ = ("asns", "children")

    def __init__(self) -> None:
        # None until an alternative ends here (walks collect buckets only).
        self.asns: list[Asn] | None = None
        # Keyed by column number (`_column_number`): an int hashes at once, a column's
        # tuple anew at every lookup.
        self.children: dict[int, dict[str, _Node]] = {}


# Conditions are stored in this order of columns so that alternatives share trie prefixes.
_COLUMN_ORDER = {name: i for i, name in enumerate((
    "program", "instrume", "exp_type", "detector", "filter", "pupil", "subarray",
    "targetid", MEMBER_TYPE, "bkgdtarg", "asn_candidate"))}


@cache
def _in_trie_order(alternative: frozenset) -> tuple:
    """An alternative's conditions in trie order, each column by its number (alternatives
    recur: cached)."""
    return tuple((_column_number(column), value)
                 for column, value in sorted(alternative, key=_condition_order))


_NUMBERS: dict[tuple, int] = {}
_COLUMNS: list[tuple] = []  # column number -> column


def _column_number(column: tuple) -> int:
    number = _NUMBERS.get(column)
    if number is None:
        number = _NUMBERS[column] = len(_COLUMNS)
        _COLUMNS.append(column)
    return number


@cache
def _condition_order(condition: tuple) -> tuple:
    column, _value = condition
    return (_COLUMN_ORDER.get(column[0], len(_COLUMN_ORDER)), repr(column))


def _key_part(item: Item, number: int) -> str | object | None:
    """The item's part of an index key for one condition column (None: cannot meet it;
    `_ANY`: meets it whatever the condition's value), the column by its number."""
    column = _COLUMNS[number]
    name = column[0]
    if name == MEMBER_TYPE:
        return _part_of(member_type_of(item) or "<unknown>", column)
    # Per column, from the raw value: every pass offers copies of the same rows again.
    value = item.get(name)
    known = _PARTS.get(number)
    if known is None:
        if len(_PARTS) > 10_000:
            _PARTS.clear()
        known = _PARTS[number] = {}
    part = known.get(value, False)
    if part is False:
        if len(known) > 10_000:
            known.clear()
        part = known[value] = _part_of(
            None if value is None or value in EMPTY else value.lower(), column)
    return part


_PARTS: dict[int, dict[str | None, str | object | None]] = {}


def _part_of(value: str | None, column: tuple) -> str | object | None:
    """`_key_part` of a value (lower-cased; None when the column is not set)."""
    mode = column[1]
    if mode == UNSET:
        return UNSET if value is None else None
    if value is None:
        if mode == EQUAL_OR_UNSET:
            return _ANY
        return PRESENT if mode == MATCHES_OR_UNSET else None
    if mode == MATCHES or mode == MATCHES_OR_UNSET:
        pattern = column[2]  # a list of patterns is kept as a tuple (hashable)
        return PRESENT if meets(value, list(pattern) if type(pattern) is tuple
                                else pattern) else None
    return PRESENT if mode == PRESENT else value


def _fingerprint(asn: Asn) -> tuple:
    """Changes whenever the association's index conditions may change."""
    return asn.matcher.fixed, asn.has_science(), computed_patterns(asn)


def computed_patterns(asn: Asn) -> tuple:
    """The current values of the check's conditions computed from the association."""
    check = asn.rule.quick_fail
    if check is None:
        return ()
    nodes = _leaves(check)[1]
    if not nodes:
        return ()
    states = asn.matcher.states
    out = []
    for node in nodes:
        state = states[node.id]
        value = node.value if state is None else state.value
        out.append(value(asn) if callable(value) else value)
    return tuple(out)


def _leaves(check: tuple) -> tuple[tuple[int, ...], tuple]:
    """What a check reads, cached per check: the ids of its leaves (`_conditions` reads no
    other state), and its conditions computed from the association, in id order."""
    found = _LEAVES.get(id(check))
    if found is None:
        leaves = []
        stack = [check]
        while stack:
            kind, arg = stack.pop()
            if kind in ("or", "and"):
                stack.extend(arg)
            else:
                leaves.append((kind, arg))
        leaves.sort(key=lambda leaf: leaf[1].id)
        found = _LEAVES[id(check)] = (
            tuple(sorted({arg.id for _kind, arg in leaves})),
            tuple(arg for kind, arg in leaves if kind == "attr" and callable(arg.value)))
        _CHECKS[id(check)] = check  # keeps id(check) unique while cached
    return found


_by_order = attrgetter("order")  # an association's creation order


def member_type_of(item: Item) -> str | None:
    try:
        return checks.member_type(item)
    except MemberTypeError:
        return None


Conditions = list[frozenset]  # alternatives, each a set of ((column, mode), value)


def conditions(asn: Asn, by_record: dict[tuple, tuple] | None = None) -> Conditions | None:
    """What an exposure needs to possibly join `asn` (None: nothing can join it).

    `by_record`: a memo of the conditions of associations whose states are still those of
    a recorded start (`Matcher.restore_saved`), kept by the caller for as long as those
    records live (the index: a pass).
    """
    check = asn.rule.quick_fail
    if check is None:
        return [frozenset()]
    # They depend only on the rule's check tree, the values fixed so far in its conditions
    # and the column each was fixed from (FILTER or BAND, say), and a few facts of the
    # association (those its association tests read: science, candidate type);
    # associations of one configuration share them (cached), across candidate passes too
    # (the candidate's own condition is not part of the check).
    facts = (id(check), asn.rule.member_type, asn.has_science(), asn.acid.type,
             computed_patterns(asn))
    record = asn.matcher.borrowed if by_record is not None else None
    if record is not None:
        # The states are a recorded start's, unchanged since: the associations started
        # from one record share their conditions.
        known = by_record.get((id(record), facts))
        if known is not None:
            return known[1]
    states = asn.matcher.states
    key = (facts, *[(i, state.literal, state.sources) for i in _leaves(check)[0]
                    if (state := states[i]) is not None and state.literal is not None])
    found = _CONDITIONS.get(key, False)
    if found is False:
        if len(_CONDITIONS) > 100_000:
            for cache in (_CONDITIONS, _CHECKS, _LEAVES):
                cache.clear()
        found = _CONDITIONS[key] = _conditions(check, asn)
        _CHECKS[id(check)] = check  # keeps id(check) unique while cached
    if record is not None:
        by_record[id(record), facts] = (record, found)  # the record: its id stays unique
    return found


_CONDITIONS: dict[tuple, Conditions | None] = {}
_CHECKS: dict[int, tuple] = {}
_LEAVES: dict[int, tuple[tuple[int, ...], tuple]] = {}


def _conditions(check: tuple, asn: Asn) -> Conditions | None:
    kind, arg = check
    if kind == "or":  # every part must pass: combine their conditions
        found_all = []
        for part in arg:
            found = _conditions(part, asn)
            if found is None:
                return None
            found_all.append(found)
        # Single-alternative parts first: they never multiply the alternatives.
        found_all.sort(key=len)
        result: Conditions = [frozenset()]
        for found in found_all:
            if len(result) * len(found) <= _MAX_ALTERNATIVES:
                result = [a | b for a in result for b in found]
        return result
    if kind == "and":  # any one part may pass: the alternatives of the live parts
        alternatives: Conditions = []
        for part in arg:
            found = _conditions(part, asn)
            if found is not None:
                alternatives.extend(found)
        if not alternatives:
            return None
        if frozenset() in alternatives or len(alternatives) > _MAX_ALTERNATIVES:
            return [frozenset()]
        return alternatives
    state = asn.matcher.states[arg.id]
    value = arg.value if state is None else state.value
    if kind == "test":
        if arg.depends_on == "association":
            if value is not None and not (arg.test or _equal)(value, arg.source(asn, None)):
                return None
        elif arg.depends_on == "member_type" and arg.test is None and isinstance(value, str):
            return [frozenset({((MEMBER_TYPE, "="), value)})]
        return [frozenset()]
    sources = arg.sources if state is None else state.sources
    if arg.undefined or len(sources) != 1:
        return [frozenset()]
    exempt: list[frozenset] = []
    if arg.onlyif is not None:
        how, member_type = arg.onlyif
        if how != "unless" or asn.rule.member_type not in ("lv3", "aux"):
            return [frozenset()]
        if asn.rule.member_type == "lv3":  # there the member type is the plain DMS one
            exempt = [frozenset({((MEMBER_TYPE, "="), member_type)})]
    column = sources[0]
    if callable(value):  # computed from the association (part of the cache key)
        value = value(asn)
    fixed = state is not None and state.literal is not None  # fixed by a member
    if fixed:
        # An optional condition also passes when the column is not set.
        mode = "=" if arg.required else EQUAL_OR_UNSET
        return [frozenset({((column, mode), _literal(value))}), *exempt]
    if value is not None:  # a fixed pattern (e.g. an EXP_TYPE list): index by its verdict
        pattern = tuple(value) if isinstance(value, list) else value
        mode = MATCHES if arg.required else MATCHES_OR_UNSET
        return [frozenset({((column, mode, pattern), PRESENT)}), *exempt]
    if arg.required:
        return [frozenset({((column, PRESENT), PRESENT)}), *exempt]
    return [frozenset()]


@lru_cache(maxsize=65536)
def _literal(escaped: str) -> str:
    """The literal text of a fixed (regex-escaped) value, for exact comparison."""
    return _UNESCAPE.sub(r"\1", escaped).lower()


_UNESCAPE = re.compile(r"\\(.)")

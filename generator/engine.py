"""The matching engine: offers every exposure to existing associations and to the rules.

Exposures are processed in pool order. Each one is added to every existing association it
matches and may start new associations (one per rule that it satisfies and that it did not
already join). Constraints may ask for an exposure to be offered again later, to a given set
of rules or associations; those requests are queued by kind (`WorkOver`) and served in that
priority order once the current list is done, exactly as the DMS generator does.
"""

from __future__ import annotations

import re
from bisect import insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from asnatlas import candidate
from asnatlas.candidate import Asn
from asnatlas.constraints import Item, Reprocess, WorkOver, _equal, first_set, meets
from asnatlas.rules import Rule, cannot_start, checks


@dataclass
class Ruleset:
    """The rules of one pass (``candidate`` or ``discover``), in the order they are tried."""

    name: str
    rules: list[Rule]


class _Queue:
    """Pending reprocess lists, by kind; lists with the same rules and kind are merged."""

    def __init__(self) -> None:
        self.lists: dict[WorkOver, dict[tuple, Reprocess]] = {kind: {} for kind in WorkOver}

    def add(self, request: Reprocess) -> None:
        key = (request.rules, request.work_over, request.only_on_match)
        queue = self.lists[request.work_over]
        if key in queue:
            queue[key].items.extend(request.items)
        else:
            queue[key] = request

    def pop(self) -> Reprocess | None:
        for kind in WorkOver:
            queue = self.lists[kind]
            if queue:
                key = next(iter(queue))
                return queue.pop(key)
        return None


def _keep(request: Reprocess, current: WorkOver) -> Reprocess | None:
    """Requests made while serving an "existing only" list are dropped (no endless loops)."""
    to_rules = (WorkOver.RULES, WorkOver.BOTH)
    if request.work_over in to_rules:
        if current in to_rules:
            request.work_over = WorkOver.BOTH
            return request
        return None
    return None if current not in to_rules else request


def run(
    items: Iterable[Item],
    ruleset: Ruleset,
    version_id: str | None,
    pool_name: str,
    on_item: Callable[[], None] | None = None,
) -> list[Asn]:
    """All associations the ruleset makes from the items (not finalised)."""
    associations: list[Asn] = []
    index = _ConditionIndex()
    blanks: dict[int, Asn] = {}  # one member-less association per rule, for entry checks
    queue = _Queue()
    queue.add(Reprocess(list(items), WorkOver.BOTH, tuple(ruleset.rules)))
    first = True
    while (current := queue.pop()) is not None:
        allowed = current.rules or tuple(ruleset.rules)
        allowed_ids = {id(rule) for rule in allowed}
        every_rule = len(allowed_ids) == len(ruleset.rules)
        for item in current.items:
            existing: list[Asn] = []
            requests: list[Reprocess] = []
            if current.work_over != WorkOver.RULES:
                for asn in index.candidates(item):
                    if not every_rule and id(asn.rule) not in allowed_ids:
                        continue
                    revision = asn.revision
                    matched, reprocess = asn.add(item)
                    if asn.revision != revision:
                        index.refresh(asn)
                    requests.extend(reprocess)
                    if matched:
                        existing.append(asn)
            if current.work_over in (WorkOver.BOTH, WorkOver.RULES):
                joined = {id(asn.rule) for asn in existing}
                member_type = _member_type(item)
                present: dict[str, bool] = {}
                for rule in ruleset.rules:
                    if id(rule) in joined or id(rule) not in allowed_ids:
                        continue
                    if candidate.QUICK_REJECT:
                        fresh = blanks.get(id(rule))
                        if fresh is None:
                            fresh = blanks[id(rule)] = Asn(rule, ruleset.name, version_id,
                                                          pool_name)
                        if cannot_start(rule, item, fresh, member_type, present):
                            continue
                    asn = Asn(rule, ruleset.name, version_id, pool_name)
                    matched, reprocess = asn.add(item)
                    requests.extend(reprocess)
                    if matched:
                        associations.append(asn)
                        index.add(asn)
            for request in requests:
                kept = _keep(request, current.work_over)
                if kept is not None:
                    queue.add(kept)
            if first and on_item is not None:
                on_item()
        first = False
    for asn in associations:
        asn.compact()
    return associations


PRESENT = ""  # condition value meaning "the column is set" (to anything)
UNSET = "-"  # condition mode and value meaning "the column is not set"
MATCHES = "~"  # condition mode: the column's value matches the pattern that follows
MEMBER_TYPE = "@member_type"  # a virtual column: the exposure's DMS member type
_MAX_ALTERNATIVES = 32


class _ConditionIndex:
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

    def __init__(self) -> None:
        self.root = _Node()
        self.placed: dict[int, list[list[Asn]]] = {}
        self.by_filename: dict[str, list[Asn]] = {}
        self.logged: dict[int, int] = {}
        self.fingerprints: dict[int, tuple] = {}
        self.count = 0

    def add(self, asn: Asn) -> None:
        asn.order = self.count
        self.count += 1
        self._place(asn)
        self.members_changed(asn)

    def refresh(self, asn: Asn) -> None:
        fingerprint = _fingerprint(asn)
        if fingerprint != self.fingerprints.get(id(asn)):
            for bucket in self.placed.pop(id(asn), []):
                bucket.remove(asn)  # empty buckets stay: the same values come back often
            self._place(asn)
        self.members_changed(asn)

    def members_changed(self, asn: Asn) -> None:
        seen = self.logged.get(id(asn), 0)
        for name in asn.filename_log[seen:]:
            insort(self.by_filename.setdefault(name, []), asn, key=_by_order)
        self.logged[id(asn)] = len(asn.filename_log)

    def _place(self, asn: Asn) -> None:
        self.fingerprints[id(asn)] = _fingerprint(asn)
        buckets: list[list[Asn]] = []
        for alternative in conditions(asn) or ():
            node = self.root
            for column, value in sorted(alternative, key=_condition_order):
                node = node.children.setdefault(column, {}).setdefault(value, _Node())
            if not any(bucket is node.asns for bucket in buckets):
                insort(node.asns, asn, key=_by_order)
                buckets.append(node.asns)
        self.placed[id(asn)] = buckets

    def candidates(self, item: Item) -> list[Asn]:
        """Associations the item may join, in creation order."""
        found: list[list[Asn]] = []
        parts: dict[tuple, str | None] = {}
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.asns:
                found.append(node.asns)
            for column, by_value in node.children.items():
                part = parts.get(column, False)
                if part is False:
                    part = parts[column] = _key_part(item, column)
                if part is not None:
                    child = by_value.get(part)
                    if child is not None:
                        stack.append(child)
        holders = self.by_filename.get(item.get("filename", ""))
        if holders:
            found.append(holders)
        if len(found) == 1:
            return list(found[0])
        unique = {id(asn): asn for bucket in found for asn in bucket}
        return sorted(unique.values(), key=_by_order)


class _Node:
    """A node of the condition trie: associations whose conditions end here, and deeper ones."""

    __slots__ = ("asns", "children")

    def __init__(self) -> None:
        self.asns: list[Asn] = []
        self.children: dict[tuple, dict[str, _Node]] = {}


# Conditions are stored in this order of columns so that alternatives share trie prefixes.
_COLUMN_ORDER = {name: i for i, name in enumerate((
    "program", "instrume", "exp_type", "detector", "filter", "pupil", "subarray",
    "targetid", MEMBER_TYPE, "bkgdtarg", "asn_candidate"))}


@cache
def _condition_order(condition: tuple) -> tuple:
    column, _value = condition
    return (_COLUMN_ORDER.get(column[0], len(_COLUMN_ORDER)), repr(column))


def _key_part(item: Item, column: tuple) -> str | None:
    """The item's part of an index key for one condition column (None: cannot meet it)."""
    name, mode, *pattern = column
    if name == MEMBER_TYPE:
        value: str | None = _member_type(item) or "<unknown>"
    else:
        hit = first_set(item, (name,))
        value = None if hit is None else hit[1].lower()
    if mode == UNSET:
        return UNSET if value is None else None
    if value is None:
        return None
    if mode == MATCHES:
        return PRESENT if meets(value, pattern[0]) else None
    return PRESENT if mode == PRESENT else value


def _fingerprint(asn: Asn) -> tuple:
    """Changes whenever the association's index conditions may change."""
    fixed = sum(1 for state in asn.matcher.states if state is not None and not state.unique)
    return fixed, asn.has_science()


def _by_order(asn: Asn) -> int:
    return asn.order


def _member_type(item: Item) -> str | None:
    try:
        return checks.member_type(item)
    except LookupError:
        return None


Conditions = list[frozenset]  # alternatives, each a set of ((column, mode), value)


def conditions(asn: Asn) -> Conditions | None:
    """What an exposure needs to possibly join `asn` (None: nothing can join it)."""
    check = asn.rule.quick_fail
    if check is None:
        return [frozenset()]
    return _conditions(check, asn)


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
    fixed = state is not None and state.literal is not None  # fixed by a member
    if fixed:
        equal = frozenset({((column, "="), _literal(value))})
        # An optional condition also passes when the column is not set.
        unset = [] if arg.required else [frozenset({((column, UNSET), UNSET)})]
        return [equal, *unset, *exempt]
    if value is not None:  # a fixed pattern (e.g. an EXP_TYPE list): index by its verdict
        pattern = tuple(value) if isinstance(value, list) else value
        matches = frozenset({((column, MATCHES, pattern), PRESENT)})
        unset = [] if arg.required else [frozenset({((column, UNSET), UNSET)})]
        return [matches, *unset, *exempt]
    if arg.required:
        return [frozenset({((column, PRESENT), PRESENT)}), *exempt]
    return [frozenset()]


def _literal(escaped: str) -> str:
    """The literal text of a fixed (regex-escaped) value, for exact comparison."""
    return re.sub(r"\\(.)", r"\1", escaped).lower()

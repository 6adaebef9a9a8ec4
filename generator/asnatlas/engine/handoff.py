"""Associations handed from a forked worker back to the process that forked it.

A worker forked while generating (see `asnatlas.generate`) runs some candidate passes and
sends their associations back as bytes. What both processes held before the fork (the
rules, their nodes and the functions in them, the pool's rows) is sent as a reference,
not a copy: the parent gets its own objects back, so an association from a worker is
indistinguishable from one it made itself (a test compares every pool both ways). The
rules a pass makes for its candidate (`Rule.with_global`) are remade in the parent, once
per candidate and base rule.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO

from asnatlas.engine.candidate import Asn, Member
from asnatlas.rules import Rule
from asnatlas.rules.constraints import Attr, Group, Matcher, Node, Test

# The parent's `Shared` while it loads a worker's bytes (pickle's reduce callables are
# plain functions: this is how they find it).
_LOADING: list[Shared] = []


class Shared:
    """What a generating process and the workers it forks both hold, by identity.

    Make it before forking: ids are then the same on both sides. `extra_for(cid)` makes a
    candidate pass's extra condition (as `generate.candidate_constraint` does), for
    remaking pass rules in the parent.
    """

    def __init__(self, rules: Sequence[Rule], rows: Sequence[dict],
                 extra_for: Callable[[str], Callable[[], Node]]) -> None:
        self.objects: dict[int, Any] = {}
        for rule in rules:
            self._keep(rule)
            for node in rule.nodes:
                self._keep(node)
                for name in ("value", "source", "test"):
                    held = getattr(node, name, None)
                    if callable(held):
                        self._keep(held)
        self.rows = rows
        self.row_of = {id(row): i for i, row in enumerate(rows)}
        self.extra_for = extra_for
        self.pass_rules: dict[tuple[int, str], Rule] = {}

    def _keep(self, obj: Any) -> None:
        self.objects[id(obj)] = obj  # the reference also keeps the id from being reused

    def pass_rule(self, base_id: int, cid: str) -> Rule:
        found = self.pass_rules.get((base_id, cid))
        if found is None:
            base = self.objects[base_id]
            found = self.pass_rules[base_id, cid] = base.with_global(self.extra_for(cid))
        return found


class Writer:
    """Writes candidate passes' associations to a worker's output, one pass at a time."""

    def __init__(self, out: BinaryIO, shared: Shared) -> None:
        self.pickler = _Pickler(out, shared)

    def add(self, number: int, cid: str, asns: list[Asn]) -> None:
        pickler = self.pickler
        pickler.cid = cid
        pickler.own_nodes = {}
        for asn in asns:
            rule = asn.rule
            if rule.base is not None:  # the pass's own nodes: its new root and extra
                pickler.own_nodes[id(rule.nodes[0])] = (id(rule.base), 0)
                pickler.own_nodes[id(rule.nodes[-1])] = (id(rule.base), len(rule.nodes) - 1)
        pickler.dump((number, cid, asns))


def read(data: bytes, shared: Shared) -> Iterator[tuple[int, list[Asn]]]:
    """What a `Writer` wrote: (pass number, associations), made of this process's rules
    and rows."""
    _LOADING.append(shared)
    try:
        stream = io.BytesIO(data)
        unpickler = pickle.Unpickler(stream)
        while stream.tell() < len(data):
            number, _cid, asns = unpickler.load()
            yield number, asns
    finally:
        _LOADING.pop()


class _Pickler(pickle.Pickler):
    def __init__(self, file: BinaryIO, shared: Shared) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.shared = shared
        self.cid = ""
        self.own_nodes: dict[int, tuple[int, int]] = {}

    def reducer_override(self, obj: Any) -> Any:
        # Not called for plain dicts, lists, strings and numbers (pickle's fast path).
        key = id(obj)
        if key in self.shared.objects:
            return _shared, (key,)
        kind = type(obj)
        if kind is Member:
            row = self.shared.row_of.get(id(obj.item))
            return _member, (dict(obj), obj.item if row is None else row)
        if kind is Matcher:  # its rule's nodes are the rule's: only the states travel
            # (the list as it is: the None of each unset state is one byte of the pickle)
            return (_matcher, (obj.asn.rule, obj.states, obj.fixed, obj.changes,
                               obj.compiled), (None, {"asn": obj.asn}))
        if kind is Rule:
            if obj.base is None:
                raise pickle.PicklingError(f"rule {obj.name} was made after the fork")
            return _pass_rule, (id(obj.base), self.cid)
        if kind in (Attr, Test, Group):
            found = self.own_nodes.get(key)
            if found is None:
                raise pickle.PicklingError("a rule node made after the fork")
            return _pass_node, (*found, self.cid)
        return NotImplemented


def _shared(key: int) -> Any:
    return _LOADING[-1].objects[key]


def _pass_rule(base_id: int, cid: str) -> Rule:
    return _LOADING[-1].pass_rule(base_id, cid)


def _pass_node(base_id: int, index: int, cid: str) -> Node:
    return _LOADING[-1].pass_rule(base_id, cid).nodes[index]


def _matcher(rule: Rule, states: list, fixed: int, changes: int, compiled: bool) -> Matcher:
    matcher = Matcher(None, rule.nodes, compiled)
    matcher.fixed, matcher.changes = fixed, changes
    matcher.states = states  # one per node of the rule, as in the worker
    return matcher


def _member(data: dict, row: int | dict | None) -> Member:
    item = _LOADING[-1].rows[row] if isinstance(row, int) else row
    return Member(data, item)

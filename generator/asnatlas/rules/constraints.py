"""Constraint trees: the vocabulary the association rules are written in, and how they match.

A rule is a tree of three kinds of node:

- `Attr`: a pool column (or the first set one of several) must be set, and match a value
  (a regular expression, matched whole and case-insensitively). With ``value=None`` the
  first exposure that matches *fixes* the value for the rest of the association: all members
  then share it (e.g. the filter of an image3 product).
- `Test`: a computed check on the exposure (and possibly on the association so far).
- `Group`: children combined with ``all``, ``any``, ``notany`` or ``notall``.

Matching an exposure against an association walks the tree in order and may fix values as
it goes; when the whole tree does not match, every change is undone. Nodes can also ask for
the exposure to be *reprocessed* later (e.g. a background exposure offered again to every
existing association of the rule); that request is returned as `Reprocess` entries.

These semantics (including the order of evaluation, which decides what gets fixed first)
are those of the JWST DMS association generator, so that the same pool gives the same
associations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from typing import Any

from asnatlas.conventions.candidates import evaluate
from asnatlas.conventions.vocabulary import EMPTY
from asnatlas.rules.replay import Recorder

Item = dict  # a pool row: column -> lower-cased string


class WorkOver(IntEnum):
    """What a reprocessed exposure is offered to (also the queue's priority order)."""

    RULES = 0  # only the rules, to start new associations
    BOTH = 1  # existing associations and the rules
    EXISTING = 2  # only existing associations
    NONSCIENCE = 3  # only existing associations, after everything else


@dataclass(eq=False)
class Attr:
    """Pool column(s) `sources` must hold a set value matching `value`.

    `value` is a regex, a list of regexes, a callable ``(association) -> regex`` or None
    (None: any set value; with `unique` the first match fixes it for later members).
    """

    sources: tuple[str, ...]
    name: str | None = None
    value: Any = None
    required: bool = True  # a missing/unset column fails (else it passes)
    unique: bool = True  # the first matched value becomes the required value
    undefined: bool = False  # passes only when the column is NOT set
    evaluate: bool = False  # parse the value as a Python literal (asn_candidate lists)
    is_acid: bool = False  # this node's matched value names the candidate (asn_id)
    # Checked only for some members: ("unless", "background") skips exposures whose member
    # type is background; ("only", "science") checks science exposures only.
    onlyif: tuple[str, str] | None = None
    reprocess: WorkOver | None = None  # on match, offer the exposure again to this
    only_on_match: bool = False
    why: str = ""  # what the condition means, in a user's words
    id: int = field(default=-1, init=False)


@dataclass(eq=False)
class Test:
    """A computed check: ``test(value, source(association, item))``; equality by default.

    With ``value=None`` it always passes (and, with `unique`, fixes the computed value).
    """

    source: Callable[[Any, Item], Any] | None = None  # None: the item itself
    value: Any = None
    test: Callable[[Any, Any], bool] | None = None
    name: str | None = None
    unique: bool = True
    reprocess_on_match: bool = False
    reprocess_on_fail: bool = False
    work_over: WorkOver = WorkOver.BOTH
    reprocess_rules: tuple | None = None
    why: str = ""
    # True when `source` reads association state that matching other exposures changes
    # (the engine then always evaluates the rule in full, never by its quick pre-check).
    stateful: bool = False
    # What `source` depends on, for indexing: "association" (the association only, not the
    # exposure), "member_type" (the exposure's DMS member type only), or "" (anything).
    depends_on: str = ""
    id: int = field(default=-1, init=False)


@dataclass(eq=False)
class Group:
    """Children combined by `reduce`: ``all``, ``any``, ``notany`` or ``notall``."""

    children: tuple
    reduce: str = "all"
    name: str | None = None
    reprocess_on_match: bool = False
    reprocess_on_fail: bool = False
    work_over: WorkOver = WorkOver.BOTH
    reprocess_rules: tuple | None = None
    why: str = ""
    # True for a branch that can only match an association that already has members
    # (e.g. "an acquisition of an observation already in it"): a new one never takes it.
    joins_only: bool = False
    id: int = field(default=-1, init=False)


Node = Attr | Test | Group


@dataclass
class Reprocess:
    """A request to offer exposures again, to `rules` (None: the requesting rule only)."""

    items: list[Item]
    work_over: WorkOver = WorkOver.BOTH
    rules: tuple | None = None
    only_on_match: bool = False


def walk(node: Node) -> Iterator[Node]:
    """Pre-order traversal (the order the reference looks constraints up by name)."""
    yield node
    if isinstance(node, Group):
        for child in node.children:
            yield from walk(child)


def number_nodes(root: Node) -> list[Node]:
    """Give every node of a tree its index; returns the nodes in pre-order."""
    nodes = list(walk(root))
    for i, node in enumerate(nodes):
        node.id = i
    return nodes


# --- values ------------------------------------------------------------------------------


def first_set(item: Item, sources: tuple[str, ...] | list[str]) -> tuple[str, str] | None:
    """The first of `sources` that the item has with a set value, as (column, value)."""
    for source in sources:
        value = item.get(source)
        if value is not None and value not in EMPTY:
            return source, value
    return None


@lru_cache(maxsize=65536)
def literal(value: str) -> Any:
    """Parse a Python literal (``[('o001', 'observation')]``), or return the text as is.

    Cached: the same candidate lists recur on many rows. Callers must not modify the result.
    """
    return evaluate(value)


def is_iterable(obj: Any) -> bool:
    """Lists and sets, not strings or tuples: the values that split an exposure in several."""
    return not isinstance(obj, (str, tuple)) and hasattr(obj, "__iter__")


_REGEXES: dict[str, re.Pattern] = {}


def _regex(condition: str) -> re.Pattern:
    # Unbounded on purpose: one entry per distinct value in the pool, reused many times.
    pattern = _REGEXES.get(condition)
    if pattern is None:
        pattern = _REGEXES[condition] = re.compile("^" + condition + "$", flags=re.IGNORECASE)
    return pattern


def regex_meets(value: str, condition: str) -> bool:
    """The definition of a match: `condition` as a regex between ``^`` and ``$``,
    ignoring case (`meets` decides most conditions without it, identically)."""
    return _regex(condition).match(value) is not None


_TESTS: dict[str, Callable[[str], bool]] = {}
_WORDS = r"[A-Za-z0-9_-]+(?:\|[A-Za-z0-9_-]+)*"
_CONTAINS = re.compile(r"\.\+\((" + _WORDS + r")\)\.\+")  # .+(o001|c1000).+
_GROUPED = re.compile(r"\((" + _WORDS + r")\)")  # (85|86)
_BARE = re.compile(_WORDS)  # nrc_image, or a|b|c (see below)


def _test(condition: str) -> Callable[[str], bool]:
    """A test equal to `regex_meets` for `condition`: most conditions the rules and the
    engine build are words, alternatives of words or "contains a word" (candidate ids,
    observation numbers, EXP_TYPEs); for an ASCII value without a newline (where ``$``
    and ``.`` and case folding need no regex) those are string comparisons. A test proves
    them equal to the regex."""
    test = _TESTS.get(condition)
    if test is not None:
        return test

    match = None  # compiled on first use (a bad pattern fails where it is used)

    def fallback(value: str) -> bool:
        nonlocal match
        if match is None:
            match = _regex(condition).match
        return match(value) is not None

    if (found := _CONTAINS.fullmatch(condition)) is not None:
        words = tuple(found[1].lower().split("|"))

        def test(value: str) -> bool:
            if not value.isascii() or "\n" in value:
                return fallback(value)
            inner = value[1:-1].lower()  # ".+" each side: at least one character
            return any(word in inner for word in words)
    elif (found := _GROUPED.fullmatch(condition)) is not None:
        whole = frozenset(found[1].lower().split("|"))

        def test(value: str) -> bool:
            if not value.isascii() or "\n" in value:
                return fallback(value)
            return value.lower() in whole
    elif _BARE.fullmatch(condition) is not None:
        # "^a|b|c$" is "^a" or "b" or "c$": re.match anchors every alternative at the
        # start, and only the last one at the end.
        *prefixes, last = condition.lower().split("|")
        starts = tuple(prefixes)

        def test(value: str) -> bool:
            if not value.isascii() or "\n" in value:
                return fallback(value)
            lowered = value.lower()
            return lowered == last or (bool(starts) and lowered.startswith(starts))
    else:
        test = fallback
    _TESTS[condition] = test
    return test


def meets(value: str, conditions: Any) -> bool:
    """Whether `value` matches one of the regexes `conditions`, whole and ignoring case."""
    if isinstance(conditions, str):
        return _test(conditions)(value)
    if not is_iterable(conditions):
        conditions = [conditions]
    return any(_test(condition)(value) for condition in conditions)


def _meets_state(value: str, state: NodeState, wanted: Any) -> bool:
    """`meets`, with a fast path for a value fixed by a member (an escaped literal)."""
    if state.literal is not None and wanted is state.value:
        return value.lower() == state.literal
    return meets(value, wanted)


# --- state -------------------------------------------------------------------------------


_NO_VALUES: dict = {}  # never written to: states replace it before adding


class NodeState:
    """The mutable part of a leaf inside one association."""

    __slots__ = ("value", "sources", "unique", "found", "matched", "literal")

    def __init__(self, node: Attr | Test):
        self.value = node.value
        self.sources = node.sources if isinstance(node, Attr) else None
        self.unique = node.unique
        # Insertion-ordered set of matched values; shared empty until the first one.
        self.found: dict = _NO_VALUES
        self.matched = False
        self.literal: str | None = None  # lower-cased text `value` was fixed to, if any

    def snapshot(self) -> tuple:
        # `found` only grows while matching, so its size is enough to undo additions.
        return (self.value, self.sources, self.unique, len(self.found), self.matched,
                self.literal)

    def restore(self, snap: tuple) -> None:
        (self.value, self.sources, self.unique, size, self.matched, self.literal) = snap
        while len(self.found) > size:
            self.found.popitem()

    def copy(self) -> NodeState:
        """An equal state of its own (its matched values too)."""
        made = _new_state(NodeState)
        made.value, made.sources, made.unique = self.value, self.sources, self.unique
        made.found = self.found if self.found is _NO_VALUES else dict(self.found)
        made.matched, made.literal = self.matched, self.literal
        return made

    def disown(self, recorder: Any, item: Any) -> None:
        """Hold `item` wherever the state holds `recorder` (its copy), itself or by id."""
        if self.value is recorder:
            self.value = item
        if id(recorder) in self.found:
            self.found = {id(item) if key == id(recorder) else key: None for key in self.found}

    def is_plain(self, node: Attr | Test) -> bool:
        """Whether the state holds only text, truth values and the node's own settings
        (not an exposure, nor a number standing for one): what a replay may copy."""
        return ((self.value is node.value or type(self.value) in _PLAIN)
                and (self.sources is None or type(self.sources) is tuple)
                and all(type(key) in _PLAIN for key in self.found)
                and (self.literal is None or type(self.literal) is str))


_PLAIN = (str, bool, type(None))


class FrozenState(NodeState):
    """A leaf's state once matching is over (see `freeze`): read-only, its matched values
    a tuple."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{name}: the state of a finished association is read-only")

    def __reduce__(self) -> tuple:
        return (_frozen, (self.value, self.sources, self.unique, self.found, self.matched,
                          self.literal))


_FROZEN: dict[tuple, FrozenState] = {}


def freeze(state: NodeState) -> NodeState:
    """The state, read-only, once nothing will match against it again: shared by every
    association whose state is the same and made only of text (a large program holds
    thousands of associations of one program, instrument, detector...)."""
    return _frozen(state.value, state.sources, state.unique, state.found, state.matched,
                   state.literal)


def _frozen(value: Any, sources: Any, unique: bool, found: Any, matched: bool,
            literal: str | None) -> FrozenState:
    found = tuple(found)
    key = (value, sources, unique, found, matched, literal)
    # Only text is shared: equal values of other types may differ (True == 1). Only keys
    # of text are kept, and no other value equals a text: a key found is one of text.
    made = None
    shared = value is None or type(value) is str
    if shared:
        made = _FROZEN.get(key)
        shared = made is None and all(type(v) is str for v in found)
    if made is None:
        made = object.__new__(FrozenState)
        for name, held in zip(NodeState.__slots__, key, strict=True):
            object.__setattr__(made, name, held)
        if shared:
            if len(_FROZEN) > 200_000:
                _FROZEN.clear()
            _FROZEN[key] = made
    return made


def _record_test(state: NodeState, value: Any, source_value: Any, named: bool) -> bool:
    """A satisfied test: fix its value (`unique`), record it (named tests); whether a
    value names read (fixed or matched values) changed."""
    changed = False
    if state.unique:
        if value is None or value is not source_value and not value == source_value:
            changed = True
        state.value = source_value
    if named:
        if state.found is _NO_VALUES:
            state.found = {}
        try:
            key = state.value
            if key not in state.found:
                state.found[key] = None
                changed = True
        except TypeError:  # unhashable (an item): kept by identity
            if id(state.value) not in state.found:
                state.found[id(state.value)] = None
                changed = True
    return changed


class Matcher:
    """Evaluates a rule's tree for one association, recording changes so they can be undone.

    `check_all` runs the tree's compiled form (`compiled`, the default) or walks the tree
    node by node (`check`, the reference form that `explain` traces); both give the same
    verdicts, requests and states (a test runs every pool both ways).
    """

    __slots__ = ("asn", "nodes", "states", "undo", "fixed", "changes", "version", "compiled",
                 "borrowed")

    def __init__(self, asn: Any, nodes: list[Node], compiled: bool = True):
        self.asn = asn
        self.nodes = nodes
        self.compiled = compiled
        self.fixed = 0  # how many conditions have had their value fixed by a member
        # Bumped whenever a matched value is recorded or fixed (never decreases): names
        # derived from matched values need recomputing only when it moved.
        self.changes = 0
        # Bumped whenever an evaluation leaves any state changed: evaluations from one
        # version start from the same states (what replays are keyed by).
        self.version = 0
        # Leaf states are created when first needed: most rules reject most exposures
        # after a few conditions, so most leaves of a tried rule are never touched.
        self.states: list[NodeState | None] = [None] * len(nodes)
        self.undo: list[tuple[int, tuple | None]] | None = None
        # States taken from `saved` without copying (`restore_saved`): shared until an
        # evaluation would change them, copied then (most associations a replay starts
        # are never evaluated again).
        self.borrowed: tuple | None = None

    def state(self, node: Attr | Test) -> NodeState:
        """The leaf's state in this association (created on first use)."""
        state = self.states[node.id]
        if state is None:
            state = self.states[node.id] = NodeState(node)
        return state

    def _touch(self, node: Attr | Test) -> NodeState:
        state = self.states[node.id]
        if state is None:
            state = self.states[node.id] = NodeState(node)
            if self.undo is not None:
                self.undo.append((node.id, None))
        elif self.undo is not None:
            self.undo.append((node.id, state.snapshot()))
        return state

    def check_all(self, root: Group, item: Item) -> tuple[bool, list[Reprocess]]:
        """Match the item; on failure undo every change made while trying."""
        if self.borrowed is not None:
            self.own_states()
        self.undo = []
        if self.compiled:
            matched, reprocess = compiled(root)(self, item)
        else:
            matched, reprocess = self.check(root, item)
        self._settle(matched)
        return matched, reprocess

    def _settle(self, matched: bool) -> None:
        """End an evaluation: undo its changes if it failed, else note if it made any."""
        undo, states = self.undo, self.states
        self.undo = None
        if not matched:
            for state_id, snap in reversed(undo):
                state = states[state_id]
                if snap is None:
                    self.fixed -= state.literal is not None
                    states[state_id] = None
                else:
                    self.fixed -= state.literal is not None and snap[5] is None
                    state.restore(snap)
        elif undo:
            for state_id, snap in undo:
                if snap is None or states[state_id].snapshot() != snap:
                    self.version += 1
                    return

    def saved(self) -> tuple:
        """Copies of the states and the counters, for `restore_saved` into another
        matcher of the same rule (the copies are never changed)."""
        return (tuple((i, state.copy()) for i, state in enumerate(self.states)
                      if state is not None), (self.fixed, self.changes, self.version))

    def restore_saved(self, saved: tuple) -> None:
        """Take the states and counters of `saved`: the states are shared with it until
        an evaluation, which first makes copies of its own (`own_states`)."""
        states, counters = saved
        slots = self.states
        for state_id, state in states:
            slots[state_id] = state
        self.borrowed = states
        self.fixed, self.changes, self.version = counters

    def own_states(self) -> None:
        """Copies of its own of the states `restore_saved` shared (before changing any)."""
        if self.borrowed is None:
            return
        slots = self.states
        for state_id, state in self.borrowed:
            if slots[state_id] is state:
                slots[state_id] = state.copy()
        self.borrowed = None

    def keep(self, states: list[NodeState | None]) -> None:
        """Hold `states` from now on, none of them borrowed (`Asn.compact`: what is kept
        once matching is over)."""
        self.states = states
        self.borrowed = None

    def check_recorded(self, root: Group, item: Item
                       ) -> tuple[bool, list[Reprocess], list[tuple] | None]:
        """`check_all` (compiled), also returning the values the evaluation read from the
        item, in order (`replay.Recorder`); None instead when its outcome cannot be
        replayed from them: it used the item otherwise than by reading columns, asked for
        other exposures than this one to be offered again, or left a state holding more
        than text (the item itself, say: it then holds the item, not the recorder)."""
        if self.borrowed is not None:
            self.own_states()
        recorder = Recorder(item)
        self.undo = []
        matched, reprocess = compiled(root)(self, recorder)
        replayable = True
        requests = list(reprocess)
        for request in requests:
            if any(other is recorder for other in request.items):
                request.items = [item if other is recorder else other
                                 for other in request.items]
            replayable = replayable and len(request.items) == 1 and request.items[0] is item
        nodes, states = self.nodes, self.states
        for state_id, _snap in self.undo:
            # Only a test's state can hold more than text (a condition's holds the
            # column's text, its patterns and sources).
            node = nodes[state_id]
            if type(node) is Test and (state := states[state_id]) is not None \
                    and not state.is_plain(node):
                replayable = False
                state.disown(recorder, item)
        self._settle(matched)
        return matched, requests, recorder.reads() if replayable else None

    def check(self, node: Node, item: Item) -> tuple[bool, list[Reprocess]]:
        kind = type(node)
        if kind is Attr:
            return self._check_attr(node, item)
        if kind is Test:
            return self._check_test(node, item)
        return self._check_group(node, item)

    def _save(self, node: Attr | Test, state: NodeState) -> None:
        """Record the state before its first change in this evaluation (for undo)."""
        if self.undo is not None:
            self.undo.append((node.id, state.snapshot()))

    def _check_attr(self, node: Attr, item: Item) -> tuple[bool, list[Reprocess]]:
        # States are saved for undo just before they first change: a member joining an
        # association usually changes nothing but `matched` on the conditions it meets.
        state = self.states[node.id]
        saved = state is None
        if saved:
            state = self._touch(node)
        reprocess: list[Reprocess] = []
        if node.onlyif is not None and not applies(node, self.asn, item):
            if node.reprocess is not None:
                reprocess.append(Reprocess([item], node.reprocess, None, node.only_on_match))
            matched = True
        else:
            matched = self._match_attr(node, state, item, reprocess)
            if matched is None:  # the value was fixed just now (saved inside)
                return True, reprocess
        if state.matched != matched:
            if not saved:
                self._save(node, state)
            state.matched = matched
        return matched, reprocess

    def _match_attr(self, node: Attr, state: NodeState, item: Item,
                    reprocess: list[Reprocess]) -> bool | None:
        found = first_set(item, state.sources)
        if found is None:
            return not (node.required and not node.undefined)
        if node.undefined:
            return False
        source, value = found
        evaled: Any = literal(value) if node.evaluate else value
        if state.value is None:
            if is_iterable(evaled):
                reprocess.append(_split(item, source, list(evaled)))
                return False
            text = str(evaled)
        else:
            wanted = state.value(self.asn) if callable(state.value) else state.value
            candidates = evaled if is_iterable(evaled) else [evaled]
            for chosen in candidates:
                text = str(chosen)
                if _meets_state(text, state, wanted):
                    break
            else:
                return False
            others = [other for other in candidates if other != chosen]
            if others:
                reprocess.append(_split(item, source, others))
        # Pool values are lower case, so a value equal to the fixed one escapes to it.
        escaped = state.value if text == state.literal else _escape(text)
        record = node.name is not None and escaped not in state.found
        if record or state.unique or not state.matched:
            self._save(node, state)  # may duplicate the creation record: harmless
            if record or state.unique:  # names read matched and fixed values only
                self.changes += 1
            if record:  # matched values are only ever looked up by name
                if state.found is _NO_VALUES:
                    state.found = {}
                state.found[escaped] = None
            if state.unique:
                _fix(self, state, escaped, source, text)
            state.matched = True
        if node.reprocess is not None:
            reprocess.append(Reprocess([item], node.reprocess, None, node.only_on_match))
        return None

    def _check_test(self, node: Test, item: Item) -> tuple[bool, list[Reprocess]]:
        state = self._touch(node)
        source_value = item if node.source is None else node.source(self.asn, item)
        satisfied = True
        if state.value is not None:
            test = node.test or equal
            satisfied = test(state.value, source_value)
        state.matched = satisfied
        if satisfied:
            self.changes += _record_test(state, state.value, source_value, node.name is not None)
        reprocess = []
        if (satisfied and node.reprocess_on_match) or (not satisfied and node.reprocess_on_fail):
            reprocess.append(Reprocess([item], node.work_over, node.reprocess_rules))
        return satisfied, reprocess

    def _check_group(self, node: Group, item: Item) -> tuple[bool, list[Reprocess]]:
        matched, nested = _REDUCERS[node.reduce](self, item, node.children)
        if (matched and node.reprocess_on_match) or (not matched and node.reprocess_on_fail):
            nested.append([Reprocess([item], node.work_over, node.reprocess_rules)])
        if len(nested) == 1:
            return matched, nested[0]
        return matched, [entry for group in nested for entry in group]


def applies(node: Attr, asn: Any, item: Item) -> bool:
    """Whether an Attr with `onlyif` checks this exposure at all."""
    how, member_type = node.onlyif
    is_type = asn.exposure_type(item) == member_type
    return is_type if how == "only" else not is_type


def equal(a: Any, b: Any) -> bool:
    """The default comparison of a `Test`: its value equals the computed one."""
    return a == b


def _split(item: Item, source: str, values: list) -> Reprocess:
    """An exposure listed with several values (e.g. candidates) is retried once per value."""
    copies = []
    for value in values:
        copy = dict(item)
        copy[source] = str(value)
        copies.append(copy)
    return Reprocess(copies)


def _reduce_all(m: Matcher, item: Item, children: tuple) -> tuple[bool, list]:
    if not children:
        return False, []
    all_match = True
    negative = None
    collected = []
    for child in children:
        match, reprocess = m.check(child, item)
        if match:
            if all_match:
                collected.append(reprocess)
        else:
            all_match = False
            if not reprocess:
                negative = None
                break
            if negative is None:
                negative = [reprocess]
    if not all_match:
        collected = negative if negative is not None else []
    return all_match, collected


def _reduce_any(m: Matcher, item: Item, children: tuple) -> tuple[bool, list]:
    if not children:
        return False, []
    collected = []
    match = False
    for child in children:
        match, reprocess = m.check(child, item)
        if match:
            collected = [reprocess]
            break
        collected.append(reprocess)
    return match, collected


def _reduce_notany(m: Matcher, item: Item, children: tuple) -> tuple[bool, list]:
    match, collected = _reduce_any(m, item, children)
    return not match, collected


def _reduce_notall(m: Matcher, item: Item, children: tuple) -> tuple[bool, list]:
    match, collected = _reduce_all(m, item, children)
    return not match, collected


_REDUCERS = {
    "all": _reduce_all,
    "any": _reduce_any,
    "notany": _reduce_notany,
    "notall": _reduce_notall,
}


# --- compiled evaluation -----------------------------------------------------------------
#
# The same semantics as `Matcher.check`, with each node turned once into a closure that
# holds what the node says as local constants: no dispatch on the node's kind, no per-call
# lookups of its fields, no list per leaf for reprocess requests (an empty tuple stands for
# "none"). The tree stays the source; the closure is derived from it and cached on the node.


Evaluate = Callable[[Matcher, Item], tuple[bool, Any]]
_NONE: tuple = ()  # "no reprocess request", shared (never appended to)
_new_state = object.__new__  # a NodeState with its fields set by the caller
# Cached: associations fixing the same value then share one string (memory, on large pools).
_escape = lru_cache(maxsize=65536)(re.escape)
_lowered = lru_cache(maxsize=65536)(str.lower)
_one = lru_cache(maxsize=1024)(lambda column: (column,))


def compiled(node: Node) -> Evaluate:
    """The node's evaluation as a closure ``(matcher, item) -> (matched, requests)``."""
    cached = node.__dict__.get("_compiled")
    if cached is not None and cached[0] == node.id:
        return cached[1]
    kind = type(node)
    if kind is Attr:
        fn = _compile_attr(node)
    elif kind is Test:
        fn = _compile_test(node)
    else:
        fn = _compile_group(node)
    node.__dict__["_compiled"] = (node.id, fn)  # keyed by id: trees may be renumbered
    return fn


def _compile_group(node: Group) -> Evaluate:
    children = tuple(compiled(child) for child in node.children)
    negate = node.reduce in ("notany", "notall")
    on_match, on_fail = node.reprocess_on_match, node.reprocess_on_fail
    work_over, rules = node.work_over, node.reprocess_rules

    if not children:
        core = _empty_group
    elif node.reduce in ("all", "notall"):
        def core(m: Matcher, item: Item) -> tuple[bool, Any]:
            collected: Any = _NONE
            negative: Any = None
            all_match = True
            for child in children:
                match, reprocess = child(m, item)
                if match:
                    if all_match and reprocess:
                        collected = reprocess if not collected else [*collected, *reprocess]
                else:
                    all_match = False
                    if not reprocess:
                        negative = None
                        break
                    if negative is None:
                        negative = reprocess
            if all_match:
                return True, collected
            return False, negative if negative is not None else _NONE
    else:
        def core(m: Matcher, item: Item) -> tuple[bool, Any]:
            collected: Any = _NONE
            for child in children:
                match, reprocess = child(m, item)
                if match:
                    return True, reprocess
                if reprocess:
                    collected = reprocess if not collected else [*collected, *reprocess]
            return False, collected

    if not (negate or on_match or on_fail):
        return core

    def group(m: Matcher, item: Item) -> tuple[bool, Any]:
        matched, reprocess = core(m, item)
        if negate:
            matched = not matched
        if (on_match and matched) or (on_fail and not matched):
            reprocess = [*reprocess, Reprocess([item], work_over, rules)]
        return matched, reprocess

    return group


def _empty_group(m: Matcher, item: Item) -> tuple[bool, Any]:
    return False, _NONE


def _fix(m: Matcher, state: NodeState, escaped: str, source: str, text: str) -> None:
    """A member fixes a unique condition's value: its text (`escaped`, and lower-cased in
    `literal`), read from one column from now on."""
    state.value = escaped
    state.sources = _one(source)
    state.unique = False
    state.literal = _lowered(text)
    m.fixed += 1


def _compile_attr(node: Attr) -> Evaluate:
    nid = node.id
    unset_matches = not (node.required and not node.undefined)
    undefined, evaluate, onlyif = node.undefined, node.evaluate, node.onlyif
    named = node.name is not None
    again = node.reprocess
    only_on_match = node.only_on_match

    def attr(m: Matcher, item: Item) -> tuple[bool, Any]:
        states = m.states
        state = states[nid]
        if state is None and first_plain:
            return first(m, item)
        saved = state is None
        if saved:
            state = states[nid] = NodeState(node)
            m.undo.append((nid, None))
        reprocess: Any = _NONE
        if onlyif is not None and not applies(node, m.asn, item):
            if again is not None:
                reprocess = [Reprocess([item], again, None, only_on_match)]
            matched = True
        else:
            source = None
            for column in state.sources:
                value = item.get(column)
                if value is not None and value not in EMPTY:
                    source = column
                    break
            if source is None:
                matched = unset_matches
            elif undefined:
                matched = False
            else:
                wanted = state.value
                text: str | None
                if evaluate:
                    text, reprocess = _match_evaluated(m, state, item, source, value)
                elif wanted is None:
                    text = value
                elif state.literal is not None:  # fixed by a member: compare the text
                    text = value if value.lower() == state.literal else None
                else:
                    met = meets(value, wanted(m.asn) if callable(wanted) else wanted)
                    text = value if met else None
                if text is None:
                    matched = False
                else:
                    literal_text = state.literal
                    escaped = wanted if text == literal_text else _escape(text)
                    record = named and escaped not in state.found
                    unique = state.unique
                    if record or unique or not state.matched:
                        if not saved:  # a state made just now is undone by removing it
                            m.undo.append((nid, state.snapshot()))
                        if record or unique:  # names read matched and fixed values only
                            m.changes += 1
                        if record:
                            if state.found is _NO_VALUES:
                                state.found = {}
                            state.found[escaped] = None
                        if unique:
                            _fix(m, state, escaped, source, text)
                        state.matched = True
                    if again is not None:
                        reprocess = [*reprocess,
                                     Reprocess([item], again, None, only_on_match)]
                    return True, reprocess
        if state.matched != matched:
            if not saved:
                m.undo.append((nid, state.snapshot()))
            state.matched = matched
        return matched, reprocess

    # The first offer to a condition (a new association): its state is made whole at
    # once (what `attr` does, without the steps that cannot apply).
    first_plain = onlyif is None and not evaluate and not callable(node.value)
    sources, unique, pattern = node.sources, node.unique, node.value

    def first(m: Matcher, item: Item) -> tuple[bool, Any]:
        # `NodeState(node)` without its call and type test: once per condition of every
        # new association.
        state = _new_state(NodeState)
        state.value, state.sources, state.unique = pattern, sources, unique
        state.found, state.matched, state.literal = _NO_VALUES, False, None
        m.states[nid] = state
        m.undo.append((nid, None))
        for column in sources:
            value = item.get(column)
            if value is not None and value not in EMPTY:
                break
        else:
            state.matched = unset_matches
            return unset_matches, _NONE
        if undefined or (pattern is not None and not meets(value, pattern)):
            return False, _NONE
        escaped = _escape(value)
        if named:
            state.found = {escaped: None}
        if unique:
            _fix(m, state, escaped, column, value)
        if named or unique:
            m.changes += 1
        state.matched = True
        if again is not None:
            return True, [Reprocess([item], again, None, only_on_match)]
        return True, _NONE

    if evaluate or onlyif is not None or again is not None:
        return attr

    def plain_attr(m: Matcher, item: Item) -> tuple[bool, Any]:
        # The common case, decided without `attr`: one column to read (the node's only
        # one, or the one a member fixed), and a state that this exposure leaves as it is
        # (the value fixed by a member again, or unset again).
        state = m.states[nid]
        if state is not None and len(sources := state.sources) == 1:
            value = item.get(sources[0])
            if value is None or value in EMPTY:
                if state.matched is unset_matches:
                    return unset_matches, _NONE
            elif (value == state.literal and state.matched and not undefined
                  and (not named or state.value in state.found)):
                return True, _NONE
        return attr(m, item)

    return plain_attr


def _match_evaluated(m: Matcher, state: NodeState, item: Item, source: str,
                     value: str) -> tuple[str | None, Any]:
    """An evaluated column (a candidate list): the chosen value's text (None: no match)
    and the requests for the other values."""
    evaled = literal(value)
    if state.value is None:
        if is_iterable(evaled):
            return None, [_split(item, source, list(evaled))]
        return str(evaled), _NONE
    wanted = state.value(m.asn) if callable(state.value) else state.value
    candidates = evaled if is_iterable(evaled) else [evaled]
    for chosen in candidates:
        text = str(chosen)
        if _meets_state(text, state, wanted):
            break
    else:
        return None, _NONE
    others = [other for other in candidates if other != chosen]
    return text, ([_split(item, source, others)] if others else _NONE)


def _compile_test(node: Test) -> Evaluate:
    nid = node.id
    source = node.source
    test = node.test
    named = node.name is not None
    on_match, on_fail = node.reprocess_on_match, node.reprocess_on_fail
    work_over, rules = node.work_over, node.reprocess_rules

    def check(m: Matcher, item: Item) -> tuple[bool, Any]:
        states = m.states
        state = states[nid]
        if state is None:
            state = states[nid] = NodeState(node)
            m.undo.append((nid, None))
        else:
            m.undo.append((nid, state.snapshot()))
        source_value = item if source is None else source(m.asn, item)
        satisfied = True
        value = state.value
        if value is not None:
            satisfied = value == source_value if test is None else test(value, source_value)
        state.matched = satisfied
        if satisfied:
            m.changes += _record_test(state, value, source_value, named)
        if (satisfied and on_match) or (not satisfied and on_fail):
            return satisfied, [Reprocess([item], work_over, rules)]
        return satisfied, _NONE

    return check


# --- quick rejection ---------------------------------------------------------------------
#
# Offering an exposure to an association usually fails on an early condition (another
# detector, another filter...). `compile_quick_fail` derives from a tree a pure predicate
# that is true only when a full evaluation would certainly fail *and* return no reprocess
# request: a failing condition of an ``all`` group, or every branch of an ``any`` group.
# Skipping such evaluations changes nothing but the time taken.


def compile_quick_fail(node: Node, pure_member_type: bool = False,
                       entry: bool = False) -> tuple | None:
    """A check tree for `certainly_fails`, or None when nothing can be decided early.

    `pure_member_type`: deciding an exposure's member type changes nothing in the
    association (true of Level 3 rules), so `Attr.onlyif` conditions can be checked early.
    `entry`: the check is for a *new* association and must read only item columns or the
    DMS member type (so that verdicts can be cached per distinct values, see
    `entry_columns`); an ``any`` branch that only joins existing associations
    (`Group.joins_only`) is left out, since a new association never takes it.
    """
    if isinstance(node, Attr):
        # A value computed from the association (e.g. "an observation already in it")
        # changes as members join: fine for existing associations (the index recomputes
        # it), not for entry verdicts cached per column values.
        if node.evaluate or (entry and callable(node.value)):
            return None
        if node.onlyif is not None and not pure_member_type:
            return None
        return ("attr", node)
    if isinstance(node, Test):
        if node.reprocess_on_fail:
            return None
        if entry and (node.depends_on != "member_type" or node.test is not None):
            return None
        if not entry and node.stateful:
            return None
        return ("test", node)
    if node.reprocess_on_fail:
        return None
    if node.reduce == "all":
        parts = [p for child in node.children
                 if (p := compile_quick_fail(child, pure_member_type, entry))]
        # The predicate is pure, so order is free: flatten nested "or"s and try the cheap
        # attribute checks (fixed values first) before tests and alternatives.
        flat: list[tuple] = []
        for part in parts:
            flat.extend(part[1] if part[0] == "or" else (part,))
        flat.sort(key=_check_cost)
        return ("or", tuple(flat)) if flat else None
    if node.reduce == "any":
        branches = [child for child in node.children
                    if not (entry and isinstance(child, Group) and child.joins_only)]
        parts = tuple(compile_quick_fail(child, pure_member_type, entry) for child in branches)
        if not parts or any(p is None for p in parts):
            return None
        return parts[0] if len(parts) == 1 else ("and", parts)
    return None


def compile_entry_check(node: Node, pure_member_type: bool) -> tuple | None:
    """`compile_quick_fail` for a new association (see its `entry` parameter)."""
    return compile_quick_fail(node, pure_member_type, entry=True)


def entry_columns(check: tuple) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """What an entry check reads: columns by value, columns by presence only, member type.

    On a new association a condition without a fixed value only asks whether the column
    is set, so only that matters for the verdict (and the cache stays small).
    """
    by_value: set[str] = set()
    by_presence: set[str] = set()
    member_type = False
    stack = [check]
    while stack:
        kind, arg = stack.pop()
        if kind in ("or", "and"):
            stack.extend(arg)
        elif kind == "test":
            member_type = True
        else:
            (by_presence if arg.value is None else by_value).update(arg.sources)
            if arg.onlyif is not None:
                member_type = True
    return tuple(sorted(by_value)), tuple(sorted(by_presence - by_value)), member_type


def entry_patterns(check: tuple) -> dict[str, list]:
    """Per column an entry check reads by value, the fixed patterns it is compared with.

    Those comparisons are all the check asks of such a column (besides whether it is set),
    so their verdicts can stand for the value in a cache key.
    """
    found: dict[str, list] = {}
    stack = [check]
    while stack:
        kind, arg = stack.pop()
        if kind in ("or", "and"):
            stack.extend(arg)
        elif kind == "attr" and arg.value is not None:
            for column in arg.sources:
                patterns = found.setdefault(column, [])
                if arg.value not in patterns:
                    patterns.append(arg.value)
    return found


def _check_cost(check: tuple) -> int:
    kind, arg = check
    if kind == "attr":
        return 0 if arg.value is not None else 1
    return 2 if kind == "test" else 3


def certainly_fails(check: tuple, matcher: Matcher, item: Item) -> bool:
    """Whether matching `item` certainly fails with no reprocess request (no state change)."""
    kind, arg = check
    if kind == "or":
        return any(certainly_fails(part, matcher, item) for part in arg)
    if kind == "and":
        return all(certainly_fails(part, matcher, item) for part in arg)
    state = matcher.states[arg.id]
    value = arg.value if state is None else state.value
    if kind == "attr":
        if callable(value):
            value = value(matcher.asn)
        if arg.onlyif is not None and not applies(arg, matcher.asn, item):
            return False
        found = first_set(item, arg.sources if state is None else state.sources)
        if found is None:
            return arg.required and not arg.undefined
        if arg.undefined:
            return True
        if value is None:
            return False
        if state is not None:
            return not _meets_state(found[1], state, value)
        return not meets(found[1], value)
    if value is None:
        return False
    source_value = item if arg.source is None else arg.source(matcher.asn, item)
    return not (arg.test or equal)(value, source_value)

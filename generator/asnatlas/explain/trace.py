"""Tracing the rule engine: which condition of a rule's tree decided an exposure's fate.

`TracingMatcher` is the engine's own `Matcher` (same evaluation, same order, same state),
recording the outcome of every node it evaluates; `probe` always undoes its changes, so an
association can be asked "would you take this exposure, and if not, why?" any number of
times. `first_failure` then walks the recorded outcomes to the condition that rejected it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asnatlas.conventions.vocabulary import EMPTY
from asnatlas.errors import MemberTypeError
from asnatlas.rules.constraints import Attr, Group, Matcher, Node, first_set, meets


@dataclass(slots=True)
class Outcome:
    """What one evaluated node gave: matched or not, and for leaves the values compared.

    ``expected`` is the value the condition required at that moment (a regex, a value fixed
    by earlier members, or None for "any set value"); ``sources`` the columns it read. The
    exposure's side is computed on demand by `actual`.
    """

    matched: bool
    expected: Any = None
    sources: tuple[str, ...] = ()
    computed: Any = None  # a test's computed value, once asked for (see `actual`)


class _Unset:
    """Not computed yet (None is a legitimate computed value)."""


_UNSET = _Unset()


def actual(node: Node, outcome: Outcome, item: dict, asn: Any) -> Any:
    """The exposure's side of a comparison, computed only for the conditions shown.

    For a column condition, ``(column, value)`` or None when unset; for a test, its source
    computed again (sources are pure functions of the exposure and the association, which
    a probe leaves as it found it).
    """
    if isinstance(node, Attr):
        return first_set(item, outcome.sources)
    if outcome.computed is _UNSET:
        outcome.computed = None if node.source is None else node.source(asn, item)
    return outcome.computed


class Recording(dict):
    """A pool row that remembers which columns were read, to cache verdicts by them.

    While `mode` is set, a read records less than the value: ``PRESENCE`` (a condition any
    set value satisfies: only set-or-unset counts) or a tuple of patterns (a fixed-value
    condition: only whether the value matches one counts). A column also read in full
    counts in full.
    """

    __slots__ = ("read", "mode")

    def __init__(self, row: dict):
        super().__init__(row)
        self.read: dict[str, Any] = {}  # column -> FULL, PRESENCE or a pattern
        self.mode: Any = FULL

    def _note(self, key) -> None:
        known = self.read.get(key, _MISSING)
        if known is _MISSING:
            self.read[key] = self.mode
        elif known is not FULL and known != self.mode:
            self.read[key] = FULL

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


FULL = "full"
PRESENCE = "presence"
_MISSING = object()


def cache_key(item: dict, columns: tuple[tuple[str, Any], ...]) -> tuple:
    """What of `columns` decided a probe of `item`: values, set states or pattern matches.

    The definition; the explainer uses its fast form, `key_function`."""
    key = []
    for column, mode in columns:
        value = item.get(column)
        if mode is FULL:
            key.append(value)
        elif value is None or value in EMPTY:  # unset (as `first_set` decides)
            key.append(False)
        elif mode is PRESENCE:
            key.append(True)
        else:
            key.append(meets(value, list(mode)))
    return tuple(key)


def key_function(columns: tuple[tuple[str, Any], ...]) -> Callable[[dict], tuple]:
    """``lambda item: cache_key(item, columns)``, with the work that depends only on
    `columns` done once (explanations look the same columns up thousands of times; a test
    proves the two equal)."""
    plan = []
    for column, mode in columns:
        kind = mode if mode is FULL or mode is PRESENCE else list(mode)
        plan.append((column, kind, {}))

    def key(item: dict) -> tuple:
        out = []
        for column, kind, verdicts in plan:
            value = item.get(column)
            if kind is FULL:
                out.append(value)
            elif value is None or value in EMPTY:
                out.append(False)
            elif kind is PRESENCE:
                out.append(True)
            else:
                verdict = verdicts.get(value)
                if verdict is None:
                    verdict = verdicts[value] = meets(value, kind)
                out.append(verdict)
        return tuple(out)

    return key


class TracingMatcher(Matcher):
    """A `Matcher` over an association's own leaf states that records every outcome."""

    __slots__ = ("outcomes",)

    def __init__(self, asn: Any, nodes: list[Node], states: list):
        super().__init__(asn, nodes)
        owner = getattr(asn, "matcher", None)
        if owner is not None and owner.states is states:
            owner.own_states()  # probes change states (and undo): none may be shared
        self.states = states  # shared with the association: probes read its real state
        self.outcomes: dict[int, Outcome] = {}

    def check(self, node: Node, item: dict) -> tuple[bool, list]:
        if isinstance(node, Group):
            matched, reprocess = super().check(node, item)
            self.outcomes[node.id] = Outcome(matched)
            return matched, reprocess
        # What the condition required before this exposure (matching may fix it).
        state = self.states[node.id]
        expected = node.value if state is None else state.value
        if isinstance(node, Attr):
            sources = node.sources if state is None else state.sources
            if callable(expected):
                expected = expected(self.asn)
            narrow = (not node.evaluate and node.onlyif is None and not callable(node.value)
                      and isinstance(item, Recording))
            if narrow:
                # Only whether the column is set (any value matches), or whether its value
                # matches a fixed pattern, decides this condition.
                item.mode = PRESENCE if expected is None else (
                    (expected,) if isinstance(expected, str) else tuple(expected))
            try:
                matched, reprocess = super().check(node, item)
            finally:
                if narrow:
                    item.mode = FULL
            self.outcomes[node.id] = Outcome(matched, expected, sources, _UNSET)
            return matched, reprocess
        matched, reprocess = super().check(node, item)
        self.outcomes[node.id] = Outcome(matched, expected, (), _UNSET)
        return matched, reprocess

    def probe(self, root: Group, item: dict) -> bool:
        """Whether the tree matches the item; every change is undone, outcomes are kept."""
        self.outcomes = {}
        self.undo = []
        try:
            matched, _ = self.check(root, item)
        except MemberTypeError:
            # The member type cannot be decided (no EXP_TYPE): the engine cannot use it.
            matched = False
        finally:
            for state_id, snap in reversed(self.undo):
                if snap is None:
                    self.states[state_id] = None
                else:
                    self.states[state_id].restore(snap)
            self.undo = None
        return matched


@dataclass(frozen=True)
class Failure:
    """The condition that rejected an exposure.

    ``node`` is the failing leaf, a ``notany``/``notall`` group whose ``negated`` leaves
    matched (so the group failed), or an ``any`` group none of whose alternatives matched
    even its first condition; ``path`` its ancestors from the root; ``passed`` how many
    leaves matched before it (deeper failures are closer misses).
    """

    node: Node
    path: tuple[Group, ...]
    negated: tuple[Node, ...] = ()
    passed: int = 0

    @property
    def why(self) -> str:
        """The user-facing meaning of the condition: its own, else its closest ancestor's."""
        if self.node.why:
            return self.node.why
        for ancestor in reversed(self.path):
            if ancestor.why:
                return ancestor.why
        return ""


def _leaves(node: Node):
    if isinstance(node, Group):
        for child in node.children:
            yield from _leaves(child)
    else:
        yield node


def passed_leaves(node: Node, outcomes: dict[int, Outcome]) -> int:
    """How many leaves under `node` were evaluated and matched."""
    return sum(1 for leaf in _leaves(node)
               if (o := outcomes.get(leaf.id)) is not None and o.matched)


def matched_leaves(node: Node, outcomes: dict[int, Outcome]) -> tuple[Node, ...]:
    return tuple(leaf for leaf in _leaves(node)
                 if (o := outcomes.get(leaf.id)) is not None and o.matched)


def first_failure(root: Group, outcomes: dict[int, Outcome], fresh: bool) -> Failure | None:
    """The condition that made a probe fail (None when the tree matched or was not run).

    In an ``any`` group every branch failed; the explanation follows the branch that came
    closest (most leaves matched) among those that apply (see `_applicable`), or names the
    group when none got past its first condition.
    """
    return _fail(root, (), outcomes, fresh, 0)


def _fail(node: Node, path: tuple, outcomes: dict, fresh: bool, passed: int) -> Failure | None:
    outcome = outcomes.get(node.id)
    if outcome is None or outcome.matched:
        return None
    if not isinstance(node, Group):
        return Failure(node, path, (), passed)
    inner = path + (node,)
    evaluated = [c for c in node.children if c.id in outcomes]
    if node.reduce == "all":
        for child in evaluated:
            if not outcomes[child.id].matched:
                return _fail(child, inner, outcomes, fresh, passed)
            passed += passed_leaves(child, outcomes)
        return Failure(node, path, (), passed)
    if node.reduce == "any":
        branches = _applicable(evaluated, outcomes, fresh)
        if not branches:
            return Failure(node, path, (), passed)
        best = max(branches, key=lambda b: passed_leaves(b, outcomes))  # first on ties
        if len(branches) > 1 and passed_leaves(best, outcomes) == 0:
            # No alternative got anywhere: the group as a whole is the reason.
            return Failure(node, path, (), passed)
        return _fail(best, inner, outcomes, fresh, passed)
    # notany: one child matched; notall: all of them did. Either way the group failed
    # because of the conditions that matched.
    negated = tuple(leaf for child in evaluated if outcomes[child.id].matched
                    for leaf in matched_leaves(child, outcomes))
    return Failure(node, path, negated, passed)


def _applicable(branches: list[Node], outcomes: dict, fresh: bool) -> list[Node]:
    """The alternatives worth explaining: a `Group.joins_only` branch only when it applies.

    Such a branch is ignored for a new association (it can never take it), and for an
    existing one unless its first condition held (e.g. the exposure is an acquisition);
    when it held, it is the only alternative that matters.
    """
    def joins_only(node: Node) -> bool:
        return isinstance(node, Group) and node.joins_only

    if fresh:
        return [b for b in branches if not joins_only(b)] or branches
    for branch in branches:
        if joins_only(branch):
            first = outcomes.get(next(_leaves(branch)).id)
            if first is not None and first.matched:
                return [branch]
    return [b for b in branches if not joins_only(b)] or branches


def first_failed_leaf(node: Node, outcomes: dict[int, Outcome]) -> Node | None:
    """The first evaluated leaf under `node` that failed (what an alternative tripped on)."""
    for leaf in _leaves(node):
        outcome = outcomes.get(leaf.id)
        if outcome is not None and not outcome.matched:
            return leaf
    return None

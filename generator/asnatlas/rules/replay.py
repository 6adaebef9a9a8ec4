"""Replaying evaluations: what evaluating a rule's tree did, recorded by the values it read.

Evaluating a tree for an association is deterministic: from the same association state,
the verdict, the requests and the changes depend only on the values the evaluation reads
from the exposure, in the order it reads them (each read decides what is read next).
`Replays` keeps what evaluations did as a trie of reads (column, value seen) ending in an
outcome, so an exposure that sees the same values along a path gets the recorded outcome
without the evaluation. `Recorder` is the exposure an evaluation reads while it is being
recorded (`Matcher.check_recorded`); `Worth` says whether recording still pays for a rule.
The caller keeps one `Replays` per association state (`asnatlas.engine.candidate`), and
`tests/test_replay.py` runs every pool with replays and without: the same verdict, requests
and files for every offer.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

MISSING = object()  # "the exposure has no such column", as a value seen

#: Outcomes one `Replays` keeps at most (then it records nothing more).
MAX_OUTCOMES = 4096


class Recorder(dict):
    """A copy of an exposure that notes the columns read. Any other use of it (iterating,
    comparing, copying, changing it) could depend on every column: it then becomes
    `opaque`, and its evaluation is not replayed."""

    __slots__ = ("keys_read", "opaque")

    def __init__(self, item: dict) -> None:
        super().__init__(item)
        self.keys_read: list = []
        self.opaque = False

    def get(self, key: Any, default: Any = None) -> Any:
        self.keys_read.append(key)
        return dict.get(self, key, default)

    def __getitem__(self, key: Any) -> Any:
        self.keys_read.append(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key: Any) -> bool:
        self.keys_read.append(key)
        return dict.__contains__(self, key)

    def reads(self) -> list[tuple[Any, Any]] | None:
        """(column, value seen) of each column read, in the order first read (None when
        the item was used otherwise: see above)."""
        if self.opaque:
            return None
        try:
            first = dict.fromkeys(self.keys_read)
        except TypeError:  # an unhashable key: not a column
            return None
        get = super().get
        return [(key, get(key, MISSING)) for key in first]


def _opaque(name: str):
    plain = getattr(dict, name)

    def method(self: Recorder, *args: Any, **kwargs: Any) -> Any:
        self.opaque = True
        return plain(self, *args, **kwargs)

    method.__name__ = name
    return method


# Overriding __iter__ also sends dict(recorder), {**recorder} and update() through keys().
for _name in ("__iter__", "__len__", "__reversed__", "__eq__", "__ne__", "__or__", "__ror__",
              "__ior__", "__setitem__", "__delitem__", "__repr__", "__reduce__",
              "__reduce_ex__", "keys", "values", "items", "copy", "pop", "popitem",
              "setdefault", "update", "clear"):
    setattr(Recorder, _name, _opaque(_name))
Recorder.__hash__ = None  # as dict's (defining __eq__ above would not say otherwise)


class Worth:
    """Whether recording pays, for one rule's evaluations of one kind (first evaluations
    of new associations, or offers to existing ones): recording an evaluation costs about
    what replaying one saves, so a rule whose recordings are not replayed at least as
    often stops being recorded (its recorded outcomes are still replayed)."""

    __slots__ = ("hits", "recorded")

    #: Recordings made before the replays are counted against them.
    TRIAL = 16

    def __init__(self) -> None:
        self.recorded = 0
        self.hits = 0

    def record(self) -> bool:
        """Whether to record this evaluation (counted as recorded if so)."""
        if self.recorded >= self.TRIAL and self.hits < self.recorded:
            return False
        self.recorded += 1
        return True


class _Tail:
    """The end of a path only one recorded evaluation took: its remaining reads, tested at
    once (a path is split into trie nodes only where two evaluations' values differ)."""

    __slots__ = ("outcome", "reads", "values", "values_of")

    def __init__(self, reads: tuple, outcome: Any) -> None:
        self.reads = reads
        self.outcome = outcome
        columns, values = zip(*reads, strict=True)
        self.values_of = itemgetter(*columns)  # one column: its value, not a tuple
        self.values = values if len(values) > 1 else values[0]

    def find(self, item: dict) -> Any | None:
        try:
            return self.outcome if self.values_of(item) == self.values else None
        except KeyError:  # a column it lacks: seen as MISSING, or a mismatch
            return self.outcome if self._without(item) else None

    def _without(self, item: dict) -> bool:
        return all(item.get(column, MISSING) == value for column, value in self.reads)


def _path(reads: tuple, outcome: Any) -> Any:
    return _Tail(reads, outcome) if reads else outcome


class Replays:
    """Recorded outcomes of evaluating one tree from one state, found by the values read.

    A trie: inner nodes are ``(column, {value seen: node})`` tuples, a path only one
    evaluation took ends in a `_Tail`; any other node is an outcome (never None).
    """

    __slots__ = ("off", "outcomes", "root")

    def __init__(self) -> None:
        self.root: Any = None
        self.outcomes = 0
        self.off = False  # set if the reads ever disagreed with the trie (never expected)

    def find(self, item: dict) -> Any | None:
        """The outcome recorded for an exposure seeing these values (None: not recorded)."""
        node = self.root
        get = item.get
        while type(node) is tuple:
            node = node[1].get(get(node[0], MISSING))
        if type(node) is _Tail:
            return node.find(item)
        return node

    def record(self, reads: list[tuple[Any, Any]], outcome: Any) -> None:
        """Keep the outcome of an evaluation that read `reads` (column, value seen)."""
        if self.off or self.outcomes >= MAX_OUTCOMES:
            return
        reads = tuple(reads)
        below: dict | None = None  # the children of the last node passed
        seen: Any = None
        node = self.root
        at = 0
        while True:
            if node is None:
                made = _path(reads[at:], outcome)
                break
            if type(node) is tuple:
                if at == len(reads) or node[0] != reads[at][0]:
                    return self._contradicted()
                below, seen = node[1], reads[at][1]
                node = below.get(seen)
                at += 1
                continue
            if type(node) is not _Tail:
                if at != len(reads):
                    return self._contradicted()
                return  # recorded already
            made = self._split(node, reads[at:], outcome)
            if made is None:
                return
            break
        if below is None:
            self.root = made
        else:
            below[seen] = made
        self.outcomes += 1

    def _split(self, tail: _Tail, reads: tuple, outcome: Any) -> Any | None:
        """The nodes replacing `tail` so that `reads` (from where the tail starts) also
        lead to `outcome`; None when recorded already or contradicted."""
        old = tail.reads
        same = 0
        while same < len(old) and same < len(reads) and old[same] == reads[same]:
            same += 1
        if same == len(old) == len(reads):
            return None  # recorded already
        if same == len(old) or same == len(reads) or old[same][0] != reads[same][0]:
            return self._contradicted()
        column = old[same][0]
        made: Any = (column, {old[same][1]: _path(old[same + 1:], tail.outcome),
                              reads[same][1]: _path(reads[same + 1:], outcome)})
        for column, value in reversed(old[:same]):
            made = (column, {value: made})
        return made

    def _contradicted(self) -> None:
        # The same values read so far led elsewhere before: the evaluation did not depend
        # on its reads alone. Replay nothing from here on.
        self.off, self.root = True, None

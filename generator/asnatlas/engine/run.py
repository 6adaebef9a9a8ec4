"""The matching engine: offers every exposure to existing associations and to the rules.

Exposures are processed in pool order. Each one is added to every existing association it
matches and may start new associations (one per rule that it satisfies and that it did not
already join). Constraints may ask for an exposure to be offered again later, to a given set
of rules or associations; those requests are queued by kind (`WorkOver`) and served in that
priority order once the current list is done, exactly as the DMS generator does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from asnatlas.conventions.vocabulary import EMPTY
from asnatlas.engine.candidate import Asn
from asnatlas.engine.index import ConditionIndex, member_type_of
from asnatlas.rules import Rule, cannot_start
from asnatlas.rules.checks import MEMBER_TYPE_COLUMNS
from asnatlas.rules.constraints import (
    Item,
    Node,
    Reprocess,
    WorkOver,
    entry_patterns,
    first_set,
    meets,
)
from asnatlas.rules.replay import Replays, Worth


@dataclass
class Ruleset:
    """The rules of one pass (``candidate`` or ``discover``), in the order they are tried.

    `extra` (candidate passes) makes a condition every rule also requires, evaluated last
    (`Rule.with_global`); a rule's copy with it is made when the pass first uses the rule.
    """

    name: str
    rules: list[Rule]
    extra: Callable[[], Node] | None = None


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


# Columns that candidate passes rewrite in every row (each pass relabels the rows with its
# own candidate), so a row's raw value differs from pass to pass.
_RELABELLED = ("asn_candidate",)


class StartCache:
    """What `_Starters` learns about a list of rules, kept across the passes that use it.

    The candidate passes of one generation run copies of the same base rules, each with its
    candidate condition added last, which entry checks do not read: the rules a new
    association could start from are then the same for every pass, per exposure signature
    (kept as positions in the list). Use one cache per list of base rules (same rules, same
    order); a fresh cache is always correct.
    """

    def __init__(self) -> None:
        self.blanks: dict[int, Asn] = {}  # position -> an association with no member
        self.starts: dict[tuple, tuple[int, ...]] = {}  # signature -> positions
        self.by_raw: dict[tuple, tuple[int, ...]] = {}  # raw key -> positions
        # Columns read by value, with the patterns compared to them; columns read by presence.
        self.columns: tuple[tuple[tuple[str, tuple], ...], tuple[str, ...]] | None = None
        # What `_Starters._raw_key` reads (see there), derived from `columns`.
        self.raw_columns: tuple[tuple, tuple, tuple] | None = None
        self.verdicts: dict[str, dict[str, tuple[bool, ...]]] = {}  # column -> value -> ...
        # Per rule (by id): whether recording its evaluations pays, for new associations
        # and for existing ones (`asnatlas.rules.replay.Worth`).
        self.worth: dict[int, tuple[Worth, Worth]] = {}


class _Starters:
    """The rules, in order, that a new association could start from an exposure with.

    Each rule's entry check (`rules.cannot_start`) reads a few columns, their presence and
    the member type; exposures agreeing on all of those for every rule get the same list,
    so the list is cached per such signature (pool rows repeat configurations a lot).
    """

    def __init__(self, ruleset: Ruleset, version_id: str | None, pool_name: str,
                 shortcuts: bool = True, shared: StartCache | None = None):
        self.rules = ruleset.rules
        self.ruleset = ruleset
        self.version_id = version_id
        self.pool_name = pool_name
        self.shortcuts = shortcuts
        self.shared = shared if shared is not None else StartCache()
        if self.shared.columns is None:
            patterns: dict[str, list] = {}
            by_presence: set[str] = set()
            for rule in self.rules:
                if rule.entry_check is None:
                    continue
                for column, found in entry_patterns(rule.entry_check).items():
                    known = patterns.setdefault(column, [])
                    known.extend(p for p in found if p not in known)
                by_presence.update(rule.entry_columns[1])
            self.shared.columns = (
                tuple((column, tuple(patterns[column])) for column in sorted(patterns)),
                tuple(sorted(by_presence - set(patterns))))
        if self.shared.raw_columns is None:
            by_value, by_presence = self.shared.columns
            columns = tuple(sorted(
                {c for c, _ in by_value if c not in _RELABELLED} | set(MEMBER_TYPE_COLUMNS)))
            # Columns read only for whether they are set: by that alone in the key (their
            # values, e.g. exposure numbers, differ on nearly every row).
            self.shared.raw_columns = (
                columns, tuple(c for c in by_presence if c not in columns),
                tuple((c, p) for c, p in by_value if c in _RELABELLED))
        self.columns, self.presence, self.relabelled = self.shared.raw_columns
        self.verdicts = self.shared.verdicts
        self.cache: dict[tuple, list[Rule]] = {}

    def _raw_key(self, item: Item) -> tuple:
        """A cheap key that decides every entry check: the raw values of the columns they
        read by value (and of the member type's), whether the others are set, and
        relabelled columns by pattern verdicts."""
        get = item.get
        key = (*map(get, self.columns), *map(_is_empty, map(get, self.presence)))
        for column, patterns in self.relabelled:
            key += (self._verdict(column, patterns, item.get(column)),)
        return key

    def _signature(self, item: Item) -> tuple:
        """Exactly what every entry check reads: the member type, per column read by value
        whether it is set and which patterns it meets, per other column whether it is set."""
        by_value, by_presence = self.shared.columns
        key: list = [member_type_of(item)]
        key.extend(self._verdict(column, patterns, item.get(column))
                   for column, patterns in by_value)
        key.extend(first_set(item, (column,)) is not None for column in by_presence)
        return tuple(key)

    def _verdict(self, column: str, patterns: tuple, value: str | None) -> tuple | None:
        if value is None or value in EMPTY:
            return None
        known = self.verdicts.setdefault(column, {})
        verdict = known.get(value)
        if verdict is None:
            verdict = known[value] = tuple(meets(value, p) for p in patterns)
        return verdict

    def _blank(self, position: int) -> Asn:
        # The entry check reads only the rule's member-type policy from its association,
        # which no member changed: one blank association per rule serves every pass.
        blank = self.shared.blanks.get(position)
        if blank is None:
            blank = self.shared.blanks[position] = Asn(
                self.rules[position], self.ruleset.name, self.version_id, self.pool_name)
        return blank

    def rules_for(self, item: Item) -> list[Rule]:
        if not self.shortcuts:
            return self.rules
        # Three levels: this pass's lists by raw key; positions by raw key, then by exact
        # signature, for every pass over these rules (rows recur across passes, and many
        # rows share a configuration); the entry checks themselves on a miss.
        key = self._raw_key(item)
        found = self.cache.get(key)
        if found is None:
            shared = self.shared
            positions = shared.by_raw.get(key)
            if positions is None:
                signature = self._signature(item)
                positions = shared.starts.get(signature)
                if positions is None:
                    member_type = signature[0]
                    present: dict[str, bool] = {}
                    positions = shared.starts[signature] = tuple(
                        i for i, rule in enumerate(self.rules)
                        if rule.entry_check is None
                        or not cannot_start(rule, item, self._blank(i), member_type, present))
                shared.by_raw[key] = positions
            found = self.cache[key] = [self.rules[i] for i in positions]
        return found


_is_empty = EMPTY.__contains__


def _keep(request: Reprocess, current: WorkOver) -> Reprocess | None:
    """Requests made while serving an "existing only" list are dropped (no endless loops)."""
    to_rules = (WorkOver.RULES, WorkOver.BOTH)
    if request.work_over in to_rules:
        if current in to_rules:
            request.work_over = WorkOver.BOTH
            return request
        return None
    return None if current not in to_rules else request


#: From this many exposures on, a pass replays the first evaluations of its new
#: associations (`Asn.add`): fewer exposures rarely repeat one (mega_pool's candidate
#: passes, 4 rows on average: 18 % of them did), and recording costs more than it saves.
REPLAY_MIN_ITEMS = 32


def run(
    items: Iterable[Item],
    ruleset: Ruleset,
    version_id: str | None,
    pool_name: str,
    on_item: Callable[[], None] | None = None,
    *,
    shortcuts: bool = True,
    starts: StartCache | None = None,
    share_states: bool = True,
) -> list[Asn]:
    """All associations the ruleset makes from the items (not finalised).

    `shortcuts` off evaluates every rule's tree in full for every offer (no entry checks,
    no index, no compiled trees): slower, same result, which a test checks. `starts`
    shares what entry checks learnt between passes over copies of the same rules.
    `share_states`: finished associations share equal states (`Asn.compact`; memory).
    """
    associations: list[Asn] = []
    index = ConditionIndex(shortcuts)
    starters = _Starters(ruleset, version_id, pool_name, shortcuts, starts)
    # Rules are known by their id in `ruleset.rules`; the copies a pass makes with its
    # extra condition (which associations and their requests hold) map back to it.
    in_pass: dict[int, Rule] = {}
    base_of: dict[int, int] = {}
    # Per rule of the pass, its new associations' first evaluations (`Asn.add`), and
    # whether recording them and the offers to its associations pays.
    starts_of: dict[int, tuple[Replays, Worth]] = {}
    worth = starters.shared.worth

    def pass_rule(rule: Rule) -> Rule:
        used = in_pass.get(id(rule))
        if used is None:
            used = in_pass[id(rule)] = rule.with_global(ruleset.extra)
            base_of[id(used)] = id(rule)
            kinds = worth.get(id(rule))
            if kinds is None:
                kinds = worth[id(rule)] = (Worth(), Worth())
            starts_of[id(rule)] = (Replays(), kinds[0])
        return used

    items = list(items)
    replaying = shortcuts and len(items) >= REPLAY_MIN_ITEMS
    candidates, rules_for = index.candidates, starters.rules_for
    queue = _Queue()
    queue.add(Reprocess(items, WorkOver.BOTH, tuple(ruleset.rules)))
    first = True
    while (current := queue.pop()) is not None:
        allowed = current.rules or tuple(ruleset.rules)
        allowed_ids = {base_of.get(id(rule), id(rule)) for rule in allowed}
        every_rule = len(allowed_ids) == len(ruleset.rules)
        to_existing = current.work_over != WorkOver.RULES
        to_rules = current.work_over in (WorkOver.BOTH, WorkOver.RULES)
        for item in current.items:
            joined: set[int] = set()  # base rules of the associations the item joined
            requests: list[Reprocess] = []
            if to_existing:
                for asn in candidates(item):
                    base = base_of.get(id(asn.rule), id(asn.rule))
                    if not every_rule and base not in allowed_ids:
                        continue
                    revision = asn.revision
                    matched, reprocess = asn.add(item)
                    if asn.revision != revision:
                        index.refresh(asn)
                    requests.extend(reprocess)
                    if matched:
                        joined.add(base)
            if to_rules:
                for rule in rules_for(item):
                    if id(rule) in joined or id(rule) not in allowed_ids:
                        continue
                    asn = Asn(pass_rule(rule), ruleset.name, version_id, pool_name,
                              shortcuts=shortcuts)
                    matched, reprocess = asn.add(
                        item, starts_of[id(rule)] if replaying else None)
                    requests.extend(reprocess)
                    if matched:
                        associations.append(asn)
                        index.add(asn)
                        if replaying:
                            asn.replay_worth = worth[id(rule)][1]
                    else:
                        asn.release()  # no cycle left: freed at once
            for request in requests:
                kept = _keep(request, current.work_over)
                if kept is not None:
                    queue.add(kept)
            if first and on_item is not None:
                on_item()
        first = False
    for asn in associations:
        asn.compact(share_states)
    return associations



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

from asnatlas.engine.candidate import Asn
from asnatlas.engine.index import ConditionIndex, member_type_of
from asnatlas.rules import Rule, cannot_start
from asnatlas.rules.constraints import Item, Reprocess, WorkOver, first_set


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
        self.columns: tuple[tuple[str, ...], tuple[str, ...]] | None = None


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
            by_value: set[str] = set()
            by_presence: set[str] = set()
            for rule in self.rules:
                values, presences, _ = rule.entry_columns
                by_value.update(values)
                by_presence.update(presences)
            self.shared.columns = (tuple(sorted(by_value)), tuple(sorted(by_presence - by_value)))
        self.by_value, self.by_presence = self.shared.columns
        self.cache: dict[tuple, list[Rule]] = {}

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
        member_type = member_type_of(item)
        key = (member_type, *map(item.get, self.by_value),
               *(first_set(item, (column,)) is not None for column in self.by_presence))
        found = self.cache.get(key)
        if found is None:
            positions = self.shared.starts.get(key)
            if positions is None:
                present: dict[str, bool] = {}
                positions = self.shared.starts[key] = tuple(
                    i for i, rule in enumerate(self.rules)
                    if rule.entry_check is None
                    or not cannot_start(rule, item, self._blank(i), member_type, present))
            found = self.cache[key] = [self.rules[i] for i in positions]
        return found


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
    *,
    shortcuts: bool = True,
    starts: StartCache | None = None,
) -> list[Asn]:
    """All associations the ruleset makes from the items (not finalised).

    `shortcuts` off evaluates every rule's tree in full for every offer (no entry checks,
    no index, no compiled trees): slower, same result, which a test checks. `starts`
    shares what entry checks learnt between passes over copies of the same rules.
    """
    associations: list[Asn] = []
    index = ConditionIndex(shortcuts)
    starters = _Starters(ruleset, version_id, pool_name, shortcuts, starts)
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
                for rule in starters.rules_for(item):
                    if id(rule) in joined or id(rule) not in allowed_ids:
                        continue
                    asn = Asn(rule, ruleset.name, version_id, pool_name, shortcuts=shortcuts)
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



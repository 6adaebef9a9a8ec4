"""The matching engine: offers every exposure to existing associations and to the rules.

Exposures are processed in pool order. Each one is added to every existing association it
matches and may start new associations (one per rule that it satisfies and that it did not
already join). Constraints may ask for an exposure to be offered again later, to a given set
of rules or associations; those requests are queued by kind (`WorkOver`) and served in that
priority order once the current list is done, exactly as the DMS generator does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from asnatlas import candidate
from asnatlas.candidate import Asn
from asnatlas.constraints import Item, Reprocess, WorkOver, first_set
from asnatlas.rules import Rule, cannot_start


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
    index = _SignatureIndex()
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
                    matched, reprocess = asn.add(item)
                    requests.extend(reprocess)
                    if matched:
                        existing.append(asn)
            if current.work_over in (WorkOver.BOTH, WorkOver.RULES):
                joined = {id(asn.rule) for asn in existing}
                for rule in ruleset.rules:
                    if id(rule) in joined or id(rule) not in allowed_ids:
                        continue
                    if candidate.QUICK_REJECT and cannot_start(rule, item):
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
    return associations


class _SignatureIndex:
    """Existing associations in creation order, indexed by the values they are fixed to.

    Once created, an association has fixed values for the conditions every member must meet
    (program, instrument, detector, filter...): required conditions of its ``all`` groups
    whose value was fixed by the first member. Fixed values never change, so an exposure
    that differs on one of them would certainly be rejected with no effect; the index only
    offers an exposure to associations whose fixed values it shares, in creation order.
    """

    def __init__(self) -> None:
        self.groups: dict[tuple[str, ...], dict[tuple[str, ...], list[Asn]]] = {}
        self.count = 0

    def add(self, asn: Asn) -> None:
        asn.order = self.count
        self.count += 1
        columns, values = _signature(asn)
        self.groups.setdefault(columns, {}).setdefault(values, []).append(asn)

    def candidates(self, item: Item) -> list[Asn]:
        found: list[list[Asn]] = []
        for columns, by_values in self.groups.items():
            key = []
            for column in columns:
                value = first_set(item, (column,))
                if value is None:
                    break
                key.append(value[1].lower())
            else:
                bucket = by_values.get(tuple(key))
                if bucket:
                    found.append(bucket)
        if len(found) == 1:
            return list(found[0])
        return sorted((asn for bucket in found for asn in bucket), key=lambda asn: asn.order)


def _signature(asn: Asn) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(columns, fixed values) of an association's required, fixed conditions."""
    check = asn.rule.quick_fail
    if check is None or check[0] != "or":
        return (), ()
    fixed: dict[str, str] = {}
    for kind, node in check[1]:
        if kind != "attr" or not node.required or node.undefined or not node.unique:
            continue
        state = asn.matcher.states[node.id]
        if state is None or state.unique or state.value not in state.found:
            continue  # not fixed by a member
        column = state.sources[0]
        literal_value = _literal(state.value)
        if fixed.setdefault(column, literal_value) != literal_value:
            return (), ()  # contradictory: leave it to full evaluation
    columns = tuple(sorted(fixed))
    return columns, tuple(fixed[c] for c in columns)


def _literal(escaped: str) -> str:
    """The literal text of a fixed (regex-escaped) value, for exact comparison."""
    return re.sub(r"\\(.)", r"\1", escaped).lower()

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

from asnatlas.candidate import Asn
from asnatlas.constraints import Item, Reprocess, WorkOver
from asnatlas.rules import Rule


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
    by_rule: dict[int, list[Asn]] = {id(rule): [] for rule in ruleset.rules}
    queue = _Queue()
    queue.add(Reprocess(list(items), WorkOver.BOTH, tuple(ruleset.rules)))
    first = True
    while (current := queue.pop()) is not None:
        allowed = current.rules or tuple(ruleset.rules)
        allowed_ids = {id(rule) for rule in allowed}
        for item in current.items:
            existing: list[Asn] = []
            requests: list[Reprocess] = []
            if current.work_over != WorkOver.RULES:
                for asn in _candidates(associations, by_rule, allowed_ids, allowed):
                    matched, reprocess = asn.add(item)
                    requests.extend(reprocess)
                    if matched:
                        existing.append(asn)
            if current.work_over in (WorkOver.BOTH, WorkOver.RULES):
                joined = {id(asn.rule) for asn in existing}
                for rule in ruleset.rules:
                    if id(rule) in joined or id(rule) not in allowed_ids:
                        continue
                    asn = Asn(rule, ruleset.name, version_id, pool_name)
                    matched, reprocess = asn.add(item)
                    requests.extend(reprocess)
                    if matched:
                        associations.append(asn)
                        by_rule[id(rule)].append(asn)
            for request in requests:
                kept = _keep(request, current.work_over)
                if kept is not None:
                    queue.add(kept)
            if first and on_item is not None:
                on_item()
        first = False
    return associations


def _candidates(associations, by_rule, allowed_ids, allowed) -> list[Asn]:
    """Existing associations of the allowed rules, in creation order."""
    if len(allowed_ids) == len(by_rule):
        return list(associations)
    if len(allowed) == 1:
        return list(by_rule[id(allowed[0])])
    return [asn for asn in associations if id(asn.rule) in allowed_ids]

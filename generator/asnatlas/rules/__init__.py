"""The association rules, as data: one `Rule` per DMS rule, in the order the reference tries them.

Read `level2.py` and `level3.py` to answer "what does rule X require?": each rule is one
`Rule(...)` with its constraint tree (the rule language and its matcher: `constraints`) and a
handful of named behaviours (how members are typed, how products are named, what
finalisation does). `checks` holds the computed conditions the trees use and the validity
checks of associations.

Imports `asnatlas.conventions` and `asnatlas.errors` only; the engine and the explanations
read the rules, never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from asnatlas.rules import checks, constraints
from asnatlas.rules.constraints import (
    Attr,
    Group,
    Node,
    Test,
    certainly_fails,
    compile_entry_check,
    compile_quick_fail,
    entry_columns,
    first_set,
    number_nodes,
)

__all__ = ["Rule", "all_rules", "can_write", "cannot_start", "checks", "constraints"]


@dataclass(eq=False)
class Rule:
    """One association rule.

    - ``constraints``: the whole tree an exposure must satisfy (shared wrappers included).
    - ``member_type``: how an exposure's member type is decided: ``lv2`` (PSF exposures count
      as science), ``lv2_special`` (science, or imprint once the science is in), ``wfss``
      (images become ``direct_image``), ``lrs_nod`` (other nod positions become background),
      ``lv3``, ``aux`` (everything but target acquisitions is science).
    - ``product_name``: the naming scheme of the product (see `asnatlas.engine.products`).
    - ``validity``: checks that must all have passed for the association to be written.
    - ``finalize``: what happens once all exposures are in (``default``, ``imprint``,
      ``nod``, ``imprint_nod``, ``wfss``, ``multi_obs``, ``fixedslit_bkg``).
    - ``coron_ints``: whether coronagraphic exposures use per-integration products.
    - ``needs``: (column, pattern) pairs: finalisation drops every association of the
      rule unless exposures meeting each of them joined it (e.g. a slitless spectrum and
      a direct image), so a pass whose exposures miss one can skip the rule
      (`can_write`).
    """

    name: str
    level: int
    asn_type: str
    summary: str
    constraints: Group
    member_type: str
    product_name: str
    validity: tuple[str, ...]
    finalize: str = "default"
    coron_ints: bool = True
    needs: tuple[tuple[str, str], ...] = ()
    nodes: list[Node] = field(default_factory=list, repr=False)
    by_name: dict[str, Node] = field(default_factory=dict, repr=False)
    acid_node: Attr | None = field(default=None, repr=False)
    quick_fail: tuple | None = field(default=None, repr=False)
    entry_check: tuple | None = field(default=None, repr=False)
    entry_columns: tuple = field(default=((), (), False), repr=False)
    entry_cache: dict = field(default_factory=dict, repr=False)
    # The rule a `with_global` copy was made from (None: this is a base rule).
    base: Rule | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.nodes = number_nodes(self.constraints)
        self.acid_node = next(
            (n for n in self.nodes if isinstance(n, Attr) and n.is_acid), None)
        stateful = any(isinstance(n, Test) and n.stateful for n in self.nodes)
        pure = self.member_type in ("lv3", "aux")
        self.quick_fail = None if stateful else compile_quick_fail(self.constraints, pure)
        # Conditions with a fixed value (e.g. an EXP_TYPE list) that a new association
        # must meet: their verdict depends on a few columns only, so it is cached.
        self.entry_check = compile_entry_check(self.constraints, pure)
        self.entry_columns = (
            entry_columns(self.entry_check) if self.entry_check else ((), (), False))
        self.entry_cache = {}
        # Lookup by name takes the first node in pre-order, root excluded (as the reference).
        for node in self.nodes[1:]:
            if node.name is not None and node.name not in self.by_name:
                self.by_name[node.name] = node

    def with_global(self, make_extra: Callable[[], Node] | None) -> Rule:
        """A copy of this rule whose top-level group also requires a new ``make_extra()``.

        The extra condition is evaluated last, so every other node keeps its index and the
        copy reuses this rule's analysis (done once per rule, not once per candidate).
        """
        if make_extra is None:
            return self
        root = self.constraints
        extra = make_extra()
        tree = Group(root.children + (extra,), root.reduce, root.name, why=root.why)
        copy = object.__new__(Rule)
        copy.__dict__.update(self.__dict__)
        copy.constraints = tree
        copy.base = self
        tree.id = 0
        extra.id = len(self.nodes)
        copy.nodes = [tree, *self.nodes[1:], extra]
        copy.by_name = dict(self.by_name)
        if copy.acid_node is None and isinstance(extra, Attr) and extra.is_acid:
            copy.acid_node = extra
        if extra.name is not None:
            copy.by_name.setdefault(extra.name, extra)
        extra_check = compile_quick_fail(extra, self.member_type in ("lv3", "aux"))
        if self.quick_fail is not None and extra_check is not None and root.reduce == "all":
            kind, parts = self.quick_fail
            if kind == "or":
                copy.quick_fail = ("or", parts + (extra_check,))
        return copy


def cannot_start(rule: Rule, item: dict, fresh, member_type: str | None,
                 present: dict[str, bool]) -> bool:
    """Whether a new association of `rule` certainly rejects the item (cached verdicts).

    `fresh` is an association of the rule with no member yet (the entry check reads only
    its member-type policy, which depends on nothing it holds); `member_type` is the item's
    DMS member type (None when it has none); `present` caches, per column, whether the item
    has it set (shared by the calls for one item).
    """
    if rule.entry_check is None:
        return False
    by_value, by_presence, needs_member_type = rule.entry_columns
    key = tuple(map(item.get, by_value))
    for column in by_presence:
        is_set = present.get(column)
        if is_set is None:
            is_set = present[column] = first_set(item, (column,)) is not None
        key += (is_set,)
    if needs_member_type:
        if member_type is None:
            return False
        key += (member_type,)
    verdict = rule.entry_cache.get(key)
    if verdict is None:
        verdict = rule.entry_cache[key] = certainly_fails(rule.entry_check, fresh.matcher, item)
    return verdict


def can_write(rule: Rule, values: Callable[[str], set[str]]) -> bool:
    """Whether the rule may write an association from exposures whose values of a column
    are ``values(column)`` (False only when one of the rule's `needs` meets none)."""
    return all(any(constraints.meets(value, pattern) for value in values(column))
               for column, pattern in rule.needs)


def all_rules() -> list[Rule]:
    """Every rule, Level 2 then Level 3, each level in alphabetical order of rule name."""
    from asnatlas.rules import level2, level3

    return level2.rules() + level3.rules()

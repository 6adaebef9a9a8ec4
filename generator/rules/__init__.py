"""The association rules, as data: one `Rule` per DMS rule, in the order the reference tries them.

Read `level2.py` and `level3.py` to answer "what does rule X require?": each rule is one
`Rule(...)` with its constraint tree (see `asnatlas.constraints`) and a handful of named
behaviours (how members are typed, how products are named, what finalisation does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from asnatlas.constraints import Group, Node, number_nodes


@dataclass(eq=False)
class Rule:
    """One association rule.

    - ``constraints``: the whole tree an exposure must satisfy (shared wrappers included).
    - ``member_type``: how an exposure's member type is decided: ``lv2`` (PSF exposures count
      as science), ``lv2_special`` (science, or imprint once the science is in), ``wfss``
      (images become ``direct_image``), ``lrs_nod`` (other nod positions become background),
      ``lv3``, ``aux`` (everything but target acquisitions is science).
    - ``product_name``: the naming scheme of the product (see `asnatlas.products`).
    - ``validity``: checks that must all have passed for the association to be written.
    - ``finalize``: what happens once all exposures are in (``default``, ``imprint``,
      ``nod``, ``imprint_nod``, ``wfss``, ``multi_obs``, ``fixedslit_bkg``).
    - ``coron_ints``: whether coronagraphic exposures use per-integration products.
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
    nodes: list[Node] = field(default_factory=list, repr=False)
    by_name: dict[str, Node] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.nodes = number_nodes(self.constraints)
        # Lookup by name takes the first node in pre-order, root excluded (as the reference).
        for node in self.nodes[1:]:
            if node.name is not None and node.name not in self.by_name:
                self.by_name[node.name] = node

    def with_global(self, make_extra: Callable[[], Node] | None) -> Rule:
        """A copy of this rule whose top-level group also requires a new ``make_extra()``."""
        if make_extra is None:
            return self
        root = self.constraints
        tree = Group(root.children + (make_extra(),), root.reduce, root.name, why=root.why)
        return Rule(
            name=self.name, level=self.level, asn_type=self.asn_type, summary=self.summary,
            constraints=tree, member_type=self.member_type, product_name=self.product_name,
            validity=self.validity, finalize=self.finalize, coron_ints=self.coron_ints,
        )


def all_rules() -> list[Rule]:
    """Every rule, Level 2 then Level 3, each level in alphabetical order of rule name."""
    from asnatlas.rules import level2, level3

    return level2.rules() + level3.rules()

"""An association while it is being built: its rule, matched values, products and members."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from operator import is_
from typing import Any

from asnatlas import CODE_VERSION  # who wrote the file: asnatlas, and which rules
from asnatlas.conventions.candidates import parse_candidate
from asnatlas.conventions.vocabulary import (
    CORON_EXP_TYPES,
    DEGRADED_STATUS_NOTOK,
    DEGRADED_STATUS_OK,
    EMPTY,
    LEVEL2B_EXP_TYPES,
    NRC_CORON_UNMASKED_DETECTORS,
    TSO_EXP_TYPES,
)
from asnatlas.engine.products import product_name
from asnatlas.errors import UnknownValue, required
from asnatlas.rules import Rule, checks
from asnatlas.rules.constraints import (
    Group,
    Item,
    Matcher,
    NodeState,
    Reprocess,
    freeze,
)
from asnatlas.rules.replay import Replays, Worth

# Cached: the associations of a program then share its number's text (memory).
_program_text = lru_cache(maxsize=4096)("{:0>5s}".format)
_LEVEL1B = re.compile(r"(?P<path>.+)(?P<type>_uncal)(?P<extension>\..+)")
_DIRECT_IMAGE_TYPES = ("nis_image", "nrc_image", "mir_image")


@dataclass(frozen=True)
class Acid:
    """The candidate an association belongs to: id (``o001``, ``c1000``, ``a3001``) and type."""

    id: str
    type: str


DISCOVERED = Acid("a3001", "DISCOVERED")


class Verdict:
    """A recorded evaluation: the verdict and, per request, (work_over, rules, only on
    match) for the exposure evaluated."""

    __slots__ = ("matched", "requests")

    def __init__(self, matched: bool, requests: tuple[tuple, ...]) -> None:
        self.matched = matched
        self.requests = requests

    def replay(self, item: Item) -> tuple[bool, list[Reprocess]]:
        return self.matched, [Reprocess([item], *request) for request in self.requests]


class Start:
    """A recorded first evaluation of a new association: the verdict, the requests, and
    the matcher's states and counters (`Matcher.saved`) and the member type it left."""

    __slots__ = ("original_exposure_type", "saved", "verdict")

    def __init__(self, verdict: Verdict, saved: tuple, original_exposure_type: str | None):
        self.verdict = verdict
        self.saved = saved
        self.original_exposure_type = original_exposure_type


def _requests(reprocess: list[Reprocess]) -> tuple[tuple, ...]:
    return tuple((r.work_over, r.rules, r.only_on_match) for r in reprocess)


# What an evaluation may change on the association besides its matcher's states: the
# member type the rule last gave (part of what replays are keyed by) and a cache.
_MAY_CHANGE = frozenset(("original_exposure_type", "_acid_cache"))


class Member(dict):
    """A member entry as written in the JSON, remembering the pool row it came from."""

    __slots__ = ("item",)

    def __init__(self, data: dict, item: Item | None = None):
        super().__init__(data)
        self.item = item

    def same_as(self, other: dict) -> bool:
        return self["expname"] == other["expname"] and self["exptype"] == other["exptype"]


class Asn:
    """One association under construction for `rule` (from ruleset `registry`)."""

    def __init__(self, rule: Rule, registry: str, version_id: str | None, pool_name: str,
                 *, shortcuts: bool = True):
        self.rule = rule
        self.registry = registry
        self.pool_name = pool_name
        self.version_id = version_id
        # `shortcuts` off: the tree is walked node by node (see `Matcher`), to prove in a
        # test that the compiled form changes nothing.
        self.matcher = Matcher(self, rule.nodes, compiled=shortcuts)
        self.run_init_hook = True
        self.original_exposure_type: str | None = None
        self.validity = dict.fromkeys(rule.validity, False)
        self.item_filenames: set[str] = set()
        self.filename_log: list[str] = []  # the same, in the order they joined
        self.sequence = 0
        self.direct_image: Member | None = None
        self.order = -1  # creation order, set by the engine
        # While matching there is one product: its (expname, exptype) pairs and science count.
        self.member_keys: set[tuple[str, str]] = set()
        self.science_count = 0
        self._acid_cache: tuple[int, Acid] | None = None
        # Recorded evaluations from the current state (`_check`): (state key, replays).
        self._replays: tuple[tuple, Replays | None] | None = None
        # Set by the engine: whether recording this rule's offers to existing associations
        # pays (None: offers are only evaluated).
        self.replay_worth: Worth | None = None
        self._named_at = -1  # matcher.changes when id, target and product name were set
        self.revision = 0
        data: dict[str, Any] = {
            "asn_type": "None",
            "asn_rule": f"{registry}_{rule.name}",
            "version_id": version_id,
            "code_version": CODE_VERSION,
            "degraded_status": DEGRADED_STATUS_OK,
            "program": "noprogram",
            "constraints": "No constraints",
            "asn_id": "a3001",
        }
        if rule.level == 2:
            data["asn_pool"] = "none"
        else:
            data["target"] = "none"
            data["asn_pool"] = "none"
        self.data = data

    # --- constraint state ----------------------------------------------------------------

    def node(self, name: str) -> NodeState:
        """The state of the first constraint called `name` (KeyError when there is none)."""
        node = self.rule.by_name[name]
        if isinstance(node, Group):
            raise KeyError(name)  # a group has no value
        return self.matcher.state(node)

    @property
    def acid(self) -> Acid:
        """The candidate, from the value the candidate constraint matched (else discovered)."""
        node = self.rule.acid_node
        if node is None:
            return DISCOVERED
        found = self.matcher.state(node).found
        cached = self._acid_cache
        if cached is not None and cached[0] == len(found):
            return cached[1]  # found values only grow: same size, same values
        pair = parse_candidate("-".join(found).replace("\\", ""))
        acid = Acid(*pair) if pair is not None else DISCOVERED
        self._acid_cache = (len(found), acid)
        return acid

    def compact(self, share: bool = True) -> None:
        """Free what only matching needs, once matching is over: finalisation reads named
        conditions only, and never changes them; with `share`, their states become
        shared and read-only (`constraints.freeze`: less memory on large pools)."""
        states = self.matcher.states
        kept = [None] * len(states)
        for i in _named_positions(self.rule):
            state = states[i]
            if state is not None:
                kept[i] = freeze(state) if share else state
        self.matcher.keep(kept)
        self.member_keys = set()
        self.filename_log = []
        self._replays = None
        self.replay_worth = None

    def release(self) -> None:
        """Break the association's one reference cycle (its matcher's link back), once
        nothing will match or finalise it again: it is then freed as soon as it is unused."""
        self.matcher.asn = None

    # --- member types ----------------------------------------------------------------------

    def plain_member_type(self, item: Item) -> str:
        return checks.member_type(item)

    def exposure_type(self, item: Item, default: str = "science") -> str:
        """The member type this rule gives the exposure (some rules keep state while doing so)."""
        kind = self.rule.member_type
        if kind == "lv3":
            return checks.member_type(item, default)
        if kind == "aux":
            result = checks.member_type(item, default)
            return result if result == "target_acquisition" else "science"
        original = checks.member_type(item, default)
        self.original_exposure_type = original
        result = default if original == "psf" else original
        if kind == "lv2_special":
            self.original_exposure_type = result
            if self.has_science() and result == "imprint":
                return "imprint"
            return default
        if kind == "wfss" and result == "science" and item.get("exp_type") in _DIRECT_IMAGE_TYPES:
            return "direct_image"
        if kind == "lrs_nod" and result == "science" and self.node("is_current_patt_num").matched:
            return "background"
        return result

    # --- products and members ----------------------------------------------------------

    @property
    def products(self) -> list[dict]:
        return self.data.get("products") or []

    @property
    def current_product(self) -> dict:
        return self.data["products"][-1]

    def members_by_type(self, member_type: str) -> list[Member]:
        try:
            members = self.current_product["members"]
        except (KeyError, IndexError, TypeError):
            return []
        return [m for m in members if m["exptype"].lower() == member_type.lower()]

    def has_science(self) -> bool:
        return self.science_count >= 1

    def new_product(self, name: str = "undefined") -> None:
        product = {"name": name, "members": []}
        if self.data.get("products"):
            self.data["products"].append(product)
        else:
            self.data["products"] = [product]

    # --- matching --------------------------------------------------------------------------

    def add(self, item: Item, starts: tuple[Replays, Worth] | None = None
            ) -> tuple[bool, list[Reprocess]]:
        """Offer an exposure: add it when it matches; return (matched, reprocess requests).

        `starts`: recorded first evaluations of new associations of this rule (shared by
        the new associations of one pass) and whether recording them pays, used while this
        association is new.
        """
        if item["filename"] in self.item_filenames:
            return True, []
        if starts is None and not self.revision:  # a new association, not replayed
            match, reprocess = self.matcher.check_all(self.rule.constraints, item)
        else:
            match, reprocess = self._check(item, starts)
        for request in reprocess:
            if request.rules is None:
                request.rules = (self.rule,)
        if match:
            self.revision += 1  # fixed values or members changed: the engine re-indexes
            if self.run_init_hook:
                self._init_hook(item)
                self.run_init_hook = False
            self._add(item)
        force = self.rule.by_name.get("force_match")
        if force is not None and self.matcher.state(force).value is not None:
            match = self.matcher.state(force).value
        return match, reprocess

    def _check(self, item: Item, starts: tuple[Replays, Worth] | None
               ) -> tuple[bool, list[Reprocess]]:
        """The rule's verdict on the item, replayed when an evaluation from the same state
        read the same values (`asnatlas.rules.replay`), else evaluated (and recorded).

        The state an evaluation starts from is `state_key`. A new association's state is
        the same for all of its rule's: `starts` holds theirs, with the states they left.
        """
        matcher = self.matcher
        root = self.rule.constraints
        if not matcher.compiled:
            return matcher.check_all(root, item)
        if not self.revision:  # `add` gives `starts` here
            if (matcher.version or self.science_count
                    or self.original_exposure_type is not None or any(matcher.states)):
                return matcher.check_all(root, item)
            replays, worth = starts
            start = replays.find(item)
            if start is not None:
                worth.hits += 1
                matcher.restore_saved(start.saved)
                self.original_exposure_type = start.original_exposure_type
                return start.verdict.replay(item)
            if not worth.record():
                return matcher.check_all(root, item)
            match, reprocess, reads = self._recorded(item)
            if reads is not None:
                replays.record(reads, Start(Verdict(match, _requests(reprocess)),
                                            matcher.saved(), self.original_exposure_type))
            return match, reprocess
        worth = self.replay_worth
        if worth is None:
            return matcher.check_all(root, item)
        key = self.state_key()
        held = self._replays
        if held is None or held[0] != key:
            # The first offer from a state is only evaluated: many states see one offer
            # (mega_pool: recording every first offer cost more than replays saved).
            self._replays = (key, None)
            return matcher.check_all(root, item)
        if held[1] is None:
            held = self._replays = (key, Replays())
        verdict = held[1].find(item)
        if verdict is not None:
            worth.hits += 1
            return verdict.replay(item)
        if not worth.record():
            return matcher.check_all(root, item)
        match, reprocess, reads = self._recorded(item)
        if reads is not None and key == self.state_key():
            held[1].record(reads, Verdict(match, _requests(reprocess)))
        return match, reprocess

    def _recorded(self, item: Item) -> tuple[bool, list[Reprocess], list[tuple] | None]:
        """`Matcher.check_recorded`, its reads None also when the evaluation changed an
        attribute of the association other than `_MAY_CHANGE`."""
        now = self.__dict__
        names, values = tuple(now), tuple(now.values())
        match, reprocess, reads = self.matcher.check_recorded(self.rule.constraints, item)
        if reads is not None and not (len(now) == len(names)
                                      and all(map(is_, values, now.values()))):
            # Something changed: only what may (the usual case is nothing at all).
            if tuple(now) != names or not all(
                    value is old or name in _MAY_CHANGE
                    for name, old, value in zip(names, values, now.values(), strict=True)):
                reads = None
        return match, reprocess, reads

    def state_key(self) -> tuple:
        """What an evaluation of the rule's tree reads of the association: its matcher's
        states (by their `version`), whether it has its science member, the member type
        the rule gave the last exposure (what the rules' tests read besides the states)."""
        return self.matcher.version, self.science_count >= 1, self.original_exposure_type

    def _init_hook(self, item: Item) -> None:
        if self.rule.level == 2:
            # The reference reads both columns unconditionally here (and fails without).
            self.data["target"] = required(item, "targetid")
            self.data["program"] = _program_text(required(item, "program"))
            self.data["asn_pool"] = self.pool_name
            self.data["constraints"] = self.rule.summary
            self.data["asn_id"] = self.acid.id
            self.data["asn_type"] = self.rule.asn_type
            self.new_product(product_name(self))
        else:
            self.data["asn_type"] = self.rule.asn_type
            self.new_product()
            self._update_lv3(item)

    def _add(self, item: Item) -> None:
        member = self.make_member(item)
        members = self.current_product["members"]
        key = (member["expname"], member["exptype"])
        if key in self.member_keys:  # the same member already (Member equality)
            return
        self.member_keys.add(key)
        if member["exptype"].lower() == "science":
            self.science_count += 1
        if self.rule.level == 2:
            members.append(member)
            self._note_member(item["filename"])
            self._update_validity(member)
            self._update_degraded(member)
            self.current_product["name"] = product_name(self)
        else:
            self._update_validity(member)
            members.append(member)
            self._note_member(item["filename"])
            self._update_lv3(item, member)

    def _note_member(self, filename: str) -> None:
        if filename not in self.item_filenames:
            self.item_filenames.add(filename)
            self.filename_log.append(filename)

    def _update_lv3(self, item: Item, member: Member | None = None) -> None:
        self._update_degraded(member)
        if self.data["program"] == "noprogram":
            self.data["program"] = _program_text(item.get("program", ""))
        if self.data["asn_pool"] == "none":
            self.data["asn_pool"] = self.pool_name
        if self._named_at == self.matcher.changes:
            return  # no matched value changed since: the same id, target and name
        self._named_at = self.matcher.changes
        self.data["constraints"] = self.rule.summary
        self.data["asn_id"] = self.acid.id
        self.data["target"] = self.get_target()
        self.current_product["name"] = product_name(self)

    def _update_degraded(self, member: Member | None = None) -> None:
        """Degraded once any member has an EXPOSERR (only the new member can change that)."""
        if member is None or self.data["degraded_status"] != DEGRADED_STATUS_OK:
            return
        if "exposerr" in member and member["exposerr"] not in EMPTY:
            self.data["degraded_status"] = DEGRADED_STATUS_NOTOK

    def make_member(self, item: Item) -> Member:
        checks.require_member_columns(item, self.rule.level)
        exposerr = item.get("exposerr")
        if self.rule.level == 2:
            expname = rename_to_level2a(item["filename"], self.use_integrations(item))
            return Member({
                "expname": expname,
                "exptype": self.exposure_type(item),
                "exposerr": exposerr,
            }, item)
        exptype = self.exposure_type(item)
        expname = rename_to_level2(
            item["filename"], item.get("exp_type"), self.use_integrations(item), exptype
        )
        return Member({
            "expname": expname,
            "exptype": exptype,
            "exposerr": exposerr,
            "asn_candidate": item.get("asn_candidate"),
        }, item)

    def use_integrations(self, item: Item) -> bool:
        """Coronagraphy, AMI and time series are calibrated per integration (``*ints``)."""
        get = item.get
        coron, ami, science, tso = _integration_facts(
            get("pntgtype"), get("exp_type"), get("subarray"), get("pupil"), get("detector"),
            get("tsovisit"))
        if (self.rule.coron_ints and coron) or ami:
            return True
        if not science:
            return False
        node = self.rule.by_name.get("is_tso")
        if node is not None and not isinstance(node, Group) \
                and self.matcher.state(node).value == "t":
            return True
        return tso

    # --- validity ------------------------------------------------------------------------

    def _update_validity(self, member: Member) -> None:
        for name, validated in self.validity.items():
            if not validated:
                self.validity[name] = checks.VALIDITY[name].holds(self, member)

    @property
    def is_valid(self) -> bool:
        return all(self.validity.values()) and bool(self.products)

    # --- Level 3 naming parts ----------------------------------------------------------------

    def _found(self, name: str) -> list[str]:
        return list(self.node(name).found)

    def get_target(self) -> str:
        for node in self.rule.nodes[1:]:
            if node.name == "target":
                state = self.matcher.states[node.id]
                if state is not None and state.found:
                    return "t{:0>3s}".format("-".join(str(v) for v in state.found))
        return "t000"

    def get_instrument(self) -> str:
        return "-".join(self._found("instrument"))

    def get_opt_element(self) -> str:
        if self.direct_image is not None:
            return _direct_image_opt_element(self.direct_image.item)
        parts = self._joined_values(("opt_elem", "opt_elem2"))
        return "-".join(sorted(parts, key=str.lower)) or "clear"

    def get_slit_name(self) -> str:
        names = list(dict.fromkeys(self._joined_values(("fxd_slit", "fxd_slit2"))))
        return "-".join(sorted(names, key=str.lower))

    def _joined_values(self, names: tuple[str, ...]) -> list[str]:
        """Per named condition that exists, its matched values joined by "-" (if set)."""
        joined = []
        for name in names:
            try:
                values = self._found(name)
            except KeyError:
                continue
            value = "-".join(sorted(values, key=str.lower))
            if value not in EMPTY:
                joined.append(value)
        return joined

    def get_subarray(self) -> str:
        try:
            subarray = "-".join(self._found("subarray"))
        except KeyError:
            return ""
        return "" if subarray == "full" else subarray


def _named_positions(rule: Rule) -> tuple[int, ...]:
    """Positions of the rule's named leaves (what finalisation reads), cached per rule."""
    found = rule.__dict__.get("_named_positions")
    if found is None or found[0] is not rule.nodes:
        found = rule.__dict__["_named_positions"] = (rule.nodes, tuple(
            node.id for node in rule.nodes
            if node.name is not None and not isinstance(node, Group)))
    return found[1]


@lru_cache(maxsize=4096)
def _integration_facts(pntgtype: str | None, exp_type: str | None, subarray: str | None,
                       pupil: str | None, detector: str | None, tsovisit: str | None
                       ) -> tuple[bool, bool, bool, bool]:
    """What `Asn.use_integrations` reads of an exposure, from the six columns it reads:
    coronagraphy, AMI, a science pointing, a time series by its own columns (cached:
    pools repeat a few combinations many times)."""
    item = {column: value for column, value in (
        ("pntgtype", pntgtype), ("exp_type", exp_type), ("subarray", subarray),
        ("pupil", pupil), ("detector", detector), ("tsovisit", tsovisit)) if value is not None}
    tso = (checks.value_of(item, "tsovisit") == "t"
           or checks.value_of(item, "exp_type") in TSO_EXP_TYPES)
    return _is_coron(item), _is_ami(item), checks.is_science_pointing(item), tso


def _is_coron(item: Item) -> bool:
    if not checks.is_science_pointing(item):
        return False
    exp_type = checks.value_of(item, "exp_type")
    if exp_type not in CORON_EXP_TYPES:
        return False
    if exp_type == "nrc_coron" and item.get("subarray") == "full":
        unmasked = NRC_CORON_UNMASKED_DETECTORS.get(item.get("pupil"), ())
        if item.get("detector") in unmasked:
            return False
    return True


def _is_ami(item: Item) -> bool:
    return checks.is_science_pointing(item) and checks.value_of(item, "exp_type") == "nis_ami"


def _direct_image_opt_element(item: Item) -> str:
    """WFSS products are named after the direct image's filter (and pupil)."""
    parts = []
    if str(item.get("instrume", "unknown")).lower() == "miri":
        if item.get("filter") is not None:
            parts.append(str(item["filter"]))
    else:
        for columns in (("filter", "band"), ("pupil", "grating")):
            found = checks.first_set(item, columns)
            if not found:  # the reference fails here (it indexes a None)
                raise UnknownValue(
                    item, columns[0], item.get(columns[0]),
                    f"the direct image of a WFSS association needs {columns[0].upper()} "
                    f"(or {columns[1].upper()}) set, to name the product")
            parts.append(found[1])
    return "-".join(sorted(parts, key=str.lower)) or "clear"


def split_level1b(name: str) -> tuple[str, str] | None:
    """``(path, extension)`` of a Level 1b name (``a_uncal.fits`` -> ``("a", ".fits")``),
    None for other names.

    The regex's greedy path makes it the last ``_uncal.`` after the first character that
    has a character after it; found with string searches (a test proves it equal to the
    regex, which names with a newline still take).
    """
    if "\n" in name:
        match = _LEVEL1B.match(name)
        return None if match is None else (match["path"], match["extension"])
    at = name.rfind("_uncal.")
    while at >= 1:
        if len(name) > at + 7:
            return name[:at], name[at + 6:]
        at = name.rfind("_uncal.", 0, at + 6)
    return None


def rename_to_level2a(level1b_name: str, use_integrations: bool = False) -> str:
    """``..._uncal.fits`` -> ``..._rate.fits`` (or ``_rateints``); other names unchanged."""
    parts = split_level1b(level1b_name)
    if parts is None:
        return level1b_name
    suffix = "rateints" if use_integrations else "rate"
    return f"{parts[0]}_{suffix}{parts[1]}"


def rename_to_level2(level1b_name: str, exp_type: str | None, use_integrations: bool,
                     member_exptype: str) -> str:
    """``..._uncal.fits`` -> the Stage 2 product a Stage 3 association takes as input."""
    parts = split_level1b(level1b_name)
    if parts is None:
        return level1b_name
    if member_exptype == "background":
        suffix = "x1d"
    else:
        suffix = "cal" if exp_type in LEVEL2B_EXP_TYPES else "rate"
    if use_integrations:
        suffix += "ints"
    return f"{parts[0]}_{suffix}{parts[1]}"

"""After matching: per-rule finalisation, removal of duplicate associations, sequence numbers.

Order matters for the file names (sequence numbers are given in list order), so these steps
keep the DMS generator's order exactly: Level 2 associations first, then Level 3, each level
pruned and renumbered on its own.
"""

from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import PurePosixPath

from asnatlas.conventions.suffixes import remove_suffix
from asnatlas.conventions.vocabulary import EMPTY, MULTI_OBS_CANDIDATE_TYPES
from asnatlas.engine.candidate import Asn, Member
from asnatlas.engine.products import level3_default
from asnatlas.errors import as_int


class Drop(Enum):
    """Why finalisation writes nothing of an association."""

    ONE_OBSERVATION = "one_observation"  # a multi-observation candidate with one observation
    NO_DIRECT_IMAGE = "no_direct_image"  # slitless spectra without a direct image
    NO_SPECTRUM = "no_spectrum"  # direct images without a slitless spectrum
    INVALID = "invalid"  # a validity check failed (see `Dropped.failed`), or no product


@dataclass(frozen=True)
class Dropped:
    """An association finalisation dropped: why, and the facts the decision read.

    ``failed``: the validity checks that did not pass (by name, see
    `asnatlas.rules.checks.VALIDITY`); ``observations``: the observations it held
    (``ONE_OBSERVATION``).
    """

    why: Drop
    failed: tuple[str, ...] = ()
    observations: tuple[str, ...] = ()


def _invalid(asn: Asn) -> Dropped:
    return Dropped(Drop.INVALID, tuple(name for name, ok in asn.validity.items() if not ok))


def finalize_all(associations: list[Asn]) -> list[Asn]:
    """Finalise, prune and renumber Level 2 then Level 3 associations."""
    for level in (2, 3):
        others = [asn for asn in associations if asn.rule.level != level]
        done: list[Asn] = []
        for asn in associations:
            if asn.rule.level == level:
                result = finalize(asn)
                if not isinstance(result, Dropped):
                    done.extend(result)
        done = prune(done)
        resequence(done)
        associations = others + done
    return associations


def finalize(asn: Asn) -> list[Asn] | Dropped:
    """The association(s) an association becomes once complete, or why it is dropped.

    The list may be empty (e.g. nods of which none is valid on its own).
    """
    kind = asn.rule.finalize
    if kind in ("wfss", "wfss_parallel"):
        if not asn.members_by_type("direct_image"):
            return Dropped(Drop.NO_DIRECT_IMAGE)
        if not asn.members_by_type("science"):
            return Dropped(Drop.NO_SPECTRUM)
        _add_catalog_members(asn, parallel=kind == "wfss_parallel")
        return [asn] if asn.is_valid else _invalid(asn)
    if kind == "multi_obs":
        if asn.acid.type.lower() in MULTI_OBS_CANDIDATE_TYPES:
            observations = asn.node("obs_num").found
            if len(observations) <= 1:
                return Dropped(Drop.ONE_OBSERVATION,
                               observations=tuple(str(v) for v in observations))
        return [asn] if asn.is_valid else _invalid(asn)
    if not asn.is_valid:
        return _invalid(asn)
    if kind in ("imprint", "imprint_nod"):
        _prune_imprints(asn)
        if kind == "imprint":
            return [asn] if asn.is_valid else _invalid(asn)
        if not asn.is_valid:
            return _invalid(asn)
        return _make_nod_asns(asn)
    if kind == "nod":
        return _make_nod_asns(asn)
    if kind == "fixedslit_bkg":
        return _make_fixedslit_bkg(asn)
    return [asn]


def _stem_root(expname: str) -> str:
    return remove_suffix(PurePosixPath(PurePosixPath(expname).name).stem)


# --- Level 2 -----------------------------------------------------------------------------


def _prune_imprints(asn: Asn) -> None:
    """Keep only the imprints that belong with the science: same target, same dither."""
    members = asn.products[0]["members"]
    science, imprint_sci, imprint_bkg = [], [], []
    science_is_background = False
    science_targets = set()
    for member in members:
        item = member.item or {}
        if "targetid" not in item or "bkgdtarg" not in item:
            continue
        if member["exptype"] == "science":
            science.append(member)
            science_targets.add(str(item["targetid"]))
            if item["bkgdtarg"] == "t":
                science_is_background = True
        elif member["exptype"] == "imprint":
            (imprint_bkg if item["bkgdtarg"] == "t" else imprint_sci).append(member)
    to_check = imprint_bkg if science_is_background else imprint_sci
    matching = [m for m in to_check if str((m.item or {}).get("targetid")) in science_targets
                and "targetid" in (m.item or {})]
    not_matching = [m for m in to_check if not any(m is x for x in matching)]
    if matching:
        to_check = matching
        for member in not_matching:
            _remove_identical(members, member)
    if 1 <= len(science) < len(to_check):
        keep = set()
        for sci in science:
            if "dithptin" not in sci.item:
                continue
            for imp in to_check:
                if "dithptin" in imp.item and imp.item["dithptin"] == sci.item["dithptin"]:
                    keep.add(imp["expname"])
        if keep:
            for imp in to_check:
                if imp["expname"] not in keep:
                    _remove_identical(members, imp)


def _remove_identical(members: list, member: Member) -> None:
    """list.remove with the Member equality (expname and exptype)."""
    for i, m in enumerate(members):
        if m is member or m.same_as(member):
            del members[i]
            return


def _nod_overlap(science: dict, background: dict) -> bool:
    """Whether a nod position overlaps the science position (so cannot be its background)."""
    exptype = str(science.get("exp_type", "")).lower()
    if "exp_type" not in science or exptype not in ("nrs_fixedslit", "nrs_msaspec"):
        return False
    if "targetid" in science and "targetid" in background:
        if str(science["targetid"]).lower() != str(background["targetid"]).lower():
            return True
    try:
        numdthpt = int(science["numdthpt"])
        patt_num = int(science["patt_num"])
        bkg_num = int(background["patt_num"])
    except (KeyError, ValueError):
        numdthpt, patt_num, bkg_num = 0, None, None
    subpx = _subpixel_points(science)
    bkg_subpx = _subpixel_points(background)
    if None in (patt_num, bkg_num, subpx, bkg_subpx) or subpx == 0 or bkg_subpx == 0:
        return exptype == "nrs_fixedslit"
    sci_dither = (patt_num - 1) // subpx
    bkg_dither = (bkg_num - 1) // bkg_subpx
    if sci_dither == bkg_dither:
        return True
    if exptype == "nrs_msaspec":
        return False
    slit = str(science.get("fxd_slit")).lower() if "fxd_slit" in science else None
    return (
        slit == "s1600a1" and numdthpt // subpx == 5 and abs(sci_dither - bkg_dither) <= 1
    )


def _subpixel_points(item: dict) -> int | None:
    for column in ("subpxpts", "subpxpns"):
        try:
            return int(item[column])
        except (KeyError, ValueError):
            continue
    return None


def _make_nod_asns(asn: Asn) -> list[Asn] | Dropped:
    """One association per science exposure; the other, non-overlapping nods as background."""
    for product in asn.products:
        members = product["members"]
        sciences = [m for m in members if m["exptype"] == "science"]
        others = [m for m in members if m["exptype"] != "science"]
        results = []
        for sci in sciences:
            new = _copy_asn(asn)
            new.data["products"] = None
            new.new_product(_stem_root(sci["expname"]))
            new_members = new.current_product["members"]
            new_members.append(sci)
            for other in sciences:
                if other["expname"] != sci["expname"] and not _nod_overlap(sci.item, other.item):
                    background = Member(dict(other), other.item)
                    background["exptype"] = "background"
                    new_members.append(background)
            new_members.extend(others)
            if new.is_valid:
                results.append(new)
        return results
    return _invalid(asn)  # no product


def _copy_asn(asn: Asn) -> Asn:
    new = copy.copy(asn)
    new.data = dict(asn.data)
    new.validity = dict(asn.validity)
    return new


def _add_catalog_members(asn: Asn, parallel: bool) -> None:
    """WFSS: replace the direct images by the Stage 3 image products they feed."""
    directs = asn.members_by_type("direct_image")
    sciences = asn.members_by_type("science")
    members = asn.current_product["members"]
    members[:] = [m for m in members if m["exptype"] != "direct_image"]
    asn.direct_image = (
        _longest_direct(directs) if parallel else _closest_direct(sciences[0], directs)
    )
    root = level3_default(asn)
    members.append(Member({"expname": root + "_i2d.fits", "exptype": "direct_image"}))
    members.append(Member({"expname": root + "_cat.ecsv", "exptype": "sourcecat"}))
    members.append(Member({"expname": root + "_segm.fits", "exptype": "segmap"}))


def _expspcin(item: dict) -> int | None:
    value = item.get("expspcin")
    if value is None or value in EMPTY:
        return None
    return as_int(item, "expspcin", value, "the exposure's sequence number (an integer)")


def _closest_direct(science: Member, directs: list[Member]) -> Member:
    """The first direct image taken after the science exposure (else the first one)."""
    closest = directs[0]
    sci = _expspcin(science.item)
    if sci is None:
        return closest
    min_diff = 9999
    for direct in directs:
        value = _expspcin(direct.item)
        if value is None:
            continue
        diff = value - sci
        if 0 < diff < min_diff:
            min_diff = diff
            closest = direct
    return closest


def _longest_direct(directs: list[Member]) -> Member:
    long = [d for d in directs if "long" in d["expname"]]
    return long[0] if long else directs[0]


# --- Level 3 -----------------------------------------------------------------------------


def _make_fixedslit_bkg(asn: Asn) -> list[Asn]:
    """Nodded slit spectra: each nod's extracted spectrum is background for the others."""
    found = list(asn.node("patttype_spectarg").found)
    if not found or "nod" not in found[-1]:
        return [asn]
    for product in asn.products:
        members = product["members"]
        sciences = [m for m in members if m["exptype"] == "science"]
        if len(sciences) < 2:
            return [asn]
        for sci in sciences:
            background = Member(dict(sci), sci.item)
            background["expname"] = _stem_root(sci["expname"]) + "_x1d.fits"
            background["exptype"] = "background"
            members.append(background)
        return [asn] if asn.is_valid else []
    return [asn]


# --- duplicates --------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _components(name: str) -> frozenset[str]:
    return frozenset(re.split("[_-]", name))


def _exposure_name(expname: str) -> str:
    return remove_suffix(PurePosixPath(expname).stem)


def product_diff(left: dict, right: dict, strict: bool = True) -> list[str]:
    """The kinds of difference between two products' memberships (empty: the same)."""
    munge = (lambda name: name) if strict else _exposure_name
    diffs = []
    for product in (left, right):
        counts = Counter(m["expname"] for m in product["members"])
        if any(count > 1 for count in counts.values()):
            diffs.append("duplicate_members")
    if len(left["members"]) != len(right["members"]):
        diffs.append("length")
    remaining = list(right["members"])
    unaccounted_left = 0
    for lm in left["members"]:
        name = munge(lm["expname"])
        for i, rm in enumerate(remaining):
            if munge(rm["expname"]) != name:
                continue
            if lm["exptype"] != rm["exptype"]:
                diffs.append("mismatch")
            del remaining[i]
            break
        else:
            unaccounted_left += 1
    if unaccounted_left or remaining:
        diffs.append("unaccounted")
    if len(diffs) == 2 and "length" in diffs and "unaccounted" in diffs:
        diffs.append("subset")
    return diffs


def association_key(asn: Asn) -> tuple:
    """Equal for associations that `same_association` may call equal (a coarse hash)."""
    names = sorted(_exposure_name(m["expname"]) for p in asn.products for m in p["members"])
    return asn.data["asn_type"], asn.data["asn_id"][:1], len(asn.products), tuple(names)


def same_association(left: Asn, right: Asn) -> bool:
    """DMS association equality: same type, candidate level and product memberships."""
    if left.data["asn_type"] != right.data["asn_type"]:
        return False
    if left.data["asn_id"][:1] != right.data["asn_id"][:1]:
        return False
    lp, rp = left.products, list(right.products)
    if len(lp) != len(rp):
        return False
    for product in lp:
        name = _components(product["name"])
        for i, other in enumerate(rp):
            if _components(other["name"]) != name:
                continue
            if product_diff(product, other, strict=False):
                return False
            del rp[i]
            break
        else:
            return False
    return not rp


def _contains(asns: list[Asn], asn: Asn) -> bool:
    return any(other is asn or same_association(other, asn) for other in asns)


def _remove_equal(asns: list[Asn], asn: Asn) -> None:
    for i, other in enumerate(asns):
        if other is asn or same_association(other, asn):
            del asns[i]
            return
    raise ValueError("association not in list")


def _by_candidate(asns: list[Asn]) -> list[Asn]:
    return sorted(asns, key=_asn_id)


def _asn_id(asn: Asn) -> str:
    return asn.data["asn_id"]


def prune(asns: list[Asn]) -> list[Asn]:
    """Drop associations whose product repeats another's, then same-named subsets."""
    return _prune_duplicate_products(_prune_duplicate_associations(asns))


def _membership_key(product: dict) -> frozenset | None:
    """Products with equal keys have no membership difference (None: has duplicates)."""
    members = [(m["expname"], m["exptype"]) for m in product["members"]]
    names = {name for name, _ in members}
    if len(names) != len(members):
        return None  # duplicate members: differs from every product, itself included
    return frozenset(members)


def _prune_duplicate_associations(asns: list[Asn]) -> list[Asn]:
    """Keep, of associations whose first products have the same members, the last by id."""
    kept = []
    seen: set[frozenset] = set()
    for asn in reversed(_by_candidate(asns)):
        key = _membership_key(asn.products[0])
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        kept.append(asn)
    return kept


def _prune_duplicate_products(asns: list[Asn]) -> list[Asn]:
    names = Counter(asn.products[0]["name"] for asn in asns)
    dups = [name for name, count in names.items() if count > 1]
    if not dups:
        return asns
    ordered = _by_candidate(asns)
    by_product: dict[str, list[Asn]] = defaultdict(list)
    repeated = set(dups)
    for asn in ordered:
        name = asn.products[0]["name"]
        if name in repeated:  # the others are never looked up
            by_product[name].append(asn)
    full_prune: list[Asn] = []
    # `full_prune` by `association_key`: only associations sharing a key can be the same.
    pruned_by_key: dict[tuple, list[Asn]] = defaultdict(list)
    keys: dict[int, tuple] = {}

    def key_of(asn: Asn) -> tuple:
        key = keys.get(id(asn))
        if key is None:
            key = keys[id(asn)] = association_key(asn)
        return key

    for name in dups:
        dup_asns = by_product[name]
        to_keep = list(dup_asns)
        for asn in dup_asns:
            if _contains(pruned_by_key.get(key_of(asn), ()), asn):
                continue
            to_prune = []
            for entrant in to_keep:
                if entrant is asn or same_association(entrant, asn):
                    continue
                diffs = product_diff(asn.products[0], entrant.products[0])
                if diffs:
                    if "subset" in diffs:
                        # Keep the larger of the two (the reference swaps its loop variable).
                        if len(entrant.products[0]["members"]) > len(asn.products[0]["members"]):
                            asn, entrant = entrant, asn
                        to_prune.append(entrant)
                    continue
                to_prune.append(entrant)
            full_prune.extend(to_prune)
            for pruned in to_prune:
                pruned_by_key[key_of(pruned)].append(pruned)
                _remove_equal(to_keep, pruned)
    # Each pruned entry takes out the first remaining occurrence of its association.
    removals = Counter(id(asn) for asn in full_prune)
    if not removals:
        return ordered
    kept = []
    for asn in ordered:
        left = removals.get(id(asn))
        if left:
            removals[id(asn)] = left - 1
        else:
            kept.append(asn)
    return kept


def resequence(asns: list[Asn]) -> None:
    """Number associations 1, 2, ... per (candidate, type), in list order."""
    counters: dict[tuple[str, str], int] = defaultdict(int)
    for asn in asns:
        key = (asn.data["asn_id"], asn.data["asn_type"])
        counters[key] += 1
        asn.sequence = counters[key]

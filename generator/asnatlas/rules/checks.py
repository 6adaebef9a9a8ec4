"""The computed conditions of the rules, and the validity checks of associations.

- functions on one exposure: its member type, valid optical paths, whether a filter is
  calibrated;
- `Check`: a computed condition of a rule (a `Test` node) with its meaning and what an
  explanation shows of it (the columns it reads, or the member type...), so that
  explanations never depend on the wording of a rule;
- `Validity` and `VALIDITY`: the conditions an association must meet to be written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from asnatlas.conventions.vocabulary import (
    ACQ_EXP_TYPES,
    EXPTYPE_MEMBER_TYPE,
    NIS_SOSS_UNCALIBRATED_FILTERS,
    NRC_CORON_UNMASKED_DETECTORS,
    NRS_FSS_VALID_LAMP_OPTICAL_PATHS,
    NRS_FSS_VALID_OPTICAL_PATHS,
    NRS_IFU_VALID_OPTICAL_PATHS,
    SPECIAL_EXPOSURE_FLAGS,
)
from asnatlas.errors import MemberTypeError, required
from asnatlas.rules.constraints import Item, Test, first_set


def value_of(item: Item, column: str) -> str | None:
    """The column's value when it is set (not null, not a false flag), else None."""
    found = first_set(item, (column,))
    return found[1] if found else None


MEMBER_TYPE_COLUMNS = ("pntgtype", "exp_type", "is_psf", "is_imprt", "bkgdtarg")  # read by it


def member_type(item: Item, default: str = "science") -> str:
    """The member type DMS gives an exposure: from PNTGTYPE, EXP_TYPE, then the flags.

    Raises `MemberTypeError` when the exposure has no EXP_TYPE (and a science pointing).
    """
    get = item.get
    member = _member_type(get("pntgtype"), get("exp_type"), get("is_psf"), get("is_imprt"),
                          get("bkgdtarg"), default)
    if member is None:
        raise MemberTypeError(item)
    return member


@lru_cache(maxsize=4096)
def _member_type(pntgtype: str | None, exp_type: str | None, is_psf: str | None,
                 is_imprt: str | None, bkgdtarg: str | None, default: str) -> str | None:
    # Cached on the five columns it reads: pools repeat a few combinations many times.
    item = {"pntgtype": pntgtype, "exp_type": exp_type, "is_psf": is_psf,
            "is_imprt": is_imprt, "bkgdtarg": bkgdtarg}
    item = {key: value for key, value in item.items() if value is not None}
    pntgtype = value_of(item, "pntgtype")
    if pntgtype is not None and pntgtype != "science":
        return pntgtype
    exp_type = value_of(item, "exp_type")
    if exp_type is None:
        return None  # no EXP_TYPE: undecidable (the caller raises, naming the exposure)
    result = EXPTYPE_MEMBER_TYPE.get(exp_type, default)
    if result != "science":
        return result
    for special, column in SPECIAL_EXPOSURE_FLAGS:
        if value_of(item, column) is not None:
            return special
    return result


def require_member_columns(item: Item, level: int) -> None:
    """The columns the reference reads unguarded when it makes a member (it fails without
    them): PNTGTYPE, then EXP_TYPE for science, SUBARRAY for NRC_CORON, then PUPIL and
    DETECTOR for full-frame coronagraphy. Raises `UnknownValue` naming the missing one."""
    if level == 3:
        required(item, "exp_type")
    if required(item, "pntgtype") != "science":
        return
    exp_type = required(item, "exp_type")
    if exp_type in ACQ_EXP_TYPES or exp_type != "nrc_coron":
        return
    if required(item, "subarray") == "full":
        pupil = required(item, "pupil")
        if pupil in ("maskbar", "maskrnd"):
            required(item, "detector")


def is_science_pointing(item: Item) -> bool:
    return item.get("pntgtype") == "science" and item.get("exp_type") not in ACQ_EXP_TYPES


def nrsfss_valid_detector(item: Item) -> bool:
    """NIRSpec fixed slit: the slit, grating, filter and detector form a valid path."""
    values = [value_of(item, c) for c in ("detector", "filter", "grating", "fxd_slit")]
    if None in values:
        return False
    detector, nrs_filter, grating, slit = values
    if slit != "s200b1":
        slit = "a"
    return (slit, grating, nrs_filter, detector) in NRS_FSS_VALID_OPTICAL_PATHS


def nrsifu_valid_detector(item: Item) -> bool:
    """NIRSpec IFU: the grating, filter and detector form a valid path (others pass)."""
    if value_of(item, "exp_type") != "nrs_ifu":
        return True
    values = [value_of(item, c) for c in ("detector", "filter", "grating")]
    if None in values:
        return False
    detector, nrs_filter, grating = values
    return (grating, nrs_filter, detector) in NRS_IFU_VALID_OPTICAL_PATHS


def nrslamp_valid_detector(item: Item) -> bool:
    """NIRSpec lamp exposures: the detector receives light for this opmode and grating."""
    values = [value_of(item, c) for c in ("detector", "grating", "opmode")]
    if None in values:
        return False
    detector, grating, opmode = values
    if opmode == "msaspec":
        return True
    lamp = value_of(item, "lamp")
    if opmode == "ifu":
        if lamp is None:
            return False
        if grating in ("g395h", "g235h"):
            return True
        if grating in ("g395m", "g235m", "g140m") and detector == "nrs1":
            return True
        if grating == "prism" and detector == "nrs1":
            return True
        return grating == "g140h" and not (detector == "nrs2" and lamp == "flat4")
    if opmode == "fixedslit":
        if lamp is None:
            return False
        return (grating, lamp, detector) in NRS_FSS_VALID_LAMP_OPTICAL_PATHS
    return False


def nrccoron_valid_detector(item: Item) -> bool:
    """NIRCam coronagraphy in full frame: the detector is behind the chosen mask."""
    values = [value_of(item, c) for c in ("detector", "subarray", "pupil")]
    if None in values:
        return False
    detector, subarray, pupil = values
    if subarray != "full":
        return True
    return detector not in NRC_CORON_UNMASKED_DETECTORS.get(pupil, ())


def nissoss_calibrated_filter(item: Item) -> bool:
    """NIRISS SOSS: the filter has a calibration (others pass)."""
    if value_of(item, "exp_type") != "nis_soss":
        return True
    nis_filter = value_of(item, "filter")
    return nis_filter is not None and nis_filter not in NIS_SOSS_UNCALIBRATED_FILTERS


# --- computed conditions, with their meaning -------------------------------------------


@dataclass(frozen=True, eq=False)
class Check:
    """A computed condition of a rule: ``compute(association, exposure)`` and what it means.

    ``columns``: the exposure columns it reads (explanations show their values);
    ``shows``: for a check on the member type or the association, what explanations show
    instead: ``member_type`` (as the rule types the exposure), ``dms_member_type``,
    ``science_member`` (the product's science exposure) or ``candidate_type``.
    """

    why: str
    compute: Callable[[Any, Item], Any]
    columns: tuple[str, ...] = ()
    shows: str = ""

    def source(self, asn: Any, item: Item) -> Any:
        """The value a `Test` compares (its ``source``)."""
        return self.compute(asn, item)

    def verdict(self, _value: Any, item: Item) -> bool:
        """A `Test`'s ``test`` for a check on the exposure alone: whether it holds."""
        return self.compute(None, item)

    def test(self) -> Test:
        """The rule condition "the check holds", for a check on the exposure alone."""
        return Test(value=True, test=self.verdict, unique=False, why=self.why)


def _on_item(check: Callable[[Item], bool]) -> Callable[[Any, Item], bool]:
    return lambda _asn, item: check(item)


NRS_FSS_PATH = Check("a valid fixed-slit optical path and detector",
                     _on_item(nrsfss_valid_detector),
                     ("fxd_slit", "grating", "filter", "detector"))
NRS_IFU_PATH = Check("a valid IFU optical path and detector", _on_item(nrsifu_valid_detector),
                     ("grating", "filter", "detector"))
NRS_LAMP_PATH = Check("a lit detector for this opmode and grating",
                      _on_item(nrslamp_valid_detector), ("opmode", "grating", "lamp", "detector"))
NRC_CORON_DETECTOR = Check("a detector behind the coronagraphic mask",
                           _on_item(nrccoron_valid_detector), ("pupil", "subarray", "detector"))
IS_SCIENCE_MEMBER = Check("member type science",
                          lambda asn, item: asn.exposure_type(item) == "science",
                          shows="member_type")
IS_TARGET_ACQ = Check("a target acquisition", lambda asn, item: asn.plain_member_type(item),
                      shows="dms_member_type")
HAS_SCIENCE = Check("the product does not already have its science exposure",
                    lambda asn, _item: asn.has_science(), shows="science_member")
NOT_BACKGROUND_CANDIDATE = Check("not a background candidate",
                                 lambda asn, _item: asn.acid.type != "background",
                                 shows="candidate_type")


def check_of(node: Any) -> Check | None:
    """The `Check` a rule condition was made from, if any."""
    for function in (getattr(node, "source", None), getattr(node, "test", None)):
        owner = getattr(function, "__self__", None)
        if isinstance(owner, Check):
            return owner
    return None


# --- validity of an association ----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Validity:
    """A condition an association must meet to be written (checked as members join).

    ``holds(association, member)``: whether the joining member makes it pass (once passed,
    it stays passed); ``possible(candidate type)``: for a check that depends only on the
    candidate type, whether it can pass at all (None: it depends on more); ``condition``
    and ``expected``: the condition and what was needed, in words; ``shows``: what an
    explanation shows of a failing association (``candidate``, ``members`` or ``count``).
    """

    name: str
    condition: str
    expected: str
    holds: Callable[[Any, dict], bool]
    possible: Callable[[str], bool] | None = None
    shows: str = ""


def _candidate_type(asn: Any) -> str:
    return asn.acid.type.lower()


def _by_candidate_type(name: str, condition: str, expected: str,
                       possible: Callable[[str], bool]) -> Validity:
    return Validity(name, condition, expected,
                    lambda asn, _member: possible(_candidate_type(asn)), possible, "candidate")


def _allowed_candidates(asn: Any, _member: dict) -> bool:
    ctype = _candidate_type(asn)
    if ctype == "observation":
        return True
    if ctype == "background":
        return any(m["exptype"].lower() == "background" for m in asn.current_product["members"])
    return False


def _has_pair(asn: Any, _member: dict) -> bool:
    # Checked before the member is appended: the second member completes the pair.
    return len(asn.current_product["members"]) == 1


VALIDITY: dict[str, Validity] = {v.name: v for v in (
    Validity("has_science", "a science member", "at least one science member",
             lambda _asn, member: member["exptype"] == "science", shows="members"),
    Validity("has_psf", "a PSF reference member", "a PSF exposure (IS_PSF set)",
             lambda _asn, member: member["exptype"] == "psf"),
    Validity("allowed_candidates", "an observation candidate (or a background candidate with "
             "a background member)", "observation", _allowed_candidates,
             lambda ctype: ctype in ("observation", "background"), "candidate"),
    Validity("allowed_candidates_any", "any candidate", "any", lambda _asn, _member: True),
    _by_candidate_type("is_type_observation", "an observation candidate", "observation",
                       lambda ctype: ctype == "observation"),
    _by_candidate_type("is_type_mosaic", "a mosaic candidate", "mosaic",
                       lambda ctype: ctype == "mosaic"),
    _by_candidate_type("is_not_group", "a candidate that is not a group", "not group",
                       lambda ctype: ctype != "group"),
    Validity("has_pair", "a pair of exposures", "2 or more members", _has_pair, shows="count"),
)}

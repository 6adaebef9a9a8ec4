"""Checks on a single exposure that the rules use: member type, valid optical paths, TSO-ness."""

from __future__ import annotations

from functools import lru_cache

from asnatlas.conventions.vocabulary import (
    ACQ_EXP_TYPES,
    EXPTYPE_MEMBER_TYPE,
    NIS_SOSS_UNCALIBRATED_FILTERS,
    NRS_FSS_VALID_LAMP_OPTICAL_PATHS,
    NRS_FSS_VALID_OPTICAL_PATHS,
    NRS_IFU_VALID_OPTICAL_PATHS,
    SPECIAL_EXPOSURE_FLAGS,
)
from asnatlas.rules.constraints import Item, first_set


def value_of(item: Item, column: str) -> str | None:
    """The column's value when it is set (not null, not a false flag), else None."""
    found = first_set(item, (column,))
    return found[1] if found else None


MEMBER_TYPE_COLUMNS = ("pntgtype", "exp_type", "is_psf", "is_imprt", "bkgdtarg")  # read by it


def member_type(item: Item, default: str = "science") -> str:
    """The member type DMS gives an exposure: from PNTGTYPE, EXP_TYPE, then the flags."""
    get = item.get
    return _member_type(get("pntgtype"), get("exp_type"), get("is_psf"), get("is_imprt"),
                        get("bkgdtarg"), default)


@lru_cache(maxsize=4096)
def _member_type(pntgtype: str | None, exp_type: str | None, is_psf: str | None,
                 is_imprt: str | None, bkgdtarg: str | None, default: str) -> str:
    # Cached on the five columns it reads: pools repeat a few combinations many times.
    item = {"pntgtype": pntgtype, "exp_type": exp_type, "is_psf": is_psf,
            "is_imprt": is_imprt, "bkgdtarg": bkgdtarg}
    item = {key: value for key, value in item.items() if value is not None}
    pntgtype = value_of(item, "pntgtype")
    if pntgtype is not None and pntgtype != "science":
        return pntgtype
    exp_type = value_of(item, "exp_type")
    if exp_type is None:
        raise LookupError("Exposure type cannot be determined")
    result = EXPTYPE_MEMBER_TYPE.get(exp_type, default)
    if result != "science":
        return result
    for special, column in SPECIAL_EXPOSURE_FLAGS:
        if value_of(item, column) is not None:
            return special
    return result


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
    if pupil == "maskbar" and detector in ("nrca1", "nrca2", "nrca3"):
        return False
    return not (pupil == "maskrnd" and detector in ("nrca1", "nrca3", "nrca4"))


def nissoss_calibrated_filter(item: Item) -> bool:
    """NIRISS SOSS: the filter has a calibration (others pass)."""
    if value_of(item, "exp_type") != "nis_soss":
        return True
    nis_filter = value_of(item, "filter")
    return nis_filter is not None and nis_filter not in NIS_SOSS_UNCALIBRATED_FILTERS

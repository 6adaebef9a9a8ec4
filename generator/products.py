"""Product names: how each rule names the product of an association.

Level 2 products take the root of their science exposure (``jw01234001001_02101_00001_nrca1``).
Level 3 products follow ``jw<program>-<acid>_<target>_<instrument>_<optical elements>...``;
some schemes keep a ``{source_id}`` or ``{slit_name}`` placeholder that the Stage 3 pipeline
fills in per source, exactly as DMS writes them.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from asnatlas.suffixes import remove_suffix

if TYPE_CHECKING:
    from asnatlas.candidate import Asn

UNDEFINED = "undefined"


def product_name(asn: Asn) -> str:
    """The product name `asn`'s rule gives it right now."""
    return _SCHEMES[asn.rule.product_name](asn)


def science_root(asn: Asn) -> str:
    """Level 2: the first science member's file name without directory and suffix."""
    science = asn.members_by_type("science")
    if not science:
        return UNDEFINED
    path = PurePosixPath(science[0]["expname"])
    stem = str(path.parent / path.stem) if str(path.parent) != "." else path.stem
    return remove_suffix(stem)


def _parts(asn: Asn) -> dict[str, str]:
    slit = asn.get_slit_name()
    subarray = asn.get_subarray()
    return {
        "program": asn.data["program"],
        "acid": asn.acid.id,
        "target": asn.get_target(),
        "instrument": asn.get_instrument(),
        "opt_elem": asn.get_opt_element(),
        "slit_name": "-" + slit if slit else "",
        "subarray": "-" + subarray if subarray else "",
    }


def level3_default(asn: Asn) -> str:
    p = _parts(asn)
    return (
        f"jw{p['program']}-{p['acid']}_{p['target']}_{p['instrument']}_{p['opt_elem']}"
        f"{p['slit_name']}{p['subarray']}"
    ).lower()


def level3_noopt(asn: Asn) -> str:
    return (
        f"jw{asn.data['program']}-{asn.acid.id}_{asn.get_target()}_{asn.get_instrument()}"
    ).lower()


def level3_sources(asn: Asn) -> str:
    p = _parts(asn)
    return (
        f"jw{p['program']}-{p['acid']}_{{source_id}}_{p['instrument']}_{p['opt_elem']}"
        f"{p['slit_name']}{p['subarray']}"
    ).lower()


def level3_nrsfs_sources(asn: Asn) -> str:
    p = _parts(asn)
    return (
        f"jw{p['program']}-{p['acid']}_{p['target']}-{{source_id}}_{p['instrument']}_"
        f"{p['opt_elem']}-{{slit_name}}{p['subarray']}"
    ).lower()


def level3_coronimage(asn: Asn) -> str:
    p = _parts(asn)
    return (
        f"jw{p['program']}-{p['acid']}_{p['target']}_{p['instrument']}_{p['opt_elem']}"
        f"{p['subarray']}-image3"
    ).lower()


def level3_wfscmb(asn: Asn) -> str:
    detector = asn.node("detector").value
    act_id = str(asn.node("act_id").value)
    return (f"{level3_default(asn)}-{detector}_{{suffix}}-{act_id:0>2s}").lower()


_SCHEMES = {
    "science": science_root,
    "lv3": level3_default,
    "wfss": level3_default,
    "noopt": level3_noopt,
    "sources": level3_sources,
    "nrsfs_sources": level3_nrsfs_sources,
    "coronimage": level3_coronimage,
    "wfscmb": level3_wfscmb,
}

"""Product names: how each rule names the product of an association.

Level 2 products take the root of their science exposure (``jw01234001001_02101_00001_nrca1``).
Level 3 products follow ``jw<program>-<acid>_<target>_<instrument>_<optical elements>...``;
some schemes keep a ``{source_id}`` or ``{slit_name}`` placeholder that the Stage 3 pipeline
fills in per source, exactly as DMS writes them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from asnatlas.conventions.suffixes import remove_suffix

if TYPE_CHECKING:
    from asnatlas.engine.candidate import Asn

UNDEFINED = "undefined"


def product_name(asn: Asn) -> str:
    """The product name `asn`'s rule gives it right now."""
    return _SCHEMES[asn.rule.product_name](asn)


def science_root(asn: Asn) -> str:
    """Level 2: the first science member's file name without directory and suffix."""
    science = asn.members_by_type("science")
    if not science:
        return UNDEFINED
    return _root_of(science[0]["expname"])


@lru_cache(maxsize=4096)
def _root_of(expname: str) -> str:
    # Cached: a Level 2 product is renamed after every member, from the same first one.
    return remove_suffix(path_stem(expname))


def path_stem(name: str) -> str:
    """``PurePosixPath(name)`` without its last suffix, as text (``a/b.fits`` -> ``a/b``).

    A name without a folder (all of a pool's) is cut by string operations, as pathlib
    does (a test proves them equal); other names go through pathlib, which normalises.
    """
    if "/" not in name and name not in ("", "."):
        dot = name.rfind(".")
        return name[:dot] if 0 < dot < len(name) - 1 else name
    path = PurePosixPath(name)
    return str(path.parent / path.stem) if str(path.parent) != "." else path.stem


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


# Level 3 name templates; "{{...}}" stays a literal placeholder that Stage 3 fills in.
_DEFAULT = "jw{program}-{acid}_{target}_{instrument}_{opt_elem}{slit_name}{subarray}"
_TEMPLATES = {
    "lv3": _DEFAULT,
    "wfss": _DEFAULT,
    "noopt": "jw{program}-{acid}_{target}_{instrument}",
    "sources": "jw{program}-{acid}_{{source_id}}_{instrument}_{opt_elem}{slit_name}{subarray}",
    "nrsfs_sources": ("jw{program}-{acid}_{target}-{{source_id}}_{instrument}_{opt_elem}"
                      "-{{slit_name}}{subarray}"),
    "coronimage": "jw{program}-{acid}_{target}_{instrument}_{opt_elem}{subarray}-image3",
}


def level3_default(asn: Asn) -> str:
    return _DEFAULT.format(**_parts(asn)).lower()


def level3_wfscmb(asn: Asn) -> str:
    """Wavefront-sensing pairs: the default name, the detector and the activity."""
    detector = asn.node("detector").value
    act_id = str(asn.node("act_id").value)
    return (f"{level3_default(asn)}-{detector}_{{suffix}}-{act_id:0>2s}").lower()


def _template(name: str):
    return lambda asn: _TEMPLATES[name].format(**_parts(asn)).lower()


_SCHEMES = {
    "science": science_root,
    "wfscmb": level3_wfscmb,
    **{name: _template(name) for name in _TEMPLATES},
}

"""``from-list``: an association made from a list of file names, as asn_from_list makes it.

Stage 3 (rule ``DMS_Level3_Base``): one product, named by the user, holding every file as a
science member. Stage 2 (rule ``DMSLevel2bBase``): one product per file, named after the file
(folders kept, extension and a known pipeline suffix dropped). Names are written as given.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from asnatlas import __version__
from asnatlas.conventions import suffixes
from asnatlas.conventions.naming import NamingError, parse_candidate_id
from asnatlas.conventions.vocabulary import DEGRADED_STATUS_OK
from asnatlas.errors import InputError

#: Rule names as the reference spells them, with our short aliases, -> the pipeline stage.
RULES: dict[str, str] = {
    "DMS_Level3_Base": "DMS_Level3_Base",
    "level3": "DMS_Level3_Base",
    "DMSLevel2bBase": "DMSLevel2bBase",
    "level2": "DMSLevel2bBase",
}
STAGE: dict[str, int] = {"DMS_Level3_Base": 3, "DMSLevel2bBase": 2}

#: What the reference writes without ``-i`` (its rules' default candidate id).
DEFAULT_ID = "a3001"


def rule_name(text: str) -> str:
    """The reference rule name for ``text`` (a rule name or an alias), or an `InputError`."""
    try:
        return RULES[text]
    except KeyError:
        raise InputError(f"-r: unknown rule {text!r}; expected one of "
                         + ", ".join(RULES)) from None


def stage2_product_name(expname: str) -> str:
    """The product name the reference gives a Stage 2 file: folder kept, extension and a
    known suffix dropped (``raw/jw..._nis_rate.fits`` -> ``raw/jw..._nis``)."""
    path = PurePath(expname)
    return suffixes.remove_suffix(str(path.parent / path.stem))


def _candidate_id(text: str, stage: int) -> str:
    try:
        acid = parse_candidate_id(text)
    except NamingError as err:
        raise InputError(f"-i: {err}") from None
    if stage == 2 and acid.kind not in ("observation", "candidate"):
        raise InputError(f"-i: {text!r}: a Stage 2 association id is oNNN (observation) or "
                         "c1NNN (candidate with a background)")
    return acid.format()


def from_list(files: list[str], *, rule: str = "DMS_Level3_Base",
              product_name: str | None = None, acid: str | None = None,
              background: list[str] | tuple[str, ...] = (),
              imprint: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """The association asn_from_list writes for ``files`` (``code_version`` aside).

    Differences, on purpose: ``acid`` is written (the reference always writes a3001);
    ``background`` and ``imprint`` files join every Stage 2 product. Raises `InputError`.
    """
    rule = rule_name(rule)
    stage = STAGE[rule]
    if not files:
        raise InputError("no files given")
    asn_id = _candidate_id(acid, stage) if acid is not None else DEFAULT_ID
    data: dict[str, Any] = {
        "asn_type": "None",
        "asn_rule": rule,
        "version_id": None,
        "code_version": __version__,
        "degraded_status": DEGRADED_STATUS_OK,
        "program": "noprogram",
        "constraints": "No constraints",
        "asn_id": asn_id,
    }
    if stage == 3:
        if product_name is None:
            raise InputError("--product-name is required for a Stage 3 association "
                             "(rule DMS_Level3_Base)")
        if background or imprint:
            raise InputError("--background and --imprint are for Stage 2 associations "
                             "(-r level2); add Stage 3 members with `asnatlas edit -a -t TYPE`")
        data["target"] = "none"
        data["asn_pool"] = "none"
        data["products"] = [{"name": product_name, "members": [
            {"expname": name, "exptype": "science"} for name in files]}]
        return data
    extra = [{"expname": name, "exptype": "background"} for name in background]
    extra += [{"expname": name, "exptype": "imprint"} for name in imprint]
    if asn_id.startswith("c") and not background:
        raise InputError(f"-i {asn_id}: a Stage 2 association with a candidate (c) id needs "
                         "a background member; add --background FILE or use an oNNN id")
    data["asn_pool"] = "none"
    data["products"] = [
        {"name": stage2_product_name(name),
         "members": [{"expname": name, "exptype": "science"}] + [dict(m) for m in extra]}
        for name in files
    ]
    return data

"""Why an association that an exposure matched was not written.

A rule can accept an exposure and still write no association with it: finalisation drops
associations (one observation in a multi-observation candidate, a slitless spectrum without
a direct image...), validity checks fail (no science member, wrong candidate type), and
duplicates are pruned. `fates` re-runs the engine for one rule over one candidate's rows
(the same `engine.run` and `finalize` the generator uses) and reports, for every exposure
in an association of that rule, what became of it: a dropped association's fate is worded
from the reason finalisation returns (`engine.finalize.Dropped`), never re-derived.
"""

from __future__ import annotations

from dataclasses import dataclass

from asnatlas.engine.candidate import Asn
from asnatlas.engine.finalize import Drop, Dropped, finalize
from asnatlas.engine.run import Ruleset, run
from asnatlas.model import Association
from asnatlas.rules.checks import VALIDITY


@dataclass(frozen=True)
class Fate:
    """What happened to an association of the rule holding an exposure that was not written.

    ``reason``: the sentence; ``condition``: the check that decided; ``written``: the file
    name of a written association it duplicated, if any.
    """

    reason: str
    condition: str
    expected: str
    actual: str
    written: str | None = None


def membership_key(asn_type: str, product: dict) -> tuple[str, frozenset]:
    """What makes two written associations the same: type and first product's members."""
    return asn_type, frozenset((m["expname"], m["exptype"]) for m in product["members"])


class WrittenIndex:
    """The written associations by membership and by product name (to name a duplicate)."""

    def __init__(self, associations: list[Association]):
        self.by_members: dict[tuple, Association] = {}
        self.by_product: dict[str, Association] = {}
        for asn in associations:
            products = asn.data.get("products") or []
            if not products:
                continue
            self.by_members.setdefault(membership_key(asn.asn_type, products[0]), asn)
            self.by_product.setdefault(products[0]["name"], asn)


def fates(rule_name: str, rules: list, items: list[dict], registry: str, pool_name: str,
          written: WrittenIndex) -> dict[str, list[Fate]]:
    """File name -> fates of the not-written associations of `rule_name` that held it.

    `rules` is the rule with the target-acquisition reprocessing rule (which offers
    acquisitions again to every association once the rest is done), in generator order.
    """
    out: dict[str, list[Fate]] = {}
    for asn in run(items, Ruleset(registry, rules), None, pool_name):
        if asn.rule.name != rule_name:
            continue
        names = sorted(asn.item_filenames)
        for name, fate in _fate(asn, written, names).items():
            out.setdefault(name, []).append(fate)
    return out


def _fate(asn: Asn, written: WrittenIndex, names: list[str]) -> dict[str, Fate]:
    rule = asn.rule.name
    kind = asn.rule.finalize
    results = finalize(asn)
    if isinstance(results, Dropped):
        return dict.fromkeys(names, _dropped(rule, kind, results, asn))
    fates: dict[str, Fate] = {}
    kept: dict[str, Asn] = {}
    for result in results:
        for product in result.products:
            for member in product["members"]:
                if member.item is not None:
                    kept.setdefault(member.item.get("filename"), result)
    for name in names:
        result = kept.get(name)
        if result is None:
            final = _written_as(results, written)
            where = " is written" if final is not None else " was kept"
            fates[name] = Fate(
                f"{rule}: the association{where} without this exposure itself "
                f"(finalisation step '{kind}': {_REMOVED.get(kind, 'not kept')})",
                f"kept at finalisation ({kind})", "kept", "removed",
                final.filename if final is not None else None)
            continue
        fates[name] = _pruned(rule, result, written)
    return fates


def _written_as(results: list[Asn], written: WrittenIndex) -> Association | None:
    for result in results:
        if result.products:
            key = membership_key(result.data["asn_type"], result.products[0])
            if key in written.by_members:
                return written.by_members[key]
    return None


_REMOVED = {
    "wfss": "direct images are replaced by the Stage 3 image they are combined into "
            "(its _i2d image, source catalog and segmentation map)",
    "wfss_parallel": "direct images are replaced by the Stage 3 image they are combined "
                     "into (its _i2d image, source catalog and segmentation map)",
    "imprint": "imprints are kept only for the science target and dither position",
    "imprint_nod": "imprints are kept only for the science target and dither position",
    "nod": "each nod's association takes the other nods as background, when they are valid",
    "fixedslit_bkg": "nodded spectra are rewritten as background of each other",
}


def _dropped(rule: str, kind: str, dropped: Dropped, asn: Asn) -> Fate:
    """The fate of an association finalisation dropped, from the reason it gave."""
    acid = asn.acid
    if dropped.why is Drop.ONE_OBSERVATION:
        shown = ", ".join(dropped.observations) or "none"
        return Fate(
            f"{rule}: a {acid.type} candidate ({acid.id}) makes this association only from "
            f"several observations; it had only observation {shown}, so it was dropped",
            "several observations in a multi-observation candidate", "2 or more observations",
            shown)
    if dropped.why is Drop.NO_DIRECT_IMAGE:
        return Fate(f"{rule}: no direct image joined the slitless spectra, so the "
                    "association was dropped", "a direct image with the spectra",
                    "a direct image", "none")
    if dropped.why is Drop.NO_SPECTRUM:
        return Fate(f"{rule}: only direct images, no slitless spectrum, so the "
                    "association was dropped", "a science (grism) member",
                    "a grism exposure", "none")
    for name in dropped.failed:
        check = VALIDITY[name]
        actual = "none"
        if check.shows == "candidate":
            actual = f"{acid.id} ({acid.type})"
        elif check.shows == "count":
            actual = "1 member"
        elif check.shows == "members":
            kinds = sorted({m["exptype"] for p in asn.products for m in p["members"]})
            actual = "members: " + ", ".join(kinds) if kinds else "no members"
        return Fate(f"{rule}: the association needs {check.condition}, so it was dropped "
                    f"(it has {actual})", check.condition, check.expected, actual)
    return Fate(f"{rule}: the association was dropped at finalisation (step '{kind}')",
                f"kept at finalisation ({kind})", "kept", "dropped")


def _pruned(rule: str, result: Asn, written: WrittenIndex) -> Fate:
    product = result.products[0]
    same = written.by_members.get(membership_key(result.data["asn_type"], product))
    if same is not None:
        return Fate(f"{rule}: its association has the same members as {same.filename} "
                    f"({same.rule.split('_', 1)[-1]}), which was written instead",
                    "no duplicate association", "unique members", same.filename,
                    same.filename)
    other = written.by_product.get(product["name"])
    if other is not None:
        return Fate(f"{rule}: another association makes the same product "
                    f"{product['name']} with more members ({other.filename}) and was "
                    "written instead", "no duplicate product", "unique product name",
                    other.filename, other.filename)
    return Fate(f"{rule}: its association duplicated another candidate's and was pruned",
                "no duplicate association", "unique members", "duplicate")

"""The site's plan: which pages exist, their names, and how they link to each other.

Plain data built once from the pools, the generator's output and the validation
verdicts; the templates only read it. Page names (Sphinx docnames) are made from
untrusted file names, so they are reduced to ``[a-z0-9_-]`` and made unique.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field

from asnatlas.conventions.candidates import parse_candidates
from asnatlas.model import Association, Exposure, Generated, exposures
from asnatlas.pool import NULL, Pool
from asnatlas.validate.problem import Problem

_UNSAFE = re.compile(r"[^a-z0-9_-]+")
MAX_SLUG = 60


def slug(text: str, fallback: str = "page") -> str:
    """A file-system and URL safe name for ``text``."""
    out = _UNSAFE.sub("-", text.lower()).strip("-")[:MAX_SLUG].strip("-")
    return out or fallback


def unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``... whichever is not in ``taken`` (then taken)."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}-{n}"
    taken.add(candidate)
    return candidate


def relative(target: str, source: str) -> str:
    """The relative URL from page ``source`` to page ``target`` (docnames, HTML builder)."""
    return posixpath.relpath(target + ".html", posixpath.dirname(source) or ".")


def candidates_of(row: dict[str, str]) -> list[tuple[str, str]]:
    """The (id, type) pairs of a row's ``asn_candidate`` value."""
    return list(parse_candidates(row.get("asn_candidate", "")))


@dataclass
class Membership:
    """One place an exposure appears: an association, a product, a member type."""

    asn: AsnPage
    product: str
    exptype: str


@dataclass
class AsnPage:
    asn: Association
    docname: str
    problems: list[Problem]
    verdict: str  # "valid", "valid with warnings" or "invalid"


@dataclass
class ExpPage:
    exposure: Exposure
    docname: str
    memberships: list[Membership] = field(default_factory=list)


@dataclass
class PoolPage:
    pool: Pool
    generated: Generated
    docname: str
    asns: list[AsnPage]
    exps: list[ExpPage]

    @property
    def name(self) -> str:
        return self.pool.name

    @property
    def orphans(self) -> list[ExpPage]:
        return [self.exps[i] for i in self.generated.orphans if 0 <= i < len(self.exps)]

    def values(self, column: str) -> list[str]:
        """The distinct non-null values of a column, in sorted order."""
        return sorted({r.get(column, NULL) for r in self.pool.rows} - {NULL, ""})

    def candidates(self) -> list[dict]:
        """Every candidate named in the pool: id, type, exposure count, associations."""
        counts: Counter[tuple[str, str]] = Counter()
        for row in self.pool.rows:
            for pair in dict.fromkeys(candidates_of(row)):
                counts[pair] += 1
        by_id: dict[str, list[AsnPage]] = {}
        for page in self.asns:
            by_id.setdefault(page.asn.data.get("asn_id", ""), []).append(page)
        return [
            {"id": cid, "type": ctype, "exposures": n, "asns": by_id.get(cid, [])}
            for (cid, ctype), n in sorted(counts.items())
        ]

    def by_stage_and_type(self) -> list[tuple[int, str, list[AsnPage]]]:
        groups: dict[tuple[int, str], list[AsnPage]] = {}
        for page in self.asns:
            key = (page.asn.stage, str(page.asn.data.get("asn_type", "")))
            groups.setdefault(key, []).append(page)
        return [(stage, kind, pages) for (stage, kind), pages in sorted(groups.items())]


@dataclass
class Site:
    pools: list[PoolPage]
    #: ``asnatlas.toolkit.Comparison`` of the associations against ``build --compare DIR``
    comparison: object | None = None

    @property
    def association_count(self) -> int:
        return sum(len(p.asns) for p in self.pools)

    @property
    def exposure_count(self) -> int:
        return sum(len(p.exps) for p in self.pools)

    @property
    def orphan_count(self) -> int:
        return sum(len(p.orphans) for p in self.pools)

    @property
    def invalid_count(self) -> int:
        return sum(1 for p in self.pools for a in p.asns if a.verdict == "invalid")


def _asn_slug(asn: Association, taken: set[str]) -> str:
    return unique(slug(asn.filename.removesuffix("_asn.json"), "association"), taken)


def verdict(problems: list[Problem]) -> str:
    if any(p.severity == "error" for p in problems):
        return "invalid"
    return "valid with warnings" if problems else "valid"


def plan(runs: list[tuple[Pool, Generated, list[list[Problem]]]]) -> Site:
    """Name every page. ``runs`` holds, per pool, the generator output and, per
    association, its validation problems."""
    pool_slugs: set[str] = {"index"}
    pages: list[PoolPage] = []
    for pool, generated, problems in runs:
        stem = pool.name.rsplit(".", 1)[0]
        base = f"pools/{unique(slug(stem, 'pool'), pool_slugs)}"
        taken: set[str] = {"index"}
        asns = [
            AsnPage(asn, f"{base}/asn/{_asn_slug(asn, taken)}", probs, verdict(probs))
            for asn, probs in zip(generated.associations, problems, strict=True)
        ]
        taken = {"index"}
        exps = []
        for exposure in exposures(pool):
            stem = exposure.filename.removesuffix(".fits").removesuffix("_uncal")
            name = unique(slug(stem, f"row{exposure.index + 1}"), taken)
            exps.append(ExpPage(exposure, f"{base}/exp/{name}"))
        for page in asns:
            for product, rows in zip(page.asn.data.get("products", []), page.asn.member_rows,
                                     strict=False):
                members = product.get("members", [])
                for member, row in zip(members, rows, strict=False):
                    if 0 <= row < len(exps):
                        exps[row].memberships.append(
                            Membership(page, str(product.get("name", "")),
                                       str(member.get("exptype", "")))
                        )
        pages.append(PoolPage(pool, generated, f"{base}/index", asns, exps))
    return Site(pages)

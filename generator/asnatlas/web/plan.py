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
    """One exposure. Its details are shown by the pool's exposure page (``docname``, one
    per pool) at ``#anchor``, from a data file: one HTML page per exposure would make a
    40,000-row program a 40,000-page site."""

    exposure: Exposure
    docname: str
    anchor: str
    memberships: list[Membership] = field(default_factory=list)
    #: Why the row is not an exposure, or that it repeats an earlier row (or "").
    note: str = ""

    def href(self, source: str) -> str:
        """The relative URL of this exposure's details from page ``source``."""
        return f"{relative(self.docname, source)}#{self.anchor}"

    @property
    def is_data(self) -> bool:
        """False for placeholder and repeated-header rows (never counted as data)."""
        return not self.note.startswith("placeholder")


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
        """Exposures in no association (placeholder rows are not exposures)."""
        return [self.exps[i] for i in self.generated.orphans
                if 0 <= i < len(self.exps) and self.exps[i].is_data]

    @property
    def placeholders(self) -> list[ExpPage]:
        return [exp for exp in self.exps if not exp.is_data]

    def values(self, column: str) -> list[str]:
        """The distinct non-null values of a column over the data rows (not placeholder or
        repeated-header rows), numbers in numeric order."""
        values = {exp.exposure.get(column) for exp in self.exps if exp.is_data} - {NULL, ""}
        return sorted(values, key=natural_key)

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


def natural_key(text: str) -> tuple:
    """Sort key putting numbers in numeric order ("2" before "10"), text after them."""
    try:
        return (0, float(text), text)
    except ValueError:
        return (1, 0.0, text)


def row_notes(pool: Pool) -> dict[int, str]:
    """Per row index, why the row is not (or not only) an exposure, from the pool reader's
    own warnings (`asnatlas.pool.row_warnings`): placeholder rows, rows without a file
    name, repeated file names."""
    from asnatlas.pool import row_warnings, warnings_by_row

    return {row: found[-1].message
            for row, found in warnings_by_row(pool, row_warnings(pool)).items()}


def pool_bases(names: list[str]) -> list[str]:
    """The folder of each pool's pages (``pools/<slug>``), unique, in the given order.

    Decided from the pools' file names alone, before any pool is read, so that pools can
    be generated and rendered in separate processes.
    """
    taken: set[str] = {"index"}
    return [f"pools/{unique(slug(name.rsplit('.', 1)[0], 'pool'), taken)}" for name in names]


def pool_page(pool: Pool, generated: Generated, problems: list[list[Problem]],
              base: str) -> PoolPage:
    """Name every page of one pool below ``base``; ``problems`` holds, per association,
    its validation problems."""
    taken: set[str] = {"index"}
    asns = [
        AsnPage(asn, f"{base}/asn/{_asn_slug(asn, taken)}", probs, verdict(probs))
        for asn, probs in zip(generated.associations, problems, strict=True)
    ]
    notes = row_notes(pool)
    exps = [ExpPage(exposure, f"{base}/exposure", f"row-{exposure.index + 1}",
                    note=notes.get(exposure.index, ""))
            for exposure in exposures(pool)]
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
    return PoolPage(pool, generated, f"{base}/index", asns, exps)


def plan(runs: list[tuple[Pool, Generated, list[list[Problem]]]]) -> Site:
    """Name every page. ``runs`` holds, per pool, the generator output and, per
    association, its validation problems."""
    bases = pool_bases([pool.name for pool, _, _ in runs])
    return Site([pool_page(pool, generated, problems, base)
                 for (pool, generated, problems), base in zip(runs, bases, strict=True)])


@dataclass(frozen=True)
class PoolSummary:
    """What the home page says about one pool (small, so pools can be built apart)."""

    name: str
    docname: str
    exposures: int
    associations: int
    orphans: int
    invalid: int

    @classmethod
    def of(cls, page: PoolPage) -> PoolSummary:
        return cls(page.name, page.docname, sum(1 for e in page.exps if e.is_data),
                   len(page.asns), len(page.orphans),
                   sum(1 for a in page.asns if a.verdict == "invalid"))


@dataclass(frozen=True)
class SiteSummary:
    pools: tuple[PoolSummary, ...]

    @property
    def exposure_count(self) -> int:
        return sum(p.exposures for p in self.pools)

    @property
    def association_count(self) -> int:
        return sum(p.associations for p in self.pools)

    @property
    def orphan_count(self) -> int:
        return sum(p.orphans for p in self.pools)

    @property
    def invalid_count(self) -> int:
        return sum(p.invalid for p in self.pools)

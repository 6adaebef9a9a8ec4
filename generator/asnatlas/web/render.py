"""Render the site's MyST pages from Jinja2 templates.

Two Jinja2 environments share the ``asnatlas.templates`` folder: ``*.md.j2`` pages are
MyST, where every ``{{ value }}`` is MyST-escaped (`asnatlas.web.escape.myst_finalize`);
``*.html.j2`` fragments are HTML with autoescaping, embedded in pages as raw HTML blocks
for the large tables, lists and diagrams (cheap for Sphinx, still indexed for search).
"""

from __future__ import annotations

import json
import posixpath
import re
from functools import cache
from typing import Any

import jinja2

from asnatlas import toolkit
from asnatlas.conventions import catalogue, naming
from asnatlas.resources import folder as shipped_folder
from asnatlas.web import diagram
from asnatlas.web.escape import MystSafe, fence, html_block, html_finalize
from asnatlas.web.escape import myst_finalize as _finalize
from asnatlas.web.plan import AsnPage, ExpPage, PoolPage, Site, candidates_of, relative

#: The columns of a pool shown in the exposure table (when the pool has them).
TABLE_COLUMNS = ("exp_type", "instrume", "detector", "obs_num", "visit", "filter", "pupil",
                 "targname")


_DOCNAME = re.compile(r"[a-z0-9_-]+(/[a-z0-9_-]+)*")


def _template_dir() -> str:
    return str(shipped_folder("templates"))


@cache
def _environments() -> tuple[jinja2.Environment, jinja2.Environment]:
    loader = jinja2.FileSystemLoader(_template_dir())
    common: dict[str, Any] = {
        "loader": loader,
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    md = jinja2.Environment(autoescape=False, finalize=_finalize, **common)
    html = jinja2.Environment(autoescape=True, finalize=html_finalize, **common)
    md.globals.update(html=_html, fence=fence, relative=relative, docref=docref)
    html.globals.update(relative=relative)
    return md, html


def docref(target: str, source: str) -> MystSafe:
    """A toctree entry: the docname ``target`` relative to the page ``source``."""
    if not _DOCNAME.fullmatch(target):
        raise ValueError(f"unsafe docname {target!r}")
    return MystSafe(posixpath.relpath(target, posixpath.dirname(source) or "."))


def _html(template: str, **context: Any) -> MystSafe:
    """Render an HTML fragment and wrap it as a raw HTML block for a MyST page."""
    return html_block(_environments()[1].get_template(template).render(**context))


def render(template: str, **context: Any) -> str:
    """Render one MyST page."""
    return _environments()[0].get_template(template).render(**context)


def decode(name: str) -> tuple[str, list[tuple[str, str]], str | None]:
    """A JWST name's kind and fields, or the reason it is not a standard name."""
    try:
        parsed = naming.parse_name(name)
    except naming.NamingError as err:
        return "non-standard name", [], str(err)
    if isinstance(parsed, naming.ExposureName):
        fields = [
            ("program", f"{parsed.program:05d}"),
            ("observation", f"{parsed.observation:03d}"),
            ("visit", f"{parsed.visit:03d}"),
            ("visit group", f"{parsed.visit_group:02d}"),
            ("parallel sequence", str(parsed.sequence)),
            ("activity", f"{parsed.activity_id} (base 36: {parsed.activity})"),
            ("exposure", f"{parsed.exposure:05d}"),
        ]
        if parsed.segment is not None:
            fields.append(("segment", f"{parsed.segment:03d}"))
        fields.append(("detector", parsed.detector))
        if parsed.acid is not None:
            fields.append(("candidate", parsed.acid))
        if parsed.suffix is not None:
            fields.append(("product type", _suffix(parsed.suffix)))
        if parsed.extension is not None:
            fields.append(("extension", parsed.extension))
        return "exposure name", fields, None
    if isinstance(parsed, naming.ProductName):
        fields = [
            ("program", f"{parsed.program:05d}"),
            ("candidate", _candidate(parsed.acid)),
            ("target or source", parsed.target),
        ]
        if parsed.source is not None:
            fields.append(("source", parsed.source))
        if parsed.epoch is not None:
            fields.append(("epoch", str(parsed.epoch)))
        fields.append(("instrument", parsed.instrument))
        if parsed.opt_elements:
            fields.append(("optical elements", "-".join(parsed.opt_elements)))
        if parsed.suffix is not None:
            fields.append(("product type", _suffix(parsed.suffix)))
        return "Stage 3 product name", fields, None
    fields = [("program", f"{parsed.program:05d}"), ("candidate", _candidate(parsed.acid))]
    if parsed.version is not None:
        fields.append(("version", parsed.version))
    fields += [("association type", parsed.asn_type), ("sequence", f"{parsed.sequence:05d}"),
               ("ending", "_asn.json")]
    return "association file name", fields, None


def _candidate(acid: str) -> str:
    try:
        return f"{acid} ({naming.parse_candidate_id(acid).kind})"
    except naming.NamingError:
        return acid


def _suffix(suffix: str) -> str:
    product = catalogue.product_type(suffix)
    return suffix if product is None else f"{suffix}: {product.description}"


def pipeline_of(asn_type: str) -> str:
    kind = catalogue.asn_type(asn_type)
    return "unknown association type" if kind is None else ", ".join(kind.pipelines)


def association_diagram(page: AsnPage, pool: PoolPage) -> MystSafe:
    """The SVG diagram of one association, with links to its members' exposure pages."""
    asn = page.asn
    rows: list[int] = []
    for product_rows in asn.member_rows:
        for row in product_rows:
            if row not in rows and 0 <= row < len(pool.exps):
                rows.append(row)
    row_links = [(f"row {r + 1}", relative(pool.exps[r].docname, page.docname)) for r in rows]
    products = []
    for p, product in enumerate(asn.data.get("products", [])):
        member_rows = asn.member_rows[p] if p < len(asn.member_rows) else []
        members = []
        for m, member in enumerate(product.get("members", [])):
            row = member_rows[m] if m < len(member_rows) else -1
            href = relative(pool.exps[row].docname, page.docname) if 0 <= row < len(
                pool.exps) else None
            label = f"{member.get('exptype', '')}: {member.get('expname', '')}"
            members.append((label, href, rows.index(row) if row in rows else None))
        products.append((str(product.get("name", "")), members))
    drawing = diagram.build(row_links, str(asn.data.get("asn_id", "")), asn.filename, products)
    svg = diagram.render(drawing, f"How {asn.filename} was formed")
    return html_block(f'<div class="asn-diagram-box">\n{svg}\n</div>')


def pages(site: Site, validator: bool) -> dict[str, str]:
    """Every MyST page of the site: docname -> text."""
    out: dict[str, str] = {}
    out["index"] = render("index.md.j2", site=site, validator=validator)
    out["pools/index"] = render("pools.md.j2", site=site)
    out["reference"] = render("reference.md.j2", reference=reference_context())
    for pool in site.pools:
        reasons = explanation_lines(pool)
        orphan_reasons = {exp.docname: reasons.get(exp.exposure.index, [])[:_ORPHAN_REASONS]
                          for exp in pool.orphans}
        out[pool.docname] = render("pool.md.j2", pool=pool, columns=_columns(pool),
                                   candidates_of=candidates_of, orphan_reasons=orphan_reasons,
                                   compare_summary=_compare_summary(site, pool))
        for page in pool.asns:
            out[page.docname] = render_association(
                page, pool, compare=toolkit.verdict_view(site.comparison, page.docname))
        for exp in pool.exps:
            out[exp.docname] = render_exposure(
                exp, pool, explanations=reasons.get(exp.exposure.index, []))
    return out


_ORPHAN_REASONS = 3  # reasons shown per orphan on a pool page (all are on its own page)


def explanation_lines(pool: PoolPage) -> dict[int, list[str]]:
    """Per pool row, why it was not taken by the rules that could have taken it.

    The reasons come from `asnatlas.explain.explainer`, i.e. from the generator's own rules;
    they are plain text (the templates escape them).
    """
    from asnatlas.explain.explainer import explanations_by_row

    by_row = explanations_by_row(pool.pool, pool.generated)
    return {
        row: [_reason_line(rejected) for rejected in explanation.rejected]
        for row, explanation in by_row.items()
    }


def _reason_line(rejected) -> str:
    where = rejected.candidate or ""
    return f"{rejected.reason} [{rejected.kind}{', ' + where if where else ''}]"


def _columns(pool: PoolPage) -> list[str]:
    return [c for c in TABLE_COLUMNS if c in pool.pool.columns]


def _compare_summary(site: Site, pool: PoolPage) -> dict[str, Any] | None:
    """The pool page's summary of ``build --compare DIR`` (None without it)."""
    def programs(p: PoolPage) -> set[str]:
        return {str(page.asn.data.get("program", "")) for page in p.asns}

    return toolkit.summary_view(
        site.comparison, [(page.docname, page.asn.filename) for page in pool.asns],
        programs(pool), set().union(*(programs(p) for p in site.pools)))


def render_association(page: AsnPage, pool: PoolPage, compare: dict | None = None) -> str:
    asn = page.asn
    kind, fields, error = decode(asn.filename)
    products = []
    for p, product in enumerate(asn.data.get("products", [])):
        rows = asn.member_rows[p] if p < len(asn.member_rows) else []
        members = []
        for m, member in enumerate(product.get("members", [])):
            row = rows[m] if m < len(rows) else -1
            exp = pool.exps[row] if 0 <= row < len(pool.exps) else None
            expname = str(member.get("expname", ""))
            members.append({
                "member": member,
                "expname": expname,
                "decoded": decode(expname),
                "href": relative(exp.docname, page.docname) if exp else None,
                "row": row + 1 if exp else None,
            })
        name = str(product.get("name", ""))
        products.append({"name": name, "decoded": decode(name), "members": members})
    return render(
        "association.md.j2", page=page, pool=pool, asn=asn, data=asn.data, kind=kind,
        fields=fields, error=error, products=products, pipeline=pipeline_of(asn.asn_type),
        candidate=_candidate(str(asn.data.get("asn_id", ""))),
        diagram=association_diagram(page, pool), json_text=asn.to_json(),
        json_href=posix_name(page.docname) + ".json", compare=compare,
    )


def posix_name(docname: str) -> str:
    return docname.rsplit("/", 1)[-1]


def render_exposure(exp: ExpPage, pool: PoolPage, explanations: list | None = None) -> str:
    kind, fields, error = decode(exp.exposure.filename)
    return render(
        "exposure.md.j2", exp=exp, pool=pool, kind=kind, fields=fields, error=error,
        row=exp.exposure.row, candidates=candidates_of(dict(exp.exposure.row)),
        explanations=explanations or [],
    )


@cache
def reference_tables() -> dict[str, Any]:
    """The two overview tables of association contents and kinds (our own data file)."""
    text = shipped_folder("site").joinpath("reference_tables.json").read_text("utf-8")
    return json.loads(text)


EXAMPLE_NAMES = (
    "jw01234001001_02101_00001_nrca1_uncal.fits",
    "jw01234004001_0310a_00002-seg001_nrs1_rate.fits",
    "jw01234-o001_t001_nircam_clear-f200w_i2d.fits",
    "jw01234-c1000_s000000123_nirspec_f170lp-g235m_x1d.fits",
    "jw01234-o001_20261123t000000_image3_00001_asn.json",
)


def reference_context() -> dict[str, Any]:
    return {
        "products": catalogue.product_types(),
        "asn_types": catalogue.asn_types(),
        "examples": [(name, *decode(name)) for name in EXAMPLE_NAMES],
        "tables": reference_tables(),
    }

"""Render the site's pages and data files from Jinja2 templates.

Site-wide pages, pool pages and the exposure page are MyST for Sphinx; association pages
are HTML articles written into a page shell that Sphinx renders once per pool (same theme,
navigation and search, without thousands of Sphinx documents); large tables and exposure
details are ``.js`` data files (`asnatlas.web.tables`).

Two Jinja2 environments share the ``asnatlas.templates`` folder: ``*.md.j2`` pages are
MyST, where every ``{{ value }}`` is MyST-escaped (`asnatlas.web.escape.myst_finalize`);
``*.html.j2`` fragments are HTML with autoescaping, embedded in pages as raw HTML blocks
for the large tables, lists and diagrams (cheap for Sphinx, still indexed for search).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from asnatlas import toolkit
from asnatlas.conventions import catalogue, naming
from asnatlas.pool import NULL
from asnatlas.resources import folder as shipped_folder
from asnatlas.web import diagram
from asnatlas.web import tables as tables_mod
from asnatlas.web.escape import MystSafe, fence, html_block, html_finalize
from asnatlas.web.escape import myst_finalize as _finalize
from asnatlas.web.plan import (
    AsnPage,
    ExpPage,
    PoolPage,
    PoolSummary,
    SiteSummary,
    candidates_of,
    relative,
)

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
    md.globals.update(html=_html, raw=html_block, fence=fence, relative=relative, docref=docref)
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
        return "non-standard name", [], _naming_hint(str(err))
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


def _naming_hint(message: str) -> str:
    """What a standard name looks like, from the parser's message (which repeats the name
    and "standard JWST name": the page says that once, itself)."""
    marker = "expected a standard JWST name: "
    return message.split(marker, 1)[1] if marker in message else message.rsplit(": ", 1)[-1]


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
    """The SVG diagram of one association, with links to its members' exposures.

    Labels show only the part of the names that differs between members; lists longer
    than `diagram.FOLD` fold into counts by member type (the table below lists them all).
    """
    asn = page.asn
    rows: list[int] = []
    for product_rows in asn.member_rows:
        for row in product_rows:
            if row not in rows and 0 <= row < len(pool.exps):
                rows.append(row)
    row_links = [(f"row {r + 1}", pool.exps[r].href(page.docname)) for r in rows]
    products = []
    for p, product in enumerate(asn.data.get("products", [])):
        member_rows = asn.member_rows[p] if p < len(asn.member_rows) else []
        members = []
        for m, member in enumerate(product.get("members", [])):
            row = member_rows[m] if m < len(member_rows) else -1
            href = pool.exps[row].href(page.docname) if 0 <= row < len(pool.exps) else None
            members.append((str(member.get("exptype", "")), str(member.get("expname", "")),
                            href))
        products.append((str(product.get("name", "")), members))
    drawing = diagram.build(row_links, str(asn.data.get("asn_id", "")), asn.filename, products)
    svg = diagram.render(drawing, f"How {asn.filename} was formed")
    return Markup('<div class="asn-diagram-box">\n{}\n</div>').format(svg)


_ORPHAN_REASONS = 3  # reasons shown per orphan in the pool's orphan groups
_GROUP_LIST = 40  # exposures listed per orphan group on the pool page (all in the table)
_MAX_GROUPS = 30  # orphan groups shown on the pool page
_MAX_WARNINGS = 50  # pool-reading warnings listed on the pool page
CHUNK = 200  # exposures per details data file of the exposure page
#: Pool columns shown by default in the exposure table (the others are in the chooser):
#: these fit an 896 px column with the file name.
VISIBLE_COLUMNS = ("exp_type", "detector", "obs_num", "filter", "pupil")
JSON_SHOWN = 40_000  # characters of an association file shown on its page


def explanations(pool: PoolPage) -> dict[int, list]:
    from asnatlas.explain.explainer import explanations_by_row

    by_row = explanations_by_row(pool.pool, pool.generated)
    return {row: list(explanation.rejected) for row, explanation in by_row.items()}


def _reason_line(rejected) -> str:
    where = rejected.candidate or ""
    return f"{rejected.reason} [{rejected.kind}{', ' + where if where else ''}]"


@dataclass
class PoolOutput:
    """Everything one pool contributes to the site (plain strings: picklable)."""

    summary: PoolSummary
    #: MyST sources for Sphinx: docname -> text.
    sources: dict[str, str] = field(default_factory=dict)
    #: Association pages written into the pool's page shell: docname -> (title, body).
    direct: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Data files, downloads and other files copied as they are: path -> text.
    files: dict[str, str] = field(default_factory=dict)
    #: The find box's entries: (name, kind, URL from the site root).
    names: list[tuple[str, str, str]] = field(default_factory=list)


#: The pool being rendered, for the forked workers of `_parallel` (inherited, not pickled).
_POOL: dict = {}
_PARALLEL_MIN = 400  # associations from which one pool's pages are rendered in parallel


def _explain_job() -> dict[int, list]:
    return explanations(_POOL["pool"])


def _asn_job(start: int, stop: int) -> list[tuple[str, str, str, dict[str, str]]]:
    pool, comparison = _POOL["pool"], _POOL.get("comparison")
    return [(page.docname, *render_association(page, pool, _verdict(comparison, page)))
            for page in pool.asns[start:stop]]


def _verdict(comparison: toolkit.Comparison | None, page: AsnPage) -> dict | None:
    """What ``build --compare DIR`` says of one association page (None without it)."""
    return toolkit.verdict_view(comparison, page.docname)


def _compare_summary(comparison: toolkit.Comparison | None, pool: PoolPage) -> dict | None:
    """The pool page's summary of ``build --compare DIR`` (None without it): the folder's
    files that match none of this pool's associations are listed when they belong to one
    of the pool's programs (pools are built apart, so another pool's files stay off)."""
    if comparison is None:
        return None
    programs = {str(page.asn.data.get("program", "")) for page in pool.asns}
    return toolkit.summary_view(
        comparison, [(page.docname, page.asn.filename) for page in pool.asns],
        programs, programs | set(comparison.programs.values()))


def _parallel(pool: PoolPage, jobs: int, comparison: toolkit.Comparison | None = None):
    """The explanations and the association pages of one large pool, computed by ``jobs``
    forked processes; None when not worth it (or fork is unavailable)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if (jobs <= 1 or len(pool.asns) < _PARALLEL_MIN
            or "fork" not in multiprocessing.get_all_start_methods()):
        return None
    _POOL["pool"] = pool
    _POOL["comparison"] = comparison
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, mp_context=context) as workers:
            why = workers.submit(_explain_job)
            size = -(-len(pool.asns) // (4 * jobs))
            chunks = [workers.submit(_asn_job, start, start + size)
                      for start in range(0, len(pool.asns), size)]
            return why.result(), [item for chunk in chunks for item in chunk.result()]
    finally:
        _POOL.clear()


def render_pool(pool: PoolPage, jobs: int = 1,
                comparison: toolkit.Comparison | None = None) -> PoolOutput:
    """Every page and data file of one pool (``jobs`` processes for a large pool); with
    ``comparison``, what ``build --compare DIR`` found for each association."""
    out = PoolOutput(PoolSummary.of(pool))
    done = _parallel(pool, jobs, comparison)
    why = done[0] if done else explanations(pool)
    base = pool.docname.rsplit("/", 1)[0]
    tables = pool_tables(pool, why)
    table_html = {}
    for key, table in tables.items():
        src = None
        if tables_mod.needs_file(table):
            out.files[f"{base}/data/{key}.js"] = tables_mod.data_file(table)
            src = f"data/{key}.js"
        table_html[key] = tables_mod.html(table, src)
    groups = orphan_groups(pool, why)
    out.sources[pool.docname] = render(
        "pool.md.j2", pool=pool, overview=overview(pool), tables=table_html,
        groups=groups[:_MAX_GROUPS], more_groups=len(groups) - _MAX_GROUPS,
        group_list=_GROUP_LIST, warnings=pool.pool.warnings[:_MAX_WARNINGS],
        more_warnings=len(pool.pool.warnings) - _MAX_WARNINGS,
        summary=summary_context(pool), compare_summary=_compare_summary(comparison, pool))
    exposure_doc = f"{base}/exposure"
    first = tables_mod.DataTable(
        "pick", "exposures", [tables_mod.Column("row", "Row", "number"),
                              tables_mod.Column("name", "File name", "link")],
        [[e.exposure.index + 1, (e.exposure.filename, f"#{e.anchor}")]
         for e in pool.exps[:tables_mod.STATIC_ROWS]])
    out.sources[exposure_doc] = render(
        "exposure.md.j2", pool=pool, chunk=CHUNK, first=tables_mod.html(first, None),
        count=len(pool.exps))
    out.sources[f"{base}/asn/index"] = render("asn_shell.md.j2", title=SHELL_TITLE)
    for start in range(0, len(pool.exps), CHUNK):
        key = f"exp-{start // CHUNK:04d}"
        rows = [exposure_details(exp, pool, why.get(exp.exposure.index, []))
                for exp in pool.exps[start:start + CHUNK]]
        out.files[f"{base}/data/{key}.js"] = tables_mod.data_value(
            key, {"pool": pool.name, "first": start + 1, "rows": rows})
    rendered = done[1] if done else [
        (page.docname, *render_association(page, pool, _verdict(comparison, page)))
        for page in pool.asns]
    for page, (docname, title, body, extra) in zip(pool.asns, rendered, strict=True):
        out.direct[docname] = (title, body)
        out.files.update(extra)
        out.files[f"{page.docname}.json"] = page.asn.to_json() + "\n"
    out.names = find_names(pool)
    return out


def find_names(pool: PoolPage) -> list[tuple[str, str, str]]:
    """The names the find box knows for one pool: exposures, associations, products and
    candidates, with the URL of their page from the site root."""
    names: list[tuple[str, str, str]] = []
    for exp in pool.exps:
        if exp.is_data:
            names.append((exp.exposure.filename, "exposure", f"{exp.docname}.html#{exp.anchor}"))
    seen_products: set[str] = set()
    for page in pool.asns:
        names.append((page.asn.filename, "association", f"{page.docname}.html"))
        for product in page.asn.data.get("products", []):
            name = str(product.get("name", ""))
            if name and name not in seen_products:
                seen_products.add(name)
                names.append((name, "product", f"{page.docname}.html"))
    for candidate in pool.candidates():
        names.append((candidate["id"], f"candidate ({candidate['type']})",
                      f"{pool.docname}.html#filter={candidate['id']}"))
    return names


def find_index(entries: list[tuple[str, str, str, str]]) -> str:
    """The find box's data file: every name of the site, sorted, with kind, pool and URL."""
    rows = sorted(set(entries), key=lambda e: (e[0].lower(), e[1], e[2], e[3]))
    return tables_mod.data_value("find", [list(r) for r in rows])


def summary_context(pool: PoolPage) -> dict[str, Any]:
    stages = Counter(page.asn.stage for page in pool.asns)
    return {
        "programs": pool.values("program"), "instruments": pool.values("instrume"),
        "observations": pool.values("obs_num"), "exposures": sum(e.is_data for e in pool.exps),
        "placeholders": len(pool.placeholders), "associations": len(pool.asns),
        "stage2": stages.get(2, 0), "stage3": stages.get(3, 0), "orphans": len(pool.orphans),
        "invalid": sum(1 for a in pool.asns if a.verdict == "invalid"),
        "duplicates": sum(1 for e in pool.exps if " repeats " in e.note),
    }


def _pool_column(pool: PoolPage, column: str) -> tuple[str, list]:
    values = [exp.exposure.get(column) for exp in pool.exps]
    # A column is numeric when every value of a data row is a number (placeholder rows
    # hold column names).
    data = [v for v, exp in zip(values, pool.exps, strict=True)
            if exp.is_data and v not in (NULL, "")]
    if data and all(tables_mod.number(v) is not None for v in data):
        return "number", [tables_mod.number(v) for v in values]
    return "text", [None if v == NULL else v for v in values]


def pool_tables(pool: PoolPage, why: dict[int, list]) -> dict[str, tables_mod.DataTable]:
    """The pool page's tables: exposures (every pool column), associations, candidates,
    orphans."""
    Column = tables_mod.Column
    here = pool.docname
    columns = [c for c in pool.pool.columns if c != "filename"]
    pool_columns = [_pool_column(pool, c) for c in columns]
    exp_columns = [Column("row", "Row", "number"), Column("filename", "File name", "link")]
    exp_columns += [Column(c, c, kind, c in VISIBLE_COLUMNS)
                    for c, (kind, _) in zip(columns, pool_columns, strict=True)]
    exp_columns += [Column("asns", "Associations", "number"),
                    Column("candidates", "Candidates", "text", False)]
    exp_rows = []
    for i, exp in enumerate(pool.exps):
        row: list = [exp.exposure.index + 1, (exp.exposure.filename, exp.href(here))]
        row += [values[i] for _, values in pool_columns]
        row += [len(exp.memberships), " ".join(c for c, _ in candidates_of(exp.exposure.row))]
        exp_rows.append(row)
    asn_rows = []
    for page in pool.asns:
        data = page.asn.data
        asn_rows.append([
            (page.asn.filename, relative(page.docname, here)), page.asn.stage,
            str(data.get("asn_type", "")), str(data.get("asn_id", "")),
            len(data.get("products", [])),
            sum(len(p.get("members", [])) for p in data.get("products", [])), page.verdict,
            str(data.get("asn_rule", ""))])
    cand_rows = []
    for c in pool.candidates():
        kinds = Counter(a.asn.asn_type for a in c["asns"])
        cand_rows.append([c["id"], c["type"], c["exposures"], len(c["asns"]),
                          ", ".join(f"{k} ({n})" for k, n in sorted(kinds.items())) or "none"])
    orphan_rows = []
    for exp in pool.orphans:
        reasons = [_reason_line(r) for r in why.get(exp.exposure.index, [])]
        orphan_rows.append([exp.exposure.index + 1, (exp.exposure.filename, exp.href(here)),
                            exp.exposure.exp_type, exp.exposure.get("obs_num"),
                            reasons[0] if reasons else "no rule could take it"])
    return {
        "exposures": tables_mod.DataTable("exposures", "exposures", exp_columns, exp_rows),
        "associations": tables_mod.DataTable("associations", "associations", [
            Column("name", "Association", "link"), Column("stage", "Stage", "number"),
            Column("type", "Type"), Column("candidate", "Candidate"),
            Column("products", "Products", "number", False),
            Column("members", "Members", "number"), Column("verdict", "Verdict"),
            Column("rule", "Rule", "text", False)], asn_rows),
        "candidates": tables_mod.DataTable("candidates", "candidates", [
            Column("id", "Candidate"), Column("type", "Type"),
            Column("exposures", "Exposures", "number"),
            Column("asns", "Associations", "number"), Column("kinds", "Association types")],
            cand_rows),
        "orphans": tables_mod.DataTable("orphans", "orphans", [
            Column("row", "Row", "number"), Column("filename", "File name", "link"),
            Column("exp_type", "exp_type"), Column("obs_num", "obs_num"),
            Column("reason", "First reason")], orphan_rows),
    }


@dataclass
class OrphanGroup:
    """Orphans that the rules turned down for the same reasons."""

    sentence: str  # "of type nrs_ifu that no Stage 2 or Stage 3 rule takes"
    reasons: list[str]
    exps: list[ExpPage]


def _generic(rejected) -> str:
    """A reason without the row's own values, so that orphans can share it."""
    return f"{rejected.asn_type}: {rejected.condition or rejected.reason}"


def _orphan_category(rejected: list) -> str:
    """What a group of orphans has in common, in words (from the kinds of rejection)."""
    kinds = {r.kind for r in rejected}
    stages = sorted({3 if not r.asn_type.endswith("2") else 2 for r in rejected})
    which = " or ".join(f"Stage {s}" for s in stages)
    if not rejected:
        return "that no rule takes"
    if kinds == {"start"}:
        return f"that no {which} rule takes"
    if "dropped" in kinds:
        return f"that matched a {which} rule whose association was not written"
    if "join" in kinds:
        return f"that could not join the {which} associations written"
    return "that matched a rule only in another pool order"


def _types(exp_types: list[str]) -> str:
    shown = sorted(set(exp_types))
    words = ", ".join(shown[:6]) + (f" and {len(shown) - 6} more" if len(shown) > 6 else "")
    return f"of type{'s' if len(shown) > 1 else ''} {words}"


def orphan_groups(pool: PoolPage, why: dict[int, list]) -> list[OrphanGroup]:
    """The orphans grouped by what the rules said (the kind of rejection and the first
    conditions, from the explanations the exposure details show), largest group first."""
    groups: dict[tuple, tuple[str, list[str], list[ExpPage]]] = {}
    for exp in pool.orphans:
        rejected = why.get(exp.exposure.index, [])
        reasons = list(dict.fromkeys(_generic(r) for r in rejected))[:_ORPHAN_REASONS]
        category = _orphan_category(rejected)
        key = (category, tuple(reasons))
        groups.setdefault(key, (category, reasons, []))[2].append(exp)
    out = [OrphanGroup(f"{_types([e.exposure.exp_type for e in exps])} {category}",
                       reasons, exps) for category, reasons, exps in groups.values()]
    return sorted(out, key=lambda g: (-len(g.exps), g.sentence, g.reasons))


def overview(pool: PoolPage) -> Markup:
    """The pool's overview picture (`asnatlas.web.diagram.overview`)."""
    here = pool.docname
    marks: dict[tuple[str, str], list[AsnPage]] = {}
    for page in pool.asns:
        key = (str(page.asn.data.get("asn_id", "")), f"{page.asn.stage}:{page.asn.asn_type}")
        marks.setdefault(key, []).append(page)
    cells = {}
    for (cid, column), pages in marks.items():
        href = (relative(pages[0].docname, here) if len(pages) == 1
                else f"#filter={cid}%20{column.split(':', 1)[1]}")
        cells[(cid, column)] = (len(pages), href)
    orphans = Counter()
    for exp in pool.orphans:
        obs = tables_mod.number(exp.exposure.get("obs_num"))
        orphans[f"o{obs:03d}" if isinstance(obs, int) else "no observation"] += 1
    return diagram.overview(cells, dict(orphans), f"Overview of pool {pool.name}")


def exposure_details(exp: ExpPage, pool: PoolPage, rejected: list) -> dict[str, Any]:
    """One exposure's details, as the exposure page shows them (from its data file)."""
    kind, fields, error = decode(exp.exposure.filename)
    here = exp.docname
    return {
        "n": exp.exposure.index + 1, "line": exp.exposure.line, "name": exp.exposure.filename,
        "note": exp.note, "kind": kind, "fields": fields, "error": error,
        "members": [[m.asn.asn.filename, relative(m.asn.docname, here), m.asn.asn.asn_type,
                     m.asn.asn.stage, m.product, m.exptype] for m in exp.memberships],
        "why": [_reason_line(r) for r in rejected],
        "values": [[c, exp.exposure.row.get(c, "")] for c in pool.pool.columns],
    }


#: The title of the association page shell (replaced by each association's name).
SHELL_TITLE = "asnatlas-shell-title-4f1c"


@cache
def _json_highlighter() -> tuple:
    # One lexer and one formatter for all pages: building a formatter computes its style
    # (measured: 40% of the highlighting time when made per page).
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import JsonLexer

    return JsonLexer(), HtmlFormatter(nowrap=True)


def _highlight_json(text: str) -> Markup:
    from pygments import highlight

    body = highlight(text, *_json_highlighter())
    return Markup('<div class="no-search highlight-json notranslate"><div class="highlight">'
                  '<pre><span></span>{}</pre></div></div>').format(Markup(body))


def render_association(page: AsnPage, pool: PoolPage, compare: dict | None = None
                       ) -> tuple[str, str, dict[str, str]]:
    """One association page: its title, its article's HTML and its data files."""
    asn = page.asn
    kind, fields, error = decode(asn.filename)
    Column = tables_mod.Column
    rows = []
    products = []
    for p, product in enumerate(asn.data.get("products", [])):
        prow = asn.member_rows[p] if p < len(asn.member_rows) else []
        name = str(product.get("name", ""))
        members = product.get("members", [])
        products.append({"name": name, "decoded": decode(name), "count": len(members),
                         "types": Counter(str(m.get("exptype", "")) for m in members)})
        for m, member in enumerate(members):
            row = prow[m] if m < len(prow) else -1
            exp = pool.exps[row] if 0 <= row < len(pool.exps) else None
            expname = str(member.get("expname", ""))
            mkind, mfields, merror = decode(expname)
            short = dict(mfields)
            rows.append([
                (expname, exp.href(page.docname)) if exp else expname,
                str(member.get("exptype", "")), p + 1, row + 1 if exp else None,
                tables_mod.number(short.get("observation", "")),
                tables_mod.number(short.get("visit", "")),
                tables_mod.number(short.get("exposure", "")), short.get("detector"),
                "non-standard name" if merror else mkind])
    members = tables_mod.DataTable("members", "members", [
        Column("member", "Member", "link"), Column("exptype", "Member type"),
        Column("product", "Product", "number"), Column("row", "Pool row", "number"),
        Column("obs", "Observation", "number"), Column("visit", "Visit", "number", False),
        Column("exposure", "Exposure", "number", False), Column("detector", "Detector"),
        Column("kind", "Name", "text", False)], rows)
    files = {}
    src = None
    if tables_mod.needs_file(members):
        files[f"{page.docname}.members.js"] = tables_mod.data_file(members)
        src = posix_name(page.docname) + ".members.js"
    json_text = asn.to_json()
    cut = len(json_text) > JSON_SHOWN
    if cut:
        json_text = json_text[:JSON_SHOWN].rsplit("\n", 1)[0] + "\n..."
    body = _environments()[1].get_template("association.html.j2").render(
        page=page, pool=pool, asn=asn, data=asn.data, kind=kind, fields=fields, error=error,
        name=asn.filename, href=posix_name(page.docname) + ".json", filename=asn.filename,
        products=products, pipeline=pipeline_of(asn.asn_type),
        candidate=_candidate(str(asn.data.get("asn_id", ""))),
        diagram=association_diagram(page, pool), members=tables_mod.html(members, src),
        code=_highlight_json(json_text), cut=cut, json_href=posix_name(page.docname) + ".json",
        pool_href=relative(pool.docname, page.docname), compare=compare)
    return asn.filename, body, files


def posix_name(docname: str) -> str:
    return docname.rsplit("/", 1)[-1]


def site_pages(summary: SiteSummary, validator: bool) -> dict[str, str]:
    """The site-wide MyST pages: home, pools, reference."""
    return {
        "index": render("index.md.j2", site=summary, validator=validator),
        "pools/index": render("pools.md.j2", site=summary),
        "reference": render("reference.md.j2", reference=reference_context()),
    }


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

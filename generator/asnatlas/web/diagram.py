"""The site's pictures as static SVG, drawn at build time (no graphviz, no script).

- `build` / `render`: one association: pool rows -> candidate -> association -> products
  -> members. Labels show only the part of the names that differs between members;
  a column longer than `FOLD` boxes folds into counts (by member type for members).
- `overview`: one pool: candidates (observations first) down the side, associations by
  stage and type across, one mark per cell, orphans in a last column.

Every label is escaped by MarkupSafe and shortened, with the full text in a ``<title>``
tooltip. The SVGs scale to the content column (``viewBox``, ``width="100%"``).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup, escape

ROW_HEIGHT = 26
BOX_HEIGHT = 20
COLUMN_WIDTH = 150
GAP = 28
TOP = 30
MAX_LABEL = 22
FOLD = 16  # a column with more boxes than this is folded into counts
MAX_BOXES = FOLD + 1  # boxes per column, the folded summary included

COLUMNS = ("pool rows", "candidate", "association", "products", "members")


@dataclass(frozen=True)
class Node:
    """One box: its label, an optional link (relative URL) and a CSS class."""

    label: str
    href: str | None = None
    kind: str = ""
    title: str = ""  # the full text (tooltip); the label when empty


@dataclass(frozen=True)
class Diagram:
    """Boxes per column and edges between them, as (column, index) pairs."""

    columns: tuple[tuple[Node, ...], ...]
    edges: tuple[tuple[tuple[int, int], tuple[int, int]], ...]


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def differing(names: list[str]) -> list[str]:
    """The part of each name that differs from the others: the common prefix and suffix
    are cut (at a ``_`` or ``-`` boundary, so fields stay whole)."""
    if len(set(names)) < 2:
        return list(names)
    prefix = os.path.commonprefix(names)
    suffix = os.path.commonprefix([n[::-1] for n in names])[::-1]
    cut = max((prefix.rfind(c) for c in "_-"), default=-1) + 1
    end = min((i for i in (suffix.find("_"), suffix.find("-")) if i >= 0), default=len(suffix))
    tail = len(suffix) - end
    shortest = min(len(n) for n in names)
    if cut + tail >= shortest:
        return list(names)
    return [n[cut:len(n) - tail] or n for n in names]


def _fold(nodes: list[Node], noun: str) -> list[Node]:
    if len(nodes) <= FOLD:
        return nodes
    return [Node(f"{len(nodes)} {noun}", None, "more")]


def build(
    rows: list[tuple[str, str | None]],
    candidate: str,
    association: str,
    products: list[tuple[str, list[tuple[str, str, str | None]]]],
) -> Diagram:
    """Lay out a diagram.

    ``rows`` are (label, href) of the pool rows of the members; ``products`` are
    (name, members) with members as (member type, expname, href).
    """
    row_nodes = _fold([Node(label, href, "row") for label, href in rows], "pool rows")
    names = differing([name for name, _ in products])
    product_nodes = [Node(short, None, "product", name)
                     for short, (name, _) in zip(names, products, strict=True)]
    if len(product_nodes) > FOLD:
        product_nodes = [Node(f"{len(product_nodes)} products", None, "more")]
    member_nodes: list[Node] = []
    edges: list[tuple[tuple[int, int], tuple[int, int]]] = []
    edges += [((0, i), (1, 0)) for i in range(len(row_nodes))]
    edges.append(((1, 0), (2, 0)))
    edges += [((2, 0), (3, p)) for p in range(len(product_nodes))]
    all_members = [(p, m) for p, (_, members) in enumerate(products) for m in members]
    if len(all_members) <= FOLD and len(products) == len(product_nodes):
        labels = differing([expname for _, (_, expname, _) in all_members])
        for (p, (exptype, expname, href)), label in zip(all_members, labels, strict=True):
            edges.append(((3, p), (4, len(member_nodes))))
            member_nodes.append(Node(f"{exptype}: {label}", href, "member",
                                     f"{exptype}: {expname}"))
    else:
        # Folded: one box per member type (per product while there are few products).
        counts: Counter[tuple[int, str]] = Counter()
        for p, (exptype, _, _) in all_members:
            counts[(p if len(products) == len(product_nodes) else 0, exptype)] += 1
        for (p, exptype), n in sorted(counts.items())[:MAX_BOXES]:
            edges.append(((3, p), (4, len(member_nodes))))
            member_nodes.append(Node(f"{n} \u00d7 {exptype}", None, "more"))
    columns = (
        tuple(row_nodes),
        (Node(candidate, None, "candidate"),),
        (Node(association, None, "association"),),
        tuple(product_nodes),
        tuple(member_nodes),
    )
    return Diagram(columns, tuple(edges))


def _y(column: int, index: int, diagram: Diagram, height: int) -> float:
    """Centre of a box: short columns are centred vertically."""
    count = len(diagram.columns[column])
    offset = (height - count * ROW_HEIGHT) / 2
    return TOP + offset + index * ROW_HEIGHT + BOX_HEIGHT / 2


def _svg_open(width: float, height: float, title: str, css: str) -> list[str]:
    t = escape(title)
    return [
        f'<svg class="{css}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width:g} {height:g}" width="100%" '
        f'style="max-width:{width:g}px" aria-label="{t}">',
        f"<title>{t}</title>",
    ]


def render(diagram: Diagram, title: str) -> Markup:
    """The diagram as an inline ``<svg>`` element (escaped, deterministic).

    Built with f-strings around `escape` rather than templates: there is one per
    association page, and this keeps it cheap.
    """
    tallest = max((len(col) for col in diagram.columns), default=1) or 1
    height = tallest * ROW_HEIGHT
    width = len(COLUMNS) * COLUMN_WIDTH + (len(COLUMNS) - 1) * GAP
    parts = _svg_open(width, TOP + height + 10, title, "asn-diagram")
    for c, heading in enumerate(COLUMNS):
        x = c * (COLUMN_WIDTH + GAP)
        parts.append(f'<text class="asn-col" x="{x + 4}" y="16">{escape(heading)}</text>')
    for (c1, i1), (c2, i2) in diagram.edges:
        x1 = c1 * (COLUMN_WIDTH + GAP) + COLUMN_WIDTH
        x2 = c2 * (COLUMN_WIDTH + GAP)
        y1 = _y(c1, i1, diagram, height)
        y2 = _y(c2, i2, diagram, height)
        parts.append(f'<line x1="{x1}" y1="{y1:.1f}" x2="{x2}" y2="{y2:.1f}"/>')
    for c, column in enumerate(diagram.columns):
        x = c * (COLUMN_WIDTH + GAP)
        for i, node in enumerate(column):
            y = _y(c, i, diagram, height) - BOX_HEIGHT / 2
            box = (
                f'<g class="asn-{escape(node.kind)}"><title>{escape(node.title or node.label)}'
                f'</title><rect x="{x}" y="{y:.1f}" width="{COLUMN_WIDTH}" '
                f'height="{BOX_HEIGHT}" rx="4"/><text x="{x + 6}" y="{y + 14:.1f}">'
                f"{escape(_short(node.label))}</text></g>"
            )
            if node.href:
                box = f'<a href="{escape(node.href)}">{box}</a>'
            parts.append(box)
    parts.append("</svg>")
    return Markup("\n".join(parts))


MAX_OVERVIEW_ROWS = 40  # candidates drawn in the overview; the rest are binned
CELL = 64
LABEL_WIDTH = 120
ORPHANS = "orphans"


def _candidate_order(cid: str) -> tuple:
    # Observations first (o001, o002, ...), then cross-observation and discovered ones.
    order = {"o": 0, "c": 1, "a": 2}.get(cid[:1], 3)
    # Numeric order without int(): a pool may hold a candidate id of thousands of digits.
    digits = "".join(ch for ch in cid if ch.isdigit()).lstrip("0")
    return (order, len(digits), digits, cid)


def overview(cells: dict[tuple[str, str], tuple[int, str]], orphans: dict[str, int],
             title: str) -> Markup:
    """A pool's overview: one row per candidate (observations ``o`` first), one column
    per "stage:type" of association, a mark with the count in each filled cell (linked
    to the association, or to the pool's association table filtered to the cell), and
    the orphans per observation in the last column (linked to the orphan list).

    More than `MAX_OVERVIEW_ROWS` candidates are binned into consecutive ranges, so the
    picture's size does not grow with the pool.
    """
    kinds = sorted({column for _, column in cells},
                   key=lambda k: (int(k.split(":", 1)[0]), k))
    candidates = sorted({cid for cid, _ in cells} | set(orphans), key=_candidate_order)
    columns = [*kinds, ORPHANS] if orphans else kinds
    if not candidates:
        return Markup('<p class="asnatlas-note">This pool has no association and no '
                      'orphan to draw.</p>')
    # Rows: each candidate, or bins of consecutive candidates when there are many.
    size = max(1, -(-len(candidates) // MAX_OVERVIEW_ROWS))
    bins = [candidates[i:i + size] for i in range(0, len(candidates), size)]
    width = LABEL_WIDTH + CELL * len(columns) + 110
    header = 100
    height = header + ROW_HEIGHT * len(bins) + 10
    parts = _svg_open(width, height, title, "asn-overview")
    for c, column in enumerate(columns):
        x = LABEL_WIDTH + c * CELL + CELL / 2
        label = ORPHANS if column == ORPHANS else "Stage {}: {}".format(*column.split(":", 1))
        parts.append(f'<text class="asn-col" transform="translate({x:g},{header - 6}) '
                     f'rotate(-35)">{escape(_short(label, 18))}<title>{escape(label)}</title>'
                     "</text>")
    for r, group in enumerate(bins):
        y = header + r * ROW_HEIGHT
        name = group[0] if len(group) == 1 else f"{group[0]}\u2013{group[-1]}"
        parts.append(f'<text class="asn-rowlabel" x="4" y="{y + 15}">{escape(name)}</text>')
        parts.append(f'<line class="asn-grid" x1="0" y1="{y + ROW_HEIGHT - 2}" x2="{width}" '
                     f'y2="{y + ROW_HEIGHT - 2}"/>')
        for c, column in enumerate(columns):
            if column == ORPHANS:
                count = sum(orphans.get(cid, 0) for cid in group)
                href = "#orphans"
                what = f"{count} orphan exposure{'s' if count != 1 else ''} in {name}"
                kind = "asn-mark-orphan"
            else:
                found = [cells[(cid, column)] for cid in group if (cid, column) in cells]
                count = sum(n for n, _ in found)
                href = found[0][1] if len(found) == 1 else "#associations"
                stage, asn_type = column.split(":", 1)
                what = (f"{count} Stage {stage} {asn_type} association"
                        f"{'s' if count != 1 else ''} from {name}")
                kind = f"asn-mark asn-stage{escape(stage)}"
            if not count:
                continue
            x = LABEL_WIDTH + c * CELL + 4
            parts.append(
                f'<a href="{escape(href)}"><g class="{kind}"><title>{escape(what)}</title>'
                f'<rect x="{x}" y="{y + 2}" width="{CELL - 8}" height="{BOX_HEIGHT}" rx="4"/>'
                f'<text x="{x + (CELL - 8) / 2:g}" y="{y + 16}" text-anchor="middle">'
                f"{count}</text></g></a>")
    parts.append("</svg>")
    return Markup("\n".join(parts))


__all__ = ["COLUMNS", "FOLD", "Diagram", "Node", "build", "differing", "overview", "render"]

"""The per-association diagram as static SVG: pool rows -> candidate -> association ->
products -> members.

Drawn at build time with plain text layout (no graphviz). Every label is escaped by
MarkupSafe and long labels are shortened, with the full text in a ``<title>`` tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

ROW_HEIGHT = 26
BOX_HEIGHT = 20
COLUMN_WIDTH = 200
GAP = 40
TOP = 30
MAX_LABEL = 28
MAX_BOXES = 60  # a column longer than this is summarised, so the SVG stays small

COLUMNS = ("pool rows", "candidate", "association", "products", "members")


@dataclass(frozen=True)
class Node:
    """One box: its label, an optional link (relative URL) and a CSS class."""

    label: str
    href: str | None = None
    kind: str = ""


@dataclass(frozen=True)
class Diagram:
    """Boxes per column and edges between them, as (column, index) pairs."""

    columns: tuple[tuple[Node, ...], ...]
    edges: tuple[tuple[tuple[int, int], tuple[int, int]], ...]


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "\u2026"


def _cap(nodes: list[Node]) -> list[Node]:
    if len(nodes) <= MAX_BOXES:
        return nodes
    rest = len(nodes) - (MAX_BOXES - 1)
    return nodes[: MAX_BOXES - 1] + [Node(f"\u2026 and {rest} more", None, "more")]


def build(
    rows: list[tuple[str, str | None]],
    candidate: str,
    association: str,
    products: list[tuple[str, list[tuple[str, str | None, int | None]]]],
) -> Diagram:
    """Lay out a diagram.

    ``rows`` are (label, href) of the pool rows of the members; ``products`` are
    (name, members) with members as (label, href, index into ``rows`` or None).
    """
    row_nodes = _cap([Node(label, href, "row") for label, href in rows])
    product_nodes = _cap([Node(name, None, "product") for name, _ in products])
    member_nodes: list[Node] = []
    edges: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for i in range(len(row_nodes)):
        edges.append(((0, i), (1, 0)))
    edges.append(((1, 0), (2, 0)))
    for p, (_, members) in enumerate(products):
        if p >= len(product_nodes) or product_nodes[p].kind == "more":
            break
        edges.append(((2, 0), (3, p)))
        for label, href, _row in members:
            if len(member_nodes) >= MAX_BOXES:
                break
            edges.append(((3, p), (4, len(member_nodes))))
            member_nodes.append(Node(label, href, "member"))
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


def render(diagram: Diagram, title: str) -> Markup:
    """The diagram as an inline ``<svg>`` element (escaped, deterministic).

    Built with f-strings around `escape` rather than templates: there is one per
    association page, and this keeps it cheap.
    """
    tallest = max((len(col) for col in diagram.columns), default=1) or 1
    height = tallest * ROW_HEIGHT
    width = len(COLUMNS) * COLUMN_WIDTH + (len(COLUMNS) - 1) * GAP
    total_height = TOP + height + 10
    t = escape(title)
    parts = [
        f'<svg class="asn-diagram" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {total_height}" width="{width}" height="{total_height}" '
        f'aria-label="{t}">',
        f"<title>{t}</title>",
    ]
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
                f'<g class="asn-{escape(node.kind)}"><title>{escape(node.label)}</title>'
                f'<rect x="{x}" y="{y:.1f}" width="{COLUMN_WIDTH}" height="{BOX_HEIGHT}" '
                f'rx="4"/><text x="{x + 6}" y="{y + 14:.1f}">{escape(_short(node.label))}'
                f"</text></g>"
            )
            if node.href:
                box = f'<a href="{escape(node.href)}">{box}</a>'
            parts.append(box)
    parts.append("</svg>")
    return Markup("\n".join(parts))


__all__ = ["COLUMNS", "Diagram", "Node", "build", "render"]

"""The site's large tables as data: a page shows the first rows itself (read without
JavaScript) and the whole table comes from a ``.js`` data file beside it, shown by the
table widget (Tabulator, bundled under ``static/table``; see ``site/_static/asnatlas.js``).

A data file is plain JavaScript that registers one JSON value,
``(window.asnatlasData = window.asnatlasData || {})["KEY"] = {...};``, because browsers
do not let ``fetch`` read files over ``file://`` while a ``<script>`` tag may.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from asnatlas.safetext import visible

#: Rows written into the page itself: what a reader without JavaScript sees.
STATIC_ROWS = 25
#: Tables with at most this many rows travel inside the page (no data file).
INLINE_ROWS = 60

Cell = str | int | float | None | tuple[str, str]


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is "text", "number" (sorted as numbers) or "link" (a cell is
    ``(text, href)``); hidden columns are offered by the column chooser."""

    key: str
    title: str
    kind: str = "text"
    visible: bool = True


@dataclass
class DataTable:
    """A table of the site: its columns, its rows and the noun its rows are counted in."""

    key: str
    noun: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)

    def payload(self) -> dict:
        return {
            "noun": self.noun,
            "columns": [{"key": c.key, "title": c.title, "kind": c.kind, "visible": c.visible}
                        for c in self.columns],
            "rows": [[list(v) if isinstance(v, tuple) else v for v in row] for row in self.rows],
        }


def number(text: str) -> int | float | None:
    """A pool value as a number, or None when it is not one (``null`` included)."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() \
        else value


def _json(value: object) -> str:
    # ASCII only and no "<", ">" or "&": the text is safe inside an HTML <script> element
    # as well as in a data file.
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def shown(value: object) -> object:
    """``value`` with every string in it made `visible` (pool values are untrusted: no
    control, line-break, bidi or invisible character reaches the page through a data file)."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {shown(k): shown(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [shown(v) for v in value]
    return value


def data_value(key: str, value: object) -> str:
    """The text of a ``.js`` data file registering ``value`` under ``key``."""
    return (f"(window.asnatlasData=window.asnatlasData||{{}})[{_json(key)}]="
            f"{_json(shown(value))};\n")


def data_file(table: DataTable) -> str:
    """The text of the table's ``.js`` data file."""
    return data_value(table.key, table.payload())


def needs_file(table: DataTable) -> bool:
    return len(table.rows) > INLINE_ROWS


def _cell(value: Cell) -> str:
    if isinstance(value, tuple):
        text, href = value
        return f'<a href="{escape(href)}">{escape(visible(text))}</a>'
    return str(escape("" if value is None else visible(str(value))))


def html(table: DataTable, src: str | None) -> Markup:
    """The table in the page: counts, the first rows, and where the widget finds the rest
    (``src``, relative to the page; None when the data travel inside the page)."""
    visible = [i for i, c in enumerate(table.columns) if c.visible]
    total = len(table.rows)
    shown = table.rows[:STATIC_ROWS]
    parts = [Markup('<div class="asnatlas-data" data-key="{}"{}>').format(
        table.key, Markup(' data-src="{}"').format(src) if src else "")]
    more = (Markup('<span class="asnatlas-nojs">; the first {} are listed here (the whole '
                   'table, sortable and filterable, needs JavaScript)</span>').format(len(shown))
            if total > len(shown) else "")
    parts.append(Markup('<p class="asnatlas-count">{} {}{}.</p>').format(
        f"{total:,}", table.noun, more))
    parts.append(Markup('<div class="asnatlas-table-wrap asnatlas-static">'
                        '<table class="asnatlas-static-table"><thead><tr>'))
    for i in visible:
        column = table.columns[i]
        kind = Markup(' data-type="number"') if column.kind == "number" else ""
        parts.append(Markup("<th{}>{}</th>").format(kind, column.title))
    parts.append(Markup("</tr></thead><tbody>"))
    for row in shown:
        # Plain strings around `escape` (every value and link escaped): one call per cell.
        parts.append(Markup("<tr>" + "".join(f"<td>{_cell(row[i])}</td>" for i in visible)
                            + "</tr>"))
    parts.append(Markup("</tbody></table></div>"))
    if not src:
        parts.append(Markup('<script type="application/json" class="asnatlas-table-data">'
                            '{}</script>').format(Markup(_json(table.payload()))))
    parts.append(Markup("</div>"))
    return Markup("\n").join(parts)


__all__ = ["INLINE_ROWS", "STATIC_ROWS", "Column", "DataTable", "data_file", "html",
           "data_value", "needs_file", "number"]

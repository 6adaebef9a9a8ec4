"""Untrusted text in MyST and HTML: whatever it holds, it renders as the same plain text.

The unit tests check the escaping functions against markdown-it (the parser MyST uses);
the site tests build a whole site from a hostile pool in every pool format astropy reads
for us and check every page against the site built from the same pool with harmless
values: same elements and attributes, no directive output, no file of the machine, and
every hostile value shown as its visible text.
"""

from __future__ import annotations

import html
import io
import json
import re
import tempfile
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from asnatlas.pool import read_pool
from asnatlas.safetext import visible
from asnatlas.web import build as site_build
from asnatlas.web.escape import fence, html_block, html_finalize, html_text, myst, myst_finalize

HERE = Path(__file__).resolve().parent
IMAGING = HERE.parent / "generator" / "asnatlas" / "samples" / "imaging.csv"

HOSTILE = [
    "<script>alert(1)</script>",
    "{raw}`<b>x</b>`",
    "```{raw} html",
    ":::{note} hi",
    "[click](javascript:alert(1))",
    "{{ 7*7 }} {% if true %}x{% endif %}",
    "**bold** _em_ # heading",
    "&lt;i&gt; &amp;",
    "$x^2$ <!-- comment",
    "1. item\n- other\n\n> quote",
    "    indented code",
    "a|b|c",
    "x\r\r```{include} /etc/passwd\n```",
    "\x1b]0;title\x07\x1b[31mred\u202eevil\u2028\x85\x1c\v\f",
    "trailing  ",
]

md = MarkdownIt("commonmark").enable("table")


def _plain(text: str) -> str:
    """What a person must see: the visible text, HTML-escaped."""
    return html.escape(visible(text), quote=False).replace('"', "&quot;")


def _render(text: str) -> str:
    return md.render(myst(text)).strip()


def test_hostile_values_render_as_plain_text():
    for value in HOSTILE:
        assert _render(value) == f"<p>{_plain(value)}</p>", value


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_any_text_renders_as_itself(value):
    assert md.renderInline(myst(value)) == _plain(value)


def test_finalize_escapes_unless_marked_safe():
    assert myst_finalize("*x*") == "\\*x\\*"
    assert myst_finalize(myst("*x*")) == "\\*x\\*"
    assert myst_finalize(None) == ""
    assert myst_finalize("a\r\rb") == "a\\\\r\\\\rb"


def test_html_values_are_made_visible_before_autoescaping():
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(autoescape=True, finalize=html_finalize)
    page = env.from_string("<td>{{ v }}</td><td>{{ items|join(', ') }}</td><td>{{ n }}</td>")
    out = page.render(v="a\r\r<b>\u202e", items=["x\n\ny", "<i>"], n=3)
    assert out == "<td>a\\r\\r&lt;b&gt;\\u202e</td><td>x\\n\\ny, &lt;i&gt;</td><td>3</td>"
    assert html_finalize(Markup("<br>\r")) == Markup("<br>\\r")
    assert html_text('"><svg onload=x>\n') == "&#34;&gt;&lt;svg onload=x&gt;\\n"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_any_value_in_an_html_fragment_stays_one_block_of_its_own_text(value):
    import jinja2

    env = jinja2.Environment(autoescape=True, finalize=html_finalize)
    fragment = env.from_string('<div class="x">\n<p>{{ v }}</p>\n<p title="{{ v }}">y</p>\n</div>')
    block = html_block(fragment.render(v=value))
    tokens = md.parse(block + "\n\nafter")
    assert [t.type for t in tokens[:1]] == ["html_block"]
    assert [t.type for t in tokens[1:]] == ["paragraph_open", "inline", "paragraph_close"]
    assert tokens[2].content == "after"
    parsed = _Page(tokens[0].content)
    assert parsed.shape == [("div", ("class",)), ("p", ()), ("p", ("title",))]
    assert "".join(parsed.text).split("\n")[1] == visible(value)
    assert parsed.attrs[1] == ("p", "title", visible(value))


def test_html_block_has_no_blank_line_and_starts_a_block():
    block = html_block("<p>a</p>\n\n  \n<p>b</p>")
    assert "\n\n" not in block
    assert block.startswith("<div")
    assert md.render(block + "\n\n**x**").count("<strong>") == 1


def test_html_block_keeps_no_line_break_but_its_own():
    # A value that reached a fragment without passing through a template (e.g. an SVG
    # label) cannot end the block with \r, \v, \f, U+2028...
    hostile = "<div><p>x\r\r**bold**\x1c\x85\u2028\v\f\t</p>\n\n<p>y</p></div>"
    block = html_block(hostile)
    tokens = md.parse(block)
    assert [t.type for t in tokens] == ["html_block"]
    assert "**bold**" in tokens[0].content and "\r" not in block
    assert block.splitlines() == block.split("\n")


def test_fence_is_longer_than_any_run_of_backticks():
    content = "a\n```\nb ```` c\n"
    block = fence(content, "json")
    assert block.startswith("`````json\n")
    tokens = md.parse(block)
    assert [t.type for t in tokens] == ["fence"]
    assert tokens[0].content == content


def test_fence_content_has_no_other_line_break():
    block = fence('{"a": "x\r```\r\u2028```"}\n')
    tokens = md.parse(block)
    assert [t.type for t in tokens] == ["fence"]
    assert block.splitlines() == block.split("\n")


# --- The Sphinx project itself refuses file insertion and raw output ---------------------


def test_sphinx_project_refuses_file_insertion_and_raw_output(tmp_path):
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    from asnatlas.resources import folder

    src = tmp_path / "src"
    src.mkdir()
    secret = "asnatlas-secret-" + "4f1c"
    (src / "secret.txt").write_text(secret + "\n")
    (src / "index.md").write_text(
        "# T\n\n```{include} secret.txt\n```\n\n```{literalinclude} secret.txt\n```\n\n"
        "```{raw} html\n<b>RAW-1</b>\n```\n\n```{csv-table}\n:file: secret.txt\n```\n\n"
        "```{eval-rst}\n.. raw:: html\n\n   <i>RAW-2</i>\n\n.. include:: secret.txt\n```\n\n"
        "![an image](secret.txt)\n\n{download}`a download <secret.txt>`\n\n"
        "<div class=\"ours\"><p>OUR-HTML-BLOCK</p></div>\n")
    messages = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(src), str(folder("site")), str(tmp_path / "html"),
                     str(tmp_path / "doctrees"), "html", status=None, warning=messages,
                     freshenv=True)
        app.build()
    page = (tmp_path / "html" / "index.html").read_text("utf-8")
    assert secret not in page and "RAW-1" not in page and "RAW-2" not in page
    # Our own pages' HTML blocks are Markdown HTML blocks: still written.
    assert '<div class="ours"><p>OUR-HTML-BLOCK</p></div>' in page
    # Nor was it copied as an image or a download.
    for path in (tmp_path / "html").rglob("*"):
        assert not (path.is_file() and secret.encode() in path.read_bytes()), path
    assert "an image" in page and "a download" in page
    log = messages.getvalue()
    assert log.count("disabled") >= 4 and "deactivated" in log, log


# --- A whole site from a hostile pool, in every pool format ---------------------------

#: The pool formats astropy reads for us: (--pool-format, file extension).
FORMATS = [("ascii", "csv"), ("csv", "csv"), ("ascii.ecsv", "ecsv"), ("fits", "fits"),
           ("votable", "xml")]

#: Payloads per kind. Each format carries what it can (see `_payloads`): a FITS string
#: keeps every ASCII control, a VOTable keeps newlines and non-ASCII, text formats keep
#: no line break of any kind (the reader splits lines on all of them).
SECRET_DIR = Path(tempfile.gettempdir())
MARKUP = ["<script>alert('v1')</script>", '"><svg onload=alert(2)>', "{{7*7}} {% raw %}",
          "[a](javascript:alert(3)) **b** {note}`x`", "<img src=x onerror=alert(4)>"]
BIDI = ["abc\u202edcba\u2066x\u2069 \u200f"]
TERMINAL = ["\x1b]0;retitled\x07\x1b[31mred"]
C1 = ["\x85nel\x9b31m"]


def _include(secret: Path) -> str:
    return f"x\r\r```{{include}} {secret}\n```\r\r<script>alert('inc')</script>"


def _payloads(fmt: str, secret: Path) -> list[str]:
    lines = [_include(secret), "a\n\n:::{danger}\nb\n:::", "v\vf\fn\x00t\tz"]
    # The first one is also the TARGNAME of every row.
    if fmt == "fits":  # FITS strings: ASCII only, every control kept
        return lines + MARKUP + TERMINAL
    if fmt == "votable":  # XML: no C0 controls but \n; any Unicode
        return ["a\n\n```{include} " + str(secret) + "\n```"] + MARKUP + BIDI + C1
    if fmt == "ascii.ecsv":  # astropy's ECSV reader splits on NEL (\x85): CSI only
        return MARKUP + BIDI + TERMINAL + ["\x9b31mcsi"]
    return MARKUP + BIDI + TERMINAL


def _column_name_payloads(fmt: str) -> list[str]:
    if fmt == "fits":  # printable ASCII only
        return ["c<script>alert(5)</script>{{7*7}}"]
    if fmt == "votable":
        return ['c"><svg onload=alert(6)>']
    return ["c<script>alert(5)</script>{{7*7}}\u202e\x1b[2J"]


def _base_rows() -> tuple[list[str], list[list[str]]]:
    text = [line for line in IMAGING.read_text().splitlines() if not line.startswith("#")]
    header = text[0].split("|")
    rows = [line.split("|") for line in text[1:4]]
    return header, rows


def _write_pool(path: Path, fmt: str, values: list[str], column_names: list[str],
                filename: str) -> None:
    """The first rows of the imaging sample with ``values`` in TARGNAME and in extra
    columns, extra columns named ``column_names`` and one row's FILENAME ``filename``."""
    from astropy.table import Table

    header, rows = _base_rows()
    data = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    data["TARGNAME"] = [values[0]] * len(rows)
    for number, value in enumerate(values):
        data[f"NOTE{number}"] = [value] * len(rows)
    for name in column_names:
        data[name] = ["x"] * len(rows)
    data["FILENAME"][1] = filename
    table = Table(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt == "ascii":
            table.write(path, format="ascii.basic", delimiter="|")
        else:
            table.write(path, format=fmt if fmt != "csv" else "ascii.csv")


class _Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.shape.append((tag, tuple(sorted(name for name, _ in attrs))))
        self.attrs += [(tag, name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def _site(tmp: Path, fmt: str, ext: str, hostile: bool, secret: Path):
    values = _payloads(fmt, secret)
    names = _column_name_payloads(fmt)
    if hostile:
        pool_name = f"p\"><svg onload=alert(7)>{{{{7*7}}}}\u202e\x1b[31m\r\r\n{{include}}.{ext}"
        if fmt == "ascii.ecsv":
            # astropy's ECSV reader takes a path holding a line break for the table's text
            # (a pool reader matter, not one of escaping): keep the rest of the name.
            pool_name = pool_name.replace("\r", "").replace("\n", "")
        # No "/" or control character: the validator (rightly) flags those in member
        # names, which would change the pages for a reason other than escaping.
        filename = "jw_<img src=x onerror=alert(8)>{include}`x`_uncal.fits"
    else:
        # Same shape, harmless text: the site the hostile one must look like.
        values = [f"harmless{n}" for n in range(len(values))]
        names = [f"harmless_column{n}" for n in range(len(names))]
        # (a space: not a plausible file name either, so the pool warns about it too)
        pool_name, filename = f"harmless_pool.{ext}", "jw harmless_uncal.fits"
    folder = tmp / ("hostile" if hostile else "harmless")
    folder.mkdir()
    pool_path = folder / pool_name
    _write_pool(pool_path, fmt, values, names, filename)
    pool = read_pool(str(pool_path), fmt=fmt)
    report = site_build.build([pool_path], folder / "site", jobs=1, status=None,
                              read=lambda path: read_pool(path, fmt=fmt), read_key=fmt)
    return folder / "site", pool, report


def _pages(root: Path) -> dict[str, _Page]:
    return {p.relative_to(root).as_posix(): _Page(p.read_text("utf-8"))
            for p in sorted(root.rglob("*.html")) if "_static" not in p.relative_to(root).parts}


@pytest.fixture(scope="module")
def secret() -> Path:
    # Lower case: pool values are lower-cased by the reader, the path must survive that.
    folder = Path(tempfile.mkdtemp(prefix="asnatlas-secret-", dir=SECRET_DIR))
    assert str(folder) == str(folder).lower()
    path = folder / "secret.txt"
    path.write_text("asnatlas-secret-content-9c2e\n")
    yield path
    path.unlink()
    folder.rmdir()


@pytest.mark.parametrize(("fmt", "ext"), FORMATS, ids=[f for f, _ in FORMATS])
def test_a_hostile_pool_in_any_format_gives_a_site_of_plain_text(tmp_path, secret, fmt, ext):
    harmless_root, _, _ = _site(tmp_path, fmt, ext, False, secret)
    root, pool, report = _site(tmp_path, fmt, ext, True, secret)
    assert report.warnings == [], report.warnings
    hostile_pages, harmless_pages = _pages(root), _pages(harmless_root)

    # The payloads reached the pool as written (lower-cased): the test tests something.
    row = pool.rows[0]
    carried = [row[f"note{n}"] for n in range(len(_payloads(fmt, secret)))]
    assert carried == [v.lower() for v in _payloads(fmt, secret)]
    if fmt == "fits":
        assert "\r\r```{include}" in row["targname"]

    # Same elements with the same attributes, page for page, as the harmless site: no
    # value became an element, an attribute or the output of a directive.
    def by_place(pages):  # the pool's folder is named after the pool's file name
        return {re.sub(r"^pools/[^/]+/", "pools/POOL/", path): page.shape
                for path, page in pages.items()}

    hostile_shapes, harmless_shapes = by_place(hostile_pages), by_place(harmless_pages)
    assert len(hostile_shapes) == len(harmless_shapes)
    for path in hostile_shapes.keys() & harmless_shapes.keys():
        assert hostile_shapes[path] == harmless_shapes[path], path
    # The exposure page named after the hostile FILENAME against the harmless one.
    assert sorted(v for k, v in hostile_shapes.items() if k not in harmless_shapes) == sorted(
        v for k, v in harmless_shapes.items() if k not in hostile_shapes)
    for path, page in hostile_pages.items():
        for tag, name, value in page.attrs:
            assert not name.startswith("on"), (path, tag, name)
            assert not value.strip().lower().startswith("javascript:"), (path, tag, value)
        assert "49" not in page.plain.replace("1049", ""), path  # {{7*7}} never evaluated

    # No file of the machine in any output file.
    for path in root.rglob("*"):
        if path.is_file():
            assert b"asnatlas-secret-content" not in path.read_bytes(), path

    # Every hostile value, column name, the file name and FILENAME are shown as text.
    # Large tables and exposure details come as data files, shown by the table script as
    # text (its plain-text cells): their strings count as shown.
    seen = " ".join([page.plain for page in hostile_pages.values()] + _data_strings(root))
    expected = carried + [row["targname"], pool.rows[1]["filename"], pool.name]
    expected += [c for c in pool.columns if c.startswith("c")]
    for value in expected:
        assert " ".join(visible(value).split()) in seen, visible(value)


def _data_strings(root: Path) -> list[str]:
    """Every string in the site's ``.js`` data files (``...[KEY]=JSON;``)."""
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted(root.rglob("data/*.js")):
        text = path.read_text("utf-8")
        walk(json.loads(text[text.index("]=") + 2:].rstrip().rstrip(";")))
    return found

"""Untrusted text in MyST and HTML: whatever it holds, it renders as the same plain text."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from asnatlas.web.escape import fence, html_block, myst, myst_finalize

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
]

md = MarkdownIt("commonmark").enable("table")


def _plain(text: str) -> str:
    """What a person must see: the text itself, line breaks as spaces, HTML-escaped."""
    for ch in "\r\n\t\f\v\x00":
        text = text.replace(ch, " ")
    return html.escape(text, quote=False).replace('"', "&quot;")


def _render(text: str) -> str:
    return md.render(myst(text)).strip()


def test_hostile_values_render_as_plain_text():
    for value in HOSTILE:
        assert _render(value) == f"<p>{_plain(value).rstrip()}</p>"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_any_text_renders_as_itself(value):
    rendered = md.renderInline(myst(value))
    # CommonMark turns NUL into U+FFFD; nothing else may change.
    assert rendered == _plain(value).replace("\x00", "\ufffd")


def test_finalize_escapes_unless_marked_safe():
    assert myst_finalize("*x*") == "\\*x\\*"
    assert myst_finalize(myst("*x*")) == "\\*x\\*"
    assert myst_finalize(None) == ""


def test_html_block_has_no_blank_line_and_starts_a_block():
    block = html_block("<p>a</p>\n\n  \n<p>b</p>")
    assert "\n\n" not in block
    assert block.startswith("<div")
    assert md.render(block + "\n\n**x**").count("<strong>") == 1


def test_fence_is_longer_than_any_run_of_backticks():
    content = "a\n```\nb ```` c\n"
    block = fence(content, "json")
    assert block.startswith("`````json\n")
    tokens = md.parse(block)
    assert [t.type for t in tokens] == ["fence"]
    assert tokens[0].content == content

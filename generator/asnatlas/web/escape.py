"""Make untrusted text inert in the two languages the site writes: MyST and HTML.

Every value read from a pool or an association is untrusted. Two steps, in this order:

1. `asnatlas.safetext.visible` first: every line terminator (``\\r`` included, which
   Markdown reads as a line break and FITS, VOTable and ECSV pools keep), control
   character and bidi override becomes a visible escape, so no value can hold a blank
   line (which would end the raw HTML block it is in and hand the rest to the MyST
   parser) or reorder or hide what a reader sees.
2. Then the language's own escaping. In MyST text each ASCII punctuation character is
   backslash-escaped (CommonMark allows it for all of them), so no role, directive, link,
   emphasis, HTML tag or entity can start; leading and trailing spaces become entities so a
   value cannot start a code block or end in a hard line break. In HTML fragments Jinja2's
   autoescaping (MarkupSafe) applies after `html_finalize`.

`html_block` and `fence` are the last net: whatever a fragment holds, the only line
terminator left in it is ``\\n``, so the block structure our templates chose is the
block structure the parser sees.
"""

from __future__ import annotations

import re
import string

from markupsafe import Markup, escape

from asnatlas.safetext import UNSAFE, visible

__all__ = ["MystSafe", "escape", "fence", "html_block", "html_finalize", "html_text", "myst",
           "myst_finalize"]

_PUNCTUATION = frozenset(string.punctuation)
_BLANK_LINES = re.compile(r"\n[ \t]*(?=\n)")


class MystSafe(str):
    """Text already valid as MyST: templates write it as it is."""


def myst(value: object) -> MystSafe:
    """``value`` as literal MyST inline text: nothing in it is markup."""
    text = visible("" if value is None else value)
    text = "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text)
    # Leading spaces could start an indented code block, trailing ones a hard line break.
    core = text.strip(" ")
    if not core:
        return MystSafe("&#32;" * len(text))
    lead = len(text) - len(text.lstrip(" "))
    trail = len(text) - len(text.rstrip(" "))
    return MystSafe("&#32;" * lead + core + "&#32;" * trail)


def myst_finalize(value: object) -> str:
    """Jinja2 ``finalize`` hook of MyST pages: every ``{{ value }}`` is escaped unless
    marked safe."""
    if isinstance(value, MystSafe):
        return value
    return myst(value)


def html_finalize(value: object) -> object:
    """Jinja2 ``finalize`` hook of HTML fragments (autoescaping applies after it).

    Untrusted strings are made `visible`. Already-escaped `Markup` (e.g. the result of
    ``|join``) is made visible too: that only replaces control characters with
    backslash escapes, so it stays valid, escaped HTML.
    """
    if value is None:
        return ""
    if isinstance(value, Markup):
        return Markup(visible(str(value)))
    if isinstance(value, str):
        return visible(value)
    return value


def html_text(value: object) -> Markup:
    """``value`` as HTML text or attribute value: made visible, then escaped."""
    return escape(visible("" if value is None else value))


def _net(text: str, keep: str = "\n") -> str:
    """Every unsafe character except those in ``keep`` shown as an escape."""
    return UNSAFE.sub(lambda m: m.group(0) if m.group(0) in keep else visible(m.group(0)),
                      text)


def html_block(fragment: Markup | str) -> MystSafe:
    """An escaped HTML fragment as one raw CommonMark HTML block.

    The block must start with a block-level tag and contain no blank line (a blank line
    would end it and hand the rest to the Markdown parser), so blank lines are dropped;
    in HTML they are only whitespace. Any other line terminator or control character
    still in the fragment (from a value that did not pass through a template) is shown
    as an escape, so ``\\n`` is the only line break left.
    """
    text = _net(str(fragment)).strip("\n")
    text = _BLANK_LINES.sub("", text)
    if not text.startswith("<div"):
        text = f"<div>\n{text}\n</div>"
    return MystSafe(text)


def fence(content: str, language: str = "") -> MystSafe:
    """A fenced code block that no line of ``content`` can close early.

    Only ``\\n`` (and tabs) are kept as they are: a ``\\r`` would be a line break to the
    Markdown parser, other separators to the directive parser.
    """
    content = _net(content, keep="\n\t")
    longest = max((len(m) for m in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = content if content.endswith("\n") else content + "\n"
    return MystSafe(f"{ticks}{language}\n{body}{ticks}")

"""Make untrusted text inert in the two languages the site writes: MyST and HTML.

Every value read from a pool or an association is untrusted. In MyST text each ASCII
punctuation character is backslash-escaped (CommonMark allows it for all of them), so no
role, directive, link, emphasis, HTML tag or entity can start; line breaks become spaces
and leading spaces entities, so a value cannot begin a new block. HTML fragments are
escaped by Jinja2/MarkupSafe and passed through `html_block`, which keeps them one
CommonMark HTML block.
"""

from __future__ import annotations

import re
import string

from markupsafe import Markup, escape

__all__ = ["MystSafe", "escape", "fence", "html_block", "myst", "myst_finalize"]

_PUNCTUATION = frozenset(string.punctuation)
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*(?=\n)")


class MystSafe(str):
    """Text already valid as MyST: templates write it as it is."""


def myst(value: object) -> MystSafe:
    """``value`` as literal MyST inline text: nothing in it is markup."""
    text = "" if value is None else str(value)
    out = []
    for ch in text:
        if ch in _PUNCTUATION:
            out.append("\\" + ch)
        elif ch in "\r\n\t\f\v\x00":
            out.append(" ")
        else:
            out.append(ch)
    text = "".join(out)
    # Leading spaces could start an indented code block: write them as entities.
    stripped = text.lstrip(" ")
    return MystSafe("&#32;" * (len(text) - len(stripped)) + stripped)


def myst_finalize(value: object) -> str:
    """Jinja2 ``finalize`` hook: every ``{{ value }}`` is escaped unless marked safe."""
    if isinstance(value, MystSafe):
        return value
    return myst(value)


def html_block(fragment: Markup | str) -> MystSafe:
    """An escaped HTML fragment as one raw CommonMark HTML block.

    The block must start with a block-level tag and contain no blank line (a blank line
    would end it and hand the rest to the Markdown parser), so blank lines are dropped;
    in HTML they are only whitespace.
    """
    text = str(fragment).strip("\n")
    text = _BLANK_LINES.sub("", text)
    if not text.startswith("<div"):
        text = f"<div>\n{text}\n</div>"
    return MystSafe(text)


def fence(content: str, language: str = "") -> MystSafe:
    """A fenced code block that no line of ``content`` can close early."""
    longest = max((len(m) for m in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = content if content.endswith("\n") else content + "\n"
    return MystSafe(f"{ticks}{language}\n{body}{ticks}")

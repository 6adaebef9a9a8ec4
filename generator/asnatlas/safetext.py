"""Untrusted text (from a pool or an association file) made safe to show.

One place decides which characters are never passed through, wherever the text goes (a
web page, a terminal, a log line):

- every line terminator that any reader we feed may honour: ``\\n``, ``\\r``, ``\\v``,
  ``\\f``, the file/group/record separators ``\\x1c``-``\\x1e`` and NEL ``\\x85`` (which
  Python's ``str.splitlines`` splits on), and the Unicode line and paragraph separators
  U+2028 and U+2029;
- all other C0 and C1 control characters, DEL and NUL (ESC starts the terminal escape
  sequences that retitle or recolour a terminal);
- the Unicode bidirectional marks, embeddings, overrides and isolates, which reorder what
  a reader sees (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069);
- lone surrogates (from JSON ``\\ud800`` escapes), which no UTF-8 stream can carry.

They are shown as visible escapes (``\\r``, ``\\x1b``, ``\\u202e``) so that nothing is
hidden either: the result is one line of printable text.
"""

from __future__ import annotations

import re

__all__ = ["UNSAFE", "is_safe", "visible"]

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "\f": "\\f", "\0": "\\0"}

#: Every character `visible` escapes (see the module docstring for why each is there).
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: object) -> str:
    """``text`` (made a string) on one line, every unsafe character shown as an escape."""
    return UNSAFE.sub(_escape, text if isinstance(text, str) else str(text))


def is_safe(text: str) -> bool:
    """Whether ``text`` has no character that `visible` would escape."""
    return UNSAFE.search(text) is None

"""Untrusted text (from a pool or an association file) made safe to show.

One place decides which characters are never passed through, wherever the text goes (a
web page, a terminal, a log line):

- every line terminator that any reader we feed may honour: ``\\n``, ``\\r``, ``\\v``,
  ``\\f``, the file/group/record separators ``\\x1c``-``\\x1e`` and NEL ``\\x85`` (which
  Python's ``str.splitlines`` splits on), and the Unicode line and paragraph separators
  U+2028 and U+2029;
- all other C0 and C1 control characters, DEL and NUL (ESC starts the terminal escape
  sequences that retitle or recolour a terminal);
- every Unicode format character (category Cf): the bidirectional marks, embeddings,
  overrides and isolates, which reorder what a reader sees (U+061C, U+200E, U+200F,
  U+202A-U+202E, U+2066-U+2069), and the invisible ones, which make two different names
  look alike (U+200B zero-width space, U+200C/U+200D joiners, U+2060 word joiner, U+FEFF,
  U+00AD soft hyphen, the tag characters U+E0000-U+E007F, ...);
- lone surrogates (from JSON ``\\ud800`` escapes), which no UTF-8 stream can carry.

They are shown as visible escapes (``\\r``, ``\\x1b``, ``\\u202e``) so that nothing is
hidden either: the result is one line of printable text.
"""

from __future__ import annotations

import re

__all__ = ["UNSAFE", "is_safe", "visible"]

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "\f": "\\f", "\0": "\\0"}

#: Every character `visible` escapes (see the module docstring for why each is there).
#: The format characters are Unicode 15.0's category Cf (a test checks them against the
#: running Python's `unicodedata`).
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: object) -> str:
    """``text`` (made a string) on one line, every unsafe character shown as an escape."""
    return UNSAFE.sub(_escape, text if isinstance(text, str) else str(text))


def is_safe(text: str) -> bool:
    """Whether ``text`` has no character that `visible` would escape."""
    return UNSAFE.search(text) is None

"""Untrusted text (from a pool or an association file) made safe to show.

One place decides which characters are never passed through: line terminators other
than a plain space, C0/C1 control characters (ESC starts terminal escape sequences), NUL,
and the Unicode bidirectional overrides that reorder what a reader sees. They are shown
as visible escapes (``\\r``, ``\\x1b``, ``\\u202e``) so that nothing is hidden either.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "\f": "\\f", "\0": "\\0"}

#: C0 and C1 controls, DEL, the Unicode line/paragraph separators, and bidi controls.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` on one line, with every unsafe character shown as an escape."""
    return UNSAFE.sub(_escape, text)


def is_safe(text: str) -> bool:
    """Whether ``text`` has no character that `visible` would escape."""
    return UNSAFE.search(text) is None

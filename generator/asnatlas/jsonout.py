"""Indented JSON text, fast: what ``json.dumps(data, indent=N, separators=(",", ": "))`` writes.

Why our own: with ``indent`` the standard library switches to its pure-Python encoder
(generators, one call per token), which took ~10 % of ``generate mega_pool``. This one
builds the same text with plain recursion over the value and the standard library's C
string escaper (``ensure_ascii=True``, as json.dumps does by default). Anything outside
the plain JSON shapes (floats, non-string keys, subclasses, cycles) goes to json.dumps
itself, so the result is always json.dumps's. ``tests/test_jsonout.py`` proves it equal on
generated values and on every association of the conformance corpus.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any

__all__ = ["dumps"]


class _Unusual(Exception):
    """A value this encoder leaves to json.dumps."""


def dumps(data: Any, indent: int = 4) -> str:
    """``json.dumps(data, indent=indent, separators=(",", ": "))``, same text."""
    chunks: list[str] = []
    try:
        _encode(data, "\n", " " * indent, chunks)
    except (_Unusual, RecursionError):
        return json.dumps(data, indent=indent, separators=(",", ": "))
    return "".join(chunks)


_ATOMS = {True: "true", False: "false"}


def _encode(value: Any, newline: str, step: str, out: list[str]) -> None:
    """Append the text of ``value``; ``newline`` is "\\n" plus the current indentation,
    ``step`` one level of it."""
    kind = type(value)
    if kind is str:
        out.append(encode_basestring_ascii(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + step
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            out.append(separator)
            out.append(encode_basestring_ascii(key))
            out.append(": ")
            _encode(item, inner, step, out)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + step
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _encode(item, inner, step, out)
            separator = "," + inner
        out.append(newline + "]")
    elif kind is bool:
        out.append(_ATOMS[value])
    elif kind is int:
        out.append(int.__repr__(value))
    elif value is None:
        out.append("null")
    else:
        raise _Unusual

"""The ``ASN_CANDIDATE`` pool column: the candidates (id, type) an exposure belongs to.

A value is a Python literal, e.g. ``[('o001', 'observation'), ('c1000', 'mosaic')]``. It is
read as the DMS generator reads it (so the same pool gives the same candidates): the text
is evaluated as a literal (never run as code); an integer is an id of type ``unknown``;
otherwise its entries are taken as (id, type) pairs up to the first entry that is not one.
Ids and types are returned as text.
"""

from __future__ import annotations

import re
from ast import literal_eval
from functools import lru_cache
from typing import Any

Pair = tuple[str, str]

#: The type given to a candidate whose value is a bare integer.
UNKNOWN_TYPE = "unknown"


# The form pools and candidate passes write: a list of pairs of plain words.
_PAIR = r"\('([A-Za-z0-9_-]*)', '([A-Za-z0-9_-]*)'\)"
_PAIR_LIST = re.compile(rf"\[{_PAIR}(?:, {_PAIR})*\]")
_PAIRS = re.compile(_PAIR)


def evaluate(text: str) -> Any:
    """The Python literal `text` is (never run as code), or the text itself when it is
    none. A plain-word pair, or a list of them, is read without the parser (twenty times
    faster; a test proves it equal to ``ast.literal_eval``)."""
    if text[:2] == "[(" and _PAIR_LIST.fullmatch(text):
        return _PAIRS.findall(text)
    if text[:2] == "('" and (pair := _PAIRS.fullmatch(text)) is not None:
        return pair.groups()
    try:
        return literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def _pair(value: Any) -> Pair | None:
    try:
        cand_id, ctype = value
    except (ValueError, TypeError):
        return None
    return str(cand_id), str(ctype)


@lru_cache(maxsize=65536)
def parse_candidates(text: str) -> tuple[Pair, ...]:
    """The (id, type) pairs of an ``ASN_CANDIDATE`` value, in order (empty when none).

    Cached: the same lists recur on many rows.
    """
    value = evaluate(text)
    if isinstance(value, int) and not isinstance(value, bool):
        return ((str(value), UNKNOWN_TYPE),)
    # Text that is no literal lists nothing; a bare pair is iterated like a list, as DMS
    # does, so ('o001', 'observation') lists nothing either ('o001' is no pair).
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        return ()
    pairs = []
    for entry in value:
        pair = _pair(entry)
        if pair is None:
            break
        pairs.append(pair)
    return tuple(pairs)


@lru_cache(maxsize=4096)
def unreadable(text: str) -> str | None:
    """What an ``ASN_CANDIDATE`` value should have been, when the DMS generator fails on it
    (None when it reads it). It lists every row's candidates first, unpacking each entry as
    a pair: an entry that is no pair of two ends the list (``('o001',)``, text), but a value
    or entry that cannot be unpacked at all (``1e3``, ``[1, 2]``, ``{1: 2}``) stops it."""
    value = evaluate(text)
    if isinstance(value, (int, str)):
        return None
    try:
        for entry in value:
            try:
                _cand_id, _ctype = entry
            except ValueError:
                return None
    except TypeError:
        return "expected a list of (id, type) pairs such as [('o001', 'observation')]"
    return None


@lru_cache(maxsize=4096)
def parse_candidate(text: str) -> Pair | None:
    """One entry, e.g. ``('o001', 'observation')`` -> ``("o001", "observation")``; None if
    the text is not a pair."""
    return _pair(evaluate(text))


def candidate_text(cand_id: str, ctype: str) -> str:
    """The ``ASN_CANDIDATE`` value listing one candidate: ``[('o001', 'observation')]``."""
    return f"[('{cand_id}', '{ctype}')]"

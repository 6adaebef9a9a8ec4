"""astropy's format guessing, run as the reference runs it, for pools our reader declines.

The reference calls ``Table.read(path, format="ascii", delimiter=D, converters=...)``,
so astropy tries a list of readers in turn and keeps the first that reads the table
(e.g. a value starting with ``"`` that never closes makes the Basic reader fail; the
Basic reader with ``'`` as the quote character then reads it literally). This module
runs the same list, in the same order, with the same options, so the outcome is the
reference's; it imports astropy, which the plain pipe reader never needs.

Differences on purpose: the HTML reader, which astropy tries first when a file contains
``<table>``, ``<tr>`` and ``<td>`` tags, is not tried: it needs BeautifulSoup, which the
reference's installation lacks, so there it always fails; and astropy's "fast" C readers
are not tried, as they always refuse the reference's converters.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class GuessedTable:
    """What astropy read: names and column values as the reference has them."""

    names: list[str]
    columns: list[list[str]]
    reader: str  # e.g. "Basic (quote character ')"
    quotechar: str | None


def _converters():
    from astropy.io.ascii import convert_numpy

    func, kind = convert_numpy(str)

    def lower_str(values):
        return [value.lower() for value in func(values)]

    return {"*": [(lower_str, kind)]}


def _guesses(ascii) -> list[tuple[type, str | None]]:
    """astropy 8's guess list, without its fast (C) readers and HTML."""
    guesses: list[tuple[type, str | None]] = [
        (cls, None) for cls in (
            ascii.Ecsv, ascii.FixedWidthTwoLine, ascii.RST, ascii.Basic, ascii.Rdb,
            ascii.Tab, ascii.Cds, ascii.Mrt, ascii.Daophot, ascii.SExtractor, ascii.Ipac,
            ascii.Latex, ascii.AASTex)
    ]
    for cls in (ascii.CommentedHeader, ascii.Basic, ascii.NoHeader):
        for quotechar in ('"', "'"):
            guesses.append((cls, quotechar))
    return guesses


class GuessFailed(Exception):
    """Every reader failed (astropy would raise); `crashed`: a non-guessing error type."""

    def __init__(self, message: str, crashed: bool = False):
        super().__init__(message)
        self.message = message
        self.crashed = crashed


def guess_read(text: str, delimiter: str) -> GuessedTable:
    """Read `text` (the decoded file) as the reference does; `GuessFailed` when it cannot."""
    import warnings

    from astropy.io import ascii
    from astropy.io.ascii import core, cparser

    # astropy reads the file in text mode: universal newlines.
    table = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in table:
        table += os.linesep
    expected = (core.InconsistentTableError, ValueError, TypeError, AttributeError,
                core.OptionalTableImportError, core.ParameterError, cparser.CParserError)
    base = {"delimiter": delimiter, "converters": _converters(), "fill_values": [("", "0")]}
    subset = _guess_subset(table, ascii.conf.guess_limit_lines)
    result = None
    tried: set = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cls, quotechar in _guesses(ascii):
            kwargs = dict(base, strict_names=True)
            if quotechar is not None:
                kwargs["quotechar"] = quotechar
            key = (cls, quotechar or '"' if cls is ascii.Basic else quotechar)
            if key in tried:
                continue  # the same reader with the same options fails the same way
            tried.add(key)
            try:
                reader = ascii.get_reader(reader_cls=cls, **kwargs)
                reader.guessing = True
                if subset:
                    reader.read(subset)
                result = reader.read(table), cls.__name__, quotechar
                break
            except expected:
                continue
            except Exception as err:  # the reference does not catch these: it crashes
                raise GuessFailed(_first_line(err), crashed=True) from None
        if result is None:
            try:
                reader = ascii.get_reader(**base)
                result = reader.read(table), "Basic (without strict names)", None
            except Exception as err:
                raise GuessFailed(_first_line(err)) from None
    data, name, quotechar = result
    data = data.filled("null") if data.has_masked_columns else data
    columns = [[str(v) for v in data[c].tolist()] for c in data.colnames]
    if quotechar:
        name = f"{name} (quote character {quotechar})"
    return GuessedTable(list(data.colnames), columns, name, quotechar)


def _guess_subset(table: str, limit: int) -> str | None:
    """astropy guesses on the first `limit` lines first when there are over twice as many."""
    pos = -1
    pos_limit = None
    for idx in range(limit * 2):
        pos = table.find("\n", pos + 1)
        if pos == -1:
            return None
        if idx == limit - 1:
            pos_limit = pos
    return table[:pos_limit]


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__

"""Errors that mean "bad input": the CLI prints them on one line and exits with status 2."""

from __future__ import annotations


class InputError(Exception):
    """A user-facing error about an input file (never shown as a traceback).

    ``str(err)`` is the one-line message: ``FILE:LINE: what is wrong``.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:"
            if self.line is not None:
                where += f"{self.line}:"
            where += " "
        return f"{where}{self.message}"


class UnusableValue(Exception):
    """A pool value (or a missing column) the rules cannot use, found while generating.

    Raised where the reference generator fails on the same pool; the generator turns it
    into an `InputError` naming the pool line (`asnatlas.pool.located`). ``value`` is None
    when the row has no such column.
    """

    def __init__(self, item: dict, column: str, value: str | None, expected: str):
        self.item = item
        self.column = column
        self.value = value
        self.expected = expected
        shown = "(no such column)" if value is None else repr(value)
        super().__init__(f"column {column.upper()} value {shown}: {expected}")


class UnusableNumber(UnusableValue, ValueError):
    """A value that must be an integer and is not (where the reference calls ``int``)."""


class UnknownValue(UnusableValue, LookupError):
    """A value the rules look up and cannot find (where the reference raises LookupError)."""


def as_int(item: dict, column: str, value: str, expected: str) -> int:
    """``int(value)`` as the reference computes it, or `UnusableNumber` naming the cell."""
    try:
        return int(value)
    except ValueError:
        raise UnusableNumber(item, column, value, f"expected {expected}") from None


def required(item: dict, column: str) -> str:
    """``item[column]`` where the reference reads it unconditionally, or `UnknownValue`."""
    try:
        return item[column]
    except KeyError:
        raise UnknownValue(item, column, None,
                           f"the pool needs a {column.upper()} column (the rules read it "
                           "for this exposure)") from None

"""The errors asnatlas raises on purpose, all under `AsnatlasError`.

- `InputError`: bad input (a pool, an association file, an option); the CLI prints it on
  one line and exits with status 2. `MemberTypeError` is one: an exposure whose member
  type cannot be decided.
- `asnatlas.conventions.naming.NamingError`: a name that breaks the JWST convention.
- `asnatlas.web.build.BuildError`: the site could not be built.

This module imports nothing, so every package (conventions included) may import it.
"""

from __future__ import annotations


class AsnatlasError(Exception):
    """Base of every error asnatlas raises on purpose (anything else is a bug)."""


class InputError(AsnatlasError):
    """A user-facing error about an input file (never shown as a traceback).

    ``str(err)`` is the one-line message: ``FILE:LINE: what is wrong``. File names and
    messages quote untrusted text, so both are shown with `asnatlas.safetext.visible`:
    a control character or line break in them cannot retitle a terminal or start a line
    that a CI system reads as a command.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        from asnatlas.safetext import visible

        where = ""
        if self.path is not None:
            where = f"{visible(self.path)}:"
            if self.line is not None:
                where += f"{self.line}:"
            where += " "
        return f"{where}{visible(self.message)}"


class UnusableValue(AsnatlasError):
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


class MemberTypeError(UnknownValue):
    """An exposure's member type (science, background...) cannot be decided: no EXP_TYPE
    on a science pointing (the reference fails there too)."""

    def __init__(self, item: dict):
        self.filename = item.get("filename")
        super().__init__(item, "exp_type", item.get("exp_type"),
                         "a science exposure (PNTGTYPE science or unset) needs its exposure "
                         "type, e.g. NRC_IMAGE, to decide its member type")

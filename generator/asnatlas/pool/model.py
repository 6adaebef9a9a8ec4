"""The read pool: rows as plain dicts of lower-cased strings, with their source lines."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

#: What an empty cell becomes (the reference fills masked cells with this text, cut to
#: the width of the column's longest value: see `asnatlas.pool.pipe.fill_null`).
NULL = "null"


@dataclass(frozen=True)
class PoolWarning:
    """Something odd about a pool row that is not fatal."""

    line: int | None
    message: str
    #: True when the row is not an exposure at all (a repeated header, a placeholder such
    #: as ``set acid``, no file name): explain and the generator's messages say so.
    not_exposure: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Pool:
    """A read pool: rows as plain dicts of lower-cased strings, in file order.

    ``lines[i]`` is the 1-based line of the file that holds ``rows[i]`` (None when the
    format has no lines, e.g. FITS); ``header_line`` is the line of the column names;
    ``reading`` says how the table was read when it was not the plain pipe-separated way.
    """

    path: str
    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int | None] = field(default_factory=list)
    warnings: list[PoolWarning] = field(default_factory=list)
    header_line: int | None = None
    reading: str = ""

    @property
    def name(self) -> str:
        """The pool's file name, as the reference writes it into ``asn_pool``."""
        return os.path.basename(self.path)

    def __len__(self) -> int:
        return len(self.rows)

    def line_of(self, item: dict) -> int | None:
        """The line of a row (the row itself, or a copy of it the generator relabelled)."""
        for row, line in zip(self.rows, self.lines, strict=False):
            if row is item:
                return line
        filename = item.get("filename")
        for row, line in zip(self.rows, self.lines, strict=False):
            if row.get("filename") == filename and all(
                row.get(k) == v for k, v in item.items() if k != "asn_candidate"
            ):
                return line
        return None

"""Read association pools: pipe-separated astropy tables listing a program's exposures.

Values are read as strings and lower-cased, column names lower-cased, and missing values
become ``"null"``: the same normalisation the reference generator applies, so that rules
compare the same text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from astropy.io import ascii as astropy_ascii
from astropy.io.ascii import convert_numpy

from asnatlas.errors import InputError

DEFAULT_DELIMITER = "|"
DEFAULT_FORMAT = "ascii"
NULL = "null"


@dataclass(frozen=True)
class PoolWarning:
    """Something odd about a pool row that is not fatal."""

    line: int | None
    message: str


@dataclass
class Pool:
    """A read pool: rows as plain dicts of lower-cased strings, in file order."""

    path: str
    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int | None] = field(default_factory=list)
    warnings: list[PoolWarning] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The pool's file name, as the reference writes it into ``asn_pool``."""
        return os.path.basename(self.path)

    def __len__(self) -> int:
        return len(self.rows)


def read_pool(
    path: str, delimiter: str = DEFAULT_DELIMITER, fmt: str = DEFAULT_FORMAT
) -> Pool:
    """Read a pool file into a `Pool`; raise `InputError` for input that is not a pool."""
    try:
        table = astropy_ascii.read(
            path,
            format="basic" if fmt == "ascii" else fmt.removeprefix("ascii."),
            delimiter=delimiter,
            guess=False,
            fast_reader=False,
            # Every value is text: "05" must stay "05", not become 5.
            converters={"*": [convert_numpy(str)]},
        )
    except OSError as err:
        raise InputError(f"cannot read pool: {err.strerror or err}", path) from None
    except Exception as err:  # astropy raises many kinds for malformed tables
        raise InputError(f"not a readable pool table: {err}", path) from None
    columns = [name.lower() for name in table.colnames]
    rows: list[dict[str, str]] = []
    for row in table:
        values = {}
        for name, col in zip(columns, table.colnames, strict=True):
            value = row[col]
            masked = value is None or value is getattr(table[col], "masked", None) or (
                hasattr(table[col], "mask") and bool(table[col].mask[row.index])
            )
            text = NULL if masked else str(value)
            values[name] = text.lower() if text != "" else NULL
        rows.append(values)
    return Pool(path=path, columns=columns, rows=rows, lines=[None] * len(rows))

"""Read association pools: tables listing a program's exposures, read as the reference reads them.

The pipe-separated format (the default, ``ascii``) is read by our own reader, which
gives what the reference's astropy reading gives (values lower-cased strings, column
names lower-cased, empty cells filled with ``"null"`` cut to the column's width), line
numbers for every row, and no astropy import; a pool it declines goes to astropy's own
format guessing, as in the reference. Other formats (``csv``, ``ascii.ecsv``, ``fits``,
``votable``...) are read by astropy.

Odd rows (a header line repeated inside the data, placeholder rows such as ``set acid``,
rows without a file name) are kept, because the reference generator sees them too, and
reported in `Pool.warnings` with their line numbers.
"""

from __future__ import annotations

import os

from asnatlas.errors import InputError
from asnatlas.pool.checks import (
    REQUIRED_COLUMNS,
    check_columns,
    lower_names,
    not_exposures,
    row_warnings,
    warnings_by_row,
)
from asnatlas.pool.model import NULL, Pool, PoolWarning
from asnatlas.pool.source import DEFAULT_MAX_BYTES, parse_size

__all__ = [
    "DEFAULT_DELIMITER", "DEFAULT_FORMAT", "DEFAULT_MAX_BYTES", "NULL", "REQUIRED_COLUMNS",
    "Pool", "PoolWarning", "not_exposures", "parse_size", "read_pool", "row_warnings",
    "warnings_by_row",
]

DEFAULT_DELIMITER = "|"
DEFAULT_FORMAT = "ascii"

#: Delimiters tried when the header line does not split with the requested one.
CANDIDATE_DELIMITERS: tuple[str, ...] = ("|", ",", "\t", ";", " ")


def read_pool(path: str, delimiter: str | None = None, fmt: str = DEFAULT_FORMAT,
              max_bytes: int | None = DEFAULT_MAX_BYTES) -> Pool:
    """Read a pool file into a `Pool`; raise `InputError` for input that is not a pool.

    ``fmt`` is an astropy format name (``ascii`` is the pipe-separated pool format,
    ``csv``, ``ascii.ecsv``, ``fits``, ``votable``...); ``delimiter`` defaults to the
    format's own (``|`` for ``ascii``). ``max_bytes`` bounds the file's size (None or 0:
    no limit).
    """
    path = os.fspath(path)
    if fmt == DEFAULT_FORMAT:
        from asnatlas.pool.text import read_text_pool

        names, values, lines, header_line, reading, failure = read_text_pool(
            path, delimiter or DEFAULT_DELIMITER, max_bytes)
    else:
        from asnatlas.pool.other import read_other_format

        names, columns, lines, header_line = read_other_format(path, fmt, delimiter,
                                                               max_bytes)
        values = zip(*columns, strict=True)
        reading, failure = "", None
    names = lower_names(path, names, header_line)
    rows = [dict(zip(names, row, strict=True)) for row in values]
    if lines is None or len(lines) != len(rows):
        lines = [None] * len(rows)
    pool = Pool(path=path, columns=names, rows=rows, lines=list(lines),
                header_line=header_line, reading=reading)
    try:
        check_columns(pool)
    except InputError:
        if failure is not None:
            # The plain reading failed and astropy's guessing read something without the
            # pool's columns: the plain reader's reason is the useful one.
            raise failure from None
        raise
    if reading:
        pool.warnings.append(PoolWarning(header_line, reading))
    pool.warnings.extend(row_warnings(pool))
    return pool

"""Pools in other astropy formats (csv, ecsv, fits, votable, ...): astropy reads them.

Every value is read as text and lower-cased, missing values become ``"null"``. For the
line-based formats (csv, tab, basic) the rows also get their line numbers.
"""

from __future__ import annotations

from asnatlas.errors import InputError
from asnatlas.pool import pipe
from asnatlas.pool.model import NULL
from asnatlas.pool.source import decode, read_bytes

# Formats astropy reads as "one header line, then one row per line, `#` comments".
_LINE_FORMATS = {"basic": "basic", "csv": "csv", "tab": "tab"}
_DEFAULT_DELIMITERS = {"basic": " ", "csv": ",", "tab": "\t"}


def read_other_format(path: str, fmt: str, delimiter: str | None, max_bytes: int | None):
    """(names, columns, row lines or None, header line or None)."""
    import io

    data = read_bytes(path, max_bytes)
    short = fmt.removeprefix("ascii.")
    line_format = _LINE_FORMATS.get(short)
    kwargs = {"delimiter": delimiter} if delimiter else {}
    try:
        from astropy.io import ascii as astropy_ascii
        from astropy.io.ascii import convert_numpy
        from astropy.table import Table

        if line_format is not None:
            text = decode(path, data)
            table = astropy_ascii.read(text.splitlines(), format=line_format, guess=False,
                                       fast_reader=False,
                                       converters={"*": [convert_numpy(str)]}, **kwargs)
        elif fmt.startswith("ascii."):
            table = astropy_ascii.read(decode(path, data), format=short, guess=False,
                                       **kwargs)
        else:
            table = Table.read(io.BytesIO(data), format=fmt, **kwargs)
    except InputError:
        raise
    except Exception as err:  # astropy raises many kinds for malformed tables
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(f"cannot read pool as format {fmt!r}: {message}", path) from None
    names = list(table.colnames)
    columns = [_column_text(table[name]) for name in names]
    lines, header_line = None, None
    if line_format is not None:
        try:
            raw = pipe.read_basic(text.splitlines(),
                                  delimiter or _DEFAULT_DELIMITERS[line_format],
                                  strict_names=False)
            if len(raw.rows) == len(table):
                lines, header_line = raw.row_lines, raw.header_line
        except pipe.PipeFailure:
            pass
    return names, columns, lines, header_line


def _column_text(column) -> list[str]:
    """One column as lower-cased strings, masked or empty values as ``"null"``."""
    import numpy as np

    mask = np.ma.getmaskarray(column) if hasattr(column, "mask") else None
    values = []
    seen: dict[str, str] = {}
    for i, value in enumerate(column.tolist() if hasattr(column, "tolist") else column):
        if mask is not None and mask[i]:
            values.append(NULL)
            continue
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        text = str(value).lower()
        text = seen.setdefault(text, text) if text != "" else NULL
        values.append(text)
    return values

"""Read association pools: pipe-separated astropy tables listing a program's exposures.

Values are read as strings and lower-cased, column names lower-cased, and missing values
become ``"null"``: the same normalisation the reference generator applies, so that rules
compare the same text.

Odd rows (a header line repeated inside the data, placeholder rows such as ``set acid``,
rows without a file name) are kept, because the reference generator sees them too, and
reported in `Pool.warnings` with their line numbers.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field

import numpy as np
from astropy.io import ascii as astropy_ascii
from astropy.io.ascii import convert_numpy
from astropy.table import Table

from asnatlas.conventions.candidates import candidate_text
from asnatlas.errors import InputError

DEFAULT_DELIMITER = "|"
DEFAULT_FORMAT = "ascii"
NULL = "null"

#: Columns without which a row cannot be an exposure for any rule.
REQUIRED_COLUMNS: tuple[str, ...] = ("filename", "program", "exp_type", "instrume")

#: Delimiters tried when the header line does not split with the requested one.
CANDIDATE_DELIMITERS: tuple[str, ...] = ("|", ",", "\t", ";", " ")

# Formats that astropy reads as "one header line, then one row per line, `#` comments":
# for these we can give line numbers and check the field counts ourselves.
_LINE_FORMATS = {"ascii": "basic", "basic": "basic", "csv": "csv", "tab": "tab"}
_DEFAULT_DELIMITERS = {"basic": DEFAULT_DELIMITER, "csv": ",", "tab": "\t"}

_COMMENT = re.compile(r"\s*#")
_PLAUSIBLE_FILENAME = re.compile(r"^[^\s/\\]+\.[a-z0-9]+$")


@dataclass(frozen=True)
class PoolWarning:
    """Something odd about a pool row that is not fatal."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Pool:
    """A read pool: rows as plain dicts of lower-cased strings, in file order.

    ``lines[i]`` is the 1-based line of the file that holds ``rows[i]`` (None when the
    format has no lines, e.g. FITS); ``header_line`` is the line of the column names.
    """

    path: str
    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int | None] = field(default_factory=list)
    warnings: list[PoolWarning] = field(default_factory=list)
    header_line: int | None = None

    @property
    def name(self) -> str:
        """The pool's file name, as the reference writes it into ``asn_pool``."""
        return os.path.basename(self.path)

    def __len__(self) -> int:
        return len(self.rows)


def read_pool(path: str, delimiter: str | None = None, fmt: str = DEFAULT_FORMAT) -> Pool:
    """Read a pool file into a `Pool`; raise `InputError` for input that is not a pool.

    ``fmt`` is an astropy format name (``ascii`` is the pipe-separated pool format,
    ``csv``, ``ascii.ecsv``, ``fits``, ``votable``...); ``delimiter`` defaults to the
    format's own (``|`` for ``ascii``).
    """
    path = os.fspath(path)
    line_format = _LINE_FORMATS.get(fmt.removeprefix("ascii."))
    if line_format is not None:
        delim = delimiter or _DEFAULT_DELIMITERS[line_format]
        text = _read_text(path)
        header_line, row_lines = _scan_lines(path, text, delim)
        table = _read_astropy(
            path, text.splitlines(), format=line_format, delimiter=delim, fast_reader=False
        )
    else:
        header_line, row_lines = None, None
        table = _read_other(path, fmt, delimiter)
    columns = [name.lower() for name in table.colnames]
    rows = _rows(table, columns)
    if row_lines is None or len(row_lines) != len(rows):
        row_lines = [None] * len(rows)
    pool = Pool(path=path, columns=columns, rows=rows, lines=list(row_lines),
                header_line=header_line)
    _check_columns(pool)
    if not rows:
        pool.warnings.append(PoolWarning(header_line, "the pool has no rows: no exposures"))
    pool.warnings.extend(row_warnings(pool))
    return pool


def _read_text(path: str) -> str:
    """The file as text, or an `InputError` saying why it cannot be."""
    if os.path.isdir(path):
        raise InputError("is a directory, not a pool file", path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputError("no such pool file", path) from None
    except OSError as err:
        raise InputError(f"cannot read pool: {err.strerror or err}", path) from None
    try:
        # A byte-order mark (spreadsheet exports) is not part of the first column's name.
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError(
            f"byte 0x{data[err.start]:02x} at byte offset {err.start} (column {column}) "
            "is not UTF-8; pools are UTF-8 text",
            path,
            line,
        ) from None


def _split(line: str, delimiter: str) -> list[str]:
    if '"' in line:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    if delimiter == " ":
        return line.split()
    return line.split(delimiter)


def _scan_lines(path: str, text: str, delimiter: str) -> tuple[int, list[int]]:
    """Find the header and row lines and check that every row has the header's width."""
    header_line = 0
    width = 0
    row_lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or _COMMENT.match(line):
            continue
        fields = len(_split(line.strip(), delimiter))
        if not header_line:
            header_line, width = number, fields
            if width < 2:
                _not_a_table(path, number, line, delimiter)
            continue
        if fields != width:
            raise InputError(
                f"row has {fields} fields but the header (line {header_line}) has {width}; "
                f"every row needs one value per column, separated by {delimiter!r}",
                path,
                number,
            )
        row_lines.append(number)
    if not header_line:
        raise InputError("empty pool: no header line and no rows (only blank or # lines)", path)
    return header_line, row_lines


def _not_a_table(path: str, number: int, line: str, delimiter: str) -> None:
    """The header does not split: suggest the delimiter that would split it, if any."""
    for other in CANDIDATE_DELIMITERS:
        if other != delimiter and len(_split(line.strip(), other)) >= 2:
            if other == " ":
                break  # spaces inside a single name prove nothing
            shown = "'\\t'" if other == "\t" else other
            raise InputError(
                f"the header line does not contain the delimiter {delimiter!r} but is "
                f"separated by {other!r}: try --delimiter {shown}",
                path,
                number,
            )
    raise InputError(
        f"not a pool table: the header line has no {delimiter!r}-separated column names "
        "(expected e.g. FILENAME|PROGRAM|EXP_TYPE|INSTRUME|...)",
        path,
        number,
    )


def _read_astropy(path: str, source, **kwargs) -> Table:
    try:
        return astropy_ascii.read(
            source,
            guess=False,
            # Every value is text: "05" must stay "05", not become 5.
            converters={"*": [convert_numpy(str)]},
            **kwargs,
        )
    except Exception as err:  # astropy raises many kinds for malformed tables
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputError(f"not a readable pool table: {message}", path) from None


def _read_other(path: str, fmt: str, delimiter: str | None) -> Table:
    """Formats without a line structure astropy's registry knows (ecsv, fits, votable...)."""
    if not os.path.exists(path):
        raise InputError("no such pool file", path)
    kwargs = {"delimiter": delimiter} if delimiter else {}
    try:
        if fmt.startswith("ascii."):
            return astropy_ascii.read(path, format=fmt.removeprefix("ascii."), guess=False,
                                      **kwargs)
        return Table.read(path, format=fmt, **kwargs)
    except Exception as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputError(f"cannot read pool as format {fmt!r}: {message}", path) from None


def _column_text(column) -> list[str]:
    """One column as lower-cased strings, masked or empty values as ``"null"``."""
    mask = np.ma.getmaskarray(column) if hasattr(column, "mask") else None
    values = []
    # One string object per distinct value: large pools repeat most values many times.
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


def _rows(table: Table, columns: list[str]) -> list[dict[str, str]]:
    # Column-wise conversion: indexing astropy rows cell by cell is ~20x slower.
    data = [_column_text(table[name]) for name in table.colnames]
    return [dict(zip(columns, values, strict=True)) for values in zip(*data, strict=True)]


def _check_columns(pool: Pool) -> None:
    """Required columns must be there; a missing ASN_CANDIDATE is derived from OBS_NUM."""
    missing = [name for name in REQUIRED_COLUMNS if name not in pool.columns]
    if missing:
        raise InputError(
            f"missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(name.upper() for name in missing)} "
            f"(a pool needs at least {', '.join(c.upper() for c in REQUIRED_COLUMNS)})",
            pool.path,
            pool.header_line,
        )
    if "asn_candidate" in pool.columns:
        return
    if "obs_num" not in pool.columns:
        raise InputError(
            "missing column ASN_CANDIDATE and no OBS_NUM to derive it from: each row needs "
            "its candidates, e.g. [('o001', 'observation')]",
            pool.path,
            pool.header_line,
        )
    # As the reference's pool maker does: every exposure belongs to its observation.
    for row in pool.rows:
        obs = row.get("obs_num", NULL)
        row["asn_candidate"] = (
            candidate_text(f"o{int(obs):03d}", "observation") if obs.isdigit() else "[]"
        )
    pool.columns.append("asn_candidate")
    pool.warnings.append(
        PoolWarning(
            pool.header_line,
            "no ASN_CANDIDATE column: each exposure was given its observation candidate "
            "('oNNN' from OBS_NUM) and nothing else",
        )
    )


def row_warnings(pool: Pool) -> list[PoolWarning]:
    """Warnings for rows that cannot be exposures (kept in the pool all the same)."""
    warnings: list[PoolWarning] = []
    seen: dict[str, int | None] = {}
    for row, line in zip(pool.rows, pool.lines, strict=True):
        filename = row.get("filename", NULL)
        as_names = sum(value == name for name, value in row.items())
        filled = sum(value != NULL for value in row.values())
        if filename == "filename" or (as_names >= 3 and 2 * as_names >= filled):
            warnings.append(
                PoolWarning(
                    line,
                    f"placeholder row ({filename!r}): its values are mostly column names, "
                    "a header line repeated inside the data; not an exposure",
                )
            )
        elif filename == NULL:
            warnings.append(PoolWarning(line, "row has no FILENAME: it is not an exposure"))
        elif not _PLAUSIBLE_FILENAME.match(filename):
            warnings.append(
                PoolWarning(line, f"FILENAME {filename!r} is not a file name: not an exposure")
            )
        elif filename in seen:
            where = f"line {seen[filename]}" if seen[filename] else "an earlier row"
            warnings.append(PoolWarning(line, f"FILENAME {filename!r} repeats {where}"))
        else:
            seen[filename] = line
    return warnings

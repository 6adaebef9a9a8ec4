"""What makes a read table a pool: its column names, its required columns, its odd rows."""

from __future__ import annotations

import re

from asnatlas.errors import InputError
from asnatlas.pool.model import NULL, Pool, PoolWarning

#: Columns without which the reference generator cannot run at all (it fails looking
#: them up): every exposure needs its file name and its candidate list.
REQUIRED_COLUMNS: tuple[str, ...] = ("filename", "asn_candidate")

_PLAUSIBLE_FILENAME = re.compile(r"^[^\s/\\]+\.[a-z0-9]+$")


def lower_names(path: str, names: list[str], header_line: int | None) -> list[str]:
    """Column names lower-cased, as the reference does; two names that become one: error.

    (The reference renames the columns one by one and fails when a lower-cased name is
    already taken, so ``FILENAME`` and ``filename`` cannot both be read.)
    """
    lowered = [name.lower() for name in names]
    first: dict[str, int] = {}
    for position, name in enumerate(lowered):
        if name in first:
            i = first[name]
            raise InputError(
                f"columns {names[i]!r} (column {i + 1}) and {names[position]!r} (column "
                f"{position + 1}) have the same name once lower-cased ({name!r}): column "
                "names are not case-sensitive, rename or remove one",
                path, header_line)
        first[name] = position
    return lowered


def check_columns(pool: Pool) -> None:
    """The columns the generator cannot do without must be there."""
    missing = [name for name in REQUIRED_COLUMNS if name not in pool.columns]
    if missing:
        hint = ""
        if pool.columns and pool.columns[0].startswith("\ufeff"):
            hint = ("; the file starts with a byte-order mark (U+FEFF), which the reference "
                    f"reads as part of the first column's name ({pool.columns[0]!r}): save "
                    "the pool without it")
        elif missing == ["asn_candidate"]:
            hint = ("; each row lists the candidates it belongs to, e.g. "
                    "[('o001', 'observation')]")
        raise InputError(
            f"missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(name.upper() for name in missing)}{hint}",
            pool.path, pool.header_line)
    if not pool.rows:
        raise InputError("the pool has no rows: no exposures to associate", pool.path,
                         pool.header_line)


def row_warnings(pool: Pool) -> list[PoolWarning]:
    """Warnings for rows that cannot be exposures (kept in the pool all the same)."""
    warnings: list[PoolWarning] = []
    seen: dict[str, int | None] = {}
    plausible = _PLAUSIBLE_FILENAME.match
    for row, line in zip(pool.rows, pool.lines, strict=True):
        filename = row.get("filename", NULL)
        if filename != NULL and plausible(filename):
            if filename in seen:
                where = f"line {seen[filename]}" if seen[filename] else "an earlier row"
                warnings.append(PoolWarning(line, f"FILENAME {filename!r} repeats {where}"))
            else:
                seen[filename] = line
            continue
        as_names = sum(value == name for name, value in row.items())
        filled = sum(value != NULL for value in row.values())
        if filename == "filename" or (as_names >= 3 and 2 * as_names >= filled):
            warnings.append(
                PoolWarning(
                    line,
                    f"placeholder row ({filename!r}): its values are mostly column names, "
                    "a header line repeated inside the data; not an exposure",
                    not_exposure=True,
                )
            )
        elif filename == NULL:
            warnings.append(PoolWarning(line, "row has no FILENAME: it is not an exposure",
                                        not_exposure=True))
        else:
            warnings.append(
                PoolWarning(line, f"FILENAME {filename!r} is not a file name: not an exposure",
                            not_exposure=True)
            )
    return warnings


def warnings_by_row(pool: Pool, warnings: list[PoolWarning]) -> dict[int, list[PoolWarning]]:
    """``warnings`` of data rows, by row index (a warning of another line is left out)."""
    index_of = {line: i for i, line in enumerate(pool.lines) if line is not None}
    rows: dict[int, list[PoolWarning]] = {}
    for warning in warnings:
        if warning.line in index_of:
            rows.setdefault(index_of[warning.line], []).append(warning)
    return rows


def not_exposures(pool: Pool) -> dict[int, str]:
    """Row index -> why that row is not an exposure (placeholder and repeated-header rows,
    rows without a file name), from the reader's own warnings."""
    return {row: w.message for row, found in warnings_by_row(pool, pool.warnings).items()
            for w in found if w.not_exposure}

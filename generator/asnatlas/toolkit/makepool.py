"""``make-pool``: an association pool made from the primary headers of exposure files.

asn_make_pool's table: one column per header keyword of any file (lower case, code-point
order), ``null`` where a file lacks one, FILENAME as given, and the columns the reference
forces (asn_candidate from OBSERVTN, dms_note, is_imprt, pntgtype, targetid, mostilno and
dithptin). Written as the reference writes it: astropy's ``ascii`` format with ``|``.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Callable
from typing import Any

from asnatlas.errors import InputError
from asnatlas.safetext import visible

#: Header cards that are not keywords.
IGNORED_KEYS: tuple[str, ...] = ("", "COMMENT", "HISTORY")

#: Columns the reference sets whatever the headers say (targetid is then numbered).
FORCED: dict[str, str] = {
    "asn_candidate": "",
    "dms_note": "",
    "is_imprt": "f",
    "pntgtype": "science",
    "targetid": "1",
    "mostilno": "1",
    "dithptin": "1",
}
REQUIRED_KEYS: tuple[str, ...] = ("OBSERVTN", "TARGNAME")
NULL = "null"
POOL_FORMAT = "ascii"
POOL_DELIMITER = "|"


def check_candidates(text: str | None) -> str | None:
    """``--asn-candidate`` checked: a list of (id, type) pairs such as
    ``[('c1000', 'background')]``; `InputError` otherwise."""
    if text is None:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = None
    if (not isinstance(value, list) or not text.lstrip().startswith("[")
            or not all(isinstance(item, tuple) and len(item) == 2
                       and all(isinstance(part, str) for part in item) for item in value)):
        raise InputError(f"--asn-candidate: {visible(text)!r}: expected a list of (id, type) "
                         "pairs, e.g. \"[('c1000', 'background')]\"")
    # An empty list adds nothing (the reference would write a dangling comma).
    return text.strip() if value else None


def read_header(path: str) -> dict[str, str]:
    """The primary header of ``path`` as lower-case keyword -> text (FILENAME as given)."""
    from astropy.io import fits

    try:
        header = fits.getheader(path, 0)
    except FileNotFoundError:
        raise InputError("no such file", visible(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, expected a FITS file", visible(path)) from None
    except OSError as err:
        raise InputError(f"not a readable FITS file ({visible(str(err))})",
                         visible(path)) from None
    except Exception as err:  # astropy raises many kinds for a damaged header
        raise InputError(f"not a readable FITS file ({type(err).__name__}: "
                         f"{visible(str(err))})", visible(path)) from None
    missing = [key for key in REQUIRED_KEYS if key not in header]
    if missing:
        raise InputError("primary header has no " + " and no ".join(missing)
                         + " keyword (needed for asn_candidate and targetid)", visible(path))
    values = {key.lower(): str(value) for key, value in header.items()
              if key not in IGNORED_KEYS}
    values["filename"] = path
    # The originals, for the candidate and target (str() of the header value, as written).
    values["\0observtn"] = str(header["OBSERVTN"])
    return values


def rows(paths: list[str], *, asn_candidate: str | None = None, dms_note: str = "",
         is_imprt: str = "f", pntgtype: str = "science",
         progress: Callable[[int], None] | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """The pool's column names and rows for the files at ``paths``.

    Unlike the reference, ``targetid`` numbers each TARGNAME by its first appearance (the
    reference gives every row the running count, so NGC1, NGC2, NGC1 get 1, 2, 2).
    """
    if is_imprt not in ("t", "f"):
        raise InputError(f"--is-imprt: {visible(is_imprt)!r}: expected t or f")
    if not pntgtype or not pntgtype.replace("_", "").isalnum():
        raise InputError(f"--pntgtype: {visible(pntgtype)!r}: expected a word such as "
                         "science or target_acquisition")
    extra = check_candidates(asn_candidate)
    headers = []
    for done, path in enumerate(paths, start=1):
        headers.append(read_header(path))
        if progress:
            progress(done)
    names = set(FORCED)
    for header in headers:
        names.update(key for key in header if not key.startswith("\0"))
    columns = sorted(names)
    targets: dict[str, str] = {}
    table = []
    for header in headers:
        row = dict.fromkeys(columns, NULL)
        row.update({k: v for k, v in header.items() if not k.startswith("\0")})
        row.update(FORCED)
        row.update({"dms_note": dms_note, "is_imprt": is_imprt, "pntgtype": pntgtype})
        observation = str(("o" + header["\0observtn"], "observation"))
        row["asn_candidate"] = f"[{observation}, {extra[1:]}" if extra else f"[{observation}]"
        row["targetid"] = targets.setdefault(header["targname"], str(len(targets) + 1))
        table.append(row)
    return columns, table


def pool_text(columns: list[str], table: list[dict[str, Any]]) -> str:
    """The pool file's text, written with astropy as the reference writes it."""
    from astropy.table import Table

    data = Table(names=columns, dtype=[object] * len(columns))
    for row in table:
        data.add_row([row[name] for name in columns])
    out = io.StringIO()
    data.write(out, format=POOL_FORMAT, delimiter=POOL_DELIMITER)
    return out.getvalue()


def make_pool(paths: list[str], **options: Any) -> str:
    """The text of the pool asn_make_pool writes for ``paths`` (targetid fixed)."""
    columns, table = rows(paths, **options)
    return pool_text(columns, table)

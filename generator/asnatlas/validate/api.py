"""Validate association files: the Python API used by the CLI and the site build.

>>> from asnatlas.validate.api import validate_text
>>> [p.code for p in validate_text('{"asn_type": "image3",}', "x_asn.json")]
['ASN004']

Three layers run in order: JSON text (syntax, with hints), the shipped JSON Schemas, then
the semantic checks. Every problem carries a code, a severity, a JSON pointer and a line
and column in the source text.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from asnatlas.validate import jsontext as validate_jsontext
from asnatlas.validate import schema as validate_schema
from asnatlas.validate import semantic as validate_semantic
from asnatlas.validate.codes import CODES, ERROR, WARNING, Code, table
from asnatlas.validate.problem import Problem

__all__ = [
    "CODES", "ERROR", "WARNING", "Code", "Problem", "table",
    "validate_bytes", "validate_text", "validate_data", "validate_path", "is_valid",
    "MAX_BYTES", "Unreadable", "read_association", "unreadable_problem",
]

#: Largest association file read by default (the largest the ground system writes are
#: about 1 MB); a bound so that /dev/zero or a runaway file cannot exhaust memory.
MAX_BYTES = 64 * 1024 * 1024


class Unreadable(Exception):
    """A file that cannot be read; ``reason`` says why in a few words."""

    def __init__(self, reason: str, hint: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


def read_association(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of one association file, or `Unreadable` with the reason.

    Only regular files are read: a FIFO, a device or a socket is refused without being
    waited on (opened non-blocking), and a file over ``max_bytes`` is refused unread.
    """
    name = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(name, flags)
    except OSError as err:
        raise Unreadable(_open_reason(name, err), "check the path and its permissions") from None
    except ValueError:  # a NUL in the name (only through the API: argv cannot hold one)
        raise Unreadable("the name holds a NUL character", "check the path") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("it is a folder, not a file",
                             "an association is a regular file; a folder given as PATH is "
                             "searched for *_asn.json files")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("not a regular file (a FIFO, device or socket); not read",
                             "pipe such input through standard input: asnatlas validate -")
        if info.st_size > max_bytes:
            raise Unreadable(f"{info.st_size} bytes, over the limit of {max_bytes}",
                             "raise the limit with --max-bytes")
        # Read what the size says (and whatever a growing or /proc file adds), never more
        # than the limit: allocating the whole limit up front would cost every small file.
        chunks, total = [], 0
        want = info.st_size + 1
        while True:
            chunk = os.read(fd, max(min(want, max_bytes + 1 - total), 1))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise Unreadable(f"over the limit of {max_bytes} bytes",
                                 "raise the limit with --max-bytes")
            want = 1 << 16
    except OSError as err:
        raise Unreadable(err.strerror or str(err), "check the file and the disk") from None
    finally:
        os.close(fd)


def _open_reason(name: str, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "a symbolic link that loops"
    if err.errno == errno.ENOENT and os.path.islink(name):
        try:
            return f"a broken symbolic link (to {os.readlink(name)!r}, which does not exist)"
        except OSError:
            return "a broken symbolic link"
    if err.errno == errno.ENOENT:
        return "no such file"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return err.strerror or str(err)


def unreadable_problem(name: str, err: Unreadable) -> Problem:
    """The ASN020 problem of a file that could not be read."""
    return Problem("ASN020", f"cannot read the file: {err.reason}", "", hint=err.hint,
                   file=name)

# Keys whose problem is best shown at the key rather than at its value.
_AT_KEY = frozenset({"ASN216", "ASN007"})


def validate_bytes(raw: bytes, name: str = "<stdin>", *, path: str | None = None,
                   check_files: bool = False) -> list[Problem]:
    """Validate the raw bytes of one association file.

    ``name`` labels the problems; ``path`` (the file's real path, None for stdin) enables
    the file-name checks and locates members for ``check_files``.
    """
    text, problems = validate_jsontext.decode(raw)
    if text is not None:
        problems += validate_text(text, name, path=path, check_files=check_files)
    for problem in problems:
        problem.file = name
    return _sorted(problems)


def validate_text(text: str, name: str = "<text>", *, path: str | None = None,
                  check_files: bool = False) -> list[Problem]:
    """Validate the text of one association; problems are sorted by position."""
    if text.startswith("\ufeff"):
        # surrogatepass: lone surrogates become bytes that the UTF-8 check reports.
        problems = validate_bytes(text.encode("utf-8", "surrogatepass"), name, path=path,
                                  check_files=check_files)
        return problems
    parsed, data, problems = validate_jsontext.parse(text)
    if not parsed:
        for problem in problems:
            problem.file = name
        return _sorted(problems)
    more = validate_data(data, path=path, check_files=check_files,
                         constants=validate_jsontext.constants_in(problems))
    if more:
        index = validate_jsontext.PositionIndex(text)
        for problem in more:
            if problem.pointer or problem.code != "ASN207":
                where = index.key if problem.code in _AT_KEY else index.value
                problem.line, problem.col = where(problem.pointer)
    problems += more
    for problem in problems:
        problem.file = name
    return _sorted(problems)


def validate_data(data: object, *, path: str | None = None, check_files: bool = False,
                  constants: dict[str, str] | None = None) -> list[Problem]:
    """Validate an already-parsed association (no positions: line and col stay 0).
    ``constants``: where the text had NaN or Infinity (pointer -> word), read as None."""
    problems = validate_schema.check(data, constants)
    try:
        problems += validate_semantic.check(data, path, check_files)
    except RecursionError:
        pass  # absurdly nested input; the schema layer has already reported it
    return problems


def validate_path(path: str | Path, *, check_files: bool = False) -> list[Problem]:
    """Validate one file on disk; a file that cannot be read gives one ASN020 problem."""
    try:
        raw = read_association(path)
    except Unreadable as err:
        return [unreadable_problem(str(path), err)]
    return validate_bytes(raw, str(path), path=str(path), check_files=check_files)


def is_valid(problems: list[Problem], *, strict: bool = False) -> bool:
    """True when no problem is an error (or, with ``strict``, no problem at all)."""
    return not any(p.severity == ERROR or strict for p in problems)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.col, p.code, p.pointer, p.message))

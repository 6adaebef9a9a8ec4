"""Validate association files: the Python API used by the CLI and the site build.

>>> from asnatlas.validate.api import validate_text
>>> [p.code for p in validate_text('{"asn_type": "image3",}', "x_asn.json")]
['ASN004']

Three layers run in order: JSON text (syntax, with hints), the shipped JSON Schemas, then
the semantic checks. Every problem carries a code, a severity, a JSON pointer and a line
and column in the source text.
"""

from __future__ import annotations

from pathlib import Path

from asnatlas.validate import jsontext as validate_jsontext
from asnatlas.validate import schema as validate_schema
from asnatlas.validate import semantic as validate_semantic
from asnatlas.validate.codes import CODES, ERROR, WARNING, Code, table
from asnatlas.validate.problem import Problem

__all__ = [
    "CODES", "ERROR", "WARNING", "Code", "Problem", "table",
    "validate_bytes", "validate_text", "validate_data", "validate_path", "is_valid",
]

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
        problems = validate_bytes(text.encode("utf-8"), name, path=path,
                                  check_files=check_files)
        return problems
    parsed, data, problems = validate_jsontext.parse(text)
    if not parsed:
        for problem in problems:
            problem.file = name
        return problems
    more = validate_data(data, path=path, check_files=check_files)
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


def validate_data(data: object, *, path: str | None = None,
                  check_files: bool = False) -> list[Problem]:
    """Validate an already-parsed association (no positions: line and col stay 0)."""
    problems = validate_schema.check(data)
    try:
        problems += validate_semantic.check(data, path, check_files)
    except RecursionError:
        pass  # absurdly nested input; the schema layer has already reported it
    return problems


def validate_path(path: str | Path, *, check_files: bool = False) -> list[Problem]:
    """Validate one file on disk. Raises ``OSError`` when it cannot be read."""
    raw = Path(path).read_bytes()
    return validate_bytes(raw, str(path), path=str(path), check_files=check_files)


def is_valid(problems: list[Problem], *, strict: bool = False) -> bool:
    """True when no problem is an error (or, with ``strict``, no problem at all)."""
    return not any(p.severity == ERROR or strict for p in problems)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.col, p.code, p.pointer, p.message))

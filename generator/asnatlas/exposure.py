"""The exposure model shared by the generator, the explainer and the site."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from asnatlas.pool import NULL, Pool


@dataclass(frozen=True)
class Exposure:
    """One pool row: its position, its source line and its (lower-cased) values."""

    index: int
    line: int | None
    row: Mapping[str, str]

    def get(self, column: str, default: str = NULL) -> str:
        return self.row.get(column, default)

    def has(self, column: str) -> bool:
        """True when the column exists and its value is not ``"null"``."""
        return self.row.get(column, NULL) != NULL

    @property
    def filename(self) -> str:
        return self.get("filename")

    @property
    def exp_type(self) -> str:
        return self.get("exp_type")

    @property
    def instrument(self) -> str:
        return self.get("instrume")

    @property
    def program(self) -> str:
        return self.get("program")

    @property
    def candidates(self) -> tuple[tuple[str, str], ...]:
        """The ``ASN_CANDIDATE`` list as ``(id, type)`` pairs, e.g. ``(("o001", "observation"),)``.

        Values that are not such a list give an empty tuple.
        """
        return parse_candidates(self.get("asn_candidate"))


def parse_candidates(text: str) -> tuple[tuple[str, str], ...]:
    """Parse an ``ASN_CANDIDATE`` value, e.g. ``[('o001', 'observation')]``."""
    try:
        # literal_eval only builds literals; it never runs pool text as code.
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return ()
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        value = [value]
    if not isinstance(value, list):
        return ()
    pairs = []
    for item in value:
        if (isinstance(item, tuple | list) and len(item) == 2
                and all(isinstance(v, str) for v in item)):
            pairs.append((item[0], item[1]))
    return tuple(pairs)


def exposures(pool: Pool) -> list[Exposure]:
    """The pool's rows as exposures, in file order."""
    return [
        Exposure(index=i, line=pool.lines[i] if i < len(pool.lines) else None, row=row)
        for i, row in enumerate(pool.rows)
    ]

"""The exposure model shared by the generator, the explainer and the site."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from asnatlas.conventions.candidates import parse_candidates
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
        """The ``ASN_CANDIDATE`` pairs, e.g. ``(("o001", "observation"),)``."""
        return parse_candidates(self.get("asn_candidate"))


def exposures(pool: Pool) -> list[Exposure]:
    """The pool's rows as exposures, in file order."""
    return [
        Exposure(index=i, line=pool.lines[i] if i < len(pool.lines) else None, row=row)
        for i, row in enumerate(pool.rows)
    ]

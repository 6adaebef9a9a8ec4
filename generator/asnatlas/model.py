"""The shared data: exposures (pool rows), associations and the result of a generator run.

What the generator returns and the explainer and the site read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from asnatlas import jsonout
from asnatlas.conventions.candidates import parse_candidates
from asnatlas.conventions.catalogue import stage_of
from asnatlas.pool import NULL, Pool


@dataclass
class Association:
    """One association file.

    ``data`` is the JSON content exactly as written (key order included); ``member_rows``
    lists, per product, the pool row indices of its members (same order as the members),
    so that pages and explanations can link members back to exposures.
    """

    filename: str
    data: dict[str, Any]
    member_rows: list[list[int]] = field(default_factory=list)

    @property
    def rule(self) -> str:
        """The rule name as written in ``asn_rule`` (e.g. ``candidate_Asn_Lv3Image``)."""
        return self.data["asn_rule"]

    @property
    def asn_type(self) -> str:
        return self.data["asn_type"]

    @property
    def asn_id(self) -> str:
        return self.data["asn_id"]

    @property
    def stage(self) -> int:
        """The pipeline stage that processes it (the catalogue's stage of its type)."""
        return stage_of(str(self.data.get("asn_type", ""))) or 3

    def to_json(self) -> str:
        """The file's text, formatted as the reference writes it."""
        return jsonout.dumps(self.data)


@dataclass
class Generated:
    """The result of a generator run over one pool."""

    pool_name: str
    associations: list[Association]
    orphans: list[int]


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

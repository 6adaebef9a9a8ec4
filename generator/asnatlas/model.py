"""The association model: what the generator returns and the site, validator and explainer read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from asnatlas.conventions.catalogue import stage_of


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
        return json.dumps(self.data, indent=4, separators=(",", ": "))


@dataclass
class Generated:
    """The result of a generator run over one pool."""

    pool_name: str
    associations: list[Association]
    orphans: list[int]

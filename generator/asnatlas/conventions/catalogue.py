"""The catalogue of JWST product types (file suffixes) and association types.

The facts live in ``asnatlas/conventions/catalogue.json``; this module only loads them into frozen
dataclasses. The site, the validator and the naming module read them from here, so no
other module needs its own list of suffixes or association types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class ProductType:
    """A product file suffix, e.g. ``cal`` in ``jw..._nrca1_cal.fits``.

    ``stages`` lists the calibration stages that write it (0 = ground system); ``basis`` says
    whether it is named after one exposure, after a target/source (Stage 3), or both.
    """

    suffix: str
    stages: tuple[int, ...]
    pipelines: tuple[str, ...]
    basis: tuple[str, ...]
    extension: str
    optional: bool
    description: str

    @property
    def stage(self) -> int:
        """The earliest stage that writes this product."""
        return min(self.stages)

    @property
    def exposure_based(self) -> bool:
        return "exposure" in self.basis

    @property
    def source_based(self) -> bool:
        return "source" in self.basis


@dataclass(frozen=True)
class AsnType:
    """An association type (``asn_type`` in the JSON), the pipeline that runs it and its I/O."""

    name: str
    stage: int
    pipelines: tuple[str, ...]
    products: tuple[str, ...]
    member_suffixes: tuple[str, ...]
    description: str

    @property
    def pipeline(self) -> str:
        """The main pipeline that processes this association type."""
        return self.pipelines[0]


@cache
def _load() -> tuple[tuple[ProductType, ...], tuple[AsnType, ...]]:
    text = resources.files("asnatlas.conventions").joinpath("catalogue.json").read_text("utf-8")
    data = json.loads(text)
    products = tuple(
        ProductType(
            suffix=p["suffix"],
            stages=tuple(p["stages"]),
            pipelines=tuple(p["pipelines"]),
            basis=tuple(p["basis"]),
            extension=p["extension"],
            optional=p["optional"],
            description=p["description"],
        )
        for p in data["products"]
    )
    asn_types = tuple(
        AsnType(
            name=a["name"],
            stage=a["stage"],
            pipelines=tuple(a["pipelines"]),
            products=tuple(a["products"]),
            member_suffixes=tuple(a["member_suffixes"]),
            description=a["description"],
        )
        for a in data["asn_types"]
    )
    return products, asn_types


def product_types() -> list[ProductType]:
    """Every product type, in catalogue order (by stage)."""
    return list(_load()[0])


def product_type(suffix: str) -> ProductType | None:
    """The product type of a suffix; None if it is unknown."""
    for product in _load()[0]:
        if product.suffix == suffix:
            return product
    return None


def product_suffixes() -> list[str]:
    """Every known product suffix."""
    return [product.suffix for product in _load()[0]]


def asn_types() -> list[AsnType]:
    """Every association type the generator can write, Stage 2 first."""
    return list(_load()[1])


def asn_type(name: str) -> AsnType | None:
    """The association type called ``name``; None if it is unknown."""
    for kind in _load()[1]:
        if kind.name == name:
            return kind
    return None


def stage_of(name: str) -> int | None:
    """The pipeline stage (2 or 3) that processes association type ``name``; None if unknown."""
    return _stages().get(name)


@cache
def _stages() -> dict[str, int]:
    return {kind.name: kind.stage for kind in _load()[1]}


def asn_type_names() -> list[str]:
    """Every known ``asn_type`` value."""
    return [kind.name for kind in _load()[1]]

"""Where the shipped folders (templates, schemas, the Sphinx project) are.

An installed asnatlas has them as the packages ``asnatlas.templates``, ``asnatlas.schemas``
and ``asnatlas.site``; a plain checkout (``generator/`` on ``sys.path``, nothing
installed) has them as the top-level folders of the repository.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

SHIPPED = ("templates", "schemas", "site")


def folder(name: str) -> Traversable:
    """The shipped folder ``name`` (one of `SHIPPED`)."""
    if name not in SHIPPED:
        raise ValueError(f"not a shipped folder: {name!r}")
    try:
        return resources.files(f"asnatlas.{name}")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / name

"""``edit``: add members to, or remove members from, every product of an association.

asn_edit's semantics: an added file is written by its base name with one exposure type in
every product; a removed name matches a member exactly, or, ignoring the pipeline suffix,
by the root of its name; products left with no member are dropped.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from asnatlas.conventions import suffixes
from asnatlas.errors import InputError
from asnatlas.safetext import visible


@dataclass(frozen=True)
class EditResult:
    """The edited association, and the names to remove that matched no member."""

    data: dict[str, Any]
    not_found: tuple[str, ...] = ()
    removed: int = 0
    dropped_products: tuple[str, ...] = ()


def _expanded(name: str) -> str:
    """The name as a shell user means it: ``~`` and ``$VAR`` expanded, made absolute."""
    return os.path.abspath(os.path.expandvars(os.path.expanduser(name)))


def base_name(name: str) -> str:
    """The member name written for a file added by ``name``: its base name."""
    return PurePath(_expanded(name)).name


def _root(name: str) -> str:
    """The name without folders, extension and known pipeline suffix."""
    return suffixes.remove_suffix(PurePath(name).stem)


def add(data: dict[str, Any], files: list[str], exptype: str = "science") -> EditResult:
    """Each file's base name joins every product as a member of type ``exptype``.

    A member already in a product, or a name given twice, is refused (`InputError`).
    """
    out = copy.deepcopy(data)
    names = [base_name(name) for name in files]
    seen: set[str] = set()
    for given, name in zip(files, names, strict=True):
        if name in seen:
            raise InputError(f"{visible(given)}: {visible(name)!r} is given twice; "
                             "nothing written")
        seen.add(name)
        for product in out["products"]:
            if any(member["expname"] == name for member in product["members"]):
                raise InputError(f"{visible(given)}: {visible(name)!r} is already a member "
                                 f"of product {visible(product['name'])!r}; nothing written")
    for name in names:
        for product in out["products"]:
            product["members"].append({"expname": name, "exptype": exptype})
    return EditResult(out)


def remove(data: dict[str, Any], files: list[str], ignore_suffix: bool = False) -> EditResult:
    """Remove the members matching each name from every product; drop emptied products.

    A name matches a member written exactly as its base name, or with ``ignore_suffix`` a
    member whose name has the same root (folders, extension and pipeline suffix ignored).
    """
    out = copy.deepcopy(data)
    not_found: list[str] = []
    removed = 0
    dropped: list[str] = []
    for given in files:
        path = _expanded(given)
        key = _root(path) if ignore_suffix else PurePath(path).name
        hit = False
        kept_products = []
        for product in out["products"]:
            members = [m for m in product["members"]
                       if (_root(m["expname"]) if ignore_suffix else m["expname"]) != key]
            if len(members) != len(product["members"]):
                hit = True
                removed += len(product["members"]) - len(members)
                product["members"] = members
            if members:
                kept_products.append(product)
            else:
                dropped.append(product["name"])
        out["products"] = kept_products
        if not hit:
            not_found.append(given)
    return EditResult(out, tuple(not_found), removed, tuple(dropped))

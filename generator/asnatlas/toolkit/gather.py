"""``gather``: copy an association's members, and the association, into one folder.

asn_gather's semantics: members are selected by exposure type (``exclude`` wins over
``types``), products left with no member are dropped, member names are rewritten to base
names and the association is written into the destination under its own name. Planning is
separate from copying, so that every missing file is reported before anything is copied.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from asnatlas import safeio
from asnatlas.errors import InputError
from asnatlas.safetext import visible
from asnatlas.toolkit import asnfile

CHUNK = 1 << 20


@dataclass(frozen=True)
class Copy:
    """One member file to copy: from ``source`` to ``target``; ``size`` in bytes."""

    source: Path
    target: Path
    size: int


@dataclass(frozen=True)
class GatherPlan:
    """What a gather will do: the copies, and the association written at ``asn_target``."""

    data: dict[str, Any]
    asn_target: Path
    copies: tuple[Copy, ...] = field(default_factory=tuple)
    original: dict[str, Any] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return sum(item.size for item in self.copies)


def select(data: dict[str, Any], types: Iterable[str] | None = None,
           exclude: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The products kept (name and members only), with the members of the selected types."""
    wanted = set(types) if types is not None else None
    unwanted = set(exclude)
    products = []
    for product in data["products"]:
        members = [dict(m) for m in product["members"]
                   if m["exptype"] not in unwanted and (wanted is None or m["exptype"] in wanted)]
        if members:
            products.append({"name": product["name"], "members": members})
    return products


def plan(asn_path: str | Path, dest: str | Path, *, source: str | Path | None = None,
         types: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> GatherPlan:
    """Check everything a gather needs; `InputError` listing every missing member file.

    A member's folder is taken relative to ``source`` (default: the association's folder);
    an absolute member path is used as it is.
    """
    asn_path = Path(asn_path)
    data = asnfile.load(asn_path)
    source_folder = Path(source) if source is not None else asn_path.parent
    if source is not None and not source_folder.is_dir():
        raise InputError(f"-s: {visible(str(source_folder))}: no such folder")
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise InputError(f"{visible(str(dest))}: exists and is not a folder")
    target = dest / asn_path.name
    if target.exists() and os.path.samefile(target, asn_path):
        raise InputError(f"{visible(str(dest))}: is the association's own folder; gathering "
                         "there would overwrite the association itself")
    products = select(data, types, exclude)
    if not products:
        chosen = ", ".join(sorted(set(types or ()) - set(exclude))) or "none"
        raise InputError(f"{visible(str(asn_path))}: no member has a selected exposure type "
                         f"({chosen}); nothing to gather")
    copies: dict[str, Copy] = {}
    missing: list[str] = []
    for product in products:
        for member in product["members"]:
            expname = member["expname"]
            src = Path(expname) if PurePath(expname).is_absolute() else source_folder / expname
            name = PurePath(expname).name
            member["expname"] = name
            if name in copies:
                if os.path.abspath(copies[name].source) != os.path.abspath(src):
                    raise InputError(f"two members are named {visible(name)!r} "
                                     f"({visible(str(copies[name].source))} and "
                                     f"{visible(str(src))}); they cannot share "
                                     f"{visible(str(dest))}")
                continue
            if not src.is_file():
                if str(src) not in missing:
                    missing.append(str(src))
                continue
            copies[name] = Copy(src, dest / name, src.stat().st_size)
    if missing:
        shown = ", ".join(visible(m) for m in missing)
        raise InputError(f"{len(missing)} member file{'s are' if len(missing) > 1 else ' is'} "
                         f"missing, nothing copied: {shown}")
    out = dict(data)
    out["products"] = products
    return GatherPlan(out, target, tuple(copies.values()), data)


def _copy_one(item: Copy, progress: Callable[[int], None] | None) -> None:
    try:
        if item.target.exists() and os.path.samefile(item.source, item.target):
            if progress:
                progress(item.size)
            return
    except OSError:
        pass
    # Copied through `safeio.atomic_file`: a failure or a kill never leaves half a member
    # under its real name.
    with open(item.source, "rb") as src, safeio.atomic_file(item.target, binary=True) as dst:
        while chunk := src.read(CHUNK):
            dst.write(chunk)
            if progress:
                progress(len(chunk))


def run(gather_plan: GatherPlan, progress: Callable[[int], None] | None = None) -> Path:
    """Create the destination, copy the members, then write the association; its path."""
    # Validate first: nothing is copied for an association that would not be written.
    before = gather_plan.original or None
    if asnfile.blocking_problems(gather_plan.data, before):
        asnfile.write(gather_plan.asn_target, gather_plan.data, before)  # raises InputError
    dest = gather_plan.asn_target.parent
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for item in gather_plan.copies:
            _copy_one(item, progress)
    except OSError as err:
        raise InputError(f"copy failed: {visible(str(err))}") from None
    asnfile.write(gather_plan.asn_target, gather_plan.data, before)
    return gather_plan.asn_target

"""Generated associations against a folder of associations the user has (the compare page).

For each generated association: does the folder hold the same association, a different
one (with the differences `diff` finds) or none? And which files of the folder match no
generated association? Plain data for the site to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asnatlas.errors import InputError
from asnatlas.safetext import visible
from asnatlas.toolkit import asnfile
from asnatlas.toolkit.diff import (
    Difference,
    Entry,
    association_files,
    compare,
    describe,
    entries,
)

IDENTICAL = "identical"
DIFFERENT = "different"
ONLY_GENERATED = "only generated"


@dataclass(frozen=True)
class Verdict:
    """What the folder holds for one generated association (``key``: its file name).

    ``matches`` are the folder's files compared with it (those sharing a product name);
    ``differences`` is empty when ``status`` is identical, and lists what differs
    (LEFT = generated, RIGHT = the folder) when it is different.
    """

    key: str
    status: str
    matches: tuple[str, ...] = ()
    differences: tuple[Difference, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """Every generated association's verdict, and the folder's files that match none."""

    folder: str
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    only_in_folder: tuple[str, ...] = ()
    #: program of each folder file (to place the files of several pools' builds)
    programs: dict[str, str] = field(default_factory=dict)

    def counts(self, keys: Iterable[str] | None = None) -> dict[str, int]:
        """How many identical, different, only generated (among ``keys``), only in folder."""
        chosen = [self.verdicts[k] for k in (keys if keys is not None else self.verdicts)
                  if k in self.verdicts]
        return {
            IDENTICAL: sum(v.status == IDENTICAL for v in chosen),
            DIFFERENT: sum(v.status == DIFFERENT for v in chosen),
            ONLY_GENERATED: sum(v.status == ONLY_GENERATED for v in chosen),
        }


def load_folder(folder: str | Path) -> dict[str, tuple[dict[str, Any], list[Entry]]]:
    """Every ``*_asn.json`` below ``folder``: name relative to it -> (data, products)."""
    root = Path(folder)
    out = {}
    for path in association_files(root):
        name = path.relative_to(root).as_posix() if root.is_dir() else path.name
        data = asnfile.load(path)
        out[name] = (data, entries(data, name))
    return out


def compare_folder(generated: Iterable[tuple[str, dict[str, Any]]], folder: str | Path,
                   strict: bool = False) -> Comparison:
    """Verdicts for ``generated`` (pairs of file name and association data) against the
    associations in ``folder``. Raises `InputError` for an unreadable folder or file."""
    theirs = load_folder(folder)
    by_product: dict[str, list[str]] = {}
    for name, (_data, items) in theirs.items():
        for entry in items:
            by_product.setdefault(entry.name, []).append(name)
    used: set[str] = set()
    verdicts: dict[str, Verdict] = {}
    for key, data in generated:
        ours = entries(data, key)
        candidates = sorted({n for e in ours for n in by_product.get(e.name, [])})
        if not candidates:
            verdicts[key] = Verdict(key, ONLY_GENERATED)
            continue
        used.update(candidates)
        # The best match: a folder file equal to ours, else the fewest differences with the
        # same type first; every candidate sharing a product is a match for the page.
        scored = []
        for name in candidates:
            diffs = compare(ours, theirs[name][1], strict)
            same_type = theirs[name][0].get("asn_type") == data.get("asn_type")
            scored.append((bool(diffs), not same_type, len(diffs), name, diffs))
        scored.sort(key=lambda item: item[:4])
        best = scored[0]
        if not best[4]:
            verdicts[key] = Verdict(key, IDENTICAL, (best[3],))
        else:
            # Differences against every candidate together (products of ours found in
            # other files of the folder are not reported missing; their other products
            # belong to other associations, so they are not extras of this one).
            together = [e for name in candidates for e in theirs[name][1]]
            diffs = compare(ours, together, strict)
            diffs = [d for d in diffs if d.kind != "product-extra"]
            if not diffs:
                verdicts[key] = Verdict(key, IDENTICAL, tuple(candidates))
            else:
                verdicts[key] = Verdict(key, DIFFERENT, tuple(candidates), tuple(diffs))
    only = tuple(sorted(set(theirs) - used))
    programs = {name: str(data.get("program", "")) for name, (data, _items) in theirs.items()}
    return Comparison(str(folder), verdicts, only, programs)


# ------------------------------------------------------------------ views for the site
def verdict_view(comparison: Comparison | None, key: str) -> dict[str, Any] | None:
    """What an association page shows: plain data (text is escaped by the templates)."""
    if comparison is None or key not in comparison.verdicts:
        return None
    verdict = comparison.verdicts[key]
    return {
        "folder": comparison.folder,
        "status": verdict.status,
        "matches": list(verdict.matches),
        "differences": [{"kind": d.kind, "text": describe(d)} for d in verdict.differences],
    }


def summary_view(comparison: Comparison | None, pages: list[tuple[str, str]],
                 programs: set[str], site_programs: set[str]) -> dict[str, Any] | None:
    """What a pool page shows: the counts, each association by verdict, and the folder's
    files that match no generated association (those of this pool's programs, and those of
    a program no pool of the site has).

    ``pages`` are (key, file name) of the pool's associations.
    """
    if comparison is None:
        return None
    rows = [{"key": key, "name": name, "status": comparison.verdicts[key].status}
            for key, name in pages if key in comparison.verdicts]
    only = [name for name in comparison.only_in_folder
            if comparison.programs.get(name, "") in programs
            or comparison.programs.get(name, "") not in site_programs]
    counts = comparison.counts([key for key, _ in pages])
    return {
        "folder": comparison.folder,
        "identical": counts[IDENTICAL],
        "different": counts[DIFFERENT],
        "only_generated": counts[ONLY_GENERATED],
        "only_in_folder": only,
        "rows": rows,
    }


def folder_digest(folder: str | Path) -> str:
    """A hash of the association files a comparison reads (names and bytes), so that a
    build knows when they changed. Raises `InputError` as `compare_folder` does."""
    import hashlib

    root = Path(folder)
    digest = hashlib.sha256(str(root.absolute()).encode("utf-8") + b"\0")
    for path in association_files(root):
        digest.update(path.as_posix().encode("utf-8") + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as err:
            raise InputError(f"cannot read: {err.strerror or err}", visible(str(path))) from None
    return digest.hexdigest()

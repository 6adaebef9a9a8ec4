"""``diff``: are two sets of associations the same? Every difference, as data.

Equivalence is the reference's ``compare_asn_files``: associations are split into their
products and paired by product name; paired products must have the same ``asn_type``, the
same candidate level (first letter of ``asn_id``: o, c or a) and the same members with the
same exposure types. Relaxed (default): member names compared without folder, extension
and pipeline suffix; strict: compared exactly. Unlike the reference, every difference is
reported (it checks types and levels only up to the first product that differs).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath
from typing import Any

from asnatlas.conventions import suffixes
from asnatlas.errors import InputError
from asnatlas.safetext import visible
from asnatlas.toolkit import asnfile

#: Every kind of difference, in the order a review lists them.
KINDS: tuple[str, ...] = (
    "product-missing", "product-extra", "type-mismatch", "level-mismatch",
    "member-missing", "member-extra", "member-exptype", "duplicate-product",
    "duplicate-member",
)


@dataclass(frozen=True)
class Difference:
    """One difference. ``file`` is the file concerned (LEFT's for ``*-missing`` and for
    mismatches, RIGHT's for ``*-extra``), ``other_file`` the file on the other side when
    there is one; ``side`` is ``left`` or ``right`` for duplicates; ``left`` and ``right``
    are the two values that differ (exposure types for ``member-*``)."""

    kind: str
    file: str
    product: str
    member: str | None = None
    other_file: str | None = None
    left: str | None = None
    right: str | None = None
    side: str | None = None
    detail: str | None = None  # duplicate-product: "identical" or "different"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Entry:
    """One product of one association file (what the reference calls a single-product
    association)."""

    file: str
    asn_type: str
    asn_id: str
    name: str
    members: tuple[tuple[str, str], ...]


def exposure_name(expname: str) -> str:
    """The relaxed key of a member: no folder, no extension, no pipeline suffix."""
    return suffixes.remove_suffix(PurePath(expname).stem)


def entries(data: dict[str, Any], file: str) -> list[Entry]:
    """The products of one association, each with the association's type and id."""
    return [Entry(file, str(data.get("asn_type", "")), str(data.get("asn_id", "")),
                  product["name"],
                  tuple((m["expname"], m["exptype"]) for m in product["members"]))
            for product in data["products"]]


def association_files(path: str | Path) -> list[Path]:
    """``path`` itself, or every ``*_asn.json`` below the folder ``path`` (sorted)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*_asn.json") if p.is_file())
        if not files:
            raise InputError("folder holds no *_asn.json file", visible(str(path)))
        return files
    if not path.exists():
        raise InputError("no such file or folder", visible(str(path)))
    return [path]


def load_side(paths: Iterable[str | Path]) -> list[Entry]:
    """Every product of every association file under ``paths``."""
    out: list[Entry] = []
    for path in paths:
        for file in association_files(path):
            out += entries(asnfile.load(file), str(file))
    return out


def compare_products(left: Entry, right: Entry, strict: bool = False) -> list[Difference]:
    """Membership differences between two products of the same name.

    A member listed twice is a ``duplicate-member`` when the other side does not list it
    as often; members are then paired greedily, as the reference pairs them.
    """
    key = (lambda name: name) if strict else exposure_name
    diffs: list[Difference] = []
    for side, entry, other in (("left", left, right), ("right", right, left)):
        counts = Counter(expname for expname, _ in entry.members)
        other_keys = Counter(key(expname) for expname, _ in other.members)
        for name in sorted(n for n, c in counts.items() if c > 1 and other_keys[key(n)] < c):
            diffs.append(Difference("duplicate-member", entry.file, entry.name, name,
                                    other.file, side=side))
    unmatched = list(right.members)
    missing = []
    for expname, exptype in left.members:
        for i, (r_name, r_type) in enumerate(unmatched):
            if key(r_name) != key(expname):
                continue
            if r_type != exptype:
                diffs.append(Difference("member-exptype", left.file, left.name, expname,
                                        right.file, exptype, r_type))
            del unmatched[i]
            break
        else:
            missing.append((expname, exptype))
    diffs += [Difference("member-missing", left.file, left.name, expname, right.file,
                         left=exptype) for expname, exptype in missing]
    diffs += [Difference("member-extra", right.file, right.name, expname, left.file,
                         right=exptype) for expname, exptype in unmatched]
    return diffs


def compare_entries(a: Entry, b: Entry, strict: bool = False) -> list[Difference]:
    """Every difference between two products of the same name: type, level, members."""
    diffs = []
    if a.asn_type != b.asn_type:
        diffs.append(Difference("type-mismatch", a.file, a.name, other_file=b.file,
                                left=a.asn_type, right=b.asn_type))
    if a.asn_id[:1] != b.asn_id[:1]:
        diffs.append(Difference("level-mismatch", a.file, a.name, other_file=b.file,
                                left=a.asn_id, right=b.asn_id))
    return diffs + compare_products(a, b, strict)


def _duplicate(side: str, entry: Entry, siblings: list[Entry]) -> Difference | None:
    """``entry``, one product too many on its side, against the others of its name.

    As in the reference, a product that differs from another only in its members'
    suffixes (coronagraphy's rate and rateints products) is not a duplicate.
    """
    if any(not compare_entries(entry, other, strict=True) for other in siblings):
        detail = "identical"
    elif any(not compare_entries(entry, other, strict=False) for other in siblings):
        return None
    else:
        detail = "different"
    return Difference("duplicate-product", entry.file, entry.name,
                      other_file=siblings[0].file, side=side, detail=detail)


def _group(items: list[Entry]) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = defaultdict(list)
    for entry in items:
        out[entry.name].append(entry)
    return out


def compare(left: list[Entry], right: list[Entry], strict: bool = False) -> list[Difference]:
    """Every difference between two sets of products (empty: equivalent).

    Products are paired by name. A name given to several products is paired product for
    product with the other side (equal ones first): duplicates both sides share are not
    differences; a product more on one side is a ``duplicate-product``.
    """
    diffs: list[Difference] = []
    lefts, rights = _group(left), _group(right)
    for name in sorted(lefts.keys() | rights.keys()):
        lhs, rhs = list(lefts.get(name, [])), list(rights.get(name, []))
        if not rhs:
            diffs.append(Difference("product-missing", lhs[0].file, name))
            rest_l, rest_r = lhs[1:], []
            paired: list[tuple[Entry, Entry]] = []
        elif not lhs:
            diffs.append(Difference("product-extra", rhs[0].file, name))
            rest_l, rest_r, paired = [], rhs[1:], []
        else:
            paired, rest_l, rest_r = [], [], list(rhs)
            for a in lhs:
                same = next((b for b in rest_r if not compare_entries(a, b, strict)), None)
                if same is not None:
                    rest_r.remove(same)
                else:
                    rest_l.append(a)
            # What is left pairs in order; the surplus of one side is a duplicate.
            n = min(len(rest_l), len(rest_r))
            paired = list(zip(rest_l[:n], rest_r[:n], strict=True))
            rest_l, rest_r = rest_l[n:], rest_r[n:]
        for a, b in paired:
            diffs += compare_entries(a, b, strict)
        for side, rest, group in (("left", rest_l, lhs), ("right", rest_r, rhs)):
            for entry in rest:
                dup = _duplicate(side, entry, [e for e in group if e is not entry])
                if dup is not None:
                    diffs.append(dup)
    return diffs


def diff_paths(left: Iterable[str | Path], right: Iterable[str | Path],
               strict: bool = False) -> tuple[list[Difference], int, int]:
    """Differences between the association files under ``left`` and ``right``, with the
    number of products on each side."""
    lhs, rhs = load_side(left), load_side(right)
    return compare(lhs, rhs, strict), len(lhs), len(rhs)


# ------------------------------------------------------------------------------ review
_WORDS = {
    "product-missing": "only on the left",
    "product-extra": "only on the right",
}


def describe(diff: Difference) -> str:
    """One line saying what ``diff`` is, for a reader (names shown safely)."""
    member = visible(diff.member or "")
    if diff.kind == "type-mismatch":
        return f"type: {visible(diff.left or '')} on the left, {visible(diff.right or '')} " \
               "on the right"
    if diff.kind == "level-mismatch":
        return f"candidate level: {visible(diff.left or '')} on the left, " \
               f"{visible(diff.right or '')} on the right"
    if diff.kind == "member-missing":
        return f"member {member} ({visible(diff.left or '')}) only on the left"
    if diff.kind == "member-extra":
        return f"member {member} ({visible(diff.right or '')}) only on the right"
    if diff.kind == "member-exptype":
        return f"member {member}: {visible(diff.left or '')} on the left, " \
               f"{visible(diff.right or '')} on the right"
    if diff.kind == "duplicate-member":
        return f"member {member} listed more than once on the {diff.side}"
    if diff.kind == "duplicate-product":
        return f"product named twice on the {diff.side} ({diff.detail}): " \
               f"{visible(diff.file)} and {visible(diff.other_file or '')}"
    return _WORDS.get(diff.kind, diff.kind)


def review(diffs: list[Difference], n_left: int, n_right: int, strict: bool = False) -> str:
    """The differences as a review: only on the left, only on the right, what differs."""
    mode = "strict" if strict else "relaxed"
    head = f"compared {n_left} product(s) on the left with {n_right} on the right ({mode})"
    if not diffs:
        return f"{head}: equivalent\n"
    lines = [head + ":"]
    only_left = [d for d in diffs if d.kind == "product-missing"]
    only_right = [d for d in diffs if d.kind == "product-extra"]
    if only_left:
        lines.append(f"\nonly on the left ({len(only_left)} product(s)):")
        lines += [f"  {visible(d.product)}  ({visible(d.file)})" for d in only_left]
    if only_right:
        lines.append(f"\nonly on the right ({len(only_right)} product(s)):")
        lines += [f"  {visible(d.product)}  ({visible(d.file)})" for d in only_right]
    rest: dict[str, list[Difference]] = defaultdict(list)
    for d in diffs:
        if d.kind not in ("product-missing", "product-extra"):
            rest[d.product].append(d)
    if rest:
        lines.append(f"\ndifferent ({len(rest)} product(s)):")
        for product in sorted(rest):
            group = rest[product]
            first = group[0]
            files = visible(first.file)
            if first.other_file and first.kind != "duplicate-product":
                files += f" / {visible(first.other_file)}"
            lines.append(f"  {visible(product)}  ({files})")
            lines += [f"    - {describe(d)}" for d in group]
    counts = Counter(d.kind for d in diffs)
    summary = ", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k])
    lines.append(f"\ndifferent: {len(diffs)} difference(s): {summary}")
    return "\n".join(lines) + "\n"

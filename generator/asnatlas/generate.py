"""Generate the associations of a pool: candidates one by one, then discovery, then finalisation.

This is the Python API the CLI, the site and the explainer share::

    from asnatlas.pool import read_pool
    from asnatlas.generate import generate
    result = generate(read_pool("jw01234_pool.csv"), version_id="20261123t000000")
    for asn in result.associations:
        print(asn.filename)
"""

from __future__ import annotations

import functools
import gc
import re
from collections.abc import Callable
from datetime import UTC, datetime

from asnatlas.conventions.candidates import candidate_text, parse_candidates
from asnatlas.conventions.naming import format_asn_filename
from asnatlas.engine.candidate import DISCOVERED, Asn
from asnatlas.engine.finalize import association_key, finalize_all, resequence, same_association
from asnatlas.engine.run import Ruleset, StartCache, run
from asnatlas.errors import InputError, UnusableValue
from asnatlas.model import Association, Generated
from asnatlas.pool import Pool
from asnatlas.rules import Rule, all_rules
from asnatlas.rules.checks import VALIDITY
from asnatlas.rules.constraints import Attr

CANDIDATE = "candidate"
DISCOVER = "discover"


def candidate_constraint(ids: list[str] | None) -> Callable[[], Attr]:
    """The extra condition of candidate rulesets: the exposure is in one of these candidates."""
    value = ".+(" + "|".join(ids) + ").+" if ids else None

    def make() -> Attr:
        return Attr(("asn_candidate",), name="asn_candidate", value=value, unique=True,
                    is_acid=True, evaluate=True, why="in the candidate")

    return make


def can_be_valid(rule: Rule, candidate_type: str) -> bool:
    """Whether the rule can write any association in a pass over this candidate type (no
    validity check that depends only on the candidate type fails for it).

    Skipping the others changes nothing: their associations are always dropped, and a rule
    never acts on another rule's associations (each rule's reprocessing stays its own).
    Discovered associations could only be compared with them when candidate ids start
    with "a" (the callers keep every rule then).
    """
    ctype = candidate_type.lower()
    return all(check.possible is None or check.possible(ctype)
               for check in map(VALIDITY.__getitem__, rule.validity))


def candidates_by_type(pool: Pool) -> dict[str, dict[str, int]]:
    """Candidate ids found in the pool's ASN_CANDIDATE column, grouped by candidate type."""
    by_type: dict[str, dict[str, int]] = {}
    for row in pool.rows:
        for cand_id, ctype in parse_candidates(row.get("asn_candidate", "null")):
            ids = by_type.setdefault(ctype, {})
            ids[cand_id] = ids.get(cand_id, 0) + 1
    return by_type


def candidate_pool(pool: Pool, cid: str, ctype: str,
                    rows_by_value: dict[str, list[int]] | None = None
                    ) -> list[tuple[int, dict]]:
    """Rows listing the candidate (text match, as DMS does), relabelled with it alone.

    `rows_by_value` (ASN_CANDIDATE text -> row indices) saves scanning every row per
    candidate; the text match is the same.
    """
    label = candidate_text(cid, ctype)
    if rows_by_value is None:
        rows_by_value = _rows_by_candidate_text_cached(pool)
    indices = sorted(i for text, rows in rows_by_value.items() if cid in text for i in rows)
    return [(index, {**pool.rows[index], "asn_candidate": label}) for index in indices]


_BY_TEXT: list = []  # [(rows list, its length, its table)]: the last pool asked about


def _rows_by_candidate_text_cached(pool: Pool) -> dict[str, list[int]]:
    """`_rows_by_candidate_text` of the pool last asked about, kept (callers that take the
    candidates one by one, like the explainer, would otherwise rebuild it each time)."""
    if _BY_TEXT and _BY_TEXT[0][0] is pool.rows and _BY_TEXT[0][1] == len(pool.rows):
        return _BY_TEXT[0][2]
    table = _rows_by_candidate_text(pool)
    _BY_TEXT[:] = [(pool.rows, len(pool.rows), table)]
    return table


def _rows_by_candidate_text(pool: Pool) -> dict[str, list[int]]:
    by_text: dict[str, list[int]] = {}
    for index, row in enumerate(pool.rows):
        by_text.setdefault(row.get("asn_candidate", ""), []).append(index)
    return by_text


_RULES: list[Rule] = []


def _default_rules() -> list[Rule]:
    """Every rule, built once per process: rules are data, and what the engine derives
    from them (compiled trees, entry-check verdicts) then serves every later pool too."""
    if not _RULES:
        _RULES.extend(all_rules())
    return _RULES


def make_timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dt%H%M%S")


def _located(func: Callable[..., Generated]) -> Callable[..., Generated]:
    """Values the rules cannot use become one-line errors naming the pool line.

    The run fails where the reference's fails (a science exposure without EXP_TYPE, an
    EXPSPCIN that is not an integer, a candidate id that is not a valid pattern...).
    """

    @functools.wraps(func)
    def wrapper(pool: Pool, *args, **kwargs) -> Generated:
        try:
            return func(pool, *args, **kwargs)
        except UnusableValue as err:
            raise InputError(str(err), pool.path, pool.line_of(err.item)) from None
        except re.error as err:
            # Only candidate ids become patterns unescaped (as in the reference).
            raise _bad_candidate_id(pool, err) from None

    return wrapper


def _bad_candidate_id(pool: Pool, err: re.error) -> InputError:
    for row, line in zip(pool.rows, pool.lines, strict=False):
        for cid, _ctype in parse_candidates(row.get("asn_candidate", "null")):
            try:
                re.compile(".+(" + cid + ").+")
            except re.error as bad:
                return InputError(
                    f"column ASN_CANDIDATE value {row['asn_candidate']!r}: candidate id "
                    f"{cid!r} is not usable ({bad}); the generator matches ids as "
                    "patterns: expected ids like o001 or c1000", pool.path, line)
    return InputError(f"a candidate id is not usable as a pattern ({err})", pool.path)


@_located
def generate(
    pool: Pool,
    *,
    version_id: str | bool | None = None,
    candidate_ids: list[str] | None = None,
    all_candidates: bool = False,
    discover: bool = False,
    dms: bool = False,
    rules: list[Rule] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    shortcuts: bool = True,
) -> Generated:
    """Generate the associations of `pool`, as ``asn_generate`` does.

    With no mode chosen (no ids, no `all_candidates`, no `discover`), both candidate and
    discovered associations are made, the DMS default. `version_id` True means "now".
    `shortcuts` off runs the engine without its pre-checks, index and compiled rule trees
    (the same result, slower: for tests that prove it).
    """
    if "asn_candidate" not in pool.columns:
        raise InputError("the pool has no ASN_CANDIDATE column: associations are made per "
                         "candidate, so every row must list its candidates "
                         "(e.g. [('o001', 'observation')])", pool.path)
    if version_id is True:
        version_id = make_timestamp()
    # The engine makes many small, short-lived containers and few reference cycles (those
    # of discarded associations are broken by the engine): pausing the cyclic collector
    # for the run saves about a third of its time and does not raise the peak.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _generate(pool, version_id, candidate_ids, all_candidates, discover, dms,
                         rules, progress, shortcuts)
    finally:
        if collecting:
            gc.enable()


def _generate(pool: Pool, version_id: str | None, candidate_ids: list[str] | None,
              all_candidates: bool, discover: bool, dms: bool, rules: list[Rule] | None,
              progress: Callable[[str, int, int], None] | None, shortcuts: bool
              ) -> Generated:
    if not discover and not all_candidates and candidate_ids is None:
        discover = all_candidates = True
    base_rules = rules if rules is not None else _default_rules()
    index_of = {id(row): i for i, row in enumerate(pool.rows)}
    row_index: dict[int, int] = {}  # id(item) -> pool row index, for member rows

    by_type = candidates_by_type(pool)
    if dms and candidate_ids is not None:
        candidate_ids = _with_background_candidates(pool, list(candidate_ids))
    if candidate_ids is None:
        work = [(cid, ctype) for ctype, ids in by_type.items() for cid in ids]
    else:
        work = []
        for cid in candidate_ids:
            for ctype, ids in by_type.items():
                if cid in ids:
                    work.append((cid, ctype))
                    break

    associations: list[Asn] = []
    start_caches: dict[tuple[int, ...], StartCache] = {}
    kept_by_type: dict[tuple[str, bool], tuple[int, ...]] = {}
    rows_by_text = _rows_by_candidate_text(pool)
    total = len(work) + (1 if discover else 0)
    for step, (cid, ctype) in enumerate(work, start=1):
        if progress:
            progress(f"candidate {cid} ({ctype})", step, total)
        rows = candidate_pool(pool, cid, ctype, rows_by_text)
        in_candidate = candidate_constraint([cid])
        every = cid.startswith("a")
        kept = kept_by_type.get((ctype, every))
        if kept is None:
            kept = kept_by_type[ctype, every] = tuple(
                i for i, r in enumerate(base_rules) if every or can_be_valid(r, ctype))
        ruleset = Ruleset(CANDIDATE, [base_rules[i] for i in kept], extra=in_candidate)
        # Passes over the same base rules share what their entry checks learnt.
        starts = start_caches.setdefault(kept, StartCache())
        found = run([item for _, item in rows], ruleset, version_id, pool.name,
                    shortcuts=shortcuts, starts=starts)
        _point_members_at_pool_rows(found, {id(item): index for index, item in rows}, pool)
        associations.extend(found)

    for row in pool.rows:
        row_index[id(row)] = index_of[id(row)]
    if discover:
        if progress:
            progress("discovery", total, total)
        ruleset = Ruleset(DISCOVER, [
            rule for rule in base_rules if can_be_valid(rule, DISCOVERED.type)
        ])
        found = run(pool.rows, ruleset, version_id, pool.name, shortcuts=shortcuts)
        associations = _discovered_only(associations + found, keep_candidates=all_candidates)
        resequence(associations)

    final = finalize_all(associations) if associations else []
    if dms and candidate_ids is not None:
        final = [a for a in final if any(cid in a.data["asn_id"] for cid in candidate_ids)]
    by_filename: dict[str, int] = {}
    for i, row in enumerate(pool.rows):
        by_filename.setdefault(row.get("filename", ""), i)
    associations_out = [_to_association(asn, row_index, by_filename) for asn in final]
    used = {i for a in associations_out for rows in a.member_rows for i in rows}
    return Generated(
        pool_name=pool.name,
        associations=associations_out,
        orphans=[i for i in range(len(pool.rows)) if i not in used],
    )


def _point_members_at_pool_rows(asns: list[Asn], copies: dict[int, int], pool: Pool) -> None:
    """Members keep the pool row, not its relabelled copy (which differs only in
    ASN_CANDIDATE, already written into the member): the copies can then be freed."""
    for asn in asns:
        for product in asn.products:
            for member in product["members"]:
                index = copies.get(id(member.item))
                if index is not None:
                    member.item = pool.rows[index]


def _with_background_candidates(pool: Pool, ids: list[str]) -> list[str]:
    """--DMS: also run the background candidates that the requested candidates' rows list."""
    rows = [row for row in pool.rows if any(cid in row.get("asn_candidate", "") for cid in ids)]
    sub = Pool(path=pool.path, columns=pool.columns, rows=rows)
    for cid in candidates_by_type(sub).get("background", {}):
        if cid not in ids:
            ids.append(cid)
    return ids


def _discovered_only(associations: list[Asn], keep_candidates: bool) -> list[Asn]:
    """Discovered associations that no candidate association already gives, then candidates."""
    from_candidates = [a for a in associations if a.registry == CANDIDATE]
    discovered = [a for a in associations if a.registry == DISCOVER]
    # Equal associations have equal keys (type, candidate kind, product memberships), so
    # only associations sharing a key need the full comparison; the cheap part of the key
    # (type and kind: discovered ids start with "a", candidates' usually not) goes first.
    def kind(asn: Asn) -> tuple:
        return asn.data["asn_type"], asn.data["asn_id"][:1]

    kinds = {kind(candidate) for candidate in from_candidates}
    by_key: dict[tuple, list[Asn]] = {}
    if any(kind(d) in kinds for d in discovered):
        for candidate in from_candidates:
            by_key.setdefault(association_key(candidate), []).append(candidate)
    discovered = [
        d for d in discovered
        if kind(d) not in kinds
        or not any(same_association(d, c) for c in by_key.get(association_key(d), ()))
    ]
    if keep_candidates:
        discovered.extend(from_candidates)
    return discovered


def asn_filename(asn: Asn) -> str:
    """The association's file name (see `naming.format_asn_filename`)."""
    return format_asn_filename(asn.data["program"], asn.acid.id, asn.data["asn_type"],
                               asn.sequence, asn.version_id)


def _row_of(item: dict | None, row_index: dict[int, int], by_filename: dict[str, int]) -> int:
    """The pool row a member came from (-1 for members made up at finalisation)."""
    if item is None:
        return -1
    index = row_index.get(id(item))
    if index is None:
        index = by_filename.get(item.get("filename", ""), -1)
    return index


def _to_association(asn: Asn, row_index: dict[int, int], by_filename: dict[str, int]
                    ) -> Association:
    member_rows = [
        [_row_of(m.item, row_index, by_filename) for m in p["members"]] for p in asn.products
    ]
    data = dict(asn.data)
    data["products"] = [
        {"name": p["name"], "members": [dict(m) for m in p["members"]]} for p in asn.products
    ]
    return Association(filename=asn_filename(asn), data=data, member_rows=member_rows)

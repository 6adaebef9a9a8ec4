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
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from asnatlas.conventions import candidate_text, parse_candidates, unreadable
from asnatlas.conventions.naming import format_asn_filename
from asnatlas.engine.candidate import DISCOVERED, Asn
from asnatlas.engine.finalize import association_key, finalize_all, resequence, same_association
from asnatlas.engine.run import Ruleset, StartCache, run
from asnatlas.errors import InputError, UnusableValue
from asnatlas.model import Association, Generated
from asnatlas.pool import Pool
from asnatlas.rules import Rule, all_rules, can_write
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
        text = row.get("asn_candidate", "null")
        if (expected := unreadable(text)) is not None:
            # Called before generating too (to check -i ids): located here, not by the caller.
            raise InputError(str(UnusableValue(row, "asn_candidate", text, expected)),
                             pool.path, pool.line_of(row))
        for cand_id, ctype in parse_candidates(text):
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
    if rows_by_value is None:
        rows_by_value = _rows_by_candidate_text_cached(pool)
    return _relabelled(pool, _candidate_indices(rows_by_value, cid), cid, ctype)


def _candidate_indices(rows_by_value: dict[str, list[int]], cid: str) -> list[int]:
    return sorted(i for text, rows in rows_by_value.items() if cid in text for i in rows)


def _indices_by_candidate(rows_by_value: dict[str, list[int]],
                          cids: Iterable[str]) -> dict[str, list[int]]:
    """`_candidate_indices` of every id in `cids` at once (empty ids left out): each text
    is read once, looking up the piece at each position that starts like an id, instead
    of searching every text for every id (a test proves them equal)."""
    wanted = {cid for cid in cids if cid}
    found: dict[str, list[int]] = {cid: [] for cid in wanted}
    lengths = sorted({len(cid) for cid in wanted})
    starts = {cid[0] for cid in wanted}
    for text, rows in rows_by_value.items():
        hits = set()
        for at, char in enumerate(text):
            if char in starts:
                for length in lengths:
                    piece = text[at:at + length]
                    if piece in wanted:
                        hits.add(piece)
        for cid in hits:
            found[cid].extend(rows)
    for indices in found.values():
        indices.sort()
    return found


def _relabelled(pool: Pool, indices: list[int], cid: str, ctype: str
                ) -> list[tuple[int, dict]]:
    label = candidate_text(cid, ctype)
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
    jobs: int = 1,
    scratch: list | None = None,
) -> Generated:
    """Generate the associations of `pool`, as ``asn_generate`` does.

    With no mode chosen (no ids, no `all_candidates`, no `discover`), both candidate and
    discovered associations are made, the DMS default. `version_id` True means "now".
    `shortcuts` off runs the engine without its pre-checks, index, compiled rule trees and
    rule skipping (`rules.can_write`): the same result, slower, for tests that prove it.
    `jobs` above 1 lets that many processes share the candidate passes of a large pool
    (forked workers; the same result). `scratch`: a list the engine's own objects
    (associations under construction, caches) are appended to instead of being freed on
    return, for a process that exits next (freeing them takes 5 ms on mega_pool, 0.12 s
    at 40,000 rows).
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
                         rules, progress, shortcuts, jobs, scratch)
    finally:
        if collecting:
            gc.enable()


def _generate(pool: Pool, version_id: str | None, candidate_ids: list[str] | None,
              all_candidates: bool, discover: bool, dms: bool, rules: list[Rule] | None,
              progress: Callable[[str, int, int], None] | None, shortcuts: bool,
              jobs: int, scratch: list | None = None) -> Generated:
    if not discover and not all_candidates and candidate_ids is None:
        discover = all_candidates = True
    base_rules = rules if rules is not None else _default_rules()
    index_of = {id(row): i for i, row in enumerate(pool.rows)}
    row_index: dict[int, int] = {}  # id(item) -> pool row index, for member rows

    by_type = candidates_by_type(pool)
    requested = candidate_ids
    if dms and candidate_ids is not None:
        # The background candidates run too, to check the requested ones for duplicates;
        # only the requested ids' associations are kept (below).
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

    passes = _CandidatePasses(pool, base_rules, version_id, shortcuts)
    share = passes.share_states
    total = len(work) + (1 if discover else 0)
    discovering = [i for i, rule in enumerate(base_rules) if can_be_valid(rule, DISCOVERED.type)]
    if shortcuts:
        discovering = list(_writable(discovering, base_rules, pool.rows))
    discovery_ruleset = Ruleset(DISCOVER, [base_rules[i] for i in discovering])

    def discovery() -> list[Asn]:
        if progress:
            progress("discovery", total, total)
        return run(pool.rows, discovery_ruleset, version_id, pool.name, shortcuts=shortcuts,
                   share_states=share)

    jobs = _jobs_for(work, passes, len(pool.rows) if discover else 0, jobs)
    if jobs > 1:
        associations, found = _in_workers(work, jobs, passes,
                                          discovery if discover else None, progress, total)
    else:
        associations = []
        for step, (cid, ctype) in enumerate(work, start=1):
            if progress:
                progress(f"candidate {cid} ({ctype})", step, total)
            associations.extend(passes.run(cid, ctype))
        found = discovery() if discover else []

    made = associations + found
    for row in pool.rows:
        row_index[id(row)] = index_of[id(row)]
    if discover:
        associations = _discovered_only(associations + found, keep_candidates=all_candidates)
        resequence(associations)

    final = finalize_all(associations) if associations else []
    if dms and requested is not None:
        final = [a for a in final if any(cid in a.data["asn_id"] for cid in requested)]
    by_filename: dict[str, int] = {}
    for i, row in enumerate(pool.rows):
        by_filename.setdefault(row.get("filename", ""), i)
    associations_out = [_to_association(asn, row_index, by_filename) for asn in final]
    used = {i for a in associations_out for rows in a.member_rows for i in rows}
    for asn in made:  # written out above: freed when unused, even with the collector off
        asn.release()
    if scratch is not None:  # ... which is at the exit, for a command that ends next
        scratch.append((made, passes, associations, final))
    return Generated(
        pool_name=pool.name,
        associations=associations_out,
        orphans=[i for i in range(len(pool.rows)) if i not in used],
    )


class _CandidatePasses:
    """Runs candidate passes one by one, keeping what passes share (rows by candidate
    text, the rules each candidate type can use, what entry checks learnt)."""

    def __init__(self, pool: Pool, base_rules: list[Rule], version_id: str | None,
                 shortcuts: bool) -> None:
        self.pool = pool
        self.base_rules = base_rules
        self.version_id = version_id
        self.shortcuts = shortcuts
        self.share_states = len(pool.rows) >= SHARE_STATES_MIN_ROWS
        self.rows_by_text = _rows_by_candidate_text(pool)
        self.indices: dict[str, list[int]] | None = None  # candidate id -> its rows
        self.start_caches: dict[tuple[int, ...], StartCache] = {}
        self.kept_by_type: dict[tuple[str, bool], tuple[int, ...]] = {}

    def rows_of(self, cid: str) -> list[int]:
        """The pool rows the candidate's pass offers (see `candidate_pool`)."""
        if self.indices is None:  # every id the pool lists, in one reading of its texts
            self.indices = _indices_by_candidate(self.rows_by_text, (
                cid for text in self.rows_by_text for cid, _type in parse_candidates(text)))
        found = self.indices.get(cid)
        if found is None:
            found = self.indices[cid] = _candidate_indices(self.rows_by_text, cid)
        return found

    def run(self, cid: str, ctype: str) -> list[Asn]:
        rows = _relabelled(self.pool, self.rows_of(cid), cid, ctype)
        every = cid.startswith("a")
        kept = self.kept_by_type.get((ctype, every))
        if kept is None:
            kept = self.kept_by_type[ctype, every] = tuple(
                i for i, r in enumerate(self.base_rules) if every or can_be_valid(r, ctype))
        items = [item for _, item in rows]
        if self.shortcuts:
            kept = _writable(kept, self.base_rules, items)
        ruleset = Ruleset(CANDIDATE, [self.base_rules[i] for i in kept],
                          extra=candidate_constraint([cid]))
        # Passes over the same base rules share what their entry checks learnt.
        starts = self.start_caches.setdefault(kept, StartCache())
        found = run(items, ruleset, self.version_id, self.pool.name,
                    shortcuts=self.shortcuts, starts=starts, share_states=self.share_states)
        _point_members_at_pool_rows(found, {id(item): index for index, item in rows},
                                    self.pool)
        return found


def _writable(kept: Iterable[int], rules: list[Rule], items: list[dict]) -> tuple[int, ...]:
    """The rules (by position) that may write an association from these exposures
    (`rules.can_write`): the others' associations would all be dropped, and a rule's
    associations never change another's, so leaving them out changes no file."""

    @functools.cache
    def values(column: str) -> set[str]:
        return {value for item in items if (value := item.get(column)) is not None}

    return tuple(i for i in kept if not rules[i].needs or can_write(rules[i], values))


#: From this many pool rows on, finished associations share their states (`Asn.compact`):
#: 115 MB less at 40,000 rows (385 MB), for about 3 % more instructions, which smaller
#: pools need not pay (10,000 rows stay under 150 MB either way); a worker's passes always
#: do (see `_in_workers`).
SHARE_STATES_MIN_ROWS = 20_000

#: Below this much work (pool rows offered, summed over passes) one process is faster
#: than forking workers and handing their associations back.
PARALLEL_MIN_ROWS = 1500
# Discovery offers every row to fewer rules than a candidate pass: its cost per row,
# relative to a candidate pass's (measured on mega_pool and synthetic programs).
_DISCOVERY_COST = 0.35


def _jobs_for(work: list[tuple[str, str]], passes: _CandidatePasses, discovery_rows: int,
              jobs: int) -> int:
    """How many processes to share the passes among (1 when workers would not pay)."""
    from asnatlas import forked

    jobs = min(jobs, len(work) + (1 if discovery_rows else 0))
    if jobs < 2 or not forked.can_fork():
        return 1
    total = sum(len(passes.rows_of(cid)) for cid, _ctype in work)
    return jobs if total + discovery_rows * _DISCOVERY_COST >= PARALLEL_MIN_ROWS else 1


def _in_workers(work: list[tuple[str, str]], jobs: int, passes: _CandidatePasses,
                discovery: Callable[[], list[Asn]] | None,
                progress: Callable[[str, int, int], None] | None, total: int
                ) -> tuple[list[Asn], list[Asn]]:
    """Candidate associations and discovered ones, as one process gives them, from this
    process and ``jobs - 1`` forked workers taking the passes in turn (`forked.Tasks`)."""
    from asnatlas import forked
    from asnatlas.engine import handoff

    shared = handoff.Shared(passes.base_rules, passes.pool.rows, candidate_constraint_of)
    tasks = forked.Tasks(len(work))

    def worker(out) -> None:
        # Passes handed back pickled share their states: mega_pool's pickles are 40 %
        # smaller and take half the time to write (the parent's own need not pay it).
        passes.share_states = True
        writer = handoff.Writer(out, shared)
        while (number := tasks.take(from_back=True)) is not None:
            cid, ctype = work[number]
            try:
                found = passes.run(cid, ctype)
            except Exception:  # noqa: BLE001 - the parent runs this pass again and reports
                return
            writer.add(number, cid, found)

    results: dict[int, list[Asn]] = {}
    children = [forked.Child(worker) for _ in range(jobs - 1)]
    try:
        # Discovery first: the workers start on the candidates meanwhile.
        try:
            found = discovery() if discovery is not None else []
            discovery_error = None
        except Exception as err:  # noqa: BLE001 - raised below, after the candidates'
            found, discovery_error = [], err
        while (number := tasks.take()) is not None:
            cid, ctype = work[number]
            if progress:
                progress(f"candidate {cid} ({ctype})", number + 1, total)
            try:
                results[number] = passes.run(cid, ctype)
            except Exception:  # noqa: BLE001 - raised again below, in pass order
                break
        for child in children:
            data = child.result()
            if data is not None:
                results.update(handoff.read(data, shared))
        associations: list[Asn] = []
        for number, (cid, ctype) in enumerate(work):
            if number not in results:  # a pass that failed: its error, in pass order
                results[number] = passes.run(cid, ctype)
            associations.extend(results[number])
        if discovery_error is not None:  # a run without workers would fail there too
            raise discovery_error
        return associations, found
    finally:
        for child in children:
            child.close()
        tasks.close()


def candidate_constraint_of(cid: str) -> Callable[[], Attr]:
    """`candidate_constraint` of one candidate id."""
    return candidate_constraint([cid])


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

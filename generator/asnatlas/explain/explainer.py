"""Explain, per exposure, which associations it joined and why each other rule left it out.

The answers come from the generator's own rules and engine (`asnatlas.rules`,
`asnatlas.engine.run`): an exposure is offered, with a tracing matcher, to a new association of
each rule ("could it start one?") and to the written associations of that rule in its
candidates, rebuilt by offering them their members again ("could it join this one?"). The
first condition that failed, with the values it compared, is the reason. When a rule did
accept the exposure but no association of that rule holds it, the rule is run again over
the candidate and the association's fate (dropped at finalisation, invalid, a duplicate) is
the reason.

Which rules are explained for an exposure (the relevance filter): the rules whose fixed
EXP_TYPE conditions (not their exclusions) name its EXP_TYPE; for a target acquisition, also
the Stage 3 rules of its instrument (an acquisition joins the Stage 3 associations of its
observation). An EXP_TYPE that no rule names gets the rules of its instrument (the ``nrc_``,
``mir_``, ``nis_``, ``nrs_``, ``fgs_`` prefix, or INSTRUME), else every rule. The rule that
only re-offers target acquisitions (``Asn_Lv3ACQ_Reprocess``) makes no associations and is
not listed.

The explanation assumes the generator's default mode (every candidate, then discovery)::

    generated = generate(pool)
    for exp in explain_pool(pool, generated, rows=generated.orphans):
        for rejected in exp.rejected:
            print(exp.filename, rejected.reason)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from asnatlas.conventions.vocabulary import EXP_TYPE_PREFIX
from asnatlas.engine.candidate import Asn
from asnatlas.errors import InputError, MemberTypeError
from asnatlas.explain.drops import Fate, WrittenIndex, fates
from asnatlas.explain.trace import Recording, TracingMatcher, first_failure, key_function
from asnatlas.explain.wording import Wording, word
from asnatlas.generate import (
    CANDIDATE,
    DISCOVER,
    candidate_constraint,
    candidate_pool,
    candidates_by_type,
)
from asnatlas.model import Generated
from asnatlas.pool import Pool, not_exposures
from asnatlas.rules import Rule, all_rules, checks
from asnatlas.rules.constraints import Attr, Group

DISCOVERY = "discovery"  # the context of discovered (whole-pool) associations
ACQ_RULE = "Asn_Lv3ACQ_Reprocess"
MAX_JOIN_PROBES = 40  # associations of one rule an exposure is compared with, per context
MAX_JOIN_REASONS = 3  # distinct "could not join" reasons kept per rule

# Kinds of rejection, in the order a rule's rejections are listed.
KINDS = {
    "start": "could not start an association of this rule",
    "join": "could not join this written association of the rule",
    "dropped": "matched the rule, but the association was not written",
    "order": "matches the association as written, but not when it was offered (pool order)",
}


@dataclass(frozen=True)
class Joined:
    """An association the exposure is a member of, and the member type it got there."""

    rule: str
    asn_type: str
    association: str
    candidate: str
    product: str
    exptype: str


@dataclass(frozen=True)
class Rejected:
    """Why a rule did not take the exposure (one of possibly several per rule).

    ``kind``: see `KINDS`; ``reason``: the full sentence; ``condition``: the rule's
    condition in words (the node's ``why``); ``expected``/``actual``: the values compared;
    ``candidate``: the candidate id (or ``discovery``) it was tried in; ``association``:
    the written association involved (the one it could not join, or the duplicate kept).
    """

    rule: str
    asn_type: str
    kind: str
    reason: str
    condition: str
    expected: str
    actual: str
    candidate: str
    association: str | None = None


@dataclass
class ExposureExplanation:
    """Everything asnatlas can say about one exposure (one pool row)."""

    index: int
    line: int | None
    filename: str
    exp_type: str
    joined: list[Joined] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Why the row is not an exposure at all (a placeholder or repeated header), if so.
    not_exposure: str | None = None
    #: With a rule asked about: the associations of other rules the exposure joined.
    joined_other_rules: list[Joined] | None = None

    @property
    def orphan(self) -> bool:
        return not self.joined and not self.joined_other_rules and self.not_exposure is None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (see the README's explain section): plain, stable keys."""
        return {
            "index": self.index,
            "line": self.line,
            "filename": self.filename,
            "exp_type": self.exp_type,
            "orphan": self.orphan,
            "notes": list(self.notes),
            "joined": [asdict(j) for j in self.joined],
            "rejected": [asdict(r) for r in self.rejected],
            # Only when they apply, so that the common form stays as it was.
            **({"not_exposure": self.not_exposure} if self.not_exposure is not None else {}),
            **({"joined_other_rules": [asdict(j) for j in self.joined_other_rules]}
               if self.joined_other_rules is not None else {}),
        }


# --- relevance -----------------------------------------------------------------------------


def fixed_exp_types(node: Any, negated: bool = False) -> set[str]:
    """The EXP_TYPE values a rule's tree asks for (not those it excludes)."""
    if isinstance(node, Group):
        inner = negated or node.reduce in ("notany", "notall")
        return {v for child in node.children for v in fixed_exp_types(child, inner)}
    if (isinstance(node, Attr) and not negated and node.sources == ("exp_type",)
            and isinstance(node.value, str) and not node.undefined):
        return set(node.value.split("|"))
    return set()


def _family(exp_type: str) -> str:
    return exp_type.split("_", 1)[0] if "_" in exp_type else ""


class _Relevance:
    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self.types = {rule.name: fixed_exp_types(rule.constraints) for rule in rules}
        self.families = {name: {_family(t) for t in types} for name, types in self.types.items()}

    def rules_for(self, row: dict) -> list[Rule]:
        exp_type = row.get("exp_type", "")
        family = _family(exp_type) or EXP_TYPE_PREFIX.get(row.get("instrume", ""), "")
        named = [rule for rule in self.rules if exp_type in self.types[rule.name]]
        same_family = [rule for rule in self.rules
                       if family and family in self.families[rule.name]]
        if not named:
            return same_family or list(self.rules)
        if _is_acquisition(row):
            # An acquisition joins the Stage 3 associations of its observation.
            named += [rule for rule in same_family if rule.level == 3]
        return [rule for rule in self.rules if rule in named]


# --- the explainer -------------------------------------------------------------------------


@dataclass
class _Probe:
    matched: bool
    wording: Wording | None
    passed: int = 0


class Explainer:
    """Explanations for the exposures of one pool and its generated associations.

    Results are cached per rule and candidate, so explaining many exposures of a pool costs
    little more than explaining one.
    """

    def __init__(self, pool: Pool, generated: Generated):
        self.pool = pool
        self.generated = generated
        every = all_rules()
        self.acq = next(rule for rule in every if rule.name == ACQ_RULE)
        self.rules = [rule for rule in every if rule.name != ACQ_RULE]
        self.by_name = {rule.name: rule for rule in self.rules}
        self.relevance = _Relevance(self.rules)
        self.ctypes: dict[str, str] = {}
        for ctype, ids in candidates_by_type(pool).items():
            for cid in ids:
                self.ctypes.setdefault(cid, ctype)
        # Every candidate's rows, relabelled with that candidate alone (as generated).
        self.candidate_items: dict[str, dict[int, dict]] = {
            cid: dict(candidate_pool(pool, cid, ctype)) for cid, ctype in self.ctypes.items()
        }
        self.row_candidates: dict[int, list[str]] = {}
        for cid, items in self.candidate_items.items():
            for index in items:
                self.row_candidates.setdefault(index, []).append(cid)
        self.written = WrittenIndex(generated.associations)
        self.joined: dict[int, list[Joined]] = {}
        self.member_of: dict[int, list[int]] = {}  # row -> indices of its associations
        self.by_rule_context: dict[tuple[str, str], list[int]] = {}
        for i, asn in enumerate(generated.associations):
            registry, _, name = asn.rule.partition("_")
            context = asn.asn_id if registry == CANDIDATE else DISCOVERY
            self.by_rule_context.setdefault((name, context), []).append(i)
            for product, rows in zip(asn.data.get("products") or [], asn.member_rows,
                                     strict=False):
                for member, row in zip(product["members"], rows, strict=False):
                    if row < 0:
                        continue
                    if i not in self.member_of.setdefault(row, []):
                        self.member_of[row].append(i)
                    entry = Joined(name, asn.asn_type, asn.filename, asn.asn_id,
                                   product["name"], member["exptype"])
                    entries = self.joined.setdefault(row, [])
                    if entry not in entries:
                        entries.append(entry)
        self._variants: dict[tuple[str, str], Rule] = {}
        # rule -> columns read -> (their key function, key -> probe)
        self._fresh: dict[str, dict[tuple, tuple[Callable, dict[tuple, _Probe]]]] = {}
        self._fresh_asn: dict[str, Asn] = {}
        self._replayed: dict[int, tuple[Asn, dict[int, bool]]] = {}
        self._fates: dict[tuple[str, str], dict[str, list[Fate]]] = {}
        self.warnings: dict[int | None, list[str]] = {}
        for warning in pool.warnings:
            self.warnings.setdefault(warning.line, []).append(warning.message)
        self.not_exposures = not_exposures(pool)

    # --- contexts --------------------------------------------------------------------------

    def contexts(self, index: int) -> list[tuple[str, dict]]:
        """(candidate id or ``discovery``, the row as that pass saw it) for one exposure."""
        out = [(cid, self.candidate_items[cid][index])
               for cid in self.row_candidates.get(index, [])]
        out.append((DISCOVERY, self.pool.rows[index]))
        return out

    def variant(self, name: str, context: str) -> Rule:
        """The rule as run in a context (candidates add "in the candidate")."""
        key = (name, context)
        rule = self._variants.get(key)
        if rule is None:
            base = self.acq if name == ACQ_RULE else self.by_name[name]
            rule = base if context == DISCOVERY else base.with_global(
                candidate_constraint([context]))
            self._variants[key] = rule
        return rule

    # --- probes ----------------------------------------------------------------------------

    def fresh(self, rule: Rule, item: dict) -> _Probe:
        """Could the exposure start a new association of `rule`? (cached by values read)

        The rule is probed without its "in the candidate" condition: it is evaluated last
        and always holds for a row relabelled with its candidate.
        """
        tables = self._fresh.setdefault(rule.name, {})
        for key, table in tables.values():
            hit = table.get(key(item))
            if hit is not None:
                return hit
        asn = Asn(rule, DISCOVER, None, self.pool.name)
        recording = Recording(item)
        matcher = TracingMatcher(asn, rule.nodes, asn.matcher.states)
        probe = self._probe(rule.name, asn, matcher, recording, fresh=True)
        columns = tuple(recording.read.items())
        key, table = tables.get(columns) or tables.setdefault(columns, (key_function(columns), {}))
        table[key(item)] = probe
        return probe

    def _probe(self, name: str, asn: Asn, matcher: TracingMatcher, item: dict, fresh: bool
               ) -> _Probe:
        matched = matcher.probe(asn.rule.constraints, item)
        if matched:
            return _Probe(True, None)
        failure = first_failure(asn.rule.constraints, matcher.outcomes, fresh)
        if failure is None:
            return _Probe(False, Wording(f"{name}: the exposure cannot be typed (no EXP_TYPE)",
                                         "a known exposure type", "an EXP_TYPE", "none"))
        return _Probe(False, word(name, failure, matcher.outcomes, item, asn), failure.passed)

    def replayed(self, ai: int) -> tuple[Asn, dict[int, bool]]:
        """Written association `ai` rebuilt by offering its members again, in order.

        Also returns, per member row, whether the rule accepted it when offered.
        """
        cached = self._replayed.get(ai)
        if cached is not None:
            return cached
        written = self.generated.associations[ai]
        registry, _, name = written.rule.partition("_")
        context = written.asn_id if registry == CANDIDATE else DISCOVERY
        rule = self.variant(name, context)
        asn = Asn(rule, registry, None, self.pool.name)
        accepted: dict[int, bool] = {}
        for rows in written.member_rows:
            for row in rows:
                if row < 0 or row in accepted:
                    continue
                item = (self.pool.rows[row] if context == DISCOVERY
                        else self.candidate_items.get(context, {}).get(row, self.pool.rows[row]))
                matched, _ = asn.add(item)
                accepted[row] = matched or item.get("filename") in asn.item_filenames
        self._replayed[ai] = (asn, accepted)
        return asn, accepted

    def join(self, ai: int, item: dict) -> _Probe:
        """Could the exposure join written association `ai` as it is now?"""
        asn, _ = self.replayed(ai)
        matcher = TracingMatcher(asn, asn.rule.nodes, asn.matcher.states)
        return self._probe(asn.rule.name, asn, matcher, item, fresh=False)

    def fates(self, name: str, context: str) -> dict[str, list[Fate]]:
        """What became of the rule's associations in one context (a re-run of the engine)."""
        key = (name, context)
        if key not in self._fates:
            rules = [self.variant(n, context) for n in (name, ACQ_RULE)]
            rules.sort(key=lambda r: (r.level, r.name))
            if context == DISCOVERY:
                items, registry = self.pool.rows, DISCOVER
            else:
                items, registry = list(self.candidate_items[context].values()), CANDIDATE
            self._fates[key] = fates(name, rules, items, registry, self.pool.name, self.written)
        return self._fates[key]

    # --- explanations ----------------------------------------------------------------------

    def explain(self, index: int, only_rule: str | None = None) -> ExposureExplanation:
        row = self.pool.rows[index]
        line = self.pool.lines[index] if index < len(self.pool.lines) else None
        result = ExposureExplanation(
            index=index, line=line, filename=row.get("filename", ""),
            exp_type=row.get("exp_type", ""), joined=list(self.joined.get(index, [])),
            notes=list(self.warnings.get(line, [])) if line is not None else [],
        )
        if index in self.not_exposures and not result.joined:
            # A placeholder or repeated-header row: one line, not a rejection per rule
            # (unless the rules took it after all, as the reference's may).
            result.not_exposure = self.not_exposures[index]
            result.notes = [n for n in result.notes if n != result.not_exposure]
            return result
        joined_rules = {j.rule for j in result.joined}
        rules = self.relevance.rules_for(row)
        if only_rule is not None:
            result.joined_other_rules = [j for j in result.joined if j.rule != only_rule]
            result.joined = [j for j in result.joined if j.rule == only_rule]
            rules = [self.by_name[only_rule]]
        contexts = self.contexts(index)
        for rule in rules:
            if rule.name not in joined_rules:
                result.rejected.extend(self._rejections(rule, row, contexts))
        return result

    def _rejections(self, rule: Rule, row: dict, contexts: list[tuple[str, dict]]
                    ) -> list[Rejected]:
        def make(kind: str, w: Wording | Fate, context: str, association: str | None = None
                 ) -> Rejected:
            return Rejected(rule.name, rule.asn_type, kind, w.reason, w.condition,
                            w.expected, w.actual, context, association)

        starts: list[Rejected] = []
        dropped: list[Rejected] = []
        matched_in: list[str] = []
        for context, item in contexts:
            probe = self.fresh(rule, item)
            if probe.matched:
                matched_in.append(context)
                if context == DISCOVERY and dropped:
                    # The candidates' fates already say it; discovery (a re-run over the
                    # whole pool) would mostly repeat them at a much higher cost.
                    continue
                for fate in self.fates(rule.name, context).get(row.get("filename"), []):
                    dropped.append(make("dropped", fate, context, fate.written))
            elif not any(r.reason == probe.wording.reason for r in starts):
                starts.append(make("start", probe.wording, context))
        if matched_in and not dropped:
            where = ", ".join(matched_in)
            dropped.append(Rejected(
                rule.name, rule.asn_type, "dropped",
                f"{rule.name}: the exposure matches the rule ({where}), but no association "
                "of it was written with this exposure", "an association written",
                "written", "not written", matched_in[0]))
        acquisition = _is_acquisition(row)
        joins: list[Rejected] = []
        if matched_in or (rule.level == 3 and acquisition):
            joins = self._join_rejections(rule, contexts, make)
            if dropped:
                # The association's fate already says why a match did not make it a member.
                joins = [r for r in joins if r.kind != "order"]
        if acquisition and rule.level == 3 and not matched_in:
            return _unique(joins + starts)
        return _unique(dropped + starts + joins)

    def _join_rejections(self, rule: Rule, contexts: list[tuple[str, dict]], make
                         ) -> list[Rejected]:
        found: list[tuple[int, Rejected]] = []
        probed = 0
        program = "{:0>5s}".format(contexts[-1][1].get("program", ""))
        for context, item in contexts:
            indices = self.by_rule_context.get((rule.name, context), [])
            if context == DISCOVERY:
                # Discovery spans the whole pool: only the exposure's own program counts.
                indices = [ai for ai in indices
                           if self.generated.associations[ai].data.get("program") == program]
            for ai in indices[:MAX_JOIN_PROBES]:
                probed += 1
                written = self.generated.associations[ai]
                probe = self.join(ai, item)
                if probe.matched:
                    found.append((10**6, Rejected(
                        rule.name, rule.asn_type, "order",
                        f"{rule.name}: the exposure matches {written.filename} as written, "
                        "but not when it was offered (in pool order, before members that "
                        "changed the association)", "matched when offered",
                        "matched", "not matched then", context, written.filename)))
                else:
                    found.append((probe.passed, make("join", probe.wording, context,
                                                     written.filename)))
        if not probed and _is_acquisition(contexts[-1][1]) and rule.level == 3:
            where = ", ".join(c for c, _ in contexts)
            return [Rejected(
                rule.name, rule.asn_type, "join",
                f"{rule.name}: a target acquisition joins only an association that holds one "
                f"of its observations, and no {rule.name} association was written ({where})",
                "an association of one of its observations", "an association to join",
                "none", contexts[0][0])]
        found.sort(key=lambda pair: -pair[0])  # closest misses first (stable otherwise)
        out: list[Rejected] = []
        for _, rejected in found:
            if all(r.reason != rejected.reason for r in out):
                out.append(rejected)
            if len(out) == MAX_JOIN_REASONS:
                break
        return out

    def unconfirmed_members(self, index: int) -> list[str]:
        """Written associations holding the exposure that the engine would not give it.

        A member is confirmed when rebuilding its association accepts it, or when it can
        start an association of that rule. Always empty unless explanations and the
        generator disagree.
        """
        out = []
        for ai in self.member_of.get(index, []):
            asn = self.generated.associations[ai]
            _, accepted = self.replayed(ai)
            if accepted.get(index):
                continue
            registry, _, name = asn.rule.partition("_")
            context = asn.asn_id if registry == CANDIDATE else DISCOVERY
            item = dict(self.contexts(index)).get(context, self.pool.rows[index])
            if not self.fresh(self.by_name[name], item).matched:
                out.append(asn.filename)
        return out


def _is_acquisition(row: dict) -> bool:
    try:
        return checks.member_type(row) == "target_acquisition"
    except MemberTypeError:
        return False


def _unique(items: list[Rejected]) -> list[Rejected]:
    """One rejection per reason; a reason shared by several associations says how many."""
    counts: dict[str, int] = {}
    first: dict[str, Rejected] = {}
    for item in items:
        counts[item.reason] = counts.get(item.reason, 0) + 1
        first.setdefault(item.reason, item)
    out = []
    for reason, item in first.items():
        if counts[reason] > 1 and item.association is not None:
            item = replace(item, reason=f"{reason} (the same for {counts[reason]} "
                                        f"associations of {item.rule})")
        out.append(item)
    return out


#: Below this many exposures one process is faster than forking workers.
PARALLEL_MIN_ROWS = 200


def explain_pool(pool: Pool, generated: Generated, rows: list[int] | None = None,
                 rule: str | None = None, jobs: int = 1,
                 then: Callable[[ExposureExplanation], Any] | None = None) -> list:
    """Explanations of the pool's exposures `rows` (default: every row), in that order.

    `rule` limits the explanation to one rule (by name, e.g. ``Asn_Lv3Image``; an unknown
    name raises `InputError`). `jobs` above 1 lets that many processes share the rows
    (forked workers, consecutive rows each; the same explanations). `then`, if given, is
    applied to each explanation where it is made (e.g. its text, or `to_dict`): the list
    holds what it returns.
    """
    if then is None:
        then = _itself
    from asnatlas import forked

    explainer = Explainer(pool, generated)
    if rule is not None and rule not in explainer.by_name:
        raise InputError(f"no rule {rule!r}; rules: " + ", ".join(rule_names()))
    indices = list(range(len(pool.rows)) if rows is None else rows)
    jobs = min(jobs, len(indices) // max(1, PARALLEL_MIN_ROWS // 2))
    if jobs < 2 or len(indices) < PARALLEL_MIN_ROWS or not forked.can_fork():
        return [then(explainer.explain(i, rule)) for i in indices]
    size = -(-len(indices) // jobs)
    parts = [indices[start:start + size] for start in range(0, len(indices), size)]
    done = forked.share(parts, lambda part: [then(explainer.explain(i, rule)) for i in part])
    return [shaped for part in done for shaped in part]


def _itself(explanation: ExposureExplanation) -> ExposureExplanation:
    return explanation


def explanations_by_row(pool: Pool, generated: Generated) -> dict[int, ExposureExplanation]:
    """Every exposure's explanation, by pool row index (what the site shows)."""
    return {exp.index: exp for exp in explain_pool(pool, generated)}


def rule_names() -> list[str]:
    """The names of the rules an explanation can be limited to."""
    return [rule.name for rule in all_rules() if rule.name != ACQ_RULE]

"""Wording: a rejecting condition, with the values it compared, as a sentence for a user.

Everything here reads the condition nodes (their columns, values and ``why`` texts) and the
outcomes recorded while matching; nothing restates what a rule requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from asnatlas.errors import MemberTypeError
from asnatlas.explain.trace import Failure, Outcome, first_failed_leaf
from asnatlas.explain.trace import actual as actual_of
from asnatlas.rules.checks import check_of
from asnatlas.rules.constraints import Attr, Group, Test, first_set, is_iterable

_PLAIN_ALTERNATIVES = re.compile(r"^[\w.\- ]+(\|[\w.\- ]+)*$")


def _check_columns(node: Test) -> tuple[str, ...]:
    """The columns a computed check on the exposure reads (shown, as it has no value)."""
    check = check_of(node)
    return check.columns if check is not None else ()


def _shows(node: Test) -> str:
    check = check_of(node)
    return check.shows if check is not None else ""


@dataclass(frozen=True)
class Wording:
    """A rejection in words: the sentence and its parts (for tables and JSON)."""

    reason: str
    condition: str
    expected: str
    actual: str


def column_label(sources: tuple[str, ...]) -> str:
    """``("filter", "band")`` -> ``FILTER (or BAND)``."""
    if not sources:
        return "?"
    label = sources[0].upper()
    if len(sources) > 1:
        label += " (or " + ", ".join(s.upper() for s in sources[1:]) + ")"
    return label


def unescape(value: str) -> str:
    """A value fixed by a member is kept regex-escaped: show its text."""
    return re.sub(r"\\(.)", r"\1", value)


def pretty_pattern(pattern: Any) -> str:
    """A condition's regex in words: ``a|b`` -> ``one of a, b``; others verbatim."""
    if is_iterable(pattern):
        return " or ".join(pretty_pattern(p) for p in pattern)
    text = str(pattern)
    if text.startswith("(") and text.endswith(")") and _PLAIN_ALTERNATIVES.match(text[1:-1]):
        text = text[1:-1]  # a group of alternatives built from matched values
    if _PLAIN_ALTERNATIVES.match(text):
        parts = text.split("|")
        return parts[0] if len(parts) == 1 else "one of " + ", ".join(parts)
    return f"matching /{text}/"


def _values(item: dict, columns: tuple[str, ...]) -> str:
    shown = []
    for column in columns:
        found = first_set(item, (column,))
        shown.append(f"{column.upper()} {found[1] if found else 'not set'}")
    return ", ".join(shown)


def needs(rule: str, condition: str) -> str:
    """``<rule> needs <condition>``, phrased for the kind of text the condition is."""
    if condition.startswith("not "):
        return f"{rule} does not take {condition[4:]}"
    if condition.startswith("neither "):
        return f"{rule} takes {condition}"
    if " is " in condition or " are " in condition:
        return f"{rule} requires that {condition}"
    if condition.startswith(("of ", "in ")):
        return f"{rule} needs the exposure to be {condition}"
    return f"{rule} needs {condition}"


def _attr_text(node: Attr, outcome: Outcome, item: dict, asn: Any) -> str:
    """``COLUMN is value`` (or ``... is not set``) for a column condition."""
    found = actual_of(node, outcome, item, asn)
    if found is None:
        return f"{column_label(outcome.sources)} is not set"
    column, value = found
    return f"{column.upper()} is {value}"


def _leaf_values(node: Any, outcome: Outcome | None, item: dict) -> str:
    """`COLUMN is value` for a leaf that matched (used for negated groups)."""
    if isinstance(node, Attr) and outcome is not None:
        return _attr_text(node, outcome, item, None)
    if isinstance(node, Test):
        columns = _check_columns(node)
        if columns:
            return _values(item, columns)
        return node.why or "a computed check holds"
    return "a condition holds"


def word(rule: str, failure: Failure, outcomes: dict[int, Outcome], item: dict,
         asn: Any) -> Wording:
    """The sentence for `failure` of rule `rule` (name), given the probe's outcomes."""
    node = failure.node
    why = failure.why
    if isinstance(node, Group):
        if node.reduce == "any":
            return _alternatives(rule, node, outcomes, item, asn, why)
        return _negated(rule, failure, outcomes, item, why)
    outcome = outcomes[node.id]
    if isinstance(node, Attr):
        return _attr(rule, node, outcome, actual_of(node, outcome, item, asn), why)
    return _test(rule, node, outcome, item, asn, why)


def _alternatives(rule: str, group: Group, outcomes: dict, item: dict, asn: Any, why: str
                  ) -> Wording:
    """No alternative of an ``any`` group got past its first condition: show each one's."""
    leaves = [leaf for child in group.children
              if (leaf := first_failed_leaf(child, outcomes)) is not None]
    same_column = [(outcomes[leaf.id], found) for leaf in leaves if isinstance(leaf, Attr)
                   and isinstance(leaf.value, str)
                   and (found := actual_of(leaf, outcomes[leaf.id], item, asn)) is not None]
    if leaves and len(same_column) == len(leaves) and len({f for _, f in same_column}) == 1:
        # Every alternative asks the same column for other values: one list says it all.
        column, value = same_column[0][1]
        values = dict.fromkeys(v for o, _ in same_column for v in str(o.expected).split("|"))
        wanted = pretty_pattern("|".join(values))
        condition = why or f"{column.upper()} {wanted}"
        return Wording(f"{rule}: {column.upper()} {value} is not {wanted}", condition,
                       wanted, value)
    shown = []
    for leaf in leaves:
        text = _actual_text(leaf, outcomes.get(leaf.id), item, asn)
        if text not in shown:
            shown.append(text)
    actual = "; ".join(shown) or "no alternative applies"
    condition = why or "one of several alternatives"
    return Wording(f"{needs(rule, condition)}: {actual}", condition, condition, actual)


def _actual_text(node: Any, outcome: Outcome | None, item: dict, asn: Any) -> str:
    """What the exposure has for one condition, e.g. ``EXP_TYPE is mir_image``."""
    if isinstance(node, Attr) and outcome is not None:
        return _attr_text(node, outcome, item, asn)
    if isinstance(node, Test):
        columns = _check_columns(node)
        if columns:
            return _values(item, columns)
        shows = _shows(node)
        if shows in ("member_type", "dms_member_type"):
            kind = _member_type(asn, item, as_member=shows == "member_type")
            return f"member type is {kind}"
        return f"not {node.why}" if node.why else "a computed check fails"
    return "a condition fails"


def _negated(rule: str, failure: Failure, outcomes: dict, item: dict, why: str) -> Wording:
    held = [_leaf_values(leaf, outcomes.get(leaf.id), item) for leaf in failure.negated]
    actual = " and ".join(dict.fromkeys(held)) or "the excluded case applies"
    condition = why or "an exclusion"
    return Wording(f"{needs(rule, condition)}: {actual}", condition, f"not ({condition})",
                   actual)


def _attr(rule: str, node: Attr, outcome: Outcome, found: Any, why: str) -> Wording:
    label = column_label(outcome.sources)
    expected = outcome.expected
    if found is None:
        if why and not why.startswith("same "):
            condition, text = why, needs(rule, why)
        elif expected is not None:
            condition = why or f"{label} {pretty_pattern(expected)}"
            text = f"{rule} needs {label} {pretty_pattern(expected)}"
        else:
            condition, text = why or f"{label} set", f"{rule} needs {label} to be set"
        return Wording(f"{text}: this exposure has no {label}", condition,
                       "set" if expected is None else pretty_pattern(expected), "not set")
    column, value = found
    label = column.upper()
    if node.undefined:
        condition = why or f"{label} not set"
        return Wording(f"{rule}: excluded because {label} is set ({value})", condition,
                       "not set", value)
    if expected is None:
        # Only a list of values (an exposure in several candidates) fails here: each value
        # is offered on its own instead.
        condition = why or f"{label} has one value"
        return Wording(f"{rule} takes one {label} at a time: {value} is offered value by "
                       "value", condition, "a single value", value)
    if node.value is None:
        shown = unescape(str(expected))
        condition = why or f"same {label}"
        return Wording(f"{rule} needs {label} equal across members: this exposure has "
                       f"{value}, the association has {shown}", condition, shown, value)
    wanted = pretty_pattern(expected)
    if callable(node.value) and expected in ("()", ""):
        wanted = "a value already in the association (it has none yet)"
    condition = why or f"{label} {wanted}"
    if why and (callable(node.value) or wanted.startswith("matching")):
        # A pattern is not for users: the condition's meaning says it better.
        reason = f"{needs(rule, why)}: {label} is {value}"
        if callable(node.value):
            reason += f", expected {wanted}"
    else:
        reason = f"{rule}: {label} {value} is not {wanted}"
        if why:
            reason += f" (needs {why})"
    return Wording(reason, condition, wanted, value)


def _test(rule: str, node: Test, outcome: Outcome, item: dict, asn: Any, why: str
          ) -> Wording:
    condition = why or "a computed condition"
    columns = _check_columns(node)
    shows = _shows(node)
    if columns:
        actual = _values(item, columns)
        return Wording(f"{needs(rule, condition)}: this exposure has {actual}, not a valid "
                       "combination", condition,
                       "a valid combination", actual)
    if shows == "member_type":
        kind = _member_type(asn, item, as_member=True)
        return Wording(f"{needs(rule, condition)}: this exposure's member type is {kind}",
                       condition, "science", kind or "unknown")
    if shows == "science_member":
        science = asn.members_by_type("science") if asn is not None else []
        name = science[0]["expname"] if science else "another exposure"
        return Wording(f"{rule}: the product already has its science exposure ({name})",
                       condition, "no science member yet", name)
    if shows == "dms_member_type":
        kind = _member_type(asn, item)
        return Wording(f"{needs(rule, condition)}: this exposure's member type is {kind}",
                       condition, "target_acquisition", kind or "unknown")
    if shows == "candidate_type" and asn is not None:
        acid = asn.acid
        return Wording(f"{rule} does not take background candidates ({acid.id} is a "
                       f"{acid.type} candidate)", condition, "not background", acid.type)
    computed = actual_of(node, outcome, item, asn)
    shown = "" if computed is None or isinstance(computed, dict) else str(computed)
    return Wording(needs(rule, condition) + (f": got {shown}" if shown else ""),
                   condition, "" if outcome.expected is None else str(outcome.expected),
                   shown)


def _member_type(asn: Any, item: dict, as_member: bool = False) -> str | None:
    """The exposure's member type (`as_member`: as this rule would type it)."""
    if asn is None:
        return None
    try:
        return asn.exposure_type(item) if as_member else asn.plain_member_type(item)
    except MemberTypeError:
        return None


"""`constraints.meets` decides most conditions with string comparisons: always as the
regex it stands for (`regex_meets`: the condition between ``^`` and ``$``, ignoring case)."""

from __future__ import annotations

import re
import warnings

from hypothesis import example, given, settings
from hypothesis import strategies as st

from asnatlas.rules import all_rules
from asnatlas.rules.constraints import Attr, meets, regex_meets

# Letters with Unicode case partners (K: Kelvin sign, s: long s, i: dotted capital I),
# regex metacharacters, line ends.
ALPHABET = "aAkKsSiIoO019_-.|()+*[]\\$^ \n\r\u212a\u017f\u0130\u00e9"


def _ok(condition: str) -> bool:
    """Whether the text is a regex (conditions always are)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            regex_meets("", condition)
        except re.error:
            return False
    return True


words = st.text(alphabet="aAkKsSoO019_-", min_size=1, max_size=5)
alternatives = st.lists(words, min_size=1, max_size=4).map("|".join)
conditions = st.one_of(
    alternatives,  # nrc_image, or a|b|c: only the first ones are prefixes
    alternatives.map(lambda a: f"({a})"),  # (85|86)
    alternatives.map(lambda a: f".+({a}).+"),  # .+(o001).+
    st.text(alphabet=ALPHABET, min_size=1, max_size=8).filter(_ok),
)
values = st.one_of(
    st.text(alphabet=ALPHABET, max_size=10),
    st.text(alphabet="aAkKsSoO019_-", max_size=10),
)


@settings(max_examples=3000, deadline=None)
@given(value=values, condition=conditions)
@example(value="xo001y", condition=".+(o001).+")
@example(value="o001y", condition=".+(o001).+")
@example(value="2-point-nod-x", condition="2-point-nod|4-point-nod|along-slit-nod")
@example(value="along-slit-nod-x", condition="2-point-nod|4-point-nod|along-slit-nod")
@example(value="nrc_image\n", condition="nrc_image")
@example(value="\u212a", condition="k")
@example(value="\u017f", condition="(s|x)")
@example(value="NRC_IMAGE", condition="nrc_image")
def test_meets_is_the_regex(value: str, condition: str):
    warnings.simplefilter("ignore", FutureWarning)  # generated regexes like "[[a]"
    assert meets(value, condition) == regex_meets(value, condition)
    assert meets(value, [condition, "zzz"]) == (regex_meets(value, condition)
                                               or regex_meets(value, "zzz"))


def test_every_fixed_condition_of_the_rules():
    """The rules' own patterns, against values built from their words."""
    patterns = {node.value for rule in all_rules() for node in rule.nodes
                if isinstance(node, Attr) and isinstance(node.value, str)}
    assert patterns
    for pattern in patterns:
        samples = {w for w in pattern.replace("(", "|").replace(")", "|").split("|") if w}
        for word in samples:
            for value in (word, word.upper(), word + "x", "x" + word, "x" + word + "x",
                          word + "\n", word.replace("k", "\u212a")):
                assert meets(value, pattern) == regex_meets(value, pattern), (value, pattern)

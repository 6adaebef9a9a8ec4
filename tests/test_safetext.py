"""Untrusted text shown on one line with control and bidi characters escaped."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from asnatlas.safetext import is_safe, visible


def test_line_terminators_controls_and_bidi_are_escaped():
    assert visible("a\rb\nc\x85d\u2028e\x1b[31mf\u202eg\0") == (
        "a\\rb\\nc\\x85d\\u2028e\\x1b[31mf\\u202eg\\0")


@given(st.text())
def test_visible_output_is_always_safe_and_one_line(text):
    shown = visible(text)
    assert is_safe(shown)
    assert len(shown.splitlines()) <= 1
    if is_safe(text):
        assert shown == text


def test_every_line_terminator_python_or_unicode_knows_is_escaped():
    # str.splitlines splits on all of these; Markdown, docutils or a terminal on some.
    for char in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029":
        assert len(("a" + char + "b").splitlines()) == 2
        assert visible("a" + char + "b").splitlines() == [visible("a" + char + "b")]
        assert not is_safe(char)


def test_bidi_controls_lone_surrogates_and_non_strings():
    for char in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert visible(char) == f"\\u{ord(char):04x}"
    assert visible("\ud800") == "\\ud800"
    visible("x\udfff").encode("utf-8")  # printable anywhere
    assert visible(12) == "12"


def test_every_format_character_is_escaped():
    # Invisible characters (zero-width space, joiners, soft hyphen, BOM, tags) make two
    # different names look the same; bidi controls reorder them. All are Unicode's Cf.
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) == "Cf":
            assert not is_safe(chr(code)), f"U+{code:04X}"
    assert visible("nrca1\u200b_cal.fits") == "nrca1\\u200b_cal.fits"
    assert visible("x\u2060\ufeff\xad\U000e0041") == "x\\u2060\\ufeff\\xad\\U000e0041"
    # Visible text of other scripts stays as it is.
    for text in ("Ωμέγα Κένταυρος", "M31 (Андромеда)", "é", "αβγ-1"):
        assert is_safe(text) and visible(text) == text

"""Untrusted text shown on one line with control and bidi characters escaped."""

from __future__ import annotations

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

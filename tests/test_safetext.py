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

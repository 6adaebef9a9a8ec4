"""The reporters show untrusted text safely: one line, no terminal control, no CI command."""

from __future__ import annotations

import json

import pytest

from asnatlas.validate.problem import Problem
from asnatlas.validate.report import github_line, json_document, shown, summary, text_line

HOSTILE = [
    "\x1b]0;owned\x07",  # retitles a terminal
    "\x1b[2J\x1b[31m",  # clears and recolours it
    "a\nb", "a\rb", "a\vb", "a\fb", "a\x1cb", "a\x85b", "a\u2028b", "a\u2029b", "a\x00b",
    "\u202eevil", "\u2066x\u2069",
    "\ud800", "\udcff",  # lone surrogates (undecodable bytes in a file name)
]


def _problem(text: str, **fields) -> Problem:
    return Problem("ASN216", f"message {text}", f"/{text}", 3, 4, hint=f"hint {text}",
                   file=fields.get("file", f"{text}_asn.json"))


@pytest.mark.parametrize("text", HOSTILE)
def test_text_and_github_lines_escape_every_unsafe_character(text):
    for line in (text_line(_problem(text)), github_line(_problem(text))):
        line.encode("utf-8")  # never a lone surrogate: any terminal encoding can print it
        assert line.isprintable() or "\u00a0" in line
        assert len(line.splitlines()) == 1


def test_shown_names_the_characters():
    assert shown("a\nb\x1b[0m\u202e\ud800") == "a\\nb\\x1b[0m\\u202e\\ud800"


@pytest.mark.parametrize("name", ["::error::x_asn.json", "  ::warning file=a::b_asn.json",
                                  "\t::error::x_asn.json"])
def test_a_text_line_never_starts_a_workflow_command(name):
    line = text_line(_problem("x", file=name))
    assert not line.lstrip().startswith("::")


@pytest.mark.parametrize("text", ["##vso[task.setvariable variable=x]1", "##[error]x",
                                  "##teamcity[buildStatus text='x']", "##VSO[task.complete]"])
def test_no_azure_or_teamcity_command_anywhere(text):
    for line in (text_line(_problem(text)), github_line(_problem(text))):
        assert "##" not in line.replace("#\\x23", "")


def test_github_escaping_follows_the_runner():
    problem = Problem("ASN216", "100% sure: a,b", "", 1, 2, hint="x", file="dir,a:b%_asn.json")
    line = github_line(problem)
    assert line == ("::warning file=dir%2Ca%3Ab%25_asn.json,line=1,col=2,title=ASN216::"
                    "100%25 sure: a,b; hint: x")


def test_json_document_is_ascii_and_round_trips():
    problems = [_problem(text) for text in HOSTILE]
    document = json_document(problems)
    document.encode("ascii")
    assert [p["message"] for p in json.loads(document)] == [p.message for p in problems]


def test_summary_counts_unreadable_files():
    unreadable = Problem("ASN020", "cannot read the file: no such file", file="a_asn.json")
    assert summary(2, [unreadable], unreadable=1) == (
        "2 files checked: 1 error, 0 warnings in 1 file (1 could not be read)")

"""Output formats of ``asnatlas validate``: human text, JSON and GitHub Actions annotations."""

from __future__ import annotations

import json

from asnatlas.validate.codes import ERROR
from asnatlas.validate.problem import Problem

FORMATS = ("text", "json", "github")


def text_line(problem: Problem) -> str:
    """``file:line:col: CODE severity: message (at /pointer) [hint]`` on one line."""
    where = problem.file
    if problem.line:
        where += f":{problem.line}:{problem.col}"
    line = f"{where}: {problem.code} {problem.severity}: {_one_line(problem.message)}"
    if problem.pointer:
        line += f" (at {_one_line(problem.pointer)})"
    if problem.hint:
        line += f"; hint: {_one_line(problem.hint)}"
    return line


def github_line(problem: Problem) -> str:
    """A GitHub Actions workflow command that annotates the file at the problem's line."""
    level = "error" if problem.severity == ERROR else "warning"
    props = [f"file={_gh_property(problem.file)}"]
    if problem.line:
        props += [f"line={problem.line}", f"col={problem.col}"]
    props.append(f"title={_gh_property(problem.code)}")
    message = problem.message
    if problem.pointer:
        message += f" (at {problem.pointer})"
    if problem.hint:
        message += f"; hint: {problem.hint}"
    return f"::{level} {','.join(props)}::{_gh_data(message)}"


def json_document(problems: list[Problem]) -> str:
    """All problems as a JSON list of objects (stable key order, one trailing newline)."""
    return json.dumps([p.to_dict() for p in problems], indent=2) + "\n"


def summary(files: int, problems: list[Problem]) -> str:
    """The closing line of the text format."""
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    bad = len({p.file for p in problems})
    noun = "file" if files == 1 else "files"
    if not problems:
        return f"{files} {noun} checked: all valid"
    return (f"{files} {noun} checked: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)} in {bad} {'file' if bad == 1 else 'files'}")


def _one_line(text: str) -> str:
    # Keys and values come from the file being checked: keep each problem on one line.
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")

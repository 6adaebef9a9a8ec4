"""Output formats of ``asnatlas validate``: human text, JSON and GitHub Actions annotations.

Everything in a problem may come from the file being checked, its name included, so the
text and github formats show it through `asnatlas.safetext.visible` (one line, control,
line-break and bidi characters as escapes) and never print a line that a CI system reads
as a command: a line does not start with ``::`` (GitHub Actions workflow commands) and
holds no ``##vso[``, ``##[`` or ``##teamcity[`` (Azure Pipelines, TeamCity). The JSON
format escapes everything outside ASCII.
"""

from __future__ import annotations

import json
import re

from asnatlas.safetext import visible
from asnatlas.validate.codes import ERROR
from asnatlas.validate.problem import Problem

FORMATS = ("text", "json", "github")

# Lone surrogates: in file names (undecodable bytes), or from text handed to the API.
# No terminal encoding accepts them, so they are shown as escapes too.
_SURROGATE = re.compile("[\ud800-\udfff]")
_CI_COMMAND = re.compile(r"##(?=vso\[|\[|teamcity\[)", re.IGNORECASE)


def shown(text: str) -> str:
    """Untrusted text on one line, safe for a terminal and for a CI log."""
    text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", visible(text))
    return _CI_COMMAND.sub("#\\\\x23", text)


def text_line(problem: Problem) -> str:
    """``file:line:col: CODE severity: message (at /pointer) [hint]`` on one line."""
    where = shown(problem.file)
    if problem.line:
        where += f":{problem.line}:{problem.col}"
    line = f"{where}: {problem.code} {problem.severity}: {shown(problem.message)}"
    if problem.pointer:
        line += f" (at {shown(problem.pointer)})"
    if problem.hint:
        line += f"; hint: {shown(problem.hint)}"
    if line.lstrip().startswith("::"):
        # A file name such as "::error::x": GitHub would read the line as a command.
        line = line.replace(":", "\\x3a", 1)
    return line


def github_line(problem: Problem) -> str:
    """A GitHub Actions workflow command that annotates the file at the problem's line.

    Escaped as GitHub's runner unescapes: ``%``, ``\\r`` and ``\\n`` in the message, and
    also ``:`` and ``,`` in properties (the file name, the title).
    """
    level = "error" if problem.severity == ERROR else "warning"
    # The file stays the real name where it can (GitHub links the annotation to it).
    props = [f"file={_gh_property(shown(problem.file))}"]
    if problem.line:
        props += [f"line={problem.line}", f"col={problem.col}"]
    props.append(f"title={_gh_property(problem.code)}")
    message = problem.message
    if problem.pointer:
        message += f" (at {problem.pointer})"
    if problem.hint:
        message += f"; hint: {problem.hint}"
    return f"::{level} {','.join(props)}::{_gh_data(shown(message))}"


def json_document(problems: list[Problem]) -> str:
    """All problems as a JSON list of objects (stable key order, one trailing newline)."""
    return json.dumps([p.to_dict() for p in problems], indent=2) + "\n"


def summary(files: int, problems: list[Problem], unreadable: int = 0) -> str:
    """The closing line of the text format (``unreadable``: files that could not be read,
    whose ASN020 problems are among ``problems``)."""
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    bad = len({p.file for p in problems})
    noun = "file" if files == 1 else "files"
    if not problems:
        return f"{files} {noun} checked: all valid"
    text = (f"{files} {noun} checked: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)} in {bad} "
            f"{'file' if bad == 1 else 'files'}")
    if unreadable:
        text += f" ({unreadable} could not be read)"
    return text




def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")

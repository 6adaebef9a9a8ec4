"""The record of one problem found in an association file."""

from __future__ import annotations

from dataclasses import dataclass, field

from asnatlas.validate.codes import CODES


@dataclass
class Problem:
    """One problem: where (file, line, column, JSON pointer), what (code, message) and a hint.

    ``line`` and ``col`` are 1-based; 0 means "no position" (e.g. a missing member file is
    reported at its ``expname`` value, but a problem with the file name itself has none).
    """

    code: str
    message: str
    pointer: str = ""
    line: int = 0
    col: int = 0
    hint: str = ""
    file: str = ""
    severity: str = field(default="")

    def __post_init__(self) -> None:
        if not self.severity:
            self.severity = CODES[self.code].severity

    def to_dict(self) -> dict:
        """Plain dict for ``--format json`` and the site build."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.col,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "pointer": self.pointer,
            "hint": self.hint,
        }


def pointer_join(base: str, token: str | int) -> str:
    """Append one reference token to a JSON pointer (RFC 6901 escaping)."""
    text = str(token).replace("~", "~0").replace("/", "~1")
    return f"{base}/{text}"

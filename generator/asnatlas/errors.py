"""Errors that mean "bad input": the CLI prints them on one line and exits with status 2."""

from __future__ import annotations


class InputError(Exception):
    """A user-facing error about an input file (never shown as a traceback).

    ``str(err)`` is the one-line message: ``FILE:LINE: what is wrong``. File names and
    messages quote untrusted text, so both are shown with `asnatlas.safetext.visible`:
    a control character or line break in them cannot retitle a terminal or start a line
    that a CI system reads as a command.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        from asnatlas.safetext import visible

        where = ""
        if self.path is not None:
            where = f"{visible(self.path)}:"
            if self.line is not None:
                where += f"{self.line}:"
            where += " "
        return f"{where}{visible(self.message)}"

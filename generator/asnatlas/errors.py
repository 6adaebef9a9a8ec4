"""The errors asnatlas raises on purpose, all under `AsnatlasError`.

- `InputError`: bad input (a pool, an association file, an option); the CLI prints it on
  one line and exits with status 2. `MemberTypeError` is one: an exposure whose member
  type cannot be decided.
- `asnatlas.conventions.naming.NamingError`: a name that breaks the JWST convention.
- `asnatlas.web.build.BuildError`: the site could not be built.

This module imports nothing, so every package (conventions included) may import it.
"""

from __future__ import annotations


class AsnatlasError(Exception):
    """Base of every error asnatlas raises on purpose (anything else is a bug)."""


class InputError(AsnatlasError):
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


class MemberTypeError(InputError):
    """An exposure's member type (science, background...) cannot be decided: no EXP_TYPE.

    ``filename`` names the exposure, so that the caller can say on which pool line it is.
    """

    def __init__(self, filename: str | None):
        self.filename = filename
        super().__init__(f"exposure {filename or '(no FILENAME)'}: EXP_TYPE is not set, so "
                         "its member type (science, background, ...) cannot be decided")

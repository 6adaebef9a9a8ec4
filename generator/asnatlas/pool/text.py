"""The default pool format (``ascii``): our reader first, astropy's guessing when it declines."""

from __future__ import annotations

from asnatlas.errors import InputError
from asnatlas.pool import pipe
from asnatlas.pool.source import decode as decode_bytes
from asnatlas.pool.source import read_bytes

_OTHER_DELIMITERS = ("|", ",", "\t", ";")


def read_text_pool(path: str, delimiter: str, max_bytes: int | None):
    """(names, rows of values, row lines, header line, how it was read, plain-reader
    failure)."""
    text = decode_bytes(path, read_bytes(path, max_bytes))
    lines = text.splitlines()
    failure: pipe.PipeFailure | None = None
    simple = len(delimiter) == 1 and not delimiter.isspace() and delimiter not in "\"'"
    if simple:
        try:
            raw = pipe.read_basic(lines, delimiter)
        except pipe.PipeFailure as err:
            if err.fatal and not pipe.reference_would_guess_first(text, lines, delimiter):
                raise _error(path, text, lines, delimiter, err) from None
            failure = err
        else:
            if not (pipe.reference_would_guess_first(text, lines, delimiter)
                    or pipe.needs_astropy_subset_rule(raw, lines)):
                if raw.final:
                    rows = pipe.fill_empty_cells(raw.rows)
                else:
                    rows = _rows(pipe.columns_as_reference(raw.rows, len(raw.names),
                                                           "\x00" in text))
                return raw.names, rows, raw.row_lines, raw.header_line, "", None
    if failure is None and not lines:
        failure = pipe.PipeFailure("empty pool: no header line and no rows "
                                   "(only blank or # lines)")
    from asnatlas.pool.guess import GuessFailed, guess_read

    try:
        guessed = guess_read(text, delimiter)
    except GuessFailed as err:
        if failure is not None:
            raise _error(path, text, lines, delimiter, failure) from None
        raise InputError(f"not a readable pool table: {err.message}", path) from None
    header_line, row_lines = _lines_of(lines, delimiter, guessed)
    reading = (f"read as astropy's format guessing reads it (as the reference does): "
               f"with its {guessed.reader} reader")
    if failure is not None:
        where = f"line {failure.line}: " if failure.line else ""
        reading += f", because the plain reading fails ({where}{failure.message})"
    error = _error(path, text, lines, delimiter, failure) if failure is not None else None
    return guessed.names, _rows(guessed.columns), row_lines, header_line, reading, error


def _rows(columns: list[list[str]]) -> list:
    return list(zip(*columns, strict=True))


def _lines_of(lines: list[str], delimiter: str, guessed) -> tuple[int | None, list | None]:
    """Row lines of a table astropy read with a Basic-like reader (else unknown)."""
    if not guessed.reader.startswith("Basic"):
        return None, None
    try:
        raw = pipe.read_basic(lines, delimiter, guessed.quotechar or '"', strict_names=False)
    except pipe.PipeFailure:
        return None, None
    return raw.header_line, raw.row_lines


def _error(path: str, text: str, lines: list[str], delimiter: str,
           failure: pipe.PipeFailure) -> InputError:
    message = failure.message
    if "column names" in message and failure.line:
        header = lines[failure.line - 1].strip()
        for other in _OTHER_DELIMITERS:
            if other != delimiter and len(header.split(other)) >= 2:
                shown = "'\\t'" if other == "\t" else other
                message = (f"the header line does not contain the delimiter {delimiter!r} "
                           f"but is separated by {other!r}: try --delimiter {shown}")
                break
        else:
            message = (f"not a pool table: the header line has no {delimiter!r}-separated "
                       "column names (expected e.g. FILENAME|PROGRAM|EXP_TYPE|INSTRUME|...)")
    if text.lstrip().startswith("# %ECSV"):
        message = ("this looks like ECSV, not a pipe-separated pool: use --pool-format "
                   f"ascii.ecsv ({message})")
    if text.startswith("\ufeff"):
        message += ("; the file starts with a byte-order mark (U+FEFF), which the reference "
                    "reads as part of the first line: save the pool without it")
    return InputError(message, path, failure.line)

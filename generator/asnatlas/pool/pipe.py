"""Our own reader of the pipe-separated pool format: astropy's reading, without astropy.

The reference reads a pool with ``Table.read(path, format="ascii", delimiter="|",
converters=<lower-cased str>)``: astropy then *guesses* the format, trying a list of
readers in turn. On every pool of the JWST archive the first that succeeds is the
``Basic`` reader (one header line, ``#`` comments, blank lines skipped, values split by
Python's csv module with ``"`` as the quote character, so a quoted value may span lines),
with strict column names. This module is that reader, decision for decision (importing
astropy costs more than reading a pool of hundreds of rows). `reference_would_guess_first`
says when one of the readers astropy tries before ``Basic`` could read the file; then,
and whenever this reader fails, `asnatlas.pool.guess` runs astropy's own guessing.

``tests/test_pool_reader.py`` proves this reader equal to astropy's reading on every pool
of the conformance corpus, our samples and generated tables.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

#: astropy's comment pattern for the Basic reader (matched at the start of the raw line).
COMMENT = re.compile(r"\s*#")

#: astropy's strict column-name rule (used while guessing): these may not end a name.
_BAD_NAME_ENDS = (" ", ",", "|", "\t", "'", '"')

#: astropy.io.ascii.conf.guess_limit_lines: above twice this many lines astropy first
#: tries each guess on the first lines only (a test checks the value).
GUESS_LIMIT_LINES = 10000


class PipeFailure(Exception):
    """The Basic reader (as astropy runs it while guessing) rejects the table.

    ``fatal``: astropy would not go on guessing but fail outright (a csv error), so the
    reference crashes on this pool whatever the other readers could do.
    """

    def __init__(self, message: str, line: int | None = None, fatal: bool = False):
        super().__init__(message)
        self.message = message
        self.line = line
        self.fatal = fatal


@dataclass
class RawTable:
    """A table as split: names (deduplicated as astropy does) and rows of raw values
    (astropy strips spaces and tabs around each; `columns_as_reference` does), or, when
    `final`, of values already as the reference has them but for empty cells
    (`fill_empty_cells` fills them)."""

    names: list[str]
    rows: list[list[str]]
    row_lines: list[int]  # 1-based line where each row starts
    header_line: int
    multiline: bool  # some quoted value spans lines
    final: bool = False


def is_number(text: str) -> bool:
    """astropy's test for a column name that is a number (Python's float() accepts it)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def strict_name_problem(name: str) -> str | None:
    """Why astropy's guessing rejects a column name, or None."""
    if name == "":
        return "is empty"
    if is_number(name):
        return "is a number"
    if name[0] in _BAD_NAME_ENDS or name[-1] in _BAD_NAME_ENDS:
        return "starts or ends with a space, quote, comma, tab or '|'"
    return None


def deduplicate(names: list[str]) -> list[str]:
    """astropy's renaming of repeated column names: the second ``A`` becomes ``A_1``."""
    out: list[str] = []
    existing: set[str] = set()
    for name in names:
        base, i = name + "_", 1
        while name in existing:
            name = base + str(i)
            i += 1
        out.append(name)
        existing.add(name)
    return out


def content_line_indices(lines: list[str]) -> list[int]:
    """Indices of the lines astropy's Basic reader uses: not blank, not ``#`` comments."""
    match = COMMENT.match
    return [i for i, line in enumerate(lines) if line.strip() and not match(line)]


def read_basic(lines: list[str], delimiter: str = "|", quotechar: str = '"',
               strict_names: bool = True) -> RawTable:
    """Split `lines` as astropy's Basic reader does while guessing; `PipeFailure` if it fails."""
    dialect = {"delimiter": delimiter, "quotechar": quotechar, "doublequote": True,
               "escapechar": None, "quoting": csv.QUOTE_MINIMAL, "skipinitialspace": True}
    used = content_line_indices(lines)
    if not used:
        raise PipeFailure("empty pool: no header line and no rows (only blank or # lines)")
    header_index = used[0]
    header_line = header_index + 1
    try:
        names = [v.strip(" \t") for v in
                 next(csv.reader([lines[header_index].strip() + "\n"], **dialect))]
    except csv.Error as err:
        raise PipeFailure(f"header line cannot be split: {err}", header_line,
                          fatal=True) from None
    if strict_names:
        for position, name in enumerate(names, start=1):
            problem = strict_name_problem(name)
            if problem:
                raise PipeFailure(
                    f"column {position} of the header: the name {name!r} {problem}; the "
                    "reference cannot read the header then (every column needs a name such "
                    "as FILENAME)", header_line)
    if len(names) <= 1:
        raise PipeFailure(f"the header line has no {delimiter!r}-separated column names",
                          header_line)
    data_indices = used[1:]
    width = len(names)
    texts = [lines[i].strip() for i in data_indices]
    joined = "\n".join(texts)
    if splits_plainly(joined, delimiter, quotechar):
        final = values_are_final(joined, delimiter)
        if final:  # one lower-casing of the whole text instead of one per distinct value
            # Equal values become one string (pools repeat most values: 80 MB less for
            # the 40,000-row program), as `columns_as_reference` gives them.
            same = {}.setdefault
            rows = [list(map(same, values, values)) for values in
                    (text.split(delimiter) for text in joined.lower().split("\n"))
                    ] if texts else []
        else:
            rows = [text.split(delimiter) for text in texts]
        for values, index in zip(rows, data_indices, strict=True):
            if len(values) != width:
                raise PipeFailure(_width_problem(len(values), width, header_line, delimiter),
                                  index + 1)
        return RawTable(deduplicate(names), rows, [i + 1 for i in data_indices], header_line,
                        False, final)
    reader = csv.reader([text + "\n" for text in texts], **dialect)
    rows: list[list[str]] = []
    row_lines: list[int] = []
    consumed = 0
    multiline = False
    try:
        for values in reader:
            first, consumed = consumed, reader.line_num
            line = data_indices[first] + 1
            if consumed - first > 1:
                multiline = True
            if len(values) != width:
                raise PipeFailure(_width_problem(len(values), width, header_line, delimiter),
                                  line)
            rows.append(values)  # stripped per distinct value in columns_as_reference
            row_lines.append(line)
    except csv.Error as err:
        line = data_indices[min(consumed, len(data_indices) - 1)] + 1
        raise PipeFailure(f"row cannot be split: {err}", line, fatal=True) from None
    return RawTable(deduplicate(names), rows, row_lines, header_line, multiline)


def splits_plainly(joined: str, delimiter: str, quotechar: str) -> bool:
    """Whether the csv module splits each of these (stripped) lines, joined by newlines,
    as ``str.split`` does: when no line has the quote character, and no value starts
    with a space (which ``skipinitialspace`` drops). ``tests/test_pool_reader.py``
    proves the two equal."""
    return quotechar not in joined and delimiter + " " not in joined


def values_are_final(joined: str, delimiter: str) -> bool:
    """Whether the values of these plainly split lines (joined by newlines) are, once the
    whole text is lower-cased, what `columns_as_reference` makes of them, empty cells
    apart: when nothing is to be stripped (no tab, no NUL, no space before a delimiter;
    `splits_plainly` excludes one after it) and the text is ASCII (lower-casing a whole
    line is then lower-casing each value). ``tests/test_pool_reader.py`` proves it."""
    return (joined.isascii() and "\t" not in joined and "\x00" not in joined
            and " " + delimiter not in joined)


def fill_empty_cells(rows: list[list[str]]) -> list[list[str]]:
    """`final` rows with their empty cells as the reference has them (in place): astropy
    masks them and the reference fills them with ``"null"`` cut to the column's text
    width (see `columns_as_reference`)."""
    fills: dict[int, str] = {}
    for values in rows:
        if "" not in values:
            continue
        at = values.index("")
        while True:
            fill = fills.get(at)
            if fill is None:  # before any cell of the column is filled
                fill = fills[at] = _fill_of(rows, at)
            values[at] = fill
            try:
                at = values.index("", at + 1)
            except ValueError:
                break
    return rows


def _fill_of(rows: list[list[str]], at: int) -> str:
    longest = 1  # numpy's narrowest string type
    for values in rows:
        length = len(values[at])
        if length >= 4:
            return "null"
        if length > longest:
            longest = length
    return "null"[:longest]


def _width_problem(fields: int, width: int, header_line: int, delimiter: str) -> str:
    return (f"row has {fields} fields but the header (line {header_line}) has {width}; "
            f"every row needs one value per column, separated by {delimiter!r}")


def _position_like(line: str, delimiter: str) -> bool:
    # A fixed-width "position line" (e.g. "----|----"): one character besides delimiters.
    return len(set(line) - {delimiter, " ", "\t"}) <= 1


def reference_would_guess_first(text: str, lines: list[str], delimiter: str) -> bool:
    """Whether astropy might read this file with another reader before trying Basic.

    Those readers (ECSV, fixed width with a position line, reStructuredText) need
    markers that pools do not have: a ``%ECSV`` line, or a line made of one repeated
    character. When one is present we let astropy itself decide.
    """
    if "%ECSV" in text[:4096]:
        return True
    # Those readers look for their position lines among the first content lines.
    match = COMMENT.match
    first: list[str] = []
    for line in lines:
        if line.strip() and not match(line):
            first.append(line)
            if len(first) == 3:
                break
    return any(_position_like(line.strip(), delimiter) for line in first)


def needs_astropy_subset_rule(raw: RawTable, lines: list[str]) -> bool:
    """Tables over 2x`GUESS_LIMIT_LINES` lines are first guessed on their opening lines:
    that can only change the outcome when the header or a multi-line value lies there."""
    if len(lines) <= 2 * GUESS_LIMIT_LINES:
        return False
    return raw.multiline or raw.header_line > GUESS_LIMIT_LINES


def columns_as_reference(raw_rows: list[list[str]], width: int,
                         has_nul: bool = True) -> list[list[str]]:
    """Column-wise values as the reference has them after ``filled("null")``.

    Values lose the spaces and tabs around them (astropy's splitter), are lower-cased
    (the reference's converter) and lose trailing NULs (numpy strings cannot end with
    one). Empty cells are masked by astropy and filled with ``"null"``, cut to the
    column's text width (numpy strings): a column whose longest value has 2 characters
    holds ``"nu"``. `has_nul`: whether the text has a NUL at all (else no need to look).
    """
    columns: list[list[str]] = []
    for column in zip(*raw_rows, strict=True) if raw_rows else [()] * width:
        # Per distinct value: pools repeat most values many times.
        mapping: dict[str, str] = {}
        longest = 1  # numpy's narrowest string type; masked cells count as "0"
        masked = False
        distinct = set(column)
        for value in distinct:
            text = value.strip(" \t")
            if text == "":
                masked = True
                continue
            if has_nul:
                text = text.rstrip("\x00")
            text = text.lower()
            mapping[value] = text
            if len(text) > longest:
                longest = len(text)
        if masked:
            fill = "null"[:longest]
            for value in distinct:
                if value not in mapping:
                    mapping[value] = fill
        columns.append(list(map(mapping.__getitem__, column)))
    return columns

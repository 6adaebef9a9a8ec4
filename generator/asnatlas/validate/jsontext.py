"""Strict JSON reading for association files: bytes -> data, with positioned syntax problems.

The standard ``json`` module does the parsing (it is fast and gives a position for most
errors); this module turns its messages into coded problems with hints, and adds what it
lets through silently: duplicate keys (the last one wins), ``NaN``/``Infinity`` and a
byte-order mark. What Python's reader refuses in its own ways gets its own code and a
position instead of an exception: integers longer than ``sys.get_int_max_str_digits()``
(ASN014), nesting deeper than `MAX_DEPTH` (ASN015, decided on the text, so that the
answer never depends on the depth of the caller's stack or on what follows) and lone
surrogate escapes such as ``\\ud800`` (ASN016, which Python reads into a string no file
system or terminal accepts). ``PositionIndex`` maps JSON pointers back to line and column
by re-scanning the text; it is built only when a problem needs a position.
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_right
from json.decoder import scanstring

from asnatlas.validate.problem import Problem, pointer_join

_BOM = b"\xef\xbb\xbf"
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_CONSTANTS = ("NaN", "-Infinity", "Infinity", "true", "false", "null")

#: Deepest nesting of arrays and objects accepted. Associations nest four levels; Python's
#: reader gives up near its recursion limit (1000, less the caller's stack), so a fixed
#: limit well below it gives the same answer everywhere (the browser page uses it too).
MAX_DEPTH = 256
_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Flagged:
    """Collects what ``json.loads`` accepts but strict JSON forbids."""

    def __init__(self) -> None:
        self.duplicates = False
        self.constants = False
        self.big_integers = False

    def integer(self, digits: str) -> int:
        try:
            return int(digits)
        except ValueError:  # longer than sys.get_int_max_str_digits()
            self.big_integers = True
            return 0

    def pairs(self, pairs: list) -> dict:
        result = dict(pairs)
        if len(result) != len(pairs):
            self.duplicates = True
        return result

    def constant(self, name: str) -> None:
        self.constants = True
        return None


def decode(raw: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes to text. Returns ``(None, problems)`` when there is nothing to parse."""
    problems: list[Problem] = []
    if raw.startswith(_BOM):
        problems.append(
            Problem("ASN003", "the file starts with a UTF-8 byte-order mark", "", 1, 1,
                    "save the file as UTF-8 without BOM: Python's JSON reader refuses it, and "
                    "the pipeline reads it only through its deprecated YAML fallback")
        )
        raw = raw[len(_BOM):]
    elif raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        problems.append(
            Problem("ASN002", "the file is UTF-16 (byte-order mark found), not UTF-8", "", 1, 1,
                    "save the file as UTF-8")
        )
        return None, problems
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        start = raw.rfind(b"\n", 0, err.start) + 1
        col = len(raw[start:err.start].decode("utf-8", "replace")) + 1
        problems.append(
            Problem("ASN002", f"byte 0x{raw[err.start]:02x} is not valid UTF-8", "", line, col,
                    "save the file as UTF-8 (it looks like Latin-1 or another encoding)")
        )
        return None, problems
    if not text.strip():
        problems.append(Problem("ASN001", "the file is empty", "", 1, 1,
                                "an association is a JSON object with asn_type, products, ..."))
        return None, problems
    return text, problems


def constants_in(problems: list[Problem]) -> dict[str, str]:
    """Pointer -> the ``NaN``/``Infinity`` read as None there (from `parse`'s ASN008
    problems, whose messages start with the word)."""
    return {p.pointer: p.message.split(" ", 1)[0] for p in problems if p.code == "ASN008"}


def parse(text: str) -> tuple[bool, object, list[Problem]]:
    """Parse ``text``; returns ``(parsed, data, problems)``; ``parsed`` is False on a syntax error.

    Duplicate keys and NaN/Infinity are reported but the data is still returned, so that
    the other checks can run too.
    """
    raw = None if text.isascii() else _SURROGATE.search(text)
    if raw:  # only text handed to the API can hold one; decoded bytes never do
        line, col = _line_col(text, raw.start())
        return False, None, [_surrogate_problem(ord(raw.group(0)), "", line, col)]
    # Too deep is decided on the text alone (the same answer whatever the stack depth and
    # whatever follows): checked after a successful parse on the data, which is cheaper,
    # and on the text when the parse fails.
    flags = _Flagged()
    try:
        data = json.loads(text, object_pairs_hook=flags.pairs, parse_constant=flags.constant,
                          parse_int=flags.integer)
    except json.JSONDecodeError as err:
        return False, None, [_deep_problem_at(text) or _syntax_problem(text, err)]
    except RecursionError:
        return False, None, [_deep_problem_at(text) or _deep_problem(1, 1)]
    # A duplicate key can drop a deep value from the data, so then the text decides.
    deep = _deep_problem_at(text) if flags.duplicates else None
    if deep is None and _deeper_than(data, MAX_DEPTH):
        deep = _deep_problem_at(text) or _deep_problem(1, 1)
    if deep is not None:
        return False, None, [deep]
    problems: list[Problem] = []
    surrogates = _SURROGATE_ESCAPE.search(text) is not None
    if flags.duplicates or flags.constants or flags.big_integers or surrogates:
        index = PositionIndex(text)
        fatal = [Problem("ASN014", f"an integer of {digits} digits: Python's JSON reader (the "
                                   f"pipeline's) refuses integers over "
                                   f"{sys.get_int_max_str_digits()} digits",
                         pointer, line, col, "write it as a string, or shorten it")
                 for pointer, digits, line, col in index.big_integers]
        fatal += [_surrogate_problem(code, pointer, line, col)
                  for pointer, code, line, col in index.surrogates]
        if fatal:
            return False, None, fatal
        for pointer, key, line, col in index.duplicates:
            problems.append(
                Problem("ASN007", f"duplicate key {key!r}: the last value silently wins",
                        pointer, line, col, "remove or rename one of the two")
            )
        for pointer, word, line, col in index.constants:
            problems.append(
                Problem("ASN008", f"{word} is not a JSON value", pointer, line, col,
                        'use null or a quoted string such as "NaN"')
            )
    return True, data, problems


def _too_deep(text: str) -> int | None:
    """Offset of the first bracket nested deeper than `MAX_DEPTH`, or None."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for match in _NESTING.finditer(text):
        char = match.group(0)
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif char in "]}":
            depth = max(depth - 1, 0)
    return None


def _deep_problem_at(text: str) -> Problem | None:
    deep = _too_deep(text)
    if deep is None:
        return None
    return _deep_problem(*_line_col(text, deep))


def _deeper_than(data: object, limit: int) -> bool:
    """Whether arrays and objects in ``data`` nest more than ``limit`` levels (no recursion)."""
    stack = [(data, 1)] if isinstance(data, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _deep_problem(line: int, col: int) -> Problem:
    return Problem("ASN015", f"the JSON is nested more than {MAX_DEPTH} levels deep", "",
                   line, col, "an association nests four levels: association, products, "
                              "product, members")


def _surrogate_problem(code: int, pointer: str, line: int, col: int) -> Problem:
    # The pointer may run through keys holding lone surrogates: show them as escapes.
    shown = _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", pointer)
    return Problem("ASN016", f"lone surrogate \\u{code:04x} in a string: the text is not "
                             f"valid Unicode", shown, line, col,
                   "remove it, or write the whole pair (such as \\ud83d\\ude00)")


def _syntax_problem(text: str, err: json.JSONDecodeError) -> Problem:
    """Turn a ``JSONDecodeError`` into a coded problem with a hint."""
    pos, msg = err.pos, err.msg
    line, col = err.lineno, err.colno
    here = text[pos:pos + 2]
    if pos >= len(text.rstrip()) or msg.startswith("Unterminated string"):
        line, col = _line_col(text, len(text.rstrip()))
        return Problem("ASN009", "the file ends before the JSON value is complete", "", line, col,
                       "the file looks truncated: check for missing closing quotes, ] or }")
    if here in ("//", "/*") or here[:1] == "#":
        return Problem("ASN005", "comments are not allowed in JSON", "", line, col,
                       "delete the comment or move it into a string field")
    if here[:1] == "'":
        return Problem("ASN006", "strings must use double quotes", "", line, col,
                       "replace the single quotes ' with double quotes \"")
    if msg == "Extra data":
        return Problem("ASN012", "there is more text after the end of the JSON object", "",
                       line, col, "a file holds exactly one association object")
    if msg.startswith("Invalid control character"):
        return Problem("ASN013", "raw control character (newline or tab) inside a string", "",
                       line, col, "write it as \\n or \\t, or close the string")
    if msg.startswith("Invalid \\escape") or msg.startswith("Invalid \\uXXXX"):
        return Problem("ASN013", "invalid backslash escape in a string", "", line, col,
                       "write a literal backslash as \\\\ (and member names need no paths)")
    if here[:1] in "]}" and msg.startswith(("Expecting value", "Expecting property name")):
        comma = _previous_significant(text, pos)
        if comma is not None and text[comma] == ",":
            line, col = _line_col(text, comma)
            return Problem("ASN004", "trailing comma before the closing bracket", "", line, col,
                           "delete the comma after the last item")
    word = _WORD.match(text, pos)
    if word and msg.startswith(("Expecting value", "Expecting property name")):
        bare = word.group(0)
        hint = {"True": "use true", "False": "use false", "None": "use null",
                "undefined": "use null"}.get(bare, "put keys and text values in double quotes")
        return Problem("ASN011", f"bare word {bare!r} where a quoted string or value is expected",
                       "", line, col, hint)
    hints = {
        "Expecting ',' delimiter": "a comma is missing between two items",
        "Expecting ':' delimiter": "a colon is missing between a key and its value",
        "Expecting value": "a value is missing here",
    }
    return Problem("ASN010", f"JSON syntax error: {msg}", "", line, col, hints.get(msg, ""))


def _previous_significant(text: str, pos: int) -> int | None:
    """Index of the last non-whitespace character before ``pos``."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\r\n":
        i -= 1
    return i if i >= 0 else None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


class PositionIndex:
    """Line and column of every value and key in a parsed JSON text, by JSON pointer.

    Built by one scan of text that ``json`` already accepted (plus NaN/Infinity), so the
    scanner can be simple. Also records duplicate keys and NaN/Infinity occurrences.
    """

    def __init__(self, text: str):
        self.text = text
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.values: dict[str, int] = {}
        self.keys: dict[str, int] = {}
        self.duplicates: list[tuple[str, str, int, int]] = []
        self.constants: list[tuple[str, str, int, int]] = []
        self.big_integers: list[tuple[str, int, int, int]] = []
        self.surrogates: list[tuple[str, int, int, int]] = []
        self._int_limit = sys.get_int_max_str_digits()
        try:
            self._value(_WS.match(text, 0).end(), "")
        except (ValueError, IndexError, RecursionError):
            pass  # positions are best effort; the parse itself already succeeded

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        row = bisect_right(self._starts, offset) - 1
        return row + 1, offset - self._starts[row] + 1

    def value(self, pointer: str) -> tuple[int, int]:
        """Position of the value at ``pointer``, or of its nearest existing parent."""
        while True:
            if pointer in self.values:
                return self.line_col(self.values[pointer])
            if not pointer:
                return (1, 1)
            pointer = pointer.rsplit("/", 1)[0]

    def key(self, pointer: str) -> tuple[int, int]:
        """Position of the key that names ``pointer`` (falls back to the value)."""
        if pointer in self.keys:
            return self.line_col(self.keys[pointer])
        return self.value(pointer)

    def _value(self, i: int, pointer: str) -> int:
        self.values.setdefault(pointer, i)
        text = self.text
        c = text[i]
        if c == "{":
            return self._object(i + 1, pointer)
        if c == "[":
            return self._array(i + 1, pointer)
        if c == '"':
            return self._string(i, pointer)
        for word in _CONSTANTS:
            if text.startswith(word, i):
                if word not in ("true", "false", "null"):
                    self.constants.append((pointer, word, *self.line_col(i)))
                return i + len(word)
        match = _NUMBER.match(text, i)
        if not match:
            raise ValueError(f"unexpected character at {i}")
        literal = match.group(0)
        digits = len(literal) - literal.startswith("-")
        if self._int_limit and digits > self._int_limit and not any(c in literal for c in ".eE"):
            self.big_integers.append((pointer, digits, *self.line_col(i)))
        return match.end()

    def _string(self, i: int, pointer: str) -> int:
        """Skip the string at ``i``; note its first lone surrogate escape, if any."""
        value, end = scanstring(self.text, i + 1)
        if _SURROGATE.search(value):
            at, code = _lone_surrogate(self.text, i + 1, end)
            self.surrogates.append((pointer, code, *self.line_col(at)))
        return end

    def _object(self, i: int, pointer: str) -> int:
        text = self.text
        seen: set[str] = set()
        i = _WS.match(text, i).end()
        if text[i] == "}":
            return i + 1
        while True:
            key_at = i
            key, _ = scanstring(text, i + 1)
            child = pointer_join(pointer, key)
            i = self._string(i, child)
            if key in seen:
                self.duplicates.append((child, key, *self.line_col(key_at)))
            seen.add(key)
            # The last duplicate wins in the data, so its position wins here too.
            self.keys[child] = key_at
            self.values.pop(child, None)
            i = _WS.match(text, i).end() + 1  # the colon
            i = _WS.match(text, i).end()
            i = self._value(i, child)
            i = _WS.match(text, i).end()
            if text[i] == "}":
                return i + 1
            i = _WS.match(text, i + 1).end()  # the comma

    def _array(self, i: int, pointer: str) -> int:
        text = self.text
        i = _WS.match(text, i).end()
        if text[i] == "]":
            return i + 1
        n = 0
        while True:
            i = self._value(i, pointer_join(pointer, n))
            n += 1
            i = _WS.match(text, i).end()
            if text[i] == "]":
                return i + 1
            i = _WS.match(text, i + 1).end()


def _lone_surrogate(text: str, start: int, end: int) -> tuple[int, int]:
    """Offset and code of the first ``\\uXXXX`` in ``text[start:end]`` that is half a pair.

    Pairs are read as Python's ``json`` reads them: a high surrogate escape followed at
    once by a low one is one character.
    """
    i = start
    while i < end:
        if text[i] != "\\":
            i += 1
            continue
        if text[i + 1] != "u":
            i += 2
            continue
        code = int(text[i + 2:i + 6], 16)
        if 0xD800 <= code <= 0xDBFF:
            if text[i + 6:i + 8] == "\\u" and 0xDC00 <= int(text[i + 8:i + 12], 16) <= 0xDFFF:
                i += 12
                continue
            return i, code
        if 0xDC00 <= code <= 0xDFFF:
            return i, code
        i += 6
    return start - 1, 0xD800  # not reached for a string that holds a lone surrogate

"""The string fast paths of naming and candidate lists equal their definitions (pathlib, the
regex, the text search, the literal parser)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from hypothesis import example, given, settings
from hypothesis import strategies as st

from asnatlas.conventions.suffixes import KNOWN_SUFFIXES, remove_suffix, remove_suffix_by_regex
from asnatlas.engine.candidate import split_level1b
from asnatlas.engine.products import path_stem


def _joined(pieces: list[str], most: int, least: int = 0) -> st.SearchStrategy[str]:
    """Texts made of up to `most` of these pieces, the ones that matter to the code."""
    return st.lists(st.sampled_from(pieces), min_size=least, max_size=most).map("".join)


# Names built from pieces that matter: separators, dots, slashes, known suffixes, newlines.
NAMES = _joined(["_", "-", ".", "/", "\n", "a", "jw01234", "nrca1", "fits", "", " ", "é",
                 "K", *KNOWN_SUFFIXES[:40], "rate", "cal", "x1d", "ami-oi", "align_refs"],
                8) | st.text(max_size=30)


@settings(max_examples=3000, deadline=None)
@given(NAMES)
@example("jw01234001001_02101_00001_nrca1_rate")
@example("a_rate_cal")
@example("_cal")
@example("a_cal\n")
@example("a-ami-oi")
@example("x_")
def test_remove_suffix_equals_the_regex(name):
    assert remove_suffix(name) == remove_suffix_by_regex(name)


def _stem_by_pathlib(name: str) -> str:
    path = PurePosixPath(name)
    return str(path.parent / path.stem) if str(path.parent) != "." else path.stem


@settings(max_examples=3000, deadline=None)
@given(NAMES)
@example("")
@example(".")
@example("..")
@example(".hidden")
@example("a.")
@example("a.b.c")
@example("dir//a.fits")
def test_path_stem_equals_pathlib(name):
    assert path_stem(name) == _stem_by_pathlib(name)


LEVEL1B_NAMES = _joined(["_uncal", ".", "fits", "_", "a", "\n", "", "x", "_uncal.",
                         "jw01234001001_02101_00001_nrca1", "/", "uncal"],
                        7) | st.text(max_size=20)


@settings(max_examples=3000, deadline=None)
@given(LEVEL1B_NAMES)
@example("a_uncal.fits")
@example("_uncal.fits")
@example("a_uncal.")
@example("a_uncal.fits_uncal.")
@example("a_uncal.b_uncal.c")
@example("a_uncal.fits\nb")
def test_split_level1b_equals_the_regex(name):
    match = re.match(r"(?P<path>.+)(?P<type>_uncal)(?P<extension>\..+)", name)
    expected = None if match is None else (match["path"], match["extension"])
    assert split_level1b(name) == expected


# Candidate lists and ids from pieces that overlap: o001 inside o0012, ids inside type
# names, quotes, brackets; texts with several rows each.
_ID = _joined(["o", "c", "a", "0", "1", "2", "00", "100", "'", "e"], 4, least=1)
_TEXT = _joined(["[('", "', '", "')]", "o001", "o0012", "c1000", "a3001", "observation",
                 "mosaic", "e", "0", "", "null", ", "], 10)


@settings(max_examples=3000, deadline=None)
@given(st.dictionaries(_TEXT, st.lists(st.integers(0, 500), max_size=3, unique=True),
                       max_size=6), st.lists(_ID, max_size=6))
@example({"[('o001', 'observation')]": [0], "[('o0012', 'observation')]": [1]},
         ["o001", "o0012"])
def test_rows_of_candidates_equal_the_text_search(by_text, cids):
    from asnatlas import generate as generate_module

    # Rows of different texts never repeat (one text per row).
    seen: set[int] = set()
    by_text = {t: [i for i in rows if not (i in seen or seen.add(i))]
               for t, rows in by_text.items()}
    found = generate_module._indices_by_candidate(by_text, cids)
    assert set(found) == {cid for cid in cids if cid}
    for cid, indices in found.items():
        assert indices == generate_module._candidate_indices(by_text, cid)


_LITERAL = _joined(["[(", "('", "'", "o001", "c1000", "observation", ", ", ")]", "(", ")",
                    "[", "]", "\\", '"', " ", "-", "_", "é", "\n", "0", ""], 12)


@settings(max_examples=3000, deadline=None)
@given(_LITERAL | st.text(max_size=30))
@example("[('o001', 'observation')]")
@example("[('o001', 'observation'), ('c1000', 'mosaic')]")
@example("[('o-1_a', '')]")
@example("[('o001', 'observation'),('c1000', 'mosaic')]")
@example("[('o001', 'observation') ]")
@example("('o001', 'observation')")
@example("('1000', 'unknown')")
@example("('o001', 'observation'), ('c1000', 'mosaic')")
def test_candidate_lists_read_as_the_literal_parser(text):
    import warnings
    from ast import literal_eval

    from asnatlas.conventions.candidates import evaluate

    with warnings.catch_warnings():  # "invalid escape sequence" from the parser, both ways
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            expected = literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            expected = text
        found = evaluate(text)
    assert found == expected and type(found) is type(expected)
    if isinstance(found, list):
        assert [type(entry) for entry in found] == [type(entry) for entry in expected]

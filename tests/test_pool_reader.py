"""Our pipe-separated pool reader is astropy's reading, as the reference runs it.

The oracle is astropy itself, called as the reference's ``AssociationPool.read`` calls
it (``Table.read(path, format="ascii", delimiter="|", converters=<lower-cased str>)``,
format guessing on, then ``filled("null")`` and lower-cased names). Our reader must give
the same column names and values on every pool of the conformance corpus, our samples,
the odd pools of tests/data/odd_pools and generated tables, and fail where it fails.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from astropy.io import ascii as astropy_ascii
from astropy.io.ascii import convert_numpy
from astropy.table import Table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asnatlas import samples
from asnatlas.errors import InputError
from asnatlas.pool import pipe
from asnatlas.pool.checks import lower_names
from asnatlas.pool.text import read_text_pool

ODD_POOLS = Path(__file__).parent / "data" / "odd_pools"


def astropy_reading(path: str, delimiter: str = "|"):
    """The reference's reading of a pool (jwst.associations.pool.AssociationPool.read)."""
    func, kind = convert_numpy(str)
    converters = {"*": [(lambda values: [v.lower() for v in func(values)], kind)]}
    table = Table.read(path, format="ascii", delimiter=delimiter, converters=converters)
    table = table.filled("null")
    for column in list(table.columns.values()):
        column.name = column.name.lower()  # raises when two names clash, as there
    return list(table.colnames), [[str(v) for v in table[c].tolist()] for c in table.colnames]


def our_reading(path: str, delimiter: str = "|"):
    names, rows, _lines, header_line, _reading, _failure = read_text_pool(
        path, delimiter, None)
    columns = [list(column) for column in zip(*rows, strict=True)] or [[] for _ in names]
    return lower_names(path, names, header_line), columns


def outcome(read, path: str):
    try:
        return "read", read(path)
    except InputError:
        return "refused", None
    except Exception:  # astropy's many error types: the reference fails on this pool
        return "refused", None


def assert_same_reading(path: str) -> None:
    expected = outcome(astropy_reading, path)
    actual = outcome(our_reading, path)
    assert actual[0] == expected[0], f"{path}: astropy {expected[0]}, ours {actual[0]}"
    if expected[1] is not None:
        assert actual[1][0] == expected[1][0], f"{path}: column names differ"
        assert actual[1][1] == expected[1][1], f"{path}: values differ"


def test_corpus_pools_are_read_as_astropy_reads_them(conformance_dir):
    paths = sorted((conformance_dir / "pools").glob("*.csv"))
    assert len(paths) >= 28
    for path in paths:
        assert_same_reading(str(path))


@pytest.mark.parametrize("name", samples.names())
def test_samples_are_read_as_astropy_reads_them(name):
    assert_same_reading(str(samples.path(name)))


@pytest.mark.parametrize("path", sorted(ODD_POOLS.glob("*.csv")), ids=lambda p: p.stem)
def test_odd_pools_are_read_as_astropy_reads_them(path):
    assert_same_reading(str(path))


def test_the_plain_reader_reads_the_corpus_without_astropy(conformance_dir):
    # The fast path (no astropy) is the one taken for real pools.
    for path in sorted((conformance_dir / "pools").glob("*.csv")):
        _names, _columns, lines, _header, reading, failure = read_text_pool(str(path), "|",
                                                                            None)
        assert reading == "" and failure is None, path.name
        assert None not in lines


def test_every_corpus_pool_takes_the_whole_text_route(conformance_dir):
    # Real pools are ASCII with nothing to strip: `values_are_final` holds for each.
    for path in sorted((conformance_dir / "pools").glob("*.csv")):
        raw = pipe.read_basic(path.read_text(encoding="utf-8").splitlines())
        assert raw.final, path.name


def test_guess_limit_is_astropys():
    assert pipe.GUESS_LIMIT_LINES == astropy_ascii.conf.guess_limit_lines


def test_empty_cells_are_null_cut_to_the_column_width(tmp_path):
    path = tmp_path / "pool.csv"
    path.write_text("A|B|C|D\nx||1|\ny||22|abcdef\n", encoding="utf-8")
    names, columns = our_reading(str(path))
    assert names == ["a", "b", "c", "d"]
    assert columns[1] == ["n", "n"] and columns[3] == ["null", "abcdef"]
    assert (names, columns) == astropy_reading(str(path))


# ------------------------------------------------------------------ generated tables

NAMES = st.sampled_from(["FILENAME", "filename", "EXP_TYPE", "A", "a", "B", "A_1", "7",
                         "x y", "", "'q", 'q"', "nan", "Σ", "ﬁ", " C", "D\t"])
CELL = st.text(alphabet=string.ascii_letters[:6] + "09 |\"'#\t\x00²ΣİﬁÅ,;-=\u2028\x85",
               max_size=8)


@st.composite
def tables(draw) -> str:
    width = draw(st.integers(min_value=1, max_value=5))
    names = draw(st.lists(NAMES, min_size=width, max_size=width))
    lines = ["|".join(names)]
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        kind = draw(st.sampled_from(["row", "row", "row", "ragged", "comment", "blank"]))
        if kind == "comment":
            lines.append("# " + draw(CELL))
        elif kind == "blank":
            lines.append(draw(st.sampled_from(["", "  ", "\t"])))
        else:
            n = width if kind == "row" else draw(st.integers(min_value=1, max_value=6))
            lines.append("|".join(draw(st.lists(CELL, min_size=n, max_size=n))))
    if draw(st.booleans()):
        lines.insert(0, "# " + draw(CELL))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return end.join(lines) + draw(st.sampled_from(["", end]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(text=tables())
def test_generated_tables_are_read_as_astropy_reads_them(tmp_path, text):
    path = tmp_path / "generated.csv"
    path.write_bytes(text.encode("utf-8"))
    assert_same_reading(str(path))


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(st.text(alphabet='|," \t\x00ab-\u00e9\u2603', max_size=12)
                      .map(str.strip), min_size=1, max_size=6),
       delimiter=st.sampled_from(["|", ",", "\t", ";", " "]),
       quotechar=st.sampled_from(['"', "'"]))
def test_lines_that_split_plainly_split_as_the_csv_module_splits_them(texts, delimiter,
                                                                         quotechar):
    """`read_basic` splits with str.split when `splits_plainly` says so: the csv module
    (as astropy's Basic reader runs it) gives the same values for such lines."""
    import csv

    texts = [t for t in texts if t]
    if not texts or not pipe.splits_plainly("\n".join(texts), delimiter, quotechar):
        return
    dialect = {"delimiter": delimiter, "quotechar": quotechar, "doublequote": True,
               "escapechar": None, "quoting": csv.QUOTE_MINIMAL, "skipinitialspace": True}
    assert [t.split(delimiter) for t in texts] == \
        list(csv.reader([t + "\n" for t in texts], **dialect))


def test_a_quote_or_a_space_after_the_delimiter_keeps_the_csv_reading():
    assert pipe.splits_plainly("a|b|c\nd||f", "|", '"')
    assert not pipe.splits_plainly('a|"b|c"', "|", '"')
    assert not pipe.splits_plainly("a| b", "|", '"')
    raw = pipe.read_basic(["A|B", 'x|"y|z"', "u| v"])
    assert raw.rows == [["x", "y|z"], ["u", "v"]]
    raw = pipe.read_basic(["A|B", "x|y", "", "# note", "u|v"])
    assert raw.rows == [["x", "y"], ["u", "v"]] and raw.row_lines == [2, 5]
    with pytest.raises(pipe.PipeFailure, match="row has 3 fields") as failure:
        pipe.read_basic(["A|B", "x|y", "u|v|w"])
    assert failure.value.line == 3


@settings(max_examples=400, deadline=None)
@given(cells=st.lists(st.lists(st.text(alphabet='AbZ|:  \t\x00éΣ0-', max_size=6),
                               min_size=3, max_size=3), min_size=1, max_size=6),
       delimiter=st.sampled_from(["|", ",", ";", ":"]))
def test_final_values_are_what_columns_as_reference_makes(cells, delimiter):
    """When `values_are_final` says so, lower-casing the whole text and filling the empty
    cells (`fill_empty_cells`) gives the values of the per-value route
    (`columns_as_reference`)."""
    texts = [t for t in (delimiter.join(row).strip() for row in cells)]
    texts = [t for t in texts if t.count(delimiter) == 2]
    joined = "\n".join(texts)
    if not texts or not pipe.splits_plainly(joined, delimiter, '"') \
            or not pipe.values_are_final(joined, delimiter):
        return
    raw = [t.split(delimiter) for t in texts]
    expected = [list(row) for row in zip(*pipe.columns_as_reference(raw, 3), strict=True)]
    lowered = [t.split(delimiter) for t in joined.lower().split("\n")]
    assert pipe.fill_empty_cells(lowered) == expected


def test_values_are_final_only_without_anything_to_strip_or_fold_per_value():
    assert pipe.values_are_final("ab|CD||e f", "|")
    for text in ("a |b", "a\t|b", "a\x00|b", "Σ|b", "\u0130|b"):
        assert not pipe.values_are_final(text, "|"), text
    raw = pipe.read_basic(["A|B|C", "X||1", "y|Zz|", "", "w||22"])
    assert raw.final and raw.rows == [["x", "", "1"], ["y", "zz", ""], ["w", "", "22"]]
    assert pipe.fill_empty_cells(raw.rows) == [["x", "nu", "1"], ["y", "zz", "nu"],
                                               ["w", "nu", "22"]]
    assert not pipe.read_basic(["A|B", "x |y"]).final
    # Equal values are one string, as the per-value route gives them (memory).
    raw = pipe.read_basic(["A|B", "Same|x", "same|y", "SAME|x"])
    first = raw.rows[0][0]
    assert all(row[0] is first for row in raw.rows) and raw.rows[0][1] is raw.rows[2][1]

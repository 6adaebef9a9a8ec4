"""Reading pools: the reference's normalisation, line numbers, warnings and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from astropy.table import Table

from asnatlas.conventions.candidates import parse_candidates
from asnatlas.errors import InputError
from asnatlas.model import exposures
from asnatlas.pool import NULL, REQUIRED_COLUMNS, read_pool

HEADER = "FILENAME|PROGRAM|OBS_NUM|EXP_TYPE|INSTRUME|DETECTOR|ACT_ID|ASN_CANDIDATE"
ROW1 = "jw90001001001_02101_00001_nrca1_uncal.fits|90001|1|NRC_IMAGE|NIRCAM|NRCA1|05|" \
       "[('o001', 'OBSERVATION')]"
ROW2 = "jw90001001001_02101_00002_nrca1_uncal.fits|90001|1|NRC_IMAGE|NIRCAM|NRCA1||" \
       "[('o001', 'OBSERVATION')]"


def write(tmp_path: Path, text: str | bytes, name: str = "pool.csv") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def error_of(path: str, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        read_pool(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message, "errors are one line"
    assert message.startswith(path), "errors name the file"
    return info.value


# ------------------------------------------------------------------ normalisation


def test_values_are_lower_case_strings_and_missing_values_are_null(tmp_path):
    pool = read_pool(write(tmp_path, f"# a comment\n{HEADER}\n{ROW1}\n\n{ROW2}\n"))
    assert pool.columns[:3] == ["filename", "program", "obs_num"]
    first, second = pool.rows
    assert first["exp_type"] == "nrc_image"
    assert first["act_id"] == "05", "numbers stay text: no int conversion"
    assert first["asn_candidate"] == "[('o001', 'observation')]"
    # As the reference has it: the empty cell is filled with "null" cut to the column's
    # width (numpy strings), here 2 characters.
    assert second["act_id"] == "nu"
    assert pool.lines == [3, 5], "lines skip comments and blank lines"
    assert pool.header_line == 2
    assert pool.warnings == []
    assert pool.name == "pool.csv"


def test_conformance_values_match_what_the_reference_reads(conformance_dir):
    pools = conformance_dir / "pools"
    dups = read_pool(str(pools / "jw00632_dups.csv"))
    assert dups.rows[0]["act_id"] == "05"
    assert dups.rows[0]["program"] == "632"
    assert dups.rows[0]["visitype"] == "prime_wfsc_routine"
    miri = read_pool(str(pools / "pool_020_00009_image_miri.csv"))
    assert miri.rows[0]["program"] == "00009"
    assert miri.rows[0]["obs_id"] == "v00009001001p0000000002101"


def test_every_conformance_pool_loads_with_line_numbers(conformance_dir):
    paths = sorted((conformance_dir / "pools").glob("*.csv"))
    assert len(paths) >= 28
    for path in paths:
        pool = read_pool(str(path))
        assert len(pool.rows) > 0, path.name
        assert len(pool.lines) == len(pool.rows)
        text = path.read_text(encoding="utf-8").splitlines()
        for row, line in zip(pool.rows, pool.lines, strict=True):
            assert line is not None
            first_field = text[line - 1].split("|")[0].strip().lower() or NULL
            assert first_field == row["filename"], f"{path.name}:{line}"


def test_mega_pool_placeholder_rows_are_kept_and_reported(conformance_dir):
    path = conformance_dir / "pools" / "mega_pool.csv"
    pool = read_pool(str(path))
    text = path.read_text(encoding="utf-8").splitlines()
    placeholder_lines = [n for n, line in enumerate(text, 1) if line.startswith("set acid|")]
    assert placeholder_lines, "the corpus pool has placeholder rows"
    reported = {w.line for w in pool.warnings if "placeholder" in w.message}
    assert reported == set(placeholder_lines)
    # Kept: the generator must see the same rows as the reference.
    assert sum(row["filename"] == "set acid" for row in pool.rows) == len(placeholder_lines)
    assert any("repeats line" in w.message for w in pool.warnings)


def test_rows_that_cannot_be_exposures_are_warnings(tmp_path):
    lines = [HEADER, ROW1,
             "|90001|1|NRC_IMAGE|NIRCAM|NRCA1|01|[]",
             HEADER.lower(),
             "set acid|program|obs_num|exp_type|instrume|detector|act_id|1000",
             ROW1]
    pool = read_pool(write(tmp_path, "\n".join(lines) + "\n"))
    assert len(pool.rows) == 5
    by_line = {w.line: w.message for w in pool.warnings}
    assert "no FILENAME" in by_line[3]
    assert "header line repeated" in by_line[4]
    assert "placeholder" in by_line[5]
    assert "repeats line 2" in by_line[6]
    assert 2 not in by_line


def test_byte_order_mark_is_refused_as_the_reference_does(tmp_path):
    # The reference reads U+FEFF as part of the first column's name, then fails.
    err = error_of(write(tmp_path, "\ufeff" + HEADER + "\n" + ROW1 + "\n"))
    assert "byte-order mark" in err.message and err.line == 1


def test_header_only_pool_is_an_error(tmp_path):
    # The reference fails on a pool without rows (it reads the first row's PROGRAM).
    err = error_of(write(tmp_path, HEADER + "\n", "empty.csv"))
    assert "no rows" in err.message and err.line == 1


def test_missing_asn_candidate_is_an_error(tmp_path):
    # Like the real jw93060_20150312T160130_pool.csv, on which the reference crashes.
    header = "FILENAME|PROGRAM|OBS_NUM|EXP_TYPE|INSTRUME|DETECTOR"
    rows = ["jw93060007001_02101_00001_nrca1_uncal.fits|93060|7|NRC_IMAGE|NIRCAM|NRCA1"]
    err = error_of(write(tmp_path, "\n".join([header, *rows]) + "\n",
                         "jw93060_20150312T160130_pool.csv"))
    assert "ASN_CANDIDATE" in err.message and err.line == 1


# ------------------------------------------------------------------ bad input


def test_missing_file(tmp_path):
    err = error_of(str(tmp_path / "nope.csv"))
    assert "no such pool file" in err.message


def test_directory(tmp_path):
    assert "directory" in error_of(str(tmp_path)).message


@pytest.mark.parametrize("text", ["", "\n\n", "# only\n# comments\n"])
def test_empty_file(tmp_path, text):
    assert "empty pool" in error_of(write(tmp_path, text)).message


def test_not_a_table(tmp_path):
    err = error_of(write(tmp_path, '{\n  "asn_type": "image3"\n}\n'))
    assert "not a pool table" in err.message and err.line == 1


def test_ragged_row_names_line_and_counts(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{ROW1}\n{ROW1}|extra\n")
    err = error_of(path)
    assert err.line == 3
    assert "9 fields" in err.message and "has 8" in err.message and "line 1" in err.message


def test_wrong_delimiter_suggests_the_right_one(tmp_path):
    path = write(tmp_path, HEADER.replace("|", ",") + "\n" + "a,1,1,x,y,z,01,[]\n")
    err = error_of(path)
    assert "--delimiter ," in err.message and err.line == 1
    assert read_pool(path, delimiter=",").rows[0]["act_id"] == "01"


def test_non_utf8_bytes_give_line_and_offset(tmp_path):
    data = f"{HEADER}\n{ROW1}\n".encode() + b"jw\xe9_uncal.fits|1|1|a|b|c|01|[]\n"
    err = error_of(write(tmp_path, data))
    assert err.line == 3
    assert "0xe9" in err.message and "UTF-8" in err.message
    offset = data.index(b"\xe9")
    assert f"byte offset {offset}" in err.message


def test_missing_required_columns_are_named(tmp_path):
    err = error_of(write(tmp_path, "PROGRAM|OBS_NUM|INSTRUME\n1|1|nircam\n"))
    for column in REQUIRED_COLUMNS:
        assert column.upper() in err.message
    assert err.line == 1


def test_columns_equal_once_lower_cased_are_refused(tmp_path):
    header = HEADER.replace("OBS_NUM", "filename")
    err = error_of(write(tmp_path, f"{header}\n{ROW1}\n"))
    assert "'FILENAME' (column 1)" in err.message and "'filename' (column 3)" in err.message
    assert err.line == 1


# ------------------------------------------------------------------ other formats


def test_csv_format(tmp_path):
    text = HEADER.replace("|", ",") + ",TARGNAME\n"
    text += "a_uncal.fits,90001,1,NRC_IMAGE,NIRCAM,NRCA1,05,[],Some Star\n"
    pool = read_pool(write(tmp_path, text), fmt="csv")
    assert pool.rows[0]["targname"] == "some star"
    assert pool.rows[0]["act_id"] == "05"
    assert pool.lines == [2]


def test_ecsv_format_reads_every_value_as_text(tmp_path):
    table = Table(rows=[("a_uncal.fits", "00009", "05", "NRC_IMAGE", "NIRCAM", "[]")],
                  names=("FILENAME", "PROGRAM", "ACT_ID", "EXP_TYPE", "INSTRUME",
                         "ASN_CANDIDATE"))
    path = tmp_path / "pool.ecsv"
    table.write(path, format="ascii.ecsv")
    pool = read_pool(str(path), fmt="ascii.ecsv")
    assert pool.rows[0]["program"] == "00009"
    assert pool.rows[0]["exp_type"] == "nrc_image"
    assert pool.lines == [None]


def test_unreadable_format_is_an_input_error(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{ROW1}\n")
    err = error_of(path, fmt="fits")
    assert "'fits'" in err.message


# ------------------------------------------------------------------ exposures


def test_exposures_carry_index_line_and_candidates(tmp_path):
    pool = read_pool(write(tmp_path, f"#\n{HEADER}\n{ROW1}\n{ROW2}\n"))
    first, second = exposures(pool)
    assert (first.index, first.line, second.line) == (0, 3, 4)
    assert first.filename.endswith("_uncal.fits")
    assert first.instrument == "nircam" and first.exp_type == "nrc_image"
    assert first.candidates == (("o001", "observation"),)
    assert first.has("act_id")


@pytest.mark.parametrize("text, expected", [
    ("[('o001', 'observation'), ('c1000', 'mosaic')]",
     (("o001", "observation"), ("c1000", "mosaic"))),
    # A bare pair is iterated as DMS does: 'o002' is no pair, so no candidate.
    ("('o002', 'observation')", ()),
    ("[('o003', 'observation'), 'junk', ('o004', 'observation')]",
     (("o003", "observation"),)),
    ("7", (("7", "unknown"),)),
    ("null", ()),
    ("__import__('os')", ()),
    (json.dumps([1, 2]), ()),
])
def test_parse_candidates(text, expected):
    assert parse_candidates(text) == expected

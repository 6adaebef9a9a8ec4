"""Differential-fuzzing guard: mutated sample pools never give a traceback.

A hypothesis strategy mutates our sample pools the ways real and hostile pools differ
(columns dropped, duplicated, renamed, shuffled; odd cell values; rows duplicated or
dropped) and runs ``asnatlas generate`` on each: it must exit 0 (associations, possibly
none) or 2 (a one-line error), never raise. Bounded so the suite stays quick; the
stored odd pools (test_pool_odd.py) pin the outcomes against the reference.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asnatlas import samples
from asnatlas.cli import main


def _table(name: str) -> tuple[list[str], list[str], list[list[str]]]:
    lines = samples.path(name).read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    rows = [line for line in lines if line and not line.startswith("#")]
    return comments, rows[0].split("|"), [row.split("|") for row in rows[1:]]


TABLES = {name: _table(name) for name in samples.names()}

ODD_VALUES = ["", "null", "NULL", '"', '"><svg onload=alert(1)>', "'", "x", "²", "-1",
              "9" * 5000, "{{7*7}}", "(", "*", "[", "\\", "a|b", "#", " ", "\t", "\x00",
              "\u2028", "\x85", "\r", "[('o(1', 'observation')]", "[('o001'", "[]", "5",
              "nrc_bogus", "science", "f", "t", "İ", "Σ", "FILENAME", "set acid"]


@st.composite
def mutated_pools(draw) -> str:
    name = draw(st.sampled_from(sorted(TABLES)))
    comments, header, rows = TABLES[name]
    header, rows = list(header), [list(r) for r in rows]
    ragged = False
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        action = draw(st.sampled_from(["drop_column", "duplicate_column", "rename_column",
                                       "shuffle_columns", "cell", "column_values",
                                       "duplicate_row", "drop_row", "ragged_row"]))
        width = len(header)
        j = draw(st.integers(min_value=0, max_value=width - 1))
        if action == "drop_column" and width > 2:
            header.pop(j)
            for row in rows:
                row.pop(j)
        elif action == "duplicate_column":
            header.append(draw(st.sampled_from([header[j], header[j].lower()])))
            for row in rows:
                row.append(row[j])
        elif action == "rename_column":
            header[j] = draw(st.sampled_from(["", "7", "X'", header[0].lower(), "OBS_NUM",
                                              "asn_candidate", header[j] + " "]))
        elif action == "shuffle_columns":
            order = draw(st.permutations(range(width)))
            header = [header[k] for k in order]
            rows = [[row[k] for k in order] for row in rows]
        elif action == "cell" and rows:
            i = draw(st.integers(min_value=0, max_value=len(rows) - 1))
            rows[i][j] = draw(st.sampled_from(ODD_VALUES))
        elif action == "column_values":
            value = draw(st.sampled_from(ODD_VALUES))
            for row in rows:
                row[j] = value
        elif action == "duplicate_row" and rows:
            rows.append(list(draw(st.sampled_from(rows))))
        elif action == "drop_row" and rows:
            rows.pop(draw(st.integers(min_value=0, max_value=len(rows) - 1)))
        elif action == "ragged_row":
            ragged = True
    if ragged and rows:  # last, so that the column actions above see whole rows
        rows[-1] = rows[-1][:-1]
    lines = [*comments[:1], "|".join(header), *("|".join(row) for row in rows)]
    return "\n".join(lines) + "\n"


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=mutated_pools())
def test_mutated_pools_exit_0_or_2_without_traceback(tmp_path: Path, text: str, capsys):
    pool = tmp_path / "mutated_pool.csv"
    pool.write_bytes(text.encode("utf-8"))
    status = main(["generate", str(pool), "--dry-run", "-q", "--version-id", "20261123t000000"])
    err = capsys.readouterr().err
    assert status in (0, 2), err
    if status == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("asnatlas: error: "), err

"""What the pages say, checked on one pool's rendered output (no Sphinx run): truthful
summaries, duplicates, bounded pages, data tables and the find index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asnatlas.web import tables
from asnatlas.web.build import build_pool
from asnatlas.web.plan import natural_key

REPO = Path(__file__).resolve().parents[1]
IMAGING = REPO / "generator" / "asnatlas" / "samples" / "imaging.csv"


def data_value(text: str):
    return json.loads(text.split("]=", 1)[1].rstrip().removesuffix(";"))


@pytest.fixture(scope="module")
def odd(tmp_path_factory) -> Path:
    """The imaging sample with a repeated header line, a placeholder row, a duplicated
    row and eleven more observations (so that 10 sorts after 9)."""
    lines = IMAGING.read_text().splitlines()
    header_at = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    header, rows = lines[header_at], lines[header_at + 1:]
    columns = header.lower().split("|")
    extra = []
    for obs in range(3, 14):
        fields = rows[0].split("|")
        fields[columns.index("obs_num")] = str(obs)
        fields[columns.index("filename")] = f"jw90101{obs:03d}001_02101_00001_nrca1_uncal.fits"
        extra.append("|".join(fields))
    placeholder = "|".join("set acid" if c == "filename" else c for c in columns)
    text = "\n".join([*lines[:header_at + 1], *rows, header, placeholder, rows[0], *extra])
    path = tmp_path_factory.mktemp("odd") / "jw90101_odd_pool.csv"
    path.write_text(text + "\n")
    return path


@pytest.fixture(scope="module")
def output(odd):
    return build_pool(str(odd), "pools/odd")


def test_placeholder_and_repeated_header_rows_are_never_data(output):
    page = output.sources["pools/odd/index"]
    summary = page.split("Program(s)", 1)[1].split("Invalid", 1)[0]
    assert "program" not in summary.split("Instruments")[0]
    assert "instrume" not in summary and "obs_num" not in summary
    # Observations in numeric order: 10 after 9.
    observations = summary.split("Observations</th><td>", 1)[1].split("</td>", 1)[0]
    assert observations == ", ".join(str(n) for n in range(1, 14))
    assert "2 placeholder rows that are not exposures" in summary
    assert output.summary.exposures == 12 + 1 + 11  # the duplicate is a row of data
    assert natural_key("9") < natural_key("10") < natural_key("obs")


def test_the_duplicated_row_says_it_is_a_duplicate(output):
    details = [row for path, text in output.files.items() if "/data/exp-" in path
               for row in data_value(text)["rows"]]
    first = details[0]["name"]
    repeats = [row for row in details if row["name"] == first]
    assert len(repeats) == 2
    assert repeats[0]["note"] == ""
    assert "repeats line" in repeats[1]["note"]
    placeholder = next(row for row in details if row["name"] == "set acid")
    assert placeholder["note"].startswith("placeholder row")


def test_no_python_reprs_and_non_standard_names_said_once(output):
    for docname, (_title, body) in output.direct.items():
        assert "None" not in body.replace("none (the name carries no version)", ""), docname
    details = [row for path, text in output.files.items() if "/data/exp-" in path
               for row in data_value(text)["rows"]]
    odd = next(row for row in details if row["name"] == "set acid")
    assert odd["error"].count("standard JWST name") == 0
    assert "set acid" not in odd["error"]


def test_tables_hold_every_pool_column_and_numbers_as_numbers(output):
    page = output.sources["pools/odd/index"]
    assert 'data-key="exposures"' in page
    # 26 rows: the data travel inside the page (a data file from INLINE_ROWS rows on).
    inline = page.split('"exposures"', 1)[1].split('<script type="application/json" '
                                                   'class="asnatlas-table-data">', 1)[1]
    exposures = json.loads(inline.split("</script>", 1)[0])
    keys = [c["key"] for c in exposures["columns"]]
    for column in ("obs_num", "pupil", "subarray", "patt_num", "exp_type"):
        assert column in keys
    obs = keys.index("obs_num")
    assert exposures["columns"][obs]["kind"] == "number"
    values = [row[obs] for row in exposures["rows"]]
    assert all(isinstance(v, int) or v is None for v in values)
    assert len(exposures["rows"]) == 12 + 2 + 1 + 11


def test_static_rows_are_bounded():
    big = tables.DataTable("t", "rows", [tables.Column("a", "A", "number")],
                           [[i] for i in range(100_000)])
    html = str(tables.html(big, "data/t.js"))
    assert html.count("<tr>") == tables.STATIC_ROWS + 1
    assert "100,000 rows" in html and len(html) < 5_000
    assert tables.needs_file(big)
    text = tables.data_file(big)
    assert data_value(text)["rows"][-1] == [99_999]


def test_the_find_index_knows_every_kind_of_name(output):
    kinds = {kind.split(" ")[0] for _name, kind, _url in output.names}
    assert kinds == {"exposure", "association", "product", "candidate"}
    urls = {url for _name, _kind, url in output.names}
    assert any(url.startswith("pools/odd/exposure.html#row-") for url in urls)
    assert all(not url.startswith("/") and "//" not in url for url in urls)


def test_a_pool_rendered_by_several_processes_equals_one_process(odd, monkeypatch):
    from asnatlas.web import render

    monkeypatch.setattr(render, "_PARALLEL_MIN", 1)
    serial = build_pool(str(odd), "pools/odd", jobs=1)
    parallel = build_pool(str(odd), "pools/odd", jobs=2)
    assert parallel == serial


def test_provenance_names_versions_and_a_date_only_from_source_date_epoch(monkeypatch):
    from asnatlas import __version__
    from asnatlas.web.sphinx_ext import provenance

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    facts = provenance()
    assert facts == {"asnatlas_version": __version__, "asnatlas_rules": "3.0.0",
                     "asnatlas_date": ""}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert provenance()["asnatlas_date"] == "2023-11-14"
    for odd in ("²", "9" * 30):  # a digit int() refuses; a date Python cannot make
        monkeypatch.setenv("SOURCE_DATE_EPOCH", odd)
        assert provenance()["asnatlas_date"] == ""

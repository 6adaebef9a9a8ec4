"""What `generate` (and every pool-reading command) says about the pool it reads.

Warnings with line numbers (summarised when many, silenced by -q), unknown -i ids, binary
table formats read as pipe pools, inputs that never end, values the rules cannot use.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from asnatlas import samples
from asnatlas.cli import DEFAULT_MAX_POOL_SIZE, main
from asnatlas.pool import DEFAULT_MAX_BYTES, parse_size, read_pool

IMAGING = samples.path("imaging")


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def imaging_with(tmp_path: Path, extra_rows: list[str], name: str = "pool.csv") -> Path:
    text = IMAGING.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(extra_rows) + "\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def header_of(path: Path) -> list[str]:
    return next(line for line in path.read_text(encoding="utf-8").splitlines()
                if not line.startswith("#")).split("|")


def test_warnings_are_printed_with_line_numbers(tmp_path, capsys):
    width = len(header_of(IMAGING))
    placeholder = "|".join(["set acid"] + ["x"] * (width - 1))
    path = imaging_with(tmp_path, [placeholder])
    line = len(path.read_text(encoding="utf-8").splitlines())
    status, _out, err = run(capsys, "generate", str(path), "--dry-run")
    assert status == 0
    assert f"{path}:{line}: warning: FILENAME 'set acid' is not a file name" in err


def test_many_warnings_are_summarised_and_q_silences_them(tmp_path, capsys):
    width = len(header_of(IMAGING))
    rows = ["|".join([""] + ["x"] * (width - 1))] * 30
    path = imaging_with(tmp_path, rows)
    status, _out, err = run(capsys, "generate", str(path), "--dry-run")
    assert status == 0
    warnings = [line for line in err.splitlines() if "warning:" in line]
    assert len(warnings) == 11, "ten shown, then one summary line"
    assert "20 more (20 rows without FILENAME)" in warnings[-1]
    status, _out, err = run(capsys, "generate", str(path), "--dry-run", "-q")
    assert status == 0 and err == ""


def test_unknown_candidate_id_is_an_error(capsys):
    status, out, err = run(capsys, "generate", "--sample", "imaging", "-i", "o001", "o999",
                           "--dry-run")
    assert status == 2 and out == ""
    assert "candidate o999 not in the pool's ASN_CANDIDATE column" in err
    assert "o001" in err.split("its candidates:")[1], "the known ids are listed"


def test_known_candidate_id_still_runs(capsys):
    status, out, _err = run(capsys, "generate", "--sample", "imaging", "-i", "o001",
                            "--dry-run", "-q")
    assert status == 0 and "o001" in out


@pytest.mark.parametrize("head, fmt", [
    (b"SIMPLE  =                    T / conforms to FITS standard" + b" " * 20, "fits"),
    (b'<?xml version="1.0"?>\n<VOTABLE version="1.4">\n', "votable"),
    (b"\x89HDF\r\n\x1a\n\x00\x00", "hdf5"),
])
def test_binary_table_formats_get_a_pool_format_hint(tmp_path, capsys, head, fmt):
    path = tmp_path / "pool.csv"
    path.write_bytes(head + bytes(range(256)))
    status, _out, err = run(capsys, "generate", str(path), "--dry-run")
    assert status == 2
    assert f"use --pool-format {fmt}" in err and "UTF-8" not in err


def test_a_real_fits_pool_is_read_with_pool_format_fits(tmp_path, capsys):
    from astropy.table import Table

    table = Table.read(IMAGING, format="ascii", delimiter="|")
    path = tmp_path / "pool.fits"
    table.write(path, format="fits")
    status, _out, err = run(capsys, "generate", str(path), "--dry-run", "-q")
    assert status == 2 and "--pool-format fits" in err
    status, out, _err = run(capsys, "generate", str(path), "--pool-format", "fits",
                            "--dry-run", "-q")
    assert status == 0 and out.count("_asn.json") > 0


def test_size_limit_refuses_large_pools_with_a_clear_message(tmp_path, capsys):
    status, _out, err = run(capsys, "generate", "--sample", "imaging", "--dry-run",
                            "--max-pool-size", "1K")
    assert status == 2
    assert "larger than the pool size limit of 1 KiB" in err and "--max-pool-size" in err
    status, _out, _err = run(capsys, "generate", "--sample", "imaging", "--dry-run", "-q",
                             "--max-pool-size", "0")
    assert status == 0


def test_bad_size_option(capsys):
    status, _out, err = run(capsys, "generate", "--sample", "imaging", "--max-pool-size", "lots")
    assert status == 2 and "--max-pool-size" in err


def test_default_limit_shown_in_help_is_the_one_applied():
    assert parse_size(DEFAULT_MAX_POOL_SIZE) == DEFAULT_MAX_BYTES
    assert parse_size("2G") == 2 << 30 and parse_size("0") == 0


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_stops_at_the_limit(capsys):
    status, _out, err = run(capsys, "generate", "/dev/zero", "--dry-run", "--max-pool-size", "4M")
    assert status == 2 and "larger than the pool size limit" in err


@pytest.mark.skipif(sys.platform == "win32", reason="needs mkfifo")
def test_endless_fifo_stops_at_the_limit(tmp_path, capsys):
    fifo = tmp_path / "pool.fifo"
    os.mkfifo(fifo)
    stop = threading.Event()

    def writer():
        try:
            with open(fifo, "wb") as handle:
                block = b"x|y\n" * 4096
                while not stop.is_set():
                    handle.write(block)
        except (BrokenPipeError, OSError):
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        status, _out, err = run(capsys, "generate", str(fifo), "--dry-run",
                                "--max-pool-size", "2M")
    finally:
        stop.set()
    thread.join(timeout=10)
    assert status == 2 and "larger than the pool size limit of 2 MiB" in err


def test_a_ten_gigabyte_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(10 << 30)  # sparse: no disk used
    with pytest.raises(Exception) as info:
        read_pool(str(path))
    assert "larger than the pool size limit" in str(info.value)


def test_gzip_pool_is_read_like_the_plain_one(tmp_path):
    import gzip

    path = tmp_path / "pool.csv.gz"
    path.write_bytes(gzip.compress(IMAGING.read_bytes()))
    assert read_pool(str(path)).rows == read_pool(str(IMAGING)).rows


def test_values_the_rules_cannot_use_name_file_line_column_and_value(tmp_path, capsys):
    header = header_of(IMAGING)
    text = IMAGING.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(text) if line.startswith("jw"))
    row = text[first].split("|")
    row[header.index("EXP_TYPE")] = "null"
    text[first] = "|".join(row)
    path = tmp_path / "pool.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    status, _out, err = run(capsys, "generate", str(path), "--dry-run", "-q")
    assert status == 2
    assert f"{path}:{first + 1}: column EXP_TYPE value 'null':" in err


@pytest.mark.parametrize("fmt, option", [("ascii.ecsv", "ascii.ecsv"), ("votable", "votable")])
def test_other_formats_read_as_pipe_pools_name_the_option(tmp_path, capsys, fmt, option):
    from astropy.table import Table

    path = tmp_path / "pool.other"
    Table.read(IMAGING, format="ascii", delimiter="|").write(path, format=fmt)
    status, _out, err = run(capsys, "generate", str(path), "--dry-run", "-q")
    assert status == 2 and f"use --pool-format {option}" in err
    status, out, _err = run(capsys, "generate", str(path), "--pool-format", option,
                            "--dry-run", "-q")
    assert status == 0 and out.count("_asn.json") > 0


def test_pipe_pools_are_read_without_importing_astropy_or_numpy():
    # Start-up (issue 12): astropy's import alone costs more than a small pool's run.
    import subprocess

    code = ("import sys, contextlib, io\nfrom asnatlas.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    status = main(['generate', '--sample', 'imaging', '--dry-run', '-q'])\n"
            "print(status, 'astropy' in sys.modules, 'numpy' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["0", "False", "False"]

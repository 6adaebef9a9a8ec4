"""The `asnatlas` command line: teaching help, --version, and one-line errors with status 2."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from asnatlas import RULES_VERSION, __version__, cli, samples


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "asnatlas", *args], capture_output=True,
                          text=True, timeout=120)


def available() -> list[str]:
    return [name for name, _ in cli._modules()]


def test_help_teaches_with_an_example_per_command():
    result = run("--help")
    assert result.returncode == 0
    out = result.stdout
    assert "association pool" in out and "calibration pipeline" in out
    assert "examples:" in out
    for name in available():
        assert f"asnatlas {name} " in out.split("examples:")[1], name
        assert name in out.split("examples:")[0]


def test_only_built_subcommands_are_offered():
    names = available()
    assert names, "at least one subcommand is built"
    assert set(names) <= set(cli.SUBCOMMANDS)
    order = ["generate", "validate", "build", "explain", "from-list", "edit", "gather",
             "make-pool", "diff"]
    assert names == [n for n in order if n in names]


@pytest.mark.parametrize("name", available())
def test_each_subcommand_help_has_an_example(name):
    result = run(name, "--help")
    assert result.returncode == 0
    assert "example" in result.stdout.lower()
    assert f"asnatlas {name}" in result.stdout


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"asnatlas {__version__} (jwst {RULES_VERSION} rules)"


def test_no_command_prints_usage_and_exits_2():
    result = run()
    assert result.returncode == 2
    assert "usage: asnatlas" in result.stderr and result.stdout == ""


def test_unknown_command_exits_2():
    result = run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr and "Traceback" not in result.stderr


def test_input_errors_are_one_line_with_status_2(tmp_path):
    # Through a real subcommand that takes a file argument.
    missing = str(tmp_path / "missing_pool.csv")
    name = "validate" if "validate" in available() else available()[0]
    result = run(name, missing)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("asnatlas: error: ")
    assert "missing_pool.csv" in lines[0]


def test_pool_options_reach_the_reader(tmp_path):
    parser = argparse.ArgumentParser()
    cli.add_pool_arguments(parser)
    path = tmp_path / "pool.csv"
    path.write_text("FILENAME,PROGRAM,EXP_TYPE,INSTRUME,ASN_CANDIDATE\n"
                    "a_uncal.fits,90001,NRC_IMAGE,NIRCAM,[]\n", encoding="utf-8")
    pool = cli.read_pool_from_args(str(path), parser.parse_args(["--delimiter", ","]))
    assert pool.rows[0]["exp_type"] == "nrc_image"
    pool = cli.read_pool_from_args(str(path), parser.parse_args(["--pool-format", "csv"]))
    assert pool.rows[0]["program"] == "90001"
    tabbed = tmp_path / "tabbed.txt"
    tabbed.write_text(path.read_text().replace(",", "\t"), encoding="utf-8")
    pool = cli.read_pool_from_args(str(tabbed), parser.parse_args(["--delimiter", "\\t"]))
    assert pool.rows[0]["instrume"] == "nircam"


def test_sample_pools_read_through_the_cli_helper():
    parser = argparse.ArgumentParser()
    cli.add_pool_arguments(parser)
    args = parser.parse_args([])
    for name in samples.names():
        assert len(cli.read_pool_from_args(str(samples.path(name)), args)) >= 6

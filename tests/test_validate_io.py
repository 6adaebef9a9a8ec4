"""`asnatlas validate` and the file system, the standard streams and its own failures.

Files that cannot be read are problems (ASN020), counted in the summary, exit status 2;
FIFOs and devices are never waited on; closed or full standard streams give one line;
an internal error is exit status 3 with one line asking for a report. The tests run as
root in CI, so "permission denied" is simulated by making ``os.open`` refuse the file.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from asnatlas.cli import INTERNAL_ERROR, main

BROKEN = Path(__file__).parent / "data" / "broken"
VALID = next((BROKEN / "missing_member_file").glob("*_asn.json"))
NAME = VALID.name


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["validate", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _cli(*args: str, shell_suffix: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    """The real command in a shell (for closed and full streams)."""
    command = " ".join([sys.executable, "-m", "asnatlas", "validate",
                        *(f"'{a}'" for a in args)]) + shell_suffix
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                          timeout=timeout, errors="replace")


@pytest.fixture()
def odd_folder(tmp_path) -> Path:
    """A folder with one good file and every kind of entry that cannot be read."""
    shutil.copy(VALID, tmp_path / NAME)
    (tmp_path / "folder_asn.json").mkdir()
    (tmp_path / "dangling_asn.json").symlink_to(tmp_path / "nowhere.json")
    (tmp_path / "loop_asn.json").symlink_to(tmp_path / "loop_asn.json")
    os.mkfifo(tmp_path / "fifo_asn.json")
    return tmp_path


def test_unreadable_entries_are_problems_counted_in_the_summary(capsys, odd_folder):
    status, out, err = run(capsys, str(odd_folder))
    lines = out.splitlines()
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("asnatlas: error: ")
    assert err.endswith(" (and 3 more, ASN020 above)\n")
    reasons = {Path(line.split(":", 1)[0]).name: line for line in lines[:-1]}
    assert "a broken symbolic link" in reasons["dangling_asn.json"]
    assert "a symbolic link that loops" in reasons["loop_asn.json"]
    assert "not a regular file" in reasons["fifo_asn.json"]
    assert "it is a folder" in reasons["folder_asn.json"]
    assert all(" ASN020 error: cannot read the file: " in line for line in lines[:-1])
    assert NAME not in reasons  # the good file has no problem
    assert lines[-1] == "5 files checked: 4 errors, 0 warnings in 4 files (4 could not be read)"


def test_a_fifo_is_never_waited_on(odd_folder):
    result = _cli(str(odd_folder / "fifo_asn.json"), timeout=30)
    assert result.returncode == 2
    assert "not a regular file" in result.stdout


def test_permission_denied_is_a_problem(capsys, monkeypatch, tmp_path):
    path = tmp_path / NAME
    shutil.copy(VALID, path)
    real_open = os.open

    def refusing_open(name, flags, *args, **kwargs):
        if os.fspath(name) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    status, out, _ = run(capsys, str(path), str(VALID))
    assert status == 2
    assert out.splitlines()[0] == (f"{path}: ASN020 error: cannot read the file: permission "
                                   "denied; hint: check the path and its permissions")
    assert out.splitlines()[-1] == ("2 files checked: 1 error, 0 warnings in 1 file "
                                    "(1 could not be read)")


def test_a_folder_that_cannot_be_listed_is_a_problem(capsys, monkeypatch, tmp_path):
    shutil.copy(VALID, tmp_path / NAME)
    real_walk = os.walk

    def walk(top, onerror=None, **kwargs):
        onerror(PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "secret")))
        yield from real_walk(top, onerror=onerror, **kwargs)

    monkeypatch.setattr(os, "walk", walk)
    status, out, _ = run(capsys, str(tmp_path))
    assert status == 2
    assert "secret: ASN020 error: cannot read the file: cannot list the folder" in out


def test_json_and_github_formats_carry_the_read_problem(capsys, tmp_path):
    missing = str(tmp_path / "gone_asn.json")
    status, out, _ = run(capsys, "--format", "json", missing)
    assert status == 2
    (problem,) = json.loads(out)
    assert problem["code"] == "ASN020" and problem["file"] == missing
    status, out, _ = run(capsys, "--format", "github", missing)
    assert status == 2
    assert out.startswith("::error file=") and "title=ASN020::cannot read the file" in out


def test_size_limit_for_files_and_stdin(capsys, monkeypatch):
    status, out, _ = run(capsys, "--max-bytes", "100", str(VALID))
    assert status == 2
    assert "over the limit of 100" in out and "--max-bytes" in out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b" " * 101 + b"{}")))
    status, out, _ = run(capsys, "--max-bytes", "100", "-")
    assert status == 2
    assert "<stdin>: ASN020 error: cannot read the file: standard input is over the limit" in out
    with pytest.raises(SystemExit):
        main(["validate", "--max-bytes", "0", str(VALID)])  # a usage error (exit 2)


def test_device_is_refused_unread(capsys):
    status, out, _ = run(capsys, "/dev/zero")
    assert status == 2
    assert "not a regular file" in out


def test_closed_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    status, out, _ = run(capsys, "-")
    assert status == 2
    assert "standard input is closed" in out


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="this system has no /dev/full")
def test_full_stdout_is_one_line():
    result = _cli(str(VALID), shell_suffix=" > /dev/full")
    assert result.returncode == 2
    assert result.stderr == ("asnatlas: error: cannot write to standard output: No space left "
                             "on device\n")


def test_closed_stdout_is_one_line():
    result = _cli(str(VALID), shell_suffix=" >&-")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "standard output" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_pipe_is_one_line(tmp_path):
    for k in range(400):
        shutil.copy(BROKEN / "trailing_comma_array" / NAME, tmp_path / f"{k:03d}_{NAME}")
    result = _cli(str(tmp_path), shell_suffix=" | head -1; exit ${PIPESTATUS[0]}")
    assert result.returncode == 2
    assert result.stdout.count("\n") == 1
    assert result.stderr == ("asnatlas: error: standard output was closed before all output "
                             "was written\n")


def test_internal_error_is_status_3_with_one_line(capsys, monkeypatch):
    import asnatlas.validate.api as api

    def crash(*args, **kwargs):
        raise RuntimeError("boom\x1b[2J")

    monkeypatch.setattr(api, "validate_bytes", crash)
    status, out, err = run(capsys, str(VALID))
    assert status == INTERNAL_ERROR == 3
    assert err.count("\n") == 1
    assert "internal error (RuntimeError: boom\\x1b[2J)" in err and "report" in err
    monkeypatch.setenv("ASNATLAS_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["validate", str(VALID)])


def test_hostile_file_names_print_safely(tmp_path):
    """A file name with a newline, a GitHub command, an escape sequence and undecodable
    bytes prints as one line per problem, escaped, with no traceback."""
    folder = os.fsencode(tmp_path)
    for raw in (b"x\n::error file=a::pwned_asn.json", b"\xff\x1b]0;title\x07_asn.json",
                b"::warning::y_asn.json", b"##vso[task.complete]_asn.json"):
        with open(os.path.join(folder, raw), "wb") as stream:
            stream.write(b"{")
    result = subprocess.run([sys.executable, "-m", "asnatlas", "validate", str(tmp_path)],
                            capture_output=True, timeout=60,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 5
    for line in lines:
        assert not line.lstrip().startswith("::")
        assert "\x1b" not in line and "\x07" not in line and "##vso[" not in line
    assert any("\\udcff\\x1b]0;title\\x07_asn.json" in line for line in lines)
    assert any("x\\n::error file=a::pwned_asn.json" in line for line in lines)


def test_a_file_name_that_is_a_github_command_does_not_start_a_line(capsys, tmp_path,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("::error file=x,line=1::pwned_asn.json").write_text("{", encoding="utf-8")
    status, out, _ = run(capsys, "::error file=x,line=1::pwned_asn.json")
    assert status == 1
    first = out.splitlines()[0]
    assert first.startswith("\\x3a:error file=x,line=1::pwned_asn.json:1:2: ASN009 error")


def test_a_folder_named_like_an_association_is_a_problem(capsys, tmp_path):
    folder = tmp_path / NAME
    folder.mkdir()
    status, out, err = run(capsys, str(folder), str(VALID))
    assert status == 2
    first, summary = out.splitlines()
    assert first == (f"{folder}: ASN020 error: cannot read the file: it is a folder, not a "
                     "file; hint: an association is a regular file; a folder given as PATH is "
                     "searched for *_asn.json files")
    assert summary == "2 files checked: 1 error, 0 warnings in 1 file (1 could not be read)"
    assert err.startswith(f"asnatlas: error: {folder}: cannot read the file: it is a folder")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="this system has no /dev/full")
def test_help_into_a_full_stdout_is_one_line_not_silence():
    result = subprocess.run(["bash", "-c", f"{sys.executable} -m asnatlas validate --help "
                                           "> /dev/full"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr == ("asnatlas: error: cannot write to standard output: No space left "
                             "on device\n")


def test_api_reports_unreadable_paths_as_problems(tmp_path):
    from asnatlas.validate.api import validate_path

    for path in (str(tmp_path / "a\0b_asn.json"), str(tmp_path / ("x" * 300 + "_asn.json")),
                 str(tmp_path)):
        (problem,) = validate_path(path)
        assert problem.code == "ASN020" and problem.file == path

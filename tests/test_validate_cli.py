"""`asnatlas validate`: exit statuses, output formats, folders, stdin and --strict."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from asnatlas.cli import main
from asnatlas.validate.codes import table

BROKEN = Path(__file__).parent / "data" / "broken"
TRAILING = BROKEN / "trailing_comma_array"
UNKNOWN = BROKEN / "unknown_key"  # one warning only
MISSING = BROKEN / "missing_member_file"  # valid unless --check-files


def _file(folder: Path) -> Path:
    return next(folder.glob("*_asn.json"))


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["validate", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_valid_file_exit_0_and_summary(capsys):
    status, out, _ = run(capsys, str(_file(MISSING)))
    assert status == 0
    assert out == "1 file checked: all valid\n"


def test_error_exit_1_with_position_pointer_and_hint(capsys):
    status, out, _ = run(capsys, str(_file(BROKEN / "stage3_rate_member")))
    assert status == 1
    first, summary = out.splitlines()
    name = str(_file(BROKEN / "stage3_rate_member"))
    assert first.startswith(f"{name}:23:32: ASN210 error: ")
    assert "(at /products/0/members/1/expname)" in first
    assert "hint: use the Stage 2 output" in first
    assert summary == "1 file checked: 1 error, 0 warnings in 1 file"


def test_warnings_pass_unless_strict(capsys):
    assert run(capsys, str(UNKNOWN))[0] == 0
    status, out, _ = run(capsys, "--strict", str(UNKNOWN))
    assert status == 1
    assert "ASN216 error:" in out


def test_check_files(capsys):
    assert run(capsys, str(MISSING))[0] == 0
    status, out, _ = run(capsys, "--check-files", str(MISSING))
    assert status == 1
    assert "ASN215" in out and "00003" in out


def test_folder_recursion_is_sorted(capsys, tmp_path):
    for name in ("b_sub", "a_sub"):
        shutil.copytree(TRAILING, tmp_path / name)
    (tmp_path / "notes.json").write_text("{")  # not *_asn.json: ignored
    status, out, _ = run(capsys, str(tmp_path))
    lines = out.splitlines()
    assert status == 1
    assert "a_sub" in lines[0] and "b_sub" in lines[1]
    assert lines[-1] == "2 files checked: 2 errors, 0 warnings in 2 files"


def test_json_format_is_a_machine_readable_list(capsys):
    status, out, _ = run(capsys, "--format", "json", str(TRAILING), str(UNKNOWN))
    assert status == 1
    problems = json.loads(out)
    assert [p["code"] for p in problems] == ["ASN004", "ASN216"]
    assert set(problems[0]) == {"file", "line", "column", "code", "severity", "message",
                                "pointer", "hint"}
    assert problems[1]["pointer"] == "/notes"


def test_github_format_annotations(capsys):
    status, out, _ = run(capsys, "--format", "github", str(TRAILING), str(UNKNOWN))
    error, warning = out.splitlines()
    assert error.startswith("::error file=")
    assert ",line=33,col=18,title=ASN004::trailing comma" in error
    assert warning.startswith("::warning file=")


def test_github_format_escapes_untrusted_text(capsys, tmp_path):
    path = tmp_path / "x_asn.json"
    path.write_text('{"odd\\nkey%,::": 1}')
    status, out, _ = run(capsys, "--format", "github", str(path))
    lines = out.splitlines()
    assert status == 1
    assert all(line.startswith("::") for line in lines)  # one annotation per line
    assert any("odd\\nkey%25" in line for line in lines)


def test_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"{'a': 1}")))
    status, out, _ = run(capsys, "-")
    assert status == 1
    assert out.startswith("<stdin>:1:2: ASN006 error: strings must use double quotes")


def test_missing_path_is_reported_and_counted(capsys, tmp_path):
    status, out, err = run(capsys, str(tmp_path / "nope_asn.json"), str(_file(MISSING)))
    assert status == 2
    first, summary = out.splitlines()
    assert first.endswith("ASN020 error: cannot read the file: no such file; "
                          "hint: check the path and its permissions")
    assert summary == "2 files checked: 1 error, 0 warnings in 1 file (1 could not be read)"
    missing = tmp_path / "nope_asn.json"
    assert err == f"asnatlas: error: {missing}: cannot read the file: no such file\n"


def test_empty_folder_and_no_path_are_usage_errors(capsys, tmp_path):
    assert run(capsys, str(tmp_path))[0] == 2
    assert run(capsys)[0] == 2


def test_list_codes(capsys):
    status, out, _ = run(capsys, "--list-codes")
    assert status == 0
    assert len(out.splitlines()) == len(table())
    assert out.startswith("ASN001  error    empty file")


def test_help_has_an_example(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["validate", "--help"])
    assert stop.value.code == 0
    assert "examples:" in capsys.readouterr().out


def test_readme_lists_every_code_and_shows_real_output(capsys):
    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    section = readme[readme.index("<!-- section:validate"):readme.index("<!-- end:validate")]
    for code in table():
        assert f"| `{code.code}` | {code.severity} | {code.title} |" in section
    # The console example is this command's real output, run from the repository root.
    example = section[section.index("$ asnatlas validate ") + 20:]
    command, shown = example.split("\n", 1)
    shown = shown[:shown.index("```")]
    root = Path(__file__).parents[1]
    paths = [str(root / p) for p in command.split()]
    _, out, _ = run(capsys, *paths)
    out = out.replace(str(root) + "/", "")
    assert out == shown

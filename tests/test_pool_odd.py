"""Odd pools against the reference: the same files where it writes them, exit 2 where it fails.

tests/data/odd_pools/ holds pools with one oddity each (quotes, empty cells, clashing or
missing columns, values the rules cannot use...) and, in expected/, what the reference
generator wrote for each (made by make_odd_pools.py with jwst 3.0.0 installed outside
the repository). Files are compared as ../shared/conformance/compare.py compares them:
by name, without ``constraints`` and ``code_version``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asnatlas.cli import main

HERE = Path(__file__).parent / "data" / "odd_pools"
STATUS = json.loads((HERE / "expected" / "status.json").read_text(encoding="utf-8"))
IGNORED = ("constraints", "code_version")


def load(folder: Path) -> dict[str, dict]:
    out = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in IGNORED:
            data.pop(key, None)
        out[path.name] = data
    return out


@pytest.mark.parametrize("name", sorted(STATUS), ids=str)
def test_odd_pool_gives_what_the_reference_gives(name, tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["generate", str(HERE / f"{name}.csv"), "-o", str(out),
                   "--version-id", "20261123t000000", "-q"])
    err = capsys.readouterr().err
    if STATUS[name] == "ok":
        assert status == 0, err
        assert load(out) == load(HERE / "expected" / name)
    else:
        # The reference crashed: we refuse with one line naming the file (and line).
        assert status == 2, f"reference: {STATUS[name]}"
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("asnatlas: error: "), err
        assert str(HERE / f"{name}.csv") in lines[0]
        assert not out.exists() or not list(out.glob("*.json")), "nothing half-written"


def test_the_set_covers_both_outcomes():
    outcomes = {value.split(":")[0] for value in STATUS.values()}
    assert outcomes == {"ok", "crash"}
    assert len(STATUS) >= 40

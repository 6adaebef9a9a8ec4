"""The site's table widget asset: built from the locked npm packages, self-contained.

``generator/asnatlas/web/static/table/asnatlas-table.{js,css}`` are bundled from
``tools/table`` (Tabulator, esbuild) and committed, so that building the site needs no
Node. Their headers name the versions they were built from; these must be the ones
``tools/table/package-lock.json`` locks.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "generator" / "asnatlas" / "web" / "static" / "table"
TOOLS = REPO / "tools" / "table"
REBUILD = "rebuild it: cd tools/table && npm ci && npm run build"


def locked(name: str) -> str:
    lock = json.loads((TOOLS / "package-lock.json").read_text("utf-8"))
    return lock["packages"][f"node_modules/{name}"]["version"]


def test_assets_name_the_locked_versions():
    for name in ("asnatlas-table.js", "asnatlas-table.css"):
        head = (STATIC / name).read_text("utf-8").split("*/", 1)[0]
        match = re.search(r"tabulator-tables (\S+), esbuild (\S+);", head)
        assert match, name
        assert match.groups() == (locked("tabulator-tables"), locked("esbuild").rstrip(";")), (
            f"{name} was built from other versions than package-lock.json locks; {REBUILD}")


def test_package_pins_exact_versions():
    package = json.loads((TOOLS / "package.json").read_text("utf-8"))
    for name, version in package["devDependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
        assert locked(name) == version


def test_script_is_self_contained_and_offline():
    text = (STATIC / "asnatlas-table.js").read_text("utf-8")
    assert "window.AsnatlasTabulator" in text
    assert not re.search(r"\bimport\s*\(|\brequire\(|https?://(?!www\.w3\.org)", text)
    css = (STATIC / "asnatlas-table.css").read_text("utf-8")
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
@pytest.mark.skipif(not (TOOLS / "node_modules").is_dir(),
                    reason="tools/table/node_modules is absent (run npm ci there)")
def test_build_script_reproduces_the_committed_assets_byte_for_byte():
    result = subprocess.run(["node", "build.mjs", "--check"], cwd=TOOLS, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr + REBUILD

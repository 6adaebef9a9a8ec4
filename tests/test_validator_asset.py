"""The in-browser validator's assets: fresh against schemas/, self-contained, consistent.

``generator/asnatlas/web/static/validator/asn-schemas.js`` is compiled from ``schemas/*.json`` by
``tools/ajv`` (Node) and committed, so that building the site needs no Node. Its header
records the sha256 of every schema file; these tests recompute them, so a schema edit
without a rebuild fails here, with no Node needed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from asnatlas.validate.codes import table
from asnatlas.web import render as site_render
from asnatlas.web import validator_page

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
STATIC = REPO / "generator" / "asnatlas" / "web" / "static" / "validator"
ASSET = STATIC / "asn-schemas.js"
PAGE_JS = STATIC / "validator-page.js"
AJV = REPO / "tools" / "ajv"
REBUILD = "rebuild it: cd tools/ajv && npm ci && npm run build"


def stale_schemas(schemas: Path, asset: Path) -> list[str]:
    """Schema files whose bytes differ from those the asset was compiled from (or that
    were added or removed since)."""
    head = asset.read_text(encoding="utf-8").split("*/", 1)[0]
    recorded = {name: digest for digest, name in
                re.findall(r"^ \* schema-sha256 ([0-9a-f]{64}) (\S+)$", head, re.MULTILINE)}
    current = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
               for p in sorted(schemas.glob("*.json"))}
    return sorted(name for name in recorded.keys() | current.keys()
                  if recorded.get(name) != current.get(name))


def test_asset_is_fresh_against_every_schema_file():
    assert list(SCHEMAS.glob("*.json")), "schemas/ holds no *.json"
    stale = stale_schemas(SCHEMAS, ASSET)
    assert not stale, f"asn-schemas.js is stale for {', '.join(stale)}; {REBUILD}"


def test_a_schema_edit_makes_the_asset_stale(tmp_path):
    copies = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, copies, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    assert stale_schemas(copies, ASSET) == []
    first = sorted(copies.glob("*.json"))[0]
    first.write_bytes(first.read_bytes() + b"\n")
    (copies / "new.schema.json").write_text("{}", encoding="utf-8")
    assert stale_schemas(copies, ASSET) == [first.name, "new.schema.json"]


def test_asset_is_one_self_contained_script():
    text = ASSET.read_text(encoding="utf-8")
    body = text.split("*/", 1)[1]
    # Ajv's helpers carry their own `require("...")` source as a string; a real call would
    # not be preceded by a quote.
    assert not re.search(r"""(?<!['"])\brequire\(""", body), "asset requires a module"
    assert not re.search(r"^\s*(import|export)\b", body, re.MULTILINE), "asset is an ES module"
    for call in ("fetch(", "XMLHttpRequest", "import(", "WebSocket"):
        assert call not in body, f"asset would reach the network via {call}"
    assert body.lstrip().startswith("var AsnSchemas="), "asset does not define AsnSchemas"
    # Every schema file is exported under its file name.
    for path in SCHEMAS.glob("*.json"):
        assert json.dumps(path.name) in body


def test_page_script_implements_every_code_it_does_not_declare_skipped():
    script = PAGE_JS.read_text(encoding="utf-8")
    # Codes appear in the script as the string literals it reports, and the schema codes
    # come from the page data (the same tables the Python schema layer uses).
    produced = set(re.findall(r'"(ASN\d{3})"', script))
    for codes in ("pipeline", "profile"):
        produced |= set(validator_page.page_data()["schema_codes"][codes].values())
    for code in table():
        if code.code in validator_page.SKIPPED:
            assert code.code not in produced, f"{code.code} is both ported and listed as skipped"
        else:
            assert code.code in produced, f"{code.code} is neither ported nor listed as skipped"
    assert set(validator_page.PARTIAL) <= produced


def test_page_script_never_writes_markup():
    script = PAGE_JS.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, f"validator-page.js uses {sink}"


def test_page_data_is_inert_inside_a_script_element():
    text = str(validator_page.data_json())
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert set(data["codes"]) == {c.code for c in table()}
    assert data["stage2_inputs"] == ["rate", "rateints"]
    assert data["suffix_stages"]["cal"] == 2


def test_page_lists_the_checks_it_skips_and_loads_relative_assets():
    page = site_render.render("validator.md.j2", **validator_page.context())
    for item in validator_page.skipped():
        assert f"| {item.code} |" in page
    assert "--check-files" in page.replace("\\-", "-")
    for name in (*validator_page.SCRIPTS, validator_page.STYLESHEET):
        assert (STATIC / name).is_file()
        assert f'"_static/{name}"' in page
    assert "http://" not in page and "https://" not in page and "//cdn" not in page


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
@pytest.mark.skipif(not (AJV / "node_modules").is_dir(),
                    reason="tools/ajv/node_modules is absent (run npm ci there)")
def test_build_script_reproduces_the_committed_asset_byte_for_byte():
    result = subprocess.run(["node", "build.mjs", "--check"], cwd=AJV, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr

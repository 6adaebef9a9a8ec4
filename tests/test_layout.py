"""The source layout: `generator/` is a plain source root of the `asnatlas` package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_package_imports_from_a_plain_checkout_without_installing():
    # -S: no site-packages, so no editable-install hook can resolve the import for us.
    code = (
        "import sys; sys.path.insert(0, 'generator'); import asnatlas.cli, asnatlas.resources;"
        "from pathlib import Path;"
        "print(Path(asnatlas.__file__).resolve().parent);"
        "print(Path(str(asnatlas.resources.folder('schemas'))).resolve())"
    )
    result = subprocess.run([sys.executable, "-S", "-c", code], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    package, schemas = result.stdout.split()
    assert Path(package) == REPO / "generator" / "asnatlas"
    assert Path(schemas) == REPO / "schemas"
    assert (Path(schemas) / "asn.schema.json").is_file()

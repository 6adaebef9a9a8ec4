"""The reference (jwst 3.0.0), where it is installed, for the tests that re-check the
verdicts they store: ``$ASNATLAS_JWST_PYTHON``, default /tmp/jwstref/bin/python."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REFERENCE = Path(os.environ.get("ASNATLAS_JWST_PYTHON", "/tmp/jwstref/bin/python"))


def run_in_reference(script: str, payload: object) -> object:
    """What ``script``, run by the reference's Python with ``payload`` as JSON on its
    standard input, prints as JSON. Skips the test when the reference is not installed."""
    if not REFERENCE.is_file():
        pytest.skip(f"the reference jwst is not installed at {REFERENCE} "
                    "(set ASNATLAS_JWST_PYTHON to its Python)")
    result = subprocess.run([str(REFERENCE), "-c", script], input=json.dumps(payload),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)

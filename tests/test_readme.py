"""The README's Python examples run as written (on a sample pool in place of the user's)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from asnatlas import samples
from asnatlas.generate import generate
from asnatlas.pool import read_pool

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code, tmp_path, capsys):
    pool_path = str(samples.path("imaging"))
    pool = read_pool(pool_path)
    generated = generate(pool, version_id="20261123t000000")
    asn = generated.associations[0]
    (tmp_path / asn.filename).write_text(asn.to_json(), encoding="utf-8")
    # The examples name a user's files; the sample pool and one of its associations stand in.
    code = code.replace('"jw01234_pool.csv"', repr(pool_path))
    code = re.sub(r'"jw01234-o001_\w+_asn\.json"', repr(str(tmp_path / asn.filename)), code)
    namespace = {"pool": pool, "generate": generate}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - our own README
    if "rows=generated.orphans" not in code:  # the samples have no orphans to explain
        assert capsys.readouterr().out.strip(), "the example printed nothing"

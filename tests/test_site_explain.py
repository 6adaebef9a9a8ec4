"""The site shows, per exposure and per orphan, why the rules did not take it (issue 6)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from asnatlas import samples


def _text(html_path: Path) -> str:
    return re.sub(r"<[^>]+>", " ", html_path.read_text(encoding="utf-8"))


def test_orphans_and_exposures_show_their_reasons(tmp_path: Path):
    lines = samples.path("imaging").read_text().splitlines()
    header_at = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    columns = lines[header_at].lower().split("|")
    row = lines[header_at + 1].split("|")
    row[columns.index("filename")] = "jw90101001001_02101_00099_nrca1_uncal.fits"
    row[columns.index("exp_type")] = "NRC_DARK"  # no rule takes a dark: an orphan
    pool = tmp_path / "jw90101_orphan_pool.csv"
    pool.write_text("\n".join([*lines, "|".join(row)]) + "\n")
    out = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "asnatlas", "build", str(pool), "-o", str(out),
                           "-q"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr

    pool_pages = [p for p in out.rglob("*.html") if "jw90101_orphan_pool" in p.read_text()
                  and "Orphans" in p.read_text()]
    page = next(p for p in pool_pages if "00099" in p.read_text())
    text = _text(page)
    orphan_at = text.index("jw90101001001_02101_00099_nrca1_uncal.fits")
    assert "EXP_TYPE nrc_dark is not" in text[orphan_at:]

    # Orphans are grouped by their reasons, with a sentence saying how many share them.
    assert re.search(r"\d+ exposures? of types? [a-z_, ]*nrc_dark[a-z_, ]* that no "
                     r"Stage 2 or Stage 3 rule takes", text)

    # Each exposure's details (shown by the pool's exposure page) list its reasons.
    page = out / "pools" / "jw90101_orphan_pool" / "exposure.html"
    assert "Why it is not in other associations" in page.read_text()
    data = (page.parent / "data" / "exp-0000.js").read_text()
    details = json.loads(data.split("]=", 1)[1].rstrip().removesuffix(";"))["rows"]
    orphan = next(r for r in details if r["name"].endswith("00099_nrca1_uncal.fits"))
    assert orphan["members"] == [] and any("EXP_TYPE nrc_dark" in w for w in orphan["why"])
    assert any("needs" in line for row in details for line in row["why"])

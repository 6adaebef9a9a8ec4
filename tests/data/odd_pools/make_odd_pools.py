"""Make the odd pools of this folder and the reference's output for each.

usage: python tests/data/odd_pools/make_odd_pools.py [REFERENCE_BIN_DIR]

Each pool is one of our sample pools (or ``_base_nirspec_fs.csv``, written for these
tests) with one oddity: quotes in values, empty cells, clashing or missing columns,
values the rules cannot use, odd line endings... The reference generator
(``asn_generate`` of jwst 3.0.0, default /tmp/jwstref/bin) is run on each as

    asn_generate POOL -p expected/NAME --version-id 20261123t000000

and what it wrote is kept in ``expected/NAME/`` (without the ``constraints`` and
``code_version`` fields, which are never compared), its outcome in
``expected/status.json``: ``"ok"``, or ``"crash: <exception>"`` when it failed (where we
must exit with status 2 instead). ``tests/test_pool_odd.py`` compares our output with it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[2] / "generator" / "asnatlas" / "samples"
VERSION = "20261123t000000"


def _table(path: Path) -> tuple[list[str], list[str], list[list[str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    rows = [line for line in lines if line and not line.startswith("#")]
    return comments[:1], rows[0].split("|"), [r.split("|") for r in rows[1:]]


def _text(comments, header, rows) -> str:
    return "\n".join([*comments, "|".join(header), *("|".join(r) for r in rows)]) + "\n"


def pools() -> dict[str, str]:
    """name -> pool text."""
    out: dict[str, str] = {}
    comments, header, data = _table(SAMPLES / "imaging.csv")
    data = data[:6]  # observation 1: a handful of associations per pool

    def col(name):
        return header.index(name)

    def cell(name, value, which=(0,), rows=None):
        rows = [list(r) for r in (rows or data)]
        for i in range(len(rows)) if which is None else which:
            rows[i][col(name)] = value
        return _text(comments, header, rows)

    def without(name, base_header=header, base_rows=data):
        i = base_header.index(name)
        return _text(comments, [h for j, h in enumerate(base_header) if j != i],
                     [[v for j, v in enumerate(r) if j != i] for r in base_rows])

    def renamed(position_name, new):
        h = list(header)
        h[col(position_name)] = new
        return _text(comments, h, data)

    out["imaging_base"] = _text(comments, header, data)
    out["quote_inside_value"] = cell("TEMPLATE", 'NIRCam "Imaging')
    out["quote_starts_template"] = cell("TEMPLATE", '"><svg onload=alert(1)>')
    out["quote_starts_dms_note"] = cell("DMS_NOTE", '"><svg onload=alert(1)>', (2,))
    out["quoted_value_with_pipe"] = cell("TARGNAME", '"a|b"')
    out["single_quote_starts_value"] = cell("TARGNAME", "'x", (1,))
    out["both_quotes_start_values"] = _text(comments, header, [
        [('"x' if j == col("TARGNAME") and i == 0 else "'y" if j == col("TEMPLATE") and i == 1
          else v) for j, v in enumerate(r)] for i, r in enumerate(data)])
    rows = [list(r) for r in data]
    rows[0][col("TARGNAME")] = '"a'
    rows[1][col("TARGNAME")] = 'b"'
    out["quoted_value_spans_lines"] = _text(comments, header, rows)
    out["empty_cell_asn_candidate"] = cell("ASN_CANDIDATE", "")
    out["empty_column_dms_note"] = cell("DMS_NOTE", "", None)
    out["empty_cells_targname"] = cell("TARGNAME", "", (0, 3))
    out["empty_cell_act_id"] = cell("ACT_ID", "", (1,))
    out["empty_column_filter"] = cell("FILTER", "", None)
    out["quoted_empty_value"] = cell("TARGNAME", '""')
    out["filename_twice_by_case"] = renamed("OBS_ID", "filename")
    out["exp_type_twice_by_case"] = renamed("DMS_NOTE", "Exp_Type")
    out["same_column_name_twice"] = renamed("DMS_NOTE", "OBS_ID")
    out["empty_column_name"] = renamed("DMS_NOTE", "")
    out["numeric_column_name"] = renamed("DMS_NOTE", "7")
    out["quote_ends_column_name"] = renamed("DMS_NOTE", "DMS_NOTE'")
    for name in ("ASN_CANDIDATE", "FILENAME", "TARGETID", "PROGRAM", "INSTRUME", "EXP_TYPE",
                 "OBS_NUM", "PNTGTYPE", "FILTER", "EXPSPCIN"):
        out[f"missing_{name.lower()}"] = without(name)
    for name in ("OBS_NUM", "EXPSPCIN"):
        out[f"{name.lower()}_superscript"] = cell(name, "²")
        out[f"{name.lower()}_not_a_number"] = cell(name, "x")
        out[f"{name.lower()}_5000_digits"] = cell(name, "9" * 5000)
    out["exp_type_unknown"] = cell("EXP_TYPE", "nrc_bogus")
    out["exp_type_null"] = cell("EXP_TYPE", "null")
    out["exp_type_empty"] = cell("EXP_TYPE", "")
    out["regex_like_filter"] = cell("FILTER", "{{7*7}}")
    out["unbalanced_paren_filter"] = cell("FILTER", "f150w(")
    for tag, cid in (("paren", "o(1"), ("star", "*o"), ("braces", "{{7*7}}"), ("dot", "o.01")):
        out[f"candidate_id_{tag}"] = cell("ASN_CANDIDATE", f"[('{cid}', 'observation')]")
    out["candidate_not_a_list"] = cell("ASN_CANDIDATE", "[('o001'")
    out["row_too_long"] = _text(comments, header, [r + ["x"] if i == 2 else r
                                                   for i, r in enumerate(data)])
    out["row_too_short"] = _text(comments, header, [r[:-1] if i == 2 else r
                                                    for i, r in enumerate(data)])
    out["header_only"] = _text(comments, header, [])
    out["rows_repeated"] = _text(comments, header, data + data[:2])
    base = out["imaging_base"]
    out["crlf_line_ends"] = base.replace("\n", "\r\n")
    out["cr_line_ends"] = base.replace("\n", "\r")
    out["byte_order_mark"] = "\ufeff" + base
    out["byte_order_mark_before_header"] = "\ufeff" + _text([], header, data)
    out["unicode_line_separator_in_value"] = cell("TARGNAME", "a\u2028b")
    out["nul_in_value"] = cell("TARGNAME", "a\x00b")
    out["tab_in_value"] = cell("TARGNAME", "a\tb")
    out["spaces_around_values"] = _text(comments, header, [[f" {v} " for v in r] for r in data])
    out["comment_between_rows"] = _text(comments, header, data[:3] + [["# a comment"]] + data[3:])
    out["hash_starts_value"] = cell("TARGNAME", "#x")
    out["ecsv_marker_line"] = "# %ECSV 1.0\n" + _text([], header, data)
    out["position_line_after_header"] = _text(
        [], header, [["-" * len(h) for h in header]] + data)
    out["pipes_around_lines"] = "".join(f"|{line}|\n" for line in
                                        _text([], header, data).splitlines())
    out["comma_separated"] = _text([], header, data).replace("|", ",")
    # Other samples: values only some rules read.
    comments, header, data = _table(SAMPLES / "wfss.csv")
    k = header.index("EXPSPCIN")
    for tag, value in (("x", "x"), ("superscript", "²"), ("5000_digits", "9" * 5000)):
        out[f"wfss_expspcin_{tag}"] = _text(
            comments, header, [r[:k] + [value] + r[k + 1:] if i == 0 else r
                               for i, r in enumerate(data)])
    out["wfss_missing_filter"] = without("FILTER", header, data)
    comments, header, data = _table(SAMPLES / "coronagraphy.csv")
    for name in ("PNTGTYPE", "SUBARRAY", "INSTRUME"):
        out[f"coronagraphy_missing_{name.lower()}"] = without(name, header, data)
    comments, header, data = _table(HERE / "_base_nirspec_fs.csv")
    out["nirspec_fs_base"] = _text(comments, header, data)
    k = header.index("FXD_SLIT")
    for tag, value in (("braces", "{{7*7}}"), ("paren", "s200a1(")):
        out[f"nirspec_fs_slit_{tag}"] = _text(
            comments, header, [r[:k] + [value] + r[k + 1:] if i == 0 else r
                               for i, r in enumerate(data)])
    return out


def _run_reference(bin_dir: Path, pool: Path, out: Path) -> str:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run(
            [str(bin_dir / "asn_generate"), str(pool), "-p", work, "--version-id", VERSION],
            capture_output=True, text=True, timeout=900, cwd=work)
        for name in sorted(os.listdir(work)):
            if name.endswith(".json"):
                data = json.loads(Path(work, name).read_text(encoding="utf-8"))
                data.pop("constraints", None)
                data.pop("code_version", None)
                (out / name).write_text(json.dumps(data, indent=4) + "\n", encoding="utf-8")
    if result.returncode == 0:
        return "ok"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    named = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line)]
    last = (named or lines)[-1:]
    return "crash: " + (last[0] if last else f"exit {result.returncode}")


def main(argv: list[str]) -> int:
    """Remake everything; with ``--only NAME...`` (after the optional folder), just those."""
    only = argv[argv.index("--only") + 1:] if "--only" in argv else None
    argv = argv[:argv.index("--only")] if "--only" in argv else argv
    bin_dir = Path(argv[0] if argv else "/tmp/jwstref/bin")
    if only:
        return _remake(bin_dir, only)
    expected = HERE / "expected"
    shutil.rmtree(expected, ignore_errors=True)
    expected.mkdir()
    made = pools()
    for name, text in made.items():
        (HERE / f"{name}.csv").write_bytes(text.encode("utf-8"))

    def one(name):
        return name, _run_reference(bin_dir, HERE / f"{name}.csv", expected / name)

    with ThreadPoolExecutor(2) as workers:
        status = dict(sorted(workers.map(one, made)))
    (expected / "status.json").write_text(json.dumps(status, indent=1) + "\n",
                                          encoding="utf-8")
    for name, outcome in status.items():
        print(f"{name:40s} {len(os.listdir(expected / name)):3d} files  {outcome[:80]}")
    return 0


def _remake(bin_dir: Path, names: list[str]) -> int:
    expected = HERE / "expected"
    made = pools()
    status = json.loads((expected / "status.json").read_text(encoding="utf-8"))
    for name in names:
        (HERE / f"{name}.csv").write_bytes(made[name].encode("utf-8"))
        shutil.rmtree(expected / name, ignore_errors=True)
        status[name] = _run_reference(bin_dir, HERE / f"{name}.csv", expected / name)
        print(f"{name:40s} {len(os.listdir(expected / name)):3d} files  {status[name][:80]}")
    (expected / "status.json").write_text(json.dumps(dict(sorted(status.items())), indent=1)
                                          + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

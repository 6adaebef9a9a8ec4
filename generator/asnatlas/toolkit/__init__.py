"""The association toolkit: the commands around generation.

- `from_list`: an association from a list of files (asn_from_list);
- `edit_add`, `edit_remove`: members added to / removed from every product (asn_edit);
- `gather_plan`, `gather_run`: an association and its members copied into a folder
  (asn_gather);
- `make_pool`: a pool from the primary headers of exposure files (asn_make_pool);
- `diff_paths`, `diff_entries`, `review`: are two sets of associations the same
  (jwst's compare_asn_files, every difference reported);
- `compare_folder`: generated associations against a folder of associations (the site's
  compare page).

Each new association is validated (asnatlas.validate) before it is written, atomically.
"""

from asnatlas.toolkit.asnfile import dumps, load, write, write_text
from asnatlas.toolkit.compare import (
    DIFFERENT,
    IDENTICAL,
    ONLY_GENERATED,
    Comparison,
    Verdict,
    compare_folder,
    summary_view,
    verdict_view,
)
from asnatlas.toolkit.diff import KINDS, Difference, describe, diff_paths, review
from asnatlas.toolkit.diff import compare as diff_entries
from asnatlas.toolkit.edit import EditResult
from asnatlas.toolkit.edit import add as edit_add
from asnatlas.toolkit.edit import remove as edit_remove
from asnatlas.toolkit.fromlist import RULES, from_list
from asnatlas.toolkit.gather import GatherPlan
from asnatlas.toolkit.gather import plan as gather_plan
from asnatlas.toolkit.gather import run as gather_run
from asnatlas.toolkit.makepool import make_pool

__all__ = [
    "DIFFERENT", "IDENTICAL", "KINDS", "ONLY_GENERATED", "RULES",
    "Comparison", "Difference", "EditResult", "GatherPlan", "Verdict",
    "compare_folder", "describe", "diff_entries", "diff_paths", "dumps", "edit_add",
    "edit_remove", "from_list", "gather_plan", "gather_run", "load", "make_pool", "review",
    "summary_view", "verdict_view", "write", "write_text",
]

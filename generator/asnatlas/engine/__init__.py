"""The association engine: associations grown from a pool's exposures by the rules.

- `candidate`: an association while it is built (`Asn`), its members and validity;
- `index`: which existing associations an exposure could join (a time saver only);
- `run`: the matching loop (`run.run` over a `Ruleset`);
- `products`: product names;
- `finalize`: what is written once matching is over, and why the rest is dropped
  (`Dropped`);
- `handoff`: associations a forked worker made, sent back to the process that forked it.

Imports `asnatlas.conventions`, `asnatlas.rules` and `asnatlas.errors`; never validation,
explanation, pages or the CLI (data flows one way: pool -> engine -> associations ->
validation -> explanation -> pages).
"""

from asnatlas.engine.candidate import DISCOVERED, Acid, Asn, Member
from asnatlas.engine.finalize import Drop, Dropped, finalize_all
from asnatlas.engine.run import Ruleset

__all__ = ["DISCOVERED", "Acid", "Asn", "Drop", "Dropped", "Member", "Ruleset", "finalize_all"]

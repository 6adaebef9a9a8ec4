"""JWST facts with no engine in them.

- `vocabulary`: exposure-type families, values that mean "not set", valid optical paths,
  the NIRCam coronagraph masks;
- `candidates`: the ``ASN_CANDIDATE`` pool column, read and written;
- `suffixes`: pipeline file suffixes;
- `catalogue`: product types and association types (with their stage), from
  ``catalogue.json``;
- `naming`: JWST names (exposures, products, association files), parsed and formatted.

Imports nothing of asnatlas but `asnatlas.errors` (which imports nothing): every other
package may import from here.
"""

from asnatlas.conventions import candidates, catalogue, naming, suffixes, vocabulary
from asnatlas.conventions.candidates import (
    candidate_text,
    parse_candidate,
    parse_candidates,
    unreadable,
)
from asnatlas.conventions.catalogue import stage_of
from asnatlas.conventions.naming import NamingError, format_asn_filename

__all__ = [
    "NamingError", "candidate_text", "candidates", "catalogue", "format_asn_filename",
    "naming", "parse_candidate", "parse_candidates", "stage_of", "suffixes", "unreadable",
    "vocabulary",
]

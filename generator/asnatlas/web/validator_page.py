"""What the site's in-browser validator page needs from Python.

The page (``templates/validator.md.j2``) runs ``static/validator/validator-page.js`` with
the schemas compiled by ``tools/ajv`` (``static/validator/asn-schemas.js``). The data the
JavaScript cannot read from the schemas (the code table, catalogue suffixes, association
types) is written into the page from the same Python sources ``asnatlas validate`` uses,
so the two cannot drift apart.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from markupsafe import Markup

from asnatlas import safetext
from asnatlas.conventions import catalogue, naming
from asnatlas.conventions.suffixes import KNOWN_SUFFIXES
from asnatlas.validate import schema as validate_schema
from asnatlas.validate.codes import table
from asnatlas.validate.jsontext import MAX_DEPTH
from asnatlas.validate.semantic import NAME_MAX, output_ending, stage2_inputs, suffix_stages

#: Codes validator-page.js does not check, and why. Every other code in the table is
#: checked in the browser exactly as ``asnatlas validate`` checks it.
SKIPPED: dict[str, str] = {
    "ASN203": "needs the full Stage 3 product-name parser, which is not ported",
    "ASN205": "needs the full Stage 3 product-name parser, which is not ported",
    "ASN215": "a web page cannot look for files on your disk (asnatlas validate --check-files)",
    "ASN020": "the page checks the text you paste or the file you drop; files that cannot be "
              "read are a matter for asnatlas validate",
}

#: Codes the browser checks only in part.
PARTIAL: dict[str, str] = {
    "ASN209": "only against the file name; the comparison with Stage 3 product names is "
              "not ported",
}

#: Files of ``asnatlas/static/validator`` the page loads, in order, from the site's
#: ``_static`` folder.
SCRIPTS: tuple[str, ...] = ("asn-schemas.js", "validator-page.js")
STYLESHEET = "validator-page.css"


@dataclass(frozen=True)
class Skipped:
    """A check the browser does not run (or runs only in part)."""

    code: str
    title: str
    why: str
    partial: bool


def page_data() -> dict:
    """Plain data for validator-page.js (see its ``DATA``)."""
    return {
        "codes": {c.code: [c.severity, c.title, c.dms] for c in table()},
        "suffix_stages": dict(sorted(suffix_stages().items())),
        "stage2_inputs": sorted(stage2_inputs()),
        "asn_types": catalogue.asn_type_names(),
        "known_suffixes": list(KNOWN_SUFFIXES),
        "extensions": list(naming.EXTENSIONS),
        # The limits of Python's JSON reader, as the CLI applies them (ASN014, ASN015).
        "int_max_digits": sys.get_int_max_str_digits(),
        "max_depth": MAX_DEPTH,
        # The characters asnatlas.safetext escapes (ASN221 and the shown text lines).
        "unsafe": safetext.UNSAFE.pattern,
        # The file-name limit and the longest output ending (ASN224).
        "name_max": NAME_MAX,
        "output_ending": output_ending(),
        "schema_codes": {"pipeline_schema": validate_schema.PIPELINE,
                         "pipeline": validate_schema.PIPELINE_CODES,
                         "profile": validate_schema.PROFILE_CODES},
    }


def data_json() -> Markup:
    """``page_data()`` as JSON that is safe inside a ``<script type="application/json">``."""
    text = json.dumps(page_data(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    # No "<", ">" or "&" can end the script element or start markup.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def skipped() -> list[Skipped]:
    """The checks the page must list as not run in the browser, in code order."""
    out = []
    for code in table():
        if code.code in SKIPPED:
            out.append(Skipped(code.code, code.title, SKIPPED[code.code], False))
        elif code.code in PARTIAL:
            out.append(Skipped(code.code, code.title, PARTIAL[code.code], True))
    return out


def context(static: str = "_static/") -> dict:
    """The template context of ``validator.md.j2`` (``static``: path from page to assets)."""
    return {
        "validator_data": data_json(),
        "validator_skipped": skipped(),
        "validator_static": static,
        "validator_scripts": SCRIPTS,
        "validator_stylesheet": STYLESHEET,
    }

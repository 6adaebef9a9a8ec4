"""The one table of validator problem codes: code, severity and title.

Codes are stable: a code is never reused for a different mistake. ``ASN0xx`` are JSON
syntax problems (``ASN020``: the file cannot be read), ``ASN1xx`` are schema violations
and ``ASN2xx`` are the semantic checks the schemas cannot express.

The severity follows one policy (README, section validate): an *error* is what the
pipeline refuses or fails on, or what would make it read or write outside its folder or
hide characters in a name; a *warning* is what the pipeline runs as meant but the ground
system (DMS) would not have written. ``--strict`` makes warnings errors.

The README, the site and ``asnatlas validate --list-codes`` all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    """One kind of problem the validator reports.

    ``dms``: a departure from what the ground system (DMS) writes, which the pipeline runs
    anyway; ``asnatlas validate --profile dms`` makes these errors.
    """

    code: str
    severity: str
    title: str
    dms: bool = False


_TABLE = (
    # JSON text. Python's reader refuses all of these but ASN007/ASN008 (it keeps the last
    # key, reads NaN: warnings), ASN015 beyond our limit of 256 levels (it refuses ~1,000)
    # and ASN016 (it makes strings no file system takes). The pipeline then retries a
    # refused text with its deprecated YAML reader, which reads some of them (trailing
    # commas, comments, quotes, a BOM): errors all the same (README, section validate).
    Code("ASN001", ERROR, "empty file"),
    Code("ASN002", ERROR, "not UTF-8 text"),
    Code("ASN003", ERROR, "byte-order mark at the start of the file"),
    Code("ASN004", ERROR, "trailing comma"),
    Code("ASN005", ERROR, "comment (JSON has no comments)"),
    Code("ASN006", ERROR, "single-quoted string"),
    Code("ASN007", WARNING, "duplicate key (the last value silently wins)"),
    Code("ASN008", WARNING, "NaN or Infinity (not JSON)"),
    Code("ASN009", ERROR, "truncated file"),
    Code("ASN010", ERROR, "JSON syntax error"),
    Code("ASN011", ERROR, "unquoted key or bare word"),
    Code("ASN012", ERROR, "text after the end of the JSON value"),
    Code("ASN013", ERROR, "bad character in a string"),
    Code("ASN014", ERROR, "integer too long for Python's JSON reader"),
    Code("ASN015", ERROR, "nested too deeply"),
    Code("ASN016", ERROR, "lone surrogate escape in a string (not Unicode text)"),
    # reading the file (reported with exit status 2, as an I/O error)
    Code("ASN020", ERROR, "file cannot be read"),
    # schemas: ASN101, ASN102, ASN105, ASN106 from asn.schema.json (what the pipeline
    # needs, as its own schemas require it); ASN103, ASN104, ASN111-ASN114 from
    # asn-level2/asn-level3.schema.json (what the ground system, DMS, writes)
    Code("ASN101", ERROR, "required field missing"),
    Code("ASN102", ERROR, "wrong type"),
    Code("ASN103", WARNING, "value not allowed", dms=True),
    Code("ASN104", WARNING, "badly formed value", dms=True),
    Code("ASN105", ERROR, "empty value or list"),
    Code("ASN106", ERROR, "schema violation"),
    Code("ASN111", WARNING, "field the ground system writes is missing", dms=True),
    Code("ASN112", WARNING, "ground-system field of the wrong type", dms=True),
    Code("ASN113", WARNING, "ground-system field is empty", dms=True),
    Code("ASN114", WARNING, "ground-system schema violation", dms=True),
    # semantic
    Code("ASN201", WARNING, "member name carries a directory path"),
    Code("ASN202", ERROR, "member listed twice in a product"),
    Code("ASN203", WARNING, "product name breaks the naming convention", dms=True),
    Code("ASN204", WARNING, "asn_id disagrees with the file name", dms=True),
    Code("ASN205", WARNING, "asn_id disagrees with the product name", dms=True),
    Code("ASN206", WARNING, "asn_id kind does not fit the rule", dms=True),
    Code("ASN207", WARNING, "file name breaks the naming convention", dms=True),
    Code("ASN208", WARNING, "asn_type disagrees with the file name", dms=True),
    Code("ASN209", WARNING, "program disagrees with the file or product name", dms=True),
    Code("ASN210", ERROR, "Stage 3 product with a Stage 2 (uncalibrated) member"),
    Code("ASN211", ERROR, "member suffix wrong for this stage"),
    Code("ASN212", WARNING, "Stage 2 product name differs from its science member", dms=True),
    Code("ASN213", ERROR, "Stage 2 product without exactly one science member"),
    Code("ASN214", ERROR, "product without a science member"),
    Code("ASN215", ERROR, "member file not found"),
    Code("ASN216", WARNING, "unknown key"),
    Code("ASN217", WARNING, "product name used twice"),
    Code("ASN218", WARNING, "version_id disagrees with the file name", dms=True),
    Code("ASN219", WARNING, "member name has no file extension"),
    Code("ASN220", WARNING, "asn_id number outside the range of its kind", dms=True),
    Code("ASN221", ERROR, "control, line-break, bidi or invisible character in a member or "
                         "product name"),
    Code("ASN222", ERROR, "product name carries a path (it names the output files)"),
    Code("ASN223", ERROR, "name that is blank, '.' or '..'"),
    Code("ASN224", ERROR, "name too long for a file name (members) or for the output files "
                         "named from it (products)"),
)

CODES: dict[str, Code] = {c.code: c for c in _TABLE}


def dms_codes() -> frozenset[str]:
    """The codes ``--profile dms`` makes errors."""
    return frozenset(c.code for c in _TABLE if c.dms)


def table() -> list[Code]:
    """All codes in order, for documentation and the site."""
    return list(_TABLE)

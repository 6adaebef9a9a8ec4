"""The one table of validator problem codes: code, severity and title.

Codes are stable: a code is never reused for a different mistake. ``ASN0xx`` are JSON
syntax problems, ``ASN1xx`` are schema violations and ``ASN2xx`` are the semantic checks
the schemas cannot express. The README, the site and ``asnatlas validate --list-codes``
all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    """One kind of problem the validator reports."""

    code: str
    severity: str
    title: str


_TABLE = (
    # JSON text
    Code("ASN001", ERROR, "empty file"),
    Code("ASN002", ERROR, "not UTF-8 text"),
    Code("ASN003", ERROR, "byte-order mark at the start of the file"),
    Code("ASN004", ERROR, "trailing comma"),
    Code("ASN005", ERROR, "comment (JSON has no comments)"),
    Code("ASN006", ERROR, "single-quoted string"),
    Code("ASN007", ERROR, "duplicate key"),
    Code("ASN008", ERROR, "NaN or Infinity (not JSON)"),
    Code("ASN009", ERROR, "truncated file"),
    Code("ASN010", ERROR, "JSON syntax error"),
    Code("ASN011", ERROR, "unquoted key or bare word"),
    Code("ASN012", ERROR, "text after the end of the JSON value"),
    Code("ASN013", ERROR, "bad character in a string"),
    # schema
    Code("ASN101", ERROR, "required field missing"),
    Code("ASN102", ERROR, "wrong type"),
    Code("ASN103", ERROR, "value not allowed"),
    Code("ASN104", ERROR, "badly formed value"),
    Code("ASN105", ERROR, "empty value or list"),
    Code("ASN106", ERROR, "schema violation"),
    # semantic
    Code("ASN201", ERROR, "member name carries a directory path"),
    Code("ASN202", ERROR, "member listed twice in a product"),
    Code("ASN203", WARNING, "product name breaks the naming convention"),
    Code("ASN204", ERROR, "asn_id disagrees with the file name"),
    Code("ASN205", ERROR, "asn_id disagrees with the product name"),
    Code("ASN206", ERROR, "asn_id kind does not fit the rule"),
    Code("ASN207", WARNING, "file name breaks the naming convention"),
    Code("ASN208", ERROR, "asn_type disagrees with the file name"),
    Code("ASN209", ERROR, "program disagrees with the file or product name"),
    Code("ASN210", ERROR, "Stage 3 product with a Stage 2 (uncalibrated) member"),
    Code("ASN211", ERROR, "member suffix wrong for this stage"),
    Code("ASN212", WARNING, "Stage 2 product name differs from its science member"),
    Code("ASN213", ERROR, "Stage 2 product without exactly one science member"),
    Code("ASN214", ERROR, "product without a science member"),
    Code("ASN215", ERROR, "member file not found"),
    Code("ASN216", WARNING, "unknown key"),
    Code("ASN217", WARNING, "product name used twice"),
    Code("ASN218", WARNING, "version_id disagrees with the file name"),
    Code("ASN219", WARNING, "member name has no file extension"),
    Code("ASN220", WARNING, "asn_id number outside the range of its kind"),
)

CODES: dict[str, Code] = {c.code: c for c in _TABLE}


def table() -> list[Code]:
    """All codes in order, for documentation and the site."""
    return list(_TABLE)

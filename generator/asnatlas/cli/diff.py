"""``asnatlas diff``: are two sets of associations the same? Every difference."""

from __future__ import annotations

import argparse
import json

NAME = "diff"
EXAMPLE = "asnatlas diff asn/ archive/                     are two sets of associations the same"

DESCRIPTION = """\
Compare associations: LEFT and RIGHT are association files or folders of them (every
*_asn.json below a folder). Associations are split into their products, paired by
product name, and each pair must have the same asn_type, the same candidate level (the
first letter of asn_id: o, c or a; the number may differ) and the same members with the
same exposure types, in any order. By default member names are compared without folder,
extension and pipeline suffix (x_rate.fits equals raw/x_cal.fits); --strict compares
them exactly. The verdict is that of jwst's compare_asn_files (jwst.associations.lib.diff).

Every difference is reported, as a review: products only on the left, only on the right,
then what differs, product by product. --format json prints a list of differences, each
with kind (product-missing, product-extra, type-mismatch, level-mismatch, member-missing,
member-extra, member-exptype, duplicate-product, duplicate-member), file, product and
member. Only in LEFT is *-missing, only in RIGHT *-extra.

Exit status: 0 equivalent, 1 different, 2 usage or I/O error (unreadable file, not JSON,
not an association).

Differences from jwst's compare_asn_files (which has no command):
  - every difference is reported: jwst stops checking types and levels after the first
    product that differs;
  - two products of one side with the same name and different members are reported as
    duplicate-product (jwst reports their member differences).
"""

EPILOG = """\
examples:
  asnatlas diff mine_asn.json theirs_asn.json
  asnatlas diff asn/ archive/ --strict            member names must match exactly
  asnatlas diff asn/ archive/ --format json | jq '.[] | select(.kind == "member-missing")'
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help="compare two sets of associations (every difference)",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("left", metavar="LEFT", help="association file or folder")
    parser.add_argument("right", metavar="RIGHT", help="association file or folder")
    parser.add_argument("--strict", action="store_true",
                        help="compare member names exactly (folder, suffix and extension)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text review (default) or a JSON list of differences")
    return parser


def run(args: argparse.Namespace) -> int:
    from asnatlas import toolkit

    diffs, n_left, n_right = toolkit.diff_paths([args.left], [args.right], strict=args.strict)
    if args.format == "json":
        print(json.dumps([d.to_dict() for d in diffs], indent=2))
    else:
        print(toolkit.review(diffs, n_left, n_right, args.strict), end="")
    return 1 if diffs else 0

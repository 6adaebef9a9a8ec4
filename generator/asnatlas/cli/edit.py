"""``asnatlas edit``: add or remove members of an association (jwst's asn_edit)."""

from __future__ import annotations

import argparse
import sys

NAME = "edit"
EXAMPLE = "asnatlas edit my_asn.json -a -t background bkg_rate.fits  add a member to every product"

DESCRIPTION = """\
Add files to, or remove files from, every product of an association, as jwst's asn_edit
does.

-a adds each FILE by its base name with exposure type -t TYPE (default science) to every
product. -r removes the members named FILE from every product: by exact base name, or
with -i by the root of the name (folder, extension and pipeline suffix ignored, so
x_rate.fits removes x_cal.fits); a product left with no member is dropped. The file is
rewritten in place, atomically (the old file stays whole until the new one is complete),
unless -o names another file. The edited association is validated before it is written.

Differences from jwst's asn_edit:
  - adding a file that is already a member (or naming it twice) is refused, nothing
    written (jwst adds it twice);
  - a name to remove that matches nothing is reported as a warning naming it, and the
    other names are still removed, as jwst does; an edit that would leave no product, or
    an exposure type the schema does not know, is refused;
  - the in-place rewrite is atomic (jwst renames the file aside while it writes).
"""

EPILOG = """\
examples:
  asnatlas edit l2_asn.json -a -t background jw01234001001_02101_00001_nrs1_rate.fits
      every product gets a background member
  asnatlas edit image3_asn.json -r -i jw01234001001_02101_00003_nrca1_rate.fits
      drop that exposure whatever its suffix (_cal, _crf, ...)
  asnatlas edit image3_asn.json -r bad_cal.fits -o image3_fixed_asn.json
      write the result to another file
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help="add or remove members of an association (asn_edit)",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("association", metavar="ASN.json", help="the association to edit")
    parser.add_argument("files", nargs="+", metavar="FILE", help="the file names")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("-a", "--add", action="store_true", help="add the files")
    mode.add_argument("-r", "--remove", action="store_true", help="remove the files")
    parser.add_argument("-t", "--type", default="science", metavar="TYPE",
                        help="exposure type of added files (default: science)")
    parser.add_argument("-i", "--ignore", action="store_true",
                        help="removing: ignore the pipeline suffix when matching names")
    parser.add_argument("-o", "--output", metavar="OUT.json",
                        help="write here instead of rewriting ASN.json")
    return parser


def run(args: argparse.Namespace) -> int:
    from asnatlas import toolkit
    from asnatlas.errors import InputError
    from asnatlas.safetext import visible

    output = args.output or args.association
    if not output.endswith(".json"):
        raise InputError("the output must be a .json file", visible(output))
    data = toolkit.load(args.association)
    if args.add:
        result = toolkit.edit_add(data, args.files, args.type)
    else:
        result = toolkit.edit_remove(data, args.files, args.ignore)
        if result.not_found:
            names = ", ".join(visible(n) for n in result.not_found)
            print(f"asnatlas: warning: not in {visible(args.association)}, not removed: {names}",
                  file=sys.stderr)
        if not result.data["products"]:
            raise InputError("the edit would remove every product; nothing written",
                             visible(args.association))
    toolkit.write(output, result.data, before=data)
    what = f"added {len(args.files)} file(s)" if args.add else \
        f"removed {result.removed} member(s)" + (
            f", dropped {len(result.dropped_products)} empty product(s)"
            if result.dropped_products else "")
    print(f"{visible(output)}: {what}")
    return 0

"""``asnatlas from-list``: an association from a list of files (jwst's asn_from_list)."""

from __future__ import annotations

import argparse

NAME = "from-list"
EXAMPLE = ("asnatlas from-list -o my_asn.json --product-name NAME *_cal.fits  "
           "a Stage 3 association from files")

DESCRIPTION = """\
Make an association from a list of files, as jwst's asn_from_list does.

Stage 3 (-r DMS_Level3_Base, alias level3; the default): one product named by
--product-name, every FILE a science member. Stage 2 (-r DMSLevel2bBase, alias level2):
one product per FILE, named after it (folders kept; the extension and a known pipeline
suffix such as _rate dropped; --product-name is ignored, as in jwst). File names are
written as given. The association is validated before it is written; on any error
nothing is written (exit status 2).

Differences from jwst's asn_from_list:
  - -i ID is written as the association id at both stages (jwst checks only its first
    letter at Stage 2 and always writes a3001); without -i, a3001 is written, as jwst
    does; the id is checked in full at both stages (oNNN, c1NNN, a3NNN or rNNNN);
  - a Stage 2 association with a candidate (c) id and no background member is refused
    with a one-line error (jwst fails with a traceback and leaves an empty file);
  - --background FILE... and --imprint FILE... add those members (exptype background /
    imprint) to every Stage 2 product: the step done by hand today;
  - a Stage 3 file listed twice is refused (a member listed twice in a product);
  - a Stage 2 file named through `..` or by an absolute path is refused: its product name
    would make the pipeline write outside the working folder;
  - names the pipeline could not use are refused as asnatlas validate reports them:
    control, line-break, bidi or invisible characters (ASN221), a product name with a
    path (ASN222), a name that names no file (ASN223), names too long for a file (ASN224);
  - -f/--format takes only json (the pipeline deprecates YAML associations); --ruledefs
    and rules other than the two bases are not offered;
  - code_version is asnatlas's version.
"""

EPILOG = """\
examples:
  asnatlas from-list -o mosaic_asn.json --product-name jw01234-o001_t001_nircam_f200w \\
      jw01234001001_02101_0000?_nrca1_cal.fits
      a Stage 3 (image3-like) association of every dither
  asnatlas from-list -r level2 -o l2_asn.json jw01234001001_02101_00001_nrcalong_rate.fits
      a Stage 2 association: one product per file
  asnatlas from-list -r level2 -i c1000 --background bkg_rate.fits -o bg_asn.json \\
      jw01234001001_02101_00001_nrs1_rate.fits
      a Stage 2 association whose products each get the background member
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    from asnatlas.toolkit import RULES

    parser = subparsers.add_parser(
        NAME, help="make an association from a list of files (asn_from_list)",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="member file names")
    parser.add_argument("-o", "--output-file", required=True, metavar="OUT.json",
                        help="the association file to write")
    parser.add_argument("-r", "--rule", default="DMS_Level3_Base", metavar="RULE",
                        help="DMS_Level3_Base (default) or DMSLevel2bBase; aliases: "
                             + ", ".join(k for k, v in RULES.items() if k != v))
    parser.add_argument("--product-name", metavar="NAME",
                        help="the product name (Stage 3; required there, ignored at Stage 2)")
    parser.add_argument("-i", "--id", dest="acid", metavar="ID",
                        help="the association id: oNNN, c1NNN (Stage 2: with a background), "
                             "a3NNN (default a3001)")
    parser.add_argument("--background", nargs="+", action="extend", default=[],
                        metavar="FILE",
                        help="Stage 2: background members added to every product")
    parser.add_argument("--imprint", nargs="+", action="extend", default=[], metavar="FILE",
                        help="Stage 2: imprint members added to every product")
    parser.add_argument("-f", "--format", choices=["json"], default="json",
                        help="json, the only format written (accepted as asn_from_list's "
                             "option; the pipeline deprecates YAML associations)")
    return parser


def run(args: argparse.Namespace) -> int:
    from asnatlas import toolkit
    from asnatlas.safetext import visible

    data = toolkit.from_list(args.files, rule=args.rule, product_name=args.product_name,
                             acid=args.acid, background=args.background,
                             imprint=args.imprint)
    toolkit.write(args.output_file, data)
    n_members = sum(len(p["members"]) for p in data["products"])
    print(f"{visible(args.output_file)}: {len(data['products'])} product(s), "
          f"{n_members} member(s)")
    return 0

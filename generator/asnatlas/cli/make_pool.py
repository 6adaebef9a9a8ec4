"""``asnatlas make-pool``: a pool from the primary headers of FITS files (asn_make_pool)."""

from __future__ import annotations

import argparse
import sys

NAME = "make-pool"
#: Reading at least this many headers shows progress (when standard error is a terminal).
PROGRESS_FILES = 200

EXAMPLE = "asnatlas make-pool -o my_pool.csv *_uncal.fits     a pool from FITS headers"

DESCRIPTION = """\
Write an association pool from the primary headers of FITS exposure files, as jwst's
asn_make_pool does, so that `asnatlas generate` can make their associations.

Every header keyword of any file becomes a column (lower-case names in code-point order;
null where a file lacks it); FILENAME is the file name as given on the command line. These
columns are set whatever the headers say: asn_candidate ([('oNNN', 'observation')] from
OBSERVTN, plus --asn-candidate), dms_note, is_imprt, pntgtype (from the options),
mostilno and dithptin (1) and targetid (a number per TARGNAME). Every file needs OBSERVTN
and TARGNAME. The pool is pipe-separated, written as astropy writes it for jwst.

Differences from jwst's asn_make_pool:
  - targetid numbers each TARGNAME by its first appearance (jwst gives every row the count
    of targets seen so far, so NGC1, NGC2, NGC1 get 1, 2, 2; here 1, 2, 1);
  - a file that is not FITS, or lacks OBSERVTN or TARGNAME, is a one-line error naming it,
    nothing written (jwst: a traceback); --asn-candidate must be a list of (id, type)
    pairs and --is-imprt t or f;
  - the pool file is given with -o (jwst: the first positional argument) and written
    atomically.
"""

EPILOG = """\
examples:
  asnatlas make-pool -o jw01234_pool.csv jw01234*_uncal.fits
      then: asnatlas generate jw01234_pool.csv -o asn/
  asnatlas make-pool -o bg_pool.csv --asn-candidate "[('c1000', 'background')]" *_uncal.fits
      every exposure also in candidate c1000
  asnatlas make-pool -o ta_pool.csv --pntgtype target_acquisition ta_*_uncal.fits
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help="make a pool from the headers of FITS files (asn_make_pool)",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", metavar="FITS", help="exposure files")
    parser.add_argument("-o", "--output", required=True, metavar="POOL.csv",
                        help="the pool file to write")
    parser.add_argument("--asn-candidate", metavar="TEXT",
                        help="more candidates for every exposure, e.g. "
                             "\"[('c1000', 'background')]\"")
    parser.add_argument("--dms-note", default="", metavar="TEXT",
                        help="value of dms_note (e.g. wfsc_los_jitter)")
    parser.add_argument("--is-imprt", default="f", metavar="t|f",
                        help="t: the exposures are NIRSpec imprints (default f)")
    parser.add_argument("--pntgtype", default="science", metavar="TYPE",
                        help="science (default) or target_acquisition")
    return parser


def run(args: argparse.Namespace) -> int:
    from asnatlas.safetext import visible
    from asnatlas.toolkit import make_pool, write_text

    total = len(args.files)
    progress = None
    if total >= PROGRESS_FILES and sys.stderr.isatty():
        def progress(done: int) -> None:
            if done % 50 == 0 or done == total:
                end = "\n" if done == total else ""
                print(f"\rmake-pool: read {done}/{total} headers", end=end, file=sys.stderr,
                      flush=True)

    text = make_pool(args.files, asn_candidate=args.asn_candidate, dms_note=args.dms_note,
                     is_imprt=args.is_imprt, pntgtype=args.pntgtype, progress=progress)
    write_text(args.output, text)
    print(f"{visible(args.output)}: {len(args.files)} exposure(s)")
    return 0

"""``asnatlas gather``: copy an association and its members into one folder (asn_gather)."""

from __future__ import annotations

import argparse
import sys
import time

NAME = "gather"
EXAMPLE = "asnatlas gather my_asn.json work/               copy an association and its files"

#: Copies at least this large show a progress bar (when standard error is a terminal).
PROGRESS_BYTES = 64 * 1024 * 1024

DESCRIPTION = """\
Copy the member files of an association, and the association itself, into DEST, as
jwst's asn_gather does.

Members are looked for in the association's folder, or in -s SOURCE; a member written
with a folder is taken relative to it, an absolute one as it is. -t EXPTYPE (repeatable)
gathers only those exposure types; -x EXPTYPE (repeatable) leaves them out and wins over
-t. Products left with no member are dropped; the members are rewritten to their base
names, and the association is written into DEST under its own name.

Before anything is copied, every member file is checked: if any is missing, all the
missing ones are listed on one line and nothing is copied (exit status 2). DEST is
created if needed. Each file is copied under a temporary name and renamed when complete.

Differences from jwst's asn_gather:
  - copies with Python (no rsync; -c/--cmd does not exist), with a progress bar for large
    copies (--progress);
  - missing members are all reported before any copy (jwst stops at the first failed
    rsync, after copying the others);
  - a member written with a folder is looked for under SOURCE (jwst looks for it relative
    to the current folder);
  - DEST is created; the written association is validated first.
"""

EPILOG = """\
examples:
  asnatlas gather jw01234-o001_20240101t000000_image3_00001_asn.json work/
      the association and every member into work/
  asnatlas gather l2_asn.json work/ -s /data/raw -t science -t background
      only those types, members found in /data/raw
  asnatlas gather spec2_asn.json work/ -x sourcecat -x segmap
      everything but the catalogues and segmentation maps
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help="copy an association and its members into a folder (asn_gather)",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("association", metavar="ASN.json", help="the association to gather")
    parser.add_argument("destination", metavar="DEST", help="folder to copy into (created)")
    parser.add_argument("-s", "--source", dest="source_folder", metavar="SOURCE",
                        help="folder holding the members (default: the association's)")
    parser.add_argument("-t", "--exp-types", action="append", metavar="EXPTYPE",
                        help="gather only this exposure type (repeatable)")
    parser.add_argument("-x", "--exclude-types", action="append", default=[],
                        metavar="EXPTYPE", help="leave this exposure type out (repeatable)")
    parser.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                        help="progress bar on standard error: auto (default: for copies of "
                             "64 MiB or more to a terminal), always or never")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    return parser


class Bar:
    """A one-line progress bar on standard error: bytes copied, percentage, speed."""

    def __init__(self, total: int, stream=None):
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self.shown = 0.0

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown < 0.1 and self.done < self.total:
            return
        self.shown = now
        frac = min(self.done / self.total, 1.0)
        width = 30
        filled = int(frac * width)
        speed = self.done / max(now - self.start, 1e-6) / 2**20
        self.stream.write(f"\rgather [{'#' * filled}{'.' * (width - filled)}] "
                          f"{frac:4.0%} {self.done / 2**20:.1f}/{self.total / 2**20:.1f} MiB "
                          f"{speed:.1f} MiB/s")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from asnatlas import toolkit
    from asnatlas.safetext import visible

    plan = toolkit.gather_plan(args.association, args.destination, source=args.source_folder,
                               types=args.exp_types, exclude=args.exclude_types)
    show = args.progress == "always" or (
        args.progress == "auto" and plan.total_bytes >= PROGRESS_BYTES and sys.stderr.isatty())
    bar = Bar(plan.total_bytes) if show else None
    try:
        target = toolkit.gather_run(plan, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        n_members = sum(len(p["members"]) for p in plan.data["products"])
        print(f"{visible(str(target))}: {len(plan.data['products'])} product(s), {n_members} "
              f"member(s); {len(plan.copies)} file(s), {plan.total_bytes} bytes copied")
    return 0

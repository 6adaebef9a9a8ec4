"""``asnatlas build``: the browsable reference site of one or more pools."""

from __future__ import annotations

import argparse
import os
import sys

from asnatlas.errors import InputError
from asnatlas.safetext import visible

EXAMPLE = "asnatlas build -o site-out                   build the site from the samples"

DESCRIPTION = """\
Build a static reference site: run the generator over each POOL, validate every
association it writes, and render pages for the pools, associations and exposures,
plus a reference of product types, naming conventions and association types, and a
page that validates association files in the browser.

With no POOL, the embedded sample pools are used. The output is a plain folder of HTML
that works offline: open OUT/index.html from disk or serve it from any static host.

Rebuilding into the same OUT is fast: a cache folder next to OUT (.OUT.asnatlas-cache)
keeps Sphinx's work, and only pages whose content changed are rebuilt. If the build
fails or is killed, OUT is left as it was: the new site is swapped in whole, in one step.
Two builds into the same OUT take turns (the second waits for the first to finish).
"""

EPILOG = """\
examples:
  asnatlas build -o site-out
      the embedded samples; then open site-out/index.html
  asnatlas build jw01234_pool.csv jw05678_pool.csv -o program-site
      the associations of two real pools
  asnatlas build pools/*.csv -o site-out -j 1
      one process (less memory, slower)
  asnatlas build jw01234_pool.csv --compare archive/ -o site-out
      also say, on every association page, whether archive/ holds the same association
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    from asnatlas.cli import add_jobs_argument, add_pool_arguments

    parser = subparsers.add_parser(
        "build", help="build the browsable reference site of pools",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("pools", nargs="*", metavar="POOL",
                        help="association pool files (default: the embedded samples)")
    parser.add_argument("-o", "--output", default="site-out", metavar="OUT",
                        help="folder to write the site into (default: site-out); replaced "
                             "only if it is empty or an earlier asnatlas site")
    parser.add_argument("--version-id", default=None, metavar="ID",
                        help="version tag in association file names (default: none, so "
                             "that two builds of the same pools are identical)")
    add_jobs_argument(parser, "pools generated, validated, explained and rendered side by "
                              "side, and Sphinx writers")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    parser.add_argument("--compare", metavar="DIR",
                        help="associations you have (e.g. from the archive, every *_asn.json "
                             "below DIR): each association page says whether DIR holds the "
                             "same one, a different one (with the differences, as asnatlas "
                             "diff finds them) or none; each pool page sums it up")
    add_pool_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from asnatlas import safeio, samples
    from asnatlas.cli import read_pool_from_args
    from asnatlas.web.build import BuildError, build

    pools = list(args.pools) or [str(samples.path(name)) for name in samples.names()]
    for path in pools:  # checked before any work (a pipe is read when its pool is built)
        if not os.path.exists(path):
            raise InputError("no such pool file", path)
        if os.path.isdir(path):
            raise InputError("is a directory, not a pool file", path)
    status = None if args.quiet else sys.stderr
    read_key = f"{args.pool_format}|{args.delimiter}"
    if args.compare is not None:
        from asnatlas.toolkit.compare import folder_digest

        read_key += f"|compare:{folder_digest(args.compare)}"
    try:
        report = build(pools, args.output, version_id=args.version_id, jobs=args.jobs,
                       read=lambda path: read_pool_from_args(path, args),
                       read_key=read_key, status=status, compare=args.compare)
    except BuildError as err:
        print(f"asnatlas: error: {visible(str(err))}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as err:  # ValueError: a NUL in a path
        raise InputError(safeio.describe(err, "cannot write the site:"), args.output) from None
    for warning in report.warnings:
        print(f"asnatlas: warning: {visible(warning)}", file=sys.stderr)
    if status is not None:
        phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report.timings.items())
        print(f"asnatlas: time: {phases}", file=status)
    print(f"{visible(str(report.out))}/index.html: {report.pools} pools, {report.associations} "
          f"associations, {report.exposures} exposures, {report.pages} pages "
          f"({report.changed} changed)")
    return 0

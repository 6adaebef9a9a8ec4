"""`asnatlas generate`: write the associations of a pool, as the DMS `asn_generate` does."""

from __future__ import annotations

import argparse
import os
import sys
import time

from asnatlas import RULES_VERSION
from asnatlas.cli import (
    add_jobs_argument,
    add_pool_arguments,
    exits_after_command,
    read_pool_from_args,
    sample_path,
)
from asnatlas.errors import InputError
from asnatlas.safetext import visible

HELP = "generate the associations of a pool (same files as jwst's asn_generate)"

DESCRIPTION = f"""\
Run the JWST DMS association rules (jwst {RULES_VERSION}) over an association pool and write
one JSON file per association. By default both candidate associations (oNNN, c1NNN) and
discovered whole-program associations (a3NNN) are made, as in DMS operations.

Files are written to a hidden staging folder and moved into place only when everything
succeeded: if a file cannot be moved, or the run is killed, the files moved so far are
taken back and the ones they replaced restored (a killed run is undone by the next run
into the same folder). Other files in the output folder are left alone; two runs into
the same folder take turns.
"""

EPILOG = """\
examples:
  asnatlas generate jw01234_20250101t000000_pool.csv -o asn/
      all candidates plus discovered associations, into asn/
  asnatlas generate pool.csv --version-id 20261123t000000 -o asn/
      names like jw01234-o001_20261123t000000_image3_00001_asn.json
  asnatlas generate pool.csv -i o001 c1000 --dry-run
      only the listed candidates; print what would be written
  asnatlas generate --sample imaging --dry-run
      run a pool that ships with asnatlas
  asnatlas generate big_pool.csv -o asn/ -j 1
      one process only (the default shares a large pool's work between 2)
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "generate", help=HELP, description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("pool", nargs="?", help="association pool file (pipe-separated table)")
    parser.add_argument("--sample", metavar="NAME",
                        help="use a built-in sample pool instead of a file")
    parser.add_argument("-o", "--output-dir", "-p", "--path", dest="output_dir", default=".",
                        metavar="DIR", help="folder to write the associations to (default: .)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("-i", "--ids", nargs="+", dest="candidate_ids", metavar="ID",
                      help="only these candidates (e.g. o001 c1000)")
    mode.add_argument("--discover", action="store_true",
                      help="only discovered associations not given by a candidate")
    mode.add_argument("--all-candidates", action="store_true",
                      help="only the candidate associations (no discovery)")
    parser.add_argument("--DMS", dest="dms", action="store_true",
                        help="DMS operations: with -i, also run the background candidates "
                             "of the requested exposures, then keep only the requested ids")
    parser.add_argument("--version-id", nargs="?", const=True, default=None, metavar="ID",
                        help="version tag in file names; without a value, the current time")
    add_pool_arguments(parser)
    parser.add_argument("--dry-run", action="store_true",
                        help="do everything but write files; list their names")
    parser.add_argument("--save-orphans", nargs="?", const="orphaned.csv", default=None,
                        metavar="FILE",
                        help="also write the exposures in no association to FILE "
                             "(in the output folder; default name orphaned.csv)")
    add_jobs_argument(parser, "a large pool's candidates are shared among forked "
                              "workers (the same files as one process)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    return parser


def _pool_path(args) -> str:
    if args.sample and args.pool:
        raise InputError("give a pool file or --sample NAME, not both")
    if args.sample:
        return sample_path(args.sample)
    if not args.pool:
        raise InputError("no pool given: asnatlas generate POOL (or --sample NAME)")
    return args.pool


#: The engine's objects of the run, kept until the process ends (see `generate`'s
#: `scratch`): the command exits without freeing them one by one (`asnatlas.cli.console`).
_SCRATCH: list = []


def run(args) -> int:
    from asnatlas.generate import generate

    path = _pool_path(args)
    started = time.perf_counter()
    pool = read_pool_from_args(path, args)
    if args.candidate_ids:
        _check_candidate_ids(pool, args.candidate_ids)
    if not args.quiet:
        print_pool_warnings(pool)
    show = not args.quiet and sys.stderr.isatty()

    def progress(label: str, step: int, total: int) -> None:
        if show:
            print(f"\r[{step}/{total}] {visible(label):<40}", end="", file=sys.stderr, flush=True)

    result = generate(
        pool,
        version_id=args.version_id,
        candidate_ids=args.candidate_ids,
        all_candidates=args.all_candidates,
        discover=args.discover,
        dms=args.dms,
        progress=progress,
        jobs=args.jobs,
        scratch=_SCRATCH if exits_after_command() else None,
    )
    if show:
        print("\r" + " " * 50 + "\r", end="", file=sys.stderr)
    # Texts are made by whichever process writes the file (see `safeio.commit_files`).
    files = {asn.filename: asn.to_json for asn in result.associations}
    if args.dry_run:
        for name in files:
            print(visible(name))
    else:
        orphans = None
        if args.save_orphans:
            orphans = (os.path.basename(args.save_orphans), _orphan_table(pool, result.orphans))
        _write_all(args.output_dir, files, orphans, args.jobs)
    if not args.quiet:
        seconds = time.perf_counter() - started
        where = "(dry run)" if args.dry_run else f"in {visible(args.output_dir)}"
        print(f"{len(files)} associations, {len(result.orphans)} orphaned exposures, "
              f"from {len(pool)} rows of {visible(pool.name)} {where} [{seconds:.2f} s]",
              file=sys.stderr)
    return 0


#: Warnings printed one by one before the rest are summarised by kind.
SHOWN_WARNINGS = 10


def print_pool_warnings(pool, file=None) -> None:
    """The pool's warnings on stderr, ``FILE:LINE: warning: ...``; many are summarised."""
    from collections import Counter

    from asnatlas.safetext import visible

    file = file or sys.stderr
    warnings = pool.warnings
    for warning in warnings[:SHOWN_WARNINGS]:
        where = f"{pool.path}:{warning.line}:" if warning.line else f"{pool.path}:"
        print(f"{visible(where)} warning: {visible(warning.message)}", file=file)
    rest = warnings[SHOWN_WARNINGS:]
    if rest:
        kinds = Counter(_kind(w.message) for w in rest)
        summary = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
        print(f"{visible(pool.path)}: warning: {len(rest)} more ({visible(summary)}); "
              "-q hides warnings", file=file)


def _kind(message: str) -> str:
    for kind in ("placeholder row", "no FILENAME", "is not a file name", "repeats"):
        if kind in message:
            return {"placeholder row": "placeholder rows", "no FILENAME": "rows without FILENAME",
                    "is not a file name": "rows whose FILENAME is not a file name",
                    "repeats": "repeated FILENAMEs"}[kind]
    return "other"


def _check_candidate_ids(pool, ids: list[str]) -> None:
    """`-i ID`: every requested candidate must be one the pool lists."""
    from asnatlas.generate import candidates_by_type
    from asnatlas.safetext import visible

    known = {cid for by_id in candidates_by_type(pool).values() for cid in by_id}
    unknown = [cid for cid in ids if cid not in known]
    if unknown:
        listed = ", ".join(sorted(known)[:20]) + (", ..." if len(known) > 20 else "")
        raise InputError(
            f"candidate{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(visible(c) for c in unknown)} not in the pool's ASN_CANDIDATE column "
            f"(its candidates: {listed or 'none'})", pool.path)


def _orphan_table(pool, orphans: list[int]) -> str:
    lines = ["|".join(pool.columns)]
    for index in orphans:
        row = pool.rows[index]
        lines.append("|".join(row.get(c, "null") for c in pool.columns))
    return "\n".join(lines) + "\n"


def _write_all(output_dir: str, files: dict, orphans: tuple[str, str] | None,
               jobs: int = 1) -> None:
    """Commit every file of the run into ``output_dir``, all or nothing (`asnatlas.safeio`)."""
    from asnatlas import safeio

    items = list(files.items())
    if orphans is not None:
        if orphans[0] in files:
            raise InputError(
                f"--save-orphans {visible(orphans[0])!r} is the name of an association this "
                "run writes; choose another name", output_dir)
        items.append(orphans)
    try:
        safeio.commit_files(output_dir, items, jobs)
    except (OSError, ValueError) as err:  # ValueError: a NUL in a path
        raise InputError(safeio.describe(err, "cannot write associations:"),
                         output_dir) from None
    except safeio.OutputError as err:
        raise InputError(str(err), output_dir) from None

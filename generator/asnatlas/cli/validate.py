"""``asnatlas validate``: check association files for syntax, schema and semantic mistakes."""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys

from asnatlas.errors import InputError

DESCRIPTION = """\
Check JWST association files before the pipeline sees them.

Each file goes through three layers: JSON syntax (trailing commas, comments, single
quotes, duplicate keys, NaN, byte-order marks, encodings), the association JSON Schemas
shipped with asnatlas, and semantic checks (member paths, duplicate members, naming
conventions, asn_id against the file name, Stage 2 files in Stage 3 products, unknown
keys, ...). Every problem has a stable code (see --list-codes), a line and column, the
JSON pointer of the field and a hint.

Errors are what the pipeline refuses or fails on (its own schemas require only products
with members, each member with expname and exptype; it names its outputs from each
product's name), or what would make it read or write outside its folder or hide
characters in a name. Warnings are what the
pipeline runs as meant but the ground system (DMS) would not have written: missing asn_id,
asn_pool, program, ..., names breaking the conventions, member paths, unknown keys.
--profile dms makes the ground-system warnings errors, for archive-grade files;
--strict makes every warning an error.

PATH may be a file, a folder (every *_asn.json below it, in sorted order) or - for
standard input. A file that cannot be read (permissions, a broken or looping link, a FIFO,
over --max-bytes) is reported as ASN020 and counted. Exit status: 0 = valid, 1 = problems
found (errors, or warnings with --strict), 2 = usage or I/O error (a file could not be
read), 3 = internal error (a bug: please report it).
"""

EPILOG = """\
examples:
  asnatlas validate jw01234-o001_20240101t120000_image3_00001_asn.json
  asnatlas validate asn/ --check-files       also check that member files exist
  asnatlas validate asn/ --format github     annotations for GitHub Actions
  asnatlas validate --profile dms asn/       archive-grade: ground-system fields required
  asnatlas validate --strict asn/            every warning is an error
  cat my_asn.json | asnatlas validate -      read standard input
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "validate",
        help="check association files (syntax, schema, semantics)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="association file, folder of *_asn.json files, or - for stdin")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text",
                        help="output: human text (default), a JSON list, or GitHub Actions "
                             "annotations")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings as errors: the file must also be what the ground "
                             "system writes (asn_id, asn_pool, program, target, ... present, "
                             "naming conventions kept)")
    parser.add_argument("--profile", choices=("pipeline", "dms"), default="pipeline",
                        help="pipeline (default): errors are what the pipeline refuses or "
                             "fails on; dms: also what the ground system writes (missing "
                             "asn_id, asn_pool, ..., naming conventions) is an error")
    parser.add_argument("--max-bytes", type=_positive, default=None, metavar="N",
                        help="largest file read (default: 64 MiB)")
    parser.add_argument("--check-files", action="store_true",
                        help="report members whose files are missing beside the association")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="text format: print only the summary line")
    parser.add_argument("--list-codes", action="store_true",
                        help="print the table of problem codes and exit")
    return parser


def run(args: argparse.Namespace) -> int:
    from asnatlas.validate import report
    from asnatlas.validate.api import (
        MAX_BYTES,
        Unreadable,
        read_association,
        unreadable_problem,
        validate_bytes,
    )
    from asnatlas.validate.codes import ERROR, dms_codes, table

    out = sys.stdout
    if args.list_codes:
        for code in table():
            out.write(f"{code.code}  {code.severity:<7}  {code.title}\n")
        return 0
    if not args.paths:
        raise InputError("validate: give at least one PATH (a file, a folder or -)")
    limit = args.max_bytes or MAX_BYTES
    files = _expand(args.paths)
    everything = []
    unreadable = 0
    for name, failure in files:
        label = "<stdin>" if name == "-" else name
        try:
            if failure is not None:
                raise failure
            raw = _read_stdin(limit) if name == "-" else read_association(name, limit)
        except Unreadable as err:
            problems = [unreadable_problem(label, err)]
            unreadable += 1
        else:
            path = None if name == "-" else name
            problems = validate_bytes(raw, label, path=path, check_files=args.check_files)
        raised = None if args.strict else dms_codes() if args.profile == "dms" else frozenset()
        for problem in problems:
            if raised is None or problem.code in raised:
                problem.severity = ERROR
        everything += problems
        if args.format == "text" and not args.quiet:
            for problem in problems:
                out.write(report.text_line(problem) + "\n")
        elif args.format == "github":
            for problem in problems:
                out.write(report.github_line(problem) + "\n")
    if args.format == "json":
        out.write(report.json_document(everything))
    elif args.format == "text":
        out.write(report.summary(len(files), everything, unreadable) + "\n")
    if unreadable:
        # The report says which; stderr says why the status is 2 (an I/O error).
        first = next(p for p in everything if p.code == "ASN020")
        more = f" (and {unreadable - 1} more, ASN020 above)" if unreadable > 1 else ""
        print(f"asnatlas: error: {report.shown(first.file)}: {first.message}{more}",
              file=sys.stderr)
        return 2
    return 1 if any(p.severity == ERROR for p in everything) else 0


def _read_stdin(limit: int) -> bytes:
    from asnatlas.validate.api import Unreadable

    stream = sys.stdin
    if stream is None:
        raise Unreadable("standard input is closed", "pipe a file in: asnatlas validate - < FILE")
    try:
        raw = stream.buffer.read(limit + 1)
    except OSError as err:
        raise Unreadable(f"standard input: {err.strerror or err}",
                         "pipe a file in: asnatlas validate - < FILE") from None
    if len(raw) > limit:
        raise Unreadable(f"standard input is over the limit of {limit} bytes",
                         "raise the limit with --max-bytes")
    return raw


def _expand(paths: list[str]) -> list[tuple[str, Exception | None]]:
    """Files to check, in order: folders expand to their ``*_asn.json`` entries, sorted.

    Every entry with that name is listed, whatever it is (a folder, a FIFO, a broken link),
    so that what cannot be read is reported rather than skipped; so is a subfolder that
    cannot be listed (paired with its `Unreadable` reason instead of None).
    """
    from asnatlas.validate.api import Unreadable

    files: list[tuple[str, Exception | None]] = []
    for name in paths:
        if name == "-" or not os.path.isdir(name):
            files.append((name, None))  # a missing or odd path is reported when it is read
            continue
        found: list[tuple[str, Exception | None]] = []
        failed: list[OSError] = []
        for folder, dirs, names in os.walk(name, onerror=failed.append):
            found += [(os.path.join(folder, n), None) for n in dirs + names
                      if fnmatch.fnmatchcase(n, "*_asn.json")]
        found += [(err.filename or name, Unreadable(
            f"cannot list the folder: {err.strerror or err}", "check its permissions"))
            for err in failed]
        if not found and fnmatch.fnmatchcase(os.path.basename(os.path.normpath(name)),
                                             "*_asn.json"):
            found = [(name, None)]  # meant as a file: reported as a folder that is no file
        if not found:
            raise InputError("no *_asn.json files in this folder", name)
        files += sorted(found, key=lambda item: item[0])
    return files


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of bytes, not {text!r}")
    return value

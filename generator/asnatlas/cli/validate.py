"""``asnatlas validate``: check association files for syntax, schema and semantic mistakes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from asnatlas.errors import InputError

DESCRIPTION = """\
Check JWST association files before the pipeline sees them.

Each file goes through three layers: JSON syntax (trailing commas, comments, single
quotes, duplicate keys, NaN, byte-order marks, encodings), the association JSON Schemas
shipped with asnatlas, and semantic checks (member paths, duplicate members, naming
conventions, asn_id against the file name, Stage 2 files in Stage 3 products, unknown
keys, ...). Every problem has a stable code (see --list-codes), a line and column, the
JSON pointer of the field and a hint.

PATH may be a file, a folder (every *_asn.json below it, in sorted order) or - for
standard input. Exit status: 0 = valid, 1 = problems found (errors, or warnings with
--strict), 2 = usage or I/O error.
"""

EPILOG = """\
examples:
  asnatlas validate jw01234-o001_20240101t120000_image3_00001_asn.json
  asnatlas validate asn/ --check-files       also check that member files exist
  asnatlas validate asn/ --format github     annotations for GitHub Actions
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
                        help="treat warnings as errors")
    parser.add_argument("--check-files", action="store_true",
                        help="report members whose files are missing beside the association")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="text format: print only the summary line")
    parser.add_argument("--list-codes", action="store_true",
                        help="print the table of problem codes and exit")
    return parser


def run(args: argparse.Namespace) -> int:
    from asnatlas.validate import report
    from asnatlas.validate.api import validate_bytes
    from asnatlas.validate.codes import ERROR, table

    out = sys.stdout
    if args.list_codes:
        for code in table():
            out.write(f"{code.code}  {code.severity:<7}  {code.title}\n")
        return 0
    if not args.paths:
        raise InputError("validate: give at least one PATH (a file, a folder or -)")
    files = _expand(args.paths)
    everything = []
    io_failed = False
    for name in files:
        try:
            if name == "-":
                raw, label, path = sys.stdin.buffer.read(), "<stdin>", None
            else:
                raw, label, path = Path(name).read_bytes(), name, name
        except OSError as err:
            print(f"asnatlas: error: {name}: cannot read: {err.strerror or err}",
                  file=sys.stderr)
            io_failed = True
            continue
        problems = validate_bytes(raw, label, path=path, check_files=args.check_files)
        if args.strict:
            for problem in problems:
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
        out.write(report.summary(len(files), everything) + "\n")
    if io_failed:
        return 2
    return 1 if any(p.severity == ERROR for p in everything) else 0


def _expand(paths: list[str]) -> list[str]:
    """Files to check, in order: folders expand to their ``*_asn.json`` files, sorted."""
    files: list[str] = []
    for name in paths:
        if name == "-":
            files.append(name)
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(str(p) for p in path.rglob("*_asn.json") if p.is_file())
            if not found:
                raise InputError("no *_asn.json files in this folder", name)
            files += found
        elif path.exists():
            files.append(name)
        else:
            raise InputError("no such file or folder", name)
    return files

"""The `asnatlas` command line: one module per subcommand, each with `add_parser` and `run`.

Each subcommand lives in `asnatlas.cli_<name>` and provides:

- ``add_parser(subparsers) -> argparse.ArgumentParser``: registers the subcommand;
- ``run(args) -> int``: does the work and returns the exit status.

Only subcommands that are built are listed in ``SUBCOMMANDS``; there are no placeholders.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from asnatlas import __version__
from asnatlas.errors import InputError

# Order is the order shown in --help.
SUBCOMMANDS: tuple[str, ...] = ("generate",)

DESCRIPTION = """\
asnatlas: JWST associations, generated, validated and explained.

An association pool lists every exposure of a JWST program; associations are the
JSON files that tell the calibration pipeline which exposures are processed together.
"""

EPILOG = """\
examples:
  asnatlas generate jw01234_pool.csv -o asn/     write the associations of a pool
  asnatlas generate --sample imaging --dry-run   list what a built-in sample gives

Run `asnatlas COMMAND --help` for the options and an example of each command.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asnatlas",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"asnatlas {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"asnatlas.cli_{name}")
        sub = module.add_parser(subparsers)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except InputError as err:
        print(f"asnatlas: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("asnatlas: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())

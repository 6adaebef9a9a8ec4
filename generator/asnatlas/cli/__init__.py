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
from typing import TYPE_CHECKING

from asnatlas import __version__
from asnatlas.errors import InputError

if TYPE_CHECKING:
    from asnatlas.pool import Pool

# Same as asnatlas.pool.DEFAULT_FORMAT; not imported so that commands that read no pool
# (validate, --help) import nothing of the pool reader.
DEFAULT_FORMAT = "ascii"
# asnatlas.pool.DEFAULT_MAX_BYTES, as the option shows it (a test checks they agree).
DEFAULT_MAX_POOL_SIZE = "512M"

# Order is the order shown in --help.
SUBCOMMANDS: tuple[str, ...] = ("generate", "validate", "build", "explain")

DESCRIPTION = """\
asnatlas: JWST associations, generated, validated and explained.

An association pool is a table listing every exposure of a JWST program, one row per
exposure file; associations are the JSON files that tell the calibration pipeline which
exposures it processes together (Stage 2: one exposure with its backgrounds; Stage 3:
every dither, mosaic tile or PSF reference of one target, combined into one product).
asnatlas writes the associations a pool gives, as the JWST ground system does, checks
association files, explains why each exposure went where it did, and builds a browsable
reference site.
"""

#: One example per subcommand, shown in the top-level help when the subcommand exists;
#: a subcommand module may set its own ``EXAMPLE`` string instead.
EXAMPLES: dict[str, str] = {
    "generate": "asnatlas generate jw01234_pool.csv -o asn/   write the associations of a pool",
    "validate": "asnatlas validate asn/                       check every *_asn.json in asn/",
    "build": "asnatlas build -o site-out                   build the site from the samples",
    "explain": "asnatlas explain jw01234_pool.csv FILENAME    why an exposure is where it is",
}

POOL_FORMAT_HELP = (
    "astropy format of the pool (default: ascii, the pipe-separated format of JWST pools; "
    "e.g. csv, ascii.ecsv, fits, votable)"
)


def epilog(examples: list[str]) -> str:
    """The top-level help's closing text: one example per available subcommand."""
    lines = ["examples:"]
    lines += [f"  {example}" for example in examples]
    lines += [
        "",
        "Run `asnatlas COMMAND --help` for the options and examples of each command.",
        "Errors in the input are reported on one line (FILE:LINE: what is wrong), exit status 2.",
    ]
    return "\n".join(lines) + "\n"


def add_pool_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every subcommand that reads a pool shares (--pool-format, --delimiter,
    --max-pool-size)."""
    parser.add_argument("--pool-format", default=DEFAULT_FORMAT, metavar="FORMAT",
                        help=POOL_FORMAT_HELP)
    parser.add_argument("-d", "--delimiter", default=None, metavar="CHAR",
                        help="column separator of the pool (default: '|' for ascii, ',' for csv)")
    parser.add_argument("--max-pool-size", default=DEFAULT_MAX_POOL_SIZE, metavar="SIZE",
                        help="refuse pools larger than SIZE, e.g. 2G or 800M; 0 for no limit "
                             f"(default: {DEFAULT_MAX_POOL_SIZE}; guards against endless "
                             "inputs such as /dev/zero)")


def sample_path(name: str) -> str:
    """The file of a built-in sample pool (`--sample NAME`), or an `InputError` naming them."""
    from asnatlas import samples

    if name not in samples.names():
        raise InputError(f"no sample pool {name!r}; samples: " + ", ".join(samples.names()))
    return str(samples.path(name))


def read_pool_from_args(path: str, args: argparse.Namespace) -> Pool:
    """Read ``path`` with the options of `add_pool_arguments`."""
    from asnatlas.pool import parse_size, read_pool

    delimiter = getattr(args, "delimiter", None)
    if delimiter == "\\t":  # typed on a shell command line as a backslash and a t
        delimiter = "\t"
    size = getattr(args, "max_pool_size", DEFAULT_MAX_POOL_SIZE)
    try:
        max_bytes = parse_size(size)
    except ValueError as err:
        raise InputError(f"--max-pool-size: {err}") from None
    return read_pool(path, delimiter=delimiter, fmt=getattr(args, "pool_format", DEFAULT_FORMAT),
                     max_bytes=max_bytes)


def _modules(only: str | None = None) -> list[tuple[str, object]]:
    modules = []
    for name in SUBCOMMANDS if only is None else (only,):
        try:
            modules.append((name, importlib.import_module(f"asnatlas.cli.{name}")))
        except ModuleNotFoundError as err:
            # A subcommand listed before its module is merged is simply not offered yet.
            if err.name != f"asnatlas.cli.{name}":
                raise
    return modules


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser; `only`: just that subcommand (its module alone imported)."""
    modules = _modules(only)
    parser = argparse.ArgumentParser(
        prog="asnatlas",
        description=DESCRIPTION,
        epilog=epilog([getattr(module, "EXAMPLE", None) or EXAMPLES[name]
                       for name, module in modules if name in EXAMPLES
                       or getattr(module, "EXAMPLE", None)]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"asnatlas {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for _name, module in modules:
        sub = module.add_parser(subparsers)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Running one command needs only its module: start-up stays small (the top-level
    # help and unknown commands still get the full parser).
    only = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    parser = build_parser(only)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
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

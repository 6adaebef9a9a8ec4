"""The `asnatlas` command line: one module per subcommand, each with `add_parser` and `run`.

Each subcommand lives in `asnatlas.cli.<name>` and provides:

- ``add_parser(subparsers) -> argparse.ArgumentParser``: registers the subcommand;
- ``run(args) -> int``: does the work and returns the exit status.
"""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import os
import sys
from typing import TYPE_CHECKING

from asnatlas import CODE_VERSION
from asnatlas.errors import AsnatlasError, InputError
from asnatlas.forked import usable_cpus
from asnatlas.safetext import visible

if TYPE_CHECKING:
    from asnatlas.pool import Pool

# Same as asnatlas.pool.DEFAULT_FORMAT; not imported so that commands that read no pool
# (validate, --help) import nothing of the pool reader.
DEFAULT_FORMAT = "ascii"
# asnatlas.pool.DEFAULT_MAX_BYTES, as the option shows it (a test checks they agree).
DEFAULT_MAX_POOL_SIZE = "512M"

#: Commands whose runs make many objects and few reference cycles (see `main`).
_NO_CYCLE_COLLECTION = ("generate", "explain", "validate")

# Order is the order shown in --help.
SUBCOMMANDS: tuple[str, ...] = ("generate", "validate", "build", "explain",
                                 "from-list", "edit", "gather", "make-pool", "diff")

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

#: One example per subcommand, shown in the top-level help;
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


#: Processes a command may use by default: two where the machine has them (what CI has).
DEFAULT_JOBS = min(2, usable_cpus())


def add_jobs_argument(parser: argparse.ArgumentParser, what: str) -> None:
    """``-j/--jobs N``: how many processes share the command's work."""
    parser.add_argument("-j", "--jobs", type=_jobs, default=DEFAULT_JOBS, metavar="N",
                        help=f"parallel processes: {what} (default: {DEFAULT_JOBS} on this "
                             "machine; 1 for none)")


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 1 or more: "
                                         f"{visible(text)!r}")
    return jobs


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
    # `from-list` lives in cli/from_list.py
    return [(name, importlib.import_module(f"asnatlas.cli.{name.replace('-', '_')}"))
            for name in (SUBCOMMANDS if only is None else (only,))]


class _Parser(argparse.ArgumentParser):
    """argparse, except that a failed write (``--help > /dev/full``) is not swallowed."""

    def _print_message(self, message: str, file=None) -> None:
        if message:
            (file or sys.stderr).write(message)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser; `only`: just that subcommand (its module alone imported)."""
    modules = _modules(only)
    parser = _Parser(
        prog="asnatlas",
        description=DESCRIPTION,
        epilog=epilog([getattr(module, "EXAMPLE", None) or EXAMPLES[name]
                       for name, module in modules if name in EXAMPLES
                       or getattr(module, "EXAMPLE", None)]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=CODE_VERSION)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for _name, module in modules:
        sub = module.add_parser(subparsers)
        sub.set_defaults(_run=module.run)
    return parser


#: Exit status of an unexpected internal error: distinct from 1 (problems found) and
#: 2 (usage or I/O), so that a crash never reads as "invalid input" in CI.
INTERNAL_ERROR = 3


class _ClosedStream:
    """Stands in for a standard stream the caller closed (Python sets it to None)."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "the stream is closed")

    def flush(self) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure ends as one line on stderr and an exit status."""
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    if sys.stderr is None:
        sys.stderr = _ClosedStream()
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        # Running one command needs only its module: start-up stays small (the top-level
        # help and unknown commands still get the full parser).
        only = argv[0] if argv and argv[0] in SUBCOMMANDS else None
        parser = build_parser(only)
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            parser.print_help(sys.stderr)
            return 2
        if _ENDS_WITH_COMMAND and only in _NO_CYCLE_COLLECTION:
            # The process ends with the command: the cyclic collector would only walk
            # the run's objects (half a second after a 10,000-row generate) to free
            # memory that exiting frees anyway.
            global _QUICK_EXIT
            _QUICK_EXIT = True
            gc.disable()
        status = int(args._run(args) or 0)
        sys.stdout.flush()  # a full disk or closed pipe shows here, not at interpreter exit
        return status
    except AsnatlasError as err:  # bad input, a name, a build: what asnatlas says on purpose
        _say(f"asnatlas: error: {visible(str(err))}")
        return 2
    except KeyboardInterrupt:
        _say("asnatlas: interrupted")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        _say("asnatlas: error: standard output was closed before all output was written")
        return 2
    except OSError as err:
        if err.filename is not None:  # a file the command did not turn into an InputError
            _say(f"asnatlas: error: {visible(str(err.filename))}: {err.strerror or err}")
            return 2
        if not _is_stdout_error(err):
            return _internal(err)
        _silence_stdout()
        _say(f"asnatlas: error: cannot write to standard output: {err.strerror or err}")
        return 2
    except SystemExit:  # --help, --version and usage errors: their output must get out too
        try:
            sys.stdout.flush()
        except OSError as err:
            _silence_stdout()
            _say(f"asnatlas: error: cannot write to standard output: {err.strerror or err}")
            return 2
        raise
    except Exception as err:  # noqa: BLE001 - the one place that turns a bug into a status
        return _internal(err)


def _internal(err: BaseException) -> int:
    if os.environ.get("ASNATLAS_DEBUG"):
        raise err
    text = visible(f"{type(err).__name__}: {err}")
    text = text if len(text) <= 200 else text[:197] + "..."
    _say(f"asnatlas: internal error ({text}); this is a bug: please report it to the "
         f"asnatlas developers with the command you ran (ASNATLAS_DEBUG=1 shows the traceback)")
    return INTERNAL_ERROR


def _is_stdout_error(err: OSError) -> bool:
    # No file name and one of these: a write to standard output (or stderr) failed.
    return err.errno in (errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    sys.stdout = _ClosedStream()


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr)
    except (OSError, ValueError):
        pass  # stderr is gone too: the exit status is all that is left


#: True while the command runs in a process that ends with it (`console`): `main` may
#: then skip work whose only use is a longer-lived caller.
_ENDS_WITH_COMMAND = False
_QUICK_EXIT = False  # set by `main` for the commands of `_NO_CYCLE_COLLECTION`


def exits_after_command() -> bool:
    """Whether the process ends right after this command without freeing its objects
    (`console`): what the command made may then be left for the exit."""
    return _QUICK_EXIT


def console() -> None:
    """The installed ``asnatlas`` command. After `generate`, `explain` and `validate` the
    process exits without the interpreter's teardown (freeing every object of a large
    run one by one took a tenth of its time); other commands exit normally."""
    global _ENDS_WITH_COMMAND
    _ENDS_WITH_COMMAND = True
    status = main()
    if not _QUICK_EXIT:
        sys.exit(status)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            if stream is sys.stdout and status == 0:
                status = 2  # output that could not be written is a failed command
    os._exit(status)


if __name__ == "__main__":
    console()

"""Getting a pool file's text: bounded reading, decompression, and what a binary file is.

The reference reads pools through astropy, which opens gzip, bzip2 and xz files as if
they were plain text; so do we. Every read is bounded by a size limit (after
decompression), so that ``/dev/zero``, an endless FIFO or a 10 GB file gives a one-line
error instead of filling memory.
"""

from __future__ import annotations

import os
import re
import stat

from asnatlas.errors import InputError

#: Default limit on a pool's size (after decompression): far above real pools (the
#: largest programs have tens of thousands of rows, ~50 MB), far below what exhausts memory.
DEFAULT_MAX_BYTES = 512 * 1024 * 1024

_CHUNK = 1 << 20

_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``"512M"``, ``"2G"``, ``"1000000"`` -> bytes; ``"0"`` means no limit. ValueError if not."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (e.g. 512M, 2G, 0 for no limit)")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def show_size(size: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} bytes"


def _too_big(path: str, limit: int, what: str) -> InputError:
    return InputError(
        f"{what} is larger than the pool size limit of {show_size(limit)}: not read "
        "(raise the limit with --max-pool-size SIZE, e.g. --max-pool-size 4G, or 0 for none)",
        path,
    )


def read_bytes(path: str, max_bytes: int | None = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes (decompressed if gzip, bzip2 or xz), at most `max_bytes` of them."""
    limit = max_bytes or None
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such pool file", path) from None
    except OSError as err:
        raise InputError(f"cannot read pool: {err.strerror or err}", path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory, not a pool file", path)
    if limit and stat.S_ISREG(info.st_mode) and info.st_size > limit:
        raise _too_big(path, limit, f"the file ({show_size(info.st_size)})")
    try:
        with _open(path, info) as handle:
            data = _read_bounded(handle, limit, path, "the file")
    except OSError as err:
        raise InputError(f"cannot read pool: {err.strerror or err}", path) from None
    return _decompress(path, data, limit)


#: Seconds a named pipe (``mkfifo``, ``<(command)``) may stay silent before we give up.
FIFO_WAIT = 30.0


def _open(path: str, info: os.stat_result):
    """The file opened for reading; a named pipe without a writer never blocks us: it is
    opened without waiting, then given `FIFO_WAIT` seconds to start sending."""
    if not stat.S_ISFIFO(info.st_mode):
        return open(path, "rb")
    import select

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not select.select([fd], [], [], FIFO_WAIT)[0]:
            raise InputError(f"a named pipe that nothing wrote to for {FIFO_WAIT:g} s: not read",
                             path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_bounded(handle, limit: int | None, path: str, what: str) -> bytes:
    chunks = bytearray()
    while True:
        chunk = handle.read(_CHUNK)
        if not chunk:
            return bytes(chunks)
        chunks += chunk
        if limit and len(chunks) > limit:
            raise _too_big(path, limit, what)


def _decompress(path: str, data: bytes, limit: int | None) -> bytes:
    if data[:3] == b"\x1f\x8b\x08":
        import gzip as module
    elif data[:3] == b"BZh":
        import bz2 as module
    elif data[:6] == b"\xfd7zXZ\x00":
        import lzma as module
    else:
        if data[:2] == b"\x1f\x9d":
            raise InputError("compressed with LZW (.Z): decompress it first", path)
        return data
    import io

    try:
        with module.open(io.BytesIO(data), "rb") as stream:
            return _read_bounded(stream, limit, path, "the decompressed pool")
    except (OSError, EOFError, ValueError) as err:
        raise InputError(f"cannot decompress pool ({module.__name__}): {err}", path) from None


# Binary table formats astropy reads for us: (signature test, name, --pool-format value).
_BINARY_FORMATS = (
    (lambda d: d.startswith(b"SIMPLE  =") or d.startswith(b"XTENSION="), "FITS", "fits"),
    (lambda d: d.startswith(b"\x89HDF\r\n\x1a\n"), "HDF5", "hdf5"),
    (lambda d: d.startswith(b"PAR1"), "Parquet", "parquet"),
    (lambda d: b"<votable" in d[:4096].lower() and d.lstrip()[:1] == b"<", "VOTable",
     "votable"),
)


def looks_like(data: bytes) -> tuple[str, str] | None:
    """(format name, --pool-format value) when the bytes are a known non-pipe table format."""
    for test, name, option in _BINARY_FORMATS:
        if test(data):
            return name, option
    return None


def decode(path: str, data: bytes) -> str:
    """UTF-8 text, as the reference reads it; FITS/VOTable/... get a --pool-format hint."""
    known = looks_like(data)
    if known is not None:
        name, option = known
        raise InputError(
            f"this looks like {name}, not a pipe-separated pool: use --pool-format {option}",
            path,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError(
            f"byte 0x{data[err.start]:02x} at byte offset {err.start} (column {column}) "
            "is not UTF-8; pools are UTF-8 text",
            path,
            line,
        ) from None

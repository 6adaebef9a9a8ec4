"""Writing files so that a failure, a kill or a second run never leaves half an output.

Every command that writes a user's files goes through here:

- `write_text_atomic`: one file, replaced whole or not at all;
- `commit_files`: a set of files into a folder (``generate -o DIR``): all of them or none,
  even when a move fails part-way or the run is killed (the next run undoes what the
  killed one left half-done);
- `publish_tree`: a folder swapped in for another (``build -o OUT``) with one atomic
  exchange where the OS has one, so OUT is always the old tree or the new one;
- `output_lock` / `locked_output`: one run at a time per output; a second one waits.

Staging folders are hidden and named after their kind; a run only touches them while it
holds the output's lock, so any it finds are left by a run that was killed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import inspect
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from asnatlas.safetext import visible

#: Prefix of the staging folders of `commit_files` (inside the output folder).
STAGING_PREFIX = ".asnatlas-staging-"
#: Staging folders of asnatlas 0.1 (``tempfile.mkdtemp(prefix=".asnatlas-")``): cleaned too.
_LEGACY_STAGING = re.compile(r"\.asnatlas-[a-z0-9_]{8}")
_JOURNAL = "journal"
_DONE = "done"
_NEW = "new"
_BACKUP = "backup"


class OutputError(Exception):
    """An output could not be written; the message is one line, made visible."""


def describe(err: BaseException, what: str = "cannot write") -> str:
    """One line for an `OSError` (or the `ValueError` of a NUL in a path)."""
    if isinstance(err, OSError):
        reason = err.strerror or str(err)
        name = err.filename if err.filename is not None else ""
        text = f"{what} {name}: {reason}" if name else f"{what}: {reason}"
    else:
        text = f"{what}: {err}"
    return visible(text)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``: the old file stays whole until the new one is
    (see `atomic_file`)."""
    with atomic_file(path) as fh:
        fh.write(text)


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, binary: bool = False):
    """A file to write that appears at ``path`` only once it is whole.

    What is written goes to a hidden temporary file in the same folder, renamed over
    ``path`` when the block ends; on any error (or a kill) the temporary file is removed
    (or left hidden) and ``path`` is untouched. An existing file keeps its permissions; a
    new one gets the usual ``0666 & ~umask`` (not the temporary file's private mode).
    """
    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o7777 if target.is_file() else None
    except OSError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode if mode is not None else 0o666 & ~current_umask())
        opened = (os.fdopen(fd, "wb") if binary
                  else os.fdopen(fd, "w", encoding="utf-8", newline=""))
        with opened as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def current_umask() -> int:
    """The process's umask (read by setting it, then restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- Locks --------------------------------------------------------------------------


def _holder(handle: IO[str]) -> str:
    try:
        handle.seek(0)
        text = handle.read().strip()
    except OSError:
        return ""
    return f" (pid {text})" if text.isdigit() else ""


@contextlib.contextmanager
def output_lock(lock_path: str | os.PathLike, label: str,
                on_wait: Callable[[str], None] | None = None,
                wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (created if needed) for the block.

    The lock is the kernel's (``flock``): a run that is killed releases it. When another
    run holds it, ``on_wait`` is told (one line naming ``label``) and this one waits,
    or, with ``wait=False``, an `OutputError` says so. ``lock_path`` may be a folder
    (locked in place: nothing is created) or a file.
    """
    path = os.fspath(lock_path)
    told = again = False
    while True:
        if os.path.isdir(path):
            fd = os.open(path, os.O_RDONLY)
            handle = None
        elif again:
            raise OutputError(f"{visible(label)} was removed while this run waited for "
                              "another one")
        else:
            handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (closed below)
            fd = handle.fileno()
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                who = _holder(handle) if handle is not None else ""
                message = f"another asnatlas run{who} is writing {visible(label)}"
                if not wait:
                    raise OutputError(f"{message}; try again when it has finished") from None
                if on_wait is not None and not told:
                    on_wait(f"{message}: waiting for it to finish")
                    told = True
                fcntl.flock(fd, fcntl.LOCK_EX)
                if handle is None and not _still_at(fd, path):
                    # The run we waited for put a new folder in place of the one locked
                    # (`commit_files` into a folder it made): lock that one instead.
                    again = True
                    continue
            if handle is not None:
                handle.seek(0)
                handle.truncate()
                handle.write(f"{os.getpid()}\n")
                handle.flush()
            yield
            return
        finally:
            if handle is not None:
                handle.close()  # closing releases the lock
            else:
                os.close(fd)


def _still_at(fd: int, path: str) -> bool:
    """Whether the folder open as ``fd`` is still the one at ``path``."""
    try:
        here = os.stat(path)
    except OSError:
        return False
    there = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _say_on_stderr(message: str) -> None:
    print(f"asnatlas: {message}", file=sys.stderr, flush=True)


def locked_output(lock_of: Callable[[Path], Path], argument: str = "out"):
    """Decorator: run the function holding the lock ``lock_of(Path(<argument>))``."""

    def decorate(function):
        signature = inspect.signature(function)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            out = Path(bound.arguments[argument]).absolute()
            out.parent.mkdir(parents=True, exist_ok=True)
            with output_lock(lock_of(out), str(out), on_wait=_say_on_stderr):
                return function(*args, **kwargs)

        return wrapper

    return decorate


# --- A set of files into a folder, all or nothing --------------------------------------


def check_name(name: str) -> None:
    """Refuse a file name that is not one plain name in its folder."""
    if (not name or name in (".", "..") or "/" in name or "\0" in name
            or name.startswith(STAGING_PREFIX) or (os.sep != "/" and os.sep in name)):
        raise OutputError(f"not a plain file name: {visible(name)!r}")


def _rollback(staging: Path, folder: Path) -> None:
    """Undo the moves a journal lists (newest first): replaced files come back from
    their backups, files that did not exist before are removed. Doing it twice does
    the same as doing it once."""
    journal = staging / _JOURNAL
    try:
        lines = journal.read_text("utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    for line in reversed(lines):
        if not line:
            continue
        # NAME: staged in new/ ("PART/NAME": in new/PART/, as earlier builds wrote).
        part, _, name = line.rpartition("/")
        staged = staging / _NEW / part / name if part else staging / _NEW / name
        backup = staging / _BACKUP / name
        if backup.exists():
            # The backup stays until the staging folder goes: a rollback killed half-way
            # can be done again from the start.
            restored = staging / "restoring"
            with contextlib.suppress(FileNotFoundError):
                os.unlink(restored)
            _keep(backup, restored)
            os.replace(restored, folder / name)
        elif not staged.exists():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / name)


def recover(folder: str | os.PathLike) -> int:
    """Finish what killed runs left in ``folder``: undo their half-done commits and remove
    their staging folders (and those beside ``folder`` in which a new output folder was
    being written). Call it only while holding the folder's lock. Returns the number of
    staging folders removed."""
    folder = Path(folder)
    removed = 0
    with os.scandir(folder) as entries:
        stale = [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False) and (
            e.name.startswith(STAGING_PREFIX) or _LEGACY_STAGING.fullmatch(e.name))]
    for staging in sorted(stale):
        if staging.name.startswith(STAGING_PREFIX) and not (staging / _DONE).exists():
            _rollback(staging, folder)
        shutil.rmtree(staging)
        removed += 1
    for staging in Swap(folder, _NEW_FOLDER).stale():
        # Nothing of it is in the output yet (or all of it is): removing it is all.
        # A run that has just swapped its folder in may be removing it too.
        shutil.rmtree(staging, ignore_errors=True)
        removed += 1
    return removed


#: Tag of the hidden folder beside an output folder `commit_files` made, in which its
#: files are written (``.NAME.asnatlas-new-XXXXXXXX``, see `Swap`).
_NEW_FOLDER = "asnatlas-new"


#: Test hooks: called with the number of files moved so far, before each move; and
#: before a folder of new files replaces the empty output folder this run made.
_before_move: Callable[[int], None] | None = None
_before_swap: Callable[[], None] | None = None


#: Below this many files one process writes them faster than forked helpers.
PARALLEL_MIN_FILES = 400

Text = str | Callable[[], str]  # a file's text, or a function that makes it


def commit_files(folder: str | os.PathLike, files: Iterable[tuple[str, Text]],
                 jobs: int = 1) -> None:
    """Write ``files`` (name, UTF-8 text) into ``folder``: all of them, or none.

    A text may be a function returning it, called once by whichever process writes the
    file: with ``jobs`` above 1, that many processes write (and make) the texts of many
    files side by side (forked helpers; the moves into place stay in this process).

    Files are written into a hidden staging folder first, then moved into place one by
    one, each replaced file kept as a hard link in the staging folder until the end. If
    a move fails, the moved files are taken back and the replaced ones restored; if the
    run is killed, the next `commit_files` (or `recover`) into the folder does the same.
    When this call makes ``folder``, the files are written in a hidden folder beside it
    instead, which then replaces the empty ``folder`` in one rename (no moves to make or
    undo). Other files in ``folder`` are left alone. Two runs into the same folder take
    turns. Raises `OSError` (or `OutputError` for a bad or repeated name).
    """
    folder = Path(folder)
    items = list(files)
    seen: set[str] = set()
    for name, _text in items:
        check_name(name)
        if name in seen:
            raise OutputError(f"two files named {visible(name)!r} in one run")
        seen.add(name)
    made = _make_folder(folder)
    with output_lock(folder, str(folder), on_wait=_say_on_stderr):
        recover(folder)
        beside = _beside_folder(folder) if made and _is_empty(folder) else None
        if beside is None:
            _commit_staged(folder, items, jobs)
            return
        try:
            written = _swap_in(folder, beside, items, jobs)
            if written is not None:  # the folder was not empty any more
                _commit_staged(folder, items, jobs, written)
        finally:
            shutil.rmtree(beside, ignore_errors=True)


def _make_folder(folder: Path) -> bool:
    """Make ``folder`` (and its parents); whether this call made it."""
    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        if not folder.is_dir():
            raise
        return False
    return True


def _beside_folder(folder: Path) -> Path | None:
    """A new hidden folder beside ``folder`` (None when its name would be too long: the
    files are then moved in one by one)."""
    try:
        return Swap(folder, _NEW_FOLDER).make()
    except OSError as err:
        if err.errno != errno.ENAMETOOLONG:
            raise
        return None


def _is_empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def _swap_in(folder: Path, beside: Path, items: list[tuple[str, Text]], jobs: int
             ) -> Path | None:
    """Write every file into ``beside/new``, then put that folder in place of the empty
    ``folder`` (one rename: a kill leaves the empty folder or the whole new one). Returns
    None when done, or the written folder when ``folder`` is no longer empty (something
    else wrote into it meanwhile): its files are then moved in one by one."""
    new = beside / _NEW
    new.mkdir()
    _write_staged(os.fspath(new), items, jobs)
    if _before_swap is not None:
        _before_swap()
    try:
        os.rename(new, folder)  # replaces an empty folder, fails on any other
    except OSError as err:
        if err.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        return new
    return None


def _commit_staged(folder: Path, items: list[tuple[str, Text]], jobs: int,
                   written: Path | None = None) -> None:
    """Stage the files in the folder (or take the already ``written`` ones) and move
    them in, undone on failure."""
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    try:
        _commit(folder, staging, items, jobs, written)
    except BaseException:
        # KeyboardInterrupt too: undo now rather than at the next run.
        _rollback(staging, folder)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)


def _commit(folder: Path, staging: Path, items: list[tuple[str, Text]], jobs: int,
            written: Path | None = None) -> None:
    new, backup = staging / _NEW, staging / _BACKUP
    if written is None:
        new.mkdir()
        _write_staged(os.fspath(new), items, jobs)
    else:
        os.rename(written, new)
    backup.mkdir()
    new_dir, folder_dir = os.fspath(new), os.fspath(folder)
    # The journal lists every file before the first move: undoing one not moved yet does
    # nothing (its staged file is still there, and it has no backup), so a kill at any
    # point is undone from it by the next run.
    with open(staging / _JOURNAL, "w", encoding="utf-8") as journal:
        journal.write("".join(f"{name}\n" for name, _text in items))
    with os.scandir(folder_dir) as entries:
        present = {entry.name for entry in entries}  # looked at closer below
    for moved, (name, _text) in enumerate(items):
        if _before_move is not None:
            _before_move(moved)
        target = os.path.join(folder_dir, name)
        status = None
        if name in present:
            with contextlib.suppress(FileNotFoundError):
                status = os.lstat(target)
        if status is not None:
            if stat.S_ISDIR(status.st_mode):
                raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", target)
            _keep(Path(target), backup / name)
        os.replace(os.path.join(new_dir, name), target)
    (staging / _DONE).touch()


def _write_staged(new_dir: str, items: list[tuple[str, Text]], jobs: int) -> None:
    """Every file into ``new_dir``, by ``jobs`` processes when there are many (each
    making the texts of every ``jobs``-th file: the texts cost as much as the files)."""
    from asnatlas import forked

    parts = jobs
    if jobs < 2 or len(items) < PARALLEL_MIN_FILES or not forked.can_fork():
        parts = 1
    if parts == 1:
        _write_files(new_dir, items)
    else:
        # A helper that fails leaves its files to this process.
        forked.share([items[k::parts] for k in range(parts)],
                     lambda part: _write_files(new_dir, part))


def _write_files(new_dir: str, items: list[tuple[str, Text]]) -> None:
    # Plain os calls on strings: with hundreds of files, pathlib and text-file objects
    # were a fifth of the writing time (the rest is the file system creating files).
    for name, text in items:
        data = (text if isinstance(text, str) else text()).encode("utf-8")
        fd = os.open(os.path.join(new_dir, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def _keep(target: Path, backup: Path) -> None:
    """Keep the file about to be replaced, without a moment where ``target`` is missing."""
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        if target.is_symlink():
            os.symlink(os.readlink(target), backup)
        else:
            shutil.copy2(target, backup)


# --- A folder swapped in whole ---------------------------------------------------------

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


@functools.cache
def _renameat2():
    import ctypes  # here: only site builds swap folders, and ctypes takes ms to import

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Swap ``a`` and ``b`` in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False where the OS or file system has no such call (nothing was changed).
    """
    function = _renameat2()
    if function is None:
        return False
    result = function(_AT_FDCWD, os.fsencode(os.fspath(a)), _AT_FDCWD,
                      os.fsencode(os.fspath(b)), _RENAME_EXCHANGE)
    if result == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(b))


@dataclass(frozen=True)
class Swap:
    """A hidden folder beside ``out`` in which a new ``out`` is staged before it takes
    ``out``'s place: ``.<out>.<tag>-XXXXXXXX`` (`publish_tree`: tag ``new``;
    `commit_files` into a folder it makes: ``asnatlas-new``)."""

    out: Path
    tag: str = "new"

    @property
    def prefix(self) -> str:
        return f".{self.out.name}.{self.tag}-"

    def make(self) -> Path:
        return Path(tempfile.mkdtemp(prefix=self.prefix, dir=self.out.parent))

    def stale(self) -> list[Path]:
        """Such folders left beside ``out`` (only names `make` gives: mkdtemp's 8
        characters, so another output's folders never match)."""
        name = re.compile(re.escape(self.prefix) + r"[a-z0-9_]{8}")
        try:
            with os.scandir(self.out.parent) as entries:
                return sorted(Path(e.path) for e in entries
                              if name.fullmatch(e.name) and e.is_dir(follow_symlinks=False))
        except OSError:  # gone, or a parent this user may not list: nothing of ours there
            return []


#: Test hook: called with a step name ("staged", "moved-old", "swapped") during a swap.
_swap_step: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if _swap_step is not None:
        _swap_step(name)


def recover_tree(out: str | os.PathLike, complete: Callable[[Path], bool]) -> None:
    """Clean what a killed `publish_tree` left beside ``out`` (call it holding the lock).

    If ``out`` is missing because the run was killed between the two renames of a swap
    without exchange, the tree it was replacing (or, if whole, the new one) is put back.
    ``complete(tree)`` says whether a staged tree is whole.
    """
    out = Path(out)
    for staging in Swap(out).stale():
        if not out.exists():
            for candidate in (staging / "site", staging / "old"):
                if candidate.is_dir() and complete(candidate):
                    os.replace(candidate, out)
                    break
        shutil.rmtree(staging)


def publish_tree(fill: Callable[[Path], None], out: str | os.PathLike,
                 complete: Callable[[Path], bool]) -> None:
    """Make ``out`` the tree ``fill(folder)`` writes, in one step.

    ``fill`` writes the new tree into a hidden folder beside ``out``; then the two are
    exchanged atomically (or, without an exchange call, ``out`` is moved aside and the new
    tree moved in: a kill between the two leaves what `recover_tree` restores). The old
    tree is removed last. Call it holding the output's lock.
    """
    out = Path(out)
    recover_tree(out, complete)
    staging = Swap(out).make()
    target = staging / "site"
    try:
        fill(target)
        _step("staged")
        if out.exists():
            if not exchange(target, out):
                os.replace(out, staging / "old")
                _step("moved-old")
                os.replace(target, out)
        else:
            os.replace(target, out)
        _step("swapped")
    except BaseException:
        old = staging / "old"
        if not out.exists() and old.exists():
            os.replace(old, out)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)


# --- A cache that a killed run may have left half-updated ------------------------------

_UNFINISHED = "unfinished"


def was_interrupted(cache: str | os.PathLike) -> bool:
    """Whether a run was killed while it updated ``cache`` (between `begin_update` and
    `end_update`): its content cannot be trusted."""
    return (Path(cache) / _UNFINISHED).exists()


def begin_update(cache: str | os.PathLike) -> None:
    """Mark ``cache`` as being updated; a kill leaves the mark behind."""
    Path(cache).mkdir(parents=True, exist_ok=True)
    (Path(cache) / _UNFINISHED).touch()


def end_update(cache: str | os.PathLike) -> None:
    """The update of ``cache`` is finished and consistent."""
    with contextlib.suppress(FileNotFoundError):
        (Path(cache) / _UNFINISHED).unlink()

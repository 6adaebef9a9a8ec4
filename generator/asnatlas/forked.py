"""Work shared with forked child processes, their output read back by the parent.

For work that splits into independent parts on a machine with several cores: a child
inherits everything (no start-up, nothing to send it), takes parts from shared
`Tasks`, writes what it computes to an unlinked temporary file as it goes and exits,
so its memory is freed before the parent reads. A child that fails, for any reason,
gives no output; the caller then does those parts itself (and so raises the same error,
with the same message, as a run without workers).
"""

from __future__ import annotations

import fcntl
import os
import pickle
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from typing import BinaryIO, TypeVar

Part = TypeVar("Part")
Result = TypeVar("Result")


def usable_cpus() -> int:
    """The CPUs this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin"  # macOS: fork is unsafe


class Tasks:
    """Task numbers ``0 .. count-1`` shared by a process and the children it forks: each
    is given once, to whichever process asks first. The parent takes them from the
    front, children from the back, so each process works through neighbouring tasks
    (which tend to share what they cache)."""

    def __init__(self, count: int) -> None:
        self.file = tempfile.TemporaryFile()
        os.pwrite(self.file.fileno(), _pair(0, count), 0)

    def take(self, from_back: bool = False) -> int | None:
        """The next task number, or None when every task is taken."""
        fd = self.file.fileno()
        fcntl.lockf(fd, fcntl.LOCK_EX)  # a POSIX lock: held per process, not per file
        try:
            data = os.pread(fd, 16, 0)
            front, back = int.from_bytes(data[:8], "little"), int.from_bytes(data[8:], "little")
            if front >= back:
                return None
            if from_back:
                back -= 1
                number = back
            else:
                number = front
                front += 1
            os.pwrite(fd, _pair(front, back), 0)
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN)
        return number

    def close(self) -> None:
        self.file.close()


def _pair(front: int, back: int) -> bytes:
    return front.to_bytes(8, "little") + back.to_bytes(8, "little")


class Child:
    """A forked child running ``work(out)``, which writes its output to ``out``; `result`
    waits for that output."""

    def __init__(self, work: Callable[[BinaryIO], None]) -> None:
        self.file = tempfile.TemporaryFile()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()  # what the parent buffered must not be written twice
            except (OSError, ValueError, AttributeError):
                pass
        parent = os.getpid()
        try:
            self.pid = os.fork()
        except OSError:  # no process to be had (EAGAIN, ENOMEM): a child that failed
            self.pid, self.started = 0, False
            return
        self.started = True
        if self.pid == 0:
            os._exit(self._serve(work, parent))

    def _serve(self, work: Callable[[BinaryIO], None], parent: int) -> int:
        try:
            _die_with_parent(parent)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            work(self.file)
            self.file.flush()
            return 0
        except BaseException:  # noqa: BLE001 - the parent redoes the work and reports
            return 1

    def result(self) -> bytes | None:
        """The child's output, or None when it failed (or could not be started)."""
        if not self.started:
            self.close()
            return None
        try:
            _pid, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
                return None
            self.file.seek(0)
            return self.file.read()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child if it still runs; free its file."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = 0
        self.file.close()


def share(parts: Sequence[Part], run: Callable[[Part], Result]) -> list[Result]:
    """``[run(part) for part in parts]``: the first part here, each other one in a forked
    child (its result pickled back). A child that fails: its part here, so an error is
    raised here as without children."""
    children = [Child(lambda out, part=part: pickle.dump(
        run(part), out, protocol=pickle.HIGHEST_PROTOCOL)) for part in parts[1:]]
    try:
        results = [run(parts[0])] if parts else []
        for child, part in zip(children, parts[1:], strict=True):
            data = child.result()
            results.append(pickle.loads(data) if data is not None else run(part))
        return results
    finally:
        for child in children:
            child.close()


def _die_with_parent(parent: int) -> None:
    """Linux: the child is killed when the parent dies (a killed run leaves no worker)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)

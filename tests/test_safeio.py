"""All or nothing on disk: `asnatlas.safeio` under failures, kills and concurrent runs.

Kills are real: a child Python process sets one of safeio's test hooks to SIGKILL itself
at a chosen point, then the folder is checked as the next run finds it, and after it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from asnatlas import safeio
from asnatlas.cli import main

HERE = Path(__file__).resolve().parent
IMAGING = HERE.parent / "generator" / "asnatlas" / "samples" / "imaging.csv"


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry below ``folder`` (hidden ones too): name -> content hash or "dir"."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        out[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def eighteen(tag: str) -> list[tuple[str, str]]:
    return [(f"f{n:02d}_asn.json", f"{tag} {n}\n") for n in range(18)]


@pytest.fixture
def folder(tmp_path) -> Path:
    """An output folder from an earlier run (6 of the 18 names) plus a file of the user's."""
    out = tmp_path / "asn"
    out.mkdir()
    for name, text in eighteen("old")[::3]:
        (out / name).write_text(text)
    (out / "notes.txt").write_text("mine")
    return out


def test_commit_writes_every_file_and_leaves_the_others(folder):
    safeio.commit_files(folder, eighteen("new"))
    for name, text in eighteen("new"):
        assert (folder / name).read_text() == text
    assert (folder / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_a_failure_on_the_13th_of_18_moves_changes_nothing(folder, monkeypatch):
    before = snapshot(folder)

    def fail(moved: int) -> None:
        if moved == 12:
            raise PermissionError(errno.EACCES, "Permission denied", str(folder / "f12"))

    monkeypatch.setattr(safeio, "_before_move", fail)
    with pytest.raises(PermissionError):
        safeio.commit_files(folder, eighteen("new"))
    assert snapshot(folder) == before


def test_a_failing_os_replace_is_rolled_back_too(folder, monkeypatch):
    before = snapshot(folder)
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 13:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        safeio.commit_files(folder, eighteen("new"))
    monkeypatch.setattr(os, "replace", real)
    assert snapshot(folder) == before


def _child(code: str, *args: str, wait: bool = True) -> subprocess.Popen | int:
    script = textwrap.dedent(code)
    process = subprocess.Popen([sys.executable, "-c", script, *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not wait:
        return process
    process.communicate(timeout=600)
    return process.returncode


# argv: folder, move to be killed at, and optionally a process count: with 2, enough more
# files that two processes write them.
KILL_DURING_COMMIT = """
import os, signal, sys
from asnatlas import safeio
at = int(sys.argv[2])
jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
def hook(moved):
    if moved == at:
        os.kill(os.getpid(), signal.SIGKILL)
safeio._before_move = hook
files = [(f"f{n:02d}_asn.json", f"new {n}\\n") for n in range(18)]
if jobs > 1:
    files += [(f"g{n:04d}_asn.json", f"more {n}\\n") for n in range(safeio.PARALLEL_MIN_FILES)]
safeio.commit_files(sys.argv[1], files, jobs=jobs)
"""


@pytest.mark.parametrize("at", [0, 7, 12, 17])
def test_a_kill_during_the_commit_is_undone_by_the_next_run(folder, at):
    before = snapshot(folder)
    assert _child(KILL_DURING_COMMIT, str(folder), str(at)) == -signal.SIGKILL
    # The killed run left its staging folder (and, for at > 0, some moved files).
    assert [p.name for p in folder.iterdir() if p.name.startswith(safeio.STAGING_PREFIX)]
    assert safeio.recover(folder) == 1
    assert snapshot(folder) == before
    # And a run after it writes everything.
    safeio.commit_files(folder, eighteen("new"))
    assert (folder / "f17_asn.json").read_text() == "new 17\n"


@pytest.mark.parametrize("at", [0, 5, 250])
def test_a_kill_during_a_commit_written_by_two_processes_is_undone(folder, at):
    """Two writers stage their files side by side: undone all the same."""
    before = snapshot(folder)
    assert _child(KILL_DURING_COMMIT, str(folder), str(at), "2") == -signal.SIGKILL
    staging = next(p for p in folder.iterdir() if p.name.startswith(safeio.STAGING_PREFIX))
    total = 18 + safeio.PARALLEL_MIN_FILES
    assert len(list((staging / "new").iterdir())) == total - at  # the rest moved in
    assert safeio.recover(folder) == 1
    assert snapshot(folder) == before


def test_a_journal_of_the_previous_layout_is_undone(folder):
    """A staging folder left by a killed run of the previous layout (each writer's files
    staged in new/PART/, the journal naming PART/NAME) is undone by this version."""
    before = snapshot(folder)
    staging = folder / (safeio.STAGING_PREFIX + "old")
    (staging / "new" / "0").mkdir(parents=True)
    (staging / "new" / "1").mkdir()
    (staging / "backup").mkdir()
    os.link(folder / "f00_asn.json", staging / "backup" / "f00_asn.json")
    (staging / "moved").write_text("moved in\n")  # moved, replacing an old file
    os.replace(staging / "moved", folder / "f00_asn.json")
    (folder / "f01_asn.json").write_text("moved in\n")  # moved, new
    (staging / "new" / "0" / "f02_asn.json").write_text("not moved yet\n")
    (staging / "journal").write_text("0/f00_asn.json\n1/f01_asn.json\n0/f02_asn.json\n")
    assert safeio.recover(folder) == 1
    assert snapshot(folder) == before


def test_the_next_commit_undoes_a_killed_one_itself(folder):
    assert _child(KILL_DURING_COMMIT, str(folder), "12") == -signal.SIGKILL
    safeio.commit_files(folder, [("other_asn.json", "x\n")])
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([n for n, _ in eighteen("old")[::3]] + ["notes.txt",
                                                                     "other_asn.json"])
    assert (folder / "f00_asn.json").read_text() == "old 0\n"


def test_a_killed_rollback_can_be_done_again(folder, monkeypatch):
    """Recovery itself killed half-way (simulated by failing it) loses nothing."""
    before = snapshot(folder)
    assert _child(KILL_DURING_COMMIT, str(folder), "15") == -signal.SIGKILL
    staging = next(p for p in folder.iterdir() if p.name.startswith(safeio.STAGING_PREFIX))
    real = os.replace
    count = []

    def replace(src, dst):
        count.append(1)
        if len(count) == 3:
            raise OSError(errno.EIO, "simulated kill")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        safeio.recover(folder)
    monkeypatch.setattr(os, "replace", real)
    assert staging.exists()
    safeio.recover(folder)
    assert snapshot(folder) == before


def test_legacy_staging_folders_are_removed(folder):
    legacy = folder / ".asnatlas-ab12cd_9"
    legacy.mkdir()
    (legacy / "jw_asn.json").write_text("{}")
    safeio.commit_files(folder, eighteen("new"))
    assert not legacy.exists()


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "a\0b", ".asnatlas-staging-x"])
def test_names_that_are_not_plain_file_names_are_refused(folder, name):
    before = snapshot(folder)
    with pytest.raises(safeio.OutputError):
        safeio.commit_files(folder, [("ok_asn.json", "{}"), (name, "x")])
    assert snapshot(folder) == before


def test_a_repeated_name_is_refused(folder):
    with pytest.raises(safeio.OutputError, match="two files named"):
        safeio.commit_files(folder, [("a.json", "1"), ("a.json", "2")])


HOLD_LOCK = """
import sys, time
from pathlib import Path
from asnatlas import safeio
with safeio.output_lock(sys.argv[1], "the output"):
    Path(sys.argv[2]).write_text("locked")
    time.sleep(float(sys.argv[3]))
"""


def _hold(lock: Path, ready: Path, seconds: float) -> subprocess.Popen:
    process = _child(HOLD_LOCK, str(lock), str(ready), str(seconds), wait=False)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return process


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_a_second_run_waits_for_the_lock_or_refuses(tmp_path, kind):
    lock = tmp_path / ("out" if kind == "folder" else ".out.lock")
    if kind == "folder":
        lock.mkdir()
    holder = _hold(lock, tmp_path / "ready", 2.0)
    with pytest.raises(safeio.OutputError, match="another asnatlas run.* is writing"):
        with safeio.output_lock(lock, "the output", wait=False):
            pass
    told = []
    started = time.monotonic()
    with safeio.output_lock(lock, "the output", on_wait=told.append):
        # Not before the holder's 2 s with the lock were over.
        assert time.monotonic() - started > 1.0
    assert told and "waiting for it to finish" in told[0]
    holder.communicate()


def test_a_killed_holder_releases_the_lock(tmp_path):
    holder = _hold(tmp_path, tmp_path / "ready", 600)
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    with safeio.output_lock(tmp_path, "x", wait=False):
        pass


def test_exchange_swaps_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not safeio.exchange(a, b):
        pytest.skip("this OS or file system has no atomic exchange (renameat2)")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


# --- publish_tree: killed at every step, with and without the exchange call ------------

KILL_DURING_PUBLISH = """
import os, signal, sys
from pathlib import Path
from asnatlas import safeio
out, step, exchange = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "yes"
if not exchange:
    safeio.exchange = lambda a, b: False
def hook(name):
    if name == step:
        os.kill(os.getpid(), signal.SIGKILL)
safeio._swap_step = hook
def fill(target):
    target.mkdir()
    for n in range(50):
        (target / f"page{n}.html").write_text("new")
    (target / "MARK").write_text("whole")
safeio.publish_tree(fill, out, lambda tree: (tree / "MARK").exists())
"""


def _old_site(out: Path) -> None:
    out.mkdir()
    for n in range(40):
        (out / f"page{n}.html").write_text("old")
    (out / "MARK").write_text("whole")


def _state(out: Path) -> str:
    pages = {p.read_text() for p in out.glob("page*.html")}
    count = len(list(out.glob("page*.html")))
    if pages == {"old"} and count == 40:
        return "old"
    if pages == {"new"} and count == 50:
        return "new"
    return f"broken: {count} pages {pages}"


# With an exchange call there is no "moved-old" step: the swap is one step.
@pytest.mark.parametrize(("step", "exchange"), [
    ("staged", "yes"), ("swapped", "yes"), ("staged", "no"), ("moved-old", "no"),
    ("swapped", "no")])
def test_a_kill_during_publish_leaves_the_old_or_the_new_tree(tmp_path, step, exchange):
    out = tmp_path / "out"
    _old_site(out)
    assert _child(KILL_DURING_PUBLISH, str(out), step, exchange) == -signal.SIGKILL
    complete = lambda tree: (tree / "MARK").exists()  # noqa: E731
    if exchange == "no" and step == "moved-old":
        # The one moment without an exchange call: OUT is aside, the next run restores it.
        assert not out.exists()
        safeio.recover_tree(out, complete)
    assert _state(out) in ("old", "new")
    assert _state(out) == ("old" if step == "staged" else "new")
    safeio.recover_tree(out, complete)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.new-")] == []


# --- The commands: generate -o DIR and build -o OUT -----------------------------------


def _generate(tmp_path, capsys, *args: str) -> tuple[int, str]:
    code = main(["generate", str(IMAGING), "-q", *args])
    err = capsys.readouterr().err
    return code, err


def test_generate_refuses_an_orphan_file_named_like_an_association(tmp_path, capsys):
    out = tmp_path / "asn"
    code, err = _generate(tmp_path, capsys, "-o", str(out), "--save-orphans",
                          "jw90101-o001_image2_00001_asn.json")
    assert code == 2 and "is the name of an association this run writes" in err
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("make", ["proc", "file-as-folder", "enospc", "erofs", "nul"])
def test_generate_turns_every_os_error_into_one_line(tmp_path, capsys, monkeypatch, make):
    out = str(tmp_path / "asn")
    if make == "proc":
        out = "/proc/asnatlas-test/asn"
    elif make == "file-as-folder":
        (tmp_path / "file").write_text("x")
        out = str(tmp_path / "file" / "asn")
    elif make in ("enospc", "erofs"):
        code = errno.ENOSPC if make == "enospc" else errno.EROFS

        def fail(moved):
            if moved == 3:
                raise OSError(code, os.strerror(code), out)

        # A new folder gets its files in one rename, an existing one by moves.
        monkeypatch.setattr(safeio, "_before_move", fail)
        monkeypatch.setattr(safeio, "_before_swap", lambda: fail(3))
    elif make == "nul":  # not possible from a shell, possible from a program
        out = str(tmp_path / "a\0b")
    status, err = _generate(tmp_path, capsys, "-o", out)
    assert status == 2, err
    assert err.startswith("asnatlas: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    if make in ("enospc", "erofs"):
        assert not any(Path(out).glob("*_asn.json"))


BUILD_KILLED = """
import os, signal, sys
from asnatlas import safeio
from asnatlas.cli import main
step = sys.argv[1]
if sys.argv[2] == "no":
    safeio.exchange = lambda a, b: False
def hook(name):
    if name == step:
        os.kill(os.getpid(), signal.SIGKILL)
safeio._swap_step = hook
sys.exit(main(["build", "-q", "-j", "1", "-o", sys.argv[3], *sys.argv[4:]]))
"""


def _site_state(out: Path) -> str:
    return "+".join(sorted(p.parent.name for p in (out / "pools").glob("*/index.html")))


def test_build_killed_between_the_two_renames_is_restored_by_the_next_build(tmp_path):
    """Without an exchange call, the worst moment: killed with OUT moved aside."""
    pool_a, pool_b = tmp_path / "alpha.csv", tmp_path / "beta.csv"
    pool_a.write_text(IMAGING.read_text())
    pool_b.write_text(IMAGING.read_text())
    out = tmp_path / "site"
    assert main(["build", "-q", "-j", "1", "-o", str(out), str(pool_a)]) == 0
    assert _site_state(out) == "alpha"
    status = _child(BUILD_KILLED, "moved-old", "no", str(out), str(pool_a), str(pool_b))
    assert status == -signal.SIGKILL
    assert not out.exists()  # what the next run must repair
    assert main(["build", "-q", "-j", "1", "-o", str(out), str(pool_a), str(pool_b)]) == 0
    assert _site_state(out) == "alpha+beta"
    assert (out / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.new-")] == []


def test_build_killed_after_the_exchange_leaves_the_new_site(tmp_path):
    if not safeio.exchange(tmp_path, tmp_path):
        pytest.skip("this OS or file system has no atomic exchange (renameat2)")
    out = tmp_path / "site"
    assert main(["build", "-q", "-j", "1", "-o", str(out), str(IMAGING)]) == 0
    pool_b = tmp_path / "beta.csv"
    pool_b.write_text(IMAGING.read_text())
    status = _child(BUILD_KILLED, "swapped", "yes", str(out), str(pool_b))
    assert status == -signal.SIGKILL
    assert _site_state(out) == "beta"
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".site.new-")]
    assert leftovers  # the old site, not yet removed...
    assert main(["build", "-q", "-j", "1", "-o", str(out), str(pool_b)]) == 0
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".site.new-")] == []


BUILD_HELD = """
import sys, time
from pathlib import Path
from asnatlas import safeio
from asnatlas.cli import main
ready, release = Path(sys.argv[1]), Path(sys.argv[2])
def hook(name):
    if name == "staged":  # hold the lock, the new site staged, until the test says so
        ready.write_text("staged")
        deadline = time.monotonic() + 300
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
safeio._swap_step = hook
sys.exit(main(["build", "-q", "-j", "1", "-o", *sys.argv[3:]]))
"""


def test_two_builds_into_one_output_take_turns(tmp_path):
    out = tmp_path / "site"
    pool_b = tmp_path / "beta.csv"
    pool_b.write_text(IMAGING.read_text())
    ready, release = tmp_path / "ready", tmp_path / "release"
    first = _child(BUILD_HELD, str(ready), str(release), str(out), str(IMAGING), wait=False)
    deadline = time.monotonic() + 300
    while not ready.exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    second = subprocess.Popen([sys.executable, "-m", "asnatlas", "build", "-j", "1", "-o",
                               str(out), str(pool_b)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    first_line = second.stderr.readline()
    assert "is writing" in first_line and "waiting for it to finish" in first_line
    assert not out.exists()  # the first has not published yet; the second waits
    release.write_text("go")
    _, first_err = first.communicate(timeout=600)
    _, second_err = second.communicate(timeout=600)
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second_err
    # The second build ran after the first published: one whole site, the second's.
    assert _site_state(out) == "beta"
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("where", ["/proc/asnatlas-test/site", "file/site"])
def test_build_turns_an_os_error_into_one_line(tmp_path, capsys, where):
    (tmp_path / "file").write_text("x")
    out = where if where.startswith("/") else str(tmp_path / where)
    assert main(["build", "-q", "-o", out, str(IMAGING)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("asnatlas: error: ") and err.count("\n") == 1, err


KILLED_IN_SPHINX = """
import os, signal, sys
from asnatlas.web import build as site_build
from asnatlas.cli import main
real = site_build.run_sphinx
def run_sphinx(*args, **kwargs):
    real(*args, **kwargs)  # the cache is updated...
    os.kill(os.getpid(), signal.SIGKILL)  # ...and the run dies before publishing
site_build.run_sphinx = run_sphinx
sys.exit(main(["build", "-q", "-j", "1", "-o", *sys.argv[1:]]))
"""


def test_build_killed_before_publishing_keeps_the_old_site_and_drops_the_cache(tmp_path):
    from asnatlas.web import build as site_build

    out = tmp_path / "site"
    assert main(["build", "-q", "-j", "1", "-o", str(out), str(IMAGING)]) == 0
    before = snapshot(out)
    pool_b = tmp_path / "beta.csv"
    pool_b.write_text(IMAGING.read_text())
    assert _child(KILLED_IN_SPHINX, str(out), str(pool_b)) == -signal.SIGKILL
    assert snapshot(out) == before
    assert safeio.was_interrupted(site_build.cache_dir(out))
    assert main(["build", "-q", "-j", "1", "-o", str(out), str(pool_b)]) == 0
    assert _site_state(out) == "beta"
    assert not safeio.was_interrupted(site_build.cache_dir(out))


def test_atomic_write_gives_a_new_file_the_usual_mode_and_keeps_an_existing_one(tmp_path):
    new = tmp_path / "new_asn.json"
    safeio.write_text_atomic(new, "{}")
    assert new.stat().st_mode & 0o777 == 0o666 & ~safeio.current_umask()
    kept = tmp_path / "kept_asn.json"
    kept.write_text("old")
    kept.chmod(0o640)
    safeio.write_text_atomic(kept, "new")
    assert kept.read_text() == "new" and kept.stat().st_mode & 0o777 == 0o640


# --- A folder the run makes: written beside it, swapped in with one rename --------------


def _beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_a_new_folder_gets_every_file_in_one_rename(tmp_path, monkeypatch):
    out = tmp_path / "made" / "asn"
    moves = []
    monkeypatch.setattr(safeio, "_before_move", moves.append)
    safeio.commit_files(out, eighteen("new"), jobs=2)
    assert {p.name: p.read_text() for p in out.iterdir()} == dict(eighteen("new"))
    assert moves == [] and _beside(out) == []
    # Into the same folder again it exists: the files are moved in one by one.
    safeio.commit_files(out, eighteen("again"))
    assert len(moves) == 18 and (out / "f03_asn.json").read_text() == "again 3\n"


def test_a_new_folder_with_a_name_too_long_for_the_hidden_one_beside_it(tmp_path):
    out = tmp_path / ("a" * 250)  # ".NAME.asnatlas-new-XXXXXXXX" would be over 255 bytes
    safeio.commit_files(out, eighteen("new"))
    assert {p.name: p.read_text() for p in out.iterdir()} == dict(eighteen("new"))
    assert _beside(out) == []


KILL_BEFORE_SWAP = """
import os, signal, sys
from asnatlas import safeio
safeio._before_swap = lambda: os.kill(os.getpid(), signal.SIGKILL)
files = [(f"f{n:02d}_asn.json", f"new {n}\\n") for n in range(18)]
files += [(f"g{n:04d}_asn.json", "more\\n") for n in range(int(sys.argv[2]))]
safeio.commit_files(sys.argv[1], files, jobs=2)
"""


@pytest.mark.parametrize("more", [0, safeio.PARALLEL_MIN_FILES])
def test_a_kill_before_the_swap_leaves_the_new_folder_empty(tmp_path, more):
    out = tmp_path / "asn"
    assert _child(KILL_BEFORE_SWAP, str(out), str(more)) == -signal.SIGKILL
    assert out.is_dir() and list(out.iterdir()) == []
    assert len(_beside(out)) == 1  # every file written, none in the output
    # The next run cleans it up and writes into the (now existing) folder.
    safeio.commit_files(out, eighteen("next"))
    assert _beside(out) == [] and len(list(out.iterdir())) == 18


def test_a_file_put_in_the_new_folder_meanwhile_is_kept(tmp_path, monkeypatch):
    """Something writing into the folder without the lock: the rename cannot replace a
    folder that is not empty, so the files are moved in one by one instead."""
    out = tmp_path / "asn"
    monkeypatch.setattr(safeio, "_before_swap", lambda: (out / "theirs.txt").write_text("x"))
    safeio.commit_files(out, eighteen("new"))
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [n for n, _ in eighteen("new")] + ["theirs.txt"])
    assert _beside(out) == []


REPLACE_WHILE_LOCKED = """
import os, sys, time
from pathlib import Path
from asnatlas import safeio
out = Path(sys.argv[1])
with safeio.output_lock(out, "the output"):
    Path(sys.argv[2]).write_text("locked")
    time.sleep(1.0)
    (out.parent / "fresh").mkdir()
    os.rename(out.parent / "fresh", out)
"""

TRY_LOCK = """
import sys
from asnatlas import safeio
try:
    with safeio.output_lock(sys.argv[1], "the output", wait=False):
        print("got it")
except safeio.OutputError:
    print("refused")
"""


def test_a_run_waiting_for_a_folder_that_is_replaced_locks_the_new_one(tmp_path):
    out = tmp_path / "asn"
    out.mkdir()
    holder = _child(REPLACE_WHILE_LOCKED, str(out), str(tmp_path / "ready"), wait=False)
    deadline = time.monotonic() + 60
    while not (tmp_path / "ready").exists():
        assert holder.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    old = os.stat(out).st_ino
    with safeio.output_lock(out, "the output"):
        assert os.stat(out).st_ino != old  # replaced while this one waited
        third = _child(TRY_LOCK, str(out), wait=False)
        assert third.communicate(timeout=60)[0].strip() == "refused"
    holder.communicate(timeout=60)

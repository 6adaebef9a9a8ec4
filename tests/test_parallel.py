"""Forked workers (generate -j, explain -j, the file writer) change nothing but the time.

Every comparison runs the same pool with one process and with workers, the workers forced
on for small pools (their thresholds set to zero), and requires the same files, orphans and
member rows; workers that fail, are killed, or hit a bad value give what one process gives.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import conformance_pools

from asnatlas import forked, safeio, samples
from asnatlas import generate as generate_module
from asnatlas.engine import handoff
from asnatlas.errors import InputError, UnusableValue
from asnatlas.explain import explain_pool
from asnatlas.explain import explainer as explainer_module
from asnatlas.generate import generate
from asnatlas.pool import read_pool
from asnatlas.rules import all_rules, can_write

VERSION = "20261123t000000"
REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="this platform cannot fork")


def _synthetic(tmp_path_factory, rows: int) -> Path:
    spec = importlib.util.spec_from_file_location(
        "make_synthetic_pool", REPO / "benchmarks" / "make_synthetic_pool.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module.write_pool(tmp_path_factory.mktemp("synthetic") / "jw91001_pool.csv", rows, 3)


@pytest.fixture(scope="module")
def synthetic_pool(tmp_path_factory) -> Path:
    return _synthetic(tmp_path_factory, 1500)


@pytest.fixture
def always_fork(monkeypatch):
    monkeypatch.setattr(generate_module, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(explainer_module, "PARALLEL_MIN_ROWS", 2)
    monkeypatch.setattr(safeio, "PARALLEL_MIN_FILES", 0)


def outcome(result) -> tuple:
    return ([a.filename for a in result.associations],
            [a.to_json() for a in result.associations],
            [a.member_rows for a in result.associations],
            result.orphans)


def _pools() -> list:
    paths = [samples.path(name) for name in samples.names()] + conformance_pools()
    return [pytest.param(p, id=Path(p).stem) for p in paths]


@pytest.mark.parametrize("pool_path", _pools())
def test_workers_give_the_same_associations(pool_path, always_fork):
    pool = read_pool(str(pool_path))
    alone = outcome(generate(pool, version_id=VERSION))
    assert outcome(generate(pool, version_id=VERSION, jobs=2)) == alone
    assert outcome(generate(pool, version_id=VERSION, jobs=3)) == alone


@pytest.mark.parametrize("mode", [{"discover": True}, {"all_candidates": True},
                                  {"candidate_ids": ["o001", "c1000"]}])
@pytest.mark.parametrize("name", samples.names())
def test_workers_in_every_mode(name, mode, always_fork):
    pool = read_pool(str(samples.path(name)))
    if "candidate_ids" in mode:
        known = {c for ids in generate_module.candidates_by_type(pool).values() for c in ids}
        mode = {"candidate_ids": [c for c in mode["candidate_ids"] if c in known] or None}
    assert outcome(generate(pool, jobs=2, **mode)) == outcome(generate(pool, **mode))


@pytest.mark.parametrize("name", samples.names())
def test_workers_hand_back_shared_states(name, always_fork, monkeypatch):
    """Large pools' finished associations share read-only states: a worker's pickled
    associations come back the same."""
    pool = read_pool(str(samples.path(name)))
    alone = outcome(generate(pool, version_id=VERSION))
    monkeypatch.setattr(generate_module, "SHARE_STATES_MIN_ROWS", 0)
    assert outcome(generate(pool, version_id=VERSION, jobs=2)) == alone


def test_workers_on_a_large_program(synthetic_pool):
    """Without forcing: a 1,500-row program is large enough for workers by default."""
    pool = read_pool(str(synthetic_pool))
    assert generate_module._jobs_for(
        [(c, t) for t, ids in generate_module.candidates_by_type(pool).items() for c in ids],
        generate_module._CandidatePasses(pool, generate_module._default_rules(), None, True),
        len(pool.rows), 2) == 2
    assert outcome(generate(pool, jobs=2)) == outcome(generate(pool))


def _raise() -> None:
    raise RuntimeError("a worker failing")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("sample", ["imaging", "spectroscopy"])
@pytest.mark.parametrize("mishap", [_raise, _die], ids=["raises", "killed"])
def test_a_failing_or_killed_worker_is_redone_here(always_fork, monkeypatch, mishap, sample):
    parent = os.getpid()
    real = handoff.Writer.add

    def add(self, *args):
        if os.getpid() != parent:
            mishap()
        return real(self, *args)

    monkeypatch.setattr(handoff.Writer, "add", add)
    pool = read_pool(str(samples.path(sample)))
    assert outcome(generate(pool, jobs=2)) == outcome(generate(pool))


@pytest.mark.parametrize("bad", [("first",), ("last",), ("first", "last")])
def test_a_bad_value_gives_the_same_error(always_fork, monkeypatch, bad):
    """The error of the first failing pass in pass order, whichever process ran it."""
    pool = read_pool(str(samples.path("imaging")))
    work = [c for ids in generate_module.candidates_by_type(pool).values() for c in ids]
    failing = {"first": work[0], "last": work[-1]}
    failing = {failing[b] for b in bad}
    real = generate_module._CandidatePasses.run

    def run(self, cid, ctype):
        if cid in failing:
            raise UnusableValue(pool.rows[work.index(cid)], "exp_type", "x",
                                f"a bad value in candidate {cid}")
        return real(self, cid, ctype)

    monkeypatch.setattr(generate_module._CandidatePasses, "run", run)
    messages = []
    for jobs in (1, 2):
        with pytest.raises(InputError) as caught:
            generate(pool, jobs=jobs)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert f"candidate {work[0] if 'first' in bad else work[-1]}" in messages[0]


def test_tasks_are_given_once_front_and_back():
    tasks = forked.Tasks(50)
    child = forked.Child(lambda out: out.write(bytes(
        n for n in iter(lambda: tasks.take(from_back=True), None))))
    mine = list(iter(tasks.take, None))
    theirs = list(child.result() or b"")
    tasks.close()
    assert sorted(mine + theirs) == list(range(50))
    assert mine == sorted(mine) and theirs == sorted(theirs, reverse=True)


def test_a_child_that_fails_gives_no_result():
    def fail(_out):
        raise ValueError("no")

    assert forked.Child(fail).result() is None
    assert forked.Child(lambda out: out.write(b"fine")).result() == b"fine"


def test_files_written_by_helpers_are_the_same(tmp_path, always_fork, monkeypatch):
    files = [(f"f{i:03d}.json", f"text {i}\n" * (i % 7)) for i in range(60)]
    files += [("lazy.json", lambda: "made by whoever writes it\n")]
    safeio.commit_files(tmp_path / "one", files)
    safeio.commit_files(tmp_path / "two", files, jobs=3)
    parent = os.getpid()
    real = safeio._write_files

    def write(folder, items):
        if os.getpid() != parent:
            raise OSError("a helper failing")
        real(folder, items)

    monkeypatch.setattr(safeio, "_write_files", write)
    safeio.commit_files(tmp_path / "three", files, jobs=2)
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    for other in ("two", "three"):
        assert {p.name: p.read_bytes() for p in (tmp_path / other).iterdir()} == one
    assert len(one) == 61


def test_explanations_by_workers_are_the_same(always_fork):
    pool = read_pool(str(samples.path("imaging")))
    generated = generate(pool)
    alone = explain_pool(pool, generated)
    assert explain_pool(pool, generated, jobs=2) == alone
    assert explain_pool(pool, generated, list(range(5)), "Asn_Lv3Image", jobs=2) == \
        explain_pool(pool, generated, list(range(5)), "Asn_Lv3Image")
    from asnatlas.cli.explain import format_text

    assert explain_pool(pool, generated, jobs=2, then=format_text) == \
        [format_text(e) for e in alone]


def test_wfss_rules_are_skipped_only_without_spectra_or_images():
    wfss = next(r for r in all_rules() if r.name == "Asn_Lv2WFSSNRC")
    image = next(r for r in all_rules() if r.name == "Asn_Lv2Image")

    def values(*exp_types):
        return lambda column: set(exp_types) if column == "exp_type" else set()

    assert can_write(wfss, values("nrc_wfss", "nrc_image"))
    assert not can_write(wfss, values("nrc_image"))
    assert not can_write(wfss, values("nrc_wfss"))
    assert can_write(image, values())


def test_a_killed_run_leaves_no_worker(tmp_path_factory):
    """A worker dies with the process that forked it (Linux)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the parent-death signal is Linux's")
    pool = _synthetic(tmp_path_factory, 6000)
    out = tmp_path_factory.mktemp("out")
    run = subprocess.Popen([sys.executable, "-m", "asnatlas", "generate", str(pool), "-o",
                            str(out), "-q", "-j", "2"], stderr=subprocess.DEVNULL)
    children: list[int] = []
    deadline = time.monotonic() + 60
    while not children and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
        try:
            text = Path(f"/proc/{run.pid}/task/{run.pid}/children").read_text()
        except OSError:
            continue
        children = [int(pid) for pid in text.split()]
    assert children, "the run forked no worker"
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists()
                                              and _alive(pid) for pid in children):
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in children)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_jobs_must_be_a_positive_number(capsys):
    from asnatlas.cli import main

    for bad in ("0", "-1", "two"):
        with pytest.raises(SystemExit) as caught:
            main(["generate", "--sample", "imaging", "--dry-run", "-j", bad])
        assert caught.value.code == 2
        assert "expected a whole number of processes" in capsys.readouterr().err


def test_no_process_to_be_had(always_fork, monkeypatch):
    """fork failing (EAGAIN) is a worker that failed: this process does the work."""
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    pool = read_pool(str(samples.path("imaging")))
    alone = outcome(generate(pool))
    monkeypatch.setattr(os, "fork", no_fork)
    assert outcome(generate(pool, jobs=2)) == alone
    assert forked.Child(lambda out: out.write(b"x")).result() is None

"""Replayed evaluations (`asnatlas.rules.replay`): an exposure that reads the same values as
a recorded evaluation, from the same association state, gets exactly that evaluation's
verdict, requests and state changes; replays change nothing the engine does."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest
from conftest import conformance_pools

from asnatlas import samples
from asnatlas.engine import candidate
from asnatlas.engine import run as engine_run
from asnatlas.generate import generate
from asnatlas.pool import read_pool
from asnatlas.rules import Rule
from asnatlas.rules.constraints import Attr, Group, Matcher
from asnatlas.rules.constraints import Test as Computed
from asnatlas.rules.replay import MISSING, Recorder, Replays, Worth

REPO = Path(__file__).resolve().parents[1]
VERSION = "20261123t000000"


# --- the recorder ----------------------------------------------------------------------


def test_the_recorder_notes_first_reads_in_order_with_the_value_seen():
    recorder = Recorder({"a": "1", "b": "2"})
    assert recorder.get("b") == "2" and recorder["a"] == "1"
    assert "zz" not in recorder and recorder.get("a", "x") == "1"
    assert recorder.get("zz", "default") == "default"
    assert recorder.reads() == [("b", "2"), ("a", "1"), ("zz", MISSING)]
    assert not recorder.opaque


@pytest.mark.parametrize("use", [
    lambda r: list(r), lambda r: len(r), lambda r: dict(r), lambda r: {**r},
    lambda r: r == {"a": "1"}, lambda r: r.items(), lambda r: r.keys(), lambda r: r.copy(),
    lambda r: r.setdefault("c", "3"), lambda r: r.update({"a": "9"}), lambda r: bool(r),
    lambda r: r.__setitem__("a", "0"), lambda r: r.pop("a"), lambda r: repr(r),
])
def test_any_other_use_of_the_recorder_makes_it_opaque(use):
    recorder = Recorder({"a": "1", "b": "2"})
    use(recorder)
    assert recorder.opaque and recorder.reads() is None


def test_an_unhashable_key_is_not_a_column():
    recorder = Recorder({"a": "1"})
    with pytest.raises(TypeError):
        recorder.get(["a"])
    assert recorder.reads() is None


# --- the trie of reads -------------------------------------------------------------------


def test_outcomes_are_found_by_the_values_read_along_their_path():
    replays = Replays()
    replays.record([("a", "1"), ("b", "2")], "first")
    replays.record([("a", "1"), ("b", "3")], "second")
    replays.record([("a", "4")], "third")
    assert replays.find({"a": "1", "b": "2", "c": "anything"}) == "first"
    assert replays.find({"a": "1", "b": "3"}) == "second"
    assert replays.find({"a": "4", "b": "2"}) == "third"  # b is not read on that path
    assert replays.find({"a": "1", "b": "9"}) is None
    assert replays.find({"a": "1"}) is None  # b missing: not seen that way
    assert replays.find({}) is None


def test_reads_that_contradict_the_trie_turn_replays_off():
    replays = Replays()
    replays.record([("a", "1"), ("b", "2")], "first")
    replays.record([("a", "1"), ("c", "2")], "other")  # after a=1, b is read, not c
    assert replays.off and replays.find({"a": "1", "b": "2"}) is None
    replays.record([("a", "1")], "again")
    assert replays.find({"a": "1"}) is None


def test_recording_stops_for_a_rule_whose_recordings_are_not_replayed():
    worth = Worth()
    assert all(worth.record() for _ in range(Worth.TRIAL))
    assert not worth.record()  # 16 recorded, none replayed
    worth.hits = Worth.TRIAL
    assert worth.record()


# --- evaluations ---------------------------------------------------------------------------


def _matcher(tree: Group) -> tuple[Matcher, Group]:
    rule = Rule(name="Asn_Test", level=3, asn_type="image3", summary="test",
                constraints=tree, member_type="lv3", product_name="lv3", validity=())
    return Matcher(None, rule.nodes), rule.constraints


def test_an_evaluation_keeping_the_exposure_in_a_state_is_not_replayed():
    # A test without a source compares (and here keeps) the exposure itself: the state
    # must hold the exposure, not the recorder, and the outcome cannot be replayed.
    tree = Group((Attr(("program",), name="program"),
                  Computed(name="whole", value=None, unique=True)))
    matcher, root = _matcher(tree)
    item = {"program": "1", "filename": "a_uncal.fits"}
    matched, requests, reads = matcher.check_recorded(root, item)
    assert matched and requests == [] and reads is None
    held = [s for s in matcher.states if s is not None and s.value is item]
    assert len(held) == 1 and id(item) in held[0].found


def test_restored_states_are_shared_until_an_evaluation_changes_them():
    # A replay starts an association with the recorded states, not copies: an
    # evaluation of that association first makes copies of its own, so the recording and
    # every other association started from it keep theirs.
    tree = Group((Attr(("program",), name="program"), Attr(("filter",), name="filter")))
    first, root = _matcher(tree)
    assert first.check_all(root, {"program": "1", "filter": "f090w"})[0]
    saved = first.saved()
    before = [(i, state.snapshot()) for i, state in saved[0]]
    second = Matcher(None, first.nodes)
    second.restore_saved(saved)
    shared = dict(saved[0])
    assert all(second.states[i] is shared[i] for i in shared)
    assert not second.check_all(root, {"program": "2", "filter": "f090w"})[0]
    assert second.check_all(root, {"program": "1", "filter": "f090w"})[0]
    assert all(second.states[i] is not shared[i] for i in shared)
    assert [(i, state.snapshot()) for i, state in saved[0]] == before
    third = Matcher(None, first.nodes)
    third.restore_saved(saved)
    _matched, _requests, _reads = third.check_recorded(root, {"program": "1", "filter": "x"})
    assert all(third.states[i] is not shared[i] for i in shared)
    assert [(i, state.snapshot()) for i, state in saved[0]] == before


def test_a_split_exposure_is_not_replayed():
    # Several candidates in one cell: the exposure is retried as copies, which replays
    # would not know how to make.
    tree = Group((Attr(("asn_candidate",), name="asn_candidate", evaluate=True),))
    matcher, root = _matcher(tree)
    item = {"asn_candidate": "[('o001', 'observation'), ('c1000', 'mosaic')]"}
    _matched, requests, reads = matcher.check_recorded(root, item)
    assert reads is None and requests and requests[0].items[0] is not item


# --- replays change nothing ----------------------------------------------------------------


def _offers(pool, monkeypatch, replays: bool) -> tuple[list, list]:
    """Every offer's (rule, association order, exposure, verdict, requests), and the files."""
    seen = []
    add = candidate.Asn.add

    def traced(asn, item, starts=None):
        matched, requests = add(asn, item, starts)
        seen.append((asn.rule.name, asn.order, item.get("filename"), matched,
                     [(r.work_over, r.rules and tuple(rule.name for rule in r.rules),
                       r.only_on_match, [id(i) for i in r.items]
                       if len(r.items) != 1 or r.items[0] is not item else "itself")
                      for r in requests]))
        return matched, requests

    with monkeypatch.context() as patched:
        patched.setattr(candidate.Asn, "add", traced)
        patched.setattr(engine_run, "REPLAY_MIN_ITEMS", 0)  # replay in every pass
        if not replays:
            patched.setattr(Replays, "find", lambda self, item: None)
            patched.setattr(Worth, "record", lambda self: False)
        result = generate(pool, version_id=VERSION)
    return seen, [(a.filename, a.to_json()) for a in result.associations]


def _same_with_and_without(pool, monkeypatch) -> int:
    with_replays = _offers(pool, monkeypatch, True)
    without = _offers(pool, monkeypatch, False)
    assert [o[:4] for o in with_replays[0]] == [o[:4] for o in without[0]]
    # The requests: same kinds; the exposure itself, or copies of it (ids differ).
    assert [[r[:3] for r in o[4]] for o in with_replays[0]] == \
        [[r[:3] for r in o[4]] for o in without[0]]
    assert [[r[3] == "itself" for r in o[4]] for o in with_replays[0]] == \
        [[r[3] == "itself" for r in o[4]] for o in without[0]]
    assert with_replays[1] == without[1]
    return len(with_replays[0])


def _pools() -> list:
    paths = [samples.path(name) for name in samples.names()] + conformance_pools()
    return [pytest.param(p, id=Path(p).stem) for p in paths]


@pytest.mark.parametrize("pool_path", _pools())
def test_replays_give_every_offer_the_verdict_evaluation_gives(pool_path, monkeypatch):
    assert _same_with_and_without(read_pool(str(pool_path)), monkeypatch) > 0


def _synthetic(tmp_path: Path, rows: int, seed: int) -> Path:
    spec = importlib.util.spec_from_file_location(
        "make_synthetic_pool", REPO / "benchmarks" / "make_synthetic_pool.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module.write_pool(tmp_path / "jw91001_pool.csv", rows, seed)


def test_replays_on_a_large_program_and_its_altered_rows(tmp_path, monkeypatch):
    # A program repeats configurations (most offers are replayed); altered rows (a cell
    # cleared, changed to another row's value or to one seen nowhere) make the states
    # and paths that replays must tell apart.
    pool = read_pool(str(_synthetic(tmp_path, 600, 5)))
    rng = random.Random(3)
    columns = [c for c in pool.columns if c not in ("filename", "asn_candidate")]
    for row in rng.sample(pool.rows, 120):
        column = rng.choice(columns)
        row[column] = rng.choice(["null", "unheard_of",
                                  rng.choice(pool.rows).get(column, "null")])
    replayed = []
    find = Replays.find

    def counted(self, item):
        found = find(self, item)
        replayed.append(found is not None)
        return found

    monkeypatch.setattr(Replays, "find", counted)
    assert _same_with_and_without(pool, monkeypatch) > 600
    assert sum(replayed) > len(replayed) // 2


def test_paths_split_where_values_differ_however_late():
    replays = Replays()
    long = [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"), ("e", "5")]
    replays.record(long, "first")
    replays.record(long[:3] + [("d", "9"), ("f", "6")], "second")
    row = {"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}
    assert replays.find(row) == "first"
    assert replays.find({**row, "d": "9"}) == "second"
    assert replays.find({**row, "e": "0"}) is None
    assert replays.find({**row, "d": "9", "f": "0"}) is None
    assert replays.find({**row, "c": "0"}) is None
    replays.record(long, "first")  # recorded already: nothing changes
    assert replays.outcomes == 2 and not replays.off


def test_a_column_the_exposure_lacks_is_a_value_seen_too():
    replays = Replays()
    replays.record([("a", "1"), ("zz", MISSING)], "without")
    assert replays.find({"a": "1"}) == "without"
    assert replays.find({"a": "1", "zz": "x"}) is None
    replays.record([("a", "1"), ("zz", "x")], "with")
    assert replays.find({"a": "1"}) == "without"
    assert replays.find({"a": "1", "zz": "x"}) == "with"

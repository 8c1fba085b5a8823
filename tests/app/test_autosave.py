"""Autosave: a write DEBOUNCE after each edit and at most MAX_WAIT after the first edit not yet
written (so continuous editing is saved too), the file written on a worker thread, in order, never
after a discard; a recovery file that is junk is never offered and never blocks start-up."""
from __future__ import annotations

import json
import os
import threading

import pytest
from example_networks import blinker

from nnsim.app import recovery as recovery_module
from nnsim.app.document import Document
from nnsim.app.recovery import DEBOUNCE_MS, MAX_WAIT_MS, Recovery
from nnsim.engine.fileformat import document_to_dict
from nnsim.engine.setup import Setup


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def doc(qtbot):
    return Document(blinker())


def make(tmp_path, clock=None, **kwargs) -> Recovery:
    kwargs.setdefault("clock", clock or FakeClock())
    return Recovery(tmp_path / "settings", **kwargs)


def saved(rec: Recovery) -> dict:
    return json.loads(rec.path.read_text())


def saved_weight(rec: Recovery, source: str, target: str) -> float:
    data = saved(rec)["network"]
    ids = {n["name"]: n["id"] for n in data["neurons"]}
    [weight] = [s["weight"] for s in data["synapses"]
                if (s["source"], s["target"]) == (ids[source], ids[target])]
    return weight


# ---------------------------------------------------------------------- when it writes
def test_the_defaults_are_2_s_after_an_edit_and_at_most_5_s_while_editing():
    assert DEBOUNCE_MS == 2000 and MAX_WAIT_MS <= 5000


def test_a_write_is_due_2_s_after_each_edit_and_4_s_after_the_first_unwritten_one(tmp_path, doc):
    clock = FakeClock()
    rec = make(tmp_path, clock)
    rec.watch(doc)
    start = clock.now
    due = []

    def edit(at: float) -> None:
        clock.now = start + at
        doc.add_neuron()
        assert rec.timer.isActive()
        due.append(round(at + rec.timer.interval() / 1000, 3))

    edit(0.0)
    edit(1.0)
    edit(2.5)  # each edit moves the write to 2 s after it ...
    edit(3.0)
    edit(3.9)  # ... but never past 4 s after the first edit not yet written
    assert due == [2.0, 3.0, 4.0, 4.0, 4.0]
    rec.timer.stop()
    rec._due()  # the timer fires: written; the next edit starts a new wait
    assert rec.wait_idle() and len(saved(rec)["network"]["neurons"]) == 3 + 5
    edit(4.5)
    assert due[-1] == 6.5
    rec.stop()


@pytest.mark.parametrize("every", [0.3, 1.0, 1.9, 2.5, 7.0])
def test_continuous_editing_is_written_at_least_every_4_s(tmp_path, doc, monkeypatch, every):
    """Edits every `every` seconds for a minute, the timer played on the fake clock: every edit
    is on disk at most MAX_WAIT after it was made, and edits alone are written DEBOUNCE after."""
    clock = FakeClock()
    rec = make(tmp_path, clock)
    writes = []
    monkeypatch.setattr(rec, "_write_in_background", lambda job: writes.append(clock.now))
    rec.watch(doc)
    start, edits, due = clock.now, [], None
    t = 0.0
    while t < 60.0:
        if due is not None and due <= start + t:  # the timer fires before the next edit
            clock.now = due
            rec.timer.stop()
            rec._due()
            due = None
            continue
        clock.now = start + t
        doc.nudge_weight("a", "b", 0.1) if doc.network.synapses else doc.add_neuron()
        edits.append(clock.now)
        due = clock.now + rec.timer.interval() / 1000
        t += every
    clock.now = due
    rec._due()
    for made in edits:
        first_write_after = min(w for w in writes if w >= made)
        assert first_write_after - made <= MAX_WAIT_MS / 1000 + 1e-6
    if every > DEBOUNCE_MS / 1000:  # pauses longer than the debounce: 2 s after each edit
        assert [round(w - e, 6) for w, e in zip(writes, edits, strict=True)] == [2.0] * len(edits)
    rec.stop()


def test_edits_keep_being_written_while_they_keep_coming(tmp_path, doc, qtbot):
    """Real timers, shortened (debounce 100 ms, max wait 300 ms): edits every 30 ms never leave
    100 ms quiet, yet the file is written while they go on, and at the end holds the last edit."""
    rec = Recovery(tmp_path / "settings", debounce_ms=100, max_wait_ms=300)
    rec.watch(doc)
    written_while_editing = []

    def edit():
        doc.nudge_weight("a", "b", 0.5)
        written_while_editing.append(rec.writes)

    for _ in range(60):
        edit()
        qtbot.wait(30)
    assert written_while_editing[-1] >= 1  # a debounce alone would have written nothing yet
    qtbot.waitUntil(lambda: rec.path.exists() and rec.wait_idle()
                    and saved_weight(rec, "a", "b") == doc.network.synapse("a", "b").weight, timeout=20000)
    rec.stop()


def test_an_edit_merged_into_the_previous_undo_step_is_saved_too(tmp_path, doc, qtbot):
    """Consecutive nudges of one weight are one undo step (the stack's index does not move)."""
    rec = Recovery(tmp_path / "settings", debounce_ms=50, max_wait_ms=200)
    rec.watch(doc)
    doc.nudge_weight("a", "b", 1.0)
    qtbot.waitUntil(lambda: rec.writes == 1 and rec.wait_idle(), timeout=20000)
    doc.nudge_weight("a", "b", 1.0)
    qtbot.waitUntil(lambda: rec.writes == 2 and rec.wait_idle(), timeout=20000)
    assert saved_weight(rec, "a", "b") == doc.network.synapse("a", "b").weight
    rec.stop()


def test_a_setup_change_is_saved_and_a_clean_document_is_not(tmp_path, doc, qtbot):
    rec = Recovery(tmp_path / "settings", debounce_ms=50, max_wait_ms=200)
    rec.watch(doc)
    doc.set_rule("delta")
    qtbot.waitUntil(lambda: rec.writes == 1 and rec.wait_idle(), timeout=20000)
    assert saved(rec)["network"]["rule"]["name"] == "delta"
    doc.undo_stack.undo()  # back to the saved state: nothing to recover
    assert not rec.path.exists()
    rec._due()
    assert rec.wait_idle() and rec.writes == 1 and not rec.path.exists()
    rec.stop()


# ---------------------------------------------------------------------- how it writes
def test_the_file_is_written_on_a_worker_while_the_gui_thread_goes_on(tmp_path, doc, monkeypatch):
    rec = make(tmp_path)
    rec.watch(doc)
    real_write = recovery_module.write_text_atomic
    started, release, threads, texts = threading.Event(), threading.Event(), [], []

    def slow_write(text, path):  # a disk that stalls
        threads.append(threading.current_thread())
        texts.append(text)
        started.set()
        release.wait(30)
        real_write(text, path)

    monkeypatch.setattr(recovery_module, "write_text_atomic", slow_write)
    doc.add_neuron("first")
    rec._due()  # returns while the write is stalled
    assert started.wait(30) and not release.is_set()
    assert threads[0] is not threading.main_thread()
    doc.add_neuron("second")
    rec._due()  # queued behind the stalled write
    doc.add_neuron("third")
    rec._due()  # replaces the queued one, never written
    release.set()
    assert rec.wait_idle()
    assert len(texts) == 2 and rec.writes == 2
    names = {n["name"] for n in saved(rec)["network"]["neurons"]}
    assert {"first", "second", "third"} <= names
    rec.stop()


def test_the_snapshot_is_the_document_at_the_time_it_was_taken(tmp_path, doc, monkeypatch):
    """Serializing happens on the worker, later: what it writes is the document when the write
    was due, even if the live network is changed in place meanwhile."""
    rec = make(tmp_path)
    rec.watch(doc)
    real = recovery_module.document_to_dict
    started, release, threads = threading.Event(), threading.Event(), []

    def slow_serialize(network, setup):
        threads.append(threading.current_thread())
        started.set()
        release.wait(30)
        return real(network, setup)

    monkeypatch.setattr(recovery_module, "document_to_dict", slow_serialize)
    doc.add_neuron("x")
    before = doc.network.synapse("a", "b").weight
    rec._due()
    assert started.wait(30) and threads[0] is not threading.main_thread()
    doc.network.set_weight("a", "b", before + 42.0)  # in place, as a write-back might
    release.set()
    assert rec.wait_idle() and rec.writes == 1
    assert saved_weight(rec, "a", "b") == before
    rec.stop()


def test_an_older_snapshot_never_overwrites_a_newer_one(tmp_path, doc):
    rec = make(tmp_path)
    rec.watch(doc)
    doc.add_neuron("old")
    older = rec._snapshot()
    doc.add_neuron("new")
    newer = rec._snapshot()
    assert rec._write(newer)
    assert not rec._write(older)
    assert "new" in {n["name"] for n in saved(rec)["network"]["neurons"]}
    rec.stop()


def test_nothing_is_written_after_a_discard(tmp_path, doc, monkeypatch):
    """A snapshot taken before the document was saved (the file discarded) is dropped, whether
    it is still queued, about to be written or being written."""
    rec = make(tmp_path)
    rec.watch(doc)
    doc.add_neuron("x")
    taken = rec._snapshot()
    rec.discard()
    assert not rec._write(taken) and not rec.path.exists()

    real_write = recovery_module.write_text_atomic
    started, release = threading.Event(), threading.Event()

    def slow_write(text, path):
        started.set()
        release.wait(30)
        real_write(text, path)

    monkeypatch.setattr(recovery_module, "write_text_atomic", slow_write)
    rec._due()
    assert started.wait(30)
    doc.add_neuron("queued")
    rec._due()  # queued behind the stalled write
    threading.Timer(0.2, release.set).start()
    rec.discard()  # waits for the write under way, then removes its file
    assert rec.wait_idle() and not rec.path.exists()
    rec.stop()


def test_a_failed_autosave_is_reported_not_raised(tmp_path, doc, qtbot):
    blocker = tmp_path / "settings"
    blocker.write_text("a file where the settings folder should be")
    rec = Recovery(blocker, clock=FakeClock())
    rec.watch(doc)
    doc.add_neuron()
    with qtbot.waitSignal(rec.failed, timeout=20000) as signal:
        rec._due()  # on the worker: must not raise there
    assert signal.args == [f"{blocker / 'recovery.json'}: Not a directory"]
    assert rec.last_error == signal.args[0]
    assert rec.autosave() is False  # on this thread: reported too, not raised
    rec.stop()


def test_a_window_shows_a_failed_autosave_in_its_status_bar(window, qtbot):
    window.recovery.failed.emit("/x/recovery.json: No space left on device")
    assert window.statusBar().currentMessage() == (
        "Autosave failed: /x/recovery.json: No space left on device")


# ---------------------------------------------------------------------- what it offers
def test_junk_in_place_of_the_recovery_file_is_never_offered_nor_blocks(tmp_path):
    rec = make(tmp_path)
    rec.path.parent.mkdir()
    good = {"saved_at": 1.7e9, "path": None, "network": document_to_dict(blinker(), Setup())}
    rec.path.write_text(json.dumps(good))
    offered = rec.pending()
    assert offered["saved_at"] == 1.7e9 and offered["network"] == blinker()
    rec.path.unlink()
    damaged = rec.path.with_suffix(".damaged.json")

    def junk(kind: str) -> None:
        if kind == "fifo":
            os.mkfifo(rec.path)  # a plain read would block for ever
        elif kind == "zero":
            rec.path.symlink_to("/dev/zero")  # a plain read would fill the memory
        elif kind == "folder":
            rec.path.mkdir()
        elif kind == "nested":
            rec.path.write_text("[" * 100_000 + "]" * 100_000)
        elif kind == "path":
            rec.path.write_text(json.dumps({**good, "path": 5}))
        elif kind == "list":
            rec.path.write_text("[1, 2]")
        elif kind == "binary":
            rec.path.write_bytes(b"\xff\xfe\x00junk")
        elif kind == "huge number":
            rec.path.write_text(json.dumps(good).replace('"bias": -0.5', '"bias": 1' + "0" * 400))

    for kind in ("fifo", "zero", "folder", "nested", "path", "list", "binary", "huge number"):
        junk(kind)
        assert rec.pending() is None, kind
        assert not os.path.lexists(rec.path), kind  # put aside, not offered again
        assert os.path.lexists(damaged), kind
        if damaged.is_dir() and not damaged.is_symlink():
            damaged.rmdir()
        else:
            damaged.unlink()
    rec.path.write_text(json.dumps({**good, "saved_at": 0}).replace('"saved_at": 0',
                                                                     '"saved_at": 1e999'))
    offered = rec.pending()  # a date that is no date: the file's own time instead
    assert offered is not None and offered["saved_at"] == rec.path.stat().st_mtime

"""What keeps training fast while the window draws: the engine in a process of its own, with
one BLAS thread, building the next frame while the GUI draws the last.  (Chunks and batches:
tests/engine/test_runner.py.)"""
import pytest

from nnsim.app import engine_thread
from nnsim.app.engine_thread import EngineThread, blas_threads
from nnsim.engine import Network, datasets
from nnsim.engine.rules import Backprop


def test_blas_is_limited_to_one_thread(qtbot):
    """The engine process calls limit_blas_threads at start; the call itself works here too."""
    before = blas_threads()
    if before is None:
        pytest.skip("no OpenBLAS to ask (not Linux, or NumPy built without it)")
    try:
        assert engine_thread.limit_blas_threads(1)
        assert blas_threads() == engine_thread.BLAS_THREADS == 1
    finally:
        engine_thread.limit_blas_threads(before)


def test_the_gui_process_does_no_stepping(qtbot, monkeypatch):
    """Training at full speed happens elsewhere: the GUI process's Simulation.step never runs."""
    from nnsim.engine.simulation import Simulation

    calls = []
    monkeypatch.setattr(Simulation, "step", lambda self, n=1: calls.append(n) or 0)
    engine = EngineThread()
    try:
        frames = []
        engine.snapshot_ready.connect(lambda snap, rate: (frames.append(snap), engine.acknowledge()))
        engine.set_network(Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0))
        engine.set_dataset(datasets.truth_table("xor"))
        engine.set_rule(Backprop(optimizer="sgd", batch_size=2))
        engine.set_speed("max")
        engine.play()
        qtbot.waitUntil(lambda: bool(frames) and frames[-1].step > 500, timeout=10_000)
        assert calls == []
        engine.pause()
    finally:
        assert engine.stop()


def test_the_next_frame_is_built_while_one_is_drawn_and_leaves_on_acknowledgement(qtbot):
    engine = EngineThread()
    try:
        frames = []
        engine.snapshot_ready.connect(lambda snap, rate: frames.append(snap))
        net = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=0)
        engine.set_network(net)
        engine.set_dataset(datasets.truth_table("xor"))
        engine.set_rule(Backprop(optimizer="sgd", batch_size=2))
        engine.set_speed("max")
        engine.play()
        qtbot.waitUntil(lambda: len(frames) >= 1, timeout=10_000)
        # Not acknowledged: the next frame is built, held, and not handed on.
        qtbot.waitUntil(lambda: engine._next is not None, timeout=10_000)
        qtbot.wait(100)
        assert len(frames) == 1 and engine.snapshot is frames[0]
        held = engine._next[0]
        engine.acknowledge()
        qtbot.waitUntil(lambda: len(frames) >= 2, timeout=10_000)
        assert frames[1] is held and held.step > frames[0].step
        assert held.decision is not None and engine.snapshot is held
        engine.acknowledge()
        engine.pause()
        qtbot.waitUntil(lambda: not engine.running, timeout=10_000)
        # The last frame handed on shows the paused state (every frame is handed on in order).
        def settled():
            engine.acknowledge()
            return engine._next is None and frames[-1].step == engine.snapshot.step
        qtbot.waitUntil(settled, timeout=10_000)
        steps = [f.step for f in frames]
        assert steps == sorted(steps)
    finally:
        assert engine.stop()


def test_a_held_frame_never_reaches_a_deleted_engine(qtbot):
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    parent = QObject()
    engine = EngineThread(parent)
    frames = []
    engine.snapshot_ready.connect(lambda snap, rate: frames.append(snap))
    engine.set_network(Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0))
    engine.set_dataset(datasets.truth_table("xor"))
    engine.set_rule(Backprop(optimizer="sgd", batch_size=2))
    engine.set_speed("max")
    engine.play()
    qtbot.waitUntil(lambda: engine._next is not None, timeout=10_000)
    engine.acknowledge()  # the held frame would leave on the next pass of the event loop...
    assert engine.stop()
    parent.deleteLater()  # ...but its engine is gone first (as when a window closes)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(50)
    assert len(frames) == 1

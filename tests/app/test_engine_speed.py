"""What keeps training fast while the window draws: one BLAS thread, chunks that end as soon as a
command (above all a frame's acknowledgement) is waiting, and batches sized by their pace."""
import pytest

from nnsim.app import engine_thread
from nnsim.app.engine_thread import EngineThread, SimulationWorker, blas_threads
from nnsim.engine import Network, datasets
from nnsim.engine.rules import Backprop
from nnsim.engine.simulation import Simulation


def learning_worker(qtbot) -> SimulationWorker:
    """A worker driven by hand in this thread (its slots are plain methods)."""
    worker = SimulationWorker()
    worker.start()
    net = Network.layered([2, 4, 2, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    worker._sim = Simulation(net, datasets.generate("xor_clouds", n=40, seed=0),
                             Backprop(optimizer="sgd", batch_size=10), seed=0)
    return worker


def test_an_engine_runs_blas_on_one_thread(qtbot):
    engine = EngineThread()
    try:
        if blas_threads() is None:
            pytest.skip("no OpenBLAS to ask (not Linux, or NumPy built without it)")
        assert blas_threads() == engine_thread.BLAS_THREADS == 1
    finally:
        assert engine.stop()


def test_a_waiting_command_ends_the_chunk_at_the_next_step(qtbot):
    worker = learning_worker(qtbot)
    worker.wake.set()
    assert worker._chunk(None) == 0  # nothing stepped: the command goes first
    assert not worker.wake.is_set()  # ...and the next chunk steps again
    assert worker._chunk(None) > 0
    assert worker._chunk(7) == 7  # a step_n budget is still exact


def test_while_a_frame_is_drawn_the_worker_sleeps_between_batches(qtbot, monkeypatch):
    worker = learning_worker(qtbot)
    naps = []
    monkeypatch.setattr(engine_thread.time, "sleep", naps.append)
    monkeypatch.setattr(engine_thread, "CHUNK_SECONDS", 60.0)
    monkeypatch.setattr(engine_thread, "SLICE_SECONDS", 0.0)  # batches of one step
    assert worker._chunk(5) == 5 and naps == []
    worker.drawing.set()
    assert worker._chunk(5) == 5
    assert naps == [engine_thread.YIELD_SECONDS] * 5


def test_batches_follow_their_pace_and_stay_bounded(qtbot, monkeypatch):
    worker = learning_worker(qtbot)
    assert worker._batch == 1
    worker._chunk(None)
    assert 1 <= worker._batch <= engine_thread.MAX_BATCH
    monkeypatch.setattr(engine_thread, "SLICE_SECONDS", 0.0)  # every batch a single step
    worker._chunk(None)
    assert worker._batch == 1
    monkeypatch.setattr(engine_thread, "SLICE_SECONDS", 1e9)
    worker._chunk(3)
    assert worker._batch == engine_thread.MAX_BATCH


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
        assert engine._worker.drawing.is_set()  # the worker gives way while a frame is drawn
        # Not acknowledged: the next frame is built, held, and not handed on.
        qtbot.waitUntil(lambda: engine._next is not None, timeout=10_000)
        qtbot.wait(100)
        assert len(frames) == 1 and engine.snapshot is frames[0]
        held = engine._next[0]
        engine.acknowledge()
        assert not engine._worker.drawing.is_set()
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

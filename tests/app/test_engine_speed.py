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


def test_acknowledging_wakes_the_worker_and_frames_keep_coming(qtbot):
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
        engine._worker.wake.clear()
        engine.acknowledge()
        assert engine._worker.wake.is_set() or len(frames) >= 2  # the worker may have served it
        qtbot.waitUntil(lambda: len(frames) >= 2, timeout=10_000)
        assert frames[1].step > frames[0].step and frames[1].decision is not None
        engine.pause()
        qtbot.waitUntil(lambda: not engine.running, timeout=10_000)
    finally:
        assert engine.stop()

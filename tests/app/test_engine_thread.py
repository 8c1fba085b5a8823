"""The engine behind the window: commands in, throttled snapshots out, errors reported, a clean
stop, and a new engine when the old one dies.  (The loop's own logic, with the Simulation
patched, is tested in tests/engine/test_runner.py.)"""
import time

import pytest
from example_networks import blinker

from nnsim.app.engine_thread import EngineThread
from nnsim.engine import Network
from nnsim.engine.rules.base import Applicability, Rule, Trainer


class Receiver:
    """Collects snapshots and acknowledges each (as the GUI does after drawing)."""

    def __init__(self, engine: EngineThread, ack: bool = True) -> None:
        self.snapshots = []
        self.times = []
        self.errors = []
        self.engine = engine
        self.ack = ack
        engine.snapshot_ready.connect(self.on_snapshot)
        engine.error.connect(lambda s, tb: self.errors.append((s, tb)))

    def on_snapshot(self, snap, rate):
        self.snapshots.append(snap)
        self.times.append(time.perf_counter())
        if self.ack:
            self.engine.acknowledge()

    @property
    def last(self):
        return self.snapshots[-1]

    def settled_step(self, qtbot) -> int:
        """The step once everything sent so far has been served: frames are asked for until
        two in a row show the same step (a frame already on its way shows an older one)."""
        previous = None
        for _ in range(50):
            count = len(self.snapshots)
            self.engine.request_snapshot()
            qtbot.waitUntil(lambda count=count: len(self.snapshots) > count, timeout=10000)
            if self.last.step == previous:
                return previous
            previous = self.last.step
        raise AssertionError(f"the engine kept stepping: step {previous}")


@pytest.fixture(params=["process", "thread"])
def engine(qtbot, request):
    """An engine in each place it can run: its own process (the default) or a QThread."""
    e = EngineThread(mode=request.param)
    assert e.mode == request.param
    yield e
    assert e.stop()


def test_play_sends_snapshots_with_increasing_steps(qtbot, engine):
    rx = Receiver(engine)
    engine.set_network(blinker())
    qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.names == ("go", "a", "b"), timeout=10000)
    engine.play()
    qtbot.waitUntil(lambda: rx.last.step >= 10, timeout=10000)
    assert engine.running
    outputs = {tuple(s.outputs.tolist()) for s in rx.snapshots}
    assert len(outputs) >= 2  # the oscillator's outputs change between frames
    engine.pause()
    qtbot.waitUntil(lambda: not engine.running, timeout=10000)
    steps = rx.settled_step(qtbot)
    qtbot.wait(200)
    assert rx.settled_step(qtbot) == steps  # paused: no more steps


def test_step_and_step_n_and_reset(qtbot, engine):
    rx = Receiver(engine)
    engine.set_network(blinker())
    engine.step()
    qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.step == 1, timeout=10000)
    engine.step_n(5)
    qtbot.waitUntil(lambda: rx.last.step == 6, timeout=10000)
    engine.reset()
    qtbot.waitUntil(lambda: rx.last.step == 0, timeout=10000)


def test_at_most_60_frames_a_second_at_full_speed(qtbot, engine):
    """Frames are at least FRAME_INTERVAL apart when sent, and each is sent only after the last
    was acknowledged, so between the first frame's arrival and the last's at most 60 a second
    (+2) arrive: load only makes them fewer.  (Frames a second delivered: bench_responsiveness.)"""
    rx = Receiver(engine)
    engine.set_network(blinker())
    engine.set_speed("max")
    engine.play()
    qtbot.waitUntil(lambda: len(rx.snapshots) >= 30, timeout=60000)
    engine.pause()
    frames = len(rx.times) - 1  # from the second on: the first is the network's, before play
    assert frames <= 60 * (rx.times[-1] - rx.times[1]) + 2
    steps = [s.step for s in rx.snapshots[1:]]
    assert steps == sorted(steps) and steps[-1] >= 10 * frames  # stepping far faster than drawing


def test_one_snapshot_in_flight_until_acknowledged(qtbot, engine):
    rx = Receiver(engine, ack=False)
    engine.set_network(blinker())
    engine.set_speed("max")
    engine.play()
    qtbot.waitUntil(lambda: len(rx.snapshots) == 1, timeout=10000)
    qtbot.wait(300)
    assert len(rx.snapshots) == 1  # stale frames are never queued up
    first = rx.last.step
    engine.acknowledge()
    qtbot.waitUntil(lambda: len(rx.snapshots) == 2, timeout=10000)
    assert rx.last.step > first  # the next one is the latest state, not a backlog
    engine.pause()


def test_speed_in_steps_per_frame(qtbot, engine):
    rx = Receiver(engine)
    engine.set_network(blinker())
    engine.set_speed(1)
    start = time.perf_counter()
    engine.play()
    qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.step >= 6, timeout=60000)
    engine.pause()
    qtbot.waitUntil(lambda: not engine.running, timeout=10000)
    elapsed = time.perf_counter() - start  # the engine ran for less than this
    steps = rx.settled_step(qtbot)
    assert 6 <= steps <= 60 * elapsed + 2  # one step a frame, at most 60 frames a second


def test_edit_while_running_applies_and_stepping_continues(qtbot, engine):
    rx = Receiver(engine)
    net = blinker()
    engine.set_network(net)
    engine.play()
    qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.step >= 5, timeout=10000)
    before = rx.last.step
    net.add_neuron("c", activation="step", bias=-0.5)
    net.connect("b", "c", 1.0)
    engine.set_network(net)
    qtbot.waitUntil(lambda: "c" in rx.last.names, timeout=10000)
    assert rx.last.revision == net.revision
    assert ("b", "c") in rx.last.synapses
    qtbot.waitUntil(lambda: rx.last.step > before + 5, timeout=10000)
    assert engine.running
    engine.pause()


class BoomTrainer(Trainer):
    steps_per_epoch = 1

    def _step(self):
        raise RuntimeError("boom in the rule")


class Boom(Rule):
    name = "boom"
    title = "Boom"
    trainer_class = BoomTrainer

    def applies_to(self, net):
        return Applicability(True)


def test_error_in_worker_is_reported_and_thread_keeps_serving(qtbot, engine):
    rx = Receiver(engine)
    engine.set_network(blinker())
    engine.set_rule(Boom())
    engine.play()
    qtbot.waitUntil(lambda: bool(rx.errors), timeout=10000)
    summary, tb = rx.errors[0]
    assert summary == "boom in the rule"  # the words, not the class: that is in the details
    assert "RuntimeError" in tb
    assert "BoomTrainer" in tb or "_step" in tb
    qtbot.waitUntil(lambda: not engine.running, timeout=10000)
    engine.set_rule(None)
    engine.step_n(3)
    qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.step == 3 and rx.last.rule == "",
                    timeout=10000)
    assert engine.is_alive()


def test_stop_while_running(qtbot, engine, monkeypatch):
    """Stopped while stepping at full speed, the engine quits by itself (exit code 0: it
    served the quit between its steps, not killed after STOP_SECONDS, made generous here for
    loaded machines) and nothing is left running.  (How fast stop() returns:
    bench_responsiveness.)"""
    from nnsim.app import engine_thread

    monkeypatch.setattr(engine_thread, "STOP_SECONDS", 120.0)
    rx = Receiver(engine)
    engine.set_network(blinker())
    engine.set_speed("max")
    engine.play()
    qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.step > 100, timeout=10000)
    link = engine._link
    assert engine.stop(timeout_ms=120_000)
    assert still_running(link) == []
    assert not engine.is_alive()
    if engine.mode == "process":
        assert link._process.exitcode == 0
    assert engine.stop()  # twice is harmless


def test_a_huge_step_n_keeps_serving_commands(qtbot, engine):
    rx = Receiver(engine)
    net = blinker()
    engine.set_network(net)
    engine.step_n(10**9)
    qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.step > 1000, timeout=10000)
    net.add_neuron("late")
    engine.set_network(net)  # served between chunks
    qtbot.waitUntil(lambda: "late" in rx.last.names, timeout=10000)
    engine.pause()  # ends the stepping
    steps = rx.settled_step(qtbot)
    qtbot.wait(200)
    assert rx.settled_step(qtbot) == steps
    engine.step_n(3)
    qtbot.waitUntil(lambda: rx.last.step == steps + 3, timeout=10000)


def test_configure_commands_reach_the_simulation(qtbot):
    from nnsim.engine.datasets import truth_table
    from nnsim.engine.rules import Backprop

    engine = EngineThread()
    try:
        got = []
        engine.snapshot_ready.connect(lambda snap, _rate: (got.append(snap), engine.acknowledge()))
        engine.set_network(Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0))
        engine.set_dataset(truth_table("xor"))
        engine.set_rule(Backprop(optimizer="adam", learning_rate=0.05,
                                 loss="binary_crossentropy", batch_size=4))
        engine.set_stop_conditions({"epochs": 3})
        engine.set_rule_params({"learning_rate": 0.2})
        engine.step_n(50)
        qtbot.waitUntil(lambda: bool(got) and got[-1].epoch == 3, timeout=10000)
        assert got[-1].step == 3 and got[-1].done
        engine.set_state([0.0])  # wrong length: reported, and the thread keeps serving
        errors = []
        engine.error.connect(lambda summary, _tb: errors.append(summary))
        engine.set_state([0.0, 0.0])
        qtbot.waitUntil(lambda: bool(errors), timeout=10000)
        assert "state needs 6 values" in errors[-1]
        assert engine.is_alive()
    finally:
        engine.stop()


def test_the_engine_runs_in_a_process_of_its_own(qtbot, engine):
    import os

    if engine.mode == "thread":
        assert engine.engine_pid() is None
        return

    rx = Receiver(engine)
    engine.set_network(blinker())
    engine.step()
    qtbot.waitUntil(lambda: bool(rx.snapshots), timeout=10000)
    pid = engine.engine_pid()
    assert pid is not None and pid != os.getpid()
    # ...at a lower priority: when both want the CPU, the window's frames come first.
    if hasattr(os, "getpriority"):
        assert os.getpriority(os.PRIO_PROCESS, pid) > os.getpriority(os.PRIO_PROCESS, 0)


def test_a_dead_engine_is_reported_and_replaced_with_the_last_network(qtbot, engine):
    import os
    import signal

    if engine.mode == "thread":
        pytest.skip("a thread cannot be killed from outside; this is the process's safety net")

    rx = Receiver(engine)
    net = blinker()
    engine.set_network(net)
    engine.set_speed("max")
    engine.play()
    qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.step > 100, timeout=10000)
    dead = engine.engine_pid()
    os.kill(dead, signal.SIGKILL)  # as a crash in a native library would
    qtbot.waitUntil(lambda: bool(rx.errors), timeout=10000)
    assert rx.errors[0][0] == "The engine stopped unexpectedly and was restarted"
    assert not engine.running
    qtbot.waitUntil(lambda: engine.engine_pid() not in (None, dead), timeout=10000)
    count = len(rx.snapshots)
    qtbot.waitUntil(lambda: len(rx.snapshots) > count, timeout=10000)
    assert rx.last.names == ("go", "a", "b") and rx.last.revision == net.revision
    engine.step_n(3)
    qtbot.waitUntil(lambda: rx.last.step == 3, timeout=10000)  # the new engine serves
    assert engine.is_alive()


def test_an_unknown_mode_is_refused_with_the_choices(qtbot):
    with pytest.raises(ValueError, match="'process' or a 'thread', not 'gpu'"):
        EngineThread(mode="gpu")


def test_when_no_process_can_start_the_engine_runs_in_a_thread(qtbot, monkeypatch):
    from nnsim.app import engine_thread

    class Refusing:
        def Process(self, *args, **kwargs):  # noqa: N802 - multiprocessing's name
            raise OSError("no processes here")

    monkeypatch.setattr(engine_thread, "_context", lambda: Refusing())
    engine = EngineThread()
    try:
        rx = Receiver(engine)
        engine.set_network(blinker())
        qtbot.waitUntil(lambda: engine.mode == "thread" and engine.is_alive(), timeout=10000)
        engine.step_n(4)
        qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.step == 4, timeout=10000)
        assert rx.errors and "could not start" in rx.errors[0][0]
        assert "no processes here" in rx.errors[0][1]
    finally:
        assert engine.stop()


def _kill_and_wait_for_a_new_engine(engine, qtbot):
    import os
    import signal

    dead = engine.engine_pid()
    os.kill(dead, signal.SIGKILL)
    qtbot.waitUntil(lambda: engine.engine_pid() not in (None, dead), timeout=10000)


def test_an_engine_that_keeps_dying_is_restarted_empty_then_given_up(qtbot):
    """What was sent may be what kills it: the second death in a row gets an engine with
    nothing replayed, and the fourth gets none (no endless restarts, no flood of dialogs)."""
    engine = EngineThread()
    try:
        rx = Receiver(engine)
        engine.set_network(blinker())
        engine.step_n(2)
        qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.step == 2, timeout=10000)
        _kill_and_wait_for_a_new_engine(engine, qtbot)
        qtbot.waitUntil(lambda: len(rx.errors) == 1, timeout=10000)
        qtbot.waitUntil(lambda: rx.last.names == ("go", "a", "b") and rx.last.step == 0,
                        timeout=10000)
        _kill_and_wait_for_a_new_engine(engine, qtbot)
        qtbot.waitUntil(lambda: len(rx.errors) == 2, timeout=10000)
        assert rx.errors[1][0] == "The engine stopped again and was restarted empty"
        qtbot.waitUntil(lambda: rx.last.names == (), timeout=10000)  # nothing replayed
        _kill_and_wait_for_a_new_engine(engine, qtbot)
        import os
        import signal

        os.kill(engine.engine_pid(), signal.SIGKILL)
        qtbot.waitUntil(lambda: len(rx.errors) == 4, timeout=10000)
        assert rx.errors[3][0] == "The engine keeps stopping and was not restarted"
        assert not engine.is_alive()
    finally:
        assert engine.stop()


def test_a_state_is_not_replayed_onto_an_edited_network(qtbot):
    engine = EngineThread()
    try:
        net = blinker()
        engine.set_network(net)
        engine.set_state([1.0, 0.0, 1.0])
        assert ("configure", "set_state") in engine._replay
        net.add_neuron("late")
        engine.set_network(net)
        assert ("configure", "set_state") not in engine._replay
    finally:
        assert engine.stop()


def test_a_bad_rule_parameter_is_reported_by_the_engine_not_raised(qtbot):
    from nnsim.engine.rules import Backprop

    engine = EngineThread()
    try:
        rx = Receiver(engine)
        from nnsim.engine.datasets import truth_table

        engine.set_network(Network.layered([2, 2, 1], ["tanh", "sigmoid"], seed=0))
        engine.set_dataset(truth_table("xor"))
        engine.set_rule(Backprop())
        engine.set_rule_params({"bogus": 1})  # must not raise here, in the GUI's slot
        qtbot.waitUntil(lambda: bool(rx.errors), timeout=10000)
        assert "bogus" in rx.errors[0][0]
        engine.set_rule_params({"learning_rate": 0.5})
        assert engine._replay["rule"][1].params["learning_rate"] == 0.5  # a restart keeps it
    finally:
        assert engine.stop()


def still_running(link) -> list[str]:
    """What of an engine link is still starting or running."""
    return [name for name, running in [
        ("starting", not link._started.is_set()),
        ("writer", link._writer.is_alive()),
        ("reader", link._reader.is_alive()),
        ("process", link._process is not None and link._process.is_alive()),
        ("thread", link._thread is not None and link._thread.isRunning()),
    ] if running]


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_stop_while_the_engine_is_still_starting_never_raises(qtbot, mode, monkeypatch):
    """The engine's start is held until the test lets it go: a stop too short to wait says
    False (and raises nothing); once started, the engine is told to quit and does (exit code
    0, not killed), and the second stop leaves nothing running."""
    import threading

    from nnsim.app import engine_thread

    gate = threading.Event()
    start = engine_thread._Link._start

    def held_start(link, seed):
        assert gate.wait(60)
        return start(link, seed)

    monkeypatch.setattr(engine_thread._Link, "_start", held_start)
    monkeypatch.setattr(engine_thread, "STOP_SECONDS", 30.0)  # generous for a loaded machine
    engine = EngineThread(mode=mode)
    link = engine._link
    assert engine.stop(timeout_ms=1) is False  # still starting: says so
    assert still_running(link)
    gate.set()
    assert engine.stop(timeout_ms=60_000)  # the second waits and succeeds
    assert still_running(link) == []
    assert not engine.is_alive() and not link.alive()
    if mode == "process":  # told to quit once started, not killed
        assert link._process is not None and link._process.exitcode == 0


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_an_engine_deleted_without_stop_does_not_outlive_its_window(qtbot, mode):
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    parent = QObject()
    engine = EngineThread(parent, mode=mode)
    rx = Receiver(engine)
    engine.set_network(blinker())
    engine.set_speed("max")
    engine.play()
    qtbot.waitUntil(lambda: bool(rx.snapshots) and rx.last.step > 100, timeout=10000)
    link = engine._link
    parent.deleteLater()  # the window goes, and nobody called stop()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: not link.alive() and not link._writer.is_alive()
                    and (link._process is None or not link._process.is_alive())
                    and (link._thread is None or not link._thread.isRunning()), timeout=10000)


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_an_engine_started_later_gets_every_command_sent_before_in_order(qtbot, mode):
    engine = EngineThread(mode=mode, start=False)
    try:
        rx = Receiver(engine)
        engine.set_network(blinker())
        engine.reset()
        engine.set_speed(3)
        engine.play()
        qtbot.wait(300)
        assert not engine.is_alive() and rx.snapshots == []  # nothing runs before start()
        engine.start()
        qtbot.waitUntil(lambda: engine.running and bool(rx.snapshots) and rx.last.step >= 9,
                        timeout=10000)
        assert rx.last.names == ("go", "a", "b")  # the network, then play: in that order
        engine.pause()
        qtbot.waitUntil(lambda: not engine.running, timeout=10000)
        engine.start()  # a second start changes nothing
        assert engine.is_alive()
    finally:
        assert engine.stop()


def test_an_engine_stopped_before_it_started_never_starts(qtbot):
    engine = EngineThread(start=False)
    engine.set_network(blinker())
    assert engine.stop()
    engine.start()
    assert not engine.is_alive() and engine.engine_pid() is None


def test_a_window_starts_its_engine_after_its_first_paint(qtbot):
    from PySide6.QtWidgets import QMainWindow

    from nnsim.app.engine_thread import start_after_first_paint

    window = QMainWindow()
    qtbot.addWidget(window)
    engine = EngineThread(window, start=False)
    try:
        start_after_first_paint(engine, window, fallback_ms=60_000)
        qtbot.wait(200)
        assert not engine.is_alive()  # not shown, not painted: not started
        window.show()
        qtbot.waitUntil(engine.is_alive, timeout=5000)
    finally:
        assert engine.stop()


def test_a_window_never_shown_starts_its_engine_after_the_fallback(qtbot):
    from PySide6.QtWidgets import QMainWindow

    from nnsim.app.engine_thread import start_after_first_paint

    window = QMainWindow()
    qtbot.addWidget(window)
    engine = EngineThread(window, start=False)
    try:
        start_after_first_paint(engine, window, fallback_ms=300)
        qtbot.waitUntil(engine.is_alive, timeout=5000)
    finally:
        assert engine.stop()

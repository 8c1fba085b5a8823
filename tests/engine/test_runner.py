"""The engine loop (nnsim.engine.runner) and its wire format, driven in a thread over a real pipe:
commands in, frames out, one frame in flight, bursts coalesced, errors reported, frames that
carry only what changed yet rebuild into complete snapshots."""
from __future__ import annotations

import multiprocessing
import threading
import time

import numpy as np
import pytest
from example_networks import blinker
from hypothesis import given, settings
from hypothesis import strategies as st

from nnsim.engine import Network, datasets, runner
from nnsim.engine.rules import Backprop
from nnsim.engine.simulation import Simulation
from nnsim.engine.wire import FrameReader, FrameWriter


def xor_setup(client, sizes=(2, 4, 2, 1)) -> None:
    acts = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
    client.send(("network", Network.layered(list(sizes), acts, seed=0), 1))
    client.send(("dataset", datasets.generate("xor_clouds", n=40, seed=0)))
    client.send(("rule", Backprop(optimizer="sgd", batch_size=10)))


class Client:
    """The GUI's end of the pipe, with the loop running in a thread."""

    def __init__(self, seed: int = 0) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.loop = runner.EngineLoop(child, seed)
        self.thread = threading.Thread(target=self.loop.run, daemon=True)
        self.thread.start()
        self.reader = FrameReader(self.conn)
        self.frames, self.errors, self.running = [], [], []

    def send(self, command: tuple) -> None:
        self.conn.send(command)

    def receive(self, timeout: float = 5.0, ack: bool = True) -> tuple | None:
        """The next message; a frame is acknowledged unless ack is False."""
        if not self.conn.poll(timeout):
            return None
        message = self.reader.read()
        if message[0] == "frame":
            self.frames.append(message[1])
            if ack:
                self.send(("ack",))
        elif message[0] == "error":
            self.errors.append(message[1])
        elif message[0] == "running":
            self.running.append(message[1])
        return message

    def frame(self, ack: bool = True, timeout: float = 5.0):
        """The next frame (acknowledged, as the GUI does once it is drawn)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            message = self.receive(deadline - time.perf_counter(), ack)
            if message is not None and message[0] == "frame":
                return message[1]
        raise AssertionError("no frame arrived")

    def until(self, condition, timeout: float = 10.0):
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            snap = self.frame(timeout=deadline - time.perf_counter())
            if condition(snap):
                return snap
        raise AssertionError("the condition never held")

    def close(self) -> None:
        self.send(("quit",))
        self.thread.join(5.0)
        assert not self.thread.is_alive()
        self.conn.close()


@pytest.fixture
def client():
    c = Client()
    yield c
    c.close()


def test_step_n_play_pause_and_reset(client):
    client.send(("network", blinker(), 7))
    client.send(("step_n", 5))
    snap = client.until(lambda s: s.step == 5)
    assert snap.names == ("go", "a", "b") and snap.revision == 7
    client.send(("speed", "max"))
    client.send(("play",))
    client.until(lambda s: s.step > 1000)
    assert client.running == [True]
    client.send(("pause",))
    paused = client.until(lambda s: client.running[-1] is False)
    time.sleep(0.2)
    assert client.receive(0.2) is None or client.frames[-1].step == paused.step
    client.send(("reset",))
    assert client.until(lambda s: s.step == 0).step == 0


def test_one_frame_in_flight_until_acknowledged(client):
    client.send(("network", blinker(), 1))
    client.send(("speed", "max"))
    client.send(("play",))
    first = client.frame(ack=False)
    while client.receive(0.3, ack=False) is not None:
        pass
    assert len(client.frames) == 1  # nothing more comes until the frame is drawn
    client.send(("ack",))
    second = client.frame()
    assert second.step > first.step  # the latest state, not a backlog


def test_at_most_60_frames_a_second(client):
    """A frame is sent at least FRAME_INTERVAL after the last and only once it was
    acknowledged: between the first arrival and the last, at most 60 a second (+2) arrive,
    however loaded the machine (load only makes them fewer).  Rates: bench_responsiveness."""
    client.send(("network", blinker(), 1))
    client.send(("speed", "max"))
    client.send(("play",))
    client.frame()
    arrivals = []
    while len(arrivals) < 30:
        client.frame(timeout=60)
        arrivals.append(time.perf_counter())
    assert len(arrivals) - 1 <= 60 * (arrivals[-1] - arrivals[0]) + 2
    steps = [f.step for f in client.frames[1:]]
    assert steps == sorted(steps) and steps[-1] >= 10 * len(steps)  # stepping between frames


def test_lockstep_frames_are_exactly_speed_steps_apart(client):
    client.send(("network", blinker(), 1))
    client.send(("configure", "lockstep", True))
    client.send(("speed", 3))
    client.send(("play",))
    steps = [client.frame().step for _ in range(8)]
    gaps = np.diff(steps[1:])  # the first frame may show the state before the first steps
    assert set(gaps.tolist()) == {3}


def test_a_burst_of_edits_is_applied_once(monkeypatch):
    applied = []
    original = Simulation.set_network

    def counting(self, network, revision=None):
        applied.append(revision)
        original(self, network, revision)

    monkeypatch.setattr(Simulation, "set_network", counting)
    conn, child = multiprocessing.Pipe()
    net = blinker()
    for k in range(50):  # all waiting before the loop starts serving
        net.set_bias("a", -0.5 - k / 100)
        conn.send(("network", net.copy(), net.revision))
    client = Client.__new__(Client)
    client.conn, client.loop = conn, runner.EngineLoop(child)
    client.thread = threading.Thread(target=client.loop.run, daemon=True)
    client.reader, client.frames, client.errors, client.running = FrameReader(conn), [], [], []
    client.thread.start()
    try:
        snap = client.until(lambda s: s.revision == net.revision)
        assert applied == [net.revision]  # one rebuild for the whole burst
        assert snap.biases[snap.names.index("a")] == -0.5 - 49 / 100
    finally:
        client.close()


def test_an_error_is_reported_once_and_the_loop_keeps_serving(client, monkeypatch):
    original = Simulation.snapshot

    def failing(self, decision=True):
        if self.steps >= 5:
            raise ValueError("cannot draw this")
        return original(self, decision)

    monkeypatch.setattr(Simulation, "snapshot", failing)
    client.send(("network", blinker(), 1))
    client.send(("play",))
    deadline = time.perf_counter() + 5
    while not client.errors and time.perf_counter() < deadline:
        client.receive(0.1)
    assert client.errors == ["cannot draw this"]
    while client.receive(0.3) is not None:
        pass
    assert client.errors == ["cannot draw this"]  # not one per frame
    assert client.running[-1] is False
    client.send(("configure", "no_such_setting", 1))
    while client.receive(0.3) is not None:
        pass
    assert any("no setting 'no_such_setting'" in e for e in client.errors[1:])
    assert len(client.errors) <= 3  # the command's error (and the frame it asked for), no more
    monkeypatch.setattr(Simulation, "snapshot", original)
    client.send(("reset",))
    assert client.until(lambda s: s.step == 0).names == ("go", "a", "b")


def hand_driven_loop():
    """A loop driven by hand in this thread (no run()), learning XOR."""
    conn, child = multiprocessing.Pipe()
    loop = runner.EngineLoop(child)
    loop.sim = Simulation(Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=0),
                          datasets.truth_table("xor"), Backprop(batch_size=2), seed=0)
    return conn, loop


def test_a_waiting_command_ends_a_chunk_after_one_batch():
    conn, loop = hand_driven_loop()
    done = []  # a step_n budget is exact: chunks (cut short by the clock on a busy machine)
    while sum(done) < 7 and len(done) < 100:  # add up to it, never past it
        done.append(loop._chunk(7 - sum(done)))
    assert sum(done) == 7 and loop.sim.steps == 7
    assert loop._chunk(None) > 1  # nothing waiting: a whole chunk of batches
    batch = loop._batch
    conn.send(("ack",))
    assert loop._chunk(None) == batch  # the first batch, then the command is served


def test_batches_follow_their_pace_and_stay_bounded(monkeypatch):
    conn, loop = hand_driven_loop()
    assert loop._batch == 1
    loop._chunk(None)
    assert 1 <= loop._batch <= runner.MAX_BATCH
    monkeypatch.setattr(runner, "SLICE_SECONDS", 0.0)
    loop._chunk(None)
    assert loop._batch == 1
    monkeypatch.setattr(runner, "SLICE_SECONDS", 1e9)
    loop._chunk(3)
    assert loop._batch == runner.MAX_BATCH


def test_frames_rebuild_the_simulations_own_snapshots():
    """What crosses the pipe is only what changed, yet every frame equals the snapshot it was
    made from: histories whole, networks whole, arrays read-only."""
    sim = Simulation(Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=0),
                     datasets.generate("xor_clouds", n=40, seed=0), Backprop(batch_size=10), seed=0)
    conn, child = multiprocessing.Pipe()
    sizes = []

    class Counting:
        def send_bytes(self, data):
            sizes.append(len(data))
            child.send_bytes(data)

    writer, reader = FrameWriter(Counting()), FrameReader(conn)
    got = []
    for k in range(30):
        sim.step(7)
        if k == 20:
            # The history starts over, on an edited network, and outgrows the one sent: the
            # reader must not keep the old one (a new start, not a longer same history).
            edited = sim.network
            edited.set_bias(edited.outputs[0], 1.5)
            sim.set_network(edited)
            sim.reset()
            sim.step(400)
        original = sim.snapshot()
        writer.send_frame(original, 1.0, sim.history_serial)
        kind, frame, rate = reader.read()
        got.append(frame)
        assert kind == "frame" and rate == 1.0
        for key, values in original.history.items():
            np.testing.assert_array_equal(frame.history[key], values)
            assert not frame.history[key].flags.writeable
        assert set(frame.history) == set(original.history)
        np.testing.assert_array_equal(frame.weights, original.weights)
        assert not frame.weights.flags.writeable
        np.testing.assert_array_equal(frame.decision.grid, original.decision.grid)
        assert dict(frame.metrics) == dict(original.metrics)
        assert frame.network == original.network
    # Earlier frames' histories are unchanged by later ones (views of buffers never rewritten).
    assert len(got[5].history["loss"]) < len(got[19].history["loss"])
    assert len(got[20].history["loss"]) > len(got[19].history["loss"])  # outgrew the old one
    # The network's parts (base and compiled arrays) and names went once per trainer (and once
    # more after the reset), not once a frame.
    assert len(sizes) - 30 <= 8


def test_an_unchanged_network_is_sent_once_and_shared():
    sim = Simulation(blinker())
    conn, child = multiprocessing.Pipe()
    kinds = []

    class Spy:
        def send_bytes(self, data):
            kinds.append(data)
            child.send_bytes(data)

    writer, reader = FrameWriter(Spy()), FrameReader(conn)
    frames = []
    for _ in range(5):
        sim.step(1)
        writer.send_frame(sim.snapshot(), 0.0, sim.history_serial)
        frames.append(reader.read()[1])
    assert len(kinds) == 8  # "keep" the names, the synapses' names and the network; 5 frames
    assert all(f.network is frames[0].network for f in frames)
    assert all(f.synapses is frames[0].synapses and f.names is frames[0].names for f in frames)
    assert frames[-1].network == sim.network

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("step"), st.integers(1, 30)),
    st.tuples(st.just("reset"), st.just(0)),
    st.tuples(st.just("edit"), st.integers(0, 2)),
    st.tuples(st.just("rule"), st.sampled_from(["sgd", "adam", "none"])),
    st.tuples(st.just("frame"), st.just(0)),
), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None)
@given(OPERATIONS)
def test_any_run_arrives_whole_whatever_happens_between_frames(operations):
    """Steps, resets, edits and rule changes in any order, with frames in between: every frame
    rebuilt at the GUI's end equals the snapshot it came from, though only changes were sent."""
    net = Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    sim = Simulation(net, datasets.generate("xor_clouds", n=20, seed=0), Backprop(batch_size=5))
    conn, child = multiprocessing.Pipe()
    writer, reader = FrameWriter(child), FrameReader(conn)
    for op, arg in operations + [("frame", 0)]:
        if op == "step":
            sim.step(arg)
        elif op == "reset":
            sim.reset()
        elif op == "edit":
            edited = sim.network
            edited.set_bias(edited.outputs[0], 0.1 * arg)
            if arg == 2:
                edited.add_neuron(f"extra{len(edited)}")
            sim.set_network(edited)
        elif op == "rule":
            sim.set_rule(None if arg == "none" else Backprop(optimizer=arg, batch_size=5))
        else:
            original = sim.snapshot()
            writer.send_frame(original, 0.0, sim.history_serial)
            _, frame, _ = reader.read()
            assert set(frame.history) == set(original.history)
            for key, values in original.history.items():
                np.testing.assert_array_equal(frame.history[key], values)
            assert frame.names == original.names and frame.synapses == original.synapses
            np.testing.assert_array_equal(frame.weights, original.weights)
            np.testing.assert_array_equal(frame.outputs, original.outputs)
            assert (frame.step, frame.epoch, frame.revision) == (
                original.step, original.epoch, original.revision)
            assert frame.network == original.network
    conn.close()
    child.close()


def test_step_while_running_is_ignored_and_the_loop_does_not_spin(monkeypatch):
    # the loop's clock stands still: a thread descheduled for a frame's time on a loaded
    # machine would otherwise find the next frame already due (a wait of 0)
    from types import SimpleNamespace

    monkeypatch.setattr(runner, "time", SimpleNamespace(perf_counter=lambda: 1000.0))
    conn, loop = hand_driven_loop()
    loop._do_speed(1)
    loop._do_play()
    loop._do_step_n(10)
    assert loop._budget == 0
    loop._work()  # the first frame's step
    loop._maybe_emit()  # ...and its frame
    assert loop._wait() > 0  # waits for the next frame's time instead of polling
    loop._do_pause()
    loop._do_step_n(3)
    assert loop._budget == 3 and loop._wait() == 0.0


def test_a_fixed_speed_serves_commands_between_a_frames_steps(client):
    """1,000 steps a frame on a slow network: a pause is served within the frame, not after."""
    client.send(("network", Network.layered([2, 64, 64, 1], ["tanh", "tanh", "sigmoid"], seed=0), 1))
    client.send(("dataset", datasets.generate("xor_clouds", n=2000, seed=0)))
    client.send(("rule", Backprop(optimizer="sgd", batch_size=2000)))
    client.frame()
    client.send(("speed", 1000))
    client.send(("play",))
    deadline = time.perf_counter() + 5
    while True not in client.running and time.perf_counter() < deadline:
        client.receive(0.05)
    time.sleep(0.2)  # well inside the first frame's 1,000 steps
    client.send(("pause",))
    while client.running[-1] is not False:
        assert client.receive(60.0) is not None
    # paused part-way through the frame (how soon: bench_responsiveness)
    assert client.until(lambda s: True).step < 1000


def test_unknown_and_unreadable_commands_are_reported_and_the_loop_serves_on(client):
    client.send(("bogus", 1))
    client.conn.send_bytes(b"not a pickle")
    client.send(("network", blinker(), 3))
    client.send(("step_n", 2))
    snap = client.until(lambda s: s.step == 2)
    assert snap.revision == 3
    assert any("no command 'bogus'" in e for e in client.errors)
    assert len(client.errors) == 2


def test_after_a_frame_the_gui_could_not_read_the_next_comes_whole(client):
    xor_setup(client)
    client.send(("speed", "max"))
    client.send(("play",))
    client.frame()
    client.frame(ack=False)  # "could not be read": no acknowledgement...
    client.send(("resync",))  # ...but a resync
    fresh = FrameReader(client.conn)  # a reader that remembers nothing: the frame is whole
    client.reader = fresh
    snap = client.frame()
    assert len(snap.history["loss"]) == snap.epoch
    assert tuple(snap.network.names) == snap.names


def test_the_object_pipe_hands_objects_over_and_ends_like_a_connection():
    from nnsim.engine.object_pipe import object_pipe

    gui, engine = object_pipe()
    assert not engine.poll(0.01)
    sent = {"network": blinker()}
    gui.send(sent)
    assert engine.poll(0) and engine.recv() is sent  # the object itself: nothing pickled
    engine.send(("frame", 1))
    gui.close()
    assert gui.poll(None)  # a closed pipe never blocks
    assert engine.poll(None)
    with pytest.raises(EOFError):
        engine.recv()
    with pytest.raises(BrokenPipeError):
        engine.send(("frame", 2))


def test_a_pace_in_epochs_per_second_is_watchable_and_slower_than_full_speed(client):
    xor_setup(client)  # 40 samples in batches of 10: an epoch is 4 steps
    client.send(("speed", "10/s"))
    start = time.perf_counter()
    client.send(("play",))
    paced = client.until(lambda s: s.epoch >= 5, timeout=60)
    elapsed = time.perf_counter() - start
    assert paced.epoch <= 10 * elapsed + 2  # never faster than the pace; load only slows it
    client.send(("pause",))
    client.send(("reset",))
    client.until(lambda s: s.epoch == 0 and client.running[-1] is False)
    client.send(("speed", "max"))
    client.send(("play",))
    first = client.frame(timeout=60)
    frames = [client.frame(timeout=60) for _ in range(10)]
    # full speed trains between frames: far more than a paced run's epoch a frame at most
    # (10 a second at 60 frames a second), whatever the load (both slow down together)
    assert frames[-1].epoch - first.epoch >= 5 * len(frames)


def test_a_pace_without_a_rule_counts_steps(client):
    client.send(("network", blinker(), 1))
    client.send(("speed", "20/s"))
    start = time.perf_counter()
    client.send(("play",))
    steps = client.until(lambda s: s.step >= 10, timeout=60).step
    assert steps <= 20 * (time.perf_counter() - start) + 2  # 20 steps a second at most


def test_a_slow_pace_still_serves_commands_at_once(client):
    client.send(("network", blinker(), 1))
    client.send(("speed", "1/s"))  # no rule: one step a second
    client.send(("play",))
    first = client.until(lambda s: s.step >= 1)  # the first step comes at once
    assert first.step == 1
    client.send(("pause",))
    t0 = time.perf_counter()
    while client.running[-1] is not False and time.perf_counter() - t0 < 5:
        client.receive(0.05)
    assert client.running[-1] is False
    assert client.frames[-1].step == 1  # paused before the next step fell due (1 s later)


def test_the_pace_changes_while_running(client):
    client.send(("network", blinker(), 1))
    client.send(("speed", "1/s"))
    client.send(("play",))
    client.until(lambda s: s.step >= 1)
    client.send(("speed", "max"))
    assert client.until(lambda s: s.step > 1000).step > 1000
    client.send(("speed", 2))  # back to steps per frame
    client.send(("speed", "5/s"))
    client.send(("pause",))
    client.until(lambda s: client.running[-1] is False)
    assert client.errors == []


def test_a_pace_that_is_not_a_number_is_reported(client):
    client.send(("network", blinker(), 1))
    client.send(("speed", "fast/s"))
    client.send(("step_n", 1))
    client.until(lambda s: s.step == 1)
    assert len(client.errors) == 1
    assert "a positive number of epochs a second" in client.errors[0]
    assert runner.pace("10/s") == 10.0 and runner.pace(10) is None and runner.pace("max") is None


def test_steps_per_epoch_is_the_unit_of_a_pace():
    sim = Simulation(Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=0),
                     datasets.generate("xor_clouds", n=40, seed=0),
                     Backprop(optimizer="sgd", batch_size=10))
    assert sim.steps_per_epoch == 4
    assert Simulation(blinker()).steps_per_epoch == 1  # no rule: a step is the unit

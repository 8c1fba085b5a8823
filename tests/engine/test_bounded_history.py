"""Histories keep bounded memory (issue 12): the latest epochs at full resolution, older ones as
min/max envelopes at their real epochs, so a curve still spans the whole run with its peaks."""
import tracemalloc

import numpy as np
import pytest

from nnsim.engine import Network
from nnsim.engine.rules.base import Applicability, History, Rule, Trainer
from nnsim.engine.run_history import BUCKETS, FIELDS, RECENT, RunHistory, Trace
from nnsim.engine.simulation import Simulation
from nnsim.engine.wire import FrameReader, FrameWriter

EPOCHS = 10**6
CAP_POINTS = 2 * BUCKETS + 2 * RECENT  # points a trace keeps at most
SPIKE_AT, SPIKE = 1_234, 50.0  # early in the run: long folded into envelopes by the end
DIP_AT, DIP = 600_001, -7.0


def loss_curve(start: int, stop: int) -> np.ndarray:
    """Epochs start+1..stop of a decaying, noisy loss with one spike and one dip."""
    epochs = np.arange(start + 1, stop + 1)
    y = np.exp(-epochs / 2e5) + 0.01 * np.sin(epochs / 7.0)
    y[epochs == SPIKE_AT] = SPIKE
    y[epochs == DIP_AT] = DIP
    return y


def test_a_trace_is_the_list_it_was_given_up_to_twice_recent_values():
    values = [0.5 / (k + 1) for k in range(2 * RECENT)]
    trace = Trace()
    for v in values:
        trace.append(v)
    assert len(trace) == trace.count == 2 * RECENT and trace.version == 0
    assert trace == values and trace[-1] == values[-1] and trace[3:5] == values[3:5]
    assert trace.epochs.tolist() == list(range(1, 2 * RECENT + 1))
    trace.append(1.0)  # one more: the older half is folded into envelopes
    assert trace.version == 1 and len(trace) < 2 * RECENT
    assert trace.values[-RECENT - 1:].tolist() == values[-RECENT:] + [1.0]


def test_a_million_epochs_in_a_trace_keep_bounded_memory_the_whole_span_and_the_peaks():
    y = loss_curve(0, EPOCHS)
    given = y.tolist()  # (32 MB of floats: made before measuring)
    trace = Trace()
    tracemalloc.start()
    try:
        for v in given:
            trace.append(v)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A list of 10^6 floats alone takes 32 MB; the points kept (x and y) take 16 bytes each,
    # 0.4 MB, and a fold briefly needs about as much again twice.
    assert peak < 2_000_000, peak
    assert len(trace) <= CAP_POINTS and trace.count == EPOCHS
    x, v = trace.epochs, trace.values
    assert x[0] == 1 and x[-1] == EPOCHS and np.all(np.diff(x) > 0)
    assert v.max() == SPIKE and x[np.argmax(v)] == SPIKE_AT  # at its real epoch
    assert v.min() == DIP and x[np.argmin(v)] == DIP_AT
    # Every kept value is the value of its epoch; the latest RECENT are all there.
    np.testing.assert_array_equal(v, y[x.astype(int) - 1])
    np.testing.assert_array_equal(x[-RECENT:], np.arange(EPOCHS - RECENT + 1, EPOCHS + 1))
    # Older epochs: uniform buckets of `stride` epochs, at most two points each.
    old = x[(x > 1) & (x <= EPOCHS - 2 * RECENT)]  # (the first epoch is kept as it is)
    assert len(old) >= BUCKETS // 2  # the early run is still drawn, not a handful of points
    assert np.bincount(((old - 1) // trace.stride).astype(int)).max() <= 2


def test_each_bucket_keeps_its_lowest_and_highest_value_in_order():
    trace = Trace(recent=4, buckets=4)
    values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6]
    trace.extend(values)
    x, v = trace.epochs.astype(int), trace.values
    for epoch, value in zip(x, v):
        assert values[epoch - 1] == value
    buckets = (x[x <= 16] - 1) // trace.stride
    for b in np.unique(buckets):
        in_bucket = values[b * trace.stride:(b + 1) * trace.stride]
        kept = v[: len(buckets)][buckets == b]
        assert kept.min() == min(in_bucket) and kept.max() == max(in_bucket)


def test_run_history_of_a_million_epochs_across_edits_is_bounded_and_spans_the_run():
    log = RunHistory()
    chunk, bank_every = 2_000, 150_000
    history, start, done = History(), 0, 0
    serials, frames, old_views = set(), 0, []
    tracemalloc.start()
    try:
        while done < EPOCHS:
            y = loss_curve(done, done + chunk)
            history.loss.extend(y)
            history.accuracy.extend(np.clip(1 - y, 0, 1))
            history.epochs += chunk
            done += chunk
            values, epochs = log.figures(history)  # a frame
            frames += 1
            serials.add(log.serial)
            if frames % 97 == 0:  # views handed out earlier are never rewritten
                for view, copy in old_views:
                    assert np.array_equal(view, copy) and not view.flags.writeable
                old_views = [(values["loss"], values["loss"].copy())]
            if done - start >= bank_every:  # an edit: the trainer is replaced
                log.bank(history)
                history, start = History(), done
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    values, epochs = log.figures(history)
    assert set(values) == set(epochs) == {"loss", "accuracy"}
    x, v = epochs["loss"], values["loss"]
    # Banked figures and the current trainer's: at most two traces' worth of points.
    assert len(v) == len(x) <= 2 * CAP_POINTS
    # Lists of 10^6 floats for two figures would take 64 MB, plus the arrays made of them.
    assert peak < 8_000_000, peak  # measured: 5.8 MB
    assert x[0] == 1 and x[-1] == EPOCHS and np.all(np.diff(x) > 0)
    assert v.max() == SPIKE and x[np.argmax(v)] == SPIKE_AT
    assert v.min() == DIP and x[np.argmin(v)] == DIP_AT
    np.testing.assert_array_equal(v, loss_curve(0, EPOCHS)[x.astype(int) - 1])
    # The serial changed on folds and edits, not every frame.
    assert 10 < len(serials) < frames / 3


class CountTrainer(Trainer):
    """One step an epoch; the loss is 1/epoch with a spike at epoch 7; small traces (folding
    after 2 x 20 values) so that a test sees many folds in few epochs."""

    steps_per_epoch = 1

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.history = History(**{key: Trace(recent=20, buckets=8) for key in FIELDS})

    def _step(self) -> None:
        pass

    def _end_epoch(self) -> None:
        epoch = self.history.epochs
        self.history.loss.append(100.0 if epoch == 7 else 1.0 / epoch)
        self.history.accuracy.append(min(1.0, epoch / 100))


class Count(Rule):
    name = "count"
    title = "Count"
    trainer_class = CountTrainer

    def applies_to(self, net):
        return Applicability(True)


def chain() -> Network:
    net = Network("chain")
    net.add_neuron("x", role="input", value=1.0)
    net.add_neuron("y", role="output", activation="linear")
    net.connect("x", "y", 2.0)
    return net


class Link:
    """Both ends of a connection in one thread: what the writer sends, the reader receives."""

    def __init__(self) -> None:
        self.queue, self.sizes = [], []

    def send_bytes(self, data: bytes) -> None:
        self.queue.append(data)
        self.sizes.append(len(data))

    def recv_bytes(self) -> bytes:
        return self.queue.pop(0)


def test_frames_carry_the_folded_history_and_its_epochs_sending_only_what_changed():
    sim = Simulation(chain(), rule=Count(), seed=0)
    link = Link()
    writer, reader = FrameWriter(link), FrameReader(link)
    sent, whole = [], []  # values sent per frame; values the frame's histories hold
    tails = writer._history_tails

    def spy(name, history, serial):
        out = tails(name, history, serial)
        sent.append(sum(len(values) for _, values in out[0].values()))
        whole.append(sum(len(values) for values in history.values()))
        return out

    writer._history_tails = spy
    frames, full = [], 0
    for k in range(400):
        sim.step(3)
        if k == 150:  # an edit banks the trainer's history; the epochs run on
            edited = sim.network
            edited.set_bias(edited.outputs[0], 0.5)
            sim.set_network(edited)
        original = sim.snapshot()
        writer.send_frame(original, 1.0, sim.history_serial)
        kind, frame, _ = reader.read()
        frames.append(frame)
        assert set(frame.history) == set(frame.history_epochs) == {"loss", "accuracy"}
        for key, values in original.history.items():
            np.testing.assert_array_equal(frame.history[key], values)
            np.testing.assert_array_equal(frame.history_epochs[key], original.history_epochs[key])
            assert len(values) == len(original.history_epochs[key])
        full = max(full, len(frame.history["loss"]))
    x, y = frames[-1].history_epochs["loss"], frames[-1].history["loss"]
    assert x[0] == 1 and x[-1] == sim.epoch == 1200 and np.all(np.diff(x) > 0)
    assert y.max() == 100.0 and x[np.argmax(y)] == 7  # the spike, long folded, at its epoch
    assert full <= 2 * (2 * 8 + 2 * 20)  # two small traces' worth of points
    # Earlier frames' arrays were never rewritten by later ones.
    assert frames[10].history_epochs["loss"][-1] == 33
    # Only what changed went: new epochs, and on a fold the values from the first one that
    # changed (all of them only when the envelopes' stride doubled, or after the edit).
    assert sum(sent) < 0.12 * sum(whole)  # measured 8%; 17% resending whole histories on a fold


@pytest.mark.parametrize("values", [[], [1.0], [2.0, float("nan"), 3.0]])
def test_a_trace_pickles_and_compares(values):
    import pickle

    trace = Trace(values)
    again = pickle.loads(pickle.dumps(trace))
    assert again == trace and len(again) == len(values)
    again.append(4.0)
    assert again[-1] == 4.0 and again.epochs[-1] == len(values) + 1


def test_add_points_refuses_epochs_that_do_not_increase():
    trace = Trace([1.0, 2.0])
    with pytest.raises(ValueError, match="increase"):
        trace.add_points([2.0], [5.0])
    with pytest.raises(ValueError, match="2 epochs for 1 values"):
        trace.add_points([3.0, 4.0], [5.0])

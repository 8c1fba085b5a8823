"""The plots of a long run hold bounded memory (issue 12) and still show the whole run with its
peaks: the loss plot draws the engine's bounded history (through the same frames the engine
process sends) at real epoch numbers; the weights plot's own series halves keeping extremes."""
import csv
import tracemalloc
from types import MappingProxyType, SimpleNamespace

import numpy as np

from nnsim.app.plots import EnergyPlot, LossPlot, WeightsPlot
from nnsim.engine import Network
from nnsim.engine.rules.base import History
from nnsim.engine.run_history import BUCKETS, RECENT, RunHistory
from nnsim.engine.snapshot import Snapshot
from nnsim.engine.wire import FrameReader, FrameWriter

EPOCHS = 10**6
PER_FRAME = 2_000  # epochs between two frames (a fast run gives about this many)
CAP_POINTS = 2 * BUCKETS + 2 * RECENT  # points a history keeps at most (one trainer)
SPIKE_AT, SPIKE = 1_234, 9.0
DIP_AT = 700_001


class Link:
    def __init__(self) -> None:
        self.queue = []

    def send_bytes(self, data: bytes) -> None:
        self.queue.append(data)

    def recv_bytes(self) -> bytes:
        return self.queue.pop(0)


def loss_of(start: int, stop: int) -> np.ndarray:
    epochs = np.arange(start + 1, stop + 1)
    y = 0.5 * np.exp(-epochs / 3e5) + 0.02 * np.sin(epochs / 5.0) + 0.05
    y[epochs == SPIKE_AT] = SPIKE
    y[epochs == DIP_AT] = 0.0
    return y


def frame(net: Network, epoch: int, history: dict, epochs: dict) -> Snapshot:
    return Snapshot(step=epoch, epoch=epoch, names=(), outputs=np.zeros(0), net_inputs=np.zeros(0),
                    synapses=(), weights=np.zeros(0), biases=np.zeros(0),
                    metrics=MappingProxyType({}), history=MappingProxyType(history),
                    history_epochs=MappingProxyType(epochs), revision=0, network_source=net)


def test_a_million_epochs_through_frames_into_the_loss_plot_hold_bounded_memory(shown, tmp_path):
    plot = shown(LossPlot(), 640, 360)
    log, trainer, net = RunHistory(), History(), Network()
    link = Link()
    writer, reader = FrameWriter(link), FrameReader(link)
    drawn = []
    tracemalloc.start()
    try:
        for k in range(EPOCHS // PER_FRAME):
            y = loss_of(k * PER_FRAME, (k + 1) * PER_FRAME)
            trainer.loss.extend(y)
            trainer.accuracy.extend(1.0 - y)
            trainer.epochs += PER_FRAME
            values, epochs = log.figures(trainer)
            writer.send_frame(frame(net, trainer.epochs, values, epochs), 0.0, log.serial)
            plot.update_snapshot(reader.read()[1])
            if k % 100 == 0:
                plot.graphics.grab()  # painted now and then, as a window is
                drawn.append(len(plot.curves["loss"].getOriginalDataset()[0]))
        plot.graphics.grab()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Unbounded, the reader's and the plot's arrays alone would hold 10^6 x 16 bytes per curve.
    assert peak < 8_000_000, peak  # measured: 4.2 MB, the engine side included
    x, y = plot.curves["loss"].getOriginalDataset()
    assert len(x) == len(y) <= CAP_POINTS and max(drawn) <= CAP_POINTS
    assert x[0] == 1 and x[-1] == EPOCHS and np.all(np.diff(x) > 0)
    assert y.max() == SPIKE and x[np.argmax(y)] == SPIKE_AT  # early, long folded, kept in place
    assert y.min() == 0.0 and x[np.argmin(y)] == DIP_AT
    np.testing.assert_array_equal(y, loss_of(0, EPOCHS)[x.astype(int) - 1])
    ax, ay = plot.curves["accuracy"].getOriginalDataset()
    assert ax[0] == 1 and ax[-1] == EPOCHS and ay.min() == 1.0 - SPIKE
    # The epoch axis spans the run; the status names the last epoch.
    x0, x1 = plot.loss_plot.getViewBox().viewRange()[0]
    assert x0 <= 1 and EPOCHS <= x1 <= 2.1 * EPOCHS  # (the axis leads the data)
    assert plot.status.text().startswith(f"epoch {EPOCHS} ")
    # The CSV has one row per epoch kept, at its real epoch.
    rows = list(csv.reader(plot.export(tmp_path / "loss.csv").open()))
    assert rows[0] == ["epoch", "loss", "accuracy"]
    epochs = [int(r[0]) for r in rows[1:]]
    assert epochs[0] == 1 and epochs[-1] == EPOCHS and len(epochs) <= 2 * CAP_POINTS
    assert [r for r in rows[1:] if r[0] == str(SPIKE_AT)][0][1] == f"{SPIKE:.6g}"


def test_the_loss_plot_draws_values_at_their_epochs_and_without_epochs_one_an_epoch(shown):
    plot = shown(LossPlot(), 480, 320)
    history = {"loss": np.array([4.0, 3.0, 1.0])}
    plot.update_snapshot(SimpleNamespace(history=history))
    assert plot.curves["loss"].getOriginalDataset()[0].tolist() == [1, 2, 3]
    plot.update_snapshot(SimpleNamespace(history=history,
                                         history_epochs={"loss": np.array([1.0, 500.0, 900.0])}))
    assert plot.curves["loss"].getOriginalDataset()[0].tolist() == [1, 500, 900]
    assert plot.status.text().startswith("epoch 900 ")


def test_the_energy_plot_draws_sweeps_at_their_epochs(shown):
    plot = shown(EnergyPlot(), 480, 320)
    plot.update_snapshot(SimpleNamespace(step=9, history={"energy": np.array([-1.0, -5.0, -6.0])},
                                         history_epochs={"energy": np.array([1.0, 40.0, 80.0])}))
    assert plot.curve.getOriginalDataset()[0].tolist() == [0, 39, 79]


def test_the_weights_plot_keeps_a_long_run_in_bounded_arrays_with_its_peaks(shown):
    plot = shown(WeightsPlot(), 480, 320)
    synapses = (("a", "y"), ("b", "y"))
    plot.update_snapshot(SimpleNamespace(step=0, synapses=synapses, weights=np.zeros(2), metrics={}))
    frames = 400_000  # about two hours of frames at 60 a second
    t = np.arange(1, frames)
    w = np.stack([np.sin(t / 300.0), np.cos(t / 700.0)], axis=1)
    w[t == 777, 0] = 40.0  # a spike early on
    w[t == 250_000, 1] = -30.0
    for step, weights in zip(t.tolist(), w):
        plot.series.append(step, weights)
    plot.update_snapshot(SimpleNamespace(step=frames, synapses=synapses,
                                         weights=np.array([0.5, 0.5]), metrics={}))
    series = plot.series
    assert len(series) <= plot.max_points == 50_000
    assert series._x.nbytes + series._y.nbytes <= 3 * 50_000 * 8  # x and two curves
    x0, y0 = plot.curves[0].getOriginalDataset()
    x1, y1 = plot.curves[1].getOriginalDataset()
    assert x0[0] == 0 and x0[-1] == frames and np.all(np.diff(x0) > 0)
    assert y0.max() == 40.0 and abs(x0[np.argmax(y0)] - 777) <= series.stride
    assert y1.min() == -30.0 and abs(x1[np.argmin(y1)] - 250_000) <= series.stride
    # One resolution throughout: every group of `stride` points is two columns.
    grouped = x0[:series._grouped]
    spans = grouped[1::2] - grouped[::2]
    assert series.stride > 1 and np.all(spans == spans[0])

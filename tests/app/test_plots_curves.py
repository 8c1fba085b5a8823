"""EnergyPlot, LossPlot and ActivationPlot draw exactly the data they are given."""
from types import SimpleNamespace

import numpy as np
import pytest

from nnsim.app.plots import ActivationPlot, EnergyPlot, LossPlot
from nnsim.engine import Network
from nnsim.engine.units import UNITS


def snap(**kw):
    base = dict(step=0, epoch=0, names=(), outputs=np.zeros(0), net_inputs=np.zeros(0), synapses=(),
                weights=np.zeros(0), biases=np.zeros(0), metrics={}, history={})
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.fixture
def make(shown):
    return lambda cls: shown(cls(), 480, 320)


# ---------------------------------------------------------------------- energy
def test_energy_draws_the_history_per_sweep(make):
    plot = make(EnergyPlot)
    energy = np.array([-1.0, -4.0, -6.0, -6.5])
    plot.update_snapshot(snap(step=3, history={"energy": energy}, done=True))
    x, y = plot.curve.getOriginalDataset()
    np.testing.assert_array_equal(x, [0, 1, 2, 3])
    np.testing.assert_array_equal(y, energy)
    np.testing.assert_array_equal(plot.marker.getData()[1], [-6.5])
    assert plot.plot.getAxis("bottom").labelText == "sweep"
    assert "settled" in plot.status.text()


def test_energy_appends_metrics_per_snapshot_and_restarts_on_reset(make):
    plot = make(EnergyPlot)
    for step, e in [(0, -1.0), (2, -3.0), (4, -3.5)]:
        plot.update_snapshot(snap(step=step, metrics={"energy": e}))
    x, y = plot.curve.getOriginalDataset()
    np.testing.assert_array_equal(x, [0, 2, 4])
    np.testing.assert_array_equal(y, [-1, -3, -3.5])
    plot.update_snapshot(snap(step=0, metrics={"energy": -9.0}))
    np.testing.assert_array_equal(plot.curve.getOriginalDataset()[1], [-9.0])


def test_energy_ignores_snapshots_without_energy_and_clears(make):
    plot = make(EnergyPlot)
    plot.update_snapshot(snap(step=1))
    assert plot.curve.getOriginalDataset()[0] is None
    plot.update_snapshot(snap(step=1, metrics={"energy": -2.0}))
    plot.clear_action.trigger()
    assert plot.curve.getOriginalDataset()[0] is None
    assert plot.status.text() == ""


def test_energy_of_a_real_hopfield_network_slides_downhill(make):
    net = Network()
    for k in range(4):
        net.add_neuron(f"s{k}", activation="sign")
    pattern = np.array([1.0, -1.0, 1.0, -1.0])
    for i in range(4):
        for j in range(4):
            if i != j:
                net.connect(f"s{i}", f"s{j}", weight=pattern[i] * pattern[j])
    result = net.settle(np.array([1.0, 1.0, 1.0, -1.0]), seed=0)
    plot = make(EnergyPlot)
    plot.update_snapshot(snap(history={"energy": np.asarray(result.energies)}))
    y = plot.curve.getOriginalDataset()[1]
    assert np.all(np.diff(y) <= 1e-12) and y[-1] < y[0]


# ---------------------------------------------------------------------- loss
HISTORY = {"loss": np.array([0.5, 0.3, 0.2]), "val_loss": np.array([0.6, 0.4, 0.35]),
           "accuracy": np.array([0.5, 0.75, 1.0])}


def test_loss_and_accuracy_curves_equal_the_history(make):
    plot = make(LossPlot)
    plot.update_snapshot(snap(history=HISTORY))
    for key, values in HISTORY.items():
        x, y = plot.curves[key].getOriginalDataset()
        np.testing.assert_array_equal(y, values)
        np.testing.assert_array_equal(x, [1, 2, 3])
    assert plot.curves["val_accuracy"].getOriginalDataset()[0] is None  # missing: not drawn
    assert plot.curves["loss"].name() == "training" and plot.curves["val_loss"].name() == "validation"
    assert "epoch 3" in plot.status.text() and "acc 100%" in plot.status.text()


def test_loss_log_scale_and_csv_export(make, tmp_path):
    plot = make(LossPlot)
    plot.update_snapshot(snap(history=HISTORY))
    plot.set_log_scale(True)
    assert plot.curves["loss"].opts["logMode"][1]
    rows = plot.export(tmp_path / "loss.csv").read_text().splitlines()
    assert rows[0] == "epoch,loss,val_loss,accuracy"
    assert [float(v) for v in rows[1].split(",")[:2]] == [1.0, 0.5]
    plot.clear()
    assert plot.curves["loss"].getOriginalDataset()[0] is None


def test_the_loss_axis_holds_still_yet_always_shows_the_whole_curve(make, qtbot):
    """A loss falling epoch by epoch: the axis moves a few times, not every frame (each move
    re-lays the axis and repaints the plot twice), and the curve is always inside it."""
    plot = make(LossPlot)
    view = plot.loss_plot.getViewBox()
    loss = 0.7 * np.exp(-np.arange(1, 601) / 120) + 0.01
    moves, x_moves, last, last_x = 0, 0, None, None
    for n in range(5, 601, 5):
        plot.update_snapshot(snap(history={"loss": loss[:n]}))
        (left, right), (low, high) = view.viewRange()
        assert left <= 1 and n <= right  # every epoch in view
        assert low <= loss[:n].min() and loss[:n].max() <= high
        moves += (low, high) != last
        x_moves += (left, right) != last_x
        last, last_x = (low, high), (left, right)
    assert moves <= 12  # 120 frames
    assert x_moves <= 7  # the epoch axis doubles
    plot.set_log_scale(True)  # log units: the axis is fitted again, in them
    low, high = view.viewRange()[1]
    assert low <= np.log10(loss.min()) and np.log10(loss.max()) <= high
    view.setYRange(0.2, 0.3)  # the user zooms in...
    view.sigRangeChangedManually.emit([False, True])
    plot.update_snapshot(snap(history={"loss": loss}))
    assert view.viewRange()[1] == pytest.approx([0.2, 0.3], abs=0.02)  # ...and it stays


# ---------------------------------------------------------------------- activation
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "linear", "step"])
def test_activation_curve_is_the_engine_function(make, name):
    plot = make(ActivationPlot)
    plot.set_neuron(name, 0.7)
    z, y = plot.curve.getOriginalDataset()
    np.testing.assert_allclose(y, UNITS[name].function(z))
    z, dy = plot.derivative_curve.getOriginalDataset()
    np.testing.assert_allclose(dy, UNITS[name].derivative(z))
    assert plot.z_line.value() == pytest.approx(0.7)
    x, y = plot.dot.getData()
    assert x[0] == pytest.approx(0.7)
    assert y[0] == pytest.approx(float(UNITS[name].function(np.array([0.7]))[0]))


def test_activation_widens_for_a_large_z(make):
    plot = make(ActivationPlot)
    plot.set_neuron("tanh", 20.0)
    assert plot.curve.getOriginalDataset()[0].max() >= 20.0


def test_gaussian_is_plotted_against_distance(make):
    plot = make(ActivationPlot)
    plot.set_neuron("gaussian", 4.0, beta=0.5)  # the net input is d^2 = 4, so d = 2
    d, y = plot.curve.getOriginalDataset()
    assert d.min() == 0.0
    np.testing.assert_allclose(y, UNITS["gaussian"].function(d * d, 0.5))
    assert plot.z_line.value() == pytest.approx(2.0)
    assert plot.dot.getData()[1][0] == pytest.approx(np.exp(-0.5 * 4.0))
    assert "distance" in plot.plot.getAxis("bottom").labelText


def test_activation_follows_a_tracked_neuron(make):
    plot = make(ActivationPlot)
    net = Network()
    net.add_neuron("x", role="input")
    net.add_neuron("h", activation="relu")
    plot.track("h")
    plot.update_snapshot(snap(names=("x", "h"), net_inputs=np.array([0.0, 1.5]), network=net))
    assert plot.activation == "relu"
    assert plot.dot.getData()[0][0] == pytest.approx(1.5)
    assert plot.status.text().startswith("h:")


def test_a_rule_without_loss_shows_its_errors(make):
    plot = make(LossPlot)
    errors = np.array([3, 2, 2, 1, 2])
    plot.update_snapshot(snap(history={"errors": errors, "accuracy": 1 - errors / 4}))
    np.testing.assert_array_equal(plot.curves["errors"].getOriginalDataset()[1], errors)
    assert plot.loss_plot.getAxis("left").labelText == "misclassified"
    assert "errors 2" in plot.status.text()
    plot.update_snapshot(snap(history=HISTORY | {"errors": errors}))  # with a loss, the loss
    assert plot.curves["errors"].getOriginalDataset()[0] is None
    assert plot.loss_plot.getAxis("left").labelText == "loss"


def test_empty_loss_axes_say_what_will_appear_and_how(make, qtbot):
    """Before the first epoch the loss plot is not bare axes: a centred line says what will
    appear and that Train starts it; it goes with the first epoch and comes back on clear()."""
    from PySide6.QtCore import QPointF

    plot = make(LossPlot)
    plot.update_snapshot(snap(history={}))
    hint = plot.empty_hint
    assert hint.isVisible() and "press Train" in hint.toPlainText()
    view = plot.loss_plot.getViewBox()
    centre = view.mapViewToScene(hint.pos())
    box = view.sceneBoundingRect()
    assert box.contains(QPointF(centre)) and abs(centre.x() - box.center().x()) < 2
    plot.resize(300, 220)  # a small plot: the text wraps inside its area
    qtbot.wait(20)
    text = hint.mapRectToScene(hint.boundingRect())
    assert view.sceneBoundingRect().contains(text), (text, view.sceneBoundingRect())
    plot.update_snapshot(snap(history=HISTORY))
    assert not hint.isVisible()
    plot.clear()
    assert hint.isVisible()

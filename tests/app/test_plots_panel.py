"""CurvePlot, the PLOTS registry and PlotsPanel: every plot takes the same snapshot."""
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtGui import QImage

from nnsim.app.plots import PLOTS, CurvePlot, PlotPanel, PlotsPanel


def full_snapshot(step=1):
    names = ("x1", "x2", "h", "y")
    grid = np.linspace(0, 1, 400, dtype=np.float32).reshape(20, 20)
    x = np.linspace(-1, 1, 50)
    return SimpleNamespace(
        step=step, epoch=step, names=names, outputs=np.array([1.0, -1.0, 0.5, 0.7]),
        net_inputs=np.array([0.0, 0.0, 0.2, 0.9]), synapses=(("x1", "h"), ("x2", "h"), ("h", "y")),
        weights=np.array([0.5, -0.5, 2.0]), biases=np.zeros(4),
        metrics={"loss": 0.1, "energy": -2.0},
        history={"loss": np.array([0.3, 0.1]), "accuracy": np.array([0.5, 1.0]),
                 "energy": np.array([-1.0, -2.0])},
        decision=SimpleNamespace(grid=grid, extent=(-1.0, 1.0, -1.0, 1.0),
                                 lines=[("h", 0.5, -0.5, 0.0)], neuron_grids={}),
        curve=(x, x ** 2))


def test_curve_plot_draws_the_network_curve_over_the_targets(qtbot):
    plot = CurvePlot()
    qtbot.addWidget(plot)
    plot.set_dataset(np.array([[0.5], [-0.5], [0.0]]), np.array([1.0, 2.0, 3.0]))
    x, y = plot.targets.getData()
    np.testing.assert_array_equal(x, [-0.5, 0.0, 0.5])  # sorted by x, pairs kept
    np.testing.assert_array_equal(y, [2.0, 3.0, 1.0])
    snap = full_snapshot()
    plot.update_snapshot(snap)
    x, y = plot.curve.getData()
    np.testing.assert_array_equal(x, snap.curve[0])
    np.testing.assert_array_equal(y, snap.curve[1])
    assert "loss 0.1" in plot.status.text()
    plot.update_snapshot(SimpleNamespace(step=2))  # no curve: nothing changes
    assert len(plot.curve.getData()[0]) == 50
    plot.clear()
    assert plot.curve.getData()[0] is None


def test_registry_titles_are_unique():
    titles = [cls.title for cls in PLOTS.values()]
    assert len(set(titles)) == len(titles) == 8
    assert all(issubclass(cls, PlotPanel) for cls in PLOTS.values())


def test_every_plot_takes_a_full_snapshot_a_bare_one_and_exports(qtbot, tmp_path):
    panel = PlotsPanel()
    qtbot.addWidget(panel)
    panel.resize(600, 450)
    panel.show()
    panel["activation"].track("h")
    bare = SimpleNamespace(step=0)
    for plot in panel.plots.values():
        plot.update_snapshot(bare)  # optional fields missing: tolerated
    panel.update_snapshot(full_snapshot(1))
    panel.update_snapshot(full_snapshot(2))
    panel.setCurrentWidget(panel["weights"])  # a plot behind another tab draws when shown
    assert panel["weights"].curves[2].getOriginalDataset()[1].tolist() == [2.0, 2.0]
    assert panel["energy"].curve.getOriginalDataset()[1].tolist() == [-1.0, -2.0]
    assert panel["hopfield"].state.tolist() == [1, -1, 1, 1]
    assert panel["activation"].dot.getData()[0][0] == pytest.approx(0.2)
    assert panel["decision"].image.image.shape == (20, 20)
    for key, plot in panel.plots.items():
        panel.setCurrentWidget(plot)
        for ext in ("png", "svg", "csv"):
            path = plot.export(tmp_path / f"{key}.{ext}")
            assert path.stat().st_size > 0, (key, ext)
        image = QImage(str(tmp_path / f"{key}.png"))
        assert not image.isNull() and image.width() > 50, key
    panel.clear()
    assert panel["weights"].curves == []


def test_plots_read_a_real_simulation_snapshot(qtbot):
    from nnsim.engine import Network, rules
    from nnsim.engine.simulation import Simulation

    net = Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    sim = Simulation(net, (X, np.array([0.0, 1.0, 1.0, 0.0])), rules.Backprop(batch_size=4))
    panel = PlotsPanel()
    qtbot.addWidget(panel)
    for _ in range(3):
        sim.step(5)
        panel.update_snapshot(sim.snapshot())
    snap = sim.snapshot()
    x, y = panel["loss"].curves["loss"].getOriginalDataset()
    np.testing.assert_array_equal(y, snap.history["loss"])
    weights = np.array([c.getOriginalDataset()[1][-1] for c in panel["weights"].curves])
    np.testing.assert_array_equal(weights, snap.weights)
    assert panel["matrix"].layer_box.count() == 3

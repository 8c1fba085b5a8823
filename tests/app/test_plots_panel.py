"""CurvePlot, the PLOTS registry and PlotsPanel: every plot takes the same snapshot."""
from types import SimpleNamespace

import exported
import numpy as np
import pyqtgraph as pg
import pytest

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
        curve=(x, x ** 2),
        landscape=landscape_view(), landscape_path=np.array([[0.5, -0.5], [0.3, -0.2]]))


def landscape_view():
    """A loss landscape over two weights, as the engine sends it (nnsim.engine.rules.race)."""
    from nnsim.engine.rules.race import LandscapeView

    a = b = np.linspace(-1.5, 1.5, 31)
    loss = (a[:, None] - 0.2) ** 2 + 3 * (b[None, :] + 0.1) ** 2
    return LandscapeView(spec=None, a=a, b=b, loss=loss, centre=(0.5, -0.5),
                         centre_loss=float(loss[20, 10]), labels=("w x1→h", "w h→y"),
                         loss_name="mse", frozen=True)


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
    assert len(set(titles)) == len(titles) == len(PLOTS)
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
        exports_show_what_is_plotted(key, plot, tmp_path)
    panel.clear()
    assert panel["weights"].curves == []


DRAWN_FROM_THE_FULL_SNAPSHOT = {"decision", "curve", "loss", "weights", "energy", "activation", "hopfield",
                                "matrix", "raster"}  # not the landscape: its contours are faint


def exports_show_what_is_plotted(key, plot, tmp_path) -> None:
    """The PNG, SVG and CSV a plot exports hold what it draws: every curve in its pen colour
    where its data are (PNG) and through exactly its data points (SVG), every image's cells in
    their colours (PNG) and embedded (SVG); the CSV holds the numbers drawn."""
    png_path, svg_path, csv_path = (plot.export(tmp_path / f"{key}.{ext}") for ext in ("png", "svg", "csv"))
    pixels, root = exported.png(png_path), exported.svg(svg_path)
    assert pixels.shape[1] > 50 and exported.drawn(pixels) > 0.05 * pixels.shape[0] * pixels.shape[1], key
    curves = exported.visible_curves(plot)
    images = [item for item in plot.graphics.scene().items()
              if isinstance(item, pg.ImageItem) and item.isVisible() and item.image is not None]
    if key not in DRAWN_FROM_THE_FULL_SNAPSHOT:  # a plot added since: valid files only (add it
        exported.csv_rows(csv_path)               # to the set once its content is checked here)
        return
    assert curves or images, key
    for curve in curves:
        colour = exported.pen_colour(curve)
        assert exported.line_with(root, curve.xData, curve.yData, colour), (key, colour)
        if key != "hopfield":  # its cell grid lies partly under the cells
            assert exported.curve_in_png(pixels, curve, plot.graphics) >= 0.9, (key, colour)
    embedded = [image.shape[:2] for image in exported.svg_images(root)]
    for item in images:
        assert (item.qimage.height(), item.qimage.width()) in embedded, key
        assert exported.image_in_png(pixels, item, plot.graphics) >= 0.8, key
    if key == "decision":
        np.testing.assert_allclose(exported.csv_matrix(csv_path), plot.grid, rtol=1e-5, atol=1e-6)
    elif key == "hopfield":
        np.testing.assert_array_equal(exported.csv_matrix(csv_path), [[1, -1], [1, 1]])
    elif key == "raster":  # one row per step: the step, then each neuron's output
        assert exported.csv_rows(csv_path)[0] == ["step", *plot.names]
        first, values = plot.columns()
        np.testing.assert_array_equal(exported.csv_matrix(csv_path, 1, 0),
                                      np.column_stack([first + np.arange(values.shape[1]), values.T]))
    elif key == "matrix":
        assert exported.csv_rows(csv_path)[0] == ["", *plot.cols]
        assert [row[0] for row in exported.csv_rows(csv_path)[1:]] == plot.rows
        np.testing.assert_array_equal(exported.csv_matrix(csv_path, 1, 1), plot.matrix)
    else:
        columns = exported.csv_columns(csv_path)
        for curve in curves:
            if curve.parentItem() in [c for p in plot.csv_plots() for c in p.listDataItems()]:
                assert exported.csv_has(columns, curve.xData, curve.yData), (key, exported.pen_colour(curve))


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

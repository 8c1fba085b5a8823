"""clear() forgets everything a plot drew: after it, no data item holds a point and no coloured
pixel (a marker, a curve, a map) is left in any plot area.  The app clears every plot when a
lesson, a scene, a file or File > New replaces the document (issue 11: lesson 7 then 3 kept the
XOR points, lesson 13 then 15 the 1-D targets)."""
from types import SimpleNamespace

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from nnsim.app.plots import (
    PLOTS,
    ActivationPlot,
    CurvePlot,
    DecisionPlot,
    EnergyPlot,
    HopfieldView,
    LandscapePlot,
    LayerViewPlot,
    LossPlot,
    RasterPlot,
    SurfacePlot,
    WeightMatrixPlot,
    WeightsPlot,
)
from nnsim.engine import Network

XOR_X = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], float)
XOR_Y = np.array([0, 1, 1, 0], float)


def full_snapshot(step=1):
    names = ("x1", "x2", "h", "y")
    grid = np.linspace(0, 1, 400, dtype=np.float32).reshape(20, 20)
    x = np.linspace(-1, 1, 50)
    return SimpleNamespace(
        step=step, epoch=step, names=names, outputs=np.array([1.0, -1.0, 0.5, 0.7]),
        net_inputs=np.array([0.0, 0.0, 0.2, 0.9]), synapses=(("x1", "h"), ("x2", "h"), ("h", "y")),
        weights=np.array([0.5, -0.5, 2.0]) * step, biases=np.zeros(4),
        metrics={"loss": 0.1, "energy": -2.0},
        history={"loss": np.array([0.3, 0.1]), "accuracy": np.array([0.5, 1.0]),
                 "errors": np.array([2, 1]), "energy": np.array([-1.0, -2.0])},
        decision=SimpleNamespace(grid=grid, extent=(-1.0, 1.0, -1.0, 1.0),
                                 lines=[("h", 0.5, -0.5, 0.0)], neuron_grids={"h": grid}),
        curve=(x, x ** 2))


def coloured_pixels(plot) -> int:
    """Pixels inside the plot areas (view boxes, legends left out) whose colour is not a grey:
    markers, curves, maps and bitmaps are coloured or dark; axes, grid and paper are grey."""
    image = plot.graphics.grab().toImage()
    view = plot.graphics
    legends = [item for item in view.scene().items() if isinstance(item, pg.LegendItem)]
    count = 0
    for item in view.scene().items():
        if not isinstance(item, pg.ViewBox):
            continue
        rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        skip = [view.mapFromScene(legend.sceneBoundingRect()).boundingRect()
                for legend in legends if legend.isVisible()]
        for y in range(max(rect.top(), 0), min(rect.bottom(), image.height())):
            for x in range(max(rect.left(), 0), min(rect.right(), image.width()), 2):
                if any(r.contains(x, y) for r in skip):
                    continue
                c = QColor(image.pixel(x, y))
                if max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) > 40:
                    count += 1
    return count


def data_lengths(plot) -> list[int]:
    """How many points every shown curve and scatter of the plot holds (a PlotDataItem set to
    no data hides its inner curve, which keeps its old arrays)."""
    lengths = []
    for item in plot.graphics.scene().items():
        if not item.isVisible():
            continue
        if isinstance(item, pg.ScatterPlotItem) and item.parentItem() is not None \
                and not isinstance(item.parentItem().parentItem(), pg.LegendItem):
            if isinstance(item.parentItem(), pg.ItemSample):
                continue
            lengths.append(len(item.data))
        elif isinstance(item, pg.PlotDataItem) and not isinstance(item.parentItem(), pg.ItemSample):
            x, _ = item.getOriginalDataset()
            lengths.append(0 if x is None else len(x))
        elif isinstance(item, pg.PlotCurveItem) and not isinstance(item.parentItem(), pg.ItemSample):
            x, _ = item.getData()
            lengths.append(0 if x is None else len(x))
    return lengths


def check_cleared(plot):
    plot.clear()
    assert plot.status.text() == ""
    assert not any(data_lengths(plot)), data_lengths(plot)
    for item in plot.graphics.scene().items():
        if isinstance(item, pg.ImageItem):
            assert item.image is None or not item.image.size
    assert coloured_pixels(plot) == 0


@pytest.fixture
def make(shown):
    return lambda cls, *args, **kwargs: shown(cls(*args, **kwargs), 480, 360)


def test_decision_clear_forgets_the_map_the_dataset_and_drawn_points(make):
    plot = make(DecisionPlot)
    plot.set_dataset(XOR_X, XOR_Y)
    plot.add_point(0.2, 0.3, 1)
    plot.update_snapshot(full_snapshot())
    plot.show_neuron("h")
    assert len(plot.scatter.data) == 5 and coloured_pixels(plot) > 1000
    check_cleared(plot)
    assert len(plot.scatter.data) == 0 and plot.data_X.shape == (0, 2)
    assert plot.drawn_points()[0].shape == (0, 2)
    assert [plot.neuron_box.itemText(i) for i in range(plot.neuron_box.count())] == ["output"]
    assert not any(label.isVisible() for label in plot.labels)


def test_decision_without_keeping_points_clears_the_data_it_was_shown(make):
    plot = make(DecisionPlot, keep_points=False)  # as the app makes it
    plot.set_dataset(XOR_X, XOR_Y)
    assert len(plot.scatter.data) == 4
    check_cleared(plot)
    plot.set_dataset(np.array([[0.0, 0.0]]), np.array([1.0]))  # the next lesson's data only
    assert len(plot.scatter.data) == 1


def test_curve_clear_forgets_the_targets_too(make):
    plot = make(CurvePlot)
    plot.set_dataset(np.linspace(-1, 1, 30), np.sin(np.linspace(-1, 1, 30)))
    plot.update_snapshot(full_snapshot())
    assert len(plot.targets.getData()[0]) == 30 and coloured_pixels(plot) > 100
    check_cleared(plot)


def test_loss_clear(make):
    plot = make(LossPlot)
    plot.update_snapshot(full_snapshot())
    assert coloured_pixels(plot) > 50
    check_cleared(plot)


def test_loss_clear_gives_the_top_plot_back_to_the_loss(make):
    plot = make(LossPlot)
    plot.update_snapshot(SimpleNamespace(history={"errors": np.array([3, 2]),
                                                  "accuracy": np.array([0.2, 0.5])}))
    assert plot.loss_plot.getAxis("left").labelText == "misclassified"
    check_cleared(plot)
    assert plot.loss_plot.getAxis("left").labelText == "loss"


def test_weights_clear_forgets_the_synapses_and_their_legend(make):
    plot = make(WeightsPlot)
    for step in (1, 2, 3):
        plot.update_snapshot(full_snapshot(step))
    assert len(plot.curves) == 3 and coloured_pixels(plot) > 50
    check_cleared(plot)
    assert plot.curves == [] and plot.synapses == ()
    assert [label.text for _, label in plot.legend.items] == ["‖w‖"]  # the key to the norm only
    plot.update_snapshot(full_snapshot(1))  # the next network draws afresh
    assert len(plot.curves) == 3 and len(plot.curves[0].getOriginalDataset()[0]) == 1


def test_energy_clear(make):
    plot = make(EnergyPlot)
    plot.update_snapshot(full_snapshot())
    assert coloured_pixels(plot) > 20
    check_cleared(plot)
    assert plot.plot.getAxis("bottom").labelText == "step"


def test_activation_clear_forgets_the_neuron_and_its_curves(make):
    plot = make(ActivationPlot)
    plot.track("h")
    plot.update_snapshot(full_snapshot())
    assert coloured_pixels(plot) > 100
    check_cleared(plot)
    assert plot.neuron == "" and not plot.z_line.isVisible()
    plot.set_neuron("tanh", 0.5)  # draws again
    assert len(plot.curve.getData()[0]) > 0 and plot.z_line.isVisible()


def test_activation_forgets_a_tracked_neuron_that_was_deleted(make):
    plot = make(ActivationPlot)
    net = Network.layered([2, 1], "sigmoid")
    plot.set_network(net)
    name = net.outputs[0]
    plot.track(name)
    snapshot = SimpleNamespace(names=tuple(net.names), net_inputs=np.zeros(len(net)))
    plot.update_snapshot(snapshot)
    assert len(plot.curve.getData()[0]) > 0
    net.remove_neuron(name)
    plot.update_snapshot(snapshot)  # an older snapshot that still has it
    assert plot.neuron == "" and plot.curve.getData()[0] is None
    assert coloured_pixels(plot) == 0


def test_hopfield_clear_forgets_the_state_and_the_stored_patterns(make):
    plot = make(HopfieldView)
    plot.set_shape(2, 2)
    plot.set_patterns(np.array([[1, -1, 1, -1], [1, 1, -1, -1]], float), ["A", "B"])
    plot.update_snapshot(full_snapshot())
    plot.set_state([1, 1, 1, 1])
    assert plot.gallery_scroll.isVisible() and len(plot.thumbnails) == 2
    check_cleared(plot)
    assert plot.patterns.size == 0 and plot.thumbnails == [] and plot.shape is None
    assert not plot.gallery_scroll.isVisible()
    image = plot.graphics.grab().toImage()  # no ink left anywhere: the bitmap is gone
    dark = sum(QColor(image.pixel(x, y)).lightness() < 120
               for x in range(0, image.width(), 3) for y in range(0, image.height(), 3))
    assert dark == 0


def test_matrix_clear_forgets_the_matrix_and_the_layers(make):
    plot = make(WeightMatrixPlot)
    plot.set_network(Network.layered([2, 2, 1], "sigmoid"))
    plot.update_snapshot(full_snapshot())
    assert plot.layer_box.count() == 3 and coloured_pixels(plot) > 100
    check_cleared(plot)
    assert plot.layer_box.count() == 1 and plot.matrix.size == 0


def test_raster_clear_forgets_the_neurons_and_the_steps(make):
    plot = make(RasterPlot)
    for step in (1, 2, 3):
        plot.update_snapshot(full_snapshot(step))
    assert plot.names == ("x1", "x2", "h", "y") and coloured_pixels(plot) > 100
    check_cleared(plot)
    assert plot.names == () and len(plot.steps) == 0


def test_surface_clear_forgets_the_grid_the_targets_and_the_error(make):
    plot = make(SurfacePlot)
    plot.set_dataset(np.array([[0.0, 0.0], [0.5, -0.5]]), np.array([0.5, 0.2]))
    for step in (1, 2):
        plot.update_snapshot(full_snapshot(step))
    assert plot.grid.shape == (20, 20) and plot.error is not None and coloured_pixels(plot) > 100
    check_cleared(plot)
    assert plot.grid is None and plot.targets is None and plot.error is None
    assert not plot.item.polygons


def test_layer_view_clear_forgets_the_grid_the_points_and_the_line(make):
    from nnsim.engine.layer_view import LayerViewSpec, layer_view

    plot = make(LayerViewPlot)
    net = Network.layered([2, 2, 1], ["tanh", "sigmoid"], seed=6)
    view = layer_view(net.compile(), LayerViewSpec(), (-1.5, 1.5, -1.5, 1.5), XOR_X, XOR_Y)
    plot.update_snapshot(SimpleNamespace(layer_view=view))
    assert plot.layer_view is view and len(plot.line_points()) == 2 and coloured_pixels(plot) > 100
    check_cleared(plot)
    assert plot.layer_view is None and plot.line is None and not plot.line_label.isVisible()


def test_landscape_clear_forgets_the_surface_the_path_and_the_race(make):
    from nnsim.engine.datasets import Dataset
    from nnsim.engine.rules import Backprop
    from nnsim.engine.rules.race import LandscapeSpec
    from nnsim.engine.simulation import Simulation

    plot = make(LandscapePlot)
    net = Network.layered([2, 2, 1], ["tanh", "sigmoid"], seed=6)
    sim = Simulation(net, Dataset(XOR_X, XOR_Y), Backprop(optimizer="sgd", learning_rate=0.5))
    sim.set_landscape(LandscapeSpec("random", 2.0))
    sim.step(2)
    plot.update_snapshot(sim.snapshot())
    plot.start_race_at(0.5, 0.5)
    sim.set_race(plot._race)
    sim.step(3)
    plot.update_snapshot(sim.snapshot())
    assert plot.landscape is not None and plot.race is not None and coloured_pixels(plot) > 100
    check_cleared(plot)
    assert plot.landscape is None and plot.race is None and plot.image.image is None


def test_every_plot_key_has_a_clear_test():
    tested = {DecisionPlot, CurvePlot, LossPlot, WeightsPlot, EnergyPlot, ActivationPlot,
              HopfieldView, WeightMatrixPlot, RasterPlot, SurfacePlot, LayerViewPlot,
              LandscapePlot}
    assert set(PLOTS.values()) == tested


def test_a_failed_export_keeps_the_users_file_and_says_why(qtbot, tmp_path, monkeypatch):
    """Plot exports are atomic: a read-only target is refused naming it, and an exporter that
    fails part-way leaves the old file as it was (it used to be written in place)."""
    from nnsim.app.plots.loss import LossPlot
    from nnsim.engine.atomic_write import SaveError

    plot = LossPlot()
    qtbot.addWidget(plot)
    target = tmp_path / "loss.csv"
    target.write_text("the user's old export\n")
    target.chmod(0o444)
    with pytest.raises(SaveError) as err:
        plot.export(target)
    assert str(target) in str(err.value) and "read-only" in str(err.value)
    target.chmod(0o644)

    def half_written(path):
        with open(path, "w") as f:
            f.write("epoch,lo")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(plot, "export_csv", half_written)
    with pytest.raises(OSError):
        plot.export(target)
    assert target.read_text() == "the user's old export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.csv"]
    monkeypatch.undo()
    plot.export(target)
    assert target.read_text().splitlines()[0] == "epoch"

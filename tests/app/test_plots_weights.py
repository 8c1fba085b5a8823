"""WeightsPlot: a curve per synapse that follows the snapshots, the norm, log scale, clear, export."""
from types import SimpleNamespace

import exported
import numpy as np
import pytest
from PySide6.QtGui import QImage

from nnsim.app.plots import PLOTS, PlotPanel, WeightsPlot

SYN = (("x1", "y"), ("x2", "y"))


def snap(step, weights, synapses=SYN, **kw):
    return SimpleNamespace(step=step, epoch=0, synapses=synapses, weights=np.asarray(weights, float),
                           metrics=kw.get("metrics", {}), history={})


@pytest.fixture
def plot(shown):
    return shown(WeightsPlot(), 500, 360)


def test_a_curve_per_synapse_follows_the_snapshots(plot):
    for t in range(5):
        plot.update_snapshot(snap(t * 10, [t, -2.0 * t]))
    assert [c.name() for c in plot.curves] == ["x1→y", "x2→y"]
    x, y = plot.curves[1].getOriginalDataset()
    np.testing.assert_array_equal(x, [0, 10, 20, 30, 40])
    np.testing.assert_array_equal(y, [0, -2, -4, -6, -8])
    _, norm = plot.norm_curve.getOriginalDataset()
    np.testing.assert_allclose(norm, np.hypot(np.arange(5), 2 * np.arange(5)))
    assert "step 40" in plot.status.text()


def test_norm_is_of_the_weights_drawn_not_the_lagging_epoch_metric(plot):
    plot.update_snapshot(snap(1, [3.0, 4.0], metrics={"weight_norm": 7.5}))
    assert plot.norm_curve.getOriginalDataset()[1][-1] == 5.0


def test_same_step_replaces_the_last_point_and_reset_starts_again(plot):
    plot.update_snapshot(snap(0, [1, 1]))
    plot.update_snapshot(snap(5, [2, 2]))
    plot.update_snapshot(snap(5, [3, 3]))
    np.testing.assert_array_equal(plot.curves[0].getOriginalDataset()[1], [1, 3])
    plot.update_snapshot(snap(0, [9, 9]))  # the simulation was reset
    np.testing.assert_array_equal(plot.curves[0].getOriginalDataset()[1], [9])


def test_a_new_synapse_set_starts_new_curves(plot):
    plot.update_snapshot(snap(0, [1, 1]))
    plot.update_snapshot(snap(1, [1, 2, 3], synapses=SYN + (("h", "y"),)))
    assert [c.name() for c in plot.curves] == ["x1→y", "x2→y", "h→y"]
    assert len(plot.curves[2].getOriginalDataset()[1]) == 1
    assert len(plot.weights_plot.listDataItems()) == 4  # and the norm
    assert [label.text for _, label in plot.legend.items] == ["x1→y", "x2→y", "h→y", "‖w‖"]


def test_log_scale_shows_magnitudes(plot):
    plot.update_snapshot(snap(0, [-0.5, 2.0]))
    plot.set_log_scale(True)
    assert plot.log_action.isChecked()
    assert plot.curves[0].getOriginalDataset()[1][0] == 0.5  # |w| ...
    assert plot.curves[0].opts["logMode"][1]  # ... on a log axis
    plot.log_action.setChecked(False)
    assert plot.curves[0].getOriginalDataset()[1][0] == -0.5


def test_overflow_is_shown_not_raised(plot):
    plot.update_snapshot(snap(0, [1.0, 1.0]))
    plot.update_snapshot(snap(1, [np.inf, 1.0]))
    plot.grab()
    assert "overflowed" in plot.status.text()


def test_long_history_stays_bounded(qtbot):
    plot = WeightsPlot(max_points=1000)
    qtbot.addWidget(plot)
    for t in range(2500):
        plot.update_snapshot(snap(t, [np.sin(t / 100), 1.0]))
    x, _ = plot.curves[0].getOriginalDataset()
    assert 500 <= len(x) <= 1000
    assert x[0] < 10 and x[-1] == 2499  # the whole run, at a coarser resolution
    assert plot.curves[0].opts["clipToView"] and plot.curves[0].opts["autoDownsample"]


def test_clear_empties_the_curves(plot):
    plot.update_snapshot(snap(0, [1, 1]))
    plot.clear_action.trigger()
    assert plot.curves == []  # curves and legend go; the next snapshot makes them afresh
    plot.update_snapshot(snap(1, [2, 2]))
    assert plot.curves[0].getOriginalDataset()[1].tolist() == [2]


def test_export_png_svg_csv(plot, tmp_path):
    """What is exported is what is drawn: each synapse's curve in its colour where its weights
    are (PNG), through exactly its points (SVG), and its numbers (CSV)."""
    for t in range(3):
        plot.update_snapshot(snap(t, [t, -2 * t]))
    png = plot.export(tmp_path / "w.png")
    image = QImage(str(png))
    assert not image.isNull()
    assert image.width() == int(plot.graphics.scene().sceneRect().width())
    pixels = exported.png(png)
    root = exported.svg(plot.export(tmp_path / "w.svg"))
    for curve in [c.curve for c in plot.curves] + [plot.norm_curve.curve]:
        assert exported.curve_in_png(pixels, curve, plot.graphics) >= 0.9, exported.pen_colour(curve)
        assert exported.line_with(root, curve.xData, curve.yData, exported.pen_colour(curve))
    assert len({exported.pen_colour(c.curve) for c in plot.curves}) == 2  # told apart by colour
    lines = plot.export(tmp_path / "w.csv").read_text().splitlines()
    assert lines[0].split(",") == ["x1→y_x", "x1→y_y", "x2→y_x", "x2→y_y", "‖w‖_x", "‖w‖_y"]
    assert len(lines) == 4
    columns = exported.csv_columns(tmp_path / "w.csv")
    np.testing.assert_array_equal(columns["x1→y_x"], [0, 1, 2])
    np.testing.assert_array_equal(columns["x1→y_y"], [0, 1, 2])
    np.testing.assert_array_equal(columns["x2→y_y"], [0, -2, -4])
    np.testing.assert_allclose(columns["‖w‖_y"], np.hypot([0, 1, 2], [0, 2, 4]))
    with pytest.raises(ValueError):
        plot.export(tmp_path / "w.gif")


def test_registry_lists_plot_panels():
    assert PLOTS["weights"] is WeightsPlot
    assert all(issubclass(cls, PlotPanel) and cls.title for cls in PLOTS.values())


def test_x_axis_by_epoch(qtbot):
    plot = WeightsPlot(x_key="epoch")
    qtbot.addWidget(plot)
    for epoch in (1, 2):
        plot.update_snapshot(SimpleNamespace(step=100 * epoch, epoch=epoch, synapses=SYN,
                                             weights=np.array([1.0, 2.0]), metrics={}))
    np.testing.assert_array_equal(plot.curves[0].getOriginalDataset()[0], [1, 2])
    assert plot.weights_plot.getAxis("bottom").labelText == "epoch"


def test_a_large_network_draws_a_sample_of_its_weights_quickly(qtbot):
    import time
    from types import SimpleNamespace

    import numpy as np

    from nnsim.app.plots.weights import MAX_CURVES, WeightsPlot

    plot = WeightsPlot()
    qtbot.addWidget(plot)
    synapses = tuple((f"s{i}", f"s{j}") for i in range(64) for j in range(64) if i != j)
    weights = np.linspace(-1, 1, len(synapses))
    start = time.perf_counter()
    plot.update_snapshot(SimpleNamespace(step=0, synapses=synapses, weights=weights))
    plot.update_snapshot(SimpleNamespace(step=1, synapses=synapses, weights=2 * weights))
    assert time.perf_counter() - start < 5.0  # was minutes: one curve and legend row per synapse
    assert len(plot.curves) == MAX_CURVES and plot.series.y(0).tolist() == [-1.0, -2.0]
    norm = plot.norms.y(0)[-1]
    assert norm == np.linalg.norm(2 * weights)  # the norm still counts every synapse
    assert f"{MAX_CURVES} of {len(synapses)} synapses drawn" in plot.status.text()


def test_axes_hold_still_while_the_history_grows_yet_show_all_of_it(plot):
    """Steps grow and weights drift every frame: the axes move a few times, not every frame,
    and every point drawn is inside them (Hebbian growth included)."""
    view = plot.weights_plot.getViewBox()  # the weights and their norm share it
    moves, last = 0, None
    for t in range(1, 201):
        w = [np.sin(t / 20.0) * t / 50.0, 1.02 ** t]
        plot.update_snapshot(snap(t * 7, w))
        (x0, x1), (y0, y1) = view.viewRange()
        assert x0 <= 7 and t * 7 <= x1
        assert y0 <= min(plot.series.lo, 0) + 1e-9 and plot.series.hi <= y1
        assert y0 <= plot.norms.lo and plot.norms.hi <= y1
        ranges = (x0, x1, y0, y1)
        moves += ranges != last
        last = ranges
    assert moves <= 40  # of 200 frames
    plot.set_log_scale(True)  # log units: fitted again, in them
    y0, y1 = view.viewRange()[1]
    assert y0 <= np.log10(plot.series.abs_lo) and np.log10(plot.series.abs_hi) <= y1

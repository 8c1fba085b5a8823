"""Plots stay legible when small (issue 11): every plot area keeps at least 200 x 150 px, axis
labels never overprint each other, and legends sit outside the data."""
from types import SimpleNamespace

import numpy as np
import pyqtgraph as pg
import pytest

from nnsim.app.plots import PLOTS, LossPlot
from nnsim.app.plots.base import MIN_PLOT_AREA

E = np.arange(1, 61)
HISTORY = {"loss": 0.7 * np.exp(-E / 15) + 0.05, "val_loss": 0.75 * np.exp(-E / 15) + 0.09,
           "accuracy": 1 - 0.5 * np.exp(-E / 10), "val_accuracy": 0.95 - 0.5 * np.exp(-E / 10)}
ERRORS = np.array([3, 2, 2, 1, 2, 1, 2, 2, 1, 2])


def view_boxes(plot):
    return [item for item in plot.graphics.scene().items()
            if isinstance(item, pg.ViewBox) and item.isVisible()]


def axis_label_rects(plot):
    """Scene rects of the shown axis titles ("loss", "accuracy", "epoch", ...)."""
    rects = []
    for item in plot.graphics.scene().items():
        if isinstance(item, pg.AxisItem) and item.isVisible() and item.label.isVisible() \
                and item.labelText:
            rects.append((item, item.label.mapRectToScene(item.label.boundingRect())))
    return rects


@pytest.mark.parametrize("key", sorted(PLOTS))
def test_every_plot_area_keeps_its_minimum_size_in_a_small_widget(shown, key):
    plot = shown(PLOTS[key](), 120, 90)  # asked smaller than it can be: the minimum holds
    boxes = view_boxes(plot)
    assert boxes
    for box in boxes:
        rect = box.sceneBoundingRect()
        assert rect.width() >= MIN_PLOT_AREA[0] - 1 and rect.height() >= MIN_PLOT_AREA[1] - 1, \
            (key, rect)


@pytest.mark.parametrize("history", [HISTORY, {"errors": ERRORS, "accuracy": 1 - ERRORS / 4}],
                         ids=["loss", "errors"])
def test_loss_plot_at_300_by_200_reads_cleanly(shown, history, tmp_path):
    plot = shown(LossPlot(), 300, 200)
    plot.update_snapshot(SimpleNamespace(history=history))
    plot.grab().save(str(tmp_path / "loss.png"))
    labels = axis_label_rects(plot)
    assert {axis.labelText for axis, _ in labels} >= {"epoch", "accuracy"}
    for i, (axis_a, a) in enumerate(labels):
        for axis_b, b in labels[i + 1:]:
            assert not a.intersects(b), (axis_a.labelText, axis_b.labelText)
    for axis, rect in labels:  # each title fits beside its own axis, not cut or spilling over
        span = axis.mapRectToScene(axis.boundingRect())
        if axis.orientation in ("left", "right"):
            assert rect.height() <= span.height(), axis.labelText
        else:
            assert rect.width() <= span.width(), axis.labelText
    # The legend is outside the curves: outside every plot area, and off every curve drawn.
    legend = plot.legend.mapRectToScene(plot.legend.boundingRect())
    assert plot.legend.isVisible() and legend.height() > 0
    curves = [c for c in plot.curves.values() if c.getOriginalDataset()[0] is not None]
    assert curves
    for curve in curves:
        assert not legend.intersects(curve.mapRectToScene(curve.boundingRect()))
    for box in view_boxes(plot):
        assert not legend.intersects(box.sceneBoundingRect())
    area = plot.loss_plot.getViewBox().sceneBoundingRect()
    assert area.width() >= MIN_PLOT_AREA[0] - 1 and area.height() >= MIN_PLOT_AREA[1] - 1


def test_loss_and_accuracy_share_one_area_and_the_legend_names_what_is_drawn(shown, tmp_path):
    plot = shown(LossPlot(), 300, 200)
    plot.update_snapshot(SimpleNamespace(history={"loss": HISTORY["loss"],
                                                  "accuracy": HISTORY["accuracy"]}))
    names = [label.text for _, label in plot.legend.items]
    assert names == ["loss", "accuracy"]  # no validation entry without validation data
    plot.update_snapshot(SimpleNamespace(history=HISTORY))
    assert [label.text for _, label in plot.legend.items] == ["loss", "accuracy", "validation"]
    # the accuracy on the right axis, from a round tenth under its lowest value to 1, whatever
    # the loss axis does
    low, high = plot.accuracy_view.viewRange()[1]
    lowest = min(min(HISTORY["accuracy"]), min(HISTORY["val_accuracy"]))
    assert lowest - 0.15 < low < lowest and 1 < high < 1.1
    a, b = plot.accuracy_view.sceneBoundingRect(), plot.loss_plot.getViewBox().sceneBoundingRect()
    assert [a.x(), a.y(), a.width(), a.height()] == pytest.approx([b.x(), b.y(), b.width(),
                                                                   b.height()], abs=1.5)
    plot.set_log_scale(True)
    assert not plot.loss_plot.getAxis("right").logMode
    rows = plot.export(tmp_path / "loss.csv").read_text().splitlines()
    assert rows[0] == "epoch,loss,val_loss,accuracy,val_accuracy"
    assert rows[1].split(",")[:2] == ["1", f"{HISTORY['loss'][0]:.6g}"]
    assert len(rows) == 61


def test_weights_and_their_norm_share_one_area_with_the_key_above_it(shown, tmp_path):
    from nnsim.app.plots import WeightsPlot

    plot = shown(WeightsPlot(), 300, 200)
    for step in range(1, 30):
        w = np.array([0.3 + step / 40, 0.5 - step / 60])
        plot.update_snapshot(SimpleNamespace(step=step, synapses=(("x1", "y"), ("x2", "y")),
                                             weights=w / max(1.0, np.linalg.norm(w)), rule="oja"))
    assert [box for box in view_boxes(plot)] == [plot.weights_plot.getViewBox()]  # one area
    assert plot.unit_line.scene() is not None  # Oja's limit, while Oja's rule runs
    legend = plot.legend.mapRectToScene(plot.legend.boundingRect())
    assert [label.text for _, label in plot.legend.items] == ["x1→y", "x2→y", "‖w‖"]
    assert not legend.intersects(plot.weights_plot.getViewBox().sceneBoundingRect())
    for curve in plot.curves + [plot.norm_curve]:
        assert not legend.intersects(curve.mapRectToScene(curve.boundingRect()))
    labels = axis_label_rects(plot)
    for i, (_, a) in enumerate(labels):
        assert not any(a.intersects(b) for _, b in labels[i + 1:])
    image = plot.export(tmp_path / "w.png")
    from PySide6.QtGui import QImage

    assert QImage(str(image)).width() == plot.graphics.width()  # the scene is the view
    plot.update_snapshot(SimpleNamespace(step=31, synapses=(("x1", "y"), ("x2", "y")),
                                         weights=np.array([0.5, 0.5]), rule="hebb"))
    assert plot.unit_line.scene() is None


def filled_snapshot():
    names = ("x1", "x2", "h", "y")
    grid = np.linspace(0, 1, 400, dtype=np.float32).reshape(20, 20)
    x = np.linspace(-1, 1, 50)
    return SimpleNamespace(
        step=2, epoch=2, names=names, outputs=np.array([1.0, -1.0, 0.5, 0.7]),
        net_inputs=np.array([0.0, 0.0, 0.2, 0.9]), synapses=(("x1", "h"), ("x2", "h"), ("h", "y")),
        weights=np.array([0.5, -0.5, 2.0]), biases=np.zeros(4), metrics={"loss": 0.1},
        history=HISTORY, curve=(x, x ** 2),
        decision=SimpleNamespace(grid=grid, extent=(-1.0, 1.0, -1.0, 1.0), lines=[],
                                 neuron_grids={}))


@pytest.mark.parametrize("key", sorted(PLOTS))
def test_no_legend_covers_a_plot_area_or_an_axis_title(shown, key):
    plot = shown(PLOTS[key](), 300, 200)
    if key == "activation":
        plot.track("h")
    if key == "curve":
        plot.set_dataset(np.linspace(-1, 1, 20), np.linspace(-1, 1, 20) ** 2)
    plot.update_snapshot(filled_snapshot())
    legends = [item for item in plot.graphics.scene().items()
               if isinstance(item, pg.LegendItem) and item.isVisible() and item.items]
    labels = axis_label_rects(plot)
    for legend in legends:
        rect = legend.mapRectToScene(legend.boundingRect())
        for box in view_boxes(plot):
            assert not rect.intersects(box.sceneBoundingRect()), key
        for axis, label in labels:
            assert not rect.intersects(label), (key, axis.labelText)
    for i, (axis_a, a) in enumerate(labels):
        for axis_b, b in labels[i + 1:]:
            assert not a.intersects(b), (key, axis_a.labelText, axis_b.labelText)

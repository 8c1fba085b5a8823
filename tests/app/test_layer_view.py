"""The layer view plot (issue 14, "How layers bend the plane"): what it draws is the engine's
mapped grid (an identity-like 2-unit layer leaves the grid unchanged on screen, a known linear
layer draws A·p + b), the output's line where a*u + b*v + c = 0, the spec it asks the engine for
(choosers, hidden -> None), the sentence where it does not apply, and lesson 7's third scene
played as a recording plays it: the layer view animates and a line separates XOR."""
from __future__ import annotations

from types import SimpleNamespace

import exported
import numpy as np
import pytest
from example_networks import two_two_one
from PySide6.QtCore import QPointF, Qt

from nnsim.app.plots import PLOTS
from nnsim.app.plots.applicability import plot_unavailable_reason
from nnsim.app.plots.layer_view import PCA, UNITS, X1_COLOR, X2_COLOR, LayerViewPlot
from nnsim.engine.layer_view import GRID_LINES, LINE_POINTS, LayerViewSpec, grid_lines, layer_view
from nnsim.engine.lessons import find_lesson
from nnsim.engine.network import Network

EXTENT = (-1.5, 1.5, -1.5, 1.5)


def xor_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.2, 1.2, (n, 2))
    return X, (X[:, 0] * X[:, 1] < 0).astype(float)


def view_of(net, spec=None, data=True):
    X, y = xor_data() if data else (None, None)
    return layer_view(net.compile(), spec or LayerViewSpec(), EXTENT, X, y)


@pytest.fixture
def plot(shown):
    p = shown(LayerViewPlot(), 560, 520)
    p.sent = []
    p.spec_changed.connect(p.sent.append)
    p.announce()  # as the window does when it connects
    return p


def drawn_lines(item) -> np.ndarray:
    """A grid family's item as (lines, points, 2), split where its connect array breaks."""
    x, y = item.getData()
    connect = np.asarray(item.opts["connect"])
    ends = np.flatnonzero(~connect)  # each line's last point
    assert len(ends) == GRID_LINES and ends[-1] == len(x) - 1
    return np.stack([x, y], axis=-1).reshape(GRID_LINES, LINE_POINTS, 2)


def screen(plot, u, v):
    """Where the data point (u, v) is on the grabbed graphics widget."""
    return plot.graphics.mapFromScene(plot.view.mapViewToScene(QPointF(u, v)))


def near_colour(pixels, p, colour, radius=2, tolerance=60) -> bool:
    x, y = p.x(), p.y()
    patch = pixels[max(y - radius, 0):y + radius + 1, max(x - radius, 0):x + radius + 1].astype(int)
    return bool((np.abs(patch - np.array(colour)).sum(axis=-1) < tolerance).any())


# ---------------------------------------------------------------------- what is drawn
def test_the_grid_lines_drawn_are_the_engines_mapped_grid(plot):
    net = Network.layered([2, 3, 2, 1], ["tanh", "tanh", "sigmoid"], seed=4)
    plot.update_snapshot(SimpleNamespace(layer_view=view_of(net)))  # the first layer's
    plot.layer_box.setCurrentIndex(1)  # the second, of two tanh units
    assert plot.sent[-1] == LayerViewSpec(1, None)
    view = view_of(net, plot.sent[-1])
    plot.update_snapshot(SimpleNamespace(layer_view=view))
    np.testing.assert_allclose(drawn_lines(plot.x1_lines), view.grid[:GRID_LINES], atol=1e-6)
    np.testing.assert_allclose(drawn_lines(plot.x2_lines), view.grid[GRID_LINES:], atol=1e-6)
    x, y = plot.scatter.getData()
    np.testing.assert_allclose(np.column_stack([x, y]), view.points, atol=1e-6)
    # class colours and shapes as the decision map's: class 1 an orange cross, class 0 a blue circle
    brushes = [spot.brush().color().getRgb()[:3] for spot in plot.scatter.points()]
    symbols = [spot.symbol() for spot in plot.scatter.points()]
    labels = (view.labels >= 0.5).astype(int)
    assert all(b == ((245, 147, 34) if k else (8, 119, 189)) for b, k in zip(brushes, labels))
    assert all(s == ("x" if k else "o") for s, k in zip(symbols, labels))
    assert plot.plot.getAxis("bottom").labelText == "h2_1"
    assert plot.plot.getAxis("left").labelText == "h2_2"
    # everything drawn is in view
    (x0, x1), (y0, y1) = plot.view.viewRange()
    everything = np.concatenate([view.grid.reshape(-1, 2), view.points])
    assert x0 <= everything[:, 0].min() and everything[:, 0].max() <= x1
    assert y0 <= everything[:, 1].min() and everything[:, 1].max() <= y1


def test_an_identity_like_two_unit_layer_draws_the_plane_unchanged(plot):
    view = view_of(two_two_one(np.eye(2)), data=False)  # no data points over the lines
    plot.update_snapshot(SimpleNamespace(layer_view=view))
    plane = grid_lines(EXTENT)
    np.testing.assert_allclose(drawn_lines(plot.x1_lines), plane[:GRID_LINES], atol=1e-6)
    np.testing.assert_allclose(drawn_lines(plot.x2_lines), plane[GRID_LINES:], atol=1e-6)
    # on screen: the x1 = const lines are vertical lines at x = -1.5, -1.25, ..., 1.5 (their
    # colour down the whole column), the x2 = const ones horizontal
    pixels = exported.rgb(plot.graphics.grab().toImage())
    for c in np.linspace(-1.25, 1.25, 11):
        for t in (-1.1, -0.35, 0.4, 1.15):  # off the other family's lines
            assert near_colour(pixels, screen(plot, c, t), X1_COLOR), (c, t)
            assert near_colour(pixels, screen(plot, t, c), X2_COLOR), (t, c)
    # between the lines there is no grid ink
    assert not near_colour(pixels, screen(plot, -0.125, 0.625), X1_COLOR, radius=1)


def test_a_known_linear_layer_draws_the_linear_image(plot):
    A = np.array([[2.0, -1.0], [0.5, 3.0]])
    b = np.array([0.3, -0.2])
    view = view_of(two_two_one(A, b))
    plot.update_snapshot(SimpleNamespace(layer_view=view))
    x1_lines, x2_lines = drawn_lines(plot.x1_lines), drawn_lines(plot.x2_lines)
    plane = grid_lines(EXTENT)
    np.testing.assert_allclose(x1_lines, plane[:GRID_LINES] @ A.T + b, atol=1e-5)
    # checked points: the corner (-1.5, -1.5) -> (-1.2, -5.45); the middle (0, 0) -> b
    np.testing.assert_allclose(x1_lines[0, 0], [-1.2, -5.45], atol=1e-5)
    np.testing.assert_allclose(x1_lines[GRID_LINES // 2, LINE_POINTS // 2], b, atol=1e-5)
    np.testing.assert_allclose(x2_lines[-1, -1], A @ [1.5, 1.5] + b, atol=1e-5)
    X, _ = xor_data()
    np.testing.assert_allclose(np.column_stack(plot.scatter.getData()), X @ A.T + b, atol=1e-5)
    # and on screen: the image of (1, 1) is where the x1 = 1 line is drawn, not (1, 1) itself
    pixels = exported.rgb(plot.graphics.grab().toImage())
    image_of = A @ [1.0, 1.0] + b  # (1.3, 3.3)
    assert near_colour(pixels, screen(plot, *(A @ [1.0, 0.25] + b)), X1_COLOR)
    assert near_colour(pixels, screen(plot, *image_of), X1_COLOR)


def test_the_output_line_is_drawn_where_its_equation_holds(plot):
    net = two_two_one([[1.5, -2.0], [1.0, 1.2]], (0.2, -0.4), activation="tanh", out=(2.0, -1.5, 0.3))
    view = view_of(net)
    plot.update_snapshot(SimpleNamespace(layer_view=view))
    a, b, c = view.line
    ends = plot.line_points()
    assert ends.shape == (2, 2)
    assert np.abs(a * ends[:, 0] + b * ends[:, 1] + c).max() < 1e-9
    (x0, x1), (y0, y1) = plot.view.viewRange()  # across the whole view
    for u, v in ends:
        assert min(abs(u - x0), abs(u - x1), abs(v - y0), abs(v - y1)) < 1e-6
    assert plot.exact and not plot.line_label.isVisible()
    assert plot.out_line.opts["pen"].style() == Qt.PenStyle.SolidLine
    # data on the output's side of 0.5 are on the line's positive side
    out = net.evaluate(xor_data()[0])[:, 0]
    side = a * view.points[:, 0] + b * view.points[:, 1] + c
    np.testing.assert_array_equal(side > 0, out > 0.5)


def test_a_projected_layer_draws_an_approximate_dashed_line(plot):
    net = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=2)
    view = view_of(net)
    plot.update_snapshot(SimpleNamespace(layer_view=view))
    assert view.projection == "pca" and not view.exact
    assert plot.plot.getAxis("bottom").labelText == "PC 1"
    assert plot.line_label.isVisible() and plot.line_label.toPlainText() == "approx."
    assert plot.out_line.opts["pen"].style() == Qt.PenStyle.DashLine
    texts = [label.text for _sample, label in plot.legend.items]
    assert "output 0.5 (approx.)" in texts
    # the key is laid out under the plot in the very frame it changed (pyqtgraph puts a
    # rebuilt key at (0, 0) until its layout runs)
    assert plot.legend.pos().y() > plot.plot.geometry().bottom() - 1


# ---------------------------------------------------------------------- what it asks for
def test_the_choosers_change_the_spec_sent(plot):
    assert plot.sent == [LayerViewSpec(0, None)]  # shown: the first layer, its own view
    net = Network.layered([2, 4, 3, 1], ["tanh", "relu", "sigmoid"], seed=1)
    plot.update_snapshot(SimpleNamespace(layer_view=view_of(net)))
    assert plot.layer_box.isVisible() and plot.layer_box.count() == 2
    assert plot.projection_box.isVisible() and plot.projection_box.currentText() == PCA
    assert not plot.pair_row.isVisible()
    plot.projection_box.setCurrentText(UNITS)  # as a user picks it
    assert plot.sent[-1] == LayerViewSpec(0, ("h1_1", "h1_2")) and plot.pair_row.isVisible()
    plot.up_box.setCurrentText("h1_4")
    assert plot.sent[-1] == LayerViewSpec(0, ("h1_1", "h1_4"))
    # a view still in flight from before the choice is not drawn
    plot.update_snapshot(SimpleNamespace(layer_view=view_of(net)))  # the PCA view
    assert plot.plot.getAxis("bottom").labelText == "PC 1"  # drawn before, not replaced
    plot.update_snapshot(SimpleNamespace(layer_view=view_of(net, plot.sent[-1])))
    assert (plot.plot.getAxis("bottom").labelText, plot.plot.getAxis("left").labelText) == \
        ("h1_1", "h1_4")
    assert "h1_1 across, h1_4 up" in plot.status.text()
    plot.layer_box.setCurrentIndex(1)
    assert plot.sent[-1] == LayerViewSpec(1, None)
    second = view_of(net, plot.sent[-1])
    plot.update_snapshot(SimpleNamespace(layer_view=second))
    assert plot.layer_view is second and second.units == ("h2_1", "h2_2", "h2_3")
    assert [plot.across_box.itemText(i) for i in range(plot.across_box.count())] == list(second.units)


def test_a_two_unit_layer_needs_no_chooser(plot):
    plot.update_snapshot(SimpleNamespace(layer_view=view_of(two_two_one(np.eye(2)))))
    assert not plot.choosers.isVisible() and not plot.pair_row.isVisible()
    assert plot.status.text() == "layer 1: h1, h2"


def test_hidden_it_asks_for_nothing(plot, qtbot):
    plot.hide()
    assert plot.sent[-1] is None
    plot.show()
    qtbot.waitExposed(plot)
    assert plot.sent[-1] == LayerViewSpec(0, None)
    plot.set_unavailable("not here")
    assert plot.sent[-1] is None
    plot.set_unavailable(None)
    assert plot.sent[-1] == LayerViewSpec(0, None)


def test_three_inputs_give_one_sentence_why():
    three = Network.layered([3, 2, 1], ["tanh", "sigmoid"], seed=0)
    reason = plot_unavailable_reason("layers", three, "backprop", None)
    assert reason and "two inputs" in reason and "three inputs" in reason
    assert reason.count(".") == 1 and reason.endswith(".")
    direct = Network.layered([2, 1], ["sigmoid"], seed=0)
    assert "hidden" in plot_unavailable_reason("layers", direct, None, None)
    assert plot_unavailable_reason("layers", Network.layered([2, 2, 1], ["tanh", "sigmoid"]),
                                   None, None) is None
    loop = two_two_one(np.eye(2))
    loop.connect("y", "h1", 1.0)
    assert "feed-forward" in plot_unavailable_reason("layers", loop, None, None)
    assert PLOTS["layers"].title == "Layer view"


def test_the_window_forwards_the_spec_and_draws_the_engines_view(window, qtbot, monkeypatch):
    learning = window.learning
    sent = []
    forward = window.engine.set_layer_view
    monkeypatch.setattr(window.engine, "set_layer_view", lambda spec: (sent.append(spec), forward(spec)))
    window.resize(1280, 720)
    assert learning.open_scene(find_lesson("mlp-xor"), 2)
    plot = learning.plots["layers"]
    qtbot.waitUntil(lambda: plot.isVisible() and sent and sent[-1] == LayerViewSpec(0, None),
                    timeout=10_000)
    qtbot.waitUntil(lambda: plot.layer_view is not None, timeout=30_000)  # from the engine
    assert plot.layer_view.axes == ("h1_1", "h1_2") and plot.layer_view.exact
    # at 1280x720 the layer view has room (the decision map's area in scene 2 is ~350x150 px),
    # and Train is in view under it
    qtbot.waitUntil(lambda: plot.view.height() >= 170, timeout=5000)  # once the docks settle
    assert plot.view.width() >= 350, plot.view.width()
    train = learning.rules.current_panel().train_button
    assert train.isVisible() and not train.visibleRegion().isEmpty()
    # another scene without the layer view: the engine is told to compute none
    assert learning.open_scene(find_lesson("mlp-xor"), 1)
    qtbot.waitUntil(lambda: sent[-1] is None, timeout=10_000)
    # a network with three inputs: the sentence, and nothing asked
    net = Network.layered([3, 2, 1], ["tanh", "sigmoid"], seed=0)
    from nnsim.app.document import Document
    from nnsim.engine.setup import Setup

    assert learning.open_scene(find_lesson("mlp-xor"), 2)
    qtbot.waitUntil(lambda: sent[-1] == LayerViewSpec(0, None), timeout=10_000)
    window.set_document(Document(net, setup=Setup(plots=("layers",))))
    qtbot.waitUntil(lambda: plot.is_unavailable, timeout=10_000)
    assert "three inputs" in plot.unavailable_label.text()
    assert sent[-1] is None


# ---------------------------------------------------------------------- lesson 7, third scene
@pytest.fixture
def recorded(qapp):
    """The lesson 7 scene 2 window as `main.py record --target layers` makes it."""
    from nnsim.app.record_cli import close, parse_args, prepare

    made = []

    def open_(target="layers", steps_per_frame=None):
        lesson = find_lesson("mlp-xor")
        argv = ["--lesson", lesson.id, "--scene", "2", "--out", "unused.gif", "--target", target]
        if steps_per_frame:
            argv += ["--steps-per-frame", str(steps_per_frame)]
        window, advance, target_widget = prepare(lesson, lesson.scenes[2], parse_args(argv))
        made.append(window)
        return window, advance, target_widget

    yield open_
    for window in made:
        close(window)


def test_the_recording_animates_the_layer_view_and_a_line_separates_xor(recorded, qapp):
    scene = find_lesson("mlp-xor").scenes[2]
    assert scene.plots == ("layers", "loss") and scene.steps / scene.steps_per_frame / 30 <= 15
    window, advance, target = recorded("layers", steps_per_frame=scene.steps // 4)
    plot = window.learning.plots["layers"]
    items = (plot.x1_lines, plot.x2_lines, plot.scatter, plot.out_line)
    grids, accuracy = [], []
    for i in range(5):
        advance(i)
        qapp.processEvents()
        assert plot.layer_view is not None, f"frame {i}: no layer view"
        grids.append(np.array(drawn_lines(plot.x1_lines)))
        accuracy.append(window.learning.plots["loss"].curves["accuracy"].getData()[1])
    assert (plot.x1_lines, plot.x2_lines, plot.scatter, plot.out_line) == items  # made once
    for a, b in zip(grids, grids[1:]):  # it moves from frame to frame
        assert np.abs(a - b).max() > 1e-3
    # the claim: accuracy 50%, then a plateau at 75%, then 100%
    history = accuracy[-1]
    assert history[0] <= 0.55 and np.any(np.isclose(history, 0.75, atol=0.01)) and history[-1] == 1.0
    # in the drawn view, the output's straight line has every class-1 point on one side and
    # every class-0 point on the other
    view = plot.layer_view
    a, b, c = view.line
    side = a * view.points[:, 0] + b * view.points[:, 1] + c > 0
    assert np.array_equal(side, view.labels > 0.5)
    ends = plot.line_points()
    assert np.abs(a * ends[:, 0] + b * ends[:, 1] + c).max() < 1e-9
    # what the frame shows: both classes' colours and the grid families' colours are painted
    target.repaint()
    pixels = exported.rgb(target.grab().toImage())
    # (class 1's crosses are thin: fewer of their pixels carry the full colour)
    for colour, least in (((245, 147, 34), 20), ((8, 119, 189), 50), (X1_COLOR, 50), (X2_COLOR, 50)):
        assert (np.abs(pixels.astype(int) - colour).sum(axis=-1) < 40).sum() > least, colour

"""DecisionPlot: the map, the contour, the unit lines, the data by class, and drawing points."""
from types import SimpleNamespace

import exported
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from nnsim.app.plots import DecisionPlot
from nnsim.app.plots.contour import contour_segments
from nnsim.app.plots.decision import line_in_box
from nnsim.app.plots.points import class_labels
from nnsim.app.plots.style import class_color
from nnsim.engine import Network

EXTENT = (-1.0, 1.0, -1.0, 1.0)


def xor_network() -> Network:
    """A hand-built 2-2-1 sigmoid network computing XOR of +-1 inputs (OR and not AND)."""
    net = Network()
    for name in ("x1", "x2"):
        net.add_neuron(name, role="input")
    net.add_neuron("h1", bias=5.0)
    net.add_neuron("h2", bias=-5.0)
    net.add_neuron("y", role="output", bias=-10.0)
    for h in ("h1", "h2"):
        net.connect("x1", h, weight=5.0)
        net.connect("x2", h, weight=5.0)
    net.connect("h1", "y", weight=20.0)
    net.connect("h2", "y", weight=-20.0)
    return net


def decision(net: Network, n: int = 101, extent=(-1.5, 1.5, -1.5, 1.5)):
    xs = np.linspace(extent[0], extent[1], n)
    ys = np.linspace(extent[2], extent[3], n)
    grid = net.compile().forward(np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2))
    lines = [(h, net.synapse("x1", h).weight, net.synapse("x2", h).weight, net.neuron(h).bias)
             for h in ("h1", "h2")]
    return SimpleNamespace(grid=grid.reshape(n, n).astype(np.float32), extent=extent, lines=lines,
                           neuron_grids={})


@pytest.fixture
def plot(shown):
    return shown(DecisionPlot(), 520, 520)


def test_the_image_is_the_grid_with_fixed_levels(plot):
    d = decision(xor_network())
    plot.update_snapshot(SimpleNamespace(decision=d))
    np.testing.assert_array_equal(plot.image.image, d.grid)
    assert plot.image.image.dtype == np.float32 and plot.image.image.flags.c_contiguous
    assert tuple(plot.image.getLevels()) == (0.0, 1.0)
    assert plot.image.lut is not None and len(plot.image.lut) == 256
    rect = plot.image.mapRectToParent(plot.image.boundingRect())
    assert rect.left() < -1.5 < rect.left() + 0.05 and rect.right() > 1.5 > rect.right() - 0.05


def test_contour_lies_where_the_grid_crosses_one_half(plot):
    net = xor_network()
    plot.update_snapshot(SimpleNamespace(decision=decision(net)))
    x, y = plot.contour.getData()
    assert len(x) > 20
    out = net.compile().forward(np.column_stack([x, y])).ravel()
    assert np.max(np.abs(out - 0.5)) < 0.3  # on the boundary, up to the grid's resolution
    assert np.median(np.abs(out - 0.5)) < 0.05


def test_contour_segments_of_a_circle():
    xs = ys = np.linspace(-2, 2, 200)
    X, Y = np.meshgrid(xs, ys)
    x, y = contour_segments(1 - X ** 2 - Y ** 2, xs, ys, 0.0)
    np.testing.assert_allclose(np.hypot(x, y), 1.0, atol=1e-3)
    assert contour_segments(np.zeros((5, 5)), xs[:5], ys[:5], 0.5)[0].size == 0


def test_unit_lines_satisfy_their_equations(plot):
    d = decision(xor_network())
    plot.update_snapshot(SimpleNamespace(decision=d))
    x, y = plot.lines.getData()
    assert len(x) == 4  # two lines, two end points each
    for k, (_, w1, w2, b) in enumerate(d.lines):
        px, py = x[2 * k: 2 * k + 2], y[2 * k: 2 * k + 2]
        np.testing.assert_allclose(w1 * px + w2 * py + b, 0.0, atol=1e-9)
        assert np.all((px >= -1.5 - 1e-9) & (px <= 1.5 + 1e-9) & (py >= -1.5 - 1e-9) & (py <= 1.5 + 1e-9))
    assert [lab.toPlainText() for lab in plot.labels if lab.isVisible()] == ["h1", "h2"]
    plot.set_show_unit_lines(False)
    assert len(plot.lines.getData()[0]) == 0
    assert not any(lab.isVisible() for lab in plot.labels)
    assert not plot.lines_action.isChecked()


def test_line_in_box_misses_and_verticals():
    assert line_in_box(1.0, 0.0, -5.0, EXTENT) is None  # x = 5 is outside
    (p, q) = line_in_box(1.0, 0.0, -0.5, EXTENT)  # x = 0.5
    assert p[0] == q[0] == 0.5 and {p[1], q[1]} == {-1.0, 1.0}
    assert line_in_box(0.0, 0.0, 1.0, EXTENT) is None


def test_points_are_coloured_by_class(plot):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, -0.5]])
    plot.set_dataset(X, np.array([0.0, 1.0, 1.0]))
    x, y = plot.scatter.getData()
    np.testing.assert_array_equal(x, X[:, 0])
    colors = [b.color().getRgb()[:3] for b in plot.scatter.data["brush"]]
    assert colors == [class_color(0), class_color(1), class_color(1)]
    assert class_color(1)[0] > class_color(1)[2] and class_color(0)[2] > class_color(0)[0]  # orange, blue
    assert list(plot.scatter.data["symbol"]) == ["o", "x", "x"]  # and told apart by shape


def test_class_labels_from_every_target_form():
    np.testing.assert_array_equal(class_labels([0.1, 0.9], 2), [0, 1])
    np.testing.assert_array_equal(class_labels([-1, 1], 2), [0, 1])
    np.testing.assert_array_equal(class_labels([0, 2, 1], 3), [0, 2, 1])
    np.testing.assert_array_equal(class_labels([[1, 0, 0], [0, 0, 1]], 2), [0, 2])
    np.testing.assert_array_equal(class_labels(None, 2), [0, 0])


def test_tanh_outputs_switch_levels_to_minus_one_one(plot):
    grid = np.linspace(-1, 1, 100, dtype=np.float32).reshape(10, 10)
    plot.set_grid(grid, EXTENT)
    assert tuple(plot.image.getLevels()) == (-1.0, 1.0)
    x, _ = plot.contour.getData()
    assert len(x) > 0


def test_several_outputs_colour_by_winning_class(plot):
    probs = np.zeros((4, 4, 3), dtype=np.float32)
    probs[:, :2, 0] = 1.0  # left half: class 0, sure
    probs[:, 2:, 2] = 0.5  # right half: class 2, unsure
    probs[:, 2:, 1] = 0.25
    probs[:, 2:, 0] = 0.25
    plot.set_grid(probs, EXTENT)
    img = plot.image.image
    assert img.shape == (4, 4, 4) and img.dtype == np.uint8
    left, right = img[0, 0, :3].astype(int), img[0, 3, :3].astype(int)
    assert left[2] > left[0]  # bluish: class 0
    c2 = np.array(class_color(2))
    assert np.argmax(right) == np.argmax(c2)  # class 2's hue, paler than when sure
    assert right.sum() > left.sum()
    assert len(plot.contour.getData()[0]) > 0


def _click(plot, x, y, button):
    scene = plot.view.mapViewToScene(QPointF(x, y))
    pos = plot.graphics.mapFromScene(scene)
    QTest.mouseClick(plot.graphics.viewport(), button, Qt.KeyboardModifier.NoModifier, pos)


def test_clicks_add_points_of_the_right_class_where_clicked(plot, qtbot):
    plot.set_grid(np.zeros((20, 20), dtype=np.float32), EXTENT)
    added = []
    plot.point_added.connect(lambda x, y, c: added.append((x, y, c)))
    with qtbot.waitSignal(plot.points_changed):
        _click(plot, 0.5, 0.25, Qt.MouseButton.LeftButton)
    _click(plot, -0.4, -0.6, Qt.MouseButton.RightButton)
    assert [c for *_, c in added] == [1, 0]
    X, labels = plot.drawn_points()
    np.testing.assert_allclose(X, [[0.5, 0.25], [-0.4, -0.6]], atol=0.02)  # a pixel or so
    np.testing.assert_array_equal(labels, [1, 0])
    assert len(plot.scatter.getData()[0]) == 2


def test_undo_and_clear_points(plot, qtbot):
    plot.add_point(0.1, 0.2, 1)
    plot.add_point(0.3, 0.4, 0)
    with qtbot.waitSignal(plot.points_changed):
        plot.undo_point()
    np.testing.assert_array_equal(plot.drawn_points()[1], [1])
    with qtbot.waitSignal(plot.points_changed):
        plot.clear_points()
    assert len(plot.drawn_points()[0]) == 0
    plot.set_drawing(False)
    _click(plot, 0.0, 0.0, Qt.MouseButton.LeftButton)
    assert len(plot.drawn_points()[0]) == 0


def test_clear_and_export(plot, tmp_path):
    """The exports hold the map: the CSV its grid, the PNG the XOR classes in their colours at
    the corners with the boundary and the units' lines drawn where they are, the SVG the
    boundary through its points and the map embedded (blue side for class 0, orange for 1)."""
    ramp = np.linspace(0, 1, 13 * 21, dtype=np.float32).reshape(13, 21)  # 13 y rows, 21 x columns
    plot.set_grid(ramp, EXTENT, [])
    np.testing.assert_allclose(exported.csv_matrix(plot.export(tmp_path / "ramp.csv")), ramp,
                               rtol=1e-5, atol=1e-6)
    d = decision(xor_network(), n=21)
    plot.update_snapshot(SimpleNamespace(decision=d))
    rows = plot.export(tmp_path / "map.csv").read_text().splitlines()
    assert len(rows) == 21 and len(rows[0].split(",")) == 21
    np.testing.assert_allclose(exported.csv_matrix(tmp_path / "map.csv"), d.grid, rtol=1e-5, atol=1e-6)
    image = QImage(str(plot.export(tmp_path / "map.png")))
    assert image.width() > 100 and image.height() > 100
    pixels = exported.png(tmp_path / "map.png")
    origin = plot.graphics.viewRect().topLeft()
    for (x, y), label in [((1.2, 1.2), 0), ((-1.2, -1.2), 0), ((1.2, -1.2), 1), ((-1.2, 1.2), 1)]:
        at = plot.view.mapViewToScene(QPointF(x, y)) - origin
        r, _, b = pixels[int(at.y()), int(at.x())].astype(int)
        assert (r > b + 40) if label else (b > r + 40), (x, y, r, b)
    assert len(plot.contour.getData()[0]) > 10
    for curve in (plot.contour, plot.lines):
        assert exported.curve_in_png(pixels, curve, plot.graphics) >= 0.9
    root = exported.svg(plot.export(tmp_path / "map.svg"))
    assert exported.line_with(root, *plot.contour.getData(), exported.pen_colour(plot.contour))
    [embedded] = [im for im in exported.svg_images(root) if im.shape[:2] == (21, 21)]
    for (row, col), label in [((0, 0), 0), ((20, 20), 0), ((0, 20), 1), ((20, 0), 1)]:
        r, _, b = embedded[row, col].astype(int)  # row 0: the lowest y
        assert (r > b + 40) if label else (b > r + 40), (row, col, r, b)
    plot.clear()
    assert plot.image.image is None
    assert len(plot.contour.getData()[0]) == 0


def test_xor_screenshot_separates_the_classes(plot):
    """The map of an XOR network: the corners (1, 1) and (-1, -1) read as class 0 (blue side of
    the scale), (1, -1) and (-1, 1) as class 1 (orange side)."""
    d = decision(xor_network(), n=200)
    plot.update_snapshot(SimpleNamespace(decision=d))
    image = plot.graphics.grab().toImage()

    def colour(x, y):
        p = plot.graphics.mapFromScene(plot.view.mapViewToScene(QPointF(x, y)))
        c = image.pixelColor(p)
        return c.red(), c.blue()

    for x, y in [(1.2, 1.2), (-1.2, -1.2)]:
        r, b = colour(x, y)
        assert b > r + 40, (x, y, r, b)
    for x, y in [(1.2, -1.2), (-1.2, 1.2)]:
        r, b = colour(x, y)
        assert r > b + 40, (x, y, r, b)


def test_a_tick_points_into_each_units_positive_side(plot):
    plot.set_grid(np.zeros((10, 10), dtype=np.float32), EXTENT, [("h", 1.0, 0.0, 0.0)])  # x = 0
    x, y = plot.normals.getData()
    assert len(x) == 2
    assert x[0] == pytest.approx(0.0) and x[1] > 0.0  # from the line towards +x, where z > 0
    assert y[0] == pytest.approx(y[1])


def test_a_neurons_own_map_can_be_shown(plot):
    small = np.full((8, 8), -0.5, dtype=np.float32)
    small[:, 4:] = 0.5
    d = SimpleNamespace(grid=np.full((20, 20), 0.25, dtype=np.float32), extent=EXTENT, lines=[],
                        neuron_grids={"h1": small, "y": np.zeros((8, 8), np.float32)})
    plot.update_snapshot(SimpleNamespace(decision=d))
    assert [plot.neuron_box.itemText(i) for i in range(plot.neuron_box.count())] == ["output", "h1", "y"]
    np.testing.assert_array_equal(plot.image.image, d.grid)
    plot.show_neuron("h1")
    np.testing.assert_array_equal(plot.image.image, small)
    assert tuple(plot.image.getLevels()) == (-1.0, 1.0)  # a tanh unit's map
    x, _ = plot.contour.getData()
    assert np.all((x > -0.2) & (x < 0.2))  # its boundary is the middle column
    plot.show_neuron("output")
    assert tuple(plot.image.getLevels()) == (0.0, 1.0)


def test_xor_trained_by_backprop_shows_both_classes_separated(plot):
    """Screenshot test: a 2-4-1 network trained on XOR by backprop; the pixels at the four
    corners of the data carry the colour of their class (blue side 0, orange side 1)."""
    from nnsim.engine import rules
    from nnsim.engine.regions import decision_map

    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0.0, 1.0, 1.0, 0.0])
    net = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    history = rules.Backprop(learning_rate=0.05, loss="binary_crossentropy", batch_size=4).train(
        net, (X, y), epochs=800, seed=0)
    assert history.accuracy[-1] == 1.0
    plot.set_dataset(X, y)
    plot.update_snapshot(SimpleNamespace(decision=decision_map(net, extent=(-0.5, 1.5, -0.5, 1.5))))
    plot.set_dataset(np.empty((0, 2)), np.empty(0))  # look at the map itself, not the dots
    image = plot.graphics.grab().toImage()
    for (px, py), label in zip(X, y):
        p = plot.graphics.mapFromScene(plot.view.mapViewToScene(QPointF(px, py)))
        c = image.pixelColor(p)
        if label:
            assert c.red() > c.blue() + 40, (px, py, c.getRgb())
        else:
            assert c.blue() > c.red() + 40, (px, py, c.getRgb())


def test_an_owner_can_keep_the_points_itself(qtbot):
    plot = DecisionPlot(keep_points=False)
    qtbot.addWidget(plot)
    plot.resize(400, 400)
    plot.show()
    plot.set_grid(np.zeros((10, 10), dtype=np.float32), EXTENT)
    plot.set_left_click_class(2)
    added = []
    plot.point_added.connect(lambda x, y, c: added.append(c))
    _click(plot, 0.2, 0.2, Qt.MouseButton.LeftButton)
    _click(plot, 0.2, 0.2, Qt.MouseButton.RightButton)
    assert added == [2, 0]
    assert len(plot.drawn_points()[0]) == 0 and len(plot.scatter.getData()[0]) == 0


def test_a_click_on_an_existing_point_adds_another(plot):
    plot.set_grid(np.zeros((10, 10), dtype=np.float32), EXTENT)
    plot.set_dataset(np.array([[0.3, 0.3]]), np.array([0.0]))
    _click(plot, 0.3, 0.3, Qt.MouseButton.LeftButton)
    np.testing.assert_allclose(plot.drawn_points()[0], [[0.3, 0.3]], atol=0.02)

"""Each neuron's own map on the canvas (issue 14): what is drawn, checked by its pixels.

Maps are read back from the canvas: a plane point (x1, x2) of a neuron's map is drawn at the
neuron's centre + ((x1 - mid) / width, -(x2 - mid) / height) * the map's side (y grows upwards),
and the pixel there is compared with the colour scale."""
import numpy as np
import pytest
from example_networks import two_two_one
from PySide6.QtCore import QPoint, QPointF, Qt

from nnsim.app.canvas import NetworkView
from nnsim.app.canvas.neuron_maps import BADGE, BADGE_AT, maps_unavailable_reason, pixels_of
from nnsim.app.canvas.shapes import RADIUS
from nnsim.app.colors import LUT, level_indices
from nnsim.app.document import Document
from nnsim.engine.network import Network
from nnsim.engine.neuron_maps import quantize, sample_indices
from nnsim.engine.simulation import Simulation


def two_input_net(w1=1.0, w2=0.0, b=0.0, unit="tanh") -> Network:
    """x1, x2 -> h (tanh or `unit`, weights w1, w2, bias b) -> y (tanh, weight 1); far apart."""
    net = Network()
    net.add_neuron("x1", role="input", x=0, y=-80)
    net.add_neuron("x2", role="input", x=0, y=80)
    net.add_neuron("h", role="hidden", activation=unit, bias=b, x=200, y=0)
    net.add_neuron("y", role="output", activation="tanh", x=400, y=0)
    net.connect("x1", "h", w1)
    net.connect("x2", "h", w2)
    net.connect("h", "y", 1.0)
    return net


def shown(view: NetworkView, zoom: float = 4.0, centre: str | None = None):
    view.resize(700, 500)
    view.show()
    view.resetTransform()
    view.scale(zoom, zoom)
    if centre is not None:
        view.centerOn(*view.canvas.pos[view.canvas.name_index[centre]])
    return view


def grab(view: NetworkView) -> np.ndarray:
    """The viewport's pixels as (h, w, 3) RGB ints."""
    bgra = pixels_of(view.viewport().grab().toImage())
    return bgra[:, :, [2, 1, 0]].astype(int)


def plane_to_view(view, name: str, extent, x1: float, x2: float, half: float = RADIUS) -> QPoint:
    """Where plane point (x1, x2) of neuron `name`'s map is drawn, in viewport pixels."""
    x0, xx, y0, yy = extent
    cx, cy = view.canvas.pos[view.canvas.name_index[name]]
    sx = cx + ((x1 - x0) / (xx - x0) * 2 - 1) * half
    sy = cy - ((x2 - y0) / (yy - y0) * 2 - 1) * half
    p = view.mapFromScene(QPointF(sx, sy))
    return p


def at(img: np.ndarray, p: QPoint) -> np.ndarray:
    return img[p.y(), p.x()]


def orange(c) -> bool:
    return c[0] - c[2] > 60


def blue(c) -> bool:
    return c[2] - c[0] > 60


@pytest.fixture
def view(qtbot):
    views = []

    def make(net: Network, zoom: float = 4.0, centre: str | None = None):
        v = NetworkView(Document(net))
        qtbot.addWidget(v)
        views.append(v)
        shown(v, zoom, centre)
        snap = Simulation(v.document.network).snapshot()
        v.apply_snapshot(snap)
        return v, snap

    yield make
    for v in views:
        v.close()


# ---------------------------------------------------------------------- (a) a known ramp
def test_hidden_unit_with_weights_1_0_is_a_left_right_ramp_and_inputs_show_their_axes(view):
    v, snap = view(two_input_net(1.0, 0.0, 0.0), centre="h")
    maps = snap.neuron_maps
    assert maps is not None and set(maps.images) == {"x1", "x2", "h", "y"}
    img = grab(v)
    x0, x1, y0, y1 = maps.extent
    mid_y = (y0 + y1) / 2
    left = at(img, plane_to_view(v, "h", maps.extent, x0 + 0.22 * (x1 - x0), mid_y))
    middle = at(img, plane_to_view(v, "h", maps.extent, (x0 + x1) / 2, mid_y))
    right = at(img, plane_to_view(v, "h", maps.extent, x0 + 0.78 * (x1 - x0), mid_y))
    assert blue(left) and orange(right), (left, right)
    assert middle.min() > 215, middle  # tanh(0) = 0: the scale's white
    # the very colours of the scale: tanh(x1) on levels (-1, 1)
    for frac in (0.22, 0.4, 0.6, 0.78):
        x = x0 + frac * (x1 - x0)
        want = LUT[quantize(np.tanh([x]), (-1.0, 1.0))[0]].astype(int)
        got = at(img, plane_to_view(v, "h", maps.extent, x, mid_y))
        assert np.abs(got - want).max() <= 12, (frac, got, want)
    # no dependence on x2: the top of the map is its bottom (left of the glyph's plate)
    for frac in (0.3, 0.45, 0.6):
        x = x0 + frac * (x1 - x0)
        top = at(img, plane_to_view(v, "h", maps.extent, x, y0 + 0.75 * (y1 - y0)))
        bottom = at(img, plane_to_view(v, "h", maps.extent, x, y0 + 0.25 * (y1 - y0)))
        assert np.abs(top - bottom).max() <= 6, (frac, top, bottom)
    # the inputs' own coordinates: x1 left-right, x2 bottom-top (y grows upwards)
    v.resetTransform()
    v.scale(2.0, 2.0)
    v.centerOn(0, 0)  # between x1 and x2, clear of the tool hint along the bottom
    img = grab(v)
    half = RADIUS - 1.5  # an input's rounded square
    pick = lambda name, fx, fy: at(img, plane_to_view(  # noqa: E731
        v, name, maps.extent, x0 + fx * (x1 - x0), y0 + fy * (y1 - y0), half))
    assert blue(pick("x1", 0.2, 0.5)) and orange(pick("x1", 0.8, 0.5))
    assert blue(pick("x2", 0.5, 0.2)) and orange(pick("x2", 0.5, 0.8))
    assert np.abs(pick("x1", 0.5, 0.2) - pick("x1", 0.5, 0.8)).max() <= 6
    assert np.abs(pick("x2", 0.2, 0.5) - pick("x2", 0.8, 0.5)).max() <= 6


# ---------------------------------------------------------------------- (b) output = decision grid
def test_the_outputs_map_is_the_decision_plots_grid_in_values_and_in_pixels(view):
    v, snap = view(two_input_net(2.0, -1.5, 0.3), zoom=5.0, centre="y")
    decision, maps = snap.decision, snap.neuron_maps
    side = maps.images["y"].shape[0]
    res = decision.grid.shape[0]
    at_samples = decision.grid.reshape(-1)[sample_indices(res, side)].reshape(side, side)
    lo, hi = maps.levels["y"]
    assert (lo, hi) == (-1.0, 1.0)  # a tanh output: the decision plot's scale for it
    assert np.abs(maps.values("y") - at_samples).max() <= (hi - lo) / 510 + 1e-6
    assert np.ptp(at_samples) > 1.0  # the map shows something: a test that can fail
    img = grab(v)
    picks = np.rint(np.linspace(0, res - 1, side)).astype(int)
    xs = np.linspace(maps.extent[0], maps.extent[1], res)[picks]
    ys = np.linspace(maps.extent[2], maps.extent[3], res)[picks]
    checked = 0
    for r in range(4, side - 4, 5):
        for c in range(4, side - 4, 5):
            fx, fy = (c + 0.5) / side, (r + 0.5) / side  # the centre of map pixel (r, c)
            if (fx - 0.5) ** 2 + (fy - 0.5) ** 2 > 0.33 ** 2:
                continue  # near the rim or the inner ring: outline, not map
            x0, x1, y0, y1 = maps.extent
            p = plane_to_view(v, "y", maps.extent, x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))
            colours = LUT[quantize(at_samples[r - 1:r + 2, c - 1:c + 2], (lo, hi))].astype(int)
            want = colours[1, 1]
            # drawn smoothed, read at a whole pixel (up to half a pixel off the sample's centre):
            # a little of the neighbours' colours may show
            slack = 6 + 0.3 * np.abs(colours - want).max()
            got = at(img, p)
            assert np.abs(got - want).max() <= slack, ((r, c), xs[c], ys[r], got, want)
            checked += 1
    assert checked >= 12


# ---------------------------------------------------------------------- (c) live after an edit
def test_maps_update_after_a_weight_edit_through_the_engine(window, qtbot):
    window.set_document(Document(two_input_net(1.0, 0.0, 0.0)))
    v = window.view
    qtbot.waitUntil(lambda: v.canvas.neuron_maps.maps is not None, timeout=30000)
    shown(v, 4.0, "h")
    extent = v.canvas.neuron_maps.maps.extent
    x0, x1, y0, y1 = extent

    def left_right():
        img = grab(v)
        mid = (y0 + y1) / 2
        return (at(img, plane_to_view(v, "h", extent, x0 + 0.2 * (x1 - x0), mid)),
                at(img, plane_to_view(v, "h", extent, x0 + 0.8 * (x1 - x0), mid)))

    # the window's data set decides the plane: centre the ramp on it (a bias edit), steeper
    window.document.set_neuron("h", bias=-2.0 * (x0 + x1) / 2)
    window.document.set_weight("x1", "h", 2.0)
    qtbot.waitUntil(lambda: blue(left_right()[0]) and orange(left_right()[1]), timeout=30000)
    window.document.set_weight("x1", "h", -2.0)  # the ramp turns round
    window.document.set_neuron("h", bias=2.0 * (x0 + x1) / 2)
    qtbot.waitUntil(lambda: orange(left_right()[0]) and blue(left_right()[1]), timeout=30000)
    window.document.set_weight("x1", "h", 0.0)  # h = tanh(0) everywhere: white
    window.document.set_neuron("h", bias=0.0)
    qtbot.waitUntil(lambda: min(left_right()[0].min(), left_right()[1].min()) > 215, timeout=30000)


# ---------------------------------------------------------------------- (d) lesson 7 trained
@pytest.fixture
def lesson(qapp):
    from nnsim.app.record_cli import close, parse_args, prepare
    from nnsim.engine.lessons import find_lesson

    opened = []

    def play(lesson_id: str, index: int, size=(1280, 720)):
        lesson = find_lesson(lesson_id)
        scene = lesson.scenes[index]
        per_frame = max(scene.steps_per_frame, -(-scene.steps // 10), 1)
        args = parse_args(["--lesson", lesson.id, "--scene", str(index), "--out", "unused.gif",
                           "--size", "{}x{}".format(*size), "--steps-per-frame", str(per_frame)])
        window, advance = prepare(lesson, scene, args)[:2]
        opened.append(window)
        snaps = []
        window.engine.snapshot_ready.connect(lambda s, _r: snaps.append(s))
        for k in range(-(-scene.steps // per_frame) + 1):
            advance(k)
        window.repaint()
        qapp.processEvents()
        return window, snaps[-1]

    yield play
    for window in opened:
        close(window)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_lesson_7_trained_each_hidden_neurons_map_shows_its_half_plane(lesson, size):
    window, snap = lesson("07-mlp-xor", 1, size)
    v = window.view
    maps = snap.neuron_maps
    net = snap.network
    hidden = [n.name for n in net.neurons if n.role == "hidden"]
    assert len(hidden) == 4 and all(h in maps.images for h in hidden)
    img = grab(v)
    x0, x1, y0, y1 = maps.extent
    lod = v.transform().m11()
    assert 2 * RADIUS * lod >= 20, "the maps are drawn large enough to read"
    # plane points whose place in the map lies well inside the circle and off the glyph's plate
    f = np.linspace(0.04, 0.96, 24)
    fx, fy = np.meshgrid(f, f)
    fx, fy = fx.ravel(), fy.ravel()
    dx, dy = (fx - 0.5) * 2 * RADIUS, -(fy - 0.5) * 2 * RADIUS  # scene offsets from the centre
    inside = dx ** 2 + dy ** 2 <= (0.86 * RADIUS) ** 2
    plate = (np.abs(dx - BADGE_AT[0]) <= BADGE[0] + 2) & (np.abs(dy - BADGE_AT[1]) <= BADGE[1] + 2)
    fx, fy = fx[inside & ~plate], fy[inside & ~plate]
    px, py = x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)
    both = 0  # neurons whose line crosses their map: both sides in view
    for name in hidden:
        w = {net.neuron(s.source).name: s.weight for s in net.incoming(name)}
        b = net.neuron(name).bias
        z = w["x1"] * px + w["x2"] * py + b
        # each side of the line its own colour: clearly beyond |z| = 1 (tanh 0.76), at least
        # tinted beyond 0.3 (a pixel is up to ~0.2 of z here)
        sides = {"positive": z > 0.3, "negative": z < -0.3}
        assert sides["positive"].sum() + sides["negative"].sum() >= 40, name
        both += bool(sides["positive"].sum() >= 2 and sides["negative"].sum() >= 2)
        for a, c, zz in zip(px, py, z):
            if abs(zz) <= 0.3:
                continue
            colour = at(img, plane_to_view(v, name, maps.extent, a, c))
            tint = (colour[0] - colour[2]) * np.sign(zz)  # orange where z > 0, blue where z < 0
            assert tint > (60 if abs(zz) >= 1 else 15), (name, (a, c), zz, colour)
    # the trained units' lines cross their maps (near the rim: they part a corner of XOR's
    # square from the rest; the fourth only touches its circle)
    assert both >= 3


# ---------------------------------------------------------------------- (e) toggle and reasons
def test_toggle_off_shows_the_plain_fill_and_on_the_map_again(view):
    v, snap = view(two_input_net(1.0, 0.0, 0.0), centre="h")
    maps = snap.neuron_maps
    x0, x1, y0, y1 = maps.extent
    mid = (y0 + y1) / 2
    points = [plane_to_view(v, "h", maps.extent, x0 + f * (x1 - x0), mid) for f in (0.2, 0.8)]
    on = [at(grab(v), p) for p in points]
    assert blue(on[0]) and orange(on[1])
    assert v.show_maps and v._actions.show_maps.isChecked()
    v._actions.show_maps.trigger()  # View > Neuron Maps, as the user does
    assert not v.show_maps
    img = grab(v)
    fill = LUT[level_indices(np.array([v.canvas.outputs[v.canvas.name_index["h"]]]))[0]].astype(int)
    for p in points:
        assert np.abs(at(img, p) - fill).max() <= 3, (at(img, p), fill)
    v.set_show_maps(True)
    assert v._actions.show_maps.isChecked()
    img = grab(v)
    assert blue(at(img, points[0])) and orange(at(img, points[1]))


def test_maps_are_off_with_the_reason_for_three_inputs_and_for_a_recurrent_network(view):
    net = two_input_net()
    net.add_neuron("x3", role="input", x=0, y=200)
    net.connect("x3", "h", 0.5)
    v, snap = view(net, zoom=4.0, centre="h")
    action = v._actions.show_maps
    reason = v.maps_unavailable_reason()
    assert not action.isEnabled() and "3 inputs" in reason
    assert action.toolTip() == reason and action.statusTip() == reason
    assert action.text() == "Neuron Maps" and action.shortcut().toString() == "Ctrl+Shift+M"
    img = grab(v)  # the hidden unit shows its plain fill: one colour all over
    c = v.canvas.pos[v.canvas.name_index["h"]]
    px = [at(img, v.mapFromScene(QPointF(c[0] + dx, c[1] + dy)))  # around the glyph
          for dx, dy in ((-14, 0), (14, 0), (0, -14))]
    assert max(np.abs(px[0] - px[2]).max(), np.abs(px[0] - px[1]).max()) <= 3
    v.document.remove_items(["x3"])  # two inputs again: on, with its own tip
    assert action.isEnabled() and v.maps_unavailable_reason() is None
    assert "input plane" in action.toolTip()
    loop = two_input_net()
    loop.connect("y", "h", 0.5)
    assert "recurrent" in maps_unavailable_reason(loop)
    assert maps_unavailable_reason(two_input_net()) is None


def test_the_choice_is_remembered_and_sent_to_the_engine(qtbot, monkeypatch):
    from nnsim.app.engine_thread import EngineThread
    from nnsim.app.main_window import MainWindow

    sent = []
    original = EngineThread.set_canvas_maps
    monkeypatch.setattr(EngineThread, "set_canvas_maps",
                        lambda self, on: (sent.append(on), original(self, on))[1])
    first = MainWindow()
    qtbot.addWidget(first)
    assert first.view.show_maps and sent[-1] is True
    first.view.set_show_maps(False)  # (the empty network's menu item is disabled)
    assert sent[-1] is False
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert not second.view.show_maps and not second.view._actions.show_maps.isChecked()
    assert sent[-1] is False  # the new engine computes no maps either
    second.close()


# ---------------------------------------------------------------------- (f) click -> decision plot
def test_clicking_a_neurons_map_shows_it_large_in_the_decision_plot(window, qtbot):
    # a linear unit, positive all over the plane: the plot alone would pick levels (0, 1)
    window.set_document(Document(two_input_net(1.0, 0.5, 0.5, unit="linear")))
    v = window.view
    qtbot.waitUntil(lambda: v.canvas.neuron_maps.maps is not None, timeout=30000)
    plot = window.learning.plots["decision"]
    qtbot.waitUntil(lambda: plot._decision is not None and plot._decision.neuron_maps is not None,
                    timeout=30000)
    assert plot.neuron_box.currentText() == "output"
    centre = v.mapFromScene(QPointF(*v.canvas.pos[v.canvas.name_index["h"]]))
    # a drag is a move, not a click: nothing changes in the plot
    qtbot.mousePress(v.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(v.viewport(), centre + QPoint(30, 0))
    qtbot.mouseRelease(v.viewport(), Qt.MouseButton.LeftButton, pos=centre + QPoint(30, 0))
    assert plot.neuron_box.currentText() == "output"
    window.document.undo_stack.undo()
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert plot.neuron_box.currentText() == "h"
    assert v.selected_names() == ["h"]  # the click still selects
    dock = window.learning.plot_docks["decision"]
    assert dock.isVisible()
    assert plot.levels == v.canvas.neuron_maps.maps.levels["h"] == (-1.0, 1.0)
    # the plot's image is h's own map: left blue, right orange, on the canvas's levels
    assert np.array_equal(plot.grid, plot._decision.neuron_grids["h"])
    assert np.ptp(plot.grid) > 0.3 and plot.grid.min() > 0  # h = x1 + x2 / 2 + 0.5
    out = v.mapFromScene(QPointF(*v.canvas.pos[v.canvas.name_index["y"]]))
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=out)
    assert plot.neuron_box.currentText() == "output"  # the only output: the plot's own map


# ---------------------------------------------------------------------- (g) one input: curves
def test_one_input_network_draws_each_neurons_curve(view):
    net = Network()
    net.add_neuron("x", role="input", x=0, y=0)
    net.add_neuron("h", role="hidden", activation="tanh", x=200, y=0)
    net.add_neuron("y", role="output", activation="sigmoid", x=400, y=0)
    net.connect("x", "h", 3.0)
    net.connect("h", "y", 1.0)
    v, snap = view(net, zoom=5.0, centre="h")
    curves = snap.neuron_curves
    assert curves is not None and snap.neuron_maps is None
    img = grab(v)
    from nnsim.app.canvas.neuron_maps import CURVE_BOX

    w, h = CURVE_BOX
    cx, cy = v.canvas.pos[v.canvas.name_index["h"]]
    ys = curves.curves["h"]
    xs = np.linspace(-w, w, len(ys))
    lo, hi = curves.levels["h"]
    dark = lambda c: c.max() < 120  # noqa: E731 - the curve's ink
    on_curve = off_curve = 0
    for k in (3, len(ys) // 4, 3 * len(ys) // 4, len(ys) - 4):
        t = (ys[k] - lo) / (hi - lo)
        y_on = cy + h - 2 * h * t
        y_mirror = cy - h + 2 * h * t  # the curve upside down: must be paper there
        on_curve += dark(at(img, v.mapFromScene(QPointF(cx + xs[k], y_on))))
        off_curve += dark(at(img, v.mapFromScene(QPointF(cx + xs[k], y_mirror))))
    assert on_curve == 4 and off_curve == 0
    assert ys[0] < -0.9 and ys[-1] > 0.9  # tanh(3x): a real S across the box


# ---------------------------------------------------------------------- the other items
# Read-outs on hover and the layer view have suites of their own (test_hover_readouts.py,
# test_layer_view.py); here each of the test items once, through the real engine.
def test_hovering_a_known_neuron_writes_out_its_sum_with_the_engines_values(view):
    """h = tanh(0.1 + 0.5 x1 - 1.2 x2) at x = (0.8, 0.3): the card writes the sum out and its
    z and y are the engine's (checked against NumPy)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    net = two_input_net(0.5, -1.2, 0.1)
    net.set_value("x1", 0.8)
    net.set_value("x2", 0.3)
    v, snap = view(net, zoom=1.0, centre="h")
    pos = QPointF(v.mapFromScene(QPointF(*v.canvas.pos[v.canvas.name_index["h"]])))
    none = Qt.MouseButton.NoButton
    QApplication.sendEvent(v.viewport(), QMouseEvent(QEvent.Type.MouseMove, pos, pos, none, none,
                                                     Qt.KeyboardModifier.NoModifier))
    text = v.readout_text()
    z = 0.1 + 0.5 * 0.8 - 1.2 * 0.3
    assert "z = b + Σ wᵢxᵢ = 0.1 + 0.5·0.8 - 1.2·0.3 = 0.14" in text, text
    assert f"y = tanh(z) = {np.tanh(z):.3g}" in text, text
    assert snap.net_inputs[list(snap.names).index("h")] == pytest.approx(z)


@pytest.mark.parametrize("A, b", [(np.eye(2), (0.0, 0.0)),
                                  (np.array([[2.0, -1.0], [0.5, 3.0]]), (0.3, -0.2))],
                         ids=["identity-like", "linear"])
def test_the_layer_view_draws_the_plane_mapped_through_a_linear_layer(shown, A, b):
    """A 2-unit linear hidden layer h = A x + b: the layer view (computed by the engine for the
    snapshot, drawn by the plot) shows every grid point p of the input plane at A p + b; for
    the identity, the grid unchanged."""
    from nnsim.app.plots.layer_view import LayerViewPlot
    from nnsim.engine.layer_view import GRID_LINES, LINE_POINTS, LayerViewSpec, grid_lines
    from nnsim.engine.regions import DEFAULT_EXTENT

    net = two_two_one(A, b)
    sim = Simulation(net)
    sim.set_layer_view(LayerViewSpec(0))
    snap = sim.snapshot()
    plot = shown(LayerViewPlot(), 500, 460)
    plot.update_snapshot(snap)
    x, y = plot.x1_lines.getData()
    drawn = np.stack([x, y], axis=-1).reshape(GRID_LINES, LINE_POINTS, 2)
    plane = grid_lines(DEFAULT_EXTENT)[:GRID_LINES]  # no data: the default view of the plane
    np.testing.assert_allclose(drawn, plane @ A.T + np.asarray(b), atol=1e-5)
    corner = A @ plane[0, 0] + np.asarray(b)  # the plane's corner, mapped
    np.testing.assert_allclose(drawn[0, 0], corner, atol=1e-5)


def test_the_view_menu_lists_neuron_maps_and_shows_why_it_is_off(window):
    """The reason a network gets no maps is the action's tooltip, and the View menu shows
    tooltips (a QMenu hides them unless asked)."""
    action = next(a for a in window.view_menu.actions() if a.text() == "Neuron Maps")
    assert action.isCheckable() and action.isChecked()
    assert window.view_menu.toolTipsVisible()
    net = two_input_net()
    net.add_neuron("x3", role="input", x=0, y=200)
    window.document.undo_stack.setClean()
    window.set_document(Document(net))
    assert not action.isEnabled() and "3 inputs" in action.toolTip()

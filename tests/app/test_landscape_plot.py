"""The loss landscape plot (issue 16): the image is the engine's landscape (log colours when it
spans decades), contour lines, axis labels from the synapses, the run's path as the engine
projects it; "Use selected synapses" and "Random directions" send the spec; Race mode starts
the three optimisers at the clicked point and draws their labelled paths; lesson 24's recording
shows the three paths growing, with their losses in the loss plot."""
from __future__ import annotations

import exported
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from nnsim.app.plots import PLOTS
from nnsim.app.plots.applicability import plot_unavailable_reason
from nnsim.app.plots.landscape import RACE_COLORS, LandscapePlot, shown_values
from nnsim.engine.datasets import Dataset
from nnsim.engine.lessons import find_lesson
from nnsim.engine.network import Network
from nnsim.engine.rules import Backprop
from nnsim.engine.rules.race import LandscapeSpec
from nnsim.engine.simulation import Simulation

PAIR = (("x1", "y"), ("x2", "y"))


def valley_sim(scale=5.0) -> Simulation:
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(0, 1.0 / scale, 80), rng.normal(0, 1.0, 80)])
    net = Network("valley")
    net.add_neuron("x1", role="input")
    net.add_neuron("x2", role="input")
    net.add_neuron("y", role="output", activation="linear")
    net.connect("x1", "y", 1.0)
    net.connect("x2", "y", 1.0)
    rule = Backprop(optimizer="sgd", learning_rate=0.5, batch_size=80)
    return Simulation(net, Dataset(X, X.sum(axis=1)), rule)


@pytest.fixture
def plot(shown):
    p = shown(LandscapePlot(), 560, 520)
    p.sent, p.races = [], []
    p.spec_changed.connect(p.sent.append)
    p.race_changed.connect(p.races.append)
    p.announce()
    return p


def screen(plot, u, v):
    return plot.graphics.mapFromScene(plot.view.mapViewToScene(QPointF(u, v)))


def near_colour(pixels, p, colour, radius=2, tolerance=60) -> bool:
    x, y = p.x(), p.y()
    patch = pixels[max(y - radius, 0):y + radius + 1, max(x - radius, 0):x + radius + 1].astype(int)
    return bool((np.abs(patch - np.array(colour)).sum(axis=-1) < tolerance).any())


def drawn(plot, steps=3):
    plot.choose_weights(PAIR, 2.0)
    sim = valley_sim()
    sim.set_landscape(plot.spec())
    snap = sim.snapshot()
    for _ in range(steps):
        sim.step(1)
        snap = sim.snapshot()
    plot.update_snapshot(snap)
    return sim, snap


def test_the_image_contours_labels_and_path_are_the_engines(plot):
    sim, snap = drawn(plot)
    view = snap.landscape
    assert plot.landscape is view
    values, log = shown_values(view.loss)
    assert log  # the valley spans more than two decades: log colours, said in the status line
    assert "log colours" in plot.status.text()
    np.testing.assert_array_equal(plot.image.image, values.T.astype(np.float32))
    rect = plot.image.mapRectToParent(plot.image.boundingRect())
    step = view.a[1] - view.a[0]
    assert rect.left() == pytest.approx(view.a[0] - step / 2) and rect.top() == pytest.approx(
        view.b[0] - step / 2)
    x, y = plot.contours.getData()
    assert len(x) > 100 and plot.contours.opts["connect"] == "pairs"
    assert x.min() >= view.a[0] - 1e-9 and y.max() <= view.b[-1] + 1e-9
    assert plot.plot.getAxis("bottom").labelText == "w x1→y"
    assert plot.plot.getAxis("left").labelText == "w x2→y"
    px, py = plot.path.getData()
    np.testing.assert_array_equal(np.column_stack([px, py]), snap.landscape_path)
    assert len(px) == 4 and plot.point.data["x"][0] == px[-1]
    # on screen: the floor (the loss's minimum) darker than a corner
    plot.repaint()
    pixels = exported.rgb(plot.graphics.grab().toImage())
    i, j = np.unravel_index(np.argmin(view.loss), view.loss.shape)
    low = screen(plot, view.a[i], view.b[j] + 0.3)
    high = screen(plot, view.a[2], view.b[2])
    assert pixels[low.y(), low.x()].sum() + 60 < pixels[high.y(), high.x()].sum()


def test_the_weight_buttons_send_the_spec(plot):
    plot.synapses_provider = lambda: [("x1", "y")]
    plot.use_selected.click()
    assert plot.sent[-1] == LandscapeSpec("random", 2.0)  # one synapse: nothing new asked
    assert "Select exactly two synapses" in plot.status.text()
    plot.synapses_provider = lambda: [("x1", "y"), ("x2", "y")]
    plot.use_selected.click()
    assert plot.sent[-1] == LandscapeSpec(PAIR, 2.0)
    plot.seed_box.setValue(7)
    plot.random_button.click()
    assert plot.sent[-1] == LandscapeSpec("random", 2.0, seed=7)
    plot.hide()
    assert plot.sent[-1] is None


def test_race_mode_draws_three_labelled_paths_from_the_clicked_point(plot, qtbot):
    sim, snap = drawn(plot)
    plot.race_button.click()
    assert plot.race_button.isChecked() and plot.races == [None]
    plot.repaint()
    target = screen(plot, -0.5, 0.4)
    QTest.mouseClick(plot.graphics.viewport(), Qt.MouseButton.LeftButton, pos=target)
    qtbot.waitUntil(lambda: len(plot.races) == 2, timeout=5000)
    race = plot.races[-1]
    pixel = 4.0 / plot.view.width() * 4.0  # the click lands within a pixel or two
    assert race.start == pytest.approx((-0.5, 0.4), abs=pixel)
    assert [dict(o)["optimizer"] for o in race.optimizers] == ["sgd", "momentum", "adam"]
    sim.set_race(race)
    sim.step(8)
    shown = sim.snapshot()
    plot.update_snapshot(shown)
    for path in shown.race.paths:
        x, y = plot.race_paths[path.optimizer].getData()
        np.testing.assert_array_equal(np.column_stack([x, y]), path.points)
        assert (x[0], y[0]) == race.start  # all three from the clicked point
        assert len(x) == 9
    assert plot.legend_labels() == ["SGD η=0.1", "momentum η=0.01", "Adam η=0.05"]
    assert list(plot.start_mark.data["x"]) == [race.start[0]]
    # each colour is painted at its path's tenth point
    plot.repaint()
    pixels = exported.rgb(plot.graphics.grab().toImage())
    for path in shown.race.paths:
        at = screen(plot, *path.points[len(path.points) // 2])
        assert near_colour(pixels, at, RACE_COLORS[path.optimizer], radius=3), path.optimizer
    # a new rate runs the race again from the same point; Race off ends it
    plot.rate_boxes["adam"].setValue(0.2)
    assert plot.races[-1].start == race.start and dict(plot.races[-1].optimizers[2])[
        "learning_rate"] == 0.2
    plot.race_button.click()
    assert plot.races[-1] is None and plot.race_paths["sgd"].getData()[0] is None or not len(
        plot.race_paths["sgd"].getData()[0])


def test_where_it_does_not_apply_one_sentence():
    loop = valley_sim().network
    loop.add_neuron("h", activation="tanh")
    loop.connect("y", "h", 1.0)
    loop.connect("h", "y", 1.0)
    assert "feed-forward" in plot_unavailable_reason("landscape", loop, "backprop", None)
    net = valley_sim().network
    assert "targets" in plot_unavailable_reason("landscape", net, "backprop", None)
    assert plot_unavailable_reason("landscape", net, "backprop", Dataset([[0, 1]], [1.0])) is None
    assert PLOTS["landscape"] is LandscapePlot


def test_the_window_sends_the_selected_synapses(window, qtbot, monkeypatch):
    learning = window.learning
    sent = []
    forward = window.engine.set_landscape
    monkeypatch.setattr(window.engine, "set_landscape", lambda s: (sent.append(s), forward(s)))
    window.resize(1280, 720)
    assert learning.open_scene(find_lesson("24"), 0)
    plot = learning.plots["landscape"]
    qtbot.waitUntil(lambda: plot.isVisible() and sent and sent[-1] is not None, timeout=10_000)
    assert sent[-1].weights == PAIR and learning.race_spec is not None
    qtbot.waitUntil(lambda: plot.landscape is not None, timeout=30_000)  # from the engine
    window.view.select(synapses=[("x2", "y"), ("x1", "y")])
    plot.random_button.click()
    assert sent[-1].weights == "random" and learning.race_spec is None  # a new plane: no race
    plot.use_selected.click()
    assert sent[-1].weights == (("x1", "y"), ("x2", "y"))  # the canvas's order
    # a plane: in the right column, above the rule panel (as the decision map and layer view)
    right = Qt.DockWidgetArea.RightDockWidgetArea
    assert window.dockWidgetArea(learning.plot_docks["landscape"]) == right
    qtbot.waitUntil(lambda: plot.view.height() >= 150, timeout=5000)
    assert plot.view.width() >= 330, plot.view.width()


@pytest.fixture
def recorded(qapp):
    from nnsim.app.record_cli import close, parse_args, prepare

    made = []

    def open_():
        lesson = find_lesson("24")
        argv = ["--lesson", lesson.id, "--out", "unused.gif", "--seconds", "3"]
        window, advance, target = prepare(lesson, lesson.scenes[0], parse_args(argv))
        made.append(window)
        return window, advance

    yield open_
    for window in made:
        close(window)


def test_the_lessons_recording_shows_the_three_paths_growing(recorded, qapp):
    window, advance = recorded()
    plot = window.learning.plots["landscape"]
    loss = window.learning.plots["loss"]
    lengths = []
    for i in range(0, 31):
        advance(i)
        if i in (1, 10, 30):
            qapp.processEvents()
            lengths.append([len(plot.race_paths[k].getData()[0]) for k in RACE_COLORS])
            starts = [tuple(np.array(plot.race_paths[k].getData())[:, 0]) for k in RACE_COLORS]
            assert len(set(starts)) == 1  # one start
    assert lengths == [[2, 2, 2], [11, 11, 11], [31, 31, 31]]
    race = plot.race
    assert race.frozen and "only these two weights move" in plot.status.text()
    sgd, momentum, adam = race.paths
    # the valley (long along w1): SGD bounces across it, Adam does not
    assert np.abs(np.diff(np.sign(np.diff(sgd.points[:6, 1])))).sum() >= 8
    assert np.all(np.diff(adam.points[:20, 1]) > 0)
    assert sorted(loss.extra) == sorted(p.label for p in race.paths)
    y = loss.extra[sgd.label].getData()[1]
    np.testing.assert_array_equal(y, sgd.loss)
    pixels = exported.rgb(window.grab().toImage())
    for colour in RACE_COLORS.values():
        assert (np.abs(pixels.astype(int) - colour).sum(axis=-1) < 40).sum() > 80, colour

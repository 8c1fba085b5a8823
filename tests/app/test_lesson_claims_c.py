"""Lessons 1, 7-9, 11, 13, 14, 16, 17, 19, 20 and 22 show their claims (issue 13): each scene
is opened as a recording opens it
(record_cli.prepare: the real MainWindow offscreen at 1280x720, the simulation in lockstep with
the frames), played to a point of its scripted run, painted, and checked on what is DRAWN: the
numbers of the claim in visible text (canvas labels, plot titles, text items, status lines),
the claim's plot on screen and at least 150 px tall, no empty plot shown; and the claim's
numbers against an independent NumPy reference where there is one."""
from __future__ import annotations

import functools

import numpy as np
import pytest
from PySide6.QtCore import QRectF

from nnsim.engine.lessons import find_lesson

SIZE = (1280, 720)
FPS = 30  # the recorder's default


@pytest.fixture
def play(play):
    """The shared play (tests/app/conftest.py), each scene's run taken in one stride: this
    module checks where a run ends, not the frames on the way."""
    return functools.partial(play, pace="jump")


def plot_of(window, key):
    plot = window.learning.plots[key]
    assert not window.learning.plot_docks[key].isHidden(), f"the {key} plot is not shown"
    assert plot.isVisible() and plot.height() >= 150, (key, plot.height())
    return plot


def shown_plots(window):
    return [k for k, d in window.learning.plot_docks.items() if not d.isHidden()]


def canvas_texts(window) -> list[str]:
    return [text for _kind, _i, text, _rect in window.view.canvas.overlay.shown_labels()]


def visible_text_items(plot) -> list[str]:
    """The text of every visible pyqtgraph TextItem and plot title in the plot."""
    import pyqtgraph as pg

    out = []
    for item in plot.graphics.scene().items():
        if isinstance(item, pg.TextItem) and item.isVisible() and item.opacity() > 0:
            if item.mapRectToScene(item.boundingRect()).intersects(
                    plot.graphics.scene().sceneRect()):
                out.append(item.toPlainText())
        elif isinstance(item, pg.LabelItem) and item.isVisible():
            out.append(item.text)
    return out


def legend_covers_nothing(window) -> None:
    """The canvas legend (or its folded tab) overlaps no neuron and no shown label."""
    view = window.view
    legend = view.legend_rect
    assert not legend.isEmpty()
    for x0, y0, x1, y1 in view.neuron_boxes().tolist():
        assert not legend.intersects(QRectF(x0, y0, x1 - x0, y1 - y0)), "a neuron is covered"
    for kind, _i, text, rect in view.canvas.overlay.shown_labels():
        assert not legend.intersects(rect), f"the {kind} label {text!r} is covered"


def paced(scene) -> float:
    return scene.steps / scene.steps_per_frame / FPS


# ---------------------------------------------------------------------- lesson 1
def test_lesson_1_marks_the_input_and_shows_z_and_y(play):
    lesson = find_lesson("perceptron-forward")
    scene = lesson.scenes[0]
    assert 3 <= paced(scene) <= 15
    assert "0.00247" in scene.claim and "output:y" in scene.figures
    assert "= 0.002." not in lesson.explanation  # 0.00247 is about 0.002, not equal to it
    w = play("perceptron-forward", 0)
    assert sorted(shown_plots(w)) == ["activation", "decision"]
    decision = plot_of(w, "decision")
    # (-1, 2) lies inside the map (the range was widened) and is ringed and labelled
    x0, x1, y0, y1 = decision._extent
    assert x0 < -1 < x1 and y0 < 2 < y1
    xs, ys = decision.probe.getData()
    assert (float(xs[0]), float(ys[0])) == (-1.0, 2.0)
    label = decision.probe_label
    assert label.isVisible()
    text = label.toPlainText()
    assert "x = (-1, 2)" in text and "z = 1 - 3·(-1)" not in text
    assert "1 + 3·(-1) - 2·2 = -6" in text and "0.00247" in text
    # the label lies inside the plot's view, not cut off at its edge
    view = decision.plot.getViewBox()
    inside = view.mapRectToScene(view.boundingRect())
    assert inside.contains(label.mapRectToScene(label.boundingRect()))
    # the canvas shows the weights 3 and -2, w0 = 1 (b=1) and y = 0.00247
    texts = canvas_texts(w)
    for needed in ("3", "-2", "b=1", "0.00247", "-1", "2"):
        assert needed in texts, (needed, texts)
    activation = plot_of(w, "activation")
    assert "z = -6 → y = 0.00247" in activation.status.text()
    legend_covers_nothing(w)
    # independent reference: the logistic function at -6
    assert abs(1 / (1 + np.exp(6.0)) - 0.0024726) < 1e-7


# ---------------------------------------------------------------------- lesson 10
@pytest.mark.parametrize("index", [0, 1, 2])
def test_lesson_11_shapes_are_not_hidden_by_points(play, index):
    scene = find_lesson("decision-regions").scenes[index]
    assert scene.dataset is None and scene.claim and 3 <= paced(scene) <= 15
    w = play("decision-regions", index)
    assert shown_plots(w) == ["decision"]
    decision = plot_of(w, "decision")
    assert len(decision.scatter.data) == 0  # no points over the shape
    inside = float(decision.grid[decision.grid.shape[0] // 2, decision.grid.shape[1] // 2])
    assert inside == 1.0 and float(decision.grid[0, 0]) == 0.0


def test_lesson_11_draws_6_12_and_24_line_circles_side_by_side(play):
    scene = find_lesson("decision-regions").scenes[3]
    assert 3 <= paced(scene) <= 15
    w = play("decision-regions", 3)
    decision = plot_of(w, "decision")
    tiles = decision.tiles
    assert tiles.active and tiles.names == ("6 lines", "12 lines", "24 lines")
    titles = [plot.titleLabel.text for plot, _, _ in tiles.items]
    assert titles == ["6 lines", "12 lines", "24 lines"]
    boxes = [plot.sceneBoundingRect() for plot, _, _ in tiles.items]
    assert all(b.width() >= 90 and b.height() >= 90 for b in boxes), boxes
    assert boxes[0].right() <= boxes[1].left() and boxes[1].right() <= boxes[2].left()  # a row
    # Each map is its polygon: the area inside approaches the circle's (pi r^2, r = 0.6) as the
    # lines grow: independent reference, the area of the regular k-gon around the circle
    assert tuple(decision._decision.extent) == (-1.5, 1.5, -1.5, 1.5)  # no data: the default view
    errors = []
    for k, (_, image, _) in zip((6, 12, 24), tiles.items):
        grid = image.image
        cell = (3.0 / (grid.shape[1] - 1)) * (3.0 / (grid.shape[0] - 1))
        area = float((grid >= 0.5).sum()) * cell
        polygon = k * 0.6 ** 2 * np.tan(np.pi / k)
        assert abs(area - polygon) < 0.04, (k, area, polygon)
        errors.append(polygon - np.pi * 0.36)
    assert errors[0] > errors[1] > errors[2] > 0


# ---------------------------------------------------------------------- lesson 8
def test_lesson_8_draws_sigmoid_tanh_and_relu_with_their_derivatives_side_by_side(play):
    scene = find_lesson("activation-functions").scenes[0]
    assert 3 <= paced(scene) <= 15 and scene.rule is None
    w = play("activation-functions", 0)
    assert shown_plots(w) == ["activation"]
    plot = plot_of(w, "activation")
    assert plot.gallery == ("sigmoid", "tanh", "relu")
    titles = [p.plot.titleLabel.text for p in plot.panels]
    for title, numbers in zip(titles, (("0.622", "0.235"), ("0.462", "0.786"), ("0.5", "f′ = 1"))):
        assert all(n in title for n in numbers), (title, numbers)
    boxes = [p.plot.sceneBoundingRect() for p in plot.panels]
    assert boxes[0].right() <= boxes[1].left() and boxes[1].right() <= boxes[2].left()
    assert all(b.width() >= 120 and b.height() >= 100 for b in boxes), boxes
    # the curves drawn are the functions and their derivatives (independent NumPy reference)
    z, y = plot.panels[0].curve.getData()
    _, dy = plot.panels[0].derivative.getData()
    s = 1 / (1 + np.exp(-z))
    assert np.allclose(y, s, atol=1e-9) and np.allclose(dy, s * (1 - s), atol=1e-9)
    z, dy = plot.panels[1].derivative.getData()
    assert np.allclose(dy, 1 - np.tanh(z) ** 2, atol=1e-9)
    z, dy = plot.panels[2].derivative.getData()
    assert np.allclose(dy[np.abs(z) > 1e-9], (z[np.abs(z) > 1e-9] > 0).astype(float))
    for p, z0 in zip(plot.panels, (0.5, 0.5, 0.5)):  # the current z marked on every panel
        assert p.z_line.value() == z0 and p.dot.data["x"][0] == z0
    legend_covers_nothing(w)  # the ReLU unit is not under the canvas legend
    assert "relu" in canvas_texts(w) and "0.5" in canvas_texts(w)


def test_lesson_8_soft_perceptron_turns_round_while_watched(play):
    scene = find_lesson("activation-functions").scenes[1]
    assert 3 <= paced(scene) <= 15
    early = play("activation-functions", 1, step=100)
    loss = plot_of(early, "loss")
    assert float(loss.curves["accuracy"].getData()[1][-1]) < 0.9  # one epoch: still wrong
    w = play("activation-functions", 1)
    assert sorted(shown_plots(w)) == ["decision", "loss"]
    loss = plot_of(w, "loss")
    acc = loss.curves["accuracy"].getData()[1]
    assert len(acc) == 20 and float(acc[-1]) == 1.0
    assert "acc 100%" in loss.status.text()


# ---------------------------------------------------------------------- lesson 13
def test_lesson_16_draws_the_two_steps_subtracted_into_the_pulse(play):
    scene = find_lesson("universal-approximation-1d").scenes[0]
    assert 3 <= paced(scene) <= 15 and scene.rule is None
    w = play("universal-approximation-1d", 0)
    assert shown_plots(w) == ["curve"]
    curve = plot_of(w, "curve")
    assert curve.part_names == ["p1.up × 1", "p1.down × -1"]
    labels = [label.text for _sample, label in curve.legend.items]
    assert "p1.up × 1" in labels and "p1.down × -1" in labels
    x, up = curve.parts[0].getData()
    _, down = curve.parts[1].getData()
    _, y = curve.curve.getData()
    away = (np.abs(x + 0.5) > 0.02) & (np.abs(x - 0.5) > 0.02)  # off the two edges
    assert np.array_equal(up[away], (x[away] > -0.5).astype(float))  # NumPy's own steps
    assert np.array_equal(down[away], -(x[away] > 0.5).astype(float))
    assert np.allclose(y, up + down)  # the pulse is their sum
    assert np.array_equal(y[away], ((x[away] > -0.5) & (x[away] < 0.5)).astype(float))


@pytest.mark.parametrize("index, pulses", [(1, 6), (2, 24)])
def test_lesson_16_pulses_follow_the_sine(play, index, pulses):
    scene = find_lesson("universal-approximation-1d").scenes[index]
    assert 3 <= paced(scene) <= 15
    w = play("universal-approximation-1d", index)
    curve = plot_of(w, "curve")
    assert curve.part_names == []  # many units: the sum alone
    x, y = curve.curve.getData()
    inside = (x >= 0) & (x <= 2 * np.pi)
    worst = float(np.max(np.abs(y[inside] - np.sin(x[inside]))))
    claimed = float(scene.claim.split("within ")[1].split()[0])
    assert worst <= claimed + 0.01
    assert worst <= 2 * np.sin(np.pi / pulses) + 0.01  # half a pulse's rise, at most


# ---------------------------------------------------------------------- lesson 12
@pytest.mark.parametrize("index, n, deep", [(0, 4, True), (1, 4, False), (2, 8, True), (3, 8, False)])
def test_lesson_14_counts_units_and_connections_at_n_4_and_8(play, index, n, deep):
    import itertools

    scene = find_lesson("depth-vs-width").scenes[index]
    assert 3 <= paced(scene) <= 15
    net = scene.network
    # independent counts: a tree of n - 1 XORs of 3 units and 6 connections each; one detector
    # per odd pattern (2^(n-1)) of n connections each, plus the output fed by all of them
    units, connections = (3 * (n - 1), 6 * (n - 1)) if deep else \
        (2 ** (n - 1) + 1, 2 ** (n - 1) * (n + 1))
    assert sum(nr.role != "input" for nr in net.neurons) == units
    assert net.parameter_count == connections
    if n == 8:
        assert (units, connections) == ((21, 42) if deep else (129, 1152))
    rows = np.array(list(itertools.product([0.0, 1.0], repeat=n)))
    assert np.array_equal(net.evaluate(rows)[:, 0] > 0.5, rows.sum(axis=1) % 2 == 1)
    w = play("depth-vs-width", index)
    assert shown_plots(w) == []  # no plot at all: the counts are the claim
    status = " ".join(label.text() for label in w.status.findChildren(type(w.status.rules)))
    assert f"{connections:,} connections" in status
    assert f"{units} units, {connections:,} connections" in w.windowTitle()
    assert f"{units} units and {connections:,} connections" in scene.claim


# ---------------------------------------------------------------------- lesson 9
def straightness(decision) -> float:
    """The contour's largest distance from its best straight line (SVD fit)."""
    x, y = decision.contour.getData()
    p = np.column_stack([x, y])
    assert len(p) > 10, "no boundary drawn"
    centred = p - p.mean(axis=0)
    normal = np.linalg.svd(centred, full_matrices=False)[2][-1]
    return float(np.max(np.abs(centred @ normal)))


def test_lesson_9_linear_network_is_straight_then_fades_to_one_half(play):
    scene = find_lesson("why-nonlinearity").scenes[0]
    assert 3 <= paced(scene) <= 15
    early = play("why-nonlinearity", 0, step=30)
    decision = plot_of(early, "decision")
    assert float(decision.grid.min()) < 0.1 and float(decision.grid.max()) > 0.9  # a sharp edge
    assert straightness(decision) < 0.02
    w = play("why-nonlinearity", 0)
    assert sorted(shown_plots(w)) == ["decision", "loss"]
    decision = plot_of(w, "decision")
    lo, hi = float(decision.grid.min()), float(decision.grid.max())
    assert 0.45 < lo <= hi < 0.55  # about 0.5 everywhere
    status = decision.status.text()
    assert status.startswith("output 0.") and "to 0.5" in status, status
    assert straightness(decision) < 0.02  # still a straight line
    loss = plot_of(w, "loss")
    _, losses = loss.curves["loss"].getData()
    assert abs(float(losses[-1]) - np.log(2)) < 0.005  # cross-entropy of 0.5 everywhere
    _, acc = loss.curves["accuracy"].getData()
    assert 0.25 <= float(acc[-1]) <= 0.75


def test_lesson_9_relu_network_bends_and_learns(play):
    scene = find_lesson("why-nonlinearity").scenes[1]
    assert 3 <= paced(scene) <= 15 and scene.rule == find_lesson("why-nonlinearity").scenes[0].rule
    early = play("why-nonlinearity", 1, step=30)
    assert float(plot_of(early, "loss").curves["accuracy"].getData()[1][-1]) < 0.9
    w = play("why-nonlinearity", 1)
    decision = plot_of(w, "decision")
    assert straightness(decision) > 0.3  # bent
    loss = plot_of(w, "loss")
    assert float(loss.curves["accuracy"].getData()[1][-1]) == 1.0
    assert "acc 100%" in loss.status.text()


# ---------------------------------------------------------------------- lesson 15
def test_lesson_19_one_bump_at_the_scale_of_the_data(play):
    scene = find_lesson("rbf-networks").scenes[0]
    assert 3 <= paced(scene) <= 15
    w = play("rbf-networks", 0)
    assert shown_plots(w) == ["decision"]
    decision = plot_of(w, "decision")
    assert decision.levels == (0.0, 1.0)
    x, y = decision.contour.getData()
    r = np.hypot(x, y)
    # exp(-beta r^2) = 0.5 with beta = 4 ln 2 gives r = 0.5: the cylinder's radius
    assert len(r) > 20 and abs(float(r.mean()) - 0.5) < 0.01 and float(np.ptp(r)) < 0.03
    data = scene.make_dataset()
    assert np.array_equal(np.hypot(*data.X.T) < 0.5, data.y.ravel() > 0.5)


def test_lesson_19_fit_draws_the_half_contour_for_0_1_targets(play):
    scene = find_lesson("rbf-networks").scenes[1]
    assert 3 <= paced(scene) <= 15
    w = play("rbf-networks", 1)
    assert sorted(shown_plots(w)) == ["decision", "loss"]
    decision = plot_of(w, "decision")
    assert float(decision.grid.min()) < -0.05  # the linear output dips below zero...
    assert decision.levels == (0.0, 1.0)  # ...and the map stays 0..1, the contour at 0.5
    x, y = decision.contour.getData()
    r = np.hypot(x, y)
    assert len(r) > 20 and 0.35 < float(np.median(r)) < 0.65  # round the cylinder
    loss = plot_of(w, "loss")
    _, values = loss.curves["loss"].getData()
    assert len(values) == 12 and values[0] > 2 * values[-1]
    last = float(values[-1])
    ls = play("rbf-networks", 2)
    assert shown_plots(ls) == ["decision"]  # one step: no one-point loss plot
    assert plot_of(ls, "decision").levels == (0.0, 1.0)
    from nnsim.engine.simulation import Simulation

    exact = find_lesson("rbf-networks").scenes[2]
    sim = Simulation(exact.network, exact.make_dataset(), exact.make_rule(), seed=0)
    sim.step(exact.steps)
    assert sim.snapshot(decision=False).history["loss"][-1] <= last + 1e-9  # the best at once


# ---------------------------------------------------------------------- lesson 17
def label_texts(window) -> list[str]:
    """Every visible label's text (QLabel and the app's LiveLabel)."""
    from PySide6.QtWidgets import QLabel

    from nnsim.app.live_label import LiveLabel

    return [label.text() for kind in (QLabel, LiveLabel) for label in window.findChildren(kind)
            if label.isVisible()]


def test_lesson_22_hebb_stays_near_chance_while_its_weights_grow_steadily(play):
    lesson = find_lesson("hebb-vs-backprop")
    scene = lesson.scenes[0]
    assert 3 <= paced(scene) <= 15
    assert "explode" not in lesson.explanation + " ".join(lesson.try_this) + scene.claim
    assert "grows steadily" in scene.claim and "accuracy" in scene.figures
    w = play("hebb-vs-backprop", 0)
    assert sorted(shown_plots(w)) == ["decision", "weights"]  # no loss plot: Hebb has none
    weights = plot_of(w, "weights")
    assert "‖w‖ = 41.8" in weights.status.text()
    assert any("accuracy 50" in t for t in label_texts(w)), label_texts(w)
    from nnsim.engine.simulation import Simulation

    sim = Simulation(scene.network, scene.make_dataset(), scene.make_rule(), seed=0)
    sim.step(scene.steps)
    history = sim.snapshot(decision=False).history
    acc, norm = np.asarray(history["accuracy"]), np.asarray(history["weight_norm"])
    assert len(acc) == 10 and np.all(np.abs(acc - 0.5) <= 0.15)  # near chance every epoch
    assert np.all(np.diff(norm) > 0) and np.corrcoef(np.arange(10), norm)[0, 1] > 0.99  # linear
    # independent accuracy of the network as the window shows it, against the targets
    data = scene.make_dataset()
    net = sim.snapshot(decision=False).network
    out = net.evaluate(data.X)[:, 0] > 0.5
    assert abs(float(np.mean(out == (data.y.ravel() > 0.5))) - acc[-1]) < 1e-12


def test_lesson_22_backprop_learns_on_the_same_network(play):
    lesson = find_lesson("hebb-vs-backprop")
    scene = lesson.scenes[1]
    assert 3 <= paced(scene) <= 15
    assert scene.network == lesson.scenes[0].network or \
        scene.network.synapses == lesson.scenes[0].network.synapses
    early = play("hebb-vs-backprop", 1, step=26)  # two epochs
    assert float(plot_of(early, "loss").curves["accuracy"].getData()[1][-1]) < 1.0
    w = play("hebb-vs-backprop", 1)
    loss = plot_of(w, "loss")
    _, acc = loss.curves["accuracy"].getData()
    assert float(acc[-1]) == 1.0 and "acc 100%" in loss.status.text()


# ---------------------------------------------------------------------- lesson 16
@pytest.mark.parametrize("index, rate, epochs, first, last", [(0, 0.03, 10, 0.92, 0.99),
                                                              (1, 0.001, 80, 0.86, 0.95)])
def test_lesson_20_validation_accuracy_is_seen_climbing(play, index, rate, epochs, first, last):
    lesson = find_lesson("keras-example")
    scene = lesson.scenes[index]
    assert 3 <= paced(scene) <= 15
    assert scene.rule["params"]["learning_rate"] == rate and scene.stop == {"epochs": epochs}
    assert "0.001" in lesson.explanation and "default" in lesson.explanation
    assert f"{first:.0%}" in scene.claim and f"{last:.0%}" in scene.claim
    w = play("keras-example", index)
    loss = plot_of(w, "loss")
    x, val = loss.curves["val_accuracy"].getData()
    assert len(val) == epochs and x[-1] == epochs
    assert abs(float(val[0]) - first) < 0.01 and abs(float(val[-1]) - last) < 0.01
    assert f"val acc {last:.0%}" in loss.status.text()
    # the climb fills a good part of the accuracy axis, not a sliver at its top
    low, high = loss.accuracy_view.viewRange()[1]
    assert (float(val[-1]) - float(val[0])) / (high - low) > 0.25, (low, high)
    # the validation loss is inside the loss axis too
    _, val_loss = loss.curves["val_loss"].getData()
    bottom, top = loss.loss_plot.getViewBox().viewRange()[1]
    assert bottom <= float(np.min(val_loss)) and float(np.max(val_loss)) <= top


# ---------------------------------------------------------------------- lesson 7
def unit_line_labels(decision):
    return [(label.toPlainText(), label.mapRectToScene(label.boundingRect()))
            for label in decision.labels if label.isVisible()]


def test_lesson_7_hand_set_xor_shows_its_four_cases(play):
    scene = find_lesson("mlp-xor").scenes[0]
    assert 3 <= paced(scene) <= 15 and scene.claim
    w = play("mlp-xor", 0)
    assert shown_plots(w) == ["decision"]
    decision = plot_of(w, "decision")
    net = scene.network
    cases = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    assert np.array_equal(net.evaluate(cases)[:, 0], [0, 1, 1, 0])  # XOR, by NumPy's logic
    assert np.array_equal(np.logical_xor(cases[:, 0], cases[:, 1]), [0, 1, 1, 0])
    assert net.parameter_count == 6
    texts = canvas_texts(w)
    for needed in ("OR", "NAND", "T=0.5", "T=-1.5", "T=1.5"):
        assert needed in texts, (needed, texts)
    assert decision.probe_label.isVisible() and "x = (1, 0)" in decision.probe_label.toPlainText()
    legend_covers_nothing(w)


def test_lesson_7_backprop_labels_do_not_overlap(play):
    scene = find_lesson("mlp-xor").scenes[1]
    assert 3 <= paced(scene) <= 15
    early = play("mlp-xor", 1, step=20)
    assert float(plot_of(early, "loss").curves["accuracy"].getData()[1][-1]) < 1.0
    w = play("mlp-xor", 1)
    decision = plot_of(w, "decision")
    labels = unit_line_labels(decision)
    assert len(labels) >= 3
    view = decision.plot.getViewBox()
    inside = view.mapRectToScene(view.boundingRect())
    for i, (text, rect) in enumerate(labels):
        assert inside.contains(rect), f"{text} is cut off"
        for other, rect2 in labels[i + 1:]:
            assert not rect.intersects(rect2), f"{text} overlaps {other}"
    rects = [rect for _k, _i, _t, rect in w.view.canvas.overlay.shown_labels()]
    for i, a in enumerate(rects):
        assert not any(a.intersects(b) for b in rects[i + 1:])
    legend_covers_nothing(w)
    loss = plot_of(w, "loss")
    assert float(loss.curves["accuracy"].getData()[1][-1]) == 1.0


# ---------------------------------------------------------------------- lesson 11
def test_lesson_13_both_polygons_visible_and_labels_readable(play):
    from nnsim.engine.datasets import UNION_POLYGONS

    scene = find_lesson("need-for-depth").scenes[0]
    assert 3 <= paced(scene) <= 15 and scene.dataset is None
    w = play("need-for-depth", 0)
    assert shown_plots(w) == ["decision"]
    decision = plot_of(w, "decision")
    grid = decision.grid
    assert grid[0].max() == grid[-1].max() == grid[:, 0].max() == grid[:, -1].max() == 0  # none cut
    x0, x1, y0, y1 = decision._extent
    ny, nx = grid.shape

    def at(x, y):
        return grid[round((y - y0) / (y1 - y0) * (ny - 1)), round((x - x0) / (x1 - x0) * (nx - 1))]

    a, b = (0.85 * p for p in UNION_POLYGONS)
    ca, cb = a.mean(axis=0), b.mean(axis=0)
    assert at(*ca) == 1 and at(*cb) == 1 and at(*(ca + cb) / 2) == 0  # two separate regions
    inside = float((grid >= 0.5).mean()) * (x1 - x0) * (y1 - y0)

    def area(p):  # shoelace, independent of the network
        x, y = p[:, 0], p[:, 1]
        return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))

    assert abs(inside - (area(a) + area(b))) < 0.05
    legend = [label.text for _sample, label in decision.legend.items]
    assert legend == ["boundary", "unit lines"]  # no class key without points
    texts = canvas_texts(w)
    for needed in ("in A", "in B", "y", "T=4.5", "T=3.5", "T=0.5"):
        assert needed in texts, (needed, texts)
    rects = [rect for _k, _i, _t, rect in w.view.canvas.overlay.shown_labels()]
    for i, r in enumerate(rects):
        assert not any(r.intersects(o) for o in rects[i + 1:])
    legend_covers_nothing(w)
    assert scene.network.depth == 3


# ---------------------------------------------------------------------- lesson 14
def test_lesson_17_cylinders_from_half_planes(play):
    lesson = find_lesson("universal-approximation-2d")
    for index in (0, 1):
        scene = lesson.scenes[index]
        assert 3 <= paced(scene) <= 15 and scene.claim and scene.dataset is None
    w = play("universal-approximation-2d", 0)
    assert shown_plots(w) == ["decision"]
    grid = plot_of(w, "decision").grid
    x0, x1, y0, y1 = plot_of(w, "decision")._decision.extent
    area = float((grid >= 0.5).mean()) * (x1 - x0) * (y1 - y0)
    polygon = 16 * 0.5 ** 2 * np.tan(np.pi / 16)  # the 16-gon around the circle of radius 0.5
    assert abs(area - polygon) < 0.02 and polygon - np.pi * 0.25 < 0.02
    assert sum(n.role != "input" for n in lesson.scenes[0].network.neurons) == 18  # 16 + AND + y
    w = play("universal-approximation-2d", 1)
    grid = plot_of(w, "decision").grid
    heights = np.unique(grid.astype(float))
    assert np.allclose(heights, [0.0, 0.6, 1.0], atol=1e-6)  # two cylinders, heights 1 and 0.6, summed
    assert "1 and 0.6" in lesson.scenes[1].claim


# ---------------------------------------------------------------------- every scene of 1, 7-17
MINE = ["perceptron-forward", "mlp-xor", "activation-functions", "why-nonlinearity",
        "decision-regions", "need-for-depth", "depth-vs-width", "universal-approximation-1d",
        "universal-approximation-2d", "rbf-networks", "keras-example", "hebb-vs-backprop"]


@pytest.mark.parametrize("lesson_id", MINE)
def test_every_scene_has_a_claim_figures_and_3_to_15_seconds(lesson_id):
    from nnsim.engine.lessons import FIGURES

    for scene in find_lesson(lesson_id).scenes:
        assert scene.claim and len(scene.claim) <= 300, scene.title
        assert scene.figures and all(f in FIGURES or f.startswith("output:") for f in scene.figures)
        outputs = {n.name for n in scene.network.neurons}
        assert all(f.split(":", 1)[1] in outputs for f in scene.figures if f.startswith("output:"))
        assert 3 <= paced(scene) <= 15, (scene.title, paced(scene))


@pytest.mark.parametrize("lesson_id, index", [("activation-functions", 0),
                                              ("universal-approximation-1d", 0),
                                              ("universal-approximation-1d", 2)])
def test_no_learning_rule_panel_where_nothing_learns(play, lesson_id, index):
    w = play(lesson_id, index)
    assert w.learning.rules.current_name() in ("", None, "none")
    assert not any("Hebb's rule" in t and "w_i" in t for t in label_texts(w))

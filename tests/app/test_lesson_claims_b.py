"""Lessons 2-6 show their claims (issue 13): each scene is opened as a recording opens it
(record_cli.prepare: the real MainWindow offscreen at 1280x720, the simulation in lockstep with
the frames), played to a point of its scripted run, painted, and checked on what is DRAWN: the
raster's cells, the weights plot's axis and status, the Hopfield image and the energy curve, the
canvas labels; and the claim's numbers against an independent NumPy or plain-Python reference
(truth tables, the latch, Hebb's growth rate, the perceptron run, Hopfield energies)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QRectF

from nnsim.engine.lessons import find_lesson

SIZE = (1280, 720)
FPS = 30  # the recorder's default


def plot_of(window, key):
    plot = window.learning.plots[key]
    assert not window.learning.plot_docks[key].isHidden(), f"the {key} plot is not shown"
    assert plot.isVisible() and plot.height() >= 150, (key, plot.height())
    assert not plot.is_unavailable, plot.unavailable_reason
    return plot


def shown_plots(window):
    return sorted(k for k, d in window.learning.plot_docks.items() if not d.isHidden())


def canvas_texts(window) -> list[str]:
    return [text for _kind, _i, text, _rect in window.view.canvas.overlay.shown_labels()]


def legend_covers_nothing(window) -> None:
    view = window.view
    legend = view.legend_rect
    assert not legend.isEmpty()
    for x0, y0, x1, y1 in view.neuron_boxes().tolist():
        assert not legend.intersects(QRectF(x0, y0, x1 - x0, y1 - y0)), "a neuron is covered"
    for kind, _i, text, rect in view.canvas.overlay.shown_labels():
        assert not legend.intersects(rect), f"the {kind} label {text!r} is covered"


def paced(scene) -> float:
    return scene.steps / scene.steps_per_frame / FPS


def raster_cells(raster) -> tuple[int, np.ndarray]:
    """(first step, inked (rows, steps)) as DRAWN: the image's pixels, not the plot's data."""
    from nnsim.app.plots.raster import PAPER

    image = raster.image.image
    assert image is not None and image.ndim == 3
    rect = raster.image.mapRectToParent(raster.image.boundingRect())
    first = int(round(rect.left() + 0.5))
    return first, np.any(image != np.array(PAPER, dtype=image.dtype), axis=2)


# ---------------------------------------------------------------------- lesson 2
GATES = {"AND": lambda a, b, v: a and b, "OR": lambda a, b, v: a or b,
         "NAND": lambda a, b, v: not (a and b), "NOT a": lambda a, b, v: not a,
         "a OR b unless veto": lambda a, b, v: (a or b) and not v}


def test_lesson_2_walks_the_truth_tables_and_the_veto_wins(play):
    lesson = find_lesson("mcculloch-pitts")
    scene = lesson.scenes[0]
    assert 3 <= paced(scene) <= 15 and scene.claim and scene.plots == ("raster",)
    schedule = list(scene.inputs)
    # the run exercises the veto: it fires while a or b does, and 11 comes before and after
    vetoed = [k for k, s in enumerate(schedule) if s["veto"] and (s["a"] or s["b"])]
    assert vetoed and any(s == {"a": 1, "b": 1, "veto": 0} for s in schedule[:vetoed[0]])
    assert any(s == {"a": 1, "b": 1, "veto": 0} for s in schedule[vetoed[-1]:])
    middle = vetoed[0] + 12  # half-way through the veto under a = b = 1
    assert schedule[middle - 1] == {"a": 1, "b": 1, "veto": 1}
    w = play("mcculloch-pitts", 0, step=middle)
    assert shown_plots(w) == ["raster"]  # no empty loss plot, no data plot
    raster = plot_of(w, "raster")
    names = raster.names
    assert set(GATES) < set(names) and {"a", "b", "veto"} < set(names)
    first, inked = raster_cells(raster)
    assert first == 0 and inked.shape == (len(names), middle + 1)
    # what is drawn is the truth table (reference: Python's own booleans), step by step
    for step in range(1, middle + 1):
        s = schedule[step - 1]
        a, b, v = bool(s["a"]), bool(s["b"]), bool(s["veto"])
        for name, gate in GATES.items():
            assert inked[names.index(name), step] == gate(a, b, v), (name, step, s)
        assert inked[names.index("veto"), step] == v
    assert "firing: AND, OR, a OR b unless veto" not in raster.status.text()
    assert raster.status.text() == f"step {middle} · firing: AND, OR"
    # the veto unit and its inhibitory synapse are on the canvas, uncovered
    texts = canvas_texts(w)
    assert "veto" in texts and "a OR b unless veto" in texts and "1 inh" in texts
    legend_covers_nothing(w)
    # after the veto: 11 makes the unit fire again
    w = play("mcculloch-pitts", 0)
    raster = plot_of(w, "raster")
    first, inked = raster_cells(raster)
    assert inked[raster.names.index("a OR b unless veto"), -1]
    assert "a OR b unless veto" in raster.status.text()


# ---------------------------------------------------------------------- lesson 3
def test_lesson_3_raster_shows_the_latch_holding_for_seconds(play):
    lesson = find_lesson("loops-remember")
    scene = lesson.scenes[0]
    assert 3 <= paced(scene) <= 15 and scene.plots == ("raster",)
    assert "output:memory" in scene.figures
    # reference: the latch in plain Python, memory(t) = (set(t) or memory(t-1)) and not reset(t)
    memory, trace = 0, []
    for s in scene.inputs:
        memory = int((s["set"] or memory) and not s["reset"])
        trace.append(memory)
    on = trace.index(1) + 1  # snapshot steps count from 1 for the first scheduled input
    off = on + trace[on - 1:].index(0)
    assert (on, off) == (21, 94)
    for number in (f"step {on}", f"{off - on} steps", f"step {off}"):
        assert number in scene.claim, number
    # set has gone long before reset comes: the loop alone holds memory for seconds
    set_gone = max(k for k, s in enumerate(scene.inputs) if s["set"]) + 2
    assert (off - set_gone) / FPS >= 2.0
    w = play("loops-remember", 0)
    assert shown_plots(w) == ["raster"]
    raster = plot_of(w, "raster")
    first, inked = raster_cells(raster)
    row = inked[raster.names.index("memory")]
    assert first == 0 and np.flatnonzero(row).tolist() == list(range(on, off))
    assert raster.names.index("set") < raster.names.index("memory")
    assert raster.status.text() == f"step {scene.steps} · memory off since step {off}, after " \
                                   f"{off - on} steps on"


def test_raster_status_while_the_memory_is_on(play):
    w = play("loops-remember", 0, step=60)
    raster = plot_of(w, "raster")
    assert raster.status.text() == "step 60 · memory on since step 21"
    assert "0" in canvas_texts(w) or "1" in canvas_texts(w)


# ---------------------------------------------------------------------- lesson 4
def test_lesson_4_hebb_climbs_straight_on_a_log_axis(play):
    lesson = find_lesson("hebbian-learning")
    hebb = lesson.scenes[0]
    assert 3 <= paced(hebb) <= 15
    w = play("hebbian-learning", 0)
    assert shown_plots(w) == ["weights"]
    weights = plot_of(w, "weights")
    assert weights.log_scale and weights.log_action.isChecked()  # turned by itself
    assert not weights.oja and weights.unit_line.scene() is None  # no Oja line for Hebb
    status = weights.status.text()
    shown = float(status.split("doubles every ")[1].split(" ")[0])
    # reference: per sample w <- (I + eta x x^T) w, so ||w|| doubles every ln 2 / ln(1 + eta
    # lambda) samples, lambda the largest eigenvalue of the inputs' second moment E[x x^T]
    X = hebb.make_dataset().X
    lam = np.linalg.eigvalsh(X.T @ X / len(X))[-1]
    eta = hebb.rule["params"]["learning_rate"]
    reference = math.log(2) / math.log(1 + eta * lam)
    assert shown == pytest.approx(reference, rel=0.05)
    assert round(shown) == 33 and "doubles about every 33 steps" in hebb.claim
    # drawn: the norm curve on the log axis is a straight climb (log10 ||w|| linear in the step)
    x, y = weights.norm_curve.getData()
    late = x >= 500
    fit = np.polyfit(x[late], y[late], 1)
    assert np.max(np.abs(np.polyval(fit, x[late]) - y[late])) < 0.5  # within half a decade
    assert fit[0] * reference == pytest.approx(math.log10(2), rel=0.05)
    assert "4.33e+17" in status and "0.316" in hebb.claim and "4e+17" in hebb.claim
    # the key sits in its own row, above the plot area: it covers no curve
    legend = weights.legend.mapRectToScene(weights.legend.boundingRect())
    area = weights.weights_plot.getViewBox().mapRectToScene(
        weights.weights_plot.getViewBox().boundingRect())
    assert legend.bottom() <= area.top()


def test_lesson_4_oja_holds_the_norm_at_one(play):
    oja = find_lesson("hebbian-learning").scenes[1]
    assert 3 <= paced(oja) <= 15
    w = play("hebbian-learning", 1)
    weights = plot_of(w, "weights")
    assert not weights.log_scale and weights.oja  # Oja's limit line only for Oja's rule
    assert "‖w‖ = 1" in weights.status.text()
    values = [float(t) for t in canvas_texts(w) if t.replace(".", "").isdigit() and "." in t]
    assert len(values) == 2 and all(abs(v - 1 / math.sqrt(2)) < 0.05 for v in values)
    assert "0.707" in oja.claim


# ---------------------------------------------------------------------- lesson 5
def perceptron_reference(w: np.ndarray, b: float, X, d, eta: float, epochs: int):
    """Rosenblatt's rule in plain NumPy; the accuracy of the weights at each epoch's end."""
    accuracy = []
    for _ in range(epochs):
        for x, t in zip(X, d):
            y = float(x @ w + b > 0)
            w, b = w + eta * (t - y) * x, b + eta * (t - y)
        accuracy.append(float(np.mean((X @ w + b > 0) == (d == 1))))
        if accuracy[-1] == 1.0:
            break
    return w, b, accuracy


@pytest.mark.parametrize("index, gate, epochs", [(0, "and", 30), (1, "or", 35), (2, "xor", 60)])
def test_lesson_5_accuracy_is_the_epochs_final_line(play, index, gate, epochs):
    scene = find_lesson("perceptron-learning").scenes[index]
    assert 3 <= paced(scene) <= 15 and scene.claim
    data = scene.make_dataset()
    net = scene.network
    w0 = np.array([net.synapse("x1", "y").weight, net.synapse("x2", "y").weight])
    w, b, reference = perceptron_reference(w0, net.neuron("y").bias, data.X, data.y,
                                           scene.rule["params"]["learning_rate"], scene.steps // 4)
    assert len(reference) == epochs
    win = play("perceptron-learning", index)
    assert shown_plots(win) == ["decision", "loss", "weights"]
    loss = plot_of(win, "loss")
    plot_of(win, "decision")
    history = win.learning._latest.history
    np.testing.assert_allclose(history["accuracy"], reference)
    # drawn: the accuracy curve of the loss plot is exactly these values, at epochs 1, 2, ...
    x, y = loss.curves["accuracy"].getData()
    np.testing.assert_allclose(y, reference)
    np.testing.assert_allclose(x, np.arange(1, epochs + 1))
    accuracy = f"{int(100 * reference[-1])}%"
    assert f"epoch {epochs} ·" in loss.status.text() and f"acc {accuracy}" in loss.status.text()
    progress = win.learning.rules.current_panel().progress.text()
    assert f"Epoch {epochs} · " in progress and f"accuracy {100 * reference[-1]:.1f} %" in progress
    weights = plot_of(win, "weights")
    assert not weights.oja and weights.unit_line.scene() is None  # no Oja line here
    if gate == "xor":
        assert set(reference) <= {0.5, 0.75}  # 2 or 3 of 4, never 4 and never none
        assert min(history["errors"]) >= 1
    else:
        assert reference[-1] == 1.0 and f"after {epochs} epochs" in scene.claim
        assert "100%" in scene.claim
        # no corner sits on the final line: each is at least 0.2 from it
        distance = np.abs(data.X @ w + b) / np.linalg.norm(w)
        assert distance.min() >= 0.2
        learned = win.learning._latest.network
        np.testing.assert_allclose([learned.synapse("x1", "y").weight,
                                    learned.synapse("x2", "y").weight], w, atol=1e-9)


def test_perceptron_on_xor_never_gets_all_four_wrong_from_any_start():
    """The epoch's accuracy is that of its final weights: on XOR no line gets all four wrong (XNOR
    is not linearly separable either), so 0% never appears; counting the mistakes made during
    the epoch (the old way) gives 0% from this start."""
    from nnsim.engine import rules
    from nnsim.engine.network import Network

    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    net = Network.layered([2, 1], "step", seed=0)
    net.set_weight("x1", "y", -2.0)
    net.set_weight("x2", "y", -2.0)
    net.set_bias("y", 1.75)
    history = rules.Perceptron(0.1).train(net, (X, [0, 1, 1, 0]), epochs=60)
    assert min(history.accuracy) >= 0.25 and max(history.accuracy) <= 0.75
    assert history.accuracy[0] == 0.25  # the end-of-epoch line: AND (mistakes on the way: 4)


# ---------------------------------------------------------------------- lesson 6
def hopfield_reference(scene, seed: int = 0):
    """Hebbian storage and asynchronous recall in plain NumPy, in the simulation's order (a
    seeded permutation per sweep): the energy after each unit update, and the final state."""
    X = scene.make_dataset().X
    p, n = X.shape
    W = X.T @ X / n
    np.fill_diagonal(W, 0.0)
    s = scene.start_state().astype(float)
    rng = np.random.default_rng(seed)
    energies = [-0.5 * s @ W @ s]
    updates = scene.steps - p
    while len(energies) <= updates:
        for i in rng.permutation(n):
            s[i] = 1.0 if W[i] @ s >= 0 else -1.0
            energies.append(-0.5 * s @ W @ s)
            if len(energies) > updates:
                break
    return X, np.array(energies), s


@pytest.mark.parametrize("index", [0, 1])
def test_lesson_6_energy_falls_unit_by_unit_during_recall(play, index):
    lesson = find_lesson("hopfield")
    scene = lesson.scenes[index]
    assert 3 <= paced(scene) <= 15 and scene.steps_per_frame == 1
    assert scene.rule["params"]["recall_units"] == 1 and "energy" in scene.figures
    X, reference, final = hopfield_reference(scene)
    stored = len(X)
    w = play("hopfield", index)
    assert shown_plots(w) == ["energy", "hopfield"]
    energy = plot_of(w, "energy")
    x, y = energy.curve.getData()
    # one point per unit update from the end of storage on: the recall, not the storage steps
    np.testing.assert_array_equal(x, np.arange(stored, scene.steps + 1))
    np.testing.assert_allclose(y, reference, atol=1e-9)
    assert np.all(np.diff(y) <= 1e-12) and y[-1] < y[0]  # never rises
    first, last = f"{y[0]:.3g}", f"{y[-1]:.3g}"
    assert energy.status.text() == f"E = {last} at step {scene.steps} · down from {first} " \
                                   f"at step {stored}"
    assert first in scene.claim and last in scene.claim
    # the recall is spread over seconds: the last unit flip comes after a second of updates
    flips = np.flatnonzero(np.diff(reference) < 0)
    assert (flips[-1] - flips[0]) / FPS >= 1.0
    hopfield = plot_of(w, "hopfield")
    np.testing.assert_array_equal(hopfield.state, final)  # the state drawn
    drawn = hopfield.image.image.ravel()[:64]
    np.testing.assert_array_equal(drawn, final)
    off = [int(np.sum(p != final)) for p in X]
    nearest = int(np.argmin(off))
    names = "ACX" if index == 0 else "ABCDEFGHKX"
    assert hopfield.pattern_names == list(names)
    assert hopfield.status.text().startswith(f"closest: {names[nearest]} · {off[nearest]} of 64 "
                                             "pixels off")
    assert f"{off[nearest]} from {names[nearest]}" in scene.claim or off[nearest] == 0
    assert hopfield.noise_action.text() == "Noise 20%"  # the scene's noise, not 10%
    flipped = int(np.sum(scene.start_state() != X[0]))
    assert flipped == 13 and (index == 1 or "13 of its 64 pixels" in scene.claim)
    if index == 1:
        assert off[0] == 18 and "18 pixels from A" in scene.claim and min(off) > 0  # spurious
    # a large state image: the bitmap is drawn at least 220 px on a side at 1280x720
    rect = hopfield.image.mapRectToScene(hopfield.image.boundingRect())
    top_left = hopfield.graphics.mapFromScene(rect.topLeft())
    bottom_right = hopfield.graphics.mapFromScene(rect.bottomRight())
    assert min(bottom_right.x() - top_left.x(), bottom_right.y() - top_left.y()) >= 220
    assert hopfield.gallery_beside  # the thumbnails beside the bitmap, not under it


def test_lesson_6_draws_nothing_while_the_patterns_are_stored(play):
    w = play("hopfield", 0, step=2)  # two of three letters stored
    energy = plot_of(w, "energy")
    assert energy.curve.getData()[0] is None or len(energy.curve.getData()[0]) == 0
    assert energy.status.text().startswith("storing the patterns")


def test_hopfield_noise_button_follows_the_scene_and_resets(qtbot):
    from nnsim.app.plots import HopfieldView

    view = HopfieldView()
    qtbot.addWidget(view)
    assert view.noise_action.text() == "Noise 10%"
    view.set_noise(0.2)
    view.set_state(np.ones(100))
    view.noise_action.trigger()
    assert view.noise_action.text() == "Noise 20%" and int(np.sum(view.state < 0)) == 20
    view.clear()
    assert view.noise_action.text() == "Noise 10%"


def test_recall_units_steps_a_sweep_unit_by_unit_in_the_engine():
    """recall_units = 1: each step updates one unit, in the sweep's seeded order (the energy
    after each step is the reference's after each update); 64 such steps make exactly the
    sweep that one step makes without it."""
    from nnsim.engine.simulation import Simulation

    scene = find_lesson("hopfield").scenes[0]
    data = scene.make_dataset()
    _, reference, _ = hopfield_reference(scene, seed=5)
    states = []
    for units, steps in ((0, 1), (1, 64)):
        rule = scene.make_rule()
        rule.set_params(recall_units=units)
        sim = Simulation(scene.network, data, rule, seed=5)
        sim.set_state(scene.start_state())
        sim.step(len(data.X))
        energies = []
        for _ in range(steps):
            sim.step(1)
            energies.append(sim.snapshot().metrics["energy"])
        states.append(np.array(sim.snapshot().outputs))
    np.testing.assert_allclose(energies, reference[1:65], atol=1e-9)
    np.testing.assert_array_equal(states[0], states[1])

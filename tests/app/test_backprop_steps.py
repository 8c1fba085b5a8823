"""The step-by-step backprop view (nnsim/app/backprop_steps.py, canvas/step_labels.py) on
lesson 23's 2-2-1 network: what the canvas labels and the side panel write after each phase is
the engine's trace, Back restores the weights bitwise, Run sample is one SGD step of the Backprop
rule with batch size 1, a click on the decision plot chooses the sample, and the recording shows
the phases one by one."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnsim.app.backprop_steps import UNDO_TEXT
from nnsim.app.numbers import format_value as fv
from nnsim.engine import rules
from nnsim.engine.lessons import find_lesson


@pytest.fixture
def lesson23(qapp):
    """Lesson 23 as `main.py record --lesson 23` makes it (no engine: nothing else moves)."""
    from nnsim.app.record_cli import close, parse_args, prepare

    lesson = find_lesson("23")
    window, advance, _ = prepare(lesson, lesson.scenes[0],
                                 parse_args(["--lesson", lesson.id, "--out", "unused.gif"]))
    advance(0)
    yield window, advance
    close(window)


def labels(window, qapp):
    """{(kind, name or (source, target)): text} of every label the canvas painted."""
    qapp.processEvents()
    window.view.viewport().grab()  # a paint: the labels are placed where they are drawn
    s = window.view.canvas
    keys = {k: (s.names[s.index[a]], s.names[s.index[b]]) for (a, b), k in s.key_index.items()}
    out = {}
    for kind, i, text, _rect in s.overlay.shown_labels():
        if kind in ("values", "weights"):
            out[(kind, s.names[i] if kind == "values" else keys[i])] = text
    for kind, i, text, _rect in window.backprop_steps._items[0].shown_labels():
        out[(kind, keys[i] if kind == "grad" else s.names[i])] = text
    return out


def weights(net):
    return {**{(net.neuron(s.source).name, net.neuron(s.target).name): s.weight for s in net.synapses},
            **{n.name: n.bias for n in net.neurons if n.role != "input"}}


def test_after_each_phase_the_canvas_labels_show_the_traces_numbers(lesson23, qapp):
    window, _ = lesson23
    view = window.backprop_steps
    assert view.active and view.steps.sample == 1
    net = window.document.network
    t = rules.backprop_trace(net, [0.0, 1.0], [1.0], "mse")
    hidden, synapses = ("h1", "h2"), list(t.grad)
    seen = labels(window, qapp)
    assert seen[("values", "x2")] == "1" and ("values", "h1") not in seen and ("z", "h1") not in seen
    view.move("next_layer")  # forward, the hidden layer
    seen = labels(window, qapp)
    for h in hidden:
        assert seen[("values", h)] == fv(t.output[h]) and seen[("z", h)] == "z=" + fv(t.z[h])
    assert ("values", "y") not in seen
    view.move("next_layer")  # forward, the output
    seen = labels(window, qapp)
    assert seen[("values", "y")] == fv(t.output["y"]) and seen[("z", "y")] == "z=" + fv(t.z["y"])
    assert ("loss", "y") not in seen
    view.move("next_phase")  # the loss
    seen = labels(window, qapp)
    assert seen[("loss", "y")] == f"y−t={fv(t.error['y'])}\nL={fv(t.loss)}"
    assert t.error["y"] == pytest.approx(t.output["y"] - 1.0)
    view.move("next_layer")  # backward, the output layer: δ_y and the gradients into y
    seen = labels(window, qapp)
    assert seen[("delta", "y")] == "δ=" + fv(t.delta["y"]) and ("delta", "h1") not in seen
    assert {k: v for k, v in seen.items() if k[0] == "grad"} == {
        ("grad", key): "∂L/∂w=" + fv(t.grad[key]) for key in synapses if key[1] == "y"}
    view.move("next_layer")  # backward, the hidden layer
    seen = labels(window, qapp)
    for h in hidden:
        assert seen[("delta", h)] == "δ=" + fv(t.delta[h])
    assert {k: v for k, v in seen.items() if k[0] == "grad"} == {
        ("grad", key): "∂L/∂w=" + fv(t.grad[key]) for key in synapses}
    # the glow: every non-zero gradient, wider the larger |∂L/∂w|
    glow = {k: width for k, width, _alpha in view._items[1].drawn}
    s = window.view.canvas
    index = {key: s.key_index[(s.ids[s.name_index[key[0]]], s.ids[s.name_index[key[1]]])]
             for key in synapses}
    assert set(glow) == {index[k] for k in synapses if t.grad[k] != 0}
    strongest = max(synapses, key=lambda k: abs(t.grad[k]))
    assert glow[index[strongest]] == max(glow.values()) and len(set(glow.values())) > 1
    view.move("next_layer")  # the update: each synapse shows its change
    view._stop_animation()
    seen = labels(window, qapp)
    change = t.weight_update(0.5)
    assert {k: v for k, v in seen.items() if k[0] == "grad"} == {
        ("grad", key): "Δw=" + fv(change[key]) for key in synapses}
    after = weights(window.document.network)
    for key in synapses:
        assert seen[("weights", key)] == fv(after[key])


def test_the_side_panel_writes_the_chain_rule_with_the_traces_numbers(lesson23, qapp):
    window, _ = lesson23
    view = window.backprop_steps
    t = rules.backprop_trace(window.document.network, [0.0, 1.0], [1.0], "mse")
    for _ in range(4):  # forward (2 layers), loss, backward through the output layer
        view.move("next_layer")
    first = view.chain_text().splitlines()[0]
    key = view.chosen_synapse()
    assert key == max((k for k in t.grad if k[1] == "y"), key=lambda k: abs(t.grad[k]))
    a, b = key
    d, y = t.delta[b], t.output[a]
    assert t.grad[key] == pytest.approx(d * y, rel=1e-12)
    par = lambda v: f"({fv(v)})" if v < 0 else fv(v)  # noqa: E731
    assert first == f"∂L/∂w({a}→{b}) = δ_{b} · y_{a} = {par(d)}·{par(y)} = {fv(d * y)}"
    # a synapse selected on the canvas: its own chain rule; into a hidden unit, δ_h = g'·Σ w δ
    view.move("next_layer")
    window.view.select(synapses=[("x2", "h1")])
    labels(window, qapp)  # painted
    lines = view.chain_text().splitlines()
    assert lines[0] == (f"∂L/∂w(x2→h1) = δ_h1 · y_x2 = {par(t.delta['h1'])}·1 = "
                        f"{fv(t.grad[('x2', 'h1')])}")
    g = 1 - np.tanh(t.z["h1"]) ** 2
    w = window.document.network.synapse("h1", "y").weight
    assert lines[1] == (f"δ_h1 = g′(z_h1) · Σ w δ = {fv(g)} · ({par(w)}·{par(t.delta['y'])}) = "
                        f"{fv(t.delta['h1'])}")


def test_back_restores_the_previous_weights_exactly_and_the_phase(lesson23, qapp):
    window, _ = lesson23
    view = window.backprop_steps
    doc = window.document
    before = weights(doc.network)
    view.move("run_sample")
    view._stop_animation()
    assert weights(doc.network) != before and view.steps.phase == "update"
    assert doc.undo_stack.undoText() == UNDO_TEXT  # one undo step
    view.back()
    assert weights(doc.network) == before  # bitwise: == on every float
    assert view.steps.phase == "ready" and view.panel.phase_label.text().startswith("Ready")
    # a step back from the update lands on the backward pass, the weights as before the update
    for _ in range(6):
        view.move("next_layer")
    view._stop_animation()
    view.back()
    assert weights(doc.network) == before and view.steps.phase == "backward"
    # the hidden layer: the backward pass's second, counted from the output
    assert view.panel.phase_label.text() == "3. Backward pass: layer 2 of 2 (from the output back)"
    view.back()
    assert view.panel.phase_label.text() == "3. Backward pass: layer 1 of 2 (from the output back)"
    view.move("next_layer")
    shown = window.view.canvas.shown_weights
    assert np.array_equal(shown, window.view.canvas.weights)  # the canvas shows them too


def test_run_sample_is_one_sgd_step_of_the_backprop_rule_with_batch_size_1(lesson23, qapp):
    window, _ = lesson23
    view = window.backprop_steps
    net = window.document.network.copy()
    t = rules.backprop_trace(net, [0.0, 1.0], [1.0], "mse")
    view.move("run_sample")
    view._stop_animation()
    after = weights(window.document.network)
    for key, change in t.weight_update(0.5).items():  # the lesson's SGD at η = 0.5
        assert after[key] == net.synapse(*key).weight + change, key
    for name, g in t.bias_grad.items():
        assert after[name] == net.neuron(name).bias - 0.5 * g


def test_clicking_a_data_point_on_the_decision_plot_chooses_the_sample(lesson23, qapp):
    window, _ = lesson23
    view = window.backprop_steps
    plot = window.learning.plots["decision"]
    points = len(plot.data_X)
    plot.view.clicked.emit(0.93, 0.1, Qt.MouseButton.LeftButton)  # nearest: (1, 0)
    assert view.steps.sample == 2 and view.steps.phase == "ready"
    assert len(plot.data_X) == points  # picked, not added
    assert view.panel.sample_label.text().startswith("Sample 3 of 4: x = (1, 0), target t = 1")
    ring = plot.sample_ring.getData()
    assert (ring[0][0], ring[1][0]) == (1.0, 0.0)
    view.move("next_layer")
    seen = labels(window, qapp)
    t = rules.backprop_trace(window.document.network, [1.0, 0.0], [1.0], "mse")
    assert seen[("values", "h1")] == fv(t.output["h1"])


def test_the_recording_of_lesson_23_shows_the_phases_one_by_one(lesson23, qapp):
    window, advance = lesson23
    view = window.backprop_steps
    pace = find_lesson("23").scenes[0].backprop_steps["pace"]
    phases, kinds = [], []
    for i in range(0, 7 * pace, pace // 3):
        advance(i)
        seen = labels(window, qapp)
        phases.append(view.steps.phase)
        kinds.append(frozenset(k[0] for k in seen))
    order = [p for k, p in enumerate(phases) if k == 0 or p != phases[k - 1]]
    assert order == ["ready", "forward", "loss", "backward", "update"]
    assert phases.count("forward") == 6 and phases.count("backward") == 6  # 2 stops, 3 frames each
    assert "z" in kinds[3] and "delta" not in kinds[3]
    assert {"loss", "delta", "grad"} <= kinds[phases.index("update")]

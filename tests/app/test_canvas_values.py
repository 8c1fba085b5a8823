"""Numbers on the canvas, on by default: each synapse's weight, each neuron's output and bias
(an input: its value), written by numbers.format_value."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtGui import QColor

from nnsim.app.canvas import NetworkView
from nnsim.app.document import Document
from nnsim.engine.network import Network
from nnsim.engine.simulation import Simulation


def lecture_perceptron() -> Network:
    """The lecture's unit: y = sigmoid(1 + 3 x1 - 2 x2) at x = (-1, 2): sigmoid(-6) = 0.00247."""
    net = Network()
    net.add_neuron("x1", role="input", value=-1.0, x=0, y=-60)
    net.add_neuron("x2", role="input", value=2.0, x=0, y=60)
    net.add_neuron("y", role="output", activation="sigmoid", bias=1.0, x=220, y=0)
    net.connect("x1", "y", 3.0)
    net.connect("x2", "y", -2.0)
    return net


@pytest.fixture
def make(qtbot):
    docs = []

    def make(net, size=(700, 500)):
        doc = Document(net)
        docs.append(doc)
        view = NetworkView(doc)
        qtbot.addWidget(view)
        view.resize(*size)
        view.show()
        qtbot.waitExposed(view)
        return view
    yield make
    docs.clear()


def run(view) -> None:
    sim = Simulation(view.document.network.copy())
    sim.step()
    view.apply_snapshot(sim.snapshot())


def shown(view) -> dict[tuple[str, str], str]:
    """(kind, neuron or 'src->tgt') -> text of every label on screen now."""
    view.grab()
    c = view.canvas
    out = {}
    for kind, i, text, _rect in c.overlay.shown_labels():
        if kind == "weights":
            a, b = c.keys[i]
            who = f"{c.names[c.index[a]]}->{c.names[c.index[b]]}"
        else:
            who = c.names[i]
        out[(kind, who)] = text
    return out


def test_values_are_on_by_default_and_the_lecture_output_reads_0_00247(make):
    view = make(lecture_perceptron())
    assert view.show_values
    run(view)
    labels = shown(view)
    assert labels[("values", "y")] == "0.00247"
    assert labels[("weights", "x1->y")] == "3" and labels[("weights", "x2->y")] == "-2"
    assert labels[("biases", "y")] == "b=1"
    assert labels[("values", "x1")] == "-1" and labels[("values", "x2")] == "2"  # inputs
    assert ("biases", "x1") not in labels  # an input has no bias
    assert {labels[("names", n)] for n in ("x1", "x2", "y")} == {"x1", "x2", "y"}


def test_the_output_label_is_drawn_where_it_says(make):
    view = make(lecture_perceptron())
    run(view)
    image = view.grab().toImage()
    (rect,) = [r for kind, i, _t, r in view.canvas.overlay.shown_labels()
               if kind == "values" and view.canvas.names[i] == "y"]
    dark = sum(QColor(image.pixel(int(x), int(y))).lightness() < 120
               for x in np.linspace(rect.left() + 2, rect.right() - 2, 30)
               for y in np.linspace(rect.top() + 2, rect.bottom() - 2, 8))
    assert dark >= 10  # ink of the digits, on the plate


def test_a_tiny_weight_reads_0_and_a_threshold_unit_shows_T(make):
    net = Network()
    net.add_neuron("a", role="input", value=1.0, x=0, y=0)
    net.add_neuron("and", role="output", activation="step", bias=-1.5, x=220, y=0)
    net.connect("a", "and", 6.4e-16)
    view = make(net)
    run(view)
    labels = shown(view)
    assert labels[("weights", "a->and")] == "0"
    assert labels[("biases", "and")] == "T=1.5"  # the lecture's threshold (bias = -T)
    assert labels[("values", "and")] == "0"


def test_learned_biases_and_weights_from_a_snapshot_are_shown(make):
    view = make(lecture_perceptron())
    c = view.canvas
    snap = SimpleNamespace(names=("x1", "x2", "y"), outputs=np.array([-1.0, 2.0, 0.25]),
                           net_inputs=np.zeros(3), synapses=(("x1", "y"), ("x2", "y")),
                           weights=np.array([2.5, -0.0012345]), biases=np.array([0.0, 0.0, -0.75]))
    view.apply_snapshot(snap)
    labels = shown(view)
    assert labels[("biases", "y")] == "b=-0.75"
    assert labels[("weights", "x1->y")] == "2.5" and labels[("weights", "x2->y")] == "-0.00123"
    assert labels[("values", "y")] == "0.25"
    assert c.biases[c.name_index["y"]] == -0.75


def test_an_edited_bias_is_shown_at_once(make):
    view = make(lecture_perceptron())
    view.document.set_neuron("y", bias=-2.0)
    assert shown(view)[("biases", "y")] == "b=-2"


def test_show_values_toggles_and_signals(make, qtbot):
    view = make(lecture_perceptron())
    run(view)
    act = next(a for a in view.view_actions() if a.text().replace("&", "") == "Show Values")
    assert act.isChecked() and act.shortcut().toString() == "Ctrl+Shift+V"
    with qtbot.waitSignal(view.show_values_changed) as blocker:
        act.trigger()
    assert blocker.args == [False] and not view.show_values
    kinds = {k for k, *_ in (view.grab() and view.canvas.overlay.shown_labels())}
    assert kinds == {"names"}  # names stay, numbers go
    got = []
    view.show_values_changed.connect(got.append)
    view.show_values = False  # no change: no signal
    view.show_values = True
    assert got == [True] and act.isChecked()
    assert ("values", "y") in shown(view)

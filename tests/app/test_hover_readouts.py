"""Readouts on hover (issue 14): the canvas's hover card writes out what the neuron or synapse under
the pointer computes, with the engine's live numbers, painted by the canvas itself.

Real mouse moves are sent to the viewport; the values come from the engine's own forward pass
(CompiledNetwork.forward_full) as a snapshot, and the expected numbers are computed here again
with NumPy from the weights and inputs."""
from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QFontMetricsF, QMouseEvent
from PySide6.QtWidgets import QApplication

from nnsim.app.canvas import NetworkView
from nnsim.app.canvas.hover_card import PAD
from nnsim.app.canvas.shapes import ui_font
from nnsim.app.document import Document
from nnsim.app.numbers import format_value
from nnsim.engine.compiled import CompiledNetwork
from nnsim.engine.network import Network

NB = Qt.MouseButton.NoButton


def move(view, xy) -> None:
    """A real mouse move (no button) to scene point xy."""
    pos = QPointF(view.mapFromScene(QPointF(*xy)))
    glob = QPointF(view.viewport().mapToGlobal(pos.toPoint()))
    QApplication.sendEvent(view.viewport(), QMouseEvent(QEvent.Type.MouseMove, pos, glob, NB, NB,
                                                        Qt.KeyboardModifier.NoModifier))


def press_release(view, xy) -> None:
    pos = QPointF(view.mapFromScene(QPointF(*xy)))
    glob = QPointF(view.viewport().mapToGlobal(pos.toPoint()))
    for kind, buttons in ((QEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton),
                          (QEvent.Type.MouseButtonRelease, NB)):
        QApplication.sendEvent(view.viewport(), QMouseEvent(
            kind, pos, glob, Qt.MouseButton.LeftButton, buttons, Qt.KeyboardModifier.NoModifier))


def snapshot_of(net: Network, weights: dict | None = None) -> SimpleNamespace:
    """What the engine shows for `net` at its inputs' values: its own forward pass.  `weights`
    {(a, b): w} overrides synapses, as a learning rule's snapshot carries learned weights."""
    run = net.copy()
    for (a, b), w in (weights or {}).items():
        run.set_weight(a, b, w)
    c = CompiledNetwork(run)
    x = np.array([[run.neuron(n).value for n in run.inputs]])
    a, z = c.forward_full(x)
    cols = [c.column[n.id] for n in run.neurons]
    return SimpleNamespace(
        names=tuple(run.names), outputs=a[0, cols], net_inputs=z[0, cols],
        synapses=tuple((run.neuron(s.source).name, run.neuron(s.target).name) for s in run.synapses),
        weights=np.array([s.weight for s in run.synapses]),
        biases=np.array([n.bias for n in run.neurons]))


def known_net(x1=0.8, x2=0.3) -> Network:
    net = Network()
    net.add_neuron("x1", role="input", x=0, y=-100, value=x1)
    net.add_neuron("x2", role="input", x=0, y=100, value=x2)
    net.add_neuron("h", role="hidden", activation="tanh", bias=0.1, x=200, y=0)
    net.add_neuron("y", role="output", activation="sigmoid", bias=-0.2, x=420, y=0)
    net.connect("x1", "h", 0.5)
    net.connect("x2", "h", -1.2)
    net.connect("h", "y", 2.0)
    return net


@pytest.fixture
def make_view(qtbot):
    def make(net: Network):
        doc = Document(net)
        view = NetworkView(doc)
        qtbot.addWidget(view)
        view.resize(800, 560)
        view.show()
        qtbot.waitExposed(view)
        view.pan_by(0, 0)
        view.resetTransform()  # 1 scene unit = 1 pixel
        view.centerOn(210, 0)
        if CompiledNetwork(net).is_feedforward:
            view.apply_snapshot(snapshot_of(net))
        return doc, view
    return make


def number_after(text: str, prefix: str) -> float:
    """The number that ends the line starting with `prefix`."""
    line = next(t for t in text.splitlines() if t.startswith(prefix))
    return float(re.search(r"= (-?[\d.]+(?:e[+-]\d+)?)$", line).group(1))


def grab(view):
    return view.viewport().grab().toImage()


def as_array(image) -> np.ndarray:
    image = image.convertToFormat(image.Format.Format_RGB32)
    w, h = image.width(), image.height()
    return np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())[:, :4 * w] \
        .reshape(h, w, 4)[..., :3].astype(int)


# ---------------------------------------------------------------------- neurons
def test_neuron_card_writes_out_the_sum_with_the_engines_values(make_view):
    doc, view = make_view(known_net())
    assert view.readout_text() == ""
    move(view, (203, 4))
    text = view.readout_text()
    z = 0.1 + 0.5 * 0.8 + (-1.2) * 0.3  # independently: b + w1 x1 + w2 x2
    y = np.tanh(z)
    assert text.splitlines()[0].startswith("h")
    assert "z = b + Σ wᵢxᵢ = 0.1 + 0.5·0.8 - 1.2·0.3 = " in text, text
    assert number_after(text, "z = b") == pytest.approx(z, rel=5e-3)
    assert f"= {format_value(z)}\n" in text
    assert f"y = tanh(z) = {format_value(y)}" in text  # 0.139
    assert format_value(y) == "0.139"
    # the output: z = -0.2 + 2·tanh(0.14), y = sigmoid(z)
    move(view, (420, 0))
    text = view.readout_text()
    zy = -0.2 + 2.0 * y
    assert f"z = b + Σ wᵢxᵢ = -0.2 + 2·{format_value(y)} = {format_value(zy)}" in text, text
    assert f"y = sigmoid(z) = {format_value(1 / (1 + np.exp(-zy)))}" in text
    assert "(xᵢ: h)" in text  # which output the xᵢ is, when it is not an input x1, x2, ...
    move(view, (0, -100))
    assert view.readout_text() == "x1\nx1 = 0.8 (input)"


def test_many_inputs_write_out_six_terms_and_say_how_many_more(make_view):
    net = Network()
    rng = np.random.default_rng(3)
    xs, ws = rng.uniform(-1, 1, 9).round(2), rng.uniform(-2, 2, 9).round(2)
    for k in range(9):
        net.add_neuron(f"x{k + 1}", role="input", x=0, y=-200 + 50 * k, value=float(xs[k]))
    net.add_neuron("h", role="hidden", activation="relu", bias=0.25, x=300, y=0)
    for k in range(9):
        net.connect(f"x{k + 1}", "h", float(ws[k]))
    doc, view = make_view(net)
    move(view, (300, 0))
    text = view.readout_text()
    assert "+ … (3 more)" in text
    terms = re.findall(r"[-+]? ?[\d.]+·\(?-?[\d.]+\)?", text)
    assert len(terms) == 6, text
    z = 0.25 + float(ws @ xs)
    assert number_after(text, "z = b") == pytest.approx(z, rel=5e-3, abs=1e-3)
    assert f"y = ReLU(z) = {format_value(max(z, 0.0))}" in text


def test_threshold_units_read_in_the_lectures_T(make_view):
    net = Network()
    net.add_neuron("x1", role="input", x=0, y=-80, value=1.0)
    net.add_neuron("x2", role="input", x=0, y=80, value=0.0)
    net.add_neuron("OR", role="output", activation="step", bias=-0.5, x=250, y=0)
    net.connect("x1", "OR", 1.0)
    net.connect("x2", "OR", 1.0)
    doc, view = make_view(net)
    move(view, (250, 0))
    text = view.readout_text()
    assert "T = 0.5" in text.splitlines()[0]
    assert "Σ wᵢxᵢ = 1·1 + 1·0 = 1" in text, text
    assert "1 > T = 0.5: fires, y = 1" in text


def test_gaussian_unit_shows_its_squared_distance(make_view):
    net = Network()
    net.add_neuron("x1", role="input", x=0, y=-80, value=0.8)
    net.add_neuron("x2", role="input", x=0, y=80, value=0.3)
    net.add_neuron("c", role="hidden", activation="gaussian", x=250, y=0, params={"beta": 2.0})
    net.connect("x1", "c", 0.5)
    net.connect("x2", "c", -1.2)
    doc, view = make_view(net)
    move(view, (250, 0))
    text = view.readout_text()
    d2 = (0.8 - 0.5) ** 2 + (0.3 + 1.2) ** 2
    assert f"z = Σ (xᵢ - wᵢ)² = (0.8 - 0.5)² + (0.3 + 1.2)² = {format_value(d2)}" in text, text
    assert f"= {format_value(np.exp(-2.0 * d2))}" in text.splitlines()[-1]


# ---------------------------------------------------------------------- synapses
def test_synapse_card_shows_weight_source_output_and_contribution(make_view):
    doc, view = make_view(known_net())
    move(view, (100, 50))  # halfway along x2 -> h
    text = view.readout_text()
    assert text.splitlines()[0] == "x2 → h"
    assert "w = -1.2,  x = x2 = 0.3" in text
    assert f"w·x = -1.2·0.3 = {format_value(-1.2 * 0.3)}" in text  # -0.36
    assert "h's z = 0.14" in text
    # it names the synapse under the pointer: the emphasis is on that one line
    k = view.canvas.key_index[view.canvas.hover_key]
    assert view.canvas.synapse_layer._emphasis["hover"][0].tolist() == [k]


def test_inhibitory_synapse_is_a_veto_not_a_summand(make_view):
    net = known_net()
    net.add_neuron("x3", role="input", x=0, y=250, value=1.0)
    net.connect("x3", "h", 0.7, kind="inhibitory")
    doc, view = make_view(net)
    move(view, (200, 0))
    text = view.readout_text()
    assert "0.1 + 0.5·0.8 - 1.2·0.3 = 0.14" in text  # the veto's weight is not in the sum
    assert "0.7" not in text.splitlines()[1]
    assert "y = 0 (vetoed)" in text and "veto: h is 0 while x3 fires (x3 = 1)" in text
    move(view, (100, 125))  # halfway along x3 -> h
    text = view.readout_text()
    assert text.splitlines()[0].startswith("x3 → h")
    assert "veto: h is 0 while x3 fires (x3 = 1)" in text
    assert "w·x" not in text
    # x3 silent: the veto does nothing and y is tanh(z) again
    doc.set_neuron("x3", value=0.0)
    view.apply_snapshot(snapshot_of(doc.network))
    assert "x3 does not fire (x3 = 0), so no effect" in view.readout_text()
    move(view, (200, 0))
    assert f"y = tanh(z) = {format_value(np.tanh(0.14))}" in view.readout_text()


# ---------------------------------------------------------------------- live values
def test_card_follows_each_snapshot_while_the_pointer_rests(make_view):
    doc, view = make_view(known_net())
    move(view, (200, 0))
    before = view.readout_text()
    card = view.readout_rect
    img0 = as_array(grab(view))
    # a learning step's snapshot: new input and a learned weight the document does not have yet
    doc.set_neuron("x1", value=-1.0)
    view.apply_snapshot(snapshot_of(doc.network, {("x2", "h"): 0.4}))
    after = view.readout_text()
    z = 0.1 + 0.5 * -1.0 + 0.4 * 0.3
    assert after != before
    assert f"0.1 + 0.5·(-1) + 0.4·0.3 = {format_value(z)}" in after, after
    assert f"y = tanh(z) = {format_value(np.tanh(z))}" in after
    # and the painted card changed with it
    img1 = as_array(grab(view))
    r = view.readout_rect.toAlignedRect()
    assert abs(view.readout_rect.top() - card.top()) < 1
    crop0, crop1 = img0[r.top():r.bottom(), r.left():r.right()], img1[r.top():r.bottom(), r.left():r.right()]
    assert (np.abs(crop0 - crop1).sum(2) > 60).sum() > 30
    # the synapse's card too
    move(view, (100, 50))
    assert "w = 0.4,  x = x2 = 0.3" in view.readout_text()


# ---------------------------------------------------------------------- painting
def ink_rows(crop: np.ndarray) -> int:
    """Bands of rows with dark ink (text lines) in a crop of the card."""
    dark = (crop.max(2) < 150).any(1)
    return int(np.count_nonzero(dark[1:] & ~dark[:-1]) + dark[0])


def test_card_is_painted_beside_the_neuron_inside_the_view_and_leaving_hides_it(make_view):
    doc, view = make_view(known_net())
    empty = as_array(grab(view))
    move(view, (200, 0))
    shown = as_array(grab(view))
    rect = view.readout_rect
    vp = view.viewport().rect()
    assert not rect.isEmpty() and vp.contains(rect.toAlignedRect())
    # never over the hovered neuron
    x0, y0, x1, y1 = view.neuron_boxes()[view.canvas.index[view.canvas.hover_id]]
    assert rect.right() < x0 or rect.left() > x1 or rect.bottom() < y0 or rect.top() > y1
    r = rect.toAlignedRect().adjusted(2, 2, -2, -2)
    crop = shown[r.top():r.bottom(), r.left():r.right()]
    changed = np.abs(crop - empty[r.top():r.bottom(), r.left():r.right()]).sum(2) > 60
    assert changed.mean() > 0.04  # text on a plate where there was canvas
    # what is painted is the text readout_text() gives: one ink band per line, and the card as
    # wide as its widest line
    text = view.readout_text()
    assert ink_rows(crop) == len(text.splitlines())
    fm = QFontMetricsF(ui_font(9))
    widest = max(QFontMetricsF(ui_font(9, bold=True)).horizontalAdvance(text.splitlines()[0]),
                 *(fm.horizontalAdvance(t) for t in text.splitlines()[1:]))
    assert abs(rect.width() - (widest + 2 * PAD)) <= 2
    # moving onto empty canvas hides it; so does leaving the canvas from a synapse
    move(view, (300, 200))
    assert view.readout_text() == "" and view.readout_rect.isEmpty()
    move(view, (100, 50))
    assert view.readout_text().startswith("x2 → h")
    assert not as_array(grab(view)).tolist() == empty.tolist()
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    assert view.readout_text() == ""
    after = as_array(grab(view))
    assert view.readout_rect.isEmpty()
    assert (np.abs(after - empty).sum(2) > 60).sum() == 0  # the canvas as it was


def test_card_never_steals_a_click(make_view):
    doc, view = make_view(known_net())
    view.select(["y"])
    move(view, (100, 50))  # a synapse's card shows below right of the pointer
    rect = view.readout_rect
    assert not rect.isEmpty()
    inside = view.mapToScene(rect.center().toPoint())
    assert view.interaction.neuron_at(inside) < 0 and view.interaction.synapse_at(inside) < 0
    press_release(view, (inside.x(), inside.y()))  # a click on empty canvas under the card
    assert view.selected_names() == []  # reached the canvas: the selection was cleared


def test_card_keeps_off_the_hovered_neuron_at_the_views_edge_even_when_crowded(make_view):
    """At the right edge there is no room right of the neuron, and every other place covers a
    neighbour: the card covers a neighbour, never the neuron it describes (or its labels)."""
    net = Network()
    net.add_neuron("x1", role="input", x=430, y=0, value=0.5)
    net.add_neuron("h1", role="hidden", activation="tanh", x=580, y=-110)
    net.add_neuron("h2", role="hidden", activation="tanh", x=580, y=110)
    net.add_neuron("y", role="output", activation="tanh", x=580, y=0)
    net.connect("x1", "h1", 1.0)
    net.connect("x1", "h2", -1.0)
    net.connect("h1", "y", 0.5)
    net.connect("h2", "y", 0.5)
    doc, view = make_view(net)
    move(view, (580, 0))
    assert view.readout_text().startswith("y")
    rect = view.readout_rect
    assert view.viewport().rect().contains(rect.toAlignedRect())
    box = view.neuron_boxes()[view.canvas.name_index["y"]]
    assert rect.right() < box[0] or rect.left() > box[2] or rect.bottom() < box[1] or \
        rect.top() > box[3], (rect, box)


def test_fast_synapse_hit_test_answers_as_the_geometrys_own(make_view):
    """The pointer's hit test (SynapseHits, per mouse move) picks the same synapse as
    SynapseGeometry.hit everywhere, self-loops and pairs of opposite synapses included."""
    net = Network.layered([3, 5, 2])
    net.connect("h1_1", "h1_1", 0.3)
    net.connect("y1", "h1_2", 0.2)
    doc, view = make_view(net)
    g = view.canvas.synapse_layer.geometry
    hits = view.interaction.hits
    lo, hi = view.canvas.pos.min(0) - 40, view.canvas.pos.max(0) + 40
    rng = np.random.default_rng(7)
    found = 0
    for x, y in rng.uniform(lo, hi, (3000, 2)):
        expected = g.hit(x, y, 5.0)
        assert hits.at(g, x, y, 5.0) == expected, (x, y)
        found += expected >= 0
    assert found > 100  # the points do fall on synapses


def test_a_sum_that_would_not_add_up_to_the_engines_z_is_not_written_with_numbers(make_view):
    """An edit reaches the canvas before the engine's next snapshot: the z shown stays the
    engine's, so the terms are written with the sources' names, never as numbers that do not add
    up to it; the next snapshot writes them out again."""
    doc, view = make_view(known_net())
    move(view, (200, 0))
    doc.set_weight("x1", "h", 2.0)  # no snapshot yet: z is still the engine's 0.14
    text = view.readout_text()
    assert "z = b + Σ wᵢxᵢ = 0.1 + 2·x1 - 1.2·x2 = 0.14" in text, text
    assert "(summed over the values of the step before)" in text
    view.apply_snapshot(snapshot_of(doc.network))
    z = 0.1 + 2.0 * 0.8 - 1.2 * 0.3
    assert f"0.1 + 2·0.8 - 1.2·0.3 = {format_value(z)}" in view.readout_text()


# ---------------------------------------------------------------------- a scene's own read-out
def test_a_lesson_scene_shows_its_read_out_until_the_pointer_takes_over(window, qtbot):
    """Lesson 1 names "y" as its read-out: the card shows the lecture's sum with the live numbers
    as soon as the scene opens, with no pointer on the canvas; the pointer, once it moves over
    the canvas, takes over (empty canvas: no card); another document shows no read-out."""
    from nnsim.engine.lessons import find_lesson

    window.resize(1280, 720)
    lesson = find_lesson("1")
    assert window.learning.open_scene(lesson, 0)
    view = window.view
    qtbot.waitUntil(lambda: "= -6" in view.readout_text(), timeout=15_000)
    text = view.readout_text()
    assert text.splitlines()[0].startswith("y") and "1 + 3·(-1) - 2·2 = -6" in text
    assert "y = sigmoid(z) = 0.00247" in text
    view.viewport().repaint()
    assert not view.readout_rect.isEmpty()
    empty = view.canvas.items_rect().bottomRight() + QPointF(300, 300)
    move(view, (empty.x(), empty.y()))
    view.viewport().repaint()
    assert view.readout_text() == "" and view.readout_rect.isEmpty()
    window.document.undo_stack.setClean()
    window.set_document(Document(known_net()))
    view.viewport().repaint()
    assert view.readout_text() == ""

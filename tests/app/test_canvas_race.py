"""A network edited while it runs: snapshots of the old network keep arriving, and the synapse
layer's caches must never mix the old network's arrays with the new one's.

The bug behind a flaky `test_edit_while_running`: the synapse layer cached what lies in view
under the key id(geometry).  A new geometry made after the old one was freed may get its
address (CPython reuses memory), so the cache answered for the new network with the old one's
arrays: `ValueError: operands could not be broadcast together with shapes (3,) (4,)` from
drawBackground.  The tests make that reuse certain by giving every object the same id."""
from __future__ import annotations

import numpy as np
import pytest
from example_networks import blinker
from PySide6.QtGui import QColor, QImage, QPainter

from nnsim.app.canvas import NetworkView
from nnsim.app.canvas import synapses as synapses_module
from nnsim.app.document import Document
from nnsim.engine.simulation import Simulation


@pytest.fixture
def view(qtbot):
    doc = Document(blinker())  # held here too: see test_canvas's make_view
    v = NetworkView(doc)
    qtbot.addWidget(v)
    v.resize(800, 600)
    v.show()
    qtbot.waitExposed(v)
    yield v
    del doc


@pytest.fixture
def reused_addresses(monkeypatch):
    """Every object gets the same id: the freed old geometry's address is the new one's."""
    monkeypatch.setattr(synapses_module, "id", lambda _obj: 4242, raising=False)


def _paint_lines(view) -> QImage:
    """What drawBackground draws of the synapses, into an image (an error raises here)."""
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setTransform(view.viewportTransform())
    rect = view.mapToScene(view.viewport().rect()).boundingRect()
    try:
        view.canvas.synapse_layer.paint_lines(p, rect, view.transform().m11(), rect)
    finally:
        p.end()
    return image


def _ink_between(view, image: QImage, a: str, b: str) -> int:
    """Pixels darker than the background along the straight line from neuron a to neuron b."""
    net = view.document.network
    pa, pb = net.neuron(a), net.neuron(b)
    dark = 0
    for t in np.linspace(0.35, 0.65, 15):
        pt = view.mapFromScene(pa.x + t * (pb.x - pa.x), pa.y + t * (pb.y - pa.y))
        if QColor(image.pixel(pt.x(), pt.y())).lightness() < 230:
            dark += 1
    return dark


def test_stale_snapshot_after_an_edit_draws_the_new_network(view, reused_addresses, qtbot):
    doc = view.document
    sim = Simulation(doc.network.copy())
    sim.step()
    old = sim.snapshot()  # 3 neurons, 3 synapses
    view.apply_snapshot(old)
    view.grab()  # the old network's lines are painted and cached
    _paint_lines(view)
    doc.add_neuron("c", activation="step", bias=-0.5, x=450)
    doc.connect("b", "c", 1.0)  # now 4 synapses
    view.apply_snapshot(old)  # a snapshot of the old network arrives after the edit
    image = _paint_lines(view)  # raised the broadcast error
    assert _ink_between(view, image, "b", "c") >= 10  # the new synapse is drawn
    view.resetCachedContent()
    assert not view.grab().isNull()  # drawBackground: the same, through the view


def test_edits_in_both_directions_with_snapshots_between(view, reused_addresses):
    """4 synapses then 3 again (undo), with snapshots of the other network applied in between."""
    doc = view.document
    before = Simulation(doc.network.copy()).snapshot()
    doc.add_neuron("c", activation="step", bias=-0.5, x=450)
    doc.connect("b", "c", 1.0)
    after = Simulation(doc.network.copy()).snapshot()
    for snap in (before, after, before):
        view.apply_snapshot(snap)
        _paint_lines(view)
    doc.undo_stack.undo()  # back to 3 synapses, c still there
    doc.undo_stack.undo()  # and without c
    view.apply_snapshot(after)  # a snapshot of the 4-synapse network arrives late
    image = _paint_lines(view)
    assert _ink_between(view, image, "go", "a") >= 10
    weights = view.canvas.shown_weights
    assert len(weights) == 3 and view.canvas.synapse_layer.geometry.count == 3

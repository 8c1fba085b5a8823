"""Labels stay readable at any zoom for networks up to 100 neurons: drawn at one size on
screen, and left out only where they would overlap another label (or a neuron)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF

from nnsim.app.canvas import NetworkView
from nnsim.app.canvas.labels import place
from nnsim.app.canvas.layout import layered_positions
from nnsim.app.document import Document
from nnsim.engine.network import Network
from nnsim.engine.simulation import Simulation


def hundred() -> Network:
    """100 neurons in layers 10-30-30-20-10, neighbouring layers fully connected."""
    net = Network("hundred")
    sizes = [10, 30, 30, 20, 10]
    rng = np.random.default_rng(1)
    names = []
    for k, n in enumerate(sizes):
        role = "input" if k == 0 else "output" if k == len(sizes) - 1 else "hidden"
        layer = [net.add_neuron(f"{'xhhhy'[k]}{k}_{j}", role=role,
                                activation="linear" if k == 0 else "tanh").name for j in range(n)]
        names.append(layer)
    for a, b in zip(names, names[1:]):
        for s in a:
            for t in b:
                net.connect(s, t, float(rng.normal(0, 1)))
    for name, (x, y) in layered_positions(net).items():
        net.set_position(name, x, y)
    return net


@pytest.fixture
def view(qtbot):
    doc = Document(hundred())
    v = NetworkView(doc)
    qtbot.addWidget(v)
    v.resize(1000, 640)
    v.show()
    qtbot.waitExposed(v)
    sim = Simulation(doc.network.copy())
    sim.step()
    v.apply_snapshot(sim.snapshot())
    yield v
    del doc


def at_zoom(view, scale: float):
    view.resetTransform()
    view.scale(scale, scale)
    view.centerOn(view.canvas.items_rect().center())
    view.grab()
    return view.canvas.overlay.layout, view.canvas.overlay.shown_labels()


def _rect(row) -> QRectF:
    x0, y0, x1, y1 = row
    return QRectF(x0, y0, x1 - x0, y1 - y0)


def _no_two_overlap(labels) -> None:
    rects = [r for *_rest, r in labels]
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not a.intersects(b), (a, b)


@pytest.mark.parametrize("scale", [0.3, 3.0])
def test_labels_are_one_size_on_screen_and_never_overlap(view, scale):
    _, labels = at_zoom(view, scale)
    names = [r for kind, _i, _t, r in labels if kind == "names"]
    assert names, "no name is readable"
    heights = {round(r.height(), 1) for r in names}
    assert len(heights) == 1
    _no_two_overlap(labels)
    fm_height = view.canvas.overlay._fm.height()
    assert heights == {round(fm_height, 1)}  # the font's own height, whatever the zoom


def test_same_text_size_at_both_zooms(view):
    small = {round(r.height(), 1) for k, _i, _t, r in at_zoom(view, 0.3)[1] if k == "names"}
    big = {round(r.height(), 1) for k, _i, _t, r in at_zoom(view, 3.0)[1] if k == "names"}
    assert small == big


def test_zoomed_out_a_name_is_left_out_only_where_it_would_overlap(view):
    layout, labels = at_zoom(view, 0.3)
    shown = [r for *_rest, r in labels]
    obstacles = [_rect(row) for row in layout.obstacles.tolist()]
    idx, places = layout.left_out["names"]
    assert len(labels) and len(idx) < 100  # a good part of the 100 names is readable
    for row in places[:, 0].tolist():
        mine = _rect(row)
        assert any(mine.adjusted(-1, -1, 1, 1).intersects(r) for r in shown + obstacles), \
            "a name was hidden although it had room"
    n_names = sum(1 for k, *_ in labels if k == "names")
    assert n_names >= 20  # e.g. every other neuron of each layer, and all of the outputs
    outputs = {view.canvas.names[i] for k, i, *_ in labels if k == "names"
               and view.canvas.roles[i] == "output"}
    assert len(outputs) >= 5


def test_zoomed_in_every_neuron_in_view_has_its_name_and_numbers(view):
    layout, labels = at_zoom(view, 3.0)
    c = view.canvas
    vp = QRectF(view.viewport().rect())
    in_view = [i for i in range(len(c.names))
               if vp.contains(view.mapFromScene(*c.pos[i]).toPointF())]
    assert in_view
    named = {i for k, i, *_ in labels if k == "names"}
    valued = {i for k, i, *_ in labels if k == "values"}
    inner = [i for i in in_view
             if vp.adjusted(60, 60, -60, -60).contains(view.mapFromScene(*c.pos[i]).toPointF())]
    assert set(inner) <= named and set(inner) <= valued
    _no_two_overlap(labels)


def test_place_keeps_priority_and_tries_alternatives():
    rects = np.array([
        [[0, 0, 10, 10], [np.nan] * 4],
        [[5, 5, 15, 15], [20, 0, 30, 10]],  # clashes with the first: goes to its second place
        [[22, 2, 28, 8], [np.nan] * 4],  # now clashes with the second: left out
        [[40, 0, 50, 10], [np.nan] * 4],
    ])
    assert place(rects).tolist() == [0, 1, -1, 0]
    assert place(rects[:, 0], obstacles=np.array([[0, 0, 3, 3]])).tolist()[0] == -1


def test_a_repaint_of_a_strip_without_weight_labels(qtbot):
    """Part of the view repainted (a window growing exposes a strip) where no weight label lies:
    placing weight labels from an empty set raised inside paint (a numpy reduction of
    nothing), once per exposed strip."""
    from PySide6.QtCore import QRect

    net = Network("two")
    net.add_neuron("x1", role="input", x=0.0, y=0.0)
    net.add_neuron("y", activation="sigmoid", x=200.0, y=0.0)
    net.connect("x1", "y", 2.0)
    doc = Document(net)
    v = NetworkView(doc)
    qtbot.addWidget(v)
    v.resize(400, 300)
    v.show()
    qtbot.waitExposed(v)
    v.centerOn(100.0, 0.0)
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

    strip = QImage(400, 300, QImage.Format.Format_ARGB32)
    painter = QPainter(strip)
    painter.setWorldTransform(v.viewportTransform())
    option = QStyleOptionGraphicsItem()
    option.exposedRect = v.mapToScene(QRect(0, 0, 400, 30)).boundingRect()  # the top strip
    v.canvas.overlay.paint(painter, option, None)
    painter.end()
    v.grab()
    shown = v.canvas.overlay.shown_labels()
    assert ("weights", "2") in {(kind, text) for kind, _i, text, _rect in shown}, shown


def test_shown_labels_after_the_network_is_emptied(qtbot):
    """The labels of the last paint: none once every neuron is gone (they were the old
    network's, and reading their texts raised IndexError)."""
    doc = Document(hundred())
    v = NetworkView(doc)
    qtbot.addWidget(v)
    v.resize(500, 400)
    v.show()
    qtbot.waitExposed(v)
    v.grab()
    assert v.canvas.overlay.shown_labels()
    doc.remove_items([n.name for n in doc.network.neurons])
    v.grab()
    assert v.canvas.overlay.shown_labels() == []

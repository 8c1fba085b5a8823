"""Edits, drags and pans redraw only their part of the canvas's background (grid and synapse
lines), and a zoom on a dense canvas shows the last picture scaled until the wheel rests: in every
case the settled picture is the one a full redraw gives (pixel for pixel; after a pan but for a
few pixels where a line is cut at another edge of the view)."""
from __future__ import annotations

import numpy as np
import pytest
from test_canvas_restyle import mesh, pixels, same_picture

from nnsim.app.canvas import NetworkView
from nnsim.app.canvas import synapses as synapses_module
from nnsim.app.canvas import view as view_module
from nnsim.app.document import Document


@pytest.fixture
def dense(monkeypatch):
    """The small mesh counts as dense (hairlines, no antialiasing, zoom previews)."""
    monkeypatch.setattr(view_module, "DENSE", 10)
    monkeypatch.setattr(synapses_module, "DENSE", 10)


@pytest.fixture
def make(qtbot):
    def make(scale: float = 1.0):
        view = NetworkView(Document(mesh()))
        qtbot.addWidget(view)
        view.resize(700, 520)
        view.show()
        qtbot.waitExposed(view)
        view.pan_by(0, 0)
        view.resetTransform()  # 1:1: arrowheads and discs are drawn as well
        view.scale(scale, scale)
        view.centerOn(220, 190)
        view.grab()  # a paint: the layer now knows how many synapses are in view
        return view
    return make


def redrawn(view) -> np.ndarray:
    """The same view drawn from scratch."""
    view.finish_restyle()
    view._bg = None
    view.resetCachedContent()
    return pixels(view)


def spy_exposures(view, monkeypatch) -> list:
    """The device rects of the background QGraphicsView asks to be drawn again."""
    seen = []
    original = view._update_background

    def spy(painter, rect, transform, *rest):
        seen.append(transform.mapRect(rect).toAlignedRect())
        return original(painter, rect, transform, *rest)
    monkeypatch.setattr(view, "_update_background", spy)
    return seen


@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_a_weight_edit_redraws_only_its_synapse_and_looks_like_a_full_redraw(
        scale, dense, make, monkeypatch):
    view = make(scale)
    doc = view.document
    seen = spy_exposures(view, monkeypatch)
    w = doc.network.synapse("n0_2", "n1_5").weight
    doc.set_weight("n0_2", "n1_5", -w)  # the same strength: only this line changes its style
    got = pixels(view)
    area = view.viewport().width() * view.viewport().height()
    assert len(seen) == 1 and seen[0].width() * seen[0].height() < 0.5 * area
    assert np.array_equal(got, redrawn(view))
    doc.toggle_kind([("n1_1", "n2_4")])  # an arrowhead becomes a disc
    got = pixels(view)
    assert np.array_equal(got, redrawn(view))
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    got = pixels(view)
    assert np.array_equal(got, redrawn(view))


def test_a_move_and_its_undo_redraw_where_the_lines_were_and_are(dense, make, monkeypatch):
    view = make()
    doc = view.document
    before = redrawn(view)
    seen = spy_exposures(view, monkeypatch)
    doc.move_neurons({"n1_3": (260.0, 120.0)})
    got = pixels(view)
    assert len(seen) == 1 and seen[0].width() < view.viewport().width()
    assert np.array_equal(got, redrawn(view))
    doc.undo_stack.undo()
    got = pixels(view)
    assert np.array_equal(got, before)
    assert np.array_equal(got, redrawn(view))


def test_a_drag_preview_and_its_release_look_like_full_redraws(dense, make):
    view = make()
    c = view.canvas
    idx = np.array([c.name_index["n1_2"], c.name_index["n2_3"]])  # n2_3 has the loop
    start = c.pos[idx].copy()
    for step in (10.0, 25.0, 40.0):
        c.preview_positions(idx, start + step)
        got = pixels(view)
        assert np.array_equal(got, redrawn(view))
    names = [c.names[i] for i in idx.tolist()]
    view.document.move_neurons({n: tuple(p) for n, p in zip(names, (start + 40.0).tolist())})
    got = pixels(view)
    assert np.array_equal(got, redrawn(view))
    g = c.synapse_layer.geometry
    fresh = view_module.NetworkView(view.document)  # the geometry patched equals one computed
    try:
        h = fresh.canvas.synapse_layer.geometry
        for a, b in ((g.x, h.x), (g.y, h.y), (g.tip, h.tip), (g.label, h.label)):
            assert np.allclose(a, b)
        assert np.allclose(c.synapse_layer._bbox, fresh.canvas.synapse_layer._bbox)
    finally:
        fresh.deleteLater()


def test_pans_keep_the_background_image_in_step(dense, make):
    view = make()
    for dx, dy in ((40, 0), (0, -30), (-25, 35), (300, 0)):
        view.pan_by(dx, dy)
        got = pixels(view)
        assert same_picture(got, redrawn(view))


def test_a_zoom_shows_the_old_picture_scaled_then_settles_to_a_fresh_render(dense, make, qtbot):
    view = make()
    layer = view.canvas.synapse_layer
    view.zoom(1.15)
    assert view._zoom_base is not None and view._settle_timer.isActive()
    painted = []
    original = layer.paint_lines
    layer.paint_lines = lambda *a, **k: (painted.append(1), original(*a, **k))
    try:
        preview = pixels(view)
        view.zoom(1.15)
        pixels(view)
        assert not painted  # the preview draws no line
        qtbot.waitUntil(lambda: view._zoom_base is None, timeout=2000)
        settled = pixels(view)
        assert painted
    finally:
        del layer.paint_lines
    assert (settled != preview).any()
    assert np.array_equal(settled, redrawn(view))


def test_an_edit_during_a_zoom_preview_draws_properly_at_once(dense, make):
    view = make()
    view.zoom(0.8)
    assert view._zoom_base is not None
    view.document.set_weight("n0_0", "n1_0", 5.0)
    assert view._zoom_base is None and not view._settle_timer.isActive()
    got = pixels(view)
    assert np.array_equal(got, redrawn(view))


def test_a_sparse_canvas_zooms_without_a_preview(make):
    view = make()
    view.zoom(1.2)
    assert view._zoom_base is None and not view._settle_timer.isActive()

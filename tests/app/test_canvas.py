"""The canvas driven with real mouse and key events, offscreen; checks the document's network."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from nnsim.app.canvas import NetworkView
from nnsim.app.colors import LUT, level_indices
from nnsim.app.document import Document
from nnsim.engine.network import Network

L = Qt.MouseButton.LeftButton
NO = Qt.KeyboardModifier.NoModifier


def _send(view, kind, scene_xy, button=L, buttons=None, mods=NO):
    pos = QPointF(view.mapFromScene(QPointF(*scene_xy)))
    glob = QPointF(view.viewport().mapToGlobal(pos.toPoint()))
    if buttons is None:
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    event = QMouseEvent(kind, pos, glob, button, buttons, mods)
    QApplication.sendEvent(view.viewport(), event)


def click(view, xy, mods=NO):
    _send(view, QEvent.Type.MouseButtonPress, xy, mods=mods)
    _send(view, QEvent.Type.MouseButtonRelease, xy, mods=mods)


def drag(view, a, b, mods=NO, button=L):
    _send(view, QEvent.Type.MouseButtonPress, a, button=button, mods=mods)
    for t in np.linspace(0.1, 1.0, 6):
        xy = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        _send(view, QEvent.Type.MouseMove, xy, button=Qt.MouseButton.NoButton, buttons=button,
              mods=mods)
    _send(view, QEvent.Type.MouseButtonRelease, b, button=button, mods=mods)


def wheel(view, xy, notches=1, mods=NO):
    pos = QPointF(view.mapFromScene(QPointF(*xy)))
    glob = QPointF(view.viewport().mapToGlobal(pos.toPoint()))
    event = QWheelEvent(pos, glob, QPoint(), QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        mods, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)


def pos_of(doc, name):
    n = doc.network.neuron(name)
    return (n.x, n.y)


@pytest.fixture
def make_view(qtbot):
    def make(net=None):
        doc = Document(net)
        view = NetworkView(doc)
        qtbot.addWidget(view)
        view.resize(800, 600)
        view.show()
        qtbot.waitExposed(view)
        view.pan_by(0, 0)  # a user's pan: no more fitting to the window from here on
        view.resetTransform()  # 1 scene unit = 1 pixel, so drags land where the test says
        view.centerOn(200, 0)
        return doc, view
    return make


def small_net() -> Network:
    net = Network()
    net.add_neuron("a", role="input", x=0, y=0)
    net.add_neuron("b", role="hidden", activation="tanh", x=200, y=0)
    net.add_neuron("c", role="output", activation="step", x=400, y=0)
    net.connect("a", "b", 0.5)
    net.connect("b", "c", -1.0)
    return net


def test_draw_three_neurons_and_two_synapses_with_the_mouse(make_view):
    doc, view = make_view()
    view.set_tool("neuron")
    for role, act, xy in (("input", "linear", (0, 0)), ("hidden", "tanh", (200, 40)),
                          ("output", "step", (400, 0))):
        view.new_neuron_role, view.new_neuron_activation = role, act
        click(view, xy)
    net = doc.network
    assert [(n.role, n.activation) for n in net.neurons] == [
        ("input", "linear"), ("hidden", "tanh"), ("output", "step")]
    got = np.array([(n.x, n.y) for n in net.neurons])
    assert np.allclose(got, [(0, 0), (200, 40), (400, 0)], atol=1.5)
    a, b, c = net.names
    view.set_tool("synapse")
    drag(view, pos_of(doc, a), pos_of(doc, b))
    drag(view, pos_of(doc, b), pos_of(doc, c))
    net = doc.network
    assert net.parameter_count == 2
    assert net.has_synapse(a, b) and net.has_synapse(b, c) and not net.has_synapse(a, c)
    assert net.synapse(a, b).weight == 1.0
    assert doc.undo_stack.count() == 5
    assert len(view.canvas.keys) == 2  # the scene followed


def test_snap_to_grid_places_on_grid(make_view):
    doc, view = make_view()
    view.set_snap(True)
    view.set_tool("neuron")
    click(view, (47, 13))
    n = doc.network.neurons[0]
    assert (n.x, n.y) == (40.0, 20.0)


def test_shift_drag_connects_and_drag_onto_itself_makes_a_loop(make_view):
    doc, view = make_view(small_net())
    drag(view, (0, 0), (400, 0), mods=Qt.KeyboardModifier.ShiftModifier)
    assert doc.network.has_synapse("a", "c")
    view.set_tool("synapse")
    drag(view, (200, 0), (200, -60))  # leave the neuron...
    drag(view, (200, -60), (200, 0))  # (a drag from empty space does nothing)
    _send(view, QEvent.Type.MouseButtonPress, (200, 0))
    _send(view, QEvent.Type.MouseMove, (200, -80), button=Qt.MouseButton.NoButton, buttons=L)
    _send(view, QEvent.Type.MouseMove, (200, 0), button=Qt.MouseButton.NoButton, buttons=L)
    _send(view, QEvent.Type.MouseButtonRelease, (200, 0))
    assert doc.network.has_synapse("b", "b")
    assert doc.network.parameter_count == 4


def test_connecting_into_an_input_is_refused(make_view):
    doc, view = make_view(small_net())
    view.set_tool("synapse")
    drag(view, (200, 0), (0, 0))
    assert not doc.network.has_synapse("b", "a")
    assert doc.undo_stack.count() == 0


def test_click_input_toggles_value(make_view):
    doc, view = make_view(small_net())
    click(view, (0, 0))
    assert doc.network.neuron("a").value == 1.0
    assert view.selected_names() == ["a"]
    click(view, (0, 0))
    assert doc.network.neuron("a").value == 0.0
    click(view, (200, 0))  # a hidden neuron only gets selected
    assert doc.network.neuron("b").value == 0.0
    assert view.selected_names() == ["b"]


def test_input_fill_shows_its_value(make_view):
    doc, view = make_view(small_net())
    item = view.canvas._items[doc.network.neuron("a").id]
    doc.toggle_input("a")
    assert item.brush().color().getRgb()[:3] == tuple(int(v) for v in LUT[-1])


def test_rubber_band_then_drag_moves_all_in_one_undo_step(make_view):
    doc, view = make_view(small_net())
    drag(view, (-50, -50), (250, 50))  # band around a and b
    assert view.selected_names() == ["a", "b"]
    drag(view, (200, 0), (230, 60))
    assert pos_of(doc, "a") == pytest.approx((30, 60), abs=1.5)
    assert pos_of(doc, "b") == pytest.approx((230, 60), abs=1.5)
    assert pos_of(doc, "c") == (400, 0)
    assert doc.undo_stack.count() == 1
    assert doc.network.neuron("a").value == 0.0  # a drag is not a click
    doc.undo_stack.undo()
    assert pos_of(doc, "a") == (0, 0)
    assert np.allclose(view.canvas.pos[0], (0, 0))


def test_double_click_weight_label_edits_in_place(make_view, qtbot):
    doc, view = make_view(small_net())
    mid = (100, 0)
    _send(view, QEvent.Type.MouseButtonDblClick, mid)
    editor = view.interaction.weight_editor
    assert editor is not None and editor.text() == "0.5"
    editor.setText("2.25")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert doc.network.synapse("a", "b").weight == 2.25
    assert view.interaction.weight_editor is None
    doc.undo_stack.undo()
    assert doc.network.synapse("a", "b").weight == 0.5


def test_wheel_over_synapse_nudges_weight_in_one_undo_step(make_view):
    doc, view = make_view(small_net())
    scale = view.transform().m11()
    for _ in range(3):
        wheel(view, (300, 0), 1)
    wheel(view, (300, 0), -1)
    assert doc.network.synapse("b", "c").weight == pytest.approx(-0.8)
    assert doc.undo_stack.count() == 1
    assert view.transform().m11() == scale  # nudging is not zooming
    wheel(view, (300, 150), 1)  # empty space: zoom
    assert view.transform().m11() == pytest.approx(scale * 1.15)


def test_select_delete_copy_paste(make_view):
    doc, view = make_view(small_net())
    view.select(["a", "b"])
    actions = {a.text().replace("&", ""): a for a in view.edit_actions()}
    actions["Copy"].trigger()
    actions["Paste"].trigger()
    net = doc.network
    assert len(net) == 5
    assert net.synapse("a_2", "b_2").weight == 0.5
    assert net.neuron("a_2").x == 40.0
    assert view.selected_names() == ["a_2", "b_2"]
    actions["Delete"].trigger()
    assert len(doc.network) == 3
    actions["Select All"].trigger()
    assert view.selected_names() == ["a", "b", "c"]
    actions["Cut"].trigger()
    assert len(doc.network) == 0
    actions["Paste"].trigger()
    assert doc.network.parameter_count == 2


def test_click_synapse_selects_and_delete_removes_only_it(make_view, qtbot):
    doc, view = make_view(small_net())
    click(view, (300, 0))
    assert view.selected_synapses() == [("b", "c")]
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert doc.network.parameter_count == 1 and len(doc.network) == 3


def test_inhibitory_toggle_by_key(make_view, qtbot):
    doc, view = make_view(small_net())
    click(view, (100, 0))
    qtbot.keyClick(view, Qt.Key.Key_I)
    assert doc.network.synapse("a", "b").kind == "inhibitory"
    assert view.canvas.inhibitory.tolist() == [True, False]
    qtbot.keyClick(view, Qt.Key.Key_I)
    assert doc.network.synapse("a", "b").kind == "excitatory"


def test_tool_keys(make_view, qtbot):
    doc, view = make_view()
    qtbot.keyClick(view, Qt.Key.Key_N)
    assert view.tool == "neuron"
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert view.tool == "synapse"
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.tool == "select"
    with pytest.raises(ValueError):
        view.set_tool("lasso")


def test_reciprocal_pair_curves_and_loop_sits_above(make_view):
    net = small_net()
    net.connect("c", "b", 0.3)
    net.connect("c", "c", 1.0)
    doc, view = make_view(net)
    g = view.canvas.synapse_layer.geometry
    counts = np.bincount(g.owner, minlength=4)
    assert counts.tolist()[0] == 2  # a -> b straight
    assert counts[1] > 2 and counts[2] > 2  # b <-> c bow
    mid_bc, mid_cb = g.label[1], g.label[2]
    assert mid_bc[1] * mid_cb[1] < 0  # on opposite sides of the line between them
    assert g.y[g.owner == 3].max() < -10  # the loop is above c
    assert np.linalg.norm(g.tip[3] - (400, 0)) < 25


def test_apply_snapshot_colours_neurons_on_the_colormap(make_view):
    doc, view = make_view(small_net())
    snap = SimpleNamespace(names=("c", "b", "ghost"), outputs=np.array([1.0, -0.5, 0.3]),
                           net_inputs=np.array([2.0, -0.6, 1.0]), synapses=(("b", "c"), ("x", "y")),
                           weights=np.array([3.0, 1.0]))
    view.apply_snapshot(snap)
    c = view.canvas
    colour_b = c._items[doc.network.neuron("b").id].brush().color().getRgb()[:3]
    colour_c = c._items[doc.network.neuron("c").id].brush().color().getRgb()[:3]
    assert colour_c == tuple(int(v) for v in LUT[-1])
    assert colour_b == tuple(int(v) for v in LUT[level_indices(np.array([-0.5]))[0]])
    assert colour_b[2] > colour_b[0]  # negative is blue
    assert c.shown_weights.tolist() == [0.5, 3.0]
    assert c.net_inputs[c.name_index["b"]] == -0.6
    assert doc.network.synapse("b", "c").weight == -1.0  # a snapshot never edits the document
    img = view.grab().toImage()
    p = view.mapFromScene(QPointF(400, 8))
    pixel = img.pixelColor(p.x(), p.y()).getRgb()[:3]
    assert np.abs(np.subtract(pixel, colour_c)).max() < 40  # the fill really is on screen


def test_view_actions(make_view):
    doc, view = make_view(small_net())
    acts = {a.text().replace("&", ""): a for a in view.view_actions()}
    assert {"Zoom In", "Zoom Out", "Fit to View", "Snap to Grid", "Auto Layout",
            "Show Values"} <= set(acts)
    s = view.transform().m11()
    acts["Zoom In"].trigger()
    assert view.transform().m11() == pytest.approx(s * 1.25)
    doc.move_neurons({"a": (-900, 500)})
    acts["Auto Layout"].trigger()
    assert pos_of(doc, "a") == (0.0, 0.0) and pos_of(doc, "c") == (320.0, 0.0)
    assert acts["Show Values"].isChecked() and view.show_values  # on by default
    acts["Show Values"].trigger()
    assert not view.canvas.overlay.show_values and not view.show_values
    assert [a.isChecked() for a in view.tool_actions()[:3]] == [True, False, False]


def _pixel(view, xy):
    img = view.grab().toImage()
    p = view.mapFromScene(QPointF(*xy))
    return img.pixelColor(p.x(), p.y()).getRgb()[:3]


def test_synapse_colour_follows_edits_and_undo_through_the_background_cache(make_view):
    doc, view = make_view(small_net())
    view.zoom(2.0)
    view.centerOn(300, 0)
    blue = _pixel(view, (300, 0))  # b -> c has weight -1
    assert blue[2] > blue[0] + 40
    doc.set_weight("b", "c", 1.0)
    orange = _pixel(view, (300, 0))
    assert orange[0] > orange[2] + 40
    doc.undo_stack.undo()
    assert _pixel(view, (300, 0)) == blue
    doc.move_neurons({"c": (400, 100)})  # the line moves away from where it was
    gone = _pixel(view, (300, 0))
    assert min(gone) > 200 and max(gone) - min(gone) < 6  # background grey, no synapse colour


def test_dense_canvas_restyles_synapses_at_a_limited_rate(make_view, qtbot):
    from nnsim.app.canvas import view as view_module
    doc, view = make_view(small_net())
    names = tuple(doc.network.names)
    snap = SimpleNamespace(names=names, outputs=np.zeros(3), net_inputs=np.zeros(3),
                           synapses=(("a", "b"), ("b", "c")), weights=np.array([0.5, 2.0]))
    view.canvas.synapse_layer.visible_count = view_module.DENSE  # pretend thousands are in view
    view._last_restyle = view_module.time.monotonic()
    view.apply_snapshot(snap)
    assert view.canvas.shown_weights.tolist() == [0.5, 2.0]
    assert view._restyle_timer.isActive()  # the lines catch up shortly
    qtbot.waitUntil(lambda: not view._restyle_timer.isActive(), timeout=2000)
    buckets = view.canvas.synapse_layer._buckets
    assert buckets[1] == 2 * buckets.max() // 2 and buckets[1] > buckets[0]


def test_snapshot_weights_repaint_the_cached_lines(make_view):
    doc, view = make_view(small_net())
    view.zoom(2.0)
    view.centerOn(300, 0)
    assert _pixel(view, (300, 0))[2] > _pixel(view, (300, 0))[0] + 40  # blue: w = -1
    snap = SimpleNamespace(names=("b",), outputs=np.zeros(1), net_inputs=np.zeros(1),
                           synapses=(("b", "c"),), weights=np.array([1.0]))
    view.apply_snapshot(snap)
    orange = _pixel(view, (300, 0))
    assert orange[0] > orange[2] + 40


def test_hover_highlights_the_neurons_synapses(make_view):
    doc, view = make_view(small_net())
    view.apply_snapshot(SimpleNamespace(names=("b",), outputs=np.array([0.25]),
                                        net_inputs=np.array([0.5]), synapses=(),
                                        weights=np.zeros(0)))
    _send(view, QEvent.Type.MouseMove, (205, 3), button=Qt.MouseButton.NoButton,
          buttons=Qt.MouseButton.NoButton)
    c = view.canvas
    assert c.hover_id == doc.network.neuron("b").id
    assert c.synapse_layer._emphasis["hover"][0].tolist() == [0, 1]  # a -> b and b -> c
    _send(view, QEvent.Type.MouseMove, (100, 200), button=Qt.MouseButton.NoButton,
          buttons=Qt.MouseButton.NoButton)
    assert c.hover_id is None and "hover" not in c.synapse_layer._emphasis


def test_middle_drag_pans_and_edit_during_drag_cancels_it(make_view):
    doc, view = make_view(small_net())
    before = view.mapToScene(view.viewport().rect().center())
    vp, M = view.viewport(), Qt.MouseButton.MiddleButton
    for kind, x, button, buttons in ((QEvent.Type.MouseButtonPress, 300, M, M),
                                     (QEvent.Type.MouseMove, 350, Qt.MouseButton.NoButton, M),
                                     (QEvent.Type.MouseMove, 400, Qt.MouseButton.NoButton, M),
                                     (QEvent.Type.MouseButtonRelease, 400, M,
                                      Qt.MouseButton.NoButton)):
        pos = QPointF(x, 300)
        QApplication.sendEvent(vp, QMouseEvent(kind, pos, QPointF(vp.mapToGlobal(pos.toPoint())),
                                               button, buttons, NO))
    after = view.mapToScene(view.viewport().rect().center())
    assert after.x() == pytest.approx(before.x() - 100 / view.transform().m11(), abs=2)
    _send(view, QEvent.Type.MouseButtonPress, (200, 0))
    _send(view, QEvent.Type.MouseMove, (260, 40), button=Qt.MouseButton.NoButton, buttons=L)
    assert np.allclose(view.canvas.pos[1], (260, 40))  # previewed, not yet in the document
    doc.set_weight("a", "b", 3.0)  # e.g. learned weights written back mid-drag
    assert np.allclose(view.canvas.pos[1], (200, 0))
    _send(view, QEvent.Type.MouseButtonRelease, (260, 40))
    assert pos_of(doc, "b") == (200, 0)
    assert doc.undo_stack.count() == 1


def test_context_menus(make_view):
    doc, view = make_view(small_net())
    menu = view.interaction.menu_at(QPointF(300, 0))  # on b -> c
    acts = {a.text().replace("&", ""): a for a in menu.actions()}  # mnemonics: keyboard menus
    assert not acts["Inhibitory"].isChecked()
    acts["Inhibitory"].trigger()
    assert doc.network.synapse("b", "c").kind == "inhibitory"
    acts["Delete Synapse"].trigger()
    assert not doc.network.has_synapse("b", "c")
    menu = view.interaction.menu_at(QPointF(200, 0))  # on b
    roles = {a.text().replace("&", ""): a for a in menu.actions()[0].menu().actions()}
    assert roles["Hidden"].isChecked()
    roles["Output"].trigger()
    assert doc.network.neuron("b").role == "output"
    roles["Input"].trigger()  # b receives a synapse: refused, nothing changes
    assert doc.network.neuron("b").role == "output"
    menu = view.interaction.menu_at(QPointF(100, 300))  # empty canvas
    assert "Fit to View" in [a.text().replace("&", "") for a in menu.actions()]


def test_escape_cancels_the_weight_editor_and_pastes_step_along(make_view, qtbot):
    doc, view = make_view(small_net())
    editor = view.interaction.edit_weight(0)
    editor.setText("7")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert view.interaction.weight_editor is None
    assert doc.network.synapse("a", "b").weight == 0.5
    view.select(["c"])
    view.copy_selection()
    view.paste()
    view.paste()
    assert pos_of(doc, "c_2") == (440.0, 40.0) and pos_of(doc, "c_3") == (480.0, 80.0)


def test_fits_the_network_to_the_window_until_the_user_zooms(qtbot):
    view = NetworkView(Document(small_net()))
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    rect = view.mapFromScene(view.canvas.items_rect()).boundingRect()
    assert view.viewport().rect().contains(rect)
    assert rect.width() > 0.6 * view.viewport().width()  # and fills it, not a speck
    view.zoom(0.5)
    view.resize(1000, 500)
    assert view.transform().m11() < 1.0


def test_space_drag_pans_instead_of_selecting(make_view, qtbot):
    doc, view = make_view(small_net())
    before = view.mapToScene(view.viewport().rect().center())
    qtbot.keyPress(view, Qt.Key.Key_Space)
    vp = view.viewport()
    for kind, x, button, buttons in ((QEvent.Type.MouseButtonPress, 300, L, L),
                                     (QEvent.Type.MouseMove, 340, Qt.MouseButton.NoButton, L),
                                     (QEvent.Type.MouseButtonRelease, 340, L,
                                      Qt.MouseButton.NoButton)):
        pos = QPointF(x, 200)
        QApplication.sendEvent(vp, QMouseEvent(kind, pos, QPointF(vp.mapToGlobal(pos.toPoint())),
                                               button, buttons, NO))
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    after = view.mapToScene(view.viewport().rect().center())
    assert after.x() == pytest.approx(before.x() - 40, abs=2)
    assert view.selected_names() == [] and doc.undo_stack.count() == 0


def test_shift_click_extends_the_selection(make_view):
    doc, view = make_view(small_net())
    click(view, (200, 0))
    click(view, (400, 0), mods=Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_names() == ["b", "c"]
    assert doc.network.parameter_count == 2  # and connects nothing

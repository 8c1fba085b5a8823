"""Keyboard only (issue 15): the canvas walked, moved, grown and connected with keys; F6 through
the panels; focus rings that show; Help > Keyboard Shortcuts complete; a name for every panel,
button, plot and the canvas as a screen reader hears it."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction, QColor, QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QDockWidget, QTableWidget

from nnsim.app.canvas import NetworkView, shapes
from nnsim.app.canvas.keys import CANVAS_KEYS
from nnsim.app.document import Document
from nnsim.engine.network import Network

K = Qt.Key
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def make_view(qtbot):
    def make(net=None):
        doc = Document(net)
        view = NetworkView(doc)
        qtbot.addWidget(view)
        view.resize(800, 600)
        view.show()
        qtbot.waitExposed(view)
        view.pan_by(0, 0)  # no more fitting to the window
        view.resetTransform()  # 1 scene unit = 1 pixel
        view.centerOn(100, 50)
        view.activateWindow()
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        qtbot.waitUntil(view.hasFocus, timeout=5000)
        return doc, view
    return make


def two_one(synapses: bool = True) -> Network:
    """x1, x2 in a column on the left, y on the right (added first, so document order is not
    the reading order)."""
    net = Network()
    net.add_neuron("y", role="output", activation="step", x=200, y=50)
    net.add_neuron("x2", role="input", x=0, y=100)
    net.add_neuron("x1", role="input", x=0, y=0)
    if synapses:
        net.connect("x2", "y", 1.0)
        net.connect("x1", "y", 1.0)
    return net


def four() -> Network:
    net = Network()
    for name, role, x, y in (("x1", "input", 0, 0), ("x2", "input", 0, 100),
                             ("h", "hidden", 200, 0), ("y", "output", 200, 100)):
        net.add_neuron(name, role=role, x=x, y=y)
    return net


def selection(view):
    return view.selected_names(), view.selected_synapses()


def accent_pixels(view) -> int:
    """How many viewport pixels are the accent colour (rings, the connect line)."""
    image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = rows[:, :image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)
    a = shapes.ACCENT
    near = np.abs(rgb - (a.red(), a.green(), a.blue())).sum(axis=2) < 110  # rings: translucent
    return int(near.sum())


# ---------------------------------------------------------------------- the canvas
def test_tab_walks_neurons_in_columns_then_synapses_and_shift_tab_walks_back(make_view, qtbot):
    doc, view = make_view(two_one())
    plain = accent_pixels(view)
    seen = []
    for _ in range(6):
        qtbot.keyClick(view, K.Key_Tab)
        seen.append(selection(view))
    assert seen == [(["x1"], []), (["x2"], []), (["y"], []),
                    ([], [("x1", "y")]), ([], [("x2", "y")]), (["x1"], [])]
    assert view.hasFocus()  # Tab stayed on the canvas
    qtbot.keyClick(view, K.Key_Backtab, SHIFT)
    assert selection(view) == ([], [("x2", "y")])
    qtbot.keyClick(view, K.Key_Tab)
    assert selection(view) == (["x1"], [])
    assert accent_pixels(view) > plain + 50  # the selection ring is drawn where the keys put it


def test_arrows_move_the_selection_and_a_burst_is_one_undo_step(make_view, qtbot):
    doc, view = make_view(two_one())
    view.select(["x1"])
    before = doc.undo_stack.count()
    for _ in range(3):
        qtbot.keyClick(view, K.Key_Right)
    qtbot.keyClick(view, K.Key_Down, SHIFT)  # Shift: five grid steps
    n = doc.network.neuron("x1")
    assert (n.x, n.y) == (3 * shapes.GRID, 5 * shapes.GRID)
    assert doc.undo_stack.count() == before + 1  # the burst is one step
    assert view.canvas.pos[view.canvas.name_index["x1"]].tolist() == [60.0, 100.0]  # drawn there
    qtbot.keyClick(view, K.Key_Escape)  # another key ends the burst
    qtbot.keyClick(view, K.Key_Left)
    assert doc.undo_stack.count() == before + 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    n = doc.network.neuron("x1")
    assert (n.x, n.y) == (0.0, 0.0)


def test_connect_from_the_keyboard_picks_with_arrows_and_tab_and_esc_cancels(make_view, qtbot):
    doc, view = make_view(four())
    view.select(["x1"])
    plain = accent_pixels(view)
    qtbot.keyClick(view, K.Key_C)
    assert view.tool == "synapse"
    assert view.keys.target == view.canvas.ids[view.canvas.name_index["h"]]  # first receiver
    assert accent_pixels(view) > plain + 100  # the dashed line and the target's ring are drawn
    qtbot.keyClick(view, K.Key_Down)  # the receiver below h
    qtbot.keyClick(view, K.Key_Return)
    assert doc.network.has_synapse("x1", "y") and not doc.network.has_synapse("x1", "h")
    assert selection(view) == ([], [("x1", "y")])  # F2 now edits its weight
    assert view.tool == "select"

    view.select(["x2"])
    qtbot.keyClick(view, K.Key_C)
    qtbot.keyClick(view, K.Key_Tab)  # h -> y: Tab picks targets (inputs skipped) while connecting
    assert view.keys.target == view.canvas.ids[view.canvas.name_index["y"]]
    qtbot.keyClick(view, K.Key_Escape)
    assert view.keys.source is None and view.tool == "select"
    assert doc.network.synapses and not doc.network.has_synapse("x2", "y")
    assert len(doc.network.synapses) == 1


def test_f2_edits_the_selected_synapses_weight_in_place(make_view, qtbot):
    doc, view = make_view(two_one())
    view.select(synapses=[("x2", "y")])
    qtbot.keyClick(view, K.Key_F2)
    editor = view.interaction.weight_editor
    assert editor is not None and editor.hasFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "-0.75")
    qtbot.keyClick(editor, K.Key_Return)
    assert doc.network.synapse("x2", "y").weight == -0.75
    qtbot.wait(10)  # the editor's deleteLater
    assert view.interaction.weight_editor is None  # Enter did not reach the canvas to reopen it
    assert view.hasFocus()  # the keys go on to the canvas
    assert doc.network.synapse("x1", "y").weight == 1.0


def test_insert_adds_a_neuron_in_the_view_then_beside_the_selection(make_view, qtbot):
    doc, view = make_view(Network())
    qtbot.keyClick(view, K.Key_Insert)
    (first,) = doc.network.names
    centre = view.mapToScene(view.viewport().rect().center())
    n = doc.network.neuron(first)
    assert abs(n.x - centre.x()) < 1 and abs(n.y - centre.y()) < 1
    assert view.selected_names() == [first]
    qtbot.keyClick(view, K.Key_Insert)
    second = [name for name in doc.network.names if name != first][0]
    m = doc.network.neuron(second)
    assert m.x > n.x + 2 * shapes.RADIUS and m.y == n.y  # to the right, clear of it
    assert view.selected_names() == [second]
    view.set_tool("neuron")
    qtbot.keyClick(view, K.Key_Return)  # the neuron tool: Enter adds as Insert does
    assert len(doc.network.names) == 3


def test_keyboard_menu_sets_role_and_unit_and_every_entry_has_its_own_mnemonic(make_view):
    doc, view = make_view(two_one())
    view.select(["y"])
    s = view.canvas
    menu = view.interaction.menu_for(s.name_index["y"], -1)
    for m in [menu] + [a.menu() for a in menu.actions() if a.menu()]:
        letters = [a.text()[a.text().index("&") + 1].lower() for a in m.actions() if a.text()]
        assert len(letters) == len(set(letters)), [a.text() for a in m.actions()]
    units = {a.text().replace("&", ""): a for a in menu.actions()[1].menu().actions()}
    units["sigmoid"].trigger()
    assert doc.network.neuron("y").activation == "sigmoid"


def test_t_toggles_the_selected_inputs(make_view, qtbot):
    doc, view = make_view(two_one())
    view.select(["x1", "y"])
    qtbot.keyClick(view, K.Key_T)
    assert doc.network.neuron("x1").value == 1.0 and doc.network.neuron("x2").value == 0.0


def test_focus_ring_shows_for_the_keyboard_and_not_for_the_mouse(make_view, qtbot):
    from nnsim.app import focus_ring

    doc, view = make_view(two_one())
    ring = focus_ring.watch(view)
    view.clearFocus()
    view.setFocus(Qt.FocusReason.MouseFocusReason)
    assert not ring.isVisible()
    view.clearFocus()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    assert ring.isVisible() and ring.geometry() == view.rect()
    image = view.grab().toImage()
    edge = QColor(image.pixel(view.width() // 2, 1))
    a = shapes.ACCENT
    assert abs(edge.red() - a.red()) + abs(edge.green() - a.green()) + abs(edge.blue() - a.blue()) < 30
    view.clearFocus()
    assert not ring.isVisible()


# ---------------------------------------------------------------------- the window
@pytest.fixture
def filled(window, qtbot):
    window.resize(1280, 800)
    window.learning.fill()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5000)
    return window


def test_f6_cycles_the_panels_and_the_plots_show_a_focus_ring(filled, qtbot):
    from nnsim.app import focus_ring, keyboard

    w = filled
    w.document.replace_network(two_one(), "test")
    w.view.select(["y"])  # the inspector has fields to focus
    w.view.setFocus()
    order = keyboard.panels(w)
    assert order[0] is w.view
    names = [p.objectName() for p in order[1:]]
    panels = [n for n in names if not n.startswith("plot_")]  # those on view, in this order
    assert panels == ["lessonsDock", "inspectorDock", "rulesDock", "dataDock"], names
    landed = []
    for _ in range(len(order)):
        target = keyboard.cycle_panels(w, +1)
        landed.append(keyboard.current_panel(w, order))
        assert target is QApplication.focusWidget()
    assert landed == list(range(1, len(order))) + [0]  # every panel once, then the canvas
    plots = [p for p in order if p.objectName().startswith("plot_")]
    assert plots, names
    while keyboard.current_panel(w, order) != order.index(plots[0]):
        keyboard.cycle_panels(w, +1)
    graphics = QApplication.focusWidget()  # the drawing, or the sentence saying why there is none
    assert graphics in (plots[0].widget().graphics, plots[0].widget().unavailable_label)
    assert graphics.hasFocus() and focus_ring.ring_of(graphics).isVisible()
    keyboard.cycle_panels(w, -1)
    assert keyboard.current_panel(w, order) == order.index(plots[0]) - 1
    assert not focus_ring.ring_of(graphics).isVisible()


def test_enter_on_a_neuron_focuses_its_bias_in_the_inspector(filled, qtbot):
    w = filled
    w.document.replace_network(two_one(), "test")
    w.view.setFocus()
    w.view.select(["y"])
    qtbot.keyClick(w.view, K.Key_Return)
    assert w.inspector.bias_box.hasFocus() and w.inspector.name == "y"
    w.view.setFocus()
    w.view.select(["x1"])
    qtbot.keyClick(w.view, K.Key_F2)
    assert w.inspector.value_box.hasFocus()


def test_the_shortcut_list_covers_every_action_and_the_canvas_key_map(filled, qtbot):
    from nnsim.app.help import all_rows, shortcuts_dialog

    w = filled
    rows = all_rows(w)
    listed = {(where, text) for where, text, _keys in rows}
    for action in w.findChildren(QAction):
        text = action.text().replace("&", "").rstrip(".…")
        if action.shortcuts() and text:
            assert ("Window", text) in listed, text
    for entry in CANVAS_KEYS:
        assert ("Canvas", entry.text) in listed, entry.text
    keys = {k for _where, _text, k in rows}
    for expected in ("F6", "Shift+F6", "Ins", "Tab", "F2"):
        assert any(expected in k.split(", ") for k in keys), expected
    dialog = shortcuts_dialog(w)
    table = dialog.findChild(QTableWidget)
    assert table.rowCount() == len(rows)
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == [t for _w, t, _k in rows]
    dialog.deleteLater()


def _spoken(widget) -> str:
    face = QAccessible.queryAccessibleInterface(widget)
    return face.text(QAccessible.Text.Name).strip() if face is not None else ""


def test_every_dock_button_plot_and_the_canvas_has_an_accessible_name(filled, qtbot):
    from nnsim.app.plots.base import PlotPanel

    w = filled
    for key in w.learning.plot_docks:
        w.learning.plots[key]  # noqa: B018 - make every plot
    missing = []
    widgets = ([w.view] + w.findChildren(QDockWidget) + w.findChildren(QAbstractButton)
               + w.findChildren(PlotPanel))
    for widget in widgets:
        if isinstance(widget, QAbstractButton) and widget.objectName() in (
                "qt_toolbar_ext_button", "qt_menubar_ext_button"):
            continue  # Qt's own overflow arrows (named by Qt's accessibility itself)
        if not _spoken(widget):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert not missing, missing
    assert _spoken(w.view) == "Network canvas" and w.view.accessibleDescription()
    loss = w.learning.plots["loss"]
    assert "plot" in _spoken(loss) and _spoken(loss.graphics) == _spoken(loss)

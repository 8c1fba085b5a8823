"""The canvas's role and unit combo boxes: they outlive no toolbar, follow the selection and
apply what is chosen to the selected neurons."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QComboBox, QMainWindow, QToolBar

from nnsim.app.canvas import CanvasToolBar, NetworkView
from nnsim.app.document import Document
from nnsim.engine.network import Network


def net() -> Network:
    n = Network()
    n.add_neuron("x1", role="input", x=0, y=0)
    n.add_neuron("t", role="hidden", activation="step", x=150, y=0)
    n.add_neuron("s", role="output", activation="sigmoid", x=300, y=0)
    n.add_neuron("r", role="hidden", activation="relu", x=150, y=90)
    n.connect("x1", "t", 1.0)
    n.connect("t", "s", 1.0)
    return n


@pytest.fixture
def view(qtbot):
    doc = Document(net())
    v = NetworkView(doc)
    qtbot.addWidget(v)
    v.resize(600, 400)
    yield v
    del doc


@pytest.fixture
def bar(qtbot, view):
    b = CanvasToolBar(view)
    qtbot.addWidget(b)
    return b


def _flush_deletes() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_cleared_toolbar_leaves_no_connection_to_a_deleted_combo(qtbot, view):
    """File > New / set_document: the main window clears its tool bar (deleting the combos) and
    adds the actions again; the old combos' slots must not run on the view's signals."""
    window = QMainWindow()
    qtbot.addWidget(window)
    toolbar = QToolBar(window)
    window.addToolBar(toolbar)
    for _ in range(2):
        toolbar.addActions(view.tool_actions())
        combos = toolbar.findChildren(QComboBox)
        assert len(combos) == 2
        toolbar.clear()  # deletes the combo boxes (later)
        _flush_deletes()
    toolbar.addActions(view.tool_actions())
    view.new_neuron_role = "input"  # raised "Internal C++ object (QComboBox) already deleted"
    view.new_neuron_activation = "relu"
    role, unit = toolbar.findChildren(QComboBox)
    assert role.currentData() == "input" and unit.currentData() == "relu"


def test_a_destroyed_combo_is_disconnected(view):
    bar = CanvasToolBar(view)
    combo = bar.unit_combo
    bar.deleteLater()
    _flush_deletes()
    del combo
    view.new_neuron_changed.emit()  # no slot of a deleted combo runs
    view.new_neuron_activation = "tanh"

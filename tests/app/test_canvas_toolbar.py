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


def _choose(combo, value) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_the_boxes_show_the_selected_neurons_role_and_unit(view, bar):
    assert (bar.role_combo.currentData(), bar.unit_combo.currentData()) == ("hidden", "sigmoid")
    view.select(["t"])  # a threshold unit: the box said "sigmoid"
    assert (bar.role_combo.currentData(), bar.unit_combo.currentData()) == ("hidden", "step")
    assert bar.unit_combo.currentText() == bar.unit_combo.itemText(bar.unit_combo.findData("step"))
    view.select(["s"])
    assert (bar.role_combo.currentData(), bar.unit_combo.currentData()) == ("output", "sigmoid")
    view.select(["t", "r"])  # same role, different units
    assert bar.role_combo.currentData() == "hidden"
    assert bar.unit_combo.currentIndex() == -1 and bar.unit_combo.currentText() == ""
    view.select([])  # nothing selected: what the neuron tool adds next
    assert (bar.role_combo.currentData(), bar.unit_combo.currentData()) == ("hidden", "sigmoid")


def test_the_boxes_follow_edits_of_the_selected_neuron(view, bar):
    view.select(["t"])
    view.document.set_neuron("t", activation="tanh")  # e.g. from the inspector
    assert bar.unit_combo.currentData() == "tanh"
    view.document.undo_stack.undo()
    assert bar.unit_combo.currentData() == "step"


def test_choosing_a_unit_applies_it_to_the_selected_neuron(view, bar):
    doc = view.document
    view.select(["t"])
    depth = doc.undo_stack.count()
    _choose(bar.unit_combo, "relu")
    assert doc.network.neuron("t").activation == "relu"
    assert doc.undo_stack.count() == depth + 1  # one undoable edit
    assert view.new_neuron_activation == "relu"  # and what the neuron tool adds next
    assert view.tool == "select"  # editing the selection is not placing neurons
    assert bar.unit_combo.currentData() == "relu"
    doc.undo_stack.undo()
    assert doc.network.neuron("t").activation == "step"
    assert bar.unit_combo.currentData() == "step"


def test_choosing_a_role_or_unit_for_several_neurons_is_one_step(view, bar):
    doc = view.document
    view.select(["t", "s", "r"])
    depth = doc.undo_stack.count()
    _choose(bar.unit_combo, "tanh")
    assert [doc.network.neuron(n).activation for n in ("t", "s", "r")] == ["tanh"] * 3
    assert doc.undo_stack.count() == depth + 1
    _choose(bar.role_combo, "output")
    assert [doc.network.neuron(n).role for n in ("t", "s", "r")] == ["output"] * 3
    assert doc.undo_stack.count() == depth + 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert [doc.network.neuron(n).activation for n in ("t", "s", "r")] == ["step", "sigmoid", "relu"]
    assert [doc.network.neuron(n).role for n in ("t", "s", "r")] == ["hidden", "output", "hidden"]


def test_a_role_that_cannot_be_set_changes_nothing_and_says_why(view, bar, monkeypatch):
    from nnsim.app.canvas import toolbar

    said = []
    monkeypatch.setattr(toolbar.QToolTip, "showText", lambda _pos, text, *_a: said.append(text))
    doc = view.document
    view.select(["t", "r"])  # t receives a synapse: it cannot be an input
    depth = doc.undo_stack.count()
    _choose(bar.role_combo, "input")
    assert doc.undo_stack.count() == depth
    assert [doc.network.neuron(n).role for n in ("t", "r")] == ["hidden", "hidden"]
    assert said and "cannot be an input" in said[0]
    assert bar.role_combo.currentData() == "hidden"


def test_with_nothing_selected_choosing_sets_the_next_neuron_and_the_tool(view, bar):
    _choose(bar.unit_combo, "gaussian")
    assert view.new_neuron_activation == "gaussian" and view.tool == "neuron"
    assert all(n.activation != "gaussian" for n in view.document.network.neurons)


def test_while_placing_neurons_the_boxes_set_the_next_one_only(view, bar):
    """The neuron just placed is selected; choosing the next neuron's role or unit in the
    neuron tool must not change it (drawing two inputs and then an output changed the second
    input into the output)."""
    doc = view.document
    view.set_tool("neuron")
    view.select(["r"])  # as the neuron tool leaves a neuron it has just placed
    depth = doc.undo_stack.count()
    _choose(bar.role_combo, "output")
    _choose(bar.unit_combo, "tanh")
    assert doc.network.neuron("r").role == "hidden" and doc.network.neuron("r").activation == "relu"
    assert doc.undo_stack.count() == depth
    assert (view.new_neuron_role, view.new_neuron_activation) == ("output", "tanh")
    assert (bar.role_combo.currentData(), bar.unit_combo.currentData()) == ("output", "tanh")
    view.set_tool("select")  # back to editing: the boxes show the selection again
    assert (bar.role_combo.currentData(), bar.unit_combo.currentData()) == ("hidden", "relu")

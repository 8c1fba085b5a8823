"""NeuronInspector: each widget change is one undoable edit of the selected neuron."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from nnsim.app.canvas import CanvasToolBar, NetworkView, NeuronInspector
from nnsim.app.document import Document
from nnsim.engine.network import Network


@pytest.fixture
def setup(qtbot):
    net = Network()
    net.add_neuron("x", role="input")
    net.add_neuron("m", role="hidden", activation="step", bias=-0.5)
    net.add_neuron("g", role="output", activation="gaussian", params={"beta": 2.0})
    net.connect("x", "m")
    doc = Document(net)
    ins = NeuronInspector(doc)
    qtbot.addWidget(ins)
    ins.show()
    return doc, ins


def test_nothing_selected_hides_the_form(setup):
    doc, ins = setup
    ins.set_selection([])
    assert not ins.form.isVisible()
    ins.set_selection(["x", "m"])
    assert "2 neurons" in ins.title.text()


def test_threshold_unit_edits_threshold(setup):
    doc, ins = setup
    ins.set_selection(["m"])
    assert ins.bias_label.text() == "Threshold T"
    assert ins.bias_box.value() == 0.5
    ins.bias_box.setValue(1.5)
    assert doc.network.neuron("m").bias == -1.5
    ins.bias_box.setValue(2.0)
    assert doc.undo_stack.count() == 1  # stepping a spin box is one undo step
    doc.undo_stack.undo()
    assert doc.network.neuron("m").bias == -0.5
    assert ins.bias_box.value() == 0.5  # the widget follows the document


def test_unit_and_role_and_errors(setup):
    doc, ins = setup
    ins.set_selection(["m"])
    ins.unit_box.setCurrentIndex(ins.unit_box.findData("tanh"))
    ins.unit_box.activated.emit(ins.unit_box.currentIndex())
    assert doc.network.neuron("m").activation == "tanh"
    assert ins.bias_label.text() == "Bias b"
    ins.role_box.setCurrentIndex(ins.role_box.findData("input"))
    ins.role_box.activated.emit(ins.role_box.currentIndex())
    assert doc.network.neuron("m").role == "hidden"  # it receives a synapse: refused
    assert "cannot be an input" in ins.error.text()
    assert ins.role_box.currentData() == "hidden"


def test_input_value_toggle_and_beta(setup, qtbot):
    doc, ins = setup
    ins.set_selection(["x"])
    assert ins.toggle_button.isVisible() and not ins.bias_box.isVisible()
    qtbot.mouseClick(ins.toggle_button, Qt.MouseButton.LeftButton)
    assert doc.network.neuron("x").value == 1.0
    assert ins.value_box.value() == 1.0
    ins.set_selection(["g"])
    assert ins.beta_box.isVisible() and ins.beta_box.value() == 2.0
    ins.beta_box.setValue(0.25)
    assert doc.network.neuron("g").params == {"beta": 0.25}


def test_rename(setup):
    doc, ins = setup
    ins.set_selection(["m"])
    ins.name_edit.setText("latch")
    ins.name_edit.editingFinished.emit()
    assert doc.network.has_neuron("latch") and ins.name == "latch"
    ins.name_edit.setText("x")
    ins.name_edit.editingFinished.emit()
    assert "already exists" in ins.error.text()
    assert doc.network.has_neuron("latch")


def test_toolbar_sets_role_and_unit_of_new_neurons(qtbot):
    from PySide6.QtWidgets import QToolBar

    doc = Document()
    view = NetworkView(doc)
    bar = CanvasToolBar(view)
    other = QToolBar()  # as the main window does: tool_actions() into its own toolbar
    other.addActions(view.tool_actions())
    for w in (view, bar, other):
        qtbot.addWidget(w)
    assert len(view.tool_actions()) == 5
    bar.role_combo.setCurrentIndex(bar.role_combo.findData("output"))
    bar.unit_combo.setCurrentIndex(bar.unit_combo.findData("relu"))
    assert (view.new_neuron_role, view.new_neuron_activation) == ("output", "relu")
    assert view.tool == "neuron"
    mirror = other.widgetForAction(view.tool_actions()[4])
    assert mirror.currentData() == "relu"  # every combo follows the view
    bar.role_combo.setCurrentIndex(bar.role_combo.findData("input"))
    assert view.new_neuron_activation == "linear"
    assert bar.unit_combo.currentData() == "linear"
    with pytest.raises(ValueError):
        view.new_neuron_role = "boss"

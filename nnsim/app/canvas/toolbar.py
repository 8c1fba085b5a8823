"""CanvasToolBar: the tools, and the role and unit that the neuron tool will place."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from nnsim.engine.network import ROLES
from nnsim.engine.units import ACTIVATIONS, get_unit


class CanvasToolBar(QToolBar):
    def __init__(self, view, parent=None) -> None:
        super().__init__("Canvas", parent)
        self.setObjectName("CanvasToolBar")  # so QMainWindow.saveState can remember it
        self.view = view
        for act in view.tool_actions():
            self.addAction(act)
        self.addSeparator()
        self.addWidget(QLabel(" Role "))
        self.role_combo = QComboBox()
        self.role_combo.setToolTip("Role of neurons added with the neuron tool")
        for role in ROLES:
            self.role_combo.addItem(role.capitalize(), role)
        self.addWidget(self.role_combo)
        self.addWidget(QLabel(" Unit "))
        self.unit_combo = QComboBox()
        self.unit_combo.setToolTip("Unit (activation) of neurons added with the neuron tool")
        for act in ACTIVATIONS:
            self.unit_combo.addItem(get_unit(act).label, act)
        self.addWidget(self.unit_combo)
        self.role_combo.setCurrentIndex(self.role_combo.findData(view.new_neuron_role))
        self.unit_combo.setCurrentIndex(self.unit_combo.findData(view.new_neuron_activation))
        self.role_combo.currentIndexChanged.connect(self._role_changed)
        self.unit_combo.currentIndexChanged.connect(self._unit_changed)

    def _role_changed(self) -> None:
        role = self.role_combo.currentData()
        self.view.new_neuron_role = role
        # an input is a clamped value: linear is its natural unit, as the engine's default
        if role == "input":
            self.unit_combo.setCurrentIndex(self.unit_combo.findData("linear"))
        self.view.set_tool("neuron")

    def _unit_changed(self) -> None:
        self.view.new_neuron_activation = self.unit_combo.currentData()
        self.view.set_tool("neuron")

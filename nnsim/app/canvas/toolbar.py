"""The tools, and the role and unit that the neuron tool will place, for any toolbar.

`ChoiceAction` is a QWidgetAction: every toolbar it is added to gets its own combo box, and all
of them follow the view's `new_neuron_role` / `new_neuron_activation`.
"""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QToolBar, QWidgetAction

from nnsim.engine.network import ROLES
from nnsim.engine.units import ACTIVATIONS, get_unit


class ChoiceAction(QWidgetAction):
    def __init__(self, view, attribute: str, choices: list[tuple[str, str]], tip: str) -> None:
        super().__init__(view)
        self.view, self.attribute, self.choices = view, attribute, choices
        self.setText(tip)
        self.setToolTip(tip)

    def createWidget(self, parent) -> QComboBox:  # noqa: N802 - Qt's name
        combo = QComboBox(parent)
        combo.setToolTip(self.toolTip())
        for label, value in self.choices:
            combo.addItem(label, value)

        def show_current() -> None:
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(getattr(self.view, self.attribute)))
            combo.blockSignals(False)

        def chosen() -> None:
            setattr(self.view, self.attribute, combo.currentData())
            self.view.set_tool("neuron")  # choosing what to place means placing comes next

        show_current()
        combo.currentIndexChanged.connect(chosen)
        self.view.new_neuron_changed.connect(show_current)
        return combo


def choice_actions(view) -> list[ChoiceAction]:
    roles = [(r.capitalize(), r) for r in ROLES]
    units = [(get_unit(a).label, a) for a in ACTIVATIONS]
    return [ChoiceAction(view, "new_neuron_role", roles, "Role of neurons the neuron tool adds"),
            ChoiceAction(view, "new_neuron_activation", units,
                         "Unit (activation) of neurons the neuron tool adds")]


class CanvasToolBar(QToolBar):
    """A ready-made toolbar: the three tools, then role and unit."""

    def __init__(self, view, parent=None) -> None:
        super().__init__("Canvas", parent)
        self.setObjectName("CanvasToolBar")  # so QMainWindow.saveState can remember it
        self.view = view
        tools = view.tool_actions()
        self.addActions(tools[:3])
        self.addSeparator()
        self.addActions(tools[3:])
        self.role_combo = self.widgetForAction(tools[3])
        self.unit_combo = self.widgetForAction(tools[4])

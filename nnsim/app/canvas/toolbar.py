"""The tools, and the role and unit combo boxes, for any toolbar.

`ChoiceAction` is a QWidgetAction: every toolbar it is added to gets its own `ChoiceBox`, and
all of them follow the view's `new_neuron_role` / `new_neuron_activation`.

The box's slots are its own methods, so Qt drops the connections when the box is deleted (a
main window clears its tool bar on File > New and adds the actions again); closures connected
to the view outlived their box and raised "Internal C++ object (QComboBox) already deleted".
"""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QToolBar, QWidgetAction

from nnsim.engine.network import ROLES
from nnsim.engine.units import ACTIVATIONS, get_unit


class ChoiceAction(QWidgetAction):
    def __init__(self, view, attribute: str, field: str, choices: list[tuple[str, str]],
                 tip: str) -> None:
        super().__init__(view)
        self.view, self.attribute, self.field, self.choices = view, attribute, field, choices
        self.setText(tip)
        self.setToolTip(tip)

    def createWidget(self, parent) -> QComboBox:  # noqa: N802 - Qt's name
        return ChoiceBox(self, parent)


class ChoiceBox(QComboBox):
    """One toolbar's box for a ChoiceAction (role or unit)."""

    def __init__(self, action: ChoiceAction, parent=None) -> None:
        super().__init__(parent)
        self.choice = action
        self.setToolTip(action.toolTip())
        for label, value in action.choices:
            self.addItem(label, value)
        self.show_current()
        self.currentIndexChanged.connect(self.chosen)
        view = action.view
        view.new_neuron_changed.connect(self.show_current)

    def show_current(self, *_args) -> None:
        self.blockSignals(True)
        self.setCurrentIndex(self.findData(getattr(self.choice.view, self.choice.attribute)))
        self.blockSignals(False)

    def chosen(self, index: int) -> None:
        value = self.itemData(index)
        if value is None:
            return
        setattr(self.choice.view, self.choice.attribute, value)
        self.choice.view.set_tool("neuron")  # choosing what to place means placing comes next


def choice_actions(view) -> list[ChoiceAction]:
    roles = [(r.capitalize(), r) for r in ROLES]
    units = [(get_unit(a).label, a) for a in ACTIVATIONS]
    return [ChoiceAction(view, "new_neuron_role", "role", roles,
                         "Role of neurons the neuron tool adds"),
            ChoiceAction(view, "new_neuron_activation", "activation", units,
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

"""The tools, and the role and unit combo boxes, for any toolbar.

`ChoiceAction` is a QWidgetAction: every toolbar it is added to gets its own `ChoiceBox`.  With
the neuron tool a box shows and sets what the tool adds next (the neuron just placed is selected,
and choosing the next one's role must not change it).  With the other tools it shows the selected
neurons' role (or unit) when they share one, and choosing gives them that role (or unit) as one
undoable edit; with nothing selected it sets what the neuron tool adds next.

The box's slots are its own methods, so Qt drops the connections when the box is deleted (a
main window clears its tool bar on File > New and adds the actions again); closures connected
to the view outlived their box and raised "Internal C++ object (QComboBox) already deleted".
"""
from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QComboBox, QToolBar, QToolTip, QWidgetAction

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
        view.selection_changed.connect(self.show_current)
        view.network_shown.connect(self.show_current)
        view.tool_changed.connect(self.show_current)

    def _targets(self) -> list[str]:
        """The neurons a choice applies to: the selection, except while placing neurons."""
        view = self.choice.view
        return [] if view.tool == "neuron" else view.selected_names()

    def current_value(self) -> str | None:
        """The selected neurons' common value; None when they differ; what the neuron tool
        adds next when nothing is selected."""
        view, field = self.choice.view, self.choice.field
        names = self._targets()
        if not names:
            return getattr(view, self.choice.attribute)
        net = view.document.network
        values = {getattr(net.neuron(n), field) for n in names if net.has_neuron(n)}
        return values.pop() if len(values) == 1 else None

    def show_current(self, *_args) -> None:
        value = self.current_value()
        self.blockSignals(True)
        self.setCurrentIndex(-1 if value is None else self.findData(value))
        self.blockSignals(False)

    def chosen(self, index: int) -> None:
        value = self.itemData(index)
        if value is None:
            return
        view = self.choice.view
        names = self._targets()
        setattr(view, self.choice.attribute, value)  # what the neuron tool adds next
        if not names:
            view.set_tool("neuron")  # choosing what to place means placing comes next
            return
        problem = view.set_selected_neurons(**{self.choice.field: value})
        if problem:
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), problem, self)
        self.show_current()


def choice_actions(view) -> list[ChoiceAction]:
    roles = [(r.capitalize(), r) for r in ROLES]
    units = [(get_unit(a).label, a) for a in ACTIVATIONS]
    return [ChoiceAction(view, "new_neuron_role", "role", roles,
                         "Role of the selected neurons, and of neurons the neuron tool adds"),
            ChoiceAction(view, "new_neuron_activation", "activation", units,
                         "Unit (activation) of the selected neurons, and of neurons the neuron "
                         "tool adds")]


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

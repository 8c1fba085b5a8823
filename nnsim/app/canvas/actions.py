"""The canvas's actions, for the main window's menus and toolbars.

Shortcuts are standard keys where Qt has one; the context is the canvas and its children, so a
main window that also puts them in its menus may widen it.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from .neuron_maps import MAPS_TIP
from .shapes import GRID
from .toolbar import ChoiceAction, choice_actions
from .tools import TOOL_HINTS


@dataclass
class CanvasActions:
    edit: list[QAction]
    view: list[QAction]
    tools: dict[str, QAction]
    group: QActionGroup
    choices: list[ChoiceAction]
    show_values: QAction
    show_maps: QAction


def _action(view, text: str, slot, shortcut=None, tip: str = "", checkable: bool = False):
    act = QAction(text, view)
    if shortcut is not None:
        act.setShortcut(QKeySequence(shortcut))
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    act.setToolTip(tip or text)
    act.setStatusTip(tip or text)
    act.setCheckable(checkable)
    (act.toggled if checkable else act.triggered).connect(slot)
    view.addAction(act)
    return act


def build_actions(v) -> CanvasActions:
    K = QKeySequence.StandardKey
    edit = [
        _action(v, "Cu&t", v.cut_selection, K.Cut, "Cut the selected neurons"),
        _action(v, "&Copy", v.copy_selection, K.Copy, "Copy the selected neurons"),
        _action(v, "&Paste", v.paste, K.Paste, "Paste neurons from the clipboard"),
        _action(v, "&Delete", v.delete_selection, K.Delete,
                "Delete the selected neurons and synapses"),
        _action(v, "Select &All", v.select_all, K.SelectAll, "Select every neuron"),
        _action(v, "Toggle &Inhibitory", v.toggle_selected_kind, "I",
                "Switch the selected synapses between excitatory and inhibitory "
                "(or right-click a synapse)"),
        _action(v, "Add Neuron &Here", v.add_neuron_here, "Insert",
                "Add a neuron beside the selection, or in the middle of the view (role and "
                "unit from the toolbar)"),
    ]
    view = [
        _action(v, "Zoom &In", lambda: v.zoom(1.25), K.ZoomIn, "Zoom in (or the mouse wheel)"),
        _action(v, "Zoom &Out", lambda: v.zoom(0.8), K.ZoomOut, "Zoom out (or the mouse wheel)"),
        _action(v, "&Fit to View", v.fit_to_view, "Ctrl+0", "Show the whole network"),
        _action(v, "&Snap to Grid", v.set_snap, None,
                f"Place and move neurons on a {int(GRID)}-unit grid", checkable=True),
        _action(v, "Auto &Layout", v.document_auto_layout, "Ctrl+L",
                "Arrange neurons in layers, inputs on the left (one undo step)"),
        _action(v, "Show &Values", v.set_show_values, "Ctrl+Shift+V",
                "Show outputs and biases on neurons and weights on synapses", checkable=True),
        _action(v, "Neuron Maps", v.set_show_maps, "Ctrl+Shift+M", MAPS_TIP, checkable=True),
    ]
    group = QActionGroup(v)
    group.setExclusive(True)
    tools: dict[str, QAction] = {}
    for name, text, key in (("select", "&Select", "S"), ("neuron", "Add &Neuron", "N"),
                            ("synapse", "&Connect", "C")):
        act = QAction(text, v)
        act.setCheckable(True)
        act.setShortcut(QKeySequence(key))
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.setToolTip(f"{TOOL_HINTS[name]}  ({key})")
        act.setStatusTip(TOOL_HINTS[name])
        act.setData(name)
        act.triggered.connect(lambda _=False, n=name: v.choose_tool(n))
        group.addAction(act)
        v.addAction(act)
        tools[name] = act
    tools["select"].setChecked(True)
    view[-2].setChecked(True)  # Show Values: numbers are on by default
    view[-1].setChecked(True)  # Neuron Maps: on by default
    return CanvasActions(edit, view, tools, group, choice_actions(v), view[-2], view[-1])

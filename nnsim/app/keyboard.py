"""The window from the keyboard: F6 / Shift+F6 cycle the panels, Enter on a neuron edits it in
the inspector, and screen readers hear a name for every panel and the canvas.

Panel order: the canvas, Lessons, Inspector, Learning rule, Data, then the plots on view (in
their registry order); closed docks are skipped, a dock in a tab behind another is raised.  The focus
lands on the panel's first control that takes Tab (a plot: its drawing), shown by a ring where
the style draws none (focus_ring.py).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDockWidget, QScrollArea, QWidget

from nnsim.app import focus_ring

PANEL_ORDER = ("lessonsDock", "inspectorDock", "rulesDock", "dataDock")


def panels(window) -> list[QWidget]:
    """The canvas, then each open dock (also one in a tab behind another), in F6 order."""
    docks = [window._docks[name] for name in PANEL_ORDER if name in window._docks]
    docks += [d for name, d in window._docks.items() if name not in PANEL_ORDER]
    return [window.view] + [d for d in docks if d.toggleViewAction().isChecked()]


def focus_target(panel: QWidget, window=None) -> QWidget | None:
    """Where the focus goes in `panel`: the canvas itself; a plot's drawing (the plot made if it
    was not yet); else the first control in the focus chain that takes Tab (not a scroll area,
    which shows no focus)."""
    if not isinstance(panel, QDockWidget):
        return panel
    name = panel.objectName()
    learning = getattr(window, "learning", None)
    if name.startswith("plot_") and name.endswith("_dock") and learning is not None:
        key = name[len("plot_"):-len("_dock")]
        if key in learning.plot_docks:
            learning.plots[key]  # noqa: B018 - made on first need (LazyPlots)
    content = panel.widget()
    for part in ("graphics", "unavailable_label"):  # the drawing, or why there is none
        widget = getattr(content, part, None)
        if widget is not None and widget.isVisible():
            return widget
    chain, w = [], panel.nextInFocusChain()
    while w is not None and w is not panel and len(chain) < 2000:
        chain.append(w)
        w = w.nextInFocusChain()
    for w in chain:
        if (panel.isAncestorOf(w) and w.isVisible() and w.isEnabled()
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                and not isinstance(w, QDockWidget | QScrollArea)):
            return w
    return None


def current_panel(window, order: list[QWidget]) -> int:
    focus = window.focusWidget()
    for k, panel in enumerate(order):
        if focus is not None and (focus is panel or panel.isAncestorOf(focus)):
            return k
    return -1


def cycle_panels(window, step: int) -> QWidget | None:
    """Move the focus to the next (step 1) or previous (-1) panel; returns the widget focused."""
    order = panels(window)
    k = current_panel(window, order)
    for j in range(1, len(order) + 1):
        panel = order[(k + step * j) % len(order)] if k >= 0 else order[(j - 1) % len(order)] \
            if step > 0 else order[-j]
        if isinstance(panel, QDockWidget):
            panel.raise_()  # a dock in a tab behind another comes to the front
        target = focus_target(panel, window)
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)
            return target
    return None


def edit_neuron(window, name: str) -> None:
    """Enter or F2 on a neuron: the inspector shown, its bias (an input's value) focused."""
    inspector, dock = window.inspector, window.inspector_dock
    if inspector is None or dock is None:
        return
    dock.show()
    dock.raise_()
    if inspector.name != name:
        inspector.set_selection([name])
    box = inspector.value_box if inspector.value_box.isVisibleTo(inspector) else inspector.bias_box
    box.setFocus(Qt.FocusReason.ShortcutFocusReason)
    box.selectAll()


def name_dock(dock: QDockWidget, title: str) -> None:
    dock.setAccessibleName(title)
    dock.setAccessibleDescription(f"{title} panel; F6 moves to the next panel")


def install(window) -> None:
    """Next Panel (F6) and Previous Panel (Shift+F6) in View, the canvas's Enter/F2 to the
    inspector, focus rings and accessible names."""
    menu = window.view_menu
    menu.addSeparator()
    for text, key, step in (("Ne&xt Panel", "F6", 1), ("Pre&vious Panel", "Shift+F6", -1)):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip("Move the keyboard focus to the next panel: canvas, lessons, "
                            "inspector, learning rule, data, plots")
        action.triggered.connect(lambda _c=False, s=step: cycle_panels(window, s))
        menu.addAction(action)
    window.view.edit_neuron_requested.connect(lambda name: edit_neuron(window, name))
    focus_ring.watch(window.view)
    for dock in window._docks.values():
        name_dock(dock, dock.windowTitle())
    keep_type_ahead(window)
    window.learning.docks_filled.connect(lambda: keep_type_ahead(window))


def name_plot(plot: QWidget, title: str) -> None:
    """A plot panel and its drawing, named for screen readers; its drawing shows a focus ring."""
    plot.setAccessibleName(f"{title} plot")
    graphics = getattr(plot, "graphics", None)
    if graphics is not None:
        graphics.setAccessibleName(f"{title} plot")
        graphics.setAccessibleDescription(f"The {title.lower()} plot; F6 moves to the next panel")
        focus_ring.watch(graphics)
    label = getattr(plot, "unavailable_label", None)
    if label is not None:  # a plot that does not apply says why: F6 reaches the sentence too
        label.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        focus_ring.watch(label)



class _TypeAhead(QObject):
    """A combo box keeps the letters typed into it ("Perc" picks Perceptron rule): the canvas's
    one-key shortcuts (S, N, C, I) are window-wide, and would otherwise take them."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ShortcutOverride and event.text().isprintable() \
                and event.text().strip() and not event.modifiers() & ~(
                    Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier):
            event.accept()
            return True
        return False


def keep_type_ahead(window) -> None:
    """Every combo box in the window keeps its type-ahead letters (see _TypeAhead)."""
    guard = window.findChild(_TypeAhead)
    if guard is None:
        guard = _TypeAhead(window)
    for combo in window.findChildren(QComboBox):
        combo.removeEventFilter(guard)
        combo.installEventFilter(guard)

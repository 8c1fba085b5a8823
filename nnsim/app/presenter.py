"""Presenter mode (View > Presenter Mode, F5; Esc leaves): the window as a lecture hall sees it.

    +---------------------------------------------------------------+
    | caption strip: the lesson, the scene's claim, live figures     |
    +-----------------------------------+---------------------------+
    |                                   |                           |
    |            canvas                 |   the scene's claim plot  |
    |                                   |                           |
    +-----------------------------------+---------------------------+

Full screen; text, lines, neurons and markers PRESENTER_SCALE times their size (the one factor:
the canvas's labels and fit, canvas/view.py and overlay.py; the plot's items, plots/style.py
`scale_graphics`; the caption strip, caption.py); only the canvas, the scene's claim plot and the
caption strip are shown (docks, tool bars, status bar and menu bar hidden: the menus' shortcuts
still work).  Left/Right and Page Up/Page Down, which presentation clickers send, step to the
previous/next scene, across lessons at the ends; Space plays and pauses as always; Esc leaves.
Leaving restores the layout as it was: docks, their sizes, tool bars, the window's state (full
screen or not) and the canvas's zoom.  `main.py record --presenter` records in this mode.
"""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMenuBar, QStatusBar, QToolBar, QWidget

PRESENTER_SCALE = 1.6  # text, lines, neurons and markers, against the normal mode's
PLOT_SHARE = 0.45  # the claim plot's share of the width, at most (a square plot: its height)
MAX_PLOT_SHARE = 0.55  # ... unless its larger axes and key need more (a narrow window)
NEXT_KEYS = (Qt.Key.Key_Right, Qt.Key.Key_PageDown)
PREVIOUS_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_PageUp)


def claim_plot(keys) -> str | None:
    """The plot a scene's claim is about: its large (square) plot if it has one, as the normal
    layout makes it (dock_layout.split_plots), else its first plot; None for a scene without."""
    from nnsim.app.dock_layout import split_plots

    keys = list(keys)
    square, _rest = split_plots(keys)
    return square if square is not None else (keys[0] if keys else None)


def _bar_actions(window) -> list[QAction]:
    """The actions of the window's menus (and their submenus) and tool bars."""
    found, todo = [], list(window.menuBar().actions())
    for bar in window.findChildren(QToolBar):
        todo += bar.actions()
    while todo:
        action = todo.pop()
        if action in found:
            continue
        found.append(action)
        if action.menu() is not None:
            todo += action.menu().actions()
    return found


class Presenter(QObject):
    """The mode for one main window: `action` (View > Presenter Mode, F5), `enter`, `leave`."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.scale = 1.0
        self.plot_key: str | None = None  # the claim plot on view
        self._saved: dict | None = None
        self._added_actions: list[QAction] = []
        self._scaled_plots: set = set()
        self._full_screen = True
        self._arranging = False
        self._arrange_timer = QTimer(self)  # after the event that showed what must stay hidden
        self._arrange_timer.setSingleShot(True)
        self._arrange_timer.setInterval(0)
        self._arrange_timer.timeout.connect(self.arrange)
        self.action = QAction("&Presenter Mode", window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.action.setToolTip("Full screen, larger text and lines, only the canvas, the claim's "
                               "plot and the caption; Left/Right step through scenes, Esc leaves")
        self.action.setStatusTip(self.action.toolTip())
        self.action.toggled.connect(lambda on: self.enter() if on else self.leave())
        window.view_menu.addAction(self.action)
        window.addAction(self.action)  # F5 works whatever is hidden
        window.engine.snapshot_ready.connect(self._after_frame)  # after the window drew it

    # ------------------------------------------------------------------ entering and leaving
    def enter(self, full_screen: bool = True) -> None:
        """Presenter mode; `full_screen=False` keeps the window's size (a recording at --size)."""
        if self.active:
            return
        w = self.window
        view = w.view
        self._saved = {
            "state": w.saveState(), "geometry": w.geometry(), "window_state": w.windowState(),
            "menu": not w.menuBar().isHidden(), "status": not w.statusBar().isHidden(),
            "auto_fit": view._auto_fit, "transform": view.transform(),
            "scroll": (view.horizontalScrollBar().value(), view.verticalScrollBar().value()),
            "document": w.document, "arranged": w.learning._arranged,
            "title_bars": {d: d.titleBarWidget() for d in w.findChildren(QDockWidget)},
            # restoreState shows docks that were out of the layout (dock_layout removes the
            # plots not on view): which were hidden, and which were out of it
            "hidden": {d: (d.isHidden(), w.dockWidgetArea(d) == Qt.DockWidgetArea.NoDockWidgetArea)
                       for d in w.findChildren(QDockWidget)},
        }
        self.active, self.scale, self._full_screen = True, PRESENTER_SCALE, full_screen
        # The docks hidden here are no user's choice of plots: the binding must not record them
        # in the document (doc_binding._on_plot_docks, run by this timer).
        w.learning._docks_timer.blockSignals(True)
        self._added_actions = []
        self._add_menu_actions()
        cue = getattr(w, "run_cue", None)  # "Press Space or ▶ Play to run": the teacher knows
        self._saved["cue"] = cue is not None and cue.isVisibleTo(w)
        if self._saved["cue"]:
            cue.hide()
            cue.place()  # the canvas gets the cue's band back
        view.set_ui_scale(self.scale)
        view._auto_fit = True
        w.caption_bar.strip.set_scale(self.scale)
        self.arrange()
        if full_screen:
            w.showFullScreen()
        QApplication.instance().installEventFilter(self)
        if not self.action.isChecked():
            self.action.setChecked(True)  # (toggled: enter again, a no-op)
        QTimer.singleShot(0, self, self.arrange)  # once the full screen is laid out

    def leave(self) -> None:
        """Back to the layout as it was before `enter`."""
        if not self.active:
            return
        w, saved = self.window, self._saved
        QApplication.instance().removeEventFilter(self)
        self._arrange_timer.stop()
        self.active, self.scale = False, 1.0
        self._remove_menu_actions()
        for plot in list(self._scaled_plots):
            self._scale_plot(plot, 1.0)
        self._scaled_plots.clear()
        self.plot_key = None
        w.view.set_ui_scale(1.0)
        if saved["cue"]:
            w.run_cue.show()
            w.run_cue.place()
        w.caption_bar.strip.set_scale(1.0)
        w.caption_bar.refresh()  # its height as before, before the docks get theirs
        for dock, bar in saved["title_bars"].items():
            dock.setTitleBarWidget(bar)
        w.menuBar().setVisible(saved["menu"])
        w.statusBar().setVisible(saved["status"])
        # The window's own size first: the docks' sizes are restored into it.
        state = saved["window_state"]
        if state & Qt.WindowState.WindowFullScreen:
            w.showFullScreen()
        elif state & Qt.WindowState.WindowMaximized:
            w.showMaximized()
        else:
            w.showNormal()
            w.setGeometry(saved["geometry"])
        QApplication.processEvents()
        refit = getattr(w, "_refit_timer", None)
        if refit is not None:  # the normal layout's shares: the restored sizes are the user's
            refit.stop()
        # restoreState brings back docks that were out of the layout (dock_layout takes the
        # plots not on view out of it), and the window grows to hold them: out of its reach
        # while it restores, they stay out.
        out = [d for d, (_hidden, away) in saved["hidden"].items() if away]
        for dock in out:
            if w.dockWidgetArea(dock) != Qt.DockWidgetArea.NoDockWidgetArea:
                w.removeDockWidget(dock)
            dock.setParent(None)
        w.restoreState(saved["state"])
        for dock in out:
            dock.setParent(w)
            dock.hide()
        for dock, (hidden, _away) in saved["hidden"].items():
            if hidden and not dock.isHidden():
                dock.hide()
        w.caption_bar.refresh()
        learning = w.learning
        if w.document is saved["document"]:
            learning._arranged = saved["arranged"]
        else:  # another scene was opened meanwhile: the normal layout of its plots
            learning.lay_out()
        QApplication.processEvents()
        if refit is not None:
            refit.stop()
        view = w.view
        if saved["auto_fit"]:
            view._auto_fit = True
            view.fit_to_view()
        else:
            view._auto_fit = False
            view.setTransform(saved["transform"])
            view.horizontalScrollBar().setValue(saved["scroll"][0])
            view.verticalScrollBar().setValue(saved["scroll"][1])
        learning._docks_timer.stop()  # the restored docks are the user's own again
        learning._docks_timer.blockSignals(False)
        self._saved = None
        if self.action.isChecked():
            self.action.setChecked(False)

    # ------------------------------------------------------------------ the layout
    def allowed(self) -> set:
        """The docks shown in presenter mode: the claim plot's."""
        learning = self.window.learning
        key = claim_plot(learning.shown_plots)
        return {learning.plot_docks[key]} if key in learning.plot_docks else set()

    def arrange(self) -> None:
        """Hide everything but the canvas, the claim plot and the caption strip; the plot on
        the right, PLOT_SHARE of the width at most; the plot's items scaled."""
        if not self.active or self._arranging:
            return
        self._arranging = True
        try:
            self._arrange()
        finally:
            self._arranging = False

    def _arrange(self) -> None:
        w = self.window
        learning = w.learning
        learning._arranged = ()  # refit() (a resize) must not give the normal layout's shares
        keep = self.allowed()
        for dock in w.findChildren(QDockWidget):
            if dock not in keep and not dock.isHidden():
                dock.hide()
        for bar in w.findChildren(QToolBar):
            if bar is not w.caption_bar and not bar.isHidden():
                bar.hide()
        w.menuBar().hide()
        w.statusBar().hide()
        w.caption_bar.refresh()
        key = claim_plot(learning.shown_plots)
        if key != self.plot_key:
            for plot in list(self._scaled_plots):
                self._scale_plot(plot, 1.0)
            self._scaled_plots.clear()
            self.plot_key = key
        if key is not None:
            dock = learning.plot_docks[key]
            if dock.isFloating():
                dock.setFloating(False)
            if w.dockWidgetArea(dock) != Qt.DockWidgetArea.RightDockWidgetArea or \
                    w.tabifiedDockWidgets(dock):
                w.removeDockWidget(dock)
                w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.setTitleBarWidget(QWidget(dock))  # no title bar: the caption names the scene
            dock.show()
            plot = learning.plots[key]
            self._scale_plot(plot, self.scale)
            self._scaled_plots.add(plot)
            # as wide as its larger axes and key need, within MAX_PLOT_SHARE of the window
            graphics = getattr(plot, "graphics", None)
            if graphics is not None:  # its items' new sizes in its layout now, not later
                graphics.ci.layout.activate()
                plot.fit_minimum_size()
            need = min(plot.minimumSizeHint().width(), int(w.width() * MAX_PLOT_SHARE))
            w.resizeDocks([dock], [max(self.plot_width(), need)], Qt.Orientation.Horizontal)
        if w.view._auto_fit:
            w.view.fit_to_view()

    def plot_width(self) -> int:
        """The claim plot's width: PLOT_SHARE of the window's at most, and a square plot no
        wider than the height under the caption strip."""
        w = self.window
        width = int(w.width() * PLOT_SHARE)
        from nnsim.app.dock_layout import SQUARE_PLOTS, caption_height

        if self.plot_key in SQUARE_PLOTS:
            width = min(width, w.height() - caption_height(w))
        return max(width, 240)

    def _scale_plot(self, plot, factor: float) -> None:
        from nnsim.app.plots import style

        graphics = getattr(plot, "graphics", None)
        if graphics is not None:
            style.scale_graphics(graphics, factor)
            if hasattr(plot, "measure_key"):  # the layer view's key, measured at this size
                plot.measure_key()
            elif hasattr(plot, "fit_minimum_size"):
                plot.fit_minimum_size()
        header = getattr(plot, "header", None)
        if header is not None:  # the status line and buttons over the plot
            if factor == 1.0:
                header.setFont(plot.font())
            else:
                font = plot.font()
                font.setPointSizeF(font.pointSizeF() * factor)
                header.setFont(font)

    def _after_frame(self, *_args) -> None:
        """A frame may have given the plot's items new sizes (a scatter's): scaled again."""
        if self.active:
            for plot in self._scaled_plots:
                self._scale_plot(plot, self.scale)

    # ------------------------------------------------------------------ scenes
    def step(self, delta: int) -> bool:
        """The next (+1) or previous (-1) scene, across lessons at the ends; the first lesson
        when none is open.  Returns whether a scene was opened."""
        learning = self.window.learning
        lessons = learning.lesson_list()
        if not lessons:
            return False
        lesson, index = learning.lesson, learning.scene_index + delta
        position = next((i for i, item in enumerate(lessons)
                         if lesson is not None and item.id == lesson.id), None)
        if position is None:
            lesson, index = lessons[0], 0
        elif not 0 <= index < len(lesson.scenes):
            position += delta
            if not 0 <= position < len(lessons):
                return False  # the first scene of the first lesson, or the last of the last
            lesson = lessons[position]
            index = 0 if delta > 0 else len(lesson.scenes) - 1
        opened = learning.open_scene(lesson, index)
        if opened and self.active:
            self._remove_menu_actions()  # a scene may rebuild menus: their actions as now
            self._add_menu_actions()
            self.window.view._auto_fit = True
            self.arrange()
            self._arrange_timer.start()  # and again once the new scene's docks have settled
        return opened

    def _add_menu_actions(self) -> None:
        """The menus' shortcuts work with the menu bar hidden: their actions on the window too."""
        w = self.window
        own = set(w.actions())
        self._added_actions = [a for a in _bar_actions(w) if a not in own and a.shortcuts()]
        w.addActions(self._added_actions)

    def _remove_menu_actions(self) -> None:
        """Take the window's copies of menu actions off again (those a rebuilt menu has deleted
        meanwhile are gone already)."""
        for action in self._added_actions:
            if shiboken6.isValid(action):
                self.window.removeAction(action)
        self._added_actions = []

    # ------------------------------------------------------------------ keys and stray docks
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return self._key(watched, event, kind == QEvent.Type.KeyPress)
        if kind == QEvent.Type.Show and isinstance(watched, (QDockWidget, QToolBar, QMenuBar,
                                                              QStatusBar)):
            if watched.window() is self.window and not self._arranging:
                self._arrange_timer.start()  # something showed what presenter mode hides
        elif kind == QEvent.Type.Resize and watched is self.window:
            self._arrange_timer.start()
        return False

    def _key(self, watched, event, press: bool) -> bool:
        key = event.key()
        if key not in (*NEXT_KEYS, *PREVIOUS_KEYS, Qt.Key.Key_Escape):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if not press:  # ShortcutOverride: the key is presenter mode's, no shortcut's
            event.accept()
            return True
        if event.isAutoRepeat():
            return True  # a key held down does not race through the lessons
        if key == Qt.Key.Key_Escape:
            QTimer.singleShot(0, self, self.leave)  # after this event
        else:
            self.step(1 if key in NEXT_KEYS else -1)
        return True

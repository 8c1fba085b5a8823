"""Run controls: Play/Pause (Space), Step (F10, Ctrl+Right), Step 10, Reset, and the speed.

The speed is a pace in epochs a second (one epoch: one pass over the data; a network with no
rule learning steps that many times a second instead), a number of steps per frame, or as fast
as the engine goes.  A pace is what a class can watch: a lesson's training takes seconds.

The controls only send commands to the engine thread and show its state; they never wait on it.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QMenu, QStyle, QToolBar

from nnsim.app import theme
from nnsim.app.icons import media_icon
from nnsim.engine import runner

# Paces: epochs a second, sent to the engine as "N/s" (nnsim.engine.runner.pace).
PACES = (1, 3, 10, 30)
# (label, steps per frame); "max" = as fast as the engine goes.
SPEEDS = (("1 step/frame", 1), ("2 steps/frame", 2), ("5 steps/frame", 5),
          ("10 steps/frame", 10), ("100 steps/frame", 100), ("1,000 steps/frame", 1000),
          ("Max speed", "max"))
DEFAULT_SPEED = 1  # one step per frame, as before paces existed


def pace_label(n: int, epochs: bool = True) -> str:
    unit = "epoch" if epochs else "step"
    return f"{n} {unit}{'s' if n != 1 else ''}/s"


class RunControls(QObject):
    def __init__(self, window, engine) -> None:
        super().__init__(window)
        self.engine = engine
        style = window.style()
        self.play = QAction(media_icon(style, QStyle.StandardPixmap.SP_MediaPlay), "&Play", window)
        self.play.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play.setStatusTip("Run the simulation (Space pauses)")
        self.play.triggered.connect(lambda _c=False: engine.toggle())
        self.step = QAction(media_icon(style, QStyle.StandardPixmap.SP_MediaSkipForward),
                            "&Step", window)
        self.step.setShortcuts([QKeySequence(Qt.Key.Key_F10), QKeySequence("Ctrl+Right")])
        self.step.setStatusTip("One step: one update of the rule, or one time step")
        self.step.triggered.connect(lambda _c=False: engine.step())
        self.step10 = QAction("Step &10", window)
        self.step10.setShortcut(QKeySequence("Ctrl+Shift+Right"))
        self.step10.triggered.connect(lambda _c=False: engine.step_n(10))
        self.reset = QAction(media_icon(style, QStyle.StandardPixmap.SP_MediaSkipBackward),
                             "&Reset", window)
        self.reset.setShortcut(QKeySequence("Ctrl+Backspace"))  # Ctrl+R is Record
        self.reset.setStatusTip("Back to the network as drawn: step 0, weights as in the document")
        self.reset.triggered.connect(lambda _c=False: engine.reset())
        self.speed = QComboBox()
        self.speed.setObjectName("speed")
        self.speed.setToolTip("Speed: epochs a second (passes over the data; steps a second where "
                              "no rule learns), steps per frame (about 60 frames a second), or as "
                              "fast as the engine goes")
        for n in PACES:
            self.speed.addItem(pace_label(n), f"{n}/s")
        self.speed.insertSeparator(self.speed.count())
        for label, value in SPEEDS:
            self.speed.addItem(label, value)
        self.speed.setCurrentIndex(self.speed.findData(DEFAULT_SPEED))
        self._paces_in_epochs = True
        self.speed.currentIndexChanged.connect(self._speed_changed)
        self.faster = QAction("Faster", window)
        self.faster.setShortcut(QKeySequence("Ctrl+]"))
        self.faster.triggered.connect(lambda _c=False: self._nudge_speed(+1))
        self.slower = QAction("Slower", window)
        self.slower.setShortcut(QKeySequence("Ctrl+["))
        self.slower.triggered.connect(lambda _c=False: self._nudge_speed(-1))
        engine.running_changed.connect(self.show_running)
        engine.snapshot_ready.connect(self._label_paces)
        self._running = False
        self.show_running(False)
        theme.notifier().changed.connect(self._theme_changed)

    def _theme_changed(self) -> None:
        """The icons in the new theme's ink (nnsim.app.icons)."""
        style = self.play.parent().style()
        self.step.setIcon(media_icon(style, QStyle.StandardPixmap.SP_MediaSkipForward))
        self.reset.setIcon(media_icon(style, QStyle.StandardPixmap.SP_MediaSkipBackward))
        self.show_running(self._running)

    def show_running(self, running: bool) -> None:
        style = self.play.parent().style()
        self._running = running
        icon = QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay
        self.play.setIcon(media_icon(style, icon))
        self.play.setText("&Pause" if running else "&Play")
        self.play.setToolTip(("Pause" if running else "Play") + " (Space)")
        for action in (self.step, self.step10):  # a run steps on by itself
            action.setEnabled(not running)

    def set_speed(self, value) -> None:
        """Show this speed in the speed box and send it: steps per frame, "max", or a pace
        "N/s" (N epochs a second).  A lesson's steps per frame or pace may be one the box does
        not list: it is added in order."""
        index = self.speed.findData(value)
        if index < 0 and isinstance(value, str) and value.endswith("/s"):
            n = runner.pace(value)
            n = int(n) if float(n).is_integer() else n
            index = next((i for i in range(self.speed.count())
                          if self._pace_of(i) is None or self._pace_of(i) > n),
                         self.speed.count())
            self.speed.insertItem(index, pace_label(n, self._paces_in_epochs), f"{n}/s")
        elif index < 0:
            n = max(1, int(value))
            index = next((i for i in range(self.speed.count())
                          if self.speed.itemData(i) == "max" or (
                              isinstance(self.speed.itemData(i), int)
                              and self.speed.itemData(i) > n)),
                         self.speed.count())
            self.speed.insertItem(index, f"{n:,} step{'s' if n != 1 else ''}/frame", n)
        if index == self.speed.currentIndex():
            self.engine.set_speed(self.speed.itemData(index))
        else:
            self.speed.setCurrentIndex(index)  # sends it

    def _pace_of(self, index: int):
        data = self.speed.itemData(index)
        return runner.pace(data) if isinstance(data, str) else None

    def _label_paces(self, snapshot, _rate: float = 0.0) -> None:
        """Paces read "epochs/s" while a rule learns, "steps/s" where none does (a step is then
        the unit the engine paces)."""
        epochs = bool(snapshot.rule) and not snapshot.message
        if epochs == self._paces_in_epochs:
            return
        self._paces_in_epochs = epochs
        for i in range(self.speed.count()):
            n = self._pace_of(i)
            if n is not None:
                self.speed.setItemText(i, pace_label(int(n) if float(n).is_integer() else n,
                                                     epochs))

    def _speed_changed(self, index: int) -> None:
        value = self.speed.itemData(index)
        if value is not None:  # not the separator
            self.engine.set_speed(value)

    def _nudge_speed(self, delta: int) -> None:
        """The next speed up or down the box (over the line between paces and steps/frame)."""
        index = self.speed.currentIndex() + delta
        if 0 <= index < self.speed.count() and self.speed.itemData(index) is None:
            index += delta
        if 0 <= index < self.speed.count():
            self.speed.setCurrentIndex(index)

    def fill_menu(self, menu: QMenu) -> None:
        for action in (self.play, self.step, self.step10, self.reset):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.faster)
        menu.addAction(self.slower)

    def fill_toolbar(self, bar: QToolBar) -> None:
        for action in (self.play, self.step, self.reset):
            bar.addAction(action)
        bar.addWidget(self.speed)

"""Run controls: Play/Pause (Space), Step (F10, Ctrl+Right), Step 10, Reset, and the speed.

The controls only send commands to the engine thread and show its state; they never wait on it.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QMenu, QStyle, QToolBar

# (label, steps per frame); "max" = as fast as the engine goes.
SPEEDS = (("1 step/frame", 1), ("2 steps/frame", 2), ("5 steps/frame", 5),
          ("10 steps/frame", 10), ("100 steps/frame", 100), ("1,000 steps/frame", 1000),
          ("Max speed", "max"))


class RunControls(QObject):
    def __init__(self, window, engine) -> None:
        super().__init__(window)
        self.engine = engine
        style = window.style()
        self.play = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "&Play", window)
        self.play.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play.setStatusTip("Run the simulation (Space pauses)")
        self.play.triggered.connect(lambda _c=False: engine.toggle())
        self.step = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward),
                            "&Step", window)
        self.step.setShortcuts([QKeySequence(Qt.Key.Key_F10), QKeySequence("Ctrl+Right")])
        self.step.setStatusTip("One step: one update of the rule, or one time step")
        self.step.triggered.connect(lambda _c=False: engine.step())
        self.step10 = QAction("Step &10", window)
        self.step10.setShortcut(QKeySequence("Ctrl+Shift+Right"))
        self.step10.triggered.connect(lambda _c=False: engine.step_n(10))
        self.reset = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward),
                             "&Reset", window)
        self.reset.setShortcut(QKeySequence("Ctrl+Backspace"))  # Ctrl+R is Record
        self.reset.setStatusTip("Back to the network as drawn: step 0, weights as in the document")
        self.reset.triggered.connect(lambda _c=False: engine.reset())
        self.speed = QComboBox()
        self.speed.setObjectName("speed")
        self.speed.setToolTip("Speed: steps per frame (about 60 frames a second), or as fast as "
                              "the engine goes")
        for label, value in SPEEDS:
            self.speed.addItem(label, value)
        self.speed.currentIndexChanged.connect(self._speed_changed)
        self.faster = QAction("Faster", window)
        self.faster.setShortcut(QKeySequence("Ctrl+]"))
        self.faster.triggered.connect(lambda _c=False: self._nudge_speed(+1))
        self.slower = QAction("Slower", window)
        self.slower.setShortcut(QKeySequence("Ctrl+["))
        self.slower.triggered.connect(lambda _c=False: self._nudge_speed(-1))
        engine.running_changed.connect(self.show_running)
        self.show_running(False)

    def show_running(self, running: bool) -> None:
        style = self.play.parent().style()
        icon = QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay
        self.play.setIcon(style.standardIcon(icon))
        self.play.setText("&Pause" if running else "&Play")
        self.play.setToolTip(("Pause" if running else "Play") + " (Space)")
        for action in (self.step, self.step10):  # a run steps on by itself
            action.setEnabled(not running)

    def set_speed(self, value) -> None:
        """Show this speed in the speed box and send it (a lesson's steps per frame may be
        one the box does not list: it is added in order)."""
        index = self.speed.findData(value)
        if index < 0:
            n = max(1, int(value))
            index = next((i for i in range(self.speed.count())
                          if self.speed.itemData(i) == "max" or self.speed.itemData(i) > n),
                         self.speed.count())
            self.speed.insertItem(index, f"{n:,} step{'s' if n != 1 else ''}/frame", n)
        if index == self.speed.currentIndex():
            self.engine.set_speed(self.speed.itemData(index))
        else:
            self.speed.setCurrentIndex(index)  # sends it

    def _speed_changed(self, index: int) -> None:
        self.engine.set_speed(self.speed.itemData(index))

    def _nudge_speed(self, delta: int) -> None:
        self.speed.setCurrentIndex(max(0, min(self.speed.count() - 1,
                                              self.speed.currentIndex() + delta)))

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

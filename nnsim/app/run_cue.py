"""The first-launch cue: "Press Space or ▶ Play to run", large, over the top of the canvas, until
the simulation is first run.  Remembered in the window's settings: once Play was pressed, it
is never shown again.

It floats over the window's central widget (a child of the window, not of the canvas) and lets
every mouse event through to the canvas below it.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QGraphicsDropShadowEffect, QLabel

from nnsim.app.colors import NEGATIVE

SETTING = "hints/runCueDone"  # true once the simulation was run: the cue is not shown again
TEXT = "Press Space or ▶ Play to run"
TEXT_NARROW = "Press Space or\n▶ Play to run"
MARGIN = 14  # px between the canvas's top edge and the cue
PULSE_MS = 700  # the cue's border alternates this often, a few times, to catch the eye
PULSES = 8


def cue_done(settings) -> bool:
    return settings.value(SETTING, False, type=bool)


class RunCue(QLabel):
    """Shown over `window.centralWidget()` while `window.settings` says it was never run;
    hidden for good on the first Play (window.engine.running_changed, or the Play action)."""

    def __init__(self, window) -> None:
        super().__init__(TEXT, window)
        self.setObjectName("runCue")
        self._window = window
        self._settings = window.settings
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._points = max(15, round(self.font().pointSizeF() * 1.6))
        self._pulse = 0
        self._style(bright=True)
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(18)
        shadow.setOffset(0, 3)
        self.setGraphicsEffect(shadow)
        self._timer = QTimer(self)
        self._timer.setInterval(PULSE_MS)
        self._timer.timeout.connect(self._beat)
        self._tracked = None
        if cue_done(self._settings):
            self.hide()
            return
        window.engine.running_changed.connect(self._on_running)
        window.run.play.triggered.connect(self.dismiss)
        self._track(window.centralWidget())
        window.installEventFilter(self)  # a new central widget, a resized window
        self.adjustSize()
        self.place()
        self.raise_()
        self._timer.start()

    def _style(self, bright: bool) -> None:
        r, g, b = NEGATIVE
        border = "#ffffff" if bright else f"rgb({r}, {g}, {b})"
        self.setStyleSheet(f"QLabel#runCue {{ color: white; background: rgb({r}, {g}, {b}); "
                           f"font-size: {self._points}pt; font-weight: bold; "
                           f"border: 3px solid {border}; border-radius: 10px; "
                           "padding: 10px 22px; }")

    def _beat(self) -> None:
        self._pulse += 1
        self._style(bright=self._pulse % 2 == 0)
        if self._pulse >= PULSES:  # enough to be seen; no endless repaints
            self._timer.stop()
            self._style(bright=True)

    def _track(self, widget) -> None:
        if widget is self._tracked:
            return
        if self._tracked is not None:
            self._tracked.removeEventFilter(self)
        self._tracked = widget
        if widget is not None:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show,
                            QEvent.Type.LayoutRequest):
            if watched is self._window:
                self._track(self._window.centralWidget())
            self.place()
        return False

    def place(self) -> None:
        """At the top centre of the central widget (the canvas), in a band the canvas keeps
        free for it (its viewport starts below the cue), so it never covers a neuron."""
        central = self._window.centralWidget()
        if central is None:
            return
        self.ensurePolished()  # the style sheet's font, for the size
        area = central.geometry()  # in the window's coordinates: the canvas is its child
        room = max(120, area.width() - 2 * MARGIN)
        self.setText(TEXT)
        if self.sizeHint().width() > room:  # a narrow canvas: two lines, nothing cut
            self.setText(TEXT_NARROW)
        hint = self.sizeHint()
        width = min(hint.width(), room)
        self.resize(width, hint.height())
        self.move(area.center().x() - width // 2, area.top() + MARGIN)
        self.raise_()
        band = hint.height() + 2 * MARGIN if self.isVisibleTo(self._window) else 0
        self._reserve(central, band)

    def _reserve(self, central, band: int) -> None:
        if isinstance(central, QAbstractScrollArea) and central.viewportMargins().top() != band:
            central.setViewportMargins(0, band, 0, 0)

    def _on_running(self, running: bool) -> None:
        if running:
            self.dismiss()

    def withdraw(self) -> None:
        """Hide it for this window only (a headless recording shows the lesson, not the cue)."""
        self._timer.stop()
        self.hide()
        self._reserve(self._window.centralWidget(), 0)

    def dismiss(self, *_args) -> None:
        """Hide it for good: this window's settings remember that the simulation was run."""
        self._timer.stop()
        self.hide()
        self._reserve(self._window.centralWidget(), 0)
        self._window.removeEventFilter(self)
        self._track(None)
        if not cue_done(self._settings):
            self._settings.setValue(SETTING, True)
            self._settings.sync()

"""A clear focus ring on widgets whose style draws none (the canvas and the plots).

Qt's styles show focus on buttons, boxes and fields, but a QGraphicsView (the canvas, every
pyqtgraph plot) shows nothing: a keyboard user cannot tell where the keys go.  `watch(widget)`
lays a ring over its edge while it has the focus, as browsers' :focus-visible does: shown when
the keyboard brought the focus (Tab, F6, a shortcut) or is used there, hidden on a mouse click
(a mouse user sees where they clicked) and when the focus leaves.  Recordings, which press no
keys, never show it.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

WIDTH = 3  # pixels: seen from the back of a lecture hall
KEYBOARD_REASONS = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                    Qt.FocusReason.ShortcutFocusReason)


class FocusRing(QWidget):
    """The ring, a child laid over its watched widget; transparent to the mouse."""

    def __init__(self, watched: QWidget) -> None:
        super().__init__(watched)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        from nnsim.app.canvas import shapes  # the theme's accent (theme.py sets it in place)

        painter = QPainter(self)
        pen = QPen(shapes.ACCENT, WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = WIDTH / 2
        painter.drawRect(QRectF(self.rect()).adjusted(half, half, -half, -half))
        painter.end()


class _Watcher(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        self.ring = FocusRing(widget)
        widget.installEventFilter(self)
        if isinstance(widget, QAbstractScrollArea):  # the mouse lands on its viewport
            widget.viewport().installEventFilter(self)

    def show_ring(self, on: bool) -> None:
        ring = self.ring
        if on and self.widget.hasFocus():
            ring.setGeometry(self.widget.rect())
            ring.raise_()
            ring.show()
        elif ring.isVisible():
            ring.hide()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.FocusIn and watched is self.widget:
            self.show_ring(event.reason() in KEYBOARD_REASONS)
        elif kind == QEvent.Type.FocusOut and watched is self.widget:
            self.show_ring(False)
        elif kind == QEvent.Type.KeyPress and watched is self.widget:
            if not self.ring.isVisible():
                self.show_ring(True)
        elif kind == QEvent.Type.MouseButtonPress:
            self.show_ring(False)
        elif kind == QEvent.Type.Resize and watched is self.widget and self.ring.isVisible():
            self.ring.setGeometry(self.widget.rect())
        return False


def watch(widget: QWidget) -> FocusRing:
    """Show a focus ring on `widget` while it has the keyboard focus (see the module's note);
    returns the ring (hidden until then).  Watching a widget twice keeps one ring."""
    existing = widget.findChild(FocusRing, "focusRing", Qt.FindChildOption.FindDirectChildrenOnly)
    if existing is not None:
        return existing
    return _Watcher(widget).ring


def ring_of(widget: QWidget) -> FocusRing | None:
    return widget.findChild(FocusRing, "focusRing", Qt.FindChildOption.FindDirectChildrenOnly)

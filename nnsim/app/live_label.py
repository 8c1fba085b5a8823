"""LiveLabel: one line of text that changes every frame without re-laying the window out.

QLabel.setText asks its layout to recompute (updateGeometry), and the request climbs to the
main window, whose layout then measures every dock again, word-wrapped labels included: more
than a frame's drawing (measured in bench_gui, 2-16-16-1 training: 15% of the GUI thread).  A
LiveLabel's size does not depend on its text (one line high, as wide as its layout gives it;
longer text is elided, whole in the tooltip), so setText only repaints it.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget


def elide_words(text: str, metrics, width: int) -> str:
    """`text` if it fits in `width` pixels, else its longest run of whole words that fits with
    " …" after it (a trailing "·", "→", "=" or "," dropped), never cut inside a word or a
    number; "…" when not even the first word fits."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split(" ")
    for n in range(len(words) - 1, 0, -1):
        head = words[:n]
        while head and not any(c.isalnum() for c in head[-1]):
            head.pop()  # a separator or an arrow left hanging
        shown = " ".join(head).rstrip(",;:") + " …"
        if head and metrics.horizontalAdvance(shown) <= width:
            return shown
    return "…"


class LiveLabel(QWidget):
    """A one-line, elided, self-repainting label; `text()`/`setText()` as on a QLabel."""

    def __init__(self, text: str = "", parent: QWidget | None = None, indent: int = 0,
                 min_chars: int = 0) -> None:
        """min_chars: the width it asks for, in average characters (less when squeezed)."""
        super().__init__(parent)
        self._text = ""
        self._indent = indent
        self._min_chars = min_chars
        self.elide_at_words = False  # True: shortened by whole words (elide_words), never mid-number
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        text = str(text)
        if text != self._text:
            self._text = text
            self.setToolTip(text)
            self.update()

    def _size(self, chars: int) -> QSize:
        metrics, margins = self.fontMetrics(), self.contentsMargins()
        width = self._indent + metrics.averageCharWidth() * max(chars, 1)
        return QSize(width + margins.left() + margins.right(),
                     metrics.height() + 4 + margins.top() + margins.bottom())

    def sizeHint(self) -> QSize:
        return self._size(self._min_chars)

    def minimumSizeHint(self) -> QSize:
        return self._size(min(self._min_chars, 8))  # squeezed: elided, never dropped

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect().adjusted(self._indent, 0, 0, 0)
        shown = self.shown_text(rect.width())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)

    def shown_text(self, width: int | None = None) -> str:
        """The text as painted in `width` pixels (default: its own)."""
        if width is None:
            width = self.contentsRect().width() - self._indent
        if self.elide_at_words:
            return elide_words(self._text, self.fontMetrics(), width)
        return self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, width)

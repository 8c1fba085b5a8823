"""The colour legend and hints, painted in viewport pixels over the canvas."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPolygonF

from nnsim.app.colors import POSITIVE, gradient

from .shapes import INK, MUTED, OUTLINE, neuron_path, ui_font

PANEL = QColor(255, 255, 255, 230)
BORDER = QColor(207, 216, 220)


KEY_ROW = 20.0  # height of one row of the shape key


def paint_legend(painter: QPainter, viewport: QRectF) -> QRectF:
    """The diverging scale in the bottom-right corner, with a key to the shapes under it;
    returns the rectangle it used."""
    font, small = ui_font(8.5, bold=True), ui_font(8)
    fm = QFontMetricsF(small)
    bar_w, bar_h, pad = 180.0, 10.0, 10.0
    w = bar_w + 2 * pad
    h = pad + fm.height() + 4 + bar_h + 3 + fm.height() + 2 * KEY_ROW + pad
    rect = QRectF(viewport.right() - w - 12, viewport.bottom() - h - 12, w, h)
    painter.setPen(QPen(BORDER, 1))
    painter.setBrush(PANEL)
    painter.drawRoundedRect(rect, 6, 6)
    painter.setFont(font)
    painter.setPen(INK)
    painter.drawText(QPointF(rect.left() + pad, rect.top() + pad + fm.ascent()), "Output and weight")
    bar = QRectF(rect.left() + pad, rect.top() + pad + fm.height() + 4, bar_w, bar_h)
    grad = gradient(bar.left(), bar.right())
    painter.setPen(QPen(BORDER, 0.8))
    painter.setBrush(grad)
    painter.drawRoundedRect(bar, 2, 2)
    painter.setFont(small)
    painter.setPen(MUTED)
    for frac, text in ((0.0, "\u22121"), (0.5, "0"), (1.0, "+1")):
        x = bar.left() + frac * bar_w
        tw = fm.horizontalAdvance(text)
        x = min(max(x - tw / 2, bar.left()), bar.right() - tw)
        painter.drawText(QPointF(x, bar.bottom() + 3 + fm.ascent()), text)
    _paint_key(painter, QPointF(bar.left(), bar.bottom() + 3 + fm.height() + 4), fm)
    return rect


def _paint_key(painter: QPainter, origin: QPointF, fm: QFontMetricsF) -> None:
    """Roles by shape, then the two kinds of synapse, as small drawings with words."""
    x, y = origin.x(), origin.y() + KEY_ROW / 2
    for role, label in (("input", "input"), ("hidden", "hidden"), ("output", "output")):
        painter.save()
        painter.translate(x + 7, y)
        painter.scale(0.36, 0.36)
        painter.setPen(QPen(OUTLINE, 1.2 / 0.36))
        painter.setBrush(QColor(247, 247, 247))
        painter.drawPath(neuron_path(role))
        painter.restore()
        painter.setPen(MUTED)
        painter.drawText(QPointF(x + 19, y + fm.ascent() / 2 - 1), label)
        x += 19 + fm.horizontalAdvance(label) + 10
    x, y = origin.x(), y + KEY_ROW
    colour = QColor(*POSITIVE)
    for inhibitory, label in ((False, "excitatory"), (True, "inhibitory")):
        painter.setPen(QPen(colour, 1.8))
        painter.drawLine(QPointF(x, y), QPointF(x + 16, y))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        if inhibitory:
            painter.drawEllipse(QPointF(x + 17, y), 3.2, 3.2)
        else:
            painter.drawPolygon(QPolygonF([QPointF(x + 21, y), QPointF(x + 14, y - 3.5),
                                           QPointF(x + 14, y + 3.5)]))
        painter.setPen(MUTED)
        painter.drawText(QPointF(x + 25, y + fm.ascent() / 2 - 1), label)
        x += 25 + fm.horizontalAdvance(label) + 12


def paint_hint(painter: QPainter, viewport: QRectF, text: str, centred: bool = False) -> None:
    """A one-line hint: centred on an empty canvas, else at the bottom left."""
    font = ui_font(10 if centred else 8.5)
    fm = QFontMetricsF(font)
    painter.setFont(font)
    painter.setPen(MUTED)
    if centred:
        painter.drawText(viewport, Qt.AlignmentFlag.AlignCenter, text)
    else:
        w = min(fm.horizontalAdvance(text), viewport.width() - 250)  # clear of the legend
        plate = QRectF(viewport.left() + 8, viewport.bottom() - 12 - fm.height() - 4,
                       w + 10, fm.height() + 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PANEL)
        painter.drawRoundedRect(plate, 4, 4)
        painter.setPen(MUTED)
        text = fm.elidedText(text, Qt.TextElideMode.ElideRight, w)
        painter.drawText(QPointF(plate.left() + 5, plate.bottom() - 3 - fm.descent()), text)

"""The colour legend and hints, painted in viewport pixels over the canvas.

The legend never covers a neuron: it goes to the first corner of the view free of neurons (the
one covering the fewest labels), and where no corner is free it folds into a small "Legend"
tab that opens on hover or click.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPolygonF

from nnsim.app.colors import POSITIVE, gradient

from .shapes import INK, MUTED, OUTLINE, neuron_path, ui_font
from .synapses import DASHES

PANEL = QColor(255, 255, 255, 230)
BORDER = QColor(207, 216, 220)


KEY_ROW = 20.0  # height of one row of the shape key
PAD = 10.0  # inside the legend's box
MARGIN = 12.0  # between the legend and the viewport's edge
# where the legend may go, in order of preference: the bottom left holds the tool hint
CORNERS = ("bottom-right", "top-right", "top-left", "bottom-left")
TAB_TEXT = "Legend"


def legend_size() -> tuple[float, float]:
    """(width, height) of the legend in pixels."""
    fm = QFontMetricsF(ui_font(8))
    return 180.0 + 2 * PAD, PAD + fm.height() + 4 + 10.0 + 3 + fm.height() + 2 * KEY_ROW + PAD


def tab_size() -> tuple[float, float]:
    """(width, height) of the folded legend's tab."""
    fm = QFontMetricsF(ui_font(8.5, bold=True))
    return fm.horizontalAdvance(TAB_TEXT) + 2 * PAD + 18, fm.height() + 8


def corner_rect(viewport: QRectF, corner: str, size: tuple[float, float]) -> QRectF:
    """A rectangle of `size` in `corner` ('bottom-right', 'top-left', ...) of the viewport."""
    w, h = size
    x = viewport.left() + MARGIN if corner.endswith("left") else viewport.right() - w - MARGIN
    y = viewport.top() + MARGIN if corner.startswith("top") else viewport.bottom() - h - MARGIN
    return QRectF(x, y, w, h)


def _covered(rect: QRectF, boxes: np.ndarray, pad: float = 4.0) -> np.ndarray:
    """Which of boxes ((k, 4) x0, y0, x1, y1) the rectangle (grown by pad) overlaps."""
    if not len(boxes):
        return np.zeros(0, bool)
    x0, y0 = rect.left() - pad, rect.top() - pad
    x1, y1 = rect.right() + pad, rect.bottom() + pad
    return (boxes[:, 0] < x1) & (boxes[:, 2] > x0) & (boxes[:, 1] < y1) & (boxes[:, 3] > y0)


def legend_place(viewport: QRectF, neurons: np.ndarray,
                 labels: np.ndarray | None = None) -> tuple[QRectF, str, bool]:
    """Where the legend goes: (rect, corner, folded).  The first corner (CORNERS order) whose
    legend covers no neuron and no label (the numbers are what a lesson is about); when every
    corner would cover one, the legend folds into a tab, in a corner where the tab covers no
    neuron and no label if there is one, else no neuron.  `neurons`, `labels`: (k, 4) boxes
    in viewport pixels."""
    labels = np.zeros((0, 4)) if labels is None else labels

    def clear(rect: QRectF, of_labels: bool = True) -> bool:
        return viewport.contains(rect) and not _covered(rect, neurons).any() and not (
            of_labels and _covered(rect, labels, 0.0).any())

    size = legend_size()
    for corner in CORNERS:
        rect = corner_rect(viewport, corner, size)
        if clear(rect):
            return rect, corner, False
    tab = tab_size()
    for of_labels in (True, False):
        for corner in CORNERS:
            rect = corner_rect(viewport, corner, tab)
            if clear(rect, of_labels):
                return rect, corner, True
    return corner_rect(viewport, CORNERS[0], tab), CORNERS[0], True


def paint_tab(painter: QPainter, rect: QRectF) -> None:
    """The folded legend: a small tab that opens it (hover or click)."""
    painter.setPen(QPen(BORDER, 1))
    painter.setBrush(PANEL)
    painter.drawRoundedRect(rect, 6, 6)
    chip = QRectF(rect.left() + PAD, rect.center().y() - 4, 14, 8)
    painter.setPen(QPen(BORDER, 0.8))
    painter.setBrush(gradient(chip.left(), chip.right()))
    painter.drawRoundedRect(chip, 2, 2)
    painter.setFont(ui_font(8.5, bold=True))
    painter.setPen(INK)
    painter.drawText(QRectF(chip.right() + 4, rect.top(), rect.right() - chip.right() - 4,
                            rect.height()), Qt.AlignmentFlag.AlignVCenter, TAB_TEXT)


def open_rect(tab: QRectF, corner: str) -> QRectF:
    """Where the opened legend of a folded one goes: from the tab's corner, over the canvas."""
    w, h = legend_size()
    x = tab.left() if corner.endswith("left") else tab.right() - w
    y = tab.bottom() + 4 if corner.startswith("top") else tab.top() - 4 - h
    return QRectF(x, y, w, h)


def paint_legend(painter: QPainter, rect: QRectF) -> QRectF:
    """The diverging scale with a key to the shapes under it, in `rect` (see legend_size)."""
    font, small = ui_font(8.5, bold=True), ui_font(8)
    fm = QFontMetricsF(small)
    bar_w, bar_h, pad = 180.0, 10.0, PAD
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
        line = QPen(colour, 1.8)  # as the canvas draws them: inhibitory dashed, with a disc
        line.setCapStyle(Qt.PenCapStyle.FlatCap)
        if inhibitory:
            line.setDashPattern(DASHES)
        painter.setPen(line)
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


def paint_hint(painter: QPainter, viewport: QRectF, text: str, centred: bool = False,
               avoid: QRectF | None = None) -> None:
    """A one-line hint: centred on an empty canvas, else along the bottom, clear of `avoid`
    (the legend or its tab)."""
    font = ui_font(10 if centred else 8.5)
    fm = QFontMetricsF(font)
    painter.setFont(font)
    painter.setPen(MUTED)
    if centred:
        painter.drawText(viewport, Qt.AlignmentFlag.AlignCenter, text)
        return
    h = fm.height() + 6
    left, right = viewport.left() + 8, viewport.right() - 8
    top = viewport.bottom() - 12 - h + 2
    if avoid is not None and avoid.bottom() > top and avoid.top() < top + h:  # on the bottom row
        if avoid.center().x() < viewport.center().x():
            left = avoid.right() + 8
        else:
            right = avoid.left() - 8
    w = min(fm.horizontalAdvance(text), right - left - 10)
    if w < 40:
        return
    plate = QRectF(left, top, w + 10, h)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(PANEL)
    painter.drawRoundedRect(plate, 4, 4)
    painter.setPen(MUTED)
    text = fm.elidedText(text, Qt.TextElideMode.ElideRight, w)
    painter.drawText(QPointF(plate.left() + 5, plate.bottom() - 3 - fm.descent()), text)

"""Everything drawn over the neurons: names, unit glyphs, values, weight labels, selection.

One item paints it all for the neurons in view, and only when they are big enough on screen to
be read, so a zoomed-out canvas of thousands of neurons pays nothing for text.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPen,
    QPixmap,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from nnsim.app.colors import LEVELS, is_dark, readable_on

from .shapes import ACCENT, GLYPH_H, GLYPH_W, INK, MUTED, RADIUS, glyph_paths, ui_font

GLYPH_BOX = (GLYPH_W + 2.0, GLYPH_H + 2.0)  # half extents of a glyph's pixmap, scene units

MAX_LABELLED = 800  # more neurons than this in view: names would be unreadable clutter


def format_value(v: float) -> str:
    if not math.isfinite(v):
        return "–"
    if v == int(v) and abs(v) < 1e4:
        return f"{int(v)}"
    return f"{v:.3g}" if abs(v) >= 0.01 or v == 0 else f"{v:.1e}"


class Overlay(QGraphicsItem):
    def __init__(self, scene_state) -> None:
        super().__init__()
        self.s = scene_state  # the NetworkScene: positions, names, selection, values
        self.setZValue(2)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.show_values = False
        self._font = ui_font(8.5)
        self._bold = ui_font(8.5, bold=True)
        self._small = ui_font(8)
        self._rect = QRectF()
        self._texts: dict[str, QStaticText] = {}
        self._glyphs: dict[tuple, QPixmap] = {}
        self._font.setPointSizeF(8.5)

    def refresh_bounds(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = rect.adjusted(-80, -80, 80, 80)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        s = self.s
        if not len(s.pos):
            return
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        r = option.exposedRect.adjusted(-3 * RADIUS, -3 * RADIUS, 3 * RADIUS, 3 * RADIUS)
        x, y = s.pos[:, 0], s.pos[:, 1]
        visible = np.flatnonzero((x >= r.left()) & (x <= r.right()) & (y >= r.top()) & (y <= r.bottom()))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self._paint_selection(painter, visible)
        if lod * RADIUS < 6 or len(visible) > MAX_LABELLED:
            return  # too small to read: colours and shapes say it all
        self._paint_neurons(painter, visible, lod)
        if self.show_values:
            self._paint_weights(painter, r)

    def _paint_selection(self, painter: QPainter, visible: np.ndarray) -> None:
        s = self.s
        ring = QColor(ACCENT)
        for idx, alpha, width in ((s.selected_indices(), 200, 3.0), (s.hover_indices(), 120, 2.5)):
            idx = [i for i in idx if i < len(s.pos)]
            if not idx:
                continue
            ring.setAlpha(alpha)
            painter.setPen(QPen(ring, width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for i in idx:
                painter.drawEllipse(QPointF(*s.pos[i]), RADIUS + 5, RADIUS + 5)

    def _paint_neurons(self, painter: QPainter, visible: np.ndarray, lod: float) -> None:
        s = self.s
        plate = QColor(250, 251, 252, 215)
        for i in visible.tolist():
            px, py = s.pos[i]
            glyph = self._glyph(s.activations[i], is_dark(int(s.colour[i])), lod)
            painter.drawPixmap(QRectF(px - GLYPH_BOX[0], py + 0.5 - GLYPH_BOX[1],
                                      2 * GLYPH_BOX[0], 2 * GLYPH_BOX[1]), glyph,
                               QRectF(glyph.rect()))
            # the name under the neuron, on a soft plate so synapses do not cross it
            text = self._text(s.names[i])
            w, h = text.size().width(), text.size().height()
            top = py + RADIUS + 3
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(plate)
            painter.drawRoundedRect(QRectF(px - w / 2 - 3, top, w + 6, h), 3, 3)
            painter.setPen(INK)
            painter.setFont(self._font)
            painter.drawStaticText(QPointF(px - w / 2, top), text)
            if self.show_values:
                self._paint_value(painter, i, px, top + h + 2)

    def _text(self, name: str) -> QStaticText:
        text = self._texts.get(name)
        if text is None:
            if len(self._texts) > 5000:
                self._texts.clear()
            text = self._texts[name] = QStaticText(name)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.prepare(QTransform(), self._font)
        return text

    def _glyph(self, activation: str, on_dark: bool, lod: float) -> QPixmap:
        """The unit's icon rendered once per zoom level: blitting beats stroking a curve."""
        key = (activation, on_dark, round(lod, 2))
        pix = self._glyphs.get(key)
        if pix is None:
            if len(self._glyphs) > 300:
                self._glyphs.clear()
            w, h = (int(np.ceil(2 * b * lod)) + 1 for b in GLYPH_BOX)
            pix = QPixmap(w, h)
            pix.fill(Qt.GlobalColor.transparent)
            ink = readable_on(0 if on_dark else LEVELS // 2)
            faint = QColor(ink)
            faint.setAlpha(90)
            curve, axis = glyph_paths(activation)
            p = QPainter(pix)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.scale(w / (2 * GLYPH_BOX[0]), h / (2 * GLYPH_BOX[1]))
            p.translate(*GLYPH_BOX)
            p.setPen(QPen(faint, 0.8))
            p.drawPath(axis)
            p.setPen(QPen(ink, 1.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                          Qt.PenJoinStyle.RoundJoin))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(curve)
            p.end()
            self._glyphs[key] = pix
        return pix

    def _paint_value(self, painter: QPainter, i: int, px: float, top: float) -> None:
        """The output under the name (above would collide with a self-loop)."""
        text = "y = " + format_value(float(self.s.outputs[i]))
        fm = QFontMetricsF(self._bold)
        w = fm.horizontalAdvance(text)
        rect = QRectF(px - w / 2 - 4, top, w + 8, fm.height() + 1)
        painter.setPen(QPen(QColor(207, 216, 220), 0.8))
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setFont(self._bold)
        painter.setPen(INK)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_weights(self, painter: QPainter, r: QRectF) -> None:
        s = self.s
        g = s.synapse_layer.geometry
        if g is None or not g.count:
            return
        lx, ly = g.label[:, 0], g.label[:, 1]
        idx = np.flatnonzero((lx >= r.left()) & (lx <= r.right()) & (ly >= r.top()) & (ly <= r.bottom()))
        if len(idx) > MAX_LABELLED:
            return
        fm = QFontMetricsF(self._small)
        painter.setFont(self._small)
        for k in idx.tolist():
            text = self.weight_text(k)
            w = fm.horizontalAdvance(text)
            rect = self.weight_rect(k, w, fm.height())
            painter.setPen(QPen(QColor(207, 216, 220), 0.8))
            painter.setBrush(QColor(255, 255, 255, 225))
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(MUTED if s.inhibitory[k] else INK)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def weight_text(self, k: int) -> str:
        text = format_value(float(self.s.shown_weights[k]))
        return text + " inh" if self.s.inhibitory[k] else text

    def weight_rect(self, k: int, w: float = 28.0, h: float = 12.0) -> QRectF:
        lx, ly = self.s.synapse_layer.geometry.label[k]
        return QRectF(lx - w / 2 - 3, ly - h / 2, w + 6, h)

"""All synapses as one scene item, drawn as a few cached paths.

Twenty thousand QGraphicsItems cost tens of milliseconds of Python per frame; one item that
groups synapses into buckets (sign x strength) costs a handful of path draws.  Paths are built
straight from NumPy arrays (pyqtgraph's arrayToQPath) and only when a bucket changes.
"""
from __future__ import annotations

import numpy as np
from pyqtgraph.functions import arrayToQPath
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.colors import LUT, level_indices

from .geometry import ARROW, SynapseGeometry
from .shapes import ACCENT

STRENGTHS = 8  # width levels per sign
MIN_WIDTH, MAX_WIDTH = 0.8, 4.5
_DISC = np.linspace(0.0, 2 * np.pi, 13)[:-1]


def _bucket_style(bucket: int) -> tuple[QPen, QBrush]:
    sign = -1.0 if bucket < STRENGTHS else 1.0
    k = bucket % STRENGTHS
    r, g, b = LUT[int(level_indices(np.array([sign * (0.3 + 0.7 * k / (STRENGTHS - 1))]))[0])]
    colour = QColor(int(r), int(g), int(b))
    pen = QPen(colour, MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * k / (STRENGTHS - 1))
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen, QBrush(colour)


def _path(x: np.ndarray, y: np.ndarray, connect: np.ndarray) -> QPainterPath:
    if len(x) == 0:
        return QPainterPath()
    path = arrayToQPath(x, y, connect=connect, finiteCheck=False)
    path.setFillRule(Qt.FillRule.WindingFill)
    return path


class SynapseLayer(QGraphicsItem):
    def __init__(self) -> None:
        super().__init__()
        self.setZValue(0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._styles = [_bucket_style(b) for b in range(2 * STRENGTHS)]
        self.geometry: SynapseGeometry | None = None
        self._inhibitory = np.zeros(0, bool)
        self._buckets = np.zeros(0, np.intp)
        self._lines: list[QPainterPath] = []
        self._marks: list[QPainterPath] = []
        self._emphasis: dict[str, tuple[np.ndarray, QPainterPath]] = {}
        self._rect = QRectF()

    # ------------------------------------------------------------------ state
    def set_geometry(self, geometry: SynapseGeometry, weights: np.ndarray,
                     inhibitory: np.ndarray) -> None:
        self.prepareGeometryChange()
        self.geometry = geometry
        self._inhibitory = np.asarray(inhibitory, bool)
        if geometry.count:
            xs = np.concatenate([geometry.x, geometry.tip[:, 0]])
            ys = np.concatenate([geometry.y, geometry.tip[:, 1]])
            self._rect = QRectF(xs.min(), ys.min(), np.ptp(xs), np.ptp(ys)).adjusted(-10, -10, 10, 10)
        else:
            self._rect = QRectF()
        self._buckets = np.full(geometry.count, -1, np.intp)  # force a rebuild
        for name, (idx, _) in list(self._emphasis.items()):
            self.set_emphasis(name, idx[idx < geometry.count])
        self.set_weights(weights)

    def set_weights(self, weights: np.ndarray) -> bool:
        """Restyle by weight; returns whether anything visible changed."""
        w = np.asarray(weights, float)
        scale = max(1.0, float(np.abs(w).max(initial=0.0)))
        strength = np.round(np.clip(np.abs(w) / scale, 0, 1) * (STRENGTHS - 1)).astype(np.intp)
        buckets = np.where(w < 0, strength, STRENGTHS + strength)
        if len(buckets) == len(self._buckets) and np.array_equal(buckets, self._buckets):
            return False
        self._buckets = buckets
        self._rebuild()
        self.update()
        return True

    def set_emphasis(self, name: str, indices) -> None:
        """Highlight synapses under `name` ('hover', 'selected'); empty removes it."""
        idx = np.asarray(sorted(indices), np.intp)
        g = self.geometry
        if len(idx) == 0 or g is None:
            self._emphasis.pop(name, None)
        else:
            pm = np.isin(g.owner, idx)
            # polylines plus a last segment onto the tip, so the halo covers the arrowhead
            self._emphasis[name] = (idx, _path(np.r_[g.x[pm], g.tip[idx, 0]],
                                               np.r_[g.y[pm], g.tip[idx, 1]],
                                               np.r_[g.connect[pm], np.zeros(len(idx), bool)]))
        self.update()

    def _rebuild(self) -> None:
        g = self.geometry
        self._lines, self._marks = [], []
        if g is None:
            return
        point_bucket = self._buckets[g.owner]
        for b in range(2 * STRENGTHS):
            pm = point_bucket == b
            self._lines.append(_path(g.x[pm], g.y[pm], g.connect[pm]))
            self._marks.append(self._markers(np.flatnonzero(self._buckets == b), b))

    def _markers(self, idx: np.ndarray, bucket: int) -> QPainterPath:
        """Arrowheads for excitatory synapses, discs for inhibitory ones (McCulloch-Pitts)."""
        g = self.geometry
        width = self._styles[bucket][0].widthF()
        xs, ys, cs = [], [], []
        exc, inh = idx[~self._inhibitory[idx]], idx[self._inhibitory[idx]]
        if len(exc):
            t, d = g.tip[exc], g.direction[exc]
            n = np.column_stack([-d[:, 1], d[:, 0]]) * (3.5 + 0.6 * width)
            base = t - d * ARROW
            tri = np.stack([t, base + n, base - n], axis=1)  # (k, 3, 2)
            xs.append(tri[..., 0].ravel())
            ys.append(tri[..., 1].ravel())
            cs.append(np.tile([True, True, False], len(exc)))
        if len(inh):
            radius = 4.0 + 0.5 * width
            centre = g.tip[inh] - g.direction[inh] * radius
            xs.append((centre[:, 0:1] + radius * np.cos(_DISC)[None, :]).ravel())
            ys.append((centre[:, 1:2] + radius * np.sin(_DISC)[None, :]).ravel())
            cs.append(np.tile(np.r_[np.ones(len(_DISC) - 1, bool), False], len(inh)))
        if not xs:
            return QPainterPath()
        return _path(np.concatenate(xs), np.concatenate(ys), np.concatenate(cs))

    # ------------------------------------------------------------------ QGraphicsItem
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def paint(self, painter, option, widget=None) -> None:
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        for name, alpha, extra in (("selected", 110, 7.0), ("hover", 70, 6.0)):
            if name in self._emphasis:
                colour = QColor(ACCENT)
                colour.setAlpha(alpha)
                pen = QPen(colour, MAX_WIDTH + extra)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(self._emphasis[name][1])
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for (pen, _), path in zip(self._styles, self._lines):
            if not path.isEmpty():
                painter.setPen(pen)
                painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        for (_, brush), path in zip(self._styles, self._marks):
            if not path.isEmpty():
                painter.fillPath(path, brush)

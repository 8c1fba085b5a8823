"""Sizes, palette and the cached shapes of neurons and unit glyphs.

Roles are told apart by shape (inputs rounded squares, hidden units circles, outputs double
rings); the unit is a small sketch of its activation curve, sampled from the engine's own
functions so the icon can never disagree with the maths.
"""
from __future__ import annotations

from functools import cache

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen, QPolygonF

from nnsim.engine.units import get_unit

RADIUS = 20.0  # scene units; synapses start and end on this circle (a neuron's map is 40 px at 100%)
GRID = 20.0  # snap-to-grid spacing

BACKGROUND = QColor(250, 251, 252)
GRID_DOT = QColor(214, 219, 225)
OUTLINE = QColor(55, 71, 79)
INK = QColor(38, 50, 56)
MUTED = QColor(120, 134, 142)
ACCENT = QColor(124, 77, 255)  # selection and hover: far from both ends of the colour scale

ROLE_LABELS = {"input": "Input", "hidden": "Hidden", "output": "Output"}


def outline_pen() -> QPen:
    pen = QPen(OUTLINE, 1.6)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


@cache
def neuron_path(role: str) -> QPainterPath:
    """The outline of a neuron of `role`, centred on the origin."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)  # the output's inner ring must not punch a hole
    if role == "input":
        s = RADIUS - 1.5
        path.addRoundedRect(QRectF(-s, -s, 2 * s, 2 * s), 7.0, 7.0)
    else:
        path.addEllipse(QPointF(0, 0), RADIUS, RADIUS)
        if role == "output":
            path.addEllipse(QPointF(0, 0), RADIUS - 4.0, RADIUS - 4.0)
    return path


# z range and the engine call that gives y, for each unit's icon
_SKETCH = {
    "step": (-1.0, 1.0, lambda u, z: u.function(z)),
    "sign": (-1.0, 1.0, lambda u, z: u.function(z)),
    "linear": (-1.0, 1.0, lambda u, z: u.function(z)),
    "sigmoid": (-6.0, 6.0, lambda u, z: u.function(z)),
    "tanh": (-3.0, 3.0, lambda u, z: u.function(z)),
    "relu": (-1.0, 1.0, lambda u, z: u.function(z)),
    "gaussian": (-2.5, 2.5, lambda u, z: u.function(z * z, 1.0)),
}
GLYPH_W, GLYPH_H = 8.0, 5.0  # half extents in scene units


@cache
def glyph_paths(activation: str) -> tuple[QPainterPath, QPainterPath]:
    """(curve, zero axis) sketching `activation`, centred on the origin."""
    curve, axis = QPainterPath(), QPainterPath()
    if activation not in _SKETCH:  # softmax: a little bar chart of shares
        for k, h in enumerate((0.35, 1.0, 0.6)):
            x = -GLYPH_W + 1 + k * 5.5
            curve.addRect(QRectF(x, GLYPH_H - 2 * GLYPH_H * h, 3.5, 2 * GLYPH_H * h))
        axis.moveTo(-GLYPH_W, GLYPH_H)
        axis.lineTo(GLYPH_W, GLYPH_H)
        return curve, axis
    z0, z1, fn = _SKETCH[activation]
    z = np.linspace(z0, z1, 121)
    y = np.asarray(fn(get_unit(activation), z), dtype=float)
    lo, hi = min(y.min(), 0.0), max(y.max(), 0.0)
    px = -GLYPH_W + (z - z0) / (z1 - z0) * 2 * GLYPH_W
    py = GLYPH_H - (y - lo) / (hi - lo) * 2 * GLYPH_H
    curve.addPolygon(QPolygonF([QPointF(a, b) for a, b in zip(px, py)]))
    y0 = GLYPH_H - (0.0 - lo) / (hi - lo) * 2 * GLYPH_H
    axis.moveTo(-GLYPH_W, y0)
    axis.lineTo(GLYPH_W, y0)
    return curve, axis


def ui_font(point_size: float = 9.0, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(["Inter", "Noto Sans", "DejaVu Sans", "Sans Serif"])
    font.setPointSizeF(point_size)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)  # smooth when zoomed
    return font

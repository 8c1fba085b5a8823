"""One diverging colour scale for outputs, weights and data: blue (-1), white (0), orange (+1).

As in TensorFlow Playground, one scale serves everything, so a colour means the same number
wherever it appears.  Values map to one of `LEVELS` entries of a lookup table, so the canvas can
cache one brush per entry and only touch the items whose entry changed.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QBrush, QColor, QLinearGradient

LEVELS = 256
NEGATIVE = (21, 101, 192)  # a deep, slightly desaturated blue
ZERO = (247, 247, 247)  # off-white, so a white neuron still reads against the background
POSITIVE = (230, 116, 20)  # orange tending to red


def _lerp(a, b, t):
    return np.asarray(a, float)[None, :] * (1 - t[:, None]) + np.asarray(b, float)[None, :] * t[:, None]


def diverging_lut(levels: int = LEVELS) -> np.ndarray:
    """(levels, 3) uint8 RGB from NEGATIVE through ZERO to POSITIVE."""
    s = np.linspace(-1.0, 1.0, levels)
    # A gamma below 1 on the distance from zero makes small values visibly tinted.
    t = np.abs(s) ** 0.8
    rgb = np.where((s < 0)[:, None], _lerp(ZERO, NEGATIVE, t), _lerp(ZERO, POSITIVE, t))
    return np.round(rgb).astype(np.uint8)


LUT = diverging_lut()


def level_indices(values: np.ndarray, vmax: float = 1.0) -> np.ndarray:
    """LUT entries for values on [-vmax, vmax] (clipped; NaN counts as 0)."""
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0, posinf=vmax, neginf=-vmax)
    v = np.clip(v / vmax, -1.0, 1.0)
    return np.round((v + 1.0) * 0.5 * (LEVELS - 1)).astype(np.intp)


def color_for(value: float, vmax: float = 1.0) -> QColor:
    r, g, b = LUT[int(level_indices(np.array([value]), vmax)[0])]
    return QColor(int(r), int(g), int(b))


_BRUSHES: list[QBrush] = []


def brushes() -> list[QBrush]:
    """One cached QBrush per LUT entry (made on first use: QBrush needs a QGuiApplication)."""
    if not _BRUSHES:
        _BRUSHES.extend(QBrush(QColor(int(r), int(g), int(b))) for r, g, b in LUT)
    return _BRUSHES


def gradient(x0: float, x1: float) -> QLinearGradient:
    """The scale as a horizontal gradient from x0 (-1) to x1 (+1), for legends."""
    grad = QLinearGradient(x0, 0.0, x1, 0.0)
    for k in range(0, LEVELS, 16):
        r, g, b = LUT[k]
        grad.setColorAt(k / (LEVELS - 1), QColor(int(r), int(g), int(b)))
    r, g, b = LUT[-1]
    grad.setColorAt(1.0, QColor(int(r), int(g), int(b)))
    return grad


_DARK_FILL = (LUT @ np.array([0.299, 0.587, 0.114])) < 150  # luminance of each entry


def readable_on(index: int) -> QColor:
    """Dark or light ink for text and glyphs drawn over LUT entry `index`."""
    return QColor(255, 255, 255) if _DARK_FILL[index] else QColor(38, 50, 56)


def is_dark(index: int) -> bool:
    return bool(_DARK_FILL[index])

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


# Colour-vision deficiency simulation, Machado, Oliveira & Fernandes (2009), severity 1.0, on
# linear RGB: the scale is built so that its lightness is ordered for these viewers too.
CVD_MATRICES = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _lightness(rgb: np.ndarray) -> np.ndarray:
    """(..., 4) CIE L* of sRGB colours (..., 3) as seen with normal vision and each of
    CVD_MATRICES (simulated in linear RGB, clipped to the display's gamut)."""
    c = np.asarray(rgb, float) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    ys = [lin @ np.array([0.2126, 0.7152, 0.0722])]
    for m in CVD_MATRICES.values():
        ys.append(np.clip(lin @ m.T, 0.0, 1.0) @ np.array([0.2126, 0.7152, 0.0722]))
    y = np.stack(ys, axis=-1)
    f = np.where(y > (6 / 29) ** 3, np.cbrt(y), y / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116.0 * f - 16.0


def _ordered_round(ramp: np.ndarray) -> np.ndarray:
    """Round a ramp of float RGB, going away from its first entry (ZERO), each entry to the
    nearest of its 8 floor/ceil neighbours that is no lighter than the entry before it in every
    view (_lightness): plain rounding can step one channel alone, which a simulated view clipped
    at its gamut sees as a tiny rise in lightness."""
    out = np.empty(ramp.shape, np.uint8)
    out[0] = np.round(ramp[0])
    last = _lightness(out[0])
    corners = np.array([[i >> 2 & 1, i >> 1 & 1, i & 1] for i in range(8)], float)
    for k in range(1, len(ramp)):
        cand = np.clip(np.floor(ramp[k])[None, :] + corners, 0, 255)
        light = _lightness(cand)
        ok = np.all(light <= last + 1e-9, axis=1)
        dist = np.sum((cand - ramp[k]) ** 2, axis=1) + np.where(ok, 0.0, 1e6)
        best = int(np.argmin(dist))
        out[k] = cand[best]
        last = light[best]
    return out


def diverging_lut(levels: int = LEVELS) -> np.ndarray:
    """(levels, 3) uint8 RGB from NEGATIVE through ZERO to POSITIVE, lightness falling from the
    middle to each end for normal vision and the three dichromacies (CVD_MATRICES)."""
    s = np.linspace(-1.0, 1.0, levels)
    # A gamma below 1 on the distance from zero makes small values visibly tinted.
    t = np.abs(s) ** 0.8
    rgb = np.where((s < 0)[:, None], _lerp(ZERO, NEGATIVE, t), _lerp(ZERO, POSITIVE, t))
    out = np.round(rgb).astype(np.uint8)
    neg = np.flatnonzero(s < 0)[::-1]  # from the middle outwards
    pos = np.flatnonzero(s >= 0)
    out[neg] = _ordered_round(rgb[neg])
    out[pos] = _ordered_round(rgb[pos])
    return out


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

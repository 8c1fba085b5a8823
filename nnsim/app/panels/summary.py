"""Text and colours the panels share: dataset summaries, class colours, readable formulas."""
from __future__ import annotations

import re

import numpy as np
from PySide6.QtGui import QColor, QIcon, QPixmap

from nnsim.engine.datasets import Dataset

_GREEK = {"eta": "η", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "lambda": "λ",
          "mu": "μ", "sigma": "σ", "theta": "θ", "Delta": "Δ", "phi": "φ", "Phi": "Φ", "tau": "τ",
          "xi": "ξ", "Xi": "Ξ", "sum": "Σ"}
# A name standing alone or as a subscripted stem: 'xi_i', 'sum_mu' (letters on neither side).
_SYMBOL = re.compile(r"(?<![A-Za-z])(" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")(?![A-Za-z])")


def class_color(label: int) -> str:
    """The class's colour in the chosen palette (View > Palette; nnsim.app.theme), as #rrggbb."""
    from nnsim.app import theme

    return "#{:02x}{:02x}{:02x}".format(*theme.class_color(label))


def class_swatch(label: int) -> QIcon:
    """The class's marker, in its colour and shape as the plots draw it, for menus and combo
    boxes: a circle (class 0), a cross (class 1), a triangle, a square, ..."""
    from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QPainter, QPen

    from nnsim.app import theme

    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(QPointF(7, 7))
    painter.scale(12, 12)
    painter.setPen(QPen(QColor(40, 40, 40), 1.0 / 12))
    painter.setBrush(QColor(class_color(label)))
    painter.drawPath(Symbols[theme.class_symbol(label)])
    painter.end()
    return QIcon(pixmap)


def pretty_formula(text: str) -> str:
    """'w += eta * x * y' -> 'w += η · x · y': Greek letters by name and a centred dot for
    multiplication, so the update reads like the lecture's slides.  Statements separated by ';'
    and a wide gap, and trailing remarks after a wide gap, go on lines of their own."""
    text = _SYMBOL.sub(lambda m: _GREEK[m.group(1)], text).replace(" * ", " · ")
    # '; ' inside brackets ([w; b]) stays; ';' followed by a wider gap separates statements.
    parts = [p.strip() for chunk in re.split(r";\s{2,}", text) for p in re.split(r"\s{3,}", chunk)]
    return "\n".join(p for p in parts if p)


def class_labels(ds: Dataset) -> np.ndarray | None:
    """Integer class labels of a classification set (1-D integer targets or one-hot rows),
    else None (regression or no targets)."""
    if ds.y is None or len(ds) == 0:
        return None
    y = ds.y
    if y.ndim == 2 and y.shape[1] > 1:
        if np.all((y == 0) | (y == 1)) and np.all(y.sum(1) == 1):
            return np.argmax(y, axis=1)
        return None
    y = y.ravel()
    if np.all(y == np.round(y)) and distinct(y)[0].size <= 12:
        return y.astype(int)
    return None


def distinct(values) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values, sorted; how often each occurs), as np.unique(return_counts=True)
    gives them, without np.unique: it imports numpy.ma, ~10 ms of start-up."""
    flat = np.sort(np.asarray(values).ravel())
    if flat.size == 0:
        return flat, np.zeros(0, dtype=np.intp)
    starts = np.concatenate(([0], np.flatnonzero(flat[1:] != flat[:-1]) + 1))
    return flat[starts], np.diff(np.append(starts, flat.size))


def describe(ds: Dataset | None) -> str:
    """One line: '200 points · 2 features · 2 classes (100 / 100)'."""
    if ds is None:
        return "No data"
    n = len(ds)
    parts = [f"{n} point{'s' if n != 1 else ''}",
             f"{ds.n_features} feature{'s' if ds.n_features != 1 else ''}"]
    labels = class_labels(ds)
    if ds.y is None:
        parts.append("no targets")
    elif labels is not None:
        values, counts = distinct(labels)
        counts_text = " / ".join(str(c) for c in counts)
        parts.append(f"{values.size} class{'es' if values.size != 1 else ''} ({counts_text})")
    elif n:
        lo, hi = float(np.min(ds.y)), float(np.max(ds.y))
        parts.append(f"targets {lo:.3g} … {hi:.3g}")
    return " · ".join(parts)

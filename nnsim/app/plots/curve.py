"""Function approximation for one-input networks: the network's output curve over the targets
(the lecture's 3-unit square pulse, a sine, a piecewise function).

The snapshot's `curve` is (x, y_pred) sampled by the worker; `set_dataset(X, y)` shows the
training targets as points.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

from ..numbers import format_value
from . import style
from .base import PlotPanel

TARGET_COLOR = (120, 130, 140)
CURVE_COLOR = (230, 116, 20)


class CurvePlot(PlotPanel):
    title = "Function fit"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.legend = style.key_row(self.graphics)
        self.plot = self.add_plot(1, 0, left="output y", bottom="input x")
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.targets = self.plot.plot(pen=None, symbol="o", symbolSize=5, symbolPen=None,
                                      symbolBrush=pg.mkBrush(*TARGET_COLOR, 170), name="targets")
        self.curve = self.plot.plot(pen=style.pen(CURVE_COLOR, 2.5), name="network")
        self.legend.addItem(self.targets, "targets")
        self.legend.addItem(self.curve, "network")

    def set_dataset(self, X, y) -> None:
        """Targets: X (n,) or (n, 1) inputs, y (n,) or (n, k) — the first output is shown."""
        x = np.asarray(X, dtype=float).reshape(len(X), -1)[:, 0] if len(X) else np.empty(0)
        t = np.asarray(y, dtype=float).reshape(len(x), -1)[:, 0] if len(x) else np.empty(0)
        order = np.argsort(x, kind="stable")
        self.targets.setData(x[order], t[order])

    def update_snapshot(self, snapshot: Any) -> None:
        curve = getattr(snapshot, "curve", None)
        if curve is None:
            return
        x, y = curve
        x = np.asarray(x, dtype=float).ravel()
        y = np.asarray(y, dtype=float).reshape(len(x), -1)[:, 0]
        self.curve.setData(x, y, skipFiniteCheck=bool(np.isfinite(y).all()))
        metrics = getattr(snapshot, "metrics", None) or {}
        text = f"epoch {getattr(snapshot, 'epoch', 0)}"
        if "loss" in metrics:
            text += f" · loss {format_value(metrics['loss'])}"
        self.set_status(text)

    def clear(self) -> None:
        """Forget the network's curve and the targets."""
        super().clear()
        self.curve.setData([], [])
        self.targets.setData([], [])

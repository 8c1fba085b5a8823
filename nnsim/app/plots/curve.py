"""Function approximation for one-input networks: the network's output curve over the targets
(the lecture's 3-unit square pulse, a sine, a piecewise function).

The snapshot's `curve` is (x, y_pred) sampled by the worker; `set_dataset(X, y)` shows the
training targets as points.  A network whose output is a weighted sum of at most MAX_PARTS
hidden units (lesson 13's square pulse: [x > T1] - [x > T2]) also shows each unit's share
w * a(x), dashed, so the pulse is seen as the difference of two steps.
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
PART_COLORS = ((21, 101, 192), (46, 125, 50), (106, 27, 154), (0, 131, 143))
MAX_PARTS = 4


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
        self.parts: list[pg.PlotDataItem] = []  # each hidden unit's share, when few
        self.part_names: list[str] = []

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
        self._draw_parts(snapshot, x)
        metrics = getattr(snapshot, "metrics", None) or {}
        text = f"epoch {getattr(snapshot, 'epoch', 0)}"
        if "loss" in metrics:
            text += f" · loss {format_value(metrics['loss'])}"
        self.set_status(text)

    def _draw_parts(self, snapshot: Any, x: np.ndarray) -> None:
        """Each hidden unit's share w * a(x) of a linear output fed by at most MAX_PARTS units,
        while no rule runs (the engine's forward pass gives a(x); nothing is re-derived)."""
        parts = []
        if not getattr(snapshot, "rule", "") and len(x):
            try:
                parts = shares(snapshot.network, x)
            except (AttributeError, ValueError, KeyError):
                parts = []
        names = [f"{name} × {format_value(w)}" for name, w, _ in parts]
        if names != self.part_names:
            for item in self.parts:
                self.plot.removeItem(item)
                self.legend.removeItem(item)
            self.parts = []
            for k, label in enumerate(names):
                item = self.plot.plot(pen=style.pen(PART_COLORS[k % len(PART_COLORS)], 2,
                                                    dashed=True))
                item.setZValue(-1)  # under the network's curve
                self.legend.addItem(item, label)
                self.parts.append(item)
            self.part_names = names
        for item, (_, w, a) in zip(self.parts, parts):
            item.setData(x, w * a, skipFiniteCheck=True)

    def clear(self) -> None:
        """Forget the network's curve and the targets."""
        super().clear()
        self.curve.setData([], [])
        self.targets.setData([], [])
        for item in self.parts:
            item.setData([], [])


def shares(net, x: np.ndarray) -> list[tuple[str, float, np.ndarray]]:
    """(unit, its weight to the output, its output over x) for each hidden unit of a one-input
    network whose one linear output is fed by at most MAX_PARTS hidden units; [] otherwise."""
    if len(net.inputs) != 1 or len(net.outputs) != 1 or not net.is_feedforward:
        return []
    out = net.neuron(net.outputs[0])
    incoming = net.incoming(out.id)
    if out.activation != "linear" or not 1 <= len(incoming) <= MAX_PARTS:
        return []
    units = [net.neurons[net.index_of(s.source)] for s in incoming]
    if any(u.role == "input" for u in units):
        return []
    compiled = net.compile()
    with np.errstate(all="ignore"):
        a, _ = compiled.forward_full(np.asarray(x, dtype=float)[:, None])
    return [(u.name, float(s.weight), np.nan_to_num(a[:, compiled.column[u.id]]))
            for u, s in zip(units, incoming)]

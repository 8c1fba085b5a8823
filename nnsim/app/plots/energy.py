"""Energy over time for Hopfield and symmetric recurrent networks: it only ever slides downhill.

A Hopfield run draws each snapshot's metrics["energy"] (the energy of the state it shows) at its
step, so with one unit updated per step (the Hopfield rule's recall_units = 1) the curve has a
point per unit update during recall, and it never rises; while the rule is still storing its
patterns (epoch 0) the weights are half made and nothing is drawn (the storage history, the
stored patterns' mean energy per epoch, is not the recall's energy).  Otherwise the engine's
history["energy"] is drawn when present (complete even when the GUI dropped frames), else each
snapshot's metrics["energy"] at its step.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

from ..numbers import format_value
from . import style
from .base import PlotPanel
from .series import Series


class EnergyPlot(PlotPanel):
    title = "Energy"

    def __init__(self, parent=None, max_points: int = 200_000) -> None:
        super().__init__(parent)
        self.plot = self.add_plot(0, 0, left="energy E", bottom="step")
        self.curve = self.plot.plot(pen=style.pen((123, 31, 162), 2), name="energy")
        style.long_history(self.curve)
        self.marker = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(123, 31, 162), pen=pg.mkPen("w"))
        self.plot.addItem(self.marker)
        self.series = Series(1, max_points=max_points)
        self.source = ""  # "history" or "metrics": which of the two the curve shows

    def update_snapshot(self, snapshot: Any) -> None:
        history = getattr(snapshot, "history", None) or {}
        metrics = getattr(snapshot, "metrics", None) or {}
        energy = history.get("energy")
        hopfield = getattr(snapshot, "rule", "") == "hopfield"
        if hopfield and getattr(snapshot, "epoch", 1) < 1:
            self.set_status("storing the patterns: recall starts once they are stored")
            return
        if energy is not None and len(energy) and not (hopfield and "energy" in metrics):
            y = np.asarray(energy, dtype=float)
            epochs = (getattr(snapshot, "history_epochs", None) or {}).get("energy")
            x = (np.asarray(epochs, dtype=float) - 1.0 if epochs is not None and len(epochs) == len(y)
                 else np.arange(len(y), dtype=float))  # sweeps from 0 (older ones as envelopes)
            self._show("history", x, y)
        elif "energy" in metrics:
            step = float(getattr(snapshot, "step", len(self.series)))
            if self.source != "metrics" or (self.series.last_x is not None
                                            and step < self.series.last_x):
                self.series.clear()  # reset, or the first state after storage
            if self.series.last_x == step:
                self.series.replace_last([metrics["energy"]])
            else:
                self.series.append(step, [metrics["energy"]])
            self._show("metrics", self.series.x, self.series.y(0))
        else:
            return
        self.set_status(self._status_text(snapshot))

    def _show(self, source: str, x: np.ndarray, y: np.ndarray) -> None:
        if source != self.source:
            self.source = source
            self.plot.setLabel("bottom", "sweep" if source == "history" else "step")
        finite = bool(np.isfinite(y).all())
        self.curve.setData(x, y, skipFiniteCheck=finite)
        if len(x) and np.isfinite(y[-1]):
            self.marker.setData([x[-1]], [y[-1]])
        if len(x) < 3:  # a new curve: fit it now, not at a paint that may come after a grab
            self.plot.getViewBox().updateAutoRange()

    def _status_text(self, snapshot: Any) -> str:
        x, y = self.curve.getOriginalDataset()
        if y is None or not len(y):
            return ""
        where = "sweep" if self.source == "history" else "step"
        text = f"E = {format_value(y[-1])} at {where} {int(x[-1])}"
        if len(y) > 1 and y[-1] < y[0]:
            text += f" · down from {format_value(y[0])} at {where} {int(x[0])}"
        if getattr(snapshot, "done", False):
            text += " · settled in a minimum"
        return text

    def clear(self) -> None:
        super().clear()
        self.series.clear()
        self.source = ""
        self.plot.setLabel("bottom", "step")
        self.curve.setData([], [])
        self.marker.setData([], [])

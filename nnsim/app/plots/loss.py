"""Loss and accuracy per epoch, training and validation: two stacked plots sharing the epoch axis.

Curves come straight from the snapshot's history arrays (complete even when frames were dropped);
keys that are missing are simply not drawn.  Validation is dashed, training solid.  Rules without
a loss (the perceptron) show their misclassified count there instead: on XOR it never reaches 0.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import style
from .base import PlotPanel
from .calm_axis import CalmAxis

LOSS_COLOR = (198, 40, 40)
ACCURACY_COLOR = (21, 101, 192)


class LossPlot(PlotPanel):
    title = "Loss and accuracy"
    KEYS = ("loss", "val_loss", "accuracy", "val_accuracy")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.loss_plot = self.add_plot(0, 0, left="loss", axisItems={"left": style.SparseLogAxis("left")})
        self.accuracy_plot = self.add_plot(1, 0, left="accuracy", bottom="epoch")
        self.accuracy_plot.setXLink(self.loss_plot)
        self.accuracy_plot.setYRange(-0.03, 1.05, padding=0)
        self.accuracy_plot.getViewBox().setLimits(yMin=-0.1, yMax=1.1)
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.getAxis("left").setWidth(50)
        style.add_legend(self.loss_plot, offset=(-10, 10))
        style.add_legend(self.accuracy_plot, offset=(-10, -10))
        self.curves = {
            "loss": self.loss_plot.plot(pen=style.pen(LOSS_COLOR, 2), name="training"),
            "val_loss": self.loss_plot.plot(pen=style.pen(LOSS_COLOR, 2, dashed=True), name="validation"),
            "accuracy": self.accuracy_plot.plot(pen=style.pen(ACCURACY_COLOR, 2), name="training"),
            "val_accuracy": self.accuracy_plot.plot(pen=style.pen(ACCURACY_COLOR, 2, dashed=True),
                                                    name="validation"),
            "errors": self.loss_plot.plot(pen=style.pen(LOSS_COLOR, 2)),  # axis label names it
        }
        self._top = "loss"  # what the upper plot shows: "loss" or "errors"
        self._drawn: tuple = ()  # (key, length) of the histories last drawn
        # Axes that move only when they must (the accuracy plot shares the epoch axis).
        self.epoch_axis = CalmAxis(self.loss_plot, "x", lead=1.0, floor=0.5, min_span=10)
        self.loss_axis = CalmAxis(self.loss_plot, "y")
        self._last_y = None  # the values the loss axis was last fitted to
        for curve in self.curves.values():
            style.long_history(curve)
        self.log_action = self.add_toggle("log loss", False, self.set_log_scale,
                                          "Show the loss on a logarithmic axis")

    def update_snapshot(self, snapshot: Any) -> None:
        history = getattr(snapshot, "history", None) or {}
        # Histories grow once an epoch; between epochs there is nothing new to draw (redrawing
        # would re-lay the axes every frame).
        shape = tuple((key, len(values)) for key, values in history.items())
        if shape == self._drawn and shape:
            return
        self._drawn = shape
        has_loss = len(history.get("loss", ())) > 0
        top = "errors" if not has_loss and len(history.get("errors", ())) else "loss"
        if top != self._top:
            self._top = top
            self.loss_plot.setLabel("left", "misclassified" if top == "errors" else "loss")
        for key, curve in self.curves.items():
            values = history.get(key) if key != "errors" or top == "errors" else None
            if values is None or not len(values):
                curve.setData([], [])
                continue
            y = np.asarray(values, dtype=float)
            x = np.arange(1, len(y) + 1, dtype=float)  # epoch k ends after k passes
            curve.setData(x, y, skipFiniteCheck=bool(np.isfinite(y).all()))
        epochs = max((n for _, n in shape), default=0)
        if epochs:
            self.epoch_axis.fit([1, epochs])
        self._calm_y(history.get("errors" if top == "errors" else "loss"))
        self.set_status(self._status_text(history))

    def _calm_y(self, values) -> None:
        self._last_y = values
        if values is None or not len(values):
            return
        y = np.asarray(values, dtype=float)
        if self.loss_plot.getAxis("left").logMode:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(y[y > 0])
        self.loss_axis.fit(y)

    @staticmethod
    def _status_text(history) -> str:
        parts = []
        for key, label, fmt in (("loss", "loss", ".4g"), ("errors", "errors", "d"),
                                ("val_loss", "val", ".4g"),
                                ("accuracy", "acc", ".1%"), ("val_accuracy", "val acc", ".1%")):
            values = history.get(key)
            if values is not None and len(values):
                value = int(values[-1]) if fmt == "d" else float(values[-1])
                parts.append(f"{label} {value:{fmt}}")
        if not parts:
            return ""
        epochs = max(len(history.get(k, ())) for k in ("loss", "accuracy", "val_loss", "val_accuracy"))
        return f"epoch {epochs} · " + " · ".join(parts)

    def set_log_scale(self, on: bool) -> None:
        if self.log_action.isChecked() != bool(on):
            self.log_action.setChecked(bool(on))
            return
        self.loss_plot.setLogMode(y=bool(on))
        self.loss_axis.reset()  # other units: fit the axis again now
        self._calm_y(self._last_y)

    def clear(self) -> None:
        super().clear()
        self._drawn = ()
        self._last_y = None
        if self._top != "loss":
            self._top = "loss"
            self.loss_plot.setLabel("left", "loss")
        self.epoch_axis.reset()
        self.loss_axis.reset()
        for curve in self.curves.values():
            curve.setData([], [])

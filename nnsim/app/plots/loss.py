"""Loss and accuracy per epoch, training and validation, in one plot area: the loss on the left
axis (red), the accuracy on the right axis (blue, from a round tenth under the lowest accuracy
to 1), sharing the epoch axis.

One plot area stays readable in a small dock (two stacked plots each got a third of it, and
their axis labels overprinted).  The key is a one-line legend above the plot, never over the
curves; validation (dashed, training solid) joins it when there is any.  Curves come straight
from the snapshot's history arrays (complete even when frames were dropped), each value at its
epoch (`snapshot.history_epochs`; over a long run the engine keeps the older epochs as min/max
envelopes, so the whole run shows, with its peaks, in bounded memory); keys that are missing are
simply not drawn.  Rules without a loss (the perceptron) show their misclassified count on the
left axis instead: on XOR it never reaches 0.
"""
from __future__ import annotations

import csv
from typing import Any

import numpy as np
import pyqtgraph as pg

from ..numbers import format_value
from . import style
from .base import PlotPanel
from .calm_axis import CalmAxis

LOSS_COLOR = (198, 40, 40)
ACCURACY_COLOR = (21, 101, 192)
AXIS_WIDTH = 50  # fixed, so the plot area does not shift as tick labels change
EMPTY_HINT = "The loss and accuracy appear here epoch by epoch while a rule trains: press Train."


class LossPlot(PlotPanel):
    title = "Loss and accuracy"
    KEYS = ("loss", "val_loss", "accuracy", "val_accuracy")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.legend = style.key_row(self.graphics, columns=4)
        self.loss_plot = self.add_plot(1, 0, left="loss", bottom="epoch",
                                       axisItems={"left": style.SparseLogAxis("left")})
        self.graphics.ci.layout.setRowStretchFactor(0, 0)
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        # The accuracy: a second view box over the same area, x linked, on the right axis.
        # Drawn under the loss view, which keeps the mouse (pan and zoom act on the loss).
        self.accuracy_view = pg.ViewBox(enableMenu=False)
        self.accuracy_view.setMouseEnabled(False, False)
        self.accuracy_view.setZValue(-100)
        self.loss_plot.scene().addItem(self.accuracy_view)
        self.accuracy_view.setXLink(self.loss_plot.getViewBox())
        self.accuracy_view.setYRange(-0.03, 1.05, padding=0)
        self.loss_plot.showAxis("right")
        right = self.loss_plot.getAxis("right")
        right.linkToView(self.accuracy_view)
        self._color_axis("left", LOSS_COLOR, "loss")
        self._color_axis("right", ACCURACY_COLOR, "accuracy")
        for side in ("left", "right"):
            self.loss_plot.getAxis(side).setWidth(AXIS_WIDTH)
        self.loss_plot.getViewBox().sigResized.connect(self._place_accuracy_view)
        self._place_accuracy_view()

        self.curves = {
            "loss": self.loss_plot.plot(pen=style.pen(LOSS_COLOR, 2), name="training"),
            "val_loss": self.loss_plot.plot(pen=style.pen(LOSS_COLOR, 2, dashed=True),
                                            name="validation"),
            "accuracy": self._accuracy_curve(style.pen(ACCURACY_COLOR, 2), "training"),
            "val_accuracy": self._accuracy_curve(style.pen(ACCURACY_COLOR, 2, dashed=True),
                                                 "validation"),
            "errors": self.loss_plot.plot(pen=style.pen(LOSS_COLOR, 2)),  # axis label names it
        }
        self._top = "loss"  # what the left axis shows: "loss" or "errors"
        self._accuracy_floor = 1.0  # the accuracy axis' lower end, lowered as runs need
        self._legend_key: tuple = ()
        self._show_legend(("loss", "accuracy"))  # measured once: the row keeps this height
        self.legend.setMinimumHeight(self.legend.preferredHeight())  # when the key is empty
        self._show_legend(())
        self._drawn: tuple = ()  # (key, length) of the histories last drawn
        # Axes that move only when they must.
        self.epoch_axis = CalmAxis(self.loss_plot, "x", lead=1.0, floor=0.5, min_span=10)
        self.loss_axis = CalmAxis(self.loss_plot, "y")
        self._last_y = None  # the values the loss axis was last fitted to
        for curve in self.curves.values():
            style.long_history(curve)
        self.log_action = self.add_toggle("log loss", False, self.set_log_scale,
                                          "Show the loss on a logarithmic axis")
        # Before the first epoch the axes are empty: say what will appear there, and how.
        self.empty_hint = pg.TextItem(EMPTY_HINT, color=style.FAINT, anchor=(0.5, 0.5))
        self.empty_hint.setTextWidth(220)
        self.loss_plot.getViewBox().addItem(self.empty_hint, ignoreBounds=True)
        self.loss_plot.getViewBox().sigRangeChanged.connect(self._place_hint)
        self.loss_plot.getViewBox().sigResized.connect(self._place_hint)
        self._place_hint()

    # ------------------------------------------------------------------ building
    def _color_axis(self, side: str, color, label: str) -> None:
        axis = self.loss_plot.getAxis(side)
        axis.setTextPen(pg.mkPen(color))
        self.loss_plot.setLabel(side, label, color="#{:02x}{:02x}{:02x}".format(*color),
                                **{"font-size": f"{style.FONT_PT + 1}pt"})

    def _accuracy_curve(self, pen, name: str) -> pg.PlotDataItem:
        curve = pg.PlotDataItem(pen=pen, name=name)
        self.accuracy_view.addItem(curve)
        return curve

    def _place_accuracy_view(self) -> None:
        view = self.loss_plot.getViewBox()
        self.accuracy_view.setGeometry(view.sceneBoundingRect())
        self.accuracy_view.linkedViewChanged(view, self.accuracy_view.XAxis)

    def _show_legend(self, drawn) -> None:
        """The one-line key above the plot: what each colour and line style drawn means, only
        for curves that have data ("loss", "accuracy", "validation"; an RBF fit has no accuracy,
        nothing before the first epoch)."""
        key = (self._top, tuple(drawn))
        self._drawn_names = tuple(drawn)
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.clear()
        for label, color in self.__dict__.get("_extra_key", ()):
            self.legend.addItem(pg.PlotDataItem(pen=style.pen(color, 2)), label)
        if "loss" in drawn:
            top = "misclassified" if self._top == "errors" else "loss"
            self.legend.addItem(pg.PlotDataItem(pen=style.pen(LOSS_COLOR, 2)), top)
        if "accuracy" in drawn:
            self.legend.addItem(pg.PlotDataItem(pen=style.pen(ACCURACY_COLOR, 2)), "accuracy")
        if "validation" in drawn:
            self.legend.addItem(pg.PlotDataItem(pen=style.pen(style.INK, 2, dashed=True)),
                                "validation")

    # ------------------------------------------------------------------ extra curves
    def set_extra_curves(self, curves: dict) -> None:
        """Named curves beside the run's own, on the loss axis: label -> (x, y, colour) (a race's
        three optimisers, x their steps); {} removes them.  Each is listed in the key."""
        extra = self.__dict__.setdefault("extra", {})
        for label in list(extra):
            if label not in curves:
                self.loss_plot.removeItem(extra.pop(label))
        for label, (x, y, color) in curves.items():
            item = extra.get(label)
            if item is None:
                item = extra[label] = self.loss_plot.plot(pen=style.pen(color, 2))
            item.setData(np.asarray(x, float), np.asarray(y, float))
        keys = tuple((label, tuple(c[2])) for label, c in curves.items())
        if keys != self.__dict__.get("_extra_key", ()):
            self._extra_key = keys
            self._legend_key = ()
            self._show_legend(self.__dict__.get("_drawn_names", ()))
        if curves:
            self.empty_hint.setVisible(False)
            last = max((len(x) for x, _, _ in curves.values()), default=1)
            self.epoch_axis.fit([0, max(last - 1, 1)])
            self._calm_y(np.concatenate([np.asarray(y, float) for _, y, _ in curves.values()]))

    # ------------------------------------------------------------------ updating
    def update_snapshot(self, snapshot: Any) -> None:
        from .landscape import race_loss_curves

        race = race_loss_curves(snapshot)
        if race or self.__dict__.get("extra"):
            self.set_extra_curves(race)
            if race:  # the race runs instead of the rule: its curves are the plot
                self.set_status(" · ".join(f"{label} {format_value(float(y[-1]))}"
                                           for label, (_, y, _) in race.items()))
                return
        history = getattr(snapshot, "history", None) or {}
        epochs_of = getattr(snapshot, "history_epochs", None) or {}
        # Histories grow once an epoch; between epochs there is nothing new to draw (redrawing
        # would re-lay the axes every frame).
        x_of = {key: _epochs(epochs_of.get(key), len(values)) for key, values in history.items()}
        shape = tuple((key, len(values), x_of[key][-1] if len(values) else 0)
                      for key, values in history.items())
        if shape == self._drawn and shape:
            return
        self._drawn = shape
        has_loss = len(history.get("loss", ())) > 0
        top = "errors" if not has_loss and len(history.get("errors", ())) else "loss"
        if top != self._top:
            self._top = top
            self._color_axis("left", LOSS_COLOR, "misclassified" if top == "errors" else "loss")
        for key, curve in self.curves.items():
            values = history.get(key) if key != "errors" or top == "errors" else None
            if values is None or not len(values):
                curve.setData([], [])
                continue
            y = np.asarray(values, dtype=float)
            curve.setData(x_of[key], y, skipFiniteCheck=bool(np.isfinite(y).all()))
        has = {k for k, v in history.items() if v is not None and len(v)}
        self._show_legend([name for name, keys in (("loss", ("loss", "val_loss", top)),
                                                   ("accuracy", ("accuracy", "val_accuracy")),
                                                   ("validation", ("val_loss", "val_accuracy")))
                           if has.intersection(keys)])
        epochs = int(max((last for _, _, last in shape), default=0))
        self.empty_hint.setVisible(epochs == 0)
        if epochs:
            self.epoch_axis.fit([1, epochs])
        if top == "errors":
            self._calm_y(history.get("errors"))
        else:  # the validation loss too: it may fall below the training loss (lesson 16)
            parts = [np.asarray(history[k], dtype=float) for k in ("loss", "val_loss")
                     if len(history.get(k, ()))]
            self._calm_y(np.concatenate(parts) if parts else None)
        self._fit_accuracy(history)
        self.set_status(self._status_text(history, x_of))

    def _fit_accuracy(self, history) -> None:
        """The accuracy axis from a round tenth under the lowest accuracy to 1 (0.8 to 1 for a
        run that stays above 0.8, so a climb from 86% to 95% is seen); it only ever widens
        during a run, so the curves do not jump."""
        values = [np.asarray(history[k], dtype=float) for k in ("accuracy", "val_accuracy")
                  if len(history.get(k, ()))]
        if not values:
            return
        low = float(min(np.nanmin(v) for v in values))
        floor = max(0.0, np.floor((low - 0.02) * 10) / 10) if np.isfinite(low) else 0.0
        if floor < self._accuracy_floor:
            self._accuracy_floor = floor
            pad = 0.03 * (1.0 - floor)
            self.accuracy_view.setYRange(floor - pad, 1.0 + pad, padding=0)

    def _place_hint(self, *_args) -> None:
        view = self.loss_plot.getViewBox()
        (x0, x1), (y0, y1) = view.viewRange()
        width = max(100.0, min(260.0, view.sceneBoundingRect().width() - 16))
        if abs(self.empty_hint.textItem.textWidth() - width) > 1:  # wrapped inside the area
            self.empty_hint.setTextWidth(width)
        self.empty_hint.setPos((x0 + x1) / 2, (y0 + y1) / 2)

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
    def _status_text(history, x_of) -> str:
        parts = []
        for key, label, kind in (("loss", "loss", "value"), ("errors", "errors", "count"),
                                 ("val_loss", "val", "value"),
                                 ("accuracy", "acc", "percent"), ("val_accuracy", "val acc", "percent")):
            values = history.get(key)
            if values is not None and len(values):
                value = float(values[-1])
                text = (str(int(value)) if kind == "count" else
                        format_value(100 * value) + "%" if kind == "percent" else format_value(value))
                parts.append(f"{label} {text}")
        if not parts:
            return ""
        epochs = max(int(x_of[k][-1]) for k in ("loss", "accuracy", "val_loss", "val_accuracy", "errors")
                     if len(history.get(k, ())))
        return f"epoch {epochs} · " + " · ".join(parts)

    def set_log_scale(self, on: bool) -> None:
        if self.log_action.isChecked() != bool(on):
            self.log_action.setChecked(bool(on))
            return
        self.loss_plot.setLogMode(y=bool(on))
        self.loss_plot.getAxis("right").setLogMode(False, False)  # the accuracy stays linear
        self.loss_axis.reset()  # other units: fit the axis again now
        self._calm_y(self._last_y)

    # ------------------------------------------------------------------ clear and export
    def clear(self) -> None:
        super().clear()
        self.set_extra_curves({})
        self._drawn = ()
        self._last_y = None
        self._accuracy_floor = 1.0
        self.accuracy_view.setYRange(-0.03, 1.05, padding=0)
        if self._top != "loss":
            self._top = "loss"
            self._color_axis("left", LOSS_COLOR, "loss")
        self._show_legend(())
        self.epoch_axis.reset()
        self.loss_axis.reset()
        for curve in self.curves.values():
            curve.setData([], [])
        self.empty_hint.show()

    def export_csv(self, path) -> None:
        """One row per epoch drawn: the epoch, then every history drawn (loss, validation loss,
        accuracy, validation accuracy, misclassified); blank where a history has no value at
        that epoch (over a long run older epochs are min/max envelopes)."""
        names = {"loss": "loss", "val_loss": "val_loss", "accuracy": "accuracy",
                 "val_accuracy": "val_accuracy", "errors": "misclassified"}
        columns = []
        for key, curve in self.curves.items():
            x, y = curve.getOriginalDataset()
            if y is not None and len(y):
                columns.append((names[key], np.asarray(x), np.asarray(y)))
        epochs = np.unique(np.concatenate([x for _, x, _ in columns])) if columns else np.empty(0)
        cells = []
        for _, x, y in columns:
            column = np.full(len(epochs), "", dtype=object)
            column[np.searchsorted(epochs, x)] = [f"{v:.6g}" for v in y]
            cells.append(column)
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["epoch"] + [name for name, _, _ in columns])
            for k, epoch in enumerate(epochs):
                writer.writerow([int(epoch)] + [column[k] for column in cells])


def _epochs(epochs, n: int) -> np.ndarray:
    """The epoch of each of n history values: as the snapshot gives them, or 1..n (a history
    without epochs, or epochs that do not match its values)."""
    if epochs is not None and len(epochs) == n:
        return np.asarray(epochs, dtype=float)
    return np.arange(1, n + 1, dtype=float)  # epoch k ends after k passes

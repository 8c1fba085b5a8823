"""Weights over time: one curve per synapse (key "src→tgt") and the weight norm ‖w‖ (thick, dark)
in one plot area, with Oja's limit ‖w‖ = 1 marked; the key is a row above the plot, never over
the curves.

Each snapshot appends its weights at x = snapshot.step.  Long runs stay smooth: curves clip to
the view and downsample by peaks, data lives in growing buffers (series.Series).  "log |w|" shows
magnitudes on a log axis, where the Hebbian blow-up is a straight climb and Oja's rule a plateau.
The axis turns logarithmic by itself once ‖w‖ has grown AUTO_LOG-fold (a linear axis then shows
only the last few steps, the rest flat at zero), unless the user chose the scale; on it the status
gives the growth as a doubling time.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

from ..numbers import format_value
from . import style
from .base import PlotPanel
from .calm_axis import CalmAxis
from .series import Series

MAX_CURVES = 32  # more curves are unreadable and slow: a large network shows a sample of them
MAX_LEGEND = 8  # more names than this (colours repeat after ten) are left out of the key
NORM_COLOR = (38, 50, 56)  # light theme's; other themes draw ‖w‖ in their plot ink (style.INK)
AUTO_LOG = 1000.0  # ‖w‖ grown this many times over its smallest value: a log axis reads it


class WeightsPlot(PlotPanel):
    title = "Weights"

    def __init__(self, parent=None, max_points: int = 50_000, x_key: str = "step") -> None:
        """x_key: "step" (each snapshot's step count) or "epoch"."""
        super().__init__(parent)
        self.max_points = max_points
        self.x_key = x_key
        self.legend = style.key_row(self.graphics)
        self.weights_plot = self.add_plot(1, 0, left="weight w, ‖w‖", bottom=x_key,
                                          axisItems={"left": style.SparseLogAxis("left")})
        self.graphics.ci.layout.setRowStretchFactor(0, 0)
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.weights_plot.getAxis("left").setWidth(56)  # steady: tick labels change width
        # Oja's limit, shown while Oja's rule runs; its label above the line's right end, in
        # the room the step axis keeps ahead of the data.
        label = {"position": 0.98, "color": style.FAINT, "anchors": [(1, 1), (1, 1)]}
        self.unit_line = pg.InfiniteLine(1.0, angle=0, pen=style.pen(style.FAINT, 1, dashed=True),
                                         label="‖w‖ = 1 (Oja's limit)", labelOpts=label)
        self.oja = False  # whether the unit line is in the plot
        self.norm_curve = style.long_history(
            self.weights_plot.plot(pen=style.pen(self._norm_color(), 2.6), name="‖w‖"))
        self.legend.addItem(self.norm_curve, "‖w‖")
        self.zero_line = pg.InfiniteLine(0, angle=0, pen=pg.mkPen(180, 180, 180))
        self.weights_plot.addItem(self.zero_line)
        self.log_action = self.add_toggle("log |w|", False, self.set_log_scale,
                                          "Plot |w| and ‖w‖ on a logarithmic axis")
        self.synapses: tuple[tuple[str, str], ...] = ()
        self._given: Any = None  # the snapshot's synapses object self.synapses was made from
        self.shown = np.zeros(0, dtype=int)  # which synapses have a curve
        self.curves: list[pg.PlotDataItem] = []
        self.series = Series(0, max_points=max_points)
        self.norms = Series(1, max_points=max_points)
        self.log_scale = False
        self.scale_chosen = False  # the user toggled "log |w|": no automatic switch then
        self._switching = False
        # Axes that move only when they must (steps grow and weights change every frame).
        self.x_axis = CalmAxis(self.weights_plot, "x", lead=1.0, floor=0.0, min_span=10)
        self.y_axis = CalmAxis(self.weights_plot, "y")

    @staticmethod
    def _make_curve(plot: pg.PlotItem, color, name: str | None) -> pg.PlotDataItem:
        return style.long_history(plot.plot(pen=style.pen(color, 1.6), name=name))

    # ------------------------------------------------------------------ updating
    def update_snapshot(self, snapshot: Any) -> None:
        given = getattr(snapshot, "synapses", ())
        # Frames repeat the very same tuple while the network is unchanged: no copy, no compare.
        synapses = self.synapses if given is self._given else tuple(tuple(s) for s in given)
        weights = np.asarray(getattr(snapshot, "weights", ()), dtype=float).ravel()
        if len(weights) != len(synapses):
            return
        step = float(getattr(snapshot, self.x_key, len(self.series)))
        self._given = given
        self._show_unit_line(getattr(snapshot, "rule", "") == "oja")
        if synapses is not self.synapses and synapses != self.synapses:
            self._rebuild(synapses)
        elif self.series.last_x is not None and step < self.series.last_x:
            self._forget()  # the simulation was reset: start again from its step 0
        # The norm of exactly the weights drawn above (the engine's history["weight_norm"] is per
        # epoch, so it would lag the curves by up to an epoch).
        with np.errstate(over="ignore", invalid="ignore"):
            norm = float(np.linalg.norm(weights))
        if self.series.last_x == step:
            self.series.replace_last(weights[self.shown])  # same step again: no new point
            self.norms.replace_last([norm])
        else:
            self.series.append(step, weights[self.shown])
            self.norms.append(step, [norm])
        if not self.log_scale and not self.scale_chosen and self.norms.abs_hi > \
                AUTO_LOG * self.norms.abs_lo and np.isfinite(self.norms.abs_hi):
            self._switching = True  # not the user's choice: a later clear() undoes it
            try:
                self.set_log_scale(True)
            finally:
                self._switching = False
        if not self.window().isVisible() or not self.visibleRegion().isEmpty():
            self._redraw()  # behind another tab of a shown window: keep the data, draw on show
        self.set_status(self._status_text(int(step), weights, norm))

    def _status_text(self, step: int, weights: np.ndarray, norm: float) -> str:
        if not np.isfinite(weights).all() or not np.isfinite(norm):
            return f"{self.x_key} {step} · weights overflowed (the Hebbian blow-up)"
        sample = (f" · {len(self.shown)} of {len(self.synapses)} synapses drawn"
                  if len(self.shown) < len(self.synapses) else "")
        growth = self._doubling() if self.log_scale else None
        doubling = f" · doubles every {format_value(growth)} {self.x_key}s" if growth else ""
        return f"{self.x_key} {step} · ‖w‖ = {format_value(norm)}{doubling}{sample}"

    def _doubling(self) -> float | None:
        """How many steps ‖w‖ takes to double over the latter half of the history, while it
        grows at least 4-fold there (exponential growth: a straight climb on the log axis)."""
        x, y = self.norms.x, self.norms.y(0)
        if len(x) < 4:
            return None
        k = len(x) // 2
        a, b = float(y[k]), float(y[-1])
        if not (np.isfinite(a) and np.isfinite(b)) or a <= 0 or b < 4 * a or x[-1] <= x[k]:
            return None
        return float((x[-1] - x[k]) * np.log(2.0) / np.log(b / a))

    def _show_unit_line(self, on: bool) -> None:
        """Oja's limit in the plot only while Oja's rule runs (a hidden line would still stretch
        the scene, and with it every PNG export)."""
        if on != self.oja:
            self.oja = on
            (self.weights_plot.addItem if on else self.weights_plot.removeItem)(self.unit_line)

    def _rebuild(self, synapses: tuple[tuple[str, str], ...]) -> None:
        for curve in self.curves:
            self.weights_plot.removeItem(curve)
        self.legend.clear()
        self.synapses = synapses
        n = len(synapses)
        self.shown = (np.arange(n) if n <= MAX_CURVES
                      else np.unique(np.linspace(0, n - 1, MAX_CURVES).round().astype(int)))
        named = len(self.shown) <= MAX_LEGEND
        self.curves = [self._make_curve(self.weights_plot, style.series_color(i),
                                        f"{synapses[k][0]}→{synapses[k][1]}" if named else None)
                       for i, k in enumerate(self.shown)]
        for curve in self.curves:
            if named:
                self.legend.addItem(curve, curve.name())
        self.legend.addItem(self.norm_curve, "‖w‖")
        # The norm on top of the weights it sums, and last in a CSV export.
        self.weights_plot.removeItem(self.norm_curve)
        self.weights_plot.addItem(self.norm_curve)
        self.series = Series(len(self.shown), max_points=self.max_points)
        self.norms.clear()
        if self.isVisible():
            self.fit_minimum_size()  # the key may have gained or lost rows

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._redraw()

    def _forget(self) -> None:
        self.series.clear()
        self.norms.clear()
        for axis in (self.x_axis, self.y_axis):
            axis.reset()

    def _redraw(self) -> None:
        x = self.series.x
        finite = self.series.all_finite and self.norms.all_finite
        for i, curve in enumerate(self.curves):
            y = self.series.y(i)
            curve.setData(x, np.abs(y) if self.log_scale else y, skipFiniteCheck=finite)
        self.norm_curve.setData(self.norms.x, self.norms.y(0), skipFiniteCheck=finite)
        if len(x):
            self.x_axis.fit([x[0], x[-1]])
            series, norms = self.series, self.norms
            if self.log_scale:
                with np.errstate(divide="ignore", invalid="ignore"):
                    self.y_axis.fit(np.log10([series.abs_lo, series.abs_hi,
                                              norms.abs_lo, norms.abs_hi]))
            else:
                self.y_axis.fit([series.lo, series.hi, norms.lo, norms.hi])

    # ------------------------------------------------------------------ options
    def set_log_scale(self, on: bool) -> None:
        if not self._switching:
            self.scale_chosen = True  # the user's (or the program's explicit) choice stays
        self.log_scale = bool(on)
        if self.log_action.isChecked() != self.log_scale:
            self.log_action.setChecked(self.log_scale)  # re-enters once through toggled
            return
        self.weights_plot.setLogMode(y=self.log_scale)
        self.zero_line.setVisible(not self.log_scale)
        self.unit_line.setValue(0.0 if self.log_scale else 1.0)  # log10(1) on a log axis
        self.weights_plot.setLabel("left", "|w|, ‖w‖ (log)" if self.log_scale else "weight w, ‖w‖")
        self.y_axis.reset()  # other units
        self._redraw()

    @staticmethod
    def _norm_color() -> tuple[int, int, int]:
        """‖w‖ in near-black on a light background, in the theme's ink on a dark one."""
        return NORM_COLOR if sum(style.BACKGROUND) > 3 * 128 else tuple(style.INK)

    def theme_changed(self) -> None:
        """A new theme (nnsim.app.theme): ‖w‖ in a colour that reads on its background."""
        self.norm_curve.setPen(style.pen(self._norm_color(), 2.6))

    def clear(self) -> None:
        """Forget the histories and the synapses (their curves and legend entries)."""
        super().clear()
        if self.log_scale and not self.scale_chosen:  # an automatic log axis: the next run's own
            self._switching = True
            try:
                self.set_log_scale(False)
            finally:
                self._switching = False
        self._show_unit_line(False)
        self._rebuild(())
        self._given = None
        self._forget()
        self._redraw()

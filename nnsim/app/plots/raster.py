"""A raster: which neurons fire at each step, one row per neuron, time running left to right.

For networks that live in time (loops, McCulloch-Pitts threshold units walked through their
inputs): a cell is inked where the neuron's output is on (1, or +1 for a sign unit; values in
between as shades, anything at or below 0 blank).  Inputs are drawn in blue, the units that
compute in orange, so cause and effect read off the same picture: the 'set' pulse, then
'memory' on for as long as it lasts.  Fed by snapshots like every plot: each snapshot's outputs
become the column of its step (steps between two snapshots, skipped at a fast speed, repeat the
earlier one).  The latest WINDOW steps are kept; a reset (a smaller step) starts afresh.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from .base import PlotPanel, write_matrix_csv
from .calm_axis import CalmAxis

WINDOW = 400  # steps kept and drawn
MAX_ROWS = 64  # neurons drawn; a larger network shows its first MAX_ROWS
NAMED_ROWS = 24  # up to here every row is labelled with its neuron's name
INPUT_INK = (31, 119, 180)
UNIT_INK = (214, 96, 10)
PAPER = (255, 255, 255)
RULE = (228, 231, 235)  # lines between rows


class RasterPlot(PlotPanel):
    title = "Raster (firing over time)"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = self.add_plot(0, 0, bottom="step (time →)")
        self.plot.showGrid(x=True, y=False, alpha=0.12)
        self.plot.getViewBox().invertY(True)
        self.plot.getViewBox().setMouseEnabled(x=True, y=False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.rules = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(*RULE, width=1))
        self.plot.addItem(self.rules)
        self.x_axis = CalmAxis(self.plot, "x", lead=0.25, floor=-0.5, min_span=40)
        self.names: tuple[str, ...] = ()  # the rows, top to bottom
        self.inputs = np.zeros(0, dtype=bool)  # which rows are inputs
        self.total = 0  # neurons in the network (rows: at most MAX_ROWS of them)
        self.steps = np.zeros(0, dtype=np.int64)  # the step of each column kept, increasing
        self.values = np.zeros((0, 0))  # (columns kept, rows): outputs at those steps
        self._given: Any = None  # the snapshot's names object self.names was made from

    # ------------------------------------------------------------------ updating
    def update_snapshot(self, snapshot: Any) -> None:
        given = getattr(snapshot, "names", ())
        outputs = np.asarray(getattr(snapshot, "outputs", ()), dtype=float).ravel()
        if len(outputs) != len(given) or not len(given):
            return
        step = int(getattr(snapshot, "step", 0))
        if given is not self._given:  # frames repeat the same tuple while nothing changed
            names = tuple(given)
            if names[:MAX_ROWS] != self.names or len(names) != self.total:
                self._rebuild(names, snapshot)
        self._given = given
        column = outputs[: len(self.names)]
        if len(self.steps) and step < self.steps[-1]:
            self._forget()  # the simulation was reset
        if len(self.steps) and step == self.steps[-1]:
            self.values[-1] = column
        else:
            self.steps = np.append(self.steps, step)
            self.values = np.vstack([self.values, column[None, :]])
            # Keep one column older than the window: it fills the window's first steps.
            old = np.flatnonzero(self.steps <= step - WINDOW)
            if len(old) > 1:
                cut = old[-1]
                self.steps, self.values = self.steps[cut:], self.values[cut:]
        self._redraw()
        self.set_status(self._status_text(step))

    def _rebuild(self, names: tuple[str, ...], snapshot: Any) -> None:
        self.total = len(names)
        self.names = names[:MAX_ROWS]
        roles = {}
        try:
            net = getattr(snapshot, "network", None)
            roles = {n.name: n.role for n in net.neurons} if net is not None else {}
        except (AttributeError, ValueError):
            roles = {}
        self.inputs = np.array([roles.get(n) == "input" for n in self.names], dtype=bool)
        self._forget()
        rows = len(self.names)
        axis = self.plot.getAxis("left")
        if rows <= NAMED_ROWS:
            axis.setTicks([[(i + 0.5, name) for i, name in enumerate(self.names)], []])
        else:
            every = max(1, rows // 8)
            axis.setTicks([[(i + 0.5, str(i + 1)) for i in range(0, rows, every)], []])
        self.plot.setLabel("left", "" if rows <= NAMED_ROWS else "neuron")
        self.plot.setYRange(0, max(rows, 1), padding=0.02)
        if self.isVisible():
            self.fit_minimum_size()

    def _forget(self) -> None:
        self.steps = np.zeros(0, dtype=np.int64)
        self.values = np.zeros((0, len(self.names)))
        self.x_axis.reset()

    # ------------------------------------------------------------------ drawing
    def columns(self) -> tuple[int, np.ndarray]:
        """(first step, values (rows, steps)) of the steps drawn: every step from the first kept
        (or the window's start) to the last, each showing the latest snapshot at or before it."""
        if not len(self.steps):
            return 0, np.zeros((len(self.names), 0))
        last = int(self.steps[-1])
        first = max(int(self.steps[0]), last - WINDOW + 1)
        wanted = np.arange(first, last + 1)
        index = np.searchsorted(self.steps, wanted, side="right") - 1
        return first, self.values[np.maximum(index, 0)].T

    def _redraw(self) -> None:
        first, values = self.columns()
        rows, n = values.shape
        if not rows or not n:
            self.image.clear()
            self.rules.setData([], [])
            return
        amount = np.clip(np.nan_to_num(values, nan=0.0), 0.0, 1.0)[:, :, None]
        ink = np.where(self.inputs[:, None, None], np.array(INPUT_INK, float),
                       np.array(UNIT_INK, float))
        rgb = np.array(PAPER, float) * (1.0 - amount) + ink * amount
        self.image.setImage(np.ascontiguousarray(rgb.astype(np.uint8)), autoLevels=False,
                            levels=(0, 255))
        self.image.setRect(QRectF(first - 0.5, 0.0, n, rows))
        ys = np.repeat(np.arange(1, rows), 2).astype(float)
        xs = np.tile([first - 0.5, first + n - 0.5], rows - 1).astype(float)
        self.rules.setData(xs, ys, connect="pairs")
        self.x_axis.fit([first - 0.5, first + n - 0.5])

    def _status_text(self, step: int) -> str:
        if not len(self.names):
            return ""
        on = self.values[-1] > 0.5 if len(self.values) else np.zeros(len(self.names), bool)
        units = [i for i in range(len(self.names)) if not self.inputs[i]]
        text = f"step {step}"
        if len(units) <= 3:  # a latch and its like: since when each unit is as it is
            for i in units:
                text += f" · {self.names[i]} " + self._story(i)
        elif len(self.names) <= NAMED_ROWS:
            firing = [self.names[i] for i in units if on[i]]
            text += " · firing: " + (", ".join(firing) if firing else "none")
        else:
            text += f" · {int(np.sum(on))} of {len(self.names)} on"
        if self.total > len(self.names):
            text += f" · first {len(self.names)} of {self.total} neurons drawn"
        return text

    def _story(self, row: int) -> str:
        """'on since step 21', or 'off since step 94, after 73 steps on' (the steps kept)."""
        on = self.values[:, row] > 0.5
        state = "on" if on[-1] else "off"
        changed = np.flatnonzero(on[1:] != on[:-1])  # the column before each change
        if not len(changed):
            return state
        since = int(self.steps[changed[-1] + 1])
        text = f"{state} since step {since}"
        if not on[-1]:
            began = int(self.steps[changed[-2] + 1]) if len(changed) > 1 else None
            if began is not None:
                text += f", after {since - began} steps on"
        return text

    # ------------------------------------------------------------------ clear and export
    def clear(self) -> None:
        super().clear()
        self.names, self.total, self._given = (), 0, None
        self.inputs = np.zeros(0, dtype=bool)
        self._forget()
        self.image.clear()
        self.rules.setData([], [])
        self.plot.getAxis("left").setTicks(None)

    def export_csv(self, path) -> None:
        """One row per step: the step, then every neuron's output."""
        first, values = self.columns()
        steps = np.arange(first, first + values.shape[1])
        write_matrix_csv(path, np.column_stack([steps, values.T]) if values.size
                         else np.empty((0, 0)), header=["step", *self.names])

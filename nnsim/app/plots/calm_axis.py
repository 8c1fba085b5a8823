"""CalmAxis: one axis of a plot of a growing history that moves only when it must.

pyqtgraph's auto-range follows the data every frame.  For a history that grows each frame
(loss per epoch, weights per step) that re-lays the axis (ticks, labels, grid) and, because the
range is settled while painting, paints the plot twice: most of a frame's drawing.  A CalmAxis
moves only when the data leave the range (leaving room ahead on the side they left by, since a
falling loss keeps falling and steps keep growing) or shrink to a small part of it, so the
data are always in view.  Once the user pans or zooms that axis, it is theirs until `reset()`.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

MARGIN = 0.08  # of the data's span, each side
LEAD = 0.3  # extra room on the side the data left by
FILL = 0.4  # the data must fill at least this part of the range, or it shrinks


class CalmAxis:
    def __init__(self, plot: pg.PlotItem, axis: str = "y", lead: float = LEAD,
                 floor: float | None = None, min_span: float = 0.0) -> None:
        """axis: "x" or "y".  lead: room ahead, as a part of the span (1.0: the range doubles).
        floor: the range never starts below it (e.g. step 0).  min_span: the least span shown
        (the first few epochs on an axis of ten)."""
        self.plot = plot
        self.index = 0 if axis == "x" else 1
        self.lead = lead
        self.floor = floor
        self.min_span = min_span
        self.range: tuple[float, float] | None = None
        self.user = False
        plot.getViewBox().sigRangeChangedManually.connect(self._manual)

    def _manual(self, mask) -> None:
        if mask is None or mask[self.index]:
            self.user = True

    def reset(self) -> None:
        """Fit afresh from the next data (cleared plot, other units); the user's zoom ends."""
        self.range = None
        self.user = False

    def fit(self, values) -> None:
        """Keep these values (in the axis's units, e.g. log10 on a log axis) in view."""
        if self.user or values is None:
            return
        v = np.asarray(values, dtype=float).ravel()
        v = v[np.isfinite(v)]
        if not len(v):
            return
        lo, hi = float(v.min()), float(v.max())
        below = above = MARGIN
        if self.range is not None:
            low, high = self.range
            if low <= lo and hi <= high and (hi - lo) >= FILL * (high - low):
                return
            below += self.lead if lo < low else 0.0
            above += self.lead if hi > high else 0.0
        span = max(hi - lo if hi > lo else max(abs(hi), 1.0) * 0.1, self.min_span)
        low, high = lo - below * span, hi + above * span
        if self.floor is not None:
            low = max(low, self.floor)
        self.range = (low, high)
        if self.index == 0:
            self.plot.setXRange(low, high, padding=0)
        else:
            self.plot.setYRange(low, high, padding=0)

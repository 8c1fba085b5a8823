"""Growing time series for long histories: amortised O(1) appends, contiguous views for setData.

k values share one x (one curve per synapse at each step).  Storage is (k, capacity), so each
curve's y is a contiguous row.  Past `max_points` the series halves, keeping every peak and dip:
groups of `stride` points become two columns, each curve's lowest and highest value of the group
(in the order they came) at the group's first and last x.  Halving merges pairs of groups (the
stride doubles); points appended later gather at full resolution until a whole group of them is
there, so the whole history is drawn at one resolution (never coarser the older it is), the
newest point stays as it was, and memory stays bounded.
"""
from __future__ import annotations

import numpy as np


class Series:
    def __init__(self, k: int = 1, capacity: int = 1024, max_points: int = 200_000) -> None:
        self.k = k
        self.max_points = max(int(max_points), 8)
        self._x = np.empty(capacity, dtype=float)
        self._y = np.empty((k, capacity), dtype=float)
        self.n = 0
        self.stride = 1  # points per group of two columns (1: no groups yet)
        self._grouped = 0  # columns taken by complete groups (two each); the rest are points
        self.all_finite = True
        self._extremes()

    def _extremes(self) -> None:
        # Running extremes of every value appended, for an axis to fit without a pass over the
        # history (a replaced or halved-away value may leave them a little wide, never narrow).
        self.lo = self.abs_lo = np.inf
        self.hi = self.abs_hi = -np.inf

    def __len__(self) -> int:
        return self.n

    def append(self, x: float, values) -> None:
        values = np.asarray(values, dtype=float).reshape(self.k)
        if self.n == self._x.size:
            if self.n >= self.max_points:
                self._halve()
            else:
                self._grow()
        self._x[self.n] = x
        self._y[:, self.n] = values
        self._note(values)
        self.n += 1
        if self.stride > 1 and self.n - self._grouped > self.stride:
            self._group(self._grouped, 1)  # a whole group gathered (the newest stays a point)

    def _note(self, values: np.ndarray) -> None:
        finite = values[np.isfinite(values)]
        if len(finite) < len(values):
            self.all_finite = False
        if len(finite):
            self.lo, self.hi = min(self.lo, float(finite.min())), max(self.hi, float(finite.max()))
            magnitudes = np.abs(finite[finite != 0])
            if len(magnitudes):
                self.abs_lo = min(self.abs_lo, float(magnitudes.min()))
                self.abs_hi = max(self.abs_hi, float(magnitudes.max()))

    def replace_last(self, values) -> None:
        values = np.asarray(values, dtype=float).reshape(self.k)
        self._y[:, self.n - 1] = values
        self._note(values)

    def _grow(self) -> None:
        cap = min(self._x.size * 2, self.max_points)
        x = np.empty(cap)
        y = np.empty((self.k, cap))
        x[: self.n] = self._x[: self.n]
        y[:, : self.n] = self._y[:, : self.n]
        self._x, self._y = x, y

    def _halve(self) -> None:
        if self.stride == 1:  # points in groups of four
            self.stride = 4
            self._group(0, (self.n - 1) // 4)
            return
        pairs = self._grouped // 4
        # Pairs of groups as one; an odd group left over counts as points of the next group.
        self._merge(0, pairs, 4)
        # At most a quarter of the buffer gathers points (past ~max_points^2 / 8 points, older
        # groups are wider than new ones: memory stays bounded).
        self.stride = min(2 * self.stride, max(4, self.max_points // 4))

    def _group(self, start: int, groups: int) -> None:
        """`groups` runs of `stride` points from column `start` into two columns each."""
        self._merge(start, groups, self.stride)

    def _merge(self, start: int, groups: int, width: int) -> None:
        """`groups` runs of `width` columns from `start` into two columns each: per curve the
        lowest and the highest of the run in the order they came, at the run's first and last
        x.  The columns after them move up; the grouped columns end after the new pairs."""
        end = start + groups * width
        x = self._x[start:end].reshape(groups, width)
        y = self._y[:, start:end].reshape(self.k, groups, width)
        low, high = y.argmin(axis=2), y.argmax(axis=2)
        first, second = np.minimum(low, high)[..., None], np.maximum(low, high)[..., None]
        pairs = np.empty((self.k, groups, 2))
        pairs[:, :, :1] = np.take_along_axis(y, first, axis=2)
        pairs[:, :, 1:] = np.take_along_axis(y, second, axis=2)
        ends = x[:, [0, width - 1]].ravel()
        rest = self.n - end
        self._x[start:start + 2 * groups] = ends
        self._y[:, start:start + 2 * groups] = pairs.reshape(self.k, 2 * groups)
        self._x[start + 2 * groups:start + 2 * groups + rest] = self._x[end:self.n]
        self._y[:, start + 2 * groups:start + 2 * groups + rest] = self._y[:, end:self.n]
        self.n = start + 2 * groups + rest
        self._grouped = start + 2 * groups

    @property
    def x(self) -> np.ndarray:
        return self._x[: self.n]

    def y(self, i: int = 0) -> np.ndarray:
        return self._y[i, : self.n]

    @property
    def last_x(self) -> float | None:
        return float(self._x[self.n - 1]) if self.n else None

    def clear(self) -> None:
        self.n = 0
        self.stride = 1
        self._grouped = 0
        self.all_finite = True
        self._extremes()

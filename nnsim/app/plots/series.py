"""Growing time series for long histories: amortised O(1) appends, contiguous views for setData.

k values share one x (one curve per synapse at each step).  Storage is (k, capacity), so each
curve's y is a contiguous row.  Past `max_points` the series keeps every second point: the whole
history stays visible at half the resolution, and memory stays bounded.
"""
from __future__ import annotations

import numpy as np


class Series:
    def __init__(self, k: int = 1, capacity: int = 1024, max_points: int = 200_000) -> None:
        self.k = k
        self.max_points = max(int(max_points), 4)
        self._x = np.empty(capacity, dtype=float)
        self._y = np.empty((k, capacity), dtype=float)
        self.n = 0
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
        keep = self.n // 2
        self._x[:keep] = self._x[1: self.n: 2]
        self._y[:, :keep] = self._y[:, 1: self.n: 2]
        self.n = keep

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
        self.all_finite = True
        self._extremes()

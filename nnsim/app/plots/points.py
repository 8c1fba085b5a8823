"""Class labels for data points, whatever form the targets take."""
from __future__ import annotations

import numpy as np


def class_labels(y, n: int) -> np.ndarray:
    """Integer labels from y: labels 0..k-1, one-hot (n, k) rows, or targets — 0/1 (class 1 at
    0.5 or more) or -1/+1 (class 1 above 0).  Missing targets mean class 0."""
    if y is None:
        return np.zeros(n, dtype=int)
    y = np.asarray(y, dtype=float)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1).astype(int)
    y = y.reshape(-1)
    if len(y) and np.all(y == np.round(y)) and y.min() >= 0 and y.max() > 1:
        return y.astype(int)
    if len(y) and y.min() < 0:
        return (y > 0).astype(int)
    return (y >= 0.5).astype(int)

"""Datasets: inputs X (n, d) and optional targets y, plus generators and CSV loading."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs X (n, n_features) and targets y: (n,) labels or values, (n, k) one-hot or
    multi-output targets, or None for unsupervised rules."""
    X: np.ndarray
    y: np.ndarray | None = None
    name: str = ""

    def __init__(self, X: Any, y: Any = None, name: str = "") -> None:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[:, None]
        if X.ndim != 2:
            raise ValueError(f"dataset inputs must be a 2-D array (n, features), not shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("dataset inputs hold NaN or infinite values")
        if y is not None:
            y = np.asarray(y, dtype=float)
            if y.shape[0] != X.shape[0]:
                raise ValueError(f"dataset has {X.shape[0]} inputs but {y.shape[0]} targets")
            if not np.all(np.isfinite(y)):
                raise ValueError("dataset targets hold NaN or infinite values")
        X.setflags(write=False)
        if y is not None:
            y.setflags(write=False)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "name", name)

    def __len__(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def targets(self) -> np.ndarray:
        """Targets as a 2-D array (n, n_outputs)."""
        if self.y is None:
            raise ValueError(f"dataset {self.name or ''} has no targets".replace("  ", " "))
        return self.y[:, None] if self.y.ndim == 1 else self.y


def as_dataset(data: Any) -> Dataset | None:
    """Accept a Dataset, (X, y), or a bare array of inputs."""
    if data is None or isinstance(data, Dataset):
        return data
    if isinstance(data, tuple) and len(data) == 2:
        return Dataset(*data)
    return Dataset(data)

"""The Dataset record every rule and plot reads: inputs X (n, d) and optional targets y.

Also the small conversions around it (`as_dataset`, `one_hot`) and `DatasetFileError`, which
the CSV loader (data_csv.py) and the bitmap patterns (data_patterns.py) raise for a malformed file.
"""
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


def one_hot(labels: Any, k: int | None = None) -> np.ndarray:
    """Integer labels 0..k-1 (n,) -> one-hot rows (n, k)."""
    labels = np.asarray(labels)
    idx = labels.astype(int)
    if labels.ndim != 1 or np.any(idx != labels) or np.any(idx < 0):
        raise ValueError("one_hot needs a 1-D array of labels 0, 1, 2, ...")
    k = int(idx.max()) + 1 if k is None else int(k)
    if idx.size and idx.max() >= k:
        raise ValueError(f"label {idx.max()} does not fit in {k} classes")
    out = np.zeros((idx.size, k))
    out[np.arange(idx.size), idx] = 1.0
    return out


class DatasetFileError(ValueError):
    """A dataset file that cannot be read; names the file and the line (line 0: the file as a
    whole, e.g. a folder or a file over the size limit, and the message names no line)."""

    def __init__(self, path: Any, line: int, message: str) -> None:
        self.path, self.line = str(path), line
        super().__init__(f"{path}, line {line}: {message}" if line else f"{path}: {message}")

"""Comparing dataset specs, and fitting a dataset's targets to a network's outputs.

A spec (nnsim/engine/setup.py) is a generator with its parameters or the points themselves; two
specs are the same data when every field is equal (points compared by value).  The engine trains
on the document's data with class labels one-hot when the network has one output per class.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from nnsim.engine import datasets
from nnsim.engine.datasets import Dataset


def same_spec(a: Mapping | None, b: Mapping | None) -> bool:
    """Two dataset specs describe the same data (points compared by value)."""
    if a is None or b is None:
        return a is b
    if set(a) != set(b):
        return False
    for key, value in a.items():
        other = b[key]
        if isinstance(value, np.ndarray) or isinstance(other, np.ndarray):
            va, vb = np.asarray(value, dtype=float), np.asarray(other, dtype=float)
            if va.shape != vb.shape or not np.array_equal(va, vb):
                return False
        elif value != other:
            return False
    return True


def fit_targets(dataset: Dataset | None, outputs: int) -> Dataset | None:
    """The dataset with class labels 0..k-1 as one-hot rows when the network has k >= 2
    outputs (one per class), else as it is."""
    if dataset is None or dataset.y is None:
        return dataset
    y = dataset.y
    if y.ndim == 2 and outputs < 2 and y.shape[1] > 1:
        labels = _labels(y)
        if labels is not None:
            return Dataset(dataset.X, labels.astype(float), name=dataset.name)
        return dataset
    if y.ndim != 1 or outputs < 2 or len(y) == 0:
        return dataset
    if np.all(y == np.round(y)) and y.min() >= 0 and y.max() < outputs:
        return Dataset(dataset.X, datasets.one_hot(y, outputs), name=dataset.name)
    return dataset


def _labels(y: np.ndarray) -> np.ndarray | None:
    if np.all((y == 0) | (y == 1)) and np.all(y.sum(1) == 1):
        return np.argmax(y, axis=1)
    return None

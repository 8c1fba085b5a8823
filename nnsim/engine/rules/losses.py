"""Loss functions for backpropagation, with Keras' names and definitions (means over the batch).

Each loss works from the output units' net inputs z and outputs y.  The cross-entropies are
computed from the logits z, never from log(y), so they are finite for any finite z; and each pairs
with its natural output unit (binary cross-entropy with sigmoid, categorical with softmax), whose
combined gradient with respect to z is simply (y - d) / n: `dz` gives it directly.  Mean squared
error works with any output unit: `dy` gives the gradient with respect to y.
"""
from __future__ import annotations

import numpy as np

from ..units import shifted_by_max

LOSSES = ("mse", "binary_crossentropy", "categorical_crossentropy")

# The output unit each loss needs (None: any unit).
OUTPUT_UNIT = {"mse": None, "binary_crossentropy": "sigmoid",
               "categorical_crossentropy": "softmax"}


def value(name: str, z: np.ndarray, y: np.ndarray, d: np.ndarray) -> float:
    """The mean loss of a batch: z, y the outputs' net inputs and outputs, d the targets."""
    if name == "mse":
        return float(np.mean((y - d) ** 2))
    if name == "binary_crossentropy":
        # -d log s(z) - (1 - d) log(1 - s(z)) = d softplus(-z) + (1 - d) softplus(z)
        return _mean(_weighted(d, _softplus(-z)) + _weighted(1.0 - d, _softplus(z)))
    if name == "categorical_crossentropy":
        return _categorical(z, d)
    raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")


def _softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow: max(z, 0) + log(1 + e^-|z|)."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _weighted(w: np.ndarray, v: np.ndarray) -> np.ndarray:
    """w * v where a zero weight gives 0 even against an infinite v (a target of 0 or 1 makes
    the other term vanish, however far an overflowed logit is)."""
    with np.errstate(invalid="ignore"):
        return np.where(w == 0, 0.0, w * v)


def _categorical(z: np.ndarray, d: np.ndarray) -> float:
    """mean over rows of -sum d log softmax(z) = sum d (max z - z + log sum e^(z - max z)), with
    the gaps divided by n before they are formed, so a mean that fits in a float is found even
    when one row's gap does not (logits of ±1e308)."""
    n = z.shape[0]
    top = np.max(z, axis=1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        gap = top / n - z / n
    gap[z == top] = 0.0
    lse = np.log(np.sum(np.exp(shifted_by_max(z, axis=1)), axis=1, keepdims=True)) / n
    with np.errstate(over="ignore"):
        return float(np.sum(_weighted(d, gap + lse)))


def _mean(v: np.ndarray) -> float:
    with np.errstate(over="ignore"):  # a sum of huge terms may overflow to inf: a true answer
        return float(np.mean(v))


def dz(name: str, y: np.ndarray, d: np.ndarray, out: np.ndarray, n_outputs: int) -> np.ndarray:
    """Cross-entropies: dL/dz for the paired output units (some of the `n_outputs`), into `out`.
    Categorical targets are rows summing to 1 (one-hot)."""
    np.subtract(y, d, out=out)
    # binary: mean over outputs too (Keras averages over the last axis); categorical: sums it.
    scale = y.shape[0] * (n_outputs if name == "binary_crossentropy" else 1)
    out *= 1.0 / scale
    return out


def dy(name: str, y: np.ndarray, d: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Mean squared error: dL/dy, written into `out`."""
    np.subtract(y, d, out=out)
    out *= 2.0 / y.size
    return out


def accuracy(y: np.ndarray, d: np.ndarray) -> float:
    """Keras' accuracy: threshold 0.5 for one output, the argmax for several."""
    if y.shape[1] == 1:
        return float(np.mean((y[:, 0] > 0.5) == (d[:, 0] > 0.5)))
    return float(np.mean(np.argmax(y, axis=1) == np.argmax(d, axis=1)))


def categorical_targets(labels: np.ndarray, k: int) -> np.ndarray:
    """Integer labels 0..k-1 -> one-hot rows; ValueError naming a bad label."""
    labels = np.asarray(labels, dtype=float).ravel()
    bad = (labels != np.round(labels)) | (labels < 0) | (labels >= k)
    if np.any(bad):
        raise ValueError(f"class labels must be whole numbers 0..{k - 1} for {k} softmax outputs; "
                         f"target {int(np.argmax(bad))} is {labels[bad][0]}")
    onehot = np.zeros((labels.size, k))
    onehot[np.arange(labels.size), labels.astype(int)] = 1.0
    return onehot

"""Loss functions for backpropagation, with Keras' names and definitions (means over the batch).

Each loss works from the output units' net inputs z and outputs y.  The cross-entropies are
computed from the logits z, never from log(y), so they are finite for any finite z; and each pairs
with its natural output unit (binary cross-entropy with sigmoid, categorical with softmax), whose
combined gradient with respect to z is simply (y - d) / n: `dz` gives it directly.  Mean squared
error works with any output unit: `dy` gives the gradient with respect to y.
"""
from __future__ import annotations

import numpy as np

LOSSES = ("mse", "binary_crossentropy", "categorical_crossentropy")

# The output unit each loss needs (None: any unit).
OUTPUT_UNIT = {"mse": None, "binary_crossentropy": "sigmoid",
               "categorical_crossentropy": "softmax"}


def value(name: str, z: np.ndarray, y: np.ndarray, d: np.ndarray) -> float:
    """The mean loss of a batch: z, y the outputs' net inputs and outputs, d the targets."""
    if name == "mse":
        return float(np.mean((y - d) ** 2))
    if name == "binary_crossentropy":
        # -d log s(z) - (1 - d) log(1 - s(z)) = max(z, 0) - z d + log(1 + exp(-|z|))
        return float(np.mean(np.maximum(z, 0.0) - z * d + np.log1p(np.exp(-np.abs(z)))))
    if name == "categorical_crossentropy":
        # -sum d log softmax(z) = sum(d) * logsumexp(z) - sum(d z)
        top = np.max(z, axis=1, keepdims=True)
        lse = np.log(np.sum(np.exp(z - top), axis=1)) + top[:, 0]
        return float(np.mean(np.sum(d, axis=1) * lse - np.sum(d * z, axis=1)))
    raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")


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

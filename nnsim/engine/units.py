"""Activation functions ("units") and their derivatives, vectorised over NumPy arrays.

Every unit maps the net input z = sum(w * x) + b to an output y.  The gaussian (RBF) unit is the
exception: its "net input" is the squared distance ||x - c||^2 from the centre c (the vector of
incoming weights), computed by the caller, and it returns exp(-beta * d2).  It ignores its bias:
with no incoming synapse d2 is an empty sum, 0, and y = 1 on every path (evaluate, run, the
trainer, exported code).  Softmax normalises over the group of softmax units in one layer and is
handled by the compiled network.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def step(z: Array) -> Array:
    """McCulloch-Pitts / Rosenblatt threshold: fires (1) when z > 0, so a bias b = -T."""
    return (np.asarray(z) > 0).astype(float)


def step_derivative(z: Array) -> Array:
    return np.zeros_like(np.asarray(z, dtype=float))


def sign(z: Array) -> Array:
    """Bipolar threshold for Hopfield units: +1 when z >= 0, else -1."""
    return np.where(np.asarray(z) >= 0, 1.0, -1.0)


def linear(z: Array) -> Array:
    return np.asarray(z, dtype=float)


def linear_derivative(z: Array) -> Array:
    return np.ones_like(np.asarray(z, dtype=float))


def sigmoid(z: Array) -> Array:
    """Logistic function, stable for any finite z: exp is only ever taken of a non-positive number."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z: Array) -> Array:
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: Array) -> Array:
    return np.tanh(np.asarray(z, dtype=float))


def tanh_derivative(z: Array) -> Array:
    t = np.tanh(np.asarray(z, dtype=float))
    return 1.0 - t * t


def relu(z: Array) -> Array:
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def relu_derivative(z: Array) -> Array:
    return (np.asarray(z) > 0).astype(float)


def gaussian(d2: Array, beta: float | Array = 1.0) -> Array:
    """Radial basis unit: exp(-beta * ||x - c||^2), given the squared distance d2."""
    return np.exp(-np.asarray(beta, dtype=float) * np.maximum(np.asarray(d2, dtype=float), 0.0))


def gaussian_derivative(d2: Array, beta: float | Array = 1.0) -> Array:
    """d y / d (d2)."""
    return -np.asarray(beta, dtype=float) * gaussian(d2, beta)


def shifted_by_max(z: Array, axis: int = -1) -> np.ndarray:
    """z minus its maximum along `axis`, for any z, infinities included: the largest entries give
    0 (inf - inf too), entries too far below give -inf (their exp is 0) without an overflow
    warning.  The base of a stable softmax and log-sum-exp."""
    z = np.asarray(z, dtype=float)
    top = np.max(z, axis=axis, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = z - top
    shifted[z == top] = 0.0
    return shifted


def net_input_without_overflow(a: np.ndarray, W: np.ndarray, b: np.ndarray,
                               out: np.ndarray | None = None) -> np.ndarray:
    """a @ W + b for weights or inputs so large that the products overflow (weights of 1e308):
    both sides are scaled to at most 1 before the product and the scale applied after, so a sum
    that overflows comes out as inf of the right sign, never as NaN (+inf and -inf summed), and
    without warnings."""
    a = np.asarray(a, dtype=float)
    sw = float(np.max(np.abs(W))) if W.size else 1.0
    sw = sw or 1.0
    sa = np.max(np.abs(a), axis=1, keepdims=True) if a.shape[1] else np.ones((a.shape[0], 1))
    sa[sa == 0] = 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        z = ((a / sa) @ (W / sw)) * sa * sw + b
    if out is None:
        return z
    out[...] = z
    return out


def softmax(z: Array, axis: int = -1) -> Array:
    """Shares exp(z_i) / sum exp(z_j), finite for any z (even the ±inf of an overflowed sum)."""
    e = np.exp(shifted_by_max(z, axis))
    return e / np.sum(e, axis=axis, keepdims=True)  # the maximum gives exp(0) = 1: never 0 / 0


def log_softmax(z: Array, axis: int = -1) -> np.ndarray:
    """log softmax(z) by log-sum-exp: finite wherever the share is not 0, -inf where it is."""
    shifted = shifted_by_max(z, axis)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax_derivative(z: Array) -> Array:
    """Diagonal of the softmax Jacobian (the full Jacobian is handled with the cross-entropy loss)."""
    s = softmax(z)
    return s * (1.0 - s)


@dataclass(frozen=True)
class Unit:
    name: str
    function: Callable[[Array], Array]
    derivative: Callable[[Array], Array]
    label: str
    formula: str


UNITS: dict[str, Unit] = {
    u.name: u
    for u in (
        Unit("step", step, step_derivative, "threshold", "y = 1 if z > 0 else 0"),
        Unit("sign", sign, step_derivative, "sign", "y = +1 if z >= 0 else -1"),
        Unit("linear", linear, linear_derivative, "linear", "y = z"),
        Unit("sigmoid", sigmoid, sigmoid_derivative, "sigmoid", "y = 1 / (1 + exp(-z))"),
        Unit("tanh", tanh, tanh_derivative, "tanh", "y = tanh(z)"),
        Unit("relu", relu, relu_derivative, "ReLU", "y = max(0, z)"),
        Unit("gaussian", gaussian, gaussian_derivative, "gaussian RBF",
             "y = exp(-beta * ||x - c||^2)"),
        Unit("softmax", softmax, softmax_derivative, "softmax", "y_i = exp(z_i) / sum_j exp(z_j)"),
    )
}

ACTIVATIONS: tuple[str, ...] = tuple(UNITS)


def get_unit(name: str) -> Unit:
    try:
        return UNITS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None


def activate(name: str, z: Array) -> Array:
    """Apply the named activation elementwise (softmax over the last axis)."""
    return get_unit(name).function(z)

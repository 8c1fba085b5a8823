"""Units as in-place NumPy operations, for the backpropagation programs in gradients.py.

`activation_ops` and `derivative_ops` return lists of (function, arguments) that compute a unit's
output and its backward step into preallocated arrays; the rarer units (softmax, gaussian) and
layers mixing several kinds fall back to the general `activate` and `derivative`.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from ..units import softmax

# The units backpropagation can differentiate (step and sign have a zero derivative).
DIFFERENTIABLE = ("linear", "sigmoid", "tanh", "relu", "softmax", "gaussian")


def activate(act: str, z: np.ndarray, y: np.ndarray, beta: np.ndarray | None = None) -> None:
    """y = g(z) in place (y may be a strided view)."""
    if act == "relu":
        np.maximum(z, 0.0, out=y)
    elif act == "sigmoid":
        # 1 / (1 + e^-z) = (1 + tanh(z / 2)) / 2: never overflows, no warning, four calls.
        np.multiply(z, 0.5, out=y)
        np.tanh(y, out=y)
        y *= 0.5
        y += 0.5
    elif act == "tanh":
        np.tanh(z, out=y)
    elif act == "linear":
        y[...] = z
    elif act == "softmax":
        y[...] = softmax(z, axis=1)
    elif act == "gaussian":
        y[...] = np.exp(-beta * np.maximum(z, 0.0))
    else:
        raise ValueError(f"backpropagation cannot differentiate {act} units")


def derivative(act: str, g: np.ndarray, y: np.ndarray, beta, out: np.ndarray) -> None:
    """out = dL/dz from g = dL/dy and the outputs y, in place."""
    if act == "relu":
        np.greater(y, 0.0, out=out)
        out *= g
    elif act == "sigmoid":
        np.subtract(1.0, y, out=out)
        out *= y
        out *= g
    elif act == "tanh":
        np.multiply(y, y, out=out)
        np.subtract(1.0, out, out=out)
        out *= g
    elif act == "linear":
        out[...] = g
    elif act == "softmax":  # the Jacobian-vector product of the group
        out[...] = y * (g - np.sum(g * y, axis=1, keepdims=True))
    elif act == "gaussian":  # dy/dd2 = -beta y
        out[...] = -beta * y * g


def run(ops: list) -> None:
    for fn, args in ops:
        fn(*args)


def activation_ops(act: str, _cols, beta, z: np.ndarray, y: np.ndarray) -> list:
    """y = g(z) as in-place NumPy calls."""
    if act == "relu":
        return [(partial(np.maximum, out=y), (z, 0.0))]  # (its positional out is deprecated)
    if act == "sigmoid":
        # 1 / (1 + e^-z) = (1 + tanh(z / 2)) / 2: never overflows, so never warns.
        return [(np.multiply, (z, 0.5, y)), (np.tanh, (y, y)), (np.multiply, (y, 0.5, y)),
                (np.add, (y, 0.5, y))]
    if act == "tanh":
        return [(np.tanh, (z, y))]
    if act == "linear":
        return [(np.copyto, (y, z))]
    return [(activate, (act, z, y, beta))]


def derivative_ops(act: str, _cols, beta, g: np.ndarray, y: np.ndarray, dz: np.ndarray) -> list:
    """dz = g * g'(z), from the outputs y, as in-place NumPy calls."""
    if act == "relu":
        return [(np.greater, (y, 0.0, dz)), (np.multiply, (dz, g, dz))]
    if act == "sigmoid":
        return [(np.subtract, (1.0, y, dz)), (np.multiply, (dz, y, dz)),
                (np.multiply, (dz, g, dz))]
    if act == "tanh":
        return [(np.multiply, (y, y, dz)), (np.subtract, (1.0, dz, dz)),
                (np.multiply, (dz, g, dz))]
    if act == "linear":
        return [(np.copyto, (dz, g))]
    return [(derivative, (act, g, y, beta, dz))]


def activate_groups(groups, z, y) -> None:
    for act, cols, beta in groups:
        part = np.empty_like(z[:, cols])
        activate(act, z[:, cols], part, beta)
        y[:, cols] = part


def derive_groups(groups, g, y, dz) -> None:
    for act, cols, beta in groups:
        part = np.empty_like(g[:, cols])
        derivative(act, g[:, cols], y[:, cols], beta, part)
        dz[:, cols] = part

"""Gradient-descent optimisers with Keras' update formulas, on one flat parameter vector.

All of a network's weights and biases live in one contiguous vector, so each optimiser step is a
handful of in-place NumPy operations whatever the size of the network (the per-call overhead, not
the arithmetic, is what costs on small networks).  Hyperparameters are read at every step from the
rule's parameters, so a slider moved during a run takes effect at once.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

OPTIMIZERS = ("sgd", "momentum", "adam")


class SGD:
    """w -= lr * g"""

    name = "sgd"

    def __init__(self, size: int) -> None:
        self.tmp = np.zeros(size)
        self.t = 0

    def step(self, theta: np.ndarray, grad: np.ndarray, p: Mapping[str, Any]) -> None:
        self.t += 1
        np.multiply(grad, p["learning_rate"], out=self.tmp)
        theta -= self.tmp


class Momentum(SGD):
    """Keras SGD(momentum=m): v = m * v - lr * g;  w += v"""

    name = "momentum"

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.velocity = np.zeros(size)

    def step(self, theta: np.ndarray, grad: np.ndarray, p: Mapping[str, Any]) -> None:
        self.t += 1
        v = self.velocity
        v *= p["momentum"]
        np.multiply(grad, p["learning_rate"], out=self.tmp)
        v -= self.tmp
        theta += v


class Adam(SGD):
    """Keras Adam:  m += (1 - b1) (g - m);  v += (1 - b2) (g^2 - v);
    w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)"""

    name = "adam"

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.m = np.zeros(size)
        self.v = np.zeros(size)

    def step(self, theta: np.ndarray, grad: np.ndarray, p: Mapping[str, Any]) -> None:
        self.t += 1
        b1, b2 = p["beta1"], p["beta2"]
        m, v, tmp = self.m, self.v, self.tmp
        np.subtract(grad, m, out=tmp)
        tmp *= 1.0 - b1
        m += tmp
        np.multiply(grad, grad, out=tmp)
        tmp -= v
        tmp *= 1.0 - b2
        v += tmp
        alpha = p["learning_rate"] * (1.0 - b2 ** self.t) ** 0.5 / (1.0 - b1 ** self.t)
        np.sqrt(v, out=tmp)
        tmp += p["epsilon"]
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        theta -= tmp


def make(name: str, size: int) -> SGD:
    kinds = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
    if name not in kinds:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return kinds[name](size)

"""Weight initialisers with Keras' names and formulas (fan_in rows, fan_out columns)."""
from __future__ import annotations

import numpy as np

INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_normal",
                "uniform", "zeros")


def initialize(name: str, fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    shape = (fan_in, fan_out)
    if name == "glorot_uniform":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape)
    if name == "glorot_normal":
        return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), shape)
    if name == "he_uniform":
        limit = np.sqrt(6.0 / fan_in)
        return rng.uniform(-limit, limit, shape)
    if name == "he_normal":
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
    if name == "lecun_normal":
        return rng.normal(0.0, np.sqrt(1.0 / fan_in), shape)
    if name == "uniform":
        return rng.uniform(-0.05, 0.05, shape)
    if name == "zeros":
        return np.zeros(shape)
    raise ValueError(f"unknown initializer {name!r}; choose one of {', '.join(INITIALIZERS)}")

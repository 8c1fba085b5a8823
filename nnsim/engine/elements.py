"""Neurons and synapses: the immutable records a `Network` is made of, and the checks every edit
applies to their fields.

Each check raises ValueError naming the neuron (or the field) at fault, so a Network's edit
methods, the file loader and the builders all report bad values the same way.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .units import ACTIVATIONS

ROLES = ("input", "hidden", "output")
KINDS = ("excitatory", "inhibitory")
NeuronRef = str | int


@dataclass(frozen=True)
class Neuron:
    id: int
    name: str
    role: str = "hidden"
    activation: str = "sigmoid"
    bias: float = 0.0
    x: float = 0.0
    y: float = 0.0
    value: float = 0.0  # the clamped output of an input neuron
    params: Mapping[str, float] = field(default_factory=dict)

    @property
    def threshold(self) -> float:
        """The lecture's T: a threshold unit fires when sum(w * x) > T, so T = -bias."""
        return -self.bias

    def param(self, key: str, default: float) -> float:
        return float(self.params.get(key, default))


@dataclass(frozen=True)
class Synapse:
    source: int
    target: int
    weight: float = 1.0
    kind: str = "excitatory"

    @property
    def key(self) -> tuple[int, int]:
        return (self.source, self.target)


def finite(value: Any, what: str) -> float:
    """`value` as a float; `what` names it in the error when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{what} must be a number, not {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what} must be finite, not {value}")
    return value


def check_role(role: Any, name: str) -> str:
    if role not in ROLES:
        raise ValueError(f"neuron {name!r}: unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role


def check_activation(activation: Any, name: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"neuron {name!r}: unknown activation {activation!r}; "
            f"choose one of {', '.join(ACTIVATIONS)}"
        )
    return activation


def check_params(params: Mapping[str, Any], name: str) -> dict[str, float]:
    """Per-unit parameters (such as a gaussian unit's 'beta') as {name: finite float}."""
    if not isinstance(params, Mapping):
        raise ValueError(f"neuron {name!r}: params must be a mapping of names to numbers")
    out = {}
    for key, val in params.items():
        if not isinstance(key, str):
            raise ValueError(f"neuron {name!r}: parameter names must be strings, not {key!r}")
        out[key] = finite(val, f"neuron {name!r}: parameter {key!r}")
    return out

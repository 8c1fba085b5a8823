"""Ready-made networks: fully connected layers, Hopfield networks and RBF networks.

Each builder returns a fresh `Network` (or an instance of the subclass passed as `cls`) with the
lecture's naming: inputs x1..xn, hidden units h{layer}_{j}, outputs y (or y1..ym), Hopfield units
s0.., RBF centres c1...  `Network.layered`, `Network.hopfield` and `Network.rbf` call these.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .initializers import initialize
from .network import Network


def input_names(n: int) -> list[str]:
    """The names a builder gives its n input neurons: x1..xn."""
    return [f"x{j + 1}" for j in range(n)]


def layered(
    sizes: Sequence[int],
    activations: Sequence[str] | str = "sigmoid",
    seed: int | None = 0,
    init: str = "glorot_uniform",
    cls: type[Network] = Network,
) -> Network:
    """Fully connected layers: inputs x1..xn, hidden h{layer}_{j}, outputs y (or y1..ym)."""
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or any(s < 1 for s in sizes):
        raise ValueError(f"layered() needs at least two layer sizes >= 1, not {list(sizes)}")
    n_layers = len(sizes) - 1
    if isinstance(activations, str):
        activations = [activations] * n_layers
    if len(activations) != n_layers:
        raise ValueError(f"layered() needs {n_layers} activations (one per non-input layer), "
                         f"not {len(activations)}")
    net = cls()
    rng = np.random.default_rng(seed)
    names: list[list[str]] = []
    for k, size in enumerate(sizes):
        if k == 0:
            layer = input_names(size)
            role, act = "input", "linear"
        elif k == n_layers:
            layer = ["y"] if size == 1 else [f"y{j + 1}" for j in range(size)]
            role, act = "output", activations[k - 1]
        else:
            layer = [f"h{k}_{j + 1}" for j in range(size)]
            role, act = "hidden", activations[k - 1]
        for j, name in enumerate(layer):
            net.add_neuron(name, role=role, activation=act, x=160.0 * k,
                           y=80.0 * (j - (size - 1) / 2))
        names.append(layer)
    for k in range(1, len(sizes)):
        w = initialize(init, sizes[k - 1], sizes[k], rng)
        for i, a in enumerate(names[k - 1]):
            for j, b in enumerate(names[k]):
                net.connect(a, b, float(w[i, j]))
    return net


def hopfield(n: int, weights: np.ndarray | None = None, cls: type[Network] = Network) -> Network:
    """n sign units s0..s{n-1}, every pair joined both ways with equal (symmetric) weights,
    no self-connections; weights default to zero (store patterns with rules.HopfieldStore)."""
    n = int(n)
    if n < 1:
        raise ValueError(f"a Hopfield network needs at least one unit, not {n}")
    if weights is None:
        weights = np.zeros((n, n))
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (n, n) or not np.allclose(weights, weights.T):
        raise ValueError(f"Hopfield weights must be a symmetric {n}x{n} matrix")
    net = cls()
    side = max(1, int(math.ceil(math.sqrt(n))))
    for i in range(n):
        net.add_neuron(f"s{i}", activation="sign", x=40.0 * (i % side), y=40.0 * (i // side))
    for i in range(n):
        for j in range(n):
            if i != j:
                net.connect(i, j, float(weights[i, j]))
    return net


def rbf(n_inputs: int, n_centers: int, n_outputs: int = 1, beta: float = 1.0,
        seed: int | None = 0, cls: type[Network] = Network) -> Network:
    """Inputs x1.., gaussian units c1.. (centre = incoming weights, bandwidth 'beta'),
    linear outputs y (or y1..)."""
    if min(n_inputs, n_centers, n_outputs) < 1:
        raise ValueError("rbf() needs at least one input, one centre and one output")
    net = layered([n_inputs, n_centers, n_outputs], ["gaussian", "linear"], seed=seed, cls=cls)
    for j in range(n_centers):
        old = f"h1_{j + 1}"
        net.rename_neuron(old, f"c{j + 1}")
        net.set_param(f"c{j + 1}", "beta", beta)
    return net

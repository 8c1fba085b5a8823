"""What a network computes over its input space, for drawing: the decision map of a two-input
network (its output over the plane, every neuron's own small map, and the first-layer units'
lines w1*x1 + w2*x2 + b = 0) and the output curve of a one-input network."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .datasets import Dataset
from .network import Network

DEFAULT_EXTENT = (-1.5, 1.5, -1.5, 1.5)
F32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True, eq=False)
class DecisionMap:
    grid: np.ndarray  # (ny, nx) float32: the first output; (ny, nx, k) for k outputs
    extent: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max
    lines: tuple[tuple[str, float, float, float], ...]  # (name, w1, w2, b) per first-layer unit
    neuron_grids: Mapping[str, np.ndarray]  # every non-input neuron's output, small (r, r) maps


def extent_for(data: Dataset | None, margin: float = 0.2) -> tuple[float, float, float, float]:
    """A square-ish view around the data (or the default [-1.5, 1.5]^2 without data)."""
    if data is None or len(data) == 0 or data.n_features != 2:
        return DEFAULT_EXTENT
    lo, hi = data.X.min(axis=0), data.X.max(axis=0)
    pad = margin * max(float(np.max(hi - lo)), 1e-6)
    return (float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad))


def plane(extent, resolution: int) -> np.ndarray:
    """(resolution^2, 2) points, row-major from (x_min, y_min): reshapes to (ny, nx)."""
    x0, x1, y0, y1 = extent
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def first_layer_lines(net: Network) -> tuple[tuple[str, float, float, float], ...]:
    """Units fed only by the two inputs: each one's line w1*x1 + w2*x2 + b = 0."""
    inputs = net.inputs
    if len(inputs) != 2:
        return ()
    ids = [net.neuron(name).id for name in inputs]
    lines = []
    for neuron in net.neurons:
        incoming = net.incoming(neuron.id)
        if neuron.role == "input" or neuron.activation == "gaussian" or not incoming:
            continue
        if any(s.source not in ids or s.kind != "excitatory" for s in incoming):
            continue
        w = {s.source: s.weight for s in incoming}
        lines.append((neuron.name, w.get(ids[0], 0.0), w.get(ids[1], 0.0), neuron.bias))
    return tuple(lines)


def decision_map(net: Network, extent=DEFAULT_EXTENT, resolution: int = 200,
                 neuron_resolution: int = 32) -> DecisionMap | None:
    """The network's output over the plane, or None unless it is feed-forward with two inputs."""
    if len(net.inputs) != 2 or not net.outputs or not net.is_feedforward:
        return None
    compiled = net.compile()
    with np.errstate(all="ignore"):  # a diverging rule may feed huge weights: draw, don't warn
        out = compiled.forward(plane(extent, resolution))
        small, _ = compiled.forward_full(plane(extent, neuron_resolution))
    k = out.shape[1]
    grid = out.reshape(resolution, resolution, k)
    grid = grid[:, :, 0] if k == 1 else grid
    grids = {}
    for name, column in zip(compiled.names, range(compiled.n_neurons)):
        if column >= compiled.n_inputs:
            values = np.clip(np.nan_to_num(small[:, column]), -F32_MAX, F32_MAX)
            grids[name] = np.ascontiguousarray(
                values.reshape(neuron_resolution, neuron_resolution), dtype=np.float32)
    grid = np.clip(np.nan_to_num(grid), -F32_MAX, F32_MAX)  # a diverging rule: clip, not overflow
    return DecisionMap(np.ascontiguousarray(grid, dtype=np.float32), tuple(extent),
                       first_layer_lines(net), MappingProxyType(grids))


def output_curve(net: Network, x_range: tuple[float, float], n: int = 400):
    """(x, y) of the first output over x_range, or None unless it is feed-forward with one input."""
    if len(net.inputs) != 1 or not net.outputs or not net.is_feedforward:
        return None
    x = np.linspace(x_range[0], x_range[1], n)
    with np.errstate(all="ignore"):
        y = net.compile().forward(x[:, None])[:, 0]
    return x, np.nan_to_num(y)


def x_range_for(data: Dataset | None, margin: float = 0.1) -> tuple[float, float]:
    if data is None or len(data) == 0 or data.n_features != 1:
        return (-2.0, 2.0)
    lo, hi = float(data.X.min()), float(data.X.max())
    pad = margin * max(hi - lo, 1e-6)
    return (lo - pad, hi + pad)

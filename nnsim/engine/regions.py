"""What a network computes over its input space, for drawing: the decision map of a two-input
network (its output over the plane, every neuron's own small map, and the first-layer units'
lines w1*x1 + w2*x2 + b = 0) and the output curve of a one-input network.

A map costs its points times what one point costs to pass through the network
(CompiledNetwork.work_per_point): for a network as large as a file may hold (50,000 neurons), a
200 x 200 map would be 40,000 x 50,000 activations (15 GB, minutes).  Maps and curves therefore
take at most MAP_WORK (about half a CPU second): the side shrinks for large networks (never below
MIN_MAP_RESOLUTION), and each neuron's own small map is drawn only for networks of at most
MAX_NEURON_MAPS units.  Small networks keep the resolution asked for."""
from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np

from .compiled import CompiledNetwork
from .datasets import Dataset
from .network import Network
from .neuron_maps import (
    CURVE_POINTS,
    MAP_SIDE,
    NeuronCurves,
    NeuronMaps,
    curves_from_activations,
    maps_from_activations,
    sample_indices,
)

DEFAULT_EXTENT = (-1.5, 1.5, -1.5, 1.5)
F32_MAX = float(np.finfo(np.float32).max)
MAP_WORK = 4_500_000_000  # per map or curve, in CompiledNetwork.work_per_point's units
MIN_MAP_RESOLUTION = 8
MAX_NEURON_MAPS = 1_000  # units with a small float map of their own (32 x 32 float32: 4 KB each)
MAX_CANVAS_MAPS = 2_500  # units with an 8-bit canvas map (NeuronMaps), at most 1 MB a frame
FINE_CANVAS_MAPS = 400  # up to this many units, canvas maps are MAP_SIDE a side; beyond, half
CHUNK_BYTES = 64 * 2**20  # the float32 activations of one chunk of a map's points


def affordable_points(compiled: CompiledNetwork, wanted: int, least: int = 1) -> int:
    """`wanted` points, or as many as MAP_WORK pays for through this network (at least `least`)."""
    return max(min(wanted, least), min(wanted, MAP_WORK // max(compiled.work_per_point, 1)))


def map_resolution(compiled: CompiledNetwork, resolution: int) -> int:
    """The side of a decision map: `resolution`, or less for a large network (see above)."""
    return math.isqrt(affordable_points(compiled, resolution * resolution,
                                        MIN_MAP_RESOLUTION * MIN_MAP_RESOLUTION))


def canvas_map_side(compiled: CompiledNetwork, resolution: int) -> int:
    """The side of each neuron's canvas map (at most the decision map's `resolution`); 0 (none)
    beyond MAX_CANVAS_MAPS units; half of MAP_SIDE beyond FINE_CANVAS_MAPS."""
    units = compiled.n_neurons - compiled.n_inputs
    if units > MAX_CANVAS_MAPS:
        return 0
    return min(resolution, MAP_SIDE if units <= FINE_CANVAS_MAPS else MAP_SIDE // 2)


def neuron_map_resolution(compiled: CompiledNetwork, resolution: int) -> int:
    """The side of each neuron's own map; 0 (none) beyond MAX_NEURON_MAPS units."""
    if compiled.n_neurons - compiled.n_inputs > MAX_NEURON_MAPS:
        return 0
    return map_resolution(compiled, resolution)


@dataclass(frozen=True, eq=False)
class DecisionMap:
    grid: np.ndarray  # (ny, nx) float32: the first output; (ny, nx, k) for k outputs
    extent: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max
    lines: tuple[tuple[str, float, float, float], ...]  # (name, w1, w2, b) per first-layer unit
    neuron_grids: Mapping[str, np.ndarray]  # every non-input neuron's output, small (r, r) maps
    # every neuron's map for the canvas, 8-bit, sampled from the same pass as `grid`
    neuron_maps: NeuronMaps | None = None


def extent_for(data: Dataset | None, margin: float = 0.2) -> tuple[float, float, float, float]:
    """A square-ish view around the data (or the default [-1.5, 1.5]^2 without data)."""
    if data is None or len(data) == 0 or data.n_features != 2:
        return DEFAULT_EXTENT
    lo, hi = data.X.min(axis=0), data.X.max(axis=0)
    if float(np.max(hi - lo)) < 1e-6:  # one point (lesson 1's input): the default view, grown to
        x0, x1, y0, y1 = DEFAULT_EXTENT  # show it with a margin
        return (min(x0, float(lo[0]) - 0.5), max(x1, float(hi[0]) + 0.5),
                min(y0, float(lo[1]) - 0.5), max(y1, float(hi[1]) + 0.5))
    pad = margin * float(np.max(hi - lo))
    return (float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad))


def plane(extent, resolution: int) -> np.ndarray:
    """(resolution^2, 2) points, row-major from (x_min, y_min): reshapes to (ny, nx)."""
    x0, x1, y0, y1 = extent
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def line_spec(net: Network) -> tuple[tuple[str, int, int, int], ...]:
    """Where each first-layer unit's line comes from: (name, index of the synapse from the first
    input or -1, from the second or -1, index of the unit) in `net.synapses` / `net.neurons`
    order.  Units fed only by the two inputs through excitatory synapses (not gaussian) count."""
    inputs = net.inputs
    if len(inputs) != 2:
        return ()
    first, second = (net.neuron(name).id for name in inputs)
    w1: dict[int, int] = {}  # unit -> index of its synapse from the first input
    w2: dict[int, int] = {}
    other: set[int] = set()  # units fed by anything else (or through a veto)
    for k, s in enumerate(net.synapses):
        if s.kind != "excitatory":
            other.add(s.target)
        elif s.source == first:
            w1[s.target] = k
        elif s.source == second:
            w2[s.target] = k
        else:
            other.add(s.target)
    spec = []
    for index, neuron in enumerate(net.neurons):
        nid = neuron.id
        if (neuron.role == "input" or neuron.activation == "gaussian" or nid in other
                or (nid not in w1 and nid not in w2)):
            continue
        spec.append((neuron.name, w1.get(nid, -1), w2.get(nid, -1), index))
    return tuple(spec)


def lines_from(spec, weights: np.ndarray, biases: np.ndarray
               ) -> tuple[tuple[str, float, float, float], ...]:
    """The lines of `line_spec` with weights (synapse order) and biases (neuron order)."""
    return tuple((name, float(weights[a]) if a >= 0 else 0.0, float(weights[b]) if b >= 0 else 0.0,
                  float(biases[n])) for name, a, b, n in spec)


def first_layer_lines(net: Network) -> tuple[tuple[str, float, float, float], ...]:
    """Units fed only by the two inputs: each one's line w1*x1 + w2*x2 + b = 0."""
    weights = np.array([s.weight for s in net.synapses], dtype=float)
    return lines_from(line_spec(net), weights, net.bias_vector())


def decision_map(net: Network, extent=DEFAULT_EXTENT, resolution: int = 200,
                 neuron_resolution: int = 32, canvas_maps: bool = True) -> DecisionMap | None:
    """The network's output over the plane, or None unless it is feed-forward with two inputs.
    canvas_maps: also every neuron's 8-bit map (`DecisionMap.neuron_maps`)."""
    if len(net.inputs) != 2 or not net.outputs or not net.is_feedforward:
        return None
    compiled = net.compile()
    resolution = map_resolution(compiled, resolution)
    neuron_resolution = neuron_map_resolution(compiled, neuron_resolution)
    side = canvas_map_side(compiled, resolution) if canvas_maps else 0
    points = plane(extent, resolution)
    with np.errstate(all="ignore"):  # a diverging rule may feed huge weights: draw, don't warn
        out = compiled.forward(points)
        if neuron_resolution:
            small, _ = compiled.forward_full(plane(extent, neuron_resolution))
        if side:  # the decision map's own points, every k-th: its pixels, exactly
            sampled, _ = compiled.forward_full(points[sample_indices(resolution, side)])
    k = out.shape[1]
    grid = out.reshape(resolution, resolution, k)
    grid = grid[:, :, 0] if k == 1 else grid
    grids = {}
    for name, column in zip(compiled.names, range(compiled.n_neurons)):
        if column >= compiled.n_inputs and neuron_resolution:
            values = np.clip(np.nan_to_num(small[:, column]), -F32_MAX, F32_MAX)
            grids[name] = np.ascontiguousarray(
                values.reshape(neuron_resolution, neuron_resolution), dtype=np.float32)
    grid = np.clip(np.nan_to_num(grid), -F32_MAX, F32_MAX)  # a diverging rule: clip, not overflow
    maps = maps_from_activations(compiled.names, compiled.activations, compiled.n_inputs,
                                 sampled.T, extent, side) if side else None
    return DecisionMap(np.ascontiguousarray(grid, dtype=np.float32), tuple(extent),
                       first_layer_lines(net), MappingProxyType(grids), maps)


def output_curve(net: Network, x_range: tuple[float, float], n: int = 400):
    """(x, y) of the first output over x_range, or None unless it is feed-forward with one input."""
    if len(net.inputs) != 1 or not net.outputs or not net.is_feedforward:
        return None
    return curve_of(net.compile(), x_range, n)


def curve_of(compiled: CompiledNetwork, x_range: tuple[float, float], n: int = 400):
    """output_curve of a compiled network (None unless feed-forward with one input)."""
    if compiled.n_inputs != 1 or not compiled.output_names or not compiled.is_feedforward:
        return None
    x = np.linspace(x_range[0], x_range[1], affordable_points(compiled, n, 2))
    with np.errstate(all="ignore"):
        y = compiled.forward(x[:, None])[:, 0]
    return x, np.nan_to_num(y)


def neuron_curves_of(compiled: CompiledNetwork, x_range: tuple[float, float],
                     n: int = CURVE_POINTS) -> NeuronCurves | None:
    """Every neuron's output over x_range (None unless feed-forward with one input, or beyond
    MAX_CANVAS_MAPS units)."""
    if compiled.n_inputs != 1 or not compiled.is_feedforward \
            or compiled.n_neurons - compiled.n_inputs > MAX_CANVAS_MAPS:
        return None
    x = np.linspace(x_range[0], x_range[1], affordable_points(compiled, n, 2))
    with np.errstate(all="ignore"):
        a, _ = compiled.forward_full(x[:, None])
    return curves_from_activations(compiled.names, compiled.activations, x, a.T)


def x_range_for(data: Dataset | None, margin: float = 0.1) -> tuple[float, float]:
    if data is None or len(data) == 0 or data.n_features != 1:
        return (-2.0, 2.0)
    lo, hi = float(data.X.min()), float(data.X.max())
    pad = margin * max(hi - lo, 1e-6)
    return (lo - pad, hi + pad)


# ---------------------------------------------------------------------- fast maps while learning
def _sigmoid32(z: np.ndarray) -> np.ndarray:
    # The logistic function through tanh: stable for any z, stays float32.
    out = np.multiply(z, 0.5, out=z)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


_UNITS32 = {
    "tanh": lambda z: np.tanh(z, out=z),
    "sigmoid": _sigmoid32,
    "relu": lambda z: np.maximum(z, 0.0, out=z),
    "linear": lambda z: z,
    "step": lambda z: (z > 0).astype(np.float32),
    "sign": lambda z: np.where(z >= 0, np.float32(1.0), np.float32(-1.0)),
}


def with_parameters(compiled: CompiledNetwork,
                    params: Sequence[tuple[np.ndarray, np.ndarray]]) -> CompiledNetwork:
    """A shallow copy of `compiled` whose layers use these (weights, biases): what a trainer has
    learned, evaluated without writing it into a Network.  The arrays are used, not copied."""
    out = copy.copy(compiled)
    out.layers = [replace(layer, weights=w, biases=b) for layer, (w, b) in
                  zip(compiled.layers, params)]
    return out


class MapEvaluator:
    """Decision maps of one compiled topology with changing weights, computed fast enough to
    draw while a rule learns: float32, neurons by rows so every layer is one contiguous matrix
    product, the grid of points made once per extent.  Networks with units it has no float32
    form for (gaussian, softmax) or inhibitory vetoes use the compiled network's own float64
    forward pass instead; the result is the same `DecisionMap` as `decision_map` gives."""

    def __init__(self, compiled: CompiledNetwork, spec=(), neuron_resolution: int = 32) -> None:
        self.compiled = compiled
        self.canvas_maps = True  # also every neuron's 8-bit map (DecisionMap.neuron_maps)
        self.spec = spec  # line_spec of the network
        self.neuron_resolution = neuron_resolution
        self.fast = compiled.is_feedforward and all(
            layer.dense and layer.veto is None and all(g.activation in _UNITS32 for g in layer.groups)
            for layer in compiled.layers)
        self._planes: dict = {}

    def _plane(self, extent, resolution: int) -> np.ndarray:
        key = (tuple(extent), resolution)
        if key not in self._planes:
            if len(self._planes) > 4:
                self._planes.clear()
            self._planes[key] = np.ascontiguousarray(plane(extent, resolution).T,
                                                     dtype=np.float32)
        return self._planes[key]

    def _outputs32(self, params, points: np.ndarray, picks: np.ndarray | None = None):
        """The outputs' rows of _forward32 and, with `picks` (sorted point indices), every
        neuron's row at those points, from the same pass; computed in chunks of points: the
        activations of every neuron at every point of a large map need not all be held at once."""
        c = self.compiled
        step = max(1, CHUNK_BYTES // (8 * c.n_neurons))
        outs, picked = [], []
        for i in range(0, points.shape[1], step):
            a = self._forward32(params, points[:, i:i + step])
            outs.append(a[c.output_cols])
            if picks is not None:
                lo, hi = np.searchsorted(picks, [i, i + step])
                picked.append(a[:, picks[lo:hi] - i])
        out = outs[0] if len(outs) == 1 else np.concatenate(outs, axis=1)
        if picks is None:
            return out, None
        return out, picked[0] if len(picked) == 1 else np.concatenate(picked, axis=1)

    def _forward32(self, params, points: np.ndarray) -> np.ndarray:
        """Every neuron's output, (n_neurons, n_points) float32, rows in compiled order."""
        c = self.compiled
        a = np.empty((c.n_neurons, points.shape[1]), dtype=np.float32)
        a[c.input_cols] = points
        for layer, (w, b) in zip(c.layers, params):
            src = a[layer.sources]
            z = np.asarray(w, dtype=np.float32).T @ src
            z += np.asarray(b, dtype=np.float32)[:, None]
            if len(layer.groups) == 1:
                y = _UNITS32[layer.groups[0].activation](z)
            else:
                y = z
                for g in layer.groups:
                    y[g.cols] = _UNITS32[g.activation](z[g.cols])
            a[layer.targets] = y
        return a

    def __call__(self, params, extent=DEFAULT_EXTENT, resolution: int = 200,
                 weights: np.ndarray | None = None, biases: np.ndarray | None = None
                 ) -> DecisionMap | None:
        """The map for these per-layer (weights, biases); `weights` and `biases` (synapse and
        neuron order) give the first-layer lines."""
        c = self.compiled
        if c.n_inputs != 2 or not c.output_names or not c.is_feedforward:
            return None
        resolution = map_resolution(c, resolution)
        r = neuron_map_resolution(c, self.neuron_resolution)
        side = canvas_map_side(c, resolution) if self.canvas_maps else 0
        picks = sample_indices(resolution, side) if side else None
        sampled = None
        with np.errstate(all="ignore"):  # a diverging rule may feed huge weights: draw, don't warn
            if self.fast:
                out, sampled = self._outputs32(params, self._plane(extent, resolution), picks)
                small = self._forward32(params, self._plane(extent, r)) if r else None
            else:
                net = with_parameters(c, params)
                points = plane(extent, resolution)
                out = net.forward(points).T
                small = net.forward_full(plane(extent, r))[0].T if r else None
                if side:
                    sampled = net.forward_full(points[picks])[0].T
        k = out.shape[0]
        grid = out[0].reshape(resolution, resolution) if k == 1 else \
            np.moveaxis(out.reshape(k, resolution, resolution), 0, -1)
        grids = {}
        for column in range(c.n_inputs, c.n_neurons) if r else ():
            grids[c.names[column]] = _finite32(small[column].reshape(r, r))
        lines = () if weights is None else lines_from(self.spec, weights, biases)
        maps = maps_from_activations(c.names, c.activations, c.n_inputs, sampled, extent, side) \
            if side else None
        return DecisionMap(_finite32(grid), tuple(extent), lines, MappingProxyType(grids), maps)


def _finite32(values: np.ndarray) -> np.ndarray:
    """C-contiguous float32 with NaN -> 0 and infinities clipped to the float32 range."""
    out = np.array(values, dtype=np.float32, order="C")  # a copy: the map owns its memory
    return np.nan_to_num(out, copy=False, nan=0.0, posinf=F32_MAX, neginf=-F32_MAX)

"""How a hidden layer bends the input plane: the plane's grid lines and the data points, mapped
through the network up to one hidden layer and drawn in that layer's own space.

A layer of two units is drawn in its own 2-D space (unit a across, unit b up).  A wider layer is
projected: on two chosen units, or on its first two principal directions (of the mapped grid and
data together, signs fixed so a direction does not flip from one frame to the next).  When the
first output is fed only by this layer, its line z = 0 (where a sigmoid gives 0.5 and tanh 0) is
drawn in the same space: exact for two units; for a projection the other directions are held at
their mean, so the line is marked approximate.

`LayerViewSpec` (what the GUI asks for) goes to the engine; `LayerView` (ready to draw) comes back
in the snapshot.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compiled import CompiledNetwork

GRID_LINES = 13  # grid lines across each axis of the input plane
LINE_POINTS = 61  # points along each grid line (bends show between them)
MAX_POINTS = 2_000  # data points mapped (more are thinned evenly)


@dataclass(frozen=True)
class LayerViewSpec:
    """Which hidden layer to show (0 = the first), and how: units=(name, name) projects on those
    two units, units=None on the first two principal directions (a 2-unit layer: its units)."""
    layer: int = 0
    units: tuple[str, str] | None = None


@dataclass(frozen=True, eq=False)
class LayerView:
    layer: int  # the layer shown, an index into `layers`
    layers: tuple[str, ...]  # a label per hidden layer ("layer 1: h1, h2"), for a chooser
    units: tuple[str, ...]  # the shown layer's units
    axes: tuple[str, str]  # what across and up are: unit names, or "PC 1", "PC 2"
    projection: str  # "units" (the layer's own 2-D space or two chosen units) or "pca"
    grid: np.ndarray  # (lines, points, 2) float32: the input plane's grid lines, mapped
    plane: np.ndarray  # (lines, points, 2) float32: the same lines in the input plane
    points: np.ndarray  # (n, 2) float32: the data points, mapped
    labels: np.ndarray  # (n,) their targets (one column) or class indices (one-hot), or empty
    line: tuple[float, float, float] | None  # the output's line a*u + b*v + c = 0 in these axes
    exact: bool  # the line is the output's true boundary (not an approximation)


def hidden_layers(compiled: CompiledNetwork) -> list[list[int]]:
    """Columns of the hidden units of each compiled layer that has any (feed-forward only)."""
    if not compiled.is_feedforward:
        return []
    outputs = set(np.arange(compiled.n_neurons)[compiled.output_cols].tolist())
    found = []
    for layer in compiled.layers:
        cols = [c for c in np.arange(compiled.n_neurons)[layer.targets].tolist() if c not in outputs]
        if cols:
            found.append(cols)
    return found


def _label(k: int, names: list[str]) -> str:
    shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
    return f"layer {k + 1}: {shown}"


def grid_lines(extent) -> np.ndarray:
    """(2 * GRID_LINES, LINE_POINTS, 2): vertical lines, then horizontal ones."""
    x0, x1, y0, y1 = extent
    xs, ys = np.linspace(x0, x1, GRID_LINES), np.linspace(y0, y1, GRID_LINES)
    tx, ty = np.linspace(x0, x1, LINE_POINTS), np.linspace(y0, y1, LINE_POINTS)
    vertical = np.stack([np.broadcast_to(xs[:, None], (GRID_LINES, LINE_POINTS)),
                         np.broadcast_to(ty[None, :], (GRID_LINES, LINE_POINTS))], axis=-1)
    horizontal = np.stack([np.broadcast_to(tx[None, :], (GRID_LINES, LINE_POINTS)),
                           np.broadcast_to(ys[:, None], (GRID_LINES, LINE_POINTS))], axis=-1)
    return np.concatenate([vertical, horizontal])


def _output_weights(compiled: CompiledNetwork, cols: list[int]):
    """(weights over `cols`, bias) of the first output when every synapse into it comes from
    these columns, else None."""
    if len(compiled.output_names) != 1:
        return None
    out_col = int(np.arange(compiled.n_neurons)[compiled.output_cols][0])
    for layer in compiled.layers:
        targets = np.arange(compiled.n_neurons)[layer.targets]
        if out_col not in targets or not layer.dense:
            continue
        j = int(np.flatnonzero(targets == out_col)[0])
        sources = np.arange(compiled.n_neurons)[layer.sources].tolist()
        used = [s for k, s in enumerate(sources) if layer.mask[k, j]]
        if (layer.veto is not None and layer.veto[:, j].any()) or not set(used) <= set(cols) \
                or compiled.activations[out_col] in ("gaussian", "softmax"):
            return None
        w = np.zeros(len(cols))
        for k, s in enumerate(sources):
            if s in cols:
                w[cols.index(s)] = layer.weights[k, j]
        return w, float(layer.biases[j])
    return None


def _principal(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, (units, 2) directions) of the rows of h, each direction's largest entry made
    positive (an SVD's signs are arbitrary: fixed, so the picture does not flip)."""
    mean = h.mean(axis=0)
    _, _, vt = np.linalg.svd(h - mean, full_matrices=False)
    u = vt[:2].T.copy()
    if u.shape[1] < 2:
        u = np.column_stack([u, np.zeros(len(u))])
    for k in range(2):
        if u[np.argmax(np.abs(u[:, k])), k] < 0:
            u[:, k] = -u[:, k]
    return mean, u


def layer_view(compiled: CompiledNetwork, spec: LayerViewSpec, extent,
               X: np.ndarray | None = None, y: np.ndarray | None = None) -> LayerView | None:
    """The view `spec` asks for of `compiled` (weights as compiled), or None unless it is a
    feed-forward network with two inputs and a hidden layer."""
    if compiled.n_inputs != 2 or not compiled.is_feedforward:
        return None
    layers = hidden_layers(compiled)
    if not layers:
        return None
    k = min(max(int(spec.layer), 0), len(layers) - 1)
    cols = layers[k]
    names = [compiled.names[c] for c in cols]
    lines = grid_lines(extent)
    data = np.zeros((0, 2))
    labels = np.zeros(0)
    if X is not None and len(X) and np.shape(X)[1] == 2:
        step = max(1, -(-len(X) // MAX_POINTS))
        data = np.asarray(X, dtype=float)[::step]
        if y is not None and len(y):
            targets = np.asarray(y, dtype=float).reshape(len(X), -1)[::step]
            # one-hot rows: the class's index (their first column is 1 for class 0)
            labels = targets[:, 0] if targets.shape[1] == 1 else \
                np.argmax(targets, axis=1).astype(float)
    inputs = np.concatenate([lines.reshape(-1, 2), data])
    with np.errstate(all="ignore"):
        a, _ = compiled.forward_full(inputs)
    big = float(np.finfo(np.float32).max) / 4  # in float32 still, with room for a projection
    h = np.clip(np.nan_to_num(a[:, cols]), -big, big)
    weights = _output_weights(compiled, cols)
    if len(cols) == 2 or (spec.units is not None and set(spec.units) <= set(names)
                          and spec.units[0] != spec.units[1]):
        pair = [0, 1] if len(cols) == 2 or spec.units is None else \
            [names.index(spec.units[0]), names.index(spec.units[1])]
        uv = h[:, pair]
        axes = (names[pair[0]], names[pair[1]])
        projection = "units"
        exact = len(cols) == 2
        line = None
        if weights is not None:
            w, b = weights
            rest = [j for j in range(len(cols)) if j not in pair]
            c = b + float(w[rest] @ h[:, rest].mean(axis=0)) if rest else b
            line = (float(w[pair[0]]), float(w[pair[1]]), c)
    elif len(cols) == 1:  # one unit: its output across, the input's second coordinate up
        uv = np.column_stack([h[:, 0], inputs[:, 1]])
        axes = (names[0], "x2")
        projection, exact, line = "units", False, None
    else:
        mean, u = _principal(h)
        uv = (h - mean) @ u
        axes = ("PC 1", "PC 2")
        projection, exact, line = "pca", False, None
        if weights is not None:
            w, b = weights
            line = (float(w @ u[:, 0]), float(w @ u[:, 1]), float(b + w @ mean))
    uv = uv.astype(np.float32)
    n_grid = lines.shape[0] * lines.shape[1]
    grid = np.ascontiguousarray(uv[:n_grid].reshape(lines.shape))
    points = np.ascontiguousarray(uv[n_grid:])
    for arr in (grid, points, labels):
        arr.setflags(write=False)
    plane = lines.astype(np.float32)
    plane.setflags(write=False)
    return LayerView(k, tuple(_label(i, [compiled.names[c] for c in L]) for i, L in enumerate(layers)),
                     tuple(names), axes, projection, grid, plane, points, labels,
                     line, exact)

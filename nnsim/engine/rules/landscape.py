"""The loss over a plane of weight space, centred on a network's current weights.

    L = loss_landscape(net, data, weights=[("x1", "h1"), ("h1", "y")], span=2.0, resolution=101)
    L.a, L.b      # the two weights' values (1-D), the current ones in the middle
    L.loss        # (resolution, resolution): L.loss[i, j] is the loss at weights (a[i], b[j])

The plane is spanned by two directions d1, d2 through the network's parameters theta:
theta(alpha, beta) = theta + alpha d1 + beta d2, alpha and beta in [-span, span].  Two chosen
synapses give unit directions along their own weights (a and b are then the weights' values);
weights="random" gives two random directions through all weights, each neuron's part scaled to
the norm of that neuron's incoming weights (Li et al. 2018, "Visualizing the Loss Landscape of
Neural Nets", filter normalisation; biases stay put), and a and b are alpha and beta.

Every setting of the plane is evaluated at once, not in a Python loop: the network's layers run
on a stack of weight settings (settings x samples x units, in chunks that bound memory), in
float32 as pictures need (DESIGN.md); the loss of each setting is the Backprop rule's.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..datasets import as_dataset
from ..units import get_unit
from . import losses
from .gradients import Graph, _cols

CHUNK_BYTES = 96 * 2**20  # activations of one chunk of weight settings
MAX_RESOLUTION = 401

_FAST = {
    "tanh": lambda z: np.tanh(z, out=z),
    "relu": lambda z: np.maximum(z, 0.0, out=z),
    "linear": lambda z: z,
}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out = np.multiply(z, 0.5, out=z)  # through tanh: stable for any z, stays float32
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


_FAST["sigmoid"] = _sigmoid


@dataclass(frozen=True, eq=False)
class LossLandscape:
    a: np.ndarray  # (resolution,): the first weight's values (random directions: alpha)
    b: np.ndarray  # (resolution,): the second's (random directions: beta)
    loss: np.ndarray  # (resolution, resolution): loss[i, j] at (a[i], b[j])
    centre: float  # the loss at the network's current weights (float64)
    weights: Any  # the two synapses, or "random"
    theta: np.ndarray  # the current parameters (the Backprop rule's flat order)
    directions: tuple[np.ndarray, np.ndarray]  # d1, d2 in the same order
    loss_name: str

    def coordinates(self, theta: np.ndarray) -> tuple[float, float]:
        """Where parameters `theta` (e.g. a trainer's graph.theta during a run) fall in the plane,
        in the units of a and b: the least-squares projection of theta - self.theta on d1, d2."""
        d = np.column_stack(self.directions)
        alpha, beta = np.linalg.lstsq(d, np.asarray(theta, float) - self.theta, rcond=None)[0]
        if isinstance(self.weights, str):
            return float(alpha), float(beta)
        mid = len(self.a) // 2
        return float(self.a[mid] + alpha), float(self.b[mid] + beta)


def _targets(graph: Graph, compiled, data) -> tuple[np.ndarray, np.ndarray]:
    data = as_dataset(data)
    if data is None or data.y is None or len(data) == 0:
        raise ValueError("a loss landscape needs data with targets")
    if data.n_features != compiled.n_inputs:
        raise ValueError(f"the data has {data.n_features} input columns but the network has "
                         f"{compiled.n_inputs} inputs")
    k = len(compiled.output_names)
    if graph.loss == "categorical_crossentropy" and data.y.ndim == 1:
        return data.X, losses.categorical_targets(data.y, k)
    D = data.targets
    if D.shape[1] != k:
        raise ValueError(f"the data has {D.shape[1]} target columns but the network has {k} outputs")
    return data.X, D


def _synapse_index(graph: Graph, compiled, key) -> int:
    """The position of synapse (source name, target name) in graph.theta."""
    try:
        source, target = key
    except (TypeError, ValueError):
        raise ValueError(f"a weight is named by its synapse (source, target), not {key!r}") from None
    names, n, at = compiled.names, compiled.n_neurons, 0
    for L, C in zip(graph.layers, compiled.layers):
        targets = [names[c] for c in _cols(L.targets, n)]
        sources = [names[c] for c in _cols(L.sources, n)]
        if target in targets and source in sources:
            i, j = sources.index(source), targets.index(target)
            if C.mask[i, j]:
                return at + i * L.W.shape[1] + j
        at += L.W.size + L.b.size
    raise ValueError(f"the network has no excitatory synapse {source} -> {target}")


def _random_directions(graph: Graph, seed: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian directions through the weights, each neuron's incoming part scaled to the
    norm of its weights (filter normalisation); biases 0."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(2):
        d = np.zeros_like(graph.theta)
        at = 0
        for L in graph.layers:
            r = rng.standard_normal(L.W.shape) * L.mask
            norm_w = np.linalg.norm(L.W * L.mask, axis=0)
            norm_r = np.linalg.norm(r, axis=0)
            scale = np.divide(norm_w, norm_r, out=np.zeros_like(norm_w), where=norm_r > 0)
            d[at:at + L.W.size] = (r * scale).ravel()
            at += L.W.size + L.b.size
        out.append(d)
    return out[0], out[1]


def loss_landscape(net, data: Any, weights: Sequence | str = "random", span: float = 2.0,
                   resolution: int = 101, loss: str = "mse", seed: int | None = 0
                   ) -> LossLandscape:
    """The loss of `net` (feed-forward) on `data` over a plane of weight space, see the module
    docstring.  `loss` is one of the Backprop rule's."""
    resolution = int(resolution)
    if not 2 <= resolution <= MAX_RESOLUTION:
        raise ValueError(f"resolution must be 2 to {MAX_RESOLUTION}, not {resolution}")
    span = float(span)
    if not (np.isfinite(span) and span > 0):
        raise ValueError(f"span must be a positive number, not {span}")
    compiled = net.compile()
    if not compiled.is_feedforward:
        raise ValueError("a loss landscape needs a feed-forward network (this one has loops)")
    graph = Graph(compiled, loss)
    X, D = _targets(graph, compiled, data)
    theta = graph.theta.copy()
    t = np.linspace(-span, span, resolution)
    if isinstance(weights, str):
        if weights != "random":
            raise ValueError(f'weights must be two synapses or "random", not {weights!r}')
        d1, d2 = _random_directions(graph, seed)
        a, b = t.copy(), t.copy()
    else:
        pair = list(weights)
        if len(pair) != 2:
            raise ValueError(f"a landscape needs two weights, not {len(pair)}")
        i1, i2 = (_synapse_index(graph, compiled, key) for key in pair)
        if i1 == i2:
            raise ValueError("the two weights must be different synapses")
        d1, d2 = np.zeros_like(theta), np.zeros_like(theta)
        d1[i1] = d2[i2] = 1.0
        a, b = theta[i1] + t, theta[i2] + t
        weights = tuple(tuple(key) for key in pair)
    alpha, beta = np.meshgrid(t, t, indexing="ij")  # loss[i, j]: alpha = t[i], beta = t[j]
    values = _evaluate(graph, compiled, X, D, theta, d1, d2, alpha.ravel(), beta.ravel())
    with np.errstate(all="ignore"):
        centre, _ = graph.evaluate(X, D)  # the current weights (graph.theta is theta)
    return LossLandscape(a, b, values.reshape(resolution, resolution), float(centre), weights,
                         theta, (d1, d2), loss)


def _evaluate(graph: Graph, compiled, X, D, theta, d1, d2, alpha, beta) -> np.ndarray:
    """The loss at theta + alpha d1 + beta d2 for every (alpha, beta), as float64."""
    n, k = compiled.n_neurons, D.shape[1]
    N = X.shape[0]
    per_setting = 4 * N * (n + max(len(L.b) for L in graph.layers) * 2)
    chunk = max(1, CHUNK_BYTES // per_setting)
    X32, D32 = X.astype(np.float32), D.astype(np.float32)
    out = np.empty(len(alpha))
    for start in range(0, len(alpha), chunk):
        al = alpha[start:start + chunk, None]
        be = beta[start:start + chunk, None]
        params = (theta[None, :] + al * d1[None, :] + be * d2[None, :]).astype(np.float32)
        with np.errstate(all="ignore"):
            out[start:start + chunk] = _losses(graph, compiled, params, X32, D32, k)
    return out


def _losses(graph: Graph, compiled, params: np.ndarray, X: np.ndarray, D: np.ndarray,
            k: int) -> np.ndarray:
    """The loss of each row of `params` (settings x parameters, float32).  A chain of layers
    (each reading the inputs or the layer before) passes its outputs on directly; any other
    graph (skip connections) gathers sources from a settings x samples x neurons matrix."""
    S, N, n = params.shape[0], X.shape[0], compiled.n_neurons
    chain = _is_chain(graph, compiled)
    A = None
    if not chain:
        A = np.empty((S, N, n), dtype=np.float32)
        A[:, :, compiled.input_cols] = X
    out_cols = _cols(compiled.output_cols, n)
    wants_z = graph.loss != "mse"
    Zout = np.empty((S, N, k), dtype=np.float32) if wants_z else None
    Y = np.empty((S, N, k), dtype=np.float32)
    at, previous = 0, None
    for L in graph.layers:
        w_size, nb = L.W.size, L.b.size
        W = params[:, at:at + w_size].reshape(S, *L.W.shape)
        bias = params[:, at + w_size:at + w_size + nb]
        at += w_size + nb
        if _same(L.sources, compiled.input_cols):  # the inputs: shared by every setting
            src = X[None]
        elif chain:
            src = previous
        else:
            src = A[:, :, L.sources]
        z = np.matmul(src, W)
        z += bias[:, None, :]
        for _, cols, _ in L.gaussian:  # z = ||x - c||^2 over the unit's synapses
            m = L.mask[:, cols].astype(np.float32)
            w = W[:, :, cols]
            z[:, :, cols] = (np.matmul(src * src, m) - 2.0 * np.matmul(src, w)
                             + np.sum(w * w * m, axis=1)[:, None, :])
        targets = _cols(L.targets, n)
        outputs_here = [(j, out_cols.index(c)) for j, c in enumerate(targets) if c in out_cols]
        if wants_z:
            for j, o in outputs_here:
                Zout[:, :, o] = z[:, :, j]
        y = _activate(L.groups, z)
        for j, o in outputs_here:
            Y[:, :, o] = y[:, :, j]
        if A is not None:
            A[:, :, L.targets] = y
        previous = y
    return _setting_losses(graph.loss, Zout, Y, D)


def _same(a, b) -> bool:
    if isinstance(a, slice) or isinstance(b, slice):
        return isinstance(a, slice) and isinstance(b, slice) and a == b
    return a.shape == b.shape and bool(np.all(a == b))


def _is_chain(graph: Graph, compiled) -> bool:
    """Each layer reads exactly the inputs or exactly the layer before."""
    before = compiled.input_cols
    for L in graph.layers:
        if not (_same(L.sources, compiled.input_cols) or _same(L.sources, before)):
            return False
        before = L.targets
    return True


def _activate(groups, z: np.ndarray) -> np.ndarray:
    """The layer's outputs from z (float32; z may be overwritten)."""
    if len(groups) == 1 and groups[0][0] in _FAST:
        return _FAST[groups[0][0]](z)
    y = np.empty_like(z)
    for activation, cols, beta in groups:
        part = z[:, :, cols]
        if activation in _FAST:
            values = _FAST[activation](part.copy())
        elif activation == "softmax":
            e = np.exp(part - part.max(axis=2, keepdims=True))
            values = e / e.sum(axis=2, keepdims=True)
        else:
            unit = get_unit(activation)
            values = unit.function(part, beta) if activation == "gaussian" else unit.function(part)
        y[:, :, cols] = values
    return y


def _setting_losses(name: str, z: np.ndarray | None, y: np.ndarray, d: np.ndarray) -> np.ndarray:
    """losses.value for each setting (axis 0), summed in float64."""
    if name == "mse":
        diff = y - d[None]
        diff *= diff
        return np.mean(diff, axis=(1, 2), dtype=np.float64)
    if name == "binary_crossentropy":
        softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))  # log(1 + e^z)
        return np.mean(softplus - d[None] * z, axis=(1, 2), dtype=np.float64)
    z = z.astype(np.float64)  # categorical: log-sum-exp minus the target's logit
    top = z.max(axis=2, keepdims=True)
    lse = top[:, :, 0] + np.log(np.sum(np.exp(z - top), axis=2))
    return np.mean(lse * d.sum(axis=1)[None] - np.sum(d[None] * z, axis=2), axis=1)

"""Backpropagation through any feed-forward graph, on a compiled network's per-layer arrays.

`Graph` holds every weight and bias of the network in one flat vector `theta` (each layer's W and b
are views into it) and the gradient in a twin vector `grad`, so an optimiser updates everything in a
few vector operations.  Activations live in one matrix A (samples x neurons, columns in the compiled
order): a layer reads its sources A[:, sources] and writes its targets, which covers skip
connections and mixed units the same way as plain chains.  The backward pass keeps dL/dA in a
matrix of the same shape.  Buffers are allocated once per batch size and reused: on small networks
the cost is the number of NumPy calls, so each step is a short, fixed sequence of in-place
operations.

Gradients exist only on existing synapses (masked).  Gaussian units are differentiated too:
z = ||x - c||^2 with the centre c the incoming weights, so dz/dc = -2 (x - c); their bias is unused.
Step, sign units and inhibitory vetoes have no useful gradient; Backprop.applies_to refuses them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..units import net_input_without_overflow
from . import losses
from .unit_ops import activate_groups, activation_ops, derivative_ops, derive_groups, run


def _cols(index: slice | np.ndarray, n: int) -> list[int]:
    return list(range(n))[index] if isinstance(index, slice) else index.tolist()


def _put_columns(A, cols, values) -> None:
    A[:, cols] = values


def _mse_gradient(A, cols, D, dA) -> None:
    if isinstance(cols, slice):
        losses.dy("mse", A[:, cols], D, dA[:, cols])
    else:
        dA[:, cols] = losses.dy("mse", A[:, cols], D, np.empty_like(D))


def _gaussian_net_input(L, a_src, z) -> None:
    """z = ||x - c||^2 over existing synapses, for the layer's gaussian units."""
    for _, cols, _ in L.gaussian:
        w = L.W[:, cols]
        z[:, cols] = (a_src * a_src) @ L.mask[:, cols] - 2.0 * (a_src @ w) + np.sum(w * w, 0)


def _gaussian_centres(L) -> None:
    # The generic terms hold x^T dd and sum(dd): dL/dc = -2 (x^T dd - c sum(dd)).
    for _, cols, _ in L.gaussian:
        L.gW[:, cols] = -2.0 * (L.gW[:, cols] - L.W[:, cols] * L.gb[cols])


def _softmax_net_input(a_src, W, b, z) -> None:
    """z = a W + b for a softmax layer, whose shares and cross-entropy stay finite for any
    finite weights: a sum that overflows is redone scaled (inf of the right sign, never NaN)."""
    with np.errstate(over="ignore", invalid="ignore"):
        np.matmul(a_src, W, out=z)
        z += b
    if not np.isfinite(z).all():
        net_input_without_overflow(a_src, W, b, out=z)


def _source_gradient(L, a_src, dz, dA) -> None:
    """dL/dA of the layer's sources, set or added into dA."""
    if L.gaussian:
        lin = dz.copy()
        for _, cols, _ in L.gaussian:
            lin[:, cols] = 0.0
        g = lin @ L.W.T
        for _, cols, _ in L.gaussian:  # dd2/dx = 2 (x - c) on existing synapses
            dd = dz[:, cols]
            g += 2.0 * a_src * (dd @ L.mask[:, cols].T) - 2.0 * (dd @ L.W[:, cols].T)
    else:
        g = dz @ L.W.T
    if L.dsrc == "set":
        dA[:, L.sources] = g
    else:
        dA[:, L.sources] += g


@dataclass
class _Layer:
    sources: slice | np.ndarray
    targets: slice | np.ndarray
    W: np.ndarray  # views into Graph.theta
    b: np.ndarray
    gW: np.ndarray  # views into Graph.grad
    gb: np.ndarray
    mask: np.ndarray
    groups: list  # (activation, local columns, beta)
    gaussian: list  # the gaussian groups among them
    active: bool = False  # some gradient reaches this layer
    reads: bool = False  # its targets receive dL/dA from later layers or from mean squared error
    out_local: slice | np.ndarray | None = None  # outputs among its targets (cross-entropies)
    out_index: slice | np.ndarray | None = None  # ... and their positions among the outputs
    out_all: bool = False  # its targets are exactly those outputs, in order
    dsrc: str = ""  # "" (sources are inputs only), "set" or "add" into dL/dA


class _Buffers:
    def __init__(self, n: int, graph: Graph) -> None:
        self.Z = [np.empty((n, len(L.b))) for L in graph.layers]
        self.Y = [np.empty((n, len(L.b))) for L in graph.layers]  # scattered targets only
        self.dZ = [np.empty((n, len(L.b))) for L in graph.layers]
        self.G = [np.empty((n, len(L.b))) for L in graph.layers]  # gathered dL/dA of targets
        self.S = [np.empty((n, L.W.shape[0])) for L in graph.layers]  # gathered sources
        self.dA = np.zeros((n, graph.n_neurons))
        self.ones = np.ones(n)


class Graph:
    """A compiled feed-forward network as flat parameters, with forward and backward passes."""

    def __init__(self, compiled, loss: str = "mse") -> None:
        if loss not in losses.LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(losses.LOSSES)}")
        self.loss = loss
        self.canonical = loss != "mse"  # the loss gives dL/dz of its paired output units
        self.n_neurons = compiled.n_neurons
        self.input_cols = compiled.input_cols
        self.output_cols = compiled.output_cols
        self.n_outputs = len(compiled.output_names)
        if not compiled.dense:  # layers too large for matrices keep their synapses only
            raise ValueError(compiled.too_large() or "the compiled network keeps its synapses "
                                                     "only (dense=False): no matrices to train")
        sizes = [(L.weights.size, L.biases.size) for L in compiled.layers]
        total = sum(a + b for a, b in sizes)
        self.theta, self.grad, self.mask = np.zeros(total), np.zeros(total), np.ones(total)
        self.is_weight = np.zeros(total, dtype=bool)
        self.layers: list[_Layer] = []
        at = 0
        for L in compiled.layers:
            w_end, b_end = at + L.weights.size, at + L.weights.size + L.biases.size
            shape = L.weights.shape
            self.theta[at:w_end], self.theta[w_end:b_end] = L.weights.ravel(), L.biases
            self.mask[at:w_end] = L.mask.ravel()
            self.is_weight[at:w_end] = True
            groups = [(g.activation, g.cols, None if g.beta is None else g.beta.copy())
                      for g in L.groups]
            gauss = [g for g in groups if g[0] == "gaussian"]
            for _, cols, _ in gauss:  # a gaussian unit ignores its bias
                self.mask[w_end:b_end][cols] = 0.0
            self.layers.append(_Layer(
                L.sources, L.targets, self.theta[at:w_end].reshape(shape),
                self.theta[w_end:b_end], self.grad[at:w_end].reshape(shape),
                self.grad[w_end:b_end], L.mask, groups, gauss))
            at = b_end
        self.theta[self.mask == 0] = 0.0  # no synapse, no weight
        self.masked = bool(np.any(self.mask == 0))
        self._plan(compiled)
        self._buffers: dict[int, _Buffers] = {}

    def _plan(self, compiled) -> None:
        """Which layers receive gradient, and whether dL/dA is set or accumulated: decided once
        so the backward pass does no bookkeeping."""
        n = self.n_neurons
        inputs = set(_cols(self.input_cols, n))
        outputs = _cols(self.output_cols, n)
        written = set(outputs) if self.loss == "mse" else set()
        self.zero_dA = False
        for L in reversed(self.layers):
            tgt, src = _cols(L.targets, n), _cols(L.sources, n)
            L.reads = any(t in written for t in tgt)
            local = [i for i, t in enumerate(tgt) if t in outputs]
            if local:
                L.out_local = np.asarray(local, dtype=np.intp)
                L.out_index = np.asarray([outputs.index(tgt[i]) for i in local], np.intp)
                L.out_all = [tgt[i] for i in local] == tgt == outputs
            L.active = L.reads or (self.canonical and L.out_local is not None)
            if not L.active:
                continue
            if L.reads and not all(t in written for t in tgt):
                self.zero_dA = True  # targets with no path to an output read zeros
            if not set(src) <= inputs:
                if any(s in written for s in src):
                    L.dsrc = "add"
                    self.zero_dA |= not all(s in written for s in src)
                else:
                    L.dsrc = "set"
                written.update(src)

    def buffers(self, n: int) -> _Buffers:
        buf = self._buffers.get(n)
        if buf is None:
            if len(self._buffers) > 8:
                self._buffers.clear()
            buf = self._buffers[n] = _Buffers(n, self)
        return buf

    # ------------------------------------------------------------------ programs
    # A pass is compiled into a list of (function, arguments) with every array view bound in
    # advance, so running it is one tight loop of NumPy calls with no bookkeeping.  The trainer
    # keeps one program per mini-batch position, bound to rows of its epoch buffers, which it
    # refills in place each epoch.

    def forward_program(self, A: np.ndarray) -> tuple[list, _Buffers]:
        """Ops that fill A's non-input columns from its input columns, and the buffers they use."""
        buf = self.buffers(A.shape[0])
        ops: list = []
        for k, L in enumerate(self.layers):
            if isinstance(L.sources, slice):
                a_src = A[:, L.sources]
            else:
                a_src = buf.S[k]
                ops.append((np.take, (A, L.sources, 1, a_src)))
            z, y = buf.Z[k], self._target_view(A, buf, k)
            if any(g[0] == "softmax" for g in L.groups):
                ops.append((_softmax_net_input, (a_src, L.W, L.b, z)))
            else:
                ops += [(np.matmul, (a_src, L.W, z)), (np.add, (z, L.b, z))]
            if L.gaussian:
                ops.append((_gaussian_net_input, (L, a_src, z)))
            if len(L.groups) == 1:
                ops += activation_ops(*L.groups[0], z, y)
            else:
                ops.append((activate_groups, (L.groups, z, y)))
            if not isinstance(L.targets, slice):
                ops.append((_put_columns, (A, L.targets, y)))
        return ops, buf

    def backward_program(self, A: np.ndarray, D: np.ndarray, buf: _Buffers) -> list:
        """Ops that fill `grad` with dL/dtheta, to run after the forward program of A."""
        dA, ops = buf.dA, []
        if self.zero_dA:
            ops.append((dA.fill, (0.0,)))
        if self.loss == "mse":
            ops.append((_mse_gradient, (A, self.output_cols, D, dA)))
        for k in range(len(self.layers) - 1, -1, -1):
            L = self.layers[k]
            if not L.active:
                continue
            y, dz = self._target_view(A, buf, k), buf.dZ[k]
            a_src = A[:, L.sources] if isinstance(L.sources, slice) else buf.S[k]
            if L.reads:
                if isinstance(L.targets, slice):
                    g = dA[:, L.targets]
                else:
                    g = buf.G[k]
                    ops.append((np.take, (dA, L.targets, 1, g)))
                if len(L.groups) == 1:
                    ops += derivative_ops(*L.groups[0], g, y, dz)
                else:
                    ops.append((derive_groups, (L.groups, g, y, dz)))
            if self.canonical and L.out_all and not L.reads:
                ops.append((losses.dz, (self.loss, y, D, dz, self.n_outputs)))  # the usual case
            elif self.canonical and L.out_local is not None:
                ops.append((self._output_delta, (L, y, D, dz)))
            ops += [(np.matmul, (a_src.T, dz, L.gW)), (np.matmul, (buf.ones, dz, L.gb))]
            if L.dsrc == "set" and not L.gaussian and isinstance(L.sources, slice):
                ops.append((np.matmul, (dz, L.W.T, dA[:, L.sources])))
            elif L.dsrc:
                ops.append((_source_gradient, (L, a_src, dz, dA)))
            if L.gaussian:
                ops.append((_gaussian_centres, (L,)))
        if self.masked:
            ops.append((np.multiply, (self.grad, self.mask, self.grad)))
        return ops

    def _target_view(self, A: np.ndarray, buf: _Buffers, k: int) -> np.ndarray:
        t = self.layers[k].targets
        return A[:, t] if isinstance(t, slice) else buf.Y[k]

    def _output_delta(self, L: _Layer, y, D, dz) -> None:
        """Outputs mixed with other units, or also feeding later units: add the loss's dL/dz."""
        if not L.reads:
            dz.fill(0.0)
        d = D[:, L.out_index]
        dz[:, L.out_local] += losses.dz(self.loss, y[:, L.out_local], d, np.empty_like(d),
                                        self.n_outputs)

    def forward(self, A: np.ndarray) -> _Buffers:
        ops, buf = self.forward_program(A)
        run(ops)
        return buf

    def backward(self, A: np.ndarray, D: np.ndarray, buf: _Buffers) -> None:
        run(self.backward_program(A, D, buf))

    # ------------------------------------------------------------------ conveniences
    def inputs_matrix(self, X: np.ndarray) -> np.ndarray:
        A = np.zeros((X.shape[0], self.n_neurons))
        A[:, self.input_cols] = X
        return A

    def outputs(self, A: np.ndarray, buf: _Buffers) -> tuple[np.ndarray, np.ndarray]:
        """(z, y) of the output units after a forward pass."""
        y = A[:, self.output_cols]
        z = np.empty_like(y)
        for k, L in enumerate(self.layers):
            if L.out_local is not None:
                z[:, L.out_index] = buf.Z[k][:, L.out_local]
        return z, y

    def evaluate(self, X: np.ndarray, D: np.ndarray) -> tuple[float, float]:
        """(loss, accuracy) of the current parameters on a data set."""
        A = self.inputs_matrix(X)
        z, y = self.outputs(A, self.forward(A))
        return losses.value(self.loss, z, y, D), losses.accuracy(y, D)

    def layer_parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(L.W.copy(), L.b.copy()) for L in self.layers]

    def layer_gradients(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(L.gW.copy(), L.gb.copy()) for L in self.layers]


def gradient(net, X, D, loss: str = "mse") -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """(mean loss, [(dL/dW, dL/db) per compiled layer]) of `net` on one batch: the function the
    finite-difference tests check."""
    graph = Graph(net.compile(), loss)
    X, D = np.asarray(X, dtype=float), np.asarray(D, dtype=float)
    D = D[:, None] if D.ndim == 1 else D
    A = graph.inputs_matrix(X)
    buf = graph.forward(A)
    z, y = graph.outputs(A, buf)
    graph.backward(A, D, buf)
    return losses.value(loss, z, y, D), graph.layer_gradients()

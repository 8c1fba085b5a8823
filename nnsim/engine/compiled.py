"""Graph -> arrays, and back.

A `CompiledNetwork` orders neurons by layer (inputs first) so that each layer's sources are, for
ordinary layered networks, one contiguous block of columns: a batch of n inputs is then one matrix
product per layer.  Arbitrary feed-forward graphs (skip connections, mixed units in one layer) work
the same way with index arrays instead of slices.

McCulloch-Pitts semantics: an inhibitory synapse is a veto, not a summand.  If its source fires
(output > 0) the target's output is 0 for that input, whatever the other inputs; its weight is kept
(and drawn) but never added to z.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import topology
from .units import UNITS, net_input_without_overflow


def _as_index(cols: list[int]) -> slice | np.ndarray:
    """A slice when the columns are contiguous (a cheap view), else an index array."""
    if cols and cols == list(range(cols[0], cols[0] + len(cols))):
        return slice(cols[0], cols[0] + len(cols))
    return np.asarray(cols, dtype=np.intp)


@dataclass
class UnitGroup:
    """Neurons of one layer that share an activation: `cols` index into the layer's targets."""
    activation: str
    cols: slice | np.ndarray
    beta: np.ndarray | None = None  # gaussian bandwidths


@dataclass
class CompiledLayer:
    targets: slice | np.ndarray  # columns of the activation matrix written by this layer
    sources: slice | np.ndarray  # columns read by this layer
    weights: np.ndarray  # (n_sources, n_targets); 0 where there is no excitatory synapse
    mask: np.ndarray  # 0/1 (n_sources, n_targets): an excitatory synapse exists
    veto: np.ndarray | None  # 0/1 (n_sources, n_targets): an inhibitory synapse exists
    biases: np.ndarray  # (n_targets,)
    groups: list[UnitGroup]
    target_ids: list[int]
    source_ids: list[int]

    @property
    def n_sources(self) -> int:
        return self.weights.shape[0]

    def net_input(self, a_src: np.ndarray) -> np.ndarray:
        """z for every target: weighted sum plus bias (squared distance for gaussian units, which
        ignore their bias: with no incoming synapse the distance is an empty sum, 0)."""
        with np.errstate(over="ignore", invalid="ignore"):
            z = a_src @ self.weights + self.biases  # no sources: an empty sum, so z = b
        if not np.isfinite(z).all():  # huge weights: products overflowed
            z = net_input_without_overflow(a_src, self.weights, self.biases)
        for g in self.groups:
            if g.activation == "gaussian":
                w = self.weights[:, g.cols]
                m = self.mask[:, g.cols]
                z[:, g.cols] = (a_src * a_src) @ m - 2.0 * (a_src @ w) + np.sum(w * w, axis=0)
        return z

    def activate(self, z: np.ndarray) -> np.ndarray:
        if len(self.groups) == 1 and self.groups[0].activation not in ("gaussian", "softmax"):
            return UNITS[self.groups[0].activation].function(z)
        y = np.empty_like(z)
        for g in self.groups:
            if g.activation == "gaussian":
                y[:, g.cols] = UNITS["gaussian"].function(z[:, g.cols], g.beta)
            else:
                y[:, g.cols] = UNITS[g.activation].function(z[:, g.cols])
        return y

    def apply_veto(self, a_src: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.veto is not None:
            vetoed = (a_src > 0).astype(float) @ self.veto > 0
            y = np.where(vetoed, 0.0, y)
        return y


class CompiledNetwork:
    """A snapshot of a Network as arrays.  Editing the network does not change it."""

    def __init__(self, net) -> None:
        neurons = net.neurons
        ids = [n.id for n in neurons]
        edges = [s.key for s in net.synapses]
        self.is_feedforward = not topology.has_cycle(ids, edges)
        self.input_names = net.inputs
        self.output_names = net.outputs
        input_ids = [net.neuron(name).id for name in self.input_names]
        output_ids = [net.neuron(name).id for name in self.output_names]

        # Column order: inputs first, then by layer, then neuron order.
        layer_of = topology.layer_numbers(ids, edges)
        rank = {nid: i for i, nid in enumerate(ids)}
        inputs = set(input_ids)
        self.order: list[int] = input_ids + sorted(
            (i for i in ids if i not in inputs), key=lambda i: (layer_of[i], rank[i]))
        self.column = {nid: c for c, nid in enumerate(self.order)}
        self.names = [net.neuron(i).name for i in self.order]
        self.n_neurons = len(self.order)
        self.n_inputs = len(input_ids)
        self.input_cols = _as_index([self.column[i] for i in input_ids])
        self.output_cols = _as_index([self.column[i] for i in output_ids])
        self.input_values = np.array([net.neuron(i).value for i in input_ids], dtype=float)
        self.activations = [net.neuron(i).activation for i in self.order]

        by_target: dict[int, list] = {}
        for s in net.synapses:
            by_target.setdefault(s.target, []).append(s)

        self.layers: list[CompiledLayer] = []
        if self.is_feedforward:
            depth = max(layer_of.values(), default=0)
            for k in range(depth + 1):
                targets = [i for i in self.order[self.n_inputs:] if layer_of[i] == k]
                if targets:
                    self.layers.append(self._layer(net, targets, by_target))

    def _layer(self, net, targets: list[int], by_target: dict[int, list]) -> CompiledLayer:
        src_ids = sorted({s.source for t in targets for s in by_target.get(t, [])},
                         key=self.column.__getitem__)
        src_pos = {nid: i for i, nid in enumerate(src_ids)}
        shape = (len(src_ids), len(targets))
        weights, mask, veto = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        for j, t in enumerate(targets):
            for s in by_target.get(t, []):
                if s.kind == "inhibitory":
                    veto[src_pos[s.source], j] = 1.0
                else:
                    weights[src_pos[s.source], j] = s.weight
                    mask[src_pos[s.source], j] = 1.0
        groups: dict[str, list[int]] = {}
        for j, t in enumerate(targets):
            groups.setdefault(net.neuron(t).activation, []).append(j)
        unit_groups = []
        for act, cols in groups.items():
            beta = None
            if act == "gaussian":
                beta = np.array([net.neuron(targets[j]).param("beta", 1.0) for j in cols])
            unit_groups.append(UnitGroup(act, _as_index(cols) if len(groups) > 1 else slice(None),
                                         beta))
        return CompiledLayer(
            targets=_as_index([self.column[t] for t in targets]),
            sources=_as_index([self.column[s] for s in src_ids]),
            weights=weights,
            mask=mask,
            veto=veto if veto.any() else None,
            biases=np.array([net.neuron(t).bias for t in targets], dtype=float),
            groups=unit_groups,
            target_ids=targets,
            source_ids=src_ids,
        )

    # ------------------------------------------------------------------ feed-forward
    def _require_feedforward(self) -> None:
        if not self.is_feedforward:
            raise ValueError("this network has loops: evaluate() needs a feed-forward network; "
                             "use run() for synchronous time steps or settle() for Hopfield units")

    def _check_inputs(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if x.ndim != 2 or x.shape[1] != self.n_inputs:
            raise ValueError(f"inputs must have shape (n, {self.n_inputs}) with columns "
                             f"{self.input_names}, not {x.shape}")
        return x

    def forward_full(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(activations, net inputs), both (n, n_neurons) in `order`; inputs' z is their value."""
        self._require_feedforward()
        x = self._check_inputs(x)
        a = np.empty((x.shape[0], self.n_neurons))
        z_all = np.empty_like(a)
        a[:, self.input_cols] = x
        z_all[:, self.input_cols] = x
        for layer in self.layers:
            a_src = a[:, layer.sources]
            z = layer.net_input(a_src)
            z_all[:, layer.targets] = z
            a[:, layer.targets] = layer.apply_veto(a_src, layer.activate(z))
        return a, z_all

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Outputs (n, n_outputs) for a batch of inputs (n, n_inputs)."""
        self._require_feedforward()
        x = self._check_inputs(x)
        a = np.empty((x.shape[0], self.n_neurons))
        a[:, self.input_cols] = x
        for layer in self.layers:
            a_src = a[:, layer.sources]
            a[:, layer.targets] = layer.apply_veto(a_src, layer.activate(layer.net_input(a_src)))
        return a[:, self.output_cols]

    # ------------------------------------------------------------------ and back
    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of each layer's (weights, biases), for a learning rule to update."""
        return [(layer.weights.copy(), layer.biases.copy()) for layer in self.layers]

    def write_back(self, net, params: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Store per-layer (weights, biases) into `net` (same topology as compiled).  Only existing
        excitatory synapses take weights; non-finite values are refused before anything changes."""
        if len(params) != len(self.layers):
            raise ValueError(f"expected parameters for {len(self.layers)} layers, got {len(params)}")
        for w, b in params:
            if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
                raise ValueError("refusing to store NaN or infinite weights in the network")
        for (w, b), layer in zip(params, self.layers):
            rows, cols = np.nonzero(layer.mask)
            for r, c in zip(rows.tolist(), cols.tolist()):
                net.set_weight(layer.source_ids[r], layer.target_ids[c], float(w[r, c]))
            for c, t in enumerate(layer.target_ids):
                net.set_bias(t, float(b[c]))

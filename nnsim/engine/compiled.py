"""Graph -> arrays, and back.

A `CompiledNetwork` orders neurons by layer (inputs first) so that each layer's sources are, for
ordinary layered networks, one contiguous block of columns: a batch of n inputs is then one matrix
product per layer.  Arbitrary feed-forward graphs (skip connections, mixed units in one layer) work
the same way with index arrays instead of slices.

A layer keeps its synapses as n_sources x n_targets matrices (`weights`, `mask`, `veto`) while
they are small: at most DENSE_MAX_WEIGHTS entries, for all layers together.  A file may hold
50,000 neurons and 150,000 synapses, whose matrices would be mostly zeros (a 25,000 -> 25,000
layer: 5 GB each); such a layer keeps its synapses only (`edges`, arrays sorted by target), so
memory and time grow with the synapses.  Both give the same values.  Learning rules work on the
matrices: `too_large` says why a network's would not fit.  A batch is computed in chunks of rows
that keep every temporary array under about CHUNK_BYTES.

McCulloch-Pitts semantics: an inhibitory synapse is a veto, not a summand.  If its source fires
(output > 0) the target's output is 0 for that input, whatever the other inputs; its weight is kept
(and drawn) but never added to z.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import topology
from .units import UNITS, net_input_without_overflow

# Entries of the per-layer matrices, all layers together (32 MB a matrix): beyond, layers keep
# their synapses only, and rules that learn on the matrices do not apply.
DENSE_MAX_WEIGHTS = 4_000_000
CHUNK_BYTES = 64 * 2**20  # the temporaries of one chunk of a batch


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


class Runs:
    """Synapses grouped by target, for sums over each target's incoming synapses: `sources` and
    `weights` in target order, `starts` where each target's run begins, `targets` its target
    (positions among the layer's sources and targets)."""

    def __init__(self, sources, targets, weights) -> None:
        targets = np.asarray(targets, dtype=np.intp)
        order = np.argsort(targets, kind="stable")
        self.sources = np.asarray(sources, dtype=np.intp)[order]
        self.weights = np.asarray(weights, dtype=float)[order]
        t = targets[order]
        self.starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]]) if len(t) else np.zeros(0, np.intp)
        self.targets = t[self.starts]

    def __len__(self) -> int:
        return len(self.sources)

    def sums(self, values: np.ndarray, reduce=np.add) -> np.ndarray:
        """(batch, E) values, one per synapse -> (batch, len(targets)) their sums per target."""
        return reduce.reduceat(values, self.starts, axis=-1)


@dataclass
class LayerEdges:
    """A layer's synapses as arrays (see the module docstring)."""
    summed: Runs  # excitatory synapses into units that sum: z = b + sum(w * a)
    distance: Runs  # excitatory synapses into gaussian units: z = sum((a - w)^2)
    veto: Runs  # inhibitory synapses
    scale: float  # the largest |w| of the excitatory synapses (1 without any): see _scaled_sums

    def __len__(self) -> int:
        return len(self.summed) + len(self.distance) + len(self.veto)


@dataclass
class CompiledLayer:
    targets: slice | np.ndarray  # columns of the activation matrix written by this layer
    sources: slice | np.ndarray  # columns read by this layer
    # (n_sources, n_targets); 0 where there is no excitatory synapse.  None with `edges`.
    weights: np.ndarray | None
    mask: np.ndarray | None  # 0/1 (n_sources, n_targets): an excitatory synapse exists
    veto: np.ndarray | None  # 0/1 (n_sources, n_targets): an inhibitory synapse exists
    biases: np.ndarray  # (n_targets,)
    groups: list[UnitGroup]
    target_ids: list[int]
    source_ids: list[int]
    edges: LayerEdges | None = None  # the synapses only, instead of the matrices

    @property
    def dense(self) -> bool:
        return self.edges is None

    @property
    def n_sources(self) -> int:
        return len(self.source_ids)

    @property
    def n_targets(self) -> int:
        return len(self.target_ids)

    def net_input(self, a_src: np.ndarray) -> np.ndarray:
        """z for every target: weighted sum plus bias (squared distance for gaussian units, which
        ignore their bias: with no incoming synapse the distance is an empty sum, 0)."""
        if self.edges is not None:
            return self._sparse_net_input(a_src)
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

    def _sparse_net_input(self, a_src: np.ndarray) -> np.ndarray:
        edges = self.edges
        z = np.empty((a_src.shape[0], len(self.biases)))
        z[...] = self.biases
        into = edges.summed
        if len(into):
            with np.errstate(over="ignore", invalid="ignore"):
                z[:, into.targets] += into.sums(a_src[:, into.sources] * into.weights)
        if not np.isfinite(z).all():  # huge weights: products overflowed (as the matrices)
            z[...] = self.biases
            if len(into):
                z[:, into.targets] = self._scaled_sums(a_src)
        for g in self.groups:
            if g.activation == "gaussian":
                z[:, g.cols] = 0.0  # no incoming synapse: an empty sum
                into = edges.distance
                if len(into):
                    d = a_src[:, into.sources] - into.weights
                    z[:, into.targets] = into.sums(d * d)
        return z

    def _scaled_sums(self, a_src: np.ndarray) -> np.ndarray:
        """net_input_without_overflow on the synapses: sums of w * a + b per target with both
        sides scaled to at most 1 first (the matrices' largest |w|, each row's largest |a|)."""
        into = self.edges.summed
        sw = self.edges.scale
        sa = np.max(np.abs(a_src), axis=1, keepdims=True) if a_src.shape[1] else \
            np.ones((a_src.shape[0], 1))
        sa[sa == 0] = 1.0
        with np.errstate(over="ignore", invalid="ignore"):
            sums = into.sums((a_src / sa)[:, into.sources] * (into.weights / sw))
            return sums * sa * sw + self.biases[into.targets]

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
        if self.edges is not None:
            into = self.edges.veto
            if len(into):
                vetoed = np.zeros(y.shape, dtype=bool)
                vetoed[:, into.targets] = into.sums(a_src[:, into.sources] > 0, np.logical_or)
                y = np.where(vetoed, 0.0, y)
            return y
        if self.veto is not None:
            vetoed = (a_src > 0).astype(float) @ self.veto > 0
            y = np.where(vetoed, 0.0, y)
        return y

    def row_bytes(self) -> int:
        """Bytes of temporaries per row of a batch passing through this layer (about)."""
        if self.edges is None:
            return 8 * (self.n_sources + 3 * self.n_targets)
        return 8 * (self.n_sources + 3 * self.n_targets + 2 * len(self.edges))


def _dag_levels(n: int, sources: list[int], targets: list[int]) -> list[int] | None:
    """Each node's layer in a graph without loops (the synapses on the longest path reaching it,
    as topology.layer_numbers), by Kahn's algorithm in time linear in the edges; None when the
    graph has a loop (a self-connection included)."""
    succ: list[list[int]] = [[] for _ in range(n)]
    waiting = [0] * n
    for a, b in zip(sources, targets):
        succ[a].append(b)
        waiting[b] += 1
    level = [0] * n
    ready = [i for i in range(n) if not waiting[i]]
    seen = 0
    while ready:
        a = ready.pop()
        seen += 1
        up = level[a] + 1
        for b in succ[a]:
            if level[b] < up:
                level[b] = up
            waiting[b] -= 1
            if not waiting[b]:
                ready.append(b)
    return level if seen == n else None


class CompiledNetwork:
    """A snapshot of a Network as arrays.  Editing the network does not change it.

    dense=None keeps layers as matrices while they fit (DENSE_MAX_WEIGHTS), else as synapses;
    True or False forces one way (tests compare them)."""

    def __init__(self, net, dense: bool | None = None) -> None:
        neurons = net.neurons
        by_id = {n.id: n for n in neurons}
        index = {n.id: i for i, n in enumerate(neurons)}
        synapses = net.synapses
        m = len(synapses)
        src = np.fromiter((index[s.source] for s in synapses), np.intp, m)
        tgt = np.fromiter((index[s.target] for s in synapses), np.intp, m)
        levels = _dag_levels(len(neurons), src.tolist(), tgt.tolist())
        self.is_feedforward = levels is not None
        if levels is None:  # loops: a loop counts as one stage (topology.layer_numbers)
            layer_of = topology.layer_numbers([n.id for n in neurons], [s.key for s in synapses])
            levels = [layer_of[n.id] for n in neurons]
        self.input_names = net.inputs
        self.output_names = net.outputs
        input_ids = [net.neuron(name).id for name in self.input_names]
        output_ids = [net.neuron(name).id for name in self.output_names]

        # Column order: inputs first, then by layer, then neuron order.
        inputs = set(input_ids)
        rest = [i for i, n in enumerate(neurons) if n.id not in inputs]
        rest.sort(key=lambda i: levels[i])  # stable: neuron order within a layer
        self.order: list[int] = input_ids + [neurons[i].id for i in rest]
        self.column = {nid: c for c, nid in enumerate(self.order)}
        self.names = [by_id[i].name for i in self.order]
        self.n_neurons = len(self.order)
        self.n_inputs = len(input_ids)
        self.input_cols = _as_index([self.column[i] for i in input_ids])
        self.output_cols = _as_index([self.column[i] for i in output_ids])
        self.input_values = np.array([by_id[i].value for i in input_ids], dtype=float)
        self.activations = [by_id[i].activation for i in self.order]

        self.layers: list[CompiledLayer] = []
        self.matrix_shapes: list[tuple[int, int]] = []  # (n_sources, n_targets) of each layer
        if self.is_feedforward and m:
            # Synapses in target-column order; a layer's targets are a run of columns.
            column = np.empty(len(neurons), dtype=np.intp)
            column[[index[i] for i in self.order]] = np.arange(self.n_neurons)
            src_col, tgt_col = column[src], column[tgt]
            by_target = np.argsort(tgt_col, kind="stable")
            src_col, tgt_col = src_col[by_target], tgt_col[by_target]
            weights = np.fromiter((s.weight for s in synapses), float, m)[by_target]
            inhibitory = np.fromiter((s.kind == "inhibitory" for s in synapses), bool, m)[by_target]
        room = DENSE_MAX_WEIGHTS
        level_of_column = [levels[index[i]] for i in self.order]
        lo = self.n_inputs
        while lo < self.n_neurons and self.is_feedforward:
            hi = lo
            while hi < self.n_neurons and level_of_column[hi] == level_of_column[lo]:
                hi += 1
            if m:
                a, b = np.searchsorted(tgt_col, [lo, hi])
                part = (src_col[a:b], tgt_col[a:b] - lo, weights[a:b], inhibitory[a:b])
            else:
                part = (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0), np.zeros(0, bool))
            src_cols = np.unique(part[0])
            size = len(src_cols) * (hi - lo)
            self.matrix_shapes.append((len(src_cols), hi - lo))
            as_matrices = size <= room if dense is None else bool(dense)
            if as_matrices:
                room -= size
            self.layers.append(self._layer(by_id, lo, hi, src_cols, part, as_matrices))
            lo = hi
        self._row_bytes = 8 * self.n_neurons + max((L.row_bytes() for L in self.layers), default=0)
        self._chunk_rows = max(1, CHUNK_BYTES // max(self._row_bytes, 1))  # an empty network: 0

    def _layer(self, by_id, lo: int, hi: int, src_cols: np.ndarray, part, as_matrices: bool
               ) -> CompiledLayer:
        """The layer whose targets are columns lo:hi; `part`: its synapses as (source columns,
        target positions, weights, inhibitory)."""
        targets = self.order[lo:hi]
        src_ids = [self.order[c] for c in src_cols.tolist()]
        groups: dict[str, list[int]] = {}
        for j, act in enumerate(self.activations[lo:hi]):
            groups.setdefault(act, []).append(j)
        unit_groups = []
        for act, cols in groups.items():
            beta = None
            if act == "gaussian":
                beta = np.array([by_id[targets[j]].param("beta", 1.0) for j in cols])
            unit_groups.append(UnitGroup(act, _as_index(cols) if len(groups) > 1 else slice(None),
                                         beta))
        src_col, tgt, w, inhibitory = part
        src = np.searchsorted(src_cols, src_col)  # positions among the layer's sources
        exc = ~inhibitory
        weights = mask = veto = edges = None
        if as_matrices:
            shape = (len(src_ids), len(targets))
            weights, mask = np.zeros(shape), np.zeros(shape)
            weights[src[exc], tgt[exc]] = w[exc]
            mask[src[exc], tgt[exc]] = 1.0
            if inhibitory.any():
                veto = np.zeros(shape)
                veto[src[inhibitory], tgt[inhibitory]] = 1.0
        else:
            gaussian = np.zeros(len(targets), dtype=bool)
            for g in unit_groups:
                if g.activation == "gaussian":
                    gaussian[g.cols] = True
            summed, distance = exc & ~gaussian[tgt], exc & gaussian[tgt]
            scale = float(np.max(np.abs(w[exc]))) if exc.any() else 1.0
            edges = LayerEdges(Runs(src[summed], tgt[summed], w[summed]),
                               Runs(src[distance], tgt[distance], w[distance]),
                               Runs(src[inhibitory], tgt[inhibitory], w[inhibitory]),
                               scale or 1.0)
        return CompiledLayer(
            targets=slice(lo, hi),
            sources=_as_index(src_cols.tolist()),
            weights=weights,
            mask=mask,
            veto=veto,
            biases=np.array([by_id[t].bias for t in targets], dtype=float),
            groups=unit_groups,
            target_ids=targets,
            source_ids=src_ids,
            edges=edges,
        )

    # ------------------------------------------------------------------ size
    @property
    def dense(self) -> bool:
        """Every layer keeps its matrices (what learning rules work on)."""
        return all(layer.dense for layer in self.layers)

    def too_large(self, what: str = "train here") -> str:
        """Why this network's layers would not fit as matrices (DENSE_MAX_WEIGHTS), or ""."""
        limit = f"{DENSE_MAX_WEIGHTS:,}"
        for n_src, n_tgt in self.matrix_shapes:
            if n_src * n_tgt > DENSE_MAX_WEIGHTS:
                return (f"this network's layer of {n_src:,} x {n_tgt:,} weights is too large to "
                        f"{what} (at most {limit} per layer)")
        total = sum(a * b for a, b in self.matrix_shapes)
        if total > DENSE_MAX_WEIGHTS:
            return (f"this network's layers hold {total:,} weights as matrices, too many to "
                    f"{what} (at most {limit} in all)")
        return ""

    @property
    def work_per_point(self) -> int:
        """About what one input vector costs to pass through a batch, in units of one matrix
        entry (about 0.1 ns here; benchmarks/bench_large_feedforward measures it): a unit's
        activation costs about 150, a synapse kept as an array about 120."""
        work = 150 * self.n_neurons
        for layer in self.layers:
            work += layer.n_sources * layer.n_targets if layer.dense else 120 * len(layer.edges)
        return work

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

    def _chunks(self, n: int) -> list[slice]:
        """Row slices of a batch of n whose temporaries stay under about CHUNK_BYTES."""
        step = self._chunk_rows
        return [slice(i, min(i + step, n)) for i in range(0, n, step)]

    def _pass(self, a: np.ndarray, z_all: np.ndarray | None = None) -> None:
        """Every layer in turn on activations `a` (inputs filled in), in place."""
        for layer in self.layers:
            a_src = a[:, layer.sources]
            z = layer.net_input(a_src)
            if z_all is not None:
                z_all[:, layer.targets] = z
            a[:, layer.targets] = layer.apply_veto(a_src, layer.activate(z))

    def forward_full(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(activations, net inputs), both (n, n_neurons) in `order`; inputs' z is their value."""
        self._require_feedforward()
        x = self._check_inputs(x)
        a = np.empty((x.shape[0], self.n_neurons))
        z_all = np.empty_like(a)
        a[:, self.input_cols] = x
        z_all[:, self.input_cols] = x
        if len(x) <= self._chunk_rows:
            self._pass(a, z_all)
        else:
            for rows in self._chunks(len(x)):
                self._pass(a[rows], z_all[rows])
        return a, z_all

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Outputs (n, n_outputs) for a batch of inputs (n, n_inputs)."""
        self._require_feedforward()
        x = self._check_inputs(x)
        if len(x) <= self._chunk_rows:
            a = np.empty((x.shape[0], self.n_neurons))
            a[:, self.input_cols] = x
            self._pass(a)
            return a[:, self.output_cols]
        out = np.empty((x.shape[0], len(self.output_names)))
        for rows in self._chunks(len(x)):
            part = x[rows]
            a = np.empty((part.shape[0], self.n_neurons))
            a[:, self.input_cols] = part
            self._pass(a)
            out[rows] = a[:, self.output_cols]
        return out

    # ------------------------------------------------------------------ and back
    def _require_matrices(self) -> None:
        if not self.dense:
            raise ValueError(self.too_large() or "this network's layers keep their synapses only "
                                                 "(compiled with dense=False)")

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of each layer's (weights, biases), for a learning rule to update."""
        self._require_matrices()
        return [(layer.weights.copy(), layer.biases.copy()) for layer in self.layers]

    def write_back(self, net, params: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Store per-layer (weights, biases) into `net` (same topology as compiled).  Only existing
        excitatory synapses take weights; non-finite values are refused before anything changes."""
        self._require_matrices()
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

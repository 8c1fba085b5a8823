"""How a network computes: feed-forward passes, synchronous time steps, Hopfield settling, energy."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .units import UNITS


# ---------------------------------------------------------------------- feed-forward
def evaluate(net, inputs):
    """See Network.evaluate."""
    compiled = net.compile()
    if isinstance(inputs, Mapping):
        x = compiled.input_values.copy()
        for ref, value in inputs.items():
            name = net.neuron(ref).name
            if name not in compiled.input_names:
                raise ValueError(f"neuron {name!r} is not an input; inputs are {compiled.input_names}")
            x[compiled.input_names.index(name)] = float(value)
        a, _ = compiled.forward_full(x[None, :])
        return {name: float(v) for name, v in zip(compiled.names, a[0])}
    x = np.asarray(inputs, dtype=float)
    if x.ndim == 1:
        return compiled.forward(x[None, :])[0]
    return compiled.forward(x)


# ---------------------------------------------------------------------- synapses as arrays
# Dense n x n matrices (8 MB each at the limit) are the fastest layout for small networks with
# many synapses (benchmarks/bench_large_network): for synchronous steps up to DENSE_MAX_NEURONS
# neurons when at least DENSE_MIN_FILL of the n^2 possible synapses exist; for Hopfield sweeps
# (one row added per flip) up to DENSE_MAX_NEURONS, or beyond where that many synapses exist
# (then the matrix takes at most 80 bytes a synapse).  Elsewhere synapses only.
DENSE_MAX_NEURONS = 1_000
DENSE_MIN_FILL = 0.1


def dense_rows(n: int, synapses: int) -> bool:
    """Whether W for Hopfield sweeps and the energy is best an n x n matrix (see above)."""
    return n <= DENSE_MAX_NEURONS or synapses >= DENSE_MIN_FILL * n * n


class SynapseRows:
    """A weight matrix W (n x n) kept as its synapses only, in compressed rows: row i holds the
    synapses leaving neuron i (`indices` their targets, `data` their weights, `indptr[i]:
    indptr[i + 1]` their place).  What the Hopfield path needs of W without its n x n zeros:
    s @ W, one row, the energy; memory and time grow with the synapses, not with n^2."""

    def __init__(self, n: int, sources, targets, weights) -> None:
        sources = np.asarray(sources, dtype=np.intp)
        targets = np.asarray(targets, dtype=np.intp)
        order = np.lexsort((targets, sources))
        self.n = int(n)
        self.rows = sources[order]  # the row of each stored weight
        self.indices = targets[order]
        self.data = np.asarray(weights, dtype=float)[order]
        self.indptr = np.zeros(self.n + 1, dtype=np.intp)
        np.cumsum(np.bincount(self.rows, minlength=self.n), out=self.indptr[1:])
        self._bounds: list[int] | None = None

    @classmethod
    def of(cls, net) -> SynapseRows:
        """Every synapse's weight, in neuron order: the rows of net.weight_matrix()."""
        index = {nid: i for i, nid in enumerate(n.id for n in net.neurons)}
        synapses = net.synapses
        m = len(synapses)
        return cls(len(index), np.fromiter((index[s.source] for s in synapses), np.intp, m),
                   np.fromiter((index[s.target] for s in synapses), np.intp, m),
                   np.fromiter((s.weight for s in synapses), float, m))

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n, self.n)

    @property
    def bounds(self) -> list[int]:
        """indptr as Python integers: what a per-unit loop reads fastest."""
        if self._bounds is None:
            self._bounds = self.indptr.tolist()
        return self._bounds

    def left(self, s: np.ndarray) -> np.ndarray:
        """s @ W for a state s of shape (n,)."""
        return np.bincount(self.indices, weights=s[self.rows] * self.data, minlength=self.n)

    def quadratic(self, s: np.ndarray) -> float:
        """s^T W s."""
        return float(np.sum(s[self.rows] * self.data * s[self.indices]))

    def toarray(self) -> np.ndarray:
        w = np.zeros(self.shape)
        w[self.rows, self.indices] = self.data
        return w


class _Incoming:
    """Synapses grouped by target, for sums over each neuron's incoming synapses: `sources` and
    `weights` in target order, `starts` where each target's run begins, `targets` its neuron."""

    def __init__(self, sources: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> None:
        order = np.argsort(targets, kind="stable")
        self.sources = sources[order]
        self.weights = weights[order]
        t = targets[order]
        self.starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]]) if len(t) else np.zeros(0, np.intp)
        self.targets = t[self.starts]

    def __len__(self) -> int:
        return len(self.sources)

    def sums(self, values: np.ndarray, reduce=np.add) -> np.ndarray:
        """(..., E) values, one per synapse -> (..., len(targets)) their sums per target."""
        return reduce.reduceat(values, self.starts, axis=-1)


# ---------------------------------------------------------------------- synchronous steps
class RecurrentStepper:
    """Synchronous discrete-time update of any network, loops included.

    At each step the given inputs are clamped first; then every other neuron computes from the
    outputs of the previous step: z = sum(w * y_prev) + b, y = g(z), and y = 0 where an
    inhibitory synapse's source fired (McCulloch-Pitts' absolute veto).  Gaussian units use the
    squared distance to their incoming weights (over the synapses that exist).

    A small network with many synapses (up to DENSE_MAX_NEURONS neurons, DENSE_MIN_FILL of the
    possible synapses; or dense=True) keeps them as n x n matrices (`weights`, `mask`, `veto`): a
    step is one matrix product.  Otherwise they are kept as arrays of synapses (`sparse`), so
    memory and time grow with the synapses: a network file at the caps (50,000 neurons, 150,000
    synapses) steps in milliseconds where dense matrices would need 60 GB.  `weights`, `mask`
    and `veto` are then None; `rows` gives W for Hopfield sweeps in either case."""

    def __init__(self, net, dense: bool | None = None) -> None:
        neurons = net.neurons
        index = {n.id: i for i, n in enumerate(neurons)}
        n = len(neurons)
        self.names = [nr.name for nr in neurons]
        synapses = net.synapses
        m = len(synapses)
        src = np.fromiter((index[s.source] for s in synapses), np.intp, m)
        tgt = np.fromiter((index[s.target] for s in synapses), np.intp, m)
        w = np.fromiter((s.weight for s in synapses), float, m)
        inhibitory = np.fromiter((s.kind == "inhibitory" for s in synapses), bool, m)
        self.biases = np.array([nr.bias for nr in neurons], dtype=float)
        self.clamped = np.array([nr.role == "input" for nr in neurons], dtype=bool)
        self.initial_inputs = np.array([nr.value for nr in neurons], dtype=float)
        self.groups: dict[str, np.ndarray] = {}
        for i, nr in enumerate(neurons):
            if nr.role != "input":
                self.groups.setdefault(nr.activation, []).append(i)
        self.groups = {k: np.asarray(v, dtype=np.intp) for k, v in self.groups.items()}
        self.beta = np.array([nr.param("beta", 1.0) for nr in neurons], dtype=float)
        self.index = {nr.name: index[nr.id] for nr in neurons}
        if dense is None:
            dense = n <= DENSE_MAX_NEURONS and m >= DENSE_MIN_FILL * n * n
        self.dense = bool(dense)
        self.sparse = not self.dense
        self._n = n
        exc = ~inhibitory
        self._exc = (src[exc], tgt[exc], w[exc])  # the excitatory synapses: W
        self._rows: np.ndarray | SynapseRows | None = None
        if self.dense:
            self.weights = np.zeros((n, n))
            self.mask = np.zeros((n, n))
            self.weights[src[exc], tgt[exc]] = w[exc]
            self.mask[src[exc], tgt[exc]] = 1.0
            veto = np.zeros((n, n))
            veto[src[inhibitory], tgt[inhibitory]] = 1.0
            self.veto = veto if inhibitory.any() else None
            self._rows = self.weights
            return
        self.weights = self.mask = self.veto = None
        gaussian = np.zeros(n, dtype=bool)
        gaussian[self.groups.get("gaussian", np.zeros(0, np.intp))] = True
        into_gaussian = gaussian[tgt]
        summed = exc & ~into_gaussian
        self._sum = _Incoming(src[summed], tgt[summed], w[summed])  # z = sum(w * y) + b
        self._distance = _Incoming(src[exc & into_gaussian], tgt[exc & into_gaussian],
                                   w[exc & into_gaussian])  # gaussian units: ||y - w||^2
        self._vetoes = _Incoming(src[inhibitory], tgt[inhibitory], w[inhibitory])
        self._free = ~self.clamped

    @property
    def rows(self) -> np.ndarray | SynapseRows:
        """The excitatory weights W by rows (row i: how unit i's output moves every net input),
        what async_sweep takes: the dense matrix where dense_rows says so, else SynapseRows."""
        if self._rows is None:
            src, tgt, w = self._exc
            if dense_rows(self._n, len(w)):
                self._rows = np.zeros((self._n, self._n))
                self._rows[src, tgt] = w
            else:
                self._rows = SynapseRows(self._n, *self._exc)
        return self._rows

    def field(self, state: np.ndarray) -> np.ndarray:
        """state @ W + b for a state of shape (n,): the net input of every unit."""
        rows = self.rows
        if isinstance(rows, SynapseRows):
            return rows.left(state) + self.biases
        return state @ rows + self.biases

    def step(self, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One synchronous update of `state` (n,) or (batch, n); returns (new state, z)."""
        if self.sparse:
            return self._sparse_step(np.asarray(state, dtype=float))
        z = state @ self.weights + self.biases
        y = state.copy()
        for act, cols in self.groups.items():
            if act == "gaussian":
                w = self.weights[:, cols]
                d2 = (state * state) @ self.mask[:, cols] - 2.0 * (state @ w) + np.sum(w * w, 0)
                z[..., cols] = d2
                y[..., cols] = UNITS["gaussian"].function(d2, self.beta[cols])
            else:
                y[..., cols] = UNITS[act].function(z[..., cols])
        if self.veto is not None:
            vetoed = ((state > 0).astype(float) @ self.veto) > 0
            y = np.where(vetoed & ~self.clamped, 0.0, y)
        return y, z

    def _sparse_step(self, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = np.empty_like(state)
        z[...] = self.biases
        into = self._sum
        if len(into):
            z[..., into.targets] += into.sums(state[..., into.sources] * into.weights)
        y = state.copy()
        for act, cols in self.groups.items():
            if act == "gaussian":
                z[..., cols] = 0.0  # no incoming synapse: an empty sum
                into = self._distance
                if len(into):
                    d = state[..., into.sources] - into.weights
                    z[..., into.targets] = into.sums(d * d)
                y[..., cols] = UNITS["gaussian"].function(z[..., cols], self.beta[cols])
            else:
                y[..., cols] = UNITS[act].function(z[..., cols])
        into = self._vetoes
        if len(into):
            fired = into.sums(state[..., into.sources] > 0, np.logical_or)
            vetoed = np.zeros(state.shape, dtype=bool)
            vetoed[..., into.targets] = fired
            y = np.where(vetoed & self._free, 0.0, y)
        return y, z


def run(net, steps, state=None) -> list[dict[str, float]]:
    """Run synchronous steps.  `steps` is a list of {input name: value} (one per step; an input
    not named keeps its previous value) or a number of steps with the inputs as they are.  The
    state starts at all zeros (inputs at their clamped values) unless `state` is given as
    {name: output} or an array in neuron order.  Returns one {name: output} per step."""
    stepper = RecurrentStepper(net)
    n = len(stepper.names)
    if state is None:
        s = np.where(stepper.clamped, stepper.initial_inputs, 0.0)
    elif isinstance(state, Mapping):
        s = np.where(stepper.clamped, stepper.initial_inputs, 0.0)
        for ref, value in state.items():
            s[stepper.index[net.neuron(ref).name]] = float(value)
    else:
        s = np.asarray(state, dtype=float).copy()
        if s.shape != (n,):
            raise ValueError(f"state must have {n} values in neuron order, not shape {s.shape}")
    if isinstance(steps, (int, np.integer)):
        steps = [{}] * int(steps)
    out = []
    for t, clamp in enumerate(steps):
        if not isinstance(clamp, Mapping):
            raise ValueError(f"step {t}: expected a mapping of input names to values, not {clamp!r}")
        for ref, value in clamp.items():
            name = net.neuron(ref).name
            if not stepper.clamped[stepper.index[name]]:
                raise ValueError(f"step {t}: neuron {name!r} is not an input")
            s[stepper.index[name]] = float(value)
        s, _ = stepper.step(s)
        out.append(dict(zip(stepper.names, s.tolist())))
    return out


# ---------------------------------------------------------------------- Hopfield
Weights = np.ndarray | SynapseRows  # W dense (n x n), or its synapses only


def weights_of(net) -> Weights:
    """net.weight_matrix() where dense_rows says so; else its synapses only (SynapseRows), where an
    n x n matrix would be mostly zeros (20 GB at 50,000 neurons)."""
    if dense_rows(len(net), net.parameter_count):
        return net.weight_matrix()
    return SynapseRows.of(net)


def _times(s: np.ndarray, weights: Weights) -> np.ndarray:
    """s @ W."""
    return weights.left(s) if isinstance(weights, SynapseRows) else s @ weights


def energy(weights: Weights, biases: np.ndarray, state) -> float:
    """E(s) = -1/2 s^T W s - b^T s (W dense or SynapseRows)."""
    s = np.asarray(state, dtype=float)
    if s.shape != biases.shape:
        raise ValueError(f"state must have {biases.shape[0]} values, not shape {s.shape}")
    if isinstance(weights, SynapseRows):
        return float(-0.5 * weights.quadratic(s) - biases @ s)
    return float(-0.5 * s @ weights @ s - biases @ s)


@dataclass(frozen=True)
class SettleResult:
    states: np.ndarray  # (sweeps + 1, n): the initial state, then the state after each sweep
    energies: np.ndarray  # (sweeps + 1,): energy of each of those states
    converged: bool  # a whole sweep changed nothing

    @property
    def final(self) -> np.ndarray:
        return self.states[-1]

    @property
    def sweeps(self) -> int:
        return len(self.states) - 1


def _check_state(state, n: int) -> np.ndarray:
    s = np.asarray(state, dtype=float).copy()
    if s.shape != (n,):
        raise ValueError(f"state must have {n} values in neuron order, not shape {s.shape}")
    if not np.all(np.isin(s, (-1.0, 1.0))):
        raise ValueError("a Hopfield state holds only +1 and -1")
    return s


def async_sweep(weights: Weights, biases: np.ndarray, s: np.ndarray, order: np.ndarray,
                field: np.ndarray) -> int:
    """Update units one at a time in `order`, in place; `field` (W^T s + b) is kept current by
    adding one row per flip, so a sweep costs O(n) plus O(n) per flipped unit (with SynapseRows,
    O(its synapses): only the flipped unit's targets are touched).  Returns flips."""
    if isinstance(weights, SynapseRows):
        return _sparse_sweep(weights, s, order, field)
    flips = 0
    for i in order.tolist():
        new = 1.0 if field[i] >= 0 else -1.0
        if new != s[i]:
            field += (new - s[i]) * weights[i]
            s[i] = new
            flips += 1
    return flips


def _sparse_sweep(rows: SynapseRows, s: np.ndarray, order: np.ndarray, field: np.ndarray) -> int:
    """async_sweep on compressed rows: the same additions as the dense sweep, where they change
    something (adding delta * 0 changes no field)."""
    bounds, targets, weights = rows.bounds, rows.indices, rows.data
    flips = 0
    for i in order.tolist():
        new = 1.0 if field[i] >= 0 else -1.0
        if new != s[i]:
            lo, hi = bounds[i], bounds[i + 1]
            if hi > lo:
                field[targets[lo:hi]] += (new - s[i]) * weights[lo:hi]
            s[i] = new
            flips += 1
    return flips


def settle(weights: Weights, biases: np.ndarray, state, mode: str = "async",
           seed: int | None = 0, max_sweeps: int = 50) -> SettleResult:
    """Settle sign units: s_i = sign(sum_j w_ji s_j + b_i) (sign(0) = +1).

    mode="async": one unit at a time in a random order per sweep (seeded); with symmetric W and
    a zero diagonal the energy never increases.  mode="sync": all units at once (may oscillate)."""
    if mode not in ("async", "sync"):
        raise ValueError(f"unknown settle mode {mode!r}; choose 'async' or 'sync'")
    n = biases.shape[0]
    s = _check_state(state, n)
    rng = np.random.default_rng(seed)
    states, energies = [s.copy()], [energy(weights, biases, s)]
    converged = False
    # row i: how unit i's flip moves every field
    w_rows = weights if isinstance(weights, SynapseRows) else np.ascontiguousarray(weights)
    for _ in range(int(max_sweeps)):
        if mode == "async":
            field = _times(s, weights) + biases
            changed = async_sweep(w_rows, biases, s, rng.permutation(n), field)
        else:
            new = np.where(_times(s, weights) + biases >= 0, 1.0, -1.0)
            changed = int(np.sum(new != s))
            s = new
        states.append(s.copy())
        energies.append(energy(weights, biases, s))
        if changed == 0:
            converged = True
            break
    return SettleResult(np.array(states), np.array(energies), converged)



"""Storing +1/-1 patterns in a Hopfield network, and the capacity experiment.

Three prescriptions for the symmetric weights W (zero diagonal) from patterns xi (P, N):
- hebbian: W = 1/N sum_mu xi xi^T.  Random patterns are recalled up to P ~ 0.138 N.
- storkey: Storkey (1997), incremental and local; subtracts the cross-talk of the local fields
  h_ij = sum_{k != i, j} w_ik xi_k, so correlated and more numerous patterns stay stable.
- pseudoinverse: the projection onto the span of the patterns, W = pinv(xi) xi; every stored
  pattern is a fixed point for P < N (linearly independent patterns), diagonal then zeroed.
Recall is the network's settle (dynamics.settle); one unit of work stores one pattern.  Once the
patterns are stored a Simulation runs the recall, one sweep per step, or `recall_units` units per
step where that parameter is set (1: unit by unit, as a lesson shows the energy falling).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..datasets import Dataset, flip, random_patterns
from ..dynamics import async_sweep
from ..network import Network
from .arrays import weight_matrix_fits
from .base import Applicability, Param, Rule, Trainer

METHODS = ("hebbian", "storkey", "pseudoinverse")


def check_patterns(patterns: Any, n_units: int | None = None) -> np.ndarray:
    """Patterns as a float array (P, N) of +1/-1; one pattern (N,) becomes (1, N)."""
    xi = np.atleast_2d(np.asarray(patterns, dtype=float))
    if xi.ndim != 2 or xi.shape[0] == 0:
        raise ValueError(f"patterns must be an array (P, N) of +1/-1, not shape {xi.shape}")
    if not np.all((xi == 1.0) | (xi == -1.0)):
        raise ValueError("Hopfield patterns hold only +1 and -1 (map 0/1 bits with 2 * b - 1)")
    if n_units is not None and xi.shape[1] != n_units:
        raise ValueError(f"patterns have {xi.shape[1]} units but the network has {n_units} neurons")
    return xi


def storkey_add(w: np.ndarray, xi: np.ndarray) -> np.ndarray:
    """Storkey's update for one pattern, w symmetric with zero diagonal:
    w_ij += (xi_i xi_j - xi_i h_ji - h_ij xi_j) / N,  h_ij = sum_{k != i, j} w_ik xi_k.
    As h_ij = h_i - w_ij xi_j and xi_j^2 = 1, this is the rank-two update
    w (1 + 2/N) + (xi xi^T - xi h^T - h xi^T) / N, exactly symmetric in floating point."""
    n = xi.shape[0]
    h = w @ xi
    m = np.outer(xi, h)
    w = w * (1.0 + 2.0 / n) + (np.outer(xi, xi) - (m + m.T)) / n
    np.fill_diagonal(w, 0.0)
    return w


def store(patterns: Any, method: str = "hebbian") -> np.ndarray:
    """The weight matrix (N, N) that stores `patterns` (P, N) by `method`."""
    xi = check_patterns(patterns)
    p, n = xi.shape
    if method == "hebbian":
        w = xi.T @ xi / n
    elif method == "storkey":
        w = np.zeros((n, n))
        for pattern in xi:
            w = storkey_add(w, pattern)
    elif method == "pseudoinverse":
        w = np.linalg.pinv(xi) @ xi
        w = 0.5 * (w + w.T)  # exactly symmetric despite rounding
    else:
        raise ValueError(f"unknown storage method {method!r}; choose one of {', '.join(METHODS)}")
    np.fill_diagonal(w, 0.0)
    return w


def unstable_bits(w: np.ndarray, biases: np.ndarray, patterns: np.ndarray) -> np.ndarray:
    """(P, N) boolean: which units of each pattern one update would flip (sign(0) = +1)."""
    return np.where(patterns @ w + biases >= 0, 1.0, -1.0) != patterns


def recall(w: np.ndarray, biases: np.ndarray, state: np.ndarray, rng: np.random.Generator,
           max_sweeps: int = 50) -> np.ndarray:
    """Asynchronous settling (random order per sweep) until a sweep changes nothing; a fast
    path without the per-sweep record that dynamics.settle keeps.  async_sweep keeps the fields
    current, so they are computed once: no matrix product (and no BLAS threads) per sweep."""
    s = np.array(state, dtype=float)
    n = s.shape[0]
    field = s @ w + biases
    for _ in range(max_sweeps):
        if async_sweep(w, biases, s, rng.permutation(n), field) == 0:
            break
    return s


# ---------------------------------------------------------------------- the rule
class HopfieldTrainer(Trainer):
    """Stores one pattern per unit of work; converged once every pattern is stored."""

    def __init__(self, rule: Rule, net: Network, data: Dataset | None, seed: int | None) -> None:
        super().__init__(rule, net, data, seed)
        if data is None:
            raise ValueError("Hopfield storage needs patterns: an array (P, N) of +1/-1")
        self.patterns = check_patterns(data.X, len(self.net))
        self.method = rule.method  # fixed for the run: the weights so far depend on it
        self.mask = _connected(self.net)
        self.biases = self.net.bias_vector()
        n = len(self.net)
        self.raw = np.zeros((n, n))  # the prescription's W, before masking to the synapses drawn
        self.stored = 0
        self._synced = -1

    @property
    def steps_per_epoch(self) -> int:
        return len(self.patterns)

    @property
    def weights(self) -> np.ndarray:
        """The weights as the network holds them (zero where no synapse is drawn)."""
        return np.where(self.mask, self.raw, 0.0)

    def _step(self) -> None:
        k = self.position
        xi = self.patterns[k]
        if self.method == "hebbian":
            self.raw = self.raw + np.outer(xi, xi) / len(xi)
            np.fill_diagonal(self.raw, 0.0)
        elif self.method == "storkey":
            self.raw = storkey_add(self.raw, xi)
        else:  # the projection is not additive: recompute it for the patterns so far
            self.raw = store(self.patterns[: k + 1], "pseudoinverse")
        self.stored = k + 1

    def _end_epoch(self) -> None:
        w, h = self.weights, self.history
        bad = unstable_bits(w, self.biases, self.patterns)
        xi = self.patterns
        energies = -0.5 * np.sum((xi @ w) * xi, axis=1) - xi @ self.biases  # E of each pattern
        h.energy.append(float(np.mean(energies)))
        h.errors.append(int(np.sum(bad.any(axis=1))))
        h.accuracy.append(1.0 - h.errors[-1] / len(self.patterns))
        h.loss.append(float(bad.mean()))
        h.weight_norm.append(float(np.linalg.norm(w)))
        h.converged = True  # storage is a prescription: one pass stores every pattern

    def network(self) -> Network:
        if self._synced != self.history.steps:  # copying N^2 synapses: only when changed
            self.net.set_weight_matrix(self.weights)
            self._synced = self.history.steps
        return self.net.copy()

    def write_back(self, net: Network) -> None:
        net.set_weight_matrix(self.weights)


def _connected(net: Network) -> np.ndarray:
    """Boolean (N, N): a synapse i -> j exists."""
    index = {n.id: i for i, n in enumerate(net.neurons)}
    m = np.zeros((len(net), len(net)), dtype=bool)
    for s in net.synapses:
        m[index[s.source], index[s.target]] = True
    return m


class HopfieldStore(Rule):
    name = "hopfield"
    title = "Hopfield storage"
    formula = ("hebbian: w_ij = 1/N sum_mu xi_i xi_j (w_ii = 0);  storkey: w_ij += 1/N (xi_i xi_j"
               " - xi_i h_ji - h_ij xi_j);  pseudoinverse: W = pinv(Xi) Xi")
    parameters = (
        Param("method", str, "hebbian", "how the weights are computed from the patterns",
              choices=METHODS),
        Param("recall_units", int, 0, "recall: units updated per step (0: all of them, one "
              "sweep per step; 1: recall unit by unit, the energy after each update)",
              minimum=0, maximum=1_000_000),
    )
    supervised = False
    trainer_class = HopfieldTrainer

    def applies_to(self, net: Network) -> Applicability:
        if len(net) < 2:
            return Applicability(False, "a Hopfield network needs at least two sign units")
        for n in net.neurons:
            if n.role == "input":
                return Applicability(False, f"neuron {n.name!r} is a clamped input; Hopfield "
                                            "units all update")
            if n.activation != "sign":
                return Applicability(False, f"Hopfield storage needs sign (+1/-1) units; "
                                            f"neuron {n.name!r} is {n.activation}")
        synapses = net.synapses
        keys = {s.key for s in synapses}
        for s in synapses:  # a million at N = 1024: only a faulty synapse is looked at closely
            if s.kind != "inhibitory" and s.source != s.target and (s.target, s.source) in keys:
                continue
            a, b = net.neuron(s.source).name, net.neuron(s.target).name
            if s.kind == "inhibitory":
                return Applicability(False, f"synapse {a!r} -> {b!r} is an inhibitory veto; "
                                            "Hopfield weights are ordinary signed weights")
            if s.source == s.target:
                return Applicability(False, f"neuron {a!r} connects to itself; Hopfield units "
                                            "have no self-connections")
            return Applicability(False, f"synapse {a!r} -> {b!r} has no reverse; Hopfield "
                                        "connections are symmetric")
        return weight_matrix_fits(net)

    def trainer(self, net: Network, data: Any = None, seed: int | None = 0) -> Trainer:
        if isinstance(data, np.ndarray | list) and np.ndim(data) == 1:
            data = np.asarray(data, dtype=float)[None, :]  # one pattern, not one column
        return super().trainer(net, data, seed)


# ---------------------------------------------------------------------- capacity
@dataclass(frozen=True)
class CapacityResult:
    method: str
    n_units: int
    loads: np.ndarray  # P / N actually used (P rounded to a whole number of patterns)
    patterns: np.ndarray  # P at each load
    recalled: np.ndarray  # fraction of patterns recalled at each load
    overlap: np.ndarray  # mean overlap m = xi . s / N between each pattern and its recall

    def capacity(self, threshold: float = 0.5) -> float:
        """The largest load at which at least `threshold` of the patterns were recalled."""
        ok = self.loads[self.recalled >= threshold]
        return float(ok.max()) if ok.size else 0.0


def capacity_experiment(n_units: int = 200, loads: Sequence[float] = (0.05, 0.1, 0.15, 0.2, 0.25),
                        trials: int = 3, flip_fraction: float = 0.0, method: str = "hebbian",
                        seed: int | None = 0, tolerance: float = 0.02,
                        max_sweeps: int = 50) -> CapacityResult:
    """Fraction of random patterns recalled against the load P/N.

    For each load, `trials` fresh sets of P = round(load * N) random patterns are stored by
    `method`.  Each pattern is the start state (with `flip_fraction` of its bits flipped); the
    network settles asynchronously to a fixed point, and the pattern counts as recalled when the
    final state differs from it in at most `tolerance` of the bits.  With flip_fraction=0 and
    tolerance=0.02 this is the standard test of Amit, Gutfreund and Sompolinsky (1985): the
    retrieval state near each pattern (about 1.6% wrong bits at the limit) vanishes abruptly at
    P/N ~ 0.138 for the hebbian rule, and the state drifts far away instead."""
    n = int(n_units)
    rng = np.random.default_rng(seed)
    biases = np.zeros(n)
    used, counts, recalled, overlap = [], [], [], []
    for load in loads:
        p = max(1, int(round(float(load) * n)))
        hits, m_sum, total = 0, 0.0, 0
        for _ in range(int(trials)):
            xi = random_patterns(p, n, seed=int(rng.integers(2**31)))
            w = store(xi, method)
            for pattern in xi:
                start = flip(pattern, flip_fraction, int(rng.integers(2**31)))
                final = recall(w, biases, start, rng, max_sweeps)
                errors = int(np.sum(final != pattern))
                hits += errors <= tolerance * n
                m_sum += float(final @ pattern) / n
                total += 1
        used.append(p / n)
        counts.append(p)
        recalled.append(hits / total)
        overlap.append(m_sum / total)
    return CapacityResult(method, n, np.array(used), np.array(counts), np.array(recalled),
                          np.array(overlap))

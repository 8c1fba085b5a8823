"""Fitting a radial basis function network: place the centres, then solve for the read-out.

The classic two-stage training: the gaussian units' centres c_j (their incoming weights) are put
where the data is (k-means, a regular grid or sampled points) and all share the bandwidth beta;
with the hidden outputs phi_j(x) = exp(-beta ||x - c_j||^2) fixed, the linear output layer
y = Phi W + b is a linear model, solved in one step by least squares or by mini-batch gradient
descent on the squared error.
"""
from __future__ import annotations

import math

import numpy as np

from ..datasets import Dataset
from ..network import Network
from .arrays import LIMIT, weight_matrix_fits
from .base import Applicability, Param, Rule, Trainer

PLACEMENTS = ("kmeans", "grid", "data")
METHODS = ("least_squares", "gradient")


def squared_distances(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    """(n, k) squared Euclidean distances, never negative despite rounding."""
    d2 = np.sum(X * X, 1)[:, None] - 2.0 * X @ C.T + np.sum(C * C, 1)[None, :]
    return np.maximum(d2, 0.0)


def design_matrix(X: np.ndarray, C: np.ndarray, beta: np.ndarray | float) -> np.ndarray:
    """Phi (n, k): phi_j(x) = exp(-beta_j ||x - c_j||^2), as the network's gaussian units."""
    return np.exp(-np.asarray(beta, dtype=float) * squared_distances(X, C))


def kmeans(X: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 100) -> np.ndarray:
    """Lloyd's k-means with k-means++ seeding; an emptied cluster restarts at the worst-fit point.
    Returns the centres (k, d)."""
    n = X.shape[0]
    if k >= n:  # one centre per point (repeating points when there are fewer points than units)
        return X[np.arange(k) % n].copy()
    centres = [X[rng.integers(n)]]
    d2 = squared_distances(X, np.array(centres))[:, 0]
    for _ in range(1, k):  # k-means++: far points are likelier next centres
        total = d2.sum()
        i = rng.choice(n, p=d2 / total) if total > 0 else rng.integers(n)
        centres.append(X[i])
        d2 = np.minimum(d2, squared_distances(X, X[i][None, :])[:, 0])
    C = np.array(centres, dtype=float)
    for _ in range(iterations):
        dist = squared_distances(X, C)
        label = np.argmin(dist, 1)
        new = C.copy()
        for j in range(k):
            members = X[label == j]
            if len(members):
                new[j] = members.mean(0)
            else:
                new[j] = X[np.argmax(dist[np.arange(n), label])]
        if np.allclose(new, C):
            return new
        C = new
    return C


def grid_centres(X: np.ndarray, k: int) -> np.ndarray:
    """k centres on a regular grid over the data's bounding box: m = ceil(k^(1/d)) points per axis,
    and when m^d > k, k of the m^d grid points spread evenly through the grid's order."""
    d = X.shape[1]
    m = max(1, math.ceil(round(k ** (1.0 / d), 9)))
    axes = [np.linspace(lo, hi, m) if m > 1 else np.array([(lo + hi) / 2])
            for lo, hi in zip(X.min(0), X.max(0))]
    full = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, d)
    pick = np.round(np.linspace(0, len(full) - 1, k)).astype(int)
    return full[pick]


def place_centres(X: np.ndarray, k: int, how: str, rng: np.random.Generator) -> np.ndarray:
    if how == "kmeans":
        return kmeans(X, k, rng)
    if how == "grid":
        return grid_centres(X, k)
    if how == "data":
        return X[rng.choice(len(X), size=k, replace=k > len(X))].copy()
    raise ValueError(f"unknown centre placement {how!r}; choose one of {', '.join(PLACEMENTS)}")


class RBFTrainer(Trainer):
    """Least squares: one unit of work solves the read-out.  Gradient: one mini-batch per unit."""

    def __init__(self, rule: Rule, net: Network, data: Dataset | None, seed: int | None) -> None:
        super().__init__(rule, net, data, seed)
        net = self.net
        self.inputs = [net.neuron(name).id for name in net.inputs]
        self.units = [n.id for n in net.neurons if n.activation == "gaussian"]
        self.outputs = [net.neuron(name).id for name in net.outputs]
        if data is None or data.y is None:
            raise ValueError("fitting an RBF network needs inputs and targets")
        if data.n_features != len(self.inputs):
            raise ValueError(f"the data has {data.n_features} input columns but the network has "
                             f"{len(self.inputs)} inputs ({', '.join(net.inputs)})")
        self.X, self.T = data.X, data.targets
        if self.T.shape[1] != len(self.outputs):
            raise ValueError(f"the data has {self.T.shape[1]} target columns but the network has "
                             f"{len(self.outputs)} outputs ({', '.join(net.outputs)})")
        self.method = rule.method
        self.centres = place_centres(self.X, len(self.units), rule.centers, self.rng)
        self.beta = np.full(len(self.units), float(rule.beta))
        self.phi = design_matrix(self.X, self.centres, self.beta)  # fixed: centres do not move
        self.W = np.array([[net.synapse(u, o).weight for o in self.outputs] for u in self.units])
        self.b = np.array([net.neuron(o).bias for o in self.outputs])
        self.order = np.arange(len(self.X))
        self._sync(self.net)

    @property
    def steps_per_epoch(self) -> int:
        if self.method == "least_squares":
            return 1
        return math.ceil(len(self.X) / self.rule.batch_size)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return design_matrix(np.asarray(X, dtype=float), self.centres, self.beta) @ self.W + self.b

    def _step(self) -> None:
        if self.method == "least_squares":
            A = np.hstack([self.phi, np.ones((len(self.phi), 1))])
            sol = np.linalg.lstsq(A, self.T, rcond=None)[0]
            self.W, self.b = sol[:-1], sol[-1]
            return
        if self.position == 0:
            self.order = self.rng.permutation(len(self.X))
        size = self.rule.batch_size
        idx = self.order[self.position * size:(self.position + 1) * size]
        phi, err = self.phi[idx], self.phi[idx] @ self.W + self.b - self.T[idx]
        # gradient of 1/2 mean ||y - t||^2 over the batch
        lr = self.rule.learning_rate
        with np.errstate(over="ignore", invalid="ignore"):
            W = self.W - lr * phi.T @ err / len(idx)
            b = self.b - lr * err.mean(0)
        if not (np.all(np.abs(W) <= LIMIT) and np.all(np.abs(b) <= LIMIT)):  # NaN fails too
            self.history.diverged = True
            self.history.diverged_at = self.history.steps + 1
            return
        self.W, self.b = W, b

    def _end_epoch(self) -> None:
        h = self.history
        with np.errstate(over="ignore", invalid="ignore"):
            mse = float(np.mean((self.phi @ self.W + self.b - self.T) ** 2))
        if not math.isfinite(mse):
            h.diverged, h.diverged_at = True, h.steps
            return
        h.loss.append(mse)
        h.weight_norm.append(float(np.linalg.norm(self.W)))
        h.converged = self.method == "least_squares"  # the exact minimiser, reached in one step

    def _sync(self, net: Network) -> None:
        """Write centres, bandwidths, read-out weights and output biases into `net`."""
        index = {n.id: i for i, n in enumerate(net.neurons)}
        w, b = net.weight_matrix(), net.bias_vector()
        for j, u in enumerate(self.units):
            for k, i in enumerate(self.inputs):
                w[index[i], index[u]] = self.centres[j, k]
            for k, o in enumerate(self.outputs):
                w[index[u], index[o]] = self.W[j, k]
        for k, o in enumerate(self.outputs):
            b[index[o]] = self.b[k]
        net.set_weight_matrix(w, b)
        for j, u in enumerate(self.units):
            if net.neuron(u).param("beta", 1.0) != self.beta[j] or "beta" not in net.neuron(u).params:
                net.set_param(u, "beta", float(self.beta[j]))

    def network(self) -> Network:
        self._sync(self.net)
        return self.net.copy()

    def write_back(self, net: Network) -> None:
        self._sync(net)


class RBFFit(Rule):
    name = "rbf"
    title = "RBF fit"
    formula = ("phi_j = exp(-beta ||x - c_j||^2);  y = sum_j w_j phi_j + b;  "
               "least squares: [Phi 1][w; b] = t;  gradient: w -= eta Phi^T (y - t) / B")
    parameters = (
        Param("n_centers", int, 0, "gaussian units to use (0: as many as the network has)",
              minimum=0, maximum=100_000),
        Param("beta", float, 1.0, "bandwidth of every gaussian unit: larger is narrower",
              minimum=1e-6, maximum=1e6, log_scale=True),
        Param("centers", str, "kmeans", "where the centres go: k-means clusters of the inputs, "
              "a regular grid, or sampled data points", choices=PLACEMENTS),
        Param("method", str, "least_squares", "how the output weights are found",
              choices=METHODS),
        Param("learning_rate", float, 0.1, "gradient step size (method = gradient)",
              minimum=1e-6, maximum=100.0, log_scale=True),
        Param("batch_size", int, 16, "samples per gradient step (method = gradient)",
              minimum=1, maximum=1_000_000),
    )
    trainer_class = RBFTrainer

    def applies_to(self, net: Network) -> Applicability:
        units = [n for n in net.neurons if n.activation == "gaussian"]
        inputs = {net.neuron(name).id for name in net.inputs}
        if not units:
            return Applicability(False, "an RBF fit needs a layer of gaussian units "
                                        "(build one with Network.rbf)")
        if not inputs:
            return Applicability(False, "an RBF fit needs input neurons")
        if self.n_centers and self.n_centers != len(units):
            return Applicability(False, f"the rule asks for {self.n_centers} centres but the "
                                        f"network has {len(units)} gaussian units")
        if not net.is_feedforward:
            return Applicability(False, "an RBF network is feed-forward; this one has loops")
        fits = weight_matrix_fits(net)
        if not fits:
            return fits
        sources: dict[int, set[int]] = {}
        for s in net.synapses:
            sources.setdefault(s.target, set()).add(s.source)
        ids = {n.id for n in units}
        for s in net.synapses:
            if s.kind == "inhibitory":
                return Applicability(False, f"synapse {net.neuron(s.source).name!r} -> "
                                            f"{net.neuron(s.target).name!r} is an inhibitory veto")
        for u in units:
            if sources.get(u.id, set()) != inputs:
                return Applicability(False, f"gaussian unit {u.name!r} must receive every input "
                                            "and nothing else: its centre is a point in input space")
        for n in net.neurons:
            if n.id in inputs or n.id in ids:
                continue
            if n.activation != "linear":
                return Applicability(False, f"neuron {n.name!r} is {n.activation}; an RBF network "
                                            "reads out through linear units")
            if sources.get(n.id, set()) != ids:
                return Applicability(False, f"output {n.name!r} must receive every gaussian unit "
                                            "and nothing else")
        return Applicability(True)

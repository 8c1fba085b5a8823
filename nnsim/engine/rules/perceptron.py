"""Rosenblatt's perceptron rule and the delta rule (the "soft" perceptron), sample by sample.

Both train one layer of units fed directly by the inputs.  The bias is the weight w0 of a constant
input x0 = 1 (the lecture's threshold is T = -bias), so it learns with the same formula.
"""
from __future__ import annotations

import numpy as np

from ..network import Network
from ..units import UNITS
from .arrays import ArrayTrainer, single_layer
from .base import Applicability, Param, Rule


class _OneLayerTrainer(ArrayTrainer):
    """One sample per step, in dataset order, on the single layer W (n_inputs, n_units)."""

    def __init__(self, rule, net, data, seed) -> None:
        super().__init__(rule, net, data, seed)
        self.X = self._inputs()
        self.D = self._targets()
        (layer,) = self.compiled.layers
        self.layer = layer
        self.W, self.b = self.params[0]
        # Where each output (target column) sits among the layer's units.
        cols = np.arange(self.compiled.n_neurons)[layer.targets]
        where = {int(c): i for i, c in enumerate(cols)}
        out_cols = np.arange(self.compiled.n_neurons)[self.compiled.output_cols]
        self.out_pos = np.array([where[int(c)] for c in out_cols], dtype=np.intp)
        self.act = UNITS[layer.groups[0].activation]
        self.errors = 0

    @property
    def steps_per_epoch(self) -> int:
        return len(self.X)

    def outputs(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(z, y) of the output units for a batch of inputs."""
        z = (X @ self.W + self.b)[:, self.out_pos]
        return z, self.act.function(z)

    def _update(self, x: np.ndarray, err: np.ndarray) -> None:
        """W += eta * err * x on existing synapses; the bias has x0 = 1."""
        eta = self.rule.params["learning_rate"]
        dw = np.zeros_like(self.b)
        dw[self.out_pos] = eta * err
        self.W += np.outer(x, dw) * self.layer.mask
        self.b += dw

    def decision_line(self, output: str | int | None = None) -> tuple[float, float, float]:
        """(w1, w2, b) of the current line w1 x1 + w2 x2 + b = 0 of a two-input unit."""
        return decision_line(self.network(), output)


class PerceptronTrainer(_OneLayerTrainer):
    def _step(self) -> None:
        x, d = self.X[self.position], self.D[self.position]
        _, y = self.outputs(x[None, :])
        err = d - y[0]
        if np.any(err != 0):
            self.errors += 1
            self._update(x, err)

    def _end_epoch(self) -> None:
        # The epoch's figures are those of the weights it ends with, on every sample (the
        # mistakes made on the way were made by weights that have changed since): on XOR a
        # single threshold unit always gets one to three of the four right, never none.
        _, y = self.outputs(self.X)
        wrong = int(np.sum(np.any(y != self.D, axis=1)))
        self.history.errors.append(wrong)
        self.history.accuracy.append(1.0 - wrong / len(self.X))
        self.history.weight_norm.append(self.weight_norm())
        # Weights that classify every sample make no mistake next epoch: nothing would change.
        # (An epoch without a mistake changed nothing either, and then they classify all.)
        self.history.converged = wrong == 0
        self.errors = 0


class DeltaTrainer(_OneLayerTrainer):
    def _step(self) -> None:
        x, d = self.X[self.position], self.D[self.position]
        z, y = self.outputs(x[None, :])
        # Gradient descent on E = 1/2 (d - y)^2:  dE/dw = -(d - y) g'(z) x.
        self._update(x, (d - y[0]) * self.act.derivative(z[0]))

    def _end_epoch(self) -> None:
        _, y = self.outputs(self.X)
        # Errors counted with the outputs read as classes: 1 when y > 0.5 (0 for tanh units).
        mid = 0.0 if self.act.name == "tanh" else 0.5
        wrong = np.any((y > mid) != (self.D > mid), axis=1)
        self.history.loss.append(float(np.mean((self.D - y) ** 2)))
        self.history.errors.append(int(np.sum(wrong)))
        self.history.accuracy.append(float(1.0 - np.mean(wrong)))
        self.history.weight_norm.append(self.weight_norm())


def decision_line(net: Network, output: str | int | None = None) -> tuple[float, float, float]:
    """(w1, w2, b) with the unit's boundary w1 x1 + w2 x2 + b = 0 in the plane of the network's
    two inputs (a missing synapse counts as weight 0).  `output` defaults to the first output."""
    if len(net.inputs) != 2:
        raise ValueError(f"a decision line needs exactly two inputs; this network has "
                         f"{len(net.inputs)}")
    if output is None:
        if not net.outputs:
            raise ValueError("the network has no output unit")
        output = net.outputs[0]
    unit = net.neuron(output)
    w = [net.synapse(x, unit.id).weight if net.has_synapse(x, unit.id) else 0.0
         for x in net.inputs]
    return float(w[0]), float(w[1]), float(unit.bias)


_ETA = Param("learning_rate", float, 0.1, "eta: the step size of each correction",
             minimum=0.0, maximum=10.0, log_scale=True)


class Perceptron(Rule):
    name = "perceptron"
    title = "Perceptron rule"
    formula = "W += eta * (d - y) * x   (bias: x0 = 1)"
    parameters = (_ETA,)
    trainer_class = PerceptronTrainer

    def applies_to(self, net: Network) -> Applicability:
        return single_layer(net, ("step", "sign"), "the perceptron rule needs one layer of step units fed "
                            "by the inputs")


class Delta(Rule):
    name = "delta"
    title = "Delta rule"
    formula = "W += eta * (d - y) * y * (1 - y) * x   (bias: x0 = 1)"
    parameters = (Param("learning_rate", float, 0.5, "eta: the gradient step of each sample",
                        minimum=0.0, maximum=100.0, log_scale=True),)
    trainer_class = DeltaTrainer

    def applies_to(self, net: Network) -> Applicability:
        return single_layer(net, ("sigmoid", "tanh", "linear"),
                            "the delta rule needs one layer of sigmoid (or tanh, "
                            "linear) units fed by the inputs")

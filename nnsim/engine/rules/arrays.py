"""What the sample-by-sample rules share: a trainer working on a compiled network's arrays.

The trainer compiles its private copy of the network once and updates each layer's weight and bias
arrays in place, so the forward pass sees the new weights without recompiling.  The Network
objects are touched only when the app asks for the learned network.
"""
from __future__ import annotations

import numpy as np

from ..compiled import DENSE_MAX_WEIGHTS
from ..datasets import Dataset
from ..network import Network
from .base import Applicability, Trainer

# Weights beyond this magnitude are treated as divergence: one more product could overflow.
LIMIT = 1e150


class ArrayTrainer(Trainer):
    """A trainer whose state is `self.params`, the compiled layers' own (weights, biases)."""

    def __init__(self, rule, net: Network, data: Dataset | None, seed: int | None) -> None:
        super().__init__(rule, net, data, seed)
        self.compiled = self.net.compile()
        if not self.compiled.dense:  # applies_to refuses these (matrices_fit): never allocate
            raise ValueError(self.compiled.too_large())
        # The compiled network is private to this trainer (compiled from its copy), so its
        # arrays can be the trainer's state.
        self.params = [(layer.weights, layer.biases) for layer in self.compiled.layers]

    def network(self) -> Network:
        out = self.net.copy()
        self.compiled.write_back(out, self.params)
        return out

    def weight_norm(self) -> float:
        return float(np.sqrt(sum(np.sum(w * w) for w, _ in self.params)))

    def _inputs(self) -> np.ndarray:
        """The samples to present: the dataset's inputs, or the network's clamped input values."""
        if self.data is None:
            return self.compiled.input_values[None, :]
        if self.data.n_features != self.compiled.n_inputs:
            raise ValueError(f"the data has {self.data.n_features} input columns but the network "
                             f"has {self.compiled.n_inputs} inputs")
        return self.data.X

    def _targets(self) -> np.ndarray:
        """Targets as (n, n_outputs), checked against the network's outputs."""
        if self.data is None or self.data.y is None:
            raise ValueError(f"{self.rule.title} is supervised: it needs data with targets")
        y = self.data.targets
        n_out = len(self.compiled.output_names)
        if y.shape[1] != n_out:
            raise ValueError(f"the data has {y.shape[1]} target columns but the network has "
                             f"{n_out} outputs")
        return y


def matrices_fit(net: Network) -> Applicability:
    """Applies when the network's layers fit as the matrices these trainers learn on
    (compiled.DENSE_MAX_WEIGHTS); else says which layer is too large, before anything is
    allocated (a 25,000 x 25,000 layer would need 5 GB a matrix)."""
    reason = net.compile().too_large() if net.is_feedforward else ""
    return Applicability(False, reason) if reason else Applicability(True)


def weight_matrix_fits(net: Network) -> Applicability:
    """Applies when the n x n weight matrix of every neuron (what the Hopfield and RBF trainers
    work on) has at most DENSE_MAX_WEIGHTS entries: 2,000 neurons."""
    n = len(net)
    if n * n > DENSE_MAX_WEIGHTS:
        return Applicability(False, f"this network's {n:,} x {n:,} weight matrix is too large to "
                                    f"train here (at most {DENSE_MAX_WEIGHTS:,} weights)")
    return Applicability(True)


def single_layer(net: Network, units: tuple[str, ...], need: str) -> Applicability:
    """Applies when every non-input neuron is an output unit of one of `units` fed only by the
    inputs.  `need` starts each reason, e.g. "the perceptron rule needs one layer of step units"."""
    if not net.inputs:
        return Applicability(False, f"{need}: mark at least one neuron as an input")
    if not net.synapses:
        return Applicability(False, f"{need}: connect the inputs to the units")
    for s in net.synapses:
        label = f"{net.neuron(s.source).name!r} -> {net.neuron(s.target).name!r}"
        if net.neuron(s.source).role != "input":
            return Applicability(False, f"{need}: synapse {label} leaves a non-input neuron, "
                                        "so there is more than one layer")
        if s.kind == "inhibitory":
            return Applicability(False, f"{need} and excitatory synapses; {label} is an "
                                        "inhibitory veto")
    units_here = [n for n in net.neurons if n.role != "input"]
    for n in units_here:
        if n.activation not in units:
            return Applicability(False, f"{need}; {n.name!r} is a {n.activation} unit")
    kinds = sorted({n.activation for n in units_here})
    if len(kinds) > 1:
        return Applicability(False, f"{need}, all of one kind; this layer mixes "
                                    f"{' and '.join(kinds)} units")
    outputs = set(net.outputs)
    fed = {s.target for s in net.synapses}
    for n in units_here:
        if n.id not in fed:
            return Applicability(False, f"{need}; {n.name!r} has no incoming synapses")
        if n.name not in outputs:
            return Applicability(False, f"{need}; {n.name!r} is not an output unit")
    return matrices_fit(net)

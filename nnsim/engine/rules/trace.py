"""Backpropagation of one sample, every number kept and named, for showing it step by step.

    trace = backprop_trace(net, x, target, loss="mse")
    trace.z["h1"], trace.output["h1"], trace.delta["h1"]   # by neuron name
    trace.grad[("x1", "h1")], trace.bias_grad["h1"]         # by synapse and by neuron
    trace.loss

It runs the Backprop rule's own passes (gradients.Graph) on a batch of one, so its numbers are the
rule's: one SGD step from `grad` is the rule's step with batch size 1 (a test checks it).
delta[name] = dL/dz of a non-input neuron (0 where no gradient reaches it); grad[(a, b)] =
delta[b] * output[a] for a summing unit; bias_grad[name] = delta[name].
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from . import losses
from .gradients import Graph, _cols


@dataclass(frozen=True)
class BackpropTrace:
    loss_name: str
    loss: float
    z: Mapping[str, float]  # net input of every neuron (an input's: its value)
    output: Mapping[str, float]  # y = g(z) of every neuron
    delta: Mapping[str, float]  # dL/dz of every non-input neuron
    grad: Mapping[tuple[str, str], float]  # dL/dw of every excitatory synapse (source, target)
    bias_grad: Mapping[str, float]  # dL/db of every non-input neuron
    target: Mapping[str, float]  # the sample's target per output
    error: Mapping[str, float]  # output - target per output
    layers: tuple[tuple[str, ...], ...]  # the non-input neurons layer by layer, forward order
    inputs: tuple[str, ...]

    def weight_update(self, learning_rate: float) -> dict[tuple[str, str], float]:
        """SGD's change of each weight: -learning_rate * dL/dw."""
        return {key: -learning_rate * g for key, g in self.grad.items()}


def _sample(value: Any, names: tuple[str, ...], what: str) -> np.ndarray:
    """A dict by name, a number (one name) or a 1-D sequence in `names` order -> (len(names),)."""
    if isinstance(value, Mapping):
        missing = [n for n in names if n not in value]
        extra = [k for k in value if k not in names]
        if missing or extra:
            raise ValueError(f"{what} must give {', '.join(names)}"
                             + (f"; missing {', '.join(missing)}" if missing else "")
                             + (f"; unknown {', '.join(map(str, extra))}" if extra else ""))
        out = np.array([float(value[n]) for n in names])
    else:
        out = np.atleast_1d(np.asarray(value, dtype=float)).ravel()
        if out.shape != (len(names),):
            raise ValueError(f"{what} needs {len(names)} values ({', '.join(names)}), "
                             f"not {out.size}")
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{what} holds NaN or infinite values")
    return out


def backprop_trace(net, x: Any, target: Any, loss: str = "mse") -> BackpropTrace:
    """The forward pass, loss, deltas and gradients of `net` (feed-forward, weights as they are)
    for one sample: x and target as {name: value} or 1-D arrays in net.inputs / net.outputs
    order (a number for one input or output).  `loss` is one of Backprop's (LOSSES)."""
    compiled = net.compile()
    if not compiled.is_feedforward:
        raise ValueError("backpropagation needs a feed-forward network (this one has loops)")
    graph = Graph(compiled, loss)  # raises for an unknown loss, or layers too large
    X = _sample(x, tuple(compiled.input_names), "x")[None, :]
    D = _sample(target, tuple(compiled.output_names), "target")[None, :]
    A = graph.inputs_matrix(X)
    with np.errstate(all="ignore"):
        buf = graph.forward(A)
        zo, yo = graph.outputs(A, buf)
        value = losses.value(loss, zo, yo, D)
        for k in range(len(graph.layers)):
            buf.dZ[k].fill(0.0)  # layers no gradient reaches keep 0, not stale memory
        graph.backward(A, D, buf)
    n = compiled.n_neurons
    names = compiled.names
    z = {name: float(A[0, c]) for c, name in enumerate(names)}  # inputs: their values
    output = {name: float(A[0, c]) for c, name in enumerate(names)}
    delta: dict[str, float] = {}
    grad: dict[tuple[str, str], float] = {}
    bias_grad: dict[str, float] = {}
    layers = []
    for k, (L, C) in enumerate(zip(graph.layers, compiled.layers)):
        targets = [names[c] for c in _cols(L.targets, n)]
        sources = [names[c] for c in _cols(L.sources, n)]
        layers.append(tuple(targets))
        for j, name in enumerate(targets):
            z[name] = float(buf.Z[k][0, j])
            delta[name] = float(buf.dZ[k][0, j]) if L.active else 0.0
            bias_grad[name] = float(L.gb[j]) if L.active else 0.0
            for i, source in enumerate(sources):
                if C.mask[i, j]:
                    grad[(source, name)] = float(L.gW[i, j]) if L.active else 0.0
    outputs = tuple(compiled.output_names)
    return BackpropTrace(
        loss_name=loss, loss=float(value), z=MappingProxyType(z), output=MappingProxyType(output),
        delta=MappingProxyType(delta), grad=MappingProxyType(grad),
        bias_grad=MappingProxyType(bias_grad),
        target=MappingProxyType({o: float(D[0, i]) for i, o in enumerate(outputs)}),
        error=MappingProxyType({o: float(yo[0, i] - D[0, i]) for i, o in enumerate(outputs)}),
        layers=tuple(layers), inputs=tuple(compiled.input_names))

"""What a simulation shows: the immutable `Snapshot`, and fast reads of a running trainer.

A `Snapshot` can cross a thread or a process: its arrays are copies marked read-only, and its
`network` is made on first use from `network_source` (a Network, or a function that makes one,
such as `functools.partial(learned_network, base, compiled, params)`: picklable, so a frame can
be sent to another process without writing every weight into a Network first).

`LearnedView` reads what a snapshot needs straight from a trainer's per-layer arrays: writing
every weight into a Network (trainer.network()) per frame costs more than a frame.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from .layer_view import LayerView
from .network import Network
from .neuron_maps import NeuronCurves, NeuronMaps
from .regions import DecisionMap, MapEvaluator, line_spec, with_parameters
from .rules.arrays import ArrayTrainer
from .rules.backprop import BackpropTrainer


def frozen(a: Any) -> np.ndarray:
    out = np.array(a, dtype=float)  # always a copy
    out.setflags(write=False)
    return out


def layer_parameters(trainer) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """The trainer's current per-layer (weights, biases) of its compiled network, as views, when
    its network() is exactly "its net with these written back"; else None."""
    kind = type(trainer).network
    if kind is BackpropTrainer.network:
        return [(L.W, L.b) for L in trainer.graph.layers]
    if kind is ArrayTrainer.network:
        return list(trainer.params)
    return None


class LearnedView:
    """What a snapshot needs from a running trainer, read straight from its arrays: writing
    every weight into a Network (trainer.network()) per frame costs more than a frame."""

    def __init__(self, trainer, net: Network) -> None:
        self.trainer = trainer
        compiled = trainer.compiled
        self.compiled = compiled
        self.base = trainer.net  # never changed while the trainer lives
        synapse_at = {s.key: k for k, s in enumerate(net.synapses)}
        neuron_at = {nr.id: k for k, nr in enumerate(net.neurons)}
        self.static_weights = np.array([s.weight for s in net.synapses], dtype=float)
        self.gather = []  # per layer: (rows, cols) of its weights -> synapse positions; biases
        for layer in compiled.layers:
            rows, cols = np.nonzero(layer.mask)
            keys = [(layer.source_ids[r], layer.target_ids[c]) for r, c in zip(rows, cols)]
            self.gather.append(((rows, cols), np.array([synapse_at[k] for k in keys], np.intp),
                                np.array([neuron_at[t] for t in layer.target_ids], np.intp)))
        self.static_biases = np.array([nr.bias for nr in net.neurons], dtype=float)
        self.columns = [compiled.column[nr.id] for nr in net.neurons]
        self.maps = MapEvaluator(compiled, line_spec(net))

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]] | None:
        """Read-only copies of the current per-layer parameters; None when any is not finite
        (then trainer.network() refuses them, and says so)."""
        params = []
        for w, b in layer_parameters(self.trainer):
            w, b = frozen(w), frozen(b)
            if not (np.isfinite(w).all() and np.isfinite(b).all()):
                return None
            params.append((w, b))
        return params

    def arrays(self, params) -> tuple[np.ndarray, np.ndarray]:
        """(weights in synapse order, biases in neuron order), read-only."""
        weights, biases = self.static_weights.copy(), self.static_biases.copy()
        for (w, b), ((rows, cols), synapses, neurons) in zip(params, self.gather):
            weights[synapses] = w[rows, cols]
            biases[neurons] = b
        weights.setflags(write=False)
        biases.setflags(write=False)
        return weights, biases

    def values(self, params) -> tuple[np.ndarray, np.ndarray]:
        compiled = with_parameters(self.compiled, params)
        with np.errstate(all="ignore"):
            a, z = compiled.forward_full(compiled.input_values[None, :])
        return a[0, self.columns], z[0, self.columns]



def learned_network(base: Network, compiled, params) -> Network:
    """`base` with a trainer's per-layer parameters written in (a new Network).  A module-level
    function, so a snapshot's lazy network can be pickled (the engine runs in its own process)."""
    out = base.copy()
    compiled.write_back(out, params)
    return out


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What the simulation looks like after `step` units of work.  Arrays align with `names`
    (outputs, net_inputs, biases) or with `synapses` (weights).

    `network` may be given as a function that makes it: it is then made on first use, once
    (a running trainer's weights are written into a Network only when someone asks)."""
    step: int
    epoch: int
    names: tuple[str, ...]
    outputs: np.ndarray
    net_inputs: np.ndarray
    synapses: tuple[tuple[str, str], ...]
    weights: np.ndarray
    biases: np.ndarray
    metrics: Mapping[str, float]
    history: Mapping[str, np.ndarray]
    revision: int  # the revision of the network last given (the document's revision)
    # `network` (below): a private copy with the current (learned) weights: copy before editing.
    # Given here as the Network or as a function that makes it.
    network_source: Any = field(repr=False)
    rule: str = ""  # the rule's name, "" when none
    done: bool = False  # the rule converged or diverged: more steps change nothing
    message: str = ""  # why the rule is not stepping, or why values stopped
    decision: DecisionMap | None = field(default=None)  # two-input networks: output over the plane
    curve: tuple[np.ndarray, np.ndarray] | None = field(default=None)  # one input: (x, y)
    # The epoch of each history value (same keys and lengths as `history`): over a long run
    # older epochs are kept as min/max envelopes (nnsim.engine.run_history), so the index of a
    # value is not its epoch.
    history_epochs: Mapping[str, np.ndarray] = field(default_factory=lambda: MappingProxyType({}))
    # One input: every neuron's output over x, for the canvas (two inputs: decision.neuron_maps).
    neuron_curves: NeuronCurves | None = field(default=None)
    layer_view: LayerView | None = field(default=None)  # a hidden layer's view of the plane
    # The loss over two weights (rules.race.LandscapeView), the run's path on it ((k, 2) in its
    # units) and optimisers racing on it (rules.race.RaceView), while the landscape plot asks.
    landscape: Any = field(default=None)
    landscape_path: np.ndarray | None = field(default=None)
    race: Any = field(default=None)

    @property
    def neuron_maps(self) -> NeuronMaps | None:
        """Two inputs: every neuron's own 8-bit map over the plane (the decision map's pass)."""
        return None if self.decision is None else self.decision.neuron_maps

    @property
    def network(self) -> Network:
        made = self.__dict__.get("_network")
        if made is None:
            source = self.network_source
            made = source if isinstance(source, Network) else source()
            object.__setattr__(self, "_network", made)  # made once; the snapshot stays as it was
        return made

    @property
    def decision_grid(self) -> np.ndarray | None:
        return None if self.decision is None else self.decision.grid

    def output(self, name: str) -> float:
        return float(self.outputs[self.names.index(name)])

"""The editable graph: neurons, synapses and the facts about their topology.

A `Network` is the document the user draws.  Every edit validates its arguments and raises
ValueError naming the neuron or synapse at fault; neurons and synapses are immutable records
(elements.py, re-exported here), so a copy of a network is cheap and never shares mutable state.
The ready-made networks (`Network.layered`, `.hopfield`, `.rbf`) are built in builders.py.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from . import topology
from .elements import (
    KINDS,
    ROLES,
    Neuron,
    NeuronRef,
    Synapse,
    check_activation,
    check_params,
    check_role,
    finite,
)

__all__ = ["KINDS", "ROLES", "Network", "Neuron", "NeuronRef", "Synapse", "iter_edges"]

class Network:
    """A graph of neurons joined by weighted synapses (see README's Python API)."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._neurons: dict[int, Neuron] = {}
        self._by_name: dict[str, int] = {}
        self._synapses: dict[tuple[int, int], Synapse] = {}
        self._next_id = 0
        self.revision = 0  # bumped by every edit; caches key on it
        self._topology: dict[str, object] = {}  # facts that only structural edits change
        self._compiled = None
        self._compiled_revision = -1

    # ------------------------------------------------------------------ lookup
    def _id(self, ref: NeuronRef) -> int:
        if isinstance(ref, (int, np.integer)) and not isinstance(ref, bool):
            if int(ref) in self._neurons:
                return int(ref)
            raise ValueError(f"no neuron with id {ref}")
        if isinstance(ref, str):
            if ref in self._by_name:
                return self._by_name[ref]
            raise ValueError(f"no neuron named {ref!r}")
        if isinstance(ref, Neuron):
            return self._id(ref.id)
        raise ValueError(f"a neuron is named by its name or id, not {ref!r}")

    def neuron(self, ref: NeuronRef) -> Neuron:
        return self._neurons[self._id(ref)]

    def has_neuron(self, ref: NeuronRef) -> bool:
        try:
            self._id(ref)
            return True
        except ValueError:
            return False

    def synapse(self, source: NeuronRef, target: NeuronRef) -> Synapse:
        key = (self._id(source), self._id(target))
        if key not in self._synapses:
            raise ValueError(f"no synapse {self._label(key)}")
        return self._synapses[key]

    def has_synapse(self, source: NeuronRef, target: NeuronRef) -> bool:
        try:
            return (self._id(source), self._id(target)) in self._synapses
        except ValueError:
            return False

    def _label(self, key: tuple[int, int]) -> str:
        a, b = key
        return f"{self._neurons[a].name!r} -> {self._neurons[b].name!r}"

    @property
    def neurons(self) -> list[Neuron]:
        return list(self._neurons.values())

    @property
    def synapses(self) -> list[Synapse]:
        return list(self._synapses.values())

    @property
    def names(self) -> list[str]:
        return [n.name for n in self._neurons.values()]

    def index_of(self, ref: NeuronRef) -> int:
        """Position of a neuron in neuron order (the order of weight_matrix rows and state vectors)."""
        return list(self._neurons).index(self._id(ref))

    def incoming(self, ref: NeuronRef) -> list[Synapse]:
        nid = self._id(ref)
        return [s for s in self._synapses.values() if s.target == nid]

    def outgoing(self, ref: NeuronRef) -> list[Synapse]:
        nid = self._id(ref)
        return [s for s in self._synapses.values() if s.source == nid]

    def __len__(self) -> int:
        return len(self._neurons)

    # ------------------------------------------------------------------ editing
    def _touch(self, structure: bool = False) -> None:
        self.revision += 1
        if structure:
            self._topology = {}

    def _cached(self, key: str, compute):
        """A topology fact (cycles, layers, depth), kept until neurons or synapses change."""
        if key not in self._topology:
            self._topology[key] = compute()
        return self._topology[key]

    def _check_name(self, name: Any, current: int | None = None) -> str:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a neuron name must be a non-empty string, not {name!r}")
        name = name.strip()
        owner = self._by_name.get(name)
        if owner is not None and owner != current:
            raise ValueError(f"a neuron named {name!r} already exists")
        return name

    def add_neuron(
        self,
        name: str | None = None,
        role: str = "hidden",
        activation: str | None = None,
        bias: float = 0.0,
        x: float = 0.0,
        y: float = 0.0,
        value: float = 0.0,
        params: Mapping[str, float] | None = None,
        id: int | None = None,
    ) -> Neuron:
        """Add a neuron and return it.  Inputs default to linear units, others to sigmoid."""
        if id is None:
            nid = self._next_id
        else:
            if isinstance(id, bool) or not isinstance(id, (int, np.integer)) or id < 0:
                raise ValueError(f"neuron id must be a non-negative integer, not {id!r}")
            nid = int(id)
            if nid in self._neurons:
                raise ValueError(f"a neuron with id {nid} already exists")
        if name is None:
            k = nid
            while f"n{k}" in self._by_name:
                k += 1
            name = f"n{k}"
        name = self._check_name(name)
        check_role(role, name)
        if activation is None:
            activation = "linear" if role == "input" else "sigmoid"
        check_activation(activation, name)
        neuron = Neuron(
            id=nid,
            name=name,
            role=role,
            activation=activation,
            bias=finite(bias, f"neuron {name!r}: bias"),
            x=finite(x, f"neuron {name!r}: x"),
            y=finite(y, f"neuron {name!r}: y"),
            value=finite(value, f"neuron {name!r}: value"),
            params=check_params(params or {}, name),
        )
        self._neurons[nid] = neuron
        self._by_name[name] = nid
        self._next_id = max(self._next_id, nid + 1)
        self._touch(structure=True)
        return neuron

    def remove_neuron(self, ref: NeuronRef) -> None:
        nid = self._id(ref)
        for key in [k for k in self._synapses if nid in k]:
            del self._synapses[key]
        del self._by_name[self._neurons[nid].name]
        del self._neurons[nid]
        self._touch(structure=True)

    def _update(self, nid: int, **changes: Any) -> Neuron:
        neuron = replace(self._neurons[nid], **changes)
        self._neurons[nid] = neuron
        self._touch()
        return neuron

    def rename_neuron(self, ref: NeuronRef, new_name: str) -> Neuron:
        nid = self._id(ref)
        new_name = self._check_name(new_name, current=nid)
        del self._by_name[self._neurons[nid].name]
        self._by_name[new_name] = nid
        return self._update(nid, name=new_name)

    def set_role(self, ref: NeuronRef, role: str) -> Neuron:
        nid = self._id(ref)
        name = self._neurons[nid].name
        check_role(role, name)
        if role == "input" and any(s.target == nid for s in self._synapses.values()):
            raise ValueError(f"neuron {name!r} receives synapses, so it cannot be an input "
                             "(inputs are clamped); disconnect them first")
        return self._update(nid, role=role)

    def set_activation(self, ref: NeuronRef, activation: str) -> Neuron:
        nid = self._id(ref)
        check_activation(activation, self._neurons[nid].name)
        return self._update(nid, activation=activation)

    def set_bias(self, ref: NeuronRef, bias: float) -> Neuron:
        nid = self._id(ref)
        return self._update(nid, bias=finite(bias, f"neuron {self._neurons[nid].name!r}: bias"))

    def set_threshold(self, ref: NeuronRef, threshold: float) -> Neuron:
        """The lecture's T (fires when sum(w * x) > T): stored as bias = -T."""
        nid = self._id(ref)
        t = finite(threshold, f"neuron {self._neurons[nid].name!r}: threshold")
        return self._update(nid, bias=-t)

    def set_position(self, ref: NeuronRef, x: float, y: float) -> Neuron:
        nid = self._id(ref)
        label = f"neuron {self._neurons[nid].name!r}"
        return self._update(nid, x=finite(x, f"{label}: x"), y=finite(y, f"{label}: y"))

    def set_value(self, ref: NeuronRef, value: float) -> Neuron:
        nid = self._id(ref)
        return self._update(nid, value=finite(value, f"neuron {self._neurons[nid].name!r}: value"))

    def set_param(self, ref: NeuronRef, key: str, value: float | None) -> Neuron:
        """Set (or with None, remove) a per-unit parameter such as an RBF unit's 'beta'."""
        nid = self._id(ref)
        params = dict(self._neurons[nid].params)
        if value is None:
            params.pop(key, None)
        else:
            params.update(check_params({key: value}, self._neurons[nid].name))
        return self._update(nid, params=params)

    def connect(
        self, source: NeuronRef, target: NeuronRef, weight: float = 1.0, kind: str = "excitatory"
    ) -> Synapse:
        key = (self._id(source), self._id(target))
        # the label is written only for an error: a file of 150,000 synapses loads each here
        if key in self._synapses:
            raise ValueError(f"synapse {self._label(key)} already exists")
        if self._neurons[key[1]].role == "input":
            raise ValueError(f"synapse {self._label(key)}: an input neuron cannot receive "
                             "synapses (inputs are clamped)")
        if kind not in KINDS:
            raise ValueError(f"synapse {self._label(key)}: unknown kind {kind!r}; choose one of "
                             f"{', '.join(KINDS)}")
        if type(weight) is not float or weight - weight != 0:  # not a plain finite float
            weight = finite(weight, f"synapse {self._label(key)}: weight")
        syn = Synapse(key[0], key[1], weight, kind)
        self._synapses[key] = syn
        self._touch(structure=True)
        return syn

    def disconnect(self, source: NeuronRef, target: NeuronRef) -> None:
        key = self.synapse(source, target).key
        del self._synapses[key]
        self._touch(structure=True)

    def set_weight(self, source: NeuronRef, target: NeuronRef, weight: float) -> Synapse:
        syn = self.synapse(source, target)
        syn = replace(syn, weight=finite(weight, f"synapse {self._label(syn.key)}: weight"))
        self._synapses[syn.key] = syn
        self._touch()
        return syn

    def set_kind(self, source: NeuronRef, target: NeuronRef, kind: str) -> Synapse:
        syn = self.synapse(source, target)
        if kind not in KINDS:
            raise ValueError(f"synapse {self._label(syn.key)}: unknown kind {kind!r}; "
                             f"choose one of {', '.join(KINDS)}")
        syn = replace(syn, kind=kind)
        self._synapses[syn.key] = syn
        self._touch()
        return syn

    # ------------------------------------------------------------------ topology
    def _graph(self) -> tuple[list[int], list[tuple[int, int]]]:
        return list(self._neurons), list(self._synapses)

    @property
    def inputs(self) -> list[str]:
        """Input neurons in neuron order."""
        return [n.name for n in self._neurons.values() if n.role == "input"]

    @property
    def outputs(self) -> list[str]:
        """Neurons with role output, in neuron order; when none is marked, the non-input sinks."""
        marked = [n.name for n in self._neurons.values() if n.role == "output"]
        if marked:
            return marked
        sources = {s.source for s in self._synapses.values()}
        return [n.name for n in self._neurons.values()
                if n.role != "input" and n.id not in sources]

    @property
    def is_feedforward(self) -> bool:
        return self._cached("feedforward", lambda: not topology.has_cycle(*self._graph()))

    @property
    def is_recurrent(self) -> bool:
        return not self.is_feedforward

    @property
    def layers(self) -> list[list[str]]:
        """Neuron names grouped by layer (longest path from a source; a loop is one stage)."""
        numbers = self._cached("layer_numbers", lambda: topology.layer_numbers(*self._graph()))
        out: list[list[str]] = [[] for _ in range(max(numbers.values(), default=-1) + 1)]
        for nid, k in numbers.items():
            out[k].append(self._neurons[nid].name)
        return out

    @property
    def depth(self) -> int:
        """Synapses on the longest path from a source to a sink (the lecture's definition).

        In a recurrent network each strongly connected component (a loop) counts as one stage,
        so depth is always defined: a Hopfield network has depth 0."""
        return self._cached("depth", lambda: topology.depth(*self._graph()))

    @property
    def parameter_count(self) -> int:
        """The number of connections: the lecture's count of a network's parameters."""
        return len(self._synapses)

    @property
    def parameter_count_with_biases(self) -> int:
        """Connections plus one bias for every neuron that is not an input."""
        return len(self._synapses) + sum(n.role != "input" for n in self._neurons.values())

    @property
    def is_symmetric(self) -> bool:
        """Every synapse has a reverse of equal weight, and there are no self-connections."""
        for (a, b), s in self._synapses.items():
            rev = self._synapses.get((b, a))
            if a == b or rev is None or rev.weight != s.weight:
                return False
        return True

    # ------------------------------------------------------------------ arrays
    def weight_matrix(self) -> np.ndarray:
        """W[i, j] = weight of the synapse from neuron i to neuron j, in neuron order."""
        index = {nid: i for i, nid in enumerate(self._neurons)}
        w = np.zeros((len(index), len(index)))
        for (a, b), s in self._synapses.items():
            w[index[a], index[b]] = s.weight
        return w

    def bias_vector(self) -> np.ndarray:
        return np.array([n.bias for n in self._neurons.values()], dtype=float)

    def set_weight_matrix(self, w: np.ndarray, biases: np.ndarray | None = None) -> None:
        """Write weights back for the synapses that exist (and biases, when given)."""
        w = np.asarray(w, dtype=float)
        n = len(self._neurons)
        if w.shape != (n, n):
            raise ValueError(f"weight matrix must be {n}x{n}, not {w.shape}")
        if not np.all(np.isfinite(w)):
            raise ValueError("weight matrix holds NaN or infinite values")
        index = {nid: i for i, nid in enumerate(self._neurons)}
        for key, s in self._synapses.items():
            self._synapses[key] = replace(s, weight=float(w[index[key[0]], index[key[1]]]))
        if biases is not None:
            biases = np.asarray(biases, dtype=float)
            if biases.shape != (n,) or not np.all(np.isfinite(biases)):
                raise ValueError(f"biases must be {n} finite numbers")
            for nid, b in zip(list(self._neurons), biases):
                self._neurons[nid] = replace(self._neurons[nid], bias=float(b))
        self._touch()

    # ------------------------------------------------------------------ computing
    def compile(self):
        """Arrays for fast evaluation, cached until the next edit."""
        from .compiled import CompiledNetwork

        if self._compiled is None or self._compiled_revision != self.revision:
            self._compiled = CompiledNetwork(self)
            self._compiled_revision = self.revision
        return self._compiled

    def evaluate(self, inputs: Mapping[NeuronRef, float] | Sequence[float] | np.ndarray):
        """Feed-forward pass.

        A mapping {input name: value} returns {neuron name: output} for every neuron; an array of
        shape (n, n_inputs), columns in `inputs` order, returns (n, n_outputs) in `outputs` order
        (a 1-D array of one input vector returns one output vector)."""
        from .dynamics import evaluate

        return evaluate(self, inputs)

    def run(self, steps, state=None):
        """Synchronous discrete-time steps (McCulloch-Pitts semantics); see dynamics.run."""
        from .dynamics import run

        return run(self, steps, state=state)

    def energy(self, state) -> float:
        """Hopfield energy E(s) = -1/2 s^T W s - b^T s of a state in neuron order."""
        from .dynamics import energy, weights_of

        return energy(weights_of(self), self.bias_vector(), state)

    def settle(self, state, mode: str = "async", seed: int | None = 0, max_sweeps: int = 50):
        """Hopfield settling of sign units; returns a SettleResult (.states, .energies)."""
        from .dynamics import settle, weights_of

        return settle(weights_of(self), self.bias_vector(), state, mode=mode, seed=seed,
                      max_sweeps=max_sweeps)

    # ------------------------------------------------------------------ copies and files
    def copy(self) -> Network:
        other = Network(self.name)
        other._neurons = dict(self._neurons)
        other._by_name = dict(self._by_name)
        other._synapses = dict(self._synapses)
        other._next_id = self._next_id
        other.revision = self.revision
        other._topology = dict(self._topology)  # the same structure: the same facts
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return (
            self.name == other.name
            and list(self._neurons.values()) == list(other._neurons.values())
            and self._synapses == other._synapses
        )

    def __repr__(self) -> str:
        return (f"Network({len(self._neurons)} neurons, {len(self._synapses)} synapses, "
                f"depth {self.depth}, {'feed-forward' if self.is_feedforward else 'recurrent'})")

    def to_dict(self) -> dict:
        from .fileformat import network_to_dict

        return network_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict, source: str = "<data>") -> Network:
        from .fileformat import network_from_dict

        return network_from_dict(data, source)

    def save(self, path) -> None:
        """Save atomically as versioned JSON (docs/file-format.md)."""
        from .fileformat import save_network

        save_network(self, path)

    @classmethod
    def load(cls, path) -> Network:
        """Load and validate a file; raises NetworkFileError naming the file and the bad field."""
        from .fileformat import load_network

        return load_network(path)

    # ------------------------------------------------------------------ builders (builders.py)
    @classmethod
    def layered(cls, sizes: Sequence[int], activations: Sequence[str] | str = "sigmoid",
                seed: int | None = 0, init: str = "glorot_uniform") -> Network:
        """Fully connected layers: inputs x1..xn, hidden h{layer}_{j}, outputs y (or y1..ym)."""
        from .builders import layered

        return layered(sizes, activations, seed=seed, init=init, cls=cls)

    @classmethod
    def hopfield(cls, n: int, weights: np.ndarray | None = None) -> Network:
        """n sign units s0..s{n-1}, every pair joined both ways with equal (symmetric) weights,
        no self-connections; weights default to zero (store patterns with rules.HopfieldStore)."""
        from .builders import hopfield

        return hopfield(n, weights, cls=cls)

    @classmethod
    def rbf(cls, n_inputs: int, n_centers: int, n_outputs: int = 1, beta: float = 1.0,
            seed: int | None = 0) -> Network:
        """Inputs x1.., gaussian units c1.. (centre = incoming weights, bandwidth 'beta'),
        linear outputs y (or y1..)."""
        from .builders import rbf

        return rbf(n_inputs, n_centers, n_outputs, beta=beta, seed=seed, cls=cls)


def iter_edges(net: Network) -> Iterable[tuple[str, str, float]]:
    """(source name, target name, weight) for every synapse, in insertion order."""
    for s in net.synapses:
        yield net.neuron(s.source).name, net.neuron(s.target).name, s.weight

"""What every learning rule shares: declared parameters, a history, and a step-wise trainer.

A rule is configuration (its parameters); a `Trainer` is one run of a rule on a private copy of a
network, advanced one unit of work at a time so the app can animate single updates.
`rule.train(net, data, epochs=..., seed=...)` loops a trainer and writes the result back to `net`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..datasets import Dataset, as_dataset
from ..network import Network
from ..run_history import Trace


@dataclass(frozen=True)
class Param:
    """One declared parameter: enough for the app to build a control with no per-rule code."""
    name: str
    type: type  # float, int, bool or str (str parameters take one of `choices`)
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    log_scale: bool = False  # a slider for this parameter should move in log steps

    def validate(self, value: Any) -> Any:
        label = f"parameter {self.name!r}"
        if self.type is bool:
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"{label} must be true or false, not {value!r}")
            return bool(value)
        if self.type is str:
            if value not in self.choices:
                raise ValueError(f"{label} must be one of {', '.join(self.choices)}, not {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"{label} must be a number, not {value!r}")
        if self.type is int:
            if float(value) != int(value):
                raise ValueError(f"{label} must be a whole number, not {value!r}")
            value = int(value)
        else:
            value = float(value)
            if not np.isfinite(value):
                raise ValueError(f"{label} must be finite, not {value}")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"{label} must be at least {self.minimum}, not {value}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"{label} must be at most {self.maximum}, not {value}")
        return value


@dataclass(frozen=True)
class Applicability:
    """Whether a rule applies to a network, and if not, why (truthy when it applies)."""
    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


@dataclass
class History:
    """Per-epoch records of a run.  Each figure is a Trace (nnsim.engine.run_history): a list-like
    sequence of floats, exactly the values appended for the latest 10,000 to 20,000 epochs, with
    older ones kept as min/max envelopes so that memory stays bounded however long the run
    (`trace.epochs` gives the epoch of each value kept).  Traces stay empty where a figure is not
    defined for the rule."""
    loss: Trace = field(default_factory=Trace)
    accuracy: Trace = field(default_factory=Trace)
    errors: Trace = field(default_factory=Trace)
    val_loss: Trace = field(default_factory=Trace)
    val_accuracy: Trace = field(default_factory=Trace)
    weight_norm: Trace = field(default_factory=Trace)
    energy: Trace = field(default_factory=Trace)
    converged: bool = False
    diverged: bool = False
    diverged_at: int | None = None  # the step (unit of work) at which values left the finite range
    epochs: int = 0
    steps: int = 0

    @property
    def done(self) -> bool:
        return self.converged or self.diverged


class Trainer:
    """One run of a rule.  Subclasses implement `_step` (one unit of work) and keep `self.history`."""

    def __init__(self, rule: Rule, net: Network, data: Dataset | None, seed: int | None) -> None:
        self.rule = rule
        self.net = net.copy()
        self.data = data
        self.rng = np.random.default_rng(seed)
        self.history = History()
        self.position = 0  # units of work done in the current epoch

    @property
    def steps_per_epoch(self) -> int:
        raise NotImplementedError

    def _step(self) -> None:
        raise NotImplementedError

    def _end_epoch(self) -> None:
        """Record the epoch's figures in self.history and set converged where it applies."""
        raise NotImplementedError

    def step(self) -> bool:
        """One unit of work; returns True when it completed an epoch.  Does nothing once done."""
        if self.history.done:
            return False
        self._step()
        self.history.steps += 1
        if self.history.diverged:
            return False
        self.position += 1
        if self.position >= self.steps_per_epoch:
            self.position = 0
            self.history.epochs += 1
            self._end_epoch()
            return True
        return False

    def run_epoch(self) -> None:
        while not self.history.done and not self.step():
            pass

    def run(self, epochs: int) -> History:
        for _ in range(int(epochs)):
            if self.history.done:
                break
            self.run_epoch()
        return self.history

    def network(self) -> Network:
        """A copy of the network with the weights learned so far."""
        return self.net.copy()

    def write_back(self, net: Network) -> None:
        """Store the learned weights and biases into `net`, which must have the same topology."""
        trained = self.network()
        for s in trained.synapses:
            if net.synapse(s.source, s.target).weight != s.weight:
                net.set_weight(s.source, s.target, s.weight)
        for n in trained.neurons:
            if net.neuron(n.id).bias != n.bias:
                net.set_bias(n.id, n.bias)


class Rule:
    """Base of every learning rule.  Subclasses declare `name`, `title`, `formula`, `parameters`
    and `trainer_class`, and implement `applies_to`."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    formula: ClassVar[str] = ""
    parameters: ClassVar[tuple[Param, ...]] = ()
    supervised: ClassVar[bool] = True
    trainer_class: ClassVar[type[Trainer]] = Trainer

    def __init__(self, *args: Any, **params: Any) -> None:
        declared = {p.name: p for p in self.parameters}
        if len(args) > len(self.parameters):
            raise TypeError(f"{type(self).__name__} takes at most {len(self.parameters)} "
                            "positional parameters")
        for p, value in zip(self.parameters, args):
            if p.name in params:
                raise TypeError(f"{type(self).__name__}: {p.name!r} given twice")
            params[p.name] = value
        self.params: dict[str, Any] = {p.name: p.default for p in self.parameters}
        unknown = set(params) - set(declared)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no parameter {sorted(unknown)[0]!r}; "
                             f"its parameters are {', '.join(declared)}")
        self.set_params(**params)

    def set_params(self, **params: Any) -> None:
        """Change parameters; a running trainer sees the new values at its next step."""
        declared = {p.name: p for p in self.parameters}
        for key, value in params.items():
            if key not in declared:
                raise ValueError(f"{type(self).__name__} has no parameter {key!r}")
            self.params[key] = declared[key].validate(value)

    def __getattr__(self, key: str) -> Any:
        params = self.__dict__.get("params", {})
        if key in params:
            return params[key]
        raise AttributeError(key)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"

    def applies_to(self, net: Network) -> Applicability:
        raise NotImplementedError

    def trainer(self, net: Network, data: Any = None, seed: int | None = 0) -> Trainer:
        ok = self.applies_to(net)
        if not ok:
            raise ValueError(f"{self.title} does not apply to this network: {ok.reason}")
        return self.trainer_class(self, net, as_dataset(data), seed)

    def train(self, net: Network, data: Any = None, epochs: int = 100,
              seed: int | None = 0) -> History:
        """Train `net` in place for up to `epochs` epochs (stopping early when converged or
        diverged) and return the history."""
        trainer = self.trainer(net, data, seed)
        history = trainer.run(epochs)
        trainer.write_back(net)
        return history

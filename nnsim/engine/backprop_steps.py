"""Backpropagation of one sample, shown a phase and a layer at a time: the state of the
step-by-step view, without Qt (the app only shows it).

    steps = BackpropSteps(net, X, D, loss="mse", optimizer="sgd", params={"learning_rate": 0.5})
    steps.next_layer()     # forward: the first layer's z and y
    steps.next_phase()     # the rest of the phase at once
    steps.run_sample()     # every phase up to and including the update
    steps.back()           # one move back; restores the weights (bitwise) when it undoes the update
    steps.trace            # rules.backprop_trace of the current sample at the weights before the update
    steps.network          # the weights as they are now (updated once the update stop is reached)

A pass over one sample is a list of stops: the forward pass layer by layer, the loss, the backward
pass layer by layer from the output, the update.  The cursor stands on one stop (-1: the sample is
chosen, nothing computed is shown yet).  Moving on from the update starts the next sample in order
at the updated weights.  Every move keeps the state it left (network, optimiser state, sample,
cursor), so `back` restores it exactly.  The numbers are all the engine's: the trace is
`rules.backprop_trace`, the update is the Backprop rule's optimiser step on this one sample.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .network import Network
from .rules import backprop_trace, optimizers
from .units import get_unit

PHASES = ("forward", "loss", "backward", "update")


def recording_frames(net, pace: int) -> int:
    """Frames of a recorded pass over one sample of `net`: the chosen sample, then each stop
    (forward and backward layer by layer, the loss, the update) for `pace` frames."""
    layers = len(net.layers) - 1  # the non-input layers
    return 1 + (2 * layers + 2) * pace
DEFAULT_PARAMS = {"learning_rate": 0.5, "momentum": 0.9, "beta1": 0.9, "beta2": 0.999,
                  "epsilon": 1e-7}
MAX_HISTORY = 500  # moves kept for `back`


@dataclass(frozen=True)
class Stop:
    phase: str  # one of PHASES
    layer: int  # index into trace.layers (forward order); -1 for the loss and the update


@dataclass
class _State:
    network: Network
    optimizer: Any
    sample: int
    cursor: int
    trace: Any
    update: dict | None
    samples_done: int


class BackpropSteps:
    def __init__(self, net: Network, X: Any, D: Any, loss: str = "mse", optimizer: str = "sgd",
                 params: Mapping[str, Any] | None = None, sample: int = 0) -> None:
        self.X = np.atleast_2d(np.asarray(X, float))
        self.D = np.asarray(D, float).reshape(len(self.X), -1)
        if not len(self.X):
            raise ValueError("the step-by-step view needs at least one sample")
        self.loss = loss
        self.params = {**DEFAULT_PARAMS, **(params or {})}
        self.optimizer_name = optimizer
        self._history: list[_State] = []
        self._net = net.copy()
        self._sample = self._checked_sample(sample)
        self.trace = self._trace()  # raises (one line) for a network backprop cannot trace
        self._keys = list(self.trace.grad) + list(self.trace.bias_grad)  # the optimiser's vector
        self._optimizer = optimizers.make(optimizer, len(self._keys))
        self.cursor = -1
        self.update: dict | None = None  # parameter key -> its change, once the update is reached
        self.samples_done = 0

    # ------------------------------------------------------------------ state
    @property
    def network(self) -> Network:
        """The weights as they are now (a copy)."""
        return self._net.copy()

    @property
    def sample(self) -> int:
        return self._sample

    @property
    def x(self) -> np.ndarray:
        return self.X[self._sample]

    @property
    def stops(self) -> list[Stop]:
        layers = range(len(self.trace.layers))
        return ([Stop("forward", k) for k in layers] + [Stop("loss", -1)]
                + [Stop("backward", k) for k in reversed(layers)] + [Stop("update", -1)])

    @property
    def stop(self) -> Stop | None:
        """Where the cursor stands (None: nothing shown yet)."""
        return self.stops[self.cursor] if self.cursor >= 0 else None

    @property
    def phase(self) -> str:
        """'ready' before the first stop, else the phase the cursor is in."""
        return "ready" if self.cursor < 0 else self.stops[self.cursor].phase

    @property
    def can_go_back(self) -> bool:
        return bool(self._history)

    def _checked_sample(self, index: int) -> int:
        index = int(index)
        if not 0 <= index < len(self.X):
            raise ValueError(f"sample: expected 0 to {len(self.X) - 1}, got {index}")
        return index

    def _trace(self):
        return backprop_trace(self._net, self.X[self._sample], self.D[self._sample], self.loss)

    # ------------------------------------------------------------------ what is shown
    def _reached(self, phase: str, layer: int) -> bool:
        """Whether the cursor has reached (or passed) the stop (phase, layer)."""
        if self.cursor < 0:
            return False
        stops = self.stops
        return stops.index(Stop(phase, layer)) <= self.cursor

    def layer_of(self, name: str) -> int | None:
        for k, layer in enumerate(self.trace.layers):
            if name in layer:
                return k
        return None

    def forward_shown(self, name: str) -> bool:
        """Whether neuron `name`'s z and y are shown (inputs: their values, from the start)."""
        if name in self.trace.inputs:
            return True
        k = self.layer_of(name)
        return k is not None and self._reached("forward", k)

    @property
    def loss_shown(self) -> bool:
        return self._reached("loss", -1)

    def delta_shown(self, name: str) -> bool:
        k = self.layer_of(name)
        return k is not None and self._reached("backward", k)

    def grad_shown(self, key: tuple[str, str]) -> bool:
        """∂L/∂w of synapse (source, target) shows with its target's δ."""
        return key in self.trace.grad and self.delta_shown(key[1])

    @property
    def update_shown(self) -> bool:
        return self._reached("update", -1)

    # ------------------------------------------------------------------ moves
    def _save(self) -> None:
        self._history.append(_State(self._net.copy(), copy.deepcopy(self._optimizer), self._sample,
                                    self.cursor, self.trace, self.update, self.samples_done))
        del self._history[:-MAX_HISTORY]

    def next_layer(self) -> Stop:
        """One stop on; past the update, the next sample's first layer at the new weights."""
        self._save()
        self._advance()
        return self.stop

    def _advance(self) -> None:
        if self.cursor + 1 < len(self.stops):
            self.cursor += 1
            if self.stops[self.cursor].phase == "update":
                self._apply_update()
            return
        self._sample = (self._sample + 1) % len(self.X)  # the next sample in order
        self.trace = self._trace()
        self.update = None
        self.cursor = 0

    def next_phase(self) -> Stop:
        """To the last stop of the next phase (the whole phase shown at once)."""
        self._save()
        current = self.phase
        self._advance()
        stops = self.stops
        if current == "ready" or stops[self.cursor].phase != current:
            phase = stops[self.cursor].phase
            while self.cursor + 1 < len(stops) and stops[self.cursor + 1].phase == phase:
                self.cursor += 1
        return self.stop

    def run_sample(self) -> Stop:
        """Every phase of this sample up to and including the update (from the update: the
        whole of the next sample)."""
        self._save()
        if self.phase == "update":
            self._advance()
        while self.phase != "update":
            self._advance()
        return self.stop

    def back(self) -> bool:
        """Undo the last move: weights (bitwise), optimiser state, sample and cursor as they
        were.  False when there is nothing to undo."""
        if not self._history:
            return False
        s = self._history.pop()
        self._net, self._optimizer, self._sample = s.network, s.optimizer, s.sample
        self.cursor, self.trace, self.update, self.samples_done = s.cursor, s.trace, s.update, \
            s.samples_done
        return True

    def select(self, index: int) -> None:
        """Choose sample `index` (a data point clicked): its pass starts, nothing shown yet."""
        index = self._checked_sample(index)
        self._save()
        self._sample = index
        self.trace = self._trace()
        self.update = None
        self.cursor = -1

    def set_params(self, optimizer: str | None = None, **params: Any) -> None:
        """A new learning rate etc. (taken by the next update); a new optimiser starts fresh."""
        self.params.update(params)
        if optimizer is not None and optimizer != self.optimizer_name:
            self.optimizer_name = optimizer
            self._optimizer = optimizers.make(optimizer, len(self._keys))

    # ------------------------------------------------------------------ the update
    def _apply_update(self) -> None:
        """The optimiser's step on this sample's gradient (weights and biases)."""
        trace = self.trace
        grad = np.array([trace.grad[k] for k in trace.grad] + [trace.bias_grad[n] for n in
                                                                trace.bias_grad])
        before = np.array([self._net.synapse(*k).weight for k in trace.grad]
                          + [self._net.neuron(n).bias for n in trace.bias_grad])
        theta = before.copy()
        self._optimizer.step(theta, grad, self.params)
        net = self._net.copy()
        nw = len(trace.grad)
        for k, key in enumerate(trace.grad):
            net.set_weight(*key, float(theta[k]))
        for k, name in enumerate(trace.bias_grad):
            net.set_bias(name, float(theta[nw + k]))
        self.update = {key: float(theta[k] - before[k]) for k, key in enumerate(self._keys)}
        self.before = dict(zip(self._keys, before.tolist()))
        self.after = dict(zip(self._keys, theta.tolist()))
        self._net = net
        self.samples_done += 1

    def update_terms(self, key) -> dict[str, float]:
        """The optimiser's own terms for one parameter (a synapse key or a neuron name) at the
        update just made: 'grad', 'step' (the change) and, for momentum, 'velocity'; for Adam,
        'm', 'v', 't'.  Empty before the update."""
        if self.update is None or key not in self._keys:
            return {}
        k = self._keys.index(key)
        g = self.trace.grad[key] if isinstance(key, tuple) else self.trace.bias_grad[key]
        out = {"grad": g, "step": self.update[key], "learning_rate": float(self.params["learning_rate"])}
        opt = self._optimizer
        if isinstance(opt, optimizers.Momentum):
            out["velocity"] = float(opt.velocity[k])
            out["momentum"] = float(self.params["momentum"])
        elif isinstance(opt, optimizers.Adam):
            out.update(m=float(opt.m[k]), v=float(opt.v[k]), t=float(opt.t))
        return out

    # ------------------------------------------------------------------ the chain rule
    def derivative(self, name: str) -> float | None:
        """g'(z) of neuron `name` at this sample (None for softmax, whose derivative is a
        matrix)."""
        act = self._net.neuron(name).activation
        if act == "softmax":
            return None
        return float(get_unit(act).derivative(np.array([self.trace.z[name]]))[0])

    def delta_terms(self, name: str) -> dict[str, Any]:
        """How δ of neuron `name` is made: for an output, {'output': True, 'dL_dy': ∂L/∂y (mse)
        or None (cross-entropy: δ = (y - t)/k directly), 'g_prime', 'delta'}; for a hidden
        unit, {'output': False, 'g_prime', 'terms': [(target, w, δ_target)], 'sum', 'delta'}."""
        trace, net = self.trace, self._net
        delta = trace.delta[name]
        gp = self.derivative(name)
        if name in trace.error:
            k = len(trace.error)
            dl_dy = 2.0 * trace.error[name] / k if self.loss == "mse" else None
            return {"output": True, "dL_dy": dl_dy, "g_prime": gp, "delta": delta,
                    "error": trace.error[name], "outputs": k}
        terms = []
        for s in net.outgoing(name):
            target = net.neuron(s.target).name
            if target in trace.delta:
                terms.append((target, s.weight, trace.delta[target]))
        return {"output": False, "g_prime": gp, "terms": terms,
                "sum": float(sum(w * d for _, w, d in terms)), "delta": delta}

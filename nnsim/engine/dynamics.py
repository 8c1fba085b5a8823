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


# ---------------------------------------------------------------------- synchronous steps
class RecurrentStepper:
    """Synchronous discrete-time update of any network, loops included.

    At each step the given inputs are clamped first; then every other neuron computes from the
    outputs of the previous step: z = sum(w * y_prev) + b, y = g(z), and y = 0 where an
    inhibitory synapse's source fired (McCulloch-Pitts' absolute veto).  Gaussian units use the
    squared distance to their incoming weights."""

    def __init__(self, net) -> None:
        neurons = net.neurons
        index = {n.id: i for i, n in enumerate(neurons)}
        n = len(neurons)
        self.names = [nr.name for nr in neurons]
        self.weights = np.zeros((n, n))
        self.mask = np.zeros((n, n))
        veto = np.zeros((n, n))
        for s in net.synapses:
            i, j = index[s.source], index[s.target]
            if s.kind == "inhibitory":
                veto[i, j] = 1.0
            else:
                self.weights[i, j] = s.weight
                self.mask[i, j] = 1.0
        self.veto = veto if veto.any() else None
        self.biases = np.array([nr.bias for nr in neurons])
        self.clamped = np.array([nr.role == "input" for nr in neurons])
        self.initial_inputs = np.array([nr.value for nr in neurons])
        self.groups: dict[str, np.ndarray] = {}
        for i, nr in enumerate(neurons):
            if nr.role != "input":
                self.groups.setdefault(nr.activation, []).append(i)
        self.groups = {k: np.asarray(v) for k, v in self.groups.items()}
        self.beta = np.array([nr.param("beta", 1.0) for nr in neurons])
        self.index = {nr.name: index[nr.id] for nr in neurons}

    def step(self, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One synchronous update of `state` (n,) or (batch, n); returns (new state, z)."""
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
def energy(weights: np.ndarray, biases: np.ndarray, state) -> float:
    """E(s) = -1/2 s^T W s - b^T s."""
    s = np.asarray(state, dtype=float)
    if s.shape != biases.shape:
        raise ValueError(f"state must have {biases.shape[0]} values, not shape {s.shape}")
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


def async_sweep(weights: np.ndarray, biases: np.ndarray, s: np.ndarray, order: np.ndarray,
                field: np.ndarray) -> int:
    """Update units one at a time in `order`, in place; `field` (W^T s + b) is kept current by
    adding one row per flip, so a sweep costs O(n) plus O(n) per flipped unit.  Returns flips."""
    flips = 0
    for i in order.tolist():
        new = 1.0 if field[i] >= 0 else -1.0
        if new != s[i]:
            field += (new - s[i]) * weights[i]
            s[i] = new
            flips += 1
    return flips


def settle(weights: np.ndarray, biases: np.ndarray, state, mode: str = "async",
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
    w_rows = np.ascontiguousarray(weights)  # row i: how unit i's flip moves every field
    for _ in range(int(max_sweeps)):
        if mode == "async":
            field = s @ weights + biases
            changed = async_sweep(w_rows, biases, s, rng.permutation(n), field)
        else:
            new = np.where(s @ weights + biases >= 0, 1.0, -1.0)
            changed = int(np.sum(new != s))
            s = new
        states.append(s.copy())
        energies.append(energy(weights, biases, s))
        if changed == 0:
            converged = True
            break
    return SettleResult(np.array(states), np.array(energies), converged)



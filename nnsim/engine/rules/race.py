"""Optimisers racing on a loss landscape: SGD, momentum and Adam from one starting point.

    L = loss_landscape(net, data, weights=[("x1", "y"), ("x2", "y")], span=2.5)
    paths = race(net, data, L, start=(-1.0, 3.0), steps=60,
                 optimizers=[{"optimizer": "sgd", "learning_rate": 0.9},
                             {"optimizer": "momentum", "learning_rate": 0.1},
                             {"optimizer": "adam", "learning_rate": 0.1}])
    paths[0].points   # (k, 2): where SGD's weights were, in the plane's units (L.a, L.b)
    paths[0].loss     # (k,): the loss there (the first value at the start)

The start (u, v) is a point of the landscape's plane, in its own units: the two weights' values
for two chosen synapses, (alpha, beta) for random directions.  Every racer is the Backprop rule's
own trainer (rules.Backprop with that optimizer and learning rate, the landscape's loss, the
race's batch size, no reshuffling), on a copy of the network whose parameters are put at the
start, with the same seed: each path is what a separate Backprop run of that optimizer from that
point does, step by step (tests/engine/test_race.py checks it against separate runs).  The batch
is the whole data set unless given (plain gradient descent: one step is one epoch, and the
paths are the optimisers' own, not the noise of sampling).

What moves (a decision, shown on the plot):
  - two chosen synapses: only these two weights move; every other weight and bias stays as it
    is at the start (their gradient is masked out before the optimiser's step, so no optimiser
    state builds up for them either).  The paths then lie on the plane, and the landscape drawn
    under them is the true loss surface along them: a valley seen is a valley walked.
  - random directions: every parameter moves, as in real training, and the paths are the
    parameters projected onto the plane (LossLandscape.coordinates, least squares).  The surface
    drawn is the loss in the plane only, so a path may cross its contours where the real run,
    off the plane, goes downhill.

The module also holds what a Simulation sends for the landscape plot (LandscapeSpec asks,
LandscapeView and RaceView answer, in snapshots) so that the engine and the app share one
definition.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..datasets import as_dataset
from .landscape import LossLandscape, loss_landscape
from .optimizers import OPTIMIZERS

DEFAULT_OPTIMIZERS = ({"optimizer": "sgd", "learning_rate": 0.1},
                      {"optimizer": "momentum", "learning_rate": 0.01},
                      {"optimizer": "adam", "learning_rate": 0.05})
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam"}
MAX_RACE_STEPS = 100_000
OPTIMIZER_KEYS = ("optimizer", "learning_rate", "momentum", "beta1", "beta2", "epsilon")


# ---------------------------------------------------------------------- what the plot asks for
@dataclass(frozen=True)
class LandscapeSpec:
    """The plane to draw: two synapses ((source, target) names) or "random" directions (with a
    seed), `span` either side of the current weights, `resolution` points a side."""
    weights: Any = "random"
    span: float = 2.0
    resolution: int = 81
    seed: int = 0

    def __post_init__(self) -> None:
        w = self.weights
        if not isinstance(w, str):
            object.__setattr__(self, "weights", tuple(tuple(str(n) for n in pair) for pair in w))


@dataclass(frozen=True)
class RaceSpec:
    """A race: start (u, v) in the landscape's plane, the optimisers (Backprop parameters:
    optimizer, learning_rate and optionally momentum, beta1, beta2, epsilon), how many steps,
    the batch size (None: the whole data).  `serial` tells two races from the same point apart
    (a second click restarts it)."""
    start: tuple[float, float]
    optimizers: tuple = DEFAULT_OPTIMIZERS
    steps: int = 200
    batch_size: int | None = None
    serial: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", (float(self.start[0]), float(self.start[1])))
        object.__setattr__(self, "optimizers", tuple(
            tuple(sorted(dict(o).items())) if isinstance(o, Mapping) else tuple(o)
            for o in self.optimizers))

    def optimizer_params(self) -> list[dict]:
        return [dict(o) for o in self.optimizers]


@dataclass(frozen=True, eq=False)
class LandscapeView:
    """A landscape as snapshots carry it: loss[i, j] at (a[i], b[j]); `labels` name the axes;
    `frozen`: two synapses (only they move in a race); `problem`: why there is none."""
    spec: LandscapeSpec | None
    a: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    centre: tuple[float, float]
    centre_loss: float
    labels: tuple[str, str]
    loss_name: str
    frozen: bool
    problem: str = ""


@dataclass(frozen=True, eq=False)
class RacePath:
    """One optimiser's path: points (k, 2) in the plane's units, loss (k,) at each (the first
    at the start); its final parameters (`theta`, the Backprop rule's flat order)."""
    optimizer: str
    learning_rate: float
    label: str
    points: np.ndarray
    loss: np.ndarray
    theta: np.ndarray = field(repr=False, default=None)
    diverged: bool = False


@dataclass(frozen=True, eq=False)
class RaceView:
    """A race as snapshots carry it: its spec, the paths so far, whether it is over."""
    spec: RaceSpec
    paths: tuple[RacePath, ...]
    frozen: bool
    done: bool


def synapse_label(key) -> str:
    source, target = key
    return f"w {source}→{target}"


def axis_labels(weights) -> tuple[str, str]:
    if isinstance(weights, str):
        return ("direction 1", "direction 2")
    return synapse_label(weights[0]), synapse_label(weights[1])


def landscape_view(landscape: LossLandscape, spec: LandscapeSpec | None = None) -> LandscapeView:
    """The snapshot's read-only form of a LossLandscape."""
    def ro(x, dtype=float):
        out = np.array(x, dtype=dtype)
        out.setflags(write=False)
        return out

    mid = len(landscape.a) // 2
    return LandscapeView(spec, ro(landscape.a), ro(landscape.b), ro(landscape.loss, np.float32),
                         (float(landscape.a[mid]), float(landscape.b[mid])),
                         float(landscape.centre), axis_labels(landscape.weights),
                         landscape.loss_name, not isinstance(landscape.weights, str))


def no_landscape(spec: LandscapeSpec | None, problem: str) -> LandscapeView:
    empty = np.empty(0)
    empty.setflags(write=False)
    grid = np.empty((0, 0), np.float32)
    grid.setflags(write=False)
    return LandscapeView(spec, empty, empty, grid, (0.0, 0.0), float("nan"),
                         axis_labels(spec.weights if spec is not None else "random"), "",
                         False, problem)


# ---------------------------------------------------------------------- the race
def start_parameters(landscape: LossLandscape, start: Sequence[float]) -> np.ndarray:
    """The parameters at point (u, v) of the landscape's plane."""
    u, v = (float(s) for s in start)
    if not (np.isfinite(u) and np.isfinite(v)):
        raise ValueError(f"a race starts at a finite point, not {start!r}")
    if not isinstance(landscape.weights, str):
        mid = len(landscape.a) // 2
        u, v = u - landscape.a[mid], v - landscape.b[mid]
    d1, d2 = landscape.directions
    return landscape.theta + u * d1 + v * d2


def network_at(net, theta: np.ndarray, loss: str = "mse"):
    """A copy of `net` with the Backprop rule's flat parameters `theta` written in."""
    from .gradients import Graph

    compiled = net.compile()
    graph = Graph(compiled, loss)
    if graph.theta.shape != np.shape(theta):
        raise ValueError(f"{np.size(theta)} parameters do not fit this network's "
                         f"{graph.theta.size}")
    np.copyto(graph.theta, theta)
    out = net.copy()
    compiled.write_back(out, graph.layer_parameters())
    return out


def race_rule(optimizer: Mapping[str, Any], loss: str, batch_size: int):
    """The Backprop rule a racer trains with: exactly what a separate run would use."""
    from .backprop import Backprop

    params = dict(optimizer)
    unknown = set(params) - set(OPTIMIZER_KEYS)
    if unknown:
        raise ValueError(f"an optimizer in a race takes {', '.join(OPTIMIZER_KEYS)}, not "
                         f"{', '.join(sorted(unknown))}")
    if params.get("optimizer") not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, not "
                         f"{params.get('optimizer')!r}")
    return Backprop(**params, loss=loss, batch_size=int(batch_size), shuffle=False)


class _Masked:
    """An optimiser that moves only the parameters where `mask` is 1: their gradient alone
    reaches it (the others get 0, so SGD, momentum and Adam leave them exactly as they are)."""

    def __init__(self, inner, mask: np.ndarray) -> None:
        self.inner, self.mask = inner, mask
        self.name = inner.name
        self.buffer = np.zeros_like(mask)

    def step(self, theta: np.ndarray, grad: np.ndarray, p) -> None:
        np.multiply(grad, self.mask, out=self.buffer)
        self.inner.step(theta, self.buffer, p)


class _Racer:
    def __init__(self, rule, net, data, landscape: LossLandscape, mask, seed) -> None:
        self.rule = rule
        self.trainer = rule.trainer(net, data, seed)
        if mask is not None:
            self.trainer.optimizer = _Masked(self.trainer.optimizer, mask)
        self.landscape = landscape
        self.points = [self._where()]
        self.loss = [self._loss()]

    def _where(self) -> tuple[float, float]:
        return self.landscape.coordinates(self.trainer.graph.theta)

    def _loss(self) -> float:
        t = self.trainer
        with np.errstate(all="ignore"):
            return float(t.graph.evaluate(t.X, t.D)[0])

    @property
    def done(self) -> bool:
        return self.trainer.history.done

    def step(self) -> None:
        if self.done:
            return
        self.trainer.step()
        if self.trainer.history.diverged:
            return
        self.points.append(self._where())
        self.loss.append(self._loss())

    def path(self) -> RacePath:
        p = self.rule.params
        points = np.array(self.points, dtype=float).reshape(-1, 2)
        loss = np.array(self.loss, dtype=float)
        theta = self.trainer.graph.theta.copy()
        for a in (points, loss, theta):
            a.setflags(write=False)
        name = p["optimizer"]
        label = f"{OPTIMIZER_LABELS.get(name, name)} η={p['learning_rate']:g}"
        return RacePath(name, float(p["learning_rate"]), label, points, loss, theta,
                        bool(self.trainer.history.diverged))


class Race:
    """Racers stepped together: `step(n)` advances each by n steps (fewer once `done`)."""

    def __init__(self, net, data, landscape: LossLandscape, start: Sequence[float],
                 optimizers: Sequence[Mapping[str, Any]] = DEFAULT_OPTIMIZERS,
                 steps: int = 200, batch_size: int | None = None, seed: int | None = 0,
                 loss: str | None = None) -> None:
        steps = int(steps)
        if not 1 <= steps <= MAX_RACE_STEPS:
            raise ValueError(f"a race takes 1 to {MAX_RACE_STEPS:,} steps, not {steps}")
        data = as_dataset(data)
        if data is None or data.y is None or len(data) == 0:
            raise ValueError("a race needs data with targets")
        loss = loss or landscape.loss_name
        if loss != landscape.loss_name:
            raise ValueError(f"the race's loss {loss!r} is not the landscape's "
                             f"{landscape.loss_name!r}")
        batch = len(data) if batch_size is None else int(batch_size)
        if batch < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.frozen = not isinstance(landscape.weights, str)
        mask = None
        if self.frozen:
            d1, d2 = landscape.directions
            mask = ((d1 != 0) | (d2 != 0)).astype(float)
        self.start_theta = start_parameters(landscape, start)
        self.start_network = network_at(net, self.start_theta, loss)
        rules = [race_rule(o, loss, batch) for o in optimizers]  # all checked before any runs
        if not rules:
            raise ValueError("a race needs at least one optimizer")
        self.steps_total = steps
        self.racers = [_Racer(rule, self.start_network, data, landscape, mask, seed)
                       for rule in rules]
        self.steps = 0

    @property
    def done(self) -> bool:
        return self.steps >= self.steps_total or all(r.done for r in self.racers)

    def step(self, n: int = 1) -> int:
        done = 0
        for _ in range(int(n)):
            if self.done:
                break
            for racer in self.racers:
                racer.step()
            self.steps += 1
            done += 1
        return done

    def paths(self) -> tuple[RacePath, ...]:
        return tuple(r.path() for r in self.racers)


def race(net, data: Any, landscape: LossLandscape, start: Sequence[float],
         optimizers: Sequence[Mapping[str, Any]] = DEFAULT_OPTIMIZERS, steps: int = 200,
         batch_size: int | None = None, seed: int | None = 0,
         loss: str | None = None) -> tuple[RacePath, ...]:
    """Each optimiser's path from `start` (u, v) over `steps` steps; see the module docstring."""
    r = Race(net, data, landscape, start, optimizers, steps, batch_size, seed, loss)
    r.step(steps)
    return r.paths()


SCENE_FIELDS = ("weights", "span", "seed", "race")
SCENE_RACE_FIELDS = ("start", "learning_rates", "steps")


def check_scene_landscape(spec: Any, net, fail) -> dict | None:
    """A lesson scene's "landscape" field checked: {"weights": "random" or two synapses
    [[source, target], [source, target]] of the scene's network, "span", "seed", "race":
    {"start": [u, v], "learning_rates": {"sgd": .., "momentum": .., "adam": ..}, "steps": n}}.
    `fail(where, problem)` makes the error (nnsim.engine.lessons)."""
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise fail("landscape", f"expected an object with {', '.join(SCENE_FIELDS)}")
    for key in spec:
        if key not in SCENE_FIELDS:
            raise fail(f"landscape.{key}", f"unknown field; the fields are {', '.join(SCENE_FIELDS)}")
    out: dict[str, Any] = {}
    weights = spec.get("weights", "random")
    if weights != "random":
        ok = (isinstance(weights, list) and len(weights) == 2
              and all(isinstance(w, list) and len(w) == 2 and all(isinstance(n, str) for n in w)
                      for w in weights) and weights[0] != weights[1])
        if not ok:
            raise fail("landscape.weights", 'expected "random" or two different synapses '
                                            '[["source", "target"], ["source", "target"]]')
        for source, target in weights:
            if net is not None and not (source in net.names and target in net.names
                                        and net.has_synapse(source, target)):
                raise fail("landscape.weights", f"{source}->{target} is not a synapse of this "
                                                "scene's network")
    out["weights"] = weights

    def number(value, where, low, high):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                low < value <= high):
            raise fail(where, f"expected a number above {low} and at most {high}")
        return float(value)

    out["span"] = number(spec.get("span", 2.0), "landscape.span", 0, 1000)
    seed = spec.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 9999:
        raise fail("landscape.seed", "expected a whole number 0 to 9999")
    out["seed"] = seed
    race_spec = spec.get("race")
    if race_spec is not None:
        if not isinstance(race_spec, dict):
            raise fail("landscape.race", f"expected an object with {', '.join(SCENE_RACE_FIELDS)}")
        for key in race_spec:
            if key not in SCENE_RACE_FIELDS:
                raise fail(f"landscape.race.{key}",
                           f"unknown field; the fields are {', '.join(SCENE_RACE_FIELDS)}")
        start = race_spec.get("start")
        if not (isinstance(start, list) and len(start) == 2):
            raise fail("landscape.race.start", "expected [u, v], a point of the plane")
        start = [number(v, "landscape.race.start", -1e6, 1e6) for v in start]
        rates = race_spec.get("learning_rates", {})
        if not isinstance(rates, dict) or set(rates) - set(OPTIMIZERS):
            raise fail("landscape.race.learning_rates",
                       f"expected {{optimizer: rate}} for {', '.join(OPTIMIZERS)}")
        rates = {k: number(v, f"landscape.race.learning_rates.{k}", 0, 10) for k, v in rates.items()}
        steps = race_spec.get("steps", 200)
        if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_RACE_STEPS:
            raise fail("landscape.race.steps", f"expected a whole number 1 to {MAX_RACE_STEPS:,}")
        out["race"] = {"start": start, "learning_rates": rates, "steps": steps}
    return out


__all__ = ["DEFAULT_OPTIMIZERS", "LandscapeSpec", "LandscapeView", "Race", "RacePath", "RaceSpec",
           "RaceView", "check_scene_landscape", "landscape_view", "loss_landscape", "network_at",
           "race", "race_rule", "start_parameters"]

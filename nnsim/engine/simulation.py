"""A network, a dataset and a learning rule, advanced step by step and observed as snapshots.

`Simulation` owns a private copy of the network.  `step(n)` does n units of work: with a rule,
n steps of the rule's trainer; without one, n synchronous time steps of a network with loops
(inputs clamped to their stored value), or a re-evaluation of a feed-forward one.  `snapshot()`
returns an immutable `Snapshot` (nnsim.engine.snapshot) that can cross a thread or a process:
its arrays are read-only, and its `network` is shared only by the snapshots of one state (copy it
before editing).

Editing while learning (`set_network`): the edit is merged three ways with what was learned, so
neither the user's edit nor the learning progress is lost.  For every synapse weight and bias,
  - the user changed it (edited value differs from the network last given)  -> the edit wins;
  - the user left it alone                                                  -> the learned value;
  - it is new                                                               -> the edit's value.
The trainer is then rebuilt on the merged network; step, epoch and history carry on.  This also
works when the GUI has already written the learned weights back (then edit == learned).
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from .datasets import as_dataset
from .dynamics import RecurrentStepper, async_sweep, energy, weights_of
from .layer_view import LayerViewSpec, layer_view
from .network import Network
from .regions import (
    DecisionMap,
    curve_of,
    decision_map,
    extent_for,
    neuron_curves_of,
    output_curve,
    with_parameters,
    x_range_for,
)
from .rules.landscape import loss_landscape
from .rules.race import (
    LandscapeSpec,
    Race,
    RaceSpec,
    RaceView,
    landscape_view,
    no_landscape,
)
from .run_history import RunHistory
from .snapshot import LearnedView, Snapshot, frozen, layer_parameters, learned_network

__all__ = ["Simulation", "Snapshot", "learned_network", "merge_learning"]


class Simulation:
    """Network + dataset + rule -> step(), snapshot().  Seeded and deterministic."""

    def __init__(self, network: Network | None = None, dataset: Any = None, rule: Any = None,
                 seed: int = 0) -> None:
        self.seed = int(seed)
        self._given = (network or Network()).copy()  # the network as last given (the "base")
        self._revision = self._given.revision
        self._net = self._given.copy()  # current network, learned weights included
        self.dataset = as_dataset(dataset)
        self.rule = rule
        self.map_resolution = 200  # decision map side in snapshots; 0: no map
        self.canvas_maps = True  # every neuron's own map (or curve) in snapshots, for the canvas
        self.layer_view_spec: LayerViewSpec | None = None  # the layer view asked for, if any
        self.landscape_spec: LandscapeSpec | None = None  # the loss landscape asked for, if any
        self.race_spec: RaceSpec | None = None  # optimisers racing on it (steps run the race)
        self._landscape_cache: tuple = ((), None, None)  # (key, LossLandscape, LandscapeView)
        self._race: tuple = ((), None, "")  # (key, Race or None, why none)
        self._path: list[tuple[float, float]] = []  # the run's weights in the landscape's plane
        self._path_key: tuple = ((), -1)  # (landscape, trainer step) of the last point
        self.stop_conditions: dict[str, Any] = {}
        self._schedule: list[Mapping[str, float]] = []
        self._trainer = None
        self._generation = 0  # trainers built so far: seeds each one differently, reproducibly
        self._log = RunHistory()
        self._history_epochs: dict[str, np.ndarray] = {}  # the epochs of the last history's values
        self._published_cache: tuple = (((), ()), None)
        self._clear_progress()
        self._compile()
        self._build_trainer(strict=True)

    # ------------------------------------------------------------------ state
    def _clear_progress(self) -> None:
        self.steps = 0
        self._rng = np.random.default_rng(self.seed)  # the order of Hopfield updates
        self._dynamics_revision = -1
        self._log.reset()
        self._stopped = ""  # set when recurrent values leave the finite range
        self._order, self._order_at = None, 0  # a Hopfield sweep's order, and how far it got
        self._state = None

    def _compile(self) -> None:
        """Arrays for stepping the current network; the recurrent state follows neurons by name."""
        net = self._net
        self._stepper = RecurrentStepper(net)
        old = self._state
        old_names = getattr(self, "_state_names", [])
        state = np.where(self._stepper.clamped, self._stepper.initial_inputs, 0.0)
        z = np.zeros_like(state)
        if old is not None:
            position = {name: i for i, name in enumerate(old_names)}
            for i, name in enumerate(self._stepper.names):
                if name in position and not self._stepper.clamped[i]:
                    state[i] = old[0][position[name]]
                    z[i] = old[1][position[name]]
        self._state = (state, z)
        self._state_names = list(self._stepper.names)
        self._recurrent = not net.is_feedforward  # a topology query: not per step
        # Sign units joined symmetrically: settle one unit at a time (Hopfield), not in lockstep.
        units = [nr for nr in net.neurons if nr.role != "input"]
        self._hopfield = (self._recurrent and bool(units) and net.is_symmetric
                          and all(nr.activation == "sign" for nr in units))
        if self._hopfield and not np.all(np.isin(self._state[0], (-1.0, 1.0))):
            self._state = (np.where(self._state[0] >= 0, 1.0, -1.0), z)
        self._ff_cache = None
        # Names are fixed until the next edit (a trainer changes weights, never topology).
        index = {nr.id: nr.name for nr in net.neurons}
        self._names = tuple(net.names)
        self._synapse_names = tuple((index[a], index[b]) for a, b in
                                    ((s.source, s.target) for s in net.synapses))
        self._static = None  # (weights, biases) while no trainer changes them
        self._view: LearnedView | None = None  # rebuilt for each trainer
        self._extent_cache: tuple = (object(), None)  # (dataset, its extent)
        self._energy_cache: tuple = (None, -1, None)  # (network, revision, weights or None)

    def _trainer_seed(self) -> int:
        seq = np.random.SeedSequence([self.seed, self._generation])
        return int(seq.generate_state(1)[0])

    def _build_trainer(self, strict: bool) -> None:
        """A fresh trainer on the current network.  strict: raise when the rule does not apply;
        otherwise keep the rule, step without it and say why in the snapshot's message."""
        if self._trainer is not None:
            self._bank_history()
        self._trainer = None
        self._rule_problem = ""
        if self.rule is None:
            return
        ok = self.rule.applies_to(self._net)
        if not ok:
            if strict:
                raise ValueError(f"{self.rule.title or self.rule.name} does not apply to this "
                                 f"network: {ok.reason}")
            self._rule_problem = f"{self.rule.title or self.rule.name} paused: {ok.reason}"
            return
        rule = self.rule
        if self._generation > 0 and getattr(rule, "params", {}).get("reinitialize"):
            # Only a run's first trainer may draw fresh weights: a rebuild after an edit
            # continues from the learned ones.
            rule = copy.copy(rule)
            rule.params = dict(rule.params, reinitialize=False)
        try:
            self._trainer = rule.trainer(self._net, self.dataset, self._trainer_seed())
        except ValueError as exc:
            if strict:
                raise
            self._rule_problem = str(exc)
            return
        self._generation += 1

    def _bank_history(self) -> None:
        """Keep a replaced trainer's figures and epochs, so history runs on across edits."""
        self._log.bank(self._trainer.history)

    @property
    def history_serial(self) -> int:
        """Changes whenever the history stops being an extension of the last one."""
        return self._log.serial

    def _learned(self) -> Network:
        """The current network with the trainer's weights (a copy)."""
        if self._trainer is None:
            return self._net.copy()
        return self._trainer.network()

    def _published(self) -> Network:
        """The learned network for snapshots: one copy per state, shared by every snapshot of
        that state (a snapshot's network is read-only by contract).  Sharing it is what lets a
        frame sent to another process refer to a network already sent instead of resending it."""
        trainer = self._trainer
        objects = (self._net, trainer)
        counts = (self._net.revision, trainer.history.steps if trainer is not None else -1)
        (kept_objects, kept_counts), cached = self._published_cache
        if cached is None or kept_counts != counts or any(
                a is not b for a, b in zip(kept_objects, objects)):
            cached = self._learned()
            self._published_cache = ((objects, counts), cached)
        return cached

    # ------------------------------------------------------------------ commands
    @property
    def network(self) -> Network:
        """A copy of the current network, learned weights included."""
        return self._learned()

    @property
    def epoch(self) -> int:
        return self._log.epochs_before + (self._trainer.history.epochs if self._trainer else 0)

    @property
    def steps_per_epoch(self) -> int:
        """Steps in one epoch of the rule now training (one pass over its data): the unit of a
        paced run ("10 epochs/s").  1 where no rule trains: a step is then the unit."""
        trainer = self._trainer
        if trainer is None or trainer.history.done:
            return 1
        return max(1, int(trainer.steps_per_epoch))

    @property
    def done(self) -> bool:
        """Nothing more happens on stepping: values stopped, a stop condition was met, or the
        rule is done and the network has no dynamics of its own to run (a race: it is over)."""
        race = self._current_race() if self.race_spec is not None else None
        if race is not None:
            return race.done
        if self._stopped or self._stop_condition_met():
            return True
        return bool(self._trainer is not None and self._trainer.history.done and not self._recurrent)

    def _stop_condition_met(self) -> bool:
        if self._trainer is None:
            return False
        stop = self.stop_conditions
        limit = stop.get("epochs")
        if limit is not None and self.epoch >= int(limit):
            return True
        target = stop.get("target_loss")
        loss = self._trainer.history.loss
        return target is not None and bool(loss) and loss[-1] <= float(target)

    def set_stop_conditions(self, conditions: Mapping[str, Any]) -> None:
        """{"epochs": limit, "target_loss": value or None, ...}: stepping stops when one is met."""
        self.stop_conditions = dict(conditions)

    def set_canvas_maps(self, on: bool) -> None:
        """Whether snapshots carry every neuron's own map (two inputs) or curve (one input)."""
        self.canvas_maps = bool(on)

    def set_layer_view(self, spec: LayerViewSpec | None) -> None:
        """The hidden layer whose view of the plane snapshots carry (None: no layer view)."""
        if spec is not None and not isinstance(spec, LayerViewSpec):
            raise ValueError(f"a layer view is asked for by a LayerViewSpec, not {spec!r}")
        self.layer_view_spec = spec

    def set_landscape(self, spec: LandscapeSpec | None) -> None:
        """The loss landscape snapshots carry (None: none).  Computed when first needed and
        again only when the network, data or loss change, never per frame."""
        if spec is not None and not isinstance(spec, LandscapeSpec):
            raise ValueError(f"a loss landscape is asked for by a LandscapeSpec, not {spec!r}")
        self.landscape_spec = spec

    def set_race(self, spec: RaceSpec | None) -> None:
        """Race optimisers on the landscape (nnsim.engine.rules.race): while a race is set,
        steps advance the racers (each one step per step) instead of the rule's trainer, until
        the race is done.  None: back to the rule.  A new spec, an edit or reset restarts it."""
        if spec is not None and not isinstance(spec, RaceSpec):
            raise ValueError(f"a race is asked for by a RaceSpec, not {spec!r}")
        self.race_spec = spec

    def _landscape_loss(self) -> str:
        params = getattr(self.rule, "params", None) or {}
        return str(params.get("loss", "mse"))

    def _landscape(self):
        """(LossLandscape or None, LandscapeView or None) for the landscape asked for."""
        spec = self.landscape_spec
        if spec is None:
            return None, None
        key = (spec, self._net, self._net.revision, self.dataset, self._landscape_loss())
        kept, landscape, view = self._landscape_cache
        if kept and kept[0] == spec and all(a is b for a, b in zip(kept[1:4:2], key[1:4:2])) \
                and kept[2] == key[2] and kept[4] == key[4]:
            return landscape, view
        weights = spec.weights if isinstance(spec.weights, str) else list(spec.weights)
        try:
            landscape = loss_landscape(self._net, self.dataset, weights, spec.span,
                                       spec.resolution, key[-1], spec.seed)
            view = landscape_view(landscape, spec)
        except ValueError as exc:
            landscape, view = None, no_landscape(spec, str(exc))
        self._landscape_cache = (key, landscape, view)
        return landscape, view

    def _current_race(self) -> Race | None:
        """The race asked for, made (or made again: a new spec, edit or reset) when needed."""
        spec = self.race_spec
        if spec is None:
            return None
        landscape, _ = self._landscape()
        key = (spec, landscape)
        kept, made, _ = self._race
        if len(kept) == 2 and kept[0] == spec and kept[1] is landscape:
            return made
        made, problem = None, ""
        if landscape is None:
            problem = "the race needs the loss landscape: " + (
                "none is shown" if self.landscape_spec is None else self._landscape()[1].problem)
        else:
            try:
                made = Race(self._net, self.dataset, landscape, spec.start,
                            spec.optimizer_params(), spec.steps, spec.batch_size, self.seed)
            except ValueError as exc:
                problem = f"the race cannot run: {exc}"
        self._race = (key, made, problem)
        return made

    def _landscape_fields(self) -> dict:
        """The snapshot's landscape, the run's path on it (or the race's paths)."""
        landscape, view = self._landscape()
        if view is None:
            return {}
        out = {"landscape": view}
        race = self._current_race()
        if race is not None:
            out["race"] = RaceView(self.race_spec, race.paths(), race.frozen, race.done)
            return out
        trainer = self._trainer
        graph = getattr(trainer, "graph", None)
        if landscape is None or graph is None:
            return out
        if self._path_key[0] is not landscape:
            self._path, self._path_key = [], (landscape, -1)
        steps = trainer.history.steps
        if steps != self._path_key[1] and np.isfinite(graph.theta).all():
            self._path.append(landscape.coordinates(graph.theta))
            self._path_key = (landscape, steps)
            if len(self._path) > 2000:  # bounded: every other point, the first and last kept
                self._path = self._path[:-1:2] + self._path[-1:]
        out["landscape_path"] = frozen(np.array(self._path, dtype=float).reshape(-1, 2))
        return out

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Change the rule's parameters; the running trainer uses them from its next step."""
        if self.rule is not None:
            self.rule.set_params(**params)

    def set_state(self, state: Any) -> None:
        """Set the outputs of a network with loops (e.g. a Hopfield start pattern), in network
        order; inputs keep their clamped values."""
        values = np.asarray(state, dtype=float)
        current, z = self._state
        if values.shape != current.shape:
            raise ValueError(f"a state needs {current.shape[0]} values, not {values.shape[0]}")
        self._state = (np.where(self._stepper.clamped, current, values), z)

    def set_schedule(self, inputs: list[Mapping[str, float]]) -> None:
        """Input values per step from step 0 (a lesson's pulses); after the last, they stay."""
        self._schedule = [dict(step) for step in inputs]

    def set_network(self, network: Network, revision: int | None = None) -> None:
        """Apply an edited network, keeping what was learned (see the module docstring)."""
        edited = network.copy()
        learned = self._learned()
        if self._trainer is not None and network == learned:
            # What was learned, written back (the window's "Training" step after a pause): the
            # run goes on with its trainer, so a converged rule stays converged and done.
            self._given = edited
            self._revision = network.revision if revision is None else int(revision)
            return
        if self._trainer is not None or learned != self._given:
            edited = merge_learning(self._given, learned, edited)
        self._given = network.copy()
        self._revision = network.revision if revision is None else int(revision)
        self._net = edited
        self._compile()
        self._build_trainer(strict=False)

    def set_rule(self, rule: Any, strict: bool = True) -> None:
        """Change the rule (None: no learning).  Raises ValueError, changing nothing, when it
        does not apply to the network; strict=False keeps it, paused, saying why (as an edit
        that makes the rule inapplicable does)."""
        self._net = self._learned()
        self._compile()
        previous, self.rule = self.rule, rule
        try:
            self._build_trainer(strict=strict)
        except ValueError:
            self.rule = previous
            self._build_trainer(strict=False)
            raise

    def set_dataset(self, dataset: Any) -> None:
        self._net = self._learned()
        self._compile()
        self.dataset = as_dataset(dataset)
        self._build_trainer(strict=False)

    def reset(self) -> None:
        """Back to the network as last given: weights, state, step and history start over."""
        self._net = self._given.copy()
        self._generation = 0
        self._trainer = None
        self._race = ((), None, "")  # a race starts over too
        self._clear_progress()
        self._compile()
        self._build_trainer(strict=False)

    def step(self, n: int = 1) -> int:
        """Advance by n units of work; returns how many were done (fewer once done)."""
        done = 0
        for _ in range(int(n)):
            if self.done:
                break
            race = self._current_race() if self.race_spec is not None else None
            if race is not None:  # a race runs instead of the rule
                race.step()
                done += 1
                continue
            if self._trainer is not None and not self._trainer.history.done:
                self._trainer.step()
                self._ff_cache = None
            elif self._recurrent:
                self._recurrent_step(self.steps + done)
            elif self.steps + done < len(self._schedule):  # a feed-forward net's scheduled inputs
                self._apply_schedule(self.steps + done)  # (then the user's clicks hold again)
                self._ff_cache = None
            done += 1
        self.steps += done
        return done

    def _recurrent_step(self, t: int) -> None:
        if self._trainer is not None and self._dynamics_revision != self._trainer.history.steps:
            # The rule is done (e.g. patterns stored): run the learned weights' own dynamics.
            self._net = self._trainer.network()
            self._compile()
            self._dynamics_revision = self._trainer.history.steps
        if self._schedule:
            self._apply_schedule(t)
        state, _ = self._state
        if self._hopfield:
            self._hopfield_sweep(state)
            return
        clamped = self._stepper.clamped
        state = np.where(clamped, self._stepper.initial_inputs, state)
        # Linear loops may grow without bound by design: detect it rather than warn.
        with np.errstate(all="ignore"):
            new, z = self._stepper.step(state)
        if not (np.all(np.isfinite(new)) and np.all(np.isfinite(z))):
            self._stopped = "values left the finite range: stopped"
            return
        self._state = (new, z)

    def _apply_schedule(self, t: int) -> None:
        clamp = self._schedule[min(t, len(self._schedule) - 1)]
        index = self._stepper.index
        values = self._stepper.initial_inputs
        for name, value in clamp.items():
            if name in index:
                values[index[name]] = float(value)

    def _hopfield_sweep(self, state: np.ndarray) -> None:
        """One asynchronous sweep in a seeded random order: the energy never increases.  With
        the Hopfield rule's recall_units = k (0 < k < n), a step updates only the next k units
        of the sweep's order (k = 1: recall seen update by update, the energy at each)."""
        stepper = self._stepper
        s = state.copy()
        field = stepper.field(s)  # synapses only for a large net: no n x n matrix
        n = len(s)
        k = int((getattr(self.rule, "params", None) or {}).get("recall_units", 0) or 0)
        if 0 < k < n:
            if self._order is None or len(self._order) != n or self._order_at >= n:
                self._order, self._order_at = self._rng.permutation(n), 0
            order = self._order[self._order_at:self._order_at + k]
            self._order_at += len(order)
        else:
            order = self._rng.permutation(n)
        async_sweep(stepper.rows, stepper.biases, s, order, field)
        self._state = (s, field)

    # ------------------------------------------------------------------ observing
    def _feedforward_values(self, net: Network) -> tuple[np.ndarray, np.ndarray]:
        """Outputs and net inputs for the clamped inputs, in network order."""
        compiled = net.compile()
        x = compiled.input_values[None, :]
        if self._schedule:  # the inputs as scheduled (the network's own until a step applies them)
            index, values = self._stepper.index, self._stepper.initial_inputs
            x = np.array([[values[index[name]] for name in compiled.input_names]])
        with np.errstate(all="ignore"):
            a, z = compiled.forward_full(x)
        columns = [compiled.column[nr.id] for nr in net.neurons]
        return a[0, columns], z[0, columns]

    def _values(self, net: Network) -> tuple[np.ndarray, np.ndarray]:
        if self._recurrent:
            return self._state
        if self._trainer is None and self._ff_cache is not None:
            return self._ff_cache
        values = self._feedforward_values(net)
        if self._trainer is None:
            self._ff_cache = values
        return values

    def _history(self) -> dict[str, np.ndarray]:
        """The history's values; `self._history_epochs` their epochs (bounded: older epochs as
        min/max envelopes, see nnsim.engine.run_history)."""
        values, self._history_epochs = self._log.figures(
            self._trainer.history if self._trainer is not None else None)
        return values

    def _decision_map(self, net: Network) -> DecisionMap | None:
        if not self.map_resolution or len(net.inputs) != 2:
            return None
        return decision_map(net, self._extent(), self.map_resolution,
                            canvas_maps=self.canvas_maps)

    def _curve(self, net: Network):
        if len(net.inputs) != 1:
            return None
        return output_curve(net, x_range_for(self.dataset))

    def _learned_view(self) -> LearnedView | None:
        """Fast access to a running feed-forward trainer's weights, or None (then the snapshot
        is built from trainer.network())."""
        trainer = self._trainer
        if trainer is None or self._recurrent or layer_parameters(trainer) is None:
            return None
        cached = self._view
        if cached is None or cached.trainer is not trainer:
            cached = self._view = LearnedView(trainer, trainer.net)
        return cached

    def _extent(self):
        if self._extent_cache[0] is not self.dataset:
            self._extent_cache = (self.dataset, extent_for(self.dataset))
        return self._extent_cache[1]

    def snapshot(self, decision: bool = True) -> Snapshot:
        """The current state.  decision=False leaves the decision map out (None): a caller that
        draws less often than it takes snapshots saves its cost."""
        view = self._learned_view()
        params = view.parameters() if view is not None else None
        if params is None:
            return self._snapshot_of(self._published(), decision)
        weights, biases = view.arrays(params)
        outputs, net_inputs = view.values(params)
        history = self._history()
        metrics = {key: float(values[-1]) for key, values in history.items()}
        metrics["steps"] = float(self.steps)
        compiled = view.compiled
        curve = None
        learned = with_parameters(compiled, params)
        if compiled.n_inputs == 1:
            curve = curve_of(learned, x_range_for(self.dataset))
        view.maps.canvas_maps = self.canvas_maps
        return self._make_snapshot(
            outputs, net_inputs, weights, biases, metrics, history,
            network_source=functools.partial(learned_network, view.base, view.compiled, params),
            decision=(view.maps(params, self._extent(), self.map_resolution, weights, biases)
                      if decision and self.map_resolution else None),
            curve=curve, compiled=learned if decision else None)

    def _symmetric_weights(self, net: Network):
        """net's weights (dense, or its synapses only for a large net: dynamics.weights_of) when
        it is symmetric, else None; kept while the published network is the same (it serves every
        snapshot of one state), so a large net is not walked again for each frame."""
        kept, revision, weights = self._energy_cache
        if kept is not net or revision != net.revision:
            weights = weights_of(net) if net.is_symmetric else None
            self._energy_cache = (net, net.revision, weights)
        return weights

    def _snapshot_of(self, net: Network, decision: bool) -> Snapshot:
        outputs, net_inputs = self._values(net)
        history = self._history()
        metrics = {key: float(values[-1]) for key, values in history.items()}
        weights = self._symmetric_weights(net) if self._recurrent and len(net) else None
        if weights is not None:
            state = self._state[0]
            with np.errstate(all="ignore"):
                metrics["energy"] = energy(weights, net.bias_vector(), state)
        metrics["steps"] = float(self.steps)
        if self._trainer is not None or self._static is None:
            static = (frozen([s.weight for s in net.synapses]), frozen(net.bias_vector()))
            self._static = None if self._trainer is not None else static
        else:
            static = self._static  # read-only arrays: safe to share between snapshots
        return self._make_snapshot(
            outputs, net_inputs, static[0], static[1], metrics, history, network_source=net,
            decision=self._decision_map(net) if decision else None, curve=self._curve(net),
            compiled=net.compile() if decision and not self._recurrent else None)

    def _pictures(self, compiled) -> dict:
        """The per-neuron curves and the layer view of a feed-forward `compiled` network (with
        the weights to show), as asked for (set_canvas_maps, set_layer_view)."""
        if compiled is None or not compiled.is_feedforward:
            return {}
        out = {}
        if self.canvas_maps and compiled.n_inputs == 1:
            out["neuron_curves"] = neuron_curves_of(compiled, x_range_for(self.dataset))
        if self.layer_view_spec is not None and compiled.n_inputs == 2:
            data = self.dataset if self.dataset is not None and len(self.dataset) else None
            out["layer_view"] = layer_view(
                compiled, self.layer_view_spec, self._extent(),
                data.X if data is not None else None,
                data.y if data is not None else None)
        return out

    def _make_snapshot(self, outputs, net_inputs, weights, biases, metrics, history, *,
                       network_source, decision, curve, compiled=None) -> Snapshot:
        """The fields every snapshot takes from the simulation itself."""
        return Snapshot(
            **self._pictures(compiled),
            **self._landscape_fields(),
            step=self.steps,
            epoch=self.epoch,
            names=self._names,
            outputs=frozen(outputs),
            net_inputs=frozen(net_inputs),
            synapses=self._synapse_names,
            weights=weights,
            biases=biases,
            metrics=MappingProxyType(metrics),
            history=MappingProxyType(history),
            history_epochs=MappingProxyType(self._history_epochs),
            revision=self._revision,
            network_source=network_source,
            decision=decision,
            curve=curve,
            rule=getattr(self.rule, "name", "") if self.rule is not None else "",
            done=self.done,
            message=self._stopped or self._rule_problem or self._race_problem(),
        )


    def _race_problem(self) -> str:
        return self._race[2] if self.race_spec is not None else ""


def merge_learning(base: Network, learned: Network, edited: Network) -> Network:
    """`edited` with every weight and bias the user did not touch (equal in `base` and `edited`)
    taken from `learned`.  Returns a new network; the arguments are left alone."""
    out = edited.copy()
    for s in out.synapses:
        key = (s.source, s.target)
        if (base.has_synapse(*key) and learned.has_synapse(*key)
                and base.synapse(*key).weight == s.weight):
            w = learned.synapse(*key).weight
            if w != s.weight:
                out.set_weight(*key, w)
    for nr in out.neurons:
        if base.has_neuron(nr.id) and learned.has_neuron(nr.id) and base.neuron(nr.id).bias == nr.bias:
            b = learned.neuron(nr.id).bias
            if b != nr.bias:
                out.set_bias(nr.id, b)
    out.revision = edited.revision
    return out

"""Lessons: ready-made scenes from the lecture, stored as data under resources/lessons/.

A lesson file is JSON: a title, an explanation with the lecture's formula, "try this" steps, and
one or more scenes.  A scene holds a network (a network object in the file format, or a builder
such as {"builder": "hopfield", "n": 64}), an optional dataset (inline arrays or a generator
with its parameters), an optional rule with its parameters, the plots to show, and how far to run.
Nothing in a lesson is executed: it is validated data, like a network file.

Loading a lesson checks every field of the file, and every value a scene will use: a file
that loads opens.  A file over MAX_LESSON_BYTES, anything that is not a regular file, a field
of the wrong type or out of range, and a lesson whose networks or generated datasets would be
larger than a lesson's may be (MAX_LESSON_NEURONS, MAX_LESSON_SYNAPSES, MAX_GENERATED_POINTS for
all its scenes together, MAX_SCENE_NEURONS for one network) raise LessonFileError naming the
file and the field, at load.  The caps keep loading a lesson and opening every one of its scenes
under about 2 CPU seconds and 500 MB (docs/file-format.md, "Lesson limits").  For speed (the
browser loads every lesson at start-up) not everything checked is made at load: a builder's
network is built the first time its scene's `network` is read, a generator's points when the
scene's dataset is made.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .builders import input_names
from .datasets import Dataset
from .fileformat import NetworkFileError, network_from_dict, parse_json, write_json_atomic
from .initializers import INITIALIZERS
from .network import Network
from .safe_read import MIB, read_limited
from .setup import (  # noqa: F401 - PLOTS and STOP_KEYS: shared with network files
    PLOTS,
    STOP_KEYS,
    _table,
    check_dataset,
    check_plots,
    check_rule,
    check_stop,
    found,
    make_dataset,
    number,
    number_problem,
    whole,
)
from .units import ACTIVATIONS

LESSON_FORMAT = "nnsim-lesson"
LESSON_VERSION = 1
BUILDERS = ("layered", "hopfield", "rbf")

# Lesson limits (docs/file-format.md): together they keep loading any lesson that passes them and
# building all its scenes under about 2 CPU seconds and 500 MB on a 2-core laptop.
MAX_LESSON_BYTES = 4 * MIB  # the file
MAX_SCENES = 100
MAX_SCENE_NEURONS = 3_000  # a scene's network, built or in the file (the engine's arrays grow as n^2)
MAX_LESSON_NEURONS = 20_000  # all the networks of a lesson together, built or in the file
MAX_LESSON_SYNAPSES = 150_000  # ditto
MAX_HOPFIELD_UNITS = 387  # the largest n with n (n - 1) <= MAX_LESSON_SYNAPSES
MAX_GENERATED_POINTS = 100_000  # made by all the generators of a lesson together
MAX_LAYERS = 20  # sizes of a layered builder
MAX_STEPS = 10_000_000  # run.steps
MAX_STEPS_PER_FRAME = 10_000  # run.steps_per_frame
MAX_INPUT_STEPS = 10_000  # entries of a scene's inputs schedule
MAX_SEED = 2**31 - 1  # as the generators' seeds
MAX_NUMBER = 9_999  # a lesson's number
MAX_RBF_BETA = 1e6  # as the RBF rule's beta

LESSON_FIELDS = ("format", "version", "number", "title", "summary", "explanation", "formula",
                 "try", "scenes")
SCENE_FIELDS = ("title", "network", "dataset", "rule", "plots", "run", "inputs", "start", "stop",
                "notes", "claim", "figures", "readout", "backprop_steps")
BACKPROP_STEPS_FIELDS = ("sample", "pace")  # the step-by-step backprop view (Scene.backprop_steps)
MAX_PACE = 600  # recorded frames per stop of the step-by-step view
# The live key figures a scene's caption may show, from each snapshot (see Scene.figures);
# "output:NAME" shows neuron NAME's output (e.g. "output:memory" for a latch's state).
FIGURES = ("step", "epoch", "loss", "accuracy", "val_accuracy", "errors", "weight_norm", "energy")
MAX_CLAIM_CHARS = 300
RUN_FIELDS = ("steps", "steps_per_frame")
START_FIELDS = ("pattern", "noise", "seed")
SCENE_FIELDS += ("landscape",)  # the loss landscape plot's plane and race (rules.race)


class LessonFileError(NetworkFileError):
    """A lesson file that cannot be used; the message names the file and the field."""


def lessons_dir() -> Path:
    """resources/lessons beside the package (a source checkout or an editable install)."""
    env = os.environ.get("NNSIM_LESSONS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "resources" / "lessons"


@dataclass(frozen=True, init=False)
class Scene:
    """One scene of a lesson.  Its network is built the first time `network` is read (a lesson
    list holds 35 scenes; the browser needs none of their networks to list them)."""

    title: str
    dataset: dict | None = None  # {"X": ..., "y": ...} or {"generator": name, "params": {...}}
    rule: dict | None = None  # {"name": rule name, "params": {...}}
    plots: tuple[str, ...] = ()
    steps: int = 0  # how many steps the scripted run takes
    steps_per_frame: int = 1
    landscape: dict | None = None  # the loss landscape's plane and race (check_scene_landscape)
    inputs: tuple[dict, ...] = ()  # per-step input clamps for recurrent scenes
    start: dict | None = None  # Hopfield start: {"pattern": i, "noise": fraction, "seed": n}
    stop: dict | None = None  # stop conditions for Train, e.g. {"epochs": 10}
    notes: str = ""
    claim: str = ""  # the scene's claim in one sentence, for the caption strip
    figures: tuple[str, ...] = ()  # live key figures for the caption: FIGURES or "output:NAME"
    # a neuron's name or "SOURCE->TARGET": its hover read-out shows from the start (recordings)
    readout: str = ""
    # the step-by-step backprop view opens with the scene: {"sample": i, "pace": frames a stop}
    backprop_steps: dict | None = None

    def __init__(self, title: str, network: Network | None = None, dataset: dict | None = None,
                 rule: dict | None = None, plots: tuple[str, ...] = (), steps: int = 0,
                 steps_per_frame: int = 1, inputs: tuple[dict, ...] = (),
                 start: dict | None = None, stop: dict | None = None, notes: str = "", *,
                 claim: str = "", figures: tuple[str, ...] = (), readout: str = "",
                 build: Callable[[], Network] | None = None,
                 backprop_steps: dict | None = None) -> None:
        """`network`, or `build()` making it when it is first needed."""
        if (network is None) == (build is None):
            raise TypeError("a scene needs a network or a way to build it, not both")
        for name, value in (("title", title), ("dataset", dataset), ("rule", rule),
                            ("plots", plots), ("steps", steps),
                            ("steps_per_frame", steps_per_frame), ("inputs", inputs),
                            ("start", start), ("stop", stop), ("notes", notes),
                            ("claim", claim), ("figures", tuple(figures)),
                            ("readout", readout), ("_network", network), ("_build", build),
                            ("backprop_steps", backprop_steps)):
            object.__setattr__(self, name, value)

    @property
    def network(self) -> Network:
        """The scene's network, built on first use and kept (LessonFileError if the lesson
        file's builder cannot make it)."""
        if self._network is None:
            object.__setattr__(self, "_network", self._build())
        return self._network

    def make_dataset(self) -> Dataset | None:
        """The scene's dataset: inline arrays, or a generator from datasets.GENERATORS."""
        if self.dataset is None:
            return None
        if "X" in self.dataset and "name" not in self.dataset:
            return make_dataset({**self.dataset, "name": self.title})
        return make_dataset(self.dataset)

    def start_state(self, dataset: Dataset | None = None) -> np.ndarray | None:
        """The Hopfield starting state: a stored pattern with a fraction of its bits flipped
        (`dataset`: the scene's, when already made)."""
        if self.start is None:
            return None
        patterns = (dataset or self.make_dataset()).X
        pattern = patterns[self.start["pattern"]].copy()
        rng = np.random.default_rng(self.start.get("seed", 0))
        k = int(round(float(self.start.get("noise", 0.0)) * pattern.size))
        pattern[rng.choice(pattern.size, k, replace=False)] *= -1
        return pattern

    def make_rule(self):
        """The scene's learning rule, configured, or None."""
        if self.rule is None:
            return None
        from .rules import RULES

        name = self.rule["name"]
        if name not in RULES:
            raise LessonFileError(f"scene {self.title!r}: unknown rule {name!r}; "
                                  f"known rules: {', '.join(sorted(RULES))}")
        return RULES[name](**self.rule.get("params", {}))


@dataclass(frozen=True)
class Lesson:
    id: str  # the file name without .json, e.g. "05-perceptron"
    number: int
    title: str
    summary: str
    explanation: str
    formula: str
    try_this: tuple[str, ...]
    scenes: tuple[Scene, ...]
    path: Path | None = field(default=None, compare=False)

    @property
    def slug(self) -> str:
        return re.sub(r"^\d+-", "", self.id)


def _fail(source: str, where: str, problem: str) -> LessonFileError:
    return LessonFileError(f"{source}: {where}: {problem}")


def _str(d: dict, key: str, source: str, where: str, default: Any = ...) -> str:
    if key not in d:
        if default is ...:
            raise _fail(source, f"{where}.{key}", "missing")
        return default
    if not isinstance(d[key], str):
        raise _fail(source, f"{where}.{key}", f"expected a string, found {found(d[key])}")
    return d[key]


def _unknown(d: dict, allowed: tuple[str, ...], where: str, fail: Callable) -> None:
    for key in d:
        if key not in allowed:
            raise fail(f"{where}.{key}" if where else key,
                       f"unknown field; the fields of {where or 'a lesson'} are {', '.join(allowed)}")


def build_network(spec: dict, source: str, where: str) -> Network:
    """A network from a file-format object, or from a builder spec."""
    if isinstance(spec, dict) and "builder" in spec:
        return _builder(spec, source, where).build()
    if not isinstance(spec, dict):
        raise _fail(source, where, f"expected a network object or a builder, found {found(spec)}")
    try:
        return network_from_dict(spec, f"{source}: {where}")
    except LessonFileError:
        raise
    except NetworkFileError as exc:
        raise LessonFileError(str(exc)) from None
    except (TypeError, ValueError, OverflowError) as exc:  # a network the format should refuse
        raise _fail(source, where, str(exc)) from None


@dataclass(frozen=True)
class _Builder:
    """A builder spec checked at load, with what it will make; `build()` makes it."""
    make: Callable[[], Network]
    neurons: int
    synapses: int
    inputs: tuple[str, ...]  # the input neurons' names

    def build(self) -> Network:
        return self.make()


def _builder(spec: dict, source: str, where: str) -> _Builder:
    """A builder spec checked without building it: its name, every argument's type and range,
    and the size of what it makes.  The builder itself is called later, by `build()`."""
    def fail(at: str, problem: str) -> LessonFileError:
        return _fail(source, at, problem)

    name = spec["builder"]
    if not isinstance(name, str) or name not in BUILDERS:
        raise fail(f"{where}.builder", f"unknown builder {found(name)}; expected one of "
                                       f"{', '.join(BUILDERS)}")
    args = {k: v for k, v in spec.items() if k != "builder"}
    allowed = {"layered": ("sizes", "activations", "seed", "init"), "hopfield": ("n", "weights"),
               "rbf": ("n_inputs", "n_centers", "n_outputs", "beta", "seed")}[name]
    for key in args:
        if key not in allowed:
            raise fail(f"{where}.builder", f"builder {name!r} takes no argument {key!r}; its "
                                           f"arguments are {', '.join(allowed)}")
    kwargs: dict[str, Any] = {}
    if "seed" in args and args["seed"] is not None:
        kwargs["seed"] = whole(args["seed"], f"{where}.seed", fail, 0, MAX_SEED)
    if name == "hopfield":
        if "n" not in args:
            raise fail(f"{where}.n", "missing: the number of units")
        n = kwargs["n"] = whole(args["n"], f"{where}.n", fail, 1, MAX_HOPFIELD_UNITS)
        synapses = n * (n - 1)
        if args.get("weights") is not None:
            w = _table(args["weights"], f"{where}.weights", fail)
            if w.shape != (n, n) or not np.allclose(w, w.T):
                raise fail(f"{where}.weights", f"expected a symmetric {n}x{n} matrix, found shape "
                                               f"{'x'.join(map(str, w.shape))}")
            kwargs["weights"] = w
        sizes, inputs = [n], ()
    elif name == "layered":
        raw = args.get("sizes")
        if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_LAYERS:
            raise fail(f"{where}.sizes", f"expected a list of 2 to {MAX_LAYERS} layer sizes, "
                                         f"found {found(raw)}")
        sizes = [whole(v, f"{where}.sizes[{i}]", fail, 1, MAX_SCENE_NEURONS)
                 for i, v in enumerate(raw)]
        kwargs["sizes"] = sizes
        synapses = sum(a * b for a, b in zip(sizes, sizes[1:]))
        if "activations" in args:
            acts = args["activations"]
            listed = acts if isinstance(acts, list) else None
            if listed is None and not isinstance(acts, str) or listed is not None \
                    and len(listed) != len(sizes) - 1:
                raise fail(f"{where}.activations", f"expected an activation or a list of "
                                                   f"{len(sizes) - 1} (one per layer after the "
                                                   f"inputs), found {found(acts)}")
            for i, act in enumerate(listed if listed is not None else [acts]):
                if not isinstance(act, str) or act not in ACTIVATIONS:
                    at = f"{where}.activations" + (f"[{i}]" if listed is not None else "")
                    raise fail(at, f"unknown activation {found(act)}; expected one of "
                                   f"{', '.join(ACTIVATIONS)}")
            kwargs["activations"] = acts
        if "init" in args:
            if not isinstance(args["init"], str) or args["init"] not in INITIALIZERS:
                raise fail(f"{where}.init", f"unknown initializer {found(args['init'])}; expected "
                                            f"one of {', '.join(INITIALIZERS)}")
            kwargs["init"] = args["init"]
        inputs = tuple(input_names(sizes[0]))
    else:  # rbf
        for key in ("n_inputs", "n_centers"):
            if key not in args:
                raise fail(f"{where}.{key}", "missing")
        sizes = [whole(args.get(key, 1), f"{where}.{key}", fail, 1, MAX_SCENE_NEURONS)
                 for key in ("n_inputs", "n_centers", "n_outputs")]
        kwargs.update(zip(("n_inputs", "n_centers", "n_outputs"), sizes))
        if "beta" in args:
            beta = args["beta"]
            problem = number_problem(beta, False, 0, MAX_RBF_BETA)
            if problem or beta == 0:
                raise fail(f"{where}.beta", problem or "expected a number above 0, found 0")
            kwargs["beta"] = float(beta)
        synapses = sizes[0] * sizes[1] + sizes[1] * sizes[2]
        inputs = tuple(input_names(sizes[0]))
    neurons = sum(sizes)
    _within(neurons, MAX_SCENE_NEURONS, "this network", where, fail, "neurons", "scene may have")
    _within(synapses, MAX_LESSON_SYNAPSES, "this network", where, fail)
    make = getattr(Network, name)

    def build() -> Network:
        try:
            return make(**kwargs)
        except (TypeError, ValueError, OverflowError) as exc:  # checked above: should not happen
            raise fail(f"{where}.builder", str(exc)) from None

    return _Builder(build, neurons, synapses, inputs)


def _within(count: int, cap: int, what: str, where: str, fail: Callable,
            unit: str = "synapses", may: str = "lesson may build") -> None:
    if count > cap:
        raise fail(where, f"{what} would have {count:,} {unit}, more than the {cap:,} a {may}")


class _Budget:
    """What the scenes of one lesson build, counted against the lesson limits."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.totals = {"neurons": 0, "synapses": 0, "points": 0}

    def charge(self, where: str, **counts: int) -> None:
        caps = {"neurons": MAX_LESSON_NEURONS, "synapses": MAX_LESSON_SYNAPSES,
                "points": MAX_GENERATED_POINTS}
        what = {"neurons": "the networks", "synapses": "the networks",
                "points": "the generated datasets"}
        for key, n in counts.items():
            self.totals[key] += n
            if self.totals[key] > caps[key]:
                verb = "hold" if key != "points" else "generate"
                raise _fail(self.source, where, f"with this scene, {what[key]} of the lesson have "
                                                f"{self.totals[key]:,} {key} in all, more than the "
                                                f"{caps[key]:,} a lesson may {verb}")


def _scene(d: Any, source: str, where: str, budget: _Budget | None = None) -> Scene:
    budget = budget or _Budget(source)
    if not isinstance(d, dict):
        raise _fail(source, where, f"expected an object, found {found(d)}")

    def fail(at: str, problem: str) -> LessonFileError:
        return _fail(source, f"{where}.{at}", problem)

    _unknown(d, SCENE_FIELDS, "", fail)
    spec = d.get("network")
    # A file-format network is built (and so fully checked) at once: it is cheap.  A builder's
    # (a 64-unit Hopfield net, ...) is checked at once and built when the scene is opened.
    if isinstance(spec, dict) and "builder" in spec:
        builder = _builder(spec, source, f"{where}.network")
        budget.charge(f"{where}.network", neurons=builder.neurons, synapses=builder.synapses)
        net, build = None, builder.build
        inputs_of, size = builder.inputs, builder.neurons
    else:
        if isinstance(spec, dict):  # counted before it is built
            counts = {key: len(spec[key]) if isinstance(spec.get(key), list) else 0
                      for key in ("neurons", "synapses")}
            if counts["neurons"] > MAX_SCENE_NEURONS:
                raise fail("network.neurons", f"{counts['neurons']:,} neurons is more than the "
                                              f"{MAX_SCENE_NEURONS:,} a lesson scene may have")
            budget.charge(f"{where}.network", **counts)
        net, build = build_network(spec, source, f"{where}.network"), None
        inputs_of, size = tuple(net.inputs), len(net.neurons)

    dataset = d.get("dataset")
    made = check_dataset(dataset, "dataset", fail, make=False)  # inline points: made
    if dataset is not None and "generator" in dataset:
        from .datasets import GENERATORS

        budget.charge(f"{where}.dataset",
                      points=GENERATORS[dataset["generator"]].rows(dataset.get("params") or {}))
    rule = d.get("rule")
    check_rule(rule, "rule", fail)
    plots = check_plots(d.get("plots", []), "plots", fail)
    run = d.get("run", {})
    if not isinstance(run, dict):
        raise fail("run", f'expected {{"steps": n, "steps_per_frame": n}}, found {found(run)}')
    _unknown(run, RUN_FIELDS, "run", fail)
    steps = whole(run.get("steps", 0), "run.steps", fail, 0, MAX_STEPS)
    per_frame = whole(run.get("steps_per_frame", 1), "run.steps_per_frame", fail, 1,
                      MAX_STEPS_PER_FRAME)
    inputs = _inputs(d.get("inputs", []), inputs_of, fail)
    start = _start(d.get("start"), dataset, made, size, fail)
    stop = check_stop(d.get("stop"), "stop", fail)
    claim = _str(d, "claim", source, where, "")
    if len(claim) > MAX_CLAIM_CHARS:
        raise fail("claim", f"{len(claim):,} characters; a claim is one sentence of at most "
                            f"{MAX_CLAIM_CHARS}")
    figures = _figures(d.get("figures", []), net.names if net is not None else None, fail)
    readout = _readout(d.get("readout", ""), net, fail)
    from .rules.race import check_scene_landscape  # noqa: I001 - the rules load on first use

    landscape = check_scene_landscape(d.get("landscape"), net, fail)
    stepping = _backprop_steps(d.get("backprop_steps"), rule, dataset, fail)
    scene = Scene(
        title=_str(d, "title", source, where, ""), network=net, build=build, dataset=dataset,
        rule=rule, stop=stop,
        plots=plots, steps=steps, steps_per_frame=per_frame, inputs=inputs,
        start=start, notes=_str(d, "notes", source, where, ""), claim=claim, figures=figures,
        readout=readout, backprop_steps=stepping,
    )
    if landscape is not None:
        object.__setattr__(scene, "landscape", landscape)
    return scene


def _backprop_steps(spec: Any, rule: Any, dataset: Any, fail: Callable) -> dict | None:
    """A scene's step-by-step backprop view: {"sample": data point, "pace": recorded frames a
    stop}, on a scene with the backprop rule and data."""
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise fail("backprop_steps", f'expected {{"sample": i, "pace": frames}}, found {found(spec)}')
    _unknown(spec, BACKPROP_STEPS_FIELDS, "backprop_steps", fail)
    if not isinstance(rule, dict) or rule.get("name") != "backprop" or dataset is None:
        raise fail("backprop_steps", "needs the scene's rule to be backprop and the scene to have "
                                     "data")
    return {"sample": whole(spec.get("sample", 0), "backprop_steps.sample", fail, 0, MAX_NUMBER),
            "pace": whole(spec.get("pace", 45), "backprop_steps.pace", fail, 1, MAX_PACE)}


def _readout(spec: Any, net: Network | None, fail: Callable) -> str:
    """A neuron's name or "SOURCE->TARGET" (a synapse) of the scene, or "" (checked when the
    network is in the file; a builder's names are known once built)."""
    if not isinstance(spec, str) or len(spec) > 200:
        raise fail("readout", f'expected a neuron\'s name or "SOURCE->TARGET", found {found(spec)}')
    problem = readout_problem(spec, net) if spec and net is not None else None
    if problem:
        raise fail("readout", problem)
    return spec


def readout_problem(spec: str, net: Network) -> str | None:
    """Why `spec` (a neuron's name, or "SOURCE->TARGET" for a synapse) names nothing of `net`
    whose read-out could be shown; None when it does."""
    source, arrow, target = spec.partition("->")
    if not arrow:
        return None if spec in net.names else f"{spec!r} is not a neuron of this network"
    names = set(net.names)
    if source in names and target in names and net.has_synapse(source, target):
        return None
    return f"{spec!r} is not a synapse of this network"


def _figures(spec: Any, names: list[str] | None, fail: Callable) -> tuple[str, ...]:
    """The caption's live figures: names from FIGURES, or "output:NAME" of a neuron of the
    scene (checked when the network is in the file; a builder's names are known once built)."""
    if not isinstance(spec, list) or len(spec) > 6:
        raise fail("figures", f"expected a list of at most 6 of {', '.join(FIGURES)} or "
                              f"\"output:NAME\", found {found(spec)}")
    for k, figure in enumerate(spec):
        if not isinstance(figure, str):
            raise fail(f"figures[{k}]", f"expected a string, found {found(figure)}")
        if figure.startswith("output:"):
            if names is not None and figure[7:] not in names:
                raise fail(f"figures[{k}]", f"{figure[7:]!r} is not a neuron of this scene")
        elif figure not in FIGURES:
            raise fail(f"figures[{k}]", f"{figure!r} is not one of {', '.join(FIGURES)} or "
                                        f"\"output:NAME\"")
    return tuple(spec)


def _inputs(inputs: Any, names: tuple[str, ...], fail: Callable) -> tuple[dict, ...]:
    """The per-step input clamps: a list of {input neuron's name: number}."""
    if not isinstance(inputs, list) or len(inputs) > MAX_INPUT_STEPS:
        raise fail("inputs", f"expected a list of at most {MAX_INPUT_STEPS:,} "
                             f"{{input name: value}} objects, found {found(inputs)}")
    out = []
    for t, clamp in enumerate(inputs):
        if not isinstance(clamp, dict):
            raise fail(f"inputs[{t}]", f"expected an object {{input name: value}}, found {found(clamp)}")
        for name, value in clamp.items():
            if name not in names:
                raise fail(f"inputs[{t}]", f"{found(name)} is not an input neuron")
            problem = number_problem(value)
            if problem:
                raise fail(f"inputs[{t}].{name}", problem)
        out.append({name: float(value) for name, value in clamp.items()})
    return tuple(out)


def _start(start: Any, dataset: Any, made: Dataset | None, size: int, fail: Callable) -> dict | None:
    """A Hopfield start, checked against the patterns it picks from and the network it sets."""
    if start is None:
        return None
    if not isinstance(start, dict):
        raise fail("start", f'expected {{"pattern": index, "noise": 0..1, "seed": n}}, '
                            f"found {found(start)}")
    _unknown(start, START_FIELDS, "start", fail)
    noise = number(start.get("noise", 0.0), "start.noise", fail, 0, 1)
    seed = whole(start.get("seed", 0), "start.seed", fail, 0, MAX_SEED)
    if dataset is None:
        raise fail("start", "a start state picks one of the dataset's patterns: the scene has no "
                            "dataset")
    if "pattern" not in start:
        raise fail("start.pattern", "missing: the index of the dataset's pattern to start from")
    if made is None:  # a generator's patterns (checked, so they can be made)
        made = make_dataset(dataset)
    if len(made) == 0:
        raise fail("start", "the dataset has no patterns to start from")
    pattern = whole(start["pattern"], "start.pattern", fail, 0, len(made) - 1)
    if made.n_features != size:
        raise fail("start.pattern", f"a pattern has {made.n_features} values but the network has "
                                    f"{size} neurons (a start state sets them all)")
    return {"pattern": pattern, "noise": noise, "seed": seed}


def lesson_from_dict(data: Any, source: str, lesson_id: str) -> Lesson:
    if not isinstance(data, dict) or data.get("format") != LESSON_FORMAT:
        raise LessonFileError(f"{source}: not an nnsim lesson (format should be {LESSON_FORMAT!r})")
    if data.get("version") != LESSON_VERSION or isinstance(data.get("version"), bool):
        raise _fail(source, "version", f"unknown version {found(data.get('version'))}")

    def fail(at: str, problem: str) -> LessonFileError:
        return _fail(source, at, problem)

    _unknown(data, LESSON_FIELDS, "", fail)
    scenes = data.get("scenes")
    if not isinstance(scenes, list) or not 1 <= len(scenes) <= MAX_SCENES:
        raise fail("scenes", f"expected a non-empty list of at most {MAX_SCENES} scenes, "
                             f"found {found(scenes) if not isinstance(scenes, list) else len(scenes)}")
    try_this = data.get("try", [])
    if not isinstance(try_this, list) or not all(isinstance(t, str) for t in try_this):
        raise fail("try", "expected a list of strings")
    number_ = whole(data.get("number", 0), "number", fail, 0, MAX_NUMBER)
    budget = _Budget(source)
    return Lesson(
        id=lesson_id, number=number_, title=_str(data, "title", source, "lesson"),
        summary=_str(data, "summary", source, "lesson", ""),
        explanation=_str(data, "explanation", source, "lesson", ""),
        formula=_str(data, "formula", source, "lesson", ""), try_this=tuple(try_this),
        scenes=tuple(_scene(s, source, f"scenes[{i}]", budget) for i, s in enumerate(scenes)),
    )


def load_lesson(path: str | os.PathLike) -> Lesson:
    """The lesson in the file at `path`, checked (LessonFileError naming the file and field);
    only a regular file of at most MAX_LESSON_BYTES is read, so a device, a FIFO or a folder is
    refused at once."""
    path = Path(path)
    text = read_limited(path, MAX_LESSON_BYTES, LessonFileError)
    try:
        data = parse_json(text, str(path))
    except LessonFileError:
        raise
    except NetworkFileError as exc:
        raise LessonFileError(str(exc)) from None
    lesson = lesson_from_dict(data, str(path), path.stem)
    return Lesson(**{**lesson.__dict__, "path": path})


def lesson_number(path: str | os.PathLike) -> int:
    """The number a lesson file gives itself, read without checking the rest of the file (to
    order the lessons before loading them); 0 for a file that cannot say (loading reports it)."""
    try:
        number_ = parse_json(read_limited(path, MAX_LESSON_BYTES, LessonFileError), str(path))
        number_ = number_.get("number", 0) if isinstance(number_, dict) else 0
    except NetworkFileError:  # LessonFileError too
        return 0
    return number_ if isinstance(number_, int) and not isinstance(number_, bool) \
        and 0 <= number_ <= MAX_NUMBER else 0


def lesson_paths(directory: Path | None = None) -> list[Path]:
    directory = directory or lessons_dir()
    return sorted(directory.glob("*.json")) if directory.is_dir() else []


def list_lessons(directory: Path | None = None) -> list[Lesson]:
    """Every lesson in lecture order (by number, then file name)."""
    lessons = [load_lesson(p) for p in lesson_paths(directory)]
    return sorted(lessons, key=lambda lesson: (lesson.number, lesson.id))


def find_lesson(name: str, directory: Path | None = None) -> Lesson:
    """A lesson by number ("5"), file name ("05-perceptron") or slug ("perceptron")."""
    key = name.strip().lower().removesuffix(".json")
    paths = lesson_paths(directory)
    for p in paths:
        stem = p.stem.lower()
        number = stem.split("-", 1)[0]
        if key in (stem, re.sub(r"^\d+-", "", stem)) or (key.isdigit() and number.isdigit()
                                                         and int(key) == int(number)):
            return load_lesson(p)
    names = ", ".join(p.stem for p in paths) or "none installed"
    raise LessonFileError(f"no lesson named {name!r}; lessons: {names}")


def lesson_to_dict(lesson_meta: dict, scenes: list[dict]) -> dict:
    """Assemble a lesson file's JSON object from its fields and scene objects."""
    return {"format": LESSON_FORMAT, "version": LESSON_VERSION, **lesson_meta, "scenes": scenes}


def scene_to_dict(title: str, net: Network, dataset: dict | None = None, rule: dict | None = None,
                  plots: list[str] | None = None, steps: int = 0, steps_per_frame: int = 1,
                  inputs: list[dict] | None = None, start: dict | None = None,
                  notes: str = "", stop: dict | None = None, claim: str = "",
                  figures: list[str] | None = None, readout: str = "",
                  backprop_steps: dict | None = None) -> dict:
    from .fileformat import network_to_dict

    scene: dict[str, Any] = {"title": title, "network": network_to_dict(net)}
    if dataset is not None:
        scene["dataset"] = dataset
    if rule is not None:
        scene["rule"] = rule
    scene["plots"] = list(plots or [])
    scene["run"] = {"steps": steps, "steps_per_frame": steps_per_frame}
    if inputs:
        scene["inputs"] = inputs
    if start:
        scene["start"] = start
    if stop:
        scene["stop"] = stop
    if notes:
        scene["notes"] = notes
    if claim:
        scene["claim"] = claim
    if figures:
        scene["figures"] = list(figures)
    if readout:
        scene["readout"] = readout
    if backprop_steps:
        scene["backprop_steps"] = dict(backprop_steps)
    return scene


def save_lesson(path: str | os.PathLike, meta: dict, scenes: list[dict]) -> None:
    """Write a lesson atomically (a user's own scene saved as a lesson uses this too)."""
    write_json_atomic(lesson_to_dict(meta, scenes), path)

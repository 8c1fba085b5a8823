"""Lessons: ready-made scenes from the lecture, stored as data under resources/lessons/.

A lesson file is JSON: a title, an explanation with the lecture's formula, "try this" steps, and
one or more scenes.  A scene holds a network (a network object in the file format, or a builder
such as {"builder": "hopfield", "n": 64}), an optional dataset (inline arrays or a generator
with its parameters), an optional rule with its parameters, the plots to show, and how far to run.
Nothing in a lesson is executed: it is validated data, like a network file.

Loading a lesson checks the whole file, with one exception kept for speed (the browser loads
every lesson at start-up): a builder's network (e.g. a 64-unit Hopfield net) is checked for its
builder's name and arguments at load, and built when its scene's `network` is first read; a
value the builder refuses (an n out of range, ...) and the scene's input clamps naming
neurons that network lacks are reported then, as a LessonFileError naming the file and field.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .datasets import Dataset
from .fileformat import NetworkFileError, network_from_dict, parse_json, write_json_atomic
from .network import Network
from .setup import (  # noqa: F401 - PLOTS and STOP_KEYS: shared with network files
    PLOTS,
    STOP_KEYS,
    check_dataset,
    check_plots,
    check_rule,
    check_stop,
    make_dataset,
)

LESSON_FORMAT = "nnsim-lesson"
LESSON_VERSION = 1
BUILDERS = ("layered", "hopfield", "rbf")


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
    inputs: tuple[dict, ...] = ()  # per-step input clamps for recurrent scenes
    start: dict | None = None  # Hopfield start: {"pattern": i, "noise": fraction, "seed": n}
    stop: dict | None = None  # stop conditions for Train, e.g. {"epochs": 10}
    notes: str = ""

    def __init__(self, title: str, network: Network | None = None, dataset: dict | None = None,
                 rule: dict | None = None, plots: tuple[str, ...] = (), steps: int = 0,
                 steps_per_frame: int = 1, inputs: tuple[dict, ...] = (),
                 start: dict | None = None, stop: dict | None = None, notes: str = "", *,
                 build: Callable[[], Network] | None = None) -> None:
        """`network`, or `build()` making it when it is first needed."""
        if (network is None) == (build is None):
            raise TypeError("a scene needs a network or a way to build it, not both")
        for name, value in (("title", title), ("dataset", dataset), ("rule", rule),
                            ("plots", plots), ("steps", steps),
                            ("steps_per_frame", steps_per_frame), ("inputs", inputs),
                            ("start", start), ("stop", stop), ("notes", notes),
                            ("_network", network), ("_build", build)):
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

    def start_state(self) -> np.ndarray | None:
        """The Hopfield starting state: a stored pattern with a fraction of its bits flipped."""
        if self.start is None:
            return None
        patterns = self.make_dataset().X
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
        raise _fail(source, f"{where}.{key}", f"expected a string, found {type(d[key]).__name__}")
    return d[key]


def build_network(spec: dict, source: str, where: str) -> Network:
    """A network from a file-format object, or from a builder spec."""
    if isinstance(spec, dict) and "builder" in spec:
        return _builder(spec, source, where)()
    if not isinstance(spec, dict):
        raise _fail(source, where, "expected an object")
    try:
        return network_from_dict(spec, f"{source}: {where}")
    except LessonFileError:
        raise
    except NetworkFileError as exc:
        raise LessonFileError(str(exc)) from None


def _builder(spec: dict, source: str, where: str) -> Callable[[], Network]:
    """A builder spec checked without building it (its name, and arguments the builder takes):
    the returned function builds it, and reports values the builder refuses (an n too big, ...)
    as a LessonFileError then."""
    import inspect

    builder = spec["builder"]
    if builder not in BUILDERS:
        raise _fail(source, f"{where}.builder",
                    f"unknown builder {builder!r}; expected one of {', '.join(BUILDERS)}")
    make = getattr(Network, builder)
    args = {k: v for k, v in spec.items() if k != "builder"}
    try:
        inspect.signature(make).bind(**args)
    except TypeError as exc:
        raise _fail(source, f"{where}.builder", str(exc)) from None

    def build() -> Network:
        try:
            return make(**args)
        except (TypeError, ValueError) as exc:
            raise _fail(source, f"{where}.builder", str(exc)) from None

    return build


def _scene(d: Any, source: str, where: str) -> Scene:
    if not isinstance(d, dict):
        raise _fail(source, where, "expected an object")
    spec = d.get("network")
    # A file-format network is built (and so fully checked) at once: it is cheap.  A builder's
    # (a 64-unit Hopfield net, ...) is checked for its name and arguments, and built when the
    # scene is opened; the input clamps of such a scene are checked then too.
    lazy = isinstance(spec, dict) and "builder" in spec
    net = None if lazy else build_network(spec, source, f"{where}.network")

    def fail(field: str, problem: str) -> LessonFileError:
        return _fail(source, f"{where}.{field}", problem)

    dataset = d.get("dataset")
    check_dataset(dataset, "dataset", fail, make=False)
    rule = d.get("rule")
    check_rule(rule, "rule", fail)
    plots = check_plots(d.get("plots", []), "plots", fail)
    run = d.get("run", {})
    steps, per_frame = run.get("steps", 0), run.get("steps_per_frame", 1)
    for key, value in (("steps", steps), ("steps_per_frame", per_frame)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _fail(source, f"{where}.run.{key}", f"expected a whole number >= 0, found {value!r}")
    inputs = d.get("inputs", [])
    if not isinstance(inputs, list) or not all(isinstance(i, dict) for i in inputs):
        raise _fail(source, f"{where}.inputs", "expected a list of {input name: value} objects")

    def check_inputs(names) -> None:
        for t, clamp in enumerate(inputs):
            for name in clamp:
                if name not in names:
                    raise _fail(source, f"{where}.inputs[{t}]", f"{name!r} is not an input neuron")

    build = None
    if net is not None:
        check_inputs(net.inputs)
    else:
        make = _builder(spec, source, f"{where}.network")

        def build() -> Network:
            built = make()
            check_inputs(built.inputs)
            return built

    start = d.get("start")
    if start is not None and (not isinstance(start, dict) or not isinstance(start.get("pattern"), int)
                              or not 0 <= float(start.get("noise", 0.0)) <= 1):
        raise _fail(source, f"{where}.start", "expected {\"pattern\": index, \"noise\": 0..1, \"seed\": n}")
    stop = check_stop(d.get("stop"), "stop", fail)
    return Scene(
        title=_str(d, "title", source, where, ""), network=net, build=build, dataset=dataset,
        rule=rule, stop=stop,
        plots=plots, steps=steps, steps_per_frame=max(1, per_frame), inputs=tuple(inputs),
        start=start, notes=_str(d, "notes", source, where, ""),
    )


def lesson_from_dict(data: Any, source: str, lesson_id: str) -> Lesson:
    if not isinstance(data, dict) or data.get("format") != LESSON_FORMAT:
        raise LessonFileError(f"{source}: not an nnsim lesson (format should be {LESSON_FORMAT!r})")
    if data.get("version") != LESSON_VERSION:
        raise _fail(source, "version", f"unknown version {data.get('version')!r}")
    scenes = data.get("scenes")
    if not isinstance(scenes, list) or not scenes:
        raise _fail(source, "scenes", "expected a non-empty list of scenes")
    try_this = data.get("try", [])
    if not isinstance(try_this, list) or not all(isinstance(t, str) for t in try_this):
        raise _fail(source, "try", "expected a list of strings")
    number = data.get("number", 0)
    if isinstance(number, bool) or not isinstance(number, int):
        raise _fail(source, "number", f"expected a whole number, found {number!r}")
    return Lesson(
        id=lesson_id, number=number, title=_str(data, "title", source, "lesson"),
        summary=_str(data, "summary", source, "lesson", ""),
        explanation=_str(data, "explanation", source, "lesson", ""),
        formula=_str(data, "formula", source, "lesson", ""), try_this=tuple(try_this),
        scenes=tuple(_scene(s, source, f"scenes[{i}]") for i, s in enumerate(scenes)),
    )


def load_lesson(path: str | os.PathLike) -> Lesson:
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise LessonFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    lesson = lesson_from_dict(parse_json(text, str(path)), str(path), path.stem)
    return Lesson(**{**lesson.__dict__, "path": path})


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
                  notes: str = "", stop: dict | None = None) -> dict:
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
    return scene


def save_lesson(path: str | os.PathLike, meta: dict, scenes: list[dict]) -> None:
    """Write a lesson atomically (a user's own scene saved as a lesson uses this too)."""
    write_json_atomic(lesson_to_dict(meta, scenes), path)

"""Datasets: inputs X (n, d) and optional targets y, plus generators, bitmap patterns and CSV loading.

The pieces live in
- data_core.py: `Dataset`, `as_dataset`, `one_hot`, `DatasetFileError`;
- data_generators.py: truth tables, 2-D classification sets, regions, regression targets (every
  generator takes `n`, `noise` and `seed`; the same seed gives the same data);
- data_patterns.py: Hopfield bitmap and random patterns, `flip`;
- data_csv.py: `load_csv`.
This module re-exports all of them and holds `GENERATORS`, which lists every generator with its
declared parameters, for the app.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .data_core import Dataset, DatasetFileError, as_dataset, one_hot
from .data_csv import load_csv
from .data_generators import (
    GATES,
    UNION_POLYGONS,
    blobs,
    circle,
    cylinder,
    inside_polygon,
    linear_clouds,
    moons,
    piecewise,
    piecewise_function,
    polygon,
    polygon_union,
    pulse,
    regular_polygon,
    sine,
    square,
    truth_table,
    two_spirals,
    xor_clouds,
)
from .data_patterns import bitmap_patterns, flip, pattern_names, pattern_set, random_patterns

__all__ = [
    "GATES", "GENERATORS", "UNION_POLYGONS", "Dataset", "DatasetFileError", "Generator",
    "GeneratorParam", "as_dataset", "bitmap_patterns", "blobs", "circle", "cylinder", "flip",
    "generate", "inside_polygon", "linear_clouds", "load_csv", "moons", "one_hot", "pattern_names",
    "pattern_set", "piecewise", "piecewise_function", "polygon", "polygon_union", "pulse",
    "random_patterns", "regular_polygon", "sine", "square", "truth_table", "two_spirals",
    "xor_clouds",
]


@dataclass(frozen=True)
class GeneratorParam:
    """A generator's parameter, declared so the app can build its control."""
    name: str
    type: type
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Generator:
    name: str
    title: str
    function: Callable[..., Dataset]
    kind: str  # "classification", "regression" or "patterns" (X only: Hopfield patterns)
    params: tuple[GeneratorParam, ...]

    def __call__(self, **params: Any) -> Dataset:
        values = {p.name: p.default for p in self.params}
        unknown = set(params) - set(values)
        if unknown:
            raise ValueError(f"generator {self.name!r} has no parameter {sorted(unknown)[0]!r}")
        values.update(params)
        return self.function(**values)


def _n(default: int) -> GeneratorParam:
    return GeneratorParam("n", int, default, 4, 100_000, help="number of points")


def _noise(default: float, what: str = "input jitter (std)") -> GeneratorParam:
    return GeneratorParam("noise", float, default, 0.0, 2.0, help=what)


_SEED = GeneratorParam("seed", int, 0, 0, 2**31 - 1, help="same seed, same data")
_YNOISE = "target noise (std)"


def _gen(name, title, function, kind, *params) -> Generator:
    return Generator(name, title, function, kind, tuple(params))


GENERATORS: dict[str, Generator] = {g.name: g for g in (
    _gen("truth_table", "Truth table", truth_table, "classification",
         GeneratorParam("gate", str, "and", choices=tuple(GATES), help="Boolean gate"),
         GeneratorParam("bipolar", bool, False, help="code false/true as -1/+1")),
    _gen("linear_clouds", "Linearly separable clouds", linear_clouds, "classification",
         _n(100), _noise(0.4, "cloud spread (std)"), _SEED),
    _gen("xor_clouds", "XOR clouds", xor_clouds, "classification", _n(100), _noise(0.25), _SEED),
    _gen("circle", "Circle", circle, "classification", _n(200), _noise(0.0), _SEED,
         GeneratorParam("radius", float, 0.6, 0.05, 1.0, help="circle radius")),
    _gen("two_spirals", "Two spirals", two_spirals, "classification", _n(200), _noise(0.0), _SEED,
         GeneratorParam("turns", float, 1.5, 0.25, 5.0, help="turns of each arm")),
    _gen("moons", "Moons", moons, "classification", _n(200), _noise(0.1), _SEED),
    _gen("blobs", "Gaussian blobs", blobs, "classification", _n(150),
         GeneratorParam("k", int, 3, 1, 12, help="number of blobs (classes)"),
         _noise(0.3, "blob spread (std)"), _SEED),
    _gen("square", "Square", square, "classification", _n(200), _noise(0.0), _SEED,
         GeneratorParam("half_side", float, 0.5, 0.05, 0.95, help="half the square's side")),
    _gen("polygon", "Regular polygon", polygon, "classification", _n(200), _noise(0.0), _SEED,
         GeneratorParam("sides", int, 5, 3, 12, help="number of sides"),
         GeneratorParam("radius", float, 0.7, 0.1, 1.0, help="centre-to-vertex distance")),
    _gen("polygon_union", "OR of two polygons", polygon_union, "classification", _n(300),
         _noise(0.0), _SEED),
    _gen("pulse", "Square pulse", pulse, "regression", _n(200), _noise(0.0, _YNOISE), _SEED,
         GeneratorParam("t1", float, -0.5, -2.0, 2.0, help="pulse start T1"),
         GeneratorParam("t2", float, 0.5, -2.0, 2.0, help="pulse end T2")),
    _gen("sine", "Sine", sine, "regression", _n(200), _noise(0.0, _YNOISE), _SEED,
         GeneratorParam("periods", float, 1.0, 0.25, 5.0, help="number of periods")),
    _gen("piecewise", "Piecewise function", piecewise, "regression", _n(200),
         _noise(0.0, _YNOISE), _SEED),
    _gen("cylinder", "Cylinder (2-D)", cylinder, "regression", _n(400), _noise(0.0, _YNOISE), _SEED,
         GeneratorParam("radius", float, 0.5, 0.05, 1.0, help="cylinder radius"),
         GeneratorParam("height", float, 1.0, 0.1, 10.0, help="cylinder height")),
    _gen("patterns", "Hopfield patterns", pattern_set, "patterns",
         GeneratorParam("kind", str, "letters", choices=("letters", "random"),
                        help="bitmap letters and digits, or random +1/-1 patterns"),
         GeneratorParam("names", str, "HOT", help="letters/digits to store (kind = letters)"),
         GeneratorParam("size", int, 8, 8, 16, help="bitmap side: 8 or 16 (kind = letters)"),
         GeneratorParam("p", int, 3, 1, 1000, help="number of patterns (kind = random)"),
         GeneratorParam("n", int, 64, 2, 4096, help="units per pattern (kind = random)"), _SEED),
)}


def generate(name: str, **params: Any) -> Dataset:
    """GENERATORS[name](**params), with a clear error for an unknown name."""
    if name not in GENERATORS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(GENERATORS)}")
    return GENERATORS[name](**params)

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

from collections.abc import Callable, Mapping
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
    figure,
    hills,
    inside_polygon,
    linear_clouds,
    moons,
    overlap,
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
    "GeneratorParam", "as_dataset", "bitmap_patterns", "blobs", "circle", "cylinder", "figure",
    "flip", "generate", "hills", "inside_polygon", "linear_clouds", "load_csv", "moons", "one_hot",
    "overlap", "pattern_names",
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
    # Values that fit their declarations one by one but not together: (parameter, why) or None.
    check: Callable[[dict], tuple[str, str] | None] | None = None
    # How many points (rows) the values make, known without generating them.
    count: Callable[[dict], int] = lambda values: int(values["n"])

    def values(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The defaults updated with `params`; a whole number given as 200.0 becomes 200."""
        values = {p.name: p.default for p in self.params}
        unknown = set(params) - set(values)
        if unknown:
            raise ValueError(f"generator {self.name!r} has no parameter {sorted(unknown)[0]!r}")
        values.update(params)
        for p in self.params:
            value = values[p.name]
            if p.type is int and isinstance(value, float) and value.is_integer():
                values[p.name] = int(value)
        return values

    def problem(self, params: Mapping[str, Any]) -> tuple[str, str] | None:
        """(parameter, why) when values, each within its declaration, do not go together (a
        pulse ending before it starts, a letter with no bitmap); None when they do.  Nothing is
        generated."""
        return None if self.check is None else self.check(self.values(params))

    def rows(self, params: Mapping[str, Any]) -> int:
        """How many points the generator makes with these (declared-valid) values."""
        return self.count(self.values(params))

    def __call__(self, **params: Any) -> Dataset:
        return self.function(**self.values(params))


def _n(default: int) -> GeneratorParam:
    return GeneratorParam("n", int, default, 4, 100_000, help="number of points")


def _noise(default: float, what: str = "input jitter (std)") -> GeneratorParam:
    return GeneratorParam("noise", float, default, 0.0, 2.0, help=what)


_SEED = GeneratorParam("seed", int, 0, 0, 2**31 - 1, help="same seed, same data")
_YNOISE = "target noise (std)"


def _gen(name, title, function, kind, *params, **hooks) -> Generator:
    return Generator(name, title, function, kind, tuple(params), **hooks)


MAX_PATTERN_NAMES = 64  # bitmaps a "patterns" dataset (kind letters) may name


def _check_pulse(v: dict) -> tuple[str, str] | None:
    if v["t1"] > v["t2"]:
        return "t2", f"the pulse must not end (t2 = {v['t2']}) before it starts (t1 = {v['t1']})"
    return None


def _check_patterns(v: dict) -> tuple[str, str] | None:
    if v["kind"] != "letters":
        return None
    if v["size"] not in (8, 16):
        return "size", f"expected 8 or 16 (the bitmap sizes there are), found {v['size']}"
    names = v["names"]
    if not 1 <= len(names) <= MAX_PATTERN_NAMES:
        return "names", f"expected 1 to {MAX_PATTERN_NAMES} letters or digits, found {len(names)}"
    try:
        known = pattern_names(v["size"])
    except (ValueError, DatasetFileError) as exc:
        return "size", str(exc)
    missing = next((c for c in names if c not in known), None)
    if missing is not None:
        return "names", (f"no {v['size']}x{v['size']} bitmap named {missing[:20]!r}; "
                         f"available: {''.join(known)}")
    return None


# Every generator's declared ranges keep it under about 0.25 s and 20 MB at its largest (on a
# 2-core laptop): a region's smallest size (circle radius, square half side, polygon radius) sets
# how many points rejection sampling draws, so it is not smaller (see docs/file-format.md).
GENERATORS: dict[str, Generator] = {g.name: g for g in (
    _gen("truth_table", "Truth table", truth_table, "classification",
         GeneratorParam("gate", str, "and", choices=tuple(GATES), help="Boolean gate"),
         GeneratorParam("bipolar", bool, False, help="code false/true as -1/+1"),
         count=lambda v: 4),
    _gen("linear_clouds", "Linearly separable clouds", linear_clouds, "classification",
         _n(100), _noise(0.4, "cloud spread (std)"), _SEED),
    _gen("xor_clouds", "XOR clouds", xor_clouds, "classification", _n(100), _noise(0.25), _SEED),
    _gen("circle", "Circle", circle, "classification", _n(200), _noise(0.0), _SEED,
         GeneratorParam("radius", float, 0.6, 0.1, 1.0, help="circle radius")),
    _gen("two_spirals", "Two spirals", two_spirals, "classification", _n(200), _noise(0.0), _SEED,
         GeneratorParam("turns", float, 1.5, 0.25, 5.0, help="turns of each arm")),
    _gen("moons", "Moons", moons, "classification", _n(200), _noise(0.1), _SEED),
    _gen("blobs", "Gaussian blobs", blobs, "classification", _n(150),
         GeneratorParam("k", int, 3, 1, 12, help="number of blobs (classes)"),
         _noise(0.3, "blob spread (std)"), _SEED),
    _gen("square", "Square", square, "classification", _n(200), _noise(0.0), _SEED,
         GeneratorParam("half_side", float, 0.5, 0.1, 0.95, help="half the square's side")),
    _gen("polygon", "Regular polygon", polygon, "classification", _n(200), _noise(0.0), _SEED,
         GeneratorParam("sides", int, 5, 3, 12, help="number of sides"),
         GeneratorParam("radius", float, 0.7, 0.2, 1.0, help="centre-to-vertex distance")),
    _gen("polygon_union", "OR of two polygons", polygon_union, "classification", _n(300),
         _noise(0.0), _SEED),
    _gen("pulse", "Square pulse", pulse, "regression", _n(200), _noise(0.0, _YNOISE), _SEED,
         GeneratorParam("t1", float, -0.5, -2.0, 2.0, help="pulse start T1"),
         GeneratorParam("t2", float, 0.5, -2.0, 2.0, help="pulse end T2"), check=_check_pulse),
    _gen("sine", "Sine", sine, "regression", _n(200), _noise(0.0, _YNOISE), _SEED,
         GeneratorParam("periods", float, 1.0, 0.25, 5.0, help="number of periods")),
    _gen("piecewise", "Piecewise function", piecewise, "regression", _n(200),
         _noise(0.0, _YNOISE), _SEED),
    _gen("cylinder", "Cylinder (2-D)", cylinder, "regression", _n(400), _noise(0.0, _YNOISE), _SEED,
         GeneratorParam("radius", float, 0.5, 0.05, 1.0, help="cylinder radius"),
         GeneratorParam("height", float, 1.0, 0.1, 10.0, help="cylinder height")),
    _gen("figure", "An arbitrary figure", figure, "classification", _n(300), _noise(0.0), _SEED),
    _gen("hills", "Two hills (2-D)", hills, "regression", _n(400), _noise(0.0, _YNOISE), _SEED),
    _gen("overlap", "Overlapping classes (1-D)", overlap, "classification", _n(400),
         GeneratorParam("noise", float, 0.8, 0.05, 2.0, help="each class's spread (std)"), _SEED,
         GeneratorParam("separation", float, 2.0, 0.0, 6.0, help="distance between the means"),
         GeneratorParam("spread", float, 1.0, 0.2, 5.0, help="class 1's spread / class 0's")),
    _gen("patterns", "Hopfield patterns", pattern_set, "patterns",
         GeneratorParam("kind", str, "letters", choices=("letters", "random"),
                        help="bitmap letters and digits, or random +1/-1 patterns"),
         GeneratorParam("names", str, "HOT", help="letters/digits to store (kind = letters)"),
         GeneratorParam("size", int, 8, 8, 16, help="bitmap side: 8 or 16 (kind = letters)"),
         GeneratorParam("p", int, 3, 1, 1000, help="number of patterns (kind = random)"),
         GeneratorParam("n", int, 64, 2, 4096, help="units per pattern (kind = random)"), _SEED,
         check=_check_patterns,
         count=lambda v: len(v["names"]) if v["kind"] == "letters" else int(v["p"])),
)}


def generate(name: str, **params: Any) -> Dataset:
    """GENERATORS[name](**params), with a clear error for an unknown name."""
    if name not in GENERATORS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(GENERATORS)}")
    return GENERATORS[name](**params)

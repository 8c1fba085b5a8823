"""Datasets: inputs X (n, d) and optional targets y, plus generators, bitmap patterns and CSV loading.

Every generator takes a size `n`, a `noise` level and a `seed`; the same seed gives the same data.
For classification sets, noise is the standard deviation of Gaussian jitter added to the inputs
*after* labelling (so noise=0 gives geometrically exact labels); for regression sets (pulse,
sine, piecewise, cylinder) it is Gaussian noise added to the targets.  Region datasets (circle,
square, n-gon, union of polygons) hold exactly half positive and half negative points.
`GENERATORS` lists every generator with its declared parameters, for the app.
"""
from __future__ import annotations

import csv
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs X (n, n_features) and targets y: (n,) labels or values, (n, k) one-hot or
    multi-output targets, or None for unsupervised rules."""
    X: np.ndarray
    y: np.ndarray | None = None
    name: str = ""

    def __init__(self, X: Any, y: Any = None, name: str = "") -> None:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[:, None]
        if X.ndim != 2:
            raise ValueError(f"dataset inputs must be a 2-D array (n, features), not shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("dataset inputs hold NaN or infinite values")
        if y is not None:
            y = np.asarray(y, dtype=float)
            if y.shape[0] != X.shape[0]:
                raise ValueError(f"dataset has {X.shape[0]} inputs but {y.shape[0]} targets")
            if not np.all(np.isfinite(y)):
                raise ValueError("dataset targets hold NaN or infinite values")
        X.setflags(write=False)
        if y is not None:
            y.setflags(write=False)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "name", name)

    def __len__(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def targets(self) -> np.ndarray:
        """Targets as a 2-D array (n, n_outputs)."""
        if self.y is None:
            raise ValueError(f"dataset {self.name or ''} has no targets".replace("  ", " "))
        return self.y[:, None] if self.y.ndim == 1 else self.y


def as_dataset(data: Any) -> Dataset | None:
    """Accept a Dataset, (X, y), or a bare array of inputs."""
    if data is None or isinstance(data, Dataset):
        return data
    if isinstance(data, tuple) and len(data) == 2:
        return Dataset(*data)
    return Dataset(data)


def one_hot(labels: Any, k: int | None = None) -> np.ndarray:
    """Integer labels 0..k-1 (n,) -> one-hot rows (n, k)."""
    labels = np.asarray(labels)
    idx = labels.astype(int)
    if labels.ndim != 1 or np.any(idx != labels) or np.any(idx < 0):
        raise ValueError("one_hot needs a 1-D array of labels 0, 1, 2, ...")
    k = int(idx.max()) + 1 if k is None else int(k)
    if idx.size and idx.max() >= k:
        raise ValueError(f"label {idx.max()} does not fit in {k} classes")
    out = np.zeros((idx.size, k))
    out[np.arange(idx.size), idx] = 1.0
    return out


# ---------------------------------------------------------------------- truth tables
GATES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "and": np.logical_and,
    "or": np.logical_or,
    "nand": lambda a, b: ~np.logical_and(a, b),
    "nor": lambda a, b: ~np.logical_or(a, b),
    "xor": np.logical_xor,
}


def truth_table(gate: str = "and", bipolar: bool = False) -> Dataset:
    """The four rows of a two-input Boolean gate; bipolar=True codes false/true as -1/+1."""
    key = gate.lower()
    if key not in GATES:
        raise ValueError(f"unknown gate {gate!r}; choose one of {', '.join(GATES)}")
    bits = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=bool)
    y = GATES[key](bits[:, 0], bits[:, 1]).astype(float)
    X = bits.astype(float)
    if bipolar:
        X, y = 2 * X - 1, 2 * y - 1
    return Dataset(X, y, name=f"{key.upper()} ({'-1/+1' if bipolar else '0/1'})")


# ---------------------------------------------------------------------- 2-D classification
def _jitter(X: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    return X + rng.normal(0.0, noise, X.shape) if noise > 0 else X


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator, name: str) -> Dataset:
    order = rng.permutation(len(X))
    return Dataset(X[order], y[order], name=name)


def linear_clouds(n: int = 100, noise: float = 0.4, seed: int | None = 0,
                  margin: float = 0.1) -> Dataset:
    """Two Gaussian clouds around (-1, -1) (label 0) and (1, 1) (label 1), spread `noise`, kept
    linearly separable: a point on the wrong side of x1 + x2 = 0 (or within `margin` of it) is
    reflected back across the margin line, so the classes always stay apart."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(float)
    sign = 2 * y - 1
    X = sign[:, None] * np.ones((n, 2)) + rng.normal(0.0, max(noise, 0.0), (n, 2))
    d = sign * X.sum(1) / math.sqrt(2)  # signed distance to the boundary, towards the class
    short = d < margin
    X[short] += (sign[short] * 2 * (margin - d[short]) / math.sqrt(2))[:, None]
    return _shuffled(X, y, rng, "linearly separable clouds")


def xor_clouds(n: int = 100, noise: float = 0.25, seed: int | None = 0) -> Dataset:
    """Four clouds at (+-1, +-1); label 1 where the signs differ (XOR of x1 > 0 and x2 > 0)."""
    rng = np.random.default_rng(seed)
    corner = np.arange(n) % 4
    c = np.array([[-1, -1], [1, 1], [-1, 1], [1, -1]], dtype=float)[corner]
    y = (corner >= 2).astype(float)
    return _shuffled(_jitter(c, noise, rng), y, rng, "XOR clouds")


def two_spirals(n: int = 200, noise: float = 0.0, seed: int | None = 0,
                turns: float = 1.5) -> Dataset:
    """Two interleaved spirals (labels 0 and 1), radius growing to 1 over `turns` turns."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(float)
    t = np.sqrt(rng.uniform(0.02, 1.0, n))  # sqrt spreads points evenly along the arm
    angle = 2 * math.pi * turns * t + math.pi * y
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    return _shuffled(_jitter(X, noise, rng), y, rng, "two spirals")


def moons(n: int = 200, noise: float = 0.1, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles (as scikit-learn's make_moons): upper label 0, lower 1."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(float)
    t = rng.uniform(0.0, math.pi, n)
    X = np.where(y[:, None] == 0, np.column_stack([np.cos(t), np.sin(t)]),
                 np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
    return _shuffled(_jitter(X, noise, rng), y, rng, "moons")


def blobs(n: int = 150, k: int = 3, noise: float = 0.3, seed: int | None = 0) -> Dataset:
    """k Gaussian blobs (labels 0..k-1, spread `noise`) centred evenly on a circle of radius 2;
    use one_hot(ds.y, k) for a softmax network."""
    if k < 1:
        raise ValueError(f"blobs needs at least one blob, not {k}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    angles = 2 * math.pi * np.arange(k) / k
    centres = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)]) if k > 1 else np.zeros((1, 2))
    X = _jitter(centres[y], noise, rng)
    return _shuffled(X, y.astype(float), rng, f"{k} blobs")


# ---------------------------------------------------------------------- regions in the plane
def inside_polygon(points: np.ndarray, vertices: Sequence[Sequence[float]]) -> np.ndarray:
    """Even-odd rule (a ray to the right crosses the boundary an odd number of times)."""
    p = np.asarray(points, dtype=float)
    v = np.asarray(vertices, dtype=float)
    x, y = p[:, 0], p[:, 1]
    inside = np.zeros(len(p), dtype=bool)
    for (x1, y1), (x2, y2) in zip(v, np.roll(v, -1, axis=0)):
        if y1 == y2:
            continue  # horizontal edges never cross a horizontal ray
        straddles = (y1 > y) != (y2 > y)
        x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= straddles & (x < x_cross)
    return inside


def regular_polygon(sides: int, radius: float = 1.0, center: Sequence[float] = (0.0, 0.0),
                    rotation: float = 0.0) -> np.ndarray:
    """Vertices (sides, 2) counter-clockwise; the first at angle `rotation` (radians)."""
    a = rotation + 2 * math.pi * np.arange(sides) / sides
    return np.column_stack([center[0] + radius * np.cos(a), center[1] + radius * np.sin(a)])


# The lecture's "OR of two polygons": a pentagon and a tilted square that do not touch.
UNION_POLYGONS = (
    regular_polygon(5, 0.75, (-0.8, 0.35), math.pi / 2),
    regular_polygon(4, 0.7, (0.85, -0.45), math.pi / 8),
)


def _region(n: int, noise: float, seed: int | None, inside: Callable[[np.ndarray], np.ndarray],
            box: float, name: str) -> Dataset:
    """n points in [-box, box]^2, half inside the region (label 1) and half outside (label 0),
    drawn by rejection so the classes are balanced whatever the region's area."""
    rng = np.random.default_rng(seed)
    want = {1: n // 2, 0: n - n // 2}
    kept: dict[int, list[np.ndarray]] = {0: [], 1: []}
    while any(sum(map(len, kept[c])) < want[c] for c in (0, 1)):
        P = rng.uniform(-box, box, (max(4 * n, 64), 2))
        mask = inside(P)
        for c, sel in ((1, mask), (0, ~mask)):
            have = sum(map(len, kept[c]))
            kept[c].append(P[sel][: want[c] - have])
    X = np.concatenate(kept[1] + kept[0])
    y = np.concatenate([np.ones(want[1]), np.zeros(want[0])])
    return _shuffled(_jitter(X, noise, rng), y, rng, name)


def circle(n: int = 200, noise: float = 0.0, seed: int | None = 0, radius: float = 0.6) -> Dataset:
    """Label 1 inside the circle of `radius` about the origin, 0 outside, in [-1, 1]^2."""
    return _region(n, noise, seed, lambda P: np.hypot(P[:, 0], P[:, 1]) < radius, 1.0, "circle")


def square(n: int = 200, noise: float = 0.0, seed: int | None = 0, half_side: float = 0.5) -> Dataset:
    """Label 1 inside the axis-aligned square |x1|, |x2| < half_side, in [-1, 1]^2."""
    return _region(n, noise, seed, lambda P: np.max(np.abs(P), axis=1) < half_side, 1.0, "square")


def polygon(n: int = 200, noise: float = 0.0, seed: int | None = 0, sides: int = 5,
            radius: float = 0.7) -> Dataset:
    """Label 1 inside the regular `sides`-gon of `radius` about the origin, in [-1, 1]^2."""
    if sides < 3:
        raise ValueError(f"a polygon needs at least 3 sides, not {sides}")
    v = regular_polygon(sides, radius, rotation=math.pi / 2)
    return _region(n, noise, seed, lambda P: inside_polygon(P, v), 1.0, f"{sides}-gon")


def polygon_union(n: int = 300, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Label 1 inside either of UNION_POLYGONS (the lecture's "OR of two polygons"), in
    [-1.6, 1.6]^2: an MLP needs a third layer to OR the two convex regions."""
    a, b = UNION_POLYGONS
    return _region(n, noise, seed, lambda P: inside_polygon(P, a) | inside_polygon(P, b), 1.6,
                   "OR of two polygons")


# ---------------------------------------------------------------------- regression targets
def _targets(X: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator,
             name: str) -> Dataset:
    return Dataset(X, y + rng.normal(0.0, noise, y.shape) if noise > 0 else y, name=name)


def pulse(n: int = 200, noise: float = 0.0, seed: int | None = 0, t1: float = -0.5,
          t2: float = 0.5, low: float = -2.0, high: float = 2.0) -> Dataset:
    """The lecture's square pulse: y = 1 where T1 <= x <= T2, else 0; x sorted in [low, high]."""
    if t1 > t2:
        raise ValueError(f"the pulse needs t1 <= t2, not t1={t1}, t2={t2}")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(low, high, n))
    return _targets(x, ((x >= t1) & (x <= t2)).astype(float), noise, rng, "square pulse")


def sine(n: int = 200, noise: float = 0.0, seed: int | None = 0, periods: float = 1.0) -> Dataset:
    """y = sin(x) for x sorted in [0, 2 pi * periods]."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 2 * math.pi * periods, n))
    return _targets(x, np.sin(x), noise, rng, "sine")


def piecewise_function(x: np.ndarray) -> np.ndarray:
    """-1 below -1; a ramp up to 1 at 0; a parabola dipping to 0.5 at 1; flat at 1 above 2
    (continuous; a mix of flat, linear and curved pieces)."""
    x = np.asarray(x, dtype=float)
    return np.select([x < -1, x < 0, x < 2], [-1.0, 2 * x + 1, 0.5 + 0.5 * (x - 1) ** 2], 1.0)


def piecewise(n: int = 200, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """y = piecewise_function(x) for x sorted in [-2, 3]."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-2.0, 3.0, n))
    return _targets(x, piecewise_function(x), noise, rng, "piecewise")


def cylinder(n: int = 400, noise: float = 0.0, seed: int | None = 0, radius: float = 0.5,
             height: float = 1.0) -> Dataset:
    """The lecture's 2-D cylinder: y = height inside the disc of `radius`, 0 outside, in [-1, 1]^2."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (n, 2))
    y = np.where(np.hypot(X[:, 0], X[:, 1]) < radius, float(height), 0.0)
    return _targets(X, y, noise, rng, "cylinder")


# ---------------------------------------------------------------------- Hopfield patterns
def _resources() -> Path:
    """resources/ beside the package (a source checkout), else under the working directory."""
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (base / "resources").is_dir():
            return base / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


@cache
def _bitmaps(size: int) -> dict[str, np.ndarray]:
    path = _resources() / "patterns" / f"patterns_{size}x{size}.txt"
    if not path.is_file():
        raise ValueError(f"no {size}x{size} bitmap patterns (looked for {path})")
    out: dict[str, np.ndarray] = {}
    name, rows, line_no = None, [], 0

    def finish(line_no: int) -> None:
        if name is not None:
            if len(rows) != size:
                raise DatasetFileError(path, line_no, f"pattern {name!r} has {len(rows)} rows, "
                                       f"not {size}")
            out[name] = np.array([[1.0 if ch == "#" else -1.0 for ch in r] for r in rows])

    for line_no, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            finish(line_no)
            name, rows = line[1:-1], []
        elif name is None or len(line) != size or set(line) - {"#", "."}:
            raise DatasetFileError(path, line_no, f"expected a row of {size} '#' or '.'")
        else:
            rows.append(line)
    finish(line_no + 1)
    return out


def pattern_names(size: int = 8) -> list[str]:
    """Names of the bitmap patterns available at this size (letters A-Z, digits 0-9)."""
    return list(_bitmaps(int(size)))


def bitmap_patterns(names: str | Sequence[str] | None = None, size: int = 8) -> np.ndarray:
    """Bitmaps as rows of +1 (on) / -1 (off), shape (P, size*size), row-major.  `names` is a
    string of one-character names ("HELLO" -> 5 patterns), a list of names, or None for all."""
    table = _bitmaps(int(size))
    wanted = list(table) if names is None else list(names)
    missing = [k for k in wanted if k not in table]
    if missing:
        raise ValueError(f"no {size}x{size} pattern named {missing[0]!r}; "
                         f"available: {''.join(table)}")
    return np.array([table[k].ravel() for k in wanted]).reshape(len(wanted), size * size)


def random_patterns(p: int = 5, n: int = 100, seed: int | None = 0) -> np.ndarray:
    """p random patterns of n units, each unit +1 or -1 with equal probability: shape (p, n)."""
    rng = np.random.default_rng(seed)
    return np.where(rng.random((int(p), int(n))) < 0.5, -1.0, 1.0)


def pattern_set(kind: str = "letters", names: str = "HOT", size: int = 8, p: int = 3,
                n: int = 64, seed: int | None = 0) -> Dataset:
    """Hopfield patterns as a Dataset (X = patterns, no targets), for the app's registry:
    kind="letters" takes bitmap `names` at `size`; kind="random" takes p patterns of n units."""
    if kind == "letters":
        return Dataset(bitmap_patterns(names, int(size)), name=f"letters {names} ({size}x{size})")
    if kind == "random":
        return Dataset(random_patterns(p, n, seed), name=f"{p} random patterns of {n} units")
    raise ValueError(f"unknown pattern kind {kind!r}; choose letters or random")


def flip(pattern: np.ndarray, fraction: float, seed: int | None = 0) -> np.ndarray:
    """A copy of a +1/-1 pattern with round(fraction * n) distinct units flipped."""
    rng = np.random.default_rng(seed)
    out = np.array(pattern, dtype=float)
    k = int(round(float(fraction) * out.size))
    idx = rng.choice(out.size, size=k, replace=False)
    out.flat[idx] *= -1.0
    return out


# ---------------------------------------------------------------------- CSV files
class DatasetFileError(ValueError):
    """A dataset file that cannot be read; names the file and the line."""

    def __init__(self, path: Any, line: int, message: str) -> None:
        self.path, self.line = str(path), line
        super().__init__(f"{path}, line {line}: {message}")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def load_csv(path: Any, header: bool | None = None, labels: bool = True) -> Dataset:
    """Columns of inputs then (with labels=True) one target column.  A first row with any
    non-number cell is a header (header=None detects it; True/False forces it).  Blank lines are
    skipped.  Raises DatasetFileError naming the file and line for anything malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetFileError(path, 0, f"cannot read the file ({exc})") from None
    rows = [(i, r) for i, r in enumerate(csv.reader(text.splitlines()), 1)
            if r and any(c.strip() for c in r)]
    if rows and (header or (header is None and any(_number(c) is None for c in rows[0][1]))):
        rows = rows[1:]
    if not rows:
        raise DatasetFileError(path, 1, "the file holds no data rows")
    width = len(rows[0][1])
    if width < (2 if labels else 1):
        raise DatasetFileError(path, rows[0][0], "need at least one input column and a label "
                               "column" if labels else "need at least one column")
    values = np.empty((len(rows), width))
    for k, (line, row) in enumerate(rows):
        if len(row) != width:
            raise DatasetFileError(path, line, f"expected {width} columns, found {len(row)}")
        for j, cell in enumerate(row):
            v = _number(cell.strip())
            if v is None:
                raise DatasetFileError(path, line, f"column {j + 1}: {cell.strip()!r} is not a number")
            if not math.isfinite(v):
                raise DatasetFileError(path, line, f"column {j + 1}: {cell.strip()} is not finite")
            values[k, j] = v
    if labels:
        return Dataset(values[:, :-1], values[:, -1], name=path.stem)
    return Dataset(values, name=path.stem)


# ---------------------------------------------------------------------- registry for the app
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

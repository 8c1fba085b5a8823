"""Generated datasets: truth tables, 2-D classification sets, regions in the plane, regression.

Every generator takes a size `n`, a `noise` level and a `seed`; the same seed gives the same data.
For classification sets, noise is the standard deviation of Gaussian jitter added to the inputs
*after* labelling (so noise=0 gives geometrically exact labels); for regression sets (pulse,
sine, piecewise, cylinder) it is Gaussian noise added to the targets.  Region datasets (circle,
square, n-gon, union of polygons) hold exactly half positive and half negative points.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from .data_core import Dataset

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
    have = {0: 0, 1: 0}
    while any(have[c] < want[c] for c in (0, 1)):
        P = rng.uniform(-box, box, (max(4 * n, 64), 2))
        mask = inside(P)
        for c in (1, 0):
            if have[c] < want[c]:  # a full class takes nothing more (and keeps no copy)
                chosen = np.flatnonzero(mask if c else ~mask)[: want[c] - have[c]]
                kept[c].append(P[chosen])
                have[c] += len(chosen)
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


# ---------------------------------------------------------------------- issue 13's new lessons
def figure_radius(theta: np.ndarray) -> np.ndarray:
    """The boundary of the "arbitrary figure": its distance from the origin at angle theta (a
    bean-like shape, not convex)."""
    theta = np.asarray(theta, dtype=float)
    return 0.62 + 0.18 * np.sin(2 * theta + 0.5) + 0.12 * np.cos(3 * theta)


def inside_figure(points: np.ndarray) -> np.ndarray:
    """True for the points (m, 2) inside the arbitrary figure."""
    p = np.asarray(points, dtype=float)
    return np.hypot(p[:, 0], p[:, 1]) < figure_radius(np.arctan2(p[:, 1], p[:, 0]))


def figure(n: int = 300, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Label 1 inside the lecture's "arbitrary figure" (inside_figure), 0 outside, in [-1, 1]^2:
    a shape that no one polygon fits, approximated by many small circles."""
    return _region(n, noise, seed, inside_figure, 1.0, "an arbitrary figure")


def hills_function(points: np.ndarray) -> np.ndarray:
    """Two smooth hills over the plane (heights 1 and 0.6): the surface the towers approximate."""
    p = np.asarray(points, dtype=float)
    x, y = p[:, 0], p[:, 1]
    return (np.exp(-((x + 0.35) ** 2 + (y - 0.2) ** 2) / 0.18)
            + 0.6 * np.exp(-((x - 0.45) ** 2 + (y + 0.35) ** 2) / 0.08))


def hills(n: int = 400, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """y = hills_function(x) at n points uniform in [-1, 1]^2."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (n, 2))
    return _targets(X, hills_function(X), noise, rng, "two hills")


def overlap_params(noise: float, separation: float, spread: float) -> tuple[tuple[float, float], ...]:
    """(mean, std) of class 0 and class 1 of `overlap`."""
    return (-separation / 2, noise), (separation / 2, noise * spread)


def overlap_posterior(x: np.ndarray, noise: float = 0.8, separation: float = 2.0,
                      spread: float = 1.0) -> np.ndarray:
    """P(class 1 | x) for `overlap`'s classes (equal priors), from their normal densities."""
    x = np.asarray(x, dtype=float)
    (m0, s0), (m1, s1) = overlap_params(noise, separation, spread)
    # log densities, compared in a stable way: p1 / (p0 + p1) = sigmoid(log p1 - log p0)
    log0 = -0.5 * ((x - m0) / s0) ** 2 - math.log(s0)
    log1 = -0.5 * ((x - m1) / s1) ** 2 - math.log(s1)
    d = np.clip(log1 - log0, -700, 700)
    return 1.0 / (1.0 + np.exp(-d))


def overlap(n: int = 400, noise: float = 0.8, seed: int | None = 0, separation: float = 2.0,
            spread: float = 1.0) -> Dataset:
    """Two overlapping classes on a line, equally many: class 0 ~ N(-separation/2, noise^2),
    class 1 ~ N(separation/2, (noise * spread)^2).  No boundary separates them; the best any
    model can say is P(class 1 | x) (overlap_posterior), which a sigmoid output learns."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(float)
    (m0, s0), (m1, s1) = overlap_params(noise, separation, spread)
    x = np.where(y == 1, rng.normal(m1, s1, n), rng.normal(m0, s0, n))
    order = np.argsort(x, kind="stable")
    return Dataset(x[order, None], y[order], name="overlapping classes")

"""Hopfield patterns: bitmap letters and digits (resources/patterns), random +1/-1 patterns, and
noisy copies of a pattern.

A pattern is a row of +1 (on) / -1 (off) units; bitmaps are read row-major from
resources/patterns/patterns_{size}x{size}.txt, where each pattern is a "[name]" line followed by
`size` rows of '#' (on) and '.' (off).
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from .data_core import Dataset, DatasetFileError


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

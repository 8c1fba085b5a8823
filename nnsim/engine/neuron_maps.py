"""Every neuron's own picture of what it computes, ready to paint on the canvas.

A two-input feed-forward network: each neuron's output over the input plane, as a small 8-bit
image (`NeuronMaps`), inputs included (x1 is a left-right ramp, x2 a bottom-top one, as in
TensorFlow Playground).  A one-input network: each neuron's output over x, as a short curve
(`NeuronCurves`).  The images are sampled from the very activations the decision map is computed
from (the same batched pass: `maps_from_activations` picks every k-th point of it), so the
output's small map is the decision map at those points.

Colours: 0 paints `levels[name][0]` and 255 paints `levels[name][1]`, on the decision plot's
blue-white-orange scale.  Units whose output lies in [0, 1] (sigmoid, step, gaussian, softmax,
relu near its kink) use (0, 1); symmetric units (tanh, sign, linear) use (-1, 1); an input uses
its own axis' range, so its ramp spans the whole scale.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

MAP_SIDE = 40  # pixels a side of each neuron's map (the canvas draws it at 40 px or more)
CURVE_POINTS = 48  # samples of each neuron's curve over x
UNIT_LEVELS = {"sigmoid": (0.0, 1.0), "step": (0.0, 1.0), "gaussian": (0.0, 1.0),
               "softmax": (0.0, 1.0), "relu": (0.0, 1.0)}
SYMMETRIC = (-1.0, 1.0)  # tanh, sign, linear and anything not above


def unit_levels(activation: str) -> tuple[float, float]:
    """The values painted blue (0) and orange (255) for a unit: the decision plot's scale."""
    return UNIT_LEVELS.get(activation, SYMMETRIC)


def quantize(values: np.ndarray, levels: tuple[float, float]) -> np.ndarray:
    """values -> uint8, levels[0] -> 0 and levels[1] -> 255, clipped; NaN -> the middle."""
    lo, hi = levels
    scale = 255.0 / (hi - lo) if hi != lo else 0.0
    v = (np.asarray(values, dtype=np.float32) - np.float32(lo)) * np.float32(scale)
    v = np.nan_to_num(v, nan=127.5, posinf=255.0, neginf=0.0)
    np.clip(v, 0.0, 255.0, out=v)
    out = np.rint(v).astype(np.uint8)
    out.setflags(write=False)
    return out


def dequantize(image: np.ndarray, levels: tuple[float, float]) -> np.ndarray:
    """The values an 8-bit map stands for (float32; within (hi - lo) / 510 of the true ones)."""
    lo, hi = levels
    return (np.asarray(image, dtype=np.float32) * np.float32((hi - lo) / 255.0)
            + np.float32(lo))


@dataclass(frozen=True, eq=False)
class NeuronMaps:
    """Each neuron's output over the input plane of a two-input network, 8-bit.

    images[name]: (side, side) uint8, read-only; row 0 is y_min and column 0 is x_min (as
    DecisionMap.grid: draw it flipped so y grows upwards).  levels[name]: (value at 0, at 255)."""
    extent: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max
    images: Mapping[str, np.ndarray]
    levels: Mapping[str, tuple[float, float]]

    def values(self, name: str) -> np.ndarray:
        """Neuron `name`'s map as float32 values (8-bit precision)."""
        return dequantize(self.images[name], self.levels[name])


@dataclass(frozen=True, eq=False)
class NeuronCurves:
    """Each neuron's output over x for a one-input network: curves[name] (n,) float32 at x,
    levels[name] the range to draw it in (as NeuronMaps.levels)."""
    x: np.ndarray
    curves: Mapping[str, np.ndarray]
    levels: Mapping[str, tuple[float, float]]


def sample_indices(resolution: int, side: int = MAP_SIDE) -> np.ndarray:
    """Point indices (row-major, as regions.plane) of a side x side grid spread evenly over a
    resolution x resolution one, corners included: the subsample the small maps show."""
    side = min(side, resolution)
    picks = np.rint(np.linspace(0, resolution - 1, side)).astype(np.intp)
    return (picks[:, None] * resolution + picks[None, :]).ravel()


def maps_from_activations(names: Sequence[str], activations: Sequence[str], n_inputs: int,
                          values: np.ndarray, extent, side: int) -> NeuronMaps:
    """NeuronMaps from (n_neurons, side*side) outputs at a side x side grid of points; rows in
    compiled order (inputs first, named by `names`, units by `activations`)."""
    x0, x1, y0, y1 = (float(v) for v in extent)
    images, levels = {}, {}
    for row, (name, unit) in enumerate(zip(names, activations)):
        if row < n_inputs:
            level = (x0, x1) if row == 0 else (y0, y1)
        else:
            level = unit_levels(unit)
        images[name] = quantize(values[row].reshape(side, side), level)
        levels[name] = level
    return NeuronMaps((x0, x1, y0, y1), MappingProxyType(images), MappingProxyType(levels))


def curves_from_activations(names: Sequence[str], activations: Sequence[str], x: np.ndarray,
                            values: np.ndarray) -> NeuronCurves:
    """NeuronCurves from (n_neurons, len(x)) outputs at x (rows in compiled order, input first)."""
    curves, levels = {}, {}
    x = np.asarray(x, dtype=np.float32)
    for row, (name, unit) in enumerate(zip(names, activations)):
        y = np.nan_to_num(np.asarray(values[row], dtype=np.float32), nan=0.0)
        y.setflags(write=False)
        curves[name] = y
        levels[name] = (float(x[0]), float(x[-1])) if row == 0 else unit_levels(unit)
    x.setflags(write=False)
    return NeuronCurves(x, MappingProxyType(curves), MappingProxyType(levels))

"""Batch evaluation of a 256x256 grid of inputs through a 2-16-16-1 network (issue 2).

The decision-region plot redraws by evaluating the network on a grid; to redraw 30 times a second
one grid must take well under 33 ms (the plot also needs time to draw)."""
from __future__ import annotations

import time

import numpy as np

from nnsim.engine import Network


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), float(np.median(times))


def run() -> None:
    net = Network.layered([2, 16, 16, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    axis = np.linspace(-6, 6, 256)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    compiled = net.compile()
    compiled.forward(grid)  # warm up
    best, median = best_of(lambda: compiled.forward(grid), 30)
    print(f"256x256 grid through 2-16-16-1: best {best * 1e3:.2f} ms, median {median * 1e3:.2f} ms "
          f"per grid -> {1 / median:.0f} grids/s (target >= 30/s, budget 33 ms: "
          f"{'met' if median < 1 / 30 else 'MISSED'})")
    best, median = best_of(lambda: compiled.forward_full(grid), 30)
    print(f"  with every neuron's output (canvas heatmaps): median {median * 1e3:.2f} ms")
    naive = _naive_loop(net, grid[:2048])
    print(f"  for scale: a per-point Python loop would take {naive * 32 * 1e3:.0f} ms per grid "
          f"({naive * 32 / median:.0f}x slower)")


def _naive_loop(net: Network, points: np.ndarray) -> float:
    """The obvious per-point evaluation, as a peer without batching would do it."""
    w = [np.array(l.weights) for l in net.compile().layers]
    b = [np.array(l.biases) for l in net.compile().layers]
    start = time.perf_counter()
    for p in points:
        a = p
        for k, (wk, bk) in enumerate(zip(w, b)):
            z = a @ wk + bk
            a = np.tanh(z) if k < len(w) - 1 else 1 / (1 + np.exp(-z))
    return time.perf_counter() - start

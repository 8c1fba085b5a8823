"""The loss landscape (issue 16, "Speed"): a 101 x 101 landscape of the lecture's Keras network
(Dense(16, relu) -> Dense(1, sigmoid), 1,000 points of two moons; 10,201 weight settings), as
rules.loss_landscape computes it (every setting batched, float32), beside 10,201 full-batch
evaluations of the Backprop rule's loss one after another (what a Python loop over the plane would
cost).  Target: at most 0.5 s.  Two chosen weights and two random directions; medians of REPEATS.
"""
from __future__ import annotations

import os
import time

import numpy as np

REPEATS = 5
TARGET_S = 0.5


def run() -> None:
    from nnsim.engine import Network, datasets, rules
    from nnsim.engine.rules.gradients import Graph

    net = Network.layered([2, 16, 1], ["relu", "sigmoid"], seed=0)
    data = datasets.generate("moons", n=1000, seed=0)
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores; 2-16-1 relu/sigmoid, 1,000 points, "
          f"binary cross-entropy, 101 x 101 = 10,201 settings; medians of {REPEATS}")
    graph = Graph(net.compile(), "binary_crossentropy")
    X, D = data.X, data.targets
    times = []
    for _ in range(200):
        start = time.perf_counter()
        graph.evaluate(X, D)
        times.append(time.perf_counter() - start)
    loop = float(np.median(times)) * 10_201
    print(f"  one full-batch evaluation {np.median(times) * 1e3:.3f} ms -> x 10,201 = {loop:.2f} s")
    for label, weights in (("two weights (x1->h1_1, h1_1->y)", [("x1", "h1_1"), ("h1_1", "y")]),
                           ("two random directions", "random")):
        runs = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            rules.loss_landscape(net, data, weights=weights, resolution=101,
                                 loss="binary_crossentropy")
            runs.append(time.perf_counter() - start)
        t = float(np.median(runs))
        print(f"  {label:34} {t:6.3f} s  target <= {TARGET_S} s "
              f"{'met' if t <= TARGET_S else 'MISSED'}  ({loop / t:.1f}x the loop)")


if __name__ == "__main__":
    run()

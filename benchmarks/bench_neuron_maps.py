"""Every neuron's own map on the canvas (issue 14, "Speed"): what the maps cost training, how often
they refresh, and the canvas's frame time with 2,000 neurons.

Cases, each in the real window (benchmarks.bench_app_training.run_case: offscreen, "Max speed",
backprop SGD, batch 10, 250 points), run with View > Neuron Maps on and off in alternation, so
both see the same machine load:
  1. 2-8x6-1 tanh on two spirals (49 maps).  Target: maps refresh >= 20 times a second while
     training keeps >= 80% of its samples/s with maps off.
  2. 2-4-2-1 tanh on XOR clouds.  Target: >= 30 refreshes a second, training >= 90% of maps off.
  3. A 2,000-neuron two-input network on the canvas: ms to repaint after a new snapshot with maps
     on, at fit-to-view and at 100% zoom.  Target: under 33 ms a frame.
A refresh is a snapshot drawn on the canvas that carried the maps.  Also printed: the engine's
cost of a frame with and without the maps (a snapshot of the same network, no window), and the
bytes the maps add to a frame (8-bit images).
"""
from __future__ import annotations

import io
import pickle
import time

import numpy as np

from benchmarks import bench_app_training as app

REPEATS = 3
SECONDS = 4.0
CASES = (
    # (label, sizes, dataset, refreshes/s target, share of the maps-off rate)
    ("2-8x6-1 tanh, two spirals (49 maps)", [2, 8, 8, 8, 8, 8, 8, 1], "two_spirals", 20, 0.80),
    ("2-4-2-1 tanh, XOR clouds (7 maps)", [2, 4, 2, 1], "xor_clouds", 30, 0.90),
)
CANVAS_NEURONS = 2_000
CANVAS_TARGET_MS = 33.0


def engine_frame_ms(sizes: list[int], dataset: str, maps: bool, frames: int = 30
                    ) -> tuple[float, int]:
    """(median ms the engine takes to build a frame, bytes of a pickled frame) for this network
    while it learns, with or without the canvas maps."""
    from nnsim.engine import Network, datasets, rules, wire
    from nnsim.engine.simulation import Simulation

    acts = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
    sim = Simulation(Network.layered(sizes, acts, seed=0),
                     datasets.generate(dataset, n=app.N_POINTS, seed=0),
                     rules.Backprop(optimizer="sgd", learning_rate=0.03, batch_size=app.BATCH,
                                    loss="mse"), seed=0)
    sim.set_canvas_maps(maps)
    costs = []
    snap = None
    for _ in range(frames):
        sim.step(10)
        t = time.perf_counter()
        snap = sim.snapshot()
        costs.append(time.perf_counter() - t)
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = wire._DISPATCH  # as the engine sends frames (read-only mappings)
    pickler.dump(snap.decision)
    size = buffer.tell()
    return 1e3 * float(np.median(costs)), size


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def run() -> None:
    from nnsim.app import engine_thread

    blas_before = engine_thread.blas_threads()  # the engine sets 1: put it back for the others
    try:
        _run_all()
    finally:
        if blas_before is not None:
            engine_thread.limit_blas_threads(blas_before)


def _run_all() -> None:
    print(f"{app._load()}; {REPEATS} runs of {SECONDS:.0f} s per case and setting (maps on and "
          "off alternate), medians")
    for label, sizes, dataset, refresh_target, share_target in CASES:
        on, off = [], []
        for _ in range(REPEATS):
            off.append(app.run_case(sizes, dataset, SECONDS, maps=False))
            on.append(app.run_case(sizes, dataset, SECONDS, maps=True))
        rate_on = float(np.median([r["samples_per_s"] for r in on]))
        rate_off = float(np.median([r["samples_per_s"] for r in off]))
        refresh = float(np.median([r["map_refreshes_per_s"] for r in on]))
        share = rate_on / rate_off if rate_off else float("nan")
        ms_on, bytes_on = engine_frame_ms(sizes, dataset, True)
        ms_off, bytes_off = engine_frame_ms(sizes, dataset, False)
        print(f"\n{label}")
        print(f"  {'':28}{'measured':>12}{'target':>10}")
        print(f"  {'map refreshes/s':28}{refresh:12.1f}{refresh_target:10}"
              f"{_met(refresh >= refresh_target):>8}")
        print(f"  {'samples/s maps on':28}{rate_on:12,.0f}")
        print(f"  {'samples/s maps off':28}{rate_off:12,.0f}")
        print(f"  {'on / off':28}{share:11.0%} {share_target:9.0%}{_met(share >= share_target):>8}")
        print(f"  {'canvas ms per frame':28}{np.median([r['canvas_ms'] for r in on]):9.2f} on, "
              f"{np.median([r['canvas_ms'] for r in off]):.2f} off (taking the snapshot); painting "
              f"the maps {np.median([r['maps_paint_ms'] for r in on]):.2f} ms")
        print(f"  {'engine ms per frame':28}{ms_on:9.2f} on, {ms_off:.2f} off "
              f"(decision map + maps: {bytes_on / 1024:.0f} KB, without maps "
              f"{bytes_off / 1024:.0f} KB)")
        print("  runs (samples/s on, off; refreshes/s): "
              + ", ".join(f"({a['samples_per_s']:,.0f}, {b['samples_per_s']:,.0f}; "
                          f"{a['map_refreshes_per_s']:.0f})" for a, b in zip(on, off)))
    from benchmarks.canvas_maps_timing import canvas_frame_ms

    app._app()
    print(f"\n{CANVAS_NEURONS:,}-neuron two-input network on the canvas, maps on "
          f"(target < {CANVAS_TARGET_MS:.0f} ms a frame)")
    for zoom in ("fit", "100%"):
        ms = canvas_frame_ms(CANVAS_NEURONS, zoom)
        print(f"  {zoom:>5}: {ms:7.1f} ms{_met(ms < CANVAS_TARGET_MS):>8}")
    print(f"({app._load()} at the end)")


if __name__ == "__main__":
    run()

"""Plot redraw speed (issue 5): the decision map at 200x200 and a 100,000-point weight history.

Each frame hands the DecisionPlot a new grid and repaints it offscreen (QWidget.grab), which is
what the app does per snapshot.  Targets: >= 30 redraws/s for the map alone, >= 20/s with the
0.5 contour and 16 unit lines.  For scale, the contour alone is timed against pyqtgraph's own
isocurve.  Figures are medians over many frames: this machine is shared and noisy.
"""
from __future__ import annotations

import os
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

N = 200
EXTENT = (-6.0, 6.0, -6.0, 6.0)


def _grids(frames: int) -> tuple[list[np.ndarray], list]:
    """Decision maps of a 2-16-16-1 network whose weights drift a little each frame."""
    from nnsim.engine import Network

    net = Network.layered([2, 16, 16, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    axis = np.linspace(EXTENT[0], EXTENT[1], N)
    points = np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2)
    compiled = net.compile()
    first = compiled.layers[0]
    rng = np.random.default_rng(0)
    grids, lines = [], []
    for _ in range(frames):
        first.weights[...] += rng.normal(0, 0.05, first.weights.shape)
        grids.append(compiled.forward(points).reshape(N, N).astype(np.float32))
        w, b = np.asarray(first.weights), np.asarray(first.biases)
        lines.append([(f"h{k}", w[0, k], w[1, k], b[k]) for k in range(w.shape[1])])
    return grids, lines


def _rate(frame, frames: int, warm_up: int = 1) -> tuple[float, float]:
    """Median time per frame (ms) and the redraws per second it allows."""
    for _ in range(warm_up):
        frame(0)
    times = []
    for i in range(frames):
        start = time.perf_counter()
        frame(i % frames)
        times.append(time.perf_counter() - start)
    median = float(np.median(times))
    return median * 1e3, 1.0 / median


def _met(rate: float, target: float) -> str:
    return "met" if rate >= target else "MISSED"


def bench_decision(app, frames: int = 60) -> None:
    import pyqtgraph as pg

    from nnsim.app.plots import DecisionPlot

    grids, lines = _grids(frames)
    plot = DecisionPlot()
    plot.resize(640, 640)
    plot.show()
    app.processEvents()

    def frame(i, with_lines=False):
        plot.set_grid(grids[i], EXTENT, lines[i] if with_lines else None)
        plot.graphics.grab()

    plot.set_show_contour(False)
    ms, rate = _rate(frame, frames)
    print(f"decision map {N}x{N}, new grid + repaint: {ms:.1f} ms/frame -> {rate:.0f} redraws/s "
          f"(target >= 30: {_met(rate, 30)})")
    plot.set_show_contour(True)
    ms, rate = _rate(lambda i: frame(i, True), frames)
    print(f"  + 0.5 contour + 16 unit lines: {ms:.1f} ms/frame -> {rate:.0f} redraws/s "
          f"(target >= 20: {_met(rate, 20)})")

    from nnsim.app.plots.contour import contour_segments

    xs = np.linspace(EXTENT[0], EXTENT[1], N)
    start = time.perf_counter()
    for g in grids[:10]:
        contour_segments(g, xs, xs, 0.5)
    ours = (time.perf_counter() - start) / 10
    start = time.perf_counter()
    for g in grids[:3]:
        pg.functions.isocurve(g, 0.5, connected=True)
    theirs = (time.perf_counter() - start) / 3
    print(f"  contour alone: vectorised marching squares {ours * 1e3:.2f} ms, pyqtgraph isocurve "
          f"{theirs * 1e3:.0f} ms ({theirs / ours:.0f}x slower)")

    print("  for scale: TensorFlow Playground redraws its 100x100 map in about 48 ms "
          "(shared/reference/README.md)")
    plot.close()


def bench_weights(app, points: int = 100_000, synapses: int = 8) -> None:
    from types import SimpleNamespace

    from nnsim.app.plots import WeightsPlot

    plot = WeightsPlot(max_points=points)  # (a live run keeps 50,000 at most)
    plot.resize(800, 500)
    plot.show()
    syn = tuple((f"x{k}", "y") for k in range(synapses))
    rng = np.random.default_rng(0)
    walk = np.cumsum(rng.normal(0, 0.01, (points, synapses)), axis=0)
    plot.update_snapshot(SimpleNamespace(step=0, synapses=syn, weights=walk[0], metrics={}))
    start = time.perf_counter()
    for t in range(1, points - 40):  # fill the history without redrawing every point
        plot.series.append(t, walk[t])
        plot.norms.append(t, [np.linalg.norm(walk[t])])
    fill = time.perf_counter() - start

    def frame(i):
        nonlocal t
        t += 1
        plot.update_snapshot(SimpleNamespace(step=t, synapses=syn, weights=walk[t], metrics={}))
        plot.graphics.grab()

    t = points - 41
    # The first frames after the jump from 1 to 100,000 points re-fit the view; a live run
    # grows gradually, so the steady state after them is what a user sees.
    ms, rate = _rate(frame, 20, warm_up=15)
    print(f"weights plot, {synapses} curves x {points:,} points: append + repaint {ms:.1f} ms/frame "
          f"-> {rate:.0f} redraws/s (appending {points:,} snapshots took {fill:.2f} s)")
    plot.set_log_scale(True)
    ms, rate = _rate(lambda i: plot.graphics.grab(), 10)
    print(f"  log |w| view: repaint {ms:.1f} ms/frame")
    plot.close()


def run() -> None:
    from PySide6.QtWidgets import QApplication

    import nnsim.app.plots  # noqa: F401  (the PySide6 6.12 refcount work-around)

    app = QApplication.instance() or QApplication([])
    bench_decision(app)
    bench_weights(app)


if __name__ == "__main__":
    run()

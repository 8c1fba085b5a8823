"""Canvas speed: 2,000 neurons and 20,000 synapses, offscreen.

Figures: time to build the canvas, to apply one snapshot's colours and repaint (target <= 33 ms,
one frame at 30 fps; median and worst), a run of 60 such frames with a synapse restyle falling
due every 6th (RESTYLE_HZ at 30 fps), one edit or drag step with its repaint (only the part of
the view it changes is drawn again), and one pan or zoom step with its repaint (a zoom shows the
last picture scaled) and the settled frame once the wheel rests.  A typical training snapshot
moves every output and weight a little; the worst case replaces all of them at random.
"""
from __future__ import annotations

import os
import time
from types import SimpleNamespace

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

N_NEURONS, N_SYNAPSES, LAYERS = 2000, 20000, 20
TARGET_MS = 33.0


def big_network(seed: int = 0):
    from nnsim.engine.network import Network

    rng = np.random.default_rng(seed)
    net = Network("bench")
    per = N_NEURONS // LAYERS
    for k in range(LAYERS):
        role = "input" if k == 0 else "output" if k == LAYERS - 1 else "hidden"
        for j in range(per):
            net.add_neuron(f"n{k}_{j}", role=role, activation="linear" if k == 0 else "tanh",
                           x=160.0 * k, y=40.0 * (j - per / 2))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < N_SYNAPSES:  # random synapses between neighbouring layers
        k = int(rng.integers(0, LAYERS - 1))
        pairs.add((k * per + int(rng.integers(per)), (k + 1) * per + int(rng.integers(per))))
    for a, b in sorted(pairs):
        net.connect(a, b, float(rng.normal(0, 0.7)))
    return net


def _snapshot(net, outputs, weights, names, synapses):
    return SimpleNamespace(names=names, outputs=outputs, net_inputs=outputs * 1.5,
                           synapses=synapses, weights=weights)


def _times_ms(fn, repeats: int) -> np.ndarray:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return np.array(times)


def _median_ms(fn, repeats: int) -> float:
    return float(np.median(_times_ms(fn, repeats)))


def run() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from nnsim.app.canvas import NetworkView
    from nnsim.app.canvas.view import RESTYLE_HZ
    from nnsim.app.document import Document

    net = big_network()
    names = tuple(net.names)
    synapses = tuple((net.neuron(s.source).name, net.neuron(s.target).name) for s in net.synapses)
    w0 = np.array([s.weight for s in net.synapses])
    rng = np.random.default_rng(1)

    t = time.perf_counter()
    doc = Document(net)
    view = NetworkView(doc)
    view.resize(1280, 800)
    view.show()
    view.fit_to_view()
    app.processEvents()
    view.viewport().repaint()
    build = (time.perf_counter() - t) * 1e3
    print(f"canvas of {len(net)} neurons, {net.parameter_count} synapses, 1280x800 viewport")
    print(f"  build (document, items, first paint): {build:8.1f} ms")

    def repaint():
        view.viewport().repaint()  # synchronous paint of the whole viewport

    state = {"out": rng.uniform(-1, 1, len(names)), "w": w0.copy()}

    def typical():  # a training step: everything drifts a little
        state["out"] = np.clip(state["out"] + rng.normal(0, 0.05, len(names)), -1, 1)
        state["w"] = state["w"] + rng.normal(0, 0.02, len(w0))
        view.apply_snapshot(_snapshot(net, state["out"], state["w"], names, synapses))

    def worst():  # every output and weight replaced
        view.apply_snapshot(_snapshot(net, rng.uniform(-1, 1, len(names)),
                                      rng.normal(0, 1, len(w0)), names, synapses))

    def run_frames(fn, n_frames: int, every: int):
        """n_frames frames of apply + repaint, a synapse restyle falling due every `every` frames
        (6 frames = 200 ms at 30 fps, RESTYLE_HZ).  Returns the frame times, the due frames'
        times, how many times the lines were restyled and in how many frames (median) a due
        restyle reached the screen."""
        layer = view.canvas.synapse_layer
        times, due_times, restyles, latency, since = [], [], 0, [], None
        for k in range(n_frames):
            version = layer._version
            due = k % every == 0
            if due:
                view._last_restyle = 0.0
                since = k if since is None else since
            t = time.perf_counter()
            fn()
            repaint()
            ms = (time.perf_counter() - t) * 1e3
            times.append(ms)
            if due:
                due_times.append(ms)
            if layer._version != version:
                restyles += 1
                if since is not None:
                    latency.append(k - since + 1)
                since = None
        return np.array(times), np.array(due_times), restyles, float(np.median(latency or [np.nan]))

    typical()
    repaint()  # warm the snapshot's name mapping, as the first frame of a run does
    fit_paint = _median_ms(repaint, 10)
    print(f"  (dense canvas: synapses restyle at most {RESTYLE_HZ} times a second; "
          "neurons recolour every frame)")
    print(f"  {'':24s} {'apply':>6s}  apply + repaint: median  worst  (target <= {TARGET_MS:.0f} ms)")
    for label, fn in (("typical snapshot", typical), ("worst-case snapshot", worst)):
        apply_only = _median_ms(fn, 15)
        total = _times_ms(lambda fn=fn: (fn(), repaint()), 15)
        print(f"  {label:24s} {apply_only:6.1f} ms {np.median(total):17.1f} {total.max():6.1f} ms"
              f"  ({np.median(total) / TARGET_MS:.2f} of budget)")
    for label, fn in (("typical", typical), ("worst-case", worst)):
        frames, due, restyles, latency = run_frames(fn, 60, 6)
        print(f"  {label + ' + restyle':24s} {'':6s}    {np.median(due):17.1f} {due.max():6.1f} ms"
              f"  (frames where a restyle falls due)")
        print(f"  {label + ' 60-frame run':24s} {'':6s}    {np.median(frames):17.1f} {frames.max():6.1f} ms"
              f"  (all frames: {int((frames > TARGET_MS).sum())} over {TARGET_MS:.0f} ms; lines "
              f"restyled {restyles} times, on screen after {latency:.0f} frames)")
    print(f"  repaint only, whole network in view:    {fit_paint:6.1f} ms")
    first = net.synapses[0]
    a, b = net.neuron(first.source).name, net.neuron(first.target).name
    edit = _median_ms(lambda: (doc.nudge_weight(a, b, 0.1), repaint()), 9)
    move = _median_ms(lambda: (doc.move_neurons({a: (rng.uniform(-50, 0), 0.0)}), repaint()), 9)
    undo = _median_ms(lambda: (doc.undo_stack.undo(), repaint()), 9)
    print(f"  one edit + repaint: weight {edit:6.1f} ms, move {move:6.1f} ms, undo {undo:6.1f} ms")
    scene = view.canvas
    idx = np.arange(20)
    start = scene.pos[idx].copy()
    drag = _median_ms(lambda: (scene.preview_positions(idx, start + rng.normal(0, 5, start.shape)),
                               repaint()), 9)
    scene.preview_positions(idx, start)
    print(f"  drag step (20 neurons previewed) + repaint: {drag:6.1f} ms")
    pan = _median_ms(lambda: (view.pan_by(15, 0), repaint()), 15)
    zoom = _median_ms(lambda: (view.zoom(1.05), repaint()), 15)
    # the wheel rests: the view is drawn properly again (a dense canvas's zoom shows the last
    # picture scaled meanwhile)
    settles = []
    for _ in range(5):
        view.zoom(1 / 1.05)
        repaint()
        t = time.perf_counter()
        view.settle_zoom()
        repaint()
        settles.append((time.perf_counter() - t) * 1e3)
    settle = float(np.median(settles))
    view.resetTransform()
    view.centerOn(800, 0)
    close_paint = _median_ms(repaint, 10)
    zoom_in = _median_ms(lambda: (view.pan_by(15, 0), repaint()), 15)
    print(f"  pan step (fit to view)   {pan:6.1f} ms;  zoom step {zoom:6.1f} ms, "
          f"then the frame when the wheel rests {settle:6.1f} ms")
    print(f"  at 100% zoom (labels, glyphs drawn): repaint {close_paint:6.1f} ms, "
          f"pan step {zoom_in:6.1f} ms")
    view.close()


if __name__ == "__main__":
    run()

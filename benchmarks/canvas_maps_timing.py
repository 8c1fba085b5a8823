"""How long the canvas takes to repaint after a new snapshot with every neuron's map (issue 14):
a two-input network of `n_neurons` (layers 2, ~n/2, ~n/2, 1, tanh), offscreen in a 1280x720
canvas, zoomed to fit the whole network or at 100%.

`canvas_frame_ms` is called by bench_neuron_maps.py (target: under 33 ms a frame); run this file
alone for the figures with and without maps.  Snapshots are made before timing (two of them,
alternated, so every frame brings new maps and the canvas builds their images again); a frame
is apply_snapshot + a repaint of the viewport (`grab()`), as a frame of a run (the synapses'
restyle throttled and drawn a slice a frame, as while training).
"""
from __future__ import annotations

import dataclasses
import os
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = (1280, 720)
_CACHE: dict = {}


def _net_and_snapshots(n_neurons: int):
    if n_neurons not in _CACHE:
        from nnsim.engine import builders
        from nnsim.engine.simulation import Simulation

        hidden = max(n_neurons - 3, 2)
        net = builders.layered([2, (hidden + 1) // 2, hidden // 2, 1], "tanh", seed=0)
        snaps = []
        for seed in (1, 2):  # two weight sets: each frame's maps differ from the last's
            other = builders.layered([2, (hidden + 1) // 2, hidden // 2, 1], "tanh", seed=seed)
            snap = Simulation(other).snapshot()
            if snaps:  # one run's snapshots share these tuples (the canvas maps names once)
                snap = dataclasses.replace(snap, names=snaps[0].names, synapses=snaps[0].synapses)
            snaps.append(snap)
        _CACHE[n_neurons] = (net, snaps)
    return _CACHE[n_neurons]


def canvas_frame_ms(n_neurons: int = 2000, zoom: str = "fit", repeats: int = 20,
                    maps: bool = True) -> float:
    """Median ms to apply a new snapshot (new maps) to the canvas and repaint it, offscreen at
    1280x720; zoom "fit" (the whole network) or "100%" (one scene unit a pixel, centred on the
    first hidden layer)."""
    from PySide6.QtWidgets import QApplication

    from nnsim.app.canvas import NetworkView
    from nnsim.app.document import Document

    app = QApplication.instance() or QApplication([])
    net, snaps = _net_and_snapshots(n_neurons)
    view = NetworkView(Document(net.copy()))
    try:
        view.resize(*SIZE)
        view.show()
        view.set_show_maps(maps)
        app.processEvents()
        if zoom == "fit":
            view.fit_to_view()
        elif zoom == "100%":
            view.resetTransform()
            c = view.canvas
            first = [i for i, r in enumerate(c.roles) if r == "hidden"]
            view.centerOn(*c.pos[first[len(first) // 2]])
        else:
            raise ValueError(f"zoom must be 'fit' or '100%', not {zoom!r}")
        for k in range(3):  # warm up: caches, the background, the glyphs
            view.apply_snapshot(snaps[k % 2])
            view.finish_restyle()
            view.viewport().grab()
        times = []
        for k in range(repeats):
            snap = snaps[k % 2]
            start = time.perf_counter()
            view.apply_snapshot(snap)
            view.viewport().grab()
            times.append(time.perf_counter() - start)
        return float(np.median(times) * 1000)
    finally:
        view.close()
        view.deleteLater()
        app.processEvents()


def main() -> None:
    for zoom in ("fit", "100%"):
        on = canvas_frame_ms(2000, zoom)
        off = canvas_frame_ms(2000, zoom, maps=False)
        print(f"2,000 neurons, {zoom:>4}: maps on {on:6.1f} ms, off {off:6.1f} ms a frame")


if __name__ == "__main__":
    main()

"""Training speed in the real window (issue 5, "Speed"): samples per second while drawing.

The real MainWindow, offscreen (1400x900, shown), is given its network, data and rule through its
own paths (document, data panel, rule panel), set to "Max speed" and played; the Qt event loop
then runs for a few seconds as the app runs it, so the engine trains while the GUI thread
draws every snapshot it is sent (canvas, decision map, loss, status).  Measured per case:

  samples/s   samples trained per second of wall time, from the snapshots (step x batch size)
  redraws/s   decision-map redraws per second (calls of DecisionPlot.set_grid)
  GUI p99     how late a 10 ms timer fires in the GUI thread (p50 / p99, ms): responsiveness
  costs       engine ms per snapshot built (measured without the window); GUI ms per snapshot
              drawn (plots + canvas)

Cases (TensorFlow Playground's XOR and spiral settings: 250 training points, batch 10, SGD,
learning rate 0.03, squared error):
  1. 2-4-2-1 tanh (sigmoid output) on XOR clouds, 250 points.  Target: >= 150,000 samples/s with
     the map >= 30 redraws/s.
  2. 2-8x6-1 (six hidden layers of 8, tanh) on two spirals, 250 points.  Target: >= 45,000
     samples/s with the map >= 20 redraws/s.
Playground (reference/README.md, measured on this kind of machine) trains one epoch per frame:
59 epochs/s x 250 points ~ 14,750 samples/s; 16-19 epochs/s x 250 ~ 4,400 for 6 layers of 8.

Where the time goes: the engine runs in a process of its own (nnsim.engine.runner), so training
(Python and tiny NumPy calls) and drawing (Qt calling into Python for every item) each have a
core and an interpreter; they used to share one GIL, which cost each about half.  The engine
builds the next frame while one is drawn.

Each case runs REPEATS times (a fresh run of the same window); medians are printed, since this
machine has 2 cores shared with other engineers' tests.  The 100,000-point history figures:
the weights plot is benchmarks/bench_plots.py; the loss plot is timed here with a 100,000-epoch
history (setData + repaint), the figure that matters for a long run.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time

import numpy as np

SECONDS = 5.0
WARM_UP = 0.7  # seconds of play before measuring (the first trainer build, first frames)
REPEATS = 3
TICK_MS = 10
N_POINTS = 250
BATCH = 10
PLAYGROUND_SAMPLES = 59 * 250  # one 250-point epoch per 60 Hz frame
PLAYGROUND_DEEP = 17.5 * 250  # 16-19 epochs/s for 6 layers of 8

CASES = (
    # (label, sizes, dataset, samples/s target, redraws/s target, playground samples/s)
    ("2-4-2-1 tanh, XOR clouds", [2, 4, 2, 1], "xor_clouds", 150_000, 30, PLAYGROUND_SAMPLES),
    ("2-8x6-1 tanh, two spirals", [2, 8, 8, 8, 8, 8, 8, 1], "two_spirals", 45_000, 20,
     PLAYGROUND_DEEP),
)


def _app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("NNSIM_SETTINGS_DIR", tempfile.mkdtemp(prefix="nnsim-bench-"))
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    import nnsim.app  # noqa: F401 - its start-up work-arounds

    def quiet(kind, context, message):  # the offscreen platform's one harmless complaint
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    return QApplication.instance() or QApplication([])


def _run_loop(seconds: float, on_tick=None) -> None:
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    loop = QEventLoop()
    timer = None
    if on_tick is not None:
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(TICK_MS)
        timer.timeout.connect(on_tick)
        timer.start()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    if timer is not None:
        timer.stop()


def _timed(fn, into: list):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            into.append(time.perf_counter() - start)
    return wrapper


def run_case(sizes: list[int], dataset: str, seconds: float = SECONDS,
             maps: bool | None = None) -> dict:
    """One run in a fresh window; returns the figures.  maps: the canvas's per-neuron maps on
    or off (View > Neuron Maps; None leaves the default); "map_refreshes_per_s" counts the
    snapshots drawn on the canvas that carried them."""
    _app()
    from nnsim.app.document import Document
    from nnsim.app.main_window import MainWindow
    from nnsim.engine import Network

    acts = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
    net = Network.layered(sizes, acts, seed=0)
    window = MainWindow(Document(net))
    window.resize(1400, 900)
    window.show()
    learning = window.learning
    decision = learning.plots["decision"]
    learning.raise_plots(("decision", "loss"))

    # Through the window's own paths: the data panel generates and sends the data; the rule
    # panel configures the rule, which the learning docks send to the engine.
    learning.data.set_generator(dataset, n=N_POINTS, seed=0)
    learning.rules.select_rule("backprop")
    panel = learning.rules.current_panel()
    panel.set_params({"optimizer": "sgd", "learning_rate": 0.03, "batch_size": BATCH,
                      "loss": "mse"})
    window.document.set_rule("backprop", panel.params())  # the document sends it to the engine
    # No epoch limit: the default (1,000 epochs) ends a run at this speed within two seconds,
    # and a stopped run would be measured as a slow one.
    panel.stop.epochs.setValue(panel.stop.epochs.maximum())
    panel.stop.converged.setChecked(False)
    window.run.speed.setCurrentIndex(window.run.speed.findData("max"))
    if maps is not None:
        window.view.set_show_maps(maps)

    # Instruments: map redraws, GUI cost per frame, worker cost per snapshot.
    redraws: list[float] = []
    set_grid = decision.set_grid
    decision.set_grid = lambda *a, **k: (redraws.append(time.perf_counter()), set_grid(*a, **k))
    gui_costs: list[float] = []
    learning.update_snapshot = _timed(learning.update_snapshot, gui_costs)
    canvas_costs: list[float] = []
    map_frames: list[float] = []
    apply = _timed(window.view.apply_snapshot, canvas_costs)

    def apply_counted(snapshot):
        if getattr(snapshot, "neuron_maps", None) is not None:
            map_frames.append(time.perf_counter())
        return apply(snapshot)

    window.view.apply_snapshot = apply_counted
    from nnsim.app.canvas.neuron_maps import NeuronMapsItem

    paint_costs: list[float] = []  # the maps item's paints (Qt calls the class's method)
    own_paint = NeuronMapsItem.paint
    NeuronMapsItem.paint = _timed(own_paint, paint_costs)
    frames: list[tuple[float, int, int]] = []
    window.engine.snapshot_ready.connect(
        lambda snap, rate: frames.append((time.perf_counter(), snap.step, snap.epoch)))

    late: list[float] = []
    clock = [0.0]

    def tick():
        now = time.perf_counter()
        if clock[0]:
            late.append(max(0.0, (now - clock[0]) * 1e3 - TICK_MS))
        clock[0] = now

    _run_loop(0.3)  # the window settles, the rule and data reach the engine
    window.engine.play()
    _run_loop(WARM_UP)
    start = time.perf_counter()
    mark = len(frames), len(redraws), len(gui_costs), len(canvas_costs)
    _run_loop(seconds, tick)
    end = time.perf_counter()
    stopped_early = not window.engine.running
    window.engine.pause()
    NeuronMapsItem.paint = own_paint
    frames, redraws = frames[mark[0]:], [t for t in redraws[mark[1]:] if t <= end]
    gui, canvas = gui_costs[mark[2]:], canvas_costs[mark[3]:]
    if len(frames) >= 2:
        (t0, s0, e0), (t1, s1, e1) = frames[0], frames[-1]
        samples_per_s = (s1 - s0) * BATCH / (t1 - t0)
        epochs_per_s = (e1 - e0) / (t1 - t0)
    else:
        samples_per_s = epochs_per_s = 0.0
    if stopped_early:
        raise RuntimeError("the run stopped before the measurement ended: the figures would "
                           "count idle time")
    final = window.engine.snapshot
    accuracy = float(final.metrics.get("accuracy", float("nan"))) if final else float("nan")
    window.document.undo_stack.setClean()
    window._write_back_pending = False
    window.close()
    window.engine.stop()
    window.deleteLater()
    _run_loop(0.1)
    from PySide6.QtCore import QCoreApplication, QEvent

    # Gone now, not at some later event loop: the benchmarks after this one share the process.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    lat = np.array(late) if late else np.zeros(1)
    return {
        "samples_per_s": samples_per_s, "epochs_per_s": epochs_per_s,
        "redraws_per_s": len(redraws) / (end - start), "frames": len(frames),
        "map_refreshes_per_s": sum(start <= t <= end for t in map_frames) / (end - start),
        "maps_paint_ms": 1e3 * float(np.median(paint_costs)) if paint_costs else 0.0,
        "p50": float(np.percentile(lat, 50)), "p99": float(np.percentile(lat, 99)),
        "gui_ms": 1e3 * float(np.median(gui)) if gui else 0.0,
        "canvas_ms": 1e3 * float(np.median(canvas)) if canvas else 0.0,
        "accuracy": accuracy,
    }


def headless_rate(sizes: list[int], dataset: str, seconds: float = 1.0) -> tuple[float, float]:
    """Samples per second of the same training with no window (the engine's ceiling), and the
    ms the engine spends building one frame (a snapshot with its 200x200 map)."""
    from nnsim.engine import Network, datasets, rules
    from nnsim.engine.simulation import Simulation

    acts = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
    sim = Simulation(Network.layered(sizes, acts, seed=0),
                     datasets.generate(dataset, n=N_POINTS, seed=0),
                     rules.Backprop(optimizer="sgd", learning_rate=0.03, batch_size=BATCH,
                                    loss="mse"), seed=0)
    start, steps = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        steps += sim.step(200)
    rate = steps * BATCH / (time.perf_counter() - start)
    costs = []
    for _ in range(20):
        sim.step(10)
        t = time.perf_counter()
        sim.snapshot()
        costs.append(time.perf_counter() - t)
    return rate, 1e3 * float(np.median(costs))


def loss_history_cost(points: int = 100_000, frames: int = 20) -> float:
    """ms per frame for the loss plot to take a 100,000-epoch history and repaint."""
    from types import MappingProxyType, SimpleNamespace

    from nnsim.app.plots import LossPlot

    _app()
    plot = LossPlot()
    plot.resize(800, 400)
    plot.show()
    rng = np.random.default_rng(0)
    loss = np.exp(-np.linspace(0, 5, points + frames)) + rng.uniform(0, 0.01, points + frames)
    acc = np.clip(1 - loss, 0, 1)
    times = []
    for i in range(frames + 3):
        n = points + i
        history = MappingProxyType({"loss": loss[:n], "accuracy": acc[:n]})
        snap = SimpleNamespace(history=history, metrics={}, step=n, epoch=n)
        start = time.perf_counter()
        plot.update_snapshot(snap)
        plot.graphics.grab()
        times.append(time.perf_counter() - start)
    plot.close()
    return 1e3 * float(np.median(times[3:]))


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
        return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"
    except OSError:
        return "load average unknown"


def run() -> None:
    from nnsim.app import engine_thread

    blas_before = engine_thread.blas_threads()  # the engine sets 1: put it back for the others
    try:
        _run_all(engine_thread)
    finally:
        if blas_before is not None:
            engine_thread.limit_blas_threads(blas_before)


def _run_all(engine_thread) -> None:
    print(f"{_load()}; {REPEATS} runs of {SECONDS:.0f} s per case, medians; Playground: "
          "SGD, batch 10, 250 points")
    print(f"engine: chunks of {engine_thread.CHUNK_SECONDS * 1e3:.0f} ms, batches of "
          f"~{engine_thread.SLICE_SECONDS * 1e3:.1f} ms, in a process of its own; switch interval "
          f"{engine_thread.SWITCH_INTERVAL * 1e3:.1f} ms, BLAS threads "
          f"{engine_thread.BLAS_THREADS}")
    for label, sizes, dataset, target, map_target, playground in CASES:
        runs = [run_case(sizes, dataset) for _ in range(REPEATS)]
        med = {key: float(np.median([r[key] for r in runs])) for key in runs[0]}
        sps, rps = med["samples_per_s"], med["redraws_per_s"]
        print(f"\n{label}  (backprop SGD lr 0.03, batch {BATCH}, {N_POINTS} points)")
        print(f"  {'':22}{'measured':>12}{'target':>10}{'':>8}{'Playground':>12}{'ratio':>8}")
        print(f"  {'samples/s':22}{sps:12,.0f}{target:10,}{_met(sps >= target):>8}"
              f"{playground:12,.0f}{sps / playground:7.1f}x")
        print(f"  {'epochs/s':22}{med['epochs_per_s']:12,.0f}")
        ceiling, frame_ms = headless_rate(sizes, dataset)
        print(f"  {'no window (ceiling)':22}{ceiling:12,.0f} samples/s")
        print(f"  {'map redraws/s':22}{rps:12.1f}{map_target:10}{_met(rps >= map_target):>8}")
        print(f"  {'GUI timer late p50/p99':22}{med['p50']:7.1f} /{med['p99']:5.1f} ms")
        print(f"  {'per frame: engine':22}{frame_ms:9.2f} ms snapshot; GUI "
              f"{med['gui_ms']:.2f} ms plots + {med['canvas_ms']:.2f} ms canvas")
        print("  runs (samples/s, redraws/s): "
              + ", ".join(f"({r['samples_per_s']:,.0f}, {r['redraws_per_s']:.0f})" for r in runs)
              + f"; accuracy after the last run {runs[-1]['accuracy']:.2f}")
    ms = loss_history_cost()
    print(f"\n100,000-epoch history: loss plot setData + repaint {ms:.1f} ms/frame "
          f"-> {1e3 / ms:.0f} redraws/s (weights plot with 100,000 points: bench_plots)")
    print(f"({_load()} at the end)")


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    run()

"""Memory while training (issue 12): growth per minute of the engine and the GUI processes.

The real MainWindow, offscreen (1400x900, shown), trains 2-2-1 XOR (tanh, sigmoid output) with
Adam at full speed ("Max speed", batch 4 = one step an epoch, no epoch limit) through the real
engine process, given its network, data and rule through its own paths as
bench_app_training.py does.  Every few seconds the resident memory (RSS) of both processes is
sampled.  The first minute (or the first half of a shorter run) is the warm-up (buffers,
caches and the allocator settle); the growth per minute is the least-squares slope of RSS over
the rest, and the growth the difference between the last sample and the first after warm-up.

Target: after the first minute, neither process grows by more than 20 MB over 10 minutes, i.e.
at most 2 MB/min.  The default is a 2-minute run (the first minute warm-up); set
NNSIM_BENCH_MEMORY_SECONDS for another length (e.g. 30 for a quick check).
"""
from __future__ import annotations

import os
import time

import numpy as np

SECONDS = float(os.environ.get("NNSIM_BENCH_MEMORY_SECONDS") or 120.0)
SAMPLE_EVERY = 2.0  # seconds between RSS samples
WARM_UP = 60.0  # seconds (at most half the run)
TARGET_MB_PER_MIN = 20.0 / 10.0  # 20 MB over 10 minutes


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default), MB; nan where /proc is missing."""
    try:
        with open(f"/proc/{pid or 'self'}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return float("nan")


def slope_per_minute(times: list[float], values: list[float]) -> float:
    """Least-squares MB per minute (nan with fewer than two samples)."""
    t, v = np.asarray(times), np.asarray(values)
    ok = np.isfinite(v)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(t[ok], v[ok], 1)[0]) * 60.0


def run_training(seconds: float = SECONDS) -> dict:
    """One run of the window; returns the samples and the figures."""
    from benchmarks.bench_app_training import _app, _run_loop

    _app()
    from nnsim.app.document import Document
    from nnsim.app.main_window import MainWindow
    from nnsim.engine import Network

    window = MainWindow(Document(Network.layered([2, 2, 1], ["tanh", "sigmoid"], seed=0)))
    window.resize(1400, 900)
    window.show()
    learning = window.learning
    learning.raise_plots(("decision", "loss"))
    learning.data.set_generator("truth_table", gate="xor")
    learning.rules.select_rule("backprop")
    panel = learning.rules.current_panel()
    panel.set_params({"optimizer": "adam", "learning_rate": 0.01, "batch_size": 4})
    window.document.set_rule("backprop", panel.params())
    panel.stop.epochs.setValue(panel.stop.epochs.maximum())
    panel.stop.converged.setChecked(False)
    window.run.speed.setCurrentIndex(window.run.speed.findData("max"))
    frames: list[tuple[float, int]] = []
    window.engine.snapshot_ready.connect(lambda snap, rate: frames.append((time.perf_counter(), snap.epoch)))

    _run_loop(0.5)  # the window settles; the rule and data reach the engine
    waited = 0.0
    while window.engine.engine_pid() is None and waited < 30:  # started after the first paint
        _run_loop(0.1)
        waited += 0.1
    pid = window.engine.engine_pid()
    if pid is None:
        raise RuntimeError("the engine process did not start (thread mode?): nothing to measure")
    window.engine.play()
    start = time.perf_counter()
    samples: list[tuple[float, float, float, int]] = []  # (seconds, GUI MB, engine MB, epoch)
    while True:
        now = time.perf_counter() - start
        samples.append((now, rss_mb(), rss_mb(pid), frames[-1][1] if frames else 0))
        if now >= seconds or not window.engine.running and now > 5:
            break
        _run_loop(min(SAMPLE_EVERY, seconds - now + 0.01))
    stopped_early = not window.engine.running
    window.engine.pause()
    window.document.undo_stack.setClean()
    window._write_back_pending = False
    window.close()
    window.engine.stop()
    window.deleteLater()
    _run_loop(0.1)
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if stopped_early:
        raise RuntimeError("the run stopped before the measurement ended")
    warm_up = min(WARM_UP, samples[-1][0] / 2)
    late = [s for s in samples if s[0] >= warm_up]
    t = [s[0] for s in late]
    return {
        "samples": samples,
        "warm_up": warm_up,
        "gui_growth": late[-1][1] - late[0][1],
        "engine_growth": late[-1][2] - late[0][2],
        "gui_mb_per_min": slope_per_minute(t, [s[1] for s in late]),
        "engine_mb_per_min": slope_per_minute(t, [s[2] for s in late]),
        "epochs_per_s": (late[-1][3] - late[0][3]) / max(1e-9, late[-1][0] - late[0][0]),
        "epochs": samples[-1][3],
    }


def run() -> None:
    from nnsim.app import engine_thread

    blas_before = engine_thread.blas_threads()
    try:
        figures = run_training()
    finally:
        if blas_before is not None:
            engine_thread.limit_blas_threads(blas_before)
    samples = figures["samples"]
    first, last = samples[0], samples[-1]
    print(f"2-2-1 XOR, Adam, batch 4, max speed, {last[0]:.0f} s through the engine process "
          f"({figures['epochs']:,} epochs, {figures['epochs_per_s']:,.0f} epochs/s after warm-up)")
    print(f"  growth after the first {figures['warm_up']:.0f} s (warm-up), target at most "
          f"{TARGET_MB_PER_MIN:.1f} MB/min (20 MB over 10 minutes)")
    print(f"  {'':10}{'start MB':>10}{'end MB':>10}{'growth MB':>12}{'MB/min':>10}")
    for label, index, key in (("engine", 2, "engine"), ("GUI", 1, "gui")):
        rate = figures[f"{key}_mb_per_min"]
        verdict = "met" if rate <= TARGET_MB_PER_MIN else "MISSED"
        print(f"  {label:10}{first[index]:10.1f}{last[index]:10.1f}{figures[f'{key}_growth']:12.1f}"
              f"{rate:10.2f}  {verdict}")
    shown = samples[::max(1, len(samples) // 8)]
    print("  samples (s, GUI MB, engine MB, epoch): "
          + ", ".join(f"({s[0]:.0f}, {s[1]:.0f}, {s[2]:.0f}, {s[3]})" for s in shown))


if __name__ == "__main__":
    run()

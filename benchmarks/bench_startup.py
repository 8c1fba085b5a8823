"""Start-up to a painted window (issue 11, item 8): nnsim against a bare PySide6 + pyqtgraph
window started the same way on the same machine.

Each run is a fresh `python FILE` subprocess with a fresh HOME and settings directory (a first
launch), timed from just before the process starts to the moment it reports its main window
painted (the first paint event of any widget in the window, reported once that paint pass is
over):
  bare:  import PySide6 and pyqtgraph, a QApplication, a QMainWindow holding one PlotWidget,
         show(), exit once the window is painted;
  nnsim: `python main.py` with NNSIM_EXIT_AFTER_PAINT=1 (nnsim.app.cli), which exits right
         after the main window's first paint.
Runs alternate between the two (so a burst of load elsewhere hits both), RUNS each; the
figures are medians.  Python's bytecode caches are on, as in an installed app: the first
(warm-up) start of each writes them, even where PYTHONDONTWRITEBYTECODE is set for this
process (a development setting; with it nnsim's ~75 modules are compiled from source at every
start, ~90 ms here, while PySide6 and pyqtgraph come with their caches from pip).  On the
offscreen platform always, and under X11 (xcb) too when DISPLAY is set and a server answers.
Target: nnsim within 1.3x of bare.  Printed, never pass/fail.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
TIMEOUT = 60  # seconds a start may take before it counts as failed
MARK = "painted"

BARE = f'''
import sys
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget


class FirstPaint(QObject):
    """The window's first paint pass: the first paint event of any widget in it; reported
    once the pass is over (the next turn of the event loop)."""

    def eventFilter(self, watched, event):
        if (event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                and watched.window() is window):
            app.removeEventFilter(self)
            QTimer.singleShot(0, done)
        return False


def done():
    print("{MARK}", flush=True)
    app.quit()


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(pg.PlotWidget())
window.resize(1280, 800)
probe = FirstPaint()
app.installEventFilter(probe)
window.show()
app.exec()
'''


def _time_once(argv: list[str], platform: str, extra_env: dict) -> float | None:
    home = tempfile.mkdtemp(prefix="nnsim-startup-")
    env = dict(os.environ, QT_QPA_PLATFORM=platform, HOME=home,
               XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_DATA_HOME=os.path.join(home, ".local", "share"),
               NNSIM_SETTINGS_DIR=os.path.join(home, "nnsim"), **extra_env)
    env.pop("NNSIM_STARTUP_PROBE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # caches written and read, as in an install
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *argv], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    took = None
    try:
        for line in proc.stdout:
            if MARK in line:
                took = time.perf_counter() - start
                break
        proc.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return took


def measure(platform: str, runs: int = RUNS) -> tuple[list[float], list[float]]:
    """(bare times, nnsim times) in seconds, alternating runs."""
    with tempfile.NamedTemporaryFile("w", suffix="_bare_window.py", delete=False) as f:
        f.write(BARE)
        bare_script = f.name
    bare, app = [], []
    try:
        _time_once([bare_script], platform, {})  # warm the file cache for both
        _time_once(["main.py"], platform, {"NNSIM_EXIT_AFTER_PAINT": "1"})
        for _ in range(runs):
            t = _time_once([bare_script], platform, {})
            if t is not None:
                bare.append(t)
            t = _time_once(["main.py"], platform, {"NNSIM_EXIT_AFTER_PAINT": "1"})
            if t is not None:
                app.append(t)
    finally:
        os.unlink(bare_script)
    return bare, app


def _ms(times: list[float]) -> str:
    return ", ".join(f"{t * 1000:.0f}" for t in times)


def _x_display() -> bool:
    """DISPLAY is set and an X server answers there."""
    if not os.environ.get("DISPLAY"):
        return False
    from nnsim.app.cli import display_problem

    saved = os.environ.get("QT_QPA_PLATFORM")
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    try:
        return display_problem() is None
    finally:
        if saved is None:
            del os.environ["QT_QPA_PLATFORM"]
        else:
            os.environ["QT_QPA_PLATFORM"] = saved


def run() -> None:
    platforms = ["offscreen"] + (["xcb"] if _x_display() else [])
    for platform in platforms:
        bare, app = measure(platform)
        if not bare or not app:
            print(f"{platform}: a start never reported its first paint (bare {len(bare)}/{RUNS}, "
                  f"nnsim {len(app)}/{RUNS} runs); run `NNSIM_EXIT_AFTER_PAINT=1 python main.py` "
                  "to see why")
            continue
        b, a = statistics.median(bare), statistics.median(app)
        print(f"start-up to the first paint ({platform}, median of {RUNS}): bare PySide6 + "
              f"pyqtgraph window {b * 1000:.0f} ms, nnsim {a * 1000:.0f} ms, ratio {a / b:.2f} "
              f"(target <= 1.3)")
        print(f"  runs: bare {_ms(bare)} ms; nnsim {_ms(app)} ms (bytecode caches on)")


if __name__ == "__main__":
    run()

"""Headless recording of 300 frames at 1280x720 (issue 7): capture, encode, and both together.

Target: at least 30 frames per second in all for MP4, i.e. faster than real time.  The widget is
a stand-in (a pyqtgraph plot with a curve, a scatter and a 10x10 image that change every frame)
until the Hopfield lesson exists; swap `demo_widget` for the lesson's window then.  Peers measured
in the same run: imageio's defaults (x264 'medium' preset; Pillow's adaptive GIF palette)."""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

FRAMES = 300
SIZE = (1280, 720)
FPS = 30


def demo_widget():
    """(widget, step(i)): a plot that changes every frame, as a running simulation would."""
    import pyqtgraph as pg

    widget = pg.PlotWidget(title="recording benchmark")
    widget.resize(*SIZE)
    widget.setRange(xRange=(0, 10), yRange=(-1.5, 1.5), padding=0)
    curve = widget.plot(pen=pg.mkPen("y", width=2))
    dots = pg.ScatterPlotItem(size=8, brush="c")
    image = pg.ImageItem(np.zeros((10, 10), np.float32), axisOrder="row-major", levels=(-1, 1))
    image.setRect(7.5, 0.2, 2.2, 1.2)  # after an image exists: the rect scales the image
    widget.addItem(dots)
    widget.addItem(image)
    widget.show()
    x = np.linspace(0, 10, 400)
    rng = np.random.default_rng(0)

    def step(i: int) -> None:
        curve.setData(x, np.sin(x + 0.1 * i) * np.cos(0.05 * i), skipFiniteCheck=True)
        dots.setData(x[::20], np.cos(x[::20] - 0.1 * i))
        image.setImage(np.where(rng.random((10, 10)) > 0.5, 1.0, -1.0).astype(np.float32),
                       levels=(-1, 1))

    return widget, step


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:6.1f} fps ({seconds * 1e3 / n:5.1f} ms/frame)"


def run() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from nnsim.app.recorder import Recorder, encode, grab_frame

    app = QApplication.instance() or QApplication([])
    widget, step = demo_widget()
    app.processEvents()
    recorder = Recorder()
    folder = Path(tempfile.mkdtemp(prefix="nnsim-bench-"))
    try:
        # capture alone: update the plot, grab, store (compressed on a helper thread)
        grab_frame(widget)  # warm up
        recorder.start(widget, fps=FPS, size=SIZE)
        start = time.perf_counter()
        for i in range(FRAMES):
            step(i)
            recorder.capture()
        frames = recorder.stop()
        t_capture = time.perf_counter() - start
        raw = FRAMES * SIZE[0] * SIZE[1] * 3
        print(f"capture {FRAMES} frames {SIZE[0]}x{SIZE[1]}: {_rate(FRAMES, t_capture)}; kept in "
              f"{frames.nbytes / 2**20:.1f} MB instead of {raw / 2**20:.0f} MB raw "
              f"({raw / frames.nbytes:.0f}x smaller)")

        # encode alone, from the stored frames
        times = {}
        for ext in (".mp4", ".gif"):
            start = time.perf_counter()
            out = encode(frames, folder / f"bench{ext}", FPS)
            times[ext] = time.perf_counter() - start
            print(f"encode {ext}: {_rate(FRAMES, times[ext])}, "
                  f"{out.stat().st_size / 2**20:.2f} MB")
        for ext in (".mp4", ".gif"):
            total = t_capture + times[ext]
            print(f"capture then encode {ext} (the app's Record, Stop, Save): "
                  f"{_rate(FRAMES, total)}")

        # the app's Save: encoding in the background while the GUI thread keeps turning (the
        # figures test_recorder.py once asserted with wall-clock limits: < 0.1 s, gaps < 0.2 s)
        from PySide6.QtCore import QTimer

        ticks, saved = [], []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        recorder.finished.connect(saved.append)
        recorder.failed.connect(saved.append)
        start = time.perf_counter()
        recorder.save(folder / "background.mp4")
        t_return = time.perf_counter() - start
        timer.start(10)
        while not saved:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        gaps = np.diff([start, *ticks]) if ticks else np.array([time.perf_counter() - start])
        print(f"save .mp4 in the background: save() returned in {t_return * 1e3:.1f} ms; a 10 ms "
              f"GUI timer fired {len(ticks)} times while encoding, longest gap "
              f"{gaps.max() * 1e3:.0f} ms")
        recorder.finished.disconnect()
        recorder.failed.disconnect()

        # encode while capturing (headless recording: the path is known up front)
        done = []
        recorder.finished.connect(done.append)
        recorder.failed.connect(done.append)
        start = time.perf_counter()
        recorder.start(widget, fps=FPS, size=SIZE, path=folder / "live.mp4")
        for i in range(FRAMES):
            step(i)
            recorder.capture()
        recorder.stop()
        while not done:
            app.processEvents()
            time.sleep(0.001)
        t_live = time.perf_counter() - start
        print(f"encode while capturing .mp4 (headless record): {_rate(FRAMES, t_live)} -> "
              f"{FRAMES / t_live / FPS:.1f}x real time (target >= 30 fps: "
              f"{'met' if FRAMES / t_live >= 30 else 'MISSED'}); {done[0]}")
        _peers(frames, folder, times)
    finally:
        recorder.close()
        widget.close()
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


def _peers(frames, folder: Path, times: dict) -> None:
    """imageio's defaults on the same frames, to show what the chosen settings buy."""
    import imageio.v2 as imageio

    start = time.perf_counter()
    with imageio.get_writer(folder / "peer.mp4", fps=FPS, ffmpeg_log_level="error") as w:
        for f in frames:
            w.append_data(f)
    t = time.perf_counter() - start
    print(f"  peer: imageio default MP4 (x264 medium): {_rate(FRAMES, t)}, "
          f"{(folder / 'peer.mp4').stat().st_size / 2**20:.2f} MB -> ours "
          f"{t / times['.mp4']:.1f}x faster")
    n = 30  # Pillow's adaptive palette is slow: a tenth of the frames is enough to compare
    start = time.perf_counter()
    imageio.mimsave(folder / "peer.gif", frames[:n], duration=1000 / FPS, loop=0)
    t = (time.perf_counter() - start) * FRAMES / n
    print(f"  peer: imageio.mimsave GIF ({n} frames, scaled): {_rate(FRAMES, t)} -> ours "
          f"{t / times['.gif']:.1f}x faster")


if __name__ == "__main__":
    run()

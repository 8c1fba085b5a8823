"""Issue 7's figure: `python main.py record` of the Hopfield lesson, 300 frames at 1280x720, run
as a user runs it (a subprocess, offscreen).  Target: at least 30 frames per second (faster than
real time).  bench_recording.py breaks the time into capture and encoding."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAMES, FPS = 300, 30


def run() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="nnsim-bench-") as folder:
        for ext in ("mp4", "gif"):
            out = Path(folder) / f"hopfield.{ext}"
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, str(ROOT / "main.py"), "record", "--lesson", "hopfield",
                 "--out", str(out), "--seconds", str(FRAMES / FPS), "--fps", str(FPS),
                 "--size", "1280x720"], capture_output=True, text=True, env=env)
            seconds = time.perf_counter() - start
            if result.returncode != 0:
                print(f"record {ext}: failed: {result.stderr.strip().splitlines()[-1]}")
                continue
            match = re.search(r"in ([0-9.]+) s", result.stdout)
            recording = float(match[1]) if match else seconds
            rate = FRAMES / recording
            verdict = "met" if rate >= 30 else "MISSED"
            print(f"record the Hopfield lesson, {FRAMES} frames 1280x720 -> .{ext}: "
                  f"{recording:.1f} s recording and encoding = {rate:.0f} frames/s "
                  f"({rate / FPS:.1f}x real time; target >= 30 frames/s: {verdict}); "
                  f"{seconds:.1f} s with start-up ({FRAMES / seconds:.0f} frames/s); "
                  f"{out.stat().st_size / 2**20:.1f} MB")

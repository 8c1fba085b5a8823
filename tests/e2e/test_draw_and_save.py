"""The real app in a real window, driven by the real mouse and keyboard (xdotool under Xvfb):
add two neurons, drag a synapse between them, save with Ctrl+S to a path typed in the dialog."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


class Desktop:
    def __init__(self, env: dict) -> None:
        self.env = env

    def xdotool(self, *args: str) -> str:
        result = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True,
                                timeout=30)
        return result.stdout.strip()

    def wait_window(self, name: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.xdotool("search", "--onlyvisible", "--name", name).split()
            if found:
                return found[0]
            time.sleep(0.2)
        raise AssertionError(f"no window named {name!r} appeared within {timeout:.0f} s")

    def geometry(self, window: str) -> tuple[int, int, int, int]:
        out = dict(line.split("=", 1) for line in
                   self.xdotool("getwindowgeometry", "--shell", window).splitlines() if "=" in line)
        return int(out["X"]), int(out["Y"]), int(out["WIDTH"]), int(out["HEIGHT"])

    def click(self, x: int, y: int) -> None:
        self.xdotool("mousemove", "--sync", str(x), str(y))
        time.sleep(0.15)
        self.xdotool("click", "1")
        time.sleep(0.3)

    def drag(self, start: tuple[int, int], end: tuple[int, int], steps: int = 8) -> None:
        self.xdotool("mousemove", "--sync", str(start[0]), str(start[1]))
        time.sleep(0.15)
        self.xdotool("mousedown", "1")
        time.sleep(0.2)
        for k in range(1, steps + 1):
            x = start[0] + (end[0] - start[0]) * k // steps
            y = start[1] + (end[1] - start[1]) * k // steps
            self.xdotool("mousemove", str(x), str(y))
            time.sleep(0.05)
        time.sleep(0.2)
        self.xdotool("mouseup", "1")
        time.sleep(0.3)

    def key(self, *keys: str) -> None:
        self.xdotool("key", *keys)
        time.sleep(0.3)

    def screenshot(self, path) -> None:
        if shutil.which("import"):
            subprocess.run(["import", "-window", "root", str(path)], env=self.env, timeout=30,
                           capture_output=True)


def wait_for_json(path, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            try:
                return json.loads(path.read_text())
            except ValueError:  # caught mid-rename: try again
                pass
        time.sleep(0.2)
    raise AssertionError(f"{path} was not saved within {timeout:.0f} s")


CANVAS_RGB = (250, 251, 252)  # the canvas background (nnsim.app.canvas.shapes.BACKGROUND)


def _longest_run(flags: np.ndarray, gap: int = 6) -> tuple[int, int]:
    """The longest run of True, ignoring gaps of up to `gap` (the canvas's grid lines)."""
    flags = flags.copy()
    false_run = 0
    for i, f in enumerate(flags):
        if f:
            if 0 < false_run <= gap and i - false_run > 0 and flags[i - false_run - 1]:
                flags[i - false_run:i] = True
            false_run = 0
        else:
            false_run += 1
    best, start = (0, 0), None
    for i, f in enumerate(list(flags) + [False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return best


def find_canvas(png) -> tuple[int, int, int, int]:
    """(x, y, width, height) on screen of the largest area in the canvas's background colour:
    the docks around it move, so the canvas is found by looking, as a person would."""
    from PySide6.QtGui import QImage

    image = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(),
                                                               image.bytesPerLine())
    rgb = rows[:, :image.width() * 3].reshape(image.height(), image.width(), 3)
    mask = np.all(rgb == CANVAS_RGB, axis=2)
    columns = mask.mean(axis=0)
    x0, x1 = _longest_run(columns > 0.3 * columns.max())
    lines = mask[:, x0:x1].mean(axis=1)
    y0, y1 = _longest_run(lines > 0.3 * lines.max())
    assert x1 - x0 > 200 and y1 - y0 > 150, f"no canvas found on screen ({x0, y0, x1, y1})"
    return x0, y0, x1 - x0, y1 - y0


def wait_title(desk: Desktop, window: str, text: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in desk.xdotool("getwindowname", window):
            return
        time.sleep(0.2)
    raise AssertionError(f"the window title never showed {text!r}")


def test_draw_two_neurons_a_synapse_and_save(app_env, artifacts, tmp_path):
    desk = Desktop(app_env)
    log = open(artifacts / "app.log", "w")
    app = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=app_env, cwd=tmp_path,
                           stdout=log, stderr=subprocess.STDOUT)
    saved = tmp_path / "drawn.json"
    try:
        window = desk.wait_window("nnsim")
        time.sleep(1.0)  # let the first layout settle
        desk.screenshot(artifacts / "start.png")
        x, y, width, height = find_canvas(artifacts / "start.png")
        desk.click(x + 12, y + 12)  # an empty corner of the canvas: focus, nothing selected
        desk.key("ctrl+n")  # a new, empty network whatever the app opened on
        wait_title(desk, window, "Untitled")
        time.sleep(0.5)
        desk.screenshot(artifacts / "empty.png")
        x, y, width, height = find_canvas(artifacts / "empty.png")
        a = (x + width * 3 // 10, y + height * 2 // 5)
        b = (x + width * 13 // 20, y + height * 2 // 5 + 40)
        desk.key("n")  # the neuron tool
        desk.click(*a)
        desk.click(*b)
        desk.key("c")  # the synapse tool
        desk.drag(a, b)
        desk.screenshot(artifacts / "drawn.png")
        desk.key("ctrl+s")
        desk.wait_window("Save network")
        desk.key("ctrl+a")
        desk.xdotool("type", "--delay", "15", str(saved))
        time.sleep(0.3)
        desk.key("Return")
        data = wait_for_json(saved)
        desk.screenshot(artifacts / "saved.png")
        assert len(data["neurons"]) == 2, data
        assert len(data["synapses"]) == 1, data
        ids = {n["id"] for n in data["neurons"]}
        syn = data["synapses"][0]
        assert {syn["source"], syn["target"]} == ids
        assert app.poll() is None, "the app exited"
    finally:
        desk.screenshot(artifacts / "last.png")
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
        log.close()

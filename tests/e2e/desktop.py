"""Driving the real app under Xvfb as a person would: xdotool for the mouse and keys, screenshots,
and the app's probe file (NNSIM_PROBE_FILE) for what the window shows."""
from __future__ import annotations

import json
import shutil
import subprocess
import time

import numpy as np


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


class Screen:
    """What the app's window shows, read from its probe file (nnsim.app.probe)."""

    def __init__(self, path) -> None:
        self.path = path

    def fresh(self) -> dict:
        """A state written after this call: what the window shows after the last gesture."""
        before = self.path.stat().st_mtime_ns if self.path.exists() else 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.path.exists() and self.path.stat().st_mtime_ns > before:
                time.sleep(0.05)
                return self.read()
            time.sleep(0.05)
        raise AssertionError(f"the app stopped writing its probe file {self.path}")

    def read(self) -> dict:
        for _ in range(50):
            try:
                return json.loads(self.path.read_text())
            except (OSError, ValueError):  # not written yet
                time.sleep(0.1)
        raise AssertionError(f"the app never wrote its probe file {self.path}")

    def wait(self, condition, what: str, timeout: float = 30.0) -> dict:
        """The first state for which condition(state) is true."""
        deadline = time.monotonic() + timeout
        state = self.fresh()
        while time.monotonic() < deadline:
            state = self.read()
            try:
                if condition(state):
                    return state
            except (KeyError, IndexError, TypeError, StopIteration):
                pass
            time.sleep(0.2)
        raise AssertionError(f"waited {timeout:.0f} s for {what}; the window shows: "
                             f"title {state.get('title')!r}, status {state.get('status')!r}, "
                             f"frame {state.get('frame')}, plots {state.get('plots')}")

    @staticmethod
    def find(state: dict, kind: str | None = None, text: str | None = None,
             name: str | None = None, tooltip: str | None = None) -> dict:
        for c in state["controls"]:
            if ((kind is None or c["kind"] == kind) and (text is None or c["text"] == text)
                    and (name is None or c["name"] == name)
                    and (tooltip is None or tooltip in c["tooltip"])):
                return c
        raise StopIteration(f"no {kind or 'control'} {text or name or tooltip!r} on screen")

    def control(self, what: str = "", timeout: float = 15.0, **match) -> dict:
        state = self.wait(lambda s: self.find(s, **match), what or str(match), timeout)
        return self.find(state, **match)

    @staticmethod
    def centre(control: dict) -> tuple[int, int]:
        x, y, w, h = control["rect"]
        return x + w // 2, y + h // 2

    @staticmethod
    def labels(state: dict, kind: str) -> list[dict]:
        return [label for label in state["canvas"]["labels"] if label["kind"] == kind]

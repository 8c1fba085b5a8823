"""Driving the real app under Xvfb as a person would: xdotool for the mouse and keys, screenshots,
and the app's probe file (NNSIM_PROBE_FILE) for what the window shows.

No fixed sleeps between gestures: the X server queues input events in order and the app handles
them in that order, so a gesture needs no pause before the next one.  Where the next gesture
goes to a window that must appear first (a combo box's list, a dialog), it waits for that window
(`popup`, `wait_window`); what a gesture did is waited for on the probe file or the title, each
with a generous timeout.  The one pause left is Qt's double-click rule: two clicks at the same
place closer together than DOUBLE_CLICK_S (by the X server's clock) would be one double click."""
from __future__ import annotations

import json
import shutil
import subprocess
import time

import numpy as np

DOUBLE_CLICK_S = 0.6  # longer than Qt's double-click interval (400 ms by default)


class Desktop:
    def __init__(self, env: dict) -> None:
        self.env = env
        self._last_click: tuple[float, int, int] | None = None

    def xdotool(self, *args: str) -> str:
        result = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True,
                                timeout=30)
        return result.stdout.strip()

    def wait_window(self, name: str, timeout: float = 30.0, focused: bool = False) -> str:
        """A visible window whose name matches; with `focused`, once it has the keyboard too
        (a dialog the next keys are typed into)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.xdotool("search", "--onlyvisible", "--name", name).split()
            if found and (not focused or self.xdotool("getwindowfocus") in found):
                return found[0]
            time.sleep(0.2)
        raise AssertionError(f"no window named {name!r} appeared{' with the keyboard' if focused else ''}"
                             f" within {timeout:.0f} s")

    def geometry(self, window: str) -> tuple[int, int, int, int]:
        out = dict(line.split("=", 1) for line in
                   self.xdotool("getwindowgeometry", "--shell", window).splitlines() if "=" in line)
        return int(out["X"]), int(out["Y"]), int(out["WIDTH"]), int(out["HEIGHT"])

    def _single_click_apart(self, x: int, y: int) -> None:
        """A click at the place of the last one waits out the double-click interval (a rule
        of the protocol, not a guess at how long the app takes)."""
        if self._last_click is not None:
            at, lx, ly = self._last_click
            if abs(lx - x) <= 8 and abs(ly - y) <= 8:
                time.sleep(max(0.0, at + DOUBLE_CLICK_S - time.monotonic()))
        self._last_click = (time.monotonic(), x, y)

    def click(self, x: int, y: int) -> None:
        self._single_click_apart(x, y)
        self.xdotool("mousemove", "--sync", str(x), str(y))
        self.xdotool("click", "1")

    def double_click(self, x: int, y: int) -> None:
        self._single_click_apart(x, y)
        self.xdotool("mousemove", "--sync", str(x), str(y))
        self.xdotool("click", "--repeat", "2", "--delay", "80", "1")
        self._last_click = (time.monotonic(), x, y)

    def drag(self, start: tuple[int, int], end: tuple[int, int], steps: int = 8) -> None:
        self._single_click_apart(*start)
        self.xdotool("mousemove", "--sync", str(start[0]), str(start[1]))
        self.xdotool("mousedown", "1")
        for k in range(1, steps + 1):
            x = start[0] + (end[0] - start[0]) * k // steps
            y = start[1] + (end[1] - start[1]) * k // steps
            self.xdotool("mousemove", "--sync", str(x), str(y))
        self.xdotool("mouseup", "1")
        self._last_click = (time.monotonic(), *end)

    def key(self, *keys: str) -> None:
        """Keys go to the window with the keyboard: under Xvfb, with no window manager, an app
        window has it only once the app took it (on its first click), and Qt drops keys that
        come before that; so they wait for it."""
        self.wait_keyboard()
        self.xdotool("key", *keys)

    def wait_keyboard(self, timeout: float = 30.0) -> str:
        """The visible window that has the keyboard focus, once there is one."""
        deadline = time.monotonic() + timeout
        while True:
            focus = self.xdotool("getwindowfocus")
            if focus and focus in self.visible_windows():
                return focus
            if time.monotonic() > deadline:
                raise AssertionError(f"no window took the keyboard within {timeout:.0f} s")
            time.sleep(0.05)

    def visible_windows(self) -> set[str]:
        return set(self.xdotool("search", "--onlyvisible", "--name", ".*").split())

    def popup(self, x: int, y: int, timeout: float = 30.0) -> str:
        """Click what opens a window of its own (a combo box's list, a menu) and wait until it
        is on screen, so the keys typed next go to it; returns its id."""
        before = self.visible_windows()
        self.click(x, y)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            new = self.visible_windows() - before
            if new:
                return sorted(new)[0]
            time.sleep(0.05)
        raise AssertionError(f"nothing opened within {timeout:.0f} s after a click at {x, y}")

    def wait_gone(self, window: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while window in self.visible_windows():
            if time.monotonic() > deadline:
                raise AssertionError(f"window {window} still open after {timeout:.0f} s")
            time.sleep(0.05)

    def screenshot(self, path) -> None:
        if shutil.which("import"):
            subprocess.run(["import", "-window", "root", str(path)], env=self.env, timeout=30,
                           capture_output=True)


def wait_for_json(path, timeout: float = 60.0) -> dict:
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


def wait_title(desk: Desktop, window: str, text: str, timeout: float = 30.0) -> None:
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
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.path.exists() and self.path.stat().st_mtime_ns > before:
                return self.read()  # written whole (renamed into place)
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

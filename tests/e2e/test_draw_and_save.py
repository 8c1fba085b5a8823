"""The real app in a real window, driven by the real mouse and keyboard (xdotool under Xvfb):
add two neurons, drag a synapse between them, save with Ctrl+S to a path typed in the dialog."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

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


def test_draw_two_neurons_a_synapse_and_save(app_env, artifacts, tmp_path):
    desk = Desktop(app_env)
    log = open(artifacts / "app.log", "w")
    app = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=app_env, cwd=tmp_path,
                           stdout=log, stderr=subprocess.STDOUT)
    saved = tmp_path / "drawn.json"
    try:
        window = desk.wait_window("nnsim")
        x0, y0, width, height = desk.geometry(window)
        # Two points well inside the canvas (left of the inspector, below the toolbars).
        a = (x0 + width // 4, y0 + height // 2)
        b = (x0 + width // 2, y0 + height // 2 + 60)
        desk.click(x0 + width // 3, y0 + height // 3)  # focus the canvas
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

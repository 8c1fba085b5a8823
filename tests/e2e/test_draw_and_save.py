"""The real app in a real window, driven by the real mouse and keyboard (xdotool under Xvfb):
add two neurons, drag a synapse between them, save with Ctrl+S to a path typed in the dialog."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from desktop import Desktop, find_canvas, wait_for_json, wait_title

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


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
    printed = (artifacts / "app.log").read_text()
    assert "Traceback" not in printed and "Error calling Python" not in printed, printed[-3000:]

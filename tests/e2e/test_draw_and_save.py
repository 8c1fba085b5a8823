"""The real app in a real window, driven by the real mouse and keyboard (xdotool under Xvfb):
add two neurons, drag a synapse between them, save with Ctrl+S to a path typed in the dialog."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from desktop import Desktop, Screen, find_canvas, wait_for_json, wait_title

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def test_draw_two_neurons_a_synapse_and_save(app_env, artifacts, tmp_path):
    probe = tmp_path / "probe.json"  # what the window shows, to wait on (no fixed sleeps)
    desk = Desktop({**app_env, "NNSIM_PROBE_FILE": str(probe)})
    screen = Screen(probe)
    log = open(artifacts / "app.log", "w")
    app = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=desk.env, cwd=tmp_path,
                           stdout=log, stderr=subprocess.STDOUT)
    saved = tmp_path / "drawn.json"
    try:
        window = desk.wait_window("nnsim", timeout=60)
        screen.wait(lambda s: s["canvas"]["rect"][2] > 200 and s["plots"], "the window laid out", 60)
        desk.screenshot(artifacts / "start.png")
        x, y, width, height = find_canvas(artifacts / "start.png")
        desk.click(x + 12, y + 12)  # an empty corner of the canvas: focus, nothing selected
        desk.key("ctrl+n")  # a new, empty network whatever the app opened on
        wait_title(desk, window, "Untitled")
        screen.wait(lambda s: not s["canvas"]["neurons"] and s["plots"], "an empty canvas")
        desk.screenshot(artifacts / "empty.png")
        x, y, width, height = find_canvas(artifacts / "empty.png")
        a = (x + width * 3 // 10, y + height * 2 // 5)
        b = (x + width * 13 // 20, y + height * 2 // 5 + 40)
        desk.key("n")  # the neuron tool
        desk.click(*a)
        desk.click(*b)
        screen.wait(lambda s: len(s["canvas"]["neurons"]) == 2, "two neurons")
        desk.key("c")  # the synapse tool
        desk.drag(a, b)
        screen.wait(lambda s: len(Screen.labels(s, "weights")) == 1, "a synapse's weight label")
        desk.screenshot(artifacts / "drawn.png")
        desk.key("ctrl+s")
        desk.wait_window("Save network", focused=True)
        desk.key("ctrl+a")
        desk.xdotool("type", "--delay", "15", str(saved))
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

"""A crash loses at most a few seconds of work: the real app under Xvfb, neurons added with the
real mouse, `kill -9`, a restart, "Restore unsaved work?" accepted with the keyboard, and the
window shows the edits again (read from its probe file, nnsim.app.probe).

The second test edits without pause and kills the app right after the last edit, and measures
how many seconds of work were lost (printed, and written to artifacts/e2e/<test>/lost.txt).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from desktop import Desktop, Screen, wait_title

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e
PACE_S = 0.8  # seconds between two neurons in the test that edits without pause


class App:
    """One run of the app with a probe file; every run of a test shares HOME and settings."""

    def __init__(self, env: dict, artifacts: Path, tmp_path: Path, name: str) -> None:
        self.probe = tmp_path / f"{name}.probe.json"
        self.desk = Desktop({**env, "NNSIM_PROBE_FILE": str(self.probe)})
        self.log_path = artifacts / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=self.desk.env,
                                        cwd=tmp_path, stdout=self.log, stderr=subprocess.STDOUT)
        self.screen = Screen(self.probe)
        self.artifacts = artifacts
        self.name = name

    def laid_out(self) -> dict:
        self.window = self.desk.wait_window("nnsim", timeout=60)
        return self.screen.wait(lambda s: s["canvas"]["rect"][2] > 200, "the window's layout", 60)

    def new_document(self) -> dict:
        x, y, w, h = self.screen.read()["canvas"]["rect"]
        self.desk.click(x + 10, y + h - 10)  # the canvas has the keyboard
        self.desk.key("ctrl+n")
        wait_title(self.desk, self.window, "Untitled")
        return self.screen.wait(lambda s: not s["canvas"]["neurons"], "an empty canvas")

    def add_neuron(self, at: tuple[int, int], count: int) -> float:
        """Click with the neuron tool; the monotonic time the window shows the neuron."""
        self.desk.click(*at)
        self.screen.wait(lambda s: len(s["canvas"]["neurons"]) >= count, f"neuron {count}")
        return time.monotonic()

    def kill(self) -> float:
        self.desk.screenshot(self.artifacts / f"{self.name}-killed.png")
        os.kill(self.process.pid, signal.SIGKILL)
        killed = time.monotonic()
        self.process.wait(30)
        self.log.close()
        return killed

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.log.closed:
            self.log.close()

    def printed_no_traceback(self) -> None:
        printed = self.log_path.read_text()
        assert "Traceback" not in printed and "Error calling Python" not in printed, printed[-3000:]


def grid(rect: list[int], k: int) -> tuple[int, int]:
    """The k-th free spot on the canvas: five columns, three rows, away from the edges."""
    x, y, w, h = rect
    return x + w * (2 + 3 * (k % 5)) // 16, y + h * (1 + (k // 5) % 3) // 4


def restart_and_restore(env: dict, artifacts: Path, tmp_path: Path) -> App:
    app = App(env, artifacts, tmp_path, "restarted")
    question = "Restore unsaved work?"
    deadline = time.monotonic() + 60
    while True:  # the question, shown and with the keyboard (the Return key goes to it)
        found = app.desk.xdotool("search", "--onlyvisible", "--name", question).split()
        if found and app.desk.xdotool("getwindowfocus") in found:
            break
        assert time.monotonic() < deadline, f"no {question!r} with the keyboard within 60 s"
        time.sleep(0.2)
    app.desk.screenshot(artifacts / "asked.png")
    app.desk.xdotool("key", "Return")  # Yes, the default button
    while app.desk.xdotool("search", "--onlyvisible", "--name", question).split():
        assert time.monotonic() < deadline + 30, f"{question!r} still open after Return"
        time.sleep(0.2)
    app.laid_out()
    return app


def recovery_file(env: dict) -> Path:
    return Path(env["NNSIM_SETTINGS_DIR"]) / "recovery.json"


def test_edits_are_back_after_kill_9(app_env, artifacts, tmp_path):
    """Edit, wait 5 s, kill -9, restart, accept the recovery: every edit is back."""
    first = App(app_env, artifacts, tmp_path, "edited")
    try:
        first.laid_out()
        rect = first.new_document()["canvas"]["rect"]
        first.desk.key("n")  # the neuron tool
        for k in range(5):
            first.add_neuron(grid(rect, k), k + 1)
        edited = first.screen.fresh()["canvas"]["neurons"]
        assert len(edited) == 5 and first.screen.read()["dirty"]
        time.sleep(5.0)  # the "wait 5 s": no more than that may be lost
        first.kill()
    finally:
        first.close()
    saved = json.loads(recovery_file(app_env).read_text())
    assert {n["name"] for n in saved["network"]["neurons"]} == set(edited)

    second = restart_and_restore(app_env, artifacts, tmp_path)
    try:
        state = second.screen.wait(lambda s: set(s["canvas"]["neurons"]) == set(edited),
                                   f"the neurons {sorted(edited)} restored")
        assert state["dirty"] and "Untitled" in state["title"]
        second.desk.screenshot(artifacts / "restored.png")
    finally:
        second.close()
    second.printed_no_traceback()


def test_editing_without_pause_loses_only_the_last_seconds(app_env, artifacts, tmp_path):
    """Neurons added one after another for ~11 s, kill -9 right after the last one shows: the
    work lost is measured (kill time minus the time the first lost neuron showed).  A debounce
    alone would never have written (no 2 s pause); the old 30 s timer neither."""
    first = App(app_env, artifacts, tmp_path, "editing")
    shown: dict[str, float] = {}
    try:
        first.laid_out()
        rect = first.new_document()["canvas"]["rect"]
        first.desk.key("n")
        start = time.monotonic()
        for k in range(15):
            # A user's pace: a neuron every 0.8 s (never 2 s quiet, so a debounce alone never
            # writes), over 11 s (longer than the longest wait for a write).
            time.sleep(max(0.0, start + PACE_S * k - time.monotonic()))
            before = set(first.screen.read()["canvas"]["neurons"])
            at = first.add_neuron(grid(rect, k), k + 1)
            [name] = set(first.screen.read()["canvas"]["neurons"]) - before
            shown[name] = at
        killed = first.kill()
    finally:
        first.close()

    second = restart_and_restore(app_env, artifacts, tmp_path)
    try:
        state = second.screen.wait(lambda s: s["canvas"]["neurons"], "the restored neurons")
        back = set(state["canvas"]["neurons"])
    finally:
        second.close()
    second.printed_no_traceback()
    lost = sorted((at, name) for name, at in shown.items() if name not in back)
    lost_seconds = killed - lost[0][0] if lost else 0.0
    report = (f"{len(shown)} neurons added over {killed - min(shown.values()):.1f} s; "
              f"{len(back)} back after kill -9; {len(lost)} lost; seconds of work lost: "
              f"{lost_seconds:.2f}")
    print(report)
    (artifacts / "lost.txt").write_text(report + "\n")
    assert back <= set(shown)
    # The neurons are back in the order they were made: what is lost is the last few.
    assert all(at > max(shown[n] for n in back) for at, _ in lost) if back else True
    # Generous against a loaded machine (the design loses at most ~4 s, see lost.txt for the
    # figure): far below the 31 s the old 30 s timer lost.
    assert lost_seconds < 10.0, report

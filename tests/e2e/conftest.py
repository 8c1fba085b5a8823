"""End-to-end set-up: a private Xvfb display and a private HOME for the real app.

Skipped, saying why, only where Xvfb or xdotool is not installed (.ci/run installs both).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"  # screenshots; /artifacts/ is ignored by git


def _free_display() -> int:
    for n in range(91, 200):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise RuntimeError("no free X display number between :91 and :199")


@pytest.fixture
def xvfb():
    """The DISPLAY string of a fresh 1400x900 Xvfb server, stopped by its pid afterwards."""
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (apt-get install xvfb xdotool)")
    number = _free_display()
    # -noreset: Xvfb otherwise resets when its last client leaves, and an app started next
    # (the reopen in test_first_hour) found no display while it did ("could not connect")
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1400x900x24", "-nolisten",
                               "tcp", "-noreset"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    display = f":{number}"
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"Xvfb did not start on {display}")
        time.sleep(0.05)
    yield display
    server.terminate()
    try:
        server.wait(5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@pytest.fixture
def app_env(xvfb, tmp_path):
    """Environment for the app: the private display, HOME and settings, the real X11 plugin."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    home = tmp_path / "home"
    home.mkdir()
    env.update(DISPLAY=xvfb, HOME=str(home), NNSIM_SETTINGS_DIR=str(home / "settings"),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local"),
               QT_QPA_PLATFORM="xcb")
    return env


@pytest.fixture
def artifacts(request) -> Path:
    path = ARTIFACTS / request.node.name
    path.mkdir(parents=True, exist_ok=True)
    return path

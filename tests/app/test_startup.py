"""Start-up (issue 11, item 8): the app reports its first paint for the benchmark, turns the
garbage collector back on once painted (main.py turns it off for the start), and leaves no
engine process behind."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    full = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
                NNSIM_SETTINGS_DIR=str(tmp_path / "settings"), NNSIM_EXIT_AFTER_PAINT="1", **env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True,
                          text=True, timeout=120)


def test_main_py_says_when_its_window_is_painted_and_quits(tmp_path):
    result = subprocess.run([sys.executable, "main.py"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
                                     NNSIM_SETTINGS_DIR=str(tmp_path / "s"),
                                     NNSIM_EXIT_AFTER_PAINT="1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["nnsim: window painted"]


def test_the_garbage_collector_is_back_on_once_the_window_is_painted(tmp_path):
    result = run("import gc, sys\n"
                 "gc.disable()  # as main.py does\n"
                 "from nnsim.app import cli\n"
                 "code = cli.main([])\n"
                 "print('collector on:', gc.isenabled(), 'exit', code)\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "nnsim: window painted" in result.stdout
    assert "collector on: True exit 0" in result.stdout


def test_record_turns_the_collector_on_at_once(tmp_path):
    result = run("import gc\n"
                 "gc.disable()\n"
                 "from nnsim.app import cli\n"
                 "try:\n"
                 "    cli.main(['record', '--help'])\n"
                 "except SystemExit:\n"
                 "    pass\n"
                 "print('collector on:', gc.isenabled())\n", tmp_path)
    assert "collector on: True" in result.stdout, result.stderr

"""`python main.py record`: headless GIF/MP4 of a lesson, deterministic, with one-line errors."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def record(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "record", *args],
                          capture_output=True, text=True, env=env, timeout=300, cwd=cwd)


def frames_of(path: Path) -> list[np.ndarray]:
    return [np.asarray(f) for f in iio.imiter(path)]


@pytest.mark.parametrize("ext", ["gif", "mp4"])
def test_ten_frames_of_a_learning_lesson(tmp_path, ext):
    out = tmp_path / f"xor.{ext}"
    result = record("--lesson", "mlp-xor", "--scene", "1", "--out", str(out), "--seconds", "1",
                    "--fps", "10", "--size", "640x400", "--steps-per-frame", "20")
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    assert "10/10 frames" in result.stderr  # the progress bar
    frames = frames_of(out)
    assert len(frames) == 10
    assert frames[0].shape[:2] == (400, 640)
    changed = [not np.array_equal(a, b) for a, b in zip(frames, frames[1:])]
    assert all(changed)  # the network keeps learning: every frame differs from the last


def test_the_same_command_twice_gives_identical_frames(tmp_path):
    hashes = []
    for name in ("a.gif", "b.gif"):
        result = record("--lesson", "3", "--out", str(tmp_path / name), "--seconds", "1",
                        "--fps", "8", "--size", "480x320")
        assert result.returncode == 0, result.stderr
        hashes.append([hashlib.sha256(f.tobytes()).hexdigest() for f in frames_of(tmp_path / name)])
    assert len(hashes[0]) == 8 and hashes[0] == hashes[1]


def test_a_network_file_can_be_recorded(tmp_path):
    from nnsim.engine import Network

    net = Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    net.save(tmp_path / "net.json")
    result = record(str(tmp_path / "net.json"), "--out", str(tmp_path / "n.gif"), "--seconds",
                    "0.5", "--fps", "4", "--size", "320x240")
    assert result.returncode == 0, result.stderr
    assert len(frames_of(tmp_path / "n.gif")) == 2


@pytest.mark.parametrize("args, words", [
    (["--lesson", "no-such", "--out", "{tmp}/x.gif"], "no lesson named 'no-such'"),
    (["--lesson", "3", "--out", "{tmp}/x.avi"], "unknown video format '.avi'"),
    (["--lesson", "3", "--out", "/proc/nope/x.gif"], "/proc/nope"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--size", "big"], "--size must be WxH"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--fps", "0"], "--fps must be between"),
    (["--lesson", "3", "--scene", "9", "--out", "{tmp}/x.gif"], "has scenes 0 to 0"),
    (["--out", "{tmp}/x.gif"], "give either --lesson NAME or a network FILE"),
    (["{tmp}/missing.json", "--out", "{tmp}/x.gif"], "missing.json: cannot read"),
])
def test_bad_arguments_give_one_line_and_a_non_zero_exit(tmp_path, args, words):
    result = record(*[a.format(tmp=tmp_path) for a in args])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert not any(p.suffix in (".gif", ".avi") for p in tmp_path.iterdir())  # nothing written

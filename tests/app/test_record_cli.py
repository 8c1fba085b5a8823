"""`python main.py record`: headless GIF/MP4 of a lesson, deterministic, with one-line errors."""
import contextlib
import os
import shutil
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
    assert result.stderr == ""  # no progress bar into a pipe, no Qt platform chatter
    frames = frames_of(out)
    assert len(frames) == 10
    assert frames[0].shape[:2] == (400, 640)
    changed = [not np.array_equal(a, b) for a, b in zip(frames, frames[1:])]
    assert all(changed)  # the network keeps learning: every frame differs from the last


@contextlib.contextmanager
def cpu_load(n: int = 2):
    """n CPU-bound processes beside the test (`yes > /dev/null`), stopped after."""
    command = [shutil.which("yes")] if shutil.which("yes") else [sys.executable, "-c",
                                                                  "while True: pass"]
    hogs = [subprocess.Popen(command, stdout=subprocess.DEVNULL) for _ in range(n)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def pixels(path: Path) -> list[bytes]:
    return [np.ascontiguousarray(f).tobytes() for f in frames_of(path)]


def test_the_same_command_twice_under_load_gives_identical_frames(tmp_path):
    """Frames depend on nothing but the command: not on when the status bar's rule list comes
    back from its pool thread ("rules: …" in one run, "rules: Hopfield storage" in the other),
    nor on an engine's replies, a timer or the machine being busy."""
    runs = []
    with cpu_load(2):
        for name in ("a.gif", "b.gif"):
            result = record("--lesson", "hopfield", "--out", str(tmp_path / name), "--seconds",
                            "1", "--fps", "20", "--size", "480x320")
            assert result.returncode == 0, result.stderr
            runs.append(pixels(tmp_path / name))
    assert len(runs[0]) == 20 and len(runs[1]) == 20
    differing = [k for k, (a, b) in enumerate(zip(*runs)) if a != b]
    assert differing == [], f"frames {differing} differ between two runs of one command"
    assert len(set(runs[0])) > 1  # the network settles: the frames show it happening


@pytest.mark.parametrize("target", ["window", "loss"])
def test_nothing_but_the_simulation_can_change_a_recorded_frame(qapp, tmp_path, target):
    """What the recording waits for: after prepare() no engine was started, the status bar's
    rule list is final, no timer is running in the window and no pool thread is busy, and
    stepping frames starts none of them (a timer firing or a reply arriving between frames
    would make a frame depend on timing)."""
    from PySide6.QtCore import QObject, QThreadPool, QTimer

    from nnsim.app import record_cli

    def active_timers(window) -> list:
        return [(type(t.parent()).__name__, t.interval()) for t in window.findChildren(QObject)
                if isinstance(t, QTimer) and t.isActive()]

    args = record_cli.parse_args(["--lesson", "hopfield", "--out", str(tmp_path / "x.gif"),
                                  "--size", "480x320", "--target", target])
    lesson, scene = record_cli._scene(args)
    window, advance, widget = record_cli.prepare(lesson, scene, args)
    try:
        if target == "window":
            assert widget is window
        else:  # the plot alone, at the frame's size, in a CaptionedFrame
            assert widget.target is window.learning.plots[target]
        assert widget.isVisible()
        assert window.engine.engine_pid() is None and not window.engine.is_alive()
        assert window.status.rules.text() == "rules: Hopfield storage"
        assert active_timers(window) == []
        assert QThreadPool.globalInstance().activeThreadCount() == 0
        message = window.status.currentMessage()
        assert message.startswith("Lesson 6")  # the lesson's title, shown as the app shows it
        for i in range(5):
            advance(i)
            qapp.sendPostedEvents()
        assert active_timers(window) == []
        assert QThreadPool.globalInstance().activeThreadCount() == 0
        assert window.status.currentMessage() == message  # no wall-clock timeout
        window.status.show_network(window.document.network)
        assert active_timers(window) == []  # rules found at once, in this thread
    finally:
        record_cli.close(window)


def test_a_network_file_can_be_recorded(tmp_path):
    from nnsim.engine import Network

    net = Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    net.save(tmp_path / "net.json")
    result = record(str(tmp_path / "net.json"), "--out", str(tmp_path / "n.gif"), "--seconds",
                    "0.5", "--fps", "4", "--size", "320x240")
    assert result.returncode == 0, result.stderr
    assert len(frames_of(tmp_path / "n.gif")) == 2


@pytest.mark.parametrize("args, words", [
    (["--lesson", "no-such", "--out", "{tmp}/x.gif"], "--lesson: no lesson named 'no-such'"),
    (["--lesson", "3", "--out", "{tmp}/x.avi"], "--out: unknown video format '.avi'"),
    (["--lesson", "3", "--out", "/proc/nope/x.gif"], "--out: cannot write /proc/nope/x.gif"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--size", "big"], "--size: expected WxH"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--fps", "0"], "--fps: expected 1 to 120"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--fps", "60"], "--fps: a GIF plays at most 50"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--seconds", "nan"], "--seconds: expected"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--seed", "-1"],
     "--seed: expected a non-negative integer, got -1"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--seed", "x"], "--seed: invalid int value"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--steps-per-frame", "0"],
     "--steps-per-frame: expected 1 to 1,000,000, got 0"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--steps-per-frame", "10**9"],
     "--steps-per-frame: invalid int value"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--target", "nope"],
     "--target: expected window, canvas or one of decision"),
    (["--lesson", "1", "--out", "{tmp}/x.gif", "--readout", "nope"],
     "--readout: 'nope' is not a neuron of this network"),
    (["--lesson", "1", "--out", "{tmp}/x.gif", "--readout", "y->x1"],
     "--readout: 'y->x1' is not a synapse of this network"),
    (["--lesson", "3", "--scene", "9", "--out", "{tmp}/x.gif"], "--scene: lesson 03-"),
    (["--lesson", "3", "--out", "{tmp}/x.gif", "--bogus"], "unrecognized arguments: --bogus"),
    (["--lesson", "3"], "the following arguments are required: --out"),
    (["--out", "{tmp}/x.gif"], "give either --lesson NAME or a network FILE"),
    (["{tmp}/missing.json", "--out", "{tmp}/x.gif"], "{tmp}/missing.json: cannot read"),
])
def test_bad_arguments_give_one_line_naming_the_argument_and_exit_2(tmp_path, args, words):
    result = record(*[a.format(tmp=tmp_path) for a in args])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"nnsim record: {words.format(tmp=tmp_path)}"), lines[0]
    assert not any(p.suffix in (".gif", ".avi") for p in tmp_path.iterdir())  # nothing written


# ---------------------------------------------------------------------- a full disk
@pytest.fixture
def full_disk(tmp_path):
    """A 16 KiB tmpfs (a disk that fills up during the recording), where mounting is allowed
    (root on Linux); otherwise the test is skipped and the fake-ffmpeg tests below stand in."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = sys.platform == "linux" and shutil.which("mount") and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)],
        capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("cannot mount a small tmpfs here (not root, or not allowed): the fake "
                    "ffmpeg and FrameEncoder tests cover a full disk instead")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("ext", ["mp4", "gif"])
def test_recording_to_a_full_disk_exits_2_in_one_line_and_leaves_no_file(full_disk, ext):
    out = full_disk / f"demo.{ext}"
    result = record("--lesson", "hopfield", "--out", str(out), "--seconds", "2", "--fps", "20",
                    "--size", "640x400")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""  # never "wrote ..."
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"nnsim record: cannot record {out}: "), lines
    assert lines[0].endswith("No space left on device")
    assert os.listdir(full_disk) == []  # no partial file, no temporary file


FAKE_FFMPEG = """#!{python}
import sys
data = sys.stdin.buffer.read()
with open(sys.argv[-1], "wb") as f:
    f.write(b"\\0\\0\\0\\x20ftypisom" + bytes(24) + data[:1000])  # no index: a corrupt MP4
sys.stderr.write("[out#0/mp4 @ 0x55d0] Error writing trailer: No space left on device\\n")
sys.exit(228)
"""

RUN_WITH_FAKE_FFMPEG = """
import sys
import imageio_ffmpeg
imageio_ffmpeg.get_ffmpeg_exe = lambda: {script!r}
from nnsim.app.cli import main
if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
"""


def test_an_encoder_failing_at_the_end_exits_2_in_one_line_and_leaves_no_file(tmp_path):
    """Wherever a tmpfs cannot be mounted: ffmpeg fails as on a full disk (its trailer not
    written, exit status 228).  Before, imageio ignored its exit status: the corrupt file was
    renamed into place and the command said "wrote ...", exit 0."""
    script = tmp_path / "ffmpeg"
    script.write_text(FAKE_FFMPEG.format(python=sys.executable))
    script.chmod(0o755)
    runner = tmp_path / "run.py"
    runner.write_text(RUN_WITH_FAKE_FFMPEG.format(script=str(script)))
    out = tmp_path / "videos" / "demo.mp4"
    out.parent.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, str(runner), "record", "--lesson", "hopfield", "--out",
                             str(out), "--seconds", "1", "--fps", "10", "--size", "320x240"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"nnsim record: cannot record {out}: the MP4 encoder (ffmpeg) failed: Error writing "
        "trailer: No space left on device"]
    assert os.listdir(out.parent) == []


def test_ctrl_c_while_recording_exits_130_in_one_line_and_leaves_no_file(tmp_path):
    """Ctrl+C once frames are being encoded: the encode is cancelled (not finished under the
    name asked for with the frames so far), one line, exit 130.  It used to crash PySide now
    and then (a KeyboardInterrupt inside a Qt call: segmentation fault, temporary file left)."""
    import signal
    import time

    out = tmp_path / "long.mp4"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "record", "--lesson", "hopfield", "--out",
         str(out), "--seconds", "60", "--fps", "30", "--size", "320x240"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120  # until the encoder's temporary file is there
        while not os.listdir(tmp_path) and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.listdir(tmp_path), "the recording never started"
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130, stderr
    assert stdout == "" and stderr.strip().splitlines() == [
        "nnsim record: interrupted: nothing was written"]
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------- issue 13
def prepared(tmp_path, *extra):
    from nnsim.app import record_cli

    args = record_cli.parse_args(["--out", str(tmp_path / "x.mp4"), *extra])
    lesson, scene = record_cli._scene(args)
    window, advance, target = record_cli.prepare(lesson, scene, args)
    return record_cli, args, scene, window, advance, target


def test_a_plot_target_is_drawn_at_the_frame_size_with_the_caption_above(qapp, tmp_path):
    """--target decision --size 1280x720: the plot itself is 1280 wide and fills the frame under
    the caption (it came out at 299x198, scaled, before)."""
    from nnsim.app.frames import grab_frame

    record_cli, args, scene, window, advance, target = prepared(
        tmp_path, "--lesson", "perceptron-forward", "--target", "decision", "--size", "1280x720")
    try:
        advance(0)
        qapp.sendPostedEvents()
        plot, strip = target.target, target.strip
        assert target.size().width() == 1280 and target.size().height() == 720
        assert strip.isVisible() and strip.height() == strip.heightForWidth(1280)
        assert plot.width() == 1280 and plot.height() == 720 - strip.height()
        assert plot.graphics.width() >= 1200 and plot.graphics.height() >= 500
        frame = grab_frame(target, args.size)
        assert frame.shape == (720, 1280, 3)
        # the caption as the frame shows it: its text is the scene's claim, its pixels the strip's
        assert strip.shown_claim() == window.caption.claim == " ".join(scene.claim.split())
        top = grab_frame(strip)
        np.testing.assert_array_equal(frame[:strip.height()], top)
    finally:
        record_cli.close(window)


@pytest.mark.parametrize("target", ["window", "canvas"])
def test_no_caption_leaves_the_strip_out_of_the_frame(qapp, tmp_path, target):
    from nnsim.app.caption import BACKGROUND
    from nnsim.app.frames import grab_frame

    def strip_rows(frame) -> int:  # rows painted all in the strip's background colour
        colour = [BACKGROUND.red(), BACKGROUND.green(), BACKGROUND.blue()]
        return int((np.abs(frame[:, 100:-100].astype(int) - colour).sum(axis=2) < 8).all(axis=1).sum())

    frames = {}
    for caption in (True, False):
        extra = [] if caption else ["--no-caption"]
        record_cli, args, scene, window, advance, widget = prepared(
            tmp_path, "--lesson", "hopfield", "--target", target, "--size", "1280x720", *extra)
        try:
            advance(0)
            qapp.sendPostedEvents()
            strip = window.caption_bar.strip if target == "window" else widget.strip
            assert strip.isVisible() == caption
            frames[caption] = grab_frame(widget, args.size, from_backing_store=True)
            if caption:
                origin = strip.mapTo(widget, strip.rect().topLeft())
                assert 0 <= origin.y() and origin.y() + strip.height() <= 720
                assert strip.shown_claim() == " ".join(scene.claim.split())
        finally:
            record_cli.close(window)
    assert strip_rows(frames[True]) >= 8  # the strip's margins, above and below its lines
    assert strip_rows(frames[False]) == 0
    assert frames[False].shape == frames[True].shape == (720, 1280, 3)


def test_without_seconds_a_scene_records_its_scripted_run_and_holds_the_end(qapp, tmp_path):
    record_cli, args, scene, window, advance, target = prepared(
        tmp_path, "--lesson", "loops-remember", "--fps", "30", "--size", "640x400", "--steps-per-frame", "7")
    try:
        run = -(-scene.steps // 7)
        n = record_cli.frame_count(scene, args)
        assert n == 1 + run + round(record_cli.HOLD_SECONDS * 30)
        steps = []
        for i in range(n):
            advance(i)
            steps.append(window.learning._latest.step)
        assert steps[:run + 1] == [min(7 * i, scene.steps) for i in range(run + 1)]
        assert steps[run:] == [scene.steps] * (n - run)  # the hold: no step past the script
    finally:
        record_cli.close(window)
    seconds = record_cli.parse_args(["--lesson", "loops-remember", "--out", "x.gif", "--seconds", "2",
                                     "--fps", "10"])
    assert record_cli.frame_count(scene, seconds) == 20
    static = type(scene)("static", network=scene.network)  # no scripted run
    assert record_cli.frame_count(static, args) == record_cli.DEFAULT_SECONDS * 30


def test_help_documents_pacing_and_no_caption():
    result = record("--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "--no-caption" in text and "default: a lesson scene's whole scripted run" in text
    assert "steps / steps-per-frame frames" in text and "hold" in text


def test_a_lesson_records_its_whole_run_by_default(tmp_path):
    """End to end: no --seconds, MP4 (every frame kept): 1 + steps / K frames + the hold."""
    from nnsim.engine.lessons import find_lesson

    scene = find_lesson("loops-remember").scenes[0]
    out = tmp_path / "latch.mp4"
    result = record("--lesson", "loops-remember", "--out", str(out), "--fps", "10", "--size", "320x240",
                    "--steps-per-frame", "10")
    assert result.returncode == 0, result.stderr
    assert len(frames_of(out)) == 1 + -(-scene.steps // 10) + 10


@pytest.mark.parametrize("extra, title, line", [
    ((), "y", "z = b + Σ wᵢxᵢ = 1 + 3·(-1) - 2·2 = -6"),  # lesson 1's own read-out
    (("--readout", "x1->y"), "x1 → y", "w·x = 3·(-1) = -3"),
])
def test_a_recording_shows_the_read_out_in_its_frames(qapp, tmp_path, extra, title, line):
    """Recordings have no pointer: the scene's read-out (or --readout's) is painted in every
    frame of the canvas, with the live numbers, beside what it reads."""
    from nnsim.app.frames import grab_frame

    record_cli, args, scene, window, advance, target = prepared(
        tmp_path, "--lesson", "perceptron-forward", "--target", "canvas", "--size", "960x600",
        *extra)
    try:
        advance(0)
        advance(1)
        qapp.sendPostedEvents()
        view = window.view
        text = view.readout_text()
        assert text.splitlines()[0].startswith(title) and line in text, text
        frame = grab_frame(target, args.size)
        rect = view.readout_rect
        assert rect.width() > 100 and rect.height() > 30
        # the card is in the frame: its plate is near-white where the canvas under it is not
        offset = target.target.mapTo(target, view.viewport().mapTo(target.target, rect.topLeft()
                                                                   .toPoint()))
        x0, y0 = offset.x() + 4, offset.y() + 4
        card = frame[y0:y0 + int(rect.height()) - 8, x0:x0 + int(rect.width()) - 8]
        assert card.size and (card.min(axis=2) < 120).mean() > 0.02  # ink: the text is drawn
        assert (card.min(axis=2) > 235).mean() > 0.6  # on a pale plate
        window.view.show_readout(None)
        qapp.sendPostedEvents()
        assert view.readout_text() == "" and view.readout_rect.isEmpty()
    finally:
        record_cli.close(window)

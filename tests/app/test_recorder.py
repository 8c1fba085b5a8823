"""Recording: frames grabbed from widgets, encoded to GIF and MP4 off the GUI thread."""
import hashlib
import tempfile
import threading

import imageio.v2 as imageio
import imageio.v3 as iio
import numpy as np
import pyqtgraph as pg
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from nnsim.app import recorder as rec
from nnsim.app.recorder import FrameEncoder, Recorder, check_output_path, encode, grab_frame


@pytest.fixture(autouse=True)
def no_encoder_left(qapp):
    yield
    alive = [t for t in list(rec.LIVE) if not t.wait(10_000)]
    assert not alive, "an encoder thread is still running: call Recorder.close()"


@pytest.fixture
def recorder(qtbot):
    r = Recorder()
    yield r
    r.close()


@pytest.fixture
def label(qtbot):
    w = QLabel("start")
    w.setStyleSheet("background: white; color: black; font-size: 20px")
    w.resize(161, 91)  # odd sizes: RGB888 rows are padded, MP4 needs even sides
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def plot(qtbot):
    w = pg.PlotWidget()
    w.resize(320, 200)
    qtbot.addWidget(w)
    w.show()
    w.curve = w.plot(pen=pg.mkPen("y", width=2))
    w.getPlotItem().setRange(xRange=(0, 10), yRange=(-1.2, 1.2), padding=0)
    return w


def record(r: Recorder, widget: QWidget, qapp, n: int = 10, **start) -> list:
    """n frames, the widget changing before each (as the simulation advances)."""
    r.start(widget, **start)
    x = np.linspace(0, 10, 200)
    for i in range(n):
        if isinstance(widget, QLabel):
            widget.setText(f"step {i * 7}")
        else:
            widget.curve.setData(x, np.sin(x + 0.5 * i))
        qapp.processEvents()
        assert r.capture() == i + 1
    return r.stop()


def save(r: Recorder, qtbot, path) -> str:
    with qtbot.waitSignal(r.finished, timeout=30_000) as blocker:
        r.save(path)
    return blocker.args[0]


def frame_hashes(frames) -> list[str]:
    return [hashlib.sha256(np.ascontiguousarray(f[..., :3])).hexdigest() for f in frames]


# ---------------------------------------------------------------------- frames
def test_grab_frame_honours_padded_rows_and_scales_exactly(qtbot):
    w = QWidget()
    w.setStyleSheet("background: rgb(10, 200, 30)")
    w.setAutoFillBackground(True)
    w.resize(103, 37)  # 103 * 3 bytes per row is padded to a multiple of 4
    qtbot.addWidget(w)
    w.show()
    frame = grab_frame(w)
    assert frame.shape == (37, 103, 3) and frame.dtype == np.uint8
    assert np.all(frame == [10, 200, 30])  # no skew from row padding
    assert frame.flags.writeable and frame.base is None  # a copy, not a view into the QImage
    scaled = grab_frame(w, size=(64, 48))
    assert scaled.shape == (48, 64, 3) and np.all(scaled == [10, 200, 30])


def test_screenshot_png(label, tmp_path):
    out = rec.save_screenshot(label, tmp_path / "shot.png")
    image = iio.imread(out)
    assert image.shape[:2] == (91, 161)
    np.testing.assert_array_equal(image[..., :3], grab_frame(label))
    assert rec.save_screenshot(label, tmp_path / "small.png", size=(80, 40)).exists()
    assert iio.imread(tmp_path / "small.png").shape[:2] == (40, 80)
    with pytest.raises(ValueError, match="unknown image format '.jpg': use .png"):
        rec.save_screenshot(label, tmp_path / "shot.jpg")
    with pytest.raises(ValueError, match=r"shot.png: folder .*nope does not exist"):
        rec.save_screenshot(label, tmp_path / "nope" / "shot.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shot.png", "small.png"]


@pytest.mark.parametrize("errno, words", [(28, "No space left on device"),
                                           (5, "Input/output error")])
def test_a_screenshot_the_disk_refuses_is_one_line_and_leaves_no_file(label, tmp_path,
                                                                     monkeypatch, errno, words):
    import os

    def failing_fsync(fd):
        raise OSError(errno, words)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(ValueError) as info:
        rec.save_screenshot(label, tmp_path / "shot.png")
    assert str(info.value) == f"cannot write {tmp_path / 'shot.png'}: {words}"
    assert list(tmp_path.iterdir()) == []


def test_recorded_frames_are_stored_compactly(recorder, plot, qapp):
    frames = record(recorder, plot, qapp, n=10)
    raw = sum(f.nbytes for f in frames)
    assert frames.nbytes < raw / 10
    assert not frames[0].flags.writeable  # frames are immutable once recorded


def test_signals_for_the_red_indicator(recorder, label, qapp, qtbot):
    seen, states = [], []
    recorder.captured.connect(lambda n, secs: seen.append((n, secs)))
    recorder.recording_changed.connect(states.append)
    record(recorder, label, qapp, n=4, fps=20)
    assert seen == [(1, 0.05), (2, 0.1), (3, 0.15), (4, 0.2)]
    assert states == [True, False]
    assert recorder.elapsed == 0.2 and recorder.frame_count == 4
    assert recorder.capture() == 0  # not recording: nothing grabbed


# ---------------------------------------------------------------------- files
@pytest.mark.parametrize("ext", [".gif", ".mp4"])
@pytest.mark.parametrize("source", ["label", "plot"])
def test_ten_frames_encode_and_read_back(recorder, qapp, qtbot, tmp_path, ext, source, request):
    widget = request.getfixturevalue(source)
    frames = record(recorder, widget, qapp, n=10, fps=10)
    h, w = frames[0].shape[:2]
    out = save(recorder, qtbot, tmp_path / f"demo{ext}")
    video = iio.imread(out, index=None)[..., :3]
    if ext == ".mp4":
        h, w = h + h % 2, w + w % 2  # padded to even sides
    assert video.shape == (10, h, w, 3)
    for a, b in zip(video, video[1:]):
        assert np.abs(a.astype(int) - b).mean() > 0.05  # consecutive frames differ
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"demo{ext}"]  # no temp file left
    assert (tmp_path / f"demo{ext}").stat().st_mode & 0o777 == rec.FILE_MODE


def test_video_pace_follows_the_frame_rate(recorder, label, qapp, qtbot, tmp_path):
    record(recorder, label, qapp, n=30, fps=30)
    gif = save(recorder, qtbot, tmp_path / "a.gif")
    with Image.open(gif) as im:
        durations = []
        for k in range(im.n_frames):
            im.seek(k)
            durations.append(im.info["duration"])
    assert sum(durations) == 1000  # 30 frames at 30 fps: one second, not 30 x 30 ms
    assert set(durations) == {30, 40}
    mp4 = save(recorder, qtbot, tmp_path / "a.mp4")
    with imageio.get_reader(mp4) as reader:
        assert reader.get_meta_data()["fps"] == 30


def test_same_frames_give_the_same_video(recorder, plot, qapp, qtbot, tmp_path):
    hashes = {".gif": [], ".mp4": []}
    for run in range(2):
        record(recorder, plot, qapp, n=10, fps=15)
        for ext in hashes:
            out = save(recorder, qtbot, tmp_path / f"run{run}{ext}")
            hashes[ext].append(frame_hashes(iio.imread(out, index=None)))
    assert hashes[".gif"][0] == hashes[".gif"][1]
    assert hashes[".mp4"][0] == hashes[".mp4"][1]
    assert (tmp_path / "run0.gif").read_bytes() == (tmp_path / "run1.gif").read_bytes()


def test_headless_recording_encodes_while_capturing(recorder, plot, qapp, qtbot, tmp_path):
    with qtbot.waitSignal(recorder.finished, timeout=30_000) as blocker:
        record(recorder, plot, qapp, n=12, fps=12, size=(200, 120), path=tmp_path / "live.mp4")
    video = iio.imread(blocker.args[0], index=None)
    assert video.shape == (12, 120, 200, 3)
    assert len(recorder.frames) == 12  # and the frames are kept, to save in another format
    out = save(recorder, qtbot, tmp_path / "also.gif")
    assert iio.imread(out, index=None).shape[:3] == (12, 120, 200)


def test_a_failing_live_encoder_never_blocks_capture(recorder, label, qapp, qtbot, tmp_path,
                                                     monkeypatch):
    real_write = FrameEncoder.write

    def write(self, frame):
        if self.count == 2:
            raise OSError(28, "No space left on device")
        real_write(self, frame)

    monkeypatch.setattr(FrameEncoder, "write", write)
    failures = []
    recorder.failed.connect(failures.append)
    record(recorder, label, qapp, n=60, path=tmp_path / "full.mp4")  # more than the queue holds
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    assert failures == ["No space left on device"]  # its words, not a temporary file's name
    assert recorder.frame_count == 60 and not recorder.is_saving
    assert list(tmp_path.iterdir()) == []


def test_headless_record_helper_for_the_command_line(plot, qapp, tmp_path):
    x = np.linspace(0, 10, 200)
    advanced, reported = [], []

    def advance(i):
        advanced.append(i)
        plot.curve.setData(x, np.sin(x + 0.3 * i))

    hashes = []
    for run in range(2):
        out = rec.record_headless(plot, advance, 10, tmp_path / f"cli{run}.gif", fps=10,
                                  size=(160, 100), progress=lambda i, n: reported.append((i, n)))
        hashes.append(frame_hashes(iio.imread(out, index=None)))
    assert len(hashes[0]) == 10 and len(set(hashes[0])) == 10
    assert hashes[0] == hashes[1]  # the same command twice: the same frames
    assert reported[:10] == [(i, 10) for i in range(1, 11)] and advanced[:10] == list(range(10))
    advanced.clear()
    with pytest.raises(ValueError, match="unknown video format '.avi'"):
        rec.record_headless(plot, advance, 10, tmp_path / "x.avi")
    assert advanced == []  # refused before the simulation ran


def test_headless_record_reports_a_failed_encode_in_one_line(plot, tmp_path, monkeypatch):
    def full(self, frame):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FrameEncoder, "write", full)
    with pytest.raises(ValueError, match=r"^cannot record .*a.mp4: No space left on device$"):
        rec.record_headless(plot, lambda i: None, 100, tmp_path / "a.mp4")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError])
def test_a_recording_abandoned_midway_leaves_no_file(plot, tmp_path, monkeypatch, stop):
    """Ctrl+C (or an error) while `record` captures: the encode is cancelled, not finished
    with the frames so far under the name asked for.  Here the GUI thread is slow between
    ending the frames and cancelling (it waits up to 2 s for the encoder to end first)."""
    real_cancel = Recorder.cancel

    def slow_cancel(self):
        for thread in list(self._threads):
            thread.ended.wait(2)
        real_cancel(self)

    monkeypatch.setattr(Recorder, "cancel", slow_cancel)

    def advance(i):
        if i == 5:
            raise stop()

    with pytest.raises(stop):
        rec.record_headless(plot, advance, 100, tmp_path / "cut.mp4", size=(160, 100))
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- errors
BAD_PATHS = [
    ("demo.avi", "unknown video format '.avi': use .gif or .mp4"),
    ("demo", "unknown video format in 'demo' (no extension): use .gif or .mp4"),
    ("missing/demo.mp4", "does not exist"),
    ("afile.txt/demo.gif", "does not exist"),
    (".", "unknown video format"),
    ("folder.mp4", "it is a folder"),
]


@pytest.mark.parametrize("name, message", BAD_PATHS)
def test_bad_paths_give_a_one_line_error_before_recording(recorder, label, tmp_path, name,
                                                           message):
    (tmp_path / "afile.txt").write_text("x")
    (tmp_path / "folder.mp4").mkdir()
    path = tmp_path / name
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        check_output_path(path)
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError):
        recorder.start(label, path=path)
    assert not recorder.is_recording  # refused before the first frame


def test_unwritable_folder_is_refused(tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(ValueError, match=r"cannot write .*demo.gif: Permission denied$"):
        check_output_path(tmp_path / "demo.gif")


def test_out_of_range_frame_rates_are_refused(tmp_path):
    with pytest.raises(ValueError, match="GIF plays at most 50"):
        check_output_path(tmp_path / "a.gif", fps=60)
    check_output_path(tmp_path / "a.mp4", fps=60)
    with pytest.raises(ValueError, match="out of range"):
        check_output_path(tmp_path / "a.mp4", fps=0)


@pytest.mark.parametrize("ext", [".gif", ".mp4"])
def test_a_failed_encode_keeps_the_old_file(tmp_path, ext):
    good = np.zeros((40, 60, 3), np.uint8)
    path = encode([good, good + 100], tmp_path / f"keep{ext}", fps=10)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="frame 1 is 30x40, the first was 60x40"):
        encode([good, np.zeros((40, 30, 3), np.uint8)], path, fps=10)
    with pytest.raises(rec.EncodingCancelled):
        encode([good, good], path, fps=10, cancel=lambda: True)
    with pytest.raises(ValueError, match="nothing was recorded"):
        encode([], path, fps=10)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


FAKE_FFMPEG = """#!{python}
import sys
out = sys.argv[-1]
if {die_at_once}:
    sys.stderr.write("[in#0 @ 0x55d0] Error opening input: Invalid argument\\n")
    sys.exit(1)
data = sys.stdin.buffer.read()  # every frame
with open(out, "wb") as f:  # some of a file, as a full disk leaves it
    f.write({content})
sys.stderr.write({errors})
sys.exit({code})
"""


def fake_ffmpeg(tmp_path, monkeypatch, content=b"\0\0\0\x20ftypisom" + bytes(24), errors="",
                code=0, die_at_once=False) -> None:
    """ffmpeg replaced (where the MP4 encoder finds it) by a script that fails as told."""
    import sys

    import imageio_ffmpeg

    script = tmp_path.parent / f"{tmp_path.name}-ffmpeg"
    script.write_text(FAKE_FFMPEG.format(python=sys.executable, content=repr(content),
                                         errors=repr(errors), code=code, die_at_once=die_at_once))
    script.chmod(0o755)
    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", lambda: str(script))


def real_mp4(tmp_path) -> bytes:
    frames = [np.full((40, 60, 3), 40 * i, np.uint8) for i in range(3)]
    path = encode(frames, tmp_path / "real.mp4", fps=10)
    data = path.read_bytes()
    path.unlink()
    return data


@pytest.mark.parametrize("failure, message", [
    (dict(errors="[vost#0:0/libx264 @ 0x55d0] Error submitting a packet: No space left on "
                 "device\n    Last message repeated 1 times\n[out#0/mp4 @ 0x55d0] Error writing "
                 "trailer: No space left on device\n", code=228),
     "the MP4 encoder (ffmpeg) failed: Error writing trailer: No space left on device"),
    (dict(code=3), "the MP4 encoder (ffmpeg) failed: it stopped with exit code 3"),
    (dict(die_at_once=True), "the MP4 encoder (ffmpeg) failed: Error opening input: Invalid arg"),
    (dict(content="truncated"), "the MP4 file came out incomplete: it lacks its index"),
])
def test_an_mp4_the_encoder_could_not_finish_is_never_written(tmp_path, monkeypatch, failure,
                                                             message):
    """A disk that fills up while ffmpeg writes the index used to leave a broken file ("moov
    atom not found") that looked written: ffmpeg's exit status and words, and the file's boxes,
    are checked, and the old file stays."""
    good = real_mp4(tmp_path)
    target = tmp_path / "demo.mp4"
    target.write_bytes(b"the user's old video")
    if failure.get("content") == "truncated":
        failure["content"] = good[:len(good) - 200]  # the frames, without the index at the end
    fake_ffmpeg(tmp_path, monkeypatch, **failure)
    frames = [np.full((40, 60, 3), i, np.uint8) for i in range(200)]  # more than a pipe holds
    with pytest.raises(rec.EncoderError) as info:
        encode(frames, target, fps=10)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)
    assert target.read_bytes() == b"the user's old video"
    assert [p.name for p in tmp_path.iterdir()] == ["demo.mp4"]  # no temporary file left


def test_a_real_mp4_passes_the_check_and_a_cut_one_does_not(tmp_path):
    from nnsim.app.video import check_mp4

    data = real_mp4(tmp_path)
    (tmp_path / "whole.mp4").write_bytes(data)
    check_mp4(tmp_path / "whole.mp4")
    for cut in (len(data) - 1, len(data) // 2, 7, 0):
        (tmp_path / "cut.mp4").write_bytes(data[:cut])
        with pytest.raises(rec.EncoderError, match="came out incomplete"):
            check_mp4(tmp_path / "cut.mp4")


@pytest.mark.parametrize("ext", [".gif", ".mp4"])
def test_a_disk_error_at_fsync_leaves_no_file(tmp_path, monkeypatch, ext):
    import os

    def failing_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    frames = [np.full((40, 60, 3), 40 * i, np.uint8) for i in range(3)]
    with pytest.raises(OSError, match="Input/output error"):
        encode(frames, tmp_path / f"demo{ext}", fps=10)
    assert list(tmp_path.iterdir()) == []


def test_saving_nothing_or_while_recording_is_refused(recorder, label, tmp_path):
    with pytest.raises(ValueError, match="nothing was recorded"):
        recorder.save(tmp_path / "a.gif")
    recorder.start(label)
    with pytest.raises(RuntimeError, match="stop recording"):
        recorder.save(tmp_path / "a.gif")
    with pytest.raises(RuntimeError, match="already recording"):
        recorder.start(label)
    recorder.stop()


def test_closing_the_recorded_widget_stops_recording(recorder, qapp, qtbot):
    w = QLabel("bye")
    w.show()
    recorder.start(w)
    recorder.capture()
    with qtbot.waitSignal(recorder.failed) as blocker:
        w.deleteLater()
        qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        recorder.capture()
    assert "widget was closed" in blocker.args[0]
    assert not recorder.is_recording and recorder.frame_count == 1


def test_encoder_rejects_frames_that_are_not_rgb_bytes(tmp_path):
    enc = FrameEncoder(tmp_path / "x.gif", fps=10)
    with pytest.raises(ValueError, match="uint8"):
        enc.write(np.zeros((4, 4, 3)))
    enc.abort()
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- threads
def test_encoding_runs_off_the_gui_thread_and_the_window_stays_responsive(
        recorder, plot, qapp, qtbot, tmp_path, monkeypatch):
    """save() returns before a frame is encoded, and the GUI thread's event loop turns while
    the encoder works: the encoder waits for each in turn (on a blocked GUI thread it would
    wait in vain).  No wall-clock limits: how fast is benchmarks/bench_recording.py's figure."""
    record(recorder, plot, qapp, n=40, fps=20, size=(640, 400))
    encode_threads, waited = set(), []
    returned = threading.Event()  # save() has returned to the GUI thread
    turning = threading.Event()  # a GUI-thread timer fired while the encode was half-way
    halfway = threading.Event()
    real_write = FrameEncoder.write

    def write(self, frame):
        encode_threads.add(threading.get_ident())
        if self.count == 0:
            waited.append(("save() returned", returned.wait(20)))
        if self.count == 20:
            halfway.set()
            waited.append(("the event loop turned", turning.wait(20)))
        real_write(self, frame)

    monkeypatch.setattr(FrameEncoder, "write", write)
    timer = QTimer()
    timer.timeout.connect(lambda: halfway.is_set() and turning.set())
    progress = []
    recorder.progress.connect(lambda i, n: progress.append((i, n, threading.get_ident())))
    with qtbot.waitSignal(recorder.finished, timeout=60_000):
        recorder.save(tmp_path / "slow.mp4")
        returned.set()
        assert recorder.is_saving
        timer.start(10)
    timer.stop()
    assert waited == [("save() returned", True), ("the event loop turned", True)]
    assert encode_threads and threading.get_ident() not in encode_threads
    assert [p[:2] for p in progress] == [(i, 40) for i in range(1, 41)]
    assert {p[2] for p in progress} == {threading.get_ident()}  # delivered on the GUI thread
    assert not recorder.is_saving


def test_cancel_abandons_the_encode_and_writes_nothing(recorder, plot, qapp, qtbot, tmp_path,
                                                       monkeypatch):
    record(recorder, plot, qapp, n=20)
    real_write = FrameEncoder.write
    cancelled = threading.Event()  # the encoder writes nothing until cancel() has been called
    monkeypatch.setattr(FrameEncoder, "write",
                        lambda self, f: (cancelled.wait(20), real_write(self, f)))
    with qtbot.waitSignal(recorder.failed, timeout=30_000) as blocker:
        recorder.save(tmp_path / "never.gif")
        recorder.cancel()
        cancelled.set()
    assert "cancelled" in blocker.args[0]
    assert list(tmp_path.iterdir()) == []


def test_an_error_without_words_is_still_a_sentence():
    from nnsim.app.video import one_line

    assert one_line(OSError("disk full\nmore")) == "disk full"
    assert "Error" not in one_line(RuntimeError())  # never the class name


def test_a_caption_is_drawn_above_the_grabbed_widget(recorder, label, qapp):
    """A recorded plot or canvas gets the lesson's caption above it (issue 13), every frame."""
    from nnsim.app.caption import Caption, caption_image
    from nnsim.engine.lessons import find_lesson

    caption = Caption()
    assert grab_frame(label, caption=caption).shape == (91, 161, 3)  # no scene: no caption
    caption.set_scene(find_lesson("hopfield"), 0)
    header = rec.image_to_array(caption_image(caption, 161))
    frame = grab_frame(label, caption=caption)
    assert frame.shape == (91 + header.shape[0], 161, 3)
    np.testing.assert_array_equal(frame[:header.shape[0]], header)
    np.testing.assert_array_equal(frame[header.shape[0]:], grab_frame(label))
    frames = record(recorder, label, qapp, n=3, caption=caption)
    assert all(f.shape == frame.shape for f in frames)
    np.testing.assert_array_equal(frames[0][:header.shape[0]], header)

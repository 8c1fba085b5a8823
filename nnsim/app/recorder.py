"""Recording demos: frames grabbed from a widget, encoded to GIF or MP4 off the GUI thread.

The app calls `Recorder.capture()` each time the simulation has advanced a fixed number of steps
and the window has drawn them, so a video's pace is set by the simulation, never by how fast the
machine is.  Frames are kept zlib-compressed (a plot shrinks ~50-100x) until they are saved; a
path known in advance (headless recording) is also encoded while capturing.  Files are written
to a temporary file beside the target and renamed over it, so a failed or cancelled encode never
leaves a broken file or destroys a good one.
"""
from __future__ import annotations

import os
import queue
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

VIDEO_FORMATS = (".gif", ".mp4")
MAX_GIF_FPS = 50  # browsers slow down GIF frames shorter than 20 ms
MP4_QUALITY = 6  # imageio's 0-10 scale; 6 is x264 crf 20, crisp lines on plots
MP4_PRESET = "veryfast"  # ~2.5x the encoding speed of x264's default, ~25% larger files
_UMASK = os.umask(0o022)  # read once (setting it is process-wide): new files get the usual mode
os.umask(_UMASK)

Progress = Callable[[int, int], None]


class EncodingCancelled(Exception):
    pass


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# ---------------------------------------------------------------------- paths
def check_output_path(path: str | os.PathLike, fps: float | None = None) -> Path:
    """Refuse, with a one-line ValueError, a path that cannot become a video: call it before
    recording starts so nobody records a minute to learn the file cannot be written."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in VIDEO_FORMATS:
        what = f"'{ext}'" if ext else f"in '{p.name}' (no extension)"
        raise ValueError(f"unknown video format {what}: use .gif or .mp4")
    if fps is not None and not 1 <= fps <= 120:
        raise ValueError(f"frame rate {fps:g} is out of range: use 1 to 120 frames per second")
    if ext == ".gif" and fps is not None and fps > MAX_GIF_FPS:
        raise ValueError(f"a GIF plays at most {MAX_GIF_FPS} frames per second: lower the frame "
                         "rate or use .mp4")
    return check_writable(p)


def check_writable(p: Path) -> Path:
    """Refuse, with a one-line ValueError, a file path that cannot be written."""
    if p.is_dir():
        raise ValueError(f"cannot write {p}: it is a folder")
    folder = p.parent
    if not folder.is_dir():
        raise ValueError(f"cannot write {p}: folder {folder} does not exist")
    try:  # the only test that tells the truth (permissions, read-only disks, running as root)
        fd, probe = tempfile.mkstemp(prefix=".nnsim-check-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ValueError(f"cannot write {p}: {exc.strerror or exc}") from None
    return p


# ---------------------------------------------------------------------- frames
def image_to_array(image: QImage) -> np.ndarray:
    """(h, w, 3) uint8 RGB copy of a QImage; rows may be padded, so honour bytesPerLine."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = image.height(), image.width(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=h * stride).reshape(h, stride)
    return rows[:, : w * 3].reshape(h, w, 3).copy()  # copy: the QImage's memory goes with it


def grab_frame(widget: QWidget, size: tuple[int, int] | None = None,
               from_backing_store: bool = False) -> np.ndarray:
    """The widget as it looks now, (h, w, 3) uint8; scaled to exactly `size` = (w, h) if given.

    from_backing_store: for a top-level window on the offscreen platform, copy what the window
    has already painted (its posted paint events must have been processed) instead of painting
    it all again: a tenth of the cost of grab()."""
    if from_backing_store and widget.isWindow() and widget.windowHandle() is not None:
        image = widget.screen().grabWindow(widget.winId()).toImage()
    else:
        image = widget.grab().toImage()
    if size is not None and (image.width(), image.height()) != tuple(size):
        image = image.scaled(int(size[0]), int(size[1]), Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image_to_array(image)


def save_screenshot(widget: QWidget, path: str | os.PathLike,
                    size: tuple[int, int] | None = None) -> Path:
    """Save the widget as a PNG, atomically; a bad path raises a one-line ValueError."""
    p = Path(path)
    if p.suffix.lower() != ".png":
        raise ValueError(f"unknown image format '{p.suffix or p.name}': use .png")
    check_writable(p)
    image = widget.grab().toImage()
    if size is not None:
        image = image.scaled(int(size[0]), int(size[1]), Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.stem}.", suffix=".png", dir=p.parent)
    os.close(fd)
    try:
        if not image.save(tmp, "PNG"):
            raise ValueError(f"cannot write {p}: Qt could not encode the image")
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, p)
    except BaseException:
        os.unlink(tmp)
        raise
    return p


def _pack(frame: np.ndarray) -> tuple[bytes, tuple[int, ...]]:
    return zlib.compress(np.ascontiguousarray(frame, dtype=np.uint8), 1), frame.shape


class FrameStore(Sequence):
    """Recorded frames, kept compressed.  Compression runs on one helper thread (zlib releases
    the GIL), so a capture costs the GUI thread only the grab.  Items are read-only arrays."""

    def __init__(self) -> None:
        self._items: list = []
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="nnsim-frames")

    def append(self, frame: np.ndarray) -> None:
        self._items.append(self._pool.submit(_pack, frame))

    def close(self) -> None:
        """Finish compressing; the frames stay readable."""
        self._pool.shutdown(wait=True)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        data, shape = self._items[i].result()
        return np.frombuffer(zlib.decompress(data), np.uint8).reshape(shape)

    @property
    def nbytes(self) -> int:
        return sum(len(item.result()[0]) for item in self._items)


# ---------------------------------------------------------------------- encoding
class FrameEncoder:
    """Writes frames one at a time to a GIF or MP4 (chosen by extension), atomically: the file
    appears at `path` only when `close()` succeeds.  Every frame must have the first one's size;
    MP4 pads an odd side by one pixel.  A GIF merges identical consecutive frames into one longer
    frame (same playback, fewer frames when read back)."""

    def __init__(self, path: str | os.PathLike, fps: float) -> None:
        self.path = check_output_path(path, fps)
        self.fps = float(fps)
        self.gif = self.path.suffix.lower() == ".gif"
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=self.path.suffix,
                                         dir=self.path.parent)
        os.close(fd)
        self._shape: tuple[int, ...] | None = None
        self._frames: list = []  # GIF: quantized frames (Pillow writes them all at once)
        self._writer = None
        self.count = 0

    def write(self, frame: np.ndarray) -> None:
        frame = np.asarray(frame)
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
            raise ValueError(f"a frame must be (h, w, 3) uint8, not {frame.shape} {frame.dtype}")
        if self._shape is None:
            self._shape = frame.shape
            if not self.gif:
                self._writer = self._open_mp4()
        elif frame.shape != self._shape:
            raise ValueError(f"frame {self.count} is {frame.shape[1]}x{frame.shape[0]}, the "
                             f"first was {self._shape[1]}x{self._shape[0]}")
        if self.gif:
            from PIL import Image

            # Fast octree per frame: each frame gets its own exact-enough palette; no dithering,
            # which would speckle the flat colours of plots and bloat the file.
            self._frames.append(Image.fromarray(frame).quantize(
                256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE))
        else:
            h, w = frame.shape[:2]
            if h % 2 or w % 2:  # yuv420p needs even sides: repeat the last row/column
                frame = np.pad(frame, ((0, h % 2), (0, w % 2), (0, 0)), mode="edge")
            self._writer.append_data(frame)
        self.count += 1

    def _open_mp4(self):
        import imageio.v2 as imageio

        return imageio.get_writer(
            self._tmp, format="FFMPEG", mode="I", fps=self.fps, codec="libx264",
            quality=MP4_QUALITY, pixelformat="yuv420p", macro_block_size=2,
            ffmpeg_log_level="error", output_params=["-preset", MP4_PRESET])

    def close(self) -> Path:
        """Finish the file and move it into place; returns the path."""
        try:
            if self.count == 0:
                raise ValueError("nothing was recorded: no frames to save")
            if self.gif:
                self._save_gif()
            else:
                self._writer.close()
                self._writer = None
            os.chmod(self._tmp, 0o666 & ~_UMASK)  # mkstemp makes it private (0600)
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise
        return self.path

    def _save_gif(self) -> None:
        # GIF delays are whole centiseconds: round the running time, not each frame, so 30 fps
        # plays as 30, 40, 30, ... ms and stays in step with the simulation's clock.
        ticks = np.round(np.arange(self.count + 1) * 100.0 / self.fps).astype(int)
        durations = [max(10, int(d) * 10) for d in np.diff(ticks)]
        first, rest = self._frames[0], self._frames[1:]
        first.save(self._tmp, format="GIF", save_all=True, append_images=rest,
                   duration=durations, loop=0)
        self._frames = []

    def abort(self) -> None:
        """Drop everything written so far; the target path is left as it was."""
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # noqa: BLE001 - the file is being thrown away anyway
                pass
            self._writer = None
        self._frames = []
        try:
            os.unlink(self._tmp)
        except OSError:
            pass

    def __enter__(self) -> FrameEncoder:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def encode(frames: Iterable[np.ndarray], path: str | os.PathLike, fps: float,
           progress: Progress | None = None, cancel: Callable[[], bool] | None = None,
           total: int | None = None) -> Path:
    """Encode frames to `path` (.gif or .mp4).  `progress(done, total)` is called after each
    frame; `cancel()` returning True stops the encode (EncodingCancelled, no file written)."""
    if total is None:
        total = len(frames) if isinstance(frames, Sequence) else 0
    with FrameEncoder(path, fps) as encoder:
        for frame in frames:
            if cancel is not None and cancel():
                raise EncodingCancelled("encoding cancelled")
            encoder.write(frame)
            if progress is not None:
                progress(encoder.count, max(total, encoder.count))
        if cancel is not None and cancel():  # cancelled while waiting for the last frames
            raise EncodingCancelled("encoding cancelled")
    return encoder.path


class _EncodeThread(QThread):
    """Runs `encode` off the GUI thread; its signals reach GUI-thread receivers queued."""

    progress = Signal(int, int)
    done = Signal(str)
    error = Signal(str)

    def __init__(self, frames: Iterable[np.ndarray], path: Path, fps: float,
                 total: Callable[[], int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._frames, self._path, self._fps, self._total = frames, path, fps, total
        self.cancelled = threading.Event()
        self.ended = threading.Event()  # a plain flag: readable after the QThread is deleted

    def run(self) -> None:
        try:
            path = encode(self._frames, self._path, self._fps,
                          progress=lambda i, n: self.progress.emit(i, max(n, self._total())),
                          cancel=self.cancelled.is_set)
        except Exception as exc:  # noqa: BLE001 - the thread boundary: report, never raise
            self.ended.set()
            self.error.emit(one_line(exc))
        else:
            self.ended.set()
            self.done.emit(str(path))


def _queued(q: queue.Queue) -> Iterable[np.ndarray]:
    while (frame := q.get()) is not None:
        yield frame


LIVE: set[_EncodeThread] = set()  # running encoders: a QThread destroyed while running aborts


class Recorder(QObject):
    """Records a widget in lockstep with the simulation.

    `start(widget, fps, size)`, then `capture()` after every N simulation steps have been drawn,
    then `stop()` (returns the frames) and `save(path)`, which encodes in a background thread and
    reports `progress(done, total)`, then `finished(path)` or `failed(reason)`.  With
    `start(..., path=...)` (headless recording, path known up front) frames are also encoded while
    capturing and the file is finished after `stop()`.  Call `close()` before quitting."""

    recording_changed = Signal(bool)
    captured = Signal(int, float)  # frames so far, seconds of video they make (for the indicator)
    progress = Signal(int, int)  # frames encoded, frames in all
    finished = Signal(str)  # the saved file
    failed = Signal(str)  # a one-line reason

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._target: QWidget | None = None
        self._fps = 30.0
        self._size: tuple[int, int] | None = None
        self._frames = FrameStore()
        self._frames.close()
        self._queue: queue.Queue | None = None  # frames for the streaming encoder
        self._stream: _EncodeThread | None = None
        self._threads: list[_EncodeThread] = []
        self._saving = 0  # encodes whose outcome has not been reported yet
        self.from_backing_store = False  # headless windows: copy the painted window (grab_frame)

    # ------------------------------------------------------------------ state
    @property
    def is_recording(self) -> bool:
        return self._target is not None

    @property
    def is_saving(self) -> bool:
        return self._saving > 0

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def frames(self) -> FrameStore:
        return self._frames

    @property
    def frame_count(self) -> int:
        return len(self._frames)

    @property
    def elapsed(self) -> float:
        """Seconds of video recorded so far (frames / fps): the simulation's clock, not the wall's."""
        return len(self._frames) / self._fps

    # ------------------------------------------------------------------ recording
    def start(self, target: QWidget, fps: float = 30, size: tuple[int, int] | None = None,
              path: str | os.PathLike | None = None) -> None:
        """Begin recording `target`.  `size` = (w, h) scales every frame to exactly that size;
        without it the first frame's size is kept (later frames are scaled to it)."""
        if self.is_recording:
            raise RuntimeError("already recording: stop() first")
        if path is not None:
            path = check_output_path(path, fps)
        elif not 1 <= fps <= 120:
            raise ValueError(f"frame rate {fps:g} is out of range: use 1 to 120 frames per second")
        if size is not None:
            size = (int(size[0]), int(size[1]))
            if min(size) < 2:
                raise ValueError(f"a video must be at least 2x2 pixels, not {size[0]}x{size[1]}")
        self._target, self._fps, self._size = target, float(fps), size
        self._frames = FrameStore()
        if path is not None:
            self._queue = queue.Queue(maxsize=16)  # bounded: a slow encoder slows capture down
            store = self._frames
            self._stream = self._launch(_queued(self._queue), path, lambda: len(store))
        self.recording_changed.emit(True)

    def capture(self) -> int:
        """Grab one frame of the target; returns the number of frames recorded (0 when idle)."""
        if self._target is None:
            return 0
        try:
            frame = grab_frame(self._target, self._size, self.from_backing_store)
        except RuntimeError:  # the C++ widget is gone (its window was closed)
            self.stop()
            self.failed.emit("recording stopped: the recorded widget was closed")
            return len(self._frames)
        if self._size is None:
            self._size = (frame.shape[1], frame.shape[0])
        self._frames.append(frame)
        if self._queue is not None:
            self._feed(frame)
        n = len(self._frames)
        self.captured.emit(n, n / self._fps)
        return n

    def _feed(self, item) -> None:
        """Hand a frame (or the end marker None) to the streaming encoder, waiting while it is
        behind (frames are never dropped), unless it has stopped (its failure is reported)."""
        thread = self._stream
        while True:
            try:
                self._queue.put(item, timeout=0.05)
                return
            except queue.Full:
                if thread.ended.is_set():
                    self._queue = None
                    return

    def stop(self) -> FrameStore:
        """Stop recording and return the frames (a sequence of (h, w, 3) uint8 arrays)."""
        if self._target is None:
            return self._frames
        self._target = None
        if self._queue is not None:
            self._feed(None)
            self._queue = None
        self._frames.close()
        self.recording_changed.emit(False)
        return self._frames

    # ------------------------------------------------------------------ saving
    def save(self, path: str | os.PathLike, frames: Sequence[np.ndarray] | None = None) -> Path:
        """Encode the recorded frames (or `frames`) to `path` in the background.  A bad path or
        an empty recording raises ValueError at once; encoding errors arrive as `failed`."""
        if self.is_recording:
            raise RuntimeError("stop recording before saving")
        path = check_output_path(path, self._fps)
        frames = self._frames if frames is None else frames
        if len(frames) == 0:
            raise ValueError("nothing was recorded: no frames to save")
        self._launch(frames, path, lambda: len(frames))
        return path

    def _launch(self, frames: Iterable[np.ndarray], path: Path,
                total: Callable[[], int]) -> _EncodeThread:
        thread = _EncodeThread(frames, path, self._fps, total)
        thread.progress.connect(self.progress)
        thread.done.connect(self._on_done)
        thread.error.connect(self._on_error)
        thread.finished.connect(lambda: self._forget(thread))
        self._threads.append(thread)
        LIVE.add(thread)
        self._saving += 1
        thread.start()
        return thread

    def _forget(self, thread: _EncodeThread) -> None:
        LIVE.discard(thread)
        if thread in self._threads:
            self._threads.remove(thread)
        thread.deleteLater()

    def _on_done(self, path: str) -> None:
        self._saving -= 1
        self.finished.emit(path)

    def _on_error(self, reason: str) -> None:
        self._saving -= 1
        self.failed.emit(reason)

    def cancel(self) -> None:
        """Abandon every encode in progress (each reports `failed`); no file is written."""
        for thread in self._threads:
            thread.cancelled.set()
        if self._queue is not None:  # a streaming encoder waits for frames: wake it
            self._feed(None)
            self._queue = None

    def wait(self, msecs: int = -1) -> bool:
        """Block until the encoders have finished; True when none is left running."""
        return all(t.wait() if msecs < 0 else t.wait(msecs) for t in list(self._threads))

    def close(self) -> None:
        """Stop recording, cancel encodes and wait for their threads (call before quitting)."""
        self.stop()
        self.cancel()
        self.wait()


def record_headless(widget: QWidget, advance: Callable[[int], None], frames: int,
                    path: str | os.PathLike, fps: float = 30, size: tuple[int, int] | None = None,
                    progress: Progress | None = None, from_backing_store: bool = False) -> Path:
    """Record `frames` frames of `widget` to `path`, for `python main.py record`: before frame i,
    `advance(i)` steps the simulation and draws it.  Encodes while capturing; `progress(done,
    frames)` after each capture.  Raises ValueError (bad path, failed encode) with one line."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    recorder = Recorder()
    recorder.from_backing_store = from_backing_store
    outcome: list[tuple[bool, str]] = []
    loop = QEventLoop()
    recorder.finished.connect(lambda p: (outcome.append((True, p)), loop.quit()))
    recorder.failed.connect(lambda why: (outcome.append((False, why)), loop.quit()))
    try:
        recorder.start(widget, fps=fps, size=size, path=path)  # a bad path fails here, at once
        for i in range(int(frames)):
            advance(i)
            QCoreApplication.sendPostedEvents()  # layouts and deferred updates, before the grab
            recorder.capture()
            if progress is not None:
                progress(i + 1, int(frames))
            if outcome:  # the encoder failed mid-way: no point recording on
                break
        recorder.stop()
        if not outcome:
            loop.exec()
    finally:
        recorder.close()
    ok, message = outcome[0]
    if not ok:
        raise ValueError(f"cannot record {path}: {message}")
    return Path(message)

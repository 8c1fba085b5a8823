"""Recording demos: frames grabbed from a widget, encoded to GIF or MP4 off the GUI thread.

The app calls `Recorder.capture()` each time the simulation has advanced a fixed number of steps
and the window has drawn them, so a video's pace is set by the simulation, never by how fast the
machine is.  Frames are kept compressed until they are saved; a path known in advance (headless
recording, `record_headless`) is also encoded while capturing.

The pieces: frames.py grabs widgets and stores frames, video.py checks paths and encodes (files
are written atomically).  Their public names are re-exported here.
"""
from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QWidget

from .frames import FrameStore, grab_frame, image_to_array, save_screenshot
from .video import (
    FILE_MODE,
    MAX_GIF_FPS,
    MP4_PRESET,
    MP4_QUALITY,
    VIDEO_FORMATS,
    EncoderError,
    EncodingCancelled,
    FrameEncoder,
    Progress,
    check_output_path,
    check_writable,
    encode,
    one_line,
)

__all__ = ["FILE_MODE", "LIVE", "MAX_GIF_FPS", "MP4_PRESET", "MP4_QUALITY", "VIDEO_FORMATS",
           "EncoderError", "EncodingCancelled", "FrameEncoder", "FrameStore", "Progress", "Recorder",
           "check_output_path", "check_writable", "encode", "grab_frame", "image_to_array",
           "one_line", "record_headless", "save_screenshot"]


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
        self._caption = None  # drawn above each frame (a recorded plot or canvas)
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
              path: str | os.PathLike | None = None, caption=None) -> None:
        """Begin recording `target`.  `size` = (w, h) scales every frame to exactly that size;
        without it the first frame's size is kept (later frames are scaled to it).  `caption`
        (caption.Caption): drawn above the target in every frame (size includes it)."""
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
        self._caption = caption
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
            frame = grab_frame(self._target, self._size, self.from_backing_store, self._caption)
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
        """Cancel encodes, stop recording and wait for the threads (call before quitting, or
        when a recording is abandoned).  Cancelled first: the end of the frames, reaching a
        streaming encoder before the cancel, would finish the file (a cut-short video under the
        name asked for)."""
        self.cancel()
        self.stop()
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

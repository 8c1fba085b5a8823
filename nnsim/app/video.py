"""Video files: checking a path before recording, and encoding frames to GIF or MP4.

No Qt here: frames are (h, w, 3) uint8 arrays.  `FrameEncoder` writes them one at a time (Pillow
for GIF, imageio's ffmpeg for MP4) to a temporary file beside the target and renames it over the
target only when the file is complete, so a failed or cancelled encode never leaves a broken file
or destroys a good one.  `encode` runs a whole sequence through it, with progress and cancel.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

VIDEO_FORMATS = (".gif", ".mp4")
MAX_GIF_FPS = 50  # browsers slow down GIF frames shorter than 20 ms
MP4_QUALITY = 6  # imageio's 0-10 scale; 6 is x264 crf 20, crisp lines on plots
MP4_PRESET = "veryfast"  # ~2.5x the encoding speed of x264's default, ~25% larger files
_UMASK = os.umask(0o022)  # read once (setting it is process-wide): new files get the usual mode
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK  # what open() would give a new file (mkstemp's is private, 0600)

Progress = Callable[[int, int], None]


class EncodingCancelled(Exception):
    pass


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else "the video encoder stopped without saying why"


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
            os.chmod(self._tmp, FILE_MODE)  # mkstemp makes it private (0600)
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

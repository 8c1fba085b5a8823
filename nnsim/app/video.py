"""Video files: checking a path before recording, and encoding frames to GIF or MP4.

No Qt here: frames are (h, w, 3) uint8 arrays.  `FrameEncoder` writes them one at a time (Pillow
for GIF, the ffmpeg that imageio-ffmpeg ships for MP4) to a temporary file beside the target and
renames it over the target only when the file is complete and on disk, so a failed or cancelled
encode never leaves a broken file or destroys a good one.  Every failure is an exception with a
one-line reason: a write error, ffmpeg's exit status and error output (a disk that fills up while
ffmpeg writes the MP4's index), an MP4 without its index, and an error from fsync (a disk error
the kernel reports only then).  `encode` runs a whole sequence through it, with progress and
cancel.
"""
from __future__ import annotations

import collections
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

VIDEO_FORMATS = (".gif", ".mp4")
MAX_GIF_FPS = 50  # browsers slow down GIF frames shorter than 20 ms
MP4_QUALITY = 6  # imageio's 0-10 scale; 6 is x264 crf 20, crisp lines on plots
MP4_CRF = int((1 - MP4_QUALITY / 10) * 51)  # as imageio turns quality into x264's crf
MP4_PRESET = "veryfast"  # ~2.5x the encoding speed of x264's default, ~25% larger files
_UMASK = os.umask(0o022)  # read once (setting it is process-wide): new files get the usual mode
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK  # what open() would give a new file (mkstemp's is private, 0600)

Progress = Callable[[int, int], None]


class EncodingCancelled(Exception):
    pass


class EncoderError(RuntimeError):
    """The video encoder failed (ffmpeg's own words, or what is wrong with the file it left)."""


def one_line(exc: BaseException) -> str:
    """The reason in one line.  A system error gives its words, not the temporary file's name
    (the caller names the user's file)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
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
        self._writer: Mp4Pipe | None = None
        self.count = 0

    def write(self, frame: np.ndarray) -> None:
        frame = np.asarray(frame)
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
            raise ValueError(f"a frame must be (h, w, 3) uint8, not {frame.shape} {frame.dtype}")
        if self._shape is None:
            self._shape = frame.shape
            if not self.gif:
                h, w = frame.shape[:2]
                self._writer = Mp4Pipe(self._tmp, (w + w % 2, h + h % 2), self.fps)
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
            self._writer.write(frame)
        self.count += 1

    def close(self) -> Path:
        """Finish the file and move it into place; returns the path.  Raises (and leaves no
        file behind) if anything went wrong on the way."""
        try:
            if self.count == 0:
                raise ValueError("nothing was recorded: no frames to save")
            if self.gif:
                self._save_gif()
            else:
                writer, self._writer = self._writer, None
                writer.close()  # ffmpeg's exit status and error output checked
                check_mp4(self._tmp)
            sync_file(self._tmp)  # a disk error the kernel reports only now
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
            self._writer.kill()
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


class Mp4Pipe:
    """ffmpeg (the binary imageio-ffmpeg ships) turning raw RGB frames from a pipe into an H.264
    MP4, with its exit status and error output checked.  imageio's writer ignores both: a disk
    that filled up while ffmpeg wrote the file's index left a broken file that looked written."""

    def __init__(self, path: str, size: tuple[int, int], fps: float) -> None:
        from fractions import Fraction

        import imageio_ffmpeg

        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-nostdin", "-v", "error",
                   "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{size[0]}x{size[1]}",
                   "-r", str(Fraction(fps).limit_denominator()), "-i", "-", "-an",
                   "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", str(MP4_CRF),
                   "-preset", MP4_PRESET, "-f", "mp4", path]
        # A session of its own: Ctrl+C in the terminal is the app's to handle (it cancels the
        # encode), not a signal that kills ffmpeg under it.
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                         start_new_session=True)
        self._errors: collections.deque[str] = collections.deque(maxlen=20)  # the last lines
        # Read as it comes: ffmpeg blocks on a full stderr pipe, and we would block on its stdin.
        self._reader = threading.Thread(target=self._read_errors, daemon=True,
                                        name="nnsim-ffmpeg-errors")
        self._reader.start()

    def _read_errors(self) -> None:
        for raw in self._process.stderr:
            line = raw.decode("utf-8", "replace").strip()
            if line and not line.startswith("Last message repeated"):
                self._errors.append(line)

    def write(self, frame: np.ndarray) -> None:
        try:
            self._process.stdin.write(memoryview(np.ascontiguousarray(frame)).cast("B"))
        except OSError:  # ffmpeg is gone (a broken pipe): its exit status says why
            raise self._failed() from None

    def close(self) -> None:
        """Let ffmpeg finish the file and wait for it; raises EncoderError if it failed."""
        try:
            self._process.stdin.close()
        except OSError:
            pass  # a broken pipe: ffmpeg has stopped already, and says why below
        if self._process.wait() != 0:
            raise self._failed()
        self._reader.join()

    def kill(self) -> None:
        """Stop ffmpeg at once (the file is being thrown away)."""
        if self._process.poll() is None:
            self._process.kill()
        try:
            self._process.stdin.close()
        except OSError:
            pass
        self._process.wait()
        self._reader.join()

    def _failed(self) -> EncoderError:
        try:
            self._process.stdin.close()
        except OSError:
            pass
        code = self._process.wait()
        self._reader.join()
        if self._errors:  # "[out#0/mp4 @ 0x55d0] Error writing trailer: No space left on device"
            reason = re.sub(r"^(\[[^\]]*\]\s*)+", "", self._errors[-1])
        elif code < 0:
            reason = f"it was stopped by signal {-code}"
        else:
            reason = f"it stopped with exit code {code}"
        return EncoderError(f"the MP4 encoder (ffmpeg) failed: {reason}")


def check_mp4(path: str | os.PathLike) -> None:
    """Raise EncoderError unless the file's top-level boxes fill it exactly and include the
    index ("moov") and the frames ("mdat"): what a player needs to open it."""
    size = os.path.getsize(path)
    kinds, offset = set(), 0
    with open(path, "rb") as f:
        while offset < size:
            f.seek(offset)
            header = f.read(16)
            if len(header) < 8:
                break
            length, kind = int.from_bytes(header[:4], "big"), header[4:8]
            if length == 1 and len(header) == 16:  # a 64-bit size follows
                length = int.from_bytes(header[8:16], "big")
            elif length == 0:  # the last box, to the end of the file
                length = size - offset
            if length < 8 or offset + length > size:
                break
            kinds.add(kind)
            offset += length
    if offset != size or not {b"ftyp", b"moov", b"mdat"} <= kinds:
        missing = "its index ('moov' box)" if b"moov" not in kinds else "part of its data"
        raise EncoderError(f"the MP4 file came out incomplete: it lacks {missing}")


def sync_file(path: str | os.PathLike) -> None:
    """Flush the file to the disk, so that a write error the kernel reports late (a full disk
    with delayed allocation, an I/O error) is ours to report, not a broken file's."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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

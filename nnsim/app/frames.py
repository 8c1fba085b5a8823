"""Frames: grabbing a widget as an RGB array, saving a screenshot, and keeping recorded frames.

`grab_frame` returns what a widget shows as (h, w, 3) uint8 (optionally scaled to an exact size);
`FrameStore` keeps a recording's frames zlib-compressed (a plot shrinks ~50-100x), compressing on
a helper thread so a capture costs the GUI thread only the grab.
"""
from __future__ import annotations

import os
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from .video import FILE_MODE, check_writable


def image_to_array(image: QImage) -> np.ndarray:
    """(h, w, 3) uint8 RGB copy of a QImage; rows may be padded, so honour bytesPerLine."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = image.height(), image.width(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=h * stride).reshape(h, stride)
    return rows[:, : w * 3].reshape(h, w, 3).copy()  # copy: the QImage's memory goes with it


def grab_frame(widget: QWidget, size: tuple[int, int] | None = None,
               from_backing_store: bool = False, caption=None) -> np.ndarray:
    """The widget as it looks now, (h, w, 3) uint8; scaled to exactly `size` = (w, h) if given.
    `caption` (a caption.Caption): drawn above the widget, as wide as it, while it has a scene.

    from_backing_store: for a top-level window on the offscreen platform, copy what the window
    has already painted (its posted paint events must have been processed) instead of painting
    it all again: a tenth of the cost of grab().  Not on a scaled screen (QT_SCALE_FACTOR=2):
    there the offscreen platform's grabWindow returns only the top-left logical-size corner of
    the window's device pixels, so the window is painted again by grab() (at its device pixel
    ratio; `size` scales the frame to exactly the size asked for)."""
    if from_backing_store and widget.isWindow() and widget.windowHandle() is not None \
            and widget.devicePixelRatioF() == 1.0:
        image = widget.screen().grabWindow(widget.winId()).toImage()
    else:
        image = widget.grab().toImage()
    if caption is not None and caption.active:
        from .caption import stack_caption

        image = stack_caption(caption, image)
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
    # Encoded in memory, written by Python: a write error (a full disk) raises, where Qt's
    # image writer reports only that something failed, or nothing when closing the file fails.
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError(f"cannot write {p}: Qt could not encode the image")
    buffer.close()
    fd, tmp = tempfile.mkstemp(prefix=f".{p.stem}.", suffix=".png", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.data())
            f.flush()
            os.fsync(f.fileno())  # a disk error the kernel reports only now
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, p)
    except OSError as exc:
        os.unlink(tmp)
        raise ValueError(f"cannot write {p}: {exc.strerror or exc}") from None
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
        self._pool = None  # made with the first frame: the window makes a store at start-up

    def append(self, frame: np.ndarray) -> None:
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor  # ~5 ms: not at start-up

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="nnsim-frames")
        self._items.append(self._pool.submit(_pack, frame))

    def close(self) -> None:
        """Finish compressing; the frames stay readable."""
        if self._pool is not None:
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

"""Reading a user's file safely: only a regular file, its size checked before reading, and at
most a set number of bytes read.

A device (/dev/zero, /dev/urandom), a FIFO or a directory reports a size of 0 or blocks, so a
plain `read_bytes()` on it never ends or exhausts memory.  `read_limited` opens without blocking
(a FIFO with no writer would otherwise block the open itself), refuses anything that is not a
regular file, and stops reading one byte past the limit (a file that grows while read).
Every loader calls it with its own error class, so each raises its documented error at once.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

KIB = 1024
MIB = 1024 * KIB


class UnreadableFile(OSError):
    """Why a path cannot be read as a user's file; `reason` is a phrase for a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words a user knows."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size_words(n: int) -> str:
    if n >= MIB:
        return f"{n / MIB:.1f} MB"
    if n >= KIB:
        return f"{n / KIB:.0f} KB"
    return f"{n} bytes"


def read_bytes_limited(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `limit` of them.
    Raises UnreadableFile with a reason in words for a missing or unreadable file, anything that
    is not a regular file, or a file over the limit; never blocks and never reads past limit+1."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnreadableFile(f"cannot read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile(f"is {kind_of(st.st_mode)}, not a file")
        if st.st_size > limit:
            raise UnreadableFile(f"is {_size_words(st.st_size)}, over the limit of {_size_words(limit)}")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(limit + 1 - total, 4 * MIB))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew while we read it
            raise UnreadableFile(f"is over the limit of {_size_words(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        if isinstance(exc, UnreadableFile):
            raise
        raise UnreadableFile(f"cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def read_limited(path: str | os.PathLike, limit: int,
                 error: Callable[[str], Exception]) -> bytes:
    """read_bytes_limited, raising `error(message)` (the loader's own error class) where the
    message starts with the path: "PATH: is a device, not a file"."""
    try:
        return read_bytes_limited(path, limit)
    except UnreadableFile as exc:
        raise error(f"{Path(path)}: {exc.reason}") from None


def read_text_limited(path: str | os.PathLike, limit: int, error: Callable[[str], Exception],
                      encoding: str = "utf-8") -> str:
    """read_limited, decoded; a file that is not text raises `error` too."""
    data = read_limited(path, limit, error)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise error(f"{Path(path)}: not a text file ({exc.reason} at byte {exc.start})") from None

"""Saving a file atomically: a temporary file beside the target, flushed to disk, then renamed
over it, so a crash leaves the old file or the new one, never half of one.

Every saver goes through `atomic_file` (networks, lessons, weights, exported code, the recovery
file), which also:
- writes THROUGH a symbolic link: the link's target gets the new content, atomically, in the
  target's own folder, and the link stays a link;
- refuses to save over anything that is not a regular file (a folder, a pipe, a device);
- refuses to replace a read-only file (no write permission bit, or not writable by us) unless
  the caller allows it (`replace_read_only=True`, or inside `replacing_read_only(path)` once the
  user said yes);
- raises `SaveError` (an OSError) naming the USER's file and the reason, never the temporary file;
- removes temporary files of its own that a save killed midway left behind: at each save, in the
  same folder, those named exactly like ours (`.NAME.nnsim-PID-XXXXXXXX.tmp`), owned by us,
  older than STALE_AFTER_S and whose process is gone.
"""
from __future__ import annotations

import errno
import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any

from .safe_read import kind_of

STALE_AFTER_S = 10 * 60  # a save takes well under a second: ten minutes old is surely abandoned
_NAME_CHARS = 100  # the user's file name in a temporary name is cut here (names max 255 bytes)
# mkstemp's random part: 8 of "abcdefghijklmnopqrstuvwxyz0123456789_".
TEMP_NAME = re.compile(r"\.(?P<name>.+)\.nnsim-(?P<pid>[0-9]{1,10})-[a-z0-9_]{8}\.tmp", re.DOTALL)

_READ_ONLY_ALLOWED: ContextVar[frozenset[str]] = ContextVar("nnsim_read_only_allowed",
                                                            default=frozenset())


class SaveError(OSError):
    """A file that could not be saved: `filename` is the user's file (as given), `strerror` the
    reason in words; str() is "PATH: reason"."""

    def __init__(self, path: str | os.PathLike, reason: str, code: int | None = None) -> None:
        super().__init__(code, reason, os.fspath(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


class ReadOnlyFile(SaveError):
    """The file exists and is read-only: replace it only if the user says so."""

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__(path, "is read-only", errno.EACCES)


def write_json_atomic(data: Any, path: str | os.PathLike) -> None:
    """Write JSON atomically (see write_text_atomic)."""
    write_text_atomic(json.dumps(data, indent=1, allow_nan=False) + "\n", path)


def write_text_atomic(text: str, path: str | os.PathLike, replace_read_only: bool = False) -> None:
    """Write text atomically (see atomic_file)."""
    with atomic_file(path, "w", replace_read_only=replace_read_only) as fh:
        fh.write(text)


@contextmanager
def replacing_read_only(path: str | os.PathLike) -> Iterator[None]:
    """Saves inside this block may replace `path` even though it is read-only (the user said
    yes); the file keeps its read-only permissions."""
    allowed = _READ_ONLY_ALLOWED.get() | {os.path.realpath(path)}
    token = _READ_ONLY_ALLOWED.set(frozenset(allowed))
    try:
        yield
    finally:
        _READ_ONLY_ALLOWED.reset(token)


@contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "w",
                replace_read_only: bool = False) -> Iterator[IO]:
    """A file to write in place of `path`: a temporary file beside it (beside the target of a
    symbolic link), flushed to disk, then renamed over it on success, so a crash leaves the old
    file or the new one, never half of one; on an error the temporary file is removed and the old
    file stays.  Raises SaveError naming `path` (see the module's notes)."""
    user = Path(path)
    target = _checked_target(user, replace_read_only)
    folder = target.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:_NAME_CHARS]}.nnsim-{os.getpid()}-",
                                   suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _named(exc, user) from None
    try:
        try:
            _copy_permissions(target, tmp)
            with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            # Ours (the temporary file's, or no name at all: a full disk) get the user's name; an
            # error about some other file, raised by the caller's writing, is left as it is.
            if not isinstance(exc, SaveError) and exc.filename in (None, tmp):
                raise _named(exc, user) from None
            raise
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_folder(folder)
    clean_stale_temporaries(folder)


def _checked_target(user: Path, replace_read_only: bool) -> Path:
    """The file the bytes go to: `user`, or the end of its chain of symbolic links; refused
    (SaveError) when it is not a regular file or is read-only."""
    target = Path(os.path.realpath(user))
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return target  # a new file (a dangling link gets its target made)
    except OSError as exc:
        raise _named(exc, user) from None
    if stat.S_ISLNK(st.st_mode):  # realpath gave up: the links loop
        raise SaveError(user, "is a symbolic link that loops", errno.ELOOP)
    if not stat.S_ISREG(st.st_mode):
        code = errno.EISDIR if stat.S_ISDIR(st.st_mode) else errno.EINVAL
        raise SaveError(user, f"is {kind_of(st.st_mode)}, not a file", code)
    if _read_only(target, st) and not (replace_read_only
                                       or str(target) in _READ_ONLY_ALLOWED.get()):
        raise ReadOnlyFile(user)
    return target


def _read_only(path: Path, st: os.stat_result) -> bool:
    """No write permission bit at all (a choice the file's owner made, which we respect even as
    root, who may write anything), or not writable by this process."""
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    effective = os.access in os.supports_effective_ids
    return not os.access(path, os.W_OK, effective_ids=effective)


def _named(exc: OSError, user: Path) -> SaveError:
    return SaveError(user, exc.strerror or str(exc) or type(exc).__name__, exc.errno)


def _copy_permissions(target: Path, tmp: str) -> None:
    """Keep an existing file's permissions (and owner, where we may); a new file gets the usual
    0666 less the umask (mkstemp's private 0600 would surprise a user sharing their files)."""
    try:
        st = os.stat(target)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        return
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass  # not allowed: the file becomes ours, as any editor's save would make it


def _sync_folder(folder: Path) -> None:
    """The rename itself on disk too (where the system allows a folder to be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    """Whether a process with this id may be running (when unsure: yes)."""
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # someone else's process (EPERM), or a number we cannot ask about
    return True


def clean_stale_temporaries(folder: str | os.PathLike, now: float | None = None) -> list[str]:
    """Remove the temporary files a killed save of ours left in `folder`: named exactly as
    atomic_file names them, regular files owned by us, untouched for STALE_AFTER_S, and made by a
    process that is gone.  Returns the names removed; never raises."""
    now = time.time() if now is None else now
    removed: list[str] = []
    try:
        entries = os.scandir(folder)
    except OSError:
        return removed
    with entries:
        for entry in entries:
            match = TEMP_NAME.fullmatch(entry.name)
            if match is None:
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if (not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid()
                    or now - st.st_mtime < STALE_AFTER_S or _alive(int(match["pid"]))):
                continue
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(entry.name)
    return removed

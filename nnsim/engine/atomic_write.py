"""Saving a file atomically: a temporary file beside the target, flushed to disk, then renamed
over it, so a crash leaves the old file or the new one, never half of one."""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def write_json_atomic(data: Any, path: str | os.PathLike) -> None:
    """Write JSON atomically (see write_text_atomic)."""
    write_text_atomic(json.dumps(data, indent=1, allow_nan=False) + "\n", path)


def write_text_atomic(text: str, path: str | os.PathLike) -> None:
    """Write text atomically (see atomic_file)."""
    with atomic_file(path, "w") as fh:
        fh.write(text)


@contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "w"):
    """A file to write in place of `path`: a temporary file beside it, flushed to disk, then
    renamed over it on success, so a crash leaves the old file or the new one, never half of
    one; on an error the temporary file is removed and the old file stays."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        os.chmod(tmp, _file_mode(path))
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _file_mode(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 less the umask
    (mkstemp's private 0600 would surprise a user sharing their files)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask

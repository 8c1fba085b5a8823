"""Where the app keeps its settings and recovery file.

NNSIM_SETTINGS_DIR overrides the location (tests and the end-to-end run use a temporary one, so
they never touch the user's settings); otherwise QSettings' native store for organisation
"nnsim" and QStandardPaths' AppDataLocation for files.

Qt reads a settings file whole, and would block on a pipe or never finish a device: before it
does, a settings file that is not a regular file of at most MAX_SETTINGS_BYTES is moved aside
(renamed to NAME.damaged) with a logged warning, so the app starts with default settings.
"""
from __future__ import annotations

import logging
import os
import stat
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

from nnsim.engine.safe_read import MIB, kind_of

ORGANISATION = "nnsim"
APPLICATION = "nnsim"
ENV = "NNSIM_SETTINGS_DIR"
MAX_SETTINGS_BYTES = 1 * MIB  # a few KB in use: window layout, recent files, hints

log = logging.getLogger(__name__)


def settings_dir() -> Path:
    """A writable directory for the recovery file (created on demand)."""
    override = os.environ.get(ENV)
    if override:
        path = Path(override)
    else:
        location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        path = Path(location or Path.home() / ".nnsim")
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_files() -> list[Path]:
    """The files make_settings' QSettings reads: the override's INI file, or on Linux and other
    Unix systems the user's INI files of the native store (the application's, then the
    organisation's fallback).  Windows (registry) and macOS (property lists) read no such file."""
    if os.environ.get(ENV):
        return [settings_dir() / "nnsim.ini"]
    if sys.platform in ("win32", "darwin"):
        return []
    config = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    base = Path(config or Path.home() / ".config")
    return [base / ORGANISATION / f"{APPLICATION}.conf", base / f"{ORGANISATION}.conf"]


def settings_problem(path: Path) -> str | None:
    """Why Qt must not read the settings file at `path` (a phrase), or None when it may: it is
    missing (Qt starts afresh) or a regular file of at most MAX_SETTINGS_BYTES."""
    try:
        st = os.stat(path)  # through a symlink: what Qt would open
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not stat.S_ISREG(st.st_mode):
        return f"is {kind_of(st.st_mode)}, not a file"
    if st.st_size > MAX_SETTINGS_BYTES:
        return f"is {st.st_size / MIB:.1f} MB, over the limit of {MAX_SETTINGS_BYTES // MIB} MB"
    return None


def move_aside(path: Path) -> Path:
    """Rename `path` (a link itself, not its target) to PATH.damaged (or .damaged.1, ...);
    returns the new name.  Raises OSError when it cannot be moved."""
    aside = path.with_name(path.name + ".damaged")
    n = 0
    while os.path.lexists(aside):
        n += 1
        aside = path.with_name(f"{path.name}.damaged.{n}")
    os.rename(path, aside)
    return aside


def guard_settings_files() -> bool:
    """Move aside every settings file Qt must not read, with a logged warning.  False when one
    could not be moved (the caller then keeps settings elsewhere for this session)."""
    ok = True
    for path in settings_files():
        problem = settings_problem(path)
        if problem is None:
            continue
        try:
            aside = move_aside(path)
        except OSError as exc:
            log.warning("nnsim: the settings file %s %s and cannot be moved aside (%s); settings "
                        "are not kept this session", path, problem, exc.strerror or exc)
            ok = False
        else:
            log.warning("nnsim: the settings file %s %s; moved it to %s and started with default "
                        "settings", path, problem, aside.name)
    return ok


def make_settings() -> QSettings:
    if not guard_settings_files():  # a file Qt must not read stays where it is: keep clear of it
        fallback = Path(tempfile.mkdtemp(prefix="nnsim-settings-")) / "nnsim.ini"
        return QSettings(str(fallback), QSettings.Format.IniFormat)
    override = os.environ.get(ENV)
    if override:
        return QSettings(str(settings_dir() / "nnsim.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)

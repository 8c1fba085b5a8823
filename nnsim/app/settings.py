"""Where the app keeps its settings and recovery file.

NNSIM_SETTINGS_DIR overrides the location (tests and the end-to-end run use a temporary one, so
they never touch the user's settings); otherwise QSettings' native store for organisation
"nnsim" and QStandardPaths' AppDataLocation for files.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

ORGANISATION = "nnsim"
APPLICATION = "nnsim"
ENV = "NNSIM_SETTINGS_DIR"


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


def make_settings() -> QSettings:
    override = os.environ.get(ENV)
    if override:
        return QSettings(str(settings_dir() / "nnsim.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)

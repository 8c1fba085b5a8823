"""Autosave of unsaved work to a recovery file, and the offer to restore it after a crash.

While the document has unsaved changes, it is written (the network with its setup) (atomically) every
`interval_ms` (30 s), so a crash or a kill loses at most that much work.  A clean save, or
closing the window on purpose, removes the file; a file found at start-up means the last
session ended without either.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from nnsim.engine.fileformat import (
    NetworkFileError,
    document_from_dict,
    document_to_dict,
    write_json_atomic,
)

INTERVAL_MS = 30_000
FILE_NAME = "recovery.json"


class Recovery(QObject):
    def __init__(self, directory: Path, parent: QObject | None = None,
                 interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.path = Path(directory) / FILE_NAME
        self._document = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.autosave)

    def watch(self, document) -> None:
        """Autosave this document from now on (the window calls it for each new document)."""
        if self._document is not None:
            self._document.dirty_changed.disconnect(self._on_dirty)
        self._document = document
        document.dirty_changed.connect(self._on_dirty)
        if document.is_dirty:
            self.timer.start()
        else:
            self.timer.stop()  # an existing file stays until saved, discarded or offered

    def _on_dirty(self, dirty: bool) -> None:
        if dirty:
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()
            self.discard()  # saved (or undone back to the saved state): nothing to recover

    def autosave(self) -> bool:
        doc = self._document
        if doc is None or not doc.is_dirty:
            return False
        data = {"saved_at": time.time(), "path": doc.path,
                "network": document_to_dict(doc.network, doc.setup())}
        write_json_atomic(data, self.path)
        return True

    def discard(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def stop(self) -> None:
        self.timer.stop()
        if self._document is not None:
            self._document.dirty_changed.disconnect(self._on_dirty)
        self._document = None

    # ------------------------------------------------------------------ at start-up
    def pending(self) -> dict | None:
        """What an earlier session left: {"network", "setup", "path", "saved_at"}, or None.  A
        damaged recovery file is not offered (it is left for inspection, renamed)."""
        if not self.path.exists():
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            network, setup = document_from_dict(data["network"], str(self.path))
            return {"network": network, "setup": setup, "path": data.get("path"),
                    "saved_at": float(data.get("saved_at", 0.0))}
        except (OSError, ValueError, KeyError, TypeError, NetworkFileError):
            try:
                os.replace(self.path, self.path.with_suffix(".damaged.json"))
            except OSError:
                pass
            return None

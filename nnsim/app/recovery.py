"""Autosave of unsaved work to a recovery file, and the offer to restore it after a crash.

While the document has unsaved changes, it is written (the network with its setup) to the
recovery file DEBOUNCE_MS (2 s) after each edit, and while edits keep coming, at the latest
MAX_WAIT_MS (4 s) after the first edit not yet written: a crash or a `kill -9` loses at most the
last few seconds of work (the issue asks for 5 s at most; the 1 s to spare covers a late timer
and the write on a busy machine).

The GUI thread takes a snapshot of the document (a copy of the network: under a millisecond); a
short-lived worker thread serializes it (up to ~150 ms for 17,000 synapses) and writes it (an
fsync can stall for long on a busy disk), so neither stalls the window.  Writes are atomic
(engine/atomic_write.py) and ordered: an older snapshot never overwrites a newer one, and none
is written after `discard`.

A clean save, or closing the window on purpose, removes the file; a file found at start-up means
the last session ended without either.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from nnsim.engine.fileformat import (
    MAX_FILE_BYTES,
    NetworkFileError,
    document_from_dict,
    document_to_dict,
    write_text_atomic,
)
from nnsim.engine.safe_read import read_text_limited

DEBOUNCE_MS = 2_000
MAX_WAIT_MS = 4_000
FILE_NAME = "recovery.json"


class _Unreadable(Exception):
    pass


class Recovery(QObject):
    failed = Signal(str)  # an autosave could not be written: "PATH: reason"
    _worker_failed = Signal(str)  # from the worker thread, delivered on the GUI thread

    def __init__(self, directory: Path, parent: QObject | None = None,
                 debounce_ms: int = DEBOUNCE_MS, max_wait_ms: int = MAX_WAIT_MS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.path = Path(directory) / FILE_NAME
        self.debounce_ms, self.max_wait_ms = debounce_ms, max_wait_ms
        self._clock = clock
        self._document = None
        self._first_unsaved: float | None = None  # clock time of the first edit not yet written
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._due)
        # Ordering of writes: a snapshot has a sequence number; a write happens only if nothing
        # newer was written and no discard came since the snapshot was taken (its generation).
        self._io_lock = threading.Lock()  # held while writing or removing the file
        self._generation = 0
        self._sequence = 0
        self._written = 0
        self._queue_lock = threading.Lock()
        self._queued: tuple | None = None
        self._worker: threading.Thread | None = None
        self.writes = 0  # files written (for tests and figures)
        self.last_error: str | None = None
        self._worker_failed.connect(self._report_failure, Qt.ConnectionType.QueuedConnection)
        status_bar = getattr(parent, "statusBar", None)
        if callable(status_bar):
            self.failed.connect(lambda message: status_bar().showMessage(
                f"Autosave failed: {message}", 10_000))

    # ------------------------------------------------------------------ watching a document
    def watch(self, document) -> None:
        """Autosave this document from now on (the window calls it for each new document)."""
        self._unwatch()
        self._document = document
        document.changed.connect(self._on_edit)
        document.setup_changed.connect(self._on_edit)
        document.dirty_changed.connect(self._on_dirty)
        self._first_unsaved = None
        self.timer.stop()
        if document.is_dirty:
            self._on_edit()
        # A clean document: an existing file stays until saved, discarded or offered.

    def _unwatch(self) -> None:
        doc, self._document = self._document, None
        if doc is not None:
            doc.changed.disconnect(self._on_edit)
            doc.setup_changed.disconnect(self._on_edit)
            doc.dirty_changed.disconnect(self._on_dirty)

    def _on_edit(self, *_args) -> None:
        """An edit: write DEBOUNCE_MS after it, and no later than MAX_WAIT_MS after the first edit
        not yet written (whether the document is dirty is decided when the write is due: during
        the first edit's signal the undo stack is not yet marked unclean)."""
        now = self._clock()
        if self._first_unsaved is None:
            self._first_unsaved = now
        latest = self._first_unsaved + self.max_wait_ms / 1000.0
        wait = min(self.debounce_ms / 1000.0, latest - now)
        self.timer.start(max(0, int(wait * 1000)))

    def _on_dirty(self, dirty: bool) -> None:
        if dirty:
            self._on_edit()
        else:
            self.timer.stop()
            self._first_unsaved = None
            self.discard()  # saved (or undone back to the saved state): nothing to recover

    def _due(self) -> None:
        self._first_unsaved = None
        job = self._snapshot()
        if job is not None:
            self._write_in_background(job)

    # ------------------------------------------------------------------ writing
    def autosave(self) -> bool:
        """Write the recovery file now, on this thread; False when there is nothing unsaved."""
        self.timer.stop()
        self._first_unsaved = None
        job = self._snapshot()
        if job is None:
            return False
        try:
            return self._write(job)
        except (OSError, ValueError) as exc:
            self._report_failure(str(exc))
            return False

    def _snapshot(self) -> tuple | None:
        """The document as it is now (GUI thread): a copy of the network (its neurons and
        synapses are immutable, so a copy is a few dicts: well under a millisecond) and the setup."""
        doc = self._document
        if doc is None or not doc.is_dirty:
            return None
        self._sequence += 1
        return (self._generation, self._sequence, time.time(), doc.path, doc.network.copy(),
                doc.setup())

    def _write(self, job: tuple) -> bool:
        """Serialize and write a snapshot (any thread).  Serializing is the costly part for a big
        network (~150 ms for 17,000 synapses, benchmarks/bench_autosave.py), so it happens here,
        on the worker; json.dumps with an indent runs in Python, sharing the GIL with the GUI."""
        generation, sequence, saved_at, path, network, setup = job
        if generation != self._generation or sequence <= self._written:
            return False
        data = {"saved_at": saved_at, "path": path, "network": document_to_dict(network, setup)}
        text = json.dumps(data, indent=1, allow_nan=False) + "\n"
        with self._io_lock:
            if generation != self._generation or sequence <= self._written:
                return False  # discarded since, or something newer is on disk already
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # the write below says why, naming the file
            write_text_atomic(text, self.path)
            self._written = sequence
            self.writes += 1
            return True

    def _write_in_background(self, job: tuple) -> None:
        with self._queue_lock:
            self._queued = job  # a newer snapshot replaces one not yet written
            if self._worker is not None:
                return
            self._worker = threading.Thread(target=self._work, name="nnsim-autosave", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._queue_lock:
                job, self._queued = self._queued, None
                if job is None:
                    self._worker = None
                    return
            try:
                self._write(job)
            except (OSError, ValueError) as exc:
                self._worker_failed.emit(str(exc))

    def _report_failure(self, message: str) -> None:
        self.last_error = message
        self.failed.emit(message)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait for the worker's writes to finish (tests, and stop); True when none is left."""
        deadline = time.monotonic() + timeout
        while True:
            with self._queue_lock:
                worker = self._worker
            if worker is None:
                return True
            worker.join(max(0.0, deadline - time.monotonic()))
            if time.monotonic() >= deadline:
                return not worker.is_alive()

    def discard(self) -> None:
        with self._queue_lock:
            self._queued = None
        with self._io_lock:
            self._generation += 1  # a snapshot taken before this is never written
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def stop(self) -> None:
        self.timer.stop()
        self._first_unsaved = None
        self._unwatch()
        with self._queue_lock:
            self._queued = None
        self.wait_idle()

    # ------------------------------------------------------------------ at start-up
    def pending(self) -> dict | None:
        """What an earlier session left: {"network", "setup", "path", "saved_at"}, or None.  A
        damaged recovery file is not offered (it is left for inspection, renamed)."""
        if not os.path.lexists(self.path):
            return None
        try:
            text = read_text_limited(self.path, MAX_FILE_BYTES, _Unreadable)
            data = json.loads(text)
            network, setup = document_from_dict(data["network"], str(self.path))
            path = data.get("path")
            if path is not None and not isinstance(path, str):
                raise TypeError("path is not a string")
            saved_at = data.get("saved_at")
            if not (isinstance(saved_at, int | float) and 0 <= saved_at < 1e11):  # finite, a date
                saved_at = os.stat(self.path).st_mtime
            return {"network": network, "setup": setup, "path": path, "saved_at": float(saved_at)}
        except (_Unreadable, OSError, ValueError, KeyError, TypeError, OverflowError,
                RecursionError, NetworkFileError):
            try:
                os.replace(self.path, self.path.with_suffix(".damaged.json"))
            except OSError:
                pass
            return None

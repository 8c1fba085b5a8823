"""Throttle UI -> engine traffic: a slider drag must not flood the worker (superqt's qthrottled).

The first change goes out at once (the run reacts immediately), later ones within the interval
are coalesced, and the trailing edge is guaranteed: the final value is always delivered.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

DEFAULT_INTERVAL_MS = 66  # ~15 deliveries a second: smooth to watch, cheap for the worker


class Throttler(QObject):
    """Call `callback()` at most once per `interval_ms`; the callback reads the current state
    itself, so whatever it sends on the trailing edge is the latest value."""

    def __init__(self, callback: Callable[[], None], interval_ms: int = DEFAULT_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._callback = callback
        self._pending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(interval_ms))
        self._timer.timeout.connect(self._on_timeout)

    @property
    def interval(self) -> int:
        return self._timer.interval()

    @property
    def pending(self) -> bool:
        return self._pending

    def trigger(self) -> None:
        if self._timer.isActive():
            self._pending = True
            return
        self._callback()  # leading edge
        self._timer.start()

    def flush(self) -> None:
        """Deliver a pending change now (e.g. before a run starts)."""
        if self._pending:
            self._pending = False
            self._callback()

    def cancel(self) -> None:
        """Forget a pending change (the state was replaced from outside) and stop the timer."""
        self._pending = False
        self._timer.stop()

    def _on_timeout(self) -> None:
        if self._pending:
            self._pending = False
            self._callback()
            self._timer.start()  # keep throttling while the drag goes on

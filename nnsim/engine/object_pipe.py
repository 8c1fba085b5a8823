"""ObjectPipe: two connected ends that pass Python objects between threads of one process.

The engine in a thread (thread mode) talks to the GUI through this instead of a pipe of bytes:
nothing is pickled.  A snapshot is immutable and its arrays read-only, so handing over the
object itself is safe, and pickling in a thread of a PySide6 process is not (PySide6 replaces
`__import__`, which pickling calls, with a hook that crashed the interpreter when run from a
QThread).  The ends have the methods of a multiprocessing Connection that the engine uses:
send, recv, poll, close.
"""
from __future__ import annotations

import threading
import time
from collections import deque


class _Box:
    def __init__(self) -> None:
        self.items: deque = deque()
        self.ready = threading.Condition()
        self.closed = False


class End:
    def __init__(self, inbox: _Box, outbox: _Box) -> None:
        self._in, self._out = inbox, outbox

    def send(self, obj) -> None:
        box = self._out
        with box.ready:
            if box.closed or self._in.closed:
                raise BrokenPipeError("the other end is closed")
            box.items.append(obj)
            box.ready.notify()

    def poll(self, timeout: float | None = 0.0) -> bool:
        """True when recv() would not block (an object is waiting, or the other end closed)."""
        box = self._in
        deadline = None if timeout is None else time.monotonic() + timeout
        with box.ready:
            while not box.items and not box.closed:
                if deadline is None:
                    box.ready.wait()
                else:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    box.ready.wait(left)
            return True

    def recv(self):
        box = self._in
        with box.ready:
            while not box.items:
                if box.closed:
                    raise EOFError("the other end is closed")
                box.ready.wait()
            return box.items.popleft()

    def close(self) -> None:
        """Both directions end: the other end's recv raises EOFError once it has read all."""
        for box in (self._in, self._out):
            with box.ready:
                box.closed = True
                box.ready.notify_all()


def object_pipe() -> tuple[End, End]:
    a, b = _Box(), _Box()
    return End(a, b), End(b, a)


class DirectWriter:
    """FrameWriter's interface over an ObjectPipe: messages and snapshots go as they are."""

    def __init__(self, connection: End) -> None:
        self._connection = connection

    def send(self, message: tuple) -> None:
        self._connection.send(message)

    def send_frame(self, snapshot, rate: float, history_serial: int) -> None:
        self._connection.send(("frame", snapshot, float(rate)))

    def forget_sent(self) -> None:
        pass  # nothing is remembered: every frame goes whole

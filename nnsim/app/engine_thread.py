"""The GUI's handle on the engine, which runs in a process of its own (or in a QThread).

Where the engine runs (`mode`, or NNSIM_ENGINE, or `main.py --engine`):
  "process" (the default): a process of its own, at a lower priority.  Training and drawing
      then have a core and an interpreter each; in a thread they share one GIL, which halved
      both (measured, bench_app_training: 2-4-2-1 XOR 78-110k samples/s at 6-17 map redraws/s
      in a thread, 150-220k at 31-49 in a process).
  "thread": a QThread in the GUI's process, running the very same loop.  Also where the engine
      goes when a process cannot be started (then the window says so).

`EngineThread` starts the engine (nnsim.engine.runner) and talks to it over a pipe:
commands go out through a writer thread, so the GUI thread never waits on a full pipe; frames
come in through a reader thread, which rebuilds them into immutable snapshots and hands them to
the GUI thread as queued signals.  Only bytes cross between the processes: no array is shared.

Two frames in the pipe, one in flight at each end: while the GUI draws frame N, the engine
already builds N+1, which waits here and leaves the moment N is acknowledged (`acknowledge()`).
A frame then takes max(drawing, building) rather than their sum plus a round trip.  The engine
hears about frame N+1 only once it is handed on, so nothing is dropped and it never builds more
than one frame per frame drawn.

A script that makes an EngineThread must guard its top level with `if __name__ == "__main__":`
(multiprocessing's rule: the engine process imports the script that started it; main.py
imports the GUI only inside its guard, so the engine process stays free of Qt).

A window starts its engine after its first paint (`start_after_first_paint`): the engine
process's start-up (a Python that imports NumPy and the engine) then does not compete with the
window's for the CPU.  Commands sent before are kept and sent to it in order once it starts.

If the engine process dies (it should not; a crash in a native library could do it), the error
is reported and a new engine is started with the last network, rule, dataset and settings sent,
so the user's work carries on from the network as last given.
"""
from __future__ import annotations

import copy
import multiprocessing
import os
import pickle
import queue
import sys
import threading
import time
import weakref

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal

from nnsim.engine import runner
from nnsim.engine.network import Network
from nnsim.engine.object_pipe import object_pipe
from nnsim.engine.runner import (  # noqa: F401 - part of this module's interface
    BLAS_THREADS,
    CHUNK_SECONDS,
    FRAME_INTERVAL,
    MAX,
    SLICE_SECONDS,
    blas_threads,
    limit_blas_threads,
)
from nnsim.engine.wire import FrameReader

SWITCH_INTERVAL = 0.0005  # seconds; the reader thread hands the GIL back to the GUI promptly
STOP_SECONDS = 3.0  # how long stop() waits for the engine to quit before it is killed
RESTART_WINDOW = 20.0  # seconds: deaths within this long of each other count as a series
BARE_AFTER = 2  # deaths in a series after which a new engine gets nothing replayed
GIVE_UP_AFTER = 4  # deaths in a series after which no new engine is started
START_FALLBACK_MS = 500  # start_after_first_paint: start anyway this long after a window is made
MODES = ("process", "thread")
MODE_ENV = "NNSIM_ENGINE"
LIVE: weakref.WeakSet = weakref.WeakSet()  # every EngineThread, so tests can check none is left
# What a restarted engine is given, in this order: the rule applies to the network and data.
_REPLAYED = ("network", "dataset", "rule", "speed", "configure")


def _context():
    """Processes start from a small server process that has the engine imported: a fork of
    it is ready in milliseconds, and nothing of the GUI (Qt, its threads) is forked."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["nnsim.engine.runner"])
    return context


class EngineThread(QObject):
    """GUI-side handle: methods send commands; `snapshot_ready`, `running_changed` and `error`
    arrive in the GUI thread.  Call `acknowledge()` after drawing each snapshot."""

    snapshot_ready = Signal(object, float)
    running_changed = Signal(bool)
    error = Signal(str, str)
    _arrived = Signal(object)  # a message from the reader thread

    def __init__(self, parent: QObject | None = None, seed: int = 0, mode: str | None = None,
                 start: bool = True) -> None:
        """start=False: the engine starts on `start()`; commands meanwhile wait for it."""
        super().__init__(parent)
        mode = mode or os.environ.get(MODE_ENV) or "process"
        if mode not in MODES:
            raise ValueError(f"the engine runs in a 'process' or a 'thread', not {mode!r}")
        self.mode = mode
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        self.running = False
        self.snapshot = None  # the latest snapshot handed on (snapshot_ready)
        self.steps_per_second = 0.0
        self._seed = seed
        self._drawing = False  # a frame was handed on and is not acknowledged yet
        self._next: tuple | None = None  # the frame after it, held until then
        self._handover = QTimer(self)  # a child: it dies with this object, never fires after
        self._handover.setSingleShot(True)
        self._handover.setInterval(0)
        self._handover.timeout.connect(self._deliver_next)
        self._arrived.connect(self._on_message)
        self._replay: dict = {}  # the last of each command a restarted engine needs
        self._deaths: list[float] = []  # when engines died (a series means the cause is sent)
        self._stopping = False
        self._link: _Link | None = None
        self._started = False
        self._early: list[tuple] = []  # every command before start(), in order
        self._holder: list = [None]
        if start:
            self.start()
        LIVE.add(self)
        # Deleted without stop() (a parent gone first) or the application quitting: the engine
        # must not outlive its window.  `_holder` is what the callbacks see: not self, whose
        # C++ half is being destroyed, but its current link.
        holder = self._holder
        self.destroyed.connect(lambda *_: holder[0] is not None and holder[0].abandon())
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def start(self) -> None:
        """Start the engine (once; not after stop()), given every command sent so far."""
        if self._started or self._stopping:
            return
        self._started = True
        self._start_engine(first=True)

    def _start_engine(self, first: bool = False) -> None:
        self._link = _Link(self._seed, self._arrived.emit, self.mode)
        self._holder[0] = self._link
        if first:  # what was sent before start, as it was sent
            commands, self._early = self._early, []
        else:  # a restart: the last of each command it needs
            commands = sorted(self._replay.values(), key=lambda c: _REPLAYED.index(c[0]))
            commands = [(*c, False) if c[0] == "rule" else c  # waits while it does not apply
                        for c in commands]
        for command in commands:
            self._link.send(command)

    # ------------------------------------------------------------------ messages
    def _on_message(self, message: tuple) -> None:
        kind = message[0]
        if kind == "frame":
            self._on_snapshot(message[1], message[2])
        elif kind == "running":
            self.running = message[1]
            self.running_changed.emit(message[1])
        elif kind == "error":
            self.error.emit(message[1], message[2])
        elif kind == "gone" and not self._stopping and message[1] is self._link:
            self._engine_died(message[2])
        elif kind == "fallback" and message[1] is self._link:
            # A new link in thread mode, made as any thread-mode link is (here, in the GUI
            # thread), given what the failed one was given.
            self._link.close()
            self._link = None
            self.mode = "thread"
            QTimer.singleShot(0, self._restart)
            self.error.emit("The engine runs in a thread: its own process could not start",
                            f"{message[2]}\nTraining and drawing now share one interpreter, "
                            "so both are slower.")

    def _restart(self) -> None:
        """A new engine, from the event loop rather than from inside a message's slot (a
        QThread made there, in a slot queued from a Python thread, crashed the interpreter)."""
        if not self._stopping:
            self._start_engine()
            self._send(("request",))

    def _engine_died(self, detail: str) -> None:
        self._link.close()
        self._drawing, self._next = False, None
        if self.running:
            self.running = False
            self.running_changed.emit(False)
        now = time.monotonic()
        self._deaths = [t for t in self._deaths if now - t < RESTART_WINDOW] + [now]
        if len(self._deaths) >= GIVE_UP_AFTER:  # even an empty engine dies: stop trying
            self._link = None
            self.error.emit("The engine keeps stopping and was not restarted",
                            f"{detail}\nSave your work and restart nnsim.")
            return
        if len(self._deaths) >= BARE_AFTER:  # what it was given is likely what kills it
            self._replay.clear()
            self.error.emit("The engine stopped again and was restarted empty",
                            f"{detail}\nThe network, rule or data last sent seem to stop it, so "
                            "none were given to the new engine; edit the network or choose "
                            "them again to continue.")
        else:
            self.error.emit("The engine stopped unexpectedly and was restarted",
                            f"{detail}\nThe network, rule and data as last sent were restored; "
                            "learning since then is lost.")
        self._link = None  # commands meanwhile are kept for the new engine (_replay)
        QTimer.singleShot(0, self._restart)

    def _on_snapshot(self, snapshot, rate: float) -> None:
        if self._drawing:
            self._next = (snapshot, rate)  # leaves on the next acknowledgement
        else:
            self._deliver(snapshot, rate)

    def _deliver(self, snapshot, rate: float) -> None:
        self._drawing = True
        self.snapshot = snapshot
        self.steps_per_second = rate
        self._send(("ack",))  # the engine may build the next frame now
        self.snapshot_ready.emit(snapshot, rate)

    def _deliver_next(self) -> None:
        if self._next is not None and not self._drawing:
            (snapshot, rate), self._next = self._next, None
            self._deliver(snapshot, rate)

    # ------------------------------------------------------------------ commands
    def _send(self, command: tuple) -> None:
        if command[0] in ("network", "reset"):  # a state was for the network as it was
            self._replay.pop(("configure", "set_state"), None)
        if command[0] in _REPLAYED:
            key = command[:2] if command[0] == "configure" else command[0]
            self._replay[key] = command
        if self._link is not None and not self._stopping:
            self._link.send(command)
        elif not self._started and not self._stopping and command[0] != "ack":
            self._early.append(command)

    def play(self) -> None:
        self._send(("play",))

    def pause(self) -> None:
        self._send(("pause",))

    def toggle(self) -> None:
        (self.pause if self.running else self.play)()

    def step(self) -> None:
        self._send(("step_n", 1))

    def step_n(self, n: int) -> None:
        self._send(("step_n", max(1, int(n))))

    def reset(self) -> None:
        self._send(("reset",))

    def set_speed(self, speed) -> None:
        """Steps per frame (an int >= 1), "max" (as fast as the engine goes), or a pace "N/s":
        N epochs a second (N steps a second where no rule learns)."""
        self._send(("speed", speed))

    def set_network(self, network: Network) -> None:
        """Sent as it is now: the document keeps editing its own."""
        self._send(("network", network.copy(), int(network.revision)))

    def set_rule(self, rule) -> None:
        """Sent as it is now: a rule's parameters may change in the GUI while the engine runs."""
        self._send(("rule", copy.deepcopy(rule)))

    def set_dataset(self, dataset) -> None:
        self._send(("dataset", dataset))

    def set_rule_params(self, params: dict) -> None:
        """New values for the running rule's parameters, used from its next step."""
        self._send(("configure", "set_params", dict(params)))  # a bad one is reported there
        self._replay.pop(("configure", "set_params"), None)
        rule = self._replay.get("rule", (None, None))[1]
        if rule is not None:  # a restarted engine gets them too
            updated = copy.deepcopy(rule)
            try:
                updated.set_params(**params)
            except (TypeError, ValueError):
                return
            self._replay["rule"] = ("rule", updated)

    def set_stop_conditions(self, conditions: dict) -> None:
        self._send(("configure", "set_stop_conditions", dict(conditions)))

    def set_state(self, state) -> None:
        """Outputs of a network with loops (e.g. a Hopfield pattern), in network order."""
        self._send(("configure", "set_state", np.array(state, dtype=float)))

    def set_schedule(self, inputs: list) -> None:
        """Input values per step from step 0 (pulses); after the last they stay."""
        self._send(("configure", "set_schedule", [dict(step) for step in inputs]))

    def set_canvas_maps(self, on: bool) -> None:
        """Whether frames carry every neuron's own map (two inputs) or curve (one input)."""
        self._send(("configure", "set_canvas_maps", bool(on)))

    def set_layer_view(self, spec) -> None:
        """The hidden layer (an engine LayerViewSpec) whose view of the plane frames carry;
        None: none."""
        self._send(("configure", "set_layer_view", spec))

    def set_landscape(self, spec) -> None:
        """The loss landscape (an engine LandscapeSpec) frames carry; None: none."""
        self._send(("configure", "set_landscape", spec))

    def set_race(self, spec) -> None:
        """Optimisers racing on the landscape (an engine RaceSpec); None: back to the rule."""
        self._send(("configure", "set_race", spec))

    def set_lockstep(self, on: bool) -> None:
        """While recording: no steps between a frame's emission and its acknowledgement, so
        every frame is exactly `speed` steps (MAX: one chunk) after the previous one."""
        self._send(("configure", "lockstep", bool(on)))

    def acknowledge(self) -> None:
        """The last frame is drawn: the next one may come (at once when it is already here)."""
        self._drawing = False
        if self._next is not None:
            self._handover.start()  # soon, not from inside the caller's slot

    def request_snapshot(self) -> None:
        self._send(("request",))

    def engine_pid(self) -> int | None:
        """The engine process's id (None until it has started, or in thread mode)."""
        process = self._link._process if self._link is not None else None
        return None if process is None else process.pid

    def is_alive(self) -> bool:
        return self._link is not None and not self._stopping and self._link.alive()

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Stop the engine process and the threads that talk to it, and wait for them."""
        self._stopping = True
        self._early = []
        self._handover.stop()  # a held frame has nobody to go to now
        self._next = None
        if self._link is None:
            return True
        return self._link.stop(timeout_ms / 1000.0)


def after_first_paint(window, callback, fallback_ms: int | None = None) -> None:
    """Call `callback()` once `window` is first painted (its first expose, which paints every
    widget in it, then the next turn of the event loop), or after `fallback_ms` should it not
    be painted that soon.  Never after `window` is deleted.  Only the window's own events and
    its native window's are watched: an application-wide filter cost ~20 ms of start-up."""
    from PySide6.QtCore import QEvent

    called = []

    def call() -> None:
        if not called:
            called.append(True)
            window.removeEventFilter(watcher)
            handle = window.windowHandle()
            if handle is not None:
                handle.removeEventFilter(watcher)
            callback()

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
            kind = event.type()
            if kind == QEvent.Type.Show and watched is window:
                handle = window.windowHandle()  # made by show(), before it is exposed
                if handle is not None:
                    handle.installEventFilter(self)
            elif kind == QEvent.Type.Expose and watched is not window and watched.isExposed():
                watched.removeEventFilter(self)
                QTimer.singleShot(0, window, call)  # once the expose has painted the window
            return False

    watcher = FirstPaint(window)  # deleted with the window
    window.installEventFilter(watcher)
    if window.isVisible() and window.windowHandle() is not None:
        window.windowHandle().installEventFilter(watcher)
    if fallback_ms is not None:
        QTimer.singleShot(fallback_ms, window, call)


def start_after_first_paint(engine: EngineThread, window,
                            fallback_ms: int = START_FALLBACK_MS) -> None:
    """Start `engine` once `window` has painted for the first time, so the engine's start does
    not compete with the window's; or after `fallback_ms` should the window not be shown."""
    after_first_paint(window, engine.start, fallback_ms)


class _EngineQThread(QThread):
    """The engine loop in a thread of the GUI's process (thread mode)."""

    def __init__(self, connection, seed: int) -> None:
        super().__init__()
        self.setObjectName("nnsim-engine")
        self._connection, self._seed = connection, seed

    def run(self) -> None:
        runner.run_engine(self._connection, self._seed)


class _Link:
    """One engine (a process, or a QThread) and the two threads that talk to it.
    `deliver(message)` is called from the reader thread (a queued signal's emit); ("gone",
    link, detail) ends the stream."""

    def __init__(self, seed: int, deliver, mode: str = "process") -> None:
        self._deliver = deliver
        self.mode = mode
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._process = None
        self._thread: _EngineQThread | None = None
        self._closed = False
        self._started = threading.Event()
        if mode == "thread":  # objects, not bytes, and the QThread made here, in the GUI thread
            self._connection, self._child_end = object_pipe()
            self._thread = _EngineQThread(self._child_end, seed)
            self._thread.start()
        else:
            self._connection, self._child_end = multiprocessing.Pipe()
        self._writer = threading.Thread(target=self._write, args=(seed,), daemon=True,
                                        name="nnsim-engine-writer")
        self._reader = threading.Thread(target=self._read, daemon=True,
                                        name="nnsim-engine-reader")
        self._writer.start()

    def send(self, command: tuple) -> None:
        if self.mode == "thread":  # the EngineThread's methods sent copies: hand them over
            self._outbox.put(command)
        else:  # pickled here, in the GUI thread: pickling calls PySide6's __import__ hook,
            # which is not safe in another thread (see wire._Unpickler)
            self._outbox.put(pickle.dumps(command, pickle.HIGHEST_PROTOCOL))

    def _start(self, seed: int) -> bool:
        """Start the engine process (thread mode: already running); False when it failed."""
        if self.mode == "process":
            try:
                # Started here, not in the GUI thread: the first start also starts the server.
                self._process = _context().Process(target=runner.serve,
                                                   args=(self._child_end, seed),
                                                   name="nnsim-engine", daemon=True)
                self._process.start()
                self._child_end.close()  # the process has its own copy
                return True
            except Exception as exc:  # noqa: BLE001 - reported, and a QThread takes over
                self._process = None
                self._child_end.close()
                # The EngineThread starts a thread-mode link in the GUI thread (a QThread made
                # in this Python thread crashed the interpreter).
                self._emit(("fallback", self, runner.summary(exc)))
                return False
        return True

    def _write(self, seed: int) -> None:
        try:
            started = self._start(seed)
        finally:
            self._started.set()
        if not started:
            self._connection.close()
            return
        self._reader.start()
        while True:
            data = self._outbox.get()
            if data is None:
                return
            try:
                if self.mode == "process":
                    self._connection.send_bytes(data)
                else:
                    self._connection.send(data)
            except OSError:
                return  # the engine is gone: the reader reports it

    def _read(self) -> None:
        reader = FrameReader(self._connection) if self.mode == "process" else None
        while True:
            try:
                message = reader.read() if reader is not None else self._connection.recv()
            except (EOFError, OSError):
                break
            except Exception as exc:  # noqa: BLE001 - a frame that cannot be read
                message = ("error", runner.summary(exc),
                           "A frame from the engine could not be read; the next one is sent "
                           "whole.")
                self.send(("resync",))  # the engine waits for this frame's acknowledgement
            self._emit(message)
        if not self._closed:
            detail = "the engine thread ended"
            if self._process is not None:
                self._process.join(1.0)
                detail = f"exit code {self._process.exitcode}"
            self._emit(("gone", self, detail))

    def _emit(self, message) -> None:
        try:
            self._deliver(message)
        except RuntimeError:  # the EngineThread was deleted without stop(): nobody listens
            pass

    def alive(self) -> bool:
        if self._closed:
            return False
        if not self._started.is_set():
            return True  # starting
        if self._process is not None:
            return self._process.is_alive()
        return self._thread is not None and self._thread.isRunning()

    def close(self) -> None:
        """Forget the engine (it is gone): stop the writer, keep nothing running."""
        self._closed = True
        self._outbox.put(None)

    def abandon(self) -> None:
        """Tell the engine to quit, without waiting (its EngineThread is being destroyed)."""
        if not self._closed:
            self._closed = True
            self.send(("quit",))
            self._outbox.put(None)

    def stop(self, timeout: float) -> bool:
        if not self._closed:
            self._closed = True
            self.send(("quit",))
            self._outbox.put(None)
        deadline = time.monotonic() + timeout
        if not self._started.wait(timeout):
            return False  # still starting: the writer sends the quit once it has started
        self._writer.join(max(0.0, deadline - time.monotonic()))
        timeout = max(0.1, deadline - time.monotonic())
        process, thread = self._process, self._thread
        if process is not None:
            process.join(min(timeout, STOP_SECONDS))
            if process.is_alive():
                process.kill()
                process.join(1.0)
        if thread is not None:
            thread.wait(int(1000 * min(timeout, STOP_SECONDS)))
        elif process is None:
            self._child_end.close()  # nobody took the engine's end of the pipe
        if self._reader.is_alive():
            self._reader.join(timeout)  # it ends at the end of the stream: the engine is gone
        self._connection.close()
        return not self._writer.is_alive() and not self._reader.is_alive() and (
            process is None or not process.is_alive()) and (
            thread is None or not thread.isRunning())

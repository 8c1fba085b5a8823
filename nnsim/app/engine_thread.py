"""The engine's worker thread: commands in as queued signals, immutable snapshots out.

The `Simulation` lives in a `SimulationWorker` on its own QThread.  While running, the worker
does a small chunk of steps per timer tick and returns to its event loop, so commands (pause, an
edited network, a new speed) are served between chunks.  Snapshots go out at most ~60 times a
second and only one is in flight at each end of a two-frame pipe: the GUI calls `acknowledge()`
after drawing frame N, which then gets frame N+1 at once (built while N was drawn and held by
`EngineThread`); the worker hears it may build N+2.  Until then it keeps stepping without
building frames (stale frames are never made, nothing is dropped); while the GUI draws, it
sleeps briefly between batches so the GUI thread gets the GIL when it needs it.  Every slot
catches its exceptions and reports them as `error(summary, traceback)`; the thread keeps
serving.
"""
from __future__ import annotations

import copy
import functools
import os
import sys
import threading
import time
import traceback
import weakref

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from nnsim.engine.network import Network
from nnsim.engine.simulation import Simulation

FRAME_INTERVAL = 1.0 / 60.0  # seconds between snapshots at most
CHUNK_SECONDS = 0.008  # longest stretch of stepping before the worker serves its event loop
SLICE_SECONDS = 0.001  # steps between checks for a waiting command
MAX_BATCH = 4096
# Sleep between batches while the GUI draws a frame.  Measured (bench_app_training, 2 busy
# cores): 0 -> 137k samples/s at 10 redraws/s (2-4-2-1 XOR); 0.2 ms -> 123k at 14/s; 0.5 ms
# -> 102k at 18/s.  The GIL is the budget both threads share: this sets the split.
YIELD_SECONDS = 0.0002
MAX = "max"
SWITCH_INTERVAL = 0.0005  # seconds; Python's default 5 ms lets a busy worker starve the GUI
CONFIGURE = ("set_params", "set_stop_conditions", "set_state", "set_schedule")
LIVE: weakref.WeakSet = weakref.WeakSet()  # every EngineThread, so tests can check none is left
BLAS_THREADS = 1


def limit_blas_threads(n: int = BLAS_THREADS) -> bool:
    """Run BLAS on n threads, even when NumPy was imported before OPENBLAS_NUM_THREADS could be
    set (main.py sets it; tests and benchmarks import NumPy first).  The engine's matrices are
    small: BLAS threads cost more to wake than they save, and on a small machine they spin on
    the cores the GUI thread needs (measured: a 200x200 map of 6 layers of 8, 54 ms -> 5 ms a
    frame on 2 busy cores).  True when a loaded BLAS library took the setting."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=int(n), user_api="blas")
    return blas_threads() == int(n)


def blas_threads() -> int | None:
    """The BLAS library's thread count, or None when none is loaded."""
    from threadpoolctl import threadpool_info

    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return counts[0] if counts else None


def _guarded(method):
    """Catch anything a command raises: report it, stop running, keep the thread alive."""

    @functools.wraps(method)
    def wrapper(self, *args):
        try:
            return method(self, *args)
        except Exception as exc:  # noqa: BLE001 - the worker boundary
            self._report(exc)
            self._frame_wanted = True
            self._maybe_emit()

    return wrapper


class SimulationWorker(QObject):
    """Owns the Simulation; lives in the worker thread.  Call it only through signals."""

    snapshot_ready = Signal(object, float)  # (Snapshot, steps per second)
    running_changed = Signal(bool)
    error = Signal(str, str)  # (one-line summary, traceback)

    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        self._seed = seed
        self._sim: Simulation | None = None
        self._pending_network: tuple[Network, int] | None = None
        self._budget = 0  # steps asked for by step_n, not yet done
        self._batch = 1  # steps per batch in a chunk: about SLICE_SECONDS' worth
        self._running = False
        self._speed: int | str = 1  # steps per frame, or MAX
        self._in_flight = False
        self._frame_wanted = False  # state changed since the last snapshot sent
        self._last_emit = 0.0
        self._rate = 0.0
        self._rate_mark = (time.perf_counter(), 0)
        self._timer: QTimer | None = None
        self._lockstep = False  # recording: each frame exactly `speed` steps after the last
        # Set by the GUI thread when it lets the next frame come: the running chunk ends at its
        # next step, so the acknowledgement is served within one step rather than one chunk.
        self.wake = threading.Event()
        # Set while the GUI draws a frame (from handing it on to its acknowledgement).  The GUI
        # thread needs the GIL back each time Qt calls into Python (every item's paint, every
        # slot); a worker that never lets go makes it wait a switch interval each time, and a
        # frame then takes ten times its work.  So while a frame is drawn the worker sleeps
        # briefly between batches, and the GUI finishes it in a fraction of that time.
        self.drawing = threading.Event()

    @Slot()
    def start(self) -> None:
        """Runs in the worker thread once it starts: timers must be made there."""
        self._sim = Simulation(Network(), seed=self._seed)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._flush = QTimer(self)  # sends the latest frame once the frame interval has passed
        self._flush.setSingleShot(True)
        self._flush.timeout.connect(self._maybe_emit)

    # ------------------------------------------------------------------ commands
    @Slot()
    @_guarded
    def play(self) -> None:
        if not self._running:
            self._budget = 0
            self._running = True
            self._rate_mark = (time.perf_counter(), self._simulation().steps)
            self._apply_speed()
            self.running_changed.emit(True)

    @Slot()
    @_guarded
    def pause(self) -> None:
        self._budget = 0
        if self._running:
            self._running = False
            self._timer.stop()
            self._rate = 0.0
            self.running_changed.emit(False)
        self._changed()

    @Slot(int)
    @_guarded
    def step_n(self, n: int) -> None:
        # Worked off in chunks by _tick like a run, so a large n never blocks commands.
        self._budget += max(1, int(n))
        if not self._running:
            self._timer.start(0)

    @Slot()
    @_guarded
    def reset(self) -> None:
        self._budget = 0
        if not self._running:
            self._timer.stop()
        self._simulation().reset()
        self._changed()

    @Slot(object)
    @_guarded
    def set_speed(self, speed) -> None:
        if speed != MAX:
            speed = max(1, int(speed))
        self._speed = speed
        if self._running:
            self._apply_speed()

    @Slot(object, int)
    @_guarded
    def set_network(self, network: Network, revision: int) -> None:
        # Kept until the next step boundary: a burst of edits (a spin box held down) costs
        # one trainer rebuild, not one per edit.
        self._pending_network = (network, revision)
        self._changed()

    def _simulation(self) -> Simulation:
        """The simulation, with the latest edit applied."""
        if self._pending_network is not None:
            network, revision = self._pending_network
            self._pending_network = None
            self._sim.set_network(network, revision)
        return self._sim

    @Slot(object)
    @_guarded
    def set_rule(self, rule) -> None:
        self._simulation().set_rule(rule)
        self._changed()

    @Slot(object)
    @_guarded
    def set_dataset(self, dataset) -> None:
        self._simulation().set_dataset(dataset)
        self._changed()

    @Slot(str, object)
    @_guarded
    def configure(self, method: str, value) -> None:
        """One of the Simulation's plain setters (CONFIGURE), applied between steps."""
        if method == "lockstep":
            self._lockstep = bool(value)
            return
        if method not in CONFIGURE:
            raise ValueError(f"the simulation has no setting {method!r}")
        getattr(self._simulation(), method)(value)
        self._changed()

    @Slot()
    def acknowledge(self) -> None:
        self._in_flight = False
        self._maybe_emit()

    @Slot()
    def request_snapshot(self) -> None:
        self._changed()

    # ------------------------------------------------------------------ running
    def _report(self, exc: Exception) -> None:
        """Stop running (an error repeated every frame would flood the GUI) and report."""
        if self._running:
            self._running = False
            self._timer.stop()
            self._rate = 0.0
            self.running_changed.emit(False)
        self.error.emit(f"{type(exc).__name__}: {exc}", traceback.format_exc())

    def _apply_speed(self) -> None:
        # A fixed number of steps per frame ticks at the frame rate; MAX ticks as often as the
        # event loop allows, each tick a chunk of about CHUNK_SECONDS.
        self._timer.start(0 if self._speed == MAX else int(FRAME_INTERVAL * 1000))

    def _chunk(self, limit: int | None) -> int:
        """Step for about CHUNK_SECONDS (at most `limit` steps); returns the steps done.  Steps go
        in batches of about SLICE_SECONDS (sized from the last batch's pace), between which a
        waiting command ends the chunk early."""
        sim = self._simulation()
        clock = time.perf_counter
        deadline = clock() + CHUNK_SECONDS
        total = 0
        wake = self.wake
        while limit is None or total < limit:
            if wake.is_set():  # a command is waiting: serve it first
                wake.clear()
                break
            want = self._batch if limit is None else min(self._batch, limit - total)
            start = clock()
            done = sim.step(want)
            now = clock()
            total += done
            if done < want:  # finished: more steps change nothing
                break
            pace = (now - start) / done
            self._batch = max(1, min(MAX_BATCH, int(SLICE_SECONDS / pace) if pace > 0 else MAX_BATCH))
            if now >= deadline:
                break
            if self.drawing.is_set():
                time.sleep(YIELD_SECONDS)  # the GIL is free for the GUI thread meanwhile
        return total

    @_guarded
    def _tick(self) -> None:
        sim = self._simulation()
        if not self._running:  # working off step_n
            done = self._chunk(self._budget) if self._budget > 0 else 0
            self._budget = 0 if sim.done else self._budget - done
            if self._budget <= 0:
                self._budget = 0
                self._timer.stop()
            self._changed()
            return
        if self._lockstep and (self._in_flight or self._frame_wanted):
            return  # the last frame is not drawn yet: a recording must not skip steps
        if self._speed == MAX:
            self._chunk(None)
        else:
            sim.step(self._speed)
        now = time.perf_counter()
        t0, s0 = self._rate_mark
        if now - t0 >= 0.5:
            self._rate = (sim.steps - s0) / (now - t0)
            self._rate_mark = (now, sim.steps)
        if sim.done:
            self._running = False
            self._timer.stop()
            self._rate = 0.0
            self.running_changed.emit(False)
        self._changed()

    def _changed(self) -> None:
        self._frame_wanted = True
        self._maybe_emit()

    def _maybe_emit(self) -> None:
        if not self._frame_wanted or self._in_flight or self._sim is None:
            return
        wait = self._last_emit + FRAME_INTERVAL - time.perf_counter()
        if wait > 0:
            if not self._flush.isActive():
                self._flush.start(max(1, int(wait * 1000) + 1))
            return
        try:
            snapshot = self._simulation().snapshot()
        except Exception as exc:  # noqa: BLE001 - the worker boundary
            self._frame_wanted = False
            self._report(exc)
            return
        self._frame_wanted = False
        self._in_flight = True
        self._last_emit = time.perf_counter()
        self.snapshot_ready.emit(snapshot, float(self._rate))


class EngineThread(QObject):
    """GUI-side handle: methods send queued commands; `snapshot_ready`, `running_changed` and
    `error` arrive in the GUI thread.  Call `acknowledge()` after drawing each snapshot."""

    snapshot_ready = Signal(object, float)
    running_changed = Signal(bool)
    error = Signal(str, str)

    _play = Signal()
    _pause = Signal()
    _step_n = Signal(int)
    _reset = Signal()
    _speed = Signal(object)
    _network = Signal(object, int)
    _rule = Signal(object)
    _dataset = Signal(object)
    _ack = Signal()
    _request = Signal()
    _configure = Signal(str, object)

    def __init__(self, parent: QObject | None = None, seed: int = 0) -> None:
        super().__init__(parent)
        # Each time the GUI thread comes back from Qt into Python it must win the GIL from the
        # worker, waiting up to the switch interval; a paint does that many times.  A short
        # interval keeps the GUI responsive (and, measured, costs the worker nothing).
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        limit_blas_threads(int(os.environ.get("NNSIM_BLAS_THREADS") or BLAS_THREADS))
        self.running = False
        self.snapshot = None  # the latest snapshot handed on (snapshot_ready)
        self._drawing = False  # a frame was handed on and is not acknowledged yet
        self._next: tuple | None = None  # the frame after it, held until then
        self._handover = QTimer(self)  # a child: it dies with this object, never fires after
        self._handover.setSingleShot(True)
        self._handover.setInterval(0)
        self._handover.timeout.connect(self._deliver_next)
        self.steps_per_second = 0.0
        self._thread = QThread()
        self._thread.setObjectName("nnsim-engine")
        self._worker = SimulationWorker(seed)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.start)
        self._thread.finished.connect(self._worker.deleteLater)
        w = self._worker
        for signal, slot in ((self._play, w.play), (self._pause, w.pause), (self._step_n, w.step_n),
                             (self._reset, w.reset), (self._speed, w.set_speed),
                             (self._network, w.set_network), (self._rule, w.set_rule),
                             (self._dataset, w.set_dataset), (self._ack, w.acknowledge),
                             (self._request, w.request_snapshot),
                             (self._configure, w.configure)):
            signal.connect(slot)
        w.snapshot_ready.connect(self._on_snapshot)
        w.running_changed.connect(self._on_running)
        w.error.connect(self.error)
        self._thread.start()
        LIVE.add(self)

    # Two frames in the pipe, one in flight at each end: while the GUI draws frame N, the
    # worker already builds N+1, which waits here and leaves the moment N is acknowledged.  A
    # frame then takes max(drawing, building) rather than their sum plus a thread round trip.
    # The worker hears about frame N+1 only once it is handed on, so nothing is ever dropped
    # and the worker never builds more than one frame per frame drawn.
    def _on_snapshot(self, snapshot, rate: float) -> None:
        if self._drawing:
            self._next = (snapshot, rate)  # leaves on the next acknowledgement
        else:
            self._deliver(snapshot, rate)

    def _deliver(self, snapshot, rate: float) -> None:
        self._drawing = True
        self._worker.drawing.set()
        self.snapshot = snapshot
        self.steps_per_second = rate
        self._worker.wake.set()
        self._ack.emit()  # the worker may build the next frame now
        self.snapshot_ready.emit(snapshot, rate)

    def _deliver_next(self) -> None:
        if self._next is not None and not self._drawing:
            (snapshot, rate), self._next = self._next, None
            self._deliver(snapshot, rate)

    def _on_running(self, running: bool) -> None:
        self.running = running
        self.running_changed.emit(running)

    # ------------------------------------------------------------------ commands
    def play(self) -> None:
        self._play.emit()

    def pause(self) -> None:
        self._pause.emit()

    def toggle(self) -> None:
        (self.pause if self.running else self.play)()

    def step(self) -> None:
        self._step_n.emit(1)

    def step_n(self, n: int) -> None:
        self._step_n.emit(max(1, min(int(n), 2**31 - 1)))  # a Qt int is 32 bits

    def reset(self) -> None:
        self._reset.emit()

    def set_speed(self, speed) -> None:
        """Steps per frame (an int >= 1) or "max" (as fast as the engine goes)."""
        self._speed.emit(speed)

    def set_network(self, network: Network) -> None:
        """Send a copy: the document keeps editing its own."""
        self._network.emit(network.copy(), int(network.revision))

    def set_rule(self, rule) -> None:
        """Send a copy: a rule's parameters may change in the GUI while the worker runs."""
        self._rule.emit(copy.deepcopy(rule))

    def set_dataset(self, dataset) -> None:
        self._dataset.emit(dataset)

    def set_rule_params(self, params: dict) -> None:
        """New values for the running rule's parameters, used from its next step."""
        self._configure.emit("set_params", dict(params))

    def set_stop_conditions(self, conditions: dict) -> None:
        self._configure.emit("set_stop_conditions", dict(conditions))

    def set_state(self, state) -> None:
        """Outputs of a network with loops (e.g. a Hopfield pattern), in network order."""
        self._configure.emit("set_state", np.array(state, dtype=float))

    def set_schedule(self, inputs: list) -> None:
        """Input values per step from step 0 (pulses); after the last they stay."""
        self._configure.emit("set_schedule", [dict(step) for step in inputs])

    def set_lockstep(self, on: bool) -> None:
        """While recording: no steps between a frame's emission and its acknowledgement, so
        every frame is exactly `speed` steps (MAX: one chunk) after the previous one."""
        self._configure.emit("lockstep", bool(on))

    def acknowledge(self) -> None:
        """The last frame is drawn: the next one may come (at once when it is already here)."""
        self._drawing = False
        self._worker.drawing.clear()
        if self._next is not None:
            self._handover.start()  # soon, not from inside the caller's slot

    def request_snapshot(self) -> None:
        self._request.emit()

    def is_alive(self) -> bool:
        return self._thread.isRunning()

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Stop the thread and wait for it (the worker finishes its current chunk first)."""
        self._handover.stop()  # a held frame has nobody to go to now
        self._next = None
        if not self._thread.isRunning():
            return True
        self._thread.quit()
        return self._thread.wait(timeout_ms)

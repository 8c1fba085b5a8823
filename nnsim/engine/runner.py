"""The engine's own process: a Simulation served over a pipe, commands in, frames out.

Running the engine in a process of its own gives it a core and an interpreter of its own: the
GUI's painting (Qt calling into Python for every item) and the engine's stepping (Python and
small NumPy calls) no longer take turns on one GIL.  `serve(connection, seed)` is the process's
entry point; `EngineLoop` is the loop itself, plain Python, so it can also be driven in a thread
(tests).

Commands are tuples: ("play",), ("pause",), ("step_n", n) (ignored while running), ("reset",),
("speed", s) (s: steps per frame, "max", or a pace "N/s": N epochs a second, see `pace`),
("network", net, revision), ("rule", rule[, strict]), ("dataset", dataset),
("configure", method, value), ("ack",), ("request",), ("resync",), ("quit",).  Out come
("frame", snapshot, steps per second) through `FrameWriter`, ("running", bool) and ("error",
summary, traceback).

Frames: at most one every FRAME_INTERVAL, and never more than one waiting to be drawn: after
sending a frame the loop sends the next only once the GUI acknowledges the last ("ack").  In
between it keeps stepping without building frames (stale frames are never made).  While
running it steps in batches of about SLICE_SECONDS and checks for a waiting command between
batches (a fixed speed's steps per frame too), so a command is served within about a
millisecond.  Every command's exception is
reported as ("error", ...) and the loop keeps serving.

Paced runs ("10/s"): the loop keeps the steps it owes by the wall clock (the pace times the
rule's steps per epoch; a step where no rule trains) and sleeps on the pipe until the next step
is due, so a class can watch training take a few seconds and a command is still served at once.
"""
from __future__ import annotations

import os
import signal
import time
import traceback

from .network import Network
from .object_pipe import DirectWriter, End
from .simulation import Simulation
from .wire import FrameWriter

FRAME_INTERVAL = 1.0 / 60.0  # seconds between frames at most
CHUNK_SECONDS = 0.008  # longest stretch of stepping between two looks at the clock for frames
SLICE_SECONDS = 0.001  # steps between checks for a waiting command
MAX_BATCH = 4096
MAX = "max"
PACE_SUFFIX = "/s"  # a speed "10/s": ten epochs a second
PACE_LAG = 0.1  # seconds of steps a paced run may owe at most: a slow stretch causes no burst
CONFIGURE = ("set_params", "set_stop_conditions", "set_state", "set_schedule",
             "set_canvas_maps", "set_layer_view", "set_landscape", "set_race")
BLAS_THREADS = 1


class EngineLoop:
    """Owns the Simulation; `run()` serves `connection` until ("quit",) or the other end closes."""

    def __init__(self, connection, seed: int = 0) -> None:
        self._connection = connection
        # A pipe of bytes to another process: frames as their changes; an ObjectPipe to a
        # thread of the same process: objects as they are.
        self._writer = DirectWriter(connection) if isinstance(connection, End) else FrameWriter(connection)
        self.sim = Simulation(Network(), seed=seed)
        self._pending_network: tuple[Network, int] | None = None
        self._budget = 0  # steps asked for by step_n, not yet done
        self._batch = 1  # steps per batch: about SLICE_SECONDS' worth
        self.running = False
        self._speed: int | str = 1  # steps per frame, MAX, or a pace ("10/s")
        self._pace = 0.0  # paced runs: epochs a second (0: not paced)
        self._owed = 0.0  # paced runs: steps due by the clock and not done yet
        self._paced_at = 0.0  # paced runs: when _owed was last brought up to date
        self._next_tick = 0.0  # fixed speeds: when the next frame's steps are due
        self._tick_left = 0  # fixed speeds: steps of the current frame not done yet
        self._in_flight = False  # a frame was sent and not acknowledged
        self._frame_wanted = False  # state changed since the last frame sent
        self._last_emit = -1.0
        self._rate = 0.0
        self._rate_mark = (time.perf_counter(), 0)
        self._lockstep = False  # recording: each frame exactly `speed` steps after the last
        self._quit = False

    # ------------------------------------------------------------------ serving
    def run(self) -> None:
        try:
            while not self._quit:
                self._serve_commands(self._wait())
                if self._quit:
                    break
                self._guarded(self._work)
                self._maybe_emit()
        except (EOFError, OSError, BrokenPipeError):
            pass  # the GUI is gone: so is the engine

    def _wait(self) -> float | None:
        """Seconds until there is something to do without a command (None: nothing)."""
        now = time.perf_counter()
        waits = []
        if self._budget > 0 and not self.running:
            return 0.0  # working off step_n
        if self.running and not self._held():
            if self._speed == MAX or self._tick_left > 0:
                return 0.0
            if self._pace:
                per_second = self._accrue(now)
                if self._owed >= 1.0:
                    return 0.0
                waits.append((1.0 - self._owed) / per_second)
            else:
                waits.append(self._next_tick - now)
        if self._frame_wanted and not self._in_flight:
            waits.append(self._last_emit + FRAME_INTERVAL - now)
        return max(0.0, min(waits)) if waits else None

    def _accrue(self, now: float) -> float:
        """Paced runs: add the steps that fell due since the last look; returns steps a second."""
        per_second = self._pace * self.sim.steps_per_epoch
        owed = self._owed + max(0.0, now - self._paced_at) * per_second
        self._owed = min(owed, max(1.0, per_second * PACE_LAG))
        self._paced_at = now
        return per_second

    def _held(self) -> bool:
        """Recording: the last frame is not drawn yet, and no step may be skipped meanwhile."""
        return self._lockstep and (self._in_flight or self._frame_wanted)

    def _serve_commands(self, timeout: float | None) -> None:
        if not self._connection.poll(timeout):
            return
        while True:  # every command waiting: a burst of edits costs one rebuild
            self._guarded(self._serve_one)
            if self._quit or not self._connection.poll(0):
                return

    def _serve_one(self) -> None:
        command = self._connection.recv()  # a lost connection ends run(); an unreadable command
        # is reported (_guarded)
        if command[0] == "quit":
            self._quit = True
            return
        handler = getattr(self, "_do_" + str(command[0]), None)
        if handler is None:
            raise ValueError(f"the engine has no command {command[0]!r}")
        handler(*command[1:])

    def _guarded(self, method, *args) -> None:
        """Anything a command raises is reported; running stops; the loop keeps serving."""
        try:
            method(*args)
        except (EOFError, OSError):
            raise  # the connection is gone: run() ends
        except Exception as exc:  # noqa: BLE001 - the engine's boundary
            self._report(exc)
            self._frame_wanted = True

    def _report(self, exc: Exception) -> None:
        self._budget = 0
        self._set_running(False)  # an error repeated every frame would flood the GUI
        self._writer.send(("error", summary(exc), traceback.format_exc()))

    def _set_running(self, running: bool) -> None:
        if running != self.running:
            self.running = running
            self._rate = 0.0
            self._writer.send(("running", running))

    # ------------------------------------------------------------------ commands
    def _do_play(self) -> None:
        if not self.running:
            self._budget = 0
            self._tick_left = 0
            self._rate_mark = (time.perf_counter(), self._simulation().steps)
            self._next_tick = time.perf_counter()
            self._owed, self._paced_at = 1.0, time.perf_counter()  # the first step at once
            self._set_running(True)

    def _do_pause(self) -> None:
        self._budget = 0
        self._tick_left = 0
        self._set_running(False)
        self._frame_wanted = True

    def _do_step_n(self, n: int) -> None:
        if self.running:
            return  # the run steps on by itself; Step is for a paused simulation
        self._budget += max(1, int(n))  # worked off in chunks, so a large n never blocks

    def _do_reset(self) -> None:
        self._budget = 0
        self._simulation().reset()
        self._frame_wanted = True

    def _do_speed(self, speed) -> None:
        pace_now = pace(speed)
        if pace_now is None and speed != MAX:
            speed = max(1, int(speed))
        if pace_now and not self._pace:
            self._owed = 1.0 if self.running else 0.0
        self._speed, self._pace = speed, pace_now or 0.0
        self._paced_at = time.perf_counter()
        self._tick_left = 0

    def _do_network(self, network: Network, revision: int) -> None:
        # Kept until the next step boundary: a burst of edits costs one trainer rebuild.
        self._pending_network = (network, revision)
        self._frame_wanted = True

    def _do_rule(self, rule, strict: bool = True) -> None:
        """strict=False (a restarted engine): a rule that does not apply now waits, paused."""
        self._simulation().set_rule(rule, strict=strict)
        self._frame_wanted = True

    def _do_dataset(self, dataset) -> None:
        self._simulation().set_dataset(dataset)
        self._frame_wanted = True

    def _do_configure(self, method: str, value) -> None:
        """One of the Simulation's plain setters (CONFIGURE), or "lockstep"."""
        if method == "lockstep":
            self._lockstep = bool(value)
            return
        if method not in CONFIGURE:
            raise ValueError(f"the simulation has no setting {method!r}")
        getattr(self._simulation(), method)(value)
        self._frame_wanted = True

    def _do_ack(self) -> None:
        self._in_flight = False

    def _do_request(self) -> None:
        self._frame_wanted = True

    def _do_resync(self) -> None:
        """The GUI could not read a frame: send the next one whole (and let it come)."""
        self._writer.forget_sent()
        self._in_flight = False
        self._frame_wanted = True

    def _simulation(self) -> Simulation:
        """The simulation, with the latest edit applied."""
        if self._pending_network is not None:
            network, revision = self._pending_network
            self._pending_network = None
            self.sim.set_network(network, revision)
        return self.sim

    # ------------------------------------------------------------------ stepping
    def _work(self) -> None:
        sim = self._simulation()
        if self._budget > 0 and not self.running:  # working off step_n
            done = self._chunk(self._budget)
            self._budget = 0 if sim.done else max(0, self._budget - done)
            self._frame_wanted = True
            return
        if not self.running or self._held():
            return
        if self._speed == MAX:
            self._chunk(None)
        elif self._pace:
            self._accrue(time.perf_counter())
            due = int(self._owed)
            if due < 1:
                return
            done = self._chunk(due)
            self._owed = 0.0 if sim.done else max(0.0, self._owed - done)
        else:
            if self._tick_left == 0:
                now = time.perf_counter()
                if now < self._next_tick:
                    return
                self._next_tick = max(self._next_tick + FRAME_INTERVAL, now - FRAME_INTERVAL)
                self._tick_left = self._speed
            # A frame's steps go in chunks too, so commands are served between them; the frame
            # shows only once all of them are done (a recording's frames stay exactly apart).
            done = self._chunk(self._tick_left)
            self._tick_left = 0 if sim.done else self._tick_left - done
            if self._tick_left > 0:
                return
        now = time.perf_counter()
        t0, s0 = self._rate_mark
        if now - t0 >= 0.5:
            self._rate = (sim.steps - s0) / (now - t0)
            self._rate_mark = (now, sim.steps)
        if sim.done:
            self._set_running(False)
        self._frame_wanted = True

    def _chunk(self, limit: int | None) -> int:
        """Step for about CHUNK_SECONDS (at most `limit` steps); returns the steps done.  Steps
        go in batches of about SLICE_SECONDS (sized from the last batch's pace); a waiting
        command ends the chunk early."""
        sim = self.sim
        clock = time.perf_counter
        deadline = clock() + CHUNK_SECONDS
        poll = self._connection.poll
        total = 0
        while limit is None or total < limit:
            want = self._batch if limit is None else min(self._batch, limit - total)
            start = clock()
            done = sim.step(want)
            now = clock()
            total += done
            if done < want:  # finished: more steps change nothing
                break
            pace = (now - start) / done
            self._batch = max(1, min(MAX_BATCH, int(SLICE_SECONDS / pace) if pace > 0 else MAX_BATCH))
            if now >= deadline or poll():
                break
        return total

    def _maybe_emit(self) -> None:
        if not self._frame_wanted or self._in_flight:
            return
        if time.perf_counter() < self._last_emit + FRAME_INTERVAL:
            return  # _wait() comes back for it in time
        self._frame_wanted = False
        try:
            snapshot = self._simulation().snapshot()
        except Exception as exc:  # noqa: BLE001 - the engine's boundary
            self._report(exc)
            return
        try:
            self._writer.send_frame(snapshot, self._rate, self.sim.history_serial)
        except (EOFError, OSError):
            raise
        except Exception as exc:  # noqa: BLE001 - e.g. something in it that cannot be pickled
            self._writer.forget_sent()
            self._report(exc)
            return
        self._in_flight = True
        self._last_emit = time.perf_counter()


def pace(speed) -> float | None:
    """Epochs a second of a paced speed ("10/s"), or None for steps per frame and MAX.  Raises
    ValueError, in a sentence, for a pace that is not a positive number."""
    if not isinstance(speed, str) or not speed.endswith(PACE_SUFFIX):
        return None
    try:
        value = float(speed[:-len(PACE_SUFFIX)])
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ValueError(f"a pace is a positive number of epochs a second, such as "
                         f"'10{PACE_SUFFIX}', not {speed!r}")
    return value


def limit_blas_threads(n: int = BLAS_THREADS) -> bool:
    """Run BLAS on n threads, even when NumPy was imported before OPENBLAS_NUM_THREADS could be
    set.  The engine's matrices are small: BLAS threads cost more to wake than they save, and
    on a small machine they spin on the cores the GUI needs (measured: a 200x200 map of 6
    layers of 8, 54 ms -> 5 ms a frame on 2 busy cores).  True when a loaded BLAS took it."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=int(n), user_api="blas")
    return blas_threads() == int(n)


def blas_threads() -> int | None:
    """The BLAS library's thread count, or None when none is loaded."""
    from threadpoolctl import threadpool_info

    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return counts[0] if counts else None


NICENESS = 10  # the engine yields the CPU to the GUI whenever both want it


def lower_priority(niceness: int = NICENESS) -> None:
    """On a machine with few cores, the window's frames must not wait for the engine's steps:
    the engine runs at a lower scheduling priority (it takes every cycle the GUI leaves)."""
    try:
        os.nice(niceness)
    except (AttributeError, OSError):  # not on this platform, or not allowed: run as is
        pass


def summary(exc: BaseException) -> str:
    """An error as the user reads it: its own words, never the exception's class (that stays
    in the details, with the traceback)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else "the engine stopped on an internal error"


def run_engine(connection, seed: int = 0) -> None:
    """Serve `connection` until it closes or says quit, in this thread (thread mode calls it
    from a QThread; serve() from the engine's process)."""
    limit_blas_threads(int(os.environ.get("NNSIM_BLAS_THREADS") or BLAS_THREADS))
    try:
        EngineLoop(connection, seed).run()
    finally:
        connection.close()


def serve(connection, seed: int = 0) -> None:
    """The engine process's entry point."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the GUI's to handle
    lower_priority()
    run_engine(connection, seed)

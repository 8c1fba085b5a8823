"""Per-epoch figures in bounded memory: `Trace` (one figure) and `RunHistory` (a run's figures
across every trainer it had).

A `Trace` keeps the latest RECENT to 2 x RECENT values at full resolution and everything older
as min/max envelopes: the epochs are grouped into buckets of `stride` epochs (1, 2, 4, ...;
doubled whenever more than BUCKETS buckets would be kept), and of each bucket the lowest and the
highest value are kept, with their epochs.  A curve of the kept points spans the whole run at
real epoch numbers and keeps every peak and dip; memory stays under about
(2 x BUCKETS + 2 x RECENT) points however long the run.  Up to 2 x RECENT values a trace is
exactly the list of values given.

Editing the network while learning replaces the trainer; the figures of the replaced one are
banked in the RunHistory so the curves run on.  `figures(current)` gives every figure so far
and the epoch of each value, kept in growing buffers, so a frame costs the epochs since the last
frame, not all of them; the arrays are read-only views, not copies (rows below a view's end are
never written again: a buffer that grows or is rewritten is a new array).  `serial` changes
whenever the arrays stop being an extension of the last ones (a reset, another trainer, old
values folded into envelopes), which is how a frame sent elsewhere knows it may send only the
new tail.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

FIELDS = ("loss", "accuracy", "errors", "val_loss", "val_accuracy", "weight_norm", "energy")
RECENT = 10_000  # values kept at full resolution at least (the latest)
BUCKETS = 2_048  # envelopes of older values at most (each one or two points)
FIRST_CAPACITY = 64


class Trace:
    """One figure per epoch, bounded: a list-like sequence of the values kept (`values`, read-only)
    at their epochs (`epochs`, 1-based, increasing).  `append` and `extend` add values at the
    next epochs; `add_points` adds values at epochs of one's own choosing (after the last).
    `version` changes whenever kept points are rewritten (older ones folded into envelopes)."""

    __slots__ = ("recent", "max_buckets", "count", "version", "stride", "_x", "_y", "_n",
                 "_env", "_room", "_last", "_buckets", "_first")

    def __init__(self, values: Iterable[float] = (), recent: int = RECENT,
                 buckets: int = BUCKETS) -> None:
        self.recent = max(1, int(recent))
        self.max_buckets = max(2, int(buckets))
        self.count = 0  # values given so far
        self.version = 0
        self.stride = 1  # epochs per envelope bucket
        self._x = self._y = np.empty(0)
        self._n = 0  # points kept
        self._env = 0  # of which the first _env are envelope points
        self._room = 0  # points the buffers take before they must grow or fold
        self._last = 0.0  # the epoch of the last value
        # The envelopes: bucket id ((epoch - 1) // stride), then the epoch and value of the
        # bucket's lowest value and of its highest one.
        self._buckets = tuple(np.empty(0) for _ in range(5))
        self._first = (0.0, 0.0)  # the first value given and its epoch: the envelopes start there
        self.extend(values)

    # ------------------------------------------------------------------ adding
    def append(self, value: float) -> None:
        n = self._n
        if n == self._room:
            self._make_room()
            n = self._n
        self._last += 1.0
        self._x[n] = self._last
        self._y[n] = value
        self._n = n + 1
        self.count += 1

    def extend(self, values: Iterable[float]) -> None:
        y = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=float)
        if y.size:
            self.add_points(self._last + np.arange(1, y.size + 1, dtype=float), y.ravel())

    def add_points(self, epochs, values) -> None:
        """Values at the given epochs (increasing, after the last epoch kept)."""
        x = np.asarray(epochs, dtype=float).ravel()
        y = np.asarray(values, dtype=float).ravel()
        if x.shape != y.shape:
            raise ValueError(f"{len(x)} epochs for {len(y)} values")
        if not x.size:
            return
        if x[0] <= self._last or np.any(np.diff(x) <= 0):
            raise ValueError("epochs must increase, after the last one kept")
        done = 0
        while done < x.size:
            if self._n == self._room:
                self._make_room()
            k = min(x.size - done, self._room - self._n)
            self._x[self._n:self._n + k] = x[done:done + k]
            self._y[self._n:self._n + k] = y[done:done + k]
            self._n += k
            done += k
        self._last = float(x[-1])
        self.count += x.size

    def clear(self) -> None:
        self.__init__(recent=self.recent, buckets=self.max_buckets)

    # ------------------------------------------------------------------ folding
    def _make_room(self) -> None:
        """Grow the buffers (a new array: views handed out stay as they are) or, with
        2 x recent values at full resolution, fold the older half into the envelopes."""
        full_res = self._n - self._env
        if full_res < 2 * self.recent:
            capacity = min(max(FIRST_CAPACITY, 2 * len(self._x)), self._env + 2 * self.recent)
            self._reallocate(capacity, self._n)
            return
        cut = self._env + self.recent
        if not self._env:
            self._first = (float(self._x[0]), float(self._y[0]))
        self._fold(self._x[self._env:cut], self._y[self._env:cut])
        ex, ey = self._envelope_points()
        keep_x, keep_y = self._x[cut:self._n], self._y[cut:self._n]
        capacity = len(ex) + 2 * self.recent
        x, y = np.empty(capacity), np.empty(capacity)
        x[:len(ex)], y[:len(ex)] = ex, ey
        x[len(ex):len(ex) + len(keep_x)], y[len(ex):len(ex) + len(keep_y)] = keep_x, keep_y
        self._x, self._y = x, y
        self._env, self._n = len(ex), len(ex) + len(keep_x)
        self._room = capacity
        self.version += 1

    def _reallocate(self, capacity: int, keep: int) -> None:
        x, y = np.empty(capacity), np.empty(capacity)
        x[:keep], y[:keep] = self._x[:keep], self._y[:keep]
        self._x, self._y = x, y
        self._room = capacity

    def _fold(self, x: np.ndarray, y: np.ndarray) -> None:
        """Points into the envelopes; then pairs of buckets merge (the stride doubles) until at
        most max_buckets are left."""
        ids, xlo, ylo, xhi, yhi = self._buckets
        ids = np.concatenate([ids, np.floor((x - 1.0) / self.stride)])
        parts = _merge(ids, np.concatenate([xlo, x]), np.concatenate([ylo, y]),
                       np.concatenate([xhi, x]), np.concatenate([yhi, y]))
        while len(parts[0]) > self.max_buckets:
            self.stride *= 2
            parts = _merge(np.floor(parts[0] / 2.0), *parts[1:])
        self._buckets = parts

    def _envelope_points(self) -> tuple[np.ndarray, np.ndarray]:
        """Each bucket's lowest and highest value in the order they came (one point when the
        same value is both)."""
        _, xlo, ylo, xhi, yhi = self._buckets
        low_first = xlo <= xhi
        xa, xb = np.where(low_first, xlo, xhi), np.where(low_first, xhi, xlo)
        ya, yb = np.where(low_first, ylo, yhi), np.where(low_first, yhi, ylo)
        x = np.stack([xa, xb], axis=1).ravel()
        y = np.stack([ya, yb], axis=1).ravel()
        keep = np.ones(len(x), dtype=bool)
        keep[1::2] = xa != xb
        x, y = x[keep], y[keep]
        first_x, first_y = self._first
        if len(x) and x[0] != first_x:  # the first value too: a curve spans the whole run
            x, y = np.r_[first_x, x], np.r_[first_y, y]
        return x, y

    # ------------------------------------------------------------------ reading
    @property
    def values(self) -> np.ndarray:
        """The values kept (a read-only view)."""
        view = self._y[:self._n]
        view.flags.writeable = False
        return view

    @property
    def epochs(self) -> np.ndarray:
        """The epoch of each value kept, increasing (a read-only view)."""
        view = self._x[:self._n]
        view.flags.writeable = False
        return view

    @property
    def last_epoch(self) -> int:
        return int(self._last)

    def __len__(self) -> int:
        return self._n

    def __bool__(self) -> bool:
        return self._n > 0

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._y[:self._n][index].tolist()
        n = self._n
        i = int(index)
        if not -n <= i < n:
            raise IndexError("trace index out of range")
        return float(self._y[i % n])

    def __iter__(self) -> Iterator[float]:
        return iter(self._y[:self._n].tolist())

    def __eq__(self, other) -> bool:
        if isinstance(other, Trace):
            return (np.array_equal(self.epochs, other.epochs)
                    and np.array_equal(self.values, other.values, equal_nan=True))
        if isinstance(other, (list, tuple, np.ndarray)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # mutable

    def __repr__(self) -> str:
        shown = ", ".join(f"{v:g}" for v in self._y[:min(self._n, 6)])
        more = ", ..." if self._n > 6 else ""
        return f"Trace([{shown}{more}], {self._n} kept of {self.count})"

    def __reduce__(self):
        state = (self.recent, self.max_buckets, self.count, self.version, self.stride,
                 self.epochs.copy(), self.values.copy(), self._env, self._last,
                 tuple(b.copy() for b in self._buckets), self._first)
        return _restore_trace, state


def _restore_trace(recent, max_buckets, count, version, stride, x, y, env, last, buckets,
                   first) -> Trace:
    trace = Trace(recent=recent, buckets=max_buckets)
    trace.count, trace.version, trace.stride = count, version, stride
    trace._x, trace._y = np.array(x, dtype=float), np.array(y, dtype=float)
    trace._n = trace._room = len(trace._x)
    trace._env, trace._last, trace._buckets, trace._first = env, last, tuple(buckets), first
    return trace


def _merge(ids, xlo, ylo, xhi, yhi):
    """Buckets with the same id (ids sorted) as one: the lowest of their lows, the highest of
    their highs (NaN loses to any number; the earliest wins a tie)."""
    if len(ids) < 2:
        return ids, xlo, ylo, xhi, yhi
    first = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    low = np.lexsort((xlo, ylo, ids))[first]
    high = np.lexsort((xhi, -yhi, ids))[first]
    return ids[first], xlo[low], ylo[low], xhi[high], yhi[high]


class RunHistory:
    def __init__(self) -> None:
        self.serial = 0
        self.reset()

    def reset(self) -> None:
        """Forget everything (the serial moves on: it never repeats within a run)."""
        self.epochs_before = 0  # epochs of trainers replaced by edits
        self.past: dict[str, Trace] = {k: Trace() for k in FIELDS}
        self._banked = 0  # banks so far (what `past` holds changed)
        self._cache: dict = {}
        self._epochs: dict[str, np.ndarray] = {}

    def bank(self, history) -> None:
        """Keep a replaced trainer's figures at the epochs they had in the run."""
        for key in FIELDS:
            trace = getattr(history, key)
            if not len(trace):
                continue
            if isinstance(trace, Trace):
                self.past[key].add_points(trace.epochs + self.epochs_before, trace.values)
            else:  # a plain list of values, one an epoch
                values = np.asarray(trace, dtype=float)
                self.past[key].add_points(
                    self.epochs_before + np.arange(1, len(values) + 1, dtype=float), values)
        self.epochs_before += history.epochs
        self._banked += 1

    def arrays(self, current) -> dict[str, np.ndarray]:
        """The values of `figures(current)`."""
        return self.figures(current)[0]

    def figures(self, current) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Banked figures followed by the current trainer's history (None: no trainer): per
        field its values and the epoch of each."""
        cache = self._cache
        values, epochs = {}, {}
        changed = False
        for key in FIELDS:
            past = self.past[key]
            now = _as_trace(getattr(current, key)) if current is not None else None
            n_now = len(now) if now is not None else 0
            if not len(past) + n_now:
                changed |= cache.pop(key, None) is not None
                continue
            source = (self._banked, now, now.version if now is not None else -1)
            entry = cache.get(key)
            if entry is None or entry[0] != source:
                entry = self._rebuild(past, now)
                changed = True
            else:
                entry = self._extend(entry, now)
            cache[key] = (source, *entry[1:])
            _, x, y, total, _ = cache[key]
            values[key], epochs[key] = _view(y, total), _view(x, total)
        if changed:
            self.serial += 1
        self._epochs = epochs
        return values, epochs

    def _rebuild(self, past: Trace, now: Trace | None) -> tuple:
        parts_x, parts_y = [past.epochs], [past.values]
        if now is not None:
            parts_x.append(now.epochs + self.epochs_before)
            parts_y.append(now.values)
        total = sum(len(p) for p in parts_x)
        # Room for the values until the trainer's next fold (which rebuilds these anyway).
        room = max(0, 2 * now.recent - (len(now) - now._env)) if now is not None else 0
        capacity = max(FIRST_CAPACITY, total + min(room, total + FIRST_CAPACITY))
        x, y = np.empty(capacity), np.empty(capacity)
        x[:total], y[:total] = np.concatenate(parts_x), np.concatenate(parts_y)
        return None, x, y, total, len(now) if now is not None else 0

    def _extend(self, entry: tuple, now: Trace | None) -> tuple:
        source, x, y, total, done = entry
        n_now = len(now) if now is not None else 0
        if n_now > done:
            new = n_now - done
            if total + new > len(x):  # grow into new arrays: views handed out stay as they are
                capacity = 2 * (total + new)
                grown_x, grown_y = np.empty(capacity), np.empty(capacity)
                grown_x[:total], grown_y[:total] = x[:total], y[:total]
                x, y = grown_x, grown_y
            x[total:total + new] = now.epochs[done:] + self.epochs_before
            y[total:total + new] = now.values[done:]
            total, done = total + new, n_now
        return source, x, y, total, done


def _as_trace(values) -> Trace:
    """A trainer's figure as a Trace (a rule that keeps a plain list gets one made)."""
    return values if isinstance(values, Trace) else Trace(values)


def _view(buffer: np.ndarray, length: int) -> np.ndarray:
    view = buffer[:length]
    view.flags.writeable = False
    return view

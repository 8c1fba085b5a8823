"""Snapshots across a process boundary: each frame costs what changed since the last one.

The engine runs in its own process and sends the GUI a snapshot per frame.  Pickled as they
are, frames would resend what rarely changes and would grow with the run:

  - the network a frame describes (its learned weights are in `weights` and `biases` already)
    is the same object frame after frame until the next edit or trainer: `FrameWriter` sends
    such objects once ("keep") and afterwards only their token (pickle's persistent ids);
  - histories (their values and the epoch of each) grow by a few values a frame but hold the
    whole run so far: only what changed is sent, as (start, values from start), and
    `FrameReader` keeps its first `start` values and appends the rest, in buffers of its own,
    handing out read-only views.  While the history serial stays the same only the new tail
    goes; when it changes (old values folded into envelopes, a reset) the values from the first
    one that differs from those sent last.

Both ends are plain Python (no Qt); messages are tuples written to a multiprocessing
Connection.  `FrameReader.read` returns every message except its own "keep"/"forget" ones,
with frames rebuilt into `Snapshot`s.
"""
from __future__ import annotations

import copyreg
import dataclasses
import importlib
import io
import pickle
import sys
from collections import OrderedDict
from types import MappingProxyType

import numpy as np

from .compiled import CompiledNetwork
from .network import Network
from .rules.race import LandscapeView
from .simulation import Snapshot

KEEP_AT_MOST = 16  # shared objects remembered at each end; older ones are forgotten
HISTORIES = ("history", "history_epochs")  # a snapshot's fields sent as their changes
_SHARED_TYPES = (Network, CompiledNetwork, tuple, LandscapeView)


def _mapping_proxy(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


def _reduce_mapping_proxy(proxy: MappingProxyType):
    return _mapping_proxy, (dict(proxy),)


_DISPATCH = copyreg.dispatch_table.copy()
_DISPATCH[MappingProxyType] = _reduce_mapping_proxy  # snapshots hold read-only mappings


def _shared_parts(snapshot: Snapshot) -> list:
    """The objects a frame refers to that later frames are likely to refer to again: the
    network (or the parts its lazy maker holds), and the names of neurons and synapses, which
    then arrive as the same objects frame after frame (cheap to compare by identity)."""
    parts = [snapshot.names, snapshot.synapses]
    if snapshot.landscape is not None:  # the same until an edit: sent once, not every frame
        parts.append(snapshot.landscape)
    source = snapshot.network_source
    if isinstance(source, (Network, CompiledNetwork)):
        return parts + [source]
    args = getattr(source, "args", ())  # functools.partial(learned_network, base, compiled, …)
    return parts + [a for a in args if isinstance(a, (Network, CompiledNetwork))]


class FrameWriter:
    """The engine's end: `send(message)`, where a ("frame", snapshot, …) message is sent as
    its changes; `history_serial` tells when a history stopped extending the last one."""

    def __init__(self, connection) -> None:
        self._connection = connection
        self._kept: OrderedDict[int, tuple[int, object]] = OrderedDict()  # id -> (token, obj)
        self._tokens = 0
        # (field, key) -> (serial, the array sent): read-only views never rewritten below their
        # end, so they still hold what the other end holds.
        self._history: dict[tuple[str, str], tuple[int, np.ndarray]] = {}

    def send(self, message: tuple) -> None:
        self._connection.send_bytes(self._dumps(message))

    def forget_sent(self) -> None:
        """Send the next frame whole (the other end lost track: a frame it could not read)."""
        self._history.clear()
        self._kept.clear()

    def send_frame(self, snapshot: Snapshot, rate: float, history_serial: int) -> None:
        for obj in _shared_parts(snapshot):
            self._keep(obj)
        fields = {f.name: getattr(snapshot, f.name) for f in dataclasses.fields(snapshot)}
        sent = {}
        for name in HISTORIES:
            fields[name], sent[name] = self._history_tails(name, fields[name], history_serial)
        self.send(("frame", fields, float(rate)))
        # Only once it went: a frame that failed changes nothing.
        self._history = {(name, key): kept for name, part in sent.items() for key, kept in part.items()}

    def _keep(self, obj) -> None:
        if id(obj) in self._kept:
            self._kept.move_to_end(id(obj))
            return
        self._tokens += 1
        self.send(("keep", self._tokens, obj))
        self._kept[id(obj)] = (self._tokens, obj)  # held, so its id is not reused meanwhile
        while len(self._kept) > KEEP_AT_MOST:
            _, (token, _) = self._kept.popitem(last=False)
            self.send(("forget", token))

    def _history_tails(self, name: str, history, serial: int) -> tuple[dict, dict]:
        """key -> (start, values from start), the reader keeping values before start; and what
        will have been sent."""
        tails, sent_now = {}, {}
        for key, values in history.items():
            values = np.asarray(values)
            kept_serial, sent = self._history.get((name, key), (None, None))
            if sent is None:
                start = 0
            elif kept_serial == serial and len(sent) <= len(values):
                start = len(sent)  # an extension of what was sent
            else:
                start = common_prefix(sent, values)
            tails[key] = (start, values[start:])
            sent_now[key] = (serial, values)
        return tails, sent_now

    def _dumps(self, message) -> bytes:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _DISPATCH
        kept = self._kept
        top = message[2] if message[0] == "keep" else None

        def persistent_id(obj):
            if obj is top or not isinstance(obj, _SHARED_TYPES):
                return None
            entry = kept.get(id(obj))
            return None if entry is None else entry[0]

        pickler.persistent_id = persistent_id
        pickler.dump(message)
        return buffer.getvalue()


def common_prefix(a: np.ndarray, b: np.ndarray) -> int:
    """How many leading values two arrays share (NaN differs from everything: sent again)."""
    n = min(len(a), len(b))
    same = a[:n] == b[:n]
    return n if same.all() else int(np.argmin(same))


class _Unpickler(pickle.Unpickler):
    """Finds classes without calling `__import__`: in a PySide6 process that is a hook, not
    safe outside the main thread (it crashed the interpreter), and frames are read in one."""

    def find_class(self, module: str, name: str):
        found = sys.modules.get(module) or importlib.import_module(module)
        for part in name.split("."):
            found = getattr(found, part)
        return found


class FrameReader:
    """The GUI's end: `read()` blocks for the next message; frames come back as Snapshots."""

    def __init__(self, connection) -> None:
        self._connection = connection
        self._kept: dict[int, object] = {}
        # field -> key -> (buffer, length)
        self._history: dict[str, dict[str, tuple[np.ndarray, int]]] = {name: {} for name in HISTORIES}

    def read(self) -> tuple:
        """The next message other than keep/forget (raises EOFError when the engine is gone)."""
        while True:
            message = self._loads(self._connection.recv_bytes())
            kind = message[0]
            if kind == "keep":
                self._kept[message[1]] = message[2]
            elif kind == "forget":
                self._kept.pop(message[1], None)
            elif kind == "frame":
                return ("frame", self._snapshot(message[1]), message[2])
            else:
                return message

    def _loads(self, data: bytes):
        unpickler = _Unpickler(io.BytesIO(data))
        unpickler.persistent_load = self._kept.__getitem__
        return unpickler.load()

    def _snapshot(self, fields: dict) -> Snapshot:
        for name in HISTORIES:
            fields[name] = MappingProxyType(self._histories(self._history[name], fields[name]))
        for key in ("outputs", "net_inputs", "weights", "biases"):
            fields[key].flags.writeable = False
        snapshot = Snapshot(**fields)
        arrays = []
        if snapshot.decision is not None:
            arrays += [snapshot.decision.grid, *snapshot.decision.neuron_grids.values()]
            if snapshot.decision.neuron_maps is not None:
                arrays += snapshot.decision.neuron_maps.images.values()
        if snapshot.neuron_curves is not None:
            arrays += [snapshot.neuron_curves.x, *snapshot.neuron_curves.curves.values()]
        if snapshot.layer_view is not None:
            view = snapshot.layer_view
            arrays += [view.grid, view.plane, view.points, view.labels]
        if snapshot.landscape is not None:
            arrays += [snapshot.landscape.a, snapshot.landscape.b, snapshot.landscape.loss]
        if snapshot.landscape_path is not None:
            arrays.append(snapshot.landscape_path)
        if snapshot.race is not None:
            for path in snapshot.race.paths:
                arrays += [path.points, path.loss, path.theta]
        for array in arrays:  # as the engine made them: frames are shared, never edited
            array.flags.writeable = False
        return snapshot

    @staticmethod
    def _histories(kept: dict, tails: dict) -> dict:
        """The histories of a frame from its tails and the values kept (updated in `kept`)."""
        out = {}
        for key, (start, values) in tails.items():
            buffer, length = kept.get(key, (None, 0))
            if start > length or (start and buffer is None):
                raise ValueError(f"history {key!r} resumes at {start} without its start")
            total = start + len(values)
            if start < length or buffer is None or total > len(buffer):
                # A new array whenever values handed out would change (a history rewritten
                # from `start`) or it must grow: views handed out stay as they are.
                grown = np.empty(max(64, 2 * total))
                if start:
                    grown[:start] = buffer[:start]
                buffer = grown
            buffer[start:total] = values
            kept[key] = (buffer, total)
            view = buffer[:total]
            view.flags.writeable = False
            out[key] = view
        for key in set(kept) - set(tails):
            del kept[key]
        return out

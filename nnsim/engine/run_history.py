"""RunHistory: a run's figures per epoch across every trainer it had, as read-only arrays.

Editing the network while learning replaces the trainer; the figures of the replaced one are
banked here so the curves run on.  `arrays(current)` gives every figure so far, kept in growing
buffers, so a frame costs the epochs since the last frame, not all of them; the arrays are
read-only views, not copies (rows below a view's end are never written again: a buffer that
grows is a new array).  `serial` changes whenever the arrays stop being an extension of the
last ones (a reset, another trainer), which is how a frame sent elsewhere knows it may send
only the new tail.
"""
from __future__ import annotations

import numpy as np

FIELDS = ("loss", "accuracy", "errors", "val_loss", "val_accuracy", "weight_norm", "energy")


class RunHistory:
    def __init__(self) -> None:
        self.serial = 0
        self.reset()

    def reset(self) -> None:
        """Forget everything (the serial moves on: it never repeats within a run)."""
        self.epochs_before = 0  # epochs of trainers replaced by edits
        self.past: dict[str, list[float]] = {k: [] for k in FIELDS}
        self._cache: dict = {}

    def bank(self, history) -> None:
        """Keep a replaced trainer's figures and epochs."""
        for key in FIELDS:
            self.past[key].extend(float(v) for v in getattr(history, key))
        self.epochs_before += history.epochs

    def arrays(self, current) -> dict[str, np.ndarray]:
        """Banked figures followed by the current trainer's history (None: no trainer)."""
        cache = self._cache
        source = (current, [len(self.past[k]) for k in FIELDS])
        if cache.get("_source") != source:
            cache.clear()
            cache["_source"] = source
            self.serial += 1
        out = {}
        for key in FIELDS:
            past = self.past[key]
            now = getattr(current, key) if current is not None else ()
            total = len(past) + len(now)
            if not total:
                continue
            buffer, count = cache.get(key, (None, 0))
            if buffer is None or total > len(buffer):
                grown = np.empty(max(64, 2 * total))
                if count:
                    grown[:count] = buffer[:count]
                buffer = grown
            if count < len(past):
                buffer[count:len(past)] = past[count:]
                count = len(past)
            if count < total:
                buffer[count:total] = now[count - len(past):]
            cache[key] = (buffer, total)
            view = buffer[:total]
            view.flags.writeable = False
            out[key] = view
        return out

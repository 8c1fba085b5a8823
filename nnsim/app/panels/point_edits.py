"""Undoable edits of the data points drawn on the decision plot.

The data are immutable arrays (X, y); an edit swaps one pair for another, so undo only has to keep
the previous pair (no copying on undo, no shared mutable state).  Adding a point and clearing
all points are the same command with different names.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QUndoCommand


@dataclass(frozen=True)
class Points:
    """Inputs X (n, d), targets y (n,) or None, and where they came from; immutable, so undo
    restores the name and source along with the values."""
    X: np.ndarray
    y: np.ndarray | None
    name: str = ""
    source: str = "generated"  # 'generated', 'csv' or 'drawn'

    def __len__(self) -> int:
        return self.X.shape[0]

    def _drawn_name(self) -> str:
        if self.source == "drawn" or not self.name:
            return self.name or "Drawn points"
        return f"{self.name} + drawn points"

    def added(self, row: np.ndarray, target: float) -> Points:
        X = np.vstack([self.X, np.asarray(row, dtype=float)[None, :]])
        y = np.append(self.y if self.y is not None else np.zeros(len(self)), float(target))
        return Points(X, y, self._drawn_name(), "drawn")

    def cleared(self) -> Points:
        return Points(np.zeros((0, self.X.shape[1])), np.zeros(0), "Drawn points", "drawn")


class ReplacePoints(QUndoCommand):
    """Swap the panel's points for `after`; undo swaps `before` back."""

    def __init__(self, text: str, before: Points, after: Points,
                 apply: Callable[[Points], None]) -> None:
        super().__init__(text)
        self.before, self.after, self.apply = before, after, apply

    def redo(self) -> None:
        self.apply(self.after)

    def undo(self) -> None:
        self.apply(self.before)

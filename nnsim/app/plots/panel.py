"""Every plot in one tabbed widget: the simplest way to show them all and feed them snapshots.

The main window may instead make one dock per entry of `PLOTS` (key -> class, class.title);
either way each plot only needs `update_snapshot(snapshot)`.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QTabWidget

from .base import PlotPanel


class PlotsPanel(QTabWidget):
    def __init__(self, keys: Iterable[str] | None = None, parent=None) -> None:
        super().__init__(parent)
        from . import PLOTS

        self.plots: dict[str, PlotPanel] = {key: PLOTS[key]() for key in (keys or PLOTS)}
        for plot in self.plots.values():
            self.addTab(plot, plot.title)

    def __getitem__(self, key: str) -> PlotPanel:
        return self.plots[key]

    def update_snapshot(self, snapshot: Any) -> None:
        """Every plot sees every snapshot (hidden ones too: histories must not have gaps)."""
        for plot in self.plots.values():
            plot.update_snapshot(snapshot)

    def clear(self) -> None:
        for plot in self.plots.values():
            plot.clear()

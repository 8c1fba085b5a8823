"""Clicks for plots edited by clicking (decision points, Hopfield pixels): a ViewBox that reports
left and right clicks in data coordinates instead of opening its menu, and a scatter that lets
clicks through to it."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal


class ClickViewBox(pg.ViewBox):
    clicked = Signal(float, float, object)  # x, y in data coordinates, the Qt mouse button

    def __init__(self, **kwargs) -> None:
        super().__init__(enableMenu=False, **kwargs)
        self.clicks_enabled = True

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (Qt's name)
        buttons = (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton)
        if self.clicks_enabled and ev.button() in buttons:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.clicked.emit(p.x(), p.y(), ev.button())
        else:
            super().mouseClickEvent(ev)


class PassiveScatter(pg.ScatterPlotItem):
    """A scatter that lets clicks through to the ViewBox (pyqtgraph's takes clicks on its
    points, which would swallow a click meant for the plot under them)."""

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (Qt's name)
        ev.ignore()

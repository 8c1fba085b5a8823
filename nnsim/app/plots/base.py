"""PlotPanel: the common frame of every plot — a toolbar (status text, toggles, Clear, Export…)
over a pyqtgraph GraphicsLayoutWidget — and export to PNG, SVG or CSV by file extension.

Subclasses build their items once in __init__ and update them in `update_snapshot(snapshot)`;
`clear()` forgets what was drawn.  Snapshot fields are read with getattr defaults, so a plot
tolerates snapshots that lack the optional fields it draws.
"""
from __future__ import annotations

import csv
import itertools
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as exporters
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QAction, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QLabel, QSizePolicy, QToolBar, QVBoxLayout, QWidget

from . import style

EXPORT_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;CSV data (*.csv)"


class PlotPanel(QWidget):
    """A plot widget with Clear and Export…; subclasses set `title` and implement the update."""

    title = "Plot"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toolbar = QToolBar(self)
        self.toolbar.setIconSize(QSize(14, 14))
        self.toolbar.setStyleSheet("QToolBar { border: 0; spacing: 4px; }")
        self.status = QLabel("", self.toolbar)
        self.status.setStyleSheet("color: #37414b; padding-left: 4px;")
        self.toolbar.addWidget(self.status)
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._spacer = self.toolbar.addWidget(spacer)
        self.clear_action = self.toolbar.addAction("Clear", self.clear)
        self.clear_action.setToolTip("Forget what this plot has drawn")
        self.export_action = self.toolbar.addAction("Export…", self.export_dialog)
        self.export_action.setToolTip("Save as PNG, SVG or CSV")

        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setBackground(style.BACKGROUND)
        self.graphics.ci.setContentsMargins(4, 4, 8, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.graphics, 1)

    # ------------------------------------------------------------------ building
    def add_plot(self, row: int = 0, col: int = 0, left: str = "", bottom: str = "",
                 **kwargs: Any) -> pg.PlotItem:
        plot = self.graphics.addPlot(row=row, col=col, **kwargs)
        return style.style_plot(plot, left=left, bottom=bottom)

    def add_toggle(self, text: str, checked: bool, slot, tooltip: str = "") -> QAction:
        """A checkable toolbar action placed before the spacer; `slot(checked)` runs on toggle."""
        action = QAction(text, self)
        action.setCheckable(True)
        action.setChecked(checked)
        action.setToolTip(tooltip)
        action.toggled.connect(slot)
        self.toolbar.insertAction(self._spacer, action)
        return action

    def add_tool(self, widget: QWidget) -> None:
        """Any small widget (a combo box, a spin box) placed before the spacer."""
        self.toolbar.insertWidget(self._spacer, widget)

    # ------------------------------------------------------------------ the contract
    def update_snapshot(self, snapshot: Any) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        self.status.setText("")

    # ------------------------------------------------------------------ export
    def export(self, path: str | os.PathLike) -> Path:
        """Write the plot to `path`; the extension chooses: .png, .svg or .csv."""
        path = Path(path)
        ext = path.suffix.lower()
        if ext == ".png":
            exporter = exporters.ImageExporter(self.graphics.scene())
            exporter.parameters()["antialias"] = True
            exporter.export(str(path))
        elif ext == ".svg":
            try:
                exporters.SVGExporter(self.graphics.scene()).export(str(path))
            except ValueError:
                # pyqtgraph 0.14 cannot parse the closepath ("Z") that Qt 6.12 writes into SVG
                # paths; Qt's own generator renders the same scene to a valid SVG.
                self._export_svg_with_qt(path)
        elif ext == ".csv":
            self.export_csv(path)
        else:
            raise ValueError(f"cannot export to {path.name!r}: use a .png, .svg or .csv file")
        return path

    def _export_svg_with_qt(self, path: Path) -> None:
        scene = self.graphics.scene()
        rect = scene.sceneRect()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(rect.size().toSize())
        generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle(self.title)
        painter = QPainter(generator)
        try:
            scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
        finally:
            painter.end()

    def csv_plots(self) -> list[pg.PlotItem]:
        """The PlotItems whose curves go into a CSV export (all of them by default)."""
        return [item for item in self.graphics.ci.items if isinstance(item, pg.PlotItem)]

    def export_csv(self, path: Path) -> None:
        """pyqtgraph's CSVExporter per plot, columns side by side in one file."""
        header: list[str] = []
        columns: list[list[str]] = []
        with tempfile.TemporaryDirectory() as tmp:
            for k, plot in enumerate(self.csv_plots()):
                part = Path(tmp) / f"{k}.csv"
                exporter = exporters.CSVExporter(plot)
                exporter.parameters()["columnMode"] = "(x,y) per plot"
                exporter.export(str(part))
                with open(part, newline="") as f:
                    rows = list(csv.reader(f))
                if not rows or not rows[0]:
                    continue
                header += rows[0]
                columns += [list(col) for col in itertools.zip_longest(*rows[1:], fillvalue="")] or \
                    [[] for _ in rows[0]]
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(itertools.zip_longest(*columns, fillvalue=""))

    def export_dialog(self) -> None:
        name = self.title.lower().replace(" ", "-")
        path, chosen = QFileDialog.getSaveFileName(self, f"Export {self.title}", f"{name}.png",
                                                   EXPORT_FILTERS)
        if path:
            if not Path(path).suffix:
                path += "." + chosen.split("*.")[-1].rstrip(")")
            self.export(path)


def write_matrix_csv(path: Path, matrix: np.ndarray, header: list[str] | None = None) -> None:
    """CSV of a 2-D array (image plots export their data, which no curve exporter sees)."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        if header:
            writer.writerow(header)
        writer.writerows([[f"{v:.6g}" for v in row] for row in np.atleast_2d(matrix)])

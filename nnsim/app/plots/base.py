"""PlotPanel: the common frame of every plot — a header row (toggles, status, Clear, Export…)
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
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QPainter, QPalette
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QStackedLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnsim.engine.atomic_write import SaveError, atomic_file

from ..dialogs import plain_message
from ..live_label import LiveLabel
from . import style

EXPORT_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;CSV data (*.csv)"
# The least data area of every plot (inside its axes), in pixels: smaller is not legible.
MIN_PLOT_AREA = (200, 150)


class PlotPanel(QWidget):
    """A plot widget with Clear and Export…; subclasses set `title` and implement the update."""

    title = "Plot"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A header row: toggles, the status line (takes the free width, clipped first), actions.
        self.header = QWidget(self)
        self._header_layout = QHBoxLayout(self.header)
        self._header_layout.setContentsMargins(4, 2, 4, 2)
        self._header_layout.setSpacing(2)
        # Changes every frame: a LiveLabel repaints without re-laying the window out.
        self.status = LiveLabel("", self.header, indent=4)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        palette = self.status.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(0x37, 0x41, 0x4B))
        self.status.setPalette(palette)
        self._header_layout.addWidget(self.status, 1)
        self.clear_action = self._add_button("Clear", self.clear, "Forget what this plot has drawn")
        self.export_action = self._add_button("Export…", self.export_dialog, "Save as PNG, SVG or CSV")

        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setBackground(style.BACKGROUND)
        self.graphics.ci.setContentsMargins(4, 4, 8, 4)
        # Two pages: the plot (header, graphics and whatever a subclass adds to
        # `content_layout`), or one sentence saying why the plot does not apply.
        self.content = QWidget(self)
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 0, 0, 0)
        self.content_layout.setSpacing(0)
        self.content_layout.addWidget(self.header)
        self.content_layout.addWidget(self.graphics, 1)
        self.header.setParent(self.content)
        self.graphics.setParent(self.content)
        self.unavailable_label = QLabel("", self)
        self.unavailable_label.setObjectName("unavailable")
        self.unavailable_label.setWordWrap(True)
        self.unavailable_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unavailable_label.setMargin(16)
        self.unavailable_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        font = self.unavailable_label.font()
        font.setPointSize(style.FONT_PT + 2)
        self.unavailable_label.setFont(font)
        self.unavailable_label.setStyleSheet(
            "QLabel#unavailable { color: #37414b; background: white; }")
        self._pages = QStackedLayout(self)
        self._pages.setContentsMargins(0, 0, 0, 0)
        self._pages.addWidget(self.content)
        self._pages.addWidget(self.unavailable_label)
        self.unavailable_reason: str | None = None

    # ------------------------------------------------------------------ building
    def add_plot(self, row: int = 0, col: int = 0, left: str = "", bottom: str = "",
                 **kwargs: Any) -> pg.PlotItem:
        plot = self.graphics.addPlot(row=row, col=col, **kwargs)
        plot.getViewBox().setMinimumSize(*MIN_PLOT_AREA)
        style.style_plot(plot, left=left, bottom=bottom)
        self.fit_minimum_size()
        return plot

    def fit_minimum_size(self) -> None:
        """The graphics' minimum size: every plot area at least MIN_PLOT_AREA with its axes,
        labels and legend rows around it, so a dock or splitter never squeezes it below."""
        hint = self.graphics.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize)
        self.graphics.setMinimumSize(int(np.ceil(hint.width())), int(np.ceil(hint.height())))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.fit_minimum_size()  # labels and legends set after the plots were added
        super().showEvent(event)

    def _add_button(self, text: str, slot, tooltip: str, checkable: bool = False,
                    index: int = -1) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tooltip)
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        button = QToolButton(self.header)
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        self._header_layout.insertWidget(index, button)
        return action

    def add_action(self, text: str, slot, tooltip: str = "") -> QAction:
        """A push button left of the status line."""
        return self._add_button(text, slot, tooltip, index=self._header_layout.indexOf(self.status))

    def add_toggle(self, text: str, checked: bool, slot, tooltip: str = "") -> QAction:
        """A checkable button left of the status line; `slot(checked)` runs on toggle."""
        action = self._add_button(text, slot, tooltip, checkable=True,
                                  index=self._header_layout.indexOf(self.status))
        action.blockSignals(True)
        action.setChecked(checked)
        action.blockSignals(False)
        return action

    def add_tool(self, widget: QWidget) -> None:
        """Any small widget (a combo box, a spin box) left of the status line."""
        self._header_layout.insertWidget(self._header_layout.indexOf(self.status), widget)

    # ------------------------------------------------------------------ the contract
    def set_unavailable(self, reason: str | None) -> None:
        """With a reason (a sentence saying what to do), hide the plot and show only that
        sentence, centred and wrapped; None brings the plot back.  Snapshots keep arriving
        meanwhile (histories stay complete)."""
        reason = reason or None
        self.unavailable_reason = reason
        self.unavailable_label.setText(reason or "")
        self._pages.setCurrentWidget(self.unavailable_label if reason else self.content)

    @property
    def is_unavailable(self) -> bool:
        return self.unavailable_reason is not None

    def update_snapshot(self, snapshot: Any) -> None:
        raise NotImplementedError

    def set_status(self, text: str) -> None:
        """The one-line summary left of Clear (elided when narrow; the tooltip keeps it whole)."""
        self.status.setText(text)

    def clear(self) -> None:
        self.set_status("")

    # ------------------------------------------------------------------ export
    def export(self, path: str | os.PathLike) -> Path:
        """Write the plot to `path`; the extension chooses: .png, .svg or .csv.  The exporters
        write into a private folder and the result replaces `path` atomically (atomic_file:
        through a symlink, never over a folder or a read-only file, SaveError naming `path`),
        so a failed export leaves the user's old file as it was."""
        path = Path(path)
        ext = path.suffix.lower()
        if ext not in (".png", ".svg", ".csv"):
            raise ValueError(f"cannot export to {path.name!r}: use a .png, .svg or .csv file")
        with tempfile.TemporaryDirectory(prefix="nnsim-export-") as tmp:
            part = Path(tmp) / f"plot{ext}"
            self._export_to(part, ext)
            data = part.read_bytes()
        with atomic_file(path, "wb") as fh:
            fh.write(data)
        return path

    def _export_to(self, path: Path, ext: str) -> None:
        import pyqtgraph.exporters as exporters  # here, not at start-up: ~5 ms

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
        else:
            self.export_csv(path)
        if not path.is_file():  # Qt's image writer reports failure only by writing nothing
            raise SaveError(path, "the image could not be written")

    def _export_svg_with_qt(self, path: Path) -> None:
        """The view as drawn on screen, through Qt's SVG generator."""
        view = self.graphics
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(view.size())
        generator.setViewBox(QRectF(0, 0, view.width(), view.height()))
        generator.setResolution(int(round(view.logicalDpiX())))
        generator.setTitle(self.title)
        painter = QPainter(generator)
        # Export mode, as pyqtgraph's exporters set it: scatters draw real paths instead of
        # fragments of a pixmap atlas, which an SVG cannot crop.
        items = [item for item in view.scene().items() if hasattr(item, "setExportMode")]
        opts = {"antialias": True, "background": view.backgroundBrush().color(), "painter": painter}
        try:
            for item in items:
                item.setExportMode(True, opts)
            view.render(painter)
        finally:
            for item in items:
                item.setExportMode(False, opts)
            painter.end()

    def csv_plots(self) -> list[pg.PlotItem]:
        """The PlotItems whose curves go into a CSV export (all of them by default)."""
        return [item for item in self.graphics.ci.items if isinstance(item, pg.PlotItem)]

    def export_csv(self, path: Path) -> None:
        """pyqtgraph's CSVExporter per plot, columns side by side in one file."""
        import pyqtgraph.exporters as exporters

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
            try:
                self.export(path)
            except (OSError, ValueError) as exc:  # the user's old file is untouched
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else plain_message(exc)
                QMessageBox.warning(self, f"Export {self.title}", f"{path}: {reason}",
                                    QMessageBox.StandardButton.Ok)


def write_matrix_csv(path: Path, matrix: np.ndarray, header: list[str] | None = None) -> None:
    """CSV of a 2-D array (image plots export their data, which no curve exporter sees)."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        if header:
            writer.writerow(header)
        writer.writerows([[f"{v:.6g}" for v in row] for row in np.atleast_2d(matrix)])


class EnginePlot(PlotPanel):
    """A plot whose picture the engine computes only on request (the layer view, the loss
    landscape): it emits `spec_changed(spec)` with what it wants while it is on screen and
    applies, None when hidden or not applicable, and only when that changes.  Subclasses give
    `wanted_spec()` and call `_emit()` when a choice of theirs changes it."""

    spec_changed = Signal(object)  # the spec wanted, or None (hidden, not applicable)
    _sent: Any = "nothing"  # the spec emitted last (a sentinel before the first)

    def wanted_spec(self) -> Any:
        raise NotImplementedError

    def _emit(self) -> None:
        wanted = self.wanted_spec()
        if wanted != self._sent:
            self._sent = wanted
            self.spec_changed.emit(wanted)

    def announce(self) -> None:
        """Emit what the plot wants now, even if it was emitted before (a new listener)."""
        self._sent = "nothing"
        self._emit()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._emit()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().hideEvent(event)
        self._emit()

    def set_unavailable(self, reason: str | None) -> None:
        super().set_unavailable(reason)
        self._emit()

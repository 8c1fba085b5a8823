"""How a hidden layer bends the input plane: the plane's grid lines and the data points, mapped
through the network up to a chosen hidden layer and drawn in that layer's own space
(nnsim.engine.layer_view).  A layer of two units is its own 2-D space (unit a across, unit b
up), where the output unit's line w_a*a + w_b*b + b_out = 0 is exact; a wider layer is projected
on its first two principal directions or on two chosen units (the line then approximate).

The plot asks the engine for what it shows: `spec_changed(spec)` carries the LayerViewSpec
wanted while the plot is on screen and applies, None when it is hidden (the engine then computes
nothing); the owner forwards it to the engine (LearningDocks).  Items are made once; every frame
sets their data.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from nnsim.engine.layer_view import LayerViewSpec

from . import style
from .base import EnginePlot
from .calm_axis import CalmAxis
from .decision import line_in_box, marker_style
from .points import class_labels

# The two families of grid lines: where x1 is constant (the plane's vertical lines) and where
# x2 is (its horizontal ones), each in its own muted colour so one sees which way each bends.
X1_COLOR = (96, 125, 180)  # slate blue
X2_COLOR = (196, 140, 90)  # tan
GRID_WIDTH = 1.0
LINE_COLOR = (33, 33, 33)  # the output's line, as the decision map's boundary
PCA = "principal directions"  # the first two: where the layer's points spread most
UNITS = "two units"


def family_data(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, connect) drawing each of `lines` (k, points, 2) as its own polyline in one item."""
    k, n = lines.shape[:2]
    connect = np.ones((k, n), dtype=bool)
    connect[:, -1] = False  # no segment from one line's end to the next line's start
    return lines[:, :, 0].ravel(), lines[:, :, 1].ravel(), connect.ravel()


class LayerViewPlot(EnginePlot):
    title = "Layer view"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._units: tuple[str, ...] = ()  # the shown layer's units (from the engine's view)
        self._build_choosers()
        self.plot = self.add_plot(0, 0, left="up", bottom="across")  # the units' names come
        self.view = self.plot.getViewBox()
        self.x1_lines = pg.PlotCurveItem(pen=style.pen(X1_COLOR, GRID_WIDTH))
        self.x2_lines = pg.PlotCurveItem(pen=style.pen(X2_COLOR, GRID_WIDTH))
        self.out_line = pg.PlotCurveItem(pen=style.pen(LINE_COLOR, 2.2))
        self.scatter = pg.ScatterPlotItem(size=9, pen=pg.mkPen(255, 255, 255, 230, width=1.2))
        self.line_label = pg.TextItem("approx.", color=LINE_COLOR, anchor=(0.5, 1.1),
                                      fill=pg.mkBrush(255, 255, 255, 200))
        for item in (self.x1_lines, self.x2_lines, self.out_line, self.scatter, self.line_label):
            self.plot.addItem(item)
        self.line_label.setVisible(False)
        self.axes = (CalmAxis(self.plot, "x", lead=0.0), CalmAxis(self.plot, "y", lead=0.0))
        self.view.sigRangeChanged.connect(lambda *_: self._draw_line())
        # a key row under the plot (style.key_row, closer columns: one row fits ~450 px)
        self.legend = pg.LegendItem(colCount=3, horSpacing=12, labelTextColor=style.INK,
                                    labelTextSize=f"{style.FONT_PT}pt")
        self.graphics.addItem(self.legend, row=1, col=0)
        self.graphics.ci.layout.setRowStretchFactor(1, 0)
        style.compact_row(self.graphics, self.legend)
        self._legend_key: tuple = ()
        self.layer_view: Any = None  # the LayerView drawn last
        self.line: tuple[float, float, float] | None = None
        self.exact = True  # as the key starts (a 2-unit layer's line)
        self._relayout = False
        self._wide_key = 0.0
        self._axes_key: tuple = ()
        self._legend_for()

    # ------------------------------------------------------------------ choosers
    def _build_choosers(self) -> None:
        """A row above the plot: the hidden layer, and for a layer of 3+ units the projection
        (principal directions, or two units chosen across and up)."""
        self.choosers = QWidget(self.content)
        row = QHBoxLayout(self.choosers)
        row.setContentsMargins(4, 0, 4, 2)
        row.setSpacing(4)
        self.layer_box = QComboBox(self.choosers)
        self.layer_box.setToolTip("The hidden layer whose view of the plane is drawn")
        self.projection_box = QComboBox(self.choosers)
        self.projection_box.addItems([PCA, UNITS])
        self.projection_box.setToolTip("A layer of three or more units is drawn on two directions: "
                                       "the two along which its points spread most, or two of "
                                       "its units")
        # the pair on a line of its own, shown while it is chosen: one line would be ~420 px,
        # wider than the right column at 1280x720
        self.pair_row = QWidget(self.content)
        pair = QHBoxLayout(self.pair_row)
        pair.setContentsMargins(4, 0, 4, 2)
        pair.setSpacing(4)
        self.across_box = QComboBox(self.pair_row)
        self.across_box.setToolTip("The unit drawn across")
        self.up_box = QComboBox(self.pair_row)
        self.up_box.setToolTip("The unit drawn up")
        self.across_label = QLabel("across", self.pair_row)
        self.up_label = QLabel("up", self.pair_row)
        for box in (self.layer_box, self.projection_box, self.across_box, self.up_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for widget in (self.layer_box, self.projection_box):
            row.addWidget(widget)
        row.addStretch(1)
        for widget in (self.across_label, self.across_box, self.up_label, self.up_box):
            pair.addWidget(widget)
        pair.addStretch(1)
        self.content_layout.insertWidget(1, self.choosers)  # under the header, above the plot
        self.content_layout.insertWidget(2, self.pair_row)
        for box in (self.layer_box, self.projection_box, self.across_box, self.up_box):
            box.currentIndexChanged.connect(self._on_chosen)
        self._show_choosers()

    def _show_choosers(self) -> None:
        many_layers = self.layer_box.count() > 1
        wide = len(self._units) > 2
        pair = wide and self.projection_box.currentText() == UNITS
        self.layer_box.setVisible(many_layers)
        self.projection_box.setVisible(wide)
        self.choosers.setVisible(many_layers or wide)
        self.pair_row.setVisible(pair)

    def spec(self) -> LayerViewSpec:
        """What the choosers ask for."""
        layer = max(self.layer_box.currentIndex(), 0)
        units = None
        if len(self._units) > 2 and self.projection_box.currentText() == UNITS:
            a, b = self.across_box.currentText(), self.up_box.currentText()
            if a and b and a != b:
                units = (a, b)
        return LayerViewSpec(layer, units)

    def wanted_spec(self) -> LayerViewSpec | None:
        """The spec while the plot is on screen and applies, else None (nothing to compute)."""
        return self.spec() if self.isVisible() and not self.is_unavailable else None

    def _on_chosen(self, _index: int = 0) -> None:
        if self.sender() is self.layer_box:  # another layer: its units come with its view
            self._units = ()
            self._set_items(self.across_box, ())
            self._set_items(self.up_box, ())
            self.projection_box.blockSignals(True)
            self.projection_box.setCurrentText(PCA)
            self.projection_box.blockSignals(False)
        self._show_choosers()
        self._emit()

    @staticmethod
    def _set_items(box: QComboBox, items, current: str | None = None) -> None:
        items = tuple(items)
        box.blockSignals(True)
        if tuple(box.itemText(i) for i in range(box.count())) != items:
            box.clear()
            box.addItems(items)
        if current is not None and box.findText(current) >= 0:
            box.setCurrentIndex(box.findText(current))
        box.blockSignals(False)

    def _accept(self, view) -> bool:
        """Take the engine's lists (its hidden layers, the shown layer's units) into the
        choosers, and say whether `view` is what they ask for: a view sent before the user's
        last choice (still in flight) is not drawn.  A layer or a unit that is gone (the
        network changed) falls back to one that is, and the engine is asked again."""
        self._set_items(self.layer_box, [label.split(":")[0] for label in view.layers])
        for k, label in enumerate(view.layers):
            self.layer_box.setItemData(k, label, Qt.ItemDataRole.ToolTipRole)
        wanted = self.layer_box.currentIndex()
        if not 0 <= wanted < len(view.layers):
            self.layer_box.blockSignals(True)
            self.layer_box.setCurrentIndex(int(view.layer))
            self.layer_box.blockSignals(False)
            wanted = int(view.layer)
        if int(view.layer) != wanted:
            self._emit()
            return False
        units = tuple(view.units)
        if units != self._units:
            self._units = units
            if len(units) > 2:
                across, up = self.across_box.currentText(), self.up_box.currentText()
                if across not in units or up not in units or across == up:
                    across, up = units[:2]
                self._set_items(self.across_box, units, across)
                self._set_items(self.up_box, units, up)
        self._show_choosers()
        self._emit()  # the choosers changed with the lists: ask for what they show now
        pair = self.spec().units
        if pair is not None:
            return view.projection == "units" and tuple(view.axes) == pair
        return len(units) <= 2 or view.projection == "pca"

    def choose(self, layer: int | None = None, units: tuple[str, str] | None | str = "keep") -> None:
        """Choose as a user would: a layer, and units=(across, up) or None for the principal
        directions."""
        if layer is not None:
            self.layer_box.setCurrentIndex(int(layer))
        if units != "keep":
            boxes = (self.projection_box, self.across_box, self.up_box)
            for box in boxes:
                box.blockSignals(True)
            self.projection_box.setCurrentText(PCA if units is None else UNITS)
            if units is not None:
                self.across_box.setCurrentText(units[0])
                self.up_box.setCurrentText(units[1])
            for box in boxes:
                box.blockSignals(False)
            self._on_chosen()

    # ------------------------------------------------------------------ shown or not
    # ------------------------------------------------------------------ drawing
    def update_snapshot(self, snapshot: Any) -> None:
        view = getattr(snapshot, "layer_view", None)
        if view is None:
            return
        self.show_view(view)

    def theme_changed(self) -> None:
        """A new palette or theme (nnsim.app.theme): the key and the points again."""
        self._legend_key = ()
        if getattr(self, "layer_view", None) is not None:
            self.show_view(self.layer_view)

    def show_view(self, view) -> None:
        """Draw a LayerView (nnsim.engine.layer_view)."""
        if not self._accept(view):
            return
        self.layer_view = view
        grid = np.asarray(view.grid, dtype=float)
        half = grid.shape[0] // 2  # the engine's vertical lines come first (grid_lines)
        x, y, connect = family_data(grid[:half])  # x1 fixed along each: the plane's verticals
        self.x1_lines.setData(x, y, connect=connect)
        x, y, connect = family_data(grid[half:])
        self.x2_lines.setData(x, y, connect=connect)
        points = np.asarray(view.points, dtype=float).reshape(-1, 2)
        labels = class_labels(view.labels if len(view.labels) == len(points) else None, len(points))
        if len(points):
            size, alpha, outline = marker_style(len(points))
            brushes = [pg.mkBrush(*style.class_color(c), int(round(255 * alpha)))
                       for c in range(int(labels.max()) + 1)]
            pen = style.point_pen(0.9 * outline) if outline > 0.05 else pg.mkPen(None)
            self.scatter.setData(points[:, 0], points[:, 1], brush=[brushes[c] for c in labels],
                                 symbol=[style.class_symbol(c) for c in labels], size=size,
                                 pen=pen)
        else:
            self.scatter.setData([], [])
        axes_key = (view.layer, tuple(view.axes), view.projection)
        if axes_key != self._axes_key:  # other axes: fit afresh
            self._axes_key = axes_key
            for axis in self.axes:
                axis.reset()
            self.plot.setLabel("bottom", view.axes[0], color="#{:02x}{:02x}{:02x}".format(*style.INK),
                               **{"font-size": f"{style.FONT_PT + 1}pt"})
            self.plot.setLabel("left", view.axes[1], color="#{:02x}{:02x}{:02x}".format(*style.INK),
                               **{"font-size": f"{style.FONT_PT + 1}pt"})
            self._relayout = True
        both = np.concatenate([grid.reshape(-1, 2), points])
        for k, axis in enumerate(self.axes):  # a marker's room beyond the outermost points
            lo, hi = float(np.nanmin(both[:, k])), float(np.nanmax(both[:, k]))
            pad = 0.04 * (hi - lo)
            axis.fit([lo - pad, hi + pad])
        self.line = tuple(float(v) for v in view.line) if view.line is not None else None
        self.exact = bool(view.exact)
        self._draw_line()
        self._legend_for(int(labels.max(initial=1)) + 1)
        self._fit_key()  # and laid out now when the axis labels or the key changed: this frame
        self.set_status(self._summary(view))

    def _summary(self, view) -> str:
        """The layer (its units), and how it is drawn when it is projected."""
        label = view.layers[view.layer] if view.layers else ""
        if view.projection == "pca":
            return f"{label} · principal directions"
        if len(view.units) > 2:
            return f"{label} · {view.axes[0]} across, {view.axes[1]} up"
        return label

    def _draw_line(self) -> None:
        """The output's line a*u + b*v + c = 0 across the view (solid when exact, dashed and
        labelled approx. otherwise)."""
        ends = None
        if self.line is not None:
            (x0, x1), (y0, y1) = self.view.viewRange()
            a, b, c = self.line
            ends = line_in_box(a, b, c, (x0, x1, y0, y1))
        if ends is None:
            self.out_line.setData([], [])
            self.line_label.setVisible(False)
            return
        (px, py), (qx, qy) = ends
        self.out_line.setPen(style.pen(LINE_COLOR, 2.2, dashed=not self.exact))
        self.out_line.setData([px, qx], [py, qy])
        self.line_label.setVisible(not self.exact)
        if not self.exact:
            self.line_label.setPos(px + 0.25 * (qx - px), py + 0.25 * (qy - py))

    def line_points(self) -> np.ndarray:
        """The drawn ends of the output's line, (2, 2) (empty when none is drawn)."""
        x, y = self.out_line.getData()
        if x is None or not len(x):
            return np.empty((0, 2))
        return np.column_stack([x, y])

    def _legend_for(self, classes: int = 2) -> None:
        """The key: both grid families, the classes and the output's line, all listed from the
        start (rows that came with the first frame would move the plot under them)."""
        key = (classes, self.exact)
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.clear()  # (pyqtgraph moves the key to (0, 0) until it is laid out again)
        self._relayout = True
        self.legend.addItem(pg.PlotDataItem(pen=style.pen(X1_COLOR, 1.5)), "x₁ = const")
        self.legend.addItem(pg.PlotDataItem(pen=style.pen(X2_COLOR, 1.5)), "x₂ = const")
        for label in [1, 0] + list(range(2, classes)):
            self.legend.addItem(pg.ScatterPlotItem(symbol=style.class_symbol(label), size=9,
                                                   brush=pg.mkBrush(*style.class_color(label)),
                                                   pen=style.point_pen()), f"class {label}")
        self.legend.addItem(pg.PlotDataItem(pen=style.pen(LINE_COLOR, 2.2, dashed=not self.exact)),
                            "output 0.5" if self.exact else "output 0.5 (approx.)")
        self.measure_key()

    def measure_key(self) -> None:
        """Measure the key's width in one row again (after its entries or fonts changed, e.g.
        presenter mode's larger fonts) and lay it out at once: a key whose columns were changed
        sits at (0, 0), over the plot, until it is laid out."""
        columns = self.legend.columnCount
        self.legend.setColumnCount(5)
        self._wide_key = self.legend.width()  # the key in one row
        self.legend.setColumnCount(columns)
        self._relayout = True
        self.fit_minimum_size()  # the key's rows count in the least height

    def _fit_key(self, columns: int | None = None) -> None:
        """The key in one row when the plot is wide enough (a row's height more for the plot),
        else in rows of three; laid out at once when it or the axis labels changed, so the
        frame being drawn has it in place (pyqtgraph puts a rebuilt key at (0, 0) until then)."""
        if columns is None:
            columns = 5 if self._wide_key + 12 <= self.graphics.width() else 3
        if columns != self.legend.columnCount:
            self.legend.setColumnCount(columns)
            self._relayout = True
        if self._relayout:
            self._relayout = False
            self.graphics.ci.layout.invalidate()
            self.graphics.ci.layout.activate()

    def fit_minimum_size(self) -> None:
        """The least size with the key in rows of three (it goes to one row when there is room)."""
        if not hasattr(self, "legend"):
            super().fit_minimum_size()
            return
        self._fit_key(3)
        super().fit_minimum_size()
        self._fit_key()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_key()

    # ------------------------------------------------------------------ clear
    def clear(self) -> None:
        super().clear()
        self.layer_view = None
        for item in (self.x1_lines, self.x2_lines, self.out_line):
            item.setData([], [])
        self.scatter.setData([], [])
        self.line = None
        self.line_label.setVisible(False)
        self._axes_key = ()
        for axis in self.axes:
            axis.reset()

    def export_csv(self, path) -> None:
        """The mapped grid lines and data: one row per point (what, index, across, up)."""
        import csv

        view = self.layer_view
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            if view is None:
                writer.writerow(["what", "index", "across", "up"])
                return
            writer.writerow(["what", "index", view.axes[0], view.axes[1]])
            grid = np.asarray(view.grid)
            for k, line in enumerate(grid):
                what = "x1 line" if k < grid.shape[0] // 2 else "x2 line"
                for u, v in line:
                    writer.writerow([what, k, f"{u:.6g}", f"{v:.6g}"])
            for k, (u, v) in enumerate(np.asarray(view.points)):
                writer.writerow([f"point (class {view.labels[k]:g})" if k < len(view.labels)
                                 else "point", k, f"{u:.6g}", f"{v:.6g}"])


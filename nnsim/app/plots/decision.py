"""Decision regions of a two-input network: its output over the input plane as a heatmap, the
data coloured by class, the 0.5 contour and, optionally, each first-layer unit's line
w1*x1 + w2*x2 + b = 0 — the half-planes the hidden units carve the plane into.

Drawing data: left click adds a point of class 1 (or of `set_left_click_class(k)`), right click
one of class 0.  Each click emits `point_added(x, y, label)`.  By default the plot also keeps the
drawn points itself (shown with the data, `undo_point`, `clear_points`, `points_changed`); an
owner that keeps its own undoable list (the data panel) passes `keep_points=False` and shows the
result with `set_dataset(X, y)`.

Every frame reuses the same items: setImage on float32 with fixed levels and LUT, one curve for
the whole contour, one for all unit lines (connect="pairs").
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QComboBox

from ..numbers import format_value
from ..readouts import Incoming, y_lines, z_lines
from . import style
from .base import PlotPanel, write_matrix_csv
from .clickview import ClickViewBox, PassiveScatter
from .contour import contour_segments
from .points import class_labels

CONTOUR_COLOR = (33, 33, 33)
LINE_COLOR = (90, 90, 90)
HALO_COLOR = (247, 247, 247)  # the map's own pale middle, under the key's line samples


class MapLineSample(pg.ItemSample):
    """The key's sample of a line drawn over the pale map (the boundary, unit lines): the dark
    line on a strip of the map's pale colour, so it reads as on the map in any theme (a dark
    line alone vanished on the dark and high-contrast themes' key)."""

    def paint(self, p, *args) -> None:
        p.setRenderHint(p.RenderHint.Antialiasing)
        p.setPen(pg.mkPen(HALO_COLOR, width=7))
        p.drawLine(0, 11, 20, 11)
        super().paint(p, *args)

F32_MAX = float(np.finfo(np.float32).max)  # larger outputs are clipped, not overflowed
FEW_POINTS, MANY_POINTS = 50, 400  # markers shrink and fade between these counts (marker_style)


class DecisionPlot(PlotPanel):
    title = "Decision regions"
    point_added = Signal(float, float, int)  # x1, x2, class label
    points_changed = Signal()  # the drawn points changed (added, undone, cleared)
    sample_picked = Signal(int)  # with set_picking(True): the index of the data point clicked

    def __init__(self, parent=None, keep_points: bool = True) -> None:
        super().__init__(parent)
        self.keep_points = keep_points
        self.left_click_class = 1
        self.view = ClickViewBox()
        self.plot = self.add_plot(0, 0, left="x₂", bottom="x₁", viewBox=self.view)
        self.plot.setAspectLocked(True)
        self.view.clicked.connect(self._on_click)

        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.lut = style.pale_lut(0.45)
        self.image.setLookupTable(self.lut)
        self.plot.addItem(self.image)
        self.contour = pg.PlotCurveItem(connect="pairs", pen=style.pen(CONTOUR_COLOR, 2.2))
        self.lines = pg.PlotCurveItem(connect="pairs", pen=style.pen(LINE_COLOR, 1.3, dashed=True))
        # a short tick from each line's middle towards w: the side where the unit's z > 0
        self.normals = pg.PlotCurveItem(connect="pairs", pen=style.pen(LINE_COLOR, 2.0))
        self.scatter = PassiveScatter(size=10, pen=pg.mkPen(255, 255, 255, 230, width=1.2))
        for item in (self.lines, self.normals, self.contour, self.scatter):
            self.plot.addItem(item)
        self.labels: list[pg.TextItem] = []
        # The network's current input, marked with its z and y while no rule runs and the data
        # are few (lesson 1's (-1, 2) with z = -6, y = 0.00247).
        self.probe = pg.ScatterPlotItem(size=22, symbol="o", brush=pg.mkBrush(None),
                                        pen=style.pen(style.INK, 2.0))
        self.probe_label = pg.TextItem(color=style.INK, anchor=(0.0, 1.1),
                                       fill=pg.mkBrush(*style.BACKGROUND, 215))
        self.plot.addItem(self.probe)
        self.plot.addItem(self.probe_label)
        self.probe_text = ""
        self._hide_probe()
        # picking (the step-by-step backprop view): a click chooses the nearest data point,
        # marked by a ring, instead of adding one
        self.picking = False
        self.sample_ring = pg.ScatterPlotItem(size=24, symbol="o", brush=pg.mkBrush(None),
                                              pen=style.pen((124, 77, 255), 3.0))
        self.sample_ring.setZValue(5)
        self.plot.addItem(self.sample_ring)
        self.tiles = Tiles(self)
        self._legend()

        self.show_unit_lines = True
        self.show_contour = True
        self.lines_action = self.add_toggle("lines", True, self.set_show_unit_lines,
                                            "Each first-layer unit's line w1·x1 + w2·x2 + b = 0")
        self.contour_action = self.add_toggle("contour", True, self.set_show_contour,
                                              "The 0.5 contour: where the output crosses its middle")
        self.neuron_box = QComboBox(self)
        self.neuron_box.addItem("output")
        self.neuron_box.setToolTip("Show the network's output, or one neuron's own map")
        self.neuron_box.currentIndexChanged.connect(lambda _i: self._redraw_last())
        self.add_tool(self.neuron_box)
        if keep_points:
            self.add_action("Undo", self.undo_point, "Remove the last point you drew")
            self.add_action("Clear points", self.clear_points, "Remove every point you drew")

        self.levels: tuple[float, float] = (0.0, 1.0)
        self._auto_levels = True
        self._negative: set[str] = set()  # maps (output or neuron) seen below zero
        self._targets: tuple[float, float] | None = None  # the data's target range, when 1-D
        self._extent: tuple[float, ...] | None = None
        self._shape: tuple[int, ...] | None = None
        self._rgba = False
        self.grid: np.ndarray | None = None
        self.data_X = np.empty((0, 2))
        self.data_labels = np.empty(0, dtype=int)
        self.drawn: list[tuple[float, float, int]] = []
        self._lines: list = []
        self._decision: Any = None
        self._snapshot: Any = None
        self.set_status("")
        self.graphics.setToolTip("Left click adds a point of class 1, right click one of class 0")

    def _legend(self, classes: int = 2, points: bool = True) -> None:
        """A legend row under the plot, so it never hides data; the classes only while there
        are points to tell apart."""
        if not hasattr(self, "legend"):
            self.legend = pg.LegendItem(colCount=2, labelTextColor=style.INK,
                                        labelTextSize=f"{style.FONT_PT}pt")
            self.graphics.addItem(self.legend, row=1, col=0)
            self.graphics.ci.layout.setRowStretchFactor(1, 0)
            style.compact_row(self.graphics, self.legend)  # narrow: the map sets the width
        self.legend.clear()
        self.legend.setColumnCount(max(2, (classes + 2 + 1) // 2))
        self._legend_classes = classes
        self._legend_points = points
        for label in ([1, 0] + list(range(2, classes))) if points else []:
            sample = pg.ScatterPlotItem(symbol=style.class_symbol(label), size=9,
                                        brush=pg.mkBrush(*style.class_color(label)), pen=style.point_pen())
            self.legend.addItem(sample, f"class {label}")
        self.legend.addItem(MapLineSample(pg.PlotDataItem(pen=style.pen(CONTOUR_COLOR, 2.2))),
                            "boundary")
        self.legend.addItem(MapLineSample(pg.PlotDataItem(pen=style.pen(LINE_COLOR, 1.3, dashed=True))),
                            "unit lines")

    # ------------------------------------------------------------------ the map
    def update_snapshot(self, snapshot: Any) -> None:
        decision = getattr(snapshot, "decision", None)
        if decision is None:
            return
        self._decision = decision
        self._snapshot = snapshot
        self._redraw_last()
        self._draw_probe(snapshot)

    def _hide_probe(self) -> None:
        self.probe.setData([], [])
        self.probe_label.setVisible(False)
        self.probe_text = ""

    def _draw_probe(self, snapshot: Any) -> None:
        """Mark the input the network shows (its input neurons' values) with z and y of its
        first output, while it is not learning and the data are few (else it is clutter)."""
        if getattr(snapshot, "rule", "") or not 0 < len(self.data_X) <= FEW_POINTS \
                or self.tiles.active:
            self._hide_probe()
            return
        try:
            net = snapshot.network
            names = list(snapshot.names)
            x = [float(snapshot.outputs[names.index(n)]) for n in net.inputs]
            out = net.outputs[0]
            z = float(snapshot.net_inputs[names.index(out)])
            y = float(snapshot.outputs[names.index(out)])
            lines = _probe_lines(snapshot, out, z, y)
        except (AttributeError, ValueError, IndexError, TypeError, KeyError):
            self._hide_probe()
            return
        if len(x) != 2:
            self._hide_probe()
            return
        self.probe.setData([x[0]], [x[1]])
        self.probe_text = "\n".join([f"x = ({format_value(x[0])}, {format_value(x[1])})",
                                      *lines])
        self.probe_label.setText(self.probe_text)
        x_min, x_max, y_min, y_max = self._extent or (-1.5, 1.5, -1.5, 1.5)
        right = x[0] > (x_min + x_max) / 2  # the label on the side with room
        high = x[1] > (y_min + y_max) / 2
        self.probe_label.setAnchor((1.0 if right else 0.0, -0.15 if high else 1.15))
        self.probe_label.setPos(x[0], x[1])
        self.probe_label.setVisible(True)

    def _redraw_last(self) -> None:
        decision = self._decision
        if decision is None:
            return
        grid = getattr(decision, "grid", None)
        extent = getattr(decision, "extent", None)
        if grid is None or extent is None:
            return
        neuron_grids = getattr(decision, "neuron_grids", None) or {}
        self._offer_neurons(tuple(neuron_grids))
        chosen = self.neuron_box.currentText()
        if chosen in neuron_grids:
            grid = neuron_grids[chosen]
        self.set_grid(grid, extent, getattr(decision, "lines", None))

    def _offer_neurons(self, names: tuple[str, ...]) -> None:
        current = tuple(self.neuron_box.itemText(i) for i in range(1, self.neuron_box.count()))
        if names == current:
            return
        chosen = self.neuron_box.currentText()
        self.neuron_box.blockSignals(True)
        self.neuron_box.clear()
        self.neuron_box.addItems(("output",) + names)
        self.neuron_box.setCurrentIndex(max(self.neuron_box.findText(chosen), 0))
        self.neuron_box.blockSignals(False)

    def show_neuron(self, name: str = "output") -> None:
        """Show one neuron's own map (from decision.neuron_grids) instead of the output."""
        index = self.neuron_box.findText(name)
        if index < 0:
            self.neuron_box.addItem(name)
            index = self.neuron_box.count() - 1
        self.neuron_box.setCurrentIndex(index)

    def set_grid(self, grid: np.ndarray, extent, lines=None) -> None:
        """Show `grid` (ny, nx) of outputs — or (ny, nx, k) class probabilities — sampled on
        x in [x_min, x_max], y in [y_min, y_max] (extent), with optional unit `lines`
        [(name, w1, w2, b), ...]."""
        grid = np.asarray(grid)
        multi = grid.ndim == 3 and grid.shape[2] > 1
        if grid.ndim == 3 and not multi:
            grid = grid[:, :, 0]
        self.grid = grid
        extent = tuple(float(v) for v in extent)
        names = self._output_names(grid)
        if self.tiles.show_maps(names and (grid, extent, names)):
            return  # independent outputs, each its own map, side by side
        ny, nx = grid.shape[:2]
        xs = np.linspace(extent[0], extent[1], nx)
        ys = np.linspace(extent[2], extent[3], ny)
        if multi:
            self._show_classes(grid)
        else:
            self._show_output(grid)
        if extent != self._extent or grid.shape[:2] != self._shape:
            self._place(extent, nx, ny)
        if self.show_contour:
            self._draw_contour(grid, xs, ys, multi)
        self._lines = list(lines or [])
        self._draw_lines(self._lines)

    def _neuron_levels(self, key: str) -> tuple[float, float] | None:
        """The levels the canvas paints neuron `key`'s map with (snapshot.neuron_maps, else its
        unit's: nnsim.engine.neuron_maps.unit_levels); None for the output map."""
        if key == "output":
            return None
        maps = getattr(self._decision, "neuron_maps", None)
        levels = getattr(maps, "levels", None) or {}
        if key in levels:
            return tuple(float(v) for v in levels[key])
        try:
            from nnsim.engine.neuron_maps import unit_levels

            return unit_levels(self._snapshot.network.neuron(key).activation)
        except (AttributeError, KeyError, ValueError):
            return None

    def _output_names(self, grid: np.ndarray) -> tuple[str, ...] | None:
        """The output names when `grid` holds several independent outputs (not class
        probabilities summing to 1) and the output map is shown: each gets a map of its own."""
        if grid.ndim != 3 or self.neuron_box.currentText() != "output":
            return None
        k = grid.shape[2]
        if not 2 <= k <= MAX_TILES:
            return None
        if float(grid.min()) >= -1e-6 and np.allclose(grid.sum(axis=2), 1.0, atol=1e-3):
            return None  # probabilities: one map coloured by the winner
        try:
            names = tuple(self._snapshot.network.outputs)
        except AttributeError:
            names = ()
        return names if len(names) == k else tuple(f"output {i + 1}" for i in range(k))

    def _show_output(self, grid: np.ndarray) -> None:
        data = np.ascontiguousarray(np.clip(grid, -F32_MAX, F32_MAX), dtype=np.float32)
        if self._auto_levels:  # a tanh or sign unit's middle is 0; stays once seen (no flicker)
            negative = float(data.min()) < -0.01
            key = self.neuron_box.currentText()
            if negative and key not in self._negative:
                self._negative.add(key)
            self.levels = (-1.0, 1.0) if key in self._negative else (0.0, 1.0)
            if key == "output" and self._targets is not None:
                # the data say what the output aims at: 0..1 targets have their middle at 0.5
                # even when a linear output dips below zero (lesson 15's RBF fit)
                self.levels = (0.0, 1.0) if self._targets[0] >= 0 else (-1.0, 1.0)
            own = self._neuron_levels(key)
            if own is not None:  # a neuron's map: the canvas's levels, so the colours agree
                self.levels = own
        if self._rgba:
            self.image.setLookupTable(self.lut)
            self._rgba = False
        self.image.setImage(data, autoLevels=False, levels=self.levels)
        lo, hi = self.levels
        # the output's own range first: "0.49 to 0.5" says "about 0.5 everywhere" (lesson 9)
        low, high = format_value(float(data.min())), format_value(float(data.max()))
        span = f"{low} everywhere" if low == high else f"{low} to {high}"
        self.set_status(f"output {span} · blue {format_value(lo)} · "
                        f"white {format_value((lo + hi) / 2)} · orange {format_value(hi)}")

    def _show_classes(self, probs: np.ndarray) -> None:
        """Colour by the winning class, paler where the network is less sure."""
        k = probs.shape[2]
        winner = np.argmax(probs, axis=2)
        confidence = np.take_along_axis(probs, winner[:, :, None], axis=2)[:, :, 0]
        colors = np.array([style.class_color(c) for c in range(k)], dtype=np.float32)
        t = np.clip((confidence - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)[:, :, None] * 0.6
        rgb = 255.0 * (1.0 - t) + colors[winner] * t
        rgba = np.empty(probs.shape[:2] + (4,), dtype=np.uint8)
        rgba[:, :, :3] = rgb
        rgba[:, :, 3] = 255
        if not self._rgba:
            self.image.setLookupTable(None)
            self._rgba = True
        self.image.setImage(rgba, autoLevels=False, levels=None)
        self.set_status(f"{k} classes · paler: less sure")

    def _place(self, extent, nx: int, ny: int) -> None:
        """Pixel centres sit on the sample points, so the contour lines up with the colours."""
        x_min, x_max, y_min, y_max = extent
        dx = (x_max - x_min) / max(nx - 1, 1)
        dy = (y_max - y_min) / max(ny - 1, 1)
        self.image.setRect(QRectF(x_min - dx / 2, y_min - dy / 2, dx * nx, dy * ny))
        self.plot.setRange(xRange=(x_min, x_max), yRange=(y_min, y_max), padding=0.02)
        self._extent, self._shape = extent, (ny, nx)

    def _draw_contour(self, grid, xs, ys, multi: bool) -> None:
        if not multi:
            x, y = contour_segments(grid, xs, ys, 0.5 * (self.levels[0] + self.levels[1]))
        else:  # where the winning class changes: each class against the best of the others
            parts = []
            for c in range(grid.shape[2]):
                others = np.delete(grid, c, axis=2).max(axis=2)
                parts.append(contour_segments(grid[:, :, c] - others, xs, ys, 0.0))
            x = np.concatenate([p[0] for p in parts])
            y = np.concatenate([p[1] for p in parts])
        self.contour.setData(x, y, connect="pairs", skipFiniteCheck=True)

    def _draw_lines(self, lines) -> None:
        if not self.show_unit_lines or self._extent is None:
            lines = []
        shown = []  # (name, w1, w2, (p, q)) for the lines that cross the view
        for name, w1, w2, b in lines:
            ends = line_in_box(float(w1), float(w2), float(b), self._extent)
            if ends is not None:
                shown.append((str(name), float(w1), float(w2), ends))
        xs = np.array([[p[0], q[0]] for *_, (p, q) in shown], dtype=float).ravel()
        ys = np.array([[p[1], q[1]] for *_, (p, q) in shown], dtype=float).ravel()
        self.lines.setData(xs, ys, connect="pairs", skipFiniteCheck=True)
        self._draw_normals([(w1, w2, ends) for _, w1, w2, ends in shown])
        while len(self.labels) < len(shown):  # grows once to the widest layer, then reused
            label = pg.TextItem(color=LINE_COLOR, anchor=(0.5, 1.0))
            self.plot.addItem(label)
            self.labels.append(label)
        placed: list[tuple[float, float, float, float]] = []  # label boxes in pixels
        try:
            px, py = self.plot.getViewBox().viewPixelSize()
        except (ZeroDivisionError, ValueError):
            px = py = 0.0
        px, py = (px, py) if px > 0 and py > 0 else (1e-2, 1e-2)
        for label, (name, _, _, (p, q)) in zip(self.labels, shown):
            label.setText(name)
            width, height = 7.5 * len(name) + 8, 19.0  # the text's box on screen, with margin
            at = None
            for t in LABEL_PLACES:  # along the line, the first place clear of the others
                x, y = p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])
                box = (x / px - width / 2, -y / py - height, x / px + width / 2, -y / py)
                x0, x1, y0, y1 = self._extent  # and inside the map
                if box[0] < x0 / px or box[2] > x1 / px or box[1] < -y1 / py:
                    continue
                if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                           for b in placed):
                    at = (x, y)
                    placed.append(box)
                    break
            label.setVisible(at is not None)  # no room anywhere on its line: left out
            if at is not None:
                label.setPos(*at)
        for label in self.labels[len(shown):]:
            label.setVisible(False)

    def _draw_normals(self, lines) -> None:
        """A tick from each line's middle along (w1, w2), pointing into the unit's z > 0 side."""
        xs, ys = [], []
        if lines:
            x_min, x_max, y_min, y_max = self._extent
            length = 0.05 * max(x_max - x_min, y_max - y_min)
            for w1, w2, (p, q) in lines:
                norm = float(np.hypot(w1, w2))
                mx, my = (p[0] + q[0]) / 2, (p[1] + q[1]) / 2
                xs += [mx, mx + length * w1 / norm]
                ys += [my, my + length * w2 / norm]
        self.normals.setData(np.array(xs, dtype=float), np.array(ys, dtype=float), connect="pairs",
                             skipFiniteCheck=True)

    def set_levels(self, lo: float, hi: float) -> None:
        """Fix the colour range (and so the contour level, its middle); default 0..1, switching
        to -1..1 by itself when the output goes negative."""
        self.levels = (float(lo), float(hi))
        self._auto_levels = False

    def set_show_unit_lines(self, on: bool) -> None:
        self.show_unit_lines = bool(on)
        self.lines_action.setChecked(self.show_unit_lines)
        self._draw_lines(self._lines)

    def set_show_contour(self, on: bool) -> None:
        self.show_contour = bool(on)
        self.contour_action.setChecked(self.show_contour)
        self.contour.setVisible(self.show_contour)

    # ------------------------------------------------------------------ the data
    def set_dataset(self, X, y) -> None:
        """Show data points (n, 2) coloured by class: y as labels 0..k-1, one-hot rows, or
        targets (0/1 or -1/+1)."""
        X = np.asarray(X, dtype=float).reshape(-1, 2) if len(X) else np.empty((0, 2))
        self.data_X = X
        self.data_labels = class_labels(y, len(X))
        t = None if y is None else np.asarray(y, dtype=float)
        self._targets = ((float(t.min()), float(t.max())) if t is not None and len(X) and t.size
                         and (t.ndim == 1 or t.shape[-1] == 1) else None)
        self._draw_points()

    def drawn_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The points drawn by clicking: (m, 2) inputs and (m,) labels, oldest first."""
        if not self.drawn:
            return np.empty((0, 2)), np.empty(0, dtype=int)
        a = np.array(self.drawn, dtype=float)
        return a[:, :2], a[:, 2].astype(int)

    def add_point(self, x: float, y: float, label: int) -> None:
        if self.keep_points:
            self.drawn.append((float(x), float(y), int(label)))
            self._draw_points()
        self.point_added.emit(float(x), float(y), int(label))
        if self.keep_points:
            self.points_changed.emit()

    def set_left_click_class(self, label: int) -> None:
        """The class a left click adds (1 by default; with several classes, the chosen one)."""
        self.left_click_class = int(label)

    def undo_point(self) -> None:
        if self.drawn:
            self.drawn.pop()
            self._draw_points()
            self.points_changed.emit()

    def clear_points(self) -> None:
        if self.drawn:
            self.drawn.clear()
            self._draw_points()
            self.points_changed.emit()

    def set_drawing(self, on: bool) -> None:
        """Whether clicks add points (on by default)."""
        self.view.clicks_enabled = bool(on)

    def set_picking(self, on: bool) -> None:
        """Whether a click chooses a data point (sample_picked) rather than adding one."""
        self.picking = bool(on)

    def mark_sample(self, index: int | None) -> None:
        """Ring data point `index` (None: no ring)."""
        if index is None or not 0 <= index < len(self.data_X):
            self.sample_ring.setData([], [])
        else:
            self.sample_ring.setData([self.data_X[index, 0]], [self.data_X[index, 1]])

    def _on_click(self, x: float, y: float, button) -> None:
        if self.picking:
            if len(self.data_X):
                d = (self.data_X[:, 0] - x) ** 2 + (self.data_X[:, 1] - y) ** 2
                self.sample_picked.emit(int(np.argmin(d)))
            return
        self.add_point(x, y, self.left_click_class if button == Qt.MouseButton.LeftButton else 0)

    def _draw_points(self) -> None:
        X, labels = self.drawn_points()
        X = np.concatenate([self.data_X, X])
        labels = np.concatenate([self.data_labels, labels]).astype(int)
        classes = int(labels.max(initial=1)) + 1
        if (classes, len(X) > 0) != (self._legend_classes, self._legend_points):
            self._legend(classes, len(X) > 0)
        size, alpha, outline = marker_style(len(X))
        brushes = [pg.mkBrush(*style.class_color(c), int(round(255 * alpha))) for c in range(classes)]
        pen = style.point_pen(0.9 * outline) if outline > 0.05 \
            else pg.mkPen(None)  # a rim separates a few points from the map; among many it hides it
        self.scatter.setData(X[:, 0], X[:, 1], brush=[brushes[c] for c in labels], size=size,
                             symbol=[style.class_symbol(c) for c in labels], pen=pen)

    def theme_changed(self) -> None:
        """A new palette or theme (nnsim.app.theme): the key, the points and a class map again."""
        if hasattr(self, "legend"):
            self._legend(self._legend_classes, self._legend_points)
        self._draw_points()
        self._redraw_last()

    # ------------------------------------------------------------------ clear and export
    def clear(self) -> None:
        """Forget everything: the map, its lines, the data shown and the points drawn."""
        super().clear()
        self.grid = None
        self.image.clear()
        self.contour.setData([], [])
        self._decision = None
        self._snapshot = None
        self._negative.clear()
        self._extent = self._shape = None
        self._lines = []
        self._draw_lines([])
        self._offer_neurons(())
        self.neuron_box.setCurrentIndex(0)
        self.data_X = np.empty((0, 2))
        self.data_labels = np.empty(0, dtype=int)
        self._targets = None
        self._hide_probe()
        self.tiles.show_maps(None)
        had_points = bool(self.drawn)
        self.drawn.clear()
        self._draw_points()
        if had_points:
            self.points_changed.emit()

    def export_csv(self, path) -> None:
        """The map itself: one row per grid row (y increasing), one column per x sample."""
        if self.grid is None:
            write_matrix_csv(path, np.empty((0, 0)))
        elif self.grid.ndim == 3:
            write_matrix_csv(path, np.argmax(self.grid, axis=2), ["winning class per grid cell"])
        else:
            write_matrix_csv(path, self.grid)


def _probe_lines(snapshot: Any, out: str, z: float, y: float) -> list[str]:
    """The output's z written out with the snapshot's values and y = g(z) (the same text as the
    canvas's hover card: nnsim.app.readouts), short (no formula, at most 3 terms): the label
    sits in the plot."""
    net, names = snapshot.network, list(snapshot.names)
    neuron = net.neuron(out)
    incoming = []
    for s in net.incoming(out):
        source = net.neuron(s.source).name
        incoming.append(Incoming(source, s.weight, float(snapshot.outputs[names.index(source)]),
                                 s.kind == "inhibitory"))
    lines = z_lines(neuron.activation, neuron.bias, z, incoming, max_terms=3, formula=False)
    return lines + y_lines(neuron.activation, neuron.bias, z, y,
                           beta=neuron.param("beta", 1.0))


LABEL_PLACES = (0.12, 0.88, 0.3, 0.7, 0.5, 0.2, 0.8, 0.4, 0.6)  # where a line's name may go

MAX_TILES = 4  # independent outputs drawn side by side; more share one map coloured by the winner


class Tiles:
    """Several independent outputs (lesson 10's circles from 6, 12 and 24 lines) as small
    maps side by side, two to a row, each titled with its output's name, with its 0.5 contour;
    they take the main plot's place while shown."""

    def __init__(self, owner: DecisionPlot) -> None:
        self.owner = owner
        self.layout = None  # made on first use
        self.items: list[tuple[pg.PlotItem, pg.ImageItem, pg.PlotCurveItem]] = []
        self.active = False
        self.names: tuple[str, ...] = ()

    def show_maps(self, maps) -> bool:
        """maps: (grid (ny, nx, k), extent, names) to show, or None/() to give the place back."""
        ci = self.owner.graphics.ci
        if not maps:
            if self.active:
                ci.removeItem(self.layout)
                ci.addItem(self.owner.plot, row=0, col=0)
                self.owner.plot.show()
                self.owner.legend.show()
                self.active = False
            return False
        grid, extent, names = maps
        if not self.active:
            ci.removeItem(self.owner.plot)
            self.owner.plot.hide()
            self.owner.legend.hide()  # no data, no unit lines: the titles say what each map is
            if self.layout is None:
                self.layout = pg.GraphicsLayout()
            ci.addItem(self.layout, row=0, col=0)
            self.active = True
        if names != self.names:
            self._build(names)
        x_min, x_max, y_min, y_max = extent
        ny, nx = grid.shape[:2]
        xs, ys = np.linspace(x_min, x_max, nx), np.linspace(y_min, y_max, ny)
        dx, dy = (x_max - x_min) / max(nx - 1, 1), (y_max - y_min) / max(ny - 1, 1)
        # One view for all, around where any output is on (so the shapes compare at one scale)
        rows, cols = np.nonzero((grid >= 0.5).any(axis=2))
        if len(rows):
            cx = (xs[cols.min()] + xs[cols.max()]) / 2
            cy = (ys[rows.min()] + ys[rows.max()]) / 2
            half = 0.65 * max(xs[cols.max()] - xs[cols.min()], ys[rows.max()] - ys[rows.min()],
                              4 * dx)
            view = ((cx - half, cx + half), (cy - half, cy + half))
        else:
            view = ((x_min, x_max), (y_min, y_max))
        for k, (plot, image, contour) in enumerate(self.items):
            data = np.ascontiguousarray(np.clip(grid[:, :, k], -F32_MAX, F32_MAX), dtype=np.float32)
            image.setImage(data, autoLevels=False, levels=(0.0, 1.0))
            image.setRect(QRectF(x_min - dx / 2, y_min - dy / 2, dx * nx, dy * ny))
            plot.setRange(xRange=view[0], yRange=view[1], padding=0.0)
            contour.setData(*contour_segments(data, xs, ys, 0.5), connect="pairs",
                            skipFiniteCheck=True)
        self.owner.set_status(f"{len(names)} outputs side by side · blue 0 · orange 1")
        return True

    def _build(self, names: tuple[str, ...]) -> None:
        self.layout.clear()
        self.items = []
        for k, name in enumerate(names):
            columns = 3 if len(names) <= 3 else 2
            plot = self.layout.addPlot(row=k // columns, col=k % columns, title=name)
            plot.setAspectLocked(True)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.titleLabel.setText(name, color=style.INK, size=f"{style.FONT_PT}pt")
            style.style_plot(plot, grid=False)
            plot.hideAxis("left")
            plot.hideAxis("bottom")
            image = pg.ImageItem(axisOrder="row-major")
            image.setLookupTable(self.owner.lut)
            image.setZValue(-10)
            contour = pg.PlotCurveItem(connect="pairs", pen=style.pen(CONTOUR_COLOR, 2.0))
            plot.addItem(image)
            plot.addItem(contour)
            self.items.append((plot, image, contour))
        self.names = names


def marker_style(n: int) -> tuple[float, float, float]:
    """(size in px, fill opacity, white rim opacity) of the data markers for n points: 10 px,
    opaque and rimmed up to 50 points, shrinking on a log scale to 5 px at half opacity without
    a rim from 400 points, so the regions stay visible under a dense data set."""
    t = float(np.clip(np.log(max(n, 1) / FEW_POINTS) / np.log(MANY_POINTS / FEW_POINTS), 0.0, 1.0))
    return 10.0 - 5.0 * t, 1.0 - 0.5 * t, 1.0 - t


def line_in_box(w1: float, w2: float, b: float, extent) -> tuple | None:
    """The two points where w1*x + w2*y + b = 0 leaves the box, or None if it misses it."""
    x_min, x_max, y_min, y_max = extent
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        return None
    points = []
    if abs(w2) > 1e-12:
        for x in (x_min, x_max):
            y = -(w1 * x + b) / w2
            if y_min - 1e-9 <= y <= y_max + 1e-9:
                points.append((x, y))
    if abs(w1) > 1e-12:
        for y in (y_min, y_max):
            x = -(w2 * y + b) / w1
            if x_min - 1e-9 <= x <= x_max + 1e-9:
                points.append((x, y))
    if len(points) < 2:
        return None
    pts = np.array(points)
    d = np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=2)
    i, j = np.unravel_index(np.argmax(d), d.shape)
    return (tuple(pts[i]), tuple(pts[j])) if d[i, j] > 0 else None

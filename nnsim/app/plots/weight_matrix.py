"""The weight matrix of a layer (or the whole recurrent W) as a heatmap or a Hinton diagram.

Rows are the receiving neurons, columns the sending ones (W @ x convention).  The heatmap uses
the app's diverging scale with symmetric levels (-max|w|, +max|w|), so white is zero; a missing
synapse is grey.  The Hinton diagram draws each weight as a square whose area is |w|, coloured
by sign.  Tick labels name the neurons while there are few enough to read.
"""
from __future__ import annotations

import csv
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QComboBox, QGraphicsRectItem

from ..numbers import format_value
from . import style
from .base import PlotPanel

MISSING = (214, 217, 221)
MAX_LABELS = 30

F32_MAX = float(np.finfo(np.float32).max)


class WeightMatrixPlot(PlotPanel):
    title = "Weight matrix"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = self.add_plot(0, 0, left="to", bottom="from")
        self.plot.invertY(True)  # row 0 at the top, as a matrix is written
        self.plot.setAspectLocked(True)
        self.plot.showGrid(False, False)
        self.background = QGraphicsRectItem()
        self.background.setBrush(pg.mkBrush(*MISSING))
        self.background.setPen(pg.mkPen(None))
        self.plot.addItem(self.background)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(style.diverging_lut())
        self.plot.addItem(self.image)
        self.hinton = pg.ScatterPlotItem(pxMode=False, symbol="s", pen=None)
        self.plot.addItem(self.hinton)
        self.brushes = (pg.mkBrush(*style.NEGATIVE), pg.mkBrush(*style.POSITIVE))
        self.hinton_mode = False
        self.hinton_action = self.add_toggle("Hinton", False, self.set_hinton,
                                             "Squares sized by |w|, coloured by sign")
        self.layer_box = QComboBox(self)
        self.layer_box.addItem("all synapses")
        self.layer_box.setToolTip("Which weights: every synapse, or one layer's")
        self.layer_box.currentIndexChanged.connect(self._layer_changed)
        self.add_tool(self.layer_box)
        self.layers: tuple[tuple[str, ...], ...] = ()
        self.matrix = np.zeros((0, 0))
        self.rows: list[str] = []
        self.cols: list[str] = []
        self._snapshot: Any = None

    # ------------------------------------------------------------------ the matrix
    def set_matrix(self, matrix, rows=None, cols=None) -> None:
        """Show W (n_to, n_from); NaN marks a missing synapse.  rows/cols name the neurons."""
        w = np.asarray(matrix, dtype=float)
        if w.ndim != 2:
            w = np.atleast_2d(w) if w.size else np.zeros((0, 0))
        self.matrix = w
        self.rows = list(rows) if rows is not None else [str(i) for i in range(w.shape[0])]
        self.cols = list(cols) if cols is not None else [str(j) for j in range(w.shape[1])]
        finite = np.isfinite(w)
        m = float(np.max(np.abs(w[finite]))) if finite.any() else 0.0
        self.vmax = m if m > 0 else 1.0
        n_to, n_from = w.shape
        self.background.setRect(QRectF(0, 0, n_from, n_to))
        self._draw()
        self._label_axes()
        self.plot.setRange(xRange=(0, max(n_from, 1)), yRange=(0, max(n_to, 1)), padding=0.02)
        self.set_status(f"{n_to} × {n_from} · |w| ≤ {format_value(m)}"
                        if w.size else "no synapses")

    def _draw(self) -> None:
        w = self.matrix
        if self.hinton_mode or not w.size:
            self.image.clear()
        else:
            # Clip first: a diverging Hebbian weight (1e200) does not fit in float32.
            clipped = np.clip(w, -F32_MAX, F32_MAX)
            data = np.ascontiguousarray(np.where(np.isfinite(w), clipped, np.nan), dtype=np.float32)
            self.image.setImage(data, autoLevels=False, levels=(-self.vmax, self.vmax))
            self.image.setRect(QRectF(0, 0, w.shape[1], w.shape[0]))
        if self.hinton_mode and w.size:
            i, j = np.nonzero(np.isfinite(w) & (w != 0))
            values = w[i, j]
            size = 0.95 * np.sqrt(np.minimum(np.abs(values) / self.vmax, 1.0))
            self.hinton.setData(j + 0.5, i + 0.5, size=size,
                                brush=[self.brushes[int(v > 0)] for v in values])
        else:
            self.hinton.setData([], [])

    def _label_axes(self) -> None:
        for axis, names in (("left", self.rows), ("bottom", self.cols)):
            ticks = [(k + 0.5, name) for k, name in enumerate(names)] if len(names) <= MAX_LABELS else None
            self.plot.getAxis(axis).setTicks([ticks] if ticks else None)

    def set_hinton(self, on: bool) -> None:
        self.hinton_mode = bool(on)
        self.hinton_action.setChecked(self.hinton_mode)
        self._draw()

    # ------------------------------------------------------------------ snapshots
    def update_snapshot(self, snapshot: Any) -> None:
        self._snapshot = snapshot
        names = tuple(getattr(snapshot, "names", ()))
        synapses = tuple(tuple(s) for s in getattr(snapshot, "synapses", ()))
        weights = np.asarray(getattr(snapshot, "weights", ()), dtype=float).ravel()
        if len(weights) != len(synapses):
            return
        self._update_layers(self.structure if self.structure is not None
                            else getattr(snapshot, "network", None))
        layer = self.layer_box.currentIndex() - 1
        if 0 <= layer < len(self.layers) - 1:
            cols, rows = list(self.layers[layer]), list(self.layers[layer + 1])
        else:
            senders = {s for s, _ in synapses}
            receivers = {t for _, t in synapses}
            cols = [n for n in names if n in senders]
            rows = [n for n in names if n in receivers]
        col_of = {n: j for j, n in enumerate(cols)}
        row_of = {n: i for i, n in enumerate(rows)}
        w = np.full((len(rows), len(cols)), np.nan)
        for (s, t), value in zip(synapses, weights):
            if s in col_of and t in row_of:
                w[row_of[t], col_of[s]] = value
        self.set_matrix(w, rows, cols)

    structure = None  # a Network giving the layers (set_network); else each snapshot's

    def set_network(self, net) -> None:
        """The network whose layers to offer (the document's): its weights are not used."""
        self.structure = net

    def _update_layers(self, network) -> None:
        layers: tuple[tuple[str, ...], ...] = ()
        if network is not None and getattr(network, "is_feedforward", False):
            layers = tuple(tuple(layer) for layer in network.layers)
        if layers == self.layers:
            return
        self.layers = layers
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        self.layer_box.addItem("all synapses")
        for k in range(len(layers) - 1):
            self.layer_box.addItem(f"layer {k} → {k + 1}")
        self.layer_box.blockSignals(False)

    def _layer_changed(self, _index: int) -> None:
        if self._snapshot is not None:
            self.update_snapshot(self._snapshot)

    # ------------------------------------------------------------------ clear and export
    def clear(self) -> None:
        """Forget the matrix and the layers offered (the next snapshot or network sets them)."""
        super().clear()
        self._snapshot = None
        self._update_layers(None)
        self.set_matrix(np.zeros((0, 0)))
        self.set_status("")

    def export_csv(self, path) -> None:
        """Rows 'to', columns 'from', with the neuron names as header and first column."""
        rows = [[""] + self.cols] + [[name] + [f"{v:.6g}" for v in row]
                                     for name, row in zip(self.rows, self.matrix)]
        with open(path, "w", newline="") as f:
            csv.writer(f).writerows(rows)

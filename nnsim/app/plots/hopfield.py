"""The Hopfield state as a square bitmap (+1 ink, -1 paper): click a pixel to flip it, add noise,
load a stored pattern from the gallery, and watch recall sweep by sweep as snapshots arrive.

N units fill a rows x cols grid (square when N is a square, else the smallest square that holds
them; cells past N are drawn grey and cannot be clicked).  Edits are announced with
`state_edited(state)` so the owner can hand the new state to the worker.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QScrollArea, QToolButton, QWidget

from nnsim.engine.datasets import bitmap_patterns, flip, pattern_names

from .base import PlotPanel, write_matrix_csv
from .clickview import ClickViewBox, PassiveScatter

INK = (38, 50, 56)
PAPER = (250, 250, 250)
PADDING = (205, 208, 212)
CHANGED = (230, 116, 20)
THUMB, MIN_THUMB = 40, 24  # gallery thumbnail sizes, px
GALLERY_SPACING = 2
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's largest widget size: no maximum
DEFAULT_NOISE = 0.1  # the Noise button's fraction, until a lesson scene sets its own


def _lut() -> np.ndarray:
    """-1 -> paper, 0 (padding) -> grey, +1 -> ink, over levels -1..1."""
    lut = np.empty((256, 3), dtype=np.uint8)
    lut[:86], lut[86:170], lut[170:] = PAPER, PADDING, INK
    return lut


def _known_names(patterns: np.ndarray) -> list[str]:
    """Each pattern's bitmap name (datasets.bitmap_patterns, 8x8 or 16x16) if it is one, else
    '#k' (k from 1)."""
    names = [f"#{k + 1}" for k in range(len(patterns))]
    side = math.isqrt(patterns.shape[1]) if patterns.ndim == 2 and patterns.size else 0
    if side in (8, 16) and side * side == patterns.shape[1]:
        try:
            known = pattern_names(side)
            table = bitmap_patterns(known, size=side)
        except (ValueError, OSError):  # the bitmaps could not be read: numbers it is
            return names
        for k, pattern in enumerate(patterns):
            same = np.flatnonzero(np.all(table == pattern, axis=1))
            if len(same):
                names[k] = known[int(same[0])]
    return names


def grid_shape(n: int) -> tuple[int, int]:
    """The smallest square that holds n units."""
    side = math.isqrt(n)
    side += side * side < n
    return max(side, 1), max(side, 1)


class HopfieldView(PlotPanel):
    title = "Hopfield state"
    state_edited = Signal(object)  # the new state, a copy: np.ndarray of +1/-1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.view = ClickViewBox(invertY=True, lockAspect=True)
        self.view.setMouseEnabled(False, False)
        self.plot = self.add_plot(0, 0, viewBox=self.view)
        for axis in ("left", "bottom"):
            self.plot.hideAxis(axis)
        self.plot.showGrid(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(_lut())
        self.plot.addItem(self.image)
        self.cell_lines = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(225, 228, 232, width=1))
        self.plot.addItem(self.cell_lines)
        # units that flipped in the last update, outlined: recall is seen sweep by sweep
        self.changed = PassiveScatter(pxMode=False, symbol="s", size=0.82, brush=None,
                                          pen=pg.mkPen(*CHANGED, width=2.5))
        self.plot.addItem(self.changed)
        self.view.clicked.connect(self._on_click)
        self.noise = DEFAULT_NOISE
        self.noise_action = self.add_action("", lambda: self.add_noise(self.noise))
        self.set_noise(DEFAULT_NOISE)

        # The stored patterns: thumbnails beside the bitmap when the panel is wider than tall
        # (the bitmap then takes the panel's whole height), else under it, wrapping onto rows
        # as the plot narrows (two rows show, more scroll vertically; never sideways).
        self.gallery = QWidget()
        self._gallery_layout = QGridLayout(self.gallery)
        self._gallery_layout.setContentsMargins(4, 2, 4, 2)
        self._gallery_layout.setSpacing(GALLERY_SPACING)
        self._gallery_layout.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidget(self.gallery)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedHeight(64)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._gallery_columns = 0
        self.body = QWidget(self.content)
        self._body_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.body)
        self._body_layout.setContentsMargins(0, 0, 0, 0)
        self._body_layout.setSpacing(0)
        self.content_layout.replaceWidget(self.graphics, self.body)
        self.content_layout.setStretchFactor(self.body, 1)
        self._body_layout.addWidget(self.graphics, 1)
        self._body_layout.addWidget(scroll)
        self.gallery_scroll = scroll
        self.gallery_beside = False  # thumbnails in a column right of the bitmap
        scroll.setVisible(False)

        self.state = np.zeros(0)
        self.shape: tuple[int, int] | None = None  # fixed by set_shape, else from N
        self.patterns = np.zeros((0, 0))
        self.pattern_names: list[str] = []
        self.thumbnails: list[QToolButton] = []
        self.neurons: tuple[str, ...] | None = None
        self._step: int | None = None
        self._seed = 0

    # ------------------------------------------------------------------ the state
    def set_state(self, state) -> None:
        """Show a state (N,) of +1/-1 values (anything > 0 counts as +1); units that differ
        from the previous state are outlined."""
        previous = self.state
        self.state = np.where(np.asarray(state, dtype=float).ravel() > 0, 1.0, -1.0)
        rows, cols = self._grid()
        flipped = np.flatnonzero(previous != self.state) if previous.size == self.state.size \
            else np.empty(0, dtype=int)
        self.changed.setData(flipped % cols + 0.5, flipped // cols + 0.5)
        data = np.zeros(rows * cols, dtype=np.float32)
        data[: self.state.size] = self.state
        data = data.reshape(rows, cols)
        first = self.image.image is None or self.image.image.shape != data.shape
        self.image.setImage(data, autoLevels=False, levels=(-1.0, 1.0))
        if first:
            self._frame(rows, cols)
        self.set_status(self._status_text())

    def set_shape(self, rows: int, cols: int) -> None:
        """Lay the units out as rows x cols (e.g. 8 x 8 bitmaps) instead of the square default."""
        self.shape = (int(rows), int(cols))
        if self.state.size:
            self.set_state(self.state)

    def _grid(self) -> tuple[int, int]:
        if self.shape is not None and self.shape[0] * self.shape[1] >= self.state.size:
            return self.shape
        return grid_shape(self.state.size)

    def _frame(self, rows: int, cols: int) -> None:
        """Thin lines between cells, so single pixels are easy to aim at."""
        xs, ys = [], []
        for c in range(cols + 1):
            xs += [c, c]
            ys += [0, rows]
        for r in range(rows + 1):
            xs += [0, cols]
            ys += [r, r]
        self.cell_lines.setData(np.array(xs, float), np.array(ys, float), connect="pairs")
        self.plot.setRange(xRange=(0, cols), yRange=(0, rows), padding=0.02)

    def set_noise(self, fraction: float) -> None:
        """The fraction of units the Noise button flips (a lesson scene's own noise), and its
        label, e.g. 'Noise 20%'."""
        self.noise = min(max(float(fraction), 0.0), 1.0)
        percent = f"{100 * self.noise:.0f}"
        self.noise_action.setText(f"Noise {percent}%")
        self.noise_action.setToolTip(f"Flip a random {percent}% of the units")

    def add_noise(self, fraction: float, seed: int | None = None) -> np.ndarray:
        """Flip round(fraction * N) random units (engine's datasets.flip) and announce it."""
        if not self.state.size:
            return self.state
        if seed is None:
            seed, self._seed = self._seed, self._seed + 1
        self.set_state(flip(self.state, fraction, seed=seed))
        self.state_edited.emit(self.state.copy())
        return self.state.copy()

    def _on_click(self, x: float, y: float, button) -> None:
        rows, cols = self._grid()
        r, c = int(math.floor(y)), int(math.floor(x))
        if 0 <= r < rows and 0 <= c < cols and r * cols + c < self.state.size:
            self.flip_unit(r * cols + c)

    def flip_unit(self, index: int) -> None:
        state = self.state.copy()
        state[index] = -state[index]
        self.set_state(state)
        self.state_edited.emit(self.state.copy())

    # ------------------------------------------------------------------ snapshots
    def set_neurons(self, names) -> None:
        """Show only these neurons (in this order); by default every neuron of the snapshot."""
        self.neurons = tuple(names) if names is not None else None

    def update_snapshot(self, snapshot: Any) -> None:
        outputs = np.asarray(getattr(snapshot, "outputs", ()), dtype=float)
        if self.neurons is not None:
            names = tuple(getattr(snapshot, "names", ()))
            if not all(n in names for n in self.neurons):
                return
            outputs = outputs[[names.index(n) for n in self.neurons]]
        if outputs.size:
            self._step = getattr(snapshot, "step", None)
            self.set_state(outputs)

    # ------------------------------------------------------------------ the gallery
    def set_patterns(self, patterns, names=None) -> None:
        """Stored patterns (P, N) shown as thumbnails; clicking one loads it as the state.
        Without names, a pattern that is one of the engine's letter or digit bitmaps is named
        by it ('A'), any other by its place ('#3')."""
        self.patterns = np.atleast_2d(np.asarray(patterns, dtype=float))
        self.pattern_names = list(names) if names is not None else _known_names(self.patterns)
        for button in self.thumbnails:
            self._gallery_layout.removeWidget(button)
            button.deleteLater()
        self.thumbnails = []
        for k, pattern in enumerate(self.patterns):
            button = QToolButton(self.gallery)
            button.setIcon(QIcon(self._thumbnail(pattern)))
            button.setIconSize(QSize(40, 40))
            button.setAutoRaise(True)
            button.setToolTip(f"Load stored pattern {self.pattern_names[k]}")
            button.clicked.connect(lambda _=False, k=k: self.load_pattern(k))
            self.thumbnails.append(button)
        self._gallery_columns = 0
        self._place_thumbnails()
        self.gallery_scroll.setVisible(bool(len(self.patterns)))
        if self.state.size:
            self.set_status(self._status_text())

    def _place_thumbnails(self) -> None:
        """Beside the bitmap (a panel wider than tall, by more than the thumbnails' column):
        one or two columns of thumbnails, as many rows as the height holds (more scroll up and
        down).  Under it: as many thumbnails a row as the width holds (smaller ones, down to
        24 px, before a second row), the scroll area as tall as two rows at most."""
        n = len(self.thumbnails)
        if not n:
            return
        cell = THUMB + GALLERY_SPACING + 6
        beside = self.width() - self.body.height() >= 2 * cell + 24
        if beside != self.gallery_beside:
            self.gallery_beside = beside
            self._gallery_columns = 0
            self._body_layout.setDirection(QBoxLayout.Direction.LeftToRight if beside
                                           else QBoxLayout.Direction.TopToBottom)
            self.gallery_scroll.setMinimumSize(0, 0)
            self.gallery_scroll.setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX)
        if beside:
            rows = max(1, (self.body.height() - 4) // cell)
            columns = 1 if n <= rows else 2
            if columns == self._gallery_columns and self.thumbnails[0].iconSize().width() == THUMB:
                return
            self._gallery_columns = columns
            for k, button in enumerate(self.thumbnails):
                button.setIconSize(QSize(THUMB, THUMB))
                self._gallery_layout.addWidget(button, k // columns, k % columns)
            bar = 16 if n > rows * columns else 0
            self.gallery_scroll.setFixedWidth(columns * cell + 8 + bar)
            return
        width = max(self.gallery_scroll.viewport().width(), self.width()) - 8 - 16  # margins, bar
        size = THUMB
        if n * (size + GALLERY_SPACING + 6) > width:
            size = max(MIN_THUMB, width // n - GALLERY_SPACING - 6)
        cell = size + GALLERY_SPACING + 6
        columns = max(1, min(n, width // cell))
        if columns == self._gallery_columns and self.thumbnails[0].iconSize().width() == size:
            return
        self._gallery_columns = columns
        for k, button in enumerate(self.thumbnails):
            button.setIconSize(QSize(size, size))
            self._gallery_layout.addWidget(button, k // columns, k % columns)
        rows = -(-n // columns)
        self.gallery_scroll.setFixedHeight(min(rows, 2) * (size + 10) + 6)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place_thumbnails()

    def load_pattern(self, k: int) -> None:
        self.set_state(self.patterns[k])
        self.state_edited.emit(self.state.copy())

    def _thumbnail(self, pattern: np.ndarray) -> QPixmap:
        rows, cols = self.shape if self.shape and self.shape[0] * self.shape[1] >= pattern.size \
            else grid_shape(pattern.size)
        cells = np.full(rows * cols, PADDING[0], dtype=np.uint8)
        cells[: pattern.size] = np.where(pattern > 0, INK[0], PAPER[0])
        cells = np.ascontiguousarray(cells.reshape(rows, cols))
        image = QImage(cells.data, cols, rows, cols, QImage.Format.Format_Grayscale8).copy()
        return QPixmap.fromImage(image.scaled(40, 40, Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.FastTransformation))

    def _status_text(self) -> str:
        """'closest: A · 2 of 64 pixels off · step 40' with stored patterns (the figure recall
        is about first: the status is cut at the right when the panel is narrow), else
        'step 40 · 64 units'."""
        step = f"step {self._step}" if self._step is not None else ""
        if self.patterns.size and self.patterns.shape[1] == self.state.size:
            overlaps = self.patterns @ self.state / self.state.size
            k = int(np.argmax(np.abs(overlaps)))
            inverted = overlaps[k] < 0
            which = self.pattern_names[k] + (" (inverted)" if inverted else "")
            off = int(np.sum((self.patterns[k] * (-1 if inverted else 1)) != self.state))
            text = f"closest: {which} · {off} of {self.state.size} pixels off"
            return text + (f" · {step}" if step else "")
        return (f"{step} · " if step else "") + f"{self.state.size} units"

    # ------------------------------------------------------------------ clear and export
    def clear(self) -> None:
        """Forget the state, the stored patterns (the gallery), the layout and the neurons."""
        super().clear()
        self.set_noise(DEFAULT_NOISE)
        self.state = np.zeros(0)
        self._step = None
        self.shape = None
        self.neurons = None
        self.set_patterns(np.zeros((0, 0)))
        self.image.clear()
        self.cell_lines.setData([], [])
        self.changed.setData([], [])

    def export_csv(self, path) -> None:
        rows, cols = self._grid()
        cells = np.zeros(rows * cols)
        cells[: self.state.size] = self.state
        write_matrix_csv(path, cells.reshape(rows, cols) if self.state.size else np.empty((0, 0)))

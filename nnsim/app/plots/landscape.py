"""The loss landscape: the loss over two weights (or two random directions through all of them)
as a heatmap with contour lines, the current run's path drawn on it as it trains, and Race
mode: SGD, momentum and Adam started from one clicked point, their paths side by side.

The engine computes what is drawn (nnsim.engine.rules.race): the plot asks for it with
`spec_changed(LandscapeSpec)` while it is on screen and applies (None when hidden), and for a
race with `race_changed(RaceSpec)` (None: Race mode off); the owner (LearningDocks) forwards
both to the engine.  The colours: a pale perceptual scale (viridis towards white, so the paths
stand out; dark is low), on a log scale when the loss spans more than two decades.  With two
chosen synapses only they move in a race and the surface is the true loss along the paths; with
random directions every weight moves and the paths are projections (the status line says so).
Items are made once; every frame sets their data.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from nnsim.engine.rules.race import LandscapeSpec, RaceSpec

from . import style
from .base import EnginePlot
from .contour import contour_segments

# The racers' colours (Okabe-Ito, strong on the pale scale) and the run's own path.
RACE_COLORS = {"sgd": (213, 94, 0), "momentum": (0, 114, 178), "adam": (20, 20, 20)}
RACE_ORDER = ("sgd", "momentum", "adam")
RACE_NAMES = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam"}
DEFAULT_RATES = {"sgd": 0.1, "momentum": 0.01, "adam": 0.05}
PATH_COLOR = (204, 0, 102)  # the current run (reddish purple)
CONTOUR_COLOR = (40, 40, 40, 90)
CONTOURS = 9
LOG_RANGE = 100.0  # a loss spanning more than this factor is drawn on a log scale
RACE_STEPS = 200


def landscape_lut(levels: int = 256) -> np.ndarray:
    """Viridis, 40% towards white: low loss dark blue-purple, high pale yellow, monotonic in
    lightness (a perceptual scale) and pale enough for the coloured paths drawn over it."""
    lut = pg.colormap.get("viridis").getLookupTable(nPts=levels, alpha=False).astype(float)
    return np.round(lut * 0.6 + 255.0 * 0.4).astype(np.uint8)


def shown_values(loss: np.ndarray) -> tuple[np.ndarray, bool]:
    """What the colours show: the loss, or its log10 when it spans more than LOG_RANGE."""
    values = np.asarray(loss, dtype=float)
    ok = values[np.isfinite(values)]
    if not len(ok):
        return np.zeros_like(values), False
    low, high = float(ok.min()), float(ok.max())
    values = np.nan_to_num(values, nan=high, posinf=high, neginf=low)
    floor = max(low, high * 1e-6)  # a loss of 0 (a perfect fit) sits at the floor
    if high > 0 and high / floor > LOG_RANGE:
        return np.log10(np.maximum(values, floor)), True
    return values, False


class LandscapePlot(EnginePlot):
    title = "Loss landscape"
    race_changed = Signal(object)  # RaceSpec, or None (Race mode off)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.synapses_provider = None  # a function giving the canvas's selected synapses
        self._weights: Any = "random"
        self._span = 2.0
        self._race: RaceSpec | None = None
        self._serial = 0
        self._build_controls()
        self.plot = self.add_plot(0, 0, left="direction 2", bottom="direction 1")
        self.plot.showGrid(x=False, y=False)
        self.view = self.plot.getViewBox()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(landscape_lut())
        self.contours = pg.PlotCurveItem(pen=pg.mkPen(CONTOUR_COLOR, width=1.0), connect="pairs")
        self.path = pg.PlotCurveItem(pen=style.pen(PATH_COLOR, 2.2))
        self.point = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(*PATH_COLOR),
                                        pen=pg.mkPen(255, 255, 255, width=1.5))
        self.race_paths = {name: pg.PlotDataItem(pen=style.pen(RACE_COLORS[name], 2.4),
                                                 symbol="o", symbolSize=4,
                                                 symbolBrush=pg.mkBrush(*RACE_COLORS[name]),
                                                 symbolPen=None)
                           for name in RACE_ORDER}
        self.race_heads = pg.ScatterPlotItem(size=10, pen=pg.mkPen(255, 255, 255, width=1.5))
        self.start_mark = pg.ScatterPlotItem(size=14, symbol="x", brush=pg.mkBrush(255, 255, 255),
                                             pen=pg.mkPen(20, 20, 20, width=1.2))
        for item in (self.image, self.contours, self.path, *self.race_paths.values(),
                     self.point, self.race_heads, self.start_mark):
            self.plot.addItem(item)
        self.image.setZValue(-10)
        self.legend = pg.LegendItem(colCount=3, horSpacing=10, labelTextColor=style.INK,
                                    labelTextSize=f"{style.FONT_PT}pt")
        self.graphics.addItem(self.legend, row=1, col=0)
        self.graphics.ci.layout.setRowStretchFactor(1, 0)
        style.compact_row(self.graphics, self.legend)
        self._legend_key: tuple = ()
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.landscape: Any = None  # the LandscapeView drawn last
        self.race: Any = None  # the RaceView drawn last
        self.log_scale = False
        self._legend_for(())

    # ------------------------------------------------------------------ controls
    def _build_controls(self) -> None:
        """Two rows above the plot: which plane (two selected synapses, or random directions
        with a seed), and Race mode with the three learning rates."""
        self.controls = QWidget(self.content)
        row = QHBoxLayout(self.controls)
        row.setContentsMargins(4, 0, 4, 2)
        row.setSpacing(4)
        self.use_selected = QPushButton("Use selected synapses", self.controls)
        self.use_selected.setToolTip("Draw the loss over the two synapses selected on the canvas "
                                     "(Ctrl+click two synapses first)")
        self.use_selected.clicked.connect(self.use_selected_synapses)
        self.random_button = QPushButton("Random directions", self.controls)
        self.random_button.setToolTip("Two random directions through all weights, each scaled "
                                      "to the weights of its neuron (Li et al. 2018)")
        self.random_button.clicked.connect(lambda: self.choose_weights("random"))
        self.seed_box = QSpinBox(self.controls)
        self.seed_box.setRange(0, 9999)
        self.seed_box.setPrefix("seed ")
        self.seed_box.setToolTip("The random directions' seed")
        self.seed_box.valueChanged.connect(lambda _v: self._emit())
        for w in (self.use_selected, self.random_button, self.seed_box):
            row.addWidget(w)
        row.addStretch(1)
        self.race_row = QWidget(self.content)
        race = QHBoxLayout(self.race_row)
        race.setContentsMargins(4, 0, 4, 2)
        race.setSpacing(3)
        self.race_button = QPushButton("Race", self.race_row)
        self.race_button.setCheckable(True)
        self.race_button.setToolTip("Race mode: click on the surface to start SGD, momentum and "
                                    "Adam from that point (Train runs them)")
        self.race_button.toggled.connect(self.set_race_mode)
        race.addWidget(self.race_button)
        self.rate_boxes: dict[str, QDoubleSpinBox] = {}
        for name in RACE_ORDER:
            label = QLabel(f"{RACE_NAMES[name]} η", self.race_row)
            label.setStyleSheet("color: #{:02x}{:02x}{:02x}".format(*RACE_COLORS[name]))
            box = QDoubleSpinBox(self.race_row)
            box.setDecimals(3)
            box.setRange(0.001, 5.0)
            box.setSingleStep(0.01)
            box.setValue(DEFAULT_RATES[name])
            box.setToolTip(f"{RACE_NAMES[name]}'s learning rate in the race")
            box.valueChanged.connect(self._rates_edited)
            self.rate_boxes[name] = box
            race.addWidget(label)
            race.addWidget(box)
        race.addStretch(1)
        self.content_layout.insertWidget(1, self.controls)
        self.content_layout.insertWidget(2, self.race_row)

    def use_selected_synapses(self) -> None:
        """The two synapses selected on the canvas become the plane's axes."""
        chosen = list(self.synapses_provider() if self.synapses_provider is not None else [])
        if len(chosen) != 2:
            self.set_status(f"Select exactly two synapses on the canvas ({len(chosen)} selected): "
                            "Ctrl+click them, then press again")
            return
        self.choose_weights(tuple(tuple(key) for key in chosen))

    def choose_weights(self, weights, span: float | None = None) -> None:
        """"random", or two (source, target) synapses; a new plane ends a race on the old."""
        self._weights = weights if isinstance(weights, str) else tuple(tuple(k) for k in weights)
        if span is not None:
            self._span = float(span)
        if self._race is not None:
            self._set_race(None)
        self._emit()

    def spec(self) -> LandscapeSpec:
        return LandscapeSpec(self._weights, self._span, seed=int(self.seed_box.value()))

    def wanted_spec(self) -> LandscapeSpec | None:
        return self.spec() if self.isVisible() and not self.is_unavailable else None

    def announce(self) -> None:
        """Emit what the plot wants now (a new listener), and the race."""
        super().announce()
        self.race_changed.emit(self._race)

    # ------------------------------------------------------------------ race
    def rates(self) -> dict[str, float]:
        return {name: float(box.value()) for name, box in self.rate_boxes.items()}

    def set_rates(self, rates: dict) -> None:
        for name, value in rates.items():
            box = self.rate_boxes[name]
            box.blockSignals(True)
            box.setValue(float(value))
            box.blockSignals(False)

    def set_race_mode(self, on: bool) -> None:
        if self.race_button.isChecked() != bool(on):
            self.race_button.setChecked(bool(on))  # comes back here
            return
        if not on:
            self._set_race(None)
        self.set_status("Race mode: click on the surface to start the three optimisers there"
                        if on else self._summary())

    def start_race_at(self, u: float, v: float, steps: int = RACE_STEPS) -> None:
        """Race SGD, momentum and Adam (the rates in the boxes) from (u, v)."""
        if not self.race_button.isChecked():
            self.set_race_mode(True)
        self._serial += 1
        optimizers = tuple({"optimizer": name, "learning_rate": rate}
                           for name, rate in self.rates().items())
        self._set_race(RaceSpec((u, v), optimizers, steps, serial=self._serial))

    def _rates_edited(self, _value: float = 0.0) -> None:
        if self._race is not None:  # the same start, the new rates: run again
            self.start_race_at(*self._race.start, steps=self._race.steps)

    def _set_race(self, spec: RaceSpec | None) -> None:
        if spec != self._race:
            self._race = spec
            if spec is None:
                self._draw_race(None)
            self.race_changed.emit(spec)

    def _clicked(self, event) -> None:
        if (not self.race_button.isChecked() or event.button() != Qt.MouseButton.LeftButton
                or self.landscape is None or not len(self.landscape.a)):
            return
        point = self.view.mapSceneToView(event.scenePos())
        u, v = float(point.x()), float(point.y())
        a, b = self.landscape.a, self.landscape.b
        if a[0] <= u <= a[-1] and b[0] <= v <= b[-1]:
            event.accept()
            self.start_race_at(u, v)

    def apply_scene(self, config: dict) -> None:
        """A lesson scene's landscape: {"weights": [[s, t], [s, t]] | "random", "span", "seed",
        "race": {"start": [u, v], "learning_rates": {...}, "steps": n}}."""
        self.seed_box.blockSignals(True)
        self.seed_box.setValue(int(config.get("seed", 0)))
        self.seed_box.blockSignals(False)
        self.choose_weights(config.get("weights", "random"), config.get("span", 2.0))
        race = config.get("race")
        if race:
            self.set_rates(race.get("learning_rates", {}))
            self.start_race_at(*race["start"], steps=int(race.get("steps", RACE_STEPS)))
        else:
            self.set_race_mode(False)

    # ------------------------------------------------------------------ shown or not
    # ------------------------------------------------------------------ drawing
    def update_snapshot(self, snapshot: Any) -> None:
        view = getattr(snapshot, "landscape", None)
        if view is None:
            return
        if view.spec is not None and view.spec != self.spec():
            return  # from before the last choice: the one asked for is on its way
        if view is not self.landscape:
            self.show_landscape(view)
        if not len(view.a):
            return
        race = getattr(snapshot, "race", None)
        if race is not None and race.spec != self._race:
            race = None  # another race's paths (still in flight)
        self._draw_race(race)
        path = getattr(snapshot, "landscape_path", None)
        if race is None and path is not None and len(path):
            self.path.setData(path[:, 0], path[:, 1])
            self.point.setData([path[-1, 0]], [path[-1, 1]])
        else:
            self.path.setData([], [])
            self.point.setData([], [])
        self.set_status(self._summary(race))

    def show_landscape(self, view) -> None:
        """Draw a LandscapeView: heatmap, contours, axis labels."""
        self.landscape = view
        if view.problem or not len(view.a):
            self.image.clear()
            self.contours.setData([], [])
            self.set_status(f"No landscape: {view.problem}")
            return
        a, b = np.asarray(view.a, float), np.asarray(view.b, float)
        values, self.log_scale = shown_values(view.loss)
        grid = values.T  # rows: b (up), columns: a (across)
        lo, hi = float(grid.min()), float(grid.max())
        self.image.setImage(grid.astype(np.float32), levels=(lo, hi if hi > lo else lo + 1.0),
                            autoLevels=False)
        da, db = (a[-1] - a[0]) / max(len(a) - 1, 1), (b[-1] - b[0]) / max(len(b) - 1, 1)
        self.image.setRect(QRectF(a[0] - da / 2, b[0] - db / 2, da * len(a), db * len(b)))
        xs, ys = [], []
        for level in np.linspace(lo, hi, CONTOURS + 2)[1:-1]:
            x, y = contour_segments(grid, a, b, float(level))
            xs.append(x)
            ys.append(y)
        self.contours.setData(np.concatenate(xs), np.concatenate(ys), connect="pairs")
        ink = style.hex_color(style.INK)
        for side, text in (("bottom", view.labels[0]), ("left", view.labels[1])):
            self.plot.setLabel(side, text, color=ink, **{"font-size": f"{style.FONT_PT + 1}pt"})
        self.view.setRange(xRange=(a[0] - da / 2, a[-1] + da / 2),
                           yRange=(b[0] - db / 2, b[-1] + db / 2), padding=0)

    def _draw_race(self, race) -> None:
        self.race = race
        paths = {p.optimizer: p for p in race.paths} if race is not None else {}
        heads = []
        for name, item in self.race_paths.items():
            p = paths.get(name)
            if p is None:
                item.setData([], [])
                continue
            item.setData(p.points[:, 0], p.points[:, 1])
            heads.append((p.points[-1], RACE_COLORS[name]))
        self.race_heads.setData([h[0][0] for h in heads], [h[0][1] for h in heads],
                                brush=[pg.mkBrush(*h[1]) for h in heads])
        if race is not None:
            self.start_mark.setData([race.spec.start[0]], [race.spec.start[1]])
        else:
            self.start_mark.setData([], [])
        self._legend_for(tuple((p.optimizer, p.label) for p in (race.paths if race else ())))

    def _legend_for(self, racers: tuple) -> None:
        key = racers or ("run",)
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.clear()
        if racers:
            for name, label in racers:
                self.legend.addItem(pg.PlotDataItem(pen=style.pen(RACE_COLORS[name], 2.4)), label)
        else:
            self.legend.addItem(pg.PlotDataItem(pen=style.pen(PATH_COLOR, 2.2)), "this run")
        self.graphics.ci.layout.invalidate()
        self.graphics.ci.layout.activate()

    def legend_labels(self) -> list[str]:
        return [label.text for _, label in self.legend.items]

    def _summary(self, race=None) -> str:
        view = self.landscape
        if view is None or not len(view.a):
            return ""
        scale = " · log colours" if self.log_scale else ""
        if race is not None:
            moves = ("only these two weights move" if race.frozen
                     else "all weights move, paths projected")
            step = max((len(p.points) - 1 for p in race.paths), default=0)
            return f"race step {step} · {moves}{scale}"
        what = ("other weights as at the start" if view.frozen
                else "random directions through all weights")
        return f"{view.loss_name} · {what}{scale}"

    # ------------------------------------------------------------------ clear
    def clear(self) -> None:
        """Forget the landscape, the run's path and a race's paths (the next frame draws the
        landscape again; the plane chosen and Race mode stay)."""
        super().clear()
        self.landscape = None
        self.image.clear()
        for item in (self.contours, self.path, self.point):
            item.setData([], [])
        self._draw_race(None)

    def export_csv(self, path) -> None:
        """The grid: one row per point (a, b, loss)."""
        import csv

        view = self.landscape
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            labels = view.labels if view is not None else ("a", "b")
            writer.writerow([labels[0], labels[1], "loss"])
            if view is None:
                return
            for i, a in enumerate(view.a):
                for j, b in enumerate(view.b):
                    writer.writerow([f"{a:.6g}", f"{b:.6g}", f"{view.loss[i, j]:.6g}"])


def race_loss_curves(snapshot: Any) -> dict[str, tuple[np.ndarray, np.ndarray, tuple]]:
    """The race's loss per step for the loss plot: label -> (steps, loss, colour)."""
    race = getattr(snapshot, "race", None)
    if race is None:
        return {}
    return {p.label: (np.arange(len(p.loss), dtype=float), np.asarray(p.loss, float),
                      RACE_COLORS.get(p.optimizer, style.INK)) for p in race.paths}

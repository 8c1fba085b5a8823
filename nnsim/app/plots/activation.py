"""The activation function of the selected neuron and its derivative, with its current net input
marked on the curve (a dot and a vertical line).

Curves are evaluated with nnsim.engine.units.UNITS, never re-derived here.  The gaussian (RBF)
unit's input is the squared distance d2 = ||x - c||^2, so it is plotted against the distance d,
with the engine's derivative dy/d(d2).  Softmax is shown for one logit against a second at 0.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

from nnsim.engine.units import UNITS

from ..numbers import format_value
from . import style
from .base import PlotPanel

CURVE_COLOR = (21, 101, 192)
DERIVATIVE_COLOR = (230, 116, 20)
SAMPLES = 801


class ActivationPlot(PlotPanel):
    title = "Activation"

    def __init__(self, parent=None, z_range: float = 6.0) -> None:
        super().__init__(parent)
        self.z_range = z_range
        self.legend = style.key_row(self.graphics)
        self.plot = self.add_plot(1, 0, left="output", bottom="net input z")
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen(200, 200, 200)))
        self.plot.addItem(pg.InfiniteLine(0, angle=90, pen=pg.mkPen(200, 200, 200)))
        self.curve = self.plot.plot(pen=style.pen(CURVE_COLOR, 2.5), name="y = f(z)")
        self.derivative_curve = self.plot.plot(pen=style.pen(DERIVATIVE_COLOR, 2, dashed=True),
                                               name="f′(z)")
        self.legend.addItem(self.curve, "y = f(z)")
        self.legend.addItem(self.derivative_curve, "f′(z)")
        self.z_line = pg.InfiniteLine(0, angle=90, pen=style.pen(style.INK, 1, dashed=True))
        self.dot = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(*CURVE_COLOR), pen=pg.mkPen("w", width=1.5))
        self.plot.addItem(self.z_line)
        self.plot.addItem(self.dot)
        self.activation = ""
        self.beta = 1.0
        self.z = 0.0
        self.neuron = ""
        self.set_neuron("sigmoid", 0.0)

    # ------------------------------------------------------------------ the one call
    def set_neuron(self, activation: str, z: float, beta: float | None = None, name: str = "") -> None:
        """Show `activation` (a key of UNITS) with the current net input `z` marked; for the
        gaussian, z is the squared distance d2 and `beta` its width parameter."""
        unit = UNITS[activation]
        beta = 1.0 if beta is None else float(beta)
        z = float(z) if np.isfinite(z) else 0.0
        if (activation, beta) != (self.activation, self.beta) or abs(z) > self._span() * 0.95:
            self.activation, self.beta = activation, beta
            self._draw_curves(unit, max(self.z_range, abs(z) * 1.2))
        self.z, self.neuron = z, name
        self._mark(unit, z)

    structure = None  # a Network with the units (set_network); else each snapshot's

    def set_network(self, net) -> None:
        """The network whose units to show (the document's): its weights are not used."""
        self.structure = net

    def track(self, name: str) -> None:
        """Follow neuron `name` in later snapshots (its net input, and its activation when the
        snapshot carries the network)."""
        self.neuron = name

    def update_snapshot(self, snapshot: Any) -> None:
        names = tuple(getattr(snapshot, "names", ()))
        if self.neuron and self.structure is not None and not self.structure.has_neuron(self.neuron):
            self.clear()  # the tracked neuron was deleted: nothing of it stays on view
            return
        if not self.neuron or self.neuron not in names:
            return
        z = float(np.asarray(getattr(snapshot, "net_inputs", ()))[names.index(self.neuron)])
        activation, beta = self.activation, self.beta
        # The window's own network when given: a snapshot's network may have to be built.
        network = self.structure if self.structure is not None else getattr(snapshot, "network",
                                                                             None)
        if network is not None and network.has_neuron(self.neuron):
            neuron = network.neuron(self.neuron)
            activation, beta = neuron.activation, neuron.param("beta", 1.0)
        self.set_neuron(activation, z, beta, self.neuron)

    # ------------------------------------------------------------------ drawing
    def _span(self) -> float:
        x, _ = self.curve.getOriginalDataset()
        return float(np.max(np.abs(x))) if x is not None and len(x) else 0.0

    def _evaluate(self, unit, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if unit.name == "gaussian":
            d2 = z * z  # z here is the distance d; the unit takes d^2
            return unit.function(d2, self.beta), unit.derivative(d2, self.beta)
        if unit.name == "softmax":
            logits = np.stack([z, np.zeros_like(z)], axis=-1)
            return unit.function(logits)[:, 0], unit.derivative(logits)[:, 0]
        return unit.function(z), unit.derivative(z)

    def _draw_curves(self, unit, span: float) -> None:
        lo = 0.0 if unit.name == "gaussian" else -span
        z = np.linspace(lo, span, SAMPLES)
        y, dy = self._evaluate(unit, z)
        self.curve.setData(z, y, skipFiniteCheck=True)
        self.derivative_curve.setData(z, dy, skipFiniteCheck=True)
        gaussian = unit.name == "gaussian"
        self.plot.setLabel("bottom", "distance d = ‖x − c‖" if gaussian else "net input z")
        self.legend.getLabel(self.derivative_curve).setText("dy/d(d²)" if gaussian else "f′(z)")
        self.plot.setXRange(lo, span, padding=0.02)
        self.plot.enableAutoRange(axis="y")

    def _mark(self, unit, z: float) -> None:
        at = np.sqrt(max(z, 0.0)) if unit.name == "gaussian" else z
        y, dy = self._evaluate(unit, np.array([at]))
        self.z_line.setValue(at)
        self.z_line.setVisible(True)
        self.dot.setData([at], [float(y[0])])
        who = f"{self.neuron}: " if self.neuron else ""
        where = f"d = {format_value(at)}" if unit.name == "gaussian" else f"z = {format_value(z)}"
        self.set_status(f"{who}{unit.label} · {unit.formula} · {where} → "
                        f"y = {format_value(y[0])}, slope {format_value(dy[0])}")

    def clear(self) -> None:
        """Forget the tracked neuron: no curve, no mark, until `track` and a snapshot or
        `set_neuron` draw one."""
        super().clear()
        self.neuron = ""
        self.activation = ""
        self.z = 0.0
        self.curve.setData([], [])
        self.derivative_curve.setData([], [])
        self.dot.setData([], [])
        self.z_line.setVisible(False)

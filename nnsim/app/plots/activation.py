"""The activation function of the selected neuron and its derivative, with its current net input
marked on the curve (a dot and a vertical line).

A gallery network (one input feeding two to four output units and nothing else: lesson 8's
sigmoid, tanh and ReLU) shows every unit side by side instead, each panel titled with its unit,
z, y and slope, so the functions and their derivatives compare at a glance.

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
        self.status.elide_at_words = True  # narrow: whole words dropped, never a number cut
        self.legend = style.key_row(self.graphics)
        self.plot = self.add_plot(1, 0, left="output", bottom="net input z")
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen(200, 200, 200)))
        self.plot.addItem(pg.InfiniteLine(0, angle=90, pen=pg.mkPen(200, 200, 200)))
        self.curve = self.plot.plot(pen=style.pen(CURVE_COLOR, 2.5), name="y = f(z)")
        self.derivative_curve = self.plot.plot(pen=style.pen(DERIVATIVE_COLOR, 2, dashed=True),
                                               name="f′(z)")
        # Samples of their own: the key stays right when the gallery hides the single plot
        self._key_derivative = pg.PlotDataItem(pen=style.pen(DERIVATIVE_COLOR, 2, dashed=True))
        self.legend.addItem(pg.PlotDataItem(pen=style.pen(CURVE_COLOR, 2.5)), "y = f(z)")
        self.legend.addItem(self._key_derivative, "f′(z)")
        self.z_line = pg.InfiniteLine(0, angle=90, pen=style.pen(style.INK, 1, dashed=True))
        self.dot = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(*CURVE_COLOR), pen=pg.mkPen("w", width=1.5))
        self.plot.addItem(self.z_line)
        self.plot.addItem(self.dot)
        self.activation = ""
        self.beta = 1.0
        self.z = 0.0
        self.neuron = ""
        self.panels: list[Panel] = []
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
    gallery: tuple[str, ...] = ()  # the units shown side by side (a gallery network), or ()

    def set_network(self, net) -> None:
        """The network whose units to show (the document's): its weights are not used."""
        self.structure = net
        self._show_gallery(gallery_units(net))

    def _show_gallery(self, names: tuple[str, ...]) -> None:
        ci = self.graphics.ci
        if names == self.gallery:
            return
        for panel in self.panels:
            ci.removeItem(panel.plot)
        self.panels = []
        if names:
            if not self.gallery:
                ci.removeItem(self.plot)
                self.plot.hide()
            for k, name in enumerate(names):
                panel = Panel(name, first=k == 0)
                ci.addItem(panel.plot, row=1, col=k)
                self.panels.append(panel)
        elif self.gallery:
            ci.addItem(self.plot, row=1, col=0)
            self.plot.show()
        self.gallery = names

    def track(self, name: str) -> None:
        """Follow neuron `name` in later snapshots (its net input, and its activation when the
        snapshot carries the network)."""
        self.neuron = name

    def update_snapshot(self, snapshot: Any) -> None:
        names = tuple(getattr(snapshot, "names", ()))
        if self.gallery:
            net_inputs = np.asarray(getattr(snapshot, "net_inputs", ()))
            for panel in self.panels:
                if panel.name in names and self.structure.has_neuron(panel.name):
                    neuron = self.structure.neuron(panel.name)
                    panel.show(UNITS[neuron.activation], float(net_inputs[names.index(panel.name)]),
                               self.z_range)
            self.set_status(gallery_summary(self.panels))
            return
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
        self.legend.getLabel(self._key_derivative).setText("dy/d(d²)" if gaussian else "f′(z)")
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


def gallery_units(net) -> tuple[str, ...]:
    """The output units of a gallery network (one input feeding 2-4 output units directly,
    nothing else), in network order; () for any other network."""
    if net is None or len(net.inputs) != 1:
        return ()
    units = [n for n in net.neurons if n.role != "input"]
    if not 2 <= len(units) <= 4 or any(n.role != "output" for n in units):
        return ()
    source = net.neuron(net.inputs[0]).id
    for n in units:
        incoming = net.incoming(n.id)
        if len(incoming) != 1 or incoming[0].source != source or n.activation not in UNITS \
                or n.activation in ("gaussian", "softmax"):
            return ()
    return tuple(n.name for n in units)


def gallery_summary(panels) -> str:
    """The gallery's one-line summary, short enough for a plot's header: the shared z once and
    each unit's y (the slopes are in the panels' titles); per unit z -> y when the z differ."""
    shown = [p for p in panels if p.text]
    if not shown:
        return ""
    if len({p.z for p in shown}) == 1:
        return f"z = {format_value(shown[0].z)} → " + " · ".join(
            f"{p.name} {format_value(p.y)}" for p in shown)
    return " · ".join(f"{p.name}: {format_value(p.z)} → {format_value(p.y)}" for p in shown)


class Panel:
    """One unit of a gallery: f and f' over z, its current z marked, titled with its numbers."""

    def __init__(self, name: str, first: bool) -> None:
        self.name = name
        self.text = ""
        self.plot = pg.PlotItem()
        style.style_plot(self.plot, left="y, f′" if first else "")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen(200, 200, 200)))
        self.plot.addItem(pg.InfiniteLine(0, angle=90, pen=pg.mkPen(200, 200, 200)))
        self.curve = self.plot.plot(pen=style.pen(CURVE_COLOR, 2.5))
        self.derivative = self.plot.plot(pen=style.pen(DERIVATIVE_COLOR, 2, dashed=True))
        self.z_line = pg.InfiniteLine(0, angle=90, pen=style.pen(style.INK, 1, dashed=True))
        self.dot = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(*CURVE_COLOR),
                                      pen=pg.mkPen("w", width=1.5))
        self.plot.addItem(self.z_line)
        self.plot.addItem(self.dot)
        self.drawn = ""
        self.z = self.y = 0.0

    def show(self, unit, z: float, z_range: float) -> None:
        z = z if np.isfinite(z) else 0.0
        if self.drawn != unit.name:
            span = 4.0 if unit.name in ("relu", "linear") else z_range
            zs = np.linspace(-span, span, SAMPLES)
            self.curve.setData(zs, unit.function(zs), skipFiniteCheck=True)
            self.derivative.setData(zs, unit.derivative(zs), skipFiniteCheck=True)
            self.plot.setXRange(-span, span, padding=0.02)
            self.drawn = unit.name
        y, dy = unit.function(np.array([z])), unit.derivative(np.array([z]))
        self.z_line.setValue(z)
        self.dot.setData([z], [float(y[0])])
        self.z, self.y = z, float(y[0])
        self.text = (f"{self.name}: z = {format_value(z)} → y = {format_value(y[0])}, "
                     f"f′ = {format_value(dy[0])}")
        self.plot.setTitle(f"{self.name}<br>y = {format_value(y[0])}, f′ = {format_value(dy[0])}",
                           color="#{:02x}{:02x}{:02x}".format(*style.INK),
                           size=f"{style.FONT_PT}pt")

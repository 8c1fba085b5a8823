"""The plots' shared look: one light theme, readable axes, class and series colours.

Chosen once here so every plot reads the same; widgets style their items through these helpers
instead of touching pyqtgraph's global configuration (other widgets share that).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsItem

try:  # the app's one diverging scale, shared with the canvas
    from nnsim.app.colors import LUT, NEGATIVE, POSITIVE
except ImportError:  # pragma: no cover - only where the canvas's colors module is missing
    from .colormap import LUT, NEGATIVE, POSITIVE

__all__ = ["LUT", "NEGATIVE", "POSITIVE"]  # re-exported: plots take their colours from here

BACKGROUND = "w"
INK = (55, 65, 75)  # axes, ticks, labels
FAINT = (120, 130, 140)  # secondary lines (derivative, validation)
FONT_PT = 9

# The lecture's points: class 1 green, class 0 red; further classes from a categorical palette.
CLASS_COLORS: tuple[tuple[int, int, int], ...] = (  # the same list as the data panel's swatches
    (214, 39, 40),  # class 0: red
    (44, 160, 44),  # class 1: green
    (31, 119, 180), (255, 127, 14), (148, 103, 189), (140, 86, 75), (227, 119, 194),
    (127, 127, 127), (188, 189, 34), (23, 190, 207),
)

# Curves (one per synapse, per series): a ten-colour categorical palette, then repeats.
SERIES_COLORS: tuple[tuple[int, int, int], ...] = (
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
)


def series_color(i: int) -> tuple[int, int, int]:
    return SERIES_COLORS[i % len(SERIES_COLORS)]


def class_color(label: int) -> tuple[int, int, int]:
    return CLASS_COLORS[int(label) % len(CLASS_COLORS)]


def diverging_lut() -> np.ndarray:
    """The app's shared blue-white-orange scale as a 256-entry RGB LUT (nnsim.app.colors)."""
    return LUT


def pale_lut(amount: float = 0.35) -> np.ndarray:
    """The shared scale blended towards white, for backgrounds that data points sit on."""
    return np.round(LUT * (1.0 - amount) + 255.0 * amount).astype(np.uint8)


def pen(color, width: float = 1.5, dashed: bool = False):
    p = pg.mkPen(color=color, width=width)
    p.setCosmetic(True)
    if dashed:
        from PySide6.QtCore import Qt

        p.setStyle(Qt.PenStyle.DashLine)
    return p


def style_plot(plot: pg.PlotItem, left: str = "", bottom: str = "", grid: bool = True) -> pg.PlotItem:
    """Dark-grey axes and labels on white, a faint grid, no pyqtgraph 'A' button."""
    font = QFont()
    font.setPointSize(FONT_PT)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(INK))
        axis.setTextPen(pg.mkPen(INK))
        axis.setTickFont(font)
        axis.enableAutoSIPrefix(False)  # "(x0.001)" beside a label confuses more than it saves
        # An axis with its grid spans the whole plot, so every frame repainted it, replaying
        # its ticks' text: most of a frame's cost.  Cached as a pixmap, it is redrawn only when
        # its range changes.
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    style = {"color": "#{:02x}{:02x}{:02x}".format(*INK), "font-size": f"{FONT_PT + 1}pt"}
    if left:
        plot.setLabel("left", left, **style)
    if bottom:
        plot.setLabel("bottom", bottom, **style)
    if grid:
        plot.showGrid(x=True, y=True, alpha=0.12)
    plot.hideButtons()
    return plot


def long_history(curve: pg.PlotDataItem) -> pg.PlotDataItem:
    """Settings for curves of up to ~10^5 points: draw only what is in view, and reduce it to
    each pixel column's min and max (one bin per pixel keeps the envelope exact and costs a
    fifth of pyqtgraph's default of five bins per pixel)."""
    curve.setClipToView(True)
    curve.setDownsampling(auto=True, method="peak")
    curve.opts["autoDownsampleFactor"] = 1.0
    return curve


def add_legend(plot: pg.PlotItem, offset=(10, 10), columns: int = 1) -> pg.LegendItem:
    legend = plot.addLegend(offset=offset, labelTextColor=QColor(*INK), labelTextSize=f"{FONT_PT}pt",
                            brush=pg.mkBrush(255, 255, 255, 170), pen=pg.mkPen(200, 200, 200),
                            colCount=columns)
    return legend


def compact_row(graphics: pg.GraphicsLayoutWidget, item: pg.GraphicsWidget) -> None:
    """A legend in a row of its own keeps its natural size at the row's left (pyqtgraph would
    spread its entries over the whole width)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QSizePolicy

    item.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    graphics.ci.layout.setAlignment(item, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def key_row(graphics: pg.GraphicsLayoutWidget, row: int = 0, columns: int = 3) -> pg.LegendItem:
    """A legend in a row of its own (above or below a plot), compact at its left: a key that
    never covers the data."""
    legend = pg.LegendItem(colCount=columns, labelTextColor=INK, labelTextSize=f"{FONT_PT}pt")
    graphics.addItem(legend, row=row, col=0)
    graphics.ci.layout.setRowStretchFactor(row, 0)
    compact_row(graphics, legend)
    return legend


class SparseLogAxis(pg.AxisItem):
    """In log mode pyqtgraph labels every minor tick (2..9) of a short range, which overprints on
    a small axis; this keeps only the minor ticks whose mantissa is in `mantissas`."""

    def __init__(self, orientation: str, mantissas=(1, 2, 5), **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self._keep = np.log10(np.asarray(mantissas, dtype=float))

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802 (pyqtgraph's name)
        ticks = super().logTickValues(minVal, maxVal, size, stdTicks)
        out = []
        for spacing, values in ticks:
            if spacing is None:
                frac = np.asarray(values) - np.floor(np.asarray(values) + 1e-9)
                values = [v for v, f in zip(values, frac) if np.min(np.abs(self._keep - f)) < 1e-6]
            out.append((spacing, values))
        return out

"""The plots' shared look: the theme's colours, readable axes, class colours and shapes, series
colours.

Chosen here so every plot reads the same; widgets style their items through these helpers
instead of touching pyqtgraph's global configuration (other widgets share that).  The theme
(nnsim.app.theme) sets this module's colours (`apply_theme`) and restyles open plots
(`restyle_panel`); read them as `style.INK` at use, not by `from style import INK`.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app import theme as _theme

try:  # the app's one diverging scale, shared with the canvas
    from nnsim.app.colors import LUT, NEGATIVE, POSITIVE
except ImportError:  # pragma: no cover - only where the canvas's colors module is missing
    from .colormap import LUT, NEGATIVE, POSITIVE

__all__ = ["LUT", "NEGATIVE", "POSITIVE"]  # re-exported: plots take their colours from here

BACKGROUND: tuple[int, int, int] = (255, 255, 255)
INK = (55, 65, 75)  # axes, ticks, labels
FAINT = (110, 120, 130)  # secondary lines (derivative, validation) and hints
LEGEND_BRUSH = (255, 255, 255, 170)
LEGEND_PEN = (200, 200, 200)
POINT_OUTLINE = (33, 33, 33)  # the rim of data points drawn over a map
FONT_PT = 9

# Classes by colour and by shape: class 0 blue circle, class 1 orange cross (the colour-blind
# safe default; View > Palette > Classic gives the lecture's red and green), more shapes after.
CLASS_COLORS: tuple[tuple[int, int, int], ...] = _theme.SAFE_CLASSES  # as the data panel's swatches
CLASS_SYMBOLS: tuple[str, ...] = _theme.CLASS_SYMBOLS

# Curves (one per synapse, per series): a ten-colour categorical palette, then repeats.
SERIES_COLORS: tuple[tuple[int, int, int], ...] = (
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
)


def series_color(i: int) -> tuple[int, int, int]:
    return SERIES_COLORS[i % len(SERIES_COLORS)]


def class_color(label: int) -> tuple[int, int, int]:
    return CLASS_COLORS[int(label) % len(CLASS_COLORS)]


def class_symbol(label: int) -> str:
    """The class's marker (pyqtgraph symbol): circle, cross, triangle, square, ..."""
    return CLASS_SYMBOLS[int(label) % len(CLASS_SYMBOLS)]


def point_pen(alpha: float = 1.0, width: float = 1.2):
    """The rim of a data point: contrasts with the blue/orange map under it."""
    return pg.mkPen(*POINT_OUTLINE, int(round(255 * alpha)), width=width)


def hex_color(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def apply_theme(theme, class_colors) -> None:
    """Adopt a theme's plot colours and a palette's class colours (nnsim.app.theme calls it)."""
    global BACKGROUND, INK, FAINT, LEGEND_BRUSH, LEGEND_PEN, POINT_OUTLINE, CLASS_COLORS
    BACKGROUND, INK, FAINT = theme.plot_background, theme.plot_ink, theme.plot_faint
    LEGEND_BRUSH, LEGEND_PEN, POINT_OUTLINE = theme.legend_brush, theme.legend_pen, theme.point_outline
    CLASS_COLORS = tuple(class_colors)


def _restyle_axis(axis) -> None:
    axis.setPen(pg.mkPen(INK))
    axis.setTextPen(pg.mkPen(INK))  # also the axis label's colour
    axis.update()


def restyle_graphics(graphics: pg.GraphicsLayoutWidget, old_inks=()) -> None:
    """Every item of an open plot to the current colours: background, axes and their labels,
    legends, titles and text items that were in an ink colour (`old_inks`: RGB of the ink and
    faint colours they may hold)."""
    graphics.setBackground(BACKGROUND)
    scene = graphics.scene()
    if scene is None:
        return
    old = {tuple(c[:3]) for c in old_inks}
    for item in scene.items():
        if isinstance(item, pg.AxisItem):
            _restyle_axis(item)
        elif isinstance(item, pg.LegendItem):
            item.setLabelTextColor(QColor(*INK))
            if item.opts.get("brush") is not None:
                item.setBrush(pg.mkBrush(*LEGEND_BRUSH))
                item.setPen(pg.mkPen(*LEGEND_PEN))
        elif isinstance(item, pg.TextItem):
            c = item.color
            rgb = (c.red(), c.green(), c.blue())
            if rgb in old:
                item.setColor(QColor(*(FAINT if rgb == _faint_of(old_inks) else INK)))
                fill = getattr(item, "fill", None)
                if fill is not None and fill.style() != Qt.BrushStyle.NoBrush:  # its plate
                    item.fill = pg.mkBrush(*BACKGROUND, fill.color().alpha())
                    item.update()
        elif isinstance(item, pg.LabelItem):
            color = item.opts.get("color")
            if color is not None and item.text:
                item.setText(item.text, color=hex_color(INK))
    graphics.update()


def _faint_of(old_inks):
    return tuple(old_inks[1][:3]) if len(old_inks) > 1 else None


def restyle_panel(panel) -> None:
    """A PlotPanel (plots.base) to the current theme: its graphics, header text and the
    sentence shown when it does not apply."""
    from PySide6.QtGui import QPalette

    olds = getattr(panel, "_theme_inks", ((55, 65, 75), (120, 130, 140)))
    restyle_graphics(panel.graphics, olds)
    panel._theme_inks = (INK, FAINT)
    status = getattr(panel, "status", None)
    if status is not None:
        pal = status.palette()
        pal.setColor(QPalette.ColorRole.WindowText, QColor(*INK))
        status.setPalette(pal)
        status.update()
    label = getattr(panel, "unavailable_label", None)
    if label is not None:
        label.setStyleSheet(f"QLabel#unavailable {{ color: {hex_color(INK)}; "
                            f"background: {hex_color(BACKGROUND)}; }}")


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
    """Axes and labels in the theme's ink, a faint grid, no pyqtgraph 'A' button."""
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
                            brush=pg.mkBrush(*LEGEND_BRUSH), pen=pg.mkPen(*LEGEND_PEN),
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


# ---------------------------------------------------------------------- presenter mode's scale
def _pt(size) -> float | None:
    """9.0 for '9pt' (a pyqtgraph size option), None for anything else."""
    if isinstance(size, str) and size.endswith("pt"):
        try:
            return float(size[:-2])
        except ValueError:
            return None
    return None


def _rescaled(item, key: str, current, factor: float, scale):
    """`current` (a width, a size, an array of sizes) as `factor` times its own size: the own
    size is remembered on the item the first time, and taken anew when a frame has set another
    value since (a plot that sets its sizes each frame)."""
    memo = item.__dict__.setdefault("_presenter_bases", {})
    base, applied = memo.get(key, (None, None))
    same = applied is not None and np.array_equal(np.asarray(current), np.asarray(applied))
    if base is None or not same:
        base = current
    value = scale(base, factor)
    memo[key] = (base, value)
    return base, value


def _times(base, factor):
    return np.asarray(base, float) * factor if isinstance(base, np.ndarray) else base * factor


def _scaled_pen(item, key: str, pen, factor: float):
    """A copy of `pen` `factor` times as wide as its own width (None: no change needed)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPen

    if pen is None or not isinstance(pen, QPen) or pen.style() == Qt.PenStyle.NoPen:
        return None
    base, value = _rescaled(item, key, pen.widthF() or 1.0, factor, _times)
    if abs(pen.widthF() - value) < 1e-9:
        return None
    out = QPen(pen)
    out.setWidthF(value)
    return out


def scale_graphics(graphics: pg.GraphicsLayoutWidget, factor: float) -> None:
    """Every item of a plot at `factor` times its own size (presenter mode, nnsim.app.presenter;
    1.0 puts them back): axis tick fonts and labels, titles, legends and text items, line widths
    (curves, infinite lines, axes, markers' rims) and marker sizes.  Call it again after a frame:
    items a frame gave new sizes (a scatter's sizes, a curve's pen) are scaled from those."""
    scene = graphics.scene()
    if scene is None:
        return
    for item in scene.items():
        if isinstance(item, pg.AxisItem):
            _scale_axis(item, factor)
        elif isinstance(item, pg.LegendItem):
            for sample, _label in item.items:
                _scale_item(sample.item, factor)
        elif isinstance(item, pg.TextItem):
            font = item.textItem.font()
            _base, size = _rescaled(item, "font", font.pointSizeF(), factor, _times)
            if font.pointSizeF() != size:
                font.setPointSizeF(size)
                item.setFont(font)
        elif isinstance(item, pg.LabelItem):
            own = _pt(item.opts.get("size"))
            if own is not None and item.text:
                _base, size = _rescaled(item, "size", own, factor, _times)
                if size != own:
                    item.setText(item.text, size=f"{size:g}pt")
        else:
            _scale_item(item, factor)


def _scale_axis(axis: pg.AxisItem, factor: float) -> None:
    font = axis.style.get("tickFont")
    if font is not None:
        _base, size = _rescaled(axis, "tick", font.pointSizeF(), factor, _times)
        if font.pointSizeF() != size:
            font = QFont(font)
            font.setPointSizeF(size)
            axis.setTickFont(font)
            length = _rescaled(axis, "tickLength", axis.style["tickLength"], factor,
                               lambda b, f: int(round(b * f)))[1]
            axis.setStyle(tickLength=length)
    label = _pt(axis.labelStyle.get("font-size"))
    if label is not None and axis.labelText:
        _base, size = _rescaled(axis, "label", label, factor, _times)
        if size != label:
            axis.setLabel(axis.labelText, axis.labelUnits or None, axis.labelUnitPrefix or None,
                          **{**axis.labelStyle, "font-size": f"{size:g}pt"})
    pen = _scaled_pen(axis, "pen", axis.pen(), factor)
    if pen is not None:
        axis.setPen(pen)


def _scale_item(item, factor: float) -> None:
    """Curves, infinite lines and scatters (the data items and a legend's samples)."""
    if isinstance(item, pg.InfiniteLine):
        pen = _scaled_pen(item, "pen", item.pen, factor)
        if pen is not None:
            item.setPen(pen)
        return
    opts = getattr(item, "opts", None)
    if not isinstance(opts, dict):
        return
    if isinstance(item, (pg.PlotCurveItem, pg.PlotDataItem)):
        pen = _scaled_pen(item, "pen", opts.get("pen"), factor)
        if pen is not None:
            if isinstance(item, pg.PlotCurveItem):
                item.setPen(pen)
            else:
                opts["pen"] = pen  # a legend's sample: drawn from its options
        if isinstance(item, pg.PlotDataItem) and opts.get("symbol") is not None:
            size = opts.get("symbolSize")
            if isinstance(size, (int, float)):
                opts["symbolSize"] = _rescaled(item, "symbolSize", size, factor, _times)[1]
    elif isinstance(item, pg.ScatterPlotItem):
        if not opts.get("pxMode", True):
            return  # sized in data units: zooms with the plot
        if len(item.data):
            sizes = item.data["size"].astype(float)
            sizes[sizes < 0] = opts.get("size", 7)  # -1: the scatter's own size
            value = _rescaled(item, "sizes", sizes, factor, _times)[1]
            if not np.array_equal(sizes, value):
                item.setSize(value)
        else:  # a legend's sample: its default size
            opts["size"] = _rescaled(item, "size", opts.get("size", 7), factor, _times)[1]

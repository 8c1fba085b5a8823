"""Real-time plots fed by the worker's snapshots (issue 5).

Every plot is a `PlotPanel` (a QWidget) with `update_snapshot(snapshot)`, `clear()` (forgets
everything drawn, data shown included), `export(path)` (.png, .svg or .csv) and
`set_unavailable(reason)` (one sentence instead of the plot; None brings it back).
`plot_unavailable_reason(key, network, rule_name, dataset)` (plots.applicability) gives that
sentence, or None where the plot applies.  Every plot area keeps at least 200 x 150 px
(base.MIN_PLOT_AREA): the widgets' minimum sizes follow from it.

`PLOTS` maps a key to each plot class (its `title` names
it), so the main window can make one dock per plot generically; `PlotsPanel` puts them all in tabs.

    plot = PLOTS["decision"]()
    worker.snapshot_ready.connect(lambda snapshot, _rate: plot.update_snapshot(snapshot))

Editing signals: DecisionPlot.point_added(x, y, label) (left click: class 1, right click: class 0),
HopfieldView.state_edited(state).
"""
from __future__ import annotations

from .activation import ActivationPlot
from .applicability import plot_unavailable_reason
from .base import PlotPanel
from .curve import CurvePlot
from .decision import DecisionPlot
from .energy import EnergyPlot
from .hopfield import HopfieldView
from .landscape import LandscapePlot
from .layer_view import LayerViewPlot
from .loss import LossPlot
from .panel import PlotsPanel
from .raster import RasterPlot
from .surface import SurfacePlot
from .weight_matrix import WeightMatrixPlot
from .weights import WeightsPlot

PLOTS: dict[str, type[PlotPanel]] = {
    "decision": DecisionPlot,
    "curve": CurvePlot,
    "loss": LossPlot,
    "weights": WeightsPlot,
    "energy": EnergyPlot,
    "activation": ActivationPlot,
    "hopfield": HopfieldView,
    "matrix": WeightMatrixPlot,
    "raster": RasterPlot,
    "surface": SurfacePlot,
    "layers": LayerViewPlot,
    "landscape": LandscapePlot,
}

__all__ = ["PLOTS", "ActivationPlot", "CurvePlot", "DecisionPlot", "EnergyPlot", "HopfieldView",
           "LandscapePlot", "LayerViewPlot", "LossPlot", "PlotPanel", "PlotsPanel", "RasterPlot",
           "SurfacePlot", "WeightMatrixPlot", "WeightsPlot", "plot_unavailable_reason"]

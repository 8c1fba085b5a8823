"""Real-time plots fed by the worker's snapshots (issue 5).

Every plot is a `PlotPanel` with `update_snapshot(snapshot)`, `clear()` and `export(path)`.
`PLOTS` lists them with a title so the main window can make one dock per plot generically.
"""
from __future__ import annotations

from . import _refcount  # noqa: F401  (first: keeps PySide6 6.12 from freeing None)
from .activation import ActivationPlot
from .base import PlotPanel
from .decision import DecisionPlot
from .energy import EnergyPlot
from .hopfield import HopfieldView
from .loss import LossPlot
from .weight_matrix import WeightMatrixPlot
from .weights import WeightsPlot

PLOTS: dict[str, type[PlotPanel]] = {
    "decision": DecisionPlot,
    "weights": WeightsPlot,
    "energy": EnergyPlot,
    "loss": LossPlot,
    "activation": ActivationPlot,
    "hopfield": HopfieldView,
    "weight_matrix": WeightMatrixPlot,
}

__all__ = ["PLOTS", "ActivationPlot", "DecisionPlot", "EnergyPlot", "HopfieldView", "LossPlot",
           "PlotPanel", "WeightMatrixPlot", "WeightsPlot"]

"""The drawing canvas: scene, items, editing tools, inspector, colour legend, layout."""
from .inspector import NeuronInspector
from .toolbar import CanvasToolBar
from .view import NetworkView

__all__ = ["CanvasToolBar", "NetworkView", "NeuronInspector"]

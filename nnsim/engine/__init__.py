"""nnsim's simulation engine: pure NumPy, no Qt (a test enforces it).  Usable from a notebook."""
from .dynamics import SettleResult
from .fileformat import NetworkFileError
from .network import KINDS, ROLES, Network, Neuron, Synapse
from .units import ACTIVATIONS

__all__ = ["ACTIVATIONS", "KINDS", "ROLES", "Network", "NetworkFileError", "Neuron",
           "SettleResult", "Synapse"]

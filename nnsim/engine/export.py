"""Export: weights to a NumPy .npz file and back, and a drawn network as Keras or PyTorch code.

This module is the front door; the work is done in
- weights_file.py: the .npz (plain arrays, no pickle; per-layer matrices and the graph arrays
  that `apply_weights` reads back, for any network, loops included);
- codegen.py: `plan`, splitting a feed-forward network into groups of units, and the parts every
  generated script shares;
- codegen_keras.py and codegen_torch.py: the framework-specific code.

Code export writes a runnable script with the weights embedded.  A plain stack of fully
connected layers becomes `tf.keras.Sequential` / `nn.Sequential`; any other feed-forward graph
(skip connections, missing synapses, mixed units in a layer) becomes one masked layer per group
of units that share an activation, each reading chosen columns of everything computed so far.
"""
from __future__ import annotations

from .codegen import Group, Plan, plan
from .codegen_keras import keras_code
from .codegen_torch import pytorch_code
from .network import Network
from .weights_file import (
    FORMAT,
    GRAPH_KEYS,
    VERSION,
    apply_weights,
    load_weights_npz,
    save_weights_npz,
    weights_arrays,
)

__all__ = ["FORMAT", "GRAPH_KEYS", "VERSION", "Group", "Plan", "apply_weights", "keras_code",
           "load_weights_npz", "plan", "pytorch_code", "save_weights_npz", "to_keras_code",
           "to_pytorch_code", "weights_arrays"]


def to_keras_code(net: Network) -> str:
    """Runnable TensorFlow/Keras source for a feed-forward network, with its weights."""
    return keras_code(net, plan(net))


def to_pytorch_code(net: Network) -> str:
    """Runnable PyTorch source for a feed-forward network, with its weights."""
    return pytorch_code(net, plan(net))

"""Automatic layered layout: one column per `Network.layers` stage, centred vertically."""
from __future__ import annotations

from nnsim.engine.network import Network

COLUMN = 160.0  # scene units between layers
ROW = 80.0  # scene units between neurons of one layer


def layered_positions(net: Network, column: float = COLUMN,
                      row: float = ROW) -> dict[str, tuple[float, float]]:
    """Neuron name -> (x, y).  Inputs come first in their column, outputs last, so the
    picture reads left to right like the lecture's figures; order within a role is kept."""
    rank = {"input": 0, "hidden": 1, "output": 2}
    roles = {n.name: n.role for n in net.neurons}
    positions: dict[str, tuple[float, float]] = {}
    for k, layer in enumerate(net.layers):
        layer = sorted(layer, key=lambda name: rank[roles[name]])  # stable: keeps neuron order
        for j, name in enumerate(layer):
            positions[name] = (k * column, (j - (len(layer) - 1) / 2) * row)
    return positions

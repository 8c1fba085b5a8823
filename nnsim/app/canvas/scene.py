"""The scene: one path item per neuron, one layer for all synapses, one overlay for text.

`sync(network)` brings the scene up to date incrementally (items are kept per neuron id; only
changed records are touched).  `apply_snapshot` recolours by output with vectorised lookups and
touches only the neurons whose colour level changed.
"""
from __future__ import annotations

import operator

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene

from nnsim.app.colors import brushes, level_indices
from nnsim.engine.network import Network, Neuron

from . import geometry
from .neuron_maps import NeuronMapsItem
from .overlay import Overlay
from .shapes import RADIUS, neuron_path, outline_pen
from .synapses import SynapseLayer


class NetworkScene(QGraphicsScene):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # we hit-test in NumPy
        self._records: dict[int, Neuron] = {}
        self._items: dict[int, QGraphicsPathItem] = {}
        self.ids: list[int] = []
        self.index: dict[int, int] = {}
        self.names: list[str] = []
        self.name_index: dict[str, int] = {}
        self.roles: list[str] = []
        self.activations: list[str] = []
        self.pos = np.zeros((0, 2))
        self.outputs = np.zeros(0)
        self.net_inputs = np.zeros(0)
        self.biases = np.zeros(0)  # the document's, or the snapshot's while learning
        self.colour = np.zeros(0, np.intp)
        self._synapse_records: list = []
        self.keys: list[tuple[int, int]] = []
        self.key_index: dict[tuple[int, int], int] = {}
        self.src = self.tgt = np.zeros(0, np.intp)
        self.weights = self.shown_weights = np.zeros(0)
        self.inhibitory = np.zeros(0, bool)
        self._reverse = np.zeros(0, bool)
        self.selected_ids: set[int] = set()
        self.selected_keys: set[tuple[int, int]] = set()
        self.hover_id: int | None = None
        self.hover_key: tuple[int, int] | None = None  # a synapse under the pointer (hover card)
        self._snapshot_cache: tuple = (None, None, None, None)
        self._pen = outline_pen()
        self.synapse_layer = SynapseLayer()
        self.overlay = Overlay(self)
        self.neuron_maps = NeuronMapsItem(self)  # each neuron's own map (z between the two)
        self.addItem(self.synapse_layer)
        self.addItem(self.neuron_maps)
        self.addItem(self.overlay)

    # ------------------------------------------------------------------ document -> scene
    def sync(self, net: Network) -> None:
        neurons = net.neurons
        new_ids = [n.id for n in neurons]
        reindexed = new_ids != self.ids
        moved_ids: list[int] = []
        relabelled = False
        for gone in set(self._items) - set(new_ids):
            self.removeItem(self._items.pop(gone))
            self._records.pop(gone)
        fill = brushes()
        records = self._records
        changed = [n for n in neurons if records.get(n.id) is not n]
        changed_any = bool(changed)
        for n in changed:
            old = records.get(n.id)
            item = self._items.get(n.id)
            if item is None:
                item = QGraphicsPathItem(neuron_path(n.role))
                item.setPen(self._pen)
                item.setZValue(1)
                item.setData(0, n.id)
                self._items[n.id] = item
                self.addItem(item)
            elif old.role != n.role:
                item.setPath(neuron_path(n.role))
            if old is None or (old.x, old.y) != (n.x, n.y):
                item.setPos(n.x, n.y)
                moved_ids.append(n.id)
            if old is None or (old.name, old.role, old.activation) != (n.name, n.role, n.activation):
                relabelled = True
            self._records[n.id] = n
        if reindexed or relabelled:
            self._rebuild_neuron_arrays(neurons)
            moved = np.arange(len(neurons)) if reindexed else \
                np.array([self.index[i] for i in moved_ids], np.intp)
        else:  # only positions or values changed
            moved = np.array([self.index[i] for i in moved_ids], np.intp)
            for i, nid in zip(moved.tolist(), moved_ids):
                self.pos[i] = records[nid].x, records[nid].y
        if reindexed or changed_any:  # a neuron's bias may have changed
            self.biases = np.array([n.bias for n in neurons], float)
        for n in neurons:  # an input shows its clamped value at once, before any simulation
            if n.role == "input":
                i = self.index[n.id]
                if self.outputs[i] != n.value:
                    self.outputs[i] = n.value
                    level = int(level_indices(np.array([n.value]))[0])
                    self.colour[i] = level
                    self._items[n.id].setBrush(fill[level])
        self._sync_synapses(net, reindexed, moved)
        self.selected_ids &= set(self._items)
        self.selected_keys &= set(self.key_index)
        if self.hover_id not in self._items:
            self.hover_id = None
        if self.hover_key not in self.key_index:
            self.hover_key = None
        self.refresh_emphasis()
        self.overlay.refresh_bounds(self.items_rect())
        self.neuron_maps.refresh_bounds(self.items_rect())

    def _rebuild_neuron_arrays(self, neurons: list[Neuron]) -> None:
        old = {nid: i for i, nid in enumerate(self.ids)}
        prev_out, prev_z, prev_c = self.outputs, self.net_inputs, self.colour
        self.ids = [n.id for n in neurons]
        self.index = {nid: i for i, nid in enumerate(self.ids)}
        self.names = [n.name for n in neurons]
        self.name_index = {name: i for i, name in enumerate(self.names)}
        self.roles = [n.role for n in neurons]
        self.activations = [n.activation for n in neurons]
        self.pos = np.array([(n.x, n.y) for n in neurons], float).reshape(-1, 2)
        self.outputs = np.full(len(neurons), np.nan)
        self.net_inputs = np.full(len(neurons), np.nan)
        self.colour = np.full(len(neurons), level_indices(np.zeros(1))[0], np.intp)
        fill = brushes()
        for i, nid in enumerate(self.ids):
            j = old.get(nid)
            if j is not None:
                self.outputs[i], self.net_inputs[i], self.colour[i] = prev_out[j], prev_z[j], prev_c[j]
            else:
                self._items[nid].setBrush(fill[self.colour[i]])
        self._snapshot_cache = (None, None, None, None)

    def _sync_synapses(self, net: Network, reindexed: bool, moved: np.ndarray) -> None:
        synapses, old = net.synapses, self._synapse_records
        if not reindexed and len(synapses) == len(old):
            # records are immutable and shared: compare identities, then only what differs
            diff = np.flatnonzero(np.fromiter(map(operator.is_not, synapses, old), bool,
                                              len(synapses)))
            if not len(diff) and not len(moved):
                return
            if all((synapses[k].source, synapses[k].target) == (old[k].source, old[k].target)
                   for k in diff.tolist()):
                self._synapse_records = synapses
                self.weights, self.inhibitory = self.weights.copy(), self.inhibitory.copy()
                for k in diff.tolist():
                    self.weights[k] = synapses[k].weight
                    self.inhibitory[k] = synapses[k].kind == "inhibitory"
                self.shown_weights = self.weights.copy()
                if len(moved):
                    self.update_geometry(moved)
                else:  # only weights or kinds: the lines stay where they are
                    self.synapse_layer.set_style(self.shown_weights, self.inhibitory)
                return
        topology = [(s.source, s.target) for s in synapses]
        changed_topology = reindexed or topology != self.keys
        if changed_topology:
            self.keys = topology
            self.key_index = {k: i for i, k in enumerate(self.keys)}
            self.src = np.array([self.index[a] for a, _ in self.keys], np.intp)
            self.tgt = np.array([self.index[b] for _, b in self.keys], np.intp)
            self._reverse = geometry.reverse_mask(self.src, self.tgt)
            self._snapshot_cache = (None, None, None, None)
        self._synapse_records = synapses
        self.weights = np.array([s.weight for s in synapses], float)
        self.shown_weights = self.weights.copy()
        self.inhibitory = np.array([s.kind == "inhibitory" for s in synapses], bool)
        if changed_topology:
            self.update_geometry()
        elif len(moved):
            self.update_geometry(moved)
        else:  # only weights or kinds: the lines stay where they are
            self.synapse_layer.set_style(self.shown_weights, self.inhibitory)

    def update_geometry(self, moved: np.ndarray | None = None) -> None:
        """Lay the synapses out again: all of them, or those of the `moved` neurons (indices)."""
        layer = self.synapse_layer
        old = layer.geometry
        if moved is not None and old is not None and old.count == len(self.src):
            touched = np.zeros(len(self.pos), bool)
            touched[np.asarray(moved, np.intp)] = True
            idx = np.flatnonzero(touched[self.src] | touched[self.tgt])
            geo = geometry.patch(old, self.pos, self.src, self.tgt, self._reverse, idx)
            layer.set_geometry(geo, self.shown_weights, self.inhibitory, moved=idx)
            return
        geo = geometry.compute(self.pos, self.src, self.tgt, self._reverse)
        layer.set_geometry(geo, self.shown_weights, self.inhibitory)

    def items_rect(self) -> QRectF:
        if not len(self.pos):
            return QRectF(-200, -150, 400, 300)
        lo, hi = self.pos.min(0), self.pos.max(0)
        return QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1]).adjusted(
            -2 * RADIUS, -3 * RADIUS, 2 * RADIUS, 3 * RADIUS)

    # ------------------------------------------------------------------ live preview
    def preview_positions(self, indices: np.ndarray, positions: np.ndarray) -> None:
        """Move neurons on screen while dragging (the document changes on release)."""
        self.pos[indices] = positions
        for i, (x, y) in zip(indices.tolist(), positions.tolist()):
            self._items[self.ids[i]].setPos(x, y)
        self.update_geometry(indices)
        self.overlay.refresh_bounds(self.items_rect())
        self.neuron_maps.refresh_bounds(self.items_rect())

    # ------------------------------------------------------------------ selection and hover
    def selected_indices(self) -> list[int]:
        return [self.index[n] for n in self.selected_ids if n in self.index]

    def hover_indices(self) -> list[int]:
        return [self.index[self.hover_id]] if self.hover_id in self.index else []

    def refresh_emphasis(self) -> None:
        layer = self.synapse_layer
        layer.set_emphasis("selected", [self.key_index[k] for k in self.selected_keys])
        if self.hover_id is not None:
            h = self.index[self.hover_id]
            layer.set_emphasis("hover", np.flatnonzero((self.src == h) | (self.tgt == h)))
        elif self.hover_key is not None:
            layer.set_emphasis("hover", [self.key_index[self.hover_key]])
        else:
            layer.set_emphasis("hover", [])
        self.overlay.update()

    # ------------------------------------------------------------------ snapshots
    def apply_snapshot(self, snapshot, restyle_synapses: bool = True) -> None:
        names, syn = tuple(snapshot.names), tuple(snapshot.synapses)
        cached_names, rows, cached_syn, syn_rows = self._snapshot_cache
        # The mapping is cached: snapshots repeat the same names (mostly the very same objects).
        if names is not cached_names and names != cached_names:
            pairs = [(k, self.name_index.get(n)) for k, n in enumerate(names)]
            pairs = [(k, i) for k, i in pairs if i is not None]
            rows = (np.array([k for k, _ in pairs], np.intp), np.array([i for _, i in pairs], np.intp))
        if syn is not cached_syn and syn != cached_syn:
            ids = self.name_index
            pairs = []
            for k, (a, b) in enumerate(syn):
                ia, ib = ids.get(a), ids.get(b)
                if ia is not None and ib is not None:
                    j = self.key_index.get((self.ids[ia], self.ids[ib]))
                    if j is not None:
                        pairs.append((k, j))
            syn_rows = (np.array([k for k, _ in pairs], np.intp), np.array([j for _, j in pairs], np.intp))
        self._snapshot_cache = (names, rows, syn, syn_rows)

        src_rows, dst_rows = rows
        self.outputs[dst_rows] = np.asarray(snapshot.outputs, float)[src_rows]
        self.net_inputs[dst_rows] = np.asarray(snapshot.net_inputs, float)[src_rows]
        levels = level_indices(self.outputs)
        changed = np.flatnonzero(levels != self.colour)
        self.colour = levels
        fill, items, ids = brushes(), self._items, self.ids
        for i in changed.tolist():
            items[ids[i]].setBrush(fill[levels[i]])
        biases = getattr(snapshot, "biases", None)  # learned biases, in the snapshot's order
        if biases is not None and len(biases) == len(names) and len(src_rows):
            self.biases[dst_rows] = np.asarray(biases, float)[src_rows]
        weights = np.asarray(snapshot.weights, float)
        if len(weights) and len(syn_rows[0]):
            self.shown_weights[syn_rows[1]] = weights[syn_rows[0]]
            if restyle_synapses:
                self.synapse_layer.set_weights(self.shown_weights)
        if self.neuron_maps.set_snapshot(snapshot) or self.overlay.show_values or len(changed):
            self.overlay.update()  # a new map moves the glyph to its plate

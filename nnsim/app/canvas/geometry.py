"""Where synapses run, computed for all of them at once with NumPy.

A synapse is a polyline from the rim of its source to just short of its target, plus a tip on the
target's rim where the arrowhead (or the inhibitory disc) goes.  A synapse whose reverse also
exists bows to its left, so a reciprocal pair shows as two curves; a self-connection is a loop
above the neuron.  Hit-testing measures the distance to every segment in one vector operation.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .shapes import RADIUS

ARROW = 10.0  # arrowhead length; the line stops under the arrowhead
CURVE_POINTS = 12
LABEL_AT = 0.42  # where along a straight synapse its weight label sits
LOOP_CENTRE, LOOP_RADIUS = RADIUS + 8.0, 11.0
_LOOP_ANGLES = np.radians(np.linspace(140.0, 358.0, 14))
_LOOP_TIP = np.radians(400.0)


@dataclass
class SynapseGeometry:
    x: np.ndarray  # polyline points of every synapse, concatenated
    y: np.ndarray
    connect: np.ndarray  # bool per point: joined to the next point (False ends a polyline)
    owner: np.ndarray  # synapse index of each point
    tip: np.ndarray  # (m, 2) arrowhead tip
    direction: np.ndarray  # (m, 2) unit vector along the synapse at its tip
    label: np.ndarray  # (m, 2) where the weight label goes

    @property
    def count(self) -> int:
        return len(self.tip)

    @cached_property
    def starts(self) -> np.ndarray:
        """Index of each synapse's first point (a synapse's points are contiguous)."""
        first = np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]]) if len(self.owner) \
            else np.zeros(0, np.intp)
        starts = np.zeros(self.count, np.intp)
        starts[self.owner[first]] = first
        return starts

    def segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, owners) of every drawn segment plus line end -> tip."""
        join = self.connect[:-1] if len(self.x) else np.zeros(0, bool)
        a = np.column_stack([self.x[:-1][join], self.y[:-1][join]]) if len(join) else np.zeros((0, 2))
        b = np.column_stack([self.x[1:][join], self.y[1:][join]]) if len(join) else np.zeros((0, 2))
        own = self.owner[:-1][join] if len(join) else np.zeros(0, np.intp)
        last = ~self.connect
        ends = np.column_stack([self.x[last], self.y[last]])
        return (np.concatenate([a, ends]), np.concatenate([b, self.tip[self.owner[last]]]),
                np.concatenate([own, self.owner[last]]))

    def hit(self, px: float, py: float, tolerance: float) -> int:
        """Index of the synapse nearest (px, py) within tolerance, or -1."""
        if self.count == 0:
            return -1
        a, b, own = self.segments()
        d = b - a
        p = np.array([px, py])
        length2 = np.maximum((d * d).sum(1), 1e-12)
        t = np.clip(((p - a) * d).sum(1) / length2, 0.0, 1.0)
        dist2 = ((a + t[:, None] * d - p) ** 2).sum(1)
        k = int(np.argmin(dist2))
        return int(own[k]) if dist2[k] <= tolerance * tolerance else -1


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def reverse_mask(src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """True where the synapse tgt -> src also exists (depends on topology only: cache it)."""
    keys = set(zip(src.tolist(), tgt.tolist()))
    return np.array([(t, s) in keys for s, t in zip(src.tolist(), tgt.tolist())], bool)


def compute(pos: np.ndarray, src: np.ndarray, tgt: np.ndarray,
            reverse: np.ndarray | None = None) -> SynapseGeometry:
    """Geometry of synapses src[i] -> tgt[i] between neurons at pos (n, 2)."""
    m = len(src)
    pos = np.asarray(pos, float).reshape(-1, 2)
    tip = np.zeros((m, 2))
    direction = np.zeros((m, 2))
    label = np.zeros((m, 2))
    pieces: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (owners, px, py) (k, p)

    loop = src == tgt
    if reverse is None:
        reverse = reverse_mask(src, tgt)
    curved = reverse & ~loop
    straight = ~curved & ~loop

    idx = np.flatnonzero(straight)
    if len(idx):
        s, t = pos[src[idx]], pos[tgt[idx]]
        u = _unit(t - s)
        start = s + u * RADIUS
        tip[idx] = t - u * (RADIUS + 1.0)
        end = tip[idx] - u * ARROW * 0.8
        direction[idx] = u
        # a little before the middle: the labels of two crossing diagonals do not collide
        label[idx] = start + (tip[idx] - start) * LABEL_AT
        pieces.append((idx, np.column_stack([start[:, 0], end[:, 0]]),
                       np.column_stack([start[:, 1], end[:, 1]])))

    idx = np.flatnonzero(curved)
    if len(idx):
        s, t = pos[src[idx]], pos[tgt[idx]]
        chord = t - s
        length = np.maximum(np.linalg.norm(chord, axis=1), 1e-9)[:, None]
        u = chord / length
        normal = np.column_stack([u[:, 1], -u[:, 0]])  # the left side, seen along the synapse
        c = (s + t) / 2 + normal * np.minimum(0.2 * length, 45.0)

        def bezier(tt):  # tt (k, p) -> points (k, p, 2)
            tt = tt[..., None]
            return (1 - tt) ** 2 * s[:, None] + 2 * (1 - tt) * tt * c[:, None] + tt ** 2 * t[:, None]

        t0 = RADIUS / length
        t_tip = 1 - (RADIUS + 1.0) / length
        t_end = 1 - (RADIUS + 1.0 + ARROW * 0.8) / length
        tt = t0 + (t_end - t0) * np.linspace(0.0, 1.0, CURVE_POINTS)[None, :]
        pts = bezier(tt)
        tip[idx] = bezier(t_tip)[:, 0]
        direction[idx] = _unit(tip[idx] - pts[:, -1])
        label[idx] = bezier(np.full((len(idx), 1), 0.5))[:, 0]
        pieces.append((idx, pts[..., 0], pts[..., 1]))

    idx = np.flatnonzero(loop)
    if len(idx):
        p = pos[src[idx]]
        cx, cy = p[:, 0:1], p[:, 1:2] - LOOP_CENTRE
        px = cx + LOOP_RADIUS * np.cos(_LOOP_ANGLES)[None, :]
        py = cy + LOOP_RADIUS * np.sin(_LOOP_ANGLES)[None, :]
        tip[idx] = np.column_stack([cx[:, 0] + LOOP_RADIUS * np.cos(_LOOP_TIP),
                                    cy[:, 0] + LOOP_RADIUS * np.sin(_LOOP_TIP)])
        direction[idx] = _unit(tip[idx] - np.column_stack([px[:, -1], py[:, -1]]))
        label[idx] = np.column_stack([cx[:, 0], cy[:, 0] - LOOP_RADIUS - 9.0])
        pieces.append((idx, px, py))

    if not pieces:
        empty = np.zeros(0)
        return SynapseGeometry(empty, empty, np.zeros(0, bool), np.zeros(0, np.intp),
                               tip, direction, label)
    owners = np.concatenate([np.repeat(i, px.shape[1]) for i, px, _ in pieces])
    x = np.concatenate([px.ravel() for _, px, _ in pieces])
    y = np.concatenate([py.ravel() for _, _, py in pieces])
    connect = np.concatenate([np.tile(np.r_[np.ones(px.shape[1] - 1, bool), False], len(i))
                              for i, px, _ in pieces])
    return SynapseGeometry(x, y, connect, owners, tip, direction, label)


def patch(geo: SynapseGeometry, pos: np.ndarray, src: np.ndarray, tgt: np.ndarray,
          reverse: np.ndarray, idx: np.ndarray) -> SynapseGeometry:
    """`geo` with synapses idx recomputed for neurons at pos (same topology, so each synapse keeps
    its number of points); a new object, `geo` is left as it was."""
    idx = np.asarray(idx, np.intp)
    sub = compute(pos, src[idx], tgt[idx], reverse[idx])
    local = np.arange(len(sub.x)) - sub.starts[sub.owner]
    at = geo.starts[idx[sub.owner]] + local
    x, y = geo.x.copy(), geo.y.copy()
    x[at], y[at] = sub.x, sub.y
    tip, direction, label = geo.tip.copy(), geo.direction.copy(), geo.label.copy()
    tip[idx], direction[idx], label[idx] = sub.tip, sub.direction, sub.label
    out = SynapseGeometry(x, y, geo.connect, geo.owner, tip, direction, label)
    out.__dict__["starts"] = geo.starts
    return out

"""The hover card: what the neuron or synapse under the pointer computes, with its numbers.

Painted by the canvas itself (NetworkView.drawForeground, in viewport pixels), so a grab or a
recording of the canvas shows it; it is no window and takes no mouse events.  Its text is
built at each paint from the scene's live arrays (outputs, net inputs, shown weights, biases),
so it follows every snapshot while the pointer rests.  The text itself comes from
nnsim.app.readouts, shared with the decision plot's probe.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from nnsim.app.readouts import Incoming, Readout, neuron_readout, synapse_readout

from .shapes import INK, MUTED, ui_font

PLATE = QColor(255, 255, 255, 242)
EDGE = QColor(176, 190, 197)
PAD = 8.0  # inside the card
GAP = 10.0  # between the card and what it describes (or the pointer)
MARGIN = 4.0  # kept free at the viewport's edges
MAX_WIDTH = 460.0  # longer lines break at " = " and then between terms


def neuron_card(scene, i: int) -> Readout:
    """The readout of neuron `i` (scene index) from the scene's live values."""
    nid = scene.ids[i]
    k = np.flatnonzero(scene.tgt == i)
    names, out = scene.names, scene.outputs
    incoming = [Incoming(names[s], float(w), float(out[s]), bool(inh)) for s, w, inh in
                zip(scene.src[k].tolist(), scene.shown_weights[k].tolist(),
                    scene.inhibitory[k].tolist())]
    record = scene._records.get(nid)
    beta = record.param("beta", 1.0) if record is not None else 1.0
    activation = scene.activations[i]
    group = ()
    if activation == "softmax":
        group = [n for n, a, r in zip(names, scene.activations, scene.roles)
                 if a == "softmax" and r == scene.roles[i]]
    return neuron_readout(names[i], scene.roles[i], activation, float(scene.biases[i]),
                          float(scene.net_inputs[i]), float(out[i]), incoming, beta=beta,
                          softmax_group=group)


def synapse_card(scene, k: int) -> Readout:
    """The readout of synapse `k` (scene index) from the scene's live values."""
    a, b = int(scene.src[k]), int(scene.tgt[k])
    return synapse_readout(scene.names[a], scene.names[b], float(scene.shown_weights[k]),
                           float(scene.outputs[a]), bool(scene.inhibitory[k]),
                           scene.activations[b], float(scene.net_inputs[b]))


def _split_top(line: str, seps: tuple[str, ...]) -> list[str]:
    """`line` cut before each separator that is not inside brackets (kept on the next piece)."""
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(line):
        c = line[i]
        depth += (c == "(") - (c == ")")
        if depth == 0 and i > start and any(line.startswith(sep, i) for sep in seps):
            pieces.append(line[start:i])
            start = i + 1  # the separator's leading space is dropped
        i += 1
    pieces.append(line[start:])
    return pieces


def _greedy(pieces: list[str], fm: QFontMetricsF, width: float) -> list[str]:
    """Pieces joined back into lines at most `width` wide (a piece never split)."""
    lines: list[str] = []
    for piece in pieces:
        if lines and fm.horizontalAdvance(lines[-1] + " " + piece) <= width:
            lines[-1] += " " + piece
        else:
            lines.append(piece if not lines else "    " + piece)
    return lines


def _break(line: str, fm: QFontMetricsF, width: float) -> list[str]:
    """`line` as lines at most `width` wide where it can be: broken before ' = ', and a part
    still too wide between its terms (before a ' + ' or ' - ' outside brackets)."""
    if fm.horizontalAdvance(line) <= width:
        return [line]
    out: list[str] = []
    for part in _greedy(_split_top(line, (" = ",)), fm, width):
        if fm.horizontalAdvance(part) <= width:
            out.append(part)
        else:
            out += _greedy(_split_top(part, (" + ", " - ")), fm, width)
    return out


class SynapseHits:
    """SynapseGeometry.hit for a pointer that moves: the segments and their bounding boxes are
    kept for the geometry they came from (a new geometry is a new object), and only segments
    whose box lies within reach are measured.  Same answer as geometry.hit, without building
    every segment again per mouse move (150,000 synapses: 70 ms -> about 1 ms)."""

    def __init__(self) -> None:
        self._cache: tuple | None = None

    def at(self, g, px: float, py: float, tolerance: float) -> int:
        """Index of the synapse nearest (px, py) within tolerance, or -1."""
        if g is None or g.count == 0:
            return -1
        if self._cache is None or self._cache[0] is not g:
            a, b, own = g.segments()
            self._cache = (g, a, b, own, np.minimum(a, b), np.maximum(a, b))
        _, a, b, own, lo, hi = self._cache
        near = np.flatnonzero((lo[:, 0] <= px + tolerance) & (hi[:, 0] >= px - tolerance) &
                              (lo[:, 1] <= py + tolerance) & (hi[:, 1] >= py - tolerance))
        if not len(near):
            return -1
        a, d = a[near], b[near] - a[near]
        p = np.array([px, py])
        length2 = np.maximum((d * d).sum(1), 1e-12)
        t = np.clip(((p - a) * d).sum(1) / length2, 0.0, 1.0)
        dist2 = ((a + t[:, None] * d - p) ** 2).sum(1)
        k = int(np.argmin(dist2))
        return int(own[near[k]]) if dist2[k] <= tolerance * tolerance else -1


def _count_over(rect: QRectF, boxes: np.ndarray) -> int:
    """How many of boxes ((k, 4) x0, y0, x1, y1) the rectangle overlaps."""
    if not len(boxes):
        return 0
    return int(((boxes[:, 0] < rect.right()) & (boxes[:, 2] > rect.left()) &
                (boxes[:, 1] < rect.bottom()) & (boxes[:, 3] > rect.top())).sum())


class HoverCard:
    """What is hovered (a neuron by scene.hover_id, or a synapse by scene.hover_key) and the
    card painted for it."""

    def __init__(self, view) -> None:
        self.view = view
        self.pointer = QPointF()  # viewport pixels
        self.rect = QRectF()  # where the card was last painted (empty: not shown)
        self.enabled = True
        self.scale = 1.0  # text size factor (presenter mode, nnsim.app.presenter)

    @property
    def scene(self):
        return self.view.canvas

    # ------------------------------------------------------------------ what is hovered
    def point_at(self, pos: QPointF, synapse: int) -> None:
        """The pointer is at viewport `pos`, over synapse index `synapse` (-1: none)."""
        s = self.scene
        key = s.keys[synapse] if synapse >= 0 and s.hover_id is None else None
        moved = pos != self.pointer
        self.pointer = QPointF(pos)
        if key != s.hover_key:
            s.hover_key = key
            s.refresh_emphasis()
            self.view.viewport().update()
        elif key is not None and moved:  # the card follows the pointer along a synapse
            self.view.viewport().update()

    def leave(self) -> None:
        s = self.scene
        if s.hover_key is not None:
            s.hover_key = None
            s.refresh_emphasis()
        self.view.viewport().update()

    def readout(self) -> Readout | None:
        """The readout of what is hovered now, or None."""
        s = self.scene
        if not self.enabled or self.view.interaction.mode is not None:
            return None
        if s.hover_id is not None and s.hover_id in s.index:
            return neuron_card(s, s.index[s.hover_id])
        if s.hover_key is not None and s.hover_key in s.key_index:
            return synapse_card(s, s.key_index[s.hover_key])
        return None

    # ------------------------------------------------------------------ painting
    def current_rect(self, viewport: QRectF) -> QRectF:
        """Where the card shows now (empty: none), as paint() places it."""
        readout = self.readout()
        return QRectF() if readout is None else self.layout(readout, viewport)[0]

    def layout(self, readout: Readout, viewport: QRectF) -> tuple[QRectF, list[tuple[str, bool]]]:
        """(card rect in viewport pixels, [(text, bold)] lines) for `readout`."""
        bold, plain = ui_font(9 * self.scale, bold=True), ui_font(9 * self.scale)
        fb, fm = QFontMetricsF(bold), QFontMetricsF(plain)
        width = min(MAX_WIDTH * self.scale, viewport.width() - 2 * MARGIN - 2 * PAD)
        rows: list[tuple[str, bool]] = [(readout.title, True)]
        for line in readout.lines:
            rows += [(piece, False) for piece in _break(line, fm, width)]
        w = max(fb.horizontalAdvance(t) if b else fm.horizontalAdvance(t) for t, b in rows)
        h = fb.height() + (len(rows) - 1) * fm.height() + 2
        size = (math.ceil(min(w, width) + 2 * PAD), math.ceil(h + 2 * PAD))
        return self._place(size, viewport), rows

    def _place(self, size: tuple[float, float], viewport: QRectF) -> QRectF:
        """Near the pointer (beside, below, above, or diagonally off the hovered neuron), never
        over the hovered neuron and its labels (or the pointer), inside the viewport, over as few
        other neurons as can be (a corner of the view if that covers fewer), then labels."""
        w, h = size
        s, view = self.scene, self.view
        boxes = view.neuron_boxes()
        p = self.pointer
        if s.hover_id is not None and s.hover_id in s.index:
            i = s.index[s.hover_id]
            x0, y0, x1, y1 = boxes[i].tolist()
            layout = s.overlay.layout  # its name, value and bias labels stay readable too
            for idx, rects in (layout.names, layout.values, layout.biases):
                for r in np.asarray(rects).reshape(-1, 4)[np.asarray(idx) == i].tolist():
                    x0, y0, x1, y1 = min(x0, r[0]), min(y0, r[1]), max(x1, r[2]), max(y1, r[3])
            keep = QRectF(x0, y0, x1 - x0, y1 - y0)
            top = min(max(p.y() - h / 2, y0 - h / 2), y1 - h / 2)
            candidates = [QPointF(x1 + GAP, top), QPointF(x0 - GAP - w, top),
                          QPointF(p.x() - w / 2, y1 + GAP), QPointF(p.x() - w / 2, y0 - GAP - h),
                          QPointF(x1 + GAP, y1 + GAP), QPointF(x1 + GAP, y0 - GAP - h),
                          QPointF(x0 - GAP - w, y1 + GAP), QPointF(x0 - GAP - w, y0 - GAP - h)]
        else:
            keep = QRectF(p.x() - 3, p.y() - 3, 6, 6)
            candidates = [QPointF(p.x() + GAP + 6, p.y() + GAP + 6),
                          QPointF(p.x() + GAP + 6, p.y() - GAP - h),
                          QPointF(p.x() - GAP - w, p.y() + GAP + 6),
                          QPointF(p.x() - GAP - w, p.y() - GAP - h)]
        layout = s.overlay.layout
        labels = np.concatenate([np.asarray(r, float).reshape(-1, 4) for r in (
            layout.names[1], layout.values[1], layout.biases[1], layout.weights[1])])
        inner = viewport.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        near = len(candidates)
        # far from the pointer, the view's corners: only where every near place covers a neuron
        candidates += [inner.topLeft(), QPointF(inner.right() - w, inner.top()),
                       QPointF(inner.left(), inner.bottom() - h),
                       QPointF(inner.right() - w, inner.bottom() - h)]
        best, best_score = None, None
        for order, corner in enumerate(candidates):
            x = min(max(corner.x(), inner.left()), inner.right() - w)
            y = min(max(corner.y(), inner.top()), inner.bottom() - h)
            rect = QRectF(x, y, w, h)
            if rect.intersects(keep):
                continue
            score = (_count_over(rect, boxes), order >= near, _count_over(rect, labels), order)
            if best_score is None or score < best_score:
                best, best_score = rect, score
        if best is None:  # no room beside it: the viewport's top-left corner
            best = QRectF(inner.left(), inner.top(), w, h)
        return best

    def paint(self, painter: QPainter, viewport: QRectF) -> None:
        """Paint the card (painter in viewport pixels); remembers its rect."""
        readout = self.readout()
        if readout is None:
            self.rect = QRectF()
            return
        rect, rows = self.layout(readout, viewport)
        self.rect = rect
        painter.setPen(QPen(EDGE, 1.0))
        painter.setBrush(PLATE)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 5, 5)
        bold, plain = ui_font(9 * self.scale, bold=True), ui_font(9 * self.scale)
        fb, fm = QFontMetricsF(bold), QFontMetricsF(plain)
        x, y = rect.left() + PAD, rect.top() + PAD
        for text, is_title in rows:
            if is_title:
                name, _, rest = text.partition("  ")
                painter.setFont(bold)
                painter.setPen(INK)
                painter.drawText(QPointF(x, y + fb.ascent()), name)
                if rest:
                    painter.setFont(plain)
                    painter.setPen(MUTED)
                    painter.drawText(QPointF(x + fb.horizontalAdvance(name + "  "),
                                             y + fb.ascent()), rest)
                y += fb.height() + 2
            else:
                painter.setFont(plain)
                painter.setPen(MUTED if text.startswith("(") else INK)
                painter.drawText(QPointF(x, y + fm.ascent()), text)
                y += fm.height()
        painter.setBrush(Qt.BrushStyle.NoBrush)

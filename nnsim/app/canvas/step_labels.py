"""What the step-by-step backprop view draws on the canvas (nnsim/app/backprop_steps.py):
a second label beside each neuron (z in the forward pass, δ = ∂L/∂z in the backward pass, the
loss at the output) and on each synapse (∂L/∂w, then its change at the update), and a glow along
each synapse whose gradient is shown (its sign by colour, its size by width and opacity).

The texts come from a `source` (the panel's controller); these items only place and paint them.
Labels go where nothing else is: the overlay's labels and the neurons are obstacles
(labels.place), as the overlay's own labels keep out of each other's way.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from .labels import place
from .shapes import INK, RADIUS

GAP = 3.0  # pixels between a neuron's rim and its note
MAX_NEURONS = 300  # more in view: no step labels (a lesson network is small)
# Not the weights' blue and orange (synapses.py): the glow must not read as a weight's sign.
POSITIVE = QColor(204, 121, 167)  # ∂L/∂w > 0 (the weight will fall): reddish purple (Okabe-Ito)
NEGATIVE = QColor(0, 158, 115)  # ∂L/∂w < 0 (the weight will rise): bluish green
PLATES = {"z": QColor(255, 255, 255, 235), "delta": QColor(243, 236, 255, 240),
          "loss": QColor(255, 246, 224, 245)}
EDGES = {"z": QColor(207, 216, 220), "delta": QColor(124, 77, 255), "loss": QColor(213, 150, 0)}


def sign_colour(value: float, alpha: int = 255) -> QColor:
    c = QColor(POSITIVE if value > 0 else NEGATIVE)
    c.setAlpha(alpha)
    return c


def _rect(cx: float, cy: float, w: float, h: float) -> list[float]:
    return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]


class StepLabels(QGraphicsItem):
    """The step view's labels, in device pixels at a constant size (as the overlay's)."""

    def __init__(self, scene_state) -> None:
        super().__init__()
        self.s = scene_state
        self.source = None  # .notes() -> [(neuron i, text, style)], .grads() -> [(synapse k, text, value)]
        self.setZValue(2.5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.placed: list[tuple[str, int, str, QRectF]] = []

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self.s.overlay.boundingRect()

    def shown_labels(self) -> list[tuple[str, int, str, QRectF]]:
        """(kind, neuron or synapse index, text, place in device pixels) of the last paint:
        kinds 'z', 'delta', 'loss' (neurons) and 'grad' (synapses)."""
        return list(self.placed)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        self.placed = []
        s, source = self.s, self.source
        if source is None or not len(s.pos) or len(s.pos) > MAX_NEURONS:
            return
        source.painted()  # a synapse selected since: the panel writes its chain rule
        world = painter.worldTransform()
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(world)
        m = np.array([[world.m11(), world.m12()], [world.m21(), world.m22()]])
        shift = np.array([world.dx(), world.dy()])
        centre = s.pos @ m + shift
        rd = RADIUS * lod
        overlay = s.overlay
        font, fm = overlay._small, QFontMetricsF(overlay._small)
        bold, fm_bold = overlay._bold, QFontMetricsF(overlay._bold)
        h = fm.height() + 2
        obstacles = [np.column_stack([centre - rd - 2, centre + rd + 2])]
        rects = [[r.left(), r.top(), r.right(), r.bottom()] for r in overlay.layout.rects()]
        if rects:
            obstacles.append(np.array(rects))
        labels, candidates = [], []
        for i, text, style in source.notes():
            f = fm_bold if style == "loss" else fm
            lines = text.split("\n")
            w = max(f.horizontalAdvance(line) for line in lines) + 8
            hh = h + (len(lines) - 1) * f.height()
            cx, cy = centre[i]
            right, left = cx + rd + GAP + w / 2, cx - rd - GAP - w / 2
            if style == "loss":  # under the output's note, right of it, else under its value
                below = cy + rd + 2.6 * h + hh / 2  # under the name and the value
                places = [_rect(right, cy + h / 2 + 1 + hh / 2, w, hh),
                          _rect(cx, below, w, hh), _rect(cx + rd - w / 2, below, w, hh),
                          _rect(cx - rd + w / 2, below, w, hh), _rect(right, cy - h / 2 - 1 - hh / 2, w, hh),
                          _rect(left, cy + h / 2 + 1 + hh / 2, w, hh),
                          _rect(cx, cy - rd - 1.6 * h - hh / 2, w, hh)]
            else:
                places = [_rect(right, cy, w, h), _rect(left, cy, w, h),
                          _rect(right, cy - h - 1, w, h), _rect(right, cy + h + 1, w, h),
                          _rect(left, cy - h - 1, w, h), _rect(left, cy + h + 1, w, h)]
            labels.append((style, i, text))
            candidates.append(places)
        g = s.synapse_layer.geometry
        weight_rects = dict(zip(overlay.layout.weights[0].tolist(), overlay.layout.weights[1].tolist()))
        for k, text, _value in source.grads() if g is not None else ():
            if k >= g.count:
                continue
            w = fm.horizontalAdvance(text) + 8
            places = []
            if k in weight_rects:  # just under (or over) the weight's own label
                x0, y0, x1, y1 = weight_rects[k]
                mid = (x0 + x1) / 2
                places += [_rect(mid, y1 + 1 + h / 2, w, h), _rect(mid, y0 - 1 - h / 2, w, h)]
            start = np.array([g.x[g.starts[k]], g.y[g.starts[k]]])
            for t in (0.5, 0.62, 0.3, 0.75, 0.2, 0.85):
                p = (start + (g.tip[k] - start) * t) @ m + shift
                places.append(_rect(p[0], p[1], w, h))
            for t in (0.5, 0.3, 0.7):  # beside the line, above then below
                p = (start + (g.tip[k] - start) * t) @ m + shift
                places += [_rect(p[0], p[1] - h - 1, w, h), _rect(p[0], p[1] + h + 1, w, h)]
            labels.append(("grad", k, text))
            candidates.append(places)
        if not labels:
            return
        a = max(len(c) for c in candidates)
        padded = np.full((len(candidates), a, 4), np.nan)
        for j, c in enumerate(candidates):
            padded[j, :len(c)] = c
        if widget is not None:  # a place cut by the canvas's edge is no place
            r = widget.rect()
            out = ((padded[..., 0] < r.left()) | (padded[..., 1] < r.top())
                   | (padded[..., 2] > r.right()) | (padded[..., 3] > r.bottom()))
            padded[out] = np.nan
        chosen = place(padded, np.concatenate(obstacles))
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        values = {k: v for k, _, v in source.grads()}
        for (kind, i, text), pick, c in zip(labels, chosen.tolist(), padded):
            if pick < 0:
                continue
            x0, y0, x1, y1 = c[pick].tolist()
            rect = QRectF(x0, y0, x1 - x0, y1 - y0)
            if kind == "grad":
                fill, edge = QColor(255, 255, 255, 240), sign_colour(values[i])
            else:
                fill, edge = PLATES[kind], EDGES[kind]
            painter.setPen(QPen(edge, 1.2 if kind != "z" else 0.8))
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 3, 3)
            painter.setFont(bold if kind == "loss" else font)
            painter.setPen(INK)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            self.placed.append((kind, i, text, rect))
        painter.restore()


class GradientGlow(QGraphicsItem):
    """A wide translucent stroke along each synapse whose ∂L/∂w is shown: vermillion for a
    positive gradient, blue for a negative one, wider and more opaque the larger |∂L/∂w| is
    relative to the largest shown."""

    MIN_WIDTH, MAX_WIDTH = 5.0, 20.0
    MIN_ALPHA, MAX_ALPHA = 60, 170

    def __init__(self, scene_state) -> None:
        super().__init__()
        self.s = scene_state
        self.source = None  # .grads() -> [(synapse k, text, value)]
        self.setZValue(0.45)  # over the lines, under the highlights and the neurons
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.drawn: list[tuple[int, float, int]] = []  # (synapse, pen width, alpha) of the last paint

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self.s.synapse_layer.boundingRect().adjusted(-20, -20, 20, 20)

    def style(self, value: float, largest: float) -> tuple[float, int]:
        r = min(abs(value) / largest, 1.0) if largest > 0 else 0.0
        return (self.MIN_WIDTH + (self.MAX_WIDTH - self.MIN_WIDTH) * r,
                int(round(self.MIN_ALPHA + (self.MAX_ALPHA - self.MIN_ALPHA) * r)))

    def paint(self, painter: QPainter, option, widget=None) -> None:
        self.drawn = []
        g = self.s.synapse_layer.geometry
        if self.source is None or g is None:
            return
        grads = [(k, v) for k, _, v in self.source.grads() if k < g.count]
        if not grads:
            return
        largest = max(abs(v) for _, v in grads)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for k, value in sorted(grads, key=lambda kv: abs(kv[1])):  # the strongest on top
            if value == 0:
                continue
            width, alpha = self.style(value, largest)
            pen = QPen(sign_colour(value, alpha), width)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            pts = np.flatnonzero(g.owner == k)
            path = QPainterPath(QPointF(float(g.x[pts[0]]), float(g.y[pts[0]])))
            for j in pts[1:].tolist():
                path.lineTo(float(g.x[j]), float(g.y[j]))
            path.lineTo(float(g.tip[k, 0]), float(g.tip[k, 1]))
            painter.drawPath(path)
            self.drawn.append((k, width, alpha))

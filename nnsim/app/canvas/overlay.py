"""Everything drawn over the neurons: unit glyphs, selection, and the labels (names, and with
Show Values each neuron's output and bias and each synapse's weight).

Glyphs belong to the neurons and zoom with them.  Labels are text, drawn in screen pixels at a
constant size whatever the zoom, so they stay readable; where a label would overlap another
(or a neuron), the less important one is left out (`labels.place`): names first, then outputs,
then biases, then weights.  Where the labels go is worked out once per view and network layout;
a frame only writes the current numbers into the places kept.

One item paints it all for the neurons in view, so a zoomed-out canvas of thousands of neurons
pays nothing for text.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPen,
    QPixmap,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from nnsim.app.colors import LEVELS, is_dark, readable_on
from nnsim.app.numbers import format_value

from .geometry import LABEL_AT, LOOP_CENTRE, LOOP_RADIUS
from .labels import place
from .shapes import ACCENT, GLYPH_H, GLYPH_W, INK, MUTED, RADIUS, glyph_paths, ui_font

__all__ = ["Overlay", "format_value"]

GLYPH_BOX = (GLYPH_W + 2.0, GLYPH_H + 2.0)  # half extents of a glyph's pixmap, scene units

MAX_LABELLED = 800  # more neurons than this in view: names would be unreadable clutter
MAX_WEIGHT_LABELS = 200  # more synapses than this in view: their weights are not written
THRESHOLD_UNITS = ("step", "sign")  # their bias is shown as the lecture's threshold T = -b
ROLE_RANK = {"output": 0, "input": 1, "hidden": 2}  # whose labels are placed first
GAP = 2.0  # pixels between a neuron's rim and its labels

NAME_PLATE = QColor(250, 251, 252, 215)
VALUE_PLATE = QColor(255, 255, 255, 235)
SOFT_PLATE = QColor(255, 255, 255, 200)
BIAS_INK = QColor(84, 99, 107)
PLATE_EDGE = QColor(207, 216, 220)


def bias_text(bias: float, activation: str) -> str:
    """'b=1', or for a threshold unit the lecture's 'T=1.5' (stored as bias = -T)."""
    if activation in THRESHOLD_UNITS:
        return "T=" + format_value(-bias)
    return "b=" + format_value(bias)


def _scaled_font(points: float, scale: float, bold: bool = False):
    """ui_font at `scale` times `points`, grown until its line is at least `scale` times as
    tall as at `points` (a font's height does not grow quite in proportion)."""
    font = ui_font(points * scale, bold)
    if scale != 1.0:
        tall = scale * QFontMetricsF(ui_font(points, bold)).height()
        while QFontMetricsF(font).height() < tall:
            font = ui_font(font.pointSizeF() + 0.25, bold)
    return font


class LabelLayout:
    """Where the labels kept go, in device pixels: (indices, (k, 4) rects) per kind."""

    def __init__(self, names, values, biases, weights, left_out=None, obstacles=None) -> None:
        self.names, self.values, self.biases, self.weights = names, values, biases, weights
        # kind -> (indices, (k, a, 4) places) of the labels left out, and what was in the way
        self.left_out = left_out or {}
        self.obstacles = np.zeros((0, 4)) if obstacles is None else obstacles
        self.beside = False  # names and outputs beside the neurons (left-aligned), not under

    def rects(self) -> list[QRectF]:
        """Every kept label's rectangle (tests: nothing overlaps)."""
        return [QRectF(x0, y0, x1 - x0, y1 - y0) for _, r in
                (self.names, self.values, self.biases, self.weights) for x0, y0, x1, y1 in r.tolist()]


_EMPTY = (np.zeros(0, np.intp), np.zeros((0, 4)))


def _boxes(cx, cy, hw, hh) -> np.ndarray:
    """(k, 4) x0, y0, x1, y1 of boxes centred on (cx, cy) with half extents (hw, hh)."""
    cx, cy = np.asarray(cx, float), np.asarray(cy, float)
    return np.column_stack([cx - hw, cy - hh, cx + hw, cy + hh]).reshape(-1, 4)


def _near_segment(p: np.ndarray, a: np.ndarray, b: np.ndarray, within: float) -> np.ndarray:
    """(k, s): whether point p[i] lies within `within` of segment a[j] -> b[j]."""
    d = b - a
    length2 = np.maximum((d * d).sum(1), 1e-12)
    rel = p[:, None, :] - a[None, :, :]
    t = np.clip((rel * d[None]).sum(2) / length2[None], 0.0, 1.0)
    gap = rel - t[..., None] * d[None]
    with np.errstate(invalid="ignore"):
        return (gap * gap).sum(2) < within * within


def _pad(places: np.ndarray, a: int) -> np.ndarray:
    """(k, a, 4): each label's places, the missing ones NaN."""
    places = np.asarray(places, float)
    places = places.reshape(len(places), -1, 4) if places.size else np.zeros((len(places), 1, 4))
    out = np.full((len(places), a, 4), np.nan)
    out[:, :places.shape[1]] = places
    return out


class Overlay(QGraphicsItem):
    def __init__(self, scene_state) -> None:
        super().__init__()
        self.s = scene_state  # the NetworkScene: positions, names, selection, values
        self.setZValue(2)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.show_values = True
        self.value_text = None  # i -> text | None: the step-by-step view's outputs (backprop_steps)
        self._rect = QRectF()
        self._glyphs: dict[tuple, QPixmap] = {}
        self.layout = LabelLayout(_EMPTY, _EMPTY, _EMPTY, _EMPTY)
        self.set_scale(1.0)

    def set_scale(self, scale: float) -> None:
        """Labels `scale` times their size (presenter mode, nnsim.app.presenter: 1.6)."""
        self.scale = scale
        self._font = _scaled_font(9.5, scale)
        self._bold = _scaled_font(9.5, scale, bold=True)
        self._small = _scaled_font(9, scale)
        self._fm = QFontMetricsF(self._font)
        self._fm_bold = QFontMetricsF(self._bold)
        self._fm_small = QFontMetricsF(self._small)
        # room kept for a number that changes every frame (most fit: 0.00247, -0.123, 12.3)
        self._value_w = self._fm_bold.horizontalAdvance("-0.0000")
        self._weight_w = self._fm_small.horizontalAdvance("-0.000")
        self._texts: dict[str, QStaticText] = {}
        self._widths: dict[str, float] = {}
        self._layouts: list[tuple] = []  # (key, referenced objects, LabelLayout), newest first
        self.update()

    def refresh_bounds(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        # labels are drawn in pixels beside the neurons: room for them at any zoom
        self._rect = rect.adjusted(-400, -400, 400, 400)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        s = self.s
        if not len(s.pos):
            self.layout = LabelLayout(_EMPTY, _EMPTY, _EMPTY, _EMPTY)  # nothing drawn: no labels
            return
        world = painter.worldTransform()
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(world)
        r = option.exposedRect.adjusted(-3 * RADIUS, -3 * RADIUS, 3 * RADIUS, 3 * RADIUS)
        x, y = s.pos[:, 0], s.pos[:, 1]
        visible = np.flatnonzero((x >= r.left()) & (x <= r.right()) & (y >= r.top()) & (y <= r.bottom()))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self._paint_selection(painter, visible)
        if len(visible) > MAX_LABELLED:
            self.layout = LabelLayout(_EMPTY, _EMPTY, _EMPTY, _EMPTY)
            return  # too many to read: colours and shapes say it all
        if lod * RADIUS >= 6:
            self._paint_glyphs(painter, visible, lod)
        layout = self._layout(world, r, visible, lod)
        painter.save()
        painter.resetTransform()
        self._paint_labels(painter, layout)
        painter.restore()

    # ------------------------------------------------------------------ layout
    def _layout(self, world: QTransform, r: QRectF, visible: np.ndarray, lod: float) -> LabelLayout:
        """The labels that fit, for this transform and these positions (cached)."""
        s = self.s
        g = s.synapse_layer.geometry
        refs = (g, s.names, s.roles, s.activations)
        key = ((world.m11(), world.m12(), world.m21(), world.m22(), world.dx(), world.dy()),
               r.getRect(), s.pos.tobytes(), self.show_values)
        for old_key, old_refs, layout in self._layouts:
            if old_key == key and all(a is b for a, b in zip(refs, old_refs)):
                self.layout = layout
                return layout
        self.layout = self._compute_layout(world, r, visible, lod)
        # a few kept: a recording renders the canvas elsewhere between the screen's paints
        self._layouts = [(key, refs, self.layout)] + self._layouts[:2]
        return self.layout

    def _compute_layout(self, world: QTransform, r: QRectF, visible: np.ndarray,
                        lod: float) -> LabelLayout:
        s = self.s
        m = np.array([[world.m11(), world.m12()], [world.m21(), world.m22()]])
        shift = np.array([world.dx(), world.dy()])
        # outputs' labels first, then inputs', then hidden units': what a lesson is about
        rank = np.array([ROLE_RANK.get(s.roles[i], 2) for i in visible.tolist()], np.intp)
        visible = visible[np.argsort(rank.reshape(-1), kind="stable")]
        centre = s.pos[visible] @ m + shift  # device pixels
        cx, cy = centre[:, 0], centre[:, 1]
        rd = RADIUS * lod
        obstacles = [_boxes(cx, cy, rd, rd)]
        loops = self._loop_neurons(visible)
        if loops.any():  # a self-loop above its neuron: no label over it
            lr = (LOOP_RADIUS + 2) * lod
            obstacles.append(_boxes(cx[loops], cy[loops] - LOOP_CENTRE * lod, lr, lr))
        kinds: list[tuple[str, np.ndarray, np.ndarray]] = []  # (kind, indices, (k, a, 4) places)
        # names under the neurons, the output under the name; where neurons stand too close for
        # that (a zoomed-out layer), both beside every neuron, so all read the same way
        name_h = self._fm.height()
        vh, vw = self._fm_bold.height() + 1, self._value_w / 2 + 4
        half = np.array([self._width(s.names[i]) / 2 + 3 for i in visible.tolist()]).reshape(-1)
        top = cy + rd + GAP
        names = _boxes(cx, top + name_h / 2, half, name_h / 2)
        values = _boxes(cx, top + name_h + 1 + vh / 2, vw, vh / 2)
        obstacle_rows = np.concatenate(obstacles)
        beside = len(visible) > 1 and (place(names, obstacle_rows) >= 0).mean() < 0.6
        if beside:
            left = cx + rd + GAP
            name_y = cy - name_h / 2 if self.show_values else cy
            names = _boxes(left + half, name_y, half, name_h / 2)
            values = _boxes(left + vw, cy + 1 + vh / 2, vw, vh / 2)
        kinds.append(("names", visible, names[:, None]))
        if self.show_values:
            kinds.append(("values", visible, values[:, None]))
            # the bias above the neuron (beside its self-loop if any), else right of it
            has_bias = np.array([s.roles[i] != "input" for i in visible.tolist()], bool).reshape(-1)
            bh = self._fm_small.height() / 2
            bw = self._fm_small.horizontalAdvance("b=-0.000") / 2 + 3
            above = np.where(loops, cy - LOOP_CENTRE * lod, cy - rd - GAP - bh)
            reach = np.where(loops, (LOOP_RADIUS + 2) * lod + GAP + bw, 0.0)
            places = np.stack([_boxes(cx - reach, above, bw, bh), _boxes(cx + reach, above, bw, bh),
                               _boxes(cx + rd + GAP + bw, cy, bw, bh)], axis=1)
            kinds.append(("biases", visible[has_bias], places[has_bias]))
            kinds.append(("weights", *self._weight_candidates(r, m, shift)))
        kinds = [(name, idx, _pad(places, 4)) for name, idx, places in kinds]
        obstacles = np.concatenate(obstacles)
        chosen = place(np.concatenate([k[2] for k in kinds]), obstacles)
        out, left_out, at = {}, {}, 0
        for name, idx, places in kinds:
            pick = chosen[at:at + len(idx)]
            kept = pick >= 0
            out[name] = (idx[kept], places[np.flatnonzero(kept), pick[kept]].reshape(-1, 4))
            left_out[name] = (idx[~kept], places[~kept])
            at += len(idx)
        layout = LabelLayout(out.get("names", _EMPTY), out.get("values", _EMPTY),
                             out.get("biases", _EMPTY), out.get("weights", _EMPTY), left_out,
                             obstacles)
        layout.beside = bool(beside)
        return layout

    def _weight_candidates(self, r: QRectF, m: np.ndarray,
                           shift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Synapses whose weight label lies in r (none when too many), strongest first, and
        their places: at the label point, else a little before or after it on a straight line."""
        s = self.s
        g = s.synapse_layer.geometry
        if g is None or not g.count:
            return _EMPTY
        lx, ly = g.label[:, 0], g.label[:, 1]
        idx = np.flatnonzero((lx >= r.left()) & (lx <= r.right()) & (ly >= r.top()) & (ly <= r.bottom()))
        if not len(idx) or len(idx) > MAX_WEIGHT_LABELS:  # none in view, or too many to read
            return _EMPTY
        idx = idx[np.argsort(-np.abs(s.shown_weights[idx]), kind="stable")]  # strongest first
        w = self._weight_w / 2 + 3 + np.where(s.inhibitory[idx],
                                              self._fm_small.horizontalAdvance(" inh") / 2, 0)
        h = self._fm_small.height() / 2
        label = g.label[idx]
        start = np.column_stack([g.x[g.starts[idx]], g.y[g.starts[idx]]])
        straight = np.bincount(g.owner, minlength=g.count)[idx] == 2  # a line, not a curve
        points = [label]
        for t in (LABEL_AT - 0.14, LABEL_AT + 0.16):
            along = start + (g.tip[idx] - start) * t
            points.append(np.where(straight[:, None], along, np.nan))
        centres = np.stack([p @ m + shift for p in points], axis=1)  # (k, 3, 2) pixels
        places = np.stack([_boxes(c[:, 0], c[:, 1], w, h) for c in centres.transpose(1, 0, 2)],
                          axis=1)
        # a place another synapse runs through would leave the reader asking whose weight it is
        a, b, owner = g.segments()
        a, b = a @ m + shift, b @ m + shift
        lo, hi = np.nanmin(centres.reshape(-1, 2), 0) - 50, np.nanmax(centres.reshape(-1, 2), 0) + 50
        keep = ((np.maximum(a, b) >= lo) & (np.minimum(a, b) <= hi)).all(1)  # near the labels
        a, b, owner = a[keep], b[keep], owner[keep]
        for j in range(centres.shape[1]):
            for c in range(0, len(idx), 32):  # in chunks: (32, segments) at a time
                k = slice(c, c + 32)
                near = _near_segment(centres[k, j], a, b, h + 1.5) & (owner[None, :] != idx[k, None])
                places[np.flatnonzero(near.any(1)) + c, j] = np.nan
        return idx, places

    def _loop_neurons(self, visible: np.ndarray) -> np.ndarray:
        s = self.s
        if not len(s.src):
            return np.zeros(len(visible), bool)
        looped = np.zeros(len(s.pos), bool)
        looped[s.src[s.src == s.tgt]] = True
        return looped[visible]

    def _width(self, text: str) -> float:
        w = self._widths.get(text)
        if w is None:
            if len(self._widths) > 5000:
                self._widths.clear()
            w = self._widths[text] = self._fm.horizontalAdvance(text)
        return w

    # ------------------------------------------------------------------ painting
    def _paint_selection(self, painter: QPainter, visible: np.ndarray) -> None:
        s = self.s
        ring = QColor(ACCENT)
        for idx, alpha, width in ((s.selected_indices(), 200, 3.0), (s.hover_indices(), 120, 2.5)):
            idx = [i for i in idx if i < len(s.pos)]
            if not idx:
                continue
            ring.setAlpha(alpha)
            painter.setPen(QPen(ring, width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for i in idx:
                painter.drawEllipse(QPointF(*s.pos[i]), RADIUS + 5, RADIUS + 5)

    def _paint_glyphs(self, painter: QPainter, visible: np.ndarray, lod: float) -> None:
        s = self.s
        maps = getattr(s, "neuron_maps", None)
        if maps is not None:  # a neuron showing its map has its glyph on a plate (neuron_maps)
            visible = visible[~maps.shown_mask(lod)[visible]]
        dpr = painter.device().devicePixelRatioF()  # 2 on a 2x screen: a pixel of the glyph per device pixel
        for i in visible.tolist():
            px, py = s.pos[i]
            glyph = self._glyph(s.activations[i], is_dark(int(s.colour[i])), lod, dpr)
            painter.drawPixmap(QRectF(px - GLYPH_BOX[0], py + 0.5 - GLYPH_BOX[1],
                                      2 * GLYPH_BOX[0], 2 * GLYPH_BOX[1]), glyph,
                               QRectF(glyph.rect()))

    def label_text(self, kind: str, i: int) -> str | None:
        """The text of label `kind` ('names', 'values', 'biases', 'weights') of neuron or
        synapse i as it is now; None when there is nothing to show (no output computed yet)."""
        s = self.s
        if kind == "names":
            return s.names[i]
        if kind == "values":
            if self.value_text is not None:
                return self.value_text(i)
            v = float(s.outputs[i])
            return None if math.isnan(v) else format_value(v)
        if kind == "biases":
            return bias_text(float(s.biases[i]), s.activations[i])
        return self.weight_text(i)

    def shown_labels(self) -> list[tuple[str, int, str, QRectF]]:
        """(kind, index, text, place in device pixels) of every label of the last paint."""
        out = []
        for kind in ("names", "values", "biases", "weights"):
            idx, rects = getattr(self.layout, kind)
            for i, (x0, y0, x1, y1) in zip(idx.tolist(), rects.tolist()):
                text = self.label_text(kind, i)
                if text is not None:
                    out.append((kind, i, text, QRectF(x0, y0, x1 - x0, y1 - y0)))
        return out

    def _paint_labels(self, painter: QPainter, layout: LabelLayout) -> None:
        """The kept labels, in device pixels, with the current numbers."""
        s = self.s
        idx, rects = layout.names
        painter.setFont(self._font)
        for i, (x0, y0, x1, y1) in zip(idx.tolist(), rects.tolist()):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(NAME_PLATE)
            painter.drawRoundedRect(QRectF(x0, y0, x1 - x0, y1 - y0), 3, 3)
            text = self._text(s.names[i])
            painter.setPen(INK)
            painter.drawStaticText(QPointF((x0 + x1 - text.size().width()) / 2, y0), text)
        if not self.show_values:
            return
        edge = QPen(PLATE_EDGE, 0.8)
        styles = {"values": (self._bold, self._fm_bold, edge, VALUE_PLATE),
                  "biases": (self._small, self._fm_small, Qt.PenStyle.NoPen, SOFT_PLATE),
                  "weights": (self._small, self._fm_small, edge, VALUE_PLATE)}
        for kind, (font, fm, pen, fill) in styles.items():
            idx, rects = getattr(layout, kind)
            painter.setFont(font)
            for i, (x0, y0, x1, y1) in zip(idx.tolist(), rects.tolist()):
                text = self.label_text(kind, i)
                if text is None:
                    continue
                ink = BIAS_INK if kind == "biases" else \
                    MUTED if kind == "weights" and s.inhibitory[i] else INK
                if kind == "values" and layout.beside:  # left-aligned beside the neuron
                    x1 = x0 + fm.horizontalAdvance(text) + 6
                self._plate(painter, text, (x0 + x1) / 2, y0, y1 - y0, fm, pen, fill, ink)

    @staticmethod
    def _plate(painter: QPainter, text: str, cx: float, top: float, h: float, fm: QFontMetricsF,
               edge, fill: QColor, ink: QColor) -> None:
        w = fm.horizontalAdvance(text) + 6
        rect = QRectF(cx - w / 2, top, w, h)
        painter.setPen(edge)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(ink)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _text(self, name: str) -> QStaticText:
        text = self._texts.get(name)
        if text is None:
            if len(self._texts) > 5000:
                self._texts.clear()
            text = self._texts[name] = QStaticText(name)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.prepare(QTransform(), self._font)
        return text

    def _glyph(self, activation: str, on_dark: bool, lod: float, dpr: float = 1.0) -> QPixmap:
        """The unit's icon rendered once per zoom level and device pixel ratio, in device pixels
        (a 2x screen gets twice the pixels, not a 1x glyph blown up): blitting beats stroking a
        curve."""
        key = (activation, on_dark, round(lod * dpr, 2))
        pix = self._glyphs.get(key)
        if pix is None:
            if len(self._glyphs) > 300:
                self._glyphs.clear()
            w, h = (int(np.ceil(2 * b * lod * dpr)) + 1 for b in GLYPH_BOX)
            pix = QPixmap(w, h)
            pix.fill(Qt.GlobalColor.transparent)
            ink = readable_on(0 if on_dark else LEVELS // 2)
            faint = QColor(ink)
            faint.setAlpha(90)
            curve, axis = glyph_paths(activation)
            p = QPainter(pix)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.scale(w / (2 * GLYPH_BOX[0]), h / (2 * GLYPH_BOX[1]))
            p.translate(*GLYPH_BOX)
            p.setPen(QPen(faint, 0.8))
            p.drawPath(axis)
            p.setPen(QPen(ink, 1.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                          Qt.PenJoinStyle.RoundJoin))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(curve)
            p.end()
            pix.setDevicePixelRatio(dpr)
            self._glyphs[key] = pix
        return pix

    def weight_text(self, k: int) -> str:
        text = format_value(float(self.s.shown_weights[k]))
        return text + " inh" if self.s.inhibitory[k] else text

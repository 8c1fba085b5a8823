"""All synapses as one layer, drawn as a few cached paths.

Twenty thousand QGraphicsItems cost tens of milliseconds of Python per frame; one layer that
groups synapses into buckets (sign x strength) costs a handful of path draws.  Paths are built
straight from NumPy arrays (pyqtgraph's arrayToQPath) and only when a bucket changes.

The lines themselves are painted by the view as part of its cached background (`paint_lines`),
so a frame that only recolours neurons blits them instead of redrawing them; this item paints
only the highlights of hovered and selected synapses, between the lines and the neurons.

Drawing twenty thousand lines costs more than a frame, so a live restyle of a dense canvas is a
`LineJob`: the same drawing, in the same order, into an image of the viewport, a few pieces per
frame; the old lines stay on screen until the image is complete and the view then shows it.
"""
from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from pyqtgraph.functions import arrayToQPath
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.colors import LUT, level_indices

from .geometry import ARROW, SynapseGeometry
from .shapes import ACCENT

STRENGTHS = 8  # width levels per sign
MIN_WIDTH, MAX_WIDTH = 0.8, 4.5
# weakest first, alternating signs, so strong synapses of either sign stay on top
DRAW_ORDER = [b for k in range(STRENGTHS) for b in (k, STRENGTHS + k)]
# Lines have twice the buckets: an inhibitory synapse's line (bucket + INHIBITORY) is dashed, so
# the kind reads without colour (with its disc head, see _markers).
INHIBITORY = 2 * STRENGTHS
LINE_ORDER = [b + extra for b in DRAW_ORDER for extra in (0, INHIBITORY)]
_LINE_RANK = np.argsort(LINE_ORDER)
DASHES = [3.0, 2.0]  # in line widths
DENSE = 3000  # visible synapses above which lines are drawn without antialiasing
PARTIAL = 1500  # restyled or moved synapses up to which only their part of the view is redrawn
PIECE_POINTS = 2000  # polyline points per piece of a LineJob (about 1000 straight synapses)
_DISC = np.linspace(0.0, 2 * np.pi, 13)[:-1]


def _bucket_style(bucket: int) -> tuple[QPen, QBrush]:
    """Pen and marker brush of a line bucket (0 .. 2 * INHIBITORY): the sign and strength of the
    weight, dashed for an inhibitory synapse."""
    sign = -1.0 if bucket % INHIBITORY < STRENGTHS else 1.0
    k = bucket % STRENGTHS
    r, g, b = LUT[int(level_indices(np.array([sign * (0.3 + 0.7 * k / (STRENGTHS - 1))]))[0])]
    colour = QColor(int(r), int(g), int(b))
    pen = QPen(colour, MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * k / (STRENGTHS - 1))
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if bucket >= INHIBITORY:
        pen.setDashPattern(_dashes(pen.widthF()))
    return pen, QBrush(colour)


def _dashes(width: float) -> list[float]:
    """DASHES for a line `width` wide, at least 5 and 3 units long (thin lines too)."""
    return [max(DASHES[0], 5.0 / width), max(DASHES[1], 3.0 / width)]


def _path(x: np.ndarray, y: np.ndarray, connect: np.ndarray) -> QPainterPath:
    if len(x) == 0:
        return QPainterPath()
    path = arrayToQPath(x, y, connect=connect, finiteCheck=False)
    path.setFillRule(Qt.FillRule.WindingFill)
    return path


class SynapseLayer(QGraphicsItem):
    def __init__(self) -> None:
        super().__init__()
        self.setZValue(0.5)  # over the lines (background), under the neurons
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._styles = [_bucket_style(b) for b in range(2 * INHIBITORY)]
        self.geometry: SynapseGeometry | None = None
        self._inhibitory = np.zeros(0, bool)
        self._buckets = np.zeros(0, np.intp)
        self._lines: list[QPainterPath] = []
        self._marks: list[QPainterPath] = []
        self._emphasis: dict[str, tuple[np.ndarray, QPainterPath]] = {}
        self._rect = QRectF()
        self._bbox = np.zeros((0, 4))
        self._version = 0  # bumped when geometry or buckets change
        self._visible_cache: tuple = (None, None)
        self._cache_key: tuple = ()
        self.visible_count = 0  # synapses in view at the last paint: tells the view it is dense
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    # ------------------------------------------------------------------ state
    def set_geometry(self, geometry: SynapseGeometry, weights: np.ndarray,
                     inhibitory: np.ndarray, moved: np.ndarray | None = None) -> None:
        """New geometry.  `moved`: the only synapses whose geometry changed (the same topology),
        so that only their part of the view is drawn again."""
        old_box = self._bbox
        partial = (moved is not None and self.geometry is not None and len(moved) <= PARTIAL
                   and geometry.count == self.geometry.count)
        if partial:
            moved = np.asarray(moved, np.intp)
            self._bbox = old_box.copy()
            self._bbox[moved] = _bounding_boxes(geometry, moved)
        else:
            self._bbox = _bounding_boxes(geometry)
        self.prepareGeometryChange()
        self.geometry = geometry
        if geometry.count:
            lo, hi = self._bbox[:, :2].min(0), self._bbox[:, 2:].max(0)
            self._rect = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1]).adjusted(-10, -10, 10, 10)
        else:
            self._rect = QRectF()
        for name, (idx, _) in list(self._emphasis.items()):
            self.set_emphasis(name, idx[idx < geometry.count])
        if partial:
            self._restyle(self.buckets_for(weights), inhibitory, moved, old_box)
        else:
            self._buckets = np.full(geometry.count, -1, np.intp)  # force a restyle and repaint
            self._inhibitory = np.asarray(inhibitory, bool)
            self.set_weights(weights)

    def set_style(self, weights: np.ndarray, inhibitory: np.ndarray) -> None:
        """New weights and kinds on the same geometry."""
        self._restyle(self.buckets_for(weights), inhibitory)

    def _restyle(self, buckets: np.ndarray, inhibitory: np.ndarray,
                 moved: np.ndarray | None = None, old_box: np.ndarray | None = None) -> bool:
        """Adopt buckets and kinds; redraw only the changed (or moved) synapses' part of the view
        when they are few.  Returns whether anything visible changed."""
        inhibitory = np.asarray(inhibitory, bool)
        if len(buckets) != len(self._buckets) or len(inhibitory) != len(self._inhibitory):
            self._inhibitory = inhibitory
            self._buckets = np.full(len(buckets), -1, np.intp)
            return self.set_buckets(buckets)
        changed = (buckets != self._buckets) | (inhibitory != self._inhibitory)
        if moved is not None:
            changed[moved] = True
        idx = np.flatnonzero(changed)
        self._inhibitory = inhibitory
        if not len(idx):
            return False
        self._buckets = buckets
        self._version += 1
        if len(idx) > PARTIAL:
            self._invalidate_lines()
        else:
            boxes = self._bbox[idx]
            if old_box is not None:  # where they were and where they are
                boxes = np.concatenate([boxes, old_box[idx]])
            self._invalidate_lines(boxes)
        return True

    def set_weights(self, weights: np.ndarray) -> bool:
        """Restyle by weight; returns whether anything visible changed."""
        return self.set_buckets(self.buckets_for(weights))

    @staticmethod
    def buckets_for(weights: np.ndarray) -> np.ndarray:
        """Style bucket of each weight: sign x strength, strength relative to the largest |w|."""
        w = np.asarray(weights, float)
        scale = max(1.0, float(np.abs(w).max(initial=0.0)))
        strength = np.round(np.clip(np.abs(w) / scale, 0, 1) * (STRENGTHS - 1)).astype(np.intp)
        return np.where(w < 0, strength, STRENGTHS + strength)

    def differs(self, buckets: np.ndarray) -> bool:
        return len(buckets) != len(self._buckets) or not np.array_equal(buckets, self._buckets)

    def set_buckets(self, buckets: np.ndarray) -> bool:
        if not self.differs(buckets):
            return False
        if len(buckets) == len(self._buckets):
            return self._restyle(buckets, self._inhibitory)
        self._buckets = buckets
        self._version += 1
        self._invalidate_lines()
        return True

    @property
    def version(self) -> int:
        """Changes whenever the drawn lines would (geometry, kinds or buckets)."""
        return self._version

    def _invalidate_lines(self, boxes: np.ndarray | None = None) -> None:
        """The lines are in each view's background cache: redraw them all, or only where
        `boxes` ((k, 4) x0, y0, x1, y1 in scene units) say they changed."""
        scene = self.scene()
        if scene is not None:
            for view in scene.views():
                if hasattr(view, "lines_changed"):
                    view.lines_changed(boxes)
                else:
                    view.resetCachedContent()
            self.update()

    def set_emphasis(self, name: str, indices) -> None:
        """Highlight synapses under `name` ('hover', 'selected'); empty removes it."""
        idx = np.asarray(sorted(indices), np.intp)
        g = self.geometry
        if len(idx) == 0 or g is None:
            self._emphasis.pop(name, None)
        else:
            pm = np.isin(g.owner, idx)
            # polylines plus a last segment onto the tip, so the halo covers the arrowhead
            self._emphasis[name] = (idx, _path(np.r_[g.x[pm], g.tip[idx, 0]],
                                               np.r_[g.y[pm], g.tip[idx, 1]],
                                               np.r_[g.connect[pm], np.zeros(len(idx), bool)]))
        self.update()

    def _visible(self, r: QRectF):
        """Polyline points (x, y, connect, owner) of what lies in r, and which tips lie in r.
        A synapse wholly inside keeps its polyline; one that crosses the edge is cut to r first,
        because Qt strokes a path in full before clipping (long lines running off screen would
        otherwise cost as much as the whole network).  Cached: it depends on geometry and r only.

        The cache holds the geometry itself and is matched by identity: a key made of id(g) came
        back for a newer geometry that CPython had put at a freed one's address, and a network
        edited while running then drew the old synapses' arrays against the new buckets
        ("operands could not be broadcast together with shapes (3,) (4,)")."""
        g = self.geometry
        cached_g, cached_rect = self._visible_cache[0] or (None, None)
        if cached_g is g and cached_rect == r.getRect():
            return self._visible_cache[1]
        key = (g, r.getRect())
        x0, y0, x1, y1 = r.left(), r.top(), r.right(), r.bottom()
        b = self._bbox
        inside = (b[:, 0] >= x0) & (b[:, 2] <= x1) & (b[:, 1] >= y0) & (b[:, 3] <= y1)
        touching = (b[:, 2] >= x0) & (b[:, 0] <= x1) & (b[:, 3] >= y0) & (b[:, 1] <= y1)
        crossing = touching & ~inside
        pm = inside[g.owner]
        px, py, pc, po = g.x[pm], g.y[pm], g.connect[pm], g.owner[pm]
        if crossing.any():
            a, e, own = _segments_of(g, crossing)
            a, e, keep = _clip(a, e, (x0, y0, x1, y1))
            a, e, own = a[keep], e[keep], own[keep]
            px = np.concatenate([px, np.column_stack([a[:, 0], e[:, 0]]).ravel()])
            py = np.concatenate([py, np.column_stack([a[:, 1], e[:, 1]]).ravel()])
            pc = np.concatenate([pc, np.tile([True, False], len(a))])
            po = np.concatenate([po, np.repeat(own, 2)])
        # a marker reaches ARROW back from its tip: one whose tip lies just outside still shows
        m = ARROW + MAX_WIDTH
        tip = g.tip
        tip_in = ((tip[:, 0] >= x0 - m) & (tip[:, 0] <= x1 + m) & (tip[:, 1] >= y0 - m)
                  & (tip[:, 1] <= y1 + m))
        value = (px, py, pc, po, tip_in)
        self._visible_cache = (key, value)
        return value

    def _rebuild(self, r: QRectF, markers: bool, part: QRectF | None = None) -> None:
        """Bucket paths of what lies in r (see _visible); only of the synapses that touch `part`
        if given (cut where a paint of all r would cut them: a part drawn again is the same)."""
        self._lines, self._marks = [], []
        if self.geometry is None:
            return
        px, py, pc, po, tip_in = self._visible(r)
        if part is not None:
            b = self._bbox
            touching = ((b[:, 2] >= part.left()) & (b[:, 0] <= part.right()) &
                        (b[:, 3] >= part.top()) & (b[:, 1] <= part.bottom()))
            sel = touching[po]
            px, py, pc, po, tip_in = px[sel], py[sel], pc[sel], po[sel], tip_in & touching
        pb = self._buckets[po] + INHIBITORY * self._inhibitory[po]
        for bucket in range(2 * INHIBITORY):
            sel = pb == bucket
            self._lines.append(_path(px[sel], py[sel], pc[sel]))
        for bucket in range(2 * STRENGTHS):
            marks = np.flatnonzero(tip_in & (self._buckets == bucket)) if markers else []
            self._marks.append(self._markers(marks, bucket) if len(marks) else QPainterPath())

    def _markers(self, idx: np.ndarray, bucket: int) -> QPainterPath:
        """Arrowheads for excitatory synapses, discs for inhibitory ones (McCulloch-Pitts)."""
        g = self.geometry
        width = self._styles[bucket][0].widthF()
        xs, ys, cs = [], [], []
        exc, inh = idx[~self._inhibitory[idx]], idx[self._inhibitory[idx]]
        if len(exc):
            t, d = g.tip[exc], g.direction[exc]
            n = np.column_stack([-d[:, 1], d[:, 0]]) * (3.5 + 0.6 * width)
            base = t - d * ARROW
            tri = np.stack([t, base + n, base - n], axis=1)  # (k, 3, 2)
            xs.append(tri[..., 0].ravel())
            ys.append(tri[..., 1].ravel())
            cs.append(np.tile([True, True, False], len(exc)))
        if len(inh):
            radius = 4.0 + 0.5 * width
            centre = g.tip[inh] - g.direction[inh] * radius
            xs.append((centre[:, 0:1] + radius * np.cos(_DISC)[None, :]).ravel())
            ys.append((centre[:, 1:2] + radius * np.sin(_DISC)[None, :]).ravel())
            cs.append(np.tile(np.r_[np.ones(len(_DISC) - 1, bool), False], len(inh)))
        if not xs:
            return QPainterPath()
        return _path(np.concatenate(xs), np.concatenate(ys), np.concatenate(cs))

    # ------------------------------------------------------------------ QGraphicsItem
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def paint(self, painter, option, widget=None) -> None:
        """The highlights only (see paint_lines)."""
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        for name, alpha, extra in (("selected", 80, 7.0), ("hover", 55, 6.0)):
            if name in self._emphasis:
                colour = QColor(ACCENT)
                colour.setAlpha(alpha)
                pen = QPen(colour, MAX_WIDTH + extra)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(self._emphasis[name][1])

    def _detail(self, rect: QRectF, lod: float,
                view_rect: QRectF | None = None) -> tuple[QRectF, bool, bool]:
        """(view_rect with room for the widest line, markers drawn, dense) for a paint of rect,
        part of a view showing view_rect (rect itself if None): the level of detail and where
        lines are cut are the whole view's, so a part drawn again looks as it did."""
        r = rect.adjusted(-2 * MAX_WIDTH, -2 * MAX_WIDTH, 2 * MAX_WIDTH, 2 * MAX_WIDTH)
        v = r if view_rect is None else view_rect.adjusted(-2 * MAX_WIDTH, -2 * MAX_WIDTH,
                                                           2 * MAX_WIDTH, 2 * MAX_WIDTH)
        b = self._bbox
        n_visible = self.visible_count = int(((b[:, 2] >= v.left()) & (b[:, 0] <= v.right()) &
                                              (b[:, 3] >= v.top()) & (b[:, 1] <= v.bottom())).sum())
        r = v
        # Level of detail: arrowheads only where they are big enough to see; a hairball of
        # thousands of lines is drawn without antialiasing (several times faster, same picture).
        return r, lod * ARROW >= 4.0 or n_visible < DENSE, n_visible >= DENSE

    def _line_pen(self, bucket: int, lod: float, dense: bool) -> QPen:
        pen = self._styles[bucket][0]
        if dense and pen.widthF() * lod < 1.5:
            dashed = bucket >= INHIBITORY
            pen = QPen(pen.color(), 0)  # a cosmetic hairline: the fast line rasteriser
            if dashed:
                pen.setDashPattern(DASHES)
        return pen

    def paint_lines(self, painter, rect: QRectF, lod: float, view_rect: QRectF | None = None) -> None:
        """Draw the synapses that cross `rect` (scene units) at `lod` pixels per unit, as part of
        a view showing `view_rect` (see _detail)."""
        if self.geometry is None or not self.geometry.count:
            self.visible_count = 0
            return
        v, markers, dense = self._detail(rect, lod, view_rect)
        r = rect.adjusted(-2 * MAX_WIDTH, -2 * MAX_WIDTH, 2 * MAX_WIDTH, 2 * MAX_WIDTH)
        part = None if v.contains(r) and r.contains(v) else r
        key = (self._version, markers, v.getRect(), None if part is None else part.getRect())
        if key != self._cache_key:
            self._rebuild(v, markers, part)
            self._cache_key = key
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(painter.RenderHint.Antialiasing, not dense)
        for b in LINE_ORDER:
            path = self._lines[b]
            if not path.isEmpty():
                painter.setPen(self._line_pen(b, lod, dense))
                painter.drawPath(path)
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        for b in DRAW_ORDER:
            brush, path = self._styles[b][1], self._marks[b]
            if not path.isEmpty():
                painter.fillPath(path, brush)

    def line_job(self, weights: np.ndarray, image: QImage, transform: QTransform, rect: QRectF,
                 lod: float, paint_base: Callable[[QPainter], None]) -> LineJob | None:
        """A LineJob drawing the lines restyled for `weights` into `image` (the viewport, seen
        through `transform`, showing scene `rect`) over `paint_base`; None if nothing changes."""
        buckets = self.buckets_for(weights)
        if not self.differs(buckets):
            return None
        pieces: list[Callable[[QPainter], None]] = [paint_base]
        if self.geometry is not None and self.geometry.count:
            pieces += self._pieces(buckets, rect, lod)
        return LineJob(self, buckets, image, transform, pieces)

    def _pieces(self, buckets: np.ndarray, rect: QRectF, lod: float) -> list:
        """paint_lines for `buckets`, cut into small pieces drawn in the same order."""
        r, markers, dense = self._detail(rect, lod)
        px, py, pc, po, tip_in = self._visible(r)
        # points in DRAW_ORDER of their buckets; a stable sort keeps each polyline together
        rank = _LINE_RANK[buckets[po] + INHIBITORY * self._inhibitory[po]]
        order = np.argsort(rank, kind="stable")
        px, py, pc, rank = px[order], py[order], pc[order], rank[order]
        ends = np.flatnonzero(~pc) + 1  # where each polyline stops
        pieces: list[Callable[[QPainter], None]] = []

        def line_piece(lo: int, hi: int, pen: QPen):
            def draw(p: QPainter) -> None:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setRenderHint(QPainter.RenderHint.Antialiasing, not dense)
                p.setPen(pen)
                p.drawPath(_path(px[lo:hi], py[lo:hi], pc[lo:hi]))
            return draw

        bounds = np.searchsorted(rank, np.arange(2 * INHIBITORY + 1))
        for k, b in enumerate(LINE_ORDER):
            lo, hi = int(bounds[k]), int(bounds[k + 1])
            if lo == hi:
                continue
            inner = ends[(ends > lo) & (ends < hi)]
            cuts = np.unique(inner[np.minimum(np.searchsorted(inner, np.arange(lo + PIECE_POINTS, hi,
                                                                               PIECE_POINTS)),
                                              len(inner) - 1)]) if len(inner) else inner
            edges = [lo, *cuts.tolist(), hi]
            pen = self._line_pen(b, lod, dense)
            pieces += [line_piece(a, e, pen) for a, e in zip(edges[:-1], edges[1:])]
        if markers:
            def mark_piece(idx: np.ndarray, b: int):
                def draw(p: QPainter) -> None:
                    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                    p.setPen(Qt.PenStyle.NoPen)
                    p.fillPath(self._markers(idx, b), self._styles[b][1])
                return draw

            for b in DRAW_ORDER:  # one piece a bucket: overlapping markers antialias as one
                marks = np.flatnonzero(tip_in & (buckets == b))
                if len(marks):
                    pieces.append(mark_piece(marks, b))
        return pieces


class LineJob:
    """A restyle drawn into an image a piece at a time (see SynapseLayer.line_job).

    `step(budget)` draws pieces until `budget` seconds have gone; once `done`, `finish()` makes the
    new buckets the layer's and the image what the view shows.  The job is stale (and `finish`
    refuses) when the layer changed meanwhile (an edit restyled it at once)."""

    def __init__(self, layer: SynapseLayer, buckets: np.ndarray, image: QImage,
                 transform: QTransform, pieces: list) -> None:
        self.layer, self.buckets, self.image, self.transform = layer, buckets, image, transform
        self.version = layer.version
        self._pieces = pieces
        self._next = 0

    @property
    def done(self) -> bool:
        return self._next >= len(self._pieces)

    @property
    def stale(self) -> bool:
        return self.layer.version != self.version

    def step(self, budget: float) -> bool:
        """Draw for about `budget` seconds (at least one piece); returns done."""
        start = time.perf_counter()
        painter = QPainter(self.image)
        # as QGraphicsView paints its background cache: clipped to the viewport (the cosmetic
        # line rasteriser starts a clipped line where the clip cuts it), then the view transform
        dpr = self.image.devicePixelRatio()
        painter.setClipRect(QRectF(0, 0, self.image.width() / dpr, self.image.height() / dpr))
        painter.setTransform(self.transform)
        try:
            while not self.done:
                self._pieces[self._next](painter)
                self._next += 1
                if time.perf_counter() - start >= budget:
                    break
        finally:
            painter.end()
        return self.done

    def run(self) -> None:
        self.step(float("inf"))

    def finish(self) -> bool:
        """Adopt the new buckets (the view's background is reset); False if stale."""
        if self.stale or not self.done:
            return False
        self.layer.set_buckets(self.buckets)
        return True


def _segments_of(g: SynapseGeometry, mask: np.ndarray):
    """(starts, ends, owners) of the polyline segments of the synapses where mask is True."""
    pm = mask[g.owner]
    x, y, c, o = g.x[pm], g.y[pm], g.connect[pm], g.owner[pm]
    if not len(x):
        return np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0, np.intp)
    join = c[:-1]
    return (np.column_stack([x[:-1][join], y[:-1][join]]),
            np.column_stack([x[1:][join], y[1:][join]]), o[:-1][join])


def _bounding_boxes(g: SynapseGeometry, idx: np.ndarray | None = None) -> np.ndarray:
    """(m, 4) x0, y0, x1, y1 of each synapse (of synapses idx), arrowhead included."""
    if idx is None:
        tips, owner, xs, ys = g.tip, g.owner, g.x, g.y
    else:
        row = np.full(g.count, -1, np.intp)
        row[idx] = np.arange(len(idx))
        pm = row[g.owner] >= 0
        tips, owner, xs, ys = g.tip[idx], row[g.owner[pm]], g.x[pm], g.y[pm]
    box = np.empty((len(tips), 4))
    if len(tips) == 0:
        return box
    box[:, :2] = tips
    box[:, 2:] = tips
    for col, values, fn in ((0, xs, np.minimum), (1, ys, np.minimum),
                            (2, xs, np.maximum), (3, ys, np.maximum)):
        fn.at(box[:, col], owner, values)
    pad = ARROW + MAX_WIDTH
    box[:, :2] -= pad
    box[:, 2:] += pad
    return box


def _clip(a: np.ndarray, e: np.ndarray, rect: tuple[float, float, float, float]):
    """Liang-Barsky for many segments a -> e at once: (new a, new e, kept mask)."""
    x0, y0, x1, y1 = rect
    d = e - a
    t0, t1 = np.zeros(len(a)), np.ones(len(a))
    reject = np.zeros(len(a), bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-d[:, 0], a[:, 0] - x0), (d[:, 0], x1 - a[:, 0]),
                     (-d[:, 1], a[:, 1] - y0), (d[:, 1], y1 - a[:, 1])):
            t = q / p
            t0 = np.where(p < 0, np.maximum(t0, t), t0)
            t1 = np.where(p > 0, np.minimum(t1, t), t1)
            reject |= (p == 0) & (q < 0)
    keep = ~reject & (t0 <= t1)
    return a + t0[:, None] * d, a + t1[:, None] * d, keep

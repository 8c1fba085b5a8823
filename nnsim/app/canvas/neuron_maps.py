"""Each neuron's own map on the canvas (issue 14), as TensorFlow Playground draws one on every node.

A two-input feed-forward network: every neuron shows its output over the input plane
(`snapshot.neuron_maps`, 8-bit images made by the engine) as a small heatmap inside its own
shape, on the decision plot's blue-white-orange scale: a hidden unit's circle, an output's
circle with its inner ring drawn over it (roles stay told apart by shape), an input's rounded
square (x1 a left-right ramp, x2 a bottom-top one).  y grows upwards: row 0 of an image is
y_min, drawn at the bottom.  A one-input network: each neuron shows a small curve of its output
over x (`snapshot.neuron_curves`) on a pale disc, with a faint zero line.  More than two inputs
or a recurrent network: no maps (the view decides, `NetworkView.maps_unavailable_reason`).

One item paints the maps of the neurons in view, between the neurons (z=1) and the overlay
(z=2).  The images of a snapshot are put side by side into one atlas (an 8-bit image with the
colour table, converted once to 32-bit), made when a paint first needs them; each neuron is then
one path filled with a brush textured by its slot of the atlas.  Neurons drawn smaller than
MIN_MAP_PX show no map (a zoomed-out canvas of thousands of neurons pays nothing), and the
activation glyph moves to a small plate at the lower right of a neuron that shows a map.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from nnsim.app.colors import LUT, ZERO

from .shapes import GLYPH_H, GLYPH_W, INK, MUTED, RADIUS, glyph_paths, neuron_path, outline_pen

MIN_MAP_PX = 8.0  # a neuron drawn smaller than this (diameter, device pixels) shows no map
SHARP_BELOW = 16.0  # a map drawn smaller than this (device pixels) is drawn without antialiasing
SMOOTH_FROM = 1.5  # device pixels per map pixel from which the map is drawn smoothed
PAD = 1  # edge pixels repeated around each map in the atlas (no bleed from a neighbour)
BADGE = (6.6, 4.6)  # half extents of the glyph's plate, scene units
BADGE_AT = (0.66 * RADIUS, 0.62 * RADIUS)  # its centre, from the neuron's centre
BADGE_SCALE = 0.62  # the glyph on the plate, against its size in the middle of a neuron
BADGE_PLATE = QColor(255, 255, 255, 228)
BADGE_EDGE = QColor(120, 134, 142, 160)
CURVE_DISC = QColor(*ZERO)
CURVE_BOX = (0.68 * RADIUS, 0.5 * RADIUS)  # half extents of a curve's box inside its circle

MAPS_TIP = ("Each neuron shows its own output over the input plane (one input: over x), "
            "on the decision plot's colours; click a neuron's map to see it large there")


def maps_unavailable_reason(net) -> str | None:
    """Why `net`'s neurons can show no map (a sentence for the View menu's tooltip), or None."""
    from nnsim.engine.regions import MAX_CANVAS_MAPS

    n = len(net.inputs)
    if n > 2:
        return (f"Neuron maps are off: this network has {n} inputs, and a neuron's output over "
                f"{n} inputs cannot be drawn as a flat map (maps need one or two inputs).")
    if not net.is_feedforward:
        return ("Neuron maps are off: this network is recurrent, so a neuron's output depends on "
                "its past as well as on the inputs (maps need a feed-forward network).")
    if n == 0:
        return "Neuron maps are off: this network has no input neurons to draw a map over."
    units = len(net) - n
    if units > MAX_CANVAS_MAPS:
        return (f"Neuron maps are off: this network has {units:,} neurons besides its inputs, "
                f"more than the {MAX_CANVAS_MAPS:,} whose maps are computed.")
    return None


COLOR_TABLE = [0xFF000000 | (int(r) << 16) | (int(g) << 8) | int(b) for r, g, b in LUT]


def pixels_of(image: QImage) -> np.ndarray:
    """(h, w, 4) uint8 BGRA copy of a 32-bit QImage (tests and benchmarks read pixels so)."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    a = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return a.reshape(image.height(), image.bytesPerLine())[:, :image.width() * 4].reshape(
        image.height(), image.width(), 4).copy()


def atlas_columns(n: int) -> int:
    """Slots a row of the atlas holds: about square, so no coordinate grows large."""
    return max(1, int(np.ceil(np.sqrt(n))))


def atlas_image(images) -> QImage:
    """One 32-bit image holding every map of `images` ((n, side, side) uint8, or a list of
    such maps) in a grid of slots, each map flipped so y grows upwards and padded by PAD
    repeated edge pixels, made through an 8-bit image with the LUT as its colour table: map k
    is in row k // atlas_columns(n), column k % atlas_columns(n)."""
    stack = np.asarray(images, np.uint8)
    n, side = stack.shape[0], stack.shape[1]
    slot = side + 2 * PAD
    cols = atlas_columns(n)
    rows = -(-n // cols)
    padded = np.zeros((rows * cols, slot, slot), np.uint8)
    padded[:n] = np.pad(stack[:, ::-1, :], ((0, 0), (PAD, PAD), (PAD, PAD)), mode="edge")
    grid = np.ascontiguousarray(padded.reshape(rows, cols, slot, slot).transpose(0, 2, 1, 3)
                                .reshape(rows * slot, cols * slot))
    indexed = QImage(grid.data, grid.shape[1], grid.shape[0], grid.shape[1],
                     QImage.Format.Format_Indexed8)
    indexed.setColorTable(COLOR_TABLE)
    return indexed.convertToFormat(QImage.Format.Format_RGB32)  # owns its pixels: grid may go


class NeuronMapsItem(QGraphicsItem):
    def __init__(self, scene_state) -> None:
        super().__init__()
        self.s = scene_state  # the NetworkScene: positions, names, roles
        self.setZValue(1.5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.show_maps = True  # the user's choice (View > Neuron Maps)
        self.available = True  # the network has maps to show (two inputs, feed-forward, or one)
        self.maps = None  # NeuronMaps of the last snapshot that brought them
        self.curves = None  # NeuronCurves likewise
        self._rect = QRectF()
        self._atlas: tuple | None = None  # (maps, names ref, QImage, (n,) atlas slot per neuron)
        self._curves: tuple | None = None  # (curves, names ref, {index: QPainterPath})
        self._badges: dict[tuple, QPixmap] = {}
        self._pen = outline_pen()
        self.painted: np.ndarray = np.zeros(0, np.intp)  # neurons that showed a map last paint

    # ------------------------------------------------------------------ state
    @property
    def active(self) -> bool:
        return self.show_maps and self.available

    def set_snapshot(self, snapshot) -> bool:
        """Take the maps or curves a snapshot brings (a snapshot without any keeps the last:
        a new one replaces them).  Returns whether anything shown changed."""
        maps = getattr(snapshot, "neuron_maps", None)
        curves = getattr(snapshot, "neuron_curves", None)
        if maps is None and curves is None:
            return False
        if maps is self.maps and curves is self.curves:
            return False
        self.maps, self.curves = maps, curves
        self._atlas = self._curves = None  # made again when a paint needs them
        if self.active:
            self.update()
        return self.active

    def clear(self) -> None:
        """Forget the maps (another document: its neurons may share names with these)."""
        self.maps = self.curves = None
        self._atlas = self._curves = None
        self.update()

    def refresh_bounds(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = rect.adjusted(-RADIUS, -RADIUS, RADIUS, RADIUS)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def has_map(self, name: str) -> bool:
        """Whether neuron `name` has a map or a curve to show (whatever the zoom)."""
        if not self.active:
            return False
        if self.maps is not None and name in self.maps.images:
            return True
        return self.curves is not None and name in self.curves.curves

    def shown_mask(self, lod: float) -> np.ndarray:
        """(n,) bool over the scene's neurons: which show a map or curve at level of detail
        `lod` (the overlay leaves their glyph to the plate this item draws)."""
        n = len(self.s.names)
        if not self.active or 2 * RADIUS * lod < MIN_MAP_PX:
            return np.zeros(n, bool)
        if self.maps is not None:
            return self._atlas_state()[3] >= 0
        if self.curves is not None:
            return np.fromiter((name in self.curves.curves for name in self.s.names), bool, n)
        return np.zeros(n, bool)

    def _atlas_state(self) -> tuple:
        s, maps = self.s, self.maps
        atlas = self._atlas
        if atlas is not None and atlas[0] is maps and atlas[1] is s.names:
            return atlas
        slots = np.full(len(s.names), -1, np.intp)
        images = []
        for i, name in enumerate(s.names):
            img = maps.images.get(name)
            if img is not None and img.ndim == 2 and img.shape[0] == img.shape[1] and img.size:
                if images and img.shape != images[0].shape:
                    continue
                slots[i] = len(images)
                images.append(img)
        image = atlas_image(images) if images else None
        self._atlas = (maps, s.names, image, slots)
        return self._atlas

    # ------------------------------------------------------------------ painting
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        s = self.s
        self.painted = np.zeros(0, np.intp)
        if not self.active or not len(s.pos) or (self.maps is None and self.curves is None):
            return
        world = painter.worldTransform()
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(world)
        if 2 * RADIUS * lod < MIN_MAP_PX:
            return  # too small to read: the neurons' colours say it all
        r = option.exposedRect.adjusted(-RADIUS, -RADIUS, RADIUS, RADIUS)
        x, y = s.pos[:, 0], s.pos[:, 1]
        inside = (x >= r.left()) & (x <= r.right()) & (y >= r.top()) & (y <= r.bottom())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self.maps is not None:
            self._paint_maps(painter, world, lod, inside)
        elif self.curves is not None:
            self._paint_curves(painter, world, inside)
        if len(self.painted) and lod * RADIUS >= 6:
            self._paint_badges(painter, world, lod)
        painter.restore()

    def _paint_maps(self, painter: QPainter, world: QTransform, lod: float, inside: np.ndarray) -> None:
        s = self.s
        _maps, _names, image, slots = self._atlas_state()
        if image is None:
            return
        idx = np.flatnonzero(inside & (slots >= 0))
        if not len(idx):
            return
        side = int(self.maps.images[s.names[int(idx[0])]].shape[0])
        slot = side + 2 * PAD
        cols = atlas_columns(int(slots.max()) + 1)
        square = RADIUS - 1.5  # an input's rounded square (shapes.neuron_path)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform,
                              2 * RADIUS * lod / side >= SMOOTH_FROM)
        # small: no antialiasing (a seventh of the cost; thousands of maps may be in view)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, 2 * RADIUS * lod >= SHARP_BELOW)
        painter.setPen(self._pen)
        brush = QBrush(image)
        roles, pos = s.roles, s.pos
        for i in idx.tolist():
            half = square if roles[i] == "input" else RADIUS
            k = 2 * half / side  # scene units per map pixel
            painter.setTransform(QTransform.fromTranslate(pos[i, 0], pos[i, 1]) * world)
            # the slot's inner side x side pixels onto the shape's box (-half..half)
            row, col = divmod(int(slots[i]), cols)
            brush.setTransform(QTransform(k, 0, 0, k, -half - (col * slot + PAD) * k,
                                          -half - (row * slot + PAD) * k))
            painter.setBrush(brush)
            painter.drawPath(neuron_path(roles[i]))
        painter.setTransform(world)
        self.painted = idx

    def _curve_paths(self) -> dict[int, tuple[QPainterPath, float]]:
        """Each neuron's curve in its own box (scene units from its centre), and the height
        of its zero line (None when zero lies outside its range)."""
        s, curves = self.s, self.curves
        cached = self._curves
        if cached is not None and cached[0] is curves and cached[1] is s.names:
            return cached[2]
        out = {}
        w, h = CURVE_BOX
        n = len(curves.x)
        px = np.linspace(-w, w, n) if n > 1 else np.zeros(n)
        for i, name in enumerate(s.names):
            ys = curves.curves.get(name)
            if ys is None or len(ys) != n or not n:
                continue
            lo, hi = curves.levels.get(name, (-1.0, 1.0))
            if not hi > lo:
                lo, hi = lo - 1.0, lo + 1.0
            t = np.clip((np.asarray(ys, float) - lo) / (hi - lo), -0.08, 1.08)
            py = h - 2 * h * t
            path = QPainterPath(QPointF(px[0], py[0]))
            for a, b in zip(px[1:].tolist(), py[1:].tolist()):
                path.lineTo(a, b)
            zero = h - 2 * h * (0.0 - lo) / (hi - lo) if lo <= 0.0 <= hi else None
            out[i] = (path, zero)
        self._curves = (curves, s.names, out)
        return out

    def _paint_curves(self, painter: QPainter, world: QTransform, inside: np.ndarray) -> None:
        s = self.s
        paths = self._curve_paths()
        idx = [i for i in np.flatnonzero(inside).tolist() if i in paths]
        if not idx:
            return
        faint = QPen(MUTED, 0.8)
        faint.setCosmetic(False)
        ink = QPen(INK, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        w, h = CURVE_BOX
        for i in idx:
            painter.setTransform(QTransform.fromTranslate(*s.pos[i]) * world)
            painter.setPen(self._pen)
            painter.setBrush(CURVE_DISC)
            painter.drawPath(neuron_path(s.roles[i]))
            path, zero = paths[i]
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(faint)
            painter.drawLine(QPointF(0.0, -h - 2), QPointF(0.0, h + 2))  # x = 0
            if zero is not None:
                painter.drawLine(QPointF(-w - 2, zero), QPointF(w + 2, zero))  # y = 0
            painter.setPen(ink)
            painter.drawPath(path)
        painter.setTransform(world)
        self.painted = np.array(idx, np.intp)

    def _paint_badges(self, painter: QPainter, world: QTransform, lod: float) -> None:
        """The unit's glyph, small, on a plate at the lower right of each neuron shown with a
        map (inputs too: their glyph says 'linear')."""
        s = self.s
        bw, bh = BADGE
        bx, by = BADGE_AT
        painter.setTransform(world)
        edge = QPen(BADGE_EDGE, 0.7)
        dpr = painter.device().devicePixelRatioF()  # the glyph in device pixels (crisp at 2x)
        for i in self.painted.tolist():
            cx, cy = s.pos[i, 0] + bx, s.pos[i, 1] + by
            rect = QRectF(cx - bw, cy - bh, 2 * bw, 2 * bh)
            painter.setPen(edge)
            painter.setBrush(BADGE_PLATE)
            painter.drawRoundedRect(rect, 2.5, 2.5)
            glyph = self._badge(s.activations[i], lod, dpr)
            gw, gh = GLYPH_W * BADGE_SCALE + 1, GLYPH_H * BADGE_SCALE + 1
            painter.drawPixmap(QRectF(cx - gw, cy - gh, 2 * gw, 2 * gh), glyph, QRectF(glyph.rect()))

    def _badge(self, activation: str, lod: float, dpr: float = 1.0) -> QPixmap:
        """The glyph for a badge at this zoom, drawn in device pixels (lod * dpr per unit)."""
        key = (activation, round(lod * dpr, 2))
        pix = self._badges.get(key)
        if pix is None:
            if len(self._badges) > 200:
                self._badges.clear()
            gw, gh = GLYPH_W * BADGE_SCALE + 1, GLYPH_H * BADGE_SCALE + 1
            w, h = (int(np.ceil(2 * b * lod * dpr)) + 1 for b in (gw, gh))
            pix = QPixmap(w, h)
            pix.fill(Qt.GlobalColor.transparent)
            curve, axis = glyph_paths(activation)
            p = QPainter(pix)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.scale(w / (2 * gw), h / (2 * gh))
            p.translate(gw, gh)
            p.scale(BADGE_SCALE, BADGE_SCALE)
            faint = QColor(INK)
            faint.setAlpha(90)
            p.setPen(QPen(faint, 0.8 / BADGE_SCALE))
            p.drawPath(axis)
            p.setPen(QPen(INK, 1.3 / BADGE_SCALE, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                          Qt.PenJoinStyle.RoundJoin))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(curve)
            p.end()
            pix.setDevicePixelRatio(dpr)
            self._badges[key] = pix
        return pix

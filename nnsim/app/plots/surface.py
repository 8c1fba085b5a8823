"""The output of a two-input network as a surface in 3-D: the lecture's "towers" (cylinders
summed into a landscape), seen from above at a slant and turning slowly while a scene runs.

Drawn with QPainter into an ordinary pyqtgraph view (no OpenGL): the snapshot's decision grid,
resampled to SIDE x SIDE cells, is projected (azimuth, elevation), each cell a quad shaded by
the light on its slope and coloured by its height (the decision map's blue-white-orange),
painted back to front.  So it draws the same on a screen, offscreen and in a recording.

Each new snapshot step turns the view by TURN degrees (a recording turns as its frames advance,
the same on any machine); a drag with the mouse turns and tilts it.  `set_dataset(X, y)` with
regression targets gives the status line the RMS error of the surface against them.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from ..numbers import format_value
from . import style
from .base import MIN_PLOT_AREA, PlotPanel, write_matrix_csv
from .colormap import LUT

SIDE = 48  # cells per side of the drawn surface
TURN = 0.8  # degrees per new snapshot step
HEIGHT = 0.9  # the tallest output's height, in units of the floor's half side
LIGHT = np.array([-0.45, -0.35, 0.82])  # towards the light, world coordinates (u, v, w)
EDGE = QColor(40, 48, 56, 70)  # each quad's outline: the wireframe


def resample(grid: np.ndarray, side: int) -> np.ndarray:
    """grid (ny, nx) to (side + 1, side + 1) corner heights, each the mean of the samples
    within half a cell of it (a sharp edge stays sharp, a single sample makes no spike)."""
    ny, nx = grid.shape
    total = np.zeros((ny + 1, nx + 1))
    total[1:, 1:] = np.cumsum(np.cumsum(grid, axis=0), axis=1)  # an integral image

    def spans(n: int) -> tuple[np.ndarray, np.ndarray]:
        centre = np.linspace(0, n - 1, side + 1)
        half = max(n / side / 2, 0.5)
        lo = np.clip(np.round(centre - half + 0.5), 0, n - 1).astype(int)
        hi = np.clip(np.round(centre + half + 0.5), lo + 1, n).astype(int)
        return lo, hi

    (y0, y1), (x0, x1) = spans(ny), spans(nx)
    sums = (total[np.ix_(y1, x1)] - total[np.ix_(y0, x1)] - total[np.ix_(y1, x0)]
            + total[np.ix_(y0, x0)])
    return sums / ((y1 - y0)[:, None] * (x1 - x0)[None, :])


def bilinear(grid: np.ndarray, extent, points: np.ndarray) -> np.ndarray:
    """The grid's value at each point (m, 2), bilinearly interpolated (clamped to the grid)."""
    ny, nx = grid.shape
    x0, x1, y0, y1 = extent
    fx = np.clip((points[:, 0] - x0) / (x1 - x0) * (nx - 1), 0, nx - 1)
    fy = np.clip((points[:, 1] - y0) / (y1 - y0) * (ny - 1), 0, ny - 1)
    i0 = np.minimum(np.floor(fx).astype(int), nx - 2) if nx > 1 else np.zeros(len(fx), int)
    j0 = np.minimum(np.floor(fy).astype(int), ny - 2) if ny > 1 else np.zeros(len(fy), int)
    tx, ty = fx - i0, fy - j0
    i1, j1 = np.minimum(i0 + 1, nx - 1), np.minimum(j0 + 1, ny - 1)
    g = grid.astype(float)
    return ((1 - ty) * ((1 - tx) * g[j0, i0] + tx * g[j0, i1])
            + ty * ((1 - tx) * g[j1, i0] + tx * g[j1, i1]))


class SurfaceItem(pg.GraphicsObject):
    """The projected quads, painted back to front; a drag turns (left-right) and tilts."""

    def __init__(self, owner: SurfacePlot) -> None:
        super().__init__()
        self.owner = owner
        self.polygons: list[QPolygonF] = []
        self.colors: list[QColor] = []
        self.frame: list[tuple[QPointF, QPointF]] = []  # the floor's edges and the height axis
        self._pool: list[QPolygonF] = []
        self._views: list[np.ndarray] = []

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self.owner.bounds()

    def paint(self, painter: QPainter, *_args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        axis_pen = QPen(QColor(*style.INK), 0)
        axis_pen.setCosmetic(True)
        painter.setPen(axis_pen)
        back = self.frame[: len(self.frame) // 2]  # the floor's far edges, under the surface
        for a, b in back:
            painter.drawLine(a, b)
        edge = QPen(EDGE, 0)
        edge.setCosmetic(True)
        painter.setPen(edge)
        for polygon, color in zip(self.polygons, self.colors):
            painter.setBrush(color)
            painter.drawPolygon(polygon)
        painter.setPen(axis_pen)
        for a, b in self.frame[len(self.frame) // 2:]:
            painter.drawLine(a, b)

    def polygons_for(self, n: int, points: np.ndarray) -> list[QPolygonF]:
        """n quads holding `points` (n, 4, 2): made once, then refilled through NumPy views of
        their own memory (making thousands of QPointF a frame is the slow part)."""
        if len(self._pool) != n:
            self._pool = [pg.functions.create_qpolygonf(4) for _ in range(n)]
            self._views = [pg.functions.ndarray_from_qpolygonf(p) for p in self._pool]
        for view, quad in zip(self._views, points):
            view[:] = quad
        return self._pool

    def set_geometry(self, polygons, colors, frame) -> None:
        self.polygons, self.colors, self.frame = polygons, colors, frame
        self.update()

    def mouseDragEvent(self, event) -> None:  # noqa: N802 - pyqtgraph's name
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        event.accept()
        delta = event.screenPos() - event.lastScreenPos()
        self.owner.turn(-0.5 * delta.x(), 0.3 * delta.y())


class SurfacePlot(PlotPanel):
    title = "Output surface"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.view = pg.ViewBox(lockAspect=True, enableMouse=False, enableMenu=False)
        self.view.setMinimumSize(*MIN_PLOT_AREA)
        self.graphics.addItem(self.view, row=0, col=0)
        self.item = SurfaceItem(self)
        self.view.addItem(self.item)
        self.labels: dict[str, pg.TextItem] = {}
        for key, anchor in (("x1", (0.5, 0.0)), ("x2", (0.5, 0.0)), ("top", (1.0, 0.5)),
                            ("bottom", (1.0, 0.5))):
            label = pg.TextItem(color=style.INK, anchor=anchor)
            label.setVisible(False)
            self.view.addItem(label)
            self.labels[key] = label
        self.azimuth = -55.0
        self.elevation = 30.0
        self.grid: np.ndarray | None = None
        self.extent: tuple[float, float, float, float] | None = None
        self.range: tuple[float, float] | None = None  # heights shown bottom..top (only widens)
        self.targets: tuple[np.ndarray, np.ndarray] | None = None
        self.error: float | None = None
        self._step: int | None = None
        self.view.setRange(self.bounds(), padding=0.0)
        self.fit_minimum_size()
        self.graphics.setToolTip("Drag to turn and tilt the surface")

    # ------------------------------------------------------------------ data
    def update_snapshot(self, snapshot: Any) -> None:
        decision = getattr(snapshot, "decision", None)
        grid = getattr(decision, "grid", None)
        extent = getattr(decision, "extent", None)
        if grid is None or extent is None:
            return
        grid = np.asarray(grid, dtype=float)
        if grid.ndim == 3:
            grid = grid[:, :, 0]  # the first output
        step = getattr(snapshot, "step", None)
        if self._step is not None and step != self._step:
            self.azimuth = (self.azimuth + TURN) % 360.0
        self._step = step
        self.set_grid(grid, extent)

    def set_grid(self, grid: np.ndarray, extent) -> None:
        """Show the outputs `grid` (ny, nx) sampled over extent (x_min, x_max, y_min, y_max)."""
        grid = np.nan_to_num(np.asarray(grid, dtype=float), nan=0.0, posinf=1e6, neginf=-1e6)
        self.grid, self.extent = grid, tuple(float(v) for v in extent)
        lo, hi = float(min(grid.min(), 0.0)), float(max(grid.max(), 1.0 if grid.max() > 0 else 0.0))
        if self.range is not None:  # widen only: the towers do not jump as values change
            lo, hi = min(lo, self.range[0]), max(hi, self.range[1])
        if hi - lo < 1e-9:
            hi = lo + 1.0
        self.range = (lo, hi)
        self._measure()
        self._draw()

    def set_dataset(self, X, y) -> None:
        """Regression targets over the plane (X (n, 2), y (n,)): the status gives the surface's
        RMS error against them.  Anything else clears them."""
        X = np.asarray(X, dtype=float) if X is not None else np.empty((0, 2))
        if y is None or len(X) == 0 or X.ndim != 2 or X.shape[1] != 2:
            self.targets = None
        else:
            self.targets = (X, np.asarray(y, dtype=float).reshape(len(X), -1)[:, 0])
        self._measure()
        self._status()

    def _measure(self) -> None:
        if self.targets is None or self.grid is None:
            self.error = None
            return
        X, y = self.targets
        predicted = bilinear(self.grid, self.extent, X)
        self.error = float(np.sqrt(np.mean((predicted - y) ** 2)))

    def bounds(self) -> QRectF:
        """What the view shows: the floor and the tallest tower at any turn (the floor's
        diagonal), with room for the height labels on the left and the input labels below."""
        theta = math.radians(self.elevation)
        r = math.sqrt(2.0)
        bottom, top = -r * math.sin(theta) - 0.22, r * math.sin(theta) + HEIGHT * math.cos(theta) + 0.05
        return QRectF(-r - 0.85, bottom, 2 * r + 1.05, top - bottom)

    def turn(self, degrees: float, tilt: float = 0.0) -> None:
        """Turn the view about the vertical axis (and tilt it), then redraw."""
        self.azimuth = (self.azimuth + degrees) % 360.0
        elevation = float(np.clip(self.elevation + tilt, 5.0, 85.0))
        if elevation != self.elevation:
            self.elevation = elevation
            self.item.prepareGeometryChange()
            self.view.setRange(self.bounds(), padding=0.0)
        self._draw()

    # ------------------------------------------------------------------ drawing
    def project(self, u, v, w):
        """Screen (x, y) and depth (larger: farther) of world points: u, v the floor in [-1, 1],
        w the height."""
        phi, theta = math.radians(self.azimuth), math.radians(self.elevation)
        a = u * math.cos(phi) - v * math.sin(phi)
        b = u * math.sin(phi) + v * math.cos(phi)
        return a, w * math.cos(theta) + b * math.sin(theta), b * math.cos(theta) - w * math.sin(theta)

    def heights(self) -> np.ndarray:
        """Corner heights (SIDE + 1)^2 in world units: 0 at the bottom of the range."""
        lo, hi = self.range
        return (resample(self.grid, SIDE) - lo) / (hi - lo) * HEIGHT

    def _draw(self) -> None:
        if self.grid is None:
            self.item.set_geometry([], [], [])
            self._status()
            return
        w = self.heights()
        n = SIDE + 1
        u, v = np.meshgrid(np.linspace(-1, 1, n), np.linspace(-1, 1, n))
        sx, sy, depth = self.project(u, v, w)
        # quads (j, i) .. (j + 1, i + 1): corners in order, centre depth, slope normal
        corners = [(slice(0, -1), slice(0, -1)), (slice(0, -1), slice(1, None)),
                   (slice(1, None), slice(1, None)), (slice(1, None), slice(0, -1))]
        qx = np.stack([sx[c] for c in corners], axis=-1).reshape(-1, 4)
        qy = np.stack([sy[c] for c in corners], axis=-1).reshape(-1, 4)
        qd = np.mean([depth[c] for c in corners], axis=0).ravel()
        h = 2.0 / SIDE
        du = (w[:-1, 1:] + w[1:, 1:] - w[:-1, :-1] - w[1:, :-1]) / (2 * h)
        dv = (w[1:, :-1] + w[1:, 1:] - w[:-1, :-1] - w[:-1, 1:]) / (2 * h)
        normal = np.stack([-du, -dv, np.ones_like(du)], axis=-1)
        normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
        light = LIGHT / np.linalg.norm(LIGHT)
        shade = (0.45 + 0.55 * np.clip(normal @ light, 0.0, 1.0)).ravel()
        # colour by the output's value, as on the decision map: 0 white, positive orange,
        # negative blue, the strongest at the largest magnitude seen
        lo, hi = self.range
        value = lo + np.mean([w[c] for c in corners], axis=0).ravel() / HEIGHT * (hi - lo)
        level = 0.5 + 0.5 * value / max(abs(lo), abs(hi))
        lut = LUT[np.clip((level * (len(LUT) - 1)).astype(int), 0, len(LUT) - 1), :3]
        rgb = np.clip(lut * shade[:, None], 0, 255).astype(int)
        order = np.argsort(-qd, kind="stable")  # farthest first
        points = np.stack([qx, qy], axis=-1)[order]  # (quads, 4, 2)
        polygons = self.item.polygons_for(len(points), points)
        colors = [QColor(r, g, b) for r, g, b in rgb[order].tolist()]
        self.item.set_geometry(polygons, colors, self._frame())
        self._place_labels()
        self._status()

    def _frame(self) -> list[tuple[QPointF, QPointF]]:
        """The floor's four edges (the two far ones first) and the height axis at the corner
        nearest the viewer's left: (far edges..., near edges..., axis)."""
        corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
        edges = []
        for k in range(4):
            (u0, v0), (u1, v1) = corners[k], corners[(k + 1) % 4]
            depth = self.project((u0 + u1) / 2, (v0 + v1) / 2, 0.0)[2]
            edges.append((depth, self._point(u0, v0, 0.0), self._point(u1, v1, 0.0)))
        edges.sort(key=lambda e: -e[0])
        far = [(a, b) for _, a, b in edges[:2]]
        near = [(a, b) for _, a, b in edges[2:]]
        u, v = self._axis_corner()
        axis = (self._point(u, v, 0.0), self._point(u, v, HEIGHT))
        return far + near + [axis] if len(far) == 2 else far + near

    def _axis_corner(self) -> tuple[float, float]:
        """The floor corner drawn farthest left: the height axis stands there."""
        corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
        return min(corners, key=lambda c: self.project(c[0], c[1], 0.0)[0])

    def _point(self, u: float, v: float, w: float) -> QPointF:
        x, y, _ = self.project(u, v, w)
        return QPointF(float(x), float(y))

    def _place_labels(self) -> None:
        lo, hi = self.range
        u, v = self._axis_corner()
        top, bottom = self._point(u, v, HEIGHT), self._point(u, v, 0.0)
        self.labels["top"].setText(f"y = {format_value(hi)} ")
        self.labels["top"].setPos(top)
        self.labels["bottom"].setText(f"y = {format_value(lo)} ")
        self.labels["bottom"].setPos(bottom)
        # each input's name under the middle of the nearer of its two floor edges
        near_u = min((-1.0, 1.0), key=lambda s: self.project(s, 0.0, 0.0)[2])
        near_v = min((-1.0, 1.0), key=lambda s: self.project(0.0, s, 0.0)[2])
        self.labels["x1"].setText("x₁")
        self.labels["x1"].setPos(self._point(0.0, near_v, 0.0))
        self.labels["x2"].setText("x₂")
        self.labels["x2"].setPos(self._point(near_u, 0.0, 0.0))
        for label in self.labels.values():
            label.setVisible(True)

    def _status(self) -> None:
        if self.grid is None:
            self.set_status("")
            return
        lo, hi = float(self.grid.min()), float(self.grid.max())
        text = f"output {format_value(lo)} to {format_value(hi)} · drag to turn"
        if self.error is not None:  # first: the status is cut short in a narrow dock
            text = f"RMS error {format_value(self.error)} · " + text
        self.set_status(text)

    # ------------------------------------------------------------------ clear and export
    def clear(self) -> None:
        super().clear()
        self.grid = self.extent = self.range = None
        self.targets, self.error, self._step = None, None, None
        self.item.set_geometry([], [], [])
        for label in self.labels.values():
            label.setVisible(False)

    def export_csv(self, path) -> None:
        """The surface's heights: one row per grid row (x₂ increasing), one column per x₁."""
        write_matrix_csv(path, self.grid if self.grid is not None else np.empty((0, 0)))

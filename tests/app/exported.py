"""Reading what a plot exported, for tests that check the content, not just the size: the PNG's
pixels, the SVG's shapes (polylines and paths with their stroke colour, embedded images) and the
CSV's numbers."""
from __future__ import annotations

import base64
import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QColor, QImage

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def rgb(image: QImage) -> np.ndarray:
    """(height, width, 3) uint8 of an image."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits(), np.uint8)
    return data.reshape(image.height(), image.bytesPerLine())[:, :image.width() * 3] \
        .reshape(image.height(), image.width(), 3).copy()


def alpha(image: QImage) -> np.ndarray:
    """(height, width) uint8: the image's opacity."""
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(image.constBits(), np.uint8)
    return data.reshape(image.height(), image.bytesPerLine())[:, :image.width() * 4] \
        .reshape(image.height(), image.width(), 4)[..., 3].copy()


def png(path: Path) -> np.ndarray:
    """The PNG's pixels, (height, width, 3); fails on a file that is not a readable image."""
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable image"
    return rgb(image)


def near(pixels: np.ndarray, colour, tolerance: int = 24) -> int:
    """How many pixels are within `tolerance` (per channel) of `colour`."""
    c = QColor(colour)
    target = np.array([c.red(), c.green(), c.blue()], dtype=int)
    return int(np.all(np.abs(pixels.astype(int) - target) <= tolerance, axis=-1).sum())


def drawn(pixels: np.ndarray) -> int:
    """How many pixels differ from the most common colour (the background)."""
    flat = pixels.reshape(-1, 3)
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    background = colours[counts.argmax()]
    return int(np.any(flat != background, axis=1).sum())


def svg(path: Path) -> ET.Element:
    """The SVG's root element; fails unless it is well-formed XML with an <svg> root."""
    root = ET.parse(path).getroot()
    assert root.tag == SVG + "svg", root.tag
    return root


NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _points(element: ET.Element) -> np.ndarray | None:
    text = element.get("points") if element.tag == SVG + "polyline" else element.get("d")
    if text is None:
        return None
    if element.tag == SVG + "path" and re.search(r"[CcQqAaSsTtHhVv]", text):
        return None  # curves and arcs: not a polyline of data points
    values = [float(v) for v in NUMBER.findall(text)]
    if len(values) < 2 or len(values) % 2:
        return None
    return np.array(values).reshape(-1, 2)


def svg_lines(root: ET.Element) -> list[tuple[str, np.ndarray]]:
    """Every drawn line: per group of the SVG (one painter state: stroke colour and transform),
    the points of its polylines and straight-segment paths together (a thick pen's curve is
    written a segment at a time), as (stroke colour "#rrggbb" or "none", points (n, 2) in the
    group's own coordinates: a curve's are its data's)."""
    out = []

    def walk(element: ET.Element, stroke: str) -> None:
        stroke = element.get("stroke", stroke).lower()
        points = [_points(child) for child in element
                  if child.tag in (SVG + "polyline", SVG + "path")]
        points = [p for p in points if p is not None]
        if points:
            out.append((stroke, np.concatenate(points)))
        for child in element:
            walk(child, stroke)

    walk(root, "none")
    return out


def line_with(root: ET.Element, x, y, stroke: str | None = None) -> bool:
    """Whether a group of lines (of `stroke` colour, if given) is drawn through exactly the
    points (x, y): every data point is a vertex and every vertex a data point (to the SVG's six
    significant digits)."""
    want = np.column_stack([np.asarray(x, float), np.asarray(y, float)])
    want = want[np.all(np.isfinite(want), axis=1)]
    scale = np.maximum(np.abs(want).max(axis=0), 1e-12)
    for colour, points in svg_lines(root):
        if stroke is not None and colour != QColor(stroke).name():
            continue
        close = np.all(np.abs(points[:, None, :] - want[None, :, :]) <= 1e-5 * scale + 1e-9, axis=2)
        if close.any(axis=1).all() and close.any(axis=0).all():
            return True
    return False


def svg_images(root: ET.Element) -> list[np.ndarray]:
    """The pixels of every image embedded in the SVG as a PNG data URL."""
    out = []
    for element in root.iter(SVG + "image"):
        href = element.get(XLINK + "href") or element.get("href") or ""
        if href.startswith("data:image/png;base64,"):
            image = QImage.fromData(QByteArray(base64.b64decode(href.split(",", 1)[1])), "PNG")
            assert not image.isNull()
            out.append(rgb(image))
    return out


def csv_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def csv_columns(path: Path) -> dict[str, np.ndarray]:
    """Header -> the column's numbers (empty cells at the end of shorter columns dropped)."""
    rows = csv_rows(path)
    out = {}
    for k, name in enumerate(rows[0]):
        cells = [row[k] for row in rows[1:] if k < len(row) and row[k] != ""]
        out[name] = np.array([float(v) for v in cells])
    return out


def curve_in_png(pixels: np.ndarray, curve, view, radius: int = 2, tolerance: int = 48) -> float:
    """The share of places along a curve item (a quarter, half and three quarters of each
    segment, at most 60 places) where the PNG exported from `view` (the plot's
    GraphicsLayoutWidget: the image is its visible rectangle) has the curve's pen colour within
    `radius` pixels: 1.0 when the curve is drawn where its data are."""
    from PySide6.QtCore import QPointF

    colour = QColor(pen_colour(curve))
    target = np.array([colour.red(), colour.green(), colour.blue()], dtype=int)
    x, y = np.asarray(curve.xData, float), np.asarray(curve.yData, float)
    if curve.opts.get("connect") == "pairs":  # separate segments: 0-1, 2-3, ...
        n = len(x) // 2 * 2
        x0, y0, x1, y1 = x[0:n:2], y[0:n:2], x[1:n:2], y[1:n:2]
    else:
        x0, y0, x1, y1 = x[:-1], y[:-1], x[1:], y[1:]
    ts = np.array([0.25, 0.5, 0.75])
    places = np.column_stack([(x0[:, None] + ts * (x1 - x0)[:, None]).ravel(),
                              (y0[:, None] + ts * (y1 - y0)[:, None]).ravel()])
    places = places[np.all(np.isfinite(places), axis=1)]
    places = places[np.linspace(0, len(places) - 1, min(len(places), 60)).astype(int)]
    hits = 0
    for px, py in places:
        point = curve.mapToScene(QPointF(px, py)) - view.viewRect().topLeft()
        col, row = int(round(point.x())), int(round(point.y()))
        patch = pixels[max(row - radius, 0):row + radius + 1, max(col - radius, 0):col + radius + 1]
        if patch.size and np.all(np.abs(patch.astype(int) - target) <= tolerance, axis=-1).any():
            hits += 1
    return hits / max(len(places), 1)


def image_in_png(pixels: np.ndarray, item, view, tolerance: int = 40) -> float:
    """The share of an ImageItem's opaque cells whose colour, as the item renders it, is what
    the PNG exported from `view` shows at the cell's centre."""
    from PySide6.QtCore import QPointF

    cells = rgb(item.qimage)
    opaque = alpha(item.qimage) == 255
    origin = view.viewRect().topLeft()
    hits = total = 0
    for v in range(cells.shape[0]):
        for u in range(cells.shape[1]):
            if not opaque[v, u]:
                continue  # a see-through cell (no value): the background shows
            point = item.mapToScene(QPointF(u + 0.5, v + 0.5)) - origin
            col, row = int(point.x()), int(point.y())
            if 0 <= row < pixels.shape[0] and 0 <= col < pixels.shape[1]:
                total += 1
                hits += bool(np.all(np.abs(pixels[row, col].astype(int) - cells[v, u]) <= tolerance))
    return hits / max(total, 1)


def csv_has(columns: dict[str, np.ndarray], x, y) -> bool:
    """Whether two columns of the CSV hold the data (x, y) (to seven significant digits)."""
    x, y = np.asarray(x, float), np.asarray(y, float)

    def same(column, want):
        return column.shape == want.shape and np.allclose(column, want, rtol=1e-7, atol=1e-12, equal_nan=True)

    xs = [name for name, column in columns.items() if same(column, x)]
    ys = [name for name, column in columns.items() if same(column, y)]
    return any(a != b for a in xs for b in ys)


def csv_matrix(path: Path, skip_rows: int = 0, skip_cols: int = 0) -> np.ndarray:
    """The CSV's numbers as a 2-D array (a header row or name column skipped)."""
    rows = csv_rows(path)[skip_rows:]
    return np.array([[float(v) for v in row[skip_cols:]] for row in rows])


def visible_curves(plot) -> list:
    """The plot's visible curve items drawing at least two finite points."""
    import pyqtgraph as pg

    out = []
    for item in plot.graphics.scene().items():
        if isinstance(item, pg.PlotCurveItem) and item.isVisible() and item.xData is not None:
            finite = np.isfinite(item.xData) & np.isfinite(item.yData)
            if finite.sum() >= 2:
                out.append(item)
    return out


def pen_colour(curve) -> str:
    import pyqtgraph as pg

    return pg.mkPen(curve.opts["pen"]).color().name()

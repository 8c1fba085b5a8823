"""Which labels fit, and where: a greedy placement in screen pixels.

Labels are drawn at a constant size on screen whatever the zoom, so a zoomed-out network has
more labels than room.  `place` takes them in priority order; each goes to the first of its
places that overlaps neither a label already placed nor an obstacle (a neuron: no text covers
one), or is left out when none is free.  The most important labels (names) survive longest,
and nothing is hidden that has room.  A grid of buckets keeps the test near-linear.
"""
from __future__ import annotations

import math

import numpy as np

CELL = 48.0  # bucket size in pixels


def place(rects: np.ndarray, obstacles: np.ndarray | None = None, gap: float = 1.0) -> np.ndarray:
    """For each label, the index of the place it goes to, or -1 when it is left out.

    `rects`: (k, 4) or (k, a, 4) x0, y0, x1, y1 in pixels: each label's places in order of
    preference (a row of NaN is no place), labels in priority order.  A label keeps `gap`
    pixels from the others; `obstacles` ((m, 4)) are in the way from the start."""
    rects = np.asarray(rects, float)
    if rects.ndim == 2:
        rects = rects[:, None, :]
    chosen = np.full(len(rects), -1, np.intp)
    if not len(rects):
        return chosen
    buckets: dict[tuple[int, int], list[int]] = {}
    boxes: list[tuple[float, float, float, float]] = []
    floor = math.floor

    def add(box) -> None:
        k = len(boxes)
        boxes.append(box)
        x0, y0, x1, y1 = box
        for cx in range(floor(x0 / CELL), floor(x1 / CELL) + 1):
            for cy in range(floor(y0 / CELL), floor(y1 / CELL) + 1):
                buckets.setdefault((cx, cy), []).append(k)

    def free(x0, y0, x1, y1) -> bool:
        a0, b0, a1, b1 = x0 - gap, y0 - gap, x1 + gap, y1 + gap
        for cx in range(floor(a0 / CELL), floor(a1 / CELL) + 1):
            for cy in range(floor(b0 / CELL), floor(b1 / CELL) + 1):
                for k in buckets.get((cx, cy), ()):
                    u0, v0, u1, v1 = boxes[k]
                    if a0 < u1 and u0 < a1 and b0 < v1 and v0 < b1:
                        return False
        return True

    if obstacles is not None:
        for box in np.asarray(obstacles, float).reshape(-1, 4).tolist():
            add(tuple(box))
    for i, options in enumerate(rects.tolist()):
        for j, box in enumerate(options):
            if box[0] == box[0] and free(*box):  # NaN != NaN: no place
                chosen[i] = j
                add(tuple(box))
                break
    return chosen

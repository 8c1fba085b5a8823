"""Datasets from CSV files: columns of inputs, then (optionally) one target column.

Anything malformed raises DatasetFileError naming the file and the line.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np

from .data_core import Dataset, DatasetFileError


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def load_csv(path: Any, header: bool | None = None, labels: bool = True) -> Dataset:
    """Columns of inputs then (with labels=True) one target column.  A first row with any
    non-number cell is a header (header=None detects it; True/False forces it).  Blank lines are
    skipped.  Raises DatasetFileError naming the file and line for anything malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetFileError(path, 0, f"cannot read the file ({exc})") from None
    rows = [(i, r) for i, r in enumerate(csv.reader(text.splitlines()), 1)
            if r and any(c.strip() for c in r)]
    if rows and (header or (header is None and any(_number(c) is None for c in rows[0][1]))):
        rows = rows[1:]
    if not rows:
        raise DatasetFileError(path, 1, "the file holds no data rows")
    width = len(rows[0][1])
    if width < (2 if labels else 1):
        raise DatasetFileError(path, rows[0][0], "need at least one input column and a label "
                               "column" if labels else "need at least one column")
    values = np.empty((len(rows), width))
    for k, (line, row) in enumerate(rows):
        if len(row) != width:
            raise DatasetFileError(path, line, f"expected {width} columns, found {len(row)}")
        for j, cell in enumerate(row):
            v = _number(cell.strip())
            if v is None:
                raise DatasetFileError(path, line, f"column {j + 1}: {cell.strip()!r} is not a number")
            if not math.isfinite(v):
                raise DatasetFileError(path, line, f"column {j + 1}: {cell.strip()} is not finite")
            values[k, j] = v
    if labels:
        return Dataset(values[:, :-1], values[:, -1], name=path.stem)
    return Dataset(values, name=path.stem)

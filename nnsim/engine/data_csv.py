"""Datasets from CSV files: columns of inputs, then (optionally) one target column.

Anything malformed raises DatasetFileError naming the file and the line.  The file is read with
safe_read (a regular file only, never blocking), and held to the caps below, chosen so that any
file within them loads in well under 2 s and 500 MB (see docs/file-format.md, "Limits"):
each is a DatasetFileError naming the line where it is passed.
"""
from __future__ import annotations

import csv
import io
import math
from array import array
from pathlib import Path
from typing import Any

import numpy as np

from .data_core import Dataset, DatasetFileError
from .safe_read import MIB, UnreadableFile, read_bytes_limited

MAX_FILE_BYTES = 32 * MIB
MAX_LINES = 1_000_000  # lines of the file, blank ones included
MAX_COLUMNS = 1_000
MAX_CELLS = 1_000_000  # rows x columns: a saved document holding them (~20 MB, compact) still loads
MAX_CELL_CHARS = 131_072  # Python's csv field limit (its default, which nnsim never raises)
MAX_COMMAS = 2 * MAX_COLUMNS  # in one row's lines, checked before csv splits them into cells


class _Lines:
    """The text's lines for csv.reader, refusing a row with more than MAX_COMMAS commas before
    csv builds its cells (one line of "12,12,12..." would make millions of strings).  The
    reader of the rows sets `commas` to 0 after each row (a quoted cell can span lines)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.commas = 0

    def __iter__(self):
        for number, line in enumerate(io.StringIO(self.text, newline=""), 1):
            self.commas += line.count(",")
            if self.commas > MAX_COMMAS:
                raise _TooWide(number)
            yield line


class _TooWide(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _read_text(path: Path) -> str:
    """The file's text, within MAX_FILE_BYTES and MAX_LINES."""
    try:
        data = read_bytes_limited(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        raise DatasetFileError(path, 0, exc.reason) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DatasetFileError(path, line, f"not UTF-8 text ({exc.reason} at byte {exc.start})") \
            from None
    lines = text.count("\n") + text.count("\r") - text.count("\r\n")
    if lines > MAX_LINES:
        raise DatasetFileError(path, MAX_LINES + 1, f"more than {MAX_LINES:,} lines; a CSV "
                               f"dataset has at most {MAX_LINES:,}")
    return text


def _blank(row: list[str]) -> bool:
    return not "".join(row).strip()


def _shown(cell: str) -> str:
    text = cell.strip()
    return text if len(text) <= 40 else f"{text[:40]}... ({len(text):,} characters)"


def _bad_cell(path: Path, line: int, row: list[str]) -> DatasetFileError:
    """The error for a row with a cell that is not a finite number."""
    for j, cell in enumerate(row):
        v = _number(cell)
        if v is None:
            return DatasetFileError(path, line, f"column {j + 1}: {_shown(cell)!r} is not a number")
        if not math.isfinite(v):
            return DatasetFileError(path, line, f"column {j + 1}: {_shown(cell)} is not finite")
    return DatasetFileError(path, line, "not a row of numbers")


def load_csv(path: Any, header: bool | None = None, labels: bool = True) -> Dataset:
    """Columns of inputs then (with labels=True) one target column.  A first row with any
    non-number cell is a header (header=None detects it; True/False forces it).  Blank lines are
    skipped.  Raises DatasetFileError naming the file and line for anything malformed, a special
    file (device, pipe, folder) or a file over the caps (MAX_FILE_BYTES, MAX_LINES, MAX_COLUMNS,
    MAX_CELLS, MAX_CELL_CHARS)."""
    path = Path(path)
    text = _read_text(path)
    lines = _Lines(text)
    reader = csv.reader(lines)
    try:
        values, width = _parse(path, reader, lines, header, labels)
    except _TooWide as exc:
        raise DatasetFileError(path, exc.line, f"more than {MAX_COMMAS:,} commas in a row; a CSV "
                               f"dataset has at most {MAX_COLUMNS:,} columns") from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise DatasetFileError(path, reader.line_num, f"a cell longer than {MAX_CELL_CHARS:,} "
                                   "characters") from None
        raise DatasetFileError(path, reader.line_num, f"not valid CSV ({exc})") from None
    X = np.frombuffer(values, dtype=float).reshape(-1, width)
    finite = np.isfinite(X).all(axis=1)
    if not finite.all():  # rare: find the row's line by reading again
        _raise_at_row(path, text, header, labels, int(np.argmin(finite)))
    if labels:
        return Dataset(X[:, :-1], X[:, -1], name=path.stem)
    return Dataset(X, name=path.stem)


def _parse(path: Path, reader, lines: _Lines, header: bool | None,
           labels: bool) -> tuple[array, int]:
    """All data rows' numbers, row after row, and the row width."""
    values = array("d")
    first = True
    width = 0
    for row in reader:
        lines.commas = 0
        if not row or _blank(row):
            continue
        if len(row) > MAX_COLUMNS:
            raise DatasetFileError(path, reader.line_num, f"{len(row):,} columns; a CSV dataset "
                                   f"has at most {MAX_COLUMNS:,}")
        if first:
            first = False
            if header or (header is None and any(_number(c) is None for c in row)):
                continue
        width = len(row)
        if width < (2 if labels else 1):
            raise DatasetFileError(path, reader.line_num, "need at least one input column and a "
                                   "label column" if labels else "need at least one column")
        _row(path, reader, row, width, values)
        break
    else:
        raise DatasetFileError(path, 1, "the file holds no data rows")
    max_rows = MAX_CELLS // width
    rows = 1
    extend = values.extend
    for row in reader:
        lines.commas = 0
        try:
            if len(row) != width:
                raise ValueError
            extend(map(float, row))  # a blank row fails on its first cell: nothing added
        except ValueError:
            if not row or _blank(row):
                continue
            if len(row) > MAX_COLUMNS:
                raise DatasetFileError(path, reader.line_num, f"{len(row):,} columns; a CSV "
                                       f"dataset has at most {MAX_COLUMNS:,}") from None
            _row(path, reader, row, width, values)
        rows += 1
        if rows > max_rows:
            raise DatasetFileError(path, reader.line_num, f"more than {max_rows:,} rows of {width} "
                                   f"numbers; a CSV dataset holds at most {MAX_CELLS:,} numbers")
    return values, width


def _row(path: Path, reader, row: list[str], width: int, values: array) -> None:
    """Add one row, or raise the error naming its line."""
    if len(row) != width:
        raise DatasetFileError(path, reader.line_num, f"expected {width} columns, found {len(row)}")
    try:
        numbers = [float(c) for c in row]
    except ValueError:
        raise _bad_cell(path, reader.line_num, row) from None
    values.extend(numbers)


def _raise_at_row(path: Path, text: str, header: bool | None, labels: bool, index: int) -> None:
    """Raise the error for the data row `index` (one holding NaN or infinity)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    first, k = True, 0
    for row in reader:
        if not row or _blank(row):
            continue
        if first:
            first = False
            if header or (header is None and any(_number(c) is None for c in row)):
                continue
        if k == index:
            raise _bad_cell(path, reader.line_num, row)
        k += 1
    raise AssertionError("unreachable: the row was read before")

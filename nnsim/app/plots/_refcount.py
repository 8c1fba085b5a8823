"""Work around a PySide6 6.12 refcount bug on CPython 3.11: wrapped void methods such as
QLabel.setText drop one reference to None they never took (1000 calls -> 1000 references lost),
so a live plot aborts the process within minutes ("none_dealloc: deallocating None").
CPython 3.12+ makes None immortal; here we give it a count no program can exhaust, as
nnsim.app does for True and False.  Applied once: the check keeps re-imports harmless."""
from __future__ import annotations

import ctypes
import platform
import sys


def immortal_none() -> None:
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return
    ref = ctypes.c_ssize_t.from_address(id(None))
    if ref.value < 1 << 39:
        ref.value += 1 << 40


immortal_none()

"""The Qt application (PySide6).  Reads engine objects; never re-implements their maths."""
import ctypes
import platform
import sys


def _immortal_singletons() -> None:
    """Work around PySide6 6.12 refcount bugs: every Python-side `Signal.emit()` drops one
    reference to True it never took (and some other call does the same to None), so after a
    few thousand emits CPython 3.11 frees True and aborts ("bool_dealloc: deallocating True or
    False").  CPython 3.12+ makes these singletons immortal; here we do the same by giving them
    a reference count no program can exhaust."""
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return
    for obj in (True, False, None):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


_immortal_singletons()


def main(argv=None) -> None:
    from .cli import main as cli_main

    raise SystemExit(cli_main(argv))

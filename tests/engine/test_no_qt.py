"""The engine is pure NumPy: importing it (and everything below it) loads no Qt module."""
import pkgutil
import subprocess
import sys

import nnsim.engine

ENGINE_MODULES = sorted(
    m.name for m in pkgutil.walk_packages(nnsim.engine.__path__, prefix="nnsim.engine.")
)


def test_importing_the_engine_loads_no_qt_module():
    code = (
        "import sys, importlib\n"
        f"for name in {ENGINE_MODULES + ['nnsim.engine']!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'PyQt5', 'PyQt6', 'pyqtgraph', 'qtpy', 'shiboken6', 'superqt'))\n"
        "print(len(sys.modules))\n"
        "assert not qt, qt\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 10  # the imports really ran


def test_engine_source_names_no_qt_package():
    import pathlib

    root = pathlib.Path(nnsim.engine.__file__).parent
    offenders = [
        str(p) for p in root.rglob("*.py")
        if any(word in p.read_text() for word in ("import PySide6", "from PySide6", "pyqtgraph"))
    ]
    assert offenders == []

"""Shared test set-up: Qt runs offscreen unless the developer already chose a platform."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


_session = None


def pytest_sessionfinish(session):
    global _session
    _session = session


def pytest_unconfigure(config):
    """Leave without Python's finalization once pytest has reported everything.  At exit,
    PySide6 deletes every Python-owned Qt object left in the test process in no set order; after
    the layout test has opened all 22 lessons' plots in one window, that crashed 1 run in 3 inside
    ~QGraphicsWidget (a core dump: PySide::destroyQCoreApplication -> visitAllPyObjects), turning
    a green run into exit code 139 after its summary line."""
    import sys

    if _session is None or "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(_session.exitstatus))

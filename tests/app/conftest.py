"""App tests: settings in a temporary directory, no engine thread may outlive its test, and
every widget is gone before the QApplication."""
import gc

import pytest


@pytest.fixture(autouse=True)
def private_settings(tmp_path, monkeypatch):
    """QSettings, recovery files and recent files go to a temporary directory, never the user's."""
    monkeypatch.setenv("NNSIM_SETTINGS_DIR", str(tmp_path / "settings"))
    yield tmp_path / "settings"


@pytest.fixture(autouse=True)
def no_engine_thread_left(qapp):
    yield
    from nnsim.app import engine_thread

    alive = [t for t in list(engine_thread.LIVE) if t.is_alive()]
    for t in alive:
        t.stop()
    assert not alive, f"{len(alive)} engine thread(s) left running: call stop() (or close the window)"


@pytest.fixture(autouse=True)
def no_modal_prompts(monkeypatch):
    """A modal 'unsaved changes?' box would wait forever offscreen: tests that care about the
    answer set it on their window; otherwise changes are discarded."""
    from nnsim.app.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "confirm_discard", lambda self: "discard")


@pytest.fixture(scope="session", autouse=True)
def widgets_die_before_the_application(qapp):
    """Widgets left alive until interpreter exit are destroyed after the QApplication, which
    crashes the process (exit code 139) after every test passed: delete them while Qt lives."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    for widget in qapp.topLevelWidgets():
        widget.deleteLater()  # not close(): some widgets (pyqtgraph's) fail a second close
    for _ in range(2):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()


@pytest.fixture
def window(qtbot):
    """The main window, shown (a module may define its own)."""
    from nnsim.app.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    yield w
    w.document.undo_stack.setClean()  # nothing to ask about at close
    w.close()
    assert not w.engine.is_alive()  # closing the window stops its engine


@pytest.fixture
def shown(qtbot):
    """shown(widget, width, height): the widget, owned by the test, at that size and on screen."""
    def shown(widget, width: int, height: int):
        qtbot.addWidget(widget)
        widget.resize(width, height)
        widget.show()
        qtbot.waitExposed(widget)
        return widget
    return shown

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


@pytest.fixture
def play(qapp):
    """play(lesson, scene, step=None, pace="scene", size=(1280, 720)): the window as `record`
    draws it (record_cli.prepare, no engine process) after the scene's scripted run, or `step`
    steps of it, painted; closed after the test.  pace: "scene" steps frame by frame at the
    scene's own steps per frame; "jump" takes the steps in one frame; a number N takes them in
    at most N frames (a raster keeps a column a frame: the big scenes frame by frame take a
    minute each)."""
    from nnsim.app.record_cli import close, parse_args, prepare
    from nnsim.engine.lessons import find_lesson

    opened = []

    def play(lesson_id, index: int, step: int | None = None, pace="scene", size=(1280, 720)):
        lesson = find_lesson(lesson_id)
        scene = lesson.scenes[index]
        steps = scene.steps if step is None else step
        if pace == "scene":
            per_frame = scene.steps_per_frame
        elif pace == "jump":
            per_frame = max(steps, 1)
        else:
            per_frame = max(scene.steps_per_frame, -(-steps // int(pace)), 1)
        args = parse_args(["--lesson", lesson.id, "--scene", str(index), "--out", "unused.gif",
                           "--size", "{}x{}".format(*size), "--steps-per-frame", str(per_frame)])
        window, advance = prepare(lesson, scene, args)[:2]
        opened.append(window)
        for frame in range(-(-steps // per_frame) + 1):
            advance(frame)  # frame 0 draws the start; each later one steps per_frame
        window.repaint()
        qapp.processEvents()
        window.view.viewport().repaint()  # the canvas lays its labels out as it paints
        return window

    yield play
    for window in opened:
        close(window)

"""The first-launch cue (issue 11, item 7): "Press Space or ▶ Play to run" over the top of the
canvas until the simulation is first run; never again once it was (remembered in settings)."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from nnsim.app.main_window import MainWindow
from nnsim.app.run_cue import TEXT
from nnsim.app.settings import make_settings


def launch(qtbot) -> MainWindow:
    w = MainWindow(settings=make_settings())  # the settings every launch in this test shares
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def close(w: MainWindow) -> None:
    w.document.undo_stack.setClean()
    w.close()


def test_the_cue_shows_on_first_launch_over_the_top_of_the_canvas(qtbot, tmp_path):
    w = launch(qtbot)
    try:
        cue = w.run_cue
        assert cue.isVisible()
        assert " ".join(cue.text().split()) == TEXT == "Press Space or ▶ Play to run"
        canvas = w.centralWidget().geometry()
        box = cue.geometry()
        assert canvas.contains(box)  # over the canvas, whole
        assert box.top() - canvas.top() < 40  # at its top
        assert abs(box.center().x() - canvas.center().x()) <= 2  # centred
        fits = cue.fontMetrics().boundingRect(cue.contentsRect(), int(cue.alignment()
                                              | Qt.TextFlag.TextWordWrap), TEXT)
        assert cue.contentsRect().contains(fits)  # nothing cut (wrapped on a narrow canvas)
        assert cue.font().pointSizeF() >= 15 and cue.font().bold()  # unmissable
        # It is drawn: the window's pixels under it are the cue's colour, not the canvas's.
        image = w.grab().toImage()
        inside = image.pixelColor(box.left() + 12, box.center().y())
        assert (inside.red(), inside.green(), inside.blue()) == (21, 101, 192)
        image.save(str(tmp_path / "cue.png"))
        # Clicks go through it to the canvas.
        assert cue.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        assert w.childAt(QPoint(box.center().x(), box.center().y())) is not cue
    finally:
        close(w)


def test_the_cue_follows_the_canvas_when_the_window_is_resized(qtbot):
    w = launch(qtbot)
    try:
        w.resize(1600, 1000)
        qtbot.waitUntil(lambda: abs(w.run_cue.geometry().center().x()
                                    - w.centralWidget().geometry().center().x()) <= 2)
    finally:
        close(w)


def test_play_hides_the_cue_for_good(qtbot):
    w = launch(qtbot)
    try:
        assert w.run_cue.isVisible()
        w.run.play.trigger()
        assert not w.run_cue.isVisible()  # at once, before the engine answers
        qtbot.waitUntil(lambda: w.engine.running, timeout=10_000)
        w.run.play.trigger()  # pause: it stays hidden
        qtbot.waitUntil(lambda: not w.engine.running, timeout=10_000)
        assert not w.run_cue.isVisible()
    finally:
        close(w)
    second = launch(qtbot)  # the same settings: a second launch
    try:
        assert not second.run_cue.isVisible()
    finally:
        close(second)


def test_a_run_started_elsewhere_also_dismisses_it(qtbot):
    w = launch(qtbot)
    try:
        w.engine.play()  # e.g. a rule panel's Train button
        qtbot.waitUntil(lambda: not w.run_cue.isVisible(), timeout=10_000)
        w.engine.pause()
        qtbot.waitUntil(lambda: not w.engine.running, timeout=10_000)
    finally:
        close(w)
    assert make_settings().value("hints/runCueDone", False, type=bool)


def test_a_launch_that_never_ran_shows_it_again(qtbot):
    close(launch(qtbot))
    w = launch(qtbot)
    try:
        assert w.run_cue.isVisible()  # the cue goes only once the simulation was run
    finally:
        close(w)


def test_a_headless_recording_withdraws_it_without_remembering(qtbot):
    w = launch(qtbot)
    try:
        w.run_cue.withdraw()  # record_cli: frames show the lesson, not the cue
        assert not w.run_cue.isVisible()
    finally:
        close(w)
    assert not make_settings().value("hints/runCueDone", False, type=bool)
    w = launch(qtbot)
    try:
        assert w.run_cue.isVisible()
    finally:
        close(w)


def test_the_cue_never_covers_a_neuron(qtbot):
    """The canvas keeps a band free for the cue: its viewport starts below it, so no neuron
    of any lesson can be under it (it covered lesson 16's top hidden units); the band goes
    with the cue."""
    from nnsim.app.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.learning.open_lesson(19)  # the Keras example
    qtbot.wait(50)
    cue, view = window.run_cue, window.view
    assert cue.isVisible()
    viewport_top = view.viewport().mapTo(window, view.viewport().rect().topLeft()).y()
    assert cue.geometry().bottom() < viewport_top
    window.run.play.trigger()
    qtbot.waitUntil(lambda: not cue.isVisible())
    assert view.viewportMargins().top() == 0
    window.engine.pause()
    window.document.undo_stack.setClean()
    window.close()

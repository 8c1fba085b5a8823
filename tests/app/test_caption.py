"""The caption strip (issue 13): a lesson scene's title, its claim and live key figures, on
screen while a lesson scene is open, readable at 1280x720, text never cut inside a word, and
live figures that repaint without re-laying the window out."""
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QFontMetrics, QImage

from nnsim.app.caption import (
    ELLIPSIS,
    Caption,
    CaptionStrip,
    caption_image,
    fonts,
    lay_out,
    stack_caption,
    wrap_words,
)
from nnsim.engine.lessons import Lesson, Scene, find_lesson, list_lessons
from nnsim.engine.network import Network

LESSONS = list_lessons()
SCENES = [(lesson, i) for lesson in LESSONS for i in range(len(lesson.scenes))]


def snap(step=0, epoch=0, names=(), outputs=(), metrics=None, done=False):
    outputs = np.asarray(outputs, float)
    return SimpleNamespace(step=step, epoch=epoch, names=tuple(names), outputs=outputs,
                           metrics=dict(metrics or {}), done=done,
                           output=lambda name: float(outputs[list(names).index(name)]))


def lesson_with(figures=(), claim="", summary="A unit that excites itself remembers.",
                network=None) -> Lesson:
    net = network or Network()
    scene = Scene("Set and reset", network=net, claim=claim, figures=tuple(figures))
    return Lesson(id="03-x", number=3, title="Loops remember: memory", summary=summary,
                  explanation="", formula="", try_this=(), scenes=(scene,))


def latch() -> Network:
    net = Network()
    net.add_neuron("set", role="input")
    net.add_neuron("memory", activation="step", bias=-0.5)
    net.add_neuron("y", activation="sigmoid")
    net.add_neuron("s", activation="sign")
    return net


# ---------------------------------------------------------------------- the figures
def test_figures_read_as_a_student_reads_them(qapp):
    caption = Caption()
    caption.set_scene(lesson_with(["step", "epoch", "accuracy", "output:memory", "output:y",
                                   "output:s", "loss", "errors"], network=latch()), 0)
    # before any snapshot: every figure has its place, with a dash
    assert caption.figures == ["step —", "epoch —", "accuracy —", "memory: —", "y: —", "s: —",
                               "loss —", "errors —"]
    names = ("set", "memory", "y", "s")
    caption.update_snapshot(snap(7, 12, names, [1, 1, 0.0024726, -1],
                                 {"accuracy": 1.0, "loss": 0.012345, "errors": 0.0}))
    assert caption.figures == ["step 7", "epoch 12", "accuracy 100%", "memory: on",
                               "y = 0.00247", "s: off", "loss 0.0123", "errors 0"]
    caption.update_snapshot(snap(8, 13, names, [0, 0, 0.5, 1], {"accuracy": 2 / 3}))
    assert caption.figures[:6] == ["step 8", "epoch 13", "accuracy 66.7%", "memory: off",
                                   "y = 0.5", "s: on"]
    assert caption.figures_text() == " · ".join(caption.figures)


def test_a_threshold_networks_inputs_read_on_or_off(qapp):
    net = Network()
    net.add_neuron("veto", role="input")
    net.add_neuron("x", role="input")
    net.add_neuron("out", activation="step", bias=-0.5)
    caption = Caption()
    caption.set_scene(lesson_with(["output:veto", "output:x", "output:out"], network=net), 0)
    caption.update_snapshot(snap(3, 0, ("veto", "x", "out"), [1, 0.5, 0]))
    assert caption.figures == ["veto: on", "x = 0.5", "out: off"]
    net.add_neuron("y", activation="sigmoid")  # not a threshold network: inputs are values
    caption.set_scene(lesson_with(["output:veto"], network=net), 0)
    caption.update_snapshot(snap(3, 0, ("veto", "x", "out", "y"), [1, 0.5, 0, 0.3]))
    assert caption.figures == ["veto = 1"]


def test_energy_says_falling_then_settled(qapp):
    caption = Caption()
    caption.set_scene(lesson_with(["energy"]), 0)
    names = tuple(f"s{i}" for i in range(4))  # four units: a sweep is four updates

    def at(step, energy):
        caption.update_snapshot(snap(step, 0, names, [1] * 4, {"energy": energy}))
        return caption.figures[0]

    assert at(0, -11.6) == "E = -11.6"  # no trend yet
    assert at(1, -20.0) == "E = -20, falling"
    assert at(2, -33.6) == "E = -33.6, falling"
    assert at(5, -33.6) == "E = -33.6, falling"  # 3 updates without change: not a sweep yet
    assert at(6, -33.6) == "E = -33.6, settled"  # a sweep's worth of updates changed nothing
    assert at(7, -30.0) == "E = -30, rising"
    assert at(0, -11.6) == "E = -11.6"  # Reset: the trend starts over


def test_the_claim_falls_back_to_the_lesson_summary(qapp):
    caption = Caption()
    caption.set_scene(lesson_with(claim=""), 0)
    assert caption.claim == "A unit that excites itself remembers."
    caption.set_scene(lesson_with(claim="A 3-step pulse on set turns memory on at step 21."), 0)
    assert caption.claim == "A 3-step pulse on set turns memory on at step 21."
    assert caption.title == "3. Loops remember: memory — Set and reset"


# ---------------------------------------------------------------------- text is never cut
@pytest.mark.parametrize("width", [60, 90, 130, 200, 333, 600])
def test_wrapping_breaks_between_words_only(qapp, width):
    _title, claim_font, _figure = fonts()
    metrics = QFontMetrics(claim_font)
    text = ("From A with 13 of its 64 pixels flipped (20% noise), each unit update lowers the "
            "energy or leaves it: E falls from -11.6 to -33.6 within one sweep.")
    lines = wrap_words(text, metrics, width, max_lines=100)
    assert " ".join(lines) == text  # every word whole, none lost, in order
    assert all(metrics.horizontalAdvance(line) <= width for line in lines if " " in line)
    few = wrap_words(text, metrics, width, max_lines=2)
    assert len(few) <= 2 and few[-1].endswith(ELLIPSIS)
    shown = " ".join(few)[:-1].split()
    assert shown == text.split()[:len(shown)]  # whole words, then the ellipsis


@pytest.mark.parametrize("lesson, index", SCENES,
                         ids=[f"{lesson.number}-{i}" for lesson, i in SCENES])
def test_every_scene_caption_is_whole_at_1280_wide(qapp, lesson, index):
    """At the width of a 1280x720 window the claim is shown whole and the title whole (or
    without the lesson's subtitle), nothing elided; the figures column is as tall as needed."""
    caption = Caption()
    caption.set_scene(lesson, index)
    for width in (1280, 1920):
        layout = lay_out(caption, width)
        assert " ".join(layout.claim_lines) == caption.claim
        assert layout.title in (caption.title, caption.short_title)
        assert ELLIPSIS not in layout.title
        title_font, claim_font, _ = fonts(width)
        for line in layout.claim_lines:
            assert (QFontMetrics(claim_font).horizontalAdvance(line)
                    <= layout.claim_rects[0].width())
    # readable when a recording is projected: 16 px at 1280x720, larger at 1920x1080
    assert fonts(1280)[1].pixelSize() == 16 and fonts(1920)[1].pixelSize() == 22
    assert lay_out(caption, 1920).title_rect.height() > lay_out(caption, 1280).title_rect.height()


# ---------------------------------------------------------------------- in the window
@pytest.fixture
def window(qtbot):
    from nnsim.app.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.document.undo_stack.setClean()
    w.close()


def dark_pixels(image: QImage, rect: QRect) -> int:
    """Pixels of `rect` that are not the strip's background (the text drawn there)."""
    a = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = a.height(), a.width(), a.bytesPerLine()
    rows = np.frombuffer(a.constBits(), np.uint8, count=h * stride).reshape(h, stride)
    px = rows[:, : w * 3].reshape(h, w, 3)[rect.top():rect.bottom() + 1,
                                           rect.left():rect.right() + 1].astype(int)
    return int((np.abs(px - [0x1f, 0x2a, 0x36]).sum(axis=2) > 60).sum())


def test_a_lesson_scene_shows_its_caption_above_the_canvas(window, qtbot):
    lesson = find_lesson("hopfield")
    assert window.learning.open_scene(lesson, 0)
    qtbot.wait(30)
    bar, strip = window.caption_bar, window.caption_bar.strip
    scene = lesson.scenes[0]
    assert bar.isVisible() and window.caption.claim == " ".join((scene.claim or
                                                                   lesson.summary).split())
    assert strip.shown_claim() == window.caption.claim and lesson.title in strip.shown_title()
    # a full-width strip under the tool bars, as tall as its text, above the docks and canvas
    geo = bar.geometry()
    assert geo.width() == window.width() and strip.height() == strip.heightForWidth(strip.width())
    assert strip.height() >= 2 * QFontMetrics(fonts()[1]).height()
    for widget in [window.centralWidget(), *[d for d in window.learning.plot_docks.values()
                                             if d.isVisible()], window.learning.lessons_dock]:
        top_left = widget.mapTo(window, widget.rect().topLeft())
        assert top_left.y() >= geo.bottom(), f"{widget.objectName()} under the caption"
    # drawn: text in the title and claim rectangles of the window as grabbed
    image = window.grab().toImage()
    layout = strip.layout_for(strip.width())
    origin = strip.mapTo(window, strip.rect().topLeft())
    for rect in [layout.title_rect, *layout.claim_rects]:
        assert dark_pixels(image, rect.translated(origin)) > 50
    # a document that is no lesson: no caption
    window.files.new_document()
    assert not bar.isVisible() and not window.caption.active


def test_live_figures_repaint_without_relaying_out(window, qtbot):
    """A snapshot changes the figures: the strip repaints, nothing is laid out again."""

    class LayoutRequests(QObject):
        count = 0

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.LayoutRequest:
                self.count += 1
            return False

    window.learning.open_scene(find_lesson("loops-remember"), 0)
    qtbot.wait(50)
    window.stop_following_engine()  # the snapshots below only
    window.settle()
    qtbot.wait(100)
    strip = window.caption_bar.strip
    window.caption.figure_keys = ("step", "output:memory")
    spy = LayoutRequests()
    for widget in (window.caption_bar, strip):  # (the window has other live widgets)
        widget.installEventFilter(spy)
    geometry = strip.geometry()
    names = window.document.network.names
    for step in range(20):
        outputs = [step % 2] * len(names)
        window.caption.update_snapshot(snap(step, 0, names, outputs))
        qtbot.wait(1)
    qtbot.wait(20)
    assert window.caption.figures[0] == "step 19"
    assert spy.count == 0 and strip.geometry() == geometry


def test_view_menu_toggle_is_remembered(window, qtbot):
    from nnsim.app.main_window import MainWindow

    window.learning.open_scene(find_lesson("loops-remember"), 0)
    bar = window.caption_bar
    assert bar.action in window.view_menu.actions() and bar.action.isChecked()
    bar.action.trigger()  # View > Caption Strip off
    assert not bar.isVisible()
    window.learning.open_scene(find_lesson("hopfield"), 0)
    assert not bar.isVisible()  # off stays off in every lesson
    again = MainWindow()  # a later session
    qtbot.addWidget(again)
    assert not again.caption_bar.action.isChecked()
    again.close()
    bar.action.trigger()
    assert bar.isVisible()


def test_an_old_saved_layout_keeps_the_strip_on_its_own_row(qtbot):
    """A window state saved before the strip existed put it at the end of the tool bar row."""
    from PySide6.QtCore import Qt

    from nnsim.app.main_window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.removeToolBar(first.caption_bar)  # a state without it
    first.save_layout()
    first.close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    window.learning.open_scene(find_lesson("hopfield"), 0)
    qtbot.wait(30)
    assert window.toolBarBreak(window.caption_bar)
    assert window.toolBarArea(window.caption_bar) == Qt.ToolBarArea.TopToolBarArea
    assert window.caption_bar.width() == window.width()
    window.document.undo_stack.setClean()
    window.close()


def test_a_recorded_plot_gets_the_caption_drawn_above_it(qapp):
    caption = Caption()
    caption.set_scene(find_lesson("hopfield"), 0)
    plot = QImage(640, 300, QImage.Format.Format_RGB888)
    plot.fill(0xFFFFFF)
    framed = stack_caption(caption, plot)
    header = caption_image(caption, 640)
    assert framed.width() == 640 and framed.height() == 300 + header.height()
    assert framed.copy(0, 0, 640, header.height()) == header
    assert framed.copy(0, header.height(), 640, 300) == plot
    layout = lay_out(caption, 640)
    assert dark_pixels(header, layout.claim_rects[0]) > 50


def test_the_strip_widget_is_as_tall_as_its_text(qtbot):
    caption = Caption()
    strip = CaptionStrip(caption)
    qtbot.addWidget(strip)
    caption.set_scene(find_lesson("hopfield"), 0)
    assert strip.heightForWidth(600) > strip.heightForWidth(1280)  # narrower: more lines

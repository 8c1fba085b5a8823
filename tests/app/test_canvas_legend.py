"""The legend never covers a neuron: it goes to a free corner, or folds into a tab."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication

from nnsim.app.canvas import NetworkView
from nnsim.app.canvas.legend import corner_rect, legend_size
from nnsim.app.canvas.shapes import RADIUS
from nnsim.app.document import Document
from nnsim.engine.lessons import find_lesson
from nnsim.engine.network import Network

# the canvas of a 1280x720 or 1280x800 window (docks around it), a 1024x700 one, and bigger
SIZES = [(560, 420), (640, 480), (520, 300), (900, 560), (1280, 720), (450, 380)]


@pytest.fixture
def make(qtbot):
    docs = []

    def make(net, size):
        doc = Document(net)
        docs.append(doc)
        view = NetworkView(doc)
        qtbot.addWidget(view)
        view.resize(*size)
        view.show()
        qtbot.waitExposed(view)
        view.fit_to_view()
        view.grab()  # paints: the legend is placed
        return view
    yield make
    docs.clear()


def neuron_rects(view) -> list[QRectF]:
    c = view.canvas
    return [view.mapFromScene(QRectF(x - RADIUS, y - RADIUS, 2 * RADIUS, 2 * RADIUS)).boundingRect()
            .toRectF() for x, y in c.pos.tolist()]


@pytest.mark.parametrize("lesson", ["2", "6", "8"])
@pytest.mark.parametrize("size", SIZES)
def test_the_legend_covers_no_neuron(make, lesson, size):
    for scene in find_lesson(lesson).scenes:
        view = make(scene.network, size)
        rect, _corner, folded = view._legend
        assert QRectF(view.viewport().rect()).contains(rect)
        hits = [r for r in neuron_rects(view) if r.intersects(rect)]
        assert not hits, f"the {'tab' if folded else 'legend'} covers {len(hits)} neuron(s)"


def test_lesson_2_at_the_default_window_moves_the_legend_off_the_neurons(make):
    """At the canvas size of a 1280x800 window the old legend sat on 'a OR b unless veto'."""
    view = make(find_lesson("2").scenes[0].network, (568, 493))
    old = corner_rect(QRectF(view.viewport().rect()), "bottom-right", legend_size())
    assert any(r.intersects(old) for r in neuron_rects(view))  # where it always was
    rect, corner, folded = view._legend
    assert not folded and rect.size().toTuple() == pytest.approx(legend_size())
    assert not any(r.intersects(rect) for r in neuron_rects(view))


def crowded() -> Network:
    """Neurons all over the view: no corner has room for the legend."""
    net = Network()
    for i in range(12):
        for j in range(9):
            net.add_neuron(f"n{i}_{j}", role="hidden", x=60.0 * i, y=60.0 * j)
    return net


def _mouse(view, kind, pos: QPointF, button=Qt.MouseButton.NoButton):
    glob = QPointF(view.viewport().mapToGlobal(pos.toPoint()))
    buttons = button if kind == QEvent.Type.MouseButtonPress else Qt.MouseButton.NoButton
    QApplication.sendEvent(view.viewport(), QMouseEvent(kind, pos, glob, button, buttons,
                                                        Qt.KeyboardModifier.NoModifier))


def test_no_free_corner_folds_the_legend_into_a_tab_that_opens(make):
    view = make(crowded(), (640, 480))
    tab, corner, folded = view._legend
    assert folded and tab.width() < 120 and tab.height() < 40
    opened = view.legend_open_rect()
    assert opened.size().toTuple() == pytest.approx(legend_size())

    def panel_shown() -> bool:  # the colour bar's blue end where the legend opens
        image = view.grab().toImage()
        c = QColor(image.pixel(int(opened.left() + 14), int(opened.top() + 34)))
        return c.blue() > c.red() + 60

    assert not panel_shown()
    _mouse(view, QEvent.Type.MouseMove, tab.center())  # hover opens it
    assert view._legend_hover and panel_shown()
    _mouse(view, QEvent.Type.MouseMove, QPointF(view.viewport().rect().center()))  # away: shut
    assert not view._legend_hover
    _mouse(view, QEvent.Type.MouseButtonPress, tab.center(), Qt.MouseButton.LeftButton)
    _mouse(view, QEvent.Type.MouseButtonRelease, tab.center(), Qt.MouseButton.LeftButton)
    _mouse(view, QEvent.Type.MouseMove, QPointF(view.viewport().rect().center()))
    assert view._legend_pinned and panel_shown()  # a click pins it open
    assert view.selected_names() == []  # the click was the legend's, not a selection


def test_the_legend_covers_no_label_either(make):
    """Lesson 1 in the canvas of a first start on a 1280x800 screen: the legend sat on the
    output's value, 0.00247, the number the lesson is about.  Now no corner that would cover
    a label is taken (the legend folds instead), in any lesson 1, 2, 6 or 8 scene."""
    for lesson in ("1", "2", "6", "8"):
        for scene in find_lesson(lesson).scenes:
            for size in [(475, 250), (560, 420), *SIZES]:
                view = make(scene.network, size)
                rect, _corner, _folded = view._legend
                covered = [text for _kind, _i, text, r in view.canvas.overlay.shown_labels()
                           if r.intersects(rect)]
                assert not covered, (lesson, size, covered)

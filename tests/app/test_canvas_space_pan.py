"""Space on the canvas: held while dragging it pans, tapped it still plays and pauses.

The window's Play/Pause action has Space as a window-wide shortcut; the canvas claims Space
(ShortcutOverride) so that a held Space can pan, and hands a tap on to that action."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QApplication, QMainWindow

from nnsim.app.canvas import NetworkView
from nnsim.app.document import Document
from nnsim.engine.network import Network

L, NONE = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton


def _net() -> Network:
    net = Network()
    net.add_neuron("a", role="input", x=0, y=0)
    net.add_neuron("b", role="output", activation="tanh", x=200, y=0)
    net.connect("a", "b", 0.5)
    return net


@pytest.fixture
def window(qtbot):
    win = QMainWindow()
    view = NetworkView(Document(_net()))
    win.setCentralWidget(view)
    play = QAction("Play", win)  # as the main window's run controls make it
    play.setShortcut(QKeySequence(Qt.Key.Key_Space))
    play.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    win.addAction(play)
    toggles = []
    play.triggered.connect(lambda _c=False: toggles.append(1))
    qtbot.addWidget(win)
    win.resize(800, 600)
    win.show()
    win.activateWindow()
    qtbot.waitActive(win)
    view.setFocus()
    view.pan_by(0, 0)
    view.resetTransform()
    view.centerOn(100, 0)
    yield view, toggles
    win.close()  # (the fixture holds the window alive until here)


def _mouse(view, kind, x, button, buttons):
    vp = view.viewport()
    pos = QPointF(x, 200)
    QApplication.sendEvent(vp, QMouseEvent(kind, pos, QPointF(vp.mapToGlobal(pos.toPoint())),
                                           button, buttons, Qt.KeyboardModifier.NoModifier))


def test_space_held_while_dragging_pans_and_does_not_toggle_play(window, qtbot):
    view, toggles = window
    before = view.mapToScene(view.viewport().rect().center())
    qtbot.keyPress(view, Qt.Key.Key_Space)
    qtbot.keyPress(view, Qt.Key.Key_Space)  # held down: the key repeats
    _mouse(view, QEvent.Type.MouseButtonPress, 300, L, L)
    _mouse(view, QEvent.Type.MouseMove, 340, NONE, L)
    _mouse(view, QEvent.Type.MouseMove, 360, NONE, L)
    _mouse(view, QEvent.Type.MouseButtonRelease, 360, L, NONE)
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    after = view.mapToScene(view.viewport().rect().center())
    assert after.x() == pytest.approx(before.x() - 60, abs=2)
    assert toggles == []  # no play/pause
    assert view.selected_names() == [] and view.document.undo_stack.count() == 0


def test_space_tapped_on_the_canvas_still_plays_and_pauses(window, qtbot):
    view, toggles = window
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert toggles == [1]
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert toggles == [1, 1]
    assert not view.interaction.space_down


def test_middle_drag_pans_without_touching_play(window, qtbot):
    view, toggles = window
    before = view.mapToScene(view.viewport().rect().center())
    M = Qt.MouseButton.MiddleButton
    _mouse(view, QEvent.Type.MouseButtonPress, 300, M, M)
    _mouse(view, QEvent.Type.MouseMove, 250, NONE, M)
    _mouse(view, QEvent.Type.MouseButtonRelease, 250, M, NONE)
    after = view.mapToScene(view.viewport().rect().center())
    assert after.x() == pytest.approx(before.x() + 50, abs=2)
    assert toggles == []

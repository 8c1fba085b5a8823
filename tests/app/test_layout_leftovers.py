"""Nothing of a previous layout stays on screen: a dock tab bar Qt leaves behind after restoring a
saved layout, or the scene buttons of the lesson shown before."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QTabBar


def visible_tab_bars_at_the_top_left(window) -> list[list[str]]:
    found = []
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if bar.isVisible() and bar.geometry().contains(QPoint(5, 5)):
            found.append([bar.tabText(i) for i in range(bar.count())])
    return found


def open_window(qtbot):
    from nnsim.app.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    return w


def close(window) -> None:
    window.document.undo_stack.setClean()
    window.close()


def test_a_restored_layout_leaves_no_tab_bar_over_the_menu(qtbot):
    """Second start: the saved layout has the rule, data and inspector docks tabbed; laying out
    a lesson took them out and in again, and Qt left the old tab bar shown at (0, 0), over the
    File and Edit menus."""
    first = open_window(qtbot)
    for _ in range(20):
        QApplication.processEvents()
    first.learning.open_lesson("7")
    first.learning.open_lesson("11")
    for _ in range(50):
        QApplication.processEvents()
    close(first)  # saves the layout
    second = open_window(qtbot)  # the restored layout, before any lesson
    for _ in range(20):
        QApplication.processEvents()
    assert visible_tab_bars_at_the_top_left(second) == []
    second.learning.open_lesson("7")
    qtbot.wait(50)
    second.learning.open_lesson("11")
    qtbot.wait(50)
    QApplication.processEvents()
    assert visible_tab_bars_at_the_top_left(second) == []
    pixels = second.grab().toImage()
    menu = second.menuBar()
    assert menu.isVisible() and menu.geometry().contains(QPoint(5, 5))
    # the File menu's title is where it belongs, not covered by a tab
    assert menu.actionAt(QPoint(10, menu.height() // 2)) is second.file_menu.menuAction()
    assert pixels.width() == second.width()
    close(second)


def test_switching_lessons_leaves_only_the_new_lessons_scene_buttons(qtbot):
    """The scene buttons of lesson 7 went on showing over lesson 11's (deleteLater waits for the
    event loop that called it)."""
    w = open_window(qtbot)
    w.learning.open_lesson("7")
    w.learning.open_lesson("11")
    browser = w.learning.lessons
    for _ in range(20):  # as a recording lets the window settle: no deferred deletes run
        QApplication.processEvents()
    shown = [b.full_text for b in browser.findChildren(type(browser.scene_buttons.buttons()[0]))
             if b.isVisible() and b.isCheckable()]
    scenes = browser.current.scenes
    assert shown == [f"{i + 1}. {s.title}" for i, s in enumerate(scenes)]
    close(w)

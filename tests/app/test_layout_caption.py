"""The dock layout counts the caption strip (issue 13): while a lesson scene's strip is shown
under the tool bars, the docks' planned heights are what fits under it, and the Hopfield state is
a large image when it is the scene's claim plot."""
import pytest

from nnsim.app.dock_layout import BARS, window_sizes

SIZES = [(1280, 720), (1280, 800), (1920, 1080)]


@pytest.fixture
def lesson6(qtbot):
    from nnsim.app.main_window import MainWindow

    def open_at(width, height, scene=0):
        from nnsim.engine.lessons import find_lesson

        window = MainWindow()
        qtbot.addWidget(window)
        window.resize(width, height)
        window.show()
        qtbot.waitExposed(window)
        assert window.learning.open_scene(find_lesson("6"), scene)
        qtbot.wait(100)
        opened.append(window)
        return window

    opened = []
    yield open_at
    for window in opened:
        window.caption_bar.set_wanted(True, remember=False)
        window.document.undo_stack.setClean()
        window.close()


def right_column(window) -> int:
    """The heights the square plot and the rule panel were given, together."""
    learning = window.learning
    return learning.plot_docks["hopfield"].height() + learning.rules_dock.height()


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_planned_heights_count_the_caption_strip(lesson6, qtbot, width, height):
    window = lesson6(width, height)
    bar = window.caption_bar
    assert bar.isVisible() and bar.height() >= 60  # 71-90 px: the claim takes two lines or more
    plan = window_sizes(window, "hopfield")
    # what the layout shares out is what the window holds under the strip (was 71-89 px more)
    planned = height - BARS - plan.caption
    assert abs(right_column(window) - planned) <= 6, (right_column(window), planned)
    assert plan.caption == bar.height()
    assert abs(learning_square(window) - plan.square) <= 15, (learning_square(window), plan)

    bar.set_wanted(False, remember=False)  # View > Caption Strip off: the docks take its room
    qtbot.waitUntil(lambda: abs(right_column(window) - (height - BARS)) <= 6, timeout=5000)
    qtbot.wait(100)
    hidden = window_sizes(window, "hopfield")
    assert hidden.caption == 0
    # planned again for the taller column (Qt gives the square plot ~12 px over its share)
    assert abs(learning_square(window) - hidden.square) <= 15, (learning_square(window), hidden)
    bar.set_wanted(True, remember=False)
    qtbot.waitUntil(lambda: abs(right_column(window) - planned) <= 6, timeout=5000)


def learning_square(window) -> int:
    return window.learning.plot_docks["hopfield"].height()


def image_side(plot) -> float:
    """The state image's smaller side as drawn on screen, px."""
    rect = plot.image.mapRectToScene(plot.image.boundingRect())
    top_left = plot.graphics.mapFromScene(rect.topLeft())
    bottom_right = plot.graphics.mapFromScene(rect.bottomRight())
    return min(bottom_right.x() - top_left.x(), bottom_right.y() - top_left.y())


@pytest.mark.parametrize("scene", [0, 1])
def test_the_hopfield_state_is_a_large_image_at_1280x720(lesson6, qtbot, scene):
    """Lesson 6 is about the state (issue 13: "a large state image"): the right column is wider
    and the Hopfield plot takes most of it, the image >= 260 px a side (was ~230) with the
    stored patterns beside it, the rule panel's Train button still in view, and no other dock
    under its least height."""
    window = lesson6(1280, 720, scene)
    learning = window.learning
    plot = learning.plots["hopfield"]
    qtbot.waitUntil(lambda: plot.image.image is not None, timeout=10000)  # the start state
    qtbot.wait(50)
    assert window.caption_bar.isVisible()
    assert image_side(plot) >= 260, image_side(plot)
    assert plot.gallery_beside
    train = learning.rules.current_panel().train_button
    assert not train.visibleRegion().isEmpty(), "Train is scrolled out of view"
    for dock in (learning.rules_dock, learning.plot_docks["energy"], learning.lessons_dock):
        assert dock.height() >= dock.minimumSizeHint().height(), dock.objectName()
        assert dock.width() >= dock.minimumSizeHint().width(), dock.objectName()
    energy = learning.plots["energy"].graphics
    assert energy.width() >= 200 and energy.height() >= 150
    assert window.view.width() >= 400 and window.view.height() >= 250  # the network still shows


def test_other_square_plots_keep_their_share():
    """Only the Hopfield state gets the larger column: a decision map's scene is as before."""
    from dataclasses import replace

    from nnsim.app.dock_layout import sizes_for

    plain, hopfield = sizes_for(1280, 720, 71), sizes_for(1280, 720, 71, "hopfield")
    assert sizes_for(1280, 720, 71, "decision") == replace(plain, square_plot="decision")
    assert (plain.right, plain.square) == (358, 280)  # 28% of the width, 52% of 539 px
    assert hopfield.right > plain.right and hopfield.square > plain.square
    assert hopfield.left == plain.left and hopfield.bottom == plain.bottom

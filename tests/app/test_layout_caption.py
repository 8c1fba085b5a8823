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
    plan = window_sizes(window)
    # what the layout shares out is what the window holds under the strip (was 71-89 px more)
    planned = height - BARS - plan.caption
    assert abs(right_column(window) - planned) <= 6, (right_column(window), planned)
    assert plan.caption == bar.height()
    assert abs(learning_square(window) - plan.square) <= 15, (learning_square(window), plan)

    bar.set_wanted(False, remember=False)  # View > Caption Strip off: the docks take its room
    qtbot.waitUntil(lambda: abs(right_column(window) - (height - BARS)) <= 6, timeout=5000)
    qtbot.wait(100)
    hidden = window_sizes(window)
    assert hidden.caption == 0
    # planned again for the taller column (Qt gives the square plot ~12 px over its share)
    assert abs(learning_square(window) - hidden.square) <= 15, (learning_square(window), hidden)
    bar.set_wanted(True, remember=False)
    qtbot.waitUntil(lambda: abs(right_column(window) - planned) <= 6, timeout=5000)


def learning_square(window) -> int:
    return window.learning.plot_docks["hopfield"].height()

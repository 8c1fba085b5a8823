"""Every scene of every lesson, opened as a recording opens it (the real window offscreen at
1280x720) and played through its scripted run, shows what its claim needs and nothing else
(issue 13): exactly the scene's plots, each at least 150 px tall with something drawn in it
(not an empty frame), and the caption strip with the scene's claim on screen above them.
The per-lesson tests (test_lesson_claims_*.py) check each claim's own numbers."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint

from nnsim.engine.lessons import find_lesson, list_lessons

SIZE = (1280, 720)
SCENES = [(lesson.id, index) for lesson in list_lessons() for index in range(len(lesson.scenes))]


def drawn_pixels(widget) -> int:
    """Pixels of the widget that are coloured (channels apart) or dark ink: curves, markers,
    maps and images; the paper, grid lines and axes are light greys."""
    image = widget.grab().toImage()
    ptr = image.constBits()
    a = np.frombuffer(ptr, np.uint8, image.sizeInBytes()).reshape(image.height(),
                                                                   image.bytesPerLine())
    px = a[:, :image.width() * 4].reshape(image.height(), image.width(), 4)[:, :, :3].astype(int)
    spread = px.max(axis=2) - px.min(axis=2)
    return int(np.count_nonzero((spread > 60) | (px.max(axis=2) < 70)))


@pytest.mark.parametrize("lesson_id, index", SCENES, ids=[f"{a}-{b}" for a, b in SCENES])
def test_the_scene_shows_its_plots_drawn_and_its_claim(play, lesson_id, index):
    window = play(lesson_id, index, pace=30)  # the scripted run in at most 30 frames
    scene = find_lesson(lesson_id).scenes[index]
    learning = window.learning
    shown = sorted(key for key, dock in learning.plot_docks.items()
                   if not dock.isHidden() and learning.plots[key].isVisible())
    assert shown == sorted(scene.plots), f"shows {shown}, the scene needs {sorted(scene.plots)}"
    frame = window.rect()
    for key in scene.plots:
        plot = learning.plots[key]
        top_left = plot.mapTo(window, QPoint(0, 0))
        assert frame.contains(top_left) and plot.height() >= 150 and plot.width() >= 200, \
            (key, plot.width(), plot.height())
        ink = drawn_pixels(plot.graphics)
        assert ink >= 300, f"the {key} plot draws almost nothing ({ink} pixels)"
    bar = window.caption_bar
    assert bar.isVisible() and bar.height() >= 40
    assert window.caption.claim == (scene.claim or window.caption.claim)
    assert scene.claim, "every scene states its claim"
    below = bar.mapTo(window, QPoint(0, bar.height())).y()
    for key in scene.plots:  # the strip covers no plot
        assert learning.plots[key].mapTo(window, QPoint(0, 0)).y() >= below

"""PlotPanel.set_unavailable: a plot that does not apply shows one sentence instead of axes, and
comes back whole when it applies again."""
import numpy as np
import pytest
from PySide6.QtGui import QColor

from nnsim.app.plots import PLOTS

REASON = "The decision map needs a network with exactly two inputs: add an input neuron."


def ink_rows(image, x0, x1) -> np.ndarray:
    """Rows of the grabbed image holding dark (text or axis) pixels between columns x0..x1."""
    rows = []
    for y in range(image.height()):
        if any(QColor(image.pixel(x, y)).lightness() < 140 for x in range(x0, x1, 2)):
            rows.append(y)
    return np.array(rows)


@pytest.mark.parametrize("key", sorted(PLOTS))
def test_an_unavailable_plot_shows_one_centred_sentence_and_no_axes(qtbot, key, tmp_path):
    plot = PLOTS[key]()
    qtbot.addWidget(plot)
    plot.resize(320, 240)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_unavailable(REASON)
    assert plot.is_unavailable and plot.unavailable_reason == REASON
    assert not plot.graphics.isVisible() and not plot.header.isVisible()
    label = plot.unavailable_label
    assert label.isVisible() and label.text() == REASON
    assert label.wordWrap()
    image = plot.grab().toImage()
    image.save(str(tmp_path / f"{key}.png"))
    # The sentence is drawn, wrapped onto several lines in the middle of the widget: dark
    # pixels only in a central band, none along the edges where axes would be.
    rows = ink_rows(image, 0, image.width())
    assert len(rows), "no text drawn"
    assert rows.min() > 0.2 * image.height() and rows.max() < 0.8 * image.height()
    assert rows.max() - rows.min() > label.fontMetrics().height()  # wrapped: more than one line
    left_edge = ink_rows(image, 0, 12)
    assert not len(left_edge), "something is drawn along the left edge (an axis?)"

    plot.set_unavailable(None)
    assert not plot.is_unavailable
    assert plot.graphics.isVisible() and plot.header.isVisible()
    assert not label.isVisible()


def test_hopfield_gallery_stays_hidden_while_unavailable(qtbot):
    plot = PLOTS["hopfield"]()
    qtbot.addWidget(plot)
    plot.show()
    plot.set_unavailable("The Hopfield state needs a Hopfield network: open lesson 6.")
    plot.set_patterns(np.ones((2, 4)))
    assert not plot.gallery_scroll.isVisible()
    plot.set_unavailable(None)
    assert plot.gallery_scroll.isVisible()

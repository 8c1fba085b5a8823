"""Small gaps in what lessons draw (issue 13, found by the lesson helpers): each scene is opened
as a recording opens it (record_cli.prepare: the real MainWindow offscreen at 1280x720, the
simulation in lockstep with the frames), played, painted, and checked on what is DRAWN."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from nnsim.engine.lessons import find_lesson

SIZE = (1280, 720)


@pytest.fixture
def play(play):
    """The shared play (tests/app/conftest.py), each scene's run taken in one stride: this
    module checks where a run ends, not the frames on the way."""
    return functools.partial(play, pace="jump")


def drawn_unit_lines(decision) -> tuple[int, list[str]]:
    """(number of unit line segments drawn, names of the visible line labels)."""
    x, _ = decision.lines.getData()
    segments = 0 if x is None else len(x) // 2
    return segments, [lab.toPlainText() for lab in decision.labels if lab.isVisible()]


# ---------------------------------------------------------------------- lesson 9
def test_lesson_9_linear_network_draws_no_unit_lines_and_relu_network_keeps_them(play):
    w = play("why-nonlinearity", 0)
    decision = w.learning.plots["decision"]
    assert decision.isVisible()
    segments, labels = drawn_unit_lines(decision)
    assert segments == 0 and labels == [], (segments, labels)  # linear hidden units: no lines
    assert not decision.show_unit_lines and not decision.lines_action.isChecked()
    w2 = play("why-nonlinearity", 1)  # the same network with ReLU: its 8 hinge lines are drawn
    decision = w2.learning.plots["decision"]
    segments, labels = drawn_unit_lines(decision)
    assert decision.show_unit_lines and segments >= 1


# ---------------------------------------------------------------------- lesson 5
@pytest.mark.parametrize("index", [0, 1, 2])
def test_lesson_5_ends_at_an_epochs_end_with_the_line_in_view(play, index):
    """The scripted run ends at an epoch's end, and there the perceptron's line crosses the
    plot (XOR's weights cycle: mid-epoch the line can leave the view, and the map is one
    colour)."""
    scene = find_lesson("perceptron-learning").scenes[index]
    assert scene.steps % len(scene.make_dataset()) == 0, scene.steps  # whole epochs (a sample a step)
    w = play("perceptron-learning", index)
    decision = w.learning.plots["decision"]
    assert decision.isVisible() and decision.height() >= 150
    segments, labels = drawn_unit_lines(decision)
    assert segments == 1, segments  # the unit's line w1 x1 + w2 x2 + b = 0 crosses the view
    x, y = decision.contour.getData()
    assert x is not None and len(x) > 0  # and so does the boundary
    x0, x1, y0, y1 = decision._extent
    assert np.all((x0 <= x) & (x <= x1)) and np.all((y0 <= y) & (y <= y1))


# ---------------------------------------------------------------------- lesson 19
def key_entries(loss) -> list[str]:
    return [label.text for _sample, label in loss.legend.items if label.isVisible()]


def test_lesson_19_rbf_loss_key_lists_only_the_loss(play):
    """RBF fitting has a loss but no accuracy: the key names only what is drawn."""
    w = play("rbf-networks", 1)
    loss = w.learning.plots["loss"]
    assert loss.isVisible() and loss.height() >= 150
    _, y = loss.curves["loss"].getData()
    assert y is not None and len(y) >= 10  # the loss, epoch by epoch
    assert loss.curves["accuracy"].getData()[0] is None or not len(loss.curves["accuracy"].getData()[0])
    assert key_entries(loss) == ["loss"]
    # a run with an accuracy (lesson 7's backprop) keeps both, and before the first epoch
    # nothing is listed (nothing is drawn yet)
    early = play("mlp-xor", 1, step=0)
    assert key_entries(early.learning.plots["loss"]) == []
    later = play("mlp-xor", 1)
    assert key_entries(later.learning.plots["loss"]) == ["loss", "accuracy"]
    # the empty key keeps its row: the plot area does not jump at the first epoch
    tops = [p.learning.plots["loss"].loss_plot.getViewBox().sceneBoundingRect().top()
            for p in (early, later)]
    assert abs(tops[0] - tops[1]) <= 1, tops


# ---------------------------------------------------------------------- cut texts
def whole_words_of(shown: str, full: str) -> bool:
    """`shown` is `full`, or a run of its whole words followed by " …" (never a cut word or
    number: the character after the run in `full` is a space or a separator)."""
    if shown == full:
        return True
    head = shown.removesuffix(" …")
    return (shown.endswith(" …") and len(head) > 0 and full.startswith(head)
            and full[len(head)] in " ,;:")


def ink_columns(image, rect, background) -> set[int]:
    from PySide6.QtGui import qGray

    return {x for x in range(rect.left(), rect.right() + 1) for y in range(rect.top(), rect.bottom() + 1)
            if qGray(image.pixel(x, y)) < qGray(background) - 60}


def test_lesson_4_status_message_is_shortened_by_whole_words_and_drawn_so(play):
    from PySide6.QtGui import QImage, QPainter

    w = play("hebbian-learning", 0)
    bar = w.status
    full = "Lesson 4: Hebb: the weights grow without bound"
    assert bar.currentMessage() == full  # kept whole (the caption strip shows the title too)
    rect = bar.message_rect()
    assert rect.width() >= 150
    shown = bar.shown_message()
    assert whole_words_of(shown, full) and shown.startswith("Lesson 4: Hebb:"), shown
    assert bar.fontMetrics().horizontalAdvance(shown) <= rect.width()
    # what is drawn is that text: its ink, column for column, is a reference drawing of it
    image = bar.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    background = image.pixel(rect.left(), 1)
    drawn = ink_columns(image, rect, background)
    reference = QImage(image.size(), QImage.Format.Format_RGB32)
    reference.fill(background)
    painter = QPainter(reference)
    painter.setFont(bar.font())
    painter.setPen(bar.palette().windowText().color())
    from PySide6.QtCore import Qt

    painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
                               | Qt.TextFlag.TextSingleLine), shown)
    painter.end()
    assert drawn and drawn == ink_columns(reference, rect, background)


def test_activation_summaries_are_whole_or_shortened_by_whole_words(play):
    w = play("activation-functions", 0)  # the gallery: sigmoid, tanh, ReLU
    plot = w.learning.plots["activation"]
    assert plot.isVisible()
    text, shown = plot.status.text(), plot.status.shown_text()
    assert shown == text, (shown, text)  # it fits at 1280x720, every number whole
    for number in ("0.5", "0.622", "0.462"):
        assert number in shown.split(), (number, shown)
    for width in (60, 120, 200, 300):  # narrower: whole words dropped from the end
        assert whole_words_of(plot.status.shown_text(width), text), plot.status.shown_text(width)
    w1 = play("perceptron-forward", 0)  # one unit: its formula and numbers
    status = w1.learning.plots["activation"].status
    assert "z = -6 → y = 0.00247" in status.shown_text()
    for width in (80, 160, 240, 320):
        assert whole_words_of(status.shown_text(width), status.text()), status.shown_text(width)

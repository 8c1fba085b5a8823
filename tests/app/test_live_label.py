"""LiveLabel: per-frame text that repaints without re-laying the window out, shown whole in
its tooltip and elided when narrow."""
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QImage, qGray
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnsim.app.live_label import LiveLabel


class LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def relayouts_for(label_class, qtbot) -> int:
    outer = QWidget()
    qtbot.addWidget(outer)
    inner = QWidget(outer)
    QVBoxLayout(outer).addWidget(inner)
    label = label_class()
    QVBoxLayout(inner).addWidget(label)
    outer.resize(300, 60)
    outer.show()
    qtbot.waitExposed(outer)
    qtbot.wait(20)
    spy = LayoutRequests()
    for w in (outer, inner):
        w.installEventFilter(spy)
    for k in range(10):
        label.setText(f"epoch {k} · loss {1 / (k + 1):.4f} · accuracy {k * 10} %" + "!" * k)
        qtbot.wait(1)
    qtbot.wait(20)
    return spy.count


def test_changing_text_lays_nothing_out_again(qtbot):
    assert relayouts_for(QLabel, qtbot) > 0  # what QLabel does (the reason for LiveLabel)
    assert relayouts_for(LiveLabel, qtbot) == 0


def painted(label: LiveLabel, width: int) -> QImage:
    label.resize(width, label.sizeHint().height())
    return label.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def ink(image: QImage) -> list[int]:
    """The x of every pixel darker than the background (the text is dark on light)."""
    background = qGray(image.pixel(image.width() - 1, 0))  # the corner: no text there
    return [x for y in range(image.height()) for x in range(image.width())
            if qGray(image.pixel(x, y)) < background - 60]


def test_text_tooltip_and_elided_painting(qtbot):
    label = LiveLabel("start", min_chars=10)
    qtbot.addWidget(label)
    assert label.text() == "start" and label.toolTip() == "start"
    assert len(ink(painted(label, 200))) > 20  # the text is drawn
    long = "step 1,234,567 · epoch 89,012 · running · 123k steps/s · values left the finite range"
    label.setText(long)
    assert label.text() == long and label.toolTip() == long
    image = painted(label, 80)
    assert image.width() == 80  # drawn within its width, never widening the layout
    # drawn elided: pixel for pixel what the shortened text with its "…" looks like (which fits,
    # so the reference draws it as it is), not the long text cut off at the edge
    shown = label.fontMetrics().elidedText(long, Qt.TextElideMode.ElideRight, label.contentsRect().width())
    assert shown.endswith("…") and 3 < len(shown) < len(long) // 3
    reference = LiveLabel(shown, min_chars=10)
    qtbot.addWidget(reference)
    assert image == painted(reference, 80)
    xs = ink(image)
    assert len(xs) > 50 and max(xs) > 60  # the elided text fills the width, "…" at its end
    assert ink(painted(label, 2000)) != xs  # wide enough: more of the text is drawn
    assert label.sizeHint() == LiveLabel("", min_chars=10).sizeHint()  # size ignores the text
    assert label.minimumSizeHint().width() < label.sizeHint().width()

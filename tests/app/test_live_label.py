"""LiveLabel: per-frame text that repaints without re-laying the window out, shown whole in
its tooltip and elided when narrow."""
from PySide6.QtCore import QEvent, QObject
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


def test_text_tooltip_and_elided_painting(qtbot):
    label = LiveLabel("start", min_chars=10)
    qtbot.addWidget(label)
    assert label.text() == "start" and label.toolTip() == "start"
    long = "step 1,234,567 · epoch 89,012 · running · 123k steps/s · values left the finite range"
    label.setText(long)
    assert label.text() == long and label.toolTip() == long
    label.resize(80, label.sizeHint().height())
    image = label.grab().toImage()
    assert image.width() == 80  # drawn within its width (elided), never widening the layout
    assert label.sizeHint() == LiveLabel("", min_chars=10).sizeHint()  # size ignores the text
    assert label.minimumSizeHint().width() < label.sizeHint().width()

"""The speed box's paces (issue 11, item 7): 1, 3, 10 and 30 epochs a second beside steps per
frame and Max speed; the engine keeps the pace by the clock."""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from nnsim.app.run_controls import RunControls
from nnsim.engine.lessons import find_lesson


class FakeEngine(QObject):
    running_changed = Signal(bool)
    snapshot_ready = Signal(object, float)

    def __init__(self) -> None:
        super().__init__()
        self.speeds = []
        self.running = False

    def set_speed(self, speed) -> None:
        self.speeds.append(speed)


class Snap:
    def __init__(self, rule: str, message: str = "") -> None:
        self.rule, self.message = rule, message


@pytest.fixture
def controls(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    engine = FakeEngine()
    run = RunControls(window, engine)
    yield run, engine
    del window  # held until the test is over: the controls are its children


def texts(box) -> list[str]:
    return [box.itemText(i) for i in range(box.count()) if box.itemData(i) is not None]


def test_the_speed_box_offers_paces_and_keeps_steps_per_frame(controls):
    run, engine = controls
    assert texts(run.speed) == ["1 epoch/s", "3 epochs/s", "10 epochs/s", "30 epochs/s",
                                "1 step/frame", "2 steps/frame", "5 steps/frame",
                                "10 steps/frame", "100 steps/frame", "1,000 steps/frame",
                                "Max speed"]
    assert run.speed.currentText() == "1 step/frame"  # the default is as before
    run.speed.setCurrentIndex(run.speed.findText("10 epochs/s"))
    assert engine.speeds[-1] == "10/s"
    run.speed.setCurrentIndex(run.speed.findText("Max speed"))
    assert engine.speeds[-1] == "max"


def test_set_speed_takes_steps_per_frame_and_paces(controls):
    run, engine = controls
    run.set_speed(5)
    assert run.speed.currentText() == "5 steps/frame" and engine.speeds[-1] == 5
    run.set_speed(7)  # not listed: added between 5 and 10 (paces in the box are no obstacle)
    assert run.speed.currentText() == "7 steps/frame" and engine.speeds[-1] == 7
    assert texts(run.speed).index("7 steps/frame") == texts(run.speed).index("5 steps/frame") + 1
    run.set_speed("3/s")
    assert run.speed.currentText() == "3 epochs/s" and engine.speeds[-1] == "3/s"
    run.set_speed("20/s")  # a pace the box does not list: added in order
    assert run.speed.currentText() == "20 epochs/s" and engine.speeds[-1] == "20/s"
    assert texts(run.speed)[:5] == ["1 epoch/s", "3 epochs/s", "10 epochs/s", "20 epochs/s",
                                    "30 epochs/s"]
    run.set_speed("max")
    assert run.speed.currentText() == "Max speed"


def test_paces_read_steps_per_second_where_no_rule_learns(controls):
    run, engine = controls
    engine.snapshot_ready.emit(Snap(rule=""), 0.0)
    assert texts(run.speed)[:4] == ["1 step/s", "3 steps/s", "10 steps/s", "30 steps/s"]
    engine.snapshot_ready.emit(Snap(rule="perceptron", message="Perceptron paused: no data"), 0.0)
    assert texts(run.speed)[0] == "1 step/s"  # a paused rule does not pace epochs
    engine.snapshot_ready.emit(Snap(rule="backprop"), 0.0)
    assert texts(run.speed)[:4] == ["1 epoch/s", "3 epochs/s", "10 epochs/s", "30 epochs/s"]


def test_faster_and_slower_step_over_the_line_between_the_kinds(controls):
    run, engine = controls
    run.set_speed("30/s")
    run.faster.trigger()
    assert run.speed.currentText() == "1 step/frame" and engine.speeds[-1] == 1
    run.slower.trigger()
    assert run.speed.currentText() == "30 epochs/s" and engine.speeds[-1] == "30/s"
    for _ in range(6):
        run.slower.trigger()
    assert run.speed.currentText() == "1 epoch/s"
    assert None not in engine.speeds  # the separator is never sent


def test_a_lesson_trains_at_a_watchable_pace_in_the_app(window, qtbot):
    lesson = find_lesson("mlp-xor")
    assert window.learning.open_scene(lesson, 1)  # backprop on XOR: one step an epoch
    box = window.run.speed
    box.setCurrentIndex(box.findData("10/s"))
    start = time.monotonic()
    window.run.play.trigger()
    qtbot.waitUntil(lambda: window.engine.running, timeout=10_000)
    qtbot.waitUntil(lambda: box.currentText() == "10 epochs/s", timeout=10_000)
    qtbot.waitUntil(lambda: window.engine.snapshot is not None and window.engine.snapshot.epoch >= 30,
                    timeout=60_000)  # it trains...
    epoch = window.engine.snapshot.epoch
    elapsed = time.monotonic() - start
    window.run.play.trigger()  # pause
    qtbot.waitUntil(lambda: not window.engine.running, timeout=10_000)
    assert epoch <= 10 * elapsed + 2  # ...never faster than the pace (load only slows it)

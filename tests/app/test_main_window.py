"""The main window: documents, dirty marker, recovery, the engine link, layout, command line."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from example_networks import blinker
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMessageBox

from nnsim.app.document import Document
from nnsim.app.main_window import MainWindow
from nnsim.engine import Network
from nnsim.engine.rules.base import Applicability, Param, Rule, Trainer

ROOT = Path(__file__).resolve().parents[2]


def gate() -> Network:
    net = Network("gate")
    net.add_neuron("x", role="input", value=1.0)
    net.add_neuron("y", role="output", activation="sigmoid", x=160)
    net.connect("x", "y", 0.5)
    return net


class GrowTrainer(Trainer):
    steps_per_epoch = 1

    def _step(self):
        for s in self.net.synapses:
            self.net.set_weight(s.source, s.target, s.weight + self.rule.rate)

    def _end_epoch(self):
        self.history.loss.append(1.0 / self.history.epochs)


class Grow(Rule):
    name = "grow"
    title = "Grow"
    parameters = (Param("rate", float, 0.01, "added to every weight per step"),)
    trainer_class = GrowTrainer

    def applies_to(self, net):
        return Applicability(True)


class BoomTrainer(GrowTrainer):
    def _step(self):
        raise RuntimeError("boom in the rule")


class Boom(Grow):
    name = "boom"
    trainer_class = BoomTrainer


@pytest.fixture
def errors(window, monkeypatch):
    shown = []
    monkeypatch.setattr(window, "show_error",
                        lambda title, text, details="", advice="": shown.append(text))
    return shown


def snapshots(window):
    got = []
    window.engine.snapshot_ready.connect(lambda snap, rate: got.append(snap))
    return got


# ---------------------------------------------------------------------- the window
def test_menus_toolbar_shortcuts_and_status(window, qtbot):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Simulation", "Lessons", "Help"]
    keys = {a.text().replace("&", ""): [k.toString() for k in a.shortcuts()]
            for a in window.findChildren(type(window.run.play))}
    assert keys["Play"] == ["Space"]
    assert keys["Step"] == ["F10", "Ctrl+Right"]
    assert keys["Save"] == ["Ctrl+S"] and keys["New"] == ["Ctrl+N"] and keys["Open…"] == ["Ctrl+O"]
    assert keys["Record"] == ["Ctrl+R"] and keys["Reset"] == ["Ctrl+Backspace"]
    # One shortcut, one action: Qt fires neither of two actions that share a key.
    owners: dict[str, list[str]] = {}
    for action in window.findChildren(type(window.run.play)):
        for key in action.shortcuts():
            owners.setdefault(key.toString(), []).append(action.text())
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert "Ctrl+Shift+Z" in keys["Redo"] and keys["Undo"] == ["Ctrl+Z"]
    assert window.windowTitle() == "Untitled[*] — nnsim"
    window.document.add_neuron("x1", role="input")
    window.document.add_neuron("y", role="output", x=150)
    window.document.connect("x1", "y", 1.0)
    facts = window.status.facts.text()
    assert facts == "2 neurons · 1 connection · depth 1 · feed-forward"
    qtbot.waitUntil(lambda: "…" not in window.status.rules.text(), timeout=10000)
    assert window.status.rules.text().startswith("rules: ")
    window.document.connect("y", "y", 1.0)
    assert "recurrent" in window.status.facts.text()


def test_dirty_marker_in_title(window, tmp_path, monkeypatch):
    assert not window.isWindowModified()
    window.document.add_neuron("a")
    assert window.isWindowModified()
    path = tmp_path / "net.json"
    monkeypatch.setattr(window, "ask_save_path", lambda: str(path))
    assert window.files.save_document()
    assert not window.isWindowModified()
    assert window.windowTitle() == "net.json[*] — nnsim"
    window.document.undo_stack.undo()
    assert window.isWindowModified()


def test_save_then_open(window, tmp_path, monkeypatch):
    window.set_document(Document(blinker()))
    path = tmp_path / "blinker"  # no suffix typed: .json is added
    monkeypatch.setattr(window, "ask_save_path", lambda: str(path))
    assert window.files.save_as_dialog()
    saved = tmp_path / "blinker.json"
    assert json.loads(saved.read_text())["format"] == "nnsim-network"
    assert window.files.new_document()
    assert len(window.document.network) == 0
    assert window.files.open_path(str(saved))
    assert window.document.network == blinker()
    assert window.document.path == str(saved)
    assert window.files.recent_files()[0] == str(saved)


def test_bad_file_leaves_document_untouched(window, tmp_path, errors):
    window.document.add_neuron("keep")
    before = window.document.network.copy()
    doc, title = window.document, window.windowTitle()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "nnsim-network", "version": 1, "neurons": [{"id": "x"}], '
                   '"synapses": []}')
    window.files.maybe_discard = lambda: True
    assert not window.files.open_path(str(bad))
    assert window.document is doc and window.document.network == before
    assert window.windowTitle() == title and window.isWindowModified()
    assert len(errors) == 1 and "bad.json" in errors[0] and "neurons[0].id" in errors[0]


def test_error_dialog_does_not_block(window):
    window.show_error("Title", "text", "details")
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and boxes[0].text() == "text"
    boxes[0].close()


def test_prompt_before_unsaved_work_is_lost(window, monkeypatch):
    window.document.add_neuron("work")
    doc = window.document
    monkeypatch.setattr(window, "confirm_discard", lambda: "cancel")
    assert not window.files.new_document()
    assert window.document is doc
    assert not window.close()  # cancelled: the window stays
    monkeypatch.setattr(window, "confirm_discard", lambda: "discard")
    assert window.files.new_document()
    assert window.document is not doc and len(window.document.network) == 0


@pytest.mark.parametrize("target", ["window", "canvas"])
def test_drop_a_file_opens_it(window, qtbot, tmp_path, target):
    path = tmp_path / "dropped.json"
    blinker().save(path)
    window.document.add_neuron("unsaved")
    asked = []
    window.confirm_discard = lambda: asked.append(1) or "discard"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # Qt delivers drops only during a real drag: hand the event to the handlers directly.
    if target == "window":
        window.dropEvent(event)
    else:
        assert window.eventFilter(window.view.viewport(), event)
    qtbot.waitUntil(lambda: window.document.path == str(path), timeout=10000)
    assert window.document.network == blinker()
    assert asked == [1]  # the unsaved work was asked about first


def test_recovery_file_written_and_offered(qtbot, private_settings):
    first = MainWindow()
    qtbot.addWidget(first)
    first.recovery.timer.setInterval(50)
    first.set_document(Document(blinker()))
    first.document.add_neuron("unsaved")
    recovery = private_settings / "recovery.json"
    qtbot.waitUntil(recovery.exists, timeout=10000)
    expected = first.document.network.copy()
    first.engine.stop()  # a crash: the window never closes, the file stays
    first.recovery.stop()

    second = MainWindow()
    qtbot.addWidget(second)
    questions = []
    assert second.offer_recovery(ask=lambda q: questions.append(q) or True)
    assert "did not close normally" in questions[0]
    assert second.document.network == expected
    assert second.document.is_dirty and second.isWindowModified()
    second.document.undo_stack.setClean()  # saved: the recovery file goes
    assert not recovery.exists()
    second.close()
    assert MainWindow.offer_recovery(second, ask=lambda q: True) is False


def test_declined_recovery_is_discarded(qtbot, private_settings):
    w = MainWindow()
    qtbot.addWidget(w)
    w.document.add_neuron("x")
    assert w.recovery.autosave()
    assert not w.offer_recovery(ask=lambda q: False)
    assert not (private_settings / "recovery.json").exists()
    w.document.undo_stack.setClean()
    w.close()


def test_layout_remembered(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    extra = first.add_dock("Plots", QLabel("plots"), "plotsDock")
    first.show()
    extra.hide()
    first.inspector_dock.setFloating(True)
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    second.add_dock("Plots", QLabel("plots"), "plotsDock")
    second.restore_layout()  # docks added after start-up are restored by the caller
    second.show()
    assert second.findChild(QDockWidget, "inspectorDock").isFloating()
    assert not second.findChild(QDockWidget, "plotsDock").isVisible()
    second.close()


# ---------------------------------------------------------------------- the engine
def test_play_snapshots_arrive_and_colours_change(window, qtbot):
    got = snapshots(window)
    window.set_document(Document(blinker()))
    canvas = window.view.canvas
    colours = set()
    window.engine.snapshot_ready.connect(lambda *_: colours.add(tuple(canvas.colour.tolist())))
    window.run.play.trigger()
    qtbot.waitUntil(lambda: window.engine.running, timeout=10000)
    qtbot.waitUntil(lambda: len(colours) >= 2 and got[-1].step >= 4, timeout=10000)
    assert "running" in window.status.simulation.text()
    window.run.play.trigger()  # Space again: pause
    qtbot.waitUntil(lambda: not window.engine.running, timeout=10000)
    qtbot.waitUntil(lambda: "paused" in window.status.simulation.text(), timeout=10000)


def test_edit_while_running(window, qtbot):
    got = snapshots(window)
    window.set_document(Document(blinker()))
    window.engine.set_speed(1)
    window.engine.play()
    qtbot.waitUntil(lambda: bool(got) and got[-1].step >= 3, timeout=10000)
    window.document.add_neuron("c", activation="step", bias=-0.5, x=450)
    window.document.connect("b", "c", 1.0)
    # Both edits reach the worker (a snapshot between the two may show only the first).
    qtbot.waitUntil(lambda: "c" in got[-1].names
                    and got[-1].revision == window.document.network.revision, timeout=10000)
    step = got[-1].step
    assert ("b", "c") in got[-1].synapses
    qtbot.waitUntil(lambda: got[-1].step > step + 3, timeout=10000)
    assert window.engine.running


def test_edit_while_learning_keeps_learning(window, qtbot):
    got = snapshots(window)
    window.set_document(Document(gate()))
    window.engine.set_rule(Grow())
    window.engine.set_speed(1)
    window.engine.play()
    qtbot.waitUntil(lambda: bool(got) and got[-1].epoch >= 5, timeout=30000)
    learned = got[-1].weights[0]
    window.document.add_neuron("z", activation="linear", x=160, y=100)
    window.document.connect("x", "z", 0.25)
    # Both edits reach the worker (a snapshot between the two may show only the first).
    qtbot.waitUntil(lambda: got[-1].revision == window.document.network.revision, timeout=30000)
    weights = dict(zip(got[-1].synapses, got[-1].weights.tolist()))
    assert weights[("x", "y")] >= learned  # not reset to the document's 0.5
    assert weights[("x", "z")] >= 0.25
    epoch = got[-1].epoch
    qtbot.waitUntil(lambda: got[-1].epoch > epoch + 3, timeout=30000)  # still learning
    window.engine.pause()


def test_learned_weights_written_back_on_pause_as_one_undo_step(window, qtbot):
    window.set_document(Document(gate()))
    window.engine.set_rule(Grow())
    window.engine.set_speed(1)
    window.engine.play()
    qtbot.waitUntil(lambda: window.engine.snapshot is not None
                    and window.engine.snapshot.step >= 5, timeout=30000)
    window.engine.pause()
    qtbot.waitUntil(lambda: window.document.undo_stack.undoText() == "Training", timeout=30000)
    learned = window.document.network.synapse("x", "y").weight
    assert learned > 0.5 + 0.04
    snap = window.engine.snapshot
    assert snap.weights.tolist() == [learned]
    window.document.undo_stack.undo()
    assert window.document.network.synapse("x", "y").weight == 0.5


def test_pause_without_learning_adds_no_undo_step(window, qtbot):
    got = snapshots(window)
    window.set_document(Document(blinker()))
    window.engine.play()
    qtbot.waitUntil(lambda: bool(got) and got[-1].step >= 3, timeout=10000)
    window.engine.pause()
    qtbot.waitUntil(lambda: not window.engine.running, timeout=10000)
    qtbot.wait(200)
    assert window.document.undo_stack.count() == 0 and not window.document.is_dirty


def test_why_a_run_stopped_is_in_the_status_bar(window, qtbot):
    net = Network("runaway")
    net.add_neuron("a", activation="linear", bias=1.0)
    net.connect("a", "a", 1e200)
    window.set_document(Document(net))
    window.engine.play()
    qtbot.waitUntil(lambda: "finite range" in window.status.simulation.text(), timeout=10000)
    qtbot.waitUntil(lambda: not window.engine.running, timeout=10000)  # it stops by itself


def test_worker_error_reaches_status_bar_and_thread_keeps_serving(window, qtbot, errors):
    got = snapshots(window)
    window.set_document(Document(gate()))
    window.engine.set_rule(Boom())
    window.engine.play()
    qtbot.waitUntil(lambda: "boom in the rule" in window.status.currentMessage(), timeout=10000)
    assert errors == ["The simulation stopped: boom in the rule."]  # no exception class name
    window.engine.set_rule(None)
    window.engine.step_n(2)
    qtbot.waitUntil(lambda: bool(got) and got[-1].step == 2 and not got[-1].rule, timeout=10000)
    assert window.engine.is_alive()


def test_stale_snapshots_dropped(window, qtbot):
    got = snapshots(window)
    window.set_document(Document(blinker()))
    window.run.speed.setCurrentIndex(window.run.speed.count() - 1)  # Max speed
    window.engine.play()
    qtbot.waitUntil(lambda: len(got) >= 2, timeout=10000)
    start = len(got)
    qtbot.wait(1000)
    assert len(got) - start <= 63  # at most ~60 a second however fast the engine steps
    assert got[-1].step - got[start].step > 500


def test_close_while_running(qtbot):
    w = MainWindow(Document(blinker()))
    qtbot.addWidget(w)
    w.show()
    w.run.speed.setCurrentIndex(w.run.speed.count() - 1)
    w.engine.play()
    qtbot.waitUntil(lambda: w.engine.running, timeout=10000)
    assert w.close()
    assert not w.engine.is_alive()
    running = [t for t in w.findChildren(QTimer) if t.isActive()]
    assert not running, [t.parent() for t in running]  # autosave and frame timers stopped too


# ---------------------------------------------------------------------- command line
def run_cli(*args, env=None):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, env=full_env, timeout=60)


def test_cli_version_help_and_lesson():
    assert run_cli("--version").stdout.strip().startswith("nnsim ")
    assert "--lesson" in run_cli("--help").stdout
    # the lesson is looked up before the display is checked (run_cli has no display): an
    # unknown name is one line naming it and the lessons there are, exit 2
    result = run_cli("--lesson", "no-such-lesson")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no lesson named 'no-such-lesson'" in result.stderr
    assert "01-perceptron-forward" in result.stderr and "QT_QPA_PLATFORM" not in result.stderr
    # a known one (by number, file name or slug) passes the lookup and reaches the display check
    for name in ("1", "01-perceptron-forward", "perceptron-forward"):
        result = run_cli("--lesson", name)
        assert result.returncode == 2 and "lesson" not in result.stderr
        assert "QT_QPA_PLATFORM=offscreen" in result.stderr


def test_cli_engine_choice():
    assert "--engine {process,thread}" in run_cli("--help").stdout
    result = run_cli("--engine", "gpu")
    assert result.returncode == 2 and "invalid choice: 'gpu'" in result.stderr


def wait_for(condition, proc, timeout: float = 120.0) -> None:
    """Poll `condition` until it holds; the app must stay up meanwhile (generous: loaded machines)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the app never got there"
        time.sleep(0.02)


def qt_loaded(pid: int) -> bool:
    """Qt is only imported in run_app, after the Ctrl+C handler is installed (cli.main)."""
    try:
        return "libQt6Core" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def probe_shows_plots(path: Path) -> bool:
    """The window is shown, its docks filled after the first paint, and the probe reports it."""
    try:
        return bool(json.loads(path.read_text()).get("plots"))
    except (OSError, ValueError):
        return False


@pytest.mark.parametrize("when", ["while-starting", "idle"])
def test_ctrl_c_in_the_terminal_closes_the_window(tmp_path, when):
    """Whenever Ctrl+C comes (the window still being built on a slow machine, or idle), the
    app quits with 0 and no KeyboardInterrupt traceback.  No fixed sleeps: the signal goes as
    soon as Qt is being loaded (the window not built yet), or once the window is shown with its
    plots, whatever the machine's speed."""
    import signal

    path = tmp_path / "net.json"
    blinker().save(path)
    probe = tmp_path / "probe.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", NNSIM_SETTINGS_DIR=str(tmp_path / "s"),
               NNSIM_PROBE_FILE=str(probe))
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), str(path)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if when == "while-starting":
            wait_for(lambda: qt_loaded(proc.pid), proc)
        else:
            wait_for(lambda: probe_shows_plots(probe), proc)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
        assert "KeyboardInterrupt" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_without_display_says_how_to_run_headless():
    result = run_cli()
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr


def test_cli_with_a_display_nobody_serves():
    result = run_cli(env={"DISPLAY": ":987"})
    assert result.returncode == 2
    assert "cannot connect to the X display :987" in result.stderr
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr


def test_cli_bad_file_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run_cli(str(bad), env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "bad.json" in result.stderr


def test_cli_starts_offscreen_and_shows_the_window(tmp_path):
    path = tmp_path / "net.json"
    blinker().save(path)
    result = run_cli(str(path), env={"QT_QPA_PLATFORM": "offscreen",
                                     "NNSIM_SETTINGS_DIR": str(tmp_path / "s"),
                                     "NNSIM_STARTUP_PROBE": "1"})
    assert result.returncode == 0, result.stderr
    assert "nnsim: window shown" in result.stdout


def test_snapshot_arrays_are_read_only_in_the_gui(window, qtbot):
    got = snapshots(window)
    window.set_document(Document(gate()))
    window.engine.step()
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    with pytest.raises(ValueError):
        got[-1].outputs[0] = np.float64(3.0)


def test_export_errors_are_sentences_not_exception_reprs(window, errors, tmp_path):
    """An export to a place that cannot be written says where and why in words ("[Errno 2]"
    and exception class names never reach the user)."""
    window.set_document(Document(Network.layered([2, 2, 1], ["tanh", "sigmoid"], seed=0)))
    missing = tmp_path / "no such folder"
    assert not window.exports.export_weights(str(missing / "w.npz"))
    assert not window.exports.export_code("pytorch", str(missing / "net.py"))
    assert len(errors) == 2
    for text in errors:
        assert "Errno" not in text and "Error" not in text, text
        assert "no such folder" in text and "No such file or directory" in text


def test_settle_finishes_the_windows_deferred_work_now(window):
    """What a recording's first frame shows must not depend on timers and pool threads: after
    settle() the status bar names the rules that apply (it said 'rules: …' until a pool thread
    answered) and the docks are not animated into place."""
    window.set_document(Document(Network.layered([2, 2, 1], ["tanh", "sigmoid"], seed=0)))
    window.settle()
    assert window.status.rules.text().startswith("rules: ")
    assert "…" not in window.status.rules.text() and "Backpropagation" in window.status.rules.text()
    assert not window.isAnimated()

"""Start-up builds only what the first paint needs (issue 11, item 8); what is built later
behaves as if it had been there from the start."""
import json

from nnsim.engine.lessons import lesson_from_dict, lessons_dir


def test_a_lesson_whose_network_cannot_be_built_says_so_and_keeps_the_document(window, monkeypatch):
    data = json.loads((lessons_dir() / "06-hopfield.json").read_text())
    data["scenes"][0]["network"] = {"builder": "hopfield", "n": -3}
    lesson = lesson_from_dict(data, "broken.json", "06-broken")
    shown = []
    monkeypatch.setattr(window, "show_error", lambda title, text, *a, **k: shown.append((title, text)))
    before = window.document
    assert not window.learning.open_scene(lesson, 0)
    assert window.document is before
    assert len(shown) == 1
    title, text = shown[0]
    assert title == "The lesson's network could not be made"
    assert text.startswith("Broken.json: scenes[0].network.builder:")
    assert "Error" not in text


def test_start_up_makes_only_the_plots_on_screen(qtbot, tmp_path, monkeypatch):
    from nnsim.app.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.learning.open_lesson(0)  # as the app starts: lesson 1 (decision regions, activation)
    w.show()
    qtbot.waitExposed(w)
    built = set(w.learning.plots.built())
    assert {"decision", "activation"} <= built
    assert not built & {"curve", "hopfield", "matrix", "weights", "energy"}
    titles = [a.text() for a in w.recording.target_menu.actions()]
    assert titles == ["Whole Window", "Canvas", "Decision regions", "Function fit",
                      "Loss and accuracy", "Weights", "Energy", "Activation", "Hopfield state",
                      "Weight matrix"]
    w.document.undo_stack.setClean()
    w.close()


def test_a_plot_made_later_shows_the_document_as_it_is(window, qtbot):
    from nnsim.app.plots import plot_unavailable_reason

    learning = window.learning
    assert learning.open_lesson("13")  # 1-D function fit: curve and loss
    assert learning.open_lesson("1")
    doc = window.document
    # The data of lesson 13 are gone; lesson 1 has none: a function fit made now shows nothing.
    curve = learning.plots["curve"]
    assert len(curve.targets.getData()[0] or ()) == 0
    # A plot that does not apply says why at once.
    matrix = learning.plots["matrix"]
    assert matrix.unavailable_reason == plot_unavailable_reason(
        "matrix", doc.network, doc.rule_name, doc.training_data())
    assert learning.plot_docks["matrix"].widget() is matrix


def test_a_plot_shown_after_start_up_draws_the_data_and_the_latest_snapshot(window, qtbot):
    learning = window.learning
    assert learning.open_lesson("13")
    got = []
    window.engine.snapshot_ready.connect(lambda snap, _rate: got.append(snap))
    window.engine.step()
    qtbot.waitUntil(lambda: bool(got), timeout=20000)
    data = window.document.dataset
    was_built = learning.plots.is_built("curve")
    curve = learning.plots["curve"]
    x, t = curve.targets.getData()
    assert len(x) == len(data) and was_built  # shown by the lesson: made with it
    dock = learning.plot_docks["matrix"]
    assert not learning.plots.is_built("matrix")
    dock.show()  # View > Panels > Weight matrix
    qtbot.waitUntil(lambda: learning.plots.is_built("matrix"), timeout=5000)
    assert dock.widget() is learning.plots["matrix"]
    assert learning.plots["matrix"]._snapshot is learning._latest


def test_what_only_exports_and_recordings_use_is_not_imported_before_the_first_paint(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys\n"
            "from nnsim.app import cli\n"
            "from nnsim.app.engine_thread import after_first_paint\n"
            "shown = cli.exit_after_first_paint\n"
            "def exit_after_first_paint(window):\n"
            "    after_first_paint(window, lambda: print('loaded:', sorted(\n"
            "        m for m in ('numpy.ma', 'concurrent.futures', 'pyqtgraph.exporters')\n"
            "        if m in sys.modules)))\n"
            "    shown(window)\n"
            "cli.exit_after_first_paint = exit_after_first_paint\n"
            "cli.main([])\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               NNSIM_SETTINGS_DIR=str(tmp_path / "settings"), NNSIM_EXIT_AFTER_PAINT="1")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "loaded: []" in result.stdout.splitlines()

"""Start-up builds only what the first paint needs (issue 11, item 8); what is built later
behaves as if it had been there from the start."""
import json

from nnsim.engine.lessons import lesson_from_dict, lessons_dir


def test_a_lesson_whose_network_cannot_be_built_says_so_and_keeps_the_document(window, monkeypatch):
    from nnsim.engine import Network

    def refusing(*args, **kwargs):  # arguments are checked at load: a builder failing anyway
        raise ValueError("no room")

    data = json.loads((lessons_dir() / "06-hopfield.json").read_text())
    monkeypatch.setattr(Network, "hopfield", refusing)
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
    assert not built & {"curve", "hopfield", "matrix", "weights", "energy", "layers"}
    titles = [a.text() for a in w.recording.target_menu.actions()]
    assert titles == ["Whole Window", "Canvas", "Decision regions", "Function fit",
                      "Loss and accuracy", "Weights", "Energy", "Activation", "Hopfield state",
                      "Weight matrix", "Raster (firing over time)", "Output surface", "Layer view",
                      "Loss landscape"]
    w.document.undo_stack.setClean()
    w.close()


def test_a_plot_made_later_shows_the_document_as_it_is(window, qtbot):
    from nnsim.app.plots import plot_unavailable_reason

    learning = window.learning
    assert learning.open_lesson("universal-approximation-1d")  # 1-D function fit: curve and loss
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
    assert learning.open_lesson("universal-approximation-1d")
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


PAINT_PROBE = """
import json, sys
from PySide6.QtCore import QTimer
from nnsim.app import cli
from nnsim.app.engine_thread import after_first_paint

def docks(window):
    return {name: [dock.windowTitle(), list(dock.geometry().getRect())]
            for name, dock in window._docks.items() if dock.isVisible()}

def probe(window):
    def painted():
        seen = {"docks": docks(window), "filled": window.learning.filled,
                "panels imported": "nnsim.app.panels" in sys.modules}
        def later():
            learning = window.learning
            seen.update(after=docks(window), filled_after=learning.filled,
                        shown=[k for k, d in learning.plot_docks.items() if not d.isHidden()],
                        lesson=getattr(learning.lessons.current, "id", None),
                        rule_panel=learning.rules.current_name(),
                        plots=sorted(learning.plots.built()))
            print("seen:", json.dumps(seen), flush=True)
            window.close()
        QTimer.singleShot(300, later)
    after_first_paint(window, painted)

cli.exit_after_first_paint = probe
cli.main(sys.argv[1:])
"""


def paint_probe(tmp_path, *args) -> dict:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               NNSIM_SETTINGS_DIR=str(tmp_path / "settings"), NNSIM_EXIT_AFTER_PAINT="1")
    result = subprocess.run([sys.executable, "-c", PAINT_PROBE, *args], env=env,
                            capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("seen: "))
    return json.loads(line.removeprefix("seen: "))


def test_the_window_paints_its_docks_empty_in_their_final_places_then_fills_them(tmp_path):
    seen = paint_probe(tmp_path)
    assert not seen["filled"] and not seen["panels imported"]  # made after the first paint
    titles = {name: title for name, (title, _rect) in seen["docks"].items()}
    for name, title in [("lessonsDock", "Lessons"), ("rulesDock", "Learning rule"),
                        ("plot_decision_dock", "Decision regions"),
                        ("plot_activation_dock", "Activation")]:
        assert titles[name] == title
    assert seen["docks"] == seen["after"]  # filling them moved nothing
    assert seen["filled_after"] and seen["lesson"] == "01-perceptron-forward"
    assert seen["rule_panel"] is None  # lesson 1 has no rule: "No learning"
    assert {"decision", "activation"} <= set(seen["plots"])


def test_the_empty_docks_are_as_large_as_their_contents(qtbot):
    from nnsim.app.learning import FRAME_MINIMUMS
    from nnsim.app.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    learning = w.learning
    assert learning.open_lesson(0)
    w.files.new_document()
    w.document.undo_stack.setClean()
    qtbot.wait(50)
    named = {"rulesDock": learning.rules_dock, "dataDock": learning.data_dock,
             "lessonsDock": learning.lessons_dock, **learning.plot_docks}
    for name in ("rulesDock", "dataDock", "lessonsDock", "decision", "loss"):
        hint = named[name].widget().minimumSizeHint()
        assert (hint.width(), hint.height()) == FRAME_MINIMUMS[name], name
    assert learning.open_lesson(0)
    qtbot.wait(50)
    hint = learning.plot_docks["activation"].widget().minimumSizeHint()
    assert (hint.width(), hint.height()) == FRAME_MINIMUMS["activation"]
    w.document.undo_stack.setClean()
    w.close()


def test_reading_a_panel_before_the_docks_are_filled_fills_them_with_the_document(qtbot):
    from nnsim.app.main_window import MainWindow
    from nnsim.app.plots import PLOTS

    w = MainWindow(fill_docks=False)
    qtbot.addWidget(w)
    learning = w.learning
    from nnsim.engine.lessons import find_lesson

    assert learning.open_lesson("7")  # before the panels exist, as the app opens lesson 1
    assert learning.open_scene(find_lesson("7"), 1)  # its second scene: XOR by backprop
    assert not learning.filled
    assert [dock.windowTitle() for dock in learning.plot_docks.values()] == \
        [cls.title for cls in PLOTS.values()]
    assert not learning.filled  # the docks' titles are known without the plots
    assert learning.rules.current_name() == "backprop"  # made on first read, with the scene
    assert learning.filled
    assert learning.lessons.current.id == "07-mlp-xor" and learning.lessons.scene_index == 1
    assert learning.data.dataset() is not None and len(learning.data.dataset()) == 4
    assert not learning.plot_docks["decision"].isHidden()
    w.show()
    qtbot.waitExposed(w)
    assert learning.plot_docks["decision"].widget() is learning.plots["decision"]
    w.document.undo_stack.setClean()
    w.close()


def test_the_menus_filled_after_the_first_paint_read_as_in_a_window_made_at_once(qtbot):
    from nnsim.app.main_window import MainWindow

    def entries(menu):
        return [a.text() for a in menu.actions()]

    at_once = MainWindow()
    qtbot.addWidget(at_once)
    later = MainWindow(fill_docks=False)
    qtbot.addWidget(later)
    assert "1. The perceptron's forward pass" not in entries(later.lessons_menu)
    assert "&Export" not in entries(later.file_menu)
    later.learning.fill()
    assert entries(later.lessons_menu) == entries(at_once.lessons_menu)
    assert entries(later.file_menu) == entries(at_once.file_menu)
    numbers = [int(t.split(".")[0]) for t in entries(later.lessons_menu) if t[:1].isdigit()]
    assert len(numbers) >= 22 and numbers == list(range(1, len(numbers) + 1))  # no gap
    files = entries(later.file_menu)
    assert files.index("&Export") + 1 == files.index("Save Screenshot…")
    export = next(a for a in later.file_menu.actions() if a.text() == "&Export")
    assert [a.text() for a in export.menu().actions()] == [
        "Weights (.npz)…", "Keras Code (.py)…", "PyTorch Code (.py)…"]
    for w in (at_once, later):
        w.document.undo_stack.setClean()
        w.close()


def test_a_file_opened_at_start_up_shows_its_plots_docks_at_the_first_paint(tmp_path):
    from nnsim.engine.fileformat import save_document
    from nnsim.engine.lessons import find_lesson
    from nnsim.engine.setup import DEFAULT_STOP, Setup

    scene = find_lesson("universal-approximation-1d").scenes[0]
    path = tmp_path / "fit.json"
    save_document(scene.network, Setup(dataset=scene.dataset, rule=scene.rule,
                                       stop=dict(DEFAULT_STOP),
                                       plots=("curve", "loss", "weights")), path)
    seen = paint_probe(tmp_path, str(path))
    assert not seen["filled"] and seen["filled_after"]
    assert set(seen["shown"]) == {"curve", "loss", "weights"}
    # Laid out for the file before the paint, and not again: the same docks on view (a plot's
    # least height may still grow with what it shows, e.g. the weights' legend rows).
    assert set(seen["docks"]) == set(seen["after"])

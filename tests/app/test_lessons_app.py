"""Every lesson opens in the app and shows without error; scripted runs in the app (offscreen,
through the real engine thread) reach the lecture's claims."""
import numpy as np
import pytest

from nnsim.engine.lessons import find_lesson, list_lessons

LESSON_SCENES = [(lesson.id, i) for lesson in list_lessons() for i in range(len(lesson.scenes))]


def snapshots(window):
    got = []
    window.engine.snapshot_ready.connect(lambda snap, _rate: got.append(snap))
    return got


def run_scripted(window, qtbot, scene, got, timeout=60000):
    """Play the scene's scripted number of steps through the engine thread."""
    steps = max(scene.steps, 1)
    window.engine.step_n(steps)
    qtbot.waitUntil(lambda: bool(got) and (got[-1].step >= steps or got[-1].done), timeout=timeout)
    return got[-1]


@pytest.mark.parametrize("lesson_id, index", LESSON_SCENES)
def test_every_lesson_scene_opens_and_runs_in_the_app(window, qtbot, lesson_id, index):
    lesson = find_lesson(lesson_id)
    scene = lesson.scenes[index]
    got = snapshots(window)
    assert window.learning.open_scene(lesson, index)
    net = window.document.network
    assert net.names == scene.network.names and net.synapses == scene.network.synapses
    assert lesson.title in window.windowTitle()
    assert window.learning.lessons.current.id == lesson.id
    for key in scene.plots:
        assert not window.learning.plot_docks[key].isHidden()
    if scene.rule is not None:
        assert window.learning.rules.current_name() == scene.rule["name"]
        assert window.learning.rules.current_panel().is_applicable()
    if scene.dataset is not None:
        assert len(window.learning.data.dataset()) == len(scene.make_dataset())
    speed = window.run.speed  # the box shows the speed the scene runs at
    assert speed.currentData() == scene.steps_per_frame
    assert speed.currentText().startswith(f"{scene.steps_per_frame:,} step")
    snap = run_scripted(window, qtbot, scene, got)
    assert window._error_box is None, window._error_box and window._error_box.text()
    assert snap.message == "" or "stopped" not in snap.message
    assert np.all(np.isfinite(snap.outputs))


def test_lesson_5_xor_never_converges_in_the_app(window, qtbot):
    lesson = find_lesson("perceptron-learning")
    got = snapshots(window)
    window.learning.open_scene(lesson, 2)
    snap = run_scripted(window, qtbot, lesson.scenes[2], got)
    assert snap.step == lesson.scenes[2].steps and not snap.done
    assert min(snap.history["errors"]) >= 1


def test_lesson_6_recalls_the_letter_in_the_app(window, qtbot):
    lesson = find_lesson("hopfield")
    scene = lesson.scenes[0]
    got = snapshots(window)
    window.learning.open_scene(lesson, 0)
    snap = run_scripted(window, qtbot, scene, got)
    target = scene.make_dataset().X[scene.start["pattern"]]
    np.testing.assert_array_equal(snap.outputs, target)
    view = window.learning.plots["hopfield"]
    np.testing.assert_array_equal(view.state, target)  # the Hopfield view shows the recalled A


def test_lesson_20_keras_example_reaches_95_percent_in_the_app(window, qtbot):
    lesson = find_lesson("keras-example")
    got = snapshots(window)
    window.learning.open_scene(lesson, 0)
    snap = run_scripted(window, qtbot, lesson.scenes[0], got)
    assert snap.epoch == 10 and snap.history["val_accuracy"][-1] >= 0.95
    loss = window.learning.plots["loss"]
    assert loss.isVisible() or not window.learning.plot_docks["loss"].isHidden()


def test_opening_a_lesson_asks_before_losing_unsaved_work(window, monkeypatch):
    window.document.add_neuron("mine")
    monkeypatch.setattr(window, "confirm_discard", lambda: "cancel")
    assert not window.learning.open_lesson(0)
    assert window.document.network.has_neuron("mine")  # nothing lost


def test_a_user_saves_their_own_scene_as_a_lesson_and_opens_it_again(window, tmp_path,
                                                                     monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from nnsim.engine.lessons import load_lesson

    window.learning.open_scene(find_lesson("mlp-xor"), 1)
    window.document.set_weight("x1", "h1_1", 2.5)  # the user's own change
    path = tmp_path / "my-xor.json"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("My XOR", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.learning.save_scene_as_lesson()
    mine = load_lesson(path)
    scene = mine.scenes[0]
    assert mine.title == "My XOR"
    assert scene.network.synapse("x1", "h1_1").weight == 2.5
    own = find_lesson("mlp-xor").scenes[1].rule["params"]["learning_rate"]
    assert scene.rule["name"] == "backprop" and scene.rule["params"]["learning_rate"] == own
    assert len(scene.make_dataset()) == 4 and "decision" in scene.plots
    window.document.undo_stack.setClean()
    assert window.learning.open_scene(mine, 0)
    assert window.document.network.synapse("x1", "h1_1").weight == 2.5


def test_file_open_of_a_lesson_file_opens_the_lesson(window, tmp_path):
    import shutil

    from nnsim.engine.lessons import lessons_dir

    path = tmp_path / "copy-of-latch.json"
    shutil.copy(lessons_dir() / "03-loops-remember.json", path)
    assert window.files.open_path(str(path), ask=False)
    assert window.document.network.has_neuron("memory")
    assert window._error_box is None


def test_the_keras_lesson_trains_ten_epochs_and_stops_by_itself(window, qtbot):
    got = snapshots(window)
    window.learning.open_scene(find_lesson("keras-example"), 0)
    assert window.learning.rules.current_panel().stop_conditions()["epochs"] == 10
    assert not window.learning.plots["decision"].show_unit_lines  # 16 lines would clutter it
    window.engine.set_speed("max")
    window.engine.play()
    qtbot.waitUntil(lambda: not window.engine.running and bool(got) and got[-1].epoch == 10,
                    timeout=30000)
    assert got[-1].done and len(got[-1].history["val_accuracy"]) == 10


def test_lesson_1_shows_the_output_unit_at_z_minus_6(window, qtbot):
    got = snapshots(window)
    window.learning.open_lesson(0)
    qtbot.waitUntil(lambda: bool(got) and "y" in got[-1].names, timeout=10000)
    plot = window.learning.plots["activation"]
    qtbot.waitUntil(lambda: plot.z == -6.0, timeout=10000)
    assert plot.neuron == "y" and plot.activation == "sigmoid"

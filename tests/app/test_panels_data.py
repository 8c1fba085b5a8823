"""DataPanel: generated sets, CSV files and drawn points."""
from dataclasses import dataclass

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from nnsim.app.panels import DataPanel
from nnsim.engine import datasets
from nnsim.engine.datasets import Dataset, GeneratorParam
from nnsim.engine.network import Network


@dataclass(frozen=True)
class FakeGenerator:
    """The shape the panel relies on: name, title, kind, declared params, callable."""
    name: str = "fake"
    title: str = "Fake clouds"
    kind: str = "classification"
    params: tuple = (GeneratorParam("n", int, 20, 4, 1000, help="number of points"),
                     GeneratorParam("noise", float, 0.1, 0.0, 2.0, help="spread"),
                     GeneratorParam("seed", int, 0, 0, 2**31 - 1, help="same seed, same data"))

    def __call__(self, n=20, noise=0.1, seed=0):
        rng = np.random.default_rng(seed)
        return Dataset(rng.normal(0, noise, (n, 2)), np.arange(n) % 2, name="fake clouds")


@pytest.fixture
def fake_panel(qtbot):
    panel = DataPanel({"fake": FakeGenerator()}, throttle_ms=5)
    qtbot.addWidget(panel)
    return panel


@pytest.fixture
def panel(qtbot):
    panel = DataPanel(throttle_ms=5)
    qtbot.addWidget(panel)
    return panel


def test_fake_generator_form_and_data(qtbot, fake_panel):
    form = fake_panel.form("fake")
    assert list(form.controls) == ["n", "noise", "seed"]
    assert form.values() == {"n": 20, "noise": pytest.approx(0.1), "seed": 0}
    assert len(fake_panel.dataset()) == 20
    with qtbot.waitSignal(fake_panel.dataset_changed, timeout=1000) as blocker:
        form.controls["n"].setValue(37)  # as the user would
    assert len(blocker.args[0]) == 37 and fake_panel.dataset() is blocker.args[0]
    form.controls["n"].setValue(5000)
    assert form.values()["n"] == 1000  # the declared maximum holds


@pytest.mark.parametrize("key", list(datasets.GENERATORS))
def test_every_generator_gets_a_form_with_its_defaults(panel, key):
    gen = datasets.GENERATORS[key]
    assert panel.form(key).values() == pytest.approx({p.name: p.default for p in gen.params})
    assert panel.set_generator(key)
    expected = gen()
    np.testing.assert_array_equal(panel.dataset().X, expected.X)
    assert panel.source() == "generated"


def test_a_lesson_value_outside_the_declaration_is_refused(panel):
    before = panel.dataset()
    with pytest.raises(ValueError, match="'n' must be in 4 … 100k, not 1000000"):
        panel.set_generator("moons", n=1_000_000)
    with pytest.raises(ValueError, match="'gate' cannot be 'maybe'"):
        panel.set_generator("truth_table", gate="maybe")
    with pytest.raises(ValueError, match="no parameter 'size'"):
        panel.set_generator("moons", size=3)
    assert panel.dataset() is before


def test_size_and_seed_choose_the_data(panel):
    assert panel.set_generator("moons", n=50, seed=3)
    first = panel.dataset()
    assert len(first) == 50
    assert panel.set_generator("moons", n=50, seed=4)
    assert not np.array_equal(panel.dataset().X, first.X)
    assert panel.set_generator("moons", n=50, seed=3)
    np.testing.assert_array_equal(panel.dataset().X, first.X)  # same seed, same data
    np.testing.assert_array_equal(panel.dataset().y, first.y)
    np.testing.assert_array_equal(first.X, datasets.moons(50, 0.1, 3).X)


def test_choosing_a_generator_in_the_combo_generates(qtbot, panel):
    with qtbot.waitSignal(panel.dataset_changed, timeout=1000) as blocker:
        panel.generator_combo.setCurrentIndex(panel.generator_combo.findData("two_spirals"))
    assert len(blocker.args[0]) == 200 and panel.generator_name() == "two_spirals"
    assert "200 points" in panel.summary.text() and "2 classes" in panel.summary.text()


def test_bad_generator_parameters_keep_the_data(qtbot, panel):
    panel.set_generator("moons")
    before = panel.dataset()
    with qtbot.assertNotEmitted(panel.dataset_changed):
        assert not panel.set_generator("pulse", t1=1.0, t2=-1.0)
    assert panel.dataset() is before
    assert "t1 <= t2" in panel.error_label.text() and not panel.error_label.isHidden()


def write(path, text):
    path.write_text(text)
    return path


def test_a_good_csv_loads(qtbot, panel, tmp_path):
    path = write(tmp_path / "points.csv", "x1,x2,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    with qtbot.waitSignal(panel.dataset_changed, timeout=500) as blocker:
        assert panel.load_csv(path)
    data = blocker.args[0]
    np.testing.assert_array_equal(data.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(data.y, [0, 1, 1, 0])
    assert panel.source() == "csv" and panel.file_label.text() == "points.csv"


def test_a_bad_csv_is_refused_naming_the_line_and_the_data_is_kept(qtbot, panel, tmp_path):
    before = panel.dataset()
    path = write(tmp_path / "bad.csv", "x1,x2,label\n0,0,0\n0,abc,1\n1,1,0\n")
    with qtbot.assertNotEmitted(panel.dataset_changed):
        assert not panel.load_csv(path)
    assert panel.dataset() is before and panel.source() == "generated"
    assert "line 3" in panel.error_label.text() and "'abc'" in panel.error_label.text()
    assert not panel.error_label.isHidden()
    assert panel.last_error == panel.error_label.text()
    ragged = write(tmp_path / "ragged.csv", "1,2,0\n3,4\n")
    assert not panel.load_csv(ragged) and "line 2" in panel.error_label.text()
    assert not panel.load_csv(tmp_path / "missing.csv")
    assert panel.dataset() is before
    good = write(tmp_path / "good.csv", "1,2,0\n3,4,1\n")
    assert panel.load_csv(good) and panel.error_label.isHidden()  # a success clears the error


def test_the_load_button_asks_for_a_file(qtbot, panel, tmp_path, monkeypatch):
    path = write(tmp_path / "pick.csv", "1,2,0\n3,4,1\n5,6,1\n")
    asked = {}

    def fake_dialog(parent, caption, directory, filters, options=None):
        asked.update(caption=caption, directory=directory, filters=filters, options=options)
        return str(path), "CSV files (*.csv)"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_dialog))
    assert not panel.native_dialog
    with qtbot.waitSignal(panel.dataset_changed, timeout=500):
        panel.load_button.click()
    assert len(panel.dataset()) == 3 and "*.csv" in asked["filters"]
    assert asked["options"] & QFileDialog.Option.DontUseNativeDialog
    assert asked["directory"] != str(tmp_path)
    assert panel.last_dir == str(tmp_path.resolve())  # the next dialog opens where this one was
    panel.native_dialog = True
    panel.choose_csv()
    assert not asked["options"] & QFileDialog.Option.DontUseNativeDialog
    assert asked["directory"] == str(tmp_path.resolve())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    assert not panel.choose_csv()  # cancelled: nothing changes
    assert len(panel.dataset()) == 3


def test_add_undo_and_clear_points(qtbot, panel):
    panel.set_generator("truth_table", gate="xor")
    original = panel.dataset()
    assert len(original) == 4
    with qtbot.waitSignal(panel.dataset_changed, timeout=500) as blocker:
        assert panel.add_point(0.5, 0.25, 1)
    data = blocker.args[0]
    assert len(data) == 5 and list(data.X[-1]) == [0.5, 0.25] and data.y[-1] == 1
    assert panel.add_point(-0.5, 0.5, 0)
    assert len(panel.dataset()) == 6 and panel.source() == "drawn"
    panel.undo_point()
    assert len(panel.dataset()) == 5
    assert panel.dataset().name == "XOR (0/1) + drawn points"
    panel.undo_point()
    np.testing.assert_array_equal(panel.dataset().X, original.X)
    np.testing.assert_array_equal(panel.dataset().y, original.y)
    assert panel.source() == "generated" and panel.dataset().name == original.name
    panel.clear_points()
    assert len(panel.dataset()) == 0 and panel.dataset().n_features == 2
    assert panel.dataset().name == "Drawn points" and panel.source() == "drawn"
    assert "0 points" in panel.summary.text()
    assert panel.add_point(0.1, 0.2, 1)
    panel.undo_point()
    panel.undo_point()  # undoes the clear
    assert len(panel.dataset()) == 4
    panel.redo_point()
    assert len(panel.dataset()) == 0
    panel.set_generator("moons", n=20)
    assert not panel.undo_stack.canUndo()  # new data: point edits do not reach across


def test_the_undo_button_follows_the_stack(qtbot, panel):
    assert not panel.undo_button.isEnabled()
    panel.add_point(0.0, 0.0)  # the chosen class: 1 by default
    assert panel.dataset().y[-1] == 1 and panel.undo_button.isEnabled()
    panel.undo_button.click()
    assert not panel.undo_button.isEnabled()


def test_several_outputs_mean_several_classes_sent_one_hot(qtbot, panel):
    panel.set_generator("truth_table", gate="and")
    panel.set_network(Network.layered([2, 3]))
    assert panel.class_combo.count() == 3
    panel.class_combo.setCurrentIndex(2)
    assert panel.drawing_class() == 2
    assert panel.add_point(0.3, 0.3)
    y = panel.dataset().y
    assert y.shape == (5, 3)
    np.testing.assert_array_equal(y[-1], [0, 0, 1])
    np.testing.assert_array_equal(y[:4].argmax(1), [0, 0, 0, 1])
    with qtbot.assertNotEmitted(panel.dataset_changed):
        assert not panel.add_point(0.0, 0.0, 3)
    assert "Class 3 does not exist" in panel.draw_message.text()
    assert "3 classes" in panel.summary.text()
    panel.set_network(Network.layered([2, 1]))
    assert panel.class_combo.count() == 2 and panel.dataset().y.ndim == 1


def test_an_edit_that_keeps_the_outputs_does_not_resend_the_data(qtbot, panel):
    panel.set_network(Network.layered([2, 3]))
    with qtbot.assertNotEmitted(panel.dataset_changed):
        panel.set_network(Network.layered([2, 5, 3]))
    with qtbot.waitSignal(panel.dataset_changed, timeout=500):
        panel.set_network(Network.layered([2, 2]))


def test_more_classes_than_outputs_is_flagged(panel):
    panel.set_generator("blobs", k=4)
    panel.set_network(Network.layered([2, 3]))
    assert "4 classes but the network has 3 outputs" in panel.warning.text()
    assert not panel.warning.isHidden()
    panel.set_network(Network.layered([2, 4]))
    assert panel.warning.isHidden() and panel.dataset().y.shape == (150, 4)


def test_points_on_one_input_regression_are_input_and_target(panel):
    panel.set_generator("sine", n=10)
    assert panel.add_point(1.0, 0.5)
    data = panel.dataset()
    assert data.X.shape == (11, 1) and data.X[-1, 0] == 1.0 and data.y[-1] == 0.5
    panel.clear_points()
    assert panel.dataset().n_features == 1
    assert panel.add_point(-1.0, 2.0)  # drawing a function from scratch
    np.testing.assert_array_equal(panel.dataset().X, [[-1.0]])
    np.testing.assert_array_equal(panel.dataset().y, [2.0])


def test_points_cannot_be_drawn_on_three_inputs(panel, tmp_path):
    assert panel.load_csv(write(tmp_path / "three.csv", "1,2,3,0\n4,5,6,1\n"))
    before = panel.dataset()
    assert not panel.add_point(0.0, 0.0, 1)
    assert "3 inputs" in panel.draw_message.text() and panel.dataset() is before

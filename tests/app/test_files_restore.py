"""Files restore the whole document: save, close, reopen, and the data, the rule with its
parameters and stop conditions, Show Values and the plots on view are back."""
from __future__ import annotations

import json

import numpy as np
import pytest

from nnsim.engine.lessons import find_lesson


def test_save_close_reopen_gives_back_data_rule_display_and_plots(window, tmp_path, qtbot):
    learning = window.learning
    assert learning.open_scene(find_lesson("mlp-xor"), 1)  # backprop on XOR
    data = learning.data
    data.set_generator("moons", n=60, noise=0.2, seed=3)  # as the user picks it
    panel = learning.rules.current_panel()
    panel.form.set_values({"learning_rate": 0.3})
    panel.form.changed.emit("learning_rate", 0.3)
    panel.flush()
    panel.stop.epochs.setValue(123)
    window.view.set_show_values(False)  # View > Show Values, off
    learning.plot_docks["weights"].show()  # the user opens a plot
    qtbot.waitUntil(lambda: not learning.plot_docks["weights"].isHidden())
    doc = window.document
    assert doc.is_dirty and doc.rule["params"]["learning_rate"] == pytest.approx(0.3)
    assert doc.stop["epochs"] == 123 and doc.show_values is False
    shown_plots = set(learning._visible_plots())
    assert "weights" in shown_plots

    path = str(tmp_path / "moons.json")
    assert window.files._save(path)
    saved = json.loads(open(path).read())
    assert saved["dataset"] == {"generator": "moons",
                                "params": {"n": 60, "noise": 0.2, "seed": 3}}
    assert set(saved["plots"]) == shown_plots

    window.files.new_document()  # close it: nothing of it is left
    assert window.document.rule is None and learning.rules.current_name() is None
    assert window.view.show_values is True and "AND" in data.summary.text()

    assert window.files.open_path(path)
    doc = window.document
    assert not doc.is_dirty
    assert data.generator_name() == "moons"
    assert data.generator_params() == {"n": 60, "noise": pytest.approx(0.2), "seed": 3}
    assert len(data.dataset()) == 60 and len(doc.dataset) == 60
    assert learning.rules.current_name() == "backprop"
    panel = learning.rules.current_panel()
    assert panel.params()["learning_rate"] == pytest.approx(0.3)
    assert panel.stop_conditions()["epochs"] == 123
    assert window.view.show_values is False
    assert set(learning._visible_plots()) == shown_plots
    assert panel.is_ready()  # and the engine has them: Train trains
    np.testing.assert_array_equal(doc.training_data().X, data.dataset().X)


def test_drawn_points_are_saved_as_points(window, tmp_path):
    learning = window.learning
    learning.data.clear_points()
    for x, y, label in ((0.1, 0.2, 1), (-0.5, 0.4, 0), (0.7, -0.3, 1)):
        assert learning.data.add_point(x, y, label)
    path = str(tmp_path / "drawn.json")
    assert window.files._save(path)
    window.files.new_document()
    assert window.files.open_path(path)
    back = window.document.dataset
    np.testing.assert_array_equal(back.X, [[0.1, 0.2], [-0.5, 0.4], [0.7, -0.3]])
    np.testing.assert_array_equal(back.y, [1, 0, 1])
    assert learning.data.source() == "drawn" and len(learning.data.dataset()) == 3


def test_a_version_1_file_opens_with_the_default_setup(window, tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({
        "format": "nnsim-network", "version": 1, "name": "old",
        "neurons": [{"id": 0, "name": "x1", "role": "input"},
                    {"id": 1, "name": "x2", "role": "input"},
                    {"id": 2, "name": "y", "role": "output", "activation": "step"}],
        "synapses": [{"source": 0, "target": 2, "weight": 1.0},
                     {"source": 1, "target": 2, "weight": 1.0}]}))
    assert window.files.open_path(str(path))
    assert window.document.rule is None and "AND" in window.learning.data.summary.text()
    window.learning.rules.select_rule("perceptron")
    assert window.learning.rules.current_panel().is_ready()


def test_a_file_with_an_unknown_field_is_refused_by_name(window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(window, "show_error",
                        lambda title, text, details="", advice="": shown.append(text))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "nnsim-network", "version": 2, "neurons": [],
                                "synapses": [], "rule": {"name": "perceptron", "speed": 2}}))
    before = window.document
    assert not window.files.open_path(str(path))
    assert window.document is before
    assert shown == [f"{path}: rule.speed: unknown field; the fields of rule are name, params"]


def test_the_recovery_file_keeps_the_setup_too(window, qtbot):
    doc = window.document
    window.learning.rules.select_rule("delta")
    doc.add_neuron("x1", role="input")
    assert window.recovery.autosave()
    pending = window.recovery.pending()
    assert pending["setup"].rule["name"] == "delta"
    assert window.offer_recovery(ask=lambda _question: True)
    assert window.document.rule_name == "delta" and window.learning.rules.current_name() == "delta"

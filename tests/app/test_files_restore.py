"""Files restore the whole document: save, close, reopen, and the data, the rule with its
parameters and stop conditions, Show Values and the plots on view are back."""
from __future__ import annotations

import json
import os
import stat

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


# ---------------------------------------------------------------------- saving over special files
def test_saving_over_a_read_only_file_asks_first(window, tmp_path, monkeypatch):
    path = tmp_path / "mine" / "kept.json"
    path.parent.mkdir()
    path.write_text("precious")
    path.chmod(0o444)
    window.document.add_neuron("x")
    asked = []
    monkeypatch.setattr(window, "confirm_replace_read_only",
                        lambda p: asked.append(p) or False)
    assert not window.files._save(str(path))  # no: the file is kept, the work still unsaved
    assert asked == [str(path)] and path.read_text() == "precious"
    assert window.document.is_dirty and os.listdir(path.parent) == ["kept.json"]

    monkeypatch.setattr(window, "confirm_replace_read_only", lambda p: asked.append(p) or True)
    assert window.files._save(str(path))  # yes: replaced, and it stays read-only
    assert len(asked) == 2 and not window.document.is_dirty
    assert "x" in {n["name"] for n in json.loads(path.read_text())["neurons"]}
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_saving_through_a_symlink_keeps_the_link_and_the_documents_name(window, tmp_path):
    target = tmp_path / "real" / "net.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "net.json"
    link.symlink_to(target)
    window.document.add_neuron("through")
    assert window.files._save(str(link))
    assert link.is_symlink() and window.document.path == str(link)
    assert "through" in {n["name"] for n in json.loads(target.read_text())["neurons"]}
    assert window.files.recent_files()[0] == str(link)


def test_saving_over_a_folder_says_so_naming_it(window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(window, "show_error",
                        lambda title, text, details="", advice="": shown.append((title, text)))
    folder = tmp_path / "folder.json"
    folder.mkdir()
    window.document.add_neuron("x")
    assert not window.files._save(str(folder))
    assert shown == [("The network could not be saved", f"{folder}: is a folder, not a file.")]
    assert folder.is_dir() and window.document.is_dirty


# ---------------------------------------------------------------------- the recent-files list
JUNK = [
    5, 3.5, None, True, b"/bytes.json", {"a": "/x.json"}, [["/nested.json"]], "", "relative.json",
    "/ctrl\nline.json", "/nul\x00.json", "/" + "x" * 5000,
]


def test_reasonable_paths():
    from nnsim.app.file_actions import reasonable_path

    assert reasonable_path("/home/ann/net.json") and reasonable_path("/a b/é ü.json")
    for junk in JUNK + ["/lone\udcff.json", "/del\x7f.json"]:
        assert not reasonable_path(junk), junk


def test_a_damaged_recent_files_list_gives_only_reasonable_paths(window, tmp_path):
    from nnsim.app.file_actions import MAX_RECENT, RECENT_KEY

    good = [str(tmp_path / f"n{i}.json") for i in range(12)]
    for path in good:
        open(path, "w").close()
    settings = window.settings
    for value in JUNK:  # one junk value in place of the list
        settings.setValue(RECENT_KEY, value)
        assert window.files.recent_files() == [], value
    settings.setValue(RECENT_KEY, JUNK + [good[0], good[0]] + JUNK + good[1:])
    assert window.files.recent_files() == good[:MAX_RECENT]  # junk left out, no repeats, capped
    settings.setValue(RECENT_KEY, ["/junk.json"] * 100_000 + [good[0]])
    assert window.files.recent_files() == ["/junk.json"]  # a huge list: only its start is read
    settings.setValue(RECENT_KEY, good[3])  # one entry: QSettings gives back a lone string
    assert window.files.recent_files() == [good[3]]
    window.files._fill_recent()
    assert [a.text() for a in window.files.recent_menu.actions() if a.text()][0] == "&1 n3.json"


@pytest.mark.qt_log_ignore("QVariant::load: unknown user type")  # Qt's own word on the junk
def test_a_hand_edited_settings_file_never_breaks_the_recent_files(window, tmp_path):
    from PySide6.QtCore import QSettings

    ini = tmp_path / "junk.ini"
    good = tmp_path / "real.json"
    good.write_text("{}")
    for line in ("recentFiles=@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x10garbage)",
                 "recentFiles=@ByteArray(\\xff\\xfe)", "recentFiles=@Rect(1 2 3)",
                 "recentFiles=1, 2, 3", "recentFiles=\\x41\\x0", "recentFiles=",
                 f"recentFiles=relative.json, {good}, {good}"):
        ini.write_text(f"[General]\n{line}\n")
        window.settings = QSettings(str(ini), QSettings.Format.IniFormat)
        files = window.files.recent_files()
        assert files == ([str(good)] if str(good) in line else []), line
        window.files._fill_recent()  # the menu fills without raising
        assert window.files.recent_menu.actions()

"""The document is the one truth: what the panels show is what the engine uses, from the first
frame; a rule that cannot run says so inline with a fix; lessons leave nothing behind on the plots;
running is not editing."""
from __future__ import annotations

import numpy as np
import pytest

from nnsim.app.document import Document
from nnsim.app.engine_thread import EngineThread
from nnsim.engine.lessons import find_lesson
from nnsim.engine.network import Network


@pytest.fixture
def sent(monkeypatch):
    """Every dataset the window's engine is given, in order (installed before the window)."""
    calls = []
    original = EngineThread.set_dataset

    def spy(self, dataset):
        calls.append(dataset)
        original(self, dataset)
    monkeypatch.setattr(EngineThread, "set_dataset", spy)
    return calls


@pytest.fixture
def errors(window, monkeypatch):
    shown = []
    monkeypatch.setattr(window, "show_error",
                        lambda title, text, details="", advice="": shown.append((title, text)))
    return shown


def draw_perceptron(doc: Document, activation: str = "step") -> None:
    """As a user draws it: two inputs, one unit, two synapses (each an undoable edit)."""
    doc.add_neuron("x1", role="input", x=0, y=0)
    doc.add_neuron("x2", role="input", x=0, y=80)
    doc.add_neuron("y", role="output", activation=activation, x=160, y=40)
    doc.connect("x1", "y", 0.2)
    doc.connect("x2", "y", -0.4)


def same_data(a, b) -> bool:
    if a is None or b is None:
        return a is b
    same_y = (a.y is None and b.y is None) or (
        a.y is not None and b.y is not None and np.array_equal(a.y, b.y))
    return np.array_equal(a.X, b.X) and same_y


def test_the_data_shown_is_the_data_the_engine_has_from_the_first_frame(sent, window):
    learning = window.learning
    shown = learning.data.dataset()
    assert shown is not None and "AND" in learning.data.summary.text()
    assert sent and same_data(sent[-1], shown)  # sent at once, not on the first change
    assert same_data(window.document.training_data(), shown)
    # File > New: the new document's data, shown and sent the same way.
    window.files.new_document()
    assert same_data(sent[-1], learning.data.dataset())
    # The rule panel describes the same data, not "no dataset chosen".
    learning.rules.select_rule("perceptron")
    assert "AND" in learning.rules.current_panel().data_label.text()


def test_perceptron_after_file_new_says_what_is_missing_and_its_fix_trains(
        sent, window, errors, qtbot):
    learning = window.learning
    window.files.new_document()
    doc = window.document
    draw_perceptron(doc)
    data = learning.data
    data.generator_combo.setCurrentIndex(data.generator_combo.findData("patterns"))
    assert doc.dataset_spec["generator"] == "patterns"  # the panel's choice is the document's
    learning.rules.select_rule("perceptron")
    panel = learning.rules.current_panel()
    assert errors == [] and window._error_box is None  # no dialog
    assert not panel.reason.isHidden()
    assert panel.reason.text() == ("Perceptron rule learns from targets, and these data have "
                                   "none: choose data with targets.")
    assert not panel.train_button.isEnabled() and not panel.step_button.isEnabled()
    assert panel.train_button.toolTip() == panel.reason.text()
    assert not panel.fix_button.isHidden() and panel.fix_button.text() == "Use AND data"

    panel.fix_button.click()
    assert doc.dataset_spec == {"generator": "truth_table",
                                "params": {"gate": "and", "bipolar": False}}
    assert "AND" in data.summary.text() and same_data(sent[-1], data.dataset())
    assert panel.reason.isHidden() and panel.fix_button.isHidden()
    assert panel.train_button.isEnabled() and panel.step_button.isEnabled()

    before = (doc.network.synapse("x1", "y").weight, doc.network.synapse("x2", "y").weight,
              doc.network.neuron("y").bias)
    panel.train_button.click()
    qtbot.waitUntil(lambda: window.engine.snapshot is not None
                    and window.engine.snapshot.epoch > 0, timeout=10000)
    panel.train_button.click()  # pause: the learned weights come back into the document
    qtbot.waitUntil(lambda: not window.engine.running, timeout=10000)
    after = lambda: (doc.network.synapse("x1", "y").weight,  # noqa: E731
                     doc.network.synapse("x2", "y").weight, doc.network.neuron("y").bias)
    qtbot.waitUntil(lambda: after() != before, timeout=10000)
    assert errors == []


def test_a_recurrent_network_for_backprop_offers_to_become_feed_forward(window, errors):
    doc = window.document
    draw_perceptron(doc, "sigmoid")
    doc.add_neuron("h", activation="sigmoid", x=80, y=40)
    doc.connect("x1", "h", 0.5)
    doc.connect("h", "y", 0.5)
    doc.connect("y", "h", 0.3)  # a loop
    window.learning.rules.select_rule("backprop")
    panel = window.learning.rules.current_panel()
    assert "feed-forward" in panel.reason.text() and panel.reason.text().endswith(".")
    assert panel.fix_button.text() == "Make it feed-forward"
    assert not panel.train_button.isEnabled()
    panel.fix_button.click()
    assert not doc.network.has_synapse("y", "h") and doc.network.is_feedforward
    assert doc.network.has_synapse("h", "y")  # only the synapse closing the loop goes
    assert panel.reason.isHidden() and panel.train_button.isEnabled()
    doc.undo_stack.undo()  # the fix is an ordinary edit
    assert doc.network.has_synapse("y", "h") and not panel.train_button.isEnabled()
    assert errors == []


def test_choosing_a_rule_data_and_parameters_are_undoable_edits(window):
    doc, rules = window.document, window.learning.rules
    assert not doc.is_dirty and rules.current_name() is None  # "No learning", as the engine
    rules.select_rule("delta")
    assert doc.rule_name == "delta" and doc.is_dirty
    rules.current_panel().set_params({"learning_rate": 0.75})
    rules.current_panel().form.changed.emit("learning_rate", 0.75)  # as the user's edit would
    rules.current_panel().flush()
    assert doc.rule["params"]["learning_rate"] == pytest.approx(0.75)
    doc.undo_stack.undo()
    assert doc.rule["params"]["learning_rate"] == pytest.approx(0.5)
    assert rules.current_panel().params()["learning_rate"] == pytest.approx(0.5)
    doc.undo_stack.undo()
    assert doc.rule_name is None and rules.current_name() is None
    assert not doc.is_dirty


# ---------------------------------------------------------------------- no stale state
def open_lesson(window, name: str, scene: int = 0) -> None:
    assert window.learning.open_scene(find_lesson(name), scene)


def decision_points(window) -> int:
    plot = window.learning.plots["decision"]
    x, _y = plot.scatter.getData()
    return 0 if x is None else len(x)


def test_lesson_7_then_3_leaves_no_xor_points_on_the_decision_plot(window):
    open_lesson(window, "7")
    assert decision_points(window) == 4
    open_lesson(window, "3")
    assert decision_points(window) == 0
    assert window.learning.data.dataset() is None and window.document.dataset is None


def test_lesson_20_then_6_leaves_no_moons(window):
    open_lesson(window, "keras-example")
    assert decision_points(window) == 1000
    open_lesson(window, "6")
    assert decision_points(window) == 0
    assert window.learning.plots["decision"].is_unavailable  # a Hopfield net has no plane


def test_lesson_16_then_15_leaves_no_targets_on_the_function_fit(window):
    open_lesson(window, "universal-approximation-1d")
    curve = window.learning.plots["curve"]
    assert len(curve.targets.getData()[0]) == 200
    open_lesson(window, "rbf-networks")
    x, _ = curve.targets.getData()
    assert x is None or len(x) == 0


def test_file_new_forgets_the_lessons_rule_and_schedule(window):
    open_lesson(window, "7", 1)
    assert window.learning.rules.current_name() == "backprop"
    window.files.new_document()
    assert window.learning.rules.current_name() is None and window.document.rule is None
    assert window.learning.rules.current_panel() is None
    assert decision_points(window) == 4  # the new document's own AND data, nothing else


def test_running_a_lesson_is_not_an_edit_but_editing_it_is(window, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(window, "confirm_discard", lambda: asked.append(1) or "discard")
    open_lesson(window, "5")
    panel = window.learning.rules.current_panel()
    assert panel.is_ready()
    before = window.document.network.copy()
    panel.train_button.click()
    qtbot.waitUntil(lambda: window.engine.snapshot is not None
                    and window.engine.snapshot.epoch >= 1, timeout=10000)
    window.engine.pause()
    qtbot.waitUntil(lambda: window.document.network != before, timeout=10000)  # written back
    assert window.document.undo_stack.undoText() == "Training"
    assert not window.document.is_dirty and not window.isWindowModified()
    open_lesson(window, "6")
    assert asked == []  # no save prompt: nothing was edited
    window.document.set_weight(*next(iter(
        (window.document.network.neuron(s.source).name, window.document.network.neuron(s.target).name)
        for s in window.document.network.synapses)), 0.5)
    open_lesson(window, "7")
    assert asked == [1]  # an edit by the user still asks


def test_a_feed_forward_document_makes_the_hopfield_plot_say_why(window):
    window.set_document(Document(Network.layered([2, 2, 1], seed=0)))
    hopfield = window.learning.plots["hopfield"]
    assert hopfield.is_unavailable and hopfield.unavailable_reason.endswith(".")
    assert not window.learning.plots["decision"].is_unavailable


def test_empty_data_are_said_inline_with_their_fix(window, errors):
    draw_perceptron(window.document, "sigmoid")
    learning = window.learning
    learning.rules.select_rule("delta")
    learning.data.clear_points()  # the user starts a drawing from nothing
    panel = learning.rules.current_panel()
    assert panel.reason.text().startswith("The data have no points yet")
    assert panel.fix_button.text() == "Use AND data" and not panel.train_button.isEnabled()
    panel.fix_button.click()
    assert panel.is_ready() and len(window.document.dataset) == 4
    assert errors == []


def test_a_problem_only_the_trainer_knows_is_said_inline_not_in_a_dialog(window, errors,
                                                                         monkeypatch):
    from nnsim.engine.rules import RULES

    def refuses(self, net, data=None, seed=0):
        raise ValueError("the moon is in the wrong phase")
    with monkeypatch.context() as patch:
        patch.setattr(RULES["delta"], "trainer", refuses)
        draw_perceptron(window.document, "sigmoid")
        window.learning.rules.select_rule("delta")
        panel = window.learning.rules.current_panel()
        assert panel.reason.text() == "The moon is in the wrong phase."
        assert not panel.train_button.isEnabled() and errors == []
    window.document.set_weight("x1", "y", 0.3)  # the next change tries again, and it trains
    assert panel.is_ready() and panel.train_button.isEnabled()


def test_a_new_document_starts_every_rule_from_its_defaults(window):
    open_lesson(window, "keras-example")  # backprop with the lesson's own values and 10 epochs
    rules = window.learning.rules
    assert rules.current_panel().stop_conditions()["epochs"] == 10
    window.files.new_document()
    rules.select_rule("backprop")
    from nnsim.engine.rules import RULES

    defaults = {p.name: p.default for p in RULES["backprop"].parameters}
    assert window.document.rule == {"name": "backprop", "params": defaults}
    assert window.document.stop["epochs"] == 1000
    assert rules.current_panel().progress.text() == "Not started"
    data = window.learning.data
    data.generator_combo.setCurrentIndex(data.generator_combo.findData("moons"))
    assert window.document.dataset_spec["params"]["n"] == 200  # not the lesson's 1,000


def test_the_plots_the_user_opens_are_the_documents_but_a_layout_is_not_an_edit(window, qtbot):
    open_lesson(window, "5")
    window.reset_layout()  # View > Reset Layout moves docks around: not an edit
    qtbot.wait(20)
    assert not window.document.is_dirty
    window.learning.plot_docks["matrix"].show()  # the user opens a plot: part of the document
    qtbot.waitUntil(lambda: "matrix" in (window.document.plots or ()))
    assert window.document.is_dirty and window.isWindowModified()


def test_file_new_shows_the_default_plots(window, qtbot):
    open_lesson(window, "6")  # Hopfield state and energy
    window.files.new_document()
    shown = window.learning._visible_plots()
    assert set(shown) == {"decision", "loss"} and window.document.plots == ("decision", "loss")
    assert not window.document.is_dirty

"""Document: undoable edits, exact undo/redo, files, dirty state and signals."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnsim.app.document import Document, fragment
from nnsim.engine.fileformat import NetworkFileError
from nnsim.engine.network import Network


@pytest.fixture
def doc(qapp):
    return Document(Network.layered([2, 2, 1], "tanh"))


def test_new_document_is_clean_and_untitled(qapp):
    d = Document()
    assert len(d.network) == 0
    assert d.display_name() == "Untitled"
    assert not d.is_dirty


def test_add_connect_undo_redo(qapp):
    d = Document()
    a = d.add_neuron("a", role="input", x=10, y=20)
    b = d.add_neuron(role="output", activation="step", x=100)
    d.connect(a, b, 0.5, "inhibitory")
    assert d.network.synapse("a", b).weight == 0.5
    assert d.network.synapse("a", b).kind == "inhibitory"
    assert d.undo_stack.count() == 3
    d.undo_stack.undo()
    assert d.network.parameter_count == 0
    assert len(d.network) == 2
    d.undo_stack.undo()
    d.undo_stack.undo()
    assert len(d.network) == 0
    d.undo_stack.redo()
    d.undo_stack.redo()
    d.undo_stack.redo()
    assert d.network.synapse("a", b).weight == 0.5
    assert d.network.neuron("a").x == 10


def test_invalid_edit_changes_nothing_and_pushes_nothing(doc):
    before = doc.network.copy()
    with pytest.raises(ValueError):
        doc.connect("h1_1", "x1")  # inputs cannot receive synapses
    with pytest.raises(ValueError):
        doc.set_neuron("x1", bias="a lot")
    assert doc.network == before
    assert doc.undo_stack.count() == 0


def test_signals_and_dirty(doc, qtbot):
    dirty = []
    doc.dirty_changed.connect(dirty.append)
    with qtbot.waitSignal(doc.changed):
        doc.set_weight("x1", "h1_1", 2.0)
    assert doc.is_dirty and dirty == [True]
    with qtbot.waitSignal(doc.changed):
        doc.undo_stack.undo()
    assert not doc.is_dirty and dirty == [True, False]


def test_wheel_nudges_merge_into_one_step(doc):
    w0 = doc.network.synapse("x1", "h1_1").weight
    for _ in range(5):
        doc.nudge_weight("x1", "h1_1", 0.1)
    assert doc.network.synapse("x1", "h1_1").weight == pytest.approx(w0 + 0.5)
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.network.synapse("x1", "h1_1").weight == w0
    doc.undo_stack.redo()
    assert doc.network.synapse("x1", "h1_1").weight == pytest.approx(w0 + 0.5)


def test_nudges_of_different_synapses_do_not_merge(doc):
    doc.nudge_weight("x1", "h1_1", 0.1)
    doc.nudge_weight("x2", "h1_1", 0.1)
    assert doc.undo_stack.count() == 2


def test_toggle_input_and_set_neuron(doc):
    doc.toggle_input("x1")
    assert doc.network.neuron("x1").value == 1.0
    doc.toggle_input("x1")
    assert doc.network.neuron("x1").value == 0.0
    doc.set_neuron("h1_1", activation="gaussian", params={"beta": 2.5}, threshold=0.75)
    n = doc.network.neuron("h1_1")
    assert (n.activation, n.params["beta"], n.bias) == ("gaussian", 2.5, -0.75)
    doc.set_neuron("h1_1", params={})
    assert doc.network.neuron("h1_1").params == {}
    with pytest.raises(ValueError):
        doc.set_neuron("h1_1", colour="red")


def test_remove_items_deletes_neurons_with_their_synapses(doc):
    doc.remove_items(["h1_1"], [("x1", "h1_2"), ("x1", "h1_1")])
    net = doc.network
    assert len(net) == 4
    assert net.parameter_count == 6 - 3 - 1
    doc.undo_stack.undo()
    assert doc.network == Network.layered([2, 2, 1], "tanh")


def test_copy_paste_renames_clashes(doc):
    data = json.loads(json.dumps(fragment(doc.network, ["x1", "h1_1"])))
    assert len(data["neurons"]) == 2 and len(data["synapses"]) == 1
    names = doc.paste(data, (50, 10))
    assert names == ["x1_2", "h1_1_2"]
    net = doc.network
    assert len(net) == 7
    assert net.synapse("x1_2", "h1_1_2").weight == net.synapse("x1", "h1_1").weight
    assert net.neuron("x1_2").x == net.neuron("x1").x + 50
    assert doc.undo_stack.count() == 1


def test_replace_network_is_one_step(doc):
    trained = doc.network.copy()
    trained.set_weight("h1_1", "y", 9.0)
    trained.set_bias("y", -1.0)
    doc.replace_network(trained, "Training")
    assert doc.network == trained and doc.network is not trained
    assert doc.undo_stack.undoText() == "Training"
    doc.undo_stack.undo()
    assert doc.network.synapse("h1_1", "y").weight != 9.0


def test_auto_layout_columns_by_layer(qapp):
    net = Network()
    for name, role in [("a", "input"), ("b", "hidden"), ("c", "output"), ("d", "input")]:
        net.add_neuron(name, role=role, x=7, y=7)
    net.connect("a", "b")
    net.connect("b", "c")
    net.connect("d", "c")
    d = Document(net)
    d.auto_layout()
    pos = {n.name: (n.x, n.y) for n in d.network.neurons}
    assert pos["a"] == (0.0, -40.0) and pos["d"] == (0.0, 40.0)
    assert pos["b"] == (160.0, 0.0) and pos["c"] == (320.0, 0.0)
    assert d.undo_stack.count() == 1


def test_save_open_round_trip(doc, tmp_path, qtbot):
    doc.set_weight("x1", "h1_1", 3.0)
    path = tmp_path / "net.json"
    with qtbot.waitSignal(doc.path_changed) as sig:
        doc.save(path)
    assert sig.args == [str(path)]
    assert not doc.is_dirty and doc.display_name() == "net.json"
    again = Document.open(path)
    assert again.network == doc.network and again.path == str(path)


def test_open_bad_file_raises(tmp_path, qapp):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "nnsim-network", "version": 1, "neurons": 3}')
    with pytest.raises(NetworkFileError):
        Document.open(bad)


def test_save_without_path_raises(qapp):
    with pytest.raises(ValueError):
        Document().save()


# ---------------------------------------------------------------- random edit sequences
NAMES = ["x1", "x2", "h1_1", "h1_2", "y", "new"]
edit = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(["input", "hidden", "output"]),
              st.floats(-300, 300)),
    st.tuples(st.just("remove"), st.sampled_from(NAMES)),
    st.tuples(st.just("connect"), st.sampled_from(NAMES), st.sampled_from(NAMES),
              st.floats(-3, 3)),
    st.tuples(st.just("disconnect"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("weight"), st.sampled_from(NAMES), st.sampled_from(NAMES),
              st.floats(-3, 3)),
    st.tuples(st.just("nudge"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("kind"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("toggle"), st.sampled_from(NAMES)),
    st.tuples(st.just("bias"), st.sampled_from(NAMES), st.floats(-2, 2)),
    st.tuples(st.just("rename"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("move"), st.sampled_from(NAMES), st.floats(-500, 500)),
    st.tuples(st.just("paste"), st.lists(st.sampled_from(NAMES), max_size=3)),
    st.tuples(st.just("layout"),),
)


def _apply(d: Document, e: tuple) -> None:
    op, *a = e
    if op == "add":
        d.add_neuron(role=a[0], x=a[1])
    elif op == "remove":
        d.remove_items([a[0]], [])
    elif op == "connect":
        d.connect(a[0], a[1], a[2])
    elif op == "disconnect":
        d.disconnect(a[0], a[1])
    elif op == "weight":
        d.set_weight(a[0], a[1], a[2])
    elif op == "nudge":
        d.nudge_weight(a[0], a[1], 0.1)
    elif op == "kind":
        d.toggle_kind([(a[0], a[1])])
    elif op == "toggle":
        d.toggle_input(a[0])
    elif op == "bias":
        d.set_neuron(a[0], bias=a[1])
    elif op == "rename":
        d.rename_neuron(a[0], a[1] + "r")
    elif op == "move":
        d.move_neurons({a[0]: (a[1], -a[1])})
    elif op == "paste":
        d.paste(fragment(d.network, [n for n in set(a[0]) if d.network.has_neuron(n)]))
    elif op == "layout":
        d.auto_layout()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(edit, min_size=1, max_size=25))
def test_random_edits_undo_to_original_and_redo_to_edited(qapp, edits):
    original = Network.layered([2, 2, 1], "tanh")
    d = Document(original)
    for e in edits:
        try:
            _apply(d, e)
        except ValueError:
            pass  # an invalid edit must leave no trace; the final comparison checks it
    edited = d.network.copy()
    steps = d.undo_stack.count()
    assert steps <= len(edits)
    for _ in range(steps):
        d.undo_stack.undo()
    assert d.network == original
    assert not d.is_dirty
    for _ in range(steps):
        d.undo_stack.redo()
    assert d.network == edited


def test_history_shares_states_between_commands(doc):
    doc.set_weight("x1", "h1_1", 1.0)
    doc.set_weight("x1", "h1_1", 2.0)
    first, second = doc.undo_stack.command(0), doc.undo_stack.command(1)
    assert first.after is second.before  # one copy of the network per step, not two


def test_direct_change_of_the_live_network_is_not_lost_by_undo(doc):
    doc.network.set_bias("y", 0.25)  # not through a command (the app never does this)
    doc.set_weight("x1", "h1_1", 2.0)
    doc.undo_stack.undo()
    assert doc.network.neuron("y").bias == 0.25


# ---------------------------------------------------------------------- the setup
def test_training_write_back_leaves_a_clean_document_clean(doc):
    learned = doc.network.copy()
    learned.set_weight("x1", "h1_1", 1.2345)
    doc.write_back_training(learned)
    assert doc.network.synapse("x1", "h1_1").weight == 1.2345
    assert not doc.is_dirty and doc.undo_stack.undoText() == "Training"
    doc.set_weight("x1", "h1_1", 0.5)  # the user's edit
    learned = doc.network.copy()
    learned.set_weight("x2", "h1_1", 2.0)
    doc.write_back_training(learned)
    assert doc.is_dirty  # still has the user's unsaved edit


def test_setup_changes_are_undoable_and_signal_their_field(doc, qtbot):
    fields = []
    doc.setup_changed.connect(fields.append)
    assert doc.dataset_spec == {"generator": "truth_table", "params": {"gate": "and",
                                                                       "bipolar": False}}
    assert len(doc.dataset) == 4 and doc.rule is None and doc.show_values
    doc.set_dataset({"generator": "moons", "params": {"n": 30}})
    doc.set_rule("backprop", {"learning_rate": 0.2})
    doc.set_rule_params({"learning_rate": 0.3})
    doc.set_rule_params({"learning_rate": 0.4})  # a burst of changes: one step
    doc.set_stop({"epochs": 7})
    doc.set_show_values(False)
    assert fields == ["dataset", "rule", "rule", "rule", "rule", "show_values"]
    assert doc.undo_stack.count() == 5 and len(doc.dataset) == 30
    assert doc.rule == {"name": "backprop", "params": {"learning_rate": 0.4}}
    for _ in range(5):
        doc.undo_stack.undo()
    assert doc.rule is None and doc.stop["epochs"] == 1000 and doc.show_values
    assert len(doc.dataset) == 4 and not doc.is_dirty
    doc.set_dataset(dict(doc.dataset_spec))  # the same data: no step
    assert doc.undo_stack.count() == 5 and doc.undo_stack.index() == 0


def test_the_plots_on_view_mark_the_document_modified_only_when_the_user_changes_them(doc):
    doc.set_plots(("decision",), by_user=False)
    assert not doc.is_dirty
    doc.set_plots(("decision", "loss"))
    assert doc.is_dirty and doc.undo_stack.count() == 0


def test_several_outputs_get_one_hot_targets(qapp):
    d = Document(Network.layered([2, 3]))
    d.set_dataset({"generator": "blobs", "params": {"k": 3, "n": 30}})
    assert d.dataset.y.ndim == 1 and d.training_data().y.shape == (30, 3)


def test_save_and_open_keep_the_setup(doc, tmp_path):
    doc.set_dataset({"X": np.array([[0.0, 1.0]]), "y": np.array([1.0]), "name": "mine",
                     "source": "drawn"})
    doc.set_rule("delta", {"learning_rate": 0.7})
    doc.set_plots(("decision", "weights"))
    doc.save(tmp_path / "d.json")
    assert not doc.is_dirty
    back = Document.open(tmp_path / "d.json")
    assert back.rule == {"name": "delta", "params": {"learning_rate": 0.7}}
    assert back.dataset.name == "mine" and back.dataset.X.tolist() == [[0.0, 1.0]]
    assert back.plots == ("decision", "weights") and not back.is_dirty

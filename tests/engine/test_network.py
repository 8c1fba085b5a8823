"""The editable graph: the lecture's worked example, Boolean gates, validation, topology facts."""
import itertools

import numpy as np
import pytest
from lecture import lecture_perceptron

from nnsim.engine import Network


def test_lecture_worked_example():
    net = lecture_perceptron()
    # y = g(1 + 3 * -1 - 2 * 2) = g(-6) ~ 0.002
    assert net.evaluate({"x1": -1, "x2": 2})["y"] == pytest.approx(1 / (1 + np.exp(6)), rel=1e-12)
    assert round(net.evaluate({"x1": -1, "x2": 2})["y"], 3) == 0.002
    out = net.evaluate(np.array([[-1, 2], [0, 0]]))
    assert out.shape == (2, 1)
    np.testing.assert_allclose(out[:, 0], [0.0024726231566347743, 1 / (1 + np.exp(-1))])
    assert (net.depth, net.parameter_count) == (1, 2)
    assert net.parameter_count_with_biases == 3
    assert net.inputs == ["x1", "x2"] and net.outputs == ["y"]


def gate(weights, threshold):
    """A McCulloch-Pitts threshold unit: fires when sum(w * x) > T."""
    net = Network()
    names = [f"x{i + 1}" for i in range(len(weights))]
    for name in names:
        net.add_neuron(name, role="input")
    net.add_neuron("y", role="output", activation="step")
    net.set_threshold("y", threshold)
    for name, w in zip(names, weights):
        net.connect(name, "y", w)
    return net


@pytest.mark.parametrize(
    "weights, threshold, truth",
    [
        ((1, 1), 1.5, lambda a, b: a and b),  # AND
        ((1, 1), 0.5, lambda a, b: a or b),  # OR
        ((-1, -1), -1.5, lambda a, b: not (a and b)),  # NAND
        ((-1,), -0.5, lambda a: not a),  # NOT
    ],
    ids=["AND", "OR", "NAND", "NOT"],
)
def test_mcculloch_pitts_gates_follow_their_truth_tables(weights, threshold, truth):
    net = gate(weights, threshold)
    rows = np.array(list(itertools.product([0, 1], repeat=len(weights))), dtype=float)
    expected = np.array([float(truth(*map(bool, r))) for r in rows])
    np.testing.assert_array_equal(net.evaluate(rows)[:, 0], expected)
    assert net.neuron("y").threshold == threshold


def test_inhibitory_synapse_vetoes_even_huge_excitation():
    net = gate((1000.0, 1000.0), 0.5)
    net.add_neuron("stop", role="input")
    net.connect("stop", "y", 0.001, kind="inhibitory")
    rows = np.array([[1, 1, 0], [1, 1, 1], [0, 0, 1], [1, 0, 0]], dtype=float)
    np.testing.assert_array_equal(net.evaluate(rows)[:, 0], [1, 0, 0, 1])


def test_xor_as_a_two_layer_threshold_network():
    net = Network()
    net.add_neuron("x1", role="input")
    net.add_neuron("x2", role="input")
    net.add_neuron("or", activation="step", bias=-0.5)
    net.add_neuron("nand", activation="step", bias=1.5)
    net.add_neuron("y", role="output", activation="step", bias=-1.5)
    for x in ("x1", "x2"):
        net.connect(x, "or", 1.0)
        net.connect(x, "nand", -1.0)
    net.connect("or", "y", 1.0)
    net.connect("nand", "y", 1.0)
    rows = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    np.testing.assert_array_equal(net.evaluate(rows)[:, 0], [0, 1, 1, 0])
    assert net.depth == 2 and net.parameter_count == 6
    assert net.layers == [["x1", "x2"], ["or", "nand"], ["y"]]


def test_skip_connections_and_mixed_units_evaluate_like_a_hand_computation():
    net = Network()
    net.add_neuron("a", role="input")
    net.add_neuron("h", activation="tanh", bias=0.1)
    net.add_neuron("r", activation="relu", bias=-0.2)
    net.add_neuron("o", activation="linear", bias=0.3)
    net.connect("a", "h", 0.7)
    net.connect("h", "r", 1.5)
    net.connect("a", "o", -2.0)  # skips two layers
    net.connect("r", "o", 0.5)
    net.connect("h", "o", 0.25)
    for a in (-1.0, 0.3, 2.0):
        h = np.tanh(0.7 * a + 0.1)
        r = max(0.0, 1.5 * h - 0.2)
        o = -2.0 * a + 0.5 * r + 0.25 * h + 0.3
        assert net.evaluate({"a": a})["o"] == pytest.approx(o)
    assert net.depth == 3


def test_rbf_unit_is_a_gaussian_of_the_distance_to_its_incoming_weights():
    net = Network.rbf(2, 1, 1, beta=0.5)
    net.set_weight("x1", "c1", 1.0)
    net.set_weight("x2", "c1", -2.0)
    out = net.evaluate({"x1": 0.0, "x2": 0.0})
    assert out["c1"] == pytest.approx(np.exp(-0.5 * (1.0 + 4.0)))


def test_depth_and_parameter_count_on_several_graphs():
    assert Network.layered([2, 16, 1], ["relu", "sigmoid"], seed=0).depth == 2
    deep = Network.layered([3, 4, 4, 4, 2], "tanh", seed=0)
    assert deep.depth == 4
    assert deep.parameter_count == 3 * 4 + 4 * 4 + 4 * 4 + 4 * 2
    assert deep.parameter_count_with_biases == deep.parameter_count + 14
    assert Network().depth == 0 and Network().parameter_count == 0


def test_depth_of_a_recurrent_network_counts_each_loop_as_one_stage():
    net = Network()
    net.add_neuron("in", role="input")
    for name in ("a", "b", "c", "out"):
        net.add_neuron(name, activation="step")
    net.connect("in", "a")
    net.connect("a", "b")
    net.connect("b", "c")
    net.connect("c", "a")  # a loop a -> b -> c -> a
    net.connect("c", "out")
    assert not net.is_feedforward
    assert net.depth == 2  # in -> {a, b, c} -> out
    assert net.layers == [["in"], ["a", "b", "c"], ["out"]]
    hop = Network.hopfield(5)
    assert hop.depth == 0 and hop.parameter_count == 20 and hop.is_symmetric


def test_outputs_are_marked_ones_or_else_the_sinks():
    net = lecture_perceptron()
    net.add_neuron("z")
    net.connect("y", "z", 1.0)
    assert net.outputs == ["z"]
    net.set_role("y", "output")
    assert net.outputs == ["y"]


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda n: n.connect("x1", "nope", 1.0), "no neuron named 'nope'"),
        (lambda n: n.connect("x1", "y", 1.0), "synapse 'x1' -> 'y' already exists"),
        (lambda n: n.set_weight("x1", "y", float("nan")), "'x1' -> 'y': weight must be finite"),
        (lambda n: n.set_weight("x2", "y", float("inf")), "'x2' -> 'y': weight must be finite"),
        (lambda n: n.set_activation("y", "swish"), "neuron 'y': unknown activation 'swish'"),
        (lambda n: n.add_neuron("x1"), "a neuron named 'x1' already exists"),
        (lambda n: n.rename_neuron("y", "x2"), "a neuron named 'x2' already exists"),
        (lambda n: n.connect("y", "x1"), "input neuron cannot receive"),
        (lambda n: n.set_bias("y", "big"), "neuron 'y': bias must be a number"),
        (lambda n: n.disconnect("y", "x1"), "no synapse 'y' -> 'x1'"),
        (lambda n: n.set_kind("x1", "y", "modulatory"), "unknown kind 'modulatory'"),
        (lambda n: n.neuron(99), "no neuron with id 99"),
    ],
)
def test_edits_validate_and_name_the_culprit(edit, message):
    net = lecture_perceptron()
    before = net.copy()
    with pytest.raises(ValueError, match=message):
        edit(net)
    assert net == before  # a refused edit changes nothing


def test_editing_by_name_or_id_and_removal_drops_synapses():
    net = lecture_perceptron()
    y = net.neuron("y").id
    net.rename_neuron(y, "out")
    assert net.synapse("x1", "out").weight == 3.0
    net.set_weight(0, y, 5.0)
    assert net.evaluate({"x1": 1, "x2": 0})["out"] == pytest.approx(1 / (1 + np.exp(-6)))
    net.remove_neuron("x1")
    assert net.parameter_count == 1 and net.inputs == ["x2"]
    net.disconnect("x2", "out")
    assert net.parameter_count == 0


def test_compiled_arrays_follow_edits():
    net = lecture_perceptron()
    first = net.evaluate(np.array([[1.0, 1.0]]))[0, 0]
    net.set_bias("y", -1.0)
    assert net.evaluate(np.array([[1.0, 1.0]]))[0, 0] == pytest.approx(1 / (1 + np.exp(-0.0)))
    assert first == pytest.approx(1 / (1 + np.exp(-2.0)))


def test_evaluate_refuses_loops_and_wrong_shapes():
    net = lecture_perceptron()
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        net.evaluate(np.zeros((3, 3)))
    net.connect("y", "y", 1.0)
    with pytest.raises(ValueError, match="loops"):
        net.evaluate({"x1": 0})


def test_weight_matrix_round_trip():
    net = Network.layered([2, 3, 1], "tanh", seed=1)
    w = net.weight_matrix()
    assert np.count_nonzero(w) == net.parameter_count
    net2 = net.copy()
    net2.set_weight_matrix(w * 2, net.bias_vector() + 1)
    np.testing.assert_allclose(net2.weight_matrix(), 2 * w)
    np.testing.assert_allclose(net2.bias_vector(), net.bias_vector() + 1)
    assert net.weight_matrix() is not w and np.array_equal(net.weight_matrix(), w)  # copy untouched


def test_topology_facts_are_cached_until_the_structure_changes():
    net = Network.layered([2, 3, 1], "tanh", seed=0)
    assert net.is_feedforward and net.depth == 2
    net.set_weight("x1", "h1_1", 5.0)  # a weight: the facts stand
    assert "depth" in net._topology
    net.connect("y", "h1_1", 1.0)  # a loop: the facts are recomputed
    assert not net.is_feedforward and net.layers[1] == ["h1_2", "h1_3"]  # h1_1 joined the loop
    copy = net.copy()
    copy.disconnect("y", "h1_1")
    assert copy.is_feedforward and not net.is_feedforward  # copies do not share the cache

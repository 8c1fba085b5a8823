"""plot_unavailable_reason: which plots apply to a network, a rule and a dataset, and the
sentence that says what to do when one does not."""
import numpy as np
import pytest

from nnsim.app.plots import PLOTS
from nnsim.app.plots.applicability import plot_unavailable_reason
from nnsim.engine import Network
from nnsim.engine.datasets import Dataset
from nnsim.engine.lessons import list_lessons

AND = Dataset(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float), np.array([0, 0, 0, 1], float))
PATTERNS = Dataset(np.array([[1, -1, 1, -1], [1, 1, -1, -1]], float))


def perceptron(n_inputs=2) -> Network:
    net = Network()
    for k in range(n_inputs):
        net.add_neuron(f"x{k + 1}", role="input")
    net.add_neuron("y", role="output", activation="sigmoid")
    for k in range(n_inputs):
        net.connect(f"x{k + 1}", "y", 1.0)
    return net


def loop() -> Network:
    net = perceptron()
    net.add_neuron("h", activation="step")
    net.connect("y", "h")
    net.connect("h", "y")
    return net


def reason(key, net, rule=None, data=None):
    return plot_unavailable_reason(key, net, rule, data)


def assert_sentence(text):
    """A sentence that says what to do: capitalised, ends with a full stop, no Python in it."""
    assert text and text[0].isupper() and text.endswith("."), text
    assert "Error" not in text and "None" not in text and "<" not in text, text
    assert ":" in text  # "... needs X: do Y."


def test_every_plot_key_has_a_check_and_an_empty_network_explains_each():
    empty = Network()
    for key in PLOTS:
        text = reason(key, empty)
        assert_sentence(text)


def test_decision_needs_two_inputs_feed_forward_and_an_output():
    assert reason("decision", perceptron(2)) is None
    one = reason("decision", perceptron(1))
    assert "two inputs" in one and "one input" in one and "add an input" in one
    three = reason("decision", perceptron(3))
    assert "three inputs" in three and "remove input" in three
    assert "feed-forward" in reason("decision", loop())
    net = Network()
    net.add_neuron("x1", role="input")
    net.add_neuron("x2", role="input")
    assert "output" in reason("decision", net)


def test_curve_needs_one_input_feed_forward():
    assert reason("curve", perceptron(1)) is None
    assert "one input" in reason("curve", perceptron(2)) and "two inputs" in reason("curve", perceptron(2))


def test_loss_needs_a_rule_that_trains_on_data():
    net = perceptron()
    assert reason("loss", net, None, AND) == ("Loss and accuracy appear when a learning rule trains "
                                              "on data: choose one in the Learning rule dock.")
    assert "Weights plot" in reason("loss", net, "hebb", AND)
    assert "Oja" in reason("loss", net, "oja", AND)
    assert "Data dock" in reason("loss", net, "backprop", None)
    assert "targets" in reason("loss", net, "perceptron", Dataset(AND.X))
    for rule in ("perceptron", "delta", "backprop", "rbf"):
        assert reason("loss", net, rule, AND) is None
    assert reason("loss", Network.hopfield(4), "hopfield", PATTERNS) is None  # no targets needed


def test_energy_and_hopfield_need_a_hopfield_network():
    hop = Network.hopfield(4)
    assert reason("energy", hop) is None  # recurrent and symmetric: the engine measures E
    assert reason("hopfield", hop) is None
    assert "Hopfield" in reason("energy", perceptron())
    assert "Hopfield" in reason("hopfield", perceptron())
    assert "symmetric" in reason("energy", loop())  # a loop, but one-way synapses
    assert "sign units" in reason("hopfield", Network.layered([2, 2], "sigmoid"))


def test_weights_matrix_and_activation():
    net = Network()
    net.add_neuron("x1", role="input")
    assert "synapse" in reason("weights", net) and "synapse" in reason("matrix", net)
    assert "not an input" in reason("activation", net)
    net = perceptron()
    for key in ("weights", "matrix", "activation"):
        assert reason(key, net) is None


def test_every_lesson_scene_can_show_the_plots_it_asks_for():
    for lesson in list_lessons():
        for scene in lesson.scenes:
            rule = scene.make_rule()
            for key in scene.plots:
                assert reason(key, scene.network, getattr(rule, "name", None),
                              scene.make_dataset()) is None, (lesson.slug, scene.title, key)


@pytest.mark.parametrize("key", sorted(PLOTS))
def test_an_unknown_or_missing_network_never_raises(key):
    assert_sentence(reason(key, None))
    assert plot_unavailable_reason("a plot added later", perceptron(), None, None) is None

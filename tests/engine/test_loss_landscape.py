"""rules.loss_landscape (issue 16): the loss over two weights (or two random directions), centred on
the current weights, checked against direct evaluation of the Backprop rule's own loss."""
from __future__ import annotations

import numpy as np
import pytest

from nnsim.engine import Network, datasets, rules
from nnsim.engine.datasets import Dataset
from nnsim.engine.rules.gradients import Graph


def direct_loss(net, data, loss) -> float:
    graph = Graph(net.compile(), loss)
    return graph.evaluate(data.X, data.targets)[0]


@pytest.fixture(scope="module")
def keras():
    """The lecture's Keras classifier: Dense(16, relu) -> Dense(1, sigmoid), on moons."""
    return (Network.layered([2, 16, 1], ["relu", "sigmoid"], seed=0),
            datasets.generate("moons", n=300, seed=0))


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy"])
def test_the_centre_is_the_networks_loss_and_one_weight_matches_direct_evaluation(keras, loss):
    net, data = keras
    pair = [("x1", "h1_3"), ("h1_3", "y")]
    L = rules.loss_landscape(net, data, weights=pair, span=1.5, resolution=41, loss=loss)
    assert L.loss.shape == (41, 41) and L.a.shape == L.b.shape == (41,)
    mid = 20
    w1, w2 = net.synapse("x1", "h1_3").weight, net.synapse("h1_3", "y").weight
    assert L.a[mid] == pytest.approx(w1) and L.b[mid] == pytest.approx(w2)
    assert L.centre == pytest.approx(direct_loss(net, data, loss), rel=1e-12)
    assert L.loss[mid, mid] == pytest.approx(L.centre, rel=1e-5)  # float32 pictures
    for i in (0, 7, 20, 33, 40):  # along the first weight, the second at its value
        moved = net.copy()
        moved.set_weight("x1", "h1_3", float(L.a[i]))
        assert L.loss[i, mid] == pytest.approx(direct_loss(moved, data, loss), rel=1e-5)
    for j in (0, 13, 40):  # along the second
        moved = net.copy()
        moved.set_weight("h1_3", "y", float(L.b[j]))
        assert L.loss[mid, j] == pytest.approx(direct_loss(moved, data, loss), rel=1e-5)
    both = net.copy()
    both.set_weight("x1", "h1_3", float(L.a[5]))
    both.set_weight("h1_3", "y", float(L.b[35]))
    assert L.loss[5, 35] == pytest.approx(direct_loss(both, data, loss), rel=1e-5)
    assert L.coordinates(L.theta) == pytest.approx((w1, w2))


def test_random_directions_are_filter_normalised_and_reproducible_by_seed(keras):
    net, data = keras
    one = rules.loss_landscape(net, data, weights="random", resolution=21, seed=3)
    again = rules.loss_landscape(net, data, weights="random", resolution=21, seed=3)
    other = rules.loss_landscape(net, data, weights="random", resolution=21, seed=4)
    np.testing.assert_array_equal(one.loss, again.loss)
    assert not np.allclose(one.loss, other.loss)
    np.testing.assert_allclose(one.a, np.linspace(-2, 2, 21))
    graph = Graph(net.compile(), "mse")
    at = 0
    for layer in graph.layers:  # each neuron's incoming part has its weights' norm; biases 0
        for d in one.directions:
            part = d[at:at + layer.W.size].reshape(layer.W.shape)
            np.testing.assert_allclose(np.linalg.norm(part, axis=0),
                                       np.linalg.norm(layer.W, axis=0), rtol=1e-12)
            assert not d[at + layer.W.size:at + layer.W.size + layer.b.size].any()
        at += layer.W.size + layer.b.size
    # a corner of the plane, evaluated directly
    theta = one.theta + one.a[0] * one.directions[0] + one.b[20] * one.directions[1]
    graph.theta[:] = theta
    X, D = data.X, data.targets
    assert one.loss[0, 20] == pytest.approx(graph.evaluate(X, D)[0], rel=1e-5)


def test_skip_connections_and_several_outputs_match_direct_evaluation():
    net = Network("skip")
    for name in ("x1", "x2"):
        net.add_neuron(name, role="input")
    net.add_neuron("h", activation="tanh", bias=0.2)
    net.add_neuron("y1", role="output", activation="sigmoid", bias=-0.1)
    net.add_neuron("y2", role="output", activation="linear")
    for (a, b), w in {("x1", "h"): 0.9, ("x2", "h"): -0.6, ("h", "y1"): 1.3, ("x1", "y1"): 0.4,
                      ("h", "y2"): -0.8, ("x2", "y2"): 0.5}.items():
        net.connect(a, b, w)
    rng = np.random.default_rng(0)
    data = Dataset(rng.normal(size=(50, 2)), rng.uniform(size=(50, 2)))
    L = rules.loss_landscape(net, data, weights=[("x1", "y1"), ("x2", "h")], resolution=11)
    for i, j in ((0, 0), (3, 8), (10, 5)):
        moved = net.copy()
        moved.set_weight("x1", "y1", float(L.a[i]))
        moved.set_weight("x2", "h", float(L.b[j]))
        assert L.loss[i, j] == pytest.approx(direct_loss(moved, data, "mse"), rel=1e-5)


@pytest.mark.parametrize("kwargs, words", [
    ({"weights": [("x1", "y")]}, "two weights"),
    ({"weights": [("x1", "y"), ("x1", "y")]}, "different synapses"),
    ({"weights": [("y", "x1"), ("x2", "y")]}, "no excitatory synapse y -> x1"),
    ({"weights": "sideways"}, 'two synapses or "random"'),
    ({"resolution": 1}, "resolution must be 2 to"),
    ({"span": 0}, "span must be a positive number"),
    ({"loss": "hinge"}, "unknown loss"),
])
def test_bad_arguments_are_named(kwargs, words):
    net = Network.layered([2, 1], "sigmoid", seed=0)
    data = Dataset([[0.0, 1.0]], [1.0])
    with pytest.raises(ValueError, match=words):
        rules.loss_landscape(net, data, **kwargs)

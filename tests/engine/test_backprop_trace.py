"""rules.backprop_trace (issue 16): one sample's forward pass, loss, deltas and gradients, named.

Checked against central finite differences of the loss on random feed-forward graphs with skip
connections (hypothesis), for mean squared error and binary cross-entropy, and against the
Backprop rule itself: one SGD step from the trace is the rule's step with batch size 1."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnsim.engine import Network, rules
from nnsim.engine.datasets import Dataset

H = 1e-6


@st.composite
def dags(draw, loss: str):
    """A random DAG: 1-3 inputs, 1-4 hidden units, 1-2 outputs; every unit reads a random
    non-empty set of earlier neurons (skip connections included); smooth units only."""
    n_in = draw(st.integers(1, 3))
    n_hidden = draw(st.integers(1, 4))
    n_out = draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    net = Network("dag")
    names = [f"x{i + 1}" for i in range(n_in)]
    for name in names:
        net.add_neuron(name, role="input")
    units = ("tanh", "sigmoid", "linear")
    for k in range(n_hidden + n_out):
        output = k >= n_hidden
        name = f"y{k - n_hidden + 1}" if output else f"h{k + 1}"
        unit = "sigmoid" if output and loss == "binary_crossentropy" else str(rng.choice(units))
        net.add_neuron(name, role="output" if output else "hidden", activation=unit,
                       bias=float(rng.normal(0, 0.5)))
        earlier = [n for n in names if not n.startswith("y")]
        picks = rng.choice(len(earlier), size=rng.integers(1, len(earlier) + 1), replace=False)
        for i in sorted(picks.tolist()):
            net.connect(earlier[i], name, float(rng.normal(0, 1.0)))
        names.append(name)
    x = rng.normal(0, 1.0, n_in)
    target = rng.uniform(0, 1, n_out) if loss == "binary_crossentropy" else rng.normal(0, 1, n_out)
    return net, x, target


def loss_at(net, x, target, loss) -> float:
    return rules.backprop_trace(net, x, target, loss=loss).loss


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy"])
def test_the_trace_equals_central_finite_differences_on_random_dags(loss):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(dags(loss))
    def check(case):
        net, x, target = case
        trace = rules.backprop_trace(net, x, target, loss=loss)
        for s in net.synapses:
            a, b = net.neuron(s.source).name, net.neuron(s.target).name
            up, down = net.copy(), net.copy()
            up.set_weight(a, b, s.weight + H)
            down.set_weight(a, b, s.weight - H)
            numeric = (loss_at(up, x, target, loss) - loss_at(down, x, target, loss)) / (2 * H)
            assert trace.grad[(a, b)] == pytest.approx(numeric, rel=1e-5, abs=1e-7), (a, b)
        for n in net.neurons:
            if n.role == "input":
                continue
            up, down = net.copy(), net.copy()
            up.set_bias(n.name, n.bias + H)
            down.set_bias(n.name, n.bias - H)
            numeric = (loss_at(up, x, target, loss) - loss_at(down, x, target, loss)) / (2 * H)
            assert trace.bias_grad[n.name] == pytest.approx(numeric, rel=1e-5, abs=1e-7), n.name
            # delta = dL/dz = dL/db for a summing unit; and dL/dw = delta(target) * y(source)
            assert trace.delta[n.name] == pytest.approx(trace.bias_grad[n.name], abs=1e-12)
        for (a, b), g in trace.grad.items():
            assert g == pytest.approx(trace.delta[b] * trace.output[a], rel=1e-9, abs=1e-12)

    check()


def test_a_2_2_1_network_by_hand():
    """The numbers a student checks on paper: forward, loss, deltas, one gradient."""
    net = Network("2-2-1")
    for name in ("x1", "x2"):
        net.add_neuron(name, role="input")
    net.add_neuron("h1", activation="tanh", bias=0.1)
    net.add_neuron("h2", activation="tanh", bias=-0.2)
    net.add_neuron("y", role="output", activation="sigmoid", bias=0.3)
    for (a, b), w in {("x1", "h1"): 0.5, ("x2", "h1"): -0.4, ("x1", "h2"): 0.8,
                      ("x2", "h2"): 0.2, ("h1", "y"): 1.5, ("h2", "y"): -1.1}.items():
        net.connect(a, b, w)
    trace = rules.backprop_trace(net, {"x1": 1.0, "x2": 0.0}, {"y": 1.0}, loss="mse")
    h1, h2 = np.tanh(0.1 + 0.5), np.tanh(-0.2 + 0.8)
    z = 0.3 + 1.5 * h1 - 1.1 * h2
    y = 1 / (1 + np.exp(-z))
    assert trace.z["h1"] == pytest.approx(0.6) and trace.output["h1"] == pytest.approx(h1)
    assert trace.z["y"] == pytest.approx(z) and trace.output["y"] == pytest.approx(y)
    assert trace.loss == pytest.approx((y - 1) ** 2) and trace.error["y"] == pytest.approx(y - 1)
    delta_y = 2 * (y - 1) * y * (1 - y)
    assert trace.delta["y"] == pytest.approx(delta_y)
    assert trace.delta["h1"] == pytest.approx(delta_y * 1.5 * (1 - h1 ** 2))
    assert trace.grad[("h2", "y")] == pytest.approx(delta_y * h2)
    assert trace.grad[("x2", "h1")] == 0.0  # x2 = 0: no share of the blame
    assert trace.layers == (("h1", "h2"), ("y",)) and trace.inputs == ("x1", "x2")


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy"])
def test_one_sgd_step_from_the_trace_is_the_rules_step_with_batch_size_1(loss):
    net = Network.layered([2, 3, 2, 1], ["tanh", "tanh", "sigmoid"], seed=5)
    x, target = np.array([0.7, -1.2]), np.array([1.0])
    trace = rules.backprop_trace(net, x, target, loss=loss)
    rate = 0.3
    expected = net.copy()
    for (a, b), change in trace.weight_update(rate).items():
        expected.set_weight(a, b, expected.synapse(a, b).weight + change)
    for name, g in trace.bias_grad.items():
        expected.set_bias(name, expected.neuron(name).bias - rate * g)
    stepped = net.copy()
    rule = rules.Backprop(optimizer="sgd", learning_rate=rate, batch_size=1, loss=loss,
                          shuffle=False)
    rule.train(stepped, Dataset(x[None, :], target[None, :]), epochs=1)
    for s in stepped.synapses:
        assert s.weight == pytest.approx(expected.synapse(s.source, s.target).weight, abs=1e-12)
    for n in stepped.neurons:
        assert n.bias == pytest.approx(expected.neuron(n.id).bias, abs=1e-12)
    assert any(s.weight != t.weight for s, t in zip(stepped.synapses, net.synapses))


@pytest.mark.parametrize("x, target, words", [
    ([1.0], [1.0], "x needs 2 values"),
    ({"x1": 1.0}, [1.0], "missing x2"),
    ([1.0, 2.0], {"z": 1.0}, "missing y"),
    ([np.nan, 0.0], [1.0], "NaN"),
])
def test_bad_samples_are_named(x, target, words):
    net = Network.layered([2, 1], "sigmoid", seed=0)
    with pytest.raises(ValueError, match=words):
        rules.backprop_trace(net, x, target)
    with pytest.raises(ValueError, match="unknown loss"):
        rules.backprop_trace(net, [0, 0], [1], loss="hinge")

"""Hebb's rule diverges (reported, never raised); Oja's rule finds the first principal component."""
import warnings

import numpy as np
import pytest

from nnsim.engine import rules
from nnsim.engine.network import Network


def linear_unit(n_inputs, weights):
    net = Network()
    for i in range(n_inputs):
        net.add_neuron(f"x{i + 1}", role="input")
    net.add_neuron("y", role="output", activation="linear")
    for i, w in enumerate(weights):
        net.connect(f"x{i + 1}", "y", w)
    return net


def correlated_cloud(n=400, seed=1):
    rng = np.random.default_rng(seed)
    cov = np.array([[3.0, 1.2, 0.4], [1.2, 1.0, 0.2], [0.4, 0.2, 0.5]])
    X = rng.multivariate_normal(np.zeros(3), cov, size=n)
    return X - X.mean(axis=0)


def test_hebb_single_step_follows_the_formula():
    net = linear_unit(2, [0.5, -0.25])
    X = np.array([[1.0, 2.0]])
    trainer = rules.Hebb(0.1).trainer(net, X)
    trainer.step()
    y = 0.5 * 1.0 - 0.25 * 2.0  # 0.0 -> no change
    assert y == 0.0
    w = trainer.network()
    assert w.synapse("x1", "y").weight == 0.5
    trainer2 = rules.Hebb(0.1).trainer(linear_unit(2, [1.0, 1.0]), X)
    trainer2.step()
    learned = trainer2.network()
    # y = 3: w_i += 0.1 * x_i * 3
    assert learned.synapse("x1", "y").weight == pytest.approx(1.3)
    assert learned.synapse("x2", "y").weight == pytest.approx(1.6)


def test_hebb_norm_grows_then_divergence_is_reported_not_raised():
    net = linear_unit(3, [0.1, 0.1, 0.1])
    X = correlated_cloud(50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            history = rules.Hebb(0.05).train(net, X, epochs=10_000)
    norms = history.weight_norm
    assert norms[1] > norms[0] * 1.5  # growth without competition
    assert history.diverged is True
    assert not history.converged
    assert isinstance(history.diverged_at, int) and history.diverged_at > 50
    assert history.diverged_at == history.steps
    weights = np.array([s.weight for s in net.synapses])
    assert np.all(np.isfinite(weights))
    assert np.max(np.abs(weights)) > 1e100  # the last finite weights were kept
    assert np.all(np.isfinite(net.evaluate(X[:1])))


def test_hebb_trainer_stops_once_diverged():
    trainer = rules.Hebb(1.0).trainer(linear_unit(1, [1.0]), np.array([[10.0]]))
    trainer.run(10_000)
    assert trainer.history.diverged
    steps = trainer.history.steps
    trainer.step()
    assert trainer.history.steps == steps


def test_hebb_multilayer_sigmoid_grows_and_uses_network_input_values_without_data():
    net = Network.layered([2, 3, 1], ["sigmoid", "sigmoid"], seed=0)
    net.set_value("x1", 1.0)
    net.set_value("x2", 0.5)
    before = sum(s.weight ** 2 for s in net.synapses)
    trainer = rules.Hebb(0.5).trainer(net)
    trainer.run(20)
    after = sum(s.weight ** 2 for s in trainer.network().synapses)
    assert trainer.history.epochs == 20 and len(trainer.history.weight_norm) == 20
    assert after > before + 1.0


def test_hebb_applies_to():
    assert rules.Hebb(0.1).applies_to(linear_unit(2, [1, 1]))
    empty = Network()
    empty.add_neuron("y")
    reason = rules.Hebb(0.1).applies_to(empty).reason
    assert "input" in reason
    no_syn = Network()
    no_syn.add_neuron("x", role="input")
    no_syn.add_neuron("y")
    assert "synapse" in rules.Hebb(0.1).applies_to(no_syn).reason
    net = linear_unit(1, [1.0])
    net.add_neuron("h", activation="linear")
    net.connect("y", "h")
    net.connect("h", "y")
    assert "loops" in rules.Hebb(0.1).applies_to(net).reason


def test_oja_converges_to_unit_first_principal_component():
    X = correlated_cloud()
    evals, evecs = np.linalg.eigh(np.cov(X.T))
    pc1 = evecs[:, np.argmax(evals)]
    net = linear_unit(3, [0.3, -0.2, 0.1])
    history = rules.Oja(0.005).train(net, X, epochs=60, seed=0)
    w = np.array([net.synapse(f"x{i + 1}", "y").weight for i in range(3)])
    cos = abs(w @ pc1) / np.linalg.norm(w)
    assert cos > 0.99
    assert np.linalg.norm(w) == pytest.approx(1.0, abs=0.05)
    assert history.weight_norm[-1] == pytest.approx(1.0, abs=0.05)
    assert not history.diverged


def test_oja_with_too_large_a_rate_diverges_cleanly():
    X = correlated_cloud() * 30
    net = linear_unit(3, [0.3, -0.2, 0.1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = rules.Oja(1.0).train(net, X, epochs=5)
    assert history.diverged and history.diverged_at is not None
    assert all(np.isfinite(s.weight) for s in net.synapses)


def test_oja_applies_only_to_one_linear_unit():
    assert rules.Oja(0.1).applies_to(linear_unit(2, [1, 1]))
    two = Network.layered([2, 2], "linear")
    assert "several" in rules.Oja(0.1).applies_to(two).reason
    sig = Network.layered([2, 1], "sigmoid")
    reason = rules.Oja(0.1).applies_to(sig).reason
    assert "linear" in reason and "sigmoid" in reason
    deep = Network.layered([2, 2, 1], "linear")
    assert "more than one layer" in rules.Oja(0.1).applies_to(deep).reason


def test_same_seed_same_weights_bit_for_bit():
    X = correlated_cloud()
    a, b = linear_unit(3, [0.3, -0.2, 0.1]), linear_unit(3, [0.3, -0.2, 0.1])
    rules.Oja(0.01).train(a, X, epochs=3, seed=7)
    rules.Oja(0.01).train(b, X, epochs=3, seed=7)
    assert [s.weight for s in a.synapses] == [s.weight for s in b.synapses]


def test_learning_rate_is_validated_by_name():
    with pytest.raises(ValueError, match="learning_rate"):
        rules.Hebb(-1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        rules.Oja("fast")
    with pytest.raises(ValueError, match="momentum"):
        rules.Hebb(momentum=0.9)

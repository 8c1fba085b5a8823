"""Perceptron: converges on AND, OR and separable clouds, never on XOR; the delta rule learns."""
import numpy as np
import pytest

from nnsim.engine import rules
from nnsim.engine.network import Network

X01 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
TABLES = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "xor": [0, 1, 1, 0]}


def separable_cloud(n=200, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    margin = X @ np.array([1.0, -2.0]) + 0.3
    keep = np.abs(margin) > 0.1
    return X[keep], (margin[keep] > 0).astype(float)


@pytest.mark.parametrize("gate", ["and", "or"])
def test_perceptron_learns_separable_gates(gate):
    net = Network.layered([2, 1], "step", seed=0)
    history = rules.Perceptron(0.1).train(net, (X01, TABLES[gate]), epochs=100)
    assert history.converged is True
    assert history.errors[-1] == 0 and history.errors[0] > 0
    assert history.epochs == len(history.errors) < 100
    assert history.accuracy[-1] == 1.0
    np.testing.assert_array_equal(net.evaluate(X01)[:, 0], TABLES[gate])
    w1, w2, b = rules.decision_line(net)
    assert (w1, w2, b) == (net.synapse("x1", "y").weight, net.synapse("x2", "y").weight,
                           net.neuron("y").bias)
    # The line separates the classes: positive side exactly for the 1s.
    side = X01 @ np.array([w1, w2]) + b > 0
    np.testing.assert_array_equal(side, np.array(TABLES[gate]) == 1)


def test_perceptron_never_converges_on_xor():
    net = Network.layered([2, 1], "step", seed=0)
    history = rules.Perceptron(0.1).train(net, (X01, TABLES["xor"]), epochs=200)
    assert history.converged is False
    assert history.epochs == 200
    assert min(history.errors) >= 1
    assert np.sum(net.evaluate(X01)[:, 0] != TABLES["xor"]) >= 1


def test_perceptron_separable_cloud_and_trainer_decision_line():
    X, y = separable_cloud()
    net = Network.layered([2, 1], "step", seed=1)
    trainer = rules.Perceptron(0.05).trainer(net, (X, y), seed=0)
    trainer.run(500)
    assert trainer.history.converged
    w1, w2, b = trainer.decision_line()
    np.testing.assert_array_equal((X @ [w1, w2] + b > 0), y == 1)


def test_perceptron_single_step_formula():
    net = Network.layered([2, 1], "step", seed=0)
    net.set_weight("x1", "y", 0.5)
    net.set_weight("x2", "y", -0.5)
    net.set_bias("y", -1.0)
    trainer = rules.Perceptron(0.25).trainer(net, (np.array([[1.0, 1.0]]), [1.0]))
    trainer.step()  # y = step(0.5 - 0.5 - 1) = 0, d = 1: W += 0.25 * 1 * x, b += 0.25
    learned = trainer.network()
    assert learned.synapse("x1", "y").weight == 0.75
    assert learned.synapse("x2", "y").weight == -0.25
    assert learned.neuron("y").bias == -0.75
    assert trainer.history.epochs == 1 and trainer.history.errors == [1]


def test_multi_output_perceptron_with_sign_units():
    net = Network.layered([2, 2], "sign", seed=0)
    D = np.stack([2 * np.array(TABLES["and"]) - 1, 2 * np.array(TABLES["or"]) - 1], axis=1)
    history = rules.Perceptron(0.1).train(net, (2 * X01 - 1, D), epochs=100)
    assert history.converged
    np.testing.assert_array_equal(net.evaluate(2 * X01 - 1), D)


def test_decision_line_errors():
    with pytest.raises(ValueError, match="two inputs"):
        rules.decision_line(Network.layered([3, 1], "step"))


def test_perceptron_applies_to_reasons():
    p = rules.Perceptron(0.1)
    assert p.applies_to(Network.layered([2, 1], "step"))
    reason = p.applies_to(Network.layered([2, 1], "sigmoid")).reason
    assert reason.startswith("the perceptron rule needs one layer of step units")
    assert "sigmoid" in reason
    assert "more than one layer" in p.applies_to(Network.layered([2, 2, 1], "step")).reason
    veto = Network.layered([2, 1], "step")
    veto.set_kind("x1", "y", "inhibitory")
    assert "inhibitory" in p.applies_to(veto).reason
    with pytest.raises(ValueError, match="does not apply"):
        p.train(Network.layered([2, 1], "sigmoid"), (X01, TABLES["and"]))


def test_perceptron_needs_targets_matching_outputs():
    with pytest.raises(ValueError, match="targets"):
        rules.Perceptron(0.1).trainer(Network.layered([2, 1], "step"), X01)
    with pytest.raises(ValueError, match="2 target columns"):
        rules.Perceptron(0.1).trainer(Network.layered([2, 1], "step"),
                                      (X01, np.zeros((4, 2))))


def test_delta_rule_learns_or_and_reduces_loss():
    net = Network.layered([2, 1], "sigmoid", seed=0)
    history = rules.Delta(2.0).train(net, (X01, TABLES["or"]), epochs=300)
    assert history.loss[-1] < 0.25 * history.loss[0]
    assert history.errors[-1] == 0 and history.accuracy[-1] == 1.0
    np.testing.assert_array_equal(net.evaluate(X01)[:, 0] > 0.5, np.array(TABLES["or"]) == 1)


def test_delta_single_step_is_the_squared_error_gradient():
    net = Network.layered([2, 1], "sigmoid", seed=0)
    net.set_weight("x1", "y", 0.2)
    net.set_weight("x2", "y", -0.4)
    net.set_bias("y", 0.1)
    x, d = np.array([1.0, 2.0]), 1.0
    trainer = rules.Delta(0.5).trainer(net, (x[None, :], [d]))
    trainer.step()
    z = 0.2 - 0.8 + 0.1
    y = 1 / (1 + np.exp(-z))
    g = (d - y) * y * (1 - y)
    learned = trainer.network()
    assert learned.synapse("x1", "y").weight == pytest.approx(0.2 + 0.5 * g * 1.0, rel=1e-12)
    assert learned.synapse("x2", "y").weight == pytest.approx(-0.4 + 0.5 * g * 2.0, rel=1e-12)
    assert learned.neuron("y").bias == pytest.approx(0.1 + 0.5 * g, rel=1e-12)


def test_delta_applies_to():
    assert rules.Delta(0.1).applies_to(Network.layered([2, 1], "sigmoid"))
    reason = rules.Delta(0.1).applies_to(Network.layered([2, 1], "step")).reason
    assert reason.startswith("the delta rule needs one layer of sigmoid")


def test_parameters_are_validated_by_name():
    with pytest.raises(ValueError, match="'learning_rate'"):
        rules.Perceptron(learning_rate=float("nan"))
    with pytest.raises(ValueError, match="'learning_rate'"):
        rules.Delta(-0.1)
    assert rules.RULES["perceptron"] is rules.Perceptron
    assert rules.RULES["delta"] is rules.Delta

"""Backpropagation: gradients against finite differences on random graphs, optimisers against
hand-written Keras formulas, the lecture's Keras example, determinism, validation, reasons."""
import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnsim.engine import rules
from nnsim.engine.network import Network
from nnsim.engine.rules.gradients import Graph, gradient

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------- reference loss
def reference_loss(net, X, D, loss):
    """The loss computed from the engine's own forward pass (independent of gradients.py)."""
    y = net.compile().forward(X)
    if loss == "mse":
        return np.mean((y - D) ** 2)
    if loss == "binary_crossentropy":
        return -np.mean(D * np.log(y) + (1 - D) * np.log(1 - y))
    return -np.mean(np.sum(D * np.log(y), axis=1))


def numeric_gradient(net, X, D, loss, eps=1e-6):
    """Central differences, synapse by synapse and bias by bias, in compiled layer order."""
    compiled = net.compile()
    out = []
    for layer in compiled.layers:
        gW, gb = np.zeros_like(layer.weights), np.zeros_like(layer.biases)
        for r, c in zip(*np.nonzero(layer.mask)):
            s, t = layer.source_ids[r], layer.target_ids[c]
            w = net.synapse(s, t).weight
            plus, minus = net.copy(), net.copy()
            plus.set_weight(s, t, w + eps)
            minus.set_weight(s, t, w - eps)
            gW[r, c] = (reference_loss(plus, X, D, loss) - reference_loss(minus, X, D, loss)) / (2 * eps)
        for c, t in enumerate(layer.target_ids):
            if net.neuron(t).activation == "gaussian":
                continue  # a gaussian unit ignores its bias
            b = net.neuron(t).bias
            plus, minus = net.copy(), net.copy()
            plus.set_bias(t, b + eps)
            minus.set_bias(t, b - eps)
            gb[c] = (reference_loss(plus, X, D, loss) - reference_loss(minus, X, D, loss)) / (2 * eps)
        out.append((gW, gb))
    return out


def assert_gradients_match(net, X, D, loss, tol=1e-6):
    value, analytic = gradient(net, X, D, loss)
    assert value == pytest.approx(reference_loss(net, X, D, loss), rel=1e-9, abs=1e-12)
    for (gW, gb), (nW, nb) in zip(analytic, numeric_gradient(net, X, D, loss)):
        np.testing.assert_allclose(gW, nW, rtol=1e-4, atol=tol)
        np.testing.assert_allclose(gb, nb, rtol=1e-4, atol=tol)


@st.composite
def random_dags(draw):
    """A random feed-forward graph: every unit reads a random non-empty subset of the neurons
    before it (so skip connections abound), with mixed sigmoid/tanh/linear units."""
    n_in = draw(st.integers(1, 3))
    n_units = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    net = Network()
    names = []
    for i in range(n_in):
        names.append(net.add_neuron(f"x{i}", role="input").name)
    for j in range(n_units):
        act = draw(st.sampled_from(["sigmoid", "tanh", "linear"]))
        name = net.add_neuron(f"u{j}", activation=act, bias=float(rng.normal())).name
        k = draw(st.integers(1, len(names)))
        for src in rng.choice(names, size=k, replace=False):
            net.connect(str(src), name, float(rng.normal()))
        names.append(name)
    n = draw(st.integers(1, 6))
    X = rng.normal(size=(n, n_in))
    D = rng.normal(size=(n, len(net.outputs)))
    return net, X, D


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_dags())
def test_gradient_equals_finite_differences_on_random_graphs(case):
    net, X, D = case
    assert_gradients_match(net, X, D, "mse")


@pytest.mark.parametrize("acts,loss,k", [
    (["relu", "sigmoid"], "binary_crossentropy", 2),
    (["tanh", "softmax"], "categorical_crossentropy", 3),
    (["gaussian", "linear"], "mse", 2),
    (["sigmoid", "softmax"], "mse", 3),
])
def test_gradient_of_each_loss_and_special_unit(acts, loss, k):
    rng = np.random.default_rng(4)
    net = Network.layered([3, 4, k], acts, seed=2)
    for n in net.neurons:
        if n.role != "input":
            net.set_bias(n.id, float(rng.normal()))
    X = rng.normal(size=(7, 3))
    if loss == "categorical_crossentropy":
        D = np.eye(k)[rng.integers(0, k, 7)]
    elif loss == "binary_crossentropy":
        D = rng.integers(0, 2, (7, k)).astype(float)
    else:
        D = rng.normal(size=(7, k))
    assert_gradients_match(net, X, D, loss)


def test_gradient_with_output_feeding_another_output_and_missing_synapses():
    net = Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=5)
    net.disconnect("x1", "h1_2")
    net.add_neuron("y2", role="output", activation="sigmoid")
    net.set_role("y", "output")
    net.connect("y", "y2", 0.7)
    net.connect("x2", "y2", -0.3)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 2))
    D = rng.integers(0, 2, (6, 2)).astype(float)
    assert_gradients_match(net, X, D, "binary_crossentropy")
    assert_gradients_match(net, X, D, "mse")
    _, grads = gradient(net, X, D, "mse")
    layer = net.compile().layers[0]
    assert np.all(grads[0][0][layer.mask == 0] == 0)


def test_graph_forward_equals_engine_forward():
    net = Network.layered([2, 5, 3], ["relu", "softmax"], seed=1)
    X = np.random.default_rng(1).normal(size=(9, 2))
    graph = Graph(net.compile(), "categorical_crossentropy")
    A = graph.inputs_matrix(X)
    graph.forward(A)
    np.testing.assert_allclose(A[:, graph.output_cols], net.evaluate(X), rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------- optimisers
def linear_problem():
    net = Network.layered([2, 1], "linear", seed=0)
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7], [2.0, 1.0]])
    d = X @ np.array([0.5, -1.5]) + 0.25
    return net, X, d


def reference_run(net, X, d, optimizer, steps, lr, **kw):
    """The Keras update formulas written out by hand, on (w1, w2, b), full batch."""
    theta = np.array([net.synapse("x1", "y").weight, net.synapse("x2", "y").weight,
                      net.neuron("y").bias])
    m, v = np.zeros(3), np.zeros(3)
    for t in range(1, steps + 1):
        r = X @ theta[:2] + theta[2] - d
        g = np.concatenate([2 * X.T @ r / len(d), [2 * r.mean()]])
        if optimizer == "sgd":
            theta = theta - lr * g
        elif optimizer == "momentum":
            m = kw["momentum"] * m - lr * g
            theta = theta + m
        else:
            b1, b2, eps = 0.9, 0.999, 1e-7
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
            theta = theta - alpha * m / (np.sqrt(v) + eps)
    return theta


@pytest.mark.parametrize("optimizer,lr,kw", [("sgd", 0.05, {}), ("momentum", 0.02, {"momentum": 0.8}),
                                             ("adam", 0.01, {})])
def test_optimizers_match_hand_written_keras_formulas(optimizer, lr, kw):
    net, X, d = linear_problem()
    expected = reference_run(net, X, d, optimizer, 25, lr, **kw)
    rule = rules.Backprop(optimizer=optimizer, learning_rate=lr, batch_size=4, shuffle=False, **kw)
    history = rule.train(net, (X, d), epochs=25)
    got = [net.synapse("x1", "y").weight, net.synapse("x2", "y").weight, net.neuron("y").bias]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    assert history.steps == 25 and history.epochs == 25
    assert history.loss[-1] < history.loss[0]


def test_adam_defaults_are_keras():
    rule = rules.Backprop()
    assert (rule.optimizer, rule.learning_rate, rule.beta1, rule.beta2, rule.epsilon) == (
        "adam", 0.001, 0.9, 0.999, 1e-7)
    assert rule.momentum == 0.9 and rule.batch_size == 32


# ---------------------------------------------------------------------- the Keras example
def load_example():
    spec = importlib.util.spec_from_file_location("keras_snippet",
                                                  ROOT / "examples" / "keras_snippet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_keras_example_reaches_095_and_prints_like_keras(capsys):
    trainer = load_example().main()
    h = trainer.history
    assert h.epochs == 10 and len(h.val_accuracy) == 10
    assert h.accuracy[-1] >= 0.95 and h.val_accuracy[-1] >= 0.95
    assert h.loss[-1] < h.loss[0] and h.val_loss[-1] < h.val_loss[0]
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Epoch 1/10" and out[18] == "Epoch 10/10"
    assert out[1].startswith("32/32 - loss: ") and "- val_accuracy: " in out[19]


# ---------------------------------------------------------------------- behaviour
def blobs(k=3, n=300, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    centres = np.array([[np.cos(a), np.sin(a)] for a in 2 * np.pi * np.arange(k) / k]) * 2
    return centres[labels] + rng.normal(0, 0.4, (n, 2)), labels


def test_softmax_with_integer_labels_and_validation_split():
    X, labels = blobs()
    net = Network.layered([2, 8, 3], ["tanh", "softmax"], seed=0)
    rule = rules.Backprop(learning_rate=0.02, loss="categorical_crossentropy",
                          validation_split=0.2)
    trainer = rule.trainer(net, (X, labels), seed=0)
    assert len(trainer.X) == 240 and len(trainer.X_val) == 60
    np.testing.assert_array_equal(trainer.X_val, X[240:])  # the last fraction, like Keras
    history = trainer.run(30)
    assert history.val_accuracy[-1] > 0.9 and history.accuracy[-1] > 0.9
    assert len(history.val_loss) == 30 and len(history.weight_norm) == 30


def test_skip_connections_learn_xor():
    net = Network.layered([2, 2, 1], ["tanh", "sigmoid"], seed=3)
    net.connect("x1", "y", 0.1)
    net.connect("x2", "y", -0.1)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    history = rules.Backprop(learning_rate=0.05, loss="binary_crossentropy", batch_size=4).train(
        net, (X, [0, 1, 1, 0]), epochs=1500, seed=0)
    assert history.accuracy[-1] == 1.0
    np.testing.assert_array_equal(net.evaluate(X)[:, 0] > 0.5, [False, True, True, False])


def test_same_seed_is_bit_for_bit_and_other_seeds_differ():
    X, labels = blobs(k=2)
    weights = []
    for seed in (11, 11, 12):
        net = Network.layered([2, 6, 1], ["relu", "sigmoid"], seed=0)
        rules.Backprop(loss="binary_crossentropy", batch_size=16, learning_rate=0.01,
                       reinitialize=True, init="he_normal").train(net, (X, labels), epochs=3,
                                                                  seed=seed)
        weights.append([s.weight for s in net.synapses] + [n.bias for n in net.neurons])
    assert weights[0] == weights[1]
    assert weights[0] != weights[2]


def test_reinitialize_only_when_asked():
    net = Network.layered([2, 3, 1], "sigmoid", seed=0)
    X, y = np.zeros((4, 2)), np.zeros(4)
    kept = rules.Backprop(learning_rate=0.0).trainer(net, (X, y)).network()
    assert kept == net
    fresh = rules.Backprop(learning_rate=0.0, reinitialize=True, init="zeros").trainer(
        net, (X, y)).network()
    assert all(s.weight == 0.0 for s in fresh.synapses)


def test_divergence_is_reported_with_finite_weights_and_no_warning():
    net, X, d = linear_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = rules.Backprop(optimizer="sgd", learning_rate=10.0, batch_size=4).train(
            net, (X * 1e3, d), epochs=1000)
    assert history.diverged and history.diverged_at == history.steps
    assert all(np.isfinite(s.weight) for s in net.synapses)


def test_trainer_leaves_the_network_alone_until_write_back():
    net = Network.layered([2, 3, 1], "sigmoid", seed=0)
    before = net.copy()
    X = np.random.default_rng(0).normal(size=(20, 2))
    trainer = rules.Backprop(learning_rate=0.1).trainer(net, (X, X[:, 0] > 0))
    trainer.run(3)
    assert net == before
    assert trainer.network() != before
    trainer.write_back(net)
    assert net == trainer.network()


def test_applies_to_reasons():
    rule = rules.Backprop()
    assert rule.applies_to(Network.layered([2, 3, 1], ["relu", "sigmoid"]))
    reason = rule.applies_to(Network.layered([2, 3, 1], ["step", "sigmoid"])).reason
    assert "step unit" in reason and "gradient" in reason
    veto = Network.layered([2, 1], "sigmoid")
    veto.set_kind("x1", "y", "inhibitory")
    assert "inhibitory" in rule.applies_to(veto).reason
    loop = Network.layered([2, 1], "sigmoid")
    loop.add_neuron("h", activation="tanh")
    loop.connect("y", "h")
    loop.connect("h", "y")
    assert "loops" in rule.applies_to(loop).reason
    bce = rules.Backprop(loss="binary_crossentropy")
    assert "sigmoid outputs" in bce.applies_to(Network.layered([2, 1], "tanh")).reason
    cce = rules.Backprop(loss="categorical_crossentropy")
    assert "softmax" in cce.applies_to(Network.layered([2, 3], "sigmoid")).reason
    assert cce.applies_to(Network.layered([2, 3], "softmax"))
    with pytest.raises(ValueError, match="does not apply"):
        rule.trainer(veto, (np.zeros((1, 2)), [0.0]))


def test_parameter_validation_names_the_parameter():
    for kwargs, name in [({"optimizer": "rmsprop"}, "optimizer"), ({"batch_size": 0}, "batch_size"),
                         ({"validation_split": 1.0}, "validation_split"), ({"loss": "hinge"}, "loss"),
                         ({"init": "orthogonal"}, "init"), ({"learning_rate": -1}, "learning_rate"),
                         ({"shuffle": "yes"}, "shuffle"), ({"beta2": 1.5}, "beta2")]:
        with pytest.raises(ValueError, match=f"'{name}'"):
            rules.Backprop(**kwargs)


def test_data_shape_errors():
    net = Network.layered([2, 3, 1], "sigmoid")
    with pytest.raises(ValueError, match="3 input columns"):
        rules.Backprop().trainer(net, (np.zeros((4, 3)), np.zeros(4)))
    with pytest.raises(ValueError, match="2 target columns"):
        rules.Backprop().trainer(net, (np.zeros((4, 2)), np.zeros((4, 2))))
    with pytest.raises(ValueError, match="targets"):
        rules.Backprop().trainer(net, np.zeros((4, 2)))
    cce = rules.Backprop(loss="categorical_crossentropy")
    with pytest.raises(ValueError, match="0..2"):
        cce.trainer(Network.layered([2, 3], "softmax"), (np.zeros((2, 2)), [0, 3]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_dags())
def test_gradient_equals_pytorch_autograd_when_installed(case):
    torch = pytest.importorskip("torch")
    net, X, D = case
    compiled = net.compile()
    weights = {s.key: torch.tensor(s.weight, dtype=torch.float64, requires_grad=True)
               for s in net.synapses}
    biases = {n.id: torch.tensor(n.bias, dtype=torch.float64, requires_grad=True)
              for n in net.neurons if n.role != "input"}
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "linear": lambda z: z}
    value = {}
    Xt = torch.tensor(X)
    for i, name in enumerate(compiled.input_names):
        value[net.neuron(name).id] = Xt[:, i]
    for nid in compiled.order[compiled.n_inputs:]:  # layer order is a topological order
        z = biases[nid] + sum(weights[s.key] * value[s.source] for s in net.incoming(nid))
        value[nid] = act[net.neuron(nid).activation](z)
    y = torch.stack([value[net.neuron(name).id] for name in compiled.output_names], dim=1)
    torch.mean((y - torch.tensor(D)) ** 2).backward()
    _, grads = gradient(net, X, D, "mse")
    for (gW, gb), layer in zip(grads, compiled.layers):
        for r, c in zip(*np.nonzero(layer.mask)):
            key = (layer.source_ids[r], layer.target_ids[c])
            assert gW[r, c] == pytest.approx(weights[key].grad.item(), rel=1e-9, abs=1e-12)
        for c, t in enumerate(layer.target_ids):
            assert gb[c] == pytest.approx(biases[t].grad.item(), rel=1e-9, abs=1e-12)


def test_single_steps_from_the_app_advance_one_batch_and_report_divergence():
    net, X, d = linear_problem()
    trainer = rules.Backprop(optimizer="sgd", learning_rate=0.01, batch_size=3).trainer(
        net, (X, d))
    assert trainer.steps_per_epoch == 2
    assert trainer.step() is False and trainer.history.steps == 1
    assert trainer.step() is True and trainer.history.epochs == 1
    assert len(trainer.history.loss) == 1
    wild = rules.Backprop(optimizer="sgd", learning_rate=10.0, batch_size=4).trainer(
        net, (X * 1e3, d))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        while not wild.history.done:
            wild.step()  # outside run_epoch: each step silences numpy itself
    assert wild.history.diverged and wild.history.diverged_at == wild.history.steps
    assert np.all(np.isfinite(wild.graph.theta))


def test_batch_size_change_applies_at_next_epoch():
    net, X, d = linear_problem()
    rule = rules.Backprop(optimizer="sgd", learning_rate=0.01, batch_size=4, shuffle=False)
    trainer = rule.trainer(net, (X, d))
    trainer.run(1)
    rule.set_params(batch_size=1)
    trainer.run(1)
    assert trainer.history.steps == 1 + 4

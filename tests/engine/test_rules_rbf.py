"""RBF fitting: centre placement, least squares and gradient read-outs, checked via net.evaluate."""
import numpy as np
import pytest

from nnsim.engine import Network, datasets, rules
from nnsim.engine.rules import rbf


def rmse(net, ds):
    return float(np.sqrt(np.mean((net.evaluate(ds.X)[:, 0] - ds.y) ** 2)))


@pytest.mark.parametrize("centers", rbf.PLACEMENTS)
def test_least_squares_fits_a_sine(centers):
    train, test = datasets.sine(200, seed=0), datasets.sine(300, seed=1)
    net = Network.rbf(1, 12, 1)
    history = rules.RBFFit(12, beta=1.0, centers=centers).train(net, train, epochs=10)
    assert history.converged and history.epochs == 1
    assert rmse(net, train) == pytest.approx(np.sqrt(history.loss[0]))
    assert rmse(net, train) < 0.01 and rmse(net, test) < 0.02


def test_gradient_descent_fits_a_sine_and_its_loss_falls():
    ds = datasets.sine(200, seed=0)
    net = Network.rbf(1, 12, 1)
    rule = rules.RBFFit(beta=1.0, method="gradient", learning_rate=0.5, batch_size=16)
    history = rule.train(net, ds, epochs=300)
    assert not history.converged and history.epochs == 300
    assert history.loss[-1] < 0.05 * history.loss[0] and history.loss[-1] < 1e-3
    assert rmse(net, ds) < 0.03


def test_gradient_steps_are_mini_batches():
    ds = datasets.sine(50, seed=0)
    trainer = rules.RBFFit(beta=1.0, method="gradient", batch_size=16).trainer(
        Network.rbf(1, 5, 1), ds)
    assert trainer.steps_per_epoch == 4  # 16 + 16 + 16 + 2
    assert [trainer.step() for _ in range(4)] == [False, False, False, True]


def test_cylinder_fit_in_two_dimensions():
    train, test = datasets.cylinder(600, seed=1), datasets.cylinder(2000, seed=2)
    net = Network.rbf(2, 49, 1)
    rules.RBFFit(beta=10.0, centers="grid").train(net, train)
    pred = net.evaluate(test.X)[:, 0]
    assert rmse(net, test) < 0.2
    assert np.mean((pred > 0.5) == (test.y > 0.5)) > 0.97


def test_one_gaussian_unit_makes_a_cylinder():
    # the lecture's point: one RBF unit, well placed, already gives a cylinder-like bump
    train, test = datasets.cylinder(600, seed=1), datasets.cylinder(2000, seed=2)
    net = Network.rbf(2, 1, 1)
    rules.RBFFit(beta=5.0, centers="kmeans").train(net, train)
    pred = net.evaluate(test.X)[:, 0]
    assert np.mean((pred > 0.5) == (test.y > 0.5)) > 0.95
    assert np.linalg.norm([net.synapse("x1", "c1").weight, net.synapse("x2", "c1").weight]) < 0.1


def test_centres_bandwidths_and_read_out_reach_the_network():
    ds = datasets.sine(100, seed=0)
    net = Network.rbf(1, 4, 1)
    trainer = rules.RBFFit(beta=2.5, centers="grid").trainer(net, ds)
    trainer.run(1)
    rules.RBFFit(beta=2.5, centers="grid").train(net, ds)
    centres = [net.synapse("x1", f"c{j}").weight for j in range(1, 5)]
    assert np.allclose(centres, np.linspace(ds.X.min(), ds.X.max(), 4))
    assert all(net.neuron(f"c{j}").param("beta", 0) == 2.5 for j in range(1, 5))
    assert np.allclose(net.evaluate(ds.X), trainer.predict(ds.X))
    assert np.allclose(trainer.network().evaluate(ds.X), trainer.predict(ds.X))


def test_two_outputs_are_fitted_together():
    x = np.linspace(-1, 1, 80)
    ds = datasets.Dataset(x, np.column_stack([x ** 2, np.cos(3 * x)]))
    net = Network.rbf(1, 10, 2)
    rules.RBFFit(beta=4.0).train(net, ds)
    assert np.max(np.abs(net.evaluate(ds.X) - ds.targets)) < 0.01


def test_kmeans_finds_separated_clusters():
    ds = datasets.blobs(300, k=3, noise=0.1, seed=0)
    rng = np.random.default_rng(0)
    centres = rbf.kmeans(ds.X, 3, rng)
    truth = [ds.X[ds.y == j].mean(0) for j in range(3)]
    for t in truth:
        assert np.min(np.linalg.norm(centres - t, axis=1)) < 1e-9
    again = rbf.kmeans(ds.X, 3, np.random.default_rng(0))
    assert np.array_equal(centres, again)


def test_grid_centres_cover_the_box():
    X = np.array([[0.0, -1.0], [2.0, 1.0]])
    assert np.allclose(rbf.grid_centres(X, 9)[[0, 4, 8]], [[0, -1], [1, 0], [2, 1]])
    assert rbf.grid_centres(X, 5).shape == (5, 2)


def test_same_seed_same_fit():
    ds = datasets.sine(60, seed=0)
    nets = [Network.rbf(1, 6, 1) for _ in range(3)]
    for net, seed in zip(nets, (3, 3, 4)):
        rules.RBFFit(beta=1.0, centers="data", method="gradient").train(net, ds, epochs=5,
                                                                        seed=seed)
    assert nets[0] == nets[1] and nets[0] != nets[2]


def test_gradient_divergence_is_reported_not_raised():
    ds = datasets.Dataset(np.zeros((8, 1)), np.full(8, 1e300))
    net = Network.rbf(1, 2, 1)
    h = rules.RBFFit(beta=1.0, method="gradient", learning_rate=100.0, batch_size=8).train(
        net, ds, epochs=50)
    assert h.diverged and h.diverged_at is not None
    assert np.all(np.isfinite(net.weight_matrix()))


def test_applies_to_explains_why_not():
    rule = rules.RBFFit()
    assert rule.applies_to(Network.rbf(2, 3, 1))
    assert "gaussian" in rule.applies_to(Network.layered([2, 3, 1])).reason
    assert "asks for 5 centres" in rules.RBFFit(5).applies_to(Network.rbf(2, 3, 1)).reason
    sig_out = Network.rbf(2, 3, 1)
    sig_out.set_activation("y", "sigmoid")
    assert "linear" in rule.applies_to(sig_out).reason
    partial = Network.rbf(2, 3, 1)
    partial.disconnect("x2", "c1")
    assert "'c1' must receive every input" in rule.applies_to(partial).reason
    with pytest.raises(ValueError, match="does not apply"):
        rule.train(partial, datasets.cylinder(10))


def test_data_shape_mismatch_is_explained():
    with pytest.raises(ValueError, match="1 input columns but the network has 2 inputs"):
        rules.RBFFit().train(Network.rbf(2, 3, 1), datasets.sine(10))
    with pytest.raises(ValueError, match="targets"):
        rules.RBFFit().train(Network.rbf(1, 3, 1), datasets.sine(10).X)

"""Hopfield storage: the three prescriptions, recall through the network, energy, capacity."""
import numpy as np
import pytest

from nnsim.engine import Network, datasets, rules
from nnsim.engine.dynamics import settle
from nnsim.engine.rules import hopfield
from nnsim.engine.rules.hopfield import capacity_experiment, store


def stored_network(patterns, method="hebbian"):
    net = Network.hopfield(patterns.shape[1])
    history = rules.HopfieldStore(method=method).train(net, patterns, epochs=5)
    return net, history


def test_hebbian_weights_follow_the_formula():
    xi = datasets.random_patterns(3, 20, seed=0)
    w = store(xi, "hebbian")
    expected = sum(np.outer(p, p) for p in xi) / 20
    np.fill_diagonal(expected, 0)
    assert np.allclose(w, expected)
    net, history = stored_network(xi)
    assert np.allclose(net.weight_matrix(), expected) and net.is_symmetric
    assert history.converged and history.epochs == 1 and history.steps == 3


def test_storkey_matches_the_elementwise_definition():
    xi = datasets.random_patterns(4, 7, seed=1)
    n = xi.shape[1]
    w = np.zeros((n, n))
    for p in xi:  # Storkey (1997), written out term by term
        h = np.array([[sum(w[i, k] * p[k] for k in range(n) if k not in (i, j))
                       for j in range(n)] for i in range(n)])
        new = w.copy()
        for i in range(n):
            for j in range(n):
                new[i, j] += (p[i] * p[j] - p[i] * h[j, i] - h[i, j] * p[j]) / n
        np.fill_diagonal(new, 0)
        w = new
    fast = store(xi, "storkey")
    assert np.allclose(fast, w)
    assert np.array_equal(fast, fast.T)  # exactly symmetric: the energy argument holds


def test_pseudoinverse_stores_correlated_patterns_as_fixed_points():
    xi = datasets.random_patterns(40, 100, seed=2)  # load 0.4: far beyond the hebbian limit
    w = store(xi, "pseudoinverse")
    assert np.allclose(w, w.T) and np.all(np.diag(w) == 0)
    b = np.zeros(100)
    assert not hopfield.unstable_bits(w, b, xi).any()
    assert hopfield.unstable_bits(store(xi, "hebbian"), b, xi).any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_three_patterns_recalled_from_ten_percent_noise(seed):
    xi = datasets.random_patterns(3, 100, seed=seed)
    net, _ = stored_network(xi)
    for k, p in enumerate(xi):
        noisy = datasets.flip(p, 0.10, seed=10 * seed + k)
        assert np.sum(noisy != p) == 10
        result = net.settle(noisy, mode="async", seed=k)
        assert result.converged and np.array_equal(result.final, p)
        assert np.all(np.diff(result.energies) <= 1e-12)  # energy never rises
        assert result.energies[-1] < result.energies[0]


@pytest.mark.parametrize("method", hopfield.METHODS)
def test_energy_is_non_increasing_for_every_method(method):
    xi = datasets.random_patterns(12, 60, seed=3)
    w = store(xi, method)
    for k in range(5):
        start = datasets.random_patterns(1, 60, seed=100 + k)[0]
        r = settle(w, np.zeros(60), start, seed=k)
        assert r.converged and np.all(np.diff(r.energies) <= 1e-9)


@pytest.mark.parametrize("size, letters", [(8, "ACX"), (8, "LOX"), (16, "HOT"), (16, "AJX")])
def test_bitmap_letters_recalled_from_twenty_percent_noise(size, letters):
    xi = datasets.bitmap_patterns(letters, size=size)
    net, history = stored_network(xi)
    assert history.errors == [0]  # every letter is a fixed point
    for k, p in enumerate(xi):
        noisy = datasets.flip(p, 0.20, seed=k)
        assert np.array_equal(net.settle(noisy, seed=k).final, p)


def test_many_letters_need_a_better_rule_than_hebb():
    # letters overlap heavily, so cross-talk swamps the hebbian rule long before 0.138 N
    xi = datasets.bitmap_patterns("HOTELS", size=16)
    b = np.zeros(xi.shape[1])
    unstable = {m: int(hopfield.unstable_bits(store(xi, m), b, xi).any(axis=1).sum())
                for m in hopfield.METHODS}
    assert unstable["hebbian"] >= 5
    assert unstable["storkey"] <= 2
    assert unstable["pseudoinverse"] == 0


def test_trainer_stores_one_pattern_per_step():
    xi = datasets.random_patterns(4, 30, seed=4)
    net = Network.hopfield(30)
    trainer = rules.HopfieldStore("storkey").trainer(net, xi)
    assert trainer.steps_per_epoch == 4
    for k in range(1, 5):
        done = trainer.step()
        assert trainer.stored == k and done == (k == 4)
        assert np.allclose(trainer.network().weight_matrix(), store(xi[:k], "storkey"))
    h = trainer.history
    assert h.converged and h.errors == [0] and h.accuracy == [1.0] and h.loss == [0.0]
    expected = np.mean([-0.5 * p @ store(xi, "storkey") @ p for p in xi])
    assert h.energy[0] == pytest.approx(expected)
    assert h.weight_norm[0] == pytest.approx(np.linalg.norm(store(xi, "storkey")))
    assert not trainer.step()  # done: further steps do nothing
    assert np.all(net.weight_matrix() == 0)  # the caller's network is untouched until write-back


def test_storage_is_deterministic_and_accepts_datasets_and_single_patterns():
    xi = datasets.random_patterns(2, 16, seed=5)
    a, _ = stored_network(xi, "pseudoinverse")
    b = Network.hopfield(16)
    rules.HopfieldStore("pseudoinverse").train(b, datasets.Dataset(xi))
    assert np.array_equal(a.weight_matrix(), b.weight_matrix())
    c = Network.hopfield(16)
    rules.HopfieldStore().train(c, xi[0])
    assert np.allclose(c.weight_matrix(), store(xi[:1]))


def test_bad_patterns_are_refused():
    net = Network.hopfield(4)
    with pytest.raises(ValueError, match="only \\+1 and -1"):
        rules.HopfieldStore().train(net, np.array([[0, 1, 1, 0]]))
    with pytest.raises(ValueError, match="3 units but the network has 4"):
        rules.HopfieldStore().train(net, np.ones((2, 3)))
    with pytest.raises(ValueError, match="unknown storage method"):
        store(np.ones((1, 3)), "oja")


def test_applies_to_explains_why_not():
    rule = rules.HopfieldStore()
    assert rule.applies_to(Network.hopfield(5))
    ff = Network.layered([2, 1], "sign")
    assert "clamped input" in rule.applies_to(ff).reason
    sig = Network.hopfield(3)
    sig.set_activation("s0", "sigmoid")
    assert "sign" in rule.applies_to(sig).reason
    one_way = Network.hopfield(3)
    one_way.disconnect("s1", "s0")
    reason = rule.applies_to(one_way).reason
    assert "'s0' -> 's1' has no reverse" in reason
    with pytest.raises(ValueError, match="does not apply"):
        rule.train(one_way, np.ones((1, 3)))


def test_a_diluted_network_keeps_its_missing_synapses_missing():
    net = Network.hopfield(4)
    net.disconnect("s0", "s1")
    net.disconnect("s1", "s0")
    xi = np.array([[1, -1, 1, -1]], dtype=float)
    rules.HopfieldStore().train(net, xi)
    w = net.weight_matrix()
    assert w[0, 1] == 0 and w[1, 0] == 0 and w[0, 2] == pytest.approx(0.25)


# ---------------------------------------------------------------------- capacity
def test_capacity_of_the_hebbian_rule_is_near_0_138():
    r = capacity_experiment(n_units=500, loads=(0.05, 0.1, 0.14, 0.2, 0.3), trials=2,
                            method="hebbian", seed=0)
    assert list(r.patterns) == [25, 50, 70, 100, 150]
    recalled = dict(zip(r.loads.round(2), r.recalled))
    assert recalled[0.05] == 1.0 and recalled[0.1] >= 0.9
    assert recalled[0.2] < 0.5 and recalled[0.3] < 0.05
    assert 0.1 <= r.capacity(0.5) <= 0.2  # finite-size estimate of 0.138
    assert r.overlap[-1] < 0.6  # far above the limit the state drifts far from the pattern


def test_storkey_and_pseudoinverse_store_more_than_hebbian():
    loads = (0.1, 0.2, 0.3)
    got = {m: capacity_experiment(150, loads, trials=2, method=m, seed=1, flip_fraction=0.05)
           for m in hopfield.METHODS}
    heb = got["hebbian"].recalled
    assert heb[-1] < 0.2
    for m in ("storkey", "pseudoinverse"):
        assert got[m].recalled[-1] >= 0.9 and got[m].capacity() > got["hebbian"].capacity()


def test_capacity_experiment_is_seeded():
    a = capacity_experiment(60, (0.1, 0.2), trials=2, seed=7, flip_fraction=0.1)
    b = capacity_experiment(60, (0.1, 0.2), trials=2, seed=7, flip_fraction=0.1)
    assert np.array_equal(a.recalled, b.recalled) and np.array_equal(a.overlap, b.overlap)

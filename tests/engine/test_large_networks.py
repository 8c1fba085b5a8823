"""A network file that loads must not take the machine when it is simulated (issue 12).

Files may hold 50,000 neurons and 150,000 synapses (fileformat.MAX_NEURONS / MAX_SYNAPSES).
Dense n x n matrices of such a network would need 20 GB each; beyond DENSE_MAX_NEURONS the
stepper and the Hopfield path keep the synapses only.  Here:
  - the sparse path computes what the definition says, checked against a reference written
    neuron by neuron in this file (not the code's matrices), for every unit kind, vetoes,
    gaussian units and batches of states, and agrees with the dense path;
  - Hopfield sweeps, settle and the energy on compressed rows give exactly the dense results;
  - networks at the caps (recurrent with every unit kind, feed-forward, a symmetric sign
    Hopfield net) load, build into a Simulation, step 10 times and give a snapshot within
    2 CPU s and 500 MB, measured in a capped child process (tests/bounded.py).
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from nnsim.engine import Network, dynamics
from nnsim.engine.dynamics import RecurrentStepper, SynapseRows, async_sweep, energy, settle
from nnsim.engine.fileformat import MAX_NEURONS, MAX_SYNAPSES, load_network
from nnsim.engine.simulation import Simulation
from nnsim.engine.units import ACTIVATIONS
from tests.bounded import run_each


# ---------------------------------------------------------------------- the reference
def _unit(act: str, z: float, beta: float) -> float:
    if act == "step":
        return 1.0 if z > 0 else 0.0
    if act == "sign":
        return 1.0 if z >= 0 else -1.0
    if act == "linear":
        return z
    if act == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if act == "tanh":
        return float(np.tanh(z))
    if act == "relu":
        return max(z, 0.0)
    if act == "gaussian":
        return float(np.exp(-beta * max(z, 0.0)))
    raise AssertionError(act)


def reference_step(net: Network, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One synchronous step by the definition, neuron by neuron: inputs keep their value; every
    other unit computes z = b + sum(w * y) over its excitatory synapses (a gaussian unit: the sum
    of (y - w)^2 over them), y = g(z) (softmax over all softmax units), and y = 0 when any
    inhibitory synapse's source has y > 0."""
    neurons = net.neurons
    pos = {nr.id: i for i, nr in enumerate(neurons)}
    incoming = {nr.id: net.incoming(nr.id) for nr in neurons}
    rows_in = np.atleast_2d(np.asarray(state, dtype=float))
    ys, zs = [], []
    for s in rows_in:
        z, y = np.zeros(len(neurons)), s.copy()
        for j, nr in enumerate(neurons):
            exc = [(pos[x.source], x.weight) for x in incoming[nr.id] if x.kind == "excitatory"]
            if nr.role != "input" and nr.activation == "gaussian":
                z[j] = sum((s[i] - w) ** 2 for i, w in exc)
            else:
                z[j] = nr.bias + sum(s[i] * w for i, w in exc)
        soft = [j for j, nr in enumerate(neurons) if nr.role != "input" and nr.activation == "softmax"]
        for j, nr in enumerate(neurons):
            if nr.role != "input" and nr.activation != "softmax":
                y[j] = _unit(nr.activation, z[j], nr.param("beta", 1.0))
        if soft:
            e = np.exp(z[soft] - z[soft].max())
            y[soft] = e / e.sum()
        for j, nr in enumerate(neurons):
            if nr.role != "input" and any(s[pos[x.source]] > 0 for x in incoming[nr.id]
                                          if x.kind == "inhibitory"):
                y[j] = 0.0
        ys.append(y)
        zs.append(z)
    shape = np.shape(state)
    return np.array(ys).reshape(shape), np.array(zs).reshape(shape)


def random_network(seed: int, n: int | None = None) -> Network:
    """Every unit kind, inputs, self-loops, excitatory and inhibitory synapses, gaussian
    bandwidths, units without synapses."""
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(6, 40))
    net = Network()
    kinds = list(ACTIVATIONS)
    for i in range(n):
        role = "input" if i < max(1, n // 6) else ("output" if rng.random() < 0.2 else "hidden")
        act = "linear" if role == "input" else kinds[i % len(kinds)]
        params = {"beta": float(rng.uniform(0.2, 2.0))} if act == "gaussian" and rng.random() < 0.7 else None
        net.add_neuron(f"n{i}", role=role, activation=act, bias=float(rng.normal()),
                       value=float(rng.normal()), params=params)
    density = rng.uniform(0.05, 0.5)
    for a in range(n):
        for b in range(n):
            if net.neuron(f"n{b}").role != "input" and rng.random() < density:
                kind = "inhibitory" if rng.random() < 0.1 else "excitatory"
                net.connect(f"n{a}", f"n{b}", float(rng.normal()), kind)
    return net


def random_states(net: Network, rng, batch: int | None) -> np.ndarray:
    shape = (len(net),) if batch is None else (batch, len(net))
    # some outputs exactly 0 and negative: the veto fires only on y > 0
    return np.where(rng.random(shape) < 0.2, 0.0, rng.normal(size=shape))


# ---------------------------------------------------------------------- sparse = definition = dense
@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("batch", [None, 5])
def test_sparse_and_dense_steps_compute_the_definition(seed, batch):
    net = random_network(seed)
    rng = np.random.default_rng(1000 + seed)
    sparse, dense = RecurrentStepper(net, dense=False), RecurrentStepper(net, dense=True)
    assert sparse.sparse and sparse.weights is None and dense.weights is not None
    for _ in range(3):  # a few steps: each from the reference's own previous output
        state = random_states(net, rng, batch)
        y_ref, z_ref = reference_step(net, state)
        for stepper in (sparse, dense):
            y, z = stepper.step(state)
            assert y.shape == z.shape == state.shape
            np.testing.assert_allclose(z, z_ref, rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(y, y_ref, rtol=1e-9, atol=1e-12)


def test_every_kind_is_exercised_by_the_random_networks():
    """The comparison above means something: its networks hold vetoes that fire, gaussian units
    with synapses and without, softmax groups and every other unit."""
    seen = set()
    vetoed = 0
    for seed in range(24):
        net = random_network(seed)
        stepper = RecurrentStepper(net, dense=False)
        seen |= set(stepper.groups)
        rng = np.random.default_rng(1000 + seed)
        state = random_states(net, rng, None)
        y, z = reference_step(net, state)
        unvetoed = net.copy()
        for s in [s for s in unvetoed.synapses if s.kind == "inhibitory"]:
            unvetoed.disconnect(s.source, s.target)
        vetoed += int(np.sum(reference_step(unvetoed, state)[0] != y))
    assert seen == set(ACTIVATIONS)
    assert vetoed > 20


def test_gaussian_distance_counts_only_the_synapses_that_exist():
    net = Network()
    net.add_neuron("a", role="input", value=3.0)
    net.add_neuron("b", role="input", value=-2.0)
    net.add_neuron("g", activation="gaussian", params={"beta": 0.5})
    net.add_neuron("lonely", activation="gaussian")
    net.connect("a", "g", 1.0)  # b is not connected to g: its -2 is no distance
    for dense in (True, False):
        y, z = RecurrentStepper(net, dense=dense).step(np.array([3.0, -2.0, 0.0, 0.0]))
        assert z[2] == pytest.approx(4.0) and y[2] == pytest.approx(np.exp(-2.0))
        assert z[3] == 0.0 and y[3] == 1.0  # no synapse: an empty sum, y = 1


def test_a_veto_silences_only_units_that_are_not_clamped():
    net = Network()
    net.add_neuron("x", role="input")
    net.add_neuron("h", activation="linear", bias=5.0)
    net.connect("x", "h", 1.0, kind="inhibitory")
    for dense in (True, False):
        stepper = RecurrentStepper(net, dense=dense)
        assert stepper.step(np.array([1.0, 0.0]))[0].tolist() == [1.0, 0.0]
        assert stepper.step(np.array([0.0, 0.0]))[0].tolist() == [0.0, 5.0]
        assert stepper.step(np.array([[1.0, 0.0], [-1.0, 0.0]]))[0].tolist() == [[1.0, 0.0], [-1.0, 5.0]]


def test_the_stepper_is_dense_only_for_small_networks_with_many_synapses():
    assert RecurrentStepper(hopfield_net(30, 0, density=0.5)).dense  # as before
    few = hopfield_net(30, 0, density=0.02)
    stepper = RecurrentStepper(few)  # under 10% of the possible synapses: sparse is faster
    assert stepper.sparse and isinstance(stepper.rows, np.ndarray)  # sweeps: dense rows, faster
    np.testing.assert_array_equal(stepper.rows, few.weight_matrix())
    big = Network()
    for i in range(dynamics.DENSE_MAX_NEURONS + 1):
        big.add_neuron(f"n{i}", activation="tanh")
    big.connect("n0", "n1", 2.0)
    stepper = RecurrentStepper(big)
    assert stepper.sparse and stepper.weights is None and stepper.mask is None and stepper.veto is None
    assert isinstance(stepper.rows, SynapseRows) and stepper.rows.data.tolist() == [2.0]
    state = np.zeros(len(big))
    state[0] = 1.0
    assert stepper.step(state)[1][1] == 2.0
    assert stepper.field(state)[1] == 2.0


# ---------------------------------------------------------------------- Hopfield on rows
def hopfield_net(n: int, seed: int, bias: bool = True, density: float = 0.4) -> Network:
    """Sign units, symmetric synapses of small integer weights (every sum exact, so the sparse
    and dense sweeps meet the same ties)."""
    rng = np.random.default_rng(seed)
    net = Network()
    for i in range(n):
        net.add_neuron(f"u{i}", activation="sign", bias=float(rng.integers(-2, 3)) if bias else 0.0)
    for a in range(n):
        for b in range(a + 1, n):
            if rng.random() < density:
                w = float(rng.integers(-3, 4))
                net.connect(f"u{a}", f"u{b}", w)
                net.connect(f"u{b}", f"u{a}", w)
    assert net.is_symmetric
    return net


def reference_sweep(w: np.ndarray, b: np.ndarray, s: np.ndarray, order) -> np.ndarray:
    """Units in `order`, each s_i = sign(sum_j w_ji s_j + b_i) from the state as it is now."""
    s = s.copy()
    for i in order:
        s[i] = 1.0 if sum(w[j, i] * s[j] for j in range(len(s))) + b[i] >= 0 else -1.0
    return s


@pytest.mark.parametrize("seed", range(6))
def test_sweeps_settle_and_energy_on_rows_give_the_dense_results(seed):
    net = hopfield_net(30, seed)
    w, b = net.weight_matrix(), net.bias_vector()
    rows = SynapseRows.of(net)
    np.testing.assert_array_equal(rows.toarray(), w)
    assert rows.shape == w.shape and rows.data.size == len(net.synapses)
    rng = np.random.default_rng(seed)
    s0 = np.where(rng.random(30) < 0.5, 1.0, -1.0)
    np.testing.assert_array_equal(rows.left(s0), s0 @ w)
    assert energy(rows, b, s0) == energy(w, b, s0) == pytest.approx(-0.5 * s0 @ w @ s0 - b @ s0)
    order = rng.permutation(30)
    sparse_s, sparse_field = s0.copy(), rows.left(s0) + b
    dense_s, dense_field = s0.copy(), s0 @ w + b
    flips = async_sweep(rows, b, sparse_s, order, sparse_field)
    assert flips == async_sweep(w, b, dense_s, order, dense_field) and flips > 0
    np.testing.assert_array_equal(sparse_s, reference_sweep(w, b, s0, order))
    np.testing.assert_array_equal(sparse_s, dense_s)
    np.testing.assert_array_equal(sparse_field, sparse_s @ w + b)  # kept current
    for mode in ("async", "sync"):
        a, d = settle(rows, b, s0, mode=mode, seed=seed), settle(w, b, s0, mode=mode, seed=seed)
        np.testing.assert_array_equal(a.states, d.states)
        np.testing.assert_array_equal(a.energies, d.energies)
        assert a.converged == d.converged
    assert settle(rows, b, s0, seed=seed).converged


def test_weights_of_is_dense_when_small_or_full_and_rows_otherwise(monkeypatch):
    net = hopfield_net(60, 7, density=0.2)
    dense = dynamics.weights_of(net)
    assert isinstance(dense, np.ndarray)  # small: the dense matrix, as before
    s0 = np.where(np.random.default_rng(7).random(60) < 0.5, 1.0, -1.0)
    before = net.settle(s0, seed=3)
    monkeypatch.setattr(dynamics, "DENSE_MAX_NEURONS", 59)
    assert isinstance(dynamics.weights_of(net), np.ndarray)  # 20% of the synapses: still dense
    monkeypatch.setattr(dynamics, "DENSE_MIN_FILL", 0.3)
    rows = dynamics.weights_of(net)
    assert isinstance(rows, SynapseRows)
    np.testing.assert_array_equal(rows.toarray(), dense)
    a = settle(rows, net.bias_vector(), s0, seed=3)
    b = settle(dense, net.bias_vector(), s0, seed=3)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.energies, b.energies)
    assert a.sweeps >= 2 and np.all(np.diff(a.energies) <= 0)
    after = net.settle(s0, seed=3)  # Network.settle and energy take the rows too
    np.testing.assert_array_equal(after.states, before.states)
    np.testing.assert_array_equal(after.energies, before.energies)
    assert net.energy(s0) == energy(dense, net.bias_vector(), s0)


# ---------------------------------------------------------------------- the Simulation, both ways
def force_sparse(monkeypatch) -> None:
    """Every network is 'large': synapses only, for steps and for Hopfield rows."""
    monkeypatch.setattr(dynamics, "DENSE_MAX_NEURONS", 0)
    monkeypatch.setattr(dynamics, "DENSE_MIN_FILL", 2.0)


def _trajectory(net: Network, steps: int, state=None) -> tuple[list, list, Simulation]:
    sim = Simulation(net, seed=5)
    if state is not None:
        sim.set_state(state)
    states, energies = [], []
    for _ in range(steps):
        sim.step(1)
        snap = sim.snapshot()
        states.append(np.array(snap.outputs))
        energies.append(snap.metrics.get("energy"))
    return states, energies, sim


@pytest.mark.parametrize("seed", range(4))
def test_simulation_hopfield_sweeps_are_the_same_sparse(seed, monkeypatch):
    net = hopfield_net(40, seed)
    start = np.where(np.random.default_rng(seed).random(40) < 0.5, 1.0, -1.0)
    dense_states, dense_energies, dense_sim = _trajectory(net, 6, start)
    assert dense_sim._hopfield and dense_sim._stepper.dense
    force_sparse(monkeypatch)
    sparse_states, sparse_energies, sparse_sim = _trajectory(net, 6, start)
    assert sparse_sim._hopfield and isinstance(sparse_sim._stepper.rows, SynapseRows)
    assert isinstance(sparse_sim._energy_cache[2], SynapseRows)  # the snapshot's energy too
    np.testing.assert_array_equal(np.array(sparse_states), np.array(dense_states))
    assert sparse_energies == dense_energies and None not in sparse_energies
    assert all(b <= a for a, b in zip(sparse_energies, sparse_energies[1:]))
    # the same sweeps as the definition, in the simulation's seeded orders
    rng = np.random.default_rng(5)
    w, b = net.weight_matrix(), net.bias_vector()
    s = start
    for k in range(6):
        s = reference_sweep(w, b, s, rng.permutation(40))
        np.testing.assert_array_equal(sparse_states[k], s)


@pytest.mark.parametrize("seed", range(4))
def test_simulation_recurrent_steps_are_the_same_sparse(seed, monkeypatch):
    net = random_network(100 + seed, n=30)
    dense_states, _, _ = _trajectory(net, 5)
    force_sparse(monkeypatch)
    sparse_states, _, sparse_sim = _trajectory(net, 5)
    assert sparse_sim._stepper.sparse
    np.testing.assert_allclose(np.array(sparse_states), np.array(dense_states), rtol=1e-9, atol=1e-12)
    state = np.where([nr.role == "input" for nr in net.neurons], [nr.value for nr in net.neurons], 0.0)
    for k in range(5):
        state = reference_step(net, state)[0]
        np.testing.assert_allclose(sparse_states[k], state, rtol=1e-9, atol=1e-12)


def test_run_is_the_same_sparse(monkeypatch):
    net = random_network(3, n=20)
    monkeypatch.setattr(dynamics, "DENSE_MIN_FILL", 0.0)
    dense = net.run(4)
    force_sparse(monkeypatch)
    sparse = net.run(4)
    for a, b in zip(sparse, dense):
        assert a.keys() == b.keys()
        np.testing.assert_allclose(list(a.values()), list(b.values()), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------- networks at the caps
_LOADED: dict[str, Network] = {}


def network_at_the_caps(path: str, phase: str) -> None:
    """Run in a capped child (tests/bounded.py): phase "load" reads the file (load_network) and
    keeps the network; phase "simulate" builds a Simulation of it, steps 10 times and takes a
    snapshot, raising AssertionError if what it sees is wrong."""
    if phase == "load":
        _LOADED[path] = load_network(path)
        return
    net = _LOADED.pop(path)
    sim = Simulation(net, seed=0)
    before = sim.snapshot(decision=False)
    assert sim.step(10) == 10, "not 10 steps"
    snap = sim.snapshot(decision=False)
    assert snap.step == 10 and len(snap.outputs) == len(net) == MAX_NEURONS
    assert np.all(np.isfinite(snap.outputs)), sim._stopped
    if sim._recurrent:
        assert sim._stepper.sparse, "the stepper of a network at the caps is dense"
        assert not np.array_equal(before.outputs, snap.outputs), "nothing moved"
    if sim._hopfield:
        assert snap.metrics["energy"] < before.metrics["energy"], "the energy did not fall"


def _unique_pairs(rng, n_sources: int, n_from: int, n: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` distinct (source, target) pairs, sources in [0, n_sources), targets in [n_from, n)."""
    keys = np.unique(rng.integers(0, n_sources, 2 * count) * n + rng.integers(n_from, n, 2 * count))
    keys = rng.permutation(keys)[:count]
    return keys // n, keys % n


def _write(path, neurons, sources, targets, weights, kinds=None) -> str:
    kinds = kinds if kinds is not None else ["excitatory"] * len(sources)
    synapses = [{"source": a, "target": b, "weight": w, "kind": k}
                for a, b, w, k in zip(sources.tolist(), targets.tolist(), weights.tolist(), kinds)]
    path.write_text(json.dumps({"format": "nnsim-network", "version": 2, "neurons": neurons,
                                "synapses": synapses}, separators=(",", ":")))
    return str(path)


def files_at_the_caps(tmp_path) -> list[str]:
    rng = np.random.default_rng(0)
    n, m, n_in = MAX_NEURONS, MAX_SYNAPSES, 500
    kinds = list(ACTIVATIONS)
    # recurrent: every unit kind (gaussian with bandwidths, a softmax group), loops, vetoes
    neurons = [{"id": i, "name": f"n{i}", "role": "input" if i < n_in else "hidden",
                "activation": "linear" if i < n_in else kinds[i % len(kinds)],
                "value": float(rng.normal()) if i < n_in else 0.0, "bias": float(rng.normal()),
                "params": {"beta": 0.5} if i % len(kinds) == kinds.index("gaussian") else {}}
               for i in range(n)]
    src, tgt = _unique_pairs(rng, n, n_in, n, m)
    veto = ["inhibitory" if v else "excitatory" for v in rng.random(m) < 0.02]
    recurrent = _write(tmp_path / "recurrent.json", neurons, src, tgt, rng.normal(size=m) * 0.5, veto)
    # feed-forward: 500 inputs, 300 units reading all of them, the rest unconnected
    neurons = [{"id": i, "name": f"n{i}", "role": "input" if i < n_in else "hidden",
                "value": 1.0 if i < n_in else 0.0} for i in range(n)]
    k = np.arange(m)
    feedforward = _write(tmp_path / "feedforward.json", neurons, k % n_in, n_in + k // n_in,
                         rng.normal(size=m))
    # Hopfield: sign units, 75,000 pairs joined both ways with equal weights
    neurons = [{"id": i, "name": f"u{i}", "activation": "sign"} for i in range(n)]
    a, b = _unique_pairs(rng, n, 0, n, 2 * m)
    keep = a < b
    a, b = a[keep][: m // 2], b[keep][: m // 2]
    w = rng.normal(size=m // 2)
    hopfield = _write(tmp_path / "hopfield.json", neurons, np.r_[a, b], np.r_[b, a], np.r_[w, w])
    return [recurrent, feedforward, hopfield]


def test_networks_at_the_caps_simulate_within_2_cpu_s_and_500_mb(tmp_path):
    """The largest networks a file may hold: built into a Simulation, 10 steps and a snapshot
    within 2 CPU s and 500 MB each (dense matrices would need 3 x 20 GB)."""
    paths = files_at_the_caps(tmp_path)
    args = [[p, phase] for p in paths for phase in ("load", "simulate")]
    results = run_each("tests.engine.test_large_networks:network_at_the_caps", args,
                       memory_mb=500)
    for path, load, simulate in zip(paths, results[::2], results[1::2]):
        for r in (load, simulate):
            assert r["error"] is None, (path, r)
        assert simulate["cpu"] < 2.0, (path, simulate)
        assert load["peak_mb"] + simulate["peak_mb"] < 500, (path, load, simulate)

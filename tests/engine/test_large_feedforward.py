"""A feed-forward network file that loads must not take the machine when it is opened (issue 12).

Files may hold 50,000 neurons and 150,000 synapses.  CompiledNetwork (outputs, snapshots,
decision maps, evaluate) keeps a layer as n_sources x n_targets matrices only while they stay
small (compiled.DENSE_MAX_WEIGHTS entries, all layers together); beyond, the layer keeps its
synapses as arrays (a 25,000 -> 25,000 layer would need 5 GB a matrix).  Here:
  - the synapse-array layers compute what the matrices compute, on random networks forced both
    ways, with every unit kind, vetoes, gaussian units (with and without synapses), softmax
    groups, skip connections and batches; a batch cut into chunks gives the same values;
  - files at the caps (500 inputs -> 49,490 units reading 3 inputs each; a 24,990 -> 24,990
    chain; and two-input variants whose snapshot draws a decision map) load, build into a
    Simulation, step 10 times and give a snapshot within 2 CPU s and 500 MB each, measured in a
    capped child (tests/bounded.py), and what the snapshot shows is what synchronous steps of
    the same network give;
  - learning rules that need the matrices refuse such a network, saying why, instead of
    allocating them.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from nnsim.engine import Network, compiled, datasets, regions
from nnsim.engine.compiled import CompiledNetwork
from nnsim.engine.dynamics import RecurrentStepper
from nnsim.engine.fileformat import MAX_NEURONS, MAX_SYNAPSES, load_network
from nnsim.engine.regions import MapEvaluator, decision_map, line_spec, output_curve, plane
from nnsim.engine.rules import RULES, Backprop, Delta, Hebb, HopfieldStore, Oja, Perceptron, RBFFit
from nnsim.engine.simulation import Simulation
from nnsim.engine.units import ACTIVATIONS
from tests.bounded import run_each


# ---------------------------------------------------------------------- synapses = matrices
def random_feedforward(seed: int, n: int | None = None) -> Network:
    """A random feed-forward graph (sources only from earlier neurons: skip connections, layers
    of mixed units), every unit kind, gaussian units with and without bandwidths and synapses,
    vetoes, units without synapses, several outputs."""
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(8, 40))
    n_in = int(rng.integers(1, 5))
    net = Network()
    kinds = list(ACTIVATIONS)
    for i in range(n):
        role = "input" if i < n_in else ("output" if i >= n - 3 or rng.random() < 0.15 else "hidden")
        act = "linear" if role == "input" else kinds[int(rng.integers(len(kinds)))]
        params = {"beta": float(rng.uniform(0.2, 2.0))} if act == "gaussian" and rng.random() < 0.7 else None
        net.add_neuron(f"n{i}", role=role, activation=act, bias=float(rng.normal()),
                       value=float(rng.normal()), params=params)
    density = rng.uniform(0.1, 0.6)
    for b in range(n_in, n):
        unfed = rng.random() < 0.15  # no incoming synapse: z = b (a gaussian's distance: 0)
        for a in range(b):
            if not unfed and rng.random() < density:
                kind = "inhibitory" if rng.random() < 0.1 else "excitatory"
                net.connect(f"n{a}", f"n{b}", float(rng.normal()), kind)
    return net


def random_inputs(net: Network, rng, batch: int) -> np.ndarray:
    # some exactly 0 and some negative: a veto fires only on y > 0
    shape = (batch, len(net.inputs))
    return np.where(rng.random(shape) < 0.2, 0.0, rng.normal(size=shape) * 2)


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("batch", [1, 7])
def test_synapse_arrays_compute_what_the_matrices_compute(seed, batch):
    net = random_feedforward(seed)
    sparse, dense = CompiledNetwork(net, dense=False), CompiledNetwork(net, dense=True)
    assert sparse.layers and not any(layer.dense for layer in sparse.layers)
    assert all(layer.weights is None and layer.edges is not None for layer in sparse.layers)
    assert dense.dense and net.compile().dense  # small: matrices by default
    x = random_inputs(net, np.random.default_rng(100 + seed), batch)
    a_dense, z_dense = dense.forward_full(x)
    a_sparse, z_sparse = sparse.forward_full(x)
    np.testing.assert_allclose(z_sparse, z_dense, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(a_sparse, a_dense, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sparse.forward(x), dense.forward(x), rtol=1e-9, atol=1e-12)
    assert sparse.order == dense.order and sparse.matrix_shapes == dense.matrix_shapes


def test_the_random_networks_exercise_every_kind_both_ways():
    """The comparison above means something: vetoes that fire and silence a unit that would
    not be 0, gaussian units with and without synapses, softmax groups, skip connections."""
    seen = {"veto fired": 0, "gaussian with synapses": 0, "gaussian without": 0, "softmax group": 0,
            "skip": 0}
    kinds = set()
    for seed in range(30):
        net = random_feedforward(seed)
        c = CompiledNetwork(net, dense=False)
        x = random_inputs(net, np.random.default_rng(100 + seed), 7)
        a, z = c.forward_full(x)
        for layer in c.layers:
            kinds |= {g.activation for g in layer.groups}
            e = layer.edges
            seen["softmax group"] += sum(g.activation == "softmax" for g in layer.groups)
            if len(e.veto):
                fired = e.veto.sums(a[:, layer.sources][:, e.veto.sources] > 0, np.logical_or)
                y = layer.activate(z[:, layer.targets])[:, e.veto.targets]
                seen["veto fired"] += int(np.sum(fired & (y != 0)))
            for g in layer.groups:
                if g.activation == "gaussian":
                    cols = np.arange(layer.n_targets)[g.cols]
                    fed = np.isin(cols, e.distance.targets)
                    seen["gaussian with synapses"] += int(fed.sum())
                    seen["gaussian without"] += int((~fed).sum())
        layer_of = {nid: k for k, layer in enumerate(c.layers) for nid in layer.target_ids}
        seen["skip"] += sum(layer_of.get(s.source, -1) < layer_of[s.target] - 1 for s in net.synapses)
    assert kinds == set(ACTIVATIONS)
    assert all(count >= 5 for count in seen.values()), seen


def test_a_batch_in_chunks_gives_the_same_values(monkeypatch):
    net = random_feedforward(3, 30)
    x = random_inputs(net, np.random.default_rng(0), 50)
    for dense in (True, False):
        c = CompiledNetwork(net, dense=dense)
        whole, whole_z = c.forward_full(x)
        out = c.forward(x)
        assert c._chunk_rows == compiled.CHUNK_BYTES // c._row_bytes > 50
        monkeypatch.setattr(compiled, "CHUNK_BYTES", 3 * c._row_bytes)  # 3 rows a chunk
        c = CompiledNetwork(net, dense=dense)
        assert len(c._chunks(50)) == 17
        a, z = c.forward_full(x)
        np.testing.assert_allclose(a, whole, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(z, whole_z, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(c.forward(x), out, rtol=1e-12, atol=1e-15)
        monkeypatch.undo()


def test_huge_weights_overflow_as_with_the_matrices():
    """Weights of 1e308: the sums come out as +-inf of the right sign, never NaN (units' own
    net_input_without_overflow), the same on synapse arrays."""
    net = Network()
    for i in range(3):
        net.add_neuron(f"x{i}", role="input")
    net.add_neuron("up", role="output", activation="linear")
    net.add_neuron("down", role="output", activation="tanh")
    net.add_neuron("near", role="output", activation="linear", bias=1.0)
    for i, w in enumerate([1e308, -1e308, 1e307]):  # 2e308 - 3e308 + 1e307: inf - inf unscaled
        net.connect(f"x{i}", "up", w)
        net.connect(f"x{i}", "down", -w)
    net.connect("x0", "near", 1e-3)
    x = np.array([[2.0, 3.0, 1.0], [2.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    dense = CompiledNetwork(net, dense=True).forward_full(x)
    sparse = CompiledNetwork(net, dense=False).forward_full(x)
    assert dense[1][0, 3] == pytest.approx(-0.9e308) and np.isinf(dense[1][1, 3])
    assert not np.isnan(dense[1]).any()
    for d, s in zip(dense, sparse):
        np.testing.assert_allclose(s, d, rtol=1e-12)


# ---------------------------------------------------------------------- which layers are matrices
def _two_layers(n_in: int, n_hidden: int, n_out: int, each: int = 2, act: str = "sigmoid",
                seed: int = 0) -> Network:
    """n_in inputs -> n_hidden units, unit j reading inputs j, j + 1, ... (`each`, cyclic) ->
    n_out outputs, output k reading hidden units each * k, each * k + 1, ... (n_out = 0: the
    hidden units are the outputs).  Every input and (with n_out * each >= n_hidden) every
    hidden unit is read, so the matrices are (n_in, n_hidden) and (n_hidden, n_out)."""
    rng = np.random.default_rng(seed)
    net = Network()
    for i in range(n_in):
        net.add_neuron(f"x{i}", role="input")
    role = "output" if not n_out else "hidden"
    for j in range(n_hidden):
        net.add_neuron(f"h{j}", role=role, activation=act, bias=float(rng.normal()))
        for i in range(each):
            net.connect(f"x{(j + i) % n_in}", f"h{j}", float(rng.normal()))
    for k in range(n_out):
        net.add_neuron(f"y{k}", role="output", activation=act)
        for i in range(each):
            net.connect(f"h{(each * k + i) % n_hidden}", f"y{k}", float(rng.normal()))
    return net


def test_layers_are_matrices_while_they_fit_all_together():
    net = _two_layers(1_500, 1_500, 1_200)  # 2.25 M + 1.8 M entries: the second does not fit
    c = net.compile()
    assert c.matrix_shapes == [(1_500, 1_500), (1_500, 1_200)]
    assert [layer.dense for layer in c.layers] == [True, False]
    assert c.layers[1].weights is None and len(c.layers[1].edges) == 2_400
    assert c.too_large() == ("this network's layers hold 4,050,000 weights as matrices, too many "
                             "to train here (at most 4,000,000 in all)")
    small = _two_layers(40, 30, 2)
    assert small.compile().dense and small.compile().too_large() == ""
    big = _two_layers(2_001, 2_000, 0)
    assert big.compile().matrix_shapes == [(2_001, 2_000)] and not big.compile().dense
    assert big.compile().too_large() == ("this network's layer of 2,001 x 2,000 weights is too "
                                         "large to train here (at most 4,000,000 per layer)")
    with pytest.raises(ValueError, match="2,001 x 2,000 weights is too large"):
        big.compile().parameters()
    # the outputs are still what the matrices give
    x = random_inputs(big, np.random.default_rng(0), 3)
    np.testing.assert_allclose(big.evaluate(x), CompiledNetwork(big, dense=True).forward(x),
                               rtol=1e-12)


def _refusing(rule) -> Network:
    """A network the rule would train, but for its size (more than DENSE_MAX_WEIGHTS)."""
    if isinstance(rule, Backprop):
        return _two_layers(2_001, 2_000, 1)
    if isinstance(rule, (Perceptron, Delta, Hebb, Oja)):  # (Oja: for its size first)
        act = {Perceptron: "step", Oja: "linear"}.get(type(rule), "sigmoid")
        return _two_layers(2_001, 2_000, 0, act=act)
    if isinstance(rule, HopfieldStore):  # 2,001 sign units in a ring, joined both ways
        net = Network()
        for i in range(2_001):
            net.add_neuron(f"s{i}", activation="sign")
        for i in range(2_001):
            net.connect(f"s{i}", f"s{(i + 1) % 2_001}", 0.5)
            net.connect(f"s{(i + 1) % 2_001}", f"s{i}", 0.5)
        return net
    net = Network()  # RBF: 2 inputs -> 2,000 gaussian units -> 1 linear output
    for i in range(2):
        net.add_neuron(f"x{i}", role="input")
    net.add_neuron("y", role="output", activation="linear")
    for j in range(2_000):
        net.add_neuron(f"g{j}", activation="gaussian")
        net.connect("x0", f"g{j}", 0.0)
        net.connect("x1", f"g{j}", 0.0)
        net.connect(f"g{j}", "y", 0.0)
    return net


@pytest.mark.parametrize("name", sorted(RULES))
def test_rules_that_learn_on_matrices_refuse_a_network_too_large_for_them(name):
    rule = RULES[name]()
    net = _refusing(rule)
    ok = rule.applies_to(net)
    assert not ok
    if isinstance(rule, (HopfieldStore, RBFFit)):
        assert ok.reason == (f"this network's {len(net):,} x {len(net):,} weight matrix is too "
                             "large to train here (at most 4,000,000 weights)")
    else:
        assert ok.reason == ("this network's layer of 2,001 x 2,000 weights is too large to "
                             "train here (at most 4,000,000 per layer)")
    with pytest.raises(ValueError, match="too large to train here"):
        rule.trainer(net, None)
    sim = Simulation(net, rule=None)
    with pytest.raises(ValueError, match="too large to train here"):
        sim.set_rule(rule)
    sim.set_rule(rule, strict=False)
    assert "too large to train here" in sim.snapshot(decision=False).message


def test_the_same_rules_still_train_a_network_that_fits():
    net = _two_layers(3, 5, 1)
    data = datasets.Dataset(np.random.default_rng(0).normal(size=(20, 3)),
                            np.random.default_rng(1).random(20))
    before = net.compile().parameters()
    Backprop(learning_rate=0.5).train(net, data, epochs=3)
    assert not np.allclose(net.compile().parameters()[0][0], before[0][0])


# ---------------------------------------------------------------------- maps stay bounded
def test_a_small_network_keeps_the_map_resolution_asked_for():
    net = Network.layered([2, 200, 200, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    c = net.compile()
    assert regions.map_resolution(c, 200) == 200 and regions.neuron_map_resolution(c, 32) == 32
    m = decision_map(net, resolution=200)
    assert m.grid.shape == (200, 200) and len(m.neuron_grids) == 401


def test_a_large_network_draws_a_smaller_map_of_the_same_function(monkeypatch):
    """The map's side shrinks to what MAP_WORK pays for (here made small to see it on a small
    network); what it shows is still the network's output at the map's own points."""
    net = random_feedforward(5, 30)
    while len(net.inputs) != 2:
        net = random_feedforward(int(np.random.default_rng(len(net)).integers(1000)), 30)
    c = net.compile()
    monkeypatch.setattr(regions, "MAP_WORK", 30 * 30 * c.work_per_point)
    assert regions.map_resolution(c, 200) == 30
    extent = (-1.0, 2.0, -3.0, 1.0)
    m = decision_map(net, extent, resolution=200)
    assert m.grid.shape[:2] == (30, 30)
    np.testing.assert_allclose(m.grid.reshape(900, -1), c.forward(plane(extent, 30)), rtol=1e-6,
                               atol=1e-6)
    monkeypatch.setattr(regions, "MAP_WORK", 10)  # never below MIN_MAP_RESOLUTION
    assert decision_map(net, extent, resolution=200).grid.shape[:2] == (8, 8)
    assert decision_map(net, extent, resolution=5).grid.shape[:2] == (5, 5)
    x, _y = output_curve(_two_layers(1, 3, 2, each=1), (-1, 1), n=400)
    assert len(x) == 2


def test_neuron_maps_only_for_networks_of_at_most_max_neuron_maps_units(monkeypatch):
    net = Network.layered([2, 6, 1], ["tanh", "sigmoid"], seed=0)
    assert len(decision_map(net, resolution=20).neuron_grids) == 7
    monkeypatch.setattr(regions, "MAX_NEURON_MAPS", 6)
    m = decision_map(net, resolution=20)
    assert m.grid.shape == (20, 20) and dict(m.neuron_grids) == {}
    assert len(m.lines) == 6  # the first layer's lines are kept


def test_the_learning_map_shrinks_as_the_plain_one(monkeypatch):
    net = Network.layered([2, 8, 1], ["tanh", "sigmoid"], seed=0)
    c = net.compile()
    monkeypatch.setattr(regions, "MAP_WORK", 40 * 40 * c.work_per_point)
    params = c.parameters()
    fast = MapEvaluator(c, line_spec(net))(params, resolution=200)
    slow = decision_map(net, resolution=200)
    assert fast.grid.shape == slow.grid.shape == (40, 40)
    np.testing.assert_allclose(fast.grid, slow.grid, atol=2e-6)
    monkeypatch.setattr(regions, "CHUNK_BYTES", 8 * c.n_neurons * 7)  # 7 points a chunk
    chunked = MapEvaluator(c, line_spec(net))(params, resolution=200)
    np.testing.assert_allclose(chunked.grid, fast.grid, atol=1e-7)


# ---------------------------------------------------------------------- files at the caps
def _write(path, neurons, sources, targets, weights, kinds=None) -> str:
    kinds = kinds if kinds is not None else ["excitatory"] * len(sources)
    synapses = [{"source": a, "target": b, "weight": w, "kind": k}
                for a, b, w, k in zip(np.asarray(sources).tolist(), np.asarray(targets).tolist(),
                                      np.asarray(weights).tolist(), kinds)]
    path.write_text(json.dumps({"format": "nnsim-network", "version": 2, "neurons": neurons,
                                "synapses": synapses}, separators=(",", ":")))
    return str(path)


def _neuron(i: int, role: str, act: str, rng, value: float = 0.0) -> dict:
    out = {"id": i, "name": f"n{i}", "role": role, "activation": act, "value": value,
           "bias": float(rng.normal()) if role != "input" else 0.0}
    if act == "gaussian":
        out["params"] = {"beta": 0.5}
    return out


def _reading(rng, targets: np.ndarray, pool: np.ndarray, each: int) -> tuple[np.ndarray, np.ndarray]:
    """Each target reads `each` distinct sources drawn from `pool`."""
    src = np.concatenate([rng.choice(pool, each, replace=False) for _ in range(len(targets))])
    return src, np.repeat(targets, each)


def _mixed(i: int) -> str:
    return list(ACTIVATIONS)[i % len(ACTIVATIONS)]


def files_at_the_caps(tmp_path) -> dict[str, str]:
    """Four feed-forward files of 50,000 neurons and up to 150,000 synapses (see the module doc)."""
    rng = np.random.default_rng(0)
    n, files = MAX_NEURONS, {}

    # wide: 500 inputs -> 49,490 units of every kind reading 3 inputs each (2% vetoes) -> 10
    # sigmoid outputs reading 150 of them; the first layer's matrices would be 500 x 49,490
    n_in, n_out = 500, 10
    hidden = np.arange(n_in, n - n_out)
    neurons = ([_neuron(i, "input", "linear", rng, float(rng.normal())) for i in range(n_in)]
               + [_neuron(int(i), "hidden", _mixed(int(i)), rng) for i in hidden]
               + [_neuron(i, "output", "sigmoid", rng) for i in range(n - n_out, n)])
    s1, t1 = _reading(rng, hidden, np.arange(n_in), 3)
    s2, t2 = _reading(rng, np.arange(n - n_out, n), hidden, 150)
    kinds = ["inhibitory" if v else "excitatory" for v in rng.random(len(s1)) < 0.02]
    kinds += ["excitatory"] * len(s2)
    files["wide"] = _write(tmp_path / "wide.json", neurons, np.r_[s1, s2], np.r_[t1, t2],
                           rng.normal(size=len(s1) + len(s2)), kinds)

    # chain: 24,990 inputs -> 24,990 tanh units (148,000 synapses) -> 20 sigmoid outputs
    # reading 100 each; the matrices of the first layer would be 24,990 x 24,990 (5 GB each)
    n_in, n_out = 24_990, 20
    hidden = np.arange(n_in, n - n_out)
    neurons = ([_neuron(i, "input", "linear", rng, float(rng.normal())) for i in range(n_in)]
               + [_neuron(int(i), "hidden", "tanh", rng) for i in hidden]
               + [_neuron(i, "output", "sigmoid", rng) for i in range(n - n_out, n)])
    keys = np.unique(rng.integers(0, n_in, 300_000) * n + rng.choice(hidden, 300_000))
    keys = rng.permutation(keys)[:148_000]
    s2, t2 = _reading(rng, np.arange(n - n_out, n), hidden, 100)
    files["chain"] = _write(tmp_path / "chain.json", neurons, np.r_[keys // n, s2],
                            np.r_[keys % n, t2], rng.normal(size=150_000) * 0.3)

    # wide2: 2 inputs -> 49,978 units of every kind reading both -> 20 sigmoid outputs reading
    # 2,502 each: small matrices, but a 200 x 200 map would be 40,000 x 50,000 activations
    n_in, n_out = 2, 20
    hidden = np.arange(n_in, n - n_out)
    neurons = ([_neuron(i, "input", "linear", rng, float(rng.normal())) for i in range(n_in)]
               + [_neuron(int(i), "hidden", _mixed(int(i)), rng) for i in hidden]
               + [_neuron(i, "output", "sigmoid", rng) for i in range(n - n_out, n)])
    s1, t1 = np.tile([0, 1], len(hidden)), np.repeat(hidden, 2)
    s2, t2 = rng.permutation(hidden)[:n_out * 2_502], np.repeat(np.arange(n - n_out, n), 2_502)
    files["wide2"] = _write(tmp_path / "wide2.json", neurons, np.r_[s1, s2], np.r_[t1, t2],
                            rng.normal(size=len(s1) + len(s2)))

    # chain2: 2 inputs -> 24,990 tanh -> 24,990 units of every kind reading 4 of them (2% vetoes)
    # -> 18 sigmoid outputs reading 3 each: a synapse-array layer drawn as a decision map
    n_out = 18
    h1, h2 = np.arange(2, 24_992), np.arange(24_992, n - n_out)
    neurons = ([_neuron(i, "input", "linear", rng, float(rng.normal())) for i in range(2)]
               + [_neuron(int(i), "hidden", "tanh", rng) for i in h1]
               + [_neuron(int(i), "hidden", _mixed(int(i)), rng) for i in h2]
               + [_neuron(i, "output", "sigmoid", rng) for i in range(n - n_out, n)])
    s1, t1 = np.tile([0, 1], len(h1)), np.repeat(h1, 2)
    s2, t2 = _reading(rng, h2, h1, 4)
    s3, t3 = _reading(rng, np.arange(n - n_out, n), h2, 3)
    kinds = (["excitatory"] * len(s1) + ["inhibitory" if v else "excitatory"
                                          for v in rng.random(len(s2)) < 0.02]
             + ["excitatory"] * len(s3))
    files["chain2"] = _write(tmp_path / "chain2.json", neurons, np.r_[s1, s2, s3],
                             np.r_[t1, t2, t3], rng.normal(size=len(kinds)), kinds)
    return files


_LOADED: dict[str, Network] = {}
_SNAPSHOTS: dict[str, object] = {}


def network_at_the_caps(path: str, phase: str) -> None:
    """Run in a capped child (tests/bounded.py).  "load": read the file and keep the network;
    "simulate": a Simulation of it, 10 steps and a snapshot (with its decision map);
    "refuse": Hebb, and Backprop where no veto is in the way, refuse it, saying why;
    "check" (not the measured part): the snapshot against synchronous steps of the network."""
    if phase == "load":
        _LOADED[path] = load_network(path)
        return
    net = _LOADED[path]
    if phase == "simulate":
        assert net.is_feedforward and len(net) == MAX_NEURONS and len(net.synapses) <= MAX_SYNAPSES
        sim = Simulation(net, seed=0)
        assert sim.step(10) == 10, "not 10 steps"
        snap = sim.snapshot()
        assert snap.step == 10 and len(snap.outputs) == len(net)
        assert np.all(np.isfinite(snap.outputs)), "outputs not finite"
        if len(net.inputs) == 2:
            d = snap.decision
            assert d is not None, "no decision map"
            assert d.grid.ndim == 3 and d.grid.shape[2] == len(net.outputs), d.grid.shape
            assert d.grid.shape[0] >= 8 and np.all(np.isfinite(d.grid)), d.grid.shape
        _SNAPSHOTS[path] = snap
        return
    if phase == "refuse":  # learning rules that need the matrices say why, allocating nothing
        ok = Hebb().applies_to(net)
        assert not ok and "weights is too large to train here" in ok.reason, ok.reason
        if any(s.kind == "inhibitory" for s in net.synapses):
            return  # Backprop refuses a veto first
        ok = Backprop().applies_to(net)
        assert not ok and "weights is too large to train here" in ok.reason, ok.reason
        data = (np.zeros((4, len(net.inputs))), np.zeros((4, len(net.outputs))))
        try:
            Simulation(net, data, Backprop())
        except ValueError as exc:
            assert "weights is too large to train here" in str(exc), str(exc)
        else:
            raise AssertionError("Backprop was built on a network at the caps")
        return
    snap = _SNAPSHOTS.pop(path)
    _LOADED.pop(path)
    stepper = RecurrentStepper(net)
    state = np.where(stepper.clamped, stepper.initial_inputs, 0.0)
    for _ in range(len(net.layers)):  # enough synchronous steps to reach the outputs
        state, _z = stepper.step(state)
    np.testing.assert_allclose(snap.outputs, state, rtol=1e-9, atol=1e-12)


def test_files_at_the_caps_open_within_2_cpu_s_and_500_mb(tmp_path):
    """The largest feed-forward networks a file may hold: loaded, built into a Simulation, 10
    steps and a snapshot (two inputs: with a decision map) within 2 CPU s and 500 MB each
    (before: 2.8 CPU s and +690 MB for "wide"; MemoryError asking for 4.6 GiB per matrix of
    "chain" and "chain2", 14.9 GiB of activations for the map of "wide2"); rules that need the
    matrices refuse "chain" and "wide" with the reason."""
    files = files_at_the_caps(tmp_path)
    phases = {"wide": ("load", "simulate", "refuse", "check"),
              "chain": ("load", "simulate", "refuse", "check"),
              "wide2": ("load", "simulate", "check"), "chain2": ("load", "simulate", "check")}
    args = [[files[name], phase] for name, ps in phases.items() for phase in ps]
    results = run_each("tests.engine.test_large_feedforward:network_at_the_caps", args,
                       memory_mb=500)
    by = {(a[0], a[1]): r for a, r in zip(args, results)}
    for name, ps in phases.items():
        seen = {phase: by[(files[name], phase)] for phase in ps}
        for phase, r in seen.items():
            assert r["error"] is None, (name, phase, r)
        assert seen["simulate"]["cpu"] < 2.0, (name, seen["simulate"])
        assert seen["load"]["peak_mb"] + seen["simulate"]["peak_mb"] < 500, (name, seen)
        if "refuse" in seen:
            assert seen["refuse"]["cpu"] < 2.0 and seen["refuse"]["peak_mb"] < 100, (name, seen)


def test_weights_files_and_exported_code_of_a_network_too_large_for_matrices():
    """The weights file keeps the graph arrays only (no 2,001 x 2,000 matrix); exporting code
    is refused with the reason instead of writing millions of zeros."""
    from nnsim.engine.export import to_keras_code
    from nnsim.engine.weights_file import weights_arrays

    big = _two_layers(2_001, 2_000, 0)
    arrays = weights_arrays(big)
    assert not any(key.startswith("layer") for key in arrays)
    assert len(arrays["synapse_weights"]) == 4_000
    with pytest.raises(ValueError, match="2,001 x 2,000 weights is too large to export as code"):
        to_keras_code(big)
    small = weights_arrays(_two_layers(3, 4, 1))
    assert small["layer1/weights"].shape == (3, 4) and small["layer2/weights"].shape == (2, 1)


def test_an_empty_network_compiles_and_simulates():
    """File > New gives a network with no neurons: its chunk size must not divide by zero."""
    from nnsim.engine.simulation import Simulation

    net = Network()
    assert CompiledNetwork(net).forward(np.zeros((3, 0))).shape == (3, 0)
    assert Simulation(net).snapshot().names == ()

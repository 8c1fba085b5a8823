"""Snapshots built fast while a rule learns (read from the trainer's arrays, the decision map in
float32, histories kept in growing buffers) show exactly what the slow, obvious way shows."""
import numpy as np
import pytest

from nnsim.engine import Network, datasets
from nnsim.engine.regions import MapEvaluator, decision_map, first_layer_lines, line_spec
from nnsim.engine.rules import Backprop
from nnsim.engine.simulation import Simulation


def training(sizes=(2, 4, 2, 1), data="xor_clouds", seed=0, **params):
    acts = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
    net = Network.layered(list(sizes), acts, seed=1)
    rule = Backprop(**{"optimizer": "sgd", "learning_rate": 0.1, "batch_size": 10, **params})
    return Simulation(net, datasets.generate(data, n=60, seed=0), rule, seed=seed)


def test_a_learning_snapshot_matches_the_network_the_trainer_writes_back():
    sim = training()
    sim.step(37)
    snap = sim.snapshot()
    learned = sim._trainer.network()  # the slow way: every weight written into a Network
    assert snap.weights.tolist() == [s.weight for s in learned.synapses]
    assert snap.biases.tolist() == learned.bias_vector().tolist()
    assert [s.weight for s in snap.network.synapses] == [s.weight for s in learned.synapses]
    assert snap.network is snap.network  # made once, on first use
    outputs, net_inputs = sim._feedforward_values(learned)
    np.testing.assert_array_equal(snap.outputs, outputs)
    np.testing.assert_array_equal(snap.net_inputs, net_inputs)
    slow = decision_map(learned, snap.decision.extent, 200)
    np.testing.assert_allclose(snap.decision.grid, slow.grid, atol=2e-6)  # float32 vs float64
    assert snap.decision.grid.dtype == np.float32 and snap.decision.grid.flags.c_contiguous
    assert snap.decision.lines == slow.lines == first_layer_lines(learned)
    assert set(snap.decision.neuron_grids) == set(slow.neuron_grids)
    for name, grid in slow.neuron_grids.items():
        np.testing.assert_allclose(snap.decision.neuron_grids[name], grid, atol=2e-6)


def test_a_snapshot_stays_as_it_was_while_learning_goes_on():
    sim = training()
    sim.step(25)
    snap = sim.snapshot()
    weights, loss = snap.weights.copy(), snap.history["loss"].copy()
    grid = snap.decision.grid.copy()
    sim.step(500)
    assert not snap.weights.flags.writeable and not snap.history["loss"].flags.writeable
    assert snap.weights.tolist() == weights.tolist()
    assert snap.history["loss"].tolist() == loss.tolist()
    np.testing.assert_array_equal(snap.decision.grid, grid)
    # made after the steps, the network is still the one of the snapshot's moment
    assert [s.weight for s in snap.network.synapses] == weights.tolist()
    assert sim.snapshot().weights.tolist() != weights.tolist()


def test_histories_run_on_across_edits_and_start_over_on_reset():
    sim = training()
    seen = []
    for _ in range(6):  # many frames, each a few epochs later: buffers grow in place
        sim.step(13)
        seen.append(sim.snapshot().history["loss"])
    for earlier, later in zip(seen, seen[1:]):
        assert later[: len(earlier)].tolist() == earlier.tolist()
    before = sim.snapshot().history
    edited = sim.network
    edited.set_bias(edited.outputs[0], 0.25)
    sim.set_network(edited)  # the trainer is rebuilt: its history is banked
    sim.step(12)
    after = sim.snapshot().history
    assert len(after["loss"]) == len(before["loss"]) + 2
    assert after["loss"][: len(before["loss"])].tolist() == before["loss"].tolist()
    assert after["weight_norm"].shape == after["loss"].shape
    expected = list(sim._log.past["loss"]) + list(sim._trainer.history.loss)
    assert after["loss"].tolist() == expected
    sim.reset()
    assert "loss" not in sim.snapshot().history
    sim.step(6)
    assert len(sim.snapshot().history["loss"]) == 1


def test_fast_snapshots_are_deterministic_with_a_seed():
    a, b = training(seed=3), training(seed=3)
    a.step(80)
    b.step(40)
    b.snapshot()  # snapshots in between change nothing
    b.step(40)
    sa, sb = a.snapshot(), b.snapshot()
    assert sa.weights.tolist() == sb.weights.tolist()
    np.testing.assert_array_equal(sa.decision.grid, sb.decision.grid)
    assert sa.history["loss"].tolist() == sb.history["loss"].tolist()


def test_the_decision_map_can_be_left_out():
    sim = training()
    sim.step(3)
    assert sim.snapshot(decision=False).decision is None
    assert sim.snapshot().decision is not None
    idle = Simulation(Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0))
    assert idle.snapshot(decision=False).decision is None
    assert idle.snapshot().decision.grid.shape == (200, 200)


def test_deep_networks_and_several_outputs():
    sim = training((2, 8, 8, 8, 8, 8, 8, 1), "two_spirals")
    sim.step(30)
    snap = sim.snapshot()
    slow = decision_map(snap.network, snap.decision.extent, 200)
    np.testing.assert_allclose(snap.decision.grid, slow.grid, atol=5e-6)
    net = Network.layered([2, 5, 3], ["relu", "sigmoid"], seed=0)
    data = datasets.Dataset(np.random.default_rng(0).normal(size=(30, 2)),
                            np.eye(3)[np.arange(30) % 3])
    multi = Simulation(net, data, Backprop(optimizer="sgd", batch_size=5), seed=0)
    multi.step(9)
    snap = multi.snapshot()
    assert snap.decision.grid.shape == (200, 200, 3)
    slow = decision_map(snap.network, snap.decision.extent, 200)
    np.testing.assert_allclose(snap.decision.grid, slow.grid, atol=2e-6)


@pytest.mark.parametrize("kind", ["gaussian", "veto", "mixed"])
def test_maps_of_networks_without_a_float32_form_use_the_compiled_forward_pass(kind):
    net = Network()
    net.add_neuron("x1", role="input")
    net.add_neuron("x2", role="input")
    net.add_neuron("h", activation="gaussian" if kind == "gaussian" else "tanh", bias=0.3)
    net.add_neuron("g", activation="relu" if kind == "mixed" else "sigmoid", bias=-0.2)
    net.add_neuron("y", activation="sigmoid", bias=0.1)
    net.connect("x1", "h", 0.5)
    net.connect("x2", "h", -1.0)
    net.connect("x1", "g", 1.5)
    net.connect("x2", "g", 0.7, kind="inhibitory" if kind == "veto" else "excitatory")
    net.connect("h", "y", 2.0)
    net.connect("g", "y", -1.0)
    compiled = net.compile()
    evaluator = MapEvaluator(compiled, line_spec(net))
    assert evaluator.fast == (kind == "mixed")
    weights = np.array([s.weight for s in net.synapses])
    params = [(layer.weights, layer.biases) for layer in compiled.layers]
    extent = (-2.0, 2.0, -1.0, 1.0)
    m = evaluator(params, extent, 40, weights, net.bias_vector())
    slow = decision_map(net, extent, 40)
    np.testing.assert_allclose(m.grid, slow.grid, atol=2e-6)
    assert m.lines == slow.lines
    for name, grid in slow.neuron_grids.items():
        np.testing.assert_allclose(m.neuron_grids[name], grid, atol=2e-6)

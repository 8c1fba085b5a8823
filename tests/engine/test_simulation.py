"""Simulation: stepping, determinism, immutable snapshots, edits that keep learning progress."""
import dataclasses

import numpy as np
import pytest

from nnsim.engine import Network
from nnsim.engine.rules.base import Applicability, Param, Rule, Trainer
from nnsim.engine.simulation import Simulation, Snapshot, merge_learning


class NudgeTrainer(Trainer):
    """Each unit of work adds rate * (1 + noise) to every weight: a deterministic, seeded rule."""

    steps_per_epoch = 2

    def _step(self) -> None:
        for s in self.net.synapses:
            jitter = self.rng.uniform(0, 0.01)
            self.net.set_weight(s.source, s.target, s.weight + self.rule.rate + jitter)

    def _end_epoch(self) -> None:
        self.history.loss.append(1.0 / self.history.epochs)
        if self.history.epochs >= self.rule.max_epochs:
            self.history.converged = True


class Nudge(Rule):
    name = "nudge"
    title = "Nudge"
    parameters = (Param("rate", float, 1.0, "added per step"),
                  Param("max_epochs", int, 1000, "converge after this many epochs"))
    trainer_class = NudgeTrainer

    def applies_to(self, net):
        if net.parameter_count == 0:
            return Applicability(False, "no synapses")
        return Applicability(True)


def latch() -> Network:
    net = Network("latch")
    net.add_neuron("set", role="input")
    net.add_neuron("reset", role="input")
    net.add_neuron("m", activation="step", bias=-0.5)
    net.connect("set", "m", 1.0)
    net.connect("m", "m", 1.0)
    net.connect("reset", "m", 1.0, kind="inhibitory")
    return net


def chain() -> Network:
    net = Network("chain")
    net.add_neuron("x", role="input", value=1.0)
    net.add_neuron("y", role="output", activation="linear")
    net.connect("x", "y", 2.0)
    return net


def test_latch_remembers_after_set_is_released():
    net = latch()
    sim = Simulation(net)
    assert sim.snapshot().output("m") == 0.0
    net.set_value("set", 1.0)
    sim.set_network(net)
    sim.step()
    assert sim.snapshot().output("m") == 1.0
    net.set_value("set", 0.0)
    sim.set_network(net)
    sim.step(5)
    snap = sim.snapshot()
    assert snap.output("m") == 1.0  # the loop holds it
    assert snap.step == 6
    net.set_value("reset", 1.0)
    sim.set_network(net)
    sim.step()
    assert sim.snapshot().output("m") == 0.0  # the inhibitory veto clears it


def test_feedforward_evaluates_clamped_inputs():
    sim = Simulation(chain())
    snap = sim.snapshot()
    assert snap.names == ("x", "y")
    assert snap.outputs.tolist() == [1.0, 2.0]
    assert snap.net_inputs.tolist() == [1.0, 2.0]
    assert snap.synapses == (("x", "y"),)
    assert snap.weights.tolist() == [2.0]
    assert sim.step(3) == 3 and sim.snapshot().step == 3


def test_snapshot_is_immutable_and_private():
    net = chain()
    sim = Simulation(net, rule=Nudge())
    snap = sim.snapshot()
    for array in (snap.outputs, snap.net_inputs, snap.weights, snap.biases):
        with pytest.raises(ValueError):
            array[0] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.step = 9
    with pytest.raises(TypeError):
        snap.metrics["loss"] = 1.0
    sim.step(4)
    assert snap.weights.tolist() == [2.0]  # later steps do not reach an earlier snapshot
    assert net.synapse("x", "y").weight == 2.0  # nor the caller's network
    assert isinstance(snap, Snapshot) and snap.network is not sim.snapshot().network


def test_seeded_and_deterministic():
    def run(seed):
        sim = Simulation(chain(), rule=Nudge(), seed=seed)
        sim.step(7)
        return sim.snapshot()

    a, b, c = run(1), run(1), run(2)
    assert a.weights.tolist() == b.weights.tolist()
    assert a.weights.tolist() != c.weights.tolist()
    assert (a.step, a.epoch) == (7, 3)
    assert a.history["loss"].tolist() == [1.0, 0.5, 1 / 3]
    assert a.metrics["loss"] == pytest.approx(1 / 3)


def test_edit_while_learning_keeps_learned_weights_and_progress():
    net = chain()
    sim = Simulation(net, rule=Nudge(rate=1.0))
    sim.step(4)  # x->y: 2 + 4 * (1 + jitter)
    learned = sim.snapshot().weights[0]
    assert learned > 6.0
    # The user adds a neuron and a synapse in the document, which still holds w = 2.
    net.add_neuron("z", activation="linear")
    net.connect("x", "z", 0.5)
    sim.set_network(net)
    snap = sim.snapshot()
    assert snap.revision == net.revision
    weights = dict(zip(snap.synapses, snap.weights.tolist()))
    assert weights[("x", "y")] == learned  # nothing learned is lost
    assert weights[("x", "z")] == 0.5  # the edit arrives
    assert (snap.step, snap.epoch) == (4, 2)
    sim.step(2)
    snap = sim.snapshot()
    assert (snap.step, snap.epoch) == (6, 3)
    assert len(snap.history["loss"]) == 3
    assert dict(zip(snap.synapses, snap.weights.tolist()))[("x", "y")] > learned


def test_user_edit_of_a_weight_wins_over_learning():
    net = chain()
    sim = Simulation(net, rule=Nudge())
    sim.step(2)
    net.set_weight("x", "y", -3.0)
    sim.set_network(net)
    assert sim.snapshot().weights.tolist() == [-3.0]


def test_written_back_weights_are_not_counted_twice():
    net = chain()
    sim = Simulation(net, rule=Nudge())
    sim.step(2)
    document = sim.snapshot().network.copy()  # the GUI writes learned weights back on pause
    sim.set_network(document)
    assert sim.snapshot().weights.tolist() == [document.synapse("x", "y").weight]


def test_rule_that_stops_applying_pauses_with_a_message():
    net = chain()
    sim = Simulation(net, rule=Nudge())
    net.disconnect("x", "y")
    sim.set_network(net)
    assert "no synapses" in sim.snapshot().message
    assert sim.step(3) == 3  # steps go on without the rule
    with pytest.raises(ValueError, match="no synapses"):
        Simulation(net, rule=Nudge())


def test_reset_and_done():
    sim = Simulation(chain(), rule=Nudge(max_epochs=2))
    assert sim.step(10) == 4
    snap = sim.snapshot()
    assert snap.done and snap.epoch == 2
    sim.reset()
    snap = sim.snapshot()
    assert (snap.step, snap.epoch, snap.done) == (0, 0, False)
    assert snap.weights.tolist() == [2.0] and snap.history == {}


def test_set_rule_and_dataset():
    sim = Simulation(chain())
    sim.step(2)
    sim.set_rule(Nudge())
    sim.step(2)
    assert sim.snapshot().rule == "nudge" and sim.snapshot().epoch == 1
    sim.set_dataset((np.zeros((2, 1)), np.zeros(2)))
    assert sim.snapshot().epoch == 1
    empty = Network()
    empty.add_neuron("a", role="input")
    sim2 = Simulation(empty)
    with pytest.raises(ValueError):
        sim2.set_rule(Nudge())
    assert sim2.rule is None


def test_runaway_linear_loop_stops_without_warnings():
    net = Network()
    net.add_neuron("a", activation="linear", bias=1.0)
    net.connect("a", "a", 1e200)
    sim = Simulation(net)
    sim.step(10)
    snap = sim.snapshot()
    assert snap.done and "finite" in snap.message
    assert np.all(np.isfinite(snap.outputs))


def test_hopfield_energy_metric():
    net = Network.hopfield(6)
    sim = Simulation(net)
    assert "energy" in sim.snapshot().metrics


def test_merge_learning_leaves_arguments_alone():
    base, learned, edited = chain(), chain(), chain()
    learned.set_weight("x", "y", 5.0)
    out = merge_learning(base, learned, edited)
    assert out.synapse("x", "y").weight == 5.0
    assert edited.synapse("x", "y").weight == 2.0


class FreshTrainer(NudgeTrainer):
    def __init__(self, rule, net, data, seed):
        super().__init__(rule, net, data, seed)
        if rule.reinitialize:
            for s in self.net.synapses:
                self.net.set_weight(s.source, s.target, 100.0)


class Fresh(Nudge):
    name = "fresh"
    parameters = Nudge.parameters + (Param("reinitialize", bool, False, "fresh weights"),)
    trainer_class = FreshTrainer


def test_a_reinitialising_rule_draws_fresh_weights_only_once_per_run():
    net = chain()
    sim = Simulation(net, rule=Fresh(reinitialize=True))
    sim.step(1)
    learned = sim.snapshot().weights[0]
    assert learned > 100.0
    net.add_neuron("z")
    sim.set_network(net)  # the rebuilt trainer must not start again from fresh weights
    weights = dict(zip(sim.snapshot().synapses, sim.snapshot().weights.tolist()))
    assert weights[("x", "y")] == learned
    assert sim.rule.reinitialize  # the user's rule is left alone


# ---------------------------------------------------------------------- lessons' needs
def test_a_schedule_of_input_pulses_drives_the_latch():
    from nnsim.engine.lessons import find_lesson

    scene = find_lesson("loops-remember").scenes[0]
    sim = Simulation(scene.network)
    sim.set_schedule(list(scene.inputs))
    trace = []
    for _ in range(scene.steps):
        sim.step(1)
        trace.append(sim.snapshot().output("memory"))
    assert trace == [step["memory"] for step in scene.network.run(list(scene.inputs))]
    on = next(k for k, s in enumerate(scene.inputs) if s["set"])  # the set pulse's first step
    assert trace[on:on + 60] == [1.0] * 60 and trace[-1] == 0.0


def test_hopfield_stores_then_recalls_sweep_by_sweep_with_falling_energy():
    from nnsim.engine.lessons import find_lesson

    scene = find_lesson("hopfield").scenes[0]
    data = scene.make_dataset()
    rule = scene.make_rule()
    rule.set_params(recall_units=0)  # a whole sweep per step (the lesson shows one unit a step)
    sim = Simulation(scene.network, data, rule, seed=0)
    start = scene.start_state()
    sim.set_state(start)
    sim.step(len(data.X))  # store every pattern, one per step
    energies = []
    for _ in range(6):
        sim.step(1)  # one asynchronous sweep
        snap = sim.snapshot()
        energies.append(snap.metrics["energy"])
    np.testing.assert_array_equal(snap.outputs, data.X[scene.start["pattern"]])
    assert all(b <= a + 1e-12 for a, b in zip(energies, energies[1:]))
    assert not sim.done  # dynamics keep running after the rule is done


def test_stop_conditions_and_live_parameter_changes():
    from nnsim.engine.datasets import truth_table
    from nnsim.engine.rules import Backprop

    net = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    rule = Backprop(optimizer="adam", learning_rate=0.05, loss="binary_crossentropy", batch_size=4)
    sim = Simulation(net, truth_table("xor"), rule, seed=0)
    sim.set_stop_conditions({"epochs": 7})
    assert sim.step(100) == 7 and sim.done and sim.epoch == 7
    sim.set_stop_conditions({"epochs": 1000, "target_loss": 0.3})
    sim.set_params({"learning_rate": 0.1})
    assert rule.learning_rate == 0.1
    sim.step(5000)
    assert sim.snapshot().history["loss"][-1] <= 0.3 and sim.done


def test_snapshots_carry_a_decision_map_or_a_curve():
    from nnsim.engine.datasets import truth_table

    sim = Simulation(Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0), truth_table("xor"))
    snap = sim.snapshot()
    assert snap.decision.grid.shape == (200, 200) and snap.curve is None
    assert snap.decision_grid is snap.decision.grid
    x0, x1, y0, y1 = snap.decision.extent
    assert x0 < 0 and x1 > 1 and y0 < 0 and y1 > 1  # around the truth table's corners
    one = Simulation(Network.layered([1, 2, 1], ["tanh", "linear"], seed=0))
    snap = one.snapshot()
    assert snap.decision is None and snap.curve[0].shape == (400,)


def test_a_rule_given_not_strictly_waits_paused_until_it_applies():
    """What a restarted engine does with the rule it is given back: a rule that does not apply
    to the network now is kept, paused and saying why, and learns once it applies."""
    from nnsim.engine.datasets import truth_table
    from nnsim.engine.rules import Backprop

    loop = Network("loop")
    loop.add_neuron("x1", role="input")
    loop.add_neuron("x2", role="input")
    loop.add_neuron("y", role="output", activation="sigmoid")
    loop.connect("x1", "y", 1.0)
    loop.connect("x2", "y", 1.0)
    loop.connect("y", "y", 0.5)
    sim = Simulation(loop, truth_table("or"))
    with pytest.raises(ValueError):
        sim.set_rule(Backprop())  # strict, as the user choosing a rule gets
    assert sim.rule is None
    sim.set_rule(Backprop(), strict=False)
    snap = sim.snapshot()
    assert snap.rule == "backprop" and "paused" in snap.message
    loop.disconnect("y", "y")
    sim.set_network(loop)
    sim.step(5)
    snap = sim.snapshot()
    assert snap.message == "" and snap.epoch > 0


def test_learned_weights_written_back_leave_a_converged_run_done():
    """The window writes the learned weights back into its document when a run stops, and
    sends that network to the engine: the run must stay converged (it restarted its trainer
    and reported 'not done', so the perceptron on AND never showed as converged)."""
    from nnsim.engine import datasets, rules

    net = Network.layered([2, 1], "step", seed=0)
    sim = Simulation(net)
    sim.set_dataset(datasets.truth_table("and"))
    sim.set_rule(rules.Perceptron())
    while not sim.done and sim.steps < 1000:
        sim.step()
    assert sim.done
    epoch, snapshot = sim.epoch, sim.snapshot()
    written_back = merge_learning(net, snapshot.network, net)  # as the window does
    sim.set_network(written_back)
    assert sim.done and sim.epoch == epoch
    assert sim.snapshot().done
    edited = written_back.copy()  # a real edit afterwards still starts the rule again
    edited.set_weight(*[(net.neuron(s.source).name, net.neuron(s.target).name)
                        for s in net.synapses][0], 5.0)
    sim.set_network(edited)
    assert not sim.done

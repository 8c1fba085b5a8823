"""The step-by-step backprop model (nnsim/engine/backprop_steps.py): its stops, what each shows,
its update against the Backprop rule's step with batch size 1, and `back` restoring exactly."""
import numpy as np
import pytest
from example_networks import two_two_one

from nnsim.engine import rules
from nnsim.engine.backprop_steps import BackpropSteps, Stop
from nnsim.engine.rules.backprop import Backprop

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_D = np.array([[0.0], [1.0], [1.0], [0.0]])


def net221():
    return two_two_one([[0.5, -1.2], [0.8, 0.3]], b=(0.1, -0.2), activation="tanh",
                       out=(1.1, -0.7, 0.05))


def weights(net):
    return {(net.neuron(s.source).name, net.neuron(s.target).name): s.weight
            for s in net.synapses} | {n.name: n.bias for n in net.neurons if n.role != "input"}


def test_stops_forward_loss_backward_update_layer_by_layer():
    steps = BackpropSteps(net221(), XOR_X, XOR_D, sample=1)
    assert steps.phase == "ready" and steps.stops == [
        Stop("forward", 0), Stop("forward", 1), Stop("loss", -1), Stop("backward", 1),
        Stop("backward", 0), Stop("update", -1)]
    seen = []
    for _ in range(6):
        steps.next_layer()
        seen.append((steps.stop, steps.forward_shown("h1"), steps.forward_shown("y"),
                     steps.loss_shown, steps.delta_shown("y"), steps.delta_shown("h1"),
                     steps.grad_shown(("x1", "h1")), steps.grad_shown(("h1", "y")),
                     steps.update_shown))
    assert [s[1:] for s in seen] == [
        (True, False, False, False, False, False, False, False),
        (True, True, False, False, False, False, False, False),
        (True, True, True, False, False, False, False, False),
        (True, True, True, True, False, False, True, False),
        (True, True, True, True, True, True, True, False),
        (True, True, True, True, True, True, True, True)]
    steps.next_layer()  # past the update: the next sample's first layer
    assert steps.sample == 2 and steps.stop == Stop("forward", 0)


def test_next_phase_shows_a_whole_phase_and_run_sample_reaches_the_update():
    steps = BackpropSteps(net221(), XOR_X, XOR_D)
    assert [steps.next_phase() for _ in range(4)] == [Stop("forward", 1), Stop("loss", -1),
                                                      Stop("backward", 0), Stop("update", -1)]
    fresh = BackpropSteps(net221(), XOR_X, XOR_D)
    fresh.next_layer()
    assert fresh.run_sample() == Stop("update", -1)
    assert weights(fresh.network) == weights(steps.network)


def test_trace_is_the_engines_and_the_chain_rule_adds_up():
    net = net221()
    steps = BackpropSteps(net, XOR_X, XOR_D, sample=2)
    trace = rules.backprop_trace(net, XOR_X[2], XOR_D[2], "mse")
    assert dict(steps.trace.grad) == dict(trace.grad) and dict(steps.trace.delta) == dict(trace.delta)
    out = steps.delta_terms("y")
    assert out["output"] and out["dL_dy"] * out["g_prime"] == pytest.approx(trace.delta["y"], rel=1e-12)
    hidden = steps.delta_terms("h1")
    assert hidden["terms"] == [("y", 1.1, trace.delta["y"])]
    assert hidden["g_prime"] * hidden["sum"] == pytest.approx(trace.delta["h1"], rel=1e-12)


def test_run_sample_is_one_sgd_step_of_the_backprop_rule_with_batch_size_1():
    net = net221()
    steps = BackpropSteps(net, XOR_X, XOR_D, optimizer="sgd", params={"learning_rate": 0.3},
                          sample=3)
    steps.run_sample()
    trace = rules.backprop_trace(net, XOR_X[3], XOR_D[3], "mse")
    after = weights(steps.network)
    for key, change in trace.weight_update(0.3).items():
        assert after[key] == net.synapse(*key).weight + change  # bitwise
        assert steps.update[key] == pytest.approx(change, rel=1e-12, abs=1e-15)
    rule = Backprop(optimizer="sgd", learning_rate=0.3, batch_size=1, shuffle=False)
    trainer = rule.trainer(net, (XOR_X[3:4], XOR_D[3:4]), seed=0)
    trainer.step()
    expected = weights(trainer.network())
    assert after.keys() == expected.keys()
    for key in after:
        assert after[key] == pytest.approx(expected[key], rel=1e-12, abs=1e-15), key


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_momentum_and_adam_take_their_own_steps(optimizer):
    net = net221()
    steps = BackpropSteps(net, XOR_X, XOR_D, optimizer=optimizer, params={"learning_rate": 0.1})
    rule = Backprop(optimizer=optimizer, learning_rate=0.1, batch_size=1, shuffle=False)
    trainer = rule.trainer(net, (XOR_X, XOR_D), seed=0)
    for _ in range(3):  # samples 0, 1, 2 in order, the optimiser's state carried on
        steps.run_sample()
        trainer.step()
    expected = weights(trainer.network())
    for key, value in weights(steps.network).items():
        assert value == pytest.approx(expected[key], rel=1e-10, abs=1e-13), key
    terms = steps.update_terms(("h1", "y"))
    assert "velocity" in terms if optimizer == "momentum" else {"m", "v", "t"} <= terms.keys()


def test_back_restores_the_weights_bitwise_and_the_cursor():
    steps = BackpropSteps(net221(), XOR_X, XOR_D, optimizer="adam", params={"learning_rate": 0.2})
    states = []
    for _ in range(15):  # over two updates into the third sample
        states.append((weights(steps.network), steps.sample, steps.cursor))
        steps.next_layer()
    assert weights(steps.network) != states[0][0]
    for state in reversed(states):
        assert steps.back()
        assert (weights(steps.network), steps.sample, steps.cursor) == state
    assert not steps.back()
    # Adam's state came back too: the same moves again give the same weights, bitwise
    again = BackpropSteps(net221(), XOR_X, XOR_D, optimizer="adam", params={"learning_rate": 0.2})
    for _ in range(15):
        steps.next_layer()
        again.next_layer()
    assert weights(steps.network) == weights(again.network)


def test_select_chooses_a_sample_and_refuses_one_out_of_range():
    steps = BackpropSteps(net221(), XOR_X, XOR_D)
    steps.next_layer()
    steps.select(3)
    assert steps.sample == 3 and steps.phase == "ready"
    assert steps.trace.target == {"y": 0.0}
    with pytest.raises(ValueError, match="sample: expected 0 to 3, got 4"):
        steps.select(4)
    assert steps.back() and steps.sample == 0 and steps.stop == Stop("forward", 0)


def test_lesson_23_opens_the_view_and_its_claim_gives_the_traces_numbers():
    from nnsim.app.numbers import format_value as fv
    from nnsim.engine.lessons import find_lesson

    scene = find_lesson("23").scenes[0]
    assert scene.backprop_steps == {"sample": 1, "pace": 45}
    net = scene.network
    assert [len(layer) for layer in net.layers] == [2, 2, 1]
    data = scene.make_dataset()
    t = rules.backprop_trace(net, data.X[1], data.targets[1], "mse")
    assert list(data.X[1]) == [0.0, 1.0] and data.targets[1][0] == 1.0
    w = net.synapse("h1", "y").weight
    for number in (t.output["y"], t.loss, t.delta["y"], t.output["h1"], t.grad[("h1", "y")],
                   w - 0.5 * t.grad[("h1", "y")]):
        assert fv(number) in scene.claim, number


@pytest.mark.parametrize("field, problem", [
    ({"sample": 1, "speed": 2}, "unknown"), ("fast", "expected"),
    ({"pace": 0}, r"\.pace: expected a whole number from 1 to 600"),
    ({"sample": -1}, r"\.sample: expected a whole number")])
def test_a_bad_backprop_steps_field_is_refused_naming_it(field, problem):
    import json

    from nnsim.engine.lessons import LessonFileError, lesson_from_dict, lessons_dir

    data = json.loads((lessons_dir() / "23-backprop-step-by-step.json").read_text())
    data["scenes"][0]["backprop_steps"] = field
    with pytest.raises(LessonFileError, match=r"scenes\[0\]\.backprop_steps.*" + problem):
        lesson_from_dict(data, "x.json", "x")
    data["scenes"][0]["backprop_steps"] = {"sample": 0}
    data["scenes"][0]["rule"] = {"name": "perceptron", "params": {}}
    with pytest.raises(LessonFileError, match="backprop_steps: needs the scene's rule to be backprop"):
        lesson_from_dict(data, "x.json", "x")

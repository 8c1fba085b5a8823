"""Race mode (issue 16): SGD, momentum and Adam from one point of a loss landscape.

The issue's item: the three optimizers' paths start at the same point and each equals a separate
run of that optimizer.  With random directions every weight moves, and each racer is compared
with a separate rules.Backprop run from the start's weights (weights compared after every step,
through the landscape's projection, and the final network).  With two chosen synapses only those
two move: the others stay exactly as they were, and the path equals the optimiser's formulas
(Keras') applied by hand to the two weights' gradient.
"""
from __future__ import annotations

import numpy as np
import pytest
from example_networks import two_two_one

from nnsim.engine.datasets import Dataset
from nnsim.engine.rules import Backprop
from nnsim.engine.rules.gradients import gradient
from nnsim.engine.rules.landscape import loss_landscape
from nnsim.engine.rules.race import (
    LandscapeSpec,
    RaceSpec,
    network_at,
    race,
    start_parameters,
)
from nnsim.engine.simulation import Simulation

OPTIMIZERS = ({"optimizer": "sgd", "learning_rate": 0.3},
              {"optimizer": "momentum", "learning_rate": 0.1},
              {"optimizer": "adam", "learning_rate": 0.05})
PAIR = [("x1", "h1"), ("h2", "y")]


def data(n=60, seed=1) -> Dataset:
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    return Dataset(X, np.tanh(X[:, 0] * X[:, 1] * 2.0) * 0.5 + 0.5)


def net():
    return two_two_one([[0.7, -0.4], [0.3, 0.9]], b=(0.1, -0.2), activation="tanh")


def weights_of(network) -> np.ndarray:
    return np.array([s.weight for s in network.synapses] + [n.bias for n in network.neurons])


@pytest.mark.parametrize("weights,start", [(PAIR, (0.2, 1.5)), ("random", (-0.6, 0.4))])
def test_paths_start_at_the_chosen_point(weights, start):
    L = loss_landscape(net(), data(), weights=weights, span=1.5, resolution=21)
    paths = race(net(), data(), L, start, OPTIMIZERS, steps=5)
    assert [p.optimizer for p in paths] == ["sgd", "momentum", "adam"]
    for p in paths:
        assert p.points.shape == (6, 2)
        assert p.points[0] == pytest.approx(start, abs=1e-9)
        # the loss there is the network's loss with the start's weights
        trainer = Backprop(loss="mse").trainer(network_at(net(), start_parameters(L, start)), data())
        assert p.loss[0] == pytest.approx(trainer.graph.evaluate(trainer.X, trainer.D)[0], rel=1e-12)
        assert p.points[1] != pytest.approx(start, abs=1e-6)  # and then it moves
    assert paths[0].points[1] != pytest.approx(paths[2].points[1], abs=1e-6)  # each its own way


@pytest.mark.parametrize("batch_size,steps", [(None, 7), (15, 8)])
def test_each_path_is_a_separate_backprop_run(batch_size, steps):
    """Random directions (every weight moves): racer k after each step equals rules.Backprop
    with that optimizer, run separately from the start's weights."""
    d = data()
    L = loss_landscape(net(), d, weights="random", span=1.0, resolution=11, seed=4)
    start = (0.5, -0.3)
    paths = race(net(), d, L, start, OPTIMIZERS, steps=steps, batch_size=batch_size, seed=9)
    batch = batch_size or len(d)
    start_net = network_at(net(), start_parameters(L, start))
    for path, optimizer in zip(paths, OPTIMIZERS):
        rule = Backprop(**optimizer, loss="mse", batch_size=batch, shuffle=False)
        trainer = rule.trainer(start_net.copy(), d, seed=9)
        seen = [L.coordinates(trainer.graph.theta)]
        for _ in range(steps):
            trainer.step()
            seen.append(L.coordinates(trainer.graph.theta))
        np.testing.assert_array_equal(path.points, np.array(seen))
        np.testing.assert_array_equal(path.theta, trainer.graph.theta)
        # and the rule's own train() (epochs: the same steps) ends at the same weights
        separate = start_net.copy()
        rule.train(separate, d, epochs=steps * batch // len(d), seed=9)
        ours = network_at(net(), path.theta)
        np.testing.assert_allclose(weights_of(ours), weights_of(separate), rtol=0, atol=1e-12)


def test_two_synapses_move_alone_as_the_optimizers_formulas_say():
    d = data()
    L = loss_landscape(net(), d, weights=PAIR, span=1.5, resolution=21)
    start = (0.2, 1.5)
    paths = race(net(), d, L, start, OPTIMIZERS, steps=6)
    start_net = network_at(net(), start_parameters(L, start))
    # the two weights' gradient at (u, v), every other weight as at the start
    layers = start_net.compile().layers
    at = {}
    for k, layer in enumerate(layers):
        names = ({start_net.neuron(i).name: r for r, i in enumerate(layer.source_ids)},
                 {start_net.neuron(i).name: c for c, i in enumerate(layer.target_ids)})
        for key in PAIR:
            if key[0] in names[0] and key[1] in names[1]:
                at[key] = (k, names[0][key[0]], names[1][key[1]])

    def grad(u, v):
        probe = start_net.copy()
        probe.set_weight(*PAIR[0], u)
        probe.set_weight(*PAIR[1], v)
        _, g = gradient(probe, d.X, d.targets, "mse")
        return np.array([g[at[key][0]][0][at[key][1], at[key][2]] for key in PAIR])

    for path, optimizer in zip(paths, OPTIMIZERS):
        w = np.array(start, dtype=float)
        m, v, vel = np.zeros(2), np.zeros(2), np.zeros(2)
        expected = [w.copy()]
        lr = optimizer["learning_rate"]
        for t in range(1, 7):
            g = grad(*w)
            if optimizer["optimizer"] == "sgd":
                w = w - lr * g
            elif optimizer["optimizer"] == "momentum":
                vel = 0.9 * vel - lr * g
                w = w + vel
            else:
                m = m + 0.1 * (g - m)
                v = v + 0.001 * (g * g - v)
                w = w - lr * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t) * m / (np.sqrt(v) + 1e-7)
            expected.append(w.copy())
        np.testing.assert_allclose(path.points, np.array(expected), rtol=0, atol=1e-10)
        # every other parameter exactly as at the start
        moved = network_at(net(), path.theta)
        for s in moved.synapses:
            key = (moved.neuron(s.source).name, moved.neuron(s.target).name)
            if key not in PAIR:
                assert s.weight == start_net.synapse(s.source, s.target).weight, key
        assert [n.bias for n in moved.neurons] == [n.bias for n in start_net.neurons]


def test_simulation_runs_the_race_step_by_step():
    """Steps run the race (not the rule) until it is done; its paths are race()'s; the
    landscape is made once, not per frame, and again after an edit."""
    d = data()
    sim = Simulation(net(), d, Backprop(optimizer="sgd", learning_rate=0.1, batch_size=60))
    spec = LandscapeSpec(tuple(PAIR), span=1.5, resolution=21)
    sim.set_landscape(spec)
    first = sim.snapshot()
    assert first.landscape.loss.shape == (21, 21)
    assert first.landscape.labels == ("w x1→h1", "w h2→y")
    L = loss_landscape(net(), d, weights=PAIR, span=1.5, resolution=21)
    np.testing.assert_allclose(first.landscape.loss, L.loss.astype(np.float32))
    assert sim.snapshot().landscape is first.landscape  # not made again per frame
    sim.set_race(RaceSpec((0.2, 1.5), OPTIMIZERS, steps=4))
    assert sim.step(10) == 4 and sim.done
    shown = sim.snapshot().race
    assert shown.done and shown.frozen
    for got, want in zip(shown.paths, race(net(), d, L, (0.2, 1.5), OPTIMIZERS, steps=4)):
        np.testing.assert_array_equal(got.points, want.points)
        np.testing.assert_array_equal(got.loss, want.loss)
    assert sim.snapshot().metrics.get("loss") is None  # the rule did not train meanwhile
    sim.set_race(None)  # back to the rule: it trains, the path on the landscape grows
    sim.step(3)
    path = sim.snapshot().landscape_path  # a point per frame: the first one, and now
    assert path.shape == (2, 2) and not sim.done
    assert path[0] == pytest.approx(first.landscape.centre, abs=1e-12)
    learned = sim.network
    assert path[1] == pytest.approx((learned.synapse("x1", "h1").weight,
                                     learned.synapse("h2", "y").weight), abs=1e-12)
    edited = sim.network
    edited.set_weight("x1", "h1", 0.0)
    sim.set_network(edited)
    assert sim.snapshot().landscape is not first.landscape


def test_bad_races_are_named():
    L = loss_landscape(net(), data(), weights=PAIR, span=1.0, resolution=5)
    with pytest.raises(ValueError, match="optimizer must be one of sgd, momentum, adam"):
        race(net(), data(), L, (0, 0), [{"optimizer": "rmsprop", "learning_rate": 0.1}])
    with pytest.raises(ValueError, match="1 to 100,000 steps"):
        race(net(), data(), L, (0, 0), steps=0)
    with pytest.raises(ValueError, match="finite point"):
        race(net(), data(), L, (np.nan, 0))
    sim = Simulation(net(), None, None)
    sim.set_landscape(LandscapeSpec(tuple(PAIR)))
    assert sim.snapshot().landscape.problem == "a loss landscape needs data with targets"


def test_the_landscape_crosses_the_wire_once_and_read_only():
    import multiprocessing

    from nnsim.engine.wire import FrameReader, FrameWriter

    sim = Simulation(net(), data(), Backprop(optimizer="sgd", learning_rate=0.1))
    sim.set_landscape(LandscapeSpec(tuple(PAIR), span=1.0, resolution=11))
    sim.set_race(RaceSpec((0.2, 1.5), OPTIMIZERS, steps=3))
    ours, theirs = multiprocessing.Pipe()
    writer, reader = FrameWriter(ours), FrameReader(theirs)
    read = []
    for _ in range(2):
        sim.step(1)
        writer.send_frame(sim.snapshot(), 1.0, sim.history_serial)
        read.append(reader.read()[1])
    first, second = read
    assert second.landscape is first.landscape  # sent once, then referred to
    np.testing.assert_array_equal(first.landscape.loss, sim.snapshot().landscape.loss)
    for array in (first.landscape.loss, first.landscape.a, second.race.paths[0].points):
        assert not array.flags.writeable
    assert second.race.paths[0].points.shape == (3, 2)


def test_a_lesson_scenes_landscape_field_is_checked():
    from nnsim.engine.lessons import LessonFileError, find_lesson
    from nnsim.engine.rules.race import check_scene_landscape

    def fail(where, problem):
        return LessonFileError(f"lesson.json: scenes[0].{where}: {problem}")

    scene = find_lesson("24").scenes[0]
    assert scene.landscape["weights"] == [["x1", "y"], ["x2", "y"]]
    assert scene.landscape["race"]["learning_rates"] == {"sgd": 0.8, "momentum": 0.1, "adam": 0.1}
    for bad, where in (({"weights": [["x1", "h9"], ["x2", "y"]]}, "landscape.weights"),
                       ({"span": -1}, "landscape.span"),
                       ({"race": {"start": [0, 0], "learning_rates": {"rmsprop": 1}}},
                        "landscape.race.learning_rates"),
                       ({"race": {"start": [0]}}, "landscape.race.start"),
                       ({"colour": 1}, "landscape.colour")):
        with pytest.raises(LessonFileError, match=f"scenes\\[0\\].{where}: "):
            check_scene_landscape(bad, scene.network, fail)

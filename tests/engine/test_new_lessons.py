"""Issue 13's new lessons (10, 12, 15, 18 and 21) make the lecture's claims, checked with numbers against
references computed here with NumPy (not with the helpers the lesson builder used)."""
import itertools
import math

import numpy as np
import pytest

from nnsim.engine.lessons import find_lesson
from nnsim.engine.simulation import Simulation


def outputs(net, points):
    """The network's first output at each point (engine forward pass)."""
    return np.asarray(net.compile().forward(np.asarray(points, dtype=float)))[:, 0]


def grid(resolution=201, half=1.0):
    xs = np.linspace(-half, half, resolution)
    gx, gy = np.meshgrid(xs, xs)
    return np.column_stack([gx.ravel(), gy.ravel()])


# ---------------------------------------------------------------------- layered notation
def test_the_30_connection_networks_have_30_connections_and_their_depths():
    deep, shallow = find_lesson("layered-notation").scenes
    counts = []
    for scene, depth, sizes in ((deep, 3, [2, 3, 4, 3]), (shallow, 2, [2, 6, 3])):
        net = scene.network
        assert net.parameter_count == 30 == len(net.synapses)
        assert net.depth == depth
        assert [len(layer) for layer in net.layers] == sizes
        assert len(net.outputs) == 3  # multi-output
        counts.append(sum(a * b for a, b in zip(sizes, sizes[1:])))
    assert counts == [30, 30]
    assert deep.network.depth > 2 >= shallow.network.depth  # "deep" means depth > 2


def test_every_unit_computes_the_lectures_formula():
    """z_{k,i} = w0 + sum_j w_{k,ij} g(z_{k-1,j}), layer by layer with NumPy, equals the engine."""
    net = find_lesson("layered-notation").scenes[0].network
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    layers = net.layers
    a = X
    for k in range(1, len(layers)):
        W = np.array([[net.synapse(src, dst).weight for dst in layers[k]] for src in layers[k - 1]])
        w0 = np.array([net.neuron(name).bias for name in layers[k]])
        z = w0 + a @ W
        assert all(name.startswith(f"z{k},") for name in layers[k]) or k == len(layers) - 1
        if k < len(layers) - 1:
            a = np.tanh(z)
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
    engine = np.asarray(net.compile().forward(X))
    order = [net.outputs.index(name) for name in layers[-1]]
    np.testing.assert_allclose(engine[:, order], a, atol=1e-9)


# ---------------------------------------------------------------------- circles
def inside_bean(points):
    """The figure, written out again: r(theta) = 0.62 + 0.18 sin(2 theta + 0.5) + 0.12 cos(3 theta)."""
    theta = np.arctan2(points[:, 1], points[:, 0])
    return np.hypot(points[:, 0], points[:, 1]) < 0.62 + 0.18 * np.sin(2 * theta + 0.5) \
        + 0.12 * np.cos(3 * theta)


def test_more_smaller_circles_fit_the_figure_better():
    lesson = find_lesson("arbitrary-figure")
    points = grid(241)
    target = inside_bean(points)
    errors, counts, radii = [], [], []
    for scene in lesson.scenes:
        net = scene.network
        fires = outputs(net, points) > 0.5
        errors.append(float((fires != target).sum() / target.sum()))
        circles = [n for n in net.names if n.startswith("circle ")]
        counts.append(len(circles))
        radii.append(float(scene.title.split("radius ")[1].split(":")[0]))
        assert f"{100 * errors[-1]:.0f}%" in scene.title or \
            abs(float(scene.title.split(": ")[1].split("%")[0]) - 100 * errors[-1]) <= 1.0
        assert net.depth == 3  # half-planes, AND per circle, OR of the circles
        for c in circles:  # each circle is a ring of 8 half-planes
            assert len(net.incoming(c)) == 8
    assert radii == sorted(radii, reverse=True) and counts == sorted(counts)
    assert errors[0] > errors[1] > errors[2], errors
    assert errors[2] < 0.5 * errors[0] and errors[2] < 0.1


# ---------------------------------------------------------------------- depth log2(n)
@pytest.mark.parametrize("n", [2, 4, 8, 16])
def test_parity_tree_depth_and_counts(n):
    lesson = find_lesson("depth-log2-n")
    scene = next(s for s in lesson.scenes if s.title.startswith(f"n = {n}:"))
    net = scene.network
    levels = int(math.log2(n))
    units = len(net) - n
    assert (net.depth, units, net.parameter_count) == (2 * levels, 3 * (n - 1), 6 * (n - 1))
    # one hidden layer: a detector per odd pattern (2^(n-1)) and the output
    wide_units, wide_connections = 2 ** (n - 1) + 1, n * 2 ** (n - 1) + 2 ** (n - 1)
    assert f"(one layer: {wide_units:,})" in scene.title
    assert f"{wide_connections:,} connections" in scene.claim
    # the tree computes parity: every input for n <= 8, 4,096 random ones for 16
    if n <= 8:
        X = np.array(list(itertools.product([0.0, 1.0], repeat=n)))
    else:
        X = np.random.default_rng(1).integers(0, 2, (4096, n)).astype(float)
    order = [net.inputs.index(f"x{i + 1}") for i in range(n)]
    Xn = np.empty_like(X)
    Xn[:, order] = X
    np.testing.assert_array_equal(outputs(net, Xn) > 0.5, X.sum(axis=1) % 2 == 1)


def test_parity_counts_side_by_side():
    rows = {(2, 2, 3, 6, 3, 6), (4, 4, 9, 18, 9, 40), (8, 6, 21, 42, 129, 1152),
            (16, 8, 45, 90, 32769, 557056)}
    text = find_lesson("depth-log2-n").explanation
    for n, depth, units, conns, wide, wide_conns in rows:
        assert (f"n = {n}: {int(math.log2(n))} levels, depth {depth}, {units} units, {conns} "
                f"connections; one hidden layer: {wide:,} units, {wide_conns:,} connections") in text


# ---------------------------------------------------------------------- one hidden layer
def test_one_hidden_layer_makes_a_cylinder():
    scene = find_lesson("one-layer-towers").scenes[0]
    net = scene.network
    assert net.depth == 2 and len(net.outputs) == 1
    hidden = [n for n in net.names if n not in net.inputs and n not in net.outputs]
    assert all(set(s_name for s_name in (net.neuron(s.source).name for s in net.incoming(h)))
               == {"x1", "x2"} for h in hidden)  # one hidden layer, fed by the inputs only
    points = grid(201, 1.0)
    r = np.hypot(points[:, 0], points[:, 1])
    y = outputs(net, points)
    k = len(hidden)
    assert np.all(y[r < 0.5 - 1e-6] == 1.0)
    assert np.all(y[r > 0.5 / math.cos(math.pi / k) + 1e-6] == 0.0)


def hills(points):
    x, y = points[:, 0], points[:, 1]
    return np.exp(-((x + 0.35) ** 2 + (y - 0.2) ** 2) / 0.18) \
        + 0.6 * np.exp(-((x - 0.45) ** 2 + (y + 0.35) ** 2) / 0.08)


def test_thinner_cylinders_approximate_the_surface_better_with_one_hidden_layer():
    scenes = find_lesson("one-layer-towers").scenes[1:]
    points = grid(157, 1.0)  # not the builder's fitting grid
    target = hills(points)
    errors, hidden_units = [], []
    for scene in scenes:
        net = scene.network
        assert net.depth == 2  # one hidden layer
        errors.append(float(np.sqrt(np.mean((outputs(net, points) - target) ** 2))))
        hidden_units.append(len(net) - 3)
    assert hidden_units == [48, 192, 768]
    assert errors[0] > errors[1] > errors[2], errors
    assert errors[2] < 0.6 * errors[0] and errors[2] < 0.1


# ---------------------------------------------------------------------- probability
def true_posterior(x, params):
    """P(class 1 | x) from the two normal densities of the generator's classes (equal priors):
    class 0 ~ N(-separation/2, noise^2), class 1 ~ N(separation/2, (noise * spread)^2)."""
    m0, s0 = -params["separation"] / 2, params["noise"]
    m1, s1 = params["separation"] / 2, params["noise"] * params["spread"]
    p0 = np.exp(-0.5 * ((x - m0) / s0) ** 2) / (s0 * math.sqrt(2 * math.pi))
    p1 = np.exp(-0.5 * ((x - m1) / s1) ** 2) / (s1 * math.sqrt(2 * math.pi))
    return p1 / (p0 + p1)


@pytest.mark.parametrize("index", [0, 1])
def test_the_sigmoid_output_learns_the_posterior_of_overlapping_classes(index):
    scene = find_lesson("probability").scenes[index]
    data = scene.make_dataset()
    params = scene.dataset["params"]
    # the classes overlap: no threshold on x gets more than 95% of the points right
    x, y = data.X[:, 0], data.y
    best = max(max(np.mean((x > t) == (y == 1)), np.mean((x <= t) == (y == 1))) for t in x)
    assert best < 0.95
    sim = Simulation(scene.network, data, scene.make_rule(), seed=0)
    sim.step(scene.steps)
    xs = np.linspace(-1.5, 1.5, 61)
    learned = outputs(sim.network, xs[:, None])
    truth = true_posterior(xs, params)
    assert np.abs(learned - truth).mean() < 0.04, np.abs(learned - truth).mean()
    assert np.abs(learned - truth).max() < 0.1
    # the value the claim names, at the canvas's x
    x = sim.network.neuron("x").value
    assert f"{true_posterior(np.array([x]), params)[0]:.2f}" in scene.claim
    # accuracy stops near the best possible (Bayes) accuracy, short of 100%
    bayes = np.mean((true_posterior(data.X[:, 0], params) > 0.5) == (data.y == 1))
    accuracy = sim.snapshot().metrics["accuracy"]
    assert accuracy < 0.95 and abs(accuracy - bayes) < 0.03

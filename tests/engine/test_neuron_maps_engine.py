"""Every neuron's own map (issue 14), engine side: 8-bit images sampled from the decision map's own
pass, each checked against an independent NumPy evaluation of the neuron's formula."""
from __future__ import annotations

import numpy as np
import pytest

from nnsim.engine import Network, builders, rules
from nnsim.engine.datasets import Dataset
from nnsim.engine.neuron_maps import MAP_SIDE, dequantize, quantize, sample_indices, unit_levels
from nnsim.engine.regions import decision_map, plane
from nnsim.engine.simulation import Simulation
from nnsim.engine.wire import FrameReader, FrameWriter

EXTENT = (-1.0, 1.0, -1.0, 1.0)
STEP = 1.0 / 255  # one 8-bit step of a (0, 1) map; 2/255 for (-1, 1)


def one_hidden(activation="tanh", w=(1.0, 0.0), b=0.0, out_act="sigmoid") -> Network:
    net = Network()
    net.add_neuron("x1", role="input", x=0, y=0)
    net.add_neuron("x2", role="input", x=0, y=80)
    net.add_neuron("h", activation=activation, bias=b, x=100, y=40)
    net.add_neuron("y", role="output", activation=out_act, bias=0.2, x=200, y=40)
    net.connect("x1", "h", w[0])
    net.connect("x2", "h", w[1])
    net.connect("h", "y", -1.5)
    return net


def xs(side: int = MAP_SIDE, extent=EXTENT) -> np.ndarray:
    """The x of each column of a side x side map over extent (as the engine samples them)."""
    full = np.linspace(extent[0], extent[1], 200)
    return full[np.rint(np.linspace(0, 199, side)).astype(int)]


def test_quantize_round_trip_is_within_half_a_step_and_clips():
    v = np.linspace(-1.3, 1.3, 1001)
    img = quantize(v, (-1.0, 1.0))
    assert img.dtype == np.uint8 and not img.flags.writeable
    inside = np.abs(v) <= 1
    assert np.abs(dequantize(img, (-1.0, 1.0))[inside] - v[inside]).max() <= 1.0 / 255 + 1e-6
    assert img[0] == 0 and img[-1] == 255  # clipped, not wrapped
    assert quantize(np.array([np.nan]), (0.0, 1.0))[0] in (127, 128)


def test_unit_levels_follow_the_decision_plot_scale():
    assert unit_levels("sigmoid") == (0.0, 1.0) and unit_levels("step") == (0.0, 1.0)
    assert unit_levels("tanh") == (-1.0, 1.0) and unit_levels("sign") == (-1.0, 1.0)


def test_sample_indices_take_the_corners_and_spread_evenly():
    idx = sample_indices(200, 40)
    assert len(idx) == 1600 and idx[0] == 0 and idx[-1] == 200 * 200 - 1
    assert np.all(np.diff(idx) > 0)  # sorted: the chunked pass relies on it
    assert len(sample_indices(30, 40)) == 900  # never more than the map has


@pytest.mark.parametrize("learning", [False, True], ids=["static", "learning"])
def test_a_tanh_unit_with_weights_1_0_is_a_left_right_ramp(learning):
    net = one_hidden()
    data = Dataset([[-1.0, -1.0], [1.0, 1.0]], [0.0, 1.0])
    rule = rules.Backprop(learning_rate=0.0) if learning else None
    sim = Simulation(net, data, rule, seed=0)
    if learning:
        sim.step(1)
    m = sim.snapshot().neuron_maps
    assert m is not None and m.images["h"].shape == (MAP_SIDE, MAP_SIDE)
    expected = np.tanh(xs(extent=m.extent))  # independent: tanh(1*x1 + 0*x2 + 0)
    got = m.values("h")
    assert np.abs(got - expected[None, :]).max() <= 2 * STEP + 1e-6
    assert np.all(got[0] == got[-1])  # x2 changes nothing: every row the same
    assert m.images["h"][0, 0] < 60 and m.images["h"][0, -1] > 195  # blue left, orange right


def test_inputs_are_ramps_over_their_own_axis():
    m = decision_map(one_hidden(), (-2.0, 2.0, -1.0, 1.0), 200).neuron_maps
    x1, x2 = m.images["x1"], m.images["x2"]
    assert x1[5, 0] == 0 and x1[5, -1] == 255 and np.all(np.diff(x1[7].astype(int)) >= 0)
    assert np.all(x1 == x1[0])  # left-right only
    assert x2[0, 3] == 0 and x2[-1, 3] == 255 and np.all(x2.T == x2.T[0])  # bottom-top only
    assert m.levels["x1"] == (-2.0, 2.0) and m.levels["x2"] == (-1.0, 1.0)  # each its own range
    np.testing.assert_allclose(m.values("x1")[0, [0, -1]], [-2.0, 2.0])


@pytest.mark.parametrize("hidden", ["tanh", "gaussian"], ids=["fast float32", "float64 path"])
def test_the_output_map_is_the_decision_grid_at_its_pixels(hidden):
    net = builders.layered([2, 5, 1], [hidden, "sigmoid"], seed=3)
    sim = Simulation(net, Dataset([[0.0, 0.0], [1.0, 1.0]], [0.0, 1.0]),
                     rules.Backprop(learning_rate=0.5), seed=0)
    for snap in (sim.snapshot(), (sim.step(3), sim.snapshot())[1]):
        grid, m = snap.decision.grid, snap.neuron_maps
        idx = np.rint(np.linspace(0, grid.shape[0] - 1, MAP_SIDE)).astype(int)
        out = snap.network.outputs[0]
        assert np.abs(m.values(out) - grid[np.ix_(idx, idx)]).max() <= 0.5 * STEP + 1e-6


def test_every_hidden_map_matches_a_numpy_forward_pass():
    net = builders.layered([2, 3, 2, 1], ["tanh", "sigmoid", "sigmoid"], seed=7)
    m = decision_map(net, EXTENT, 200).neuron_maps
    p = plane(EXTENT, 200)[sample_indices(200, MAP_SIDE)]
    w = {(s.source, s.target): s.weight for s in net.synapses}
    ids = {n.name: n.id for n in net.neurons}

    def value(name, cache={}):  # noqa: B006 - a memo for this one network
        n = net.neuron(name)
        if n.role == "input":
            return p[:, 0] if name == "x1" else p[:, 1]
        if name not in cache:
            z = n.bias + sum(w[(ids[s], n.id)] * value(s) for s in
                             [k.name for k in net.neurons if (k.id, n.id) in w])
            cache[name] = np.tanh(z) if n.activation == "tanh" else 1 / (1 + np.exp(-z))
        return cache[name]

    for n in net.neurons:
        lo, hi = m.levels[n.name]
        expected = np.clip(value(n.name), lo, hi).reshape(MAP_SIDE, MAP_SIDE)
        assert np.abs(m.values(n.name) - expected).max() <= (hi - lo) / 510 + 1e-6, n.name


def test_maps_follow_a_weight_edit_and_can_be_turned_off():
    net = one_hidden()
    sim = Simulation(net, seed=0)
    before = sim.snapshot().neuron_maps.images["h"].copy()
    edited = sim.network
    edited.set_weight("x1", "h", -1.0)  # the ramp turns round
    sim.set_network(edited)
    after = sim.snapshot().neuron_maps.images["h"]
    assert np.array_equal(after, before[:, ::-1])
    sim.set_canvas_maps(False)
    assert sim.snapshot().neuron_maps is None and sim.snapshot().decision is not None


def test_large_networks_get_coarser_maps_then_none():
    mid = builders.layered([2, 500, 1], "tanh", seed=0)
    assert decision_map(mid, EXTENT, 200).neuron_maps.images["y"].shape == (20, 20)
    huge = builders.layered([2, 2600, 1], "tanh", seed=0)
    assert decision_map(huge, EXTENT, 60).neuron_maps is None


def test_one_input_networks_get_each_neurons_curve():
    net = builders.layered([1, 3, 1], ["tanh", "linear"], seed=2)
    sim = Simulation(net, Dataset(np.linspace(-2, 2, 9)[:, None], np.zeros(9)),
                     rules.Backprop(learning_rate=0.1), seed=0)
    sim.step(2)
    snap = sim.snapshot()
    curves = snap.neuron_curves
    assert snap.neuron_maps is None and curves is not None
    learned = snap.network
    x = curves.x.astype(float)
    np.testing.assert_allclose(curves.curves["x1"], x, rtol=1e-6)
    h = learned.neuron("h1_2")
    z = h.bias + learned.synapse(learned.neuron("x1").id, h.id).weight * x
    np.testing.assert_allclose(curves.curves["h1_2"], np.tanh(z), atol=1e-5)
    sim.set_canvas_maps(False)
    assert sim.snapshot().neuron_curves is None


class Link:
    def __init__(self) -> None:
        self.queue: list[bytes] = []

    def send_bytes(self, data: bytes) -> None:
        self.queue.append(data)

    def poll(self, timeout=0) -> bool:
        return bool(self.queue)

    def recv_bytes(self) -> bytes:
        return self.queue.pop(0)


def test_maps_cross_the_wire_as_read_only_8_bit_images():
    sim = Simulation(one_hidden(), seed=0)
    link = Link()
    writer, reader = FrameWriter(link), FrameReader(link)
    original = sim.snapshot()
    writer.send_frame(original, 1.0, sim.history_serial)
    _, frame, _ = reader.read()
    for name, image in original.neuron_maps.images.items():
        got = frame.neuron_maps.images[name]
        assert got.dtype == np.uint8 and np.array_equal(got, image) and not got.flags.writeable
    assert frame.neuron_maps.levels == original.neuron_maps.levels

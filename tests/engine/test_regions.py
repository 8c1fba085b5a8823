"""Decision maps and output curves: what the plots draw, computed by the engine."""
import numpy as np
import pytest
from lecture import lecture_perceptron

from nnsim.engine import Network
from nnsim.engine.datasets import Dataset
from nnsim.engine.regions import decision_map, extent_for, first_layer_lines, output_curve, plane


def test_decision_map_is_the_output_over_the_plane():
    net = lecture_perceptron()
    extent = (-2.0, 2.0, -1.0, 3.0)
    m = decision_map(net, extent, resolution=50, neuron_resolution=8)
    assert m.grid.shape == (50, 50) and m.grid.dtype == np.float32 and m.grid.flags.c_contiguous
    points = plane(extent, 50)
    expected = 1 / (1 + np.exp(-(1 + 3 * points[:, 0] - 2 * points[:, 1])))
    np.testing.assert_allclose(m.grid.ravel(), expected, rtol=1e-6)
    # row 0 is y_min, column 0 is x_min
    assert m.grid[0, 0] == pytest.approx(1 / (1 + np.exp(-(1 - 6 + 2))), rel=1e-6)
    assert m.lines == (("y", 3.0, -2.0, 1.0),)
    assert set(m.neuron_grids) == {"y"} and m.neuron_grids["y"].shape == (8, 8)


def test_first_layer_lines_skip_deeper_units_and_several_outputs_stack():
    net = Network.layered([2, 3, 2], ["tanh", "sigmoid"], seed=0)
    lines = first_layer_lines(net)
    assert [name for name, *_ in lines] == ["h1_1", "h1_2", "h1_3"]
    m = decision_map(net, resolution=20)
    assert m.grid.shape == (20, 20, 2)
    assert len(m.neuron_grids) == 5


def test_no_map_for_other_input_counts_or_loops_and_curve_for_one_input():
    assert decision_map(Network.layered([3, 2, 1], "tanh")) is None
    net = Network.layered([1, 2, 1], ["step", "linear"], seed=0)
    assert decision_map(net) is None
    x, y = output_curve(net, (-1.0, 1.0), n=11)
    np.testing.assert_allclose(y, net.evaluate(x[:, None])[:, 0])
    loop = lecture_perceptron()
    loop.connect("y", "y", 1.0)
    assert decision_map(loop) is None


def test_extent_follows_the_data():
    data = Dataset(np.array([[0.0, 0.0], [1.0, 2.0]]), np.array([0, 1]))
    x0, x1, y0, y1 = extent_for(data, margin=0.5)
    assert (x0, x1, y0, y1) == (-1.0, 2.0, -1.0, 3.0)
    assert extent_for(None) == (-1.5, 1.5, -1.5, 1.5)

"""WeightMatrixPlot: heatmap with symmetric levels, Hinton squares, layers, names, export."""
from types import SimpleNamespace

import numpy as np
import pytest

from nnsim.app.plots import WeightMatrixPlot
from nnsim.app.plots.style import NEGATIVE, POSITIVE
from nnsim.engine import Network

NAMES = ("x1", "x2", "h", "y")
SYN = (("x1", "h"), ("x2", "h"), ("h", "y"), ("x1", "y"))
W = np.array([0.5, -2.0, 1.0, 0.25])


def snap(**kw):
    return SimpleNamespace(**{"names": NAMES, "synapses": SYN, "weights": W, **kw})


@pytest.fixture
def plot(shown):
    return shown(WeightMatrixPlot(), 420, 380)


def test_heatmap_holds_the_weights_with_symmetric_levels(plot):
    plot.update_snapshot(snap())
    assert plot.rows == ["h", "y"] and plot.cols == ["x1", "x2", "h"]
    expected = np.array([[0.5, -2.0, np.nan], [0.25, np.nan, 1.0]], dtype=np.float32)
    np.testing.assert_array_equal(plot.image.image, expected)  # NaN: no synapse
    assert tuple(plot.image.getLevels()) == (-2.0, 2.0)
    assert len(plot.image.lut) == 256
    ticks = plot.plot.getAxis("bottom")._tickLevels[0]
    assert [name for _, name in ticks] == ["x1", "x2", "h"]


def test_hinton_squares_sized_by_magnitude_coloured_by_sign(plot):
    plot.update_snapshot(snap())
    plot.set_hinton(True)
    assert plot.image.image is None
    x, y = plot.hinton.getData()
    sizes = plot.hinton.data["size"]
    colors = [b.color().getRgb()[:3] for b in plot.hinton.data["brush"]]
    cells = {(int(a - 0.5), int(b - 0.5)): (s, c) for a, b, s, c in zip(x, y, sizes, colors)}
    assert len(cells) == 4
    size_big, color_big = cells[(1, 0)]  # from x2 to h: -2.0, the largest
    assert size_big == pytest.approx(0.95) and color_big == NEGATIVE
    size_small, color_small = cells[(0, 1)]  # from x1 to y: 0.25
    assert size_small == pytest.approx(0.95 * np.sqrt(0.25 / 2.0)) and color_small == POSITIVE
    plot.hinton_action.setChecked(False)
    assert plot.image.image is not None and len(plot.hinton.getData()[0]) == 0


def test_a_layer_of_a_feedforward_network(plot):
    net = Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    index = {n.id: n.name for n in net.neurons}
    synapses = tuple((index[s.source], index[s.target]) for s in net.synapses)
    weights = np.array([s.weight for s in net.synapses])
    plot.update_snapshot(SimpleNamespace(names=tuple(net.names), synapses=synapses, weights=weights,
                                         network=net))
    assert plot.layer_box.count() == 3  # all, 0 -> 1, 1 -> 2
    plot.layer_box.setCurrentIndex(2)
    layers = net.layers
    assert plot.cols == layers[1] and plot.rows == layers[2]
    expected = [[net.synapse(s, layers[2][0]).weight for s in layers[1]]]
    np.testing.assert_allclose(plot.matrix, expected)


def test_recurrent_w_is_square(plot):
    names = ("a", "b", "c")
    synapses = (("a", "b"), ("b", "a"), ("b", "c"), ("c", "b"))
    plot.update_snapshot(SimpleNamespace(names=names, synapses=synapses, weights=np.array([1, 1, -1, -1.0])))
    assert plot.matrix.shape == (3, 3)
    np.testing.assert_array_equal(np.nan_to_num(plot.matrix), [[0, 1, 0], [1, 0, -1], [0, -1, 0]])


def test_clear_and_export(plot, tmp_path):
    plot.update_snapshot(snap())
    rows = plot.export(tmp_path / "w.csv").read_text().splitlines()
    assert rows[0] == ",x1,x2,h" and rows[1].startswith("h,0.5,-2,")
    assert plot.export(tmp_path / "w.png").stat().st_size > 0
    plot.clear()
    assert plot.matrix.size == 0 and plot.image.image is None

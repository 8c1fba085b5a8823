"""WeightMatrixPlot: heatmap with symmetric levels, Hinton squares, layers, names, export."""
from types import SimpleNamespace

import exported
import numpy as np
import pytest
from PySide6.QtCore import QPointF

from nnsim.app.plots import WeightMatrixPlot
from nnsim.app.plots.style import LUT, NEGATIVE, POSITIVE
from nnsim.app.plots.weight_matrix import MISSING
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


def cell_colours(plot, path) -> np.ndarray:
    """The exported PNG's colour at the centre of each matrix cell, (rows, cols, 3)."""
    pixels = exported.png(path)
    origin = plot.graphics.viewRect().topLeft()
    out = np.zeros(plot.matrix.shape + (3,), dtype=int)
    for r in range(plot.matrix.shape[0]):
        for c in range(plot.matrix.shape[1]):
            at = plot.plot.vb.mapViewToScene(QPointF(c + 0.5, r + 0.5)) - origin
            out[r, c] = pixels[int(at.y()), int(at.x())]
    return out


def test_clear_and_export(plot, tmp_path):
    """The exports hold the matrix: the CSV its numbers with the names, the PNG (and the SVG's
    embedded image) each cell in its weight's colour on the symmetric scale, missing ones grey."""
    plot.update_snapshot(snap())
    rows = plot.export(tmp_path / "w.csv").read_text().splitlines()
    assert rows[0] == ",x1,x2,h" and rows[1].startswith("h,0.5,-2,")
    assert [row.split(",")[0] for row in rows[1:]] == ["h", "y"]
    expected = np.array([[0.5, -2.0, np.nan], [0.25, np.nan, 1.0]])
    np.testing.assert_array_equal(exported.csv_matrix(tmp_path / "w.csv", 1, 1), expected)
    # levels -2..2 over the 256 colours of the scale; NaN: no synapse, the grey background
    index = np.clip(np.nan_to_num((expected + 2.0) / 4.0 * 256, nan=0).astype(int), 0, 255)
    want = np.where(np.isnan(expected)[..., None], MISSING, LUT[index].astype(int))
    colours = cell_colours(plot, plot.export(tmp_path / "w.png"))
    assert np.abs(colours - want).max() <= 12, (colours, want)
    [embedded, *_] = exported.svg_images(exported.svg(plot.export(tmp_path / "w.svg")))
    assert embedded.shape == (2, 3, 3)
    finite = np.isfinite(expected)
    assert np.abs(embedded[finite].astype(int) - want[finite]).max() <= 12
    plot.set_hinton(True)  # squares: coloured by sign at the cells that have a synapse
    colours = cell_colours(plot, plot.export(tmp_path / "h.png"))
    for (r, c), w in np.ndenumerate(expected):
        if np.isfinite(w):
            assert np.abs(colours[r, c] - (POSITIVE if w > 0 else NEGATIVE)).max() <= 12, (r, c)
    plot.set_hinton(False)
    plot.clear()
    assert plot.matrix.size == 0 and plot.image.image is None

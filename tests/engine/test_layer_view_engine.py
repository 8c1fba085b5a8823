"""The layer view (nnsim.engine.layer_view): the input plane's grid and the data mapped through a
hidden layer, checked against NumPy's own arithmetic: an identity layer leaves the grid as it
is, a linear layer A gives A·p + b, a tanh layer the direct forward pass, a wide layer its
principal directions (numpy.linalg.svd, sklearn's PCA) with signs that do not flip, and the
output's line is where the output's z = 0."""
import numpy as np
import pytest
from example_networks import two_two_one

from nnsim.engine.layer_view import (
    GRID_LINES,
    LINE_POINTS,
    LayerViewSpec,
    grid_lines,
    hidden_layers,
    layer_view,
)
from nnsim.engine.network import Network

EXTENT = (-1.5, 1.5, -1.0, 2.0)


def data(n=50, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.5, 1.5, (n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(float)


def test_an_identity_layer_leaves_the_grid_and_the_data_as_they_are():
    X, y = data()
    view = layer_view(two_two_one(np.eye(2)).compile(), LayerViewSpec(), EXTENT, X, y)
    assert view.projection == "units" and view.axes == ("h1", "h2") and view.exact
    assert view.grid.shape == (2 * GRID_LINES, LINE_POINTS, 2)
    np.testing.assert_allclose(view.grid, grid_lines(EXTENT), atol=1e-6)
    np.testing.assert_allclose(view.grid, view.plane, atol=1e-6)
    np.testing.assert_allclose(view.points, X, atol=1e-6)
    np.testing.assert_array_equal(view.labels, y)
    # the plane's corners and a vertical line, checked by value: x1 = -1.5 from y = -1 to 2
    np.testing.assert_allclose(view.grid[0, [0, -1]], [[-1.5, -1.0], [-1.5, 2.0]], atol=1e-6)
    np.testing.assert_allclose(view.grid[-1, [0, -1]], [[-1.5, 2.0], [1.5, 2.0]], atol=1e-6)


def test_a_linear_layer_maps_every_grid_point_to_a_p_plus_b():
    A = np.array([[2.0, -1.0], [0.5, 3.0]])
    b = np.array([0.3, -0.2])
    X, y = data()
    view = layer_view(two_two_one(A, b).compile(), LayerViewSpec(), EXTENT, X, y)
    plane = grid_lines(EXTENT)
    np.testing.assert_allclose(view.grid, plane @ A.T + b, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(view.points, X @ A.T + b, rtol=1e-5, atol=1e-5)
    # a few points by hand: the corner (-1.5, -1) goes to (2*-1.5 + 1 + 0.3, 0.5*-1.5 - 3 - 0.2)
    np.testing.assert_allclose(view.grid[0, 0], [-1.7, -3.95], atol=1e-5)
    # the middle of the horizontal line x2 = 0.5 (the 7th of 13 from y = -1): p = (0, 0.5)
    np.testing.assert_allclose(view.plane[GRID_LINES + 6, LINE_POINTS // 2], [0.0, 0.5], atol=1e-6)
    np.testing.assert_allclose(view.grid[GRID_LINES + 6, LINE_POINTS // 2], [-0.2, 1.3], atol=1e-5)
    # straight lines stay straight under a linear map: every point on its line's chord
    for line in view.grid.astype(float):
        d = line[-1] - line[0]
        cross = d[0] * (line[:, 1] - line[0, 1]) - d[1] * (line[:, 0] - line[0, 0])
        assert np.abs(cross).max() < 1e-3 * np.dot(d, d)


def numpy_forward(net: Network, x: np.ndarray) -> dict[str, np.ndarray]:
    """Every neuron's output by NumPy, neuron by neuron in order (a layered network)."""
    acts = {"tanh": np.tanh, "linear": lambda z: z, "relu": lambda z: np.maximum(z, 0.0),
            "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z))}
    out = {"x1": x[:, 0], "x2": x[:, 1]}
    for neuron in net.neurons:
        if neuron.role == "input":
            continue
        z = np.full(len(x), neuron.bias)
        for s in net.incoming(neuron.name):
            z = z + s.weight * out[net.neuron(s.source).name]
        out[neuron.name] = acts[neuron.activation](z)
    return out


def test_a_tanh_layer_is_the_direct_forward_pass():
    net = Network.layered([2, 3, 2, 1], ["tanh", "tanh", "sigmoid"], seed=4)
    X, y = data()
    compiled = net.compile()
    assert [[compiled.names[c] for c in cols] for cols in hidden_layers(compiled)] == \
        [["h1_1", "h1_2", "h1_3"], ["h2_1", "h2_2"]]
    view = layer_view(compiled, LayerViewSpec(layer=1), EXTENT, X, y)
    assert view.layer == 1 and view.axes == ("h2_1", "h2_2") and view.exact
    assert view.layers == ("layer 1: h1_1, h1_2, h1_3", "layer 2: h2_1, h2_2")
    plane = grid_lines(EXTENT).reshape(-1, 2)
    h = numpy_forward(net, plane)
    np.testing.assert_allclose(view.grid.reshape(-1, 2), np.column_stack([h["h2_1"], h["h2_2"]]),
                               atol=1e-5)
    hx = numpy_forward(net, X)
    np.testing.assert_allclose(view.points, np.column_stack([hx["h2_1"], hx["h2_2"]]), atol=1e-5)
    # tanh bends: grid lines are no longer straight (unlike the linear layer's)
    bends = []
    for line in view.grid.astype(float):
        d = line[-1] - line[0]
        cross = d[0] * (line[:, 1] - line[0, 1]) - d[1] * (line[:, 0] - line[0, 0])
        bends.append(np.abs(cross).max() / max(np.dot(d, d), 1e-12))
    assert max(bends) > 0.02


def test_two_chosen_units_of_a_wide_layer():
    net = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=2)
    X, y = data()
    view = layer_view(net.compile(), LayerViewSpec(0, ("h1_4", "h1_2")), EXTENT, X, y)
    assert view.projection == "units" and view.axes == ("h1_4", "h1_2") and not view.exact
    h = numpy_forward(net, grid_lines(EXTENT).reshape(-1, 2))
    np.testing.assert_allclose(view.grid.reshape(-1, 2), np.column_stack([h["h1_4"], h["h1_2"]]),
                               atol=1e-5)
    # a unit that is not in the layer: the principal directions instead
    assert layer_view(net.compile(), LayerViewSpec(0, ("h1_4", "nope")), EXTENT, X, y).projection \
        == "pca"


def wide_hidden(net: Network, X: np.ndarray) -> np.ndarray:
    """The rows the projection is made of: the grid's points, then the data's."""
    inputs = np.concatenate([grid_lines(EXTENT).reshape(-1, 2), X])
    h = numpy_forward(net, inputs)
    return np.column_stack([h[f"h1_{k}"] for k in range(1, 5)])


def test_a_wide_layer_is_drawn_on_its_principal_directions():
    net = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=2)
    X, y = data()
    view = layer_view(net.compile(), LayerViewSpec(), EXTENT, X, y)
    assert view.projection == "pca" and view.axes == ("PC 1", "PC 2") and not view.exact
    h = wide_hidden(net, X)
    centred = h - h.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    expected = centred @ vt[:2].T
    got = np.concatenate([view.grid.reshape(-1, 2), view.points]).astype(float)
    for k in range(2):  # up to sign
        sign = np.sign(np.dot(got[:, k], expected[:, k]))
        np.testing.assert_allclose(got[:, k], sign * expected[:, k], atol=1e-4)
    assert np.var(got[:, 0]) >= np.var(got[:, 1])  # PC 1 spreads most
    try:
        from sklearn.decomposition import PCA
    except ImportError:
        return
    ref = PCA(n_components=2).fit_transform(h)
    for k in range(2):
        sign = np.sign(np.dot(got[:, k], ref[:, k]))
        np.testing.assert_allclose(got[:, k], sign * ref[:, k], atol=1e-4)


def test_principal_directions_keep_their_signs(monkeypatch):
    """Whichever signs the SVD returns, and after a small change of the weights, the picture
    does not flip: each direction's largest entry is positive."""
    net = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=2)
    X, y = data()
    before = layer_view(net.compile(), LayerViewSpec(), EXTENT, X, y)
    nudged = net.copy()
    for s in nudged.synapses:
        nudged.set_weight(s.source, s.target, s.weight * 1.01 + 1e-3)
    after = layer_view(nudged.compile(), LayerViewSpec(), EXTENT, X, y)
    np.testing.assert_allclose(after.grid, before.grid, atol=0.1)
    svd = np.linalg.svd

    def flipped(a, full_matrices=True):  # the same decomposition, every sign the other way
        u, s, vt = svd(a, full_matrices=full_matrices)
        return -u, s, -vt

    monkeypatch.setattr(np.linalg, "svd", flipped)
    again = layer_view(net.compile(), LayerViewSpec(), EXTENT, X, y)
    np.testing.assert_allclose(again.grid, before.grid, atol=1e-5)
    np.testing.assert_allclose(again.points, before.points, atol=1e-5)


def zero_crossings(net: Network, n: int = 40) -> np.ndarray:
    """Points of the input plane where the output's z = 0 (sigmoid 0.5), by bisection along
    horizontal lines."""
    compiled = net.compile()
    y_out = compiled.names.index("y")

    def z(p):
        return compiled.forward_full(np.atleast_2d(p))[1][:, y_out]

    found = []
    for x2 in np.linspace(EXTENT[2], EXTENT[3], n):
        xs = np.linspace(EXTENT[0], EXTENT[1], 200)
        zs = z(np.column_stack([xs, np.full_like(xs, x2)]))
        for k in np.flatnonzero(np.sign(zs[:-1]) != np.sign(zs[1:])):
            lo, hi = xs[k], xs[k + 1]
            for _ in range(50):
                mid = 0.5 * (lo + hi)
                if np.sign(z([mid, x2])[0]) == np.sign(zs[k]):
                    lo = mid
                else:
                    hi = mid
            found.append((0.5 * (lo + hi), x2))
    return np.array(found)


def test_the_output_line_of_a_two_unit_layer_is_exact():
    net = two_two_one(np.array([[1.5, -2.0], [1.0, 1.2]]), (0.2, -0.4), activation="tanh",
                      out=(2.0, -1.5, 0.3))
    view = layer_view(net.compile(), LayerViewSpec(), EXTENT)
    assert view.exact and view.line is not None
    a, b, c = view.line
    assert (a, b, c) == pytest.approx((2.0, -1.5, 0.3))
    crossings = zero_crossings(net)
    assert len(crossings) >= 10
    h = numpy_forward(net, crossings)
    on_line = a * h["h1"] + b * h["h2"] + c
    assert np.abs(on_line).max() < 1e-6
    # and points off the boundary are off the line, on the side of their output
    X, _ = data(200)
    out = numpy_forward(net, X)
    side = a * out["h1"] + b * out["h2"] + c
    np.testing.assert_array_equal(side > 0, out["y"] > 0.5)


def test_the_output_line_of_a_projection_is_marked_approximate():
    net = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=2)
    view = layer_view(net.compile(), LayerViewSpec(), EXTENT)
    assert view.line is not None and not view.exact
    # a second output (not fed by the layer alone) or a softmax has no line
    two_out = Network.layered([2, 2, 2], ["tanh", "sigmoid"], seed=0)
    assert layer_view(two_out.compile(), LayerViewSpec(), EXTENT).line is None


def test_one_hot_targets_label_the_points_by_class():
    net = Network.layered([2, 2, 3], ["tanh", "softmax"], seed=0)
    X, _ = data(6)
    one_hot = np.eye(3)[[0, 1, 2, 2, 1, 0]]
    view = layer_view(net.compile(), LayerViewSpec(), EXTENT, X, one_hot)
    np.testing.assert_array_equal(view.labels, [0, 1, 2, 2, 1, 0])


def test_no_view_without_two_inputs_and_a_hidden_layer():
    three = Network.layered([3, 2, 1], ["tanh", "sigmoid"], seed=0)
    assert layer_view(three.compile(), LayerViewSpec(), EXTENT) is None
    direct = Network.layered([2, 1], ["sigmoid"], seed=0)
    assert layer_view(direct.compile(), LayerViewSpec(), EXTENT) is None


def test_large_values_stay_finite_in_float32():
    net = two_two_one(np.array([[1e200, 0.0], [0.0, 1.0]]))
    view = layer_view(net.compile(), LayerViewSpec(), EXTENT)
    assert np.all(np.isfinite(view.grid))

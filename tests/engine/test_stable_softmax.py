"""Softmax and the cross-entropies are finite, warning-free and right for any finite weights,
even where the net inputs overflow (weights of ±1e308).

The reference is the plain textbook formula in extended precision (np.longdouble reaches
1e4932 on x86-64), which does not overflow on these inputs: an independent check."""
import warnings

import numpy as np
import pytest

from nnsim.engine import units
from nnsim.engine.compiled import CompiledNetwork
from nnsim.engine.network import Network
from nnsim.engine.rules import gradients, losses

wide = pytest.mark.skipif(np.finfo(np.longdouble).maxexp <= 1024, reason="no extended precision here")


def reference_softmax(z):
    z = np.asarray(z, dtype=np.longdouble)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(float)


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning fails the test
        yield


@wide
@pytest.mark.parametrize("z", [[1e308, -1e308], [-1e308, 1e308, 0.0], [1e308, 1e308 * 0.999],
                               [-1e308, -1e308 * 0.5], [709.0, 710.0, -745.0], [1.0, 2.0, 3.0]])
def test_softmax_matches_extended_precision_for_huge_net_inputs(z):
    got = units.softmax(np.array(z))
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, reference_softmax(z), rtol=1e-12, atol=1e-300)
    assert got.sum() == pytest.approx(1.0)


def test_softmax_of_overflowed_sums_takes_the_limit():
    # z of +inf (a sum that overflowed) takes all the share; two of them split it
    assert units.softmax(np.array([np.inf, 3.0, -np.inf])).tolist() == [1.0, 0.0, 0.0]
    assert units.softmax(np.array([np.inf, np.inf, 0.0])).tolist() == [0.5, 0.5, 0.0]
    assert units.softmax(np.array([-np.inf, -np.inf])).tolist() == [0.5, 0.5]


@wide
def test_categorical_crossentropy_by_log_sum_exp_matches_extended_precision():
    z = np.array([[1e308, -1e308], [3.0, 1.0], [-1e308, 1e308 * 0.5]])
    d = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    zl = z.astype(np.longdouble)
    lse = zl.max(axis=1) + np.log(np.exp(zl - zl.max(axis=1, keepdims=True)).sum(axis=1))
    want = float(np.mean(lse - (d * zl).sum(axis=1)))  # row 1 alone costs 2e308: over float64's max
    assert want == pytest.approx(2 * (1e308 / 3) + np.log1p(np.exp(-2.0)) / 3)
    got = losses.value("categorical_crossentropy", z, units.softmax(z, axis=1), d)
    assert got == pytest.approx(want, rel=1e-12)


def test_binary_crossentropy_is_zero_for_an_infinitely_sure_right_answer_and_finite_otherwise():
    z = np.array([[np.inf], [-np.inf], [1e308], [0.0]])
    d = np.array([[1.0], [0.0], [1.0], [1.0]])
    got = losses.value("binary_crossentropy", z, np.array([[1.0], [0.0], [1.0], [0.5]]), d)
    assert got == pytest.approx(np.log(2.0) / 4, rel=1e-12)  # only the last row costs: ln 2
    wrong = losses.value("binary_crossentropy", np.array([[-1e300]]), np.array([[0.0]]),
                         np.array([[1.0]]))
    assert wrong == pytest.approx(1e300)  # -log s(-1e300) = 1e300, not inf or NaN


def huge_softmax_net():
    """x1, x2 -> two softmax outputs through weights of ±1e308: sums of +inf and -inf products."""
    net = Network()
    x1, x2 = net.add_neuron("x1", role="input"), net.add_neuron("x2", role="input")
    o1 = net.add_neuron("o1", role="output", activation="softmax")
    o2 = net.add_neuron("o2", role="output", activation="softmax")
    for src, sign in ((x1, 1.0), (x2, -1.0)):
        net.connect(src, o1, sign * 1e308)
        net.connect(src, o2, -sign * 1e308)
    return net


def test_a_softmax_network_with_weights_of_1e308_gives_shares_a_loss_and_a_gradient():
    X = np.array([[2.0, -2.0], [2.0, 2.0], [-3.0, 0.5]])
    D = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    net = huge_softmax_net()
    y = CompiledNetwork(net).forward(X)
    # row 1: z = (+4e308, -4e308) overflows to (+inf, -inf); row 2: both sums are exactly 0
    np.testing.assert_array_equal(y, [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    loss, grads = gradients.gradient(net, X, D, loss="categorical_crossentropy")
    assert loss == pytest.approx(np.log(2.0) / 3)  # only the undecided middle row costs ln 2
    (gW, gb), = grads
    assert np.all(np.isfinite(gW)) and np.all(np.isfinite(gb))
    # dL/dW = X^T (Y - D) / n, checked by hand
    np.testing.assert_allclose(gW, X.T @ (y - D) / 3)

"""Activation functions: values, derivatives against finite differences, numerical stability."""
import warnings

import numpy as np
import pytest

from nnsim.engine import units

SMOOTH = ["linear", "sigmoid", "tanh", "relu"]


@pytest.mark.parametrize("name", SMOOTH)
def test_derivative_matches_central_difference(name):
    unit = units.UNITS[name]
    z = np.linspace(-4, 4, 81)
    z = z[np.abs(z) > 1e-3]  # relu's kink at 0
    h = 1e-6
    numeric = (unit.function(z + h) - unit.function(z - h)) / (2 * h)
    np.testing.assert_allclose(unit.derivative(z), numeric, atol=1e-7)


def test_gaussian_derivative_matches_central_difference():
    d2 = np.linspace(0.1, 5, 50)
    h = 1e-6
    numeric = (units.gaussian(d2 + h, 2.0) - units.gaussian(d2 - h, 2.0)) / (2 * h)
    np.testing.assert_allclose(units.gaussian_derivative(d2, 2.0), numeric, rtol=1e-6)


def test_step_fires_only_above_zero_so_bias_is_minus_threshold():
    np.testing.assert_array_equal(units.step(np.array([-1.0, 0.0, 1e-9, 2.0])), [0, 0, 1, 1])
    np.testing.assert_array_equal(units.sign(np.array([-3.0, 0.0, 0.5])), [-1, 1, 1])


def test_sigmoid_is_stable_for_huge_inputs():
    z = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = units.sigmoid(z)
        d = units.sigmoid_derivative(z)
    assert y[0] == 0.0 and y[-1] == 1.0 and y[3] == 0.5
    assert np.all(np.isfinite(d))
    assert units.sigmoid(np.array([-6.0]))[0] == pytest.approx(0.0024726231566347743)


def test_softmax_rows_sum_to_one_even_for_large_logits():
    z = np.array([[1000.0, 1000.0, -1000.0], [0.0, 1.0, 2.0]])
    p = units.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[0], [0.5, 0.5, 0.0])


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*sigmoid"):
        units.get_unit("swish")

"""The one way the window writes a number (nnsim.app.numbers.format_value)."""
from __future__ import annotations

import pytest

from nnsim.app.numbers import format_value


@pytest.mark.parametrize("x, text", [
    (0.0024726231566347743, "0.00247"),  # the lecture's perceptron: sigmoid(-6 + 0)
    (3.0, "3"), (-2.0, "-2"), (0.5, "0.5"), (12.3, "12.3"), (1230.0, "1230"), (1234.5, "1230"),
    (1.0, "1"), (0.999999, "1"), (-0.0, "0"), (0.0, "0"), (6.4e-16, "0"), (-6.4e-16, "0"),
    (9.9e-7, "0"), (1e-6, "0.000001"), (2.5e-3, "0.0025"), (-0.12345, "-0.123"),
    (0.1, "0.1"), (0.30000000000000004, "0.3"), (2.675, "2.67"), (99.96, "100"),
    (99999.0, "1e+05"), (12345.0, "12300"), (1.23e6, "1.23e+06"), (-4.56e7, "-4.56e+07"),
    (1e6, "1e+06"), (7.0, "7"), (-0.5, "-0.5"), (100.0, "100"), (0.05, "0.05"),
    (float("nan"), "NaN"), (float("inf"), "\u221e"), (float("-inf"), "-\u221e"),
])
def test_format_value(x, text):
    assert format_value(x) == text


def test_numpy_scalars_and_ints():
    import numpy as np

    assert format_value(np.float32(0.5)) == "0.5"
    assert format_value(np.float64(-2.0)) == "-2"
    assert format_value(3) == "3"


def test_never_scientific_in_the_readable_range():
    import numpy as np

    for x in np.geomspace(1e-6, 9.9e4, 400):
        for v in (x, -x):
            text = format_value(v)
            assert "e" not in text, (v, text)
            assert abs(float(text) - v) <= 0.005 * abs(v) + 1e-12, (v, text)

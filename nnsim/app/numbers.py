"""How every number the window shows a student is written: `format_value`.

Three significant digits, written out in full where a student reads them best (0.00247, 12.3,
1230, -2); a magnitude below 1e-6 is 0 (a weight of 6.4e-16 is a zero that floating point
left over); only a magnitude of 1e5 or more, which no lesson needs to read exactly, switches to
e-notation (1.23e+06).
"""
from __future__ import annotations

import math

ZERO_BELOW = 1e-6  # magnitudes below this show as 0
BIG = 1e5  # magnitudes from this on show in e-notation


def format_value(x: float) -> str:
    """`x` to 3 significant digits: "0.00247", "3", "-2", "0.5", "12.3", "1230", "0",
    "1.23e+06"; "NaN", "∞" and "-∞" for what is not a finite number."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "\u221e" if x > 0 else "-\u221e"
    if abs(x) < ZERO_BELOW:
        return "0"
    r = float(f"{x:.3g}")  # rounded to 3 significant digits (99999 becomes 1e5)
    if abs(r) >= BIG:
        mantissa, exponent = f"{r:.2e}".split("e")
        return f"{_trim(mantissa)}e{exponent}"
    decimals = max(0, 2 - math.floor(math.log10(abs(r))))
    return _trim(f"{r:.{decimals}f}")


def _trim(text: str) -> str:
    """Without trailing zeros after a decimal point (and without a bare point)."""
    return text.rstrip("0").rstrip(".") if "." in text else text

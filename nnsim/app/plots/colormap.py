"""The app's shared blue-white-orange scale for the plots (nnsim.app.colors builds it: ordered
in lightness for normal vision and the three dichromacies); a plain fallback only where that
module is absent, so the plots never depend on a file another part of the app may not ship."""
from __future__ import annotations

import numpy as np

try:
    from nnsim.app.colors import LUT, NEGATIVE, POSITIVE, ZERO
except ImportError:  # pragma: no cover
    NEGATIVE = (21, 101, 192)
    ZERO = (247, 247, 247)
    POSITIVE = (230, 116, 20)

    def _diverging_lut(levels: int = 256) -> np.ndarray:
        s = np.linspace(-1.0, 1.0, levels)
        t = (np.abs(s) ** 0.8)[:, None]
        end = np.where((s < 0)[:, None], np.array(NEGATIVE, float), np.array(POSITIVE, float))
        return np.round(np.array(ZERO, float) * (1 - t) + end * t).astype(np.uint8)

    LUT = _diverging_lut()

__all__ = ["LUT", "NEGATIVE", "POSITIVE", "ZERO"]

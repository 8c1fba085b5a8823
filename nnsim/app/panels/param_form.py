"""A form generated from parameter declarations: one control per parameter, no per-rule code.

Works for anything shaped like a declaration (`name`, `type`, `default`, `help`, `minimum`,
`maximum`, `choices`, optionally `log_scale`): rule parameters and dataset generator parameters.
float -> slider + spin box (log slider where declared), int -> spin box, bool -> check box,
str -> combo of the choices.  Ranges are enforced by the controls and shown beside them; the help
text is the tooltip.  Spin boxes commit on Enter (or arrows / focus loss), not on every keystroke.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QWidget,
)

INT_LIMIT = 2**31 - 1  # QSpinBox holds a C int
FLOAT_LIMIT = 1e12
SLIDER_STEPS = 1000
SPIN_WIDTH = 92  # every number box of a form the same width, so they line up


def pretty_name(name: str) -> str:
    """learning_rate -> Learning rate."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def label_for(p: Any) -> str:
    """The row label: the name, or for a one-letter name (n, k, p) its help up to any remark,
    since 'Number of points' says more than 'N'."""
    if len(p.name) == 1 and p.help:
        head = p.help.split(" (")[0].strip()
        if len(head) <= 28:
            return head[:1].upper() + head[1:]
    return pretty_name(p.name)


def check_value(p: Any, value: Any) -> Any:
    """The value if it fits the declaration (type, choices, range), else ValueError naming the
    parameter: a lesson's out-of-range value must not be clamped silently by a spin box."""
    if hasattr(p, "validate"):
        return p.validate(value)
    what = f"parameter {p.name!r}"
    if p.type is bool or p.type is str:
        if not isinstance(value, p.type) or (p.choices and value not in p.choices):
            raise ValueError(f"{what} cannot be {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or (p.type is int and value != int(value)):
        raise ValueError(f"{what} must be {'a whole number' if p.type is int else 'a number'}, "
                         f"not {value!r}")
    if (p.minimum is not None and value < p.minimum) or (p.maximum is not None and value > p.maximum):
        raise ValueError(f"{what} must be in {range_text(p)}, not {value}")
    return p.type(value)


def format_number(value: float) -> str:
    """Short, exponent-free text for a number: 0.01, 2.5, 1000, 0.00000001."""
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    # Six significant digits, written out positionally (a spin box cannot parse '1e-08').
    return np.format_float_positional(float(f"{value:.6g}"), unique=True, trim="-")


def compact_number(value: float) -> str:
    """Range ends in little space: 100000 -> 100k, 2147483647 -> 2.15G."""
    for size, scale, suffix in ((1e9, 1e9, "G"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(value) >= size:
            return f"{value / scale:.3g}{suffix}"
    if 0 < abs(value) < 1e-3:
        return f"{value:.3g}"  # 1e-12 reads better than 0.000000000001
    return format_number(value)


def range_text(p: Any) -> str:
    lo, hi = p.minimum, p.maximum
    if lo is None and hi is None:
        return ""
    if hi is None:
        return f"≥ {compact_number(lo)}"
    if lo is None:
        return f"≤ {compact_number(hi)}"
    return f"{compact_number(lo)} … {compact_number(hi)}"


class FloatSpin(QDoubleSpinBox):
    """A double spin box that shows 0.01 rather than 0.01000000."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLocale(QLocale.c())  # '.' decimal point whatever the desktop locale
        self.setDecimals(12)  # room for an epsilon of 1e-8; the text stays short

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt override)
        return format_number(value)


class FloatField(QWidget):
    """Slider and spin box kept in step; the spin box is the value, the slider a quick handle."""

    valueChanged = Signal(float)  # noqa: N815 (Qt naming, like the controls it wraps)

    def __init__(self, p: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = FloatSpin(self)
        lo = -FLOAT_LIMIT if p.minimum is None else float(p.minimum)
        hi = FLOAT_LIMIT if p.maximum is None else float(p.maximum)
        self.spin.setRange(lo, hi)
        self.spin.setKeyboardTracking(False)
        self.log = bool(getattr(p, "log_scale", False))
        if self.log:
            self.spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        else:
            span = hi - lo if p.minimum is not None and p.maximum is not None else abs(p.default) or 1
            self.spin.setSingleStep(10 ** math.floor(math.log10(span / 50)) if span > 0 else 0.1)
        self.spin.setFixedWidth(SPIN_WIDTH)  # equal widths keep the sliders of a form aligned
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.slider: QSlider | None = None
        if p.minimum is not None and p.maximum is not None and hi > lo:
            # A log slider cannot reach 0: its left end is four decades below the maximum.
            self._lo = lo
            if self.log and lo <= 0 < hi:
                # Reach at least a decade below the default, and four below the maximum.
                floor = min(hi * 1e-4, p.default / 10) if p.default > 0 else hi * 1e-4
                self._lo = max(lo, floor)
            self._hi = hi
            self.log = self.log and self._lo > 0
            self.slider = QSlider(Qt.Orientation.Horizontal, self)
            self.slider.setRange(0, SLIDER_STEPS)
            self.slider.setMinimumWidth(56)  # still a usable handle in a narrow dock
            self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keyboard users have the spin box
            self.slider.valueChanged.connect(self._slider_moved)
            row.addWidget(self.slider, 1)
        row.addWidget(self.spin)
        self.spin.valueChanged.connect(self._spin_changed)
        self.setFocusProxy(self.spin)

    def value(self) -> float:
        return float(self.spin.value())

    def setValue(self, value: float) -> None:  # noqa: N802
        self.spin.setValue(float(value))  # the spin box clamps to the range

    def _to_slider(self, v: float) -> int:
        lo, hi = self._lo, self._hi
        if self.log:
            t = (math.log(max(v, lo)) - math.log(lo)) / (math.log(hi) - math.log(lo))
        else:
            t = (v - lo) / (hi - lo)
        return round(min(max(t, 0.0), 1.0) * SLIDER_STEPS)

    def _from_slider(self, k: int) -> float:
        t = k / SLIDER_STEPS
        if self.log:
            v = math.exp(math.log(self._lo) + t * (math.log(self._hi) - math.log(self._lo)))
            return float(f"{v:.3g}")  # round numbers while dragging: 0.0123, not 0.012345678
        return self._lo + t * (self._hi - self._lo)

    def _slider_moved(self, k: int) -> None:
        self.spin.setValue(self._from_slider(k))

    def _spin_changed(self, v: float) -> None:
        self._sync_slider(v)
        self.valueChanged.emit(float(v))

    def _sync_slider(self, v: float) -> None:
        if self.slider is not None:
            self.slider.blockSignals(True)
            self.slider.setValue(self._to_slider(v))
            self.slider.blockSignals(False)

    def set_silently(self, v: float) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(float(v))
        self.spin.blockSignals(False)
        self._sync_slider(self.value())


def make_control(p: Any) -> QWidget:
    """The control for one declared parameter, showing its default."""
    if p.type is bool:
        w: QWidget = QCheckBox()
        w.setChecked(bool(p.default))
    elif p.type is str and p.choices:
        w = QComboBox()
        for c in p.choices:
            # Short lower-case codes read as acronyms (mse, xor); longer ones as words.
            w.addItem(c.upper() if c.islower() and len(c) <= 3 else pretty_name(c), c)
        w.setCurrentIndex(list(p.choices).index(p.default))
        # Do not let the longest choice set the dock's minimum width.
        w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        w.setMinimumContentsLength(8)
    elif p.type is str:
        w = QLineEdit(str(p.default))
    elif p.type is int:
        w = QSpinBox()
        w.setRange(-INT_LIMIT if p.minimum is None else max(int(p.minimum), -INT_LIMIT),
                   INT_LIMIT if p.maximum is None else min(int(p.maximum), INT_LIMIT))
        w.setKeyboardTracking(False)
        w.setValue(int(p.default))
    else:
        w = FloatField(p)
        w.setValue(float(p.default))
    w.setObjectName(p.name)
    return w


def read_control(w: QWidget) -> Any:
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QComboBox):
        return w.currentData()
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, QSpinBox):
        return int(w.value())
    return w.value()


def write_control(w: QWidget, value: Any) -> None:
    """Set a control's value without emitting its change signal."""
    if isinstance(w, FloatField):
        w.set_silently(value)
        return
    w.blockSignals(True)
    try:
        if isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(w.findData(value))
        elif isinstance(w, QLineEdit):
            w.setText(str(value))
        else:
            w.setValue(value)
    finally:
        w.blockSignals(False)


def change_signal(w: QWidget):
    if isinstance(w, QCheckBox):
        return w.toggled
    if isinstance(w, QComboBox):
        return w.currentIndexChanged
    if isinstance(w, QLineEdit):
        return w.editingFinished
    return w.valueChanged


class ParamForm(QWidget):
    """A grid of label | control | range, one row per declaration, so controls line up."""

    changed = Signal(str, object)  # (parameter name, new value), on user edits only

    def __init__(self, params: tuple, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.params = tuple(params)
        self.controls: dict[str, QWidget] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setColumnStretch(1, 1)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, p in enumerate(self.params):
            control = make_control(p)
            tip = p.help or pretty_name(p.name)
            if range_text(p):
                log = ", log scale" if getattr(p, "log_scale", False) else ""
                tip += f"\nRange: {range_text(p)}{log}"
            control.setToolTip(tip)
            label = QLabel(label_for(p) + ":")
            label.setToolTip(tip)
            label.setBuddy(control)
            grid.addWidget(label, row, 0, right)
            if isinstance(control, QSpinBox):
                # Number boxes line up in one column, right; floats have their slider to the left.
                control.setFixedWidth(SPIN_WIDTH)
                grid.addWidget(control, row, 1, Qt.AlignmentFlag.AlignRight)
            else:
                grid.addWidget(control, row, 1)
            if range_text(p) and p.type in (int, float):
                hint = QLabel(range_text(p))
                hint.setObjectName(f"range_{p.name}")
                hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # quiet grey
                hint.setToolTip(tip)
                grid.addWidget(hint, row, 2)
            self.controls[p.name] = control
            change_signal(control).connect(lambda *_, name=p.name: self._on_change(name))

    def _on_change(self, name: str) -> None:
        self.changed.emit(name, read_control(self.controls[name]))

    def values(self) -> dict[str, Any]:
        return {name: read_control(w) for name, w in self.controls.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        """Show these values without emitting `changed`; an unknown name or a value outside the
        declaration raises ValueError and changes nothing."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"no parameter {sorted(unknown)[0]!r}; the parameters are "
                             f"{', '.join(self.controls) or 'none'}")
        declared = {p.name: p for p in self.params}
        checked = {name: check_value(declared[name], value) for name, value in values.items()}
        for name, value in checked.items():
            write_control(self.controls[name], value)

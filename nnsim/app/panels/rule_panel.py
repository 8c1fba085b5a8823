"""The panel of one learning rule, generated entirely from the rule's declarations.

Title, the update formula in large type, a form of the declared parameters, the data it trains
on, stop conditions and Train / Step / Reset.  Parameter edits are throttled (see throttle.py) so
dragging a slider during a run changes the rule at once without flooding the worker.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from nnsim.engine.datasets import Dataset
from nnsim.engine.rules import Applicability, Rule
from nnsim.engine.setup import DEFAULT_STOP

from ..icons import media_icon
from ..live_label import LiveLabel
from .param_form import FloatSpin, ParamForm
from .readiness import Fix, Problem, applicability, readiness, sentence
from .summary import describe, pretty_formula
from .throttle import Throttler

WARNING_STYLE = ("QLabel#reason { background: #fff4e5; color: #7a4100; border: 1px solid #f0b36b;"
                 " border-radius: 4px; padding: 6px; }")
FORMULA_STYLE = ("QLabel#formula { background: palette(base); border: 1px solid palette(mid);"
                 " border-radius: 4px; padding: 8px 10px; }")


class StopConditions(QGroupBox):
    """Epoch limit, optional target loss, stop when converged."""

    changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Stop when", parent)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 10_000_000)
        self.epochs.setGroupSeparatorShown(True)
        self.epochs.setSuffix(" epochs")
        self.epochs.setKeyboardTracking(False)
        self.epochs.setToolTip("Pause the run after this many epochs (passes over the data)")
        self.use_loss = QCheckBox("Loss below")
        self.use_loss.setToolTip("Pause when the training loss falls below this value")
        self.loss = FloatSpin()
        self.loss.setRange(0.0, 1e6)
        self.loss.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.loss.setKeyboardTracking(False)
        self.loss.setValue(0.01)
        self.loss.setToolTip(self.use_loss.toolTip())
        self.converged = QCheckBox("Converged")
        self.converged.setToolTip("Pause when the rule reports convergence (e.g. a perceptron "
                                  "epoch without mistakes, a Hopfield state that no longer "
                                  "changes)")
        loss_row = QHBoxLayout()
        loss_row.addWidget(self.use_loss)
        loss_row.addWidget(self.loss, 1)
        form = QFormLayout(self)
        form.addRow("Epoch limit:", self.epochs)
        form.addRow(loss_row)
        form.addRow(self.converged)
        self.set_values(DEFAULT_STOP)
        for sig in (self.epochs.valueChanged, self.use_loss.toggled, self.loss.valueChanged,
                    self.converged.toggled):
            sig.connect(self._emit)

    def values(self) -> dict[str, Any]:
        return {"epochs": int(self.epochs.value()),
                "target_loss": float(self.loss.value()) if self.use_loss.isChecked() else None,
                "until_converged": self.converged.isChecked()}

    def set_values(self, values: dict[str, Any]) -> None:
        unknown = set(values) - set(DEFAULT_STOP)
        if unknown:
            raise ValueError(f"no stop condition {sorted(unknown)[0]!r}; they are "
                             f"{', '.join(DEFAULT_STOP)}")
        widgets = (self.epochs, self.use_loss, self.loss, self.converged)
        for w in widgets:
            w.blockSignals(True)
        try:
            if "epochs" in values:
                self.epochs.setValue(int(values["epochs"]))
            if "target_loss" in values:
                target = values["target_loss"]
                self.use_loss.setChecked(target is not None)
                if target is not None:
                    self.loss.setValue(float(target))
            if "until_converged" in values:
                self.converged.setChecked(bool(values["until_converged"]))
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.loss.setEnabled(self.use_loss.isChecked())

    def _emit(self, *_: Any) -> None:
        self.loss.setEnabled(self.use_loss.isChecked())
        self.changed.emit(self.values())


class RulePanel(QWidget):
    """Controls for one rule class, with no code specific to that rule."""

    params_changed = Signal(dict)  # every parameter's current value; throttled
    train_toggled = Signal(bool)
    step_requested = Signal()
    reset_requested = Signal()
    stop_conditions_changed = Signal(dict)
    fix_requested = Signal(object)  # a readiness.Fix

    def __init__(self, rule_class: type[Rule], parent: QWidget | None = None,
                 throttle_ms: int | None = None) -> None:
        super().__init__(parent)
        self.rule_class = rule_class
        self._applies = Applicability(True)
        self._net: Any = None
        self.problem: Problem | None = None
        self._trial = ""  # why a trial trainer could not be made from the data (set_trial_problem)
        self._running = False
        self._outputs = 0  # the network's outputs, once known
        self._dataset: Dataset | None = None
        self._throttle = Throttler(self._emit_params, parent=self) if throttle_ms is None \
            else Throttler(self._emit_params, throttle_ms, self)
        self.setStyleSheet(WARNING_STYLE + FORMULA_STYLE)

        self.title = QLabel(rule_class.title or rule_class.__name__)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.kind = QLabel("supervised" if rule_class.supervised else "unsupervised")
        self.kind.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.kind.setToolTip("Supervised rules learn from targets; unsupervised ones from the "
                             "inputs alone")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignBottom)

        self.formula = QLabel(pretty_formula(rule_class.formula) or "—")
        self.formula.setObjectName("formula")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), font.pointSizeF() / 1.35) * 1.25)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.formula.setFont(mono)
        self.formula.setWordWrap(True)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula.setToolTip(f"Update rule: {rule_class.formula}")

        # What keeps the rule from running (not applicable, no data, ...), and its fix.
        self.reason = QLabel()
        self.reason.setObjectName("reason")
        self.reason.setWordWrap(True)
        self.reason.hide()
        self.fix_button = QPushButton()
        self.fix_button.setObjectName("fix")
        self.fix_button.setAccessibleName("Fix")  # its text names the fix once there is one
        self.fix_button.hide()
        self.fix_button.clicked.connect(self._on_fix)
        problem_row = QHBoxLayout()
        problem_row.setSpacing(6)
        problem_row.addWidget(self.reason, 1)
        problem_row.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignVCenter)

        self.form = ParamForm(rule_class.parameters)
        self.form.changed.connect(lambda *_: self._throttle.trigger())
        params_box = QGroupBox("Parameters")
        params_layout = QVBoxLayout(params_box)
        params_layout.addWidget(self.form if rule_class.parameters
                                else QLabel("This rule has no parameters."))

        self.data_label = QLabel()
        self.data_label.setWordWrap(True)
        data_box = QGroupBox("Data")
        QVBoxLayout(data_box).addWidget(self.data_label)

        self.stop = StopConditions()
        self.stop.changed.connect(self.stop_conditions_changed)

        style = self.style()
        self.train_button = QPushButton(media_icon(style, QStyle.StandardPixmap.SP_MediaPlay),
                                        "Train")
        self.train_button.setCheckable(True)
        self.train_button.setDefault(True)
        self._train_tip = "Start or pause training"
        self.train_button.setToolTip(self._train_tip)
        self.train_button.toggled.connect(self._on_train_toggled)
        self.step_button = QPushButton(
            media_icon(style, QStyle.StandardPixmap.SP_MediaSeekForward), "Step")
        self._step_tip = "One update (one sample, or one sweep for batch rules)"
        self.step_button.setToolTip(self._step_tip)
        self.step_button.clicked.connect(self.step_requested)
        self.reset_button = QPushButton(
            media_icon(style, QStyle.StandardPixmap.SP_BrowserReload), "Reset")
        self.reset_button.setToolTip("Forget the training run and start again from the "
                                     "network's weights")
        self.reset_button.clicked.connect(self.reset_requested)
        self._paint_icons()  # a window opened in a dark theme: the ink of these buttons
        buttons = QHBoxLayout()
        for b in (self.train_button, self.step_button, self.reset_button):
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            buttons.addWidget(b)

        self.progress = LiveLabel("Not started", min_chars=20)  # changes every epoch
        self.progress.setObjectName("progress")
        self.progress.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        # Everything below the reason is disabled together when the rule does not apply.
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(10)
        for w in (params_box, data_box, self.stop):
            body.addWidget(w)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.formula)
        layout.addLayout(problem_row)
        # Train, Step, Reset and the progress right under the formula: on screen beside the
        # decision map without scrolling, whatever the parameters below need
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(line)
        layout.addWidget(self.body)
        layout.addStretch(1)
        # Tab goes top to bottom as the panel reads: the buttons, then the parameters below
        below, w = [], self.body.nextInFocusChain()
        while w is not self.body and self.body.isAncestorOf(w) and len(below) < 500:
            below.append(w)
            w = w.nextInFocusChain()
        chain = [self.train_button, self.step_button, self.reset_button, *below]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self.set_dataset(None)

    # ------------------------------------------------------------------ parameters
    def params(self) -> dict[str, Any]:
        return self.form.values()

    def rule(self) -> Rule:
        """A new rule instance configured with the values shown."""
        return self.rule_class(**self.form.values())

    def set_params(self, params: dict[str, Any]) -> None:
        """Show these values (e.g. from a lesson file) without emitting params_changed.
        Values are validated by the rule's declarations; a bad one raises ValueError."""
        checked = self.rule_class(**{**self.form.values(), **params}).params
        self._throttle.cancel()  # a pending drag value is superseded
        self.form.set_values({k: checked[k] for k in params})

    def flush(self) -> None:
        """Deliver a throttled change now."""
        self._throttle.flush()

    def _emit_params(self) -> None:
        self.params_changed.emit(self.form.values())

    # ------------------------------------------------------------------ stop conditions
    def stop_conditions(self) -> dict[str, Any]:
        return self.stop.values()

    def set_stop_conditions(self, values: dict[str, Any]) -> None:
        self.stop.set_values(values)

    # ------------------------------------------------------------------ running
    def _on_train_toggled(self, on: bool) -> None:
        if on:
            self._throttle.flush()  # the run starts with the values the user sees
        self._show_running(on)
        self.train_toggled.emit(on)

    def theme_changed(self) -> None:
        self._paint_icons()

    def _paint_icons(self) -> None:
        """The buttons' icons in the theme's ink, each in its own button's text colour
        (nnsim.app.icons)."""
        style, sp = self.style(), QStyle.StandardPixmap
        play = sp.SP_MediaPause if getattr(self, "_running", False) else sp.SP_MediaPlay
        self.train_button.setIcon(media_icon(style, play, self.train_button))
        self.step_button.setIcon(media_icon(style, sp.SP_MediaSeekForward, self.step_button))
        self.reset_button.setIcon(media_icon(style, sp.SP_BrowserReload, self.reset_button))

    def _show_running(self, on: bool) -> None:
        self._running = on
        pixmap = QStyle.StandardPixmap.SP_MediaPause if on else QStyle.StandardPixmap.SP_MediaPlay
        self.train_button.setIcon(media_icon(self.style(), pixmap, self.train_button))
        self.train_button.setText("Pause" if on else "Train")
        self.step_button.setEnabled(not on and self.problem is None)

    def is_running(self) -> bool:
        return self._running

    def set_running(self, on: bool) -> None:
        """Reflect the worker's state without emitting train_toggled."""
        self.train_button.blockSignals(True)
        self.train_button.setChecked(bool(on))
        self.train_button.blockSignals(False)
        self._show_running(bool(on))

    # ------------------------------------------------------------------ network and data
    def set_trial_problem(self, message: str) -> None:
        """What stopped a trial trainer on the network and data shown ("" for nothing): the
        window tries one before the engine gets the rule.  Forgotten on the next network or data."""
        if message != self._trial:
            self._trial = message
            self._refresh_problem()

    def set_enabled_for(self, net: Any) -> Applicability:
        """Enable the panel if the rule applies to `net`; otherwise disable it and say why."""
        self._net = net
        self._trial = ""
        self._applies = applicability(self.rule_class, net)
        self._outputs = len(getattr(net, "outputs", ()) or ())
        ok = bool(self._applies)
        self.body.setEnabled(ok)
        self.setToolTip("" if ok else sentence(self._applies.reason))
        self._refresh_problem()
        return self._applies

    def applicability(self) -> Applicability:
        return self._applies

    def is_applicable(self) -> bool:
        return bool(self._applies)

    def is_ready(self) -> bool:
        """The rule applies and has the data it needs: Train will train."""
        return self.problem is None

    def set_dataset(self, dataset: Dataset | None) -> None:
        """The data as the engine gets them (targets one-hot for several outputs)."""
        self._dataset = dataset
        self._trial = ""
        if dataset is None:
            text = "No data: Train uses the inputs' current values." \
                if not self.rule_class.supervised else "No data chosen."
        else:
            name = dataset.name or "Unnamed data"
            text = f"<b>{name}</b><br>{describe(dataset)}"
            if not self.rule_class.supervised and dataset.y is not None:
                text += "<br><i>Uses the inputs only; targets are ignored.</i>"
        self.data_label.setText(text)
        self._refresh_problem()

    def _refresh_problem(self) -> None:
        """Say what keeps the rule from running, offer the fix; Train and Step wait for it."""
        if self._net is None:
            problem = None
        else:
            problem = readiness(self.rule_class, self._net, self._dataset, self._applies)
        if problem is None and self._trial:
            problem = Problem(self._trial)
        self.problem = problem
        self.reason.setText("" if problem is None else problem.message)
        self.reason.setToolTip(self.reason.text())
        self.reason.setVisible(problem is not None)
        fix = None if problem is None else problem.fix
        self.fix_button.setText("" if fix is None else fix.text)
        self.fix_button.setVisible(fix is not None)
        ready = problem is None
        self.train_button.setEnabled(ready or self._running)
        self.step_button.setEnabled(ready and not self._running)
        why = "" if ready else problem.message
        self.train_button.setToolTip(why or self._train_tip)
        self.step_button.setToolTip(why or self._step_tip)
        if not ready and self._running:
            self.set_running(False)

    def _on_fix(self) -> None:
        if self.problem is not None and self.problem.fix is not None:
            self.fix_requested.emit(self.problem.fix)

    def show_progress(self, epoch: int, metrics: dict[str, Any] | None = None) -> None:
        """A short line such as 'Epoch 12 · loss 0.0312 · accuracy 95.0 %'."""
        parts = [f"Epoch {int(epoch):,}"]
        for key, value in (metrics or {}).items():
            if hasattr(value, "item"):
                value = value.item()  # numpy scalars from a snapshot
            if value is None:
                continue
            label = key.replace("_", " ")
            if isinstance(value, bool):
                if value:
                    parts.append(label)
            elif "accuracy" in key and isinstance(value, (int, float)):
                parts.append(f"{label} {100 * value:.1f} %")
            elif isinstance(value, float):
                parts.append(f"{label} {value:.4g}")
            elif isinstance(value, int):
                parts.append(f"{label} {value:,}")
            else:
                parts.append(f"{label} {value}")
        self.progress.setText(" · ".join(parts))


__all__ = ["DEFAULT_STOP", "Fix", "RulePanel", "StopConditions", "applicability"]

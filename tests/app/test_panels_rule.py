"""RulePanel: generated from the rule's declarations, for every registered rule and a fake one."""
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from nnsim.app.panels import RulePanel
from nnsim.app.panels.param_form import FloatField
from nnsim.app.panels.readiness import sentence
from nnsim.app.panels.summary import pretty_formula
from nnsim.engine.datasets import Dataset
from nnsim.engine.network import Network
from nnsim.engine.rules import RULES, Applicability, Param, Rule


class FakeRule(Rule):
    """Every kind of parameter, so the tests mean something before any real rule exists."""
    name = "fake"
    title = "Fake rule"
    formula = "w += eta * x * y"
    parameters = (
        Param("learning_rate", float, 0.1, "eta: step size", minimum=0.0, maximum=10.0,
              log_scale=True),
        Param("decay", float, 0.25, "weight decay", minimum=-1.0, maximum=1.0),
        Param("batch", int, 8, "samples per update", minimum=1, maximum=512),
        Param("shuffle", bool, True, "shuffle each epoch"),
        Param("mode", str, "fast", "how to go", choices=("fast", "slow", "careful")),
    )

    def applies_to(self, net):
        if len(net.inputs) != 2:
            return Applicability(False, f"the fake rule needs two inputs, not {len(net.inputs)}")
        return Applicability(True)


ALL_RULES = [*RULES.values(), FakeRule]
IDS = [r.name for r in ALL_RULES]


def other_value(p: Param):
    """A valid value different from the default, or None when there is none."""
    if p.type is bool:
        return not p.default
    if p.type is str:
        return next((c for c in p.choices if c != p.default), None)
    hi = p.maximum if p.maximum is not None else p.default + 10
    lo = p.minimum if p.minimum is not None else p.default - 10
    if p.type is int:
        return p.default + 1 if p.default + 1 <= hi else p.default - 1
    target = p.default + (hi - p.default) / 2 if p.default < hi else p.default - (p.default - lo) / 2
    return float(f"{target:.4g}")


def set_as_user(control, value):
    """Change a control the way the user would (its change signal fires)."""
    if isinstance(control, QCheckBox):
        control.setChecked(value)
    elif isinstance(control, QComboBox):
        control.setCurrentIndex(control.findData(value))
    elif isinstance(control, QLineEdit):
        control.setText(value)
        control.editingFinished.emit()
    else:
        control.setValue(value)


def read(control):
    if isinstance(control, QCheckBox):
        return control.isChecked()
    if isinstance(control, QComboBox):
        return control.currentData()
    return control.value()


@pytest.fixture
def make_panel(qtbot):
    def make(rule_class, **kw):
        panel = RulePanel(rule_class, **kw)
        qtbot.addWidget(panel)
        return panel
    return make


@pytest.mark.parametrize("rule_class", ALL_RULES, ids=IDS)
def test_one_control_per_parameter_showing_its_default(make_panel, rule_class):
    panel = make_panel(rule_class)
    assert list(panel.form.controls) == [p.name for p in rule_class.parameters]
    for p in rule_class.parameters:
        control = panel.form.controls[p.name]
        expected = {bool: QCheckBox, int: QSpinBox, float: FloatField}.get(p.type, QComboBox)
        assert isinstance(control, expected), p.name
        assert read(control) == pytest.approx(p.default), p.name
        assert p.help in control.toolTip()
    assert panel.rule().params == rule_class().params
    assert panel.title.text() == rule_class.title
    assert panel.formula.text() == pretty_formula(rule_class.formula)
    assert rule_class.formula in panel.formula.toolTip()


@pytest.mark.parametrize("rule_class", ALL_RULES, ids=IDS)
def test_ranges_are_enforced(make_panel, rule_class):
    panel = make_panel(rule_class)
    for p in rule_class.parameters:
        control = panel.form.controls[p.name]
        if p.type not in (int, float):
            continue
        if p.maximum is not None:
            control.setValue(p.maximum + 1000)
            assert read(control) == pytest.approx(p.maximum), p.name
        if p.minimum is not None:
            control.setValue(p.minimum - 1000)
            assert read(control) == pytest.approx(p.minimum), p.name
        rule_class(**{p.name: read(control)})  # the clamped value is one the rule accepts
    if isinstance(panel.form.controls.get("mode"), QComboBox):
        assert panel.form.controls["mode"].count() == 3  # only the declared choices


@pytest.mark.parametrize("rule_class", ALL_RULES, ids=IDS)
def test_changing_a_control_changes_the_rule_and_emits(qtbot, make_panel, rule_class):
    panel = make_panel(rule_class, throttle_ms=5)
    emitted = []
    panel.params_changed.connect(emitted.append)
    changed = 0
    for p in rule_class.parameters:
        value = other_value(p)
        if value is None:
            continue
        set_as_user(panel.form.controls[p.name], value)
        changed += 1
        assert panel.rule().params[p.name] == pytest.approx(value), p.name
        qtbot.waitUntil(lambda p=p, value=value: bool(emitted)
                        and emitted[-1][p.name] == pytest.approx(value), timeout=1000)
    assert changed == sum(other_value(p) is not None for p in rule_class.parameters)
    if changed:
        assert emitted[-1] == panel.rule().params


def test_enter_applies_a_typed_value(qtbot, make_panel):
    panel = make_panel(FakeRule, throttle_ms=5)
    spin = panel.form.controls["learning_rate"].spin
    with qtbot.assertNotEmitted(panel.params_changed, wait=30):
        spin.lineEdit().selectAll()
        qtbot.keyClicks(spin.lineEdit(), "0.25")  # typing alone does not apply
    with qtbot.waitSignal(panel.params_changed, timeout=1000) as blocker:
        qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert blocker.args[0]["learning_rate"] == pytest.approx(0.25)
    assert panel.rule().learning_rate == pytest.approx(0.25)


def test_slider_drag_moves_the_value_in_log_steps(make_panel):
    field = make_panel(FakeRule).form.controls["learning_rate"]
    assert field.slider is not None and field.log
    field.slider.setValue(field.slider.maximum())
    assert field.value() == pytest.approx(10.0)
    field.slider.setValue(field.slider.maximum() // 2)
    # The slider cannot reach 0 on a log scale: it starts four decades below the maximum,
    # and halfway along is the geometric mean of its ends.
    assert field._lo == pytest.approx(0.001)
    assert field.value() == pytest.approx((0.001 * 10) ** 0.5, rel=0.02)
    field.slider.setValue(0)
    assert field.value() == pytest.approx(0.001)
    field.setValue(0.0)  # the spin box still reaches the declared minimum
    assert field.value() == 0.0 and field.slider.value() == 0


def test_a_hundred_rapid_changes_are_coalesced(qtbot, make_panel):
    """A hundred changes in one go (no event loop between them, however long they take) send
    the first at once and the last when the interval ends: two in all.  (How fast the hundred
    changes are is a benchmark: bench_responsiveness.)"""
    panel = make_panel(FakeRule)  # the real interval (~66 ms)
    emitted = []
    panel.params_changed.connect(emitted.append)
    field = panel.form.controls["decay"]
    for i in range(100):
        field.setValue(-1.0 + i * 0.015)
    assert [e["decay"] for e in emitted] == [pytest.approx(-1.0)]  # the leading edge only
    final = field.value()
    qtbot.waitUntil(lambda: len(emitted) == 2, timeout=10000)  # the trailing edge: the latest
    assert emitted[-1]["decay"] == pytest.approx(final)
    assert panel.rule().decay == pytest.approx(final)
    with qtbot.assertNotEmitted(panel.params_changed, wait=3 * panel._throttle.interval):
        pass  # nothing more: the changes were coalesced, not queued


def test_a_slow_drag_keeps_delivering_but_at_a_bounded_rate(qtbot, make_panel):
    panel = make_panel(FakeRule)
    emitted = []
    panel.params_changed.connect(emitted.append)
    field = panel.form.controls["decay"]
    start = time.perf_counter()
    for i in range(40):
        field.setValue(-1.0 + i * 0.05)
        qtbot.wait(10)
    elapsed_ms = (time.perf_counter() - start) * 1000
    qtbot.wait(200)
    assert len(emitted) >= 3  # the run sees the drag while it happens, not only at the end
    assert len(emitted) <= elapsed_ms / panel._throttle.interval + 3
    assert len(emitted) < 40
    assert emitted[-1]["decay"] == pytest.approx(field.value())


def test_set_params_updates_the_controls_without_emitting(qtbot, make_panel):
    panel = make_panel(FakeRule, throttle_ms=5)
    with qtbot.assertNotEmitted(panel.params_changed, wait=50):
        panel.set_params({"learning_rate": 0.5, "batch": 32, "mode": "slow", "shuffle": False})
    assert panel.rule().params == {**FakeRule().params, "learning_rate": 0.5, "batch": 32,
                                   "mode": "slow", "shuffle": False}
    assert panel.form.controls["batch"].value() == 32
    with pytest.raises(ValueError, match="at most 512"):
        panel.set_params({"batch": 1000})
    with pytest.raises(ValueError, match="no parameter 'momentum'"):
        panel.set_params({"momentum": 0.9})
    assert panel.rule().batch == 32  # a refused change leaves the panel as it was


def test_a_pending_drag_value_does_not_overwrite_a_lesson(qtbot, make_panel):
    panel = make_panel(FakeRule, throttle_ms=50)
    emitted = []
    panel.params_changed.connect(emitted.append)
    field = panel.form.controls["decay"]
    field.setValue(0.5)  # leading edge: emitted at once
    field.setValue(0.6)  # pending
    panel.set_params({"decay": -0.3})
    qtbot.wait(150)
    assert [e["decay"] for e in emitted] == [pytest.approx(0.5)]
    assert panel.rule().decay == pytest.approx(-0.3)


@pytest.mark.parametrize("rule_class", ALL_RULES, ids=IDS)
def test_a_rule_that_does_not_apply_says_why(make_panel, rule_class):
    panel = make_panel(rule_class)
    panel.show()
    empty = Network()
    expected = rule_class().applies_to(empty)
    assert not expected
    result = panel.set_enabled_for(empty)
    assert not result and not panel.is_applicable()
    assert panel.reason.text() == sentence(expected.reason) != ""
    assert panel.reason.isVisible()
    assert panel.toolTip() == sentence(expected.reason)
    assert not panel.train_button.isEnabled() and not panel.step_button.isEnabled()
    assert not panel.form.isEnabled()


def test_fake_rule_is_enabled_again_when_it_applies(make_panel):
    panel = make_panel(FakeRule)
    panel.show()
    panel.set_dataset(Dataset([[0, 0], [1, 1]], [0, 1]))
    panel.set_enabled_for(Network.layered([3, 1]))
    assert panel.reason.text() == "The fake rule needs two inputs, not 3."
    panel.set_enabled_for(Network.layered([2, 1]))
    assert panel.is_applicable() and not panel.reason.isVisible()
    assert panel.train_button.isEnabled() and panel.toolTip() == ""


def test_a_rule_that_raises_on_a_network_is_disabled_with_the_error(make_panel):
    class Broken(FakeRule):
        def applies_to(self, net):
            raise RuntimeError("boom")

    panel = make_panel(Broken)
    assert not panel.set_enabled_for(Network.layered([2, 1]))
    assert "boom" in panel.reason.text()


def test_buttons_emit_their_signals(qtbot, make_panel):
    panel = make_panel(FakeRule)
    with qtbot.waitSignal(panel.step_requested, timeout=500):
        qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.reset_requested, timeout=500):
        qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.train_toggled, timeout=500) as on:
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert on.args == [True] and panel.is_running()
    assert panel.train_button.text() == "Pause" and not panel.step_button.isEnabled()
    with qtbot.waitSignal(panel.train_toggled, timeout=500) as off:
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert off.args == [False] and panel.train_button.text() == "Train"


def test_starting_a_run_flushes_a_pending_parameter_change(qtbot, make_panel):
    panel = make_panel(FakeRule, throttle_ms=10_000)
    order = []
    panel.params_changed.connect(lambda p: order.append(("params", p["decay"])))
    panel.train_toggled.connect(lambda on: order.append(("train", on)))
    field = panel.form.controls["decay"]
    field.setValue(0.5)
    field.setValue(0.7)  # pending for ten seconds...
    panel.train_button.click()  # ...but the run must start with it
    assert order == [("params", pytest.approx(0.5)), ("params", pytest.approx(0.7)),
                     ("train", True)]


def test_set_running_reflects_the_worker_without_emitting(qtbot, make_panel):
    panel = make_panel(FakeRule)
    with qtbot.assertNotEmitted(panel.train_toggled):
        panel.set_running(True)
    assert panel.train_button.isChecked() and panel.train_button.text() == "Pause"
    with qtbot.assertNotEmitted(panel.train_toggled):
        panel.set_running(False)
    assert not panel.train_button.isChecked() and panel.step_button.isEnabled()


def test_stop_conditions(qtbot, make_panel):
    panel = make_panel(FakeRule)
    assert panel.stop_conditions() == {"epochs": 1000, "target_loss": None, "until_converged": True}
    with qtbot.waitSignal(panel.stop_conditions_changed, timeout=500) as blocker:
        panel.stop.epochs.setValue(250)
    assert blocker.args[0]["epochs"] == 250
    with qtbot.waitSignal(panel.stop_conditions_changed, timeout=500) as blocker:
        panel.stop.use_loss.setChecked(True)
    assert blocker.args[0]["target_loss"] == pytest.approx(0.01)
    assert panel.stop.loss.isEnabled()
    with qtbot.assertNotEmitted(panel.stop_conditions_changed):
        panel.set_stop_conditions({"target_loss": None, "until_converged": False})
    assert panel.stop_conditions() == {"epochs": 250, "target_loss": None, "until_converged": False}
    assert not panel.stop.loss.isEnabled()
    with pytest.raises(ValueError, match="no stop condition"):
        panel.set_stop_conditions({"patience": 3})


def test_progress_and_data_lines(make_panel):
    panel = make_panel(FakeRule)
    panel.show_progress(12, {"loss": 0.031234, "accuracy": 0.95, "errors": 3, "converged": True,
                             "val_loss": None})
    assert panel.progress.text() == "Epoch 12 · loss 0.03123 · accuracy 95.0 % · errors 3 · converged"
    data = Dataset([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], name="XOR")
    panel.set_dataset(data)
    assert "XOR" in panel.data_label.text() and "4 points" in panel.data_label.text()
    assert "2 classes" in panel.data_label.text()
    panel.set_enabled_for(Network.layered([2, 1]))
    panel.set_dataset(Dataset([[0, 0], [1, 1]], name="inputs only"))
    assert "these data have none: choose data with targets" in panel.reason.text()
    assert not panel.train_button.isEnabled()
    panel.set_dataset(data)
    assert panel.reason.isHidden() and panel.train_button.isEnabled()
    panel.set_enabled_for(Network.layered([2, 3]))  # the data no longer fit the network
    assert "1 target column but the network has 3 outputs" in panel.reason.text()
    assert panel.train_button.toolTip() == panel.reason.text()
    panel.set_enabled_for(Network.layered([2, 1]))
    assert panel.reason.isHidden()


def test_tab_order_follows_the_panel_top_to_bottom(make_panel):
    panel = make_panel(FakeRule)
    panel.show()
    order, w = [], panel.nextInFocusChain()
    while w is not panel and len(order) < 500:
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and w.objectName() != "qt_spinbox_lineedit":
            order.append(w)
        w = w.nextInFocusChain()
    params = [panel.form.controls[p.name] for p in FakeRule.parameters]
    params = [c.spin if isinstance(c, FloatField) else c for c in params]
    expected = [panel.train_button, panel.step_button, panel.reset_button] + params + [
        panel.stop.epochs, panel.stop.use_loss, panel.stop.converged]
    assert order == expected


def test_formulas_read_like_the_slides():
    assert pretty_formula("w_i += eta * x_i * y") == "w_i += η · x_i · y"
    assert pretty_formula("a = sum_mu xi_i xi_j;  b = beta * Phi^T [w; b]   (remark)") == \
        "a = Σ_μ ξ_i ξ_j\nb = β · Φ^T [w; b]\n(remark)"
    assert pretty_formula("theta_meta") == "θ_meta"  # 'eta' inside a word is left alone


def test_numbers_and_labels_stay_short_and_readable():
    from nnsim.app.panels.param_form import compact_number, format_number, label_for, range_text
    assert [format_number(v) for v in (0.01, 2.5, 1000.0, 1e-8, 1 / 3)] == \
        ["0.01", "2.5", "1000", "0.00000001", "0.333333"]
    assert [compact_number(v) for v in (100_000, 2**31 - 1, 1e6, 1e-12, 0.5)] == \
        ["100k", "2.15G", "1M", "1e-12", "0.5"]
    assert range_text(Param("a", float, 1.0, "", minimum=0.0)) == "≥ 0"
    assert range_text(Param("a", float, 1.0, "")) == ""
    assert label_for(Param("n", int, 5, "number of points (per class)")) == "Number of points"
    assert label_for(Param("learning_rate", float, 0.1, "eta")) == "Learning rate"


def test_progress_accepts_numpy_scalars(make_panel):
    import numpy as np
    panel = make_panel(FakeRule)
    panel.show_progress(np.int64(5), {"loss": np.float64(0.5), "errors": np.int64(2),
                                      "converged": np.bool_(False)})
    assert panel.progress.text() == "Epoch 5 · loss 0.5 · errors 2"

"""RulesPanel: one page per registered rule, greyed with a reason when it does not apply."""
import pytest
from PySide6.QtCore import Qt
from test_panels_rule import FakeRule  # tests/app is on sys.path (pytest's prepend mode)

from nnsim.app.panels import PANELS, RulePanel, RulesPanel, Throttler, panel_class_for, register_panel
from nnsim.app.panels.readiness import sentence
from nnsim.engine.network import Network
from nnsim.engine.rules import RULES, Applicability


class OtherFake(FakeRule):
    name = "other"
    title = "Other fake"

    def applies_to(self, net):
        return Applicability(True)


@pytest.fixture
def chooser(qtbot):
    panel = RulesPanel({**RULES, "fake": FakeRule, "other": OtherFake}, throttle_ms=5)
    qtbot.addWidget(panel)
    return panel


def test_one_page_per_registered_rule(qtbot):
    panel = RulesPanel()
    qtbot.addWidget(panel)
    assert panel.names() == list(RULES)
    # "No learning" first, then one page per rule.
    assert panel.combo.count() == panel.stack.count() == len(RULES) + 1
    assert panel.combo.itemText(0) == "No learning" and panel.current_panel() is None
    for name, rule_class in RULES.items():
        assert panel.panel(name).rule_class is rule_class
        assert panel.combo.itemText(panel.names().index(name) + 1) == rule_class.title


def test_rules_that_do_not_apply_are_greyed_and_say_why(chooser):
    net = Network.layered([3, 1])
    chooser.set_network(net)
    for name in chooser.names():
        ok = chooser.panel(name).rule_class().applies_to(net)
        assert chooser.is_rule_enabled(name) == bool(ok), name
        if not ok:
            assert chooser.reason(name) == ok.reason != ""
            assert chooser.item_tooltip(name) == sentence(ok.reason)
            assert chooser.panel(name).reason.text() == sentence(ok.reason)
    assert not chooser.is_rule_enabled("fake") and chooser.is_rule_enabled("other")
    chooser.select_rule("fake")
    assert chooser.combo.toolTip() == "The fake rule needs two inputs, not 3."
    chooser.set_network(Network.layered([2, 1]))
    assert chooser.is_rule_enabled("fake") and chooser.item_tooltip("fake") == ""


def test_selecting_a_rule_emits_it_configured(qtbot, chooser):
    chooser.select_rule("other")
    chooser.panel("fake").set_params({"batch": 64})
    with qtbot.waitSignal(chooser.rule_selected, timeout=500) as blocker:
        chooser.select_rule("fake")
    rule = blocker.args[0]
    assert isinstance(rule, FakeRule) and rule.batch == 64
    assert chooser.current_name() == "fake" and chooser.current_rule().batch == 64
    assert chooser.stack.currentWidget() is chooser.panel("fake")
    with pytest.raises(ValueError, match="no rule 'nope'"):
        chooser.select_rule("nope")


def test_the_active_panels_signals_are_re_emitted_with_its_rule(qtbot, chooser):
    chooser.select_rule("fake")
    fake = chooser.panel("fake")
    with qtbot.waitSignal(chooser.params_changed, timeout=1000) as blocker:
        fake.form.controls["decay"].setValue(0.5)
    rule, params = blocker.args
    assert isinstance(rule, FakeRule) and rule.decay == pytest.approx(0.5)
    assert params["decay"] == pytest.approx(0.5)
    with qtbot.waitSignal(chooser.step_requested, timeout=500) as blocker:
        fake.step_button.click()
    assert isinstance(blocker.args[0], FakeRule)
    with qtbot.waitSignal(chooser.reset_requested, timeout=500):
        fake.reset_button.click()
    with qtbot.waitSignal(chooser.train_toggled, timeout=500) as blocker:
        fake.train_button.click()
    assert blocker.args[1] is True
    with qtbot.waitSignal(chooser.stop_conditions_changed, timeout=500) as blocker:
        fake.stop.epochs.setValue(77)
    assert blocker.args[1]["epochs"] == 77
    # A hidden panel does not speak for the chooser.
    with qtbot.assertNotEmitted(chooser.step_requested):
        chooser.panel("other").step_requested.emit()


def test_set_running_marks_only_the_current_panel(chooser):
    chooser.select_rule("other")
    chooser.set_running(True)
    assert chooser.panel("other").is_running()
    assert not chooser.panel("fake").is_running()
    chooser.show_progress(3, {"loss": 0.5})
    assert chooser.panel("other").progress.text() == "Epoch 3 · loss 0.5"
    chooser.set_running(False)
    assert not chooser.panel("other").is_running()


def test_a_custom_panel_can_be_registered_for_a_rule(qtbot, monkeypatch):
    class FancyPanel(RulePanel):
        pass

    monkeypatch.setitem(PANELS, FakeRule, FancyPanel)
    assert panel_class_for(FakeRule) is FancyPanel
    assert panel_class_for(OtherFake) is FancyPanel  # subclasses inherit their base's panel
    chooser = RulesPanel({"fake": FakeRule, "hebb_like": OtherFake})
    qtbot.addWidget(chooser)
    assert type(chooser.panel("fake")) is FancyPanel
    monkeypatch.delitem(PANELS, FakeRule)
    register_panel(OtherFake, FancyPanel)
    try:
        assert panel_class_for(FakeRule) is RulePanel
        assert panel_class_for(OtherFake) is FancyPanel
    finally:
        del PANELS[OtherFake]


def test_an_empty_registry_says_so(qtbot):
    chooser = RulesPanel({})
    qtbot.addWidget(chooser)
    assert chooser.current_rule() is None and chooser.names() == []


def test_throttler_leading_and_trailing_edges(qtbot):
    calls = []
    throttle = Throttler(lambda: calls.append(len(calls)), 40)
    for _ in range(50):
        throttle.trigger()
    assert calls == [0] and throttle.pending  # leading edge at once, the rest coalesced
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=500)
    qtbot.wait(100)
    assert len(calls) == 2  # nothing more without new triggers
    throttle.trigger()
    assert len(calls) == 3  # idle again: the next change goes out at once
    throttle.trigger()
    throttle.cancel()
    qtbot.wait(80)
    assert len(calls) == 3


def test_keyboard_reaches_the_chooser(qtbot, chooser):
    chooser.show()
    chooser.combo.setFocus()
    start = chooser.combo.currentIndex()
    qtbot.keyClick(chooser.combo, Qt.Key.Key_Down)
    assert chooser.combo.currentIndex() == start + 1


def test_select_first_applicable(chooser):
    chooser.select_rule("fake")
    chooser.set_network(Network.layered([3, 1]))
    assert chooser.select_first_applicable() not in (None, "fake")
    assert chooser.current_panel().is_applicable()
    chooser.select_rule("other")
    assert chooser.select_first_applicable() == "other"  # an applicable choice is kept


@pytest.mark.parametrize("name", [*RULES, "fake"])
def test_every_page_renders(chooser, name):
    chooser.resize(380, 760)
    chooser.set_network(Network.layered([2, 3, 1]))
    chooser.select_rule(name)
    chooser.show()
    image = chooser.grab().toImage()
    assert image.width() >= 380 and image.height() >= 500
    # Not a blank widget: the title and formula put dark pixels on the light background.
    dark = sum(image.pixelColor(x, y).lightness() < 100
               for x in range(0, image.width(), 4) for y in range(40, 140, 4))
    assert dark > 20

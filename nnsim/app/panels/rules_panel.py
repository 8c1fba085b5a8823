"""Choose a learning rule: one page per rule in `rules.RULES`, each built by its registered panel.

napari's idea: a registry maps a rule class to its panel class.  Every rule gets the generated
`RulePanel` unless a custom panel is registered for it (or for a base class) with
`register_panel`.  A combo box rather than tabs picks the page: seven rule names do not fit
side by side in a dock.  Rules that do not apply to the current network stay selectable (so
their page can say why) but are greyed, marked with a warning icon and carry the reason as
their tooltip.  The first entry, "No learning", is a document without a rule: Play then runs
the network as drawn.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QStyle, QVBoxLayout, QWidget

from nnsim.engine import rules as rules_module
from nnsim.engine.rules import Rule

from .rule_panel import DEFAULT_STOP, RulePanel

PANELS: dict[type[Rule], type[RulePanel]] = {}


def register_panel(rule_class: type[Rule], panel_class: type[RulePanel]) -> None:
    """Use `panel_class` (a RulePanel subclass) for `rule_class` and its subclasses."""
    PANELS[rule_class] = panel_class


def panel_class_for(rule_class: type[Rule]) -> type[RulePanel]:
    for klass in rule_class.__mro__:
        if klass in PANELS:
            return PANELS[klass]
    return RulePanel


NO_LEARNING = ("<b>No learning rule</b><p>Play runs the network as drawn: a network with loops "
               "steps in time, a feed-forward one shows its outputs for the inputs' values.</p>"
               "<p>Choose a rule above to train the weights.</p>")


class RulesPanel(QWidget):
    """All rule panels behind a chooser; re-emits the active panel's signals with its rule."""

    rule_selected = Signal(object)  # a configured Rule instance
    params_changed = Signal(object, dict)  # (rule, params); throttled by the panel
    train_toggled = Signal(object, bool)
    step_requested = Signal(object)
    reset_requested = Signal(object)
    stop_conditions_changed = Signal(object, dict)
    fix_requested = Signal(object)  # a readiness.Fix from the active panel

    def __init__(self, rules: Mapping[str, type[Rule]] | None = None,
                 parent: QWidget | None = None, throttle_ms: int | None = None) -> None:
        super().__init__(parent)
        # Read the registry now, not at import: rule modules may register after this module loads.
        self._rules = dict(rules_module.RULES if rules is None else rules)
        self._panels: dict[str, RulePanel] = {}
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.stack = QStackedWidget()
        self.none_page = QLabel(NO_LEARNING)
        self.none_page.setObjectName("noLearning")
        self.none_page.setWordWrap(True)
        self.none_page.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.none_page.setContentsMargins(10, 10, 10, 10)
        self.stack.addWidget(self.none_page)
        self.combo.addItem("No learning", None)
        for name, rule_class in self._rules.items():
            panel = panel_class_for(rule_class)(rule_class, throttle_ms=throttle_ms)
            self._connect(panel)
            self._panels[name] = panel
            self.stack.addWidget(panel)
            self.combo.addItem(rule_class.title or name, name)
        self._normal = self.palette().color(QPalette.ColorRole.Text)

        label = QLabel("&Learning rule:")
        label.setBuddy(self.combo)
        chooser = QHBoxLayout()
        chooser.setContentsMargins(10, 8, 10, 0)
        chooser.addWidget(label)
        chooser.addWidget(self.combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(chooser)
        if not self._panels:
            empty = QLabel("No learning rules are installed.")
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(empty, 1)
        layout.addWidget(self.stack, 1)
        self.combo.currentIndexChanged.connect(self._on_index)

    def _connect(self, panel: RulePanel) -> None:
        # Only the visible panel speaks for the chooser; its rule travels with each signal.
        def active() -> bool:
            return self.stack.currentWidget() is panel

        panel.params_changed.connect(
            lambda p: active() and self.params_changed.emit(panel.rule(), p))
        panel.train_toggled.connect(lambda on: active() and self.train_toggled.emit(panel.rule(), on))
        panel.step_requested.connect(lambda: active() and self.step_requested.emit(panel.rule()))
        panel.reset_requested.connect(lambda: active() and self.reset_requested.emit(panel.rule()))
        panel.stop_conditions_changed.connect(
            lambda s: active() and self.stop_conditions_changed.emit(panel.rule(), s))
        panel.fix_requested.connect(lambda fix: active() and self.fix_requested.emit(fix))

    def _on_index(self, index: int) -> None:
        if index < 0:
            return
        self._show_page(index)
        panel = self.current_panel()
        self.rule_selected.emit(None if panel is None else panel.rule())

    def _show_page(self, index: int) -> None:
        name = self.combo.itemData(index)
        panel = None if name is None else self._panels[name]
        self.stack.setCurrentWidget(self.none_page if panel is None else panel)
        self.combo.setToolTip("" if panel is None else panel.toolTip())

    # ------------------------------------------------------------------ queries
    def names(self) -> list[str]:
        return list(self._panels)

    def panel(self, name: str) -> RulePanel:
        return self._panels[name]

    def current_name(self) -> str | None:
        return self.combo.currentData()

    def current_panel(self) -> RulePanel | None:
        name = self.current_name()
        return None if name is None else self._panels[name]

    def current_rule(self) -> Rule | None:
        panel = self.current_panel()
        return None if panel is None else panel.rule()

    def is_rule_enabled(self, name: str) -> bool:
        return self._panels[name].is_applicable()

    def reason(self, name: str) -> str:
        return self._panels[name].applicability().reason

    def item_tooltip(self, name: str) -> str:
        return self.combo.itemData(self.combo.findData(name), Qt.ItemDataRole.ToolTipRole) or ""

    # ------------------------------------------------------------------ commands
    def select_rule(self, name: str | None) -> None:
        """Choose a rule by name (None: no learning), as the user would: emits rule_selected."""
        if name is not None and name not in self._panels:
            raise ValueError(f"no rule {name!r}; the rules are {', '.join(self._panels)}")
        self.combo.setCurrentIndex(self._index(name))

    def _index(self, name: str | None) -> int:
        return 0 if name is None else self.combo.findData(name)

    def show_rule(self, name: str | None, params: Mapping[str, Any] | None = None,
                  stop: Mapping[str, Any] | None = None) -> None:
        """Show a document's rule, parameters and stop conditions without emitting."""
        if name is not None and name not in self._panels:
            name = None
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(self._index(name))
        self.combo.blockSignals(False)
        self._show_page(self._index(name))
        panel = self.current_panel()
        if panel is not None:
            if params:
                panel.set_params(dict(params))
            if stop is not None:
                panel.set_stop_conditions(dict(stop))

    def select_first_applicable(self) -> str | None:
        """Keep the current rule if it applies, else select the first one that does (e.g. after
        the user drew a Hopfield network); returns the selected name, or None if none applies."""
        if self.current_panel() is not None and self.current_panel().is_applicable():
            return self.current_name()
        for name, panel in self._panels.items():
            if panel.is_applicable():
                self.select_rule(name)
                return name
        return None

    def set_network(self, net: Any) -> None:
        """Refresh which rules apply; those that do not are greyed with the reason as tooltip."""
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for name, panel in self._panels.items():
            i = self.combo.findData(name)
            ok = panel.set_enabled_for(net)
            self.combo.setItemData(i, None if ok else panel.toolTip(), Qt.ItemDataRole.ToolTipRole)
            self.combo.setItemData(i, None if ok else warning, Qt.ItemDataRole.DecorationRole)
            grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            self.combo.setItemData(i, QBrush(self._normal if ok else grey),
                                   Qt.ItemDataRole.ForegroundRole)
        current = self.current_panel()
        self.combo.setToolTip("" if current is None else current.toolTip())

    def set_dataset(self, dataset: Any) -> None:
        for panel in self._panels.values():
            panel.set_dataset(dataset)

    def set_running(self, on: bool) -> None:
        current = self.current_panel()
        for panel in self._panels.values():
            panel.set_running(bool(on) and panel is current)

    def reset_pages(self) -> None:
        """A new document: every page back to its rule's defaults, and no page reports an
        earlier run (nothing of the previous document carries over into a rule chosen next)."""
        for panel in self._panels.values():
            panel.set_params({p.name: p.default for p in panel.rule_class.parameters})
            panel.set_stop_conditions(DEFAULT_STOP)
            panel.set_trial_problem("")
            panel.progress.setText("Not started")

    def show_progress(self, epoch: int, metrics: dict[str, Any] | None = None) -> None:
        current = self.current_panel()
        if current is not None:
            current.show_progress(epoch, metrics)

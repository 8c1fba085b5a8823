"""Side panels: learning rules generated from their declarations, and the training data."""
from .data_panel import DataPanel
from .param_form import ParamForm
from .rule_panel import DEFAULT_STOP, RulePanel, StopConditions
from .rules_panel import PANELS, RulesPanel, panel_class_for, register_panel
from .throttle import Throttler

RuleChooser = RulesPanel  # the name the issue uses

__all__ = ["DEFAULT_STOP", "DataPanel", "PANELS", "ParamForm", "RuleChooser", "RulePanel",
           "RulesPanel", "StopConditions", "Throttler", "panel_class_for", "register_panel"]

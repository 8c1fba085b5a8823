"""Side panels: learning rules generated from their declarations, and the training data.

Integration points (the main window wires these; nothing here talks to the worker):

    rules = RulesPanel()                      # one page per rules.RULES entry
    data = DataPanel()                        # datasets.GENERATORS, CSV, drawn points
    document changed:    rules.set_network(net); data.set_network(net)
    data.dataset_changed(ds)            -> worker.set_dataset(ds); rules.set_dataset(ds)
    rules.rule_selected(rule)           -> worker.set_rule(rule)
    rules.params_changed(rule, params)  -> in the worker: its rule.set_params(**params)
                                           (throttled here; the running trainer sees the values
                                           at its next step, where set_rule would rebuild it)
    rules.train_toggled(rule, on)       -> worker.play() / pause()
    worker.running_changed(on)          -> rules.set_running(on)
    rules.step_requested(rule), reset_requested(rule), stop_conditions_changed(rule, dict)
    snapshot                            -> rules.show_progress(epoch, {"loss": ..., "accuracy": ...})
    DecisionPlot(keep_points=False).point_added(x, y, label) -> data.add_point(x, y, label)
    data.drawing_class_changed(k)       -> decision_plot.set_left_click_class(k)

A rule can get a hand-made panel with register_panel(RuleClass, PanelClass) (a RulePanel subclass).
"""
from .data_panel import DataPanel
from .param_form import ParamForm
from .rule_panel import DEFAULT_STOP, RulePanel, StopConditions
from .rules_panel import PANELS, RulesPanel, panel_class_for, register_panel
from .throttle import Throttler

RuleChooser = RulesPanel  # the name the issue uses

__all__ = ["DEFAULT_STOP", "DataPanel", "PANELS", "ParamForm", "RuleChooser", "RulePanel",
           "RulesPanel", "StopConditions", "Throttler", "panel_class_for", "register_panel"]

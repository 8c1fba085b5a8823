"""Side panels: learning rules generated from their declarations, and the training data.

Integration points (nnsim.app.learning wires these; nothing here talks to the worker).  The
panels are views and editors of the document (nnsim.app.document), which is the one truth:

    rules = RulesPanel()                      # "No learning", then one page per rules.RULES entry
    data = DataPanel()                        # datasets.GENERATORS, CSV, drawn points
    document changed:      rules.set_network(net); data.set_network(net)
    document's data:       data.show_spec(doc.dataset_spec, doc.dataset)   (no signal)
                           rules.set_dataset(doc.training_data())         (readiness follows)
    document's rule:       rules.show_rule(name, params, stop)             (no signal)
    data.dataset_changed             -> doc.set_dataset(data.spec(), data.data_points())
    rules.rule_selected(rule)        -> doc.set_rule(name, params, stop)
    rules.params_changed(rule, p)    -> doc.set_rule_params(p)   (throttled here)
    rules.stop_conditions_changed    -> doc.set_stop(stop)
    rules.fix_requested(fix)         -> the fix a panel offers (readiness.Fix): data that fit,
                                        or the network made feed-forward
    rules.train_toggled(rule, on)    -> worker.play() / pause(); Train waits until the rule can
                                        run (RulePanel.is_ready(), the reason as its tooltip)
    worker.running_changed(on)       -> rules.set_running(on)
    rules.step_requested(rule), reset_requested(rule)
    snapshot                         -> rules.show_progress(epoch, {"loss": ..., "accuracy": ...})
    DecisionPlot(keep_points=False).point_added(x, y, label) -> data.add_point(x, y, label)
    data.drawing_class_changed(k)    -> decision_plot.set_left_click_class(k)

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

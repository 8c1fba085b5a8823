"""The document's setup on screen and in the engine: LearningDocks' half that binds them.

`bind(doc)` shows a document in every panel and plot (nothing of the previous one is left) and
gives the engine its data and rule; afterwards the document's changes flow out
(`_on_setup_changed`, `network_changed`) and the panels' edits flow in (`_on_*_edited`), so what a
panel shows is what the engine uses.  A rule goes to the engine only once it can run: until then
its panel says what is missing (panels/readiness.py) and the engine runs the network without
learning.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from nnsim.app.data_spec import same_spec
from nnsim.app.document import Document
from nnsim.engine.setup import make_dataset

if TYPE_CHECKING:
    from nnsim.app.panels.readiness import Fix
# nnsim.app.panels and nnsim.app.plots are imported when the panels are made (LearningDocks.fill).


class DocumentBinding:
    """Mixed into LearningDocks: needs its window, engine, rules, data, plots, plot_docks and
    plot methods (clear_plots, fit_plots, raise_plots)."""

    _doc: Document | None = None
    _binding = False  # showing a document: panel signals are not user edits
    _sent_rule: tuple | None = None  # (rule name, ready) as the engine has it
    _sent_params: dict = {}
    _sent_stop: dict | None = None
    _outputs = -1
    _filled = True  # LearningDocks: its panels are made
    _pending = None
    _keep_layout = False
    _tracked: str | None = None  # the activation plot's neuron, also before the plot is made

    # ------------------------------------------------------------------ the document
    def bind(self, doc: Document) -> None:
        """Show a document: every panel and plot from it, nothing of the previous one left;
        the engine gets its data and rule at once (the window gave it the network).  Before
        the panels are made (LearningDocks.fill), only the docks follow its plots."""
        if not self._filled:
            self._pending = doc
            if doc.plots is not None:
                self.raise_plots(doc.plots)
            return
        if self._doc is not None:
            self._doc.setup_changed.disconnect(self._on_setup_changed)
        self._doc = doc
        doc.setup_changed.connect(self._on_setup_changed)
        binding, self._binding = self._binding, True
        try:
            self._sent_rule, self._sent_stop = None, None
            self._outputs = len(doc.network.outputs)
            self._latest = None
            self._stale.clear()
            self._progress = (-1, False)
            self.clear_plots()
            self.fit_plots(doc.network)
            self.engine.set_schedule([])
            self.data.reset_forms()
            self.data.show_spec(doc.dataset_spec, doc.dataset)
            self.rules.reset_pages()
            self.rules.show_rule(doc.rule_name, doc.rule["params"] if doc.rule else None,
                                 doc.stop)
            self._show_values()
            self.network_changed(doc.network, sync=False)
            self._sync(data=True)
            if doc.plots is not None and not (self._keep_layout
                                              and tuple(doc.plots) == self.shown_plots):
                self.raise_plots(doc.plots)  # (filling docks already in place: not again)
        finally:
            self._binding = binding

    @property
    def document(self) -> Document:
        return self._doc

    def _on_setup_changed(self, field: str) -> None:
        doc = self._doc
        binding, self._binding = self._binding, True  # the panels follow the document
        try:
            if field == "dataset":
                if not same_spec(self.data.spec(), doc.dataset_spec):
                    self.data.show_spec(doc.dataset_spec, doc.dataset)
                self._sync(data=True)
            elif field == "rule":
                panel = self.rules.current_panel()
                if panel is not None:
                    panel.set_trial_problem("")  # new values: try them afresh
                params = doc.rule["params"] if doc.rule else {}
                if self.rules.current_name() != doc.rule_name or (panel is not None and (
                        any(panel.params().get(k) != v for k, v in params.items())
                        or panel.stop_conditions() != doc.stop)):
                    self.rules.show_rule(doc.rule_name, params, doc.stop)
                self._sync()
            elif field == "show_values":
                self._show_values()
            elif field == "plots" and doc.plots is not None \
                    and set(doc.plots) != set(self._visible_plots()):
                self.raise_plots(doc.plots)
        finally:
            self._binding = binding

    def network_changed(self, net, sync: bool = True) -> None:
        if not self._filled:
            return  # fill() binds the document, its network with it
        self.rules.set_network(net)
        self.data.set_network(net)  # the drawing classes follow the outputs
        built = self.plots.built()  # a plot made later gets the network then (_made)
        for key in ("activation", "matrix"):  # structure from here, not from each snapshot
            if key in built:
                built[key].set_network(net)
        self._track(net, built.get("activation"))
        if sync and self._doc is not None:
            outputs = len(net.outputs)
            self._sync(data=outputs != self._outputs)  # one-hot targets follow the outputs

    def _track(self, net, activation=None) -> None:
        """The activation plot follows the first output until the user selects another neuron;
        `_tracked` follows it too, for an activation plot made later."""
        current = activation.neuron if activation is not None else self._tracked
        if not net.has_neuron(current or " ") and net.outputs:
            current = net.outputs[0]
            if activation is not None:
                activation.track(current)
        self._tracked = current

    def _made(self, key: str, plot) -> None:
        """A plot made after start-up (LearningDocks.plots makes each when first needed) catches
        up on what the others were given: the network, the data, the document's plot options,
        whether it applies, and the latest snapshot."""
        doc = self._doc
        if doc is None:
            return  # bind() gives it all
        net = doc.network
        if key == "decision":
            self.fit_plots(net)  # listed already (LazyPlots)
        if key in ("activation", "matrix"):
            plot.set_network(net)
        if key == "activation" and self._tracked:
            plot.track(self._tracked)
        if key in ("decision", "curve", "hopfield", "surface"):
            self._show_data_on_plots(only=key)
        from nnsim.app.plots.applicability import plot_unavailable_reason

        plot.set_unavailable(plot_unavailable_reason(key, net, doc.rule_name,
                                                     doc.training_data()))
        if self._latest is not None:
            plot.update_snapshot(self._latest)

    def _sync(self, data: bool = False) -> None:
        """Give the engine, the rule panels and the plots what the document holds: the data
        (data=True) and the rule, sent only once it can run (the panel says what is missing
        meanwhile, and the engine runs the network without learning)."""
        doc = self._doc
        training = doc.training_data()
        if data:
            self._outputs = len(doc.network.outputs)
            self.rules.set_dataset(training)
        panel = self.rules.current_panel()
        name = doc.rule_name if panel is not None else None
        ready = name is not None and panel.is_ready()
        params = dict(doc.rule["params"]) if doc.rule else {}
        from nnsim.app.panels.readiness import trial_problem
        from nnsim.engine.rules import RULES

        if ready and ((name, True) != self._sent_rule or data):
            problem = trial_problem(RULES[name](**params), doc.network, training)
            if problem:
                panel.set_trial_problem(problem)  # said inline: the engine is not asked
                ready = False
        key = (name, ready)
        if data and key != self._sent_rule and not ready:
            self.engine.set_rule(None)  # before data it cannot use
            self._sent_rule = key
        if data:
            self.engine.set_dataset(training)
            self._show_data_on_plots()
        if key != self._sent_rule:
            self.engine.set_rule(RULES[name](**params) if ready else None)
            self._sent_rule, self._sent_params = key, params
        elif ready and params != self._sent_params:
            self.engine.set_rule_params(params)  # the run goes on with the new values
            self._sent_params = params
        if doc.stop != self._sent_stop:
            self.engine.set_stop_conditions(dict(doc.stop))
            self._sent_stop = dict(doc.stop)
        self._update_unavailable()

    def _on_engine_error(self, *_args) -> None:
        """Whatever the engine refused, the next change sends the rule again."""
        self._sent_rule, self._sent_params, self._sent_stop = None, {}, None

    def _show_data_on_plots(self, only: str | None = None) -> None:
        """The decision plot, the function fit and the Hopfield gallery show the document's
        data, or nothing when they do not fit it (those made so far, or the plot `only`)."""
        data = self._doc.dataset
        built = self.plots.built()
        decision, curve, hopfield = (built.get(k) if only in (None, k) else None
                                     for k in ("decision", "curve", "hopfield"))
        if decision is not None:
            if data is not None and data.n_features == 2:
                decision.set_dataset(data.X, data.y)
            else:
                decision.set_dataset(np.empty((0, 2)), None)
        if curve is not None:
            if data is not None and data.y is not None and data.n_features == 1 and len(data):
                curve.set_dataset(data.X[:, 0], data.targets[:, 0])
            else:
                curve.set_dataset(np.empty(0), np.empty(0))
        surface = built.get("surface") if only in (None, "surface") else None
        if surface is not None:  # regression targets over the plane: its RMS error
            fits = data is not None and data.y is not None and data.n_features == 2 and len(data)
            surface.set_dataset(data.X if fits else None, data.targets if fits else None)
        if hopfield is not None:
            if data is not None and data.y is None and len(data) \
                    and np.all(np.isin(data.X[:1000], (-1.0, 1.0))):
                hopfield.set_patterns(data.X)
            else:
                hopfield.set_patterns(np.zeros((0, 0)))

    def _update_unavailable(self) -> None:
        doc = self._doc
        from nnsim.app.plots.applicability import plot_unavailable_reason

        net, rule, data = doc.network, doc.rule_name, doc.training_data()
        for key, plot in self.plots.built().items():  # one made later asks then (_made)
            plot.set_unavailable(plot_unavailable_reason(key, net, rule, data))

    def _show_values(self) -> None:
        view = self.window.view
        if getattr(view, "show_values", None) != self._doc.show_values:
            view.set_show_values(self._doc.show_values)

    def _visible_plots(self) -> tuple[str, ...]:
        return tuple(k for k, dock in self.plot_docks.items() if not dock.isHidden())

    def sync_plots(self) -> None:
        """The plots on view into the document (before saving it)."""
        self._doc.set_plots(self._visible_plots(), by_user=False)

    # ------------------------------------------------------------------ user edits
    def _on_rule_chosen(self, _rule) -> None:
        if self._binding:
            return
        panel = self.rules.current_panel()
        if panel is None:
            self._doc.set_rule(None)
        else:
            self._doc.set_rule(self.rules.current_name(), panel.params(), panel.stop_conditions())

    def _on_params_edited(self, _rule, params: dict) -> None:
        if not self._binding:
            self._doc.set_rule_params(params)

    def _on_stop_edited(self, _rule, stop: dict) -> None:
        if not self._binding:
            self._doc.set_stop(stop)

    def _on_data_edited(self, _dataset) -> None:
        if self._binding:
            return
        spec = self.data.spec()
        if not same_spec(spec, self._doc.dataset_spec):  # not only new one-hot targets
            self._doc.set_dataset(spec, self.data.data_points())

    def _on_show_values_edited(self, on: bool) -> None:
        if not self._binding and self._doc is not None:
            self._doc.set_show_values(on)

    def _plot_dock_toggled(self, _visible: bool) -> None:
        if self.window.isVisible():  # not the window itself closing or not shown yet
            self._docks_timer.start()

    def _on_plot_docks(self) -> None:
        """A plot closed or opened by the user is part of the document."""
        if self._binding or self._doc is None or not self.window.isVisible():
            return
        keys = self._visible_plots()
        if self._doc.plots is None:  # the window's layout as it came up: not an edit
            self._doc.set_plots(keys, by_user=False)
        elif set(keys) != set(self._doc.plots):
            self._doc.set_plots(keys, by_user=True)

    def apply_fix(self, fix: Fix) -> None:
        """What a rule panel's fix button offers: data that fit, or a feed-forward network."""
        doc = self._doc
        if fix.kind == "dataset":
            doc.set_dataset(fix.dataset, make_dataset(fix.dataset), text=fix.text)
        elif fix.kind == "feedforward":
            doc.remove_items(synapse_keys=fix.synapses)

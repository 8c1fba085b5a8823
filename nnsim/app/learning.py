"""The learning side of the window: rule panels, data, plots and lessons in docks, wired to the
engine thread.  The main window owns the canvas and the document; this owns everything that
learns, shows learning, or opens a lesson scene."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from nnsim.app.dialogs import plain_message
from nnsim.app.document import Document, _same_spec
from nnsim.app.lesson_browser import LessonBrowser
from nnsim.app.panels import DEFAULT_STOP, DataPanel, RulesPanel
from nnsim.app.panels.readiness import Fix, trial_problem
from nnsim.app.plots import PLOTS, DecisionPlot
from nnsim.app.plots.applicability import plot_unavailable_reason
from nnsim.engine.lessons import Lesson, LessonFileError
from nnsim.engine.regions import first_layer_lines
from nnsim.engine.rules import RULES
from nnsim.engine.setup import Setup, make_dataset

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
DEFAULT_PLOTS = ("decision", "loss")  # shown on a first run; the others are a click away
MAX_UNIT_LINES = 8  # more first-layer lines than this clutter the decision map
ACCUMULATING = ("weights", "energy", "loss")  # plots that draw a history from every snapshot


def on_view(widget: QWidget) -> bool:
    """Shown and not behind another tab (a tabbed dock stays 'visible' to Qt)."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


class FitWidthScroll(QScrollArea):
    """Scrolls up and down only: it asks for the width its content needs, so the dock is never
    narrower than the panel (no horizontal scroll bar, nothing cut at the right edge)."""

    def minimumSizeHint(self):  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        inner = self.widget().minimumSizeHint().width() if self.widget() is not None else 0
        hint.setWidth(inner + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth())
        return hint


def scrollable(widget: QWidget) -> QScrollArea:
    area = FitWidthScroll()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


class LearningDocks(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.engine = window.engine
        self.lesson: Lesson | None = None
        self.scene_index = 0

        self.rules = RulesPanel()
        self.data = DataPanel()
        self.lessons = LessonBrowser()
        self.plots = {key: (DecisionPlot(keep_points=False) if key == "decision" else cls())
                      for key, cls in PLOTS.items()}
        # Scrollable: a panel taller than the screen must not push the window off it.
        self.rules_dock = window.add_dock("Learning rule", scrollable(self.rules), "rulesDock", RIGHT)
        self.data_dock = window.add_dock("Data", scrollable(self.data), "dataDock", RIGHT)
        # The decision map with the rule and data panels on the right: square, as a plane
        # should be (the bottom row would stretch it); the other plots share the bottom row.
        self.plot_docks = {key: window.add_dock(plot.title, plot, f"plot_{key}_dock",
                                                RIGHT if key == "decision" else BOTTOM)
                           for key, plot in self.plots.items()}
        self._latest = None
        self._progress = (-1, False)
        self._stale: set[str] = set()  # plots that skipped snapshots while out of view
        for key, dock in self.plot_docks.items():
            dock.visibilityChanged.connect(lambda on, key=key: self._came_into_view(key, on))
        self.lessons_dock = window.add_dock("Lessons", self.lessons, "lessonsDock", LEFT)
        self.shown_plots: tuple[str, ...] = ()
        self._arranged: tuple = ()  # the docks last placed by dock_layout, for refit()
        self.raise_plots(DEFAULT_PLOTS)
        self._wire()

    def first_run_layout(self) -> None:
        """The default layout (View > Reset Layout): the scene's plots, or the default ones."""
        self.raise_plots(self.shown_plots or DEFAULT_PLOTS)

    def refit(self) -> None:
        """Shares of a resized window: the plots grow with it, not only the canvas."""
        if self._arranged:
            from nnsim.app.dock_layout import apply_sizes, sizes_for

            w = self.window
            apply_sizes(w, sizes_for(w.width(), w.height()), self.lessons_dock, *self._arranged)

    # ------------------------------------------------------------------ wiring
    def _wire(self) -> None:
        """Panels edit the document; the document's changes reach the panels, plots and engine
        (bind, _on_setup_changed, network_changed)."""
        engine, rules, data = self.engine, self.rules, self.data
        self._doc: Document | None = None
        self._binding = False  # showing a document: panel signals are not user edits
        self._sent_rule: tuple | None = None  # (rule name, ready) as the engine has it
        self._sent_params: dict = {}
        self._sent_stop: dict | None = None
        self._outputs = -1
        decision = self.plots["decision"]
        rules.rule_selected.connect(self._on_rule_chosen)
        rules.params_changed.connect(self._on_params_edited)
        rules.stop_conditions_changed.connect(self._on_stop_edited)
        rules.fix_requested.connect(self.apply_fix)
        rules.train_toggled.connect(lambda _rule, on: engine.play() if on else engine.pause())
        rules.step_requested.connect(lambda _rule: engine.step())
        rules.reset_requested.connect(lambda _rule: engine.reset())
        engine.running_changed.connect(rules.set_running)
        engine.error.connect(self._on_engine_error)
        data.dataset_changed.connect(self._on_data_edited)
        decision.point_added.connect(lambda x, y, label: data.add_point(x, y, label))
        data.drawing_class_changed.connect(decision.set_left_click_class)
        self.plots["hopfield"].state_edited.connect(engine.set_state)
        self.lessons.scene_requested.connect(self.open_scene)
        view = self.window.view
        view.selection_changed.connect(self._on_selection)
        shown = getattr(view, "show_values_changed", None)
        if shown is not None:
            shown.connect(self._on_show_values_edited)
        # A dock closed or opened is looked at once the event is over: a layout moving docks
        # around (Reset Layout) passes through states that are nobody's choice.
        self._docks_timer = QTimer(self)
        self._docks_timer.setSingleShot(True)
        self._docks_timer.setInterval(0)
        self._docks_timer.timeout.connect(self._on_plot_docks)
        for dock in self.plot_docks.values():
            dock.visibilityChanged.connect(self._plot_dock_toggled)
        self.bind(self.window.document)

    def _on_selection(self, names) -> None:
        if names:
            self.plots["activation"].track(names[0])  # its unit and current z
            self.engine.request_snapshot()

    # ------------------------------------------------------------------ the document
    def bind(self, doc: Document) -> None:
        """Show a document: every panel and plot from it, nothing of the previous one left;
        the engine gets its data and rule at once (the window gave it the network)."""
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
            if doc.plots is not None:
                self.raise_plots(doc.plots)
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
                if not _same_spec(self.data.spec(), doc.dataset_spec):
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
        self.rules.set_network(net)
        self.data.set_network(net)  # the drawing classes follow the outputs
        activation = self.plots["activation"]
        for key in ("activation", "matrix"):  # structure from here, not from each snapshot
            self.plots[key].set_network(net)
        if not net.has_neuron(activation.neuron or " ") and net.outputs:
            activation.track(net.outputs[0])  # until the user selects another neuron
        if sync and self._doc is not None:
            outputs = len(net.outputs)
            self._sync(data=outputs != self._outputs)  # one-hot targets follow the outputs

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

    def _show_data_on_plots(self) -> None:
        """The decision plot, the function fit and the Hopfield gallery show the document's
        data, or nothing when they do not fit it."""
        data = self._doc.dataset
        decision, curve, hopfield = (self.plots[k] for k in ("decision", "curve", "hopfield"))
        if data is not None and data.n_features == 2:
            decision.set_dataset(data.X, data.y)
        else:
            decision.set_dataset(np.empty((0, 2)), None)
        if data is not None and data.y is not None and data.n_features == 1 and len(data):
            curve.set_dataset(data.X[:, 0], data.targets[:, 0])
        else:
            curve.set_dataset(np.empty(0), np.empty(0))
        if data is not None and data.y is None and len(data) \
                and np.all(np.isin(data.X[:1000], (-1.0, 1.0))):
            hopfield.set_patterns(data.X)
        else:
            hopfield.set_patterns(np.zeros((0, 0)))

    def _update_unavailable(self) -> None:
        doc = self._doc
        net, rule, data = doc.network, doc.rule_name, doc.training_data()
        for key, plot in self.plots.items():
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
        if not _same_spec(spec, self._doc.dataset_spec):  # not only new one-hot targets
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

    def update_snapshot(self, snapshot) -> None:
        """Plots on screen draw the snapshot; one behind another tab (or closed) draws the latest
        when it comes into view, except the histories, which must see every snapshot."""
        self._latest = snapshot
        for key, plot in self.plots.items():
            if on_view(plot) or key in ACCUMULATING:
                plot.update_snapshot(snapshot)
                self._stale.discard(key)
            else:
                self._stale.add(key)
        progress = (snapshot.epoch, snapshot.done)
        if progress != self._progress:  # the figures change once an epoch: repaint then only
            self._progress = progress
            self.rules.show_progress(snapshot.epoch, dict(snapshot.metrics))

    def _came_into_view(self, key: str, visible: bool) -> None:
        if visible and key in self._stale and self._latest is not None:
            self._stale.discard(key)
            self.plots[key].update_snapshot(self._latest)

    def raise_plots(self, keys) -> None:
        """Show these plots and no others, laid out to fit (nnsim.app.dock_layout): a square one
        beside the rule panel, the rest side by side under the canvas."""
        from nnsim.app.dock_layout import arrange

        keys = tuple(k for k in dict.fromkeys(keys) if k in self.plot_docks)
        self.shown_plots = keys
        tabs = [self.rules_dock, self.data_dock, self.window.inspector_dock]
        self._arranged = arrange(self.window, self.lessons_dock, tabs, self.plot_docks, list(keys))

    def clear_plots(self) -> None:
        """Nothing drawn stays: each plot forgets its run and its data."""
        for plot in self.plots.values():
            plot.clear()

    def fit_plots(self, net) -> None:
        """Per-document plot defaults: unit lines on the decision map only while they are few
        enough to read."""
        self.plots["decision"].set_show_unit_lines(len(first_layer_lines(net)) <= MAX_UNIT_LINES)

    # ------------------------------------------------------------------ lessons
    def open_lesson(self, name_or_index) -> bool:
        """Open a lesson by index in the browser or by name (number, file name or slug)."""
        browser = self.lessons
        if isinstance(name_or_index, int):
            index = name_or_index
        else:
            from nnsim.engine.lessons import find_lesson

            try:
                index = browser.select_by_id(find_lesson(name_or_index).id)
            except LessonFileError as exc:
                self.window.show_error("No such lesson", plain_message(str(exc)),
                                       advice="Choose a lesson in the Lessons menu.")
                return False
        if not 0 <= index < len(browser.lessons):
            return False
        browser.show_lesson(index)
        return self.open_scene(browser.lessons[index], 0)

    def open_scene(self, lesson: Lesson, index: int) -> bool:
        """Replace the document with a lesson scene (asking first about unsaved work), then set
        its data, rule, plots and speed."""
        window = self.window
        if not window.files.maybe_discard():
            return False
        scene = lesson.scenes[index]
        self.lesson, self.scene_index = lesson, index
        browser = self.lessons
        shown = browser.current
        if shown is None or shown.id != lesson.id or browser.scene_index != index:
            browser.show_lesson(browser.select_by_id(lesson.id), index)  # -1: not listed, kept
        net = scene.network.copy()
        if not net.name:
            net.name = f"{lesson.title}: {scene.title}"
        spec = scene.dataset
        try:
            scene.make_dataset()
        except (LessonFileError, ValueError) as exc:
            window.show_error("The lesson's data could not be made",
                              f"{exc}. The lesson opens without data; choose data in the Data "
                              "panel.")
            spec = None
        setup = Setup(dataset=spec, rule=scene.rule,
                      stop={**DEFAULT_STOP, **(scene.stop or {})},
                      plots=tuple(scene.plots))  # exactly the scene's plots
        binding, self._binding = self._binding, True  # the lesson's layout is not an edit
        try:
            window.set_document(Document(net, setup=setup))  # binds the panels, plots, engine
            window.setWindowTitle(f"{lesson.number}. {lesson.title} — {scene.title}[*] — nnsim")
            self.engine.set_schedule(list(scene.inputs))
            start = scene.start_state() if scene.start else None
            if start is not None:
                self.engine.set_state(start)
            window.run.set_speed(scene.steps_per_frame)  # the speed box shows it too
        finally:
            self._binding = binding
        window.status.showMessage(f"Lesson {lesson.number}: {scene.title}", 8000)
        return True

    def save_scene_as_lesson(self) -> None:
        """Save the document, the data, the rule and the plots on view as a lesson file."""
        from PySide6.QtWidgets import QFileDialog, QInputDialog

        from nnsim.engine.lessons import save_lesson

        window = self.window
        title, ok = QInputDialog.getText(window, "Save scene as lesson", "Lesson title:",
                                         text=window.document.network.name or "My lesson")
        if not ok or not title.strip():
            return
        path, _ = QFileDialog.getSaveFileName(window, "Save lesson", f"{title.strip()}.json",
                                              "nnsim lessons (*.json)",
                                              options=QFileDialog.Option.DontUseNativeDialog)
        if not path:
            return
        try:
            save_lesson(path, *self.scene_as_lesson(title.strip()))
        except OSError as exc:
            window.show_error("The lesson could not be saved", f"{path}: {exc.strerror or exc}.",
                              advice="Choose another folder or file name.")
            return
        window.status.showMessage(f"Saved lesson {path}", 5000)

    def scene_as_lesson(self, title: str) -> tuple[dict, list[dict]]:
        """(meta, scenes) for the current document: network, dataset, rule, stop conditions and
        the plots on view, in the schema a network file uses too (engine/setup.py)."""
        from nnsim.engine.lessons import scene_to_dict
        from nnsim.engine.setup import dataset_to_json

        doc = self.window.document
        scene = scene_to_dict(title, doc.network, dataset_to_json(doc.dataset_spec), doc.rule,
                              list(self._visible_plots()), steps=1000, steps_per_frame=1,
                              stop=dict(doc.stop))
        meta = {"number": 100, "title": title, "summary": "", "explanation": "",
                "formula": "", "try": []}
        return meta, [scene]

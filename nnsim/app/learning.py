"""The learning side of the window: rule panels, data, plots and lessons in docks, wired to the
engine thread.  The main window owns the canvas and the document; this owns everything that
learns, shows learning, or opens a lesson scene."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from nnsim.app.document import Document
from nnsim.app.lesson_browser import LessonBrowser
from nnsim.app.panels import DEFAULT_STOP, DataPanel, RulesPanel
from nnsim.app.plots import PLOTS, DecisionPlot
from nnsim.engine.datasets import Dataset
from nnsim.engine.lessons import Lesson, LessonFileError
from nnsim.engine.regions import first_layer_lines

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
        engine, rules, data = self.engine, self.rules, self.data
        decision = self.plots["decision"]
        rules.rule_selected.connect(self._set_rule)
        rules.params_changed.connect(lambda _rule, params: engine.set_rule_params(params))
        rules.stop_conditions_changed.connect(
            lambda _rule, stop: engine.set_stop_conditions(stop))
        rules.train_toggled.connect(lambda _rule, on: engine.play() if on else engine.pause())
        rules.step_requested.connect(lambda _rule: engine.step())
        rules.reset_requested.connect(lambda _rule: engine.reset())
        engine.running_changed.connect(rules.set_running)
        data.dataset_changed.connect(self._set_dataset)
        decision.point_added.connect(lambda x, y, label: data.add_point(x, y, label))
        data.drawing_class_changed.connect(decision.set_left_click_class)
        self.plots["hopfield"].state_edited.connect(engine.set_state)
        self.lessons.scene_requested.connect(self.open_scene)
        self.window.view.selection_changed.connect(self._on_selection)

    def _on_selection(self, names) -> None:
        if names:
            self.plots["activation"].track(names[0])  # its unit and current z
            self.engine.request_snapshot()

    def _set_rule(self, rule) -> None:
        net = self.window.document.network
        if rule is not None and not rule.applies_to(net):
            rule = None  # the panel says why; the engine steps the network's own dynamics
        self.engine.set_rule(rule)
        self.engine.set_stop_conditions(self.rules.current_panel().stop_conditions()
                                        if self.rules.current_panel() else {})

    def _set_dataset(self, dataset: Dataset | None) -> None:
        self.engine.set_dataset(dataset)
        self.rules.set_dataset(dataset)
        if dataset is not None and dataset.y is not None and dataset.n_features == 2:
            y = dataset.y if dataset.y.ndim == 1 else dataset.y.argmax(axis=1)
            self.plots["decision"].set_dataset(dataset.X, y)
        elif dataset is not None and dataset.n_features == 2:
            self.plots["decision"].set_dataset(dataset.X, None)
        if dataset is not None and dataset.y is None and set(
                map(float, dataset.X.ravel()[:1000])) <= {-1.0, 1.0}:
            self.plots["hopfield"].set_patterns(dataset.X)
        if dataset is not None and dataset.y is not None and dataset.n_features == 1:
            self.plots["curve"].set_dataset(dataset.X[:, 0], dataset.targets[:, 0])

    def network_changed(self, net) -> None:
        self.rules.set_network(net)
        self.data.set_network(net)
        activation = self.plots["activation"]
        for key in ("activation", "matrix"):  # structure from here, not from each snapshot
            self.plots[key].set_network(net)
        if not net.has_neuron(activation.neuron or " ") and net.outputs:
            activation.track(net.outputs[0])  # until the user selects another neuron

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
        from nnsim.app.dock_layout import arrange, split_plots

        keys = tuple(k for k in dict.fromkeys(keys) if k in self.plot_docks)
        self.shown_plots = keys
        tabs = [self.rules_dock, self.data_dock, self.window.inspector_dock]
        square, bottom = split_plots(keys)
        arrange(self.window, self.lessons_dock, tabs, self.plot_docks, list(keys))
        column = [self.plot_docks[square]] if square is not None else []
        self._arranged = ([d for d in tabs if not d.isFloating()][:1], column,
                          [self.plot_docks[k] for k in bottom])

    def clear_plots(self) -> None:
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
                self.window.show_error("No such lesson", str(exc))
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
        window.set_document(Document(net))
        window.setWindowTitle(f"{lesson.number}. {lesson.title} — {scene.title}[*] — nnsim")
        try:
            dataset = scene.make_dataset()
        except (LessonFileError, ValueError) as exc:
            window.show_error("The lesson's data could not be made", str(exc))
            dataset = None
        if scene.dataset is not None and "generator" in scene.dataset:
            self.data.set_generator(scene.dataset["generator"], **scene.dataset.get("params", {}))
        elif dataset is not None:
            self.data.set_dataset(dataset, "lesson")
        else:
            self._set_dataset(None)
        self.engine.set_schedule(list(scene.inputs))
        if scene.rule is not None:
            self.rules.select_rule(scene.rule["name"])
            panel = self.rules.current_panel()
            panel.set_params(scene.rule.get("params", {}))
            panel.set_stop_conditions({**DEFAULT_STOP, **(scene.stop or {})})
            self._set_rule(panel.rule())
        else:
            self.engine.set_rule(None)
        start = scene.start_state() if scene.start else None
        if start is not None:
            self.engine.set_state(start)
        window.run.set_speed(scene.steps_per_frame)  # the speed box shows it too
        self.raise_plots(scene.plots or DEFAULT_PLOTS)
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
            window.show_error("The lesson could not be saved", f"{path}: {exc}")
            return
        window.status.showMessage(f"Saved lesson {path}", 5000)

    def scene_as_lesson(self, title: str) -> tuple[dict, list[dict]]:
        """(meta, scenes) for the current scene: network, dataset, rule, visible plots."""
        from nnsim.engine.lessons import scene_to_dict

        data = self.data.dataset()
        dataset = None
        if data is not None:
            dataset = {"X": data.X.tolist(), "name": data.name}
            if data.y is not None:
                dataset["y"] = data.y.tolist()
        panel = self.rules.current_panel()
        rule = None
        if panel is not None and panel.is_applicable():
            rule = {"name": self.rules.current_name(), "params": panel.params()}
        plots = [key for key, dock in self.plot_docks.items() if not dock.isHidden()]
        scene = scene_to_dict(title, self.window.document.network, dataset, rule, plots,
                              steps=1000, steps_per_frame=1)
        meta = {"number": 100, "title": title, "summary": "", "explanation": "",
                "formula": "", "try": []}
        return meta, [scene]

"""The learning side of the window: rule panels, data, plots and lessons in docks, wired to the
engine thread.  The main window owns the canvas and the document; this owns everything that
learns, shows learning, or opens a lesson scene."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from nnsim.app.dialogs import plain_message
from nnsim.app.doc_binding import DocumentBinding
from nnsim.app.document import Document
from nnsim.engine.lessons import Lesson, LessonFileError
from nnsim.engine.setup import DEFAULT_STOP, Setup

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
DEFAULT_PLOTS = ("decision", "loss")  # shown on a first run; the others are a click away
MAX_UNIT_LINES = 8  # more first-layer lines than this clutter the decision map
ACCUMULATING = ("weights", "energy", "loss")  # plots that draw a history from every snapshot
# Every plot's key and title (nnsim.app.plots.PLOTS, whose modules are imported when the first
# plot is made): the plot docks exist, titled, before any plot does.
PLOT_TITLES = {"decision": "Decision regions", "curve": "Function fit", "loss": "Loss and accuracy",
               "weights": "Weights", "energy": "Energy", "activation": "Activation",
               "hopfield": "Hopfield state", "matrix": "Weight matrix",
               "raster": "Raster (firing over time)", "surface": "Output surface",
               "layers": "Layer view", "landscape": "Loss landscape"}
PANELS = ("rules", "data", "lessons", "plots")  # LearningDocks' contents, made by fill()
# The least size of each dock's contents (at the default font), given to the empty docks of a
# window painted before they are filled (fill=False), so that they are in their final places and
# sizes when it is first painted and nothing moves when they are filled.  Measured;
# tests/app/test_startup_lazy.py checks them against the contents.
FRAME_MINIMUMS = {"rulesDock": (398, 68), "dataDock": (371, 68), "lessonsDock": (268, 112),
                  "decision": (299, 294), "curve": (269, 271), "loss": (314, 271),
                  "weights": (270, 271), "energy": (269, 225), "activation": (269, 271),
                  "hopfield": (198, 55), "matrix": (280, 226)}


def frame(name: str) -> QWidget:
    """An empty dock's contents, as large as the contents it stands for at least."""
    widget = QWidget()
    widget.setMinimumSize(*FRAME_MINIMUMS.get(name, (0, 0)))
    return widget


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


class LazyPlots(Mapping):
    """key -> PlotPanel for every plot in PLOTS, each made the first time it is needed: read
    (`plots[key]`, or iterating the mapping's values or items), or its dock shown.  Start-up
    makes only the plots on screen.  `built()` gives the plots made so far, for the updates that
    a plot made later catches up on (LearningDocks._made)."""

    def __init__(self, make: Callable[[str], QWidget],
                 made: Callable[[str, QWidget], None]) -> None:
        self._make, self._made = make, made
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str):
        plot = self._built.get(key)
        if plot is None:
            if key not in PLOT_TITLES:
                raise KeyError(key)
            plot = self._built[key] = self._make(key)
            self._made(key, plot)  # listed first: what it catches up on may read it
        return plot

    def __iter__(self) -> Iterator[str]:
        return iter(PLOT_TITLES)

    def __len__(self) -> int:
        return len(PLOT_TITLES)

    def is_built(self, key: str) -> bool:
        return key in self._built

    def built(self) -> dict[str, QWidget]:
        return dict(self._built)


def scrollable(widget: QWidget) -> QScrollArea:
    area = FitWidthScroll()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


class LearningDocks(DocumentBinding, QObject):
    """The docks; DocumentBinding (doc_binding.py) keeps them and the engine in step with the
    document."""

    docks_filled = Signal()  # fill() made the panels (the Lessons menu lists the lessons then)

    def __init__(self, window, fill: bool = True) -> None:
        """fill=False: the docks are made empty, in their places and titled; their contents
        (the rule, data and lesson panels, the plots) are made by `fill()`, which the app calls
        once its window is painted.  Reading `rules`, `data`, `lessons` or `plots` fills them
        at once, so nothing else needs to know."""
        super().__init__(window)
        self.window = window
        self.engine = window.engine
        self.lesson: Lesson | None = None
        self.scene_index = 0
        self._filled = self._filling = False
        self._lesson_list: list[Lesson] | None = None

        # Scrollable (once filled): a panel taller than the screen must not push the window
        # off it.
        self.rules_dock = window.add_dock("Learning rule", frame("rulesDock"), "rulesDock", RIGHT,
                                          tabbed=False)
        self.data_dock = window.add_dock("Data", frame("dataDock"), "dataDock", RIGHT,
                                         tabbed=False)
        # The decision map with the rule and data panels on the right: square, as a plane
        # should be (the bottom row would stretch it); the other plots share the bottom row.
        # Each plot dock holds an empty widget until its plot is first needed (LazyPlots).
        self.plot_docks = {key: window.add_dock(title, frame(key), f"plot_{key}_dock",
                                                RIGHT if key == "decision" else BOTTOM,
                                                tabbed=False)  # dock_layout places them
                           for key, title in PLOT_TITLES.items()}
        self._doc: Document | None = None
        self._pending: Document | None = None  # the document to bind once filled
        self._tracked: str | None = None  # the neuron selected last: the activation plot's
        self._drawing_class: int | None = None  # the Data panel's class for left clicks
        self._latest = None
        self._progress = (-1, False)
        self._stale: set[str] = set()  # plots that skipped snapshots while out of view
        for key, dock in self.plot_docks.items():
            dock.visibilityChanged.connect(lambda on, key=key: self._came_into_view(key, on))
        self.lessons_dock = window.add_dock("Lessons", frame("lessonsDock"), "lessonsDock", LEFT)
        self.shown_plots: tuple[str, ...] = ()
        self.layer_view_spec = None  # what the layer view plot asks the engine for (None: nothing)
        self.landscape_spec = None  # what the loss landscape plot asks for (None: nothing)
        self.race_spec = None  # its race (None: none)
        self._arranged: tuple = ()  # the docks last placed by dock_layout, for refit()
        # A dock closed or opened is looked at once the event is over: a layout moving docks
        # around (Reset Layout) passes through states that are nobody's choice.
        self._docks_timer = QTimer(self)
        self._docks_timer.setSingleShot(True)
        self._docks_timer.setInterval(0)
        self._docks_timer.timeout.connect(self._on_plot_docks)
        for dock in self.plot_docks.values():
            dock.visibilityChanged.connect(self._plot_dock_toggled)
        self.raise_plots(DEFAULT_PLOTS)
        if fill:
            self.fill()
        elif getattr(window, "document", None) is not None:
            self.bind(window.document)  # its plots' docks now; the rest once filled

    def __getattr__(self, name: str):
        """The contents, made on first use (see __init__)."""
        if name in PANELS and not self.__dict__.get("_filling", True):
            self.fill()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def filled(self) -> bool:
        return self._filled

    def fill(self) -> None:
        """Make the docks' contents, show the document in them, and list the lessons."""
        if self._filled or self._filling:
            return
        self._filling = True
        try:
            from nnsim.app.lesson_browser import LessonBrowser
            from nnsim.app.panels import DataPanel, RulesPanel

            self.rules = RulesPanel()
            self.data = DataPanel()
            self.lessons = LessonBrowser()
            self.plots = LazyPlots(self._make_plot, self._made)
            for dock, widget in ((self.rules_dock, scrollable(self.rules)),
                                 (self.data_dock, scrollable(self.data)),
                                 (self.lessons_dock, self.lessons)):
                placeholder = dock.widget()
                dock.setWidget(widget)
                if placeholder is not None:
                    placeholder.deleteLater()
            self._filled = True
        finally:
            self._filling = False
        self._keep_layout = True  # the docks were laid out for this document already
        try:
            self._wire()  # binds the document
        finally:
            self._keep_layout = False
        for key in self.shown_plots:
            self.plots[key]  # noqa: B018 - the plots on view, should the document name none
        if self.lesson is not None:
            browser = self.lessons
            browser.show_lesson(browser.select_by_id(self.lesson.id), self.scene_index)
        self.docks_filled.emit()

    def _first_lesson(self) -> Lesson | None:
        """The first lesson in the browser's order, loading only it (and any broken one before
        it): the lessons' numbers are read from their files' JSON without checking the rest."""
        from nnsim.engine.lessons import lesson_number, lesson_paths, load_lesson

        def order(path):  # read safely: a FIFO or a device among the lessons is refused at once
            return (lesson_number(path), path.stem)

        for path in sorted(lesson_paths(), key=order):
            try:
                return load_lesson(path)
            except LessonFileError:
                continue  # the browser reports it once it is made
        return None

    def lesson_list(self) -> list[Lesson]:
        """The lessons in the browser's order (the browser's own list once it is made)."""
        if self._filled:
            return self.lessons.lessons
        if self._lesson_list is None:
            from nnsim.engine.lessons import lesson_paths, load_lesson

            lessons = []
            for path in lesson_paths():
                try:
                    lessons.append(load_lesson(path))
                except LessonFileError:
                    pass  # the browser reports it once it is made
            self._lesson_list = sorted(lessons, key=lambda lesson: (lesson.number, lesson.id))
        return self._lesson_list

    def _make_plot(self, key: str) -> QWidget:
        """The plot `key` in its dock, wired, and showing the document as it is now."""
        from nnsim.app.plots import PLOTS, DecisionPlot

        plot = DecisionPlot(keep_points=False) if key == "decision" else PLOTS[key]()
        dock = self.plot_docks[key]
        placeholder = dock.widget()
        dock.setWidget(plot)
        if placeholder is not None:
            placeholder.deleteLater()
        from nnsim.app.keyboard import name_plot

        name_plot(plot, dock.windowTitle())  # screen readers; a focus ring on its drawing
        if key == "decision":
            plot.point_added.connect(lambda x, y, label: self.data.add_point(x, y, label))
            self.data.drawing_class_changed.connect(plot.set_left_click_class)
            if self._drawing_class is not None:
                plot.set_left_click_class(self._drawing_class)
        elif key == "hopfield":
            plot.state_edited.connect(self.engine.set_state)
        elif key == "layers":  # the engine computes the layer view only while it is shown
            plot.spec_changed.connect(self._ask_layer_view)
            plot.announce()
        elif key == "landscape":  # computed in the engine only while shown; races run there
            plot.synapses_provider = self.window.view.selected_synapses
            plot.spec_changed.connect(self._ask_landscape)
            plot.race_changed.connect(self._ask_race)
            plot.announce()
        return plot

    def _ask_landscape(self, spec) -> None:
        """The landscape plot's wish (an engine LandscapeSpec, None while hidden), to the
        engine; kept for a recording's own simulation (record_cli)."""
        self.landscape_spec = spec
        self.engine.set_landscape(spec)

    def _ask_race(self, spec) -> None:
        """A race (an engine RaceSpec) or None: the engine's steps run it while it is set."""
        self.race_spec = spec
        self.engine.set_race(spec)

    def _ask_layer_view(self, spec) -> None:
        """The layer view plot's wish (an engine LayerViewSpec, None while hidden), to the
        engine; kept for a recording's own simulation (record_cli)."""
        self.layer_view_spec = spec
        self.engine.set_layer_view(spec)

    def lay_out(self) -> None:
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
        self._binding = False  # showing a document: panel signals are not user edits
        self._sent_rule: tuple | None = None  # (rule name, ready) as the engine has it
        self._sent_params: dict = {}
        self._sent_stop: dict | None = None
        self._outputs = -1
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
        data.drawing_class_changed.connect(lambda i: setattr(self, "_drawing_class", i))
        self.lessons.scene_requested.connect(self.open_scene)
        view = self.window.view
        view.selection_changed.connect(self._on_selection)
        shown = getattr(view, "show_values_changed", None)
        if shown is not None:
            shown.connect(self._on_show_values_edited)
        self.bind(self._pending or self.window.document)
        self._pending = None

    def _on_selection(self, names) -> None:
        if names:
            self._tracked = names[0]
            if self._filled and self.plots.is_built("activation"):
                self.plots["activation"].track(names[0])  # its unit and current z
            self.engine.request_snapshot()

    def update_snapshot(self, snapshot) -> None:
        """Plots on screen draw the snapshot; one behind another tab (or closed) draws the latest
        when it comes into view, except the histories, which must see every snapshot (they are
        made at the first snapshot if they were not yet); a plot not made yet draws the latest
        when it is made."""
        for key in ACCUMULATING:  # made now (before the snapshot is the latest: drawn once)
            self.plots[key]  # noqa: B018 - a history starts with the run
        self._latest = snapshot
        for key, plot in self.plots.built().items():
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
        if not self._filled:
            return  # fill() makes the plots on view
        if visible and not self.plots.is_built(key):
            self.plots[key]  # noqa: B018 - made as its dock is shown; it draws the latest
            return
        if visible and key in self._stale and self._latest is not None:
            self._stale.discard(key)
            self.plots[key].update_snapshot(self._latest)

    def raise_plots(self, keys) -> None:
        """Show these plots and no others, laid out to fit (nnsim.app.dock_layout): a square one
        beside the rule panel, the rest side by side under the canvas."""
        from nnsim.app.dock_layout import arrange

        keys = tuple(k for k in dict.fromkeys(keys) if k in self.plot_docks)
        self.shown_plots = keys
        for key in keys if self._filled else ():
            self.plots[key]  # noqa: B018 - made before the layout measures its dock
        tabs = [self.rules_dock, self.data_dock, self.window.inspector_dock]
        steps = getattr(self.window, "backprop_steps", None)  # a scene stepping through backprop
        if steps is not None:
            if steps.wanted:
                tabs.insert(0, steps.dock)  # in front
            else:
                steps.dock.hide()
        self._arranged = arrange(self.window, self.lessons_dock, tabs, self.plot_docks, list(keys))

    def clear_plots(self) -> None:
        """Nothing drawn stays: each plot forgets its run and its data."""
        for plot in self.plots.built().values():  # one made later starts empty
            plot.clear()

    def fit_plots(self, net) -> None:
        """Per-document plot defaults: unit lines on the decision map only while they are few
        enough to read, and none where a first-layer unit is a linear hidden unit (its line
        z = 0 bounds nothing: the network stays linear through it, lesson 9)."""
        if self.plots.is_built("decision"):
            from nnsim.engine.regions import first_layer_lines

            lines = first_layer_lines(net)
            linear = any(net.neuron(name).role == "hidden" and net.neuron(name).activation == "linear"
                         for name, *_ in lines)
            self.plots["decision"].set_show_unit_lines(len(lines) <= MAX_UNIT_LINES and not linear)

    # ------------------------------------------------------------------ lessons
    def open_lesson(self, name_or_index) -> bool:
        """Open a lesson by index in the browser or by name (number, file name or slug)."""
        if isinstance(name_or_index, int) and name_or_index == 0 and not self._filled:
            lesson = self._first_lesson()  # as the app starts: not every lesson loaded yet
            if lesson is None:
                return False
        elif isinstance(name_or_index, int):
            index = name_or_index
            lessons = self.lesson_list()  # the browser's list, or the same before it is made
            if not 0 <= index < len(lessons):
                return False
            lesson = lessons[index]
        else:
            from nnsim.engine.lessons import find_lesson

            try:
                lesson = find_lesson(name_or_index)
            except LessonFileError as exc:
                self.window.show_error("No such lesson", plain_message(str(exc)),
                                       advice="Choose a lesson in the Lessons menu.")
                return False
        if self._filled:
            browser = self.lessons
            browser.show_lesson(browser.select_by_id(lesson.id))
        return self.open_scene(lesson, 0)

    def open_scene(self, lesson: Lesson, index: int) -> bool:
        """Replace the document with a lesson scene (asking first about unsaved work), then set
        its data, rule, plots and speed."""
        window = self.window
        if not window.files.maybe_discard():
            return False
        scene = lesson.scenes[index]
        try:
            network = scene.network  # a builder's network is built on first use
        except LessonFileError as exc:
            window.show_error("The lesson's network could not be made",
                              plain_message(str(exc)),
                              advice="Choose another lesson, or correct the lesson file.")
            return False
        self.lesson, self.scene_index = lesson, index
        if self._filled:  # else fill() shows the lesson in the browser
            browser = self.lessons
            shown = browser.current
            if shown is None or shown.id != lesson.id or browser.scene_index != index:
                browser.show_lesson(browser.select_by_id(lesson.id), index)  # -1: not listed
        net = network.copy()
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
        steps = getattr(window, "backprop_steps", None)
        if steps is not None:  # laid out with the scene's docks (raise_plots)
            steps.wanted = scene.backprop_steps is not None
        try:
            document = Document(net, setup=setup)
            window.caption.set_scene(lesson, index, net, document)  # before the layout is made
            window.set_document(document)  # binds the panels, plots, engine
            window.view.show_readout(scene.readout)  # the scene's read-out, until the pointer moves
            window.setWindowTitle(f"{lesson.number}. {lesson.title} — {scene.title}[*] — nnsim")
            self.engine.set_schedule(list(scene.inputs))
            start = scene.start_state() if scene.start else None
            if start is not None:
                self.engine.set_state(start)
                if "hopfield" in scene.plots:  # its Noise button adds as much as the scene did
                    self.plots["hopfield"].set_noise(float(scene.start.get("noise", 0.1)))
            window.run.set_speed(scene.steps_per_frame)  # the speed box shows it too
            if "landscape" in scene.plots or self.race_spec is not None:
                self.plots["landscape"].apply_scene(getattr(scene, "landscape", None) or {})
            if steps is not None and scene.backprop_steps is not None:
                steps.open(**scene.backprop_steps)
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
            window.show_file_error("The lesson could not be saved", path, exc)
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

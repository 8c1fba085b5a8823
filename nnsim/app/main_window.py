"""The main window: canvas in the centre, docks around it, menus, toolbar, status bar.

It wires the document to the engine thread: every document change sends a copy of the network
to the worker; every snapshot is drawn, then acknowledged so the worker may send the next.
When a run pauses, the learned weights come back into the document as one undoable
"Training" step.  The GUI thread never waits on the engine.
"""
from __future__ import annotations

import gc
import os
import time

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QProxyStyle,
    QStyle,
    QToolBar,
    QWidget,
)

from nnsim import __version__
from nnsim.app.dialogs import WindowDialogs, plain_message
from nnsim.app.document import Document
from nnsim.app.engine_thread import EngineThread, start_after_first_paint
from nnsim.app.file_actions import FileActions
from nnsim.app.help import about_text, shortcuts_dialog
from nnsim.app.recovery import Recovery
from nnsim.app.run_controls import RunControls
from nnsim.app.settings import make_settings, settings_dir
from nnsim.app.status import StatusBar
from nnsim.engine.network import Network
from nnsim.engine.simulation import merge_learning

STATUS_INTERVAL = 0.25  # seconds between status-bar updates while running
MAPS_KEY = "view/neuron_maps"  # View > Neuron Maps, remembered between sessions


def _local_files(mime) -> list[str]:
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []


class PlainSeparators(QProxyStyle):
    """The application's style, with dock separators drawn as plain window background."""

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802
        if element == QStyle.PrimitiveElement.PE_IndicatorDockWidgetResizeHandle:
            painter.fillRect(option.rect, option.palette.window())
            return
        super().drawPrimitive(element, option, painter, widget)


def _canvas():
    from nnsim.app.canvas import NetworkView, NeuronInspector

    return NetworkView, NeuronInspector


class MainWindow(WindowDialogs, QMainWindow):
    def __init__(self, document: Document | None = None, settings=None,
                 engine_after_paint: bool = True, fill_docks: bool = True) -> None:
        """engine_after_paint: start the engine once the window is painted (start-up is faster:
        its process does not compete with the window's); False: at once (headless recording,
        whose frames must not depend on when the engine's process starts).
        fill_docks=False: the learning docks are made empty, titled and in their places, and
        filled by `self.learning.fill()` (the app calls it once the window is painted; reading
        their panels fills them at once too)."""
        super().__init__()
        self.settings = settings if settings is not None else make_settings()
        from nnsim.app import theme

        theme.restore(self.settings)  # View > Theme and Palette as last chosen: built in them
        self.setObjectName("nnsimMainWindow")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        # Docks take their places at once: a lesson's layout animated in over a few frames, so
        # what a recording or a test saw first depended on how busy the machine was.
        self.setAnimated(False)
        # Plain dock separators: the style's dotted grip came and went with the separator's
        # hover state, so two recordings of one lesson could differ by those few pixels.  A
        # proxy style of the window's own (a style sheet would restyle every widget in it).
        self._separator_style = PlainSeparators()
        self.setStyle(self._separator_style)
        self.document: Document | None = None
        self.view = None
        self.inspector = None
        self._docks: dict[str, QDockWidget] = {}
        self._error_box: QMessageBox | None = None
        self._write_back_pending = False
        self._status_shown = 0.0  # when the simulation's figures were last put in the status bar
        self.last_error = ""

        self.engine = EngineThread(self, start=not engine_after_paint)
        self._awaiting_paint = False
        self._ack_fallback = QTimer(self)
        self._ack_fallback.setSingleShot(True)
        self._ack_fallback.setInterval(16)  # a frame that changed nothing on the canvas
        self._ack_fallback.timeout.connect(self._acknowledge)
        self.engine.snapshot_ready.connect(self._on_snapshot)
        self.engine.running_changed.connect(self._on_running)
        self.engine.error.connect(self._on_engine_error)
        self.recovery = Recovery(settings_dir(), self)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.files = FileActions(self)
        self.run = RunControls(self, self.engine)

        self.inspector_dock: QDockWidget | None = None
        self.set_document(document or Document())
        self._build_menus()
        theme.add_menus(self)  # View > Theme, View > Palette
        self._build_toolbars()
        from nnsim.app.caption import install as install_caption

        self.caption_bar = install_caption(self)  # a lesson scene's title, claim and figures
        self.caption = self.caption_bar.caption
        from nnsim.app.learning import LearningDocks

        self.learning = LearningDocks(self, fill=fill_docks)
        self.learning.network_changed(self.document.network)
        self._fill_lessons_menu()
        self._add_recording_and_export()
        from nnsim.app.backprop_steps import install as install_backprop_steps

        self.backprop_steps = install_backprop_steps(self)  # Simulation > Backprop Step by Step
        from nnsim.app.keyboard import install as install_keyboard

        install_keyboard(self)  # F6 through the panels, Enter/F2 to the inspector, focus rings
        self.resize(1280, 800)
        self.restore_layout()
        from nnsim.app.run_cue import RunCue

        self.run_cue = RunCue(self)  # until first run: "Press Space or ▶ Play to run"
        from nnsim.app.presenter import Presenter

        self.presenter = Presenter(self)  # View > Presenter Mode (F5), Esc leaves
        if engine_after_paint:
            start_after_first_paint(self.engine, self)
        # The window and the document's canvas items live long: leave them out of the garbage
        # collector's full passes, which otherwise stall a frame while a run makes short-lived
        # objects every frame (measured, 20,300-synapse network: 47-59 ms, frozen 2-9 ms).
        gc.freeze()

    # ------------------------------------------------------------------ docks
    def add_dock(self, title: str, widget: QWidget, name: str,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
                 tabbed: bool = True) -> QDockWidget:
        """A movable, floatable, closable dock, listed in View > Panels and remembered by name.
        Docks added to the same area after the first are tabbed with it, unless `tabbed` is
        False (docks that dock_layout places: a tab group made here and undone there left its
        tab bar on screen, empty of docks)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState/restoreState find docks by object name
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        same_area = [d for d in self._docks.values() if self.dockWidgetArea(d) == area]
        self.addDockWidget(area, dock)
        if same_area and tabbed:
            self.tabifyDockWidget(same_area[0], dock)
        self._docks[name] = dock
        dock.setAccessibleName(title)  # what a screen reader announces (keyboard.py)
        if hasattr(self, "panels_menu"):
            self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    # ------------------------------------------------------------------ the document
    def set_document(self, document: Document) -> None:
        """Show a document on the canvas and inspector; the engine starts over on it."""
        NetworkView, NeuronInspector = _canvas()
        if self.document is not None:
            self.recovery.discard()  # the previous document was saved or given up on purpose
        self.document = document
        if hasattr(self, "caption"):
            self.caption.document_shown(document)  # a lesson scene's, or none (cleared)
        if self.view is None:
            self.view = NetworkView(document)
            self.view.setObjectName("canvas")
            self.view.viewport().installEventFilter(self)
            self.setCentralWidget(self.view)
            # View > Neuron Maps: remembered; the engine computes no maps while it is off
            self.view.set_show_maps(self.settings.value(MAPS_KEY, True) not in
                                    (False, "false", "0", 0))
            self.engine.set_canvas_maps(self.view.show_maps)
            self.view.show_maps_changed.connect(self._on_show_maps)
            self.view.neuron_map_clicked.connect(self.show_neuron_map)
        else:
            self.view.set_document(document)
        if self.inspector is not None and hasattr(self.inspector, "set_document"):
            self.inspector.set_document(document)
        else:
            old = self.inspector
            self.inspector = NeuronInspector(document)
            if self.inspector_dock is None:
                self.inspector_dock = self.add_dock("Inspector", self.inspector, "inspectorDock")
            self.inspector_dock.setWidget(self.inspector)
            self.view.selection_changed.connect(self.inspector.set_selection)
            if old is not None:
                self.view.selection_changed.disconnect(old.set_selection)
                old.deleteLater()
        document.changed.connect(self._on_document_changed)
        document.dirty_changed.connect(self._update_title)
        document.path_changed.connect(lambda _path: self._update_title())
        self.recovery.watch(document)
        self._write_back_pending = False
        self.engine.pause()
        self.engine.set_network(document.network)
        self.engine.reset()
        if hasattr(self, "_tool_bar"):
            self._refresh_canvas_actions()
        self._update_title()
        self.status.show_network(document.network)
        if hasattr(self, "learning"):  # a later document (the first is frozen by __init__)
            # Panels, plots and the engine's data and rule from the document; nothing of the
            # previous document's run stays on view.
            self.learning.bind(document)
            gc.freeze()  # see __init__

    def _on_document_changed(self) -> None:
        net = self.document.network
        self.engine.set_network(net)  # a copy: learning continues on the edited network
        self.status.show_network(net)
        self.learning.network_changed(net)

    def _on_show_maps(self, on: bool) -> None:
        self.settings.setValue(MAPS_KEY, bool(on))
        self.engine.set_canvas_maps(on)

    def show_neuron_map(self, name: str) -> None:
        """Neuron `name`'s map large in the decision plot (its dock shown and raised); the only
        output's map is the plot's own output map."""
        learning = getattr(self, "learning", None)
        if learning is None:
            return
        dock = learning.plot_docks["decision"]
        if "decision" not in learning.shown_plots or dock.isHidden():
            learning.raise_plots(learning.shown_plots + ("decision",))
        plot = learning.plots["decision"]
        outputs = self.document.network.outputs
        plot.show_neuron("output" if outputs == [name] else name)
        dock.show()
        dock.raise_()

    def _update_title(self, *_args) -> None:
        self.setWindowTitle(f"{self.document.display_name()}[*] — nnsim")
        self.setWindowModified(self.document.is_dirty)

    # ------------------------------------------------------------------ the engine
    def _on_snapshot(self, snapshot, steps_per_second: float) -> None:
        try:
            self.view.apply_snapshot(snapshot)
            self.learning.update_snapshot(snapshot)
            self.caption.update_snapshot(snapshot)
            self.recording.capture()  # while recording: this frame, before the worker steps on
            note = snapshot.message or ("finished: more steps change nothing"
                                        if snapshot.done else "")
            now = time.monotonic()
            if not self.engine.running or now - self._status_shown >= STATUS_INTERVAL:
                # A label repaint per frame costs more than the figure is worth while running.
                self._status_shown = now
                self.status.show_simulation(snapshot.step, snapshot.epoch, steps_per_second,
                                            self.engine.running, note)
            if self._write_back_pending and not self.engine.running:
                self._write_back(snapshot)
        finally:
            # Acknowledge once the frame is painted, so frames never arrive faster than the
            # canvas can paint them; a hidden canvas never paints, hence the fallback.
            self._awaiting_paint = True
            self._ack_fallback.start()

    def stop_following_engine(self) -> None:
        """Draw only snapshots handed to _on_snapshot by the caller (headless recording steps
        its own simulation in lockstep with the frames)."""
        self.engine.snapshot_ready.disconnect(self._on_snapshot)
        self.engine.pause()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Paint and self._awaiting_paint:
            QTimer.singleShot(0, self._acknowledge)  # runs after this paint is done
        elif kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            # Files dropped on the canvas open like files dropped on the window.
            if _local_files(event.mimeData()):
                (self.dropEvent if kind == QEvent.Type.Drop else self.dragEnterEvent)(event)
                return True
        return False

    def _acknowledge(self) -> None:
        if self._awaiting_paint:
            self._awaiting_paint = False
            self._ack_fallback.stop()
            self.engine.acknowledge()

    def _on_running(self, running: bool) -> None:
        snap = self.engine.snapshot
        self.status.show_simulation(snap.step if snap else 0, snap.epoch if snap else 0,
                                    self.engine.steps_per_second, running)
        if running:
            self._write_back_pending = True
        else:
            self.engine.request_snapshot()  # the state where it paused, for the write-back

    def _write_back(self, snapshot) -> None:
        """Learned weights and biases into the document as one undo step.  Only a snapshot of
        the document's current revision is used, so a later edit is never overwritten."""
        if snapshot.revision != self.document.network.revision:
            return  # a newer snapshot is on its way
        self._write_back_pending = False
        current = self.document.network
        net = merge_learning(current, snapshot.network, current)  # every weight: the learned one
        # One undo step (none when nothing was learned); running is not an edit, so a clean
        # document stays clean.
        self.document.write_back_training(net)

    def _on_engine_error(self, summary: str, details: str) -> None:
        """The engine's report, as sentences: what happened and what to do.  The traceback
        stays out of sight (`last_error_details`)."""
        message = plain_message(summary)
        if message != summary.strip():  # an exception from inside the engine: it stopped
            message = f"The simulation stopped: {message[0].lower()}{message[1:]}"
        self.last_error = message
        self.last_error_details = details
        self.status.showMessage(message, 15000)
        self.show_error("Simulation", message,
                        advice="Check the network, the learning rule and the data, then press "
                               "Play or Train again.")

    def offer_recovery(self, ask=None) -> bool:
        """At start-up: restore work an earlier session did not save, if the user wants it."""
        pending = self.recovery.pending()
        if pending is None:
            return False
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(pending["saved_at"]))
        name = os.path.basename(pending["path"]) if pending["path"] else "an untitled network"
        question = (f"nnsim did not close normally. Restore the unsaved changes to {name} "
                    f"from {when}?")
        if ask is None:
            answer = QMessageBox.question(self, "Restore unsaved work?", question)
            restore = answer == QMessageBox.StandardButton.Yes
        else:
            restore = ask(question)
        if not restore:
            self.recovery.discard()
            return False
        doc = Document(Network(), path=pending["path"], setup=pending.get("setup"))
        doc.replace_network(pending["network"], "Restore unsaved work")
        self.set_document(doc)
        self.recovery.autosave()  # still recoverable should this session end badly too
        return True

    def _add_recording_and_export(self) -> None:
        from nnsim.app.recording import RecordingControls

        self.recording = RecordingControls(self)
        self.recording.fill_menu(self.simulation_menu)
        self.recording.fill_toolbar(self._run_bar)
        quit_action = self.files.quit
        self.file_menu.removeAction(quit_action)
        self.file_menu.addAction(self.recording.screenshot_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(quit_action)
        if self.learning.filled:
            self._add_export()
        else:  # File > Export comes with the docks' contents, once the window is painted
            self.learning.docks_filled.connect(self._add_export)

    def _add_export(self) -> None:
        """File > Export (weights, Keras and PyTorch code), before Save Screenshot."""
        from PySide6.QtWidgets import QMenu

        from nnsim.app.export_actions import ExportActions

        self.exports = ExportActions(self)
        holder = QMenu(self)  # fill_menu appends; its entries move to their place in File
        self.exports.fill_menu(holder)
        for action in holder.actions():
            self.file_menu.insertAction(self.recording.screenshot_action, action)

    def _fill_lessons_menu(self) -> None:
        menu, learning = self.lessons_menu, self.learning
        menu.addAction(learning.lessons_dock.toggleViewAction())
        previous = menu.addAction("&Previous Lesson", lambda: learning.lessons.previous())
        previous.setShortcut(QKeySequence("Alt+Left"))
        following = menu.addAction("&Next Lesson", lambda: learning.lessons.next())
        following.setShortcut(QKeySequence("Alt+Right"))
        self._lessons_end = menu.addSeparator()  # the lessons go before it
        if learning.filled:
            self._list_lessons()
        else:  # once the browser has loaded them, after the first paint
            learning.docks_filled.connect(self._list_lessons)
        menu.addAction("&Save Scene as Lesson…", learning.save_scene_as_lesson)

    # ------------------------------------------------------------------ menus and toolbars
    def _list_lessons(self) -> None:
        """One Lessons menu entry per lesson, in the browser's order."""
        menu, learning = self.lessons_menu, self.learning
        for i, lesson in enumerate(learning.lesson_list()):
            action = QAction(f"{lesson.number}. {lesson.title}", menu)
            action.triggered.connect(lambda _checked=False, i=i: learning.open_lesson(i))
            menu.insertAction(self._lessons_end, action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.files.fill_menu(self.file_menu)
        self.edit_menu = bar.addMenu("&Edit")
        self.view_menu = bar.addMenu("&View")
        self.view_menu.setToolTipsVisible(True)  # e.g. why Neuron Maps is off for this network
        self.simulation_menu = bar.addMenu("&Simulation")
        self.run.fill_menu(self.simulation_menu)
        self.lessons_menu = bar.addMenu("&Lessons")
        help_menu = bar.addMenu("&Help")
        shortcuts = help_menu.addAction("&Keyboard Shortcuts")
        shortcuts.setShortcut(QKeySequence.StandardKey.HelpContents)
        shortcuts.triggered.connect(lambda _c=False: shortcuts_dialog(self).open())
        about = help_menu.addAction("&About nnsim")
        about.triggered.connect(
            lambda _c=False: QMessageBox.about(self, "About nnsim", about_text(__version__)))
        self.panels_menu = self.view_menu.addMenu("&Panels")
        for dock in self._docks.values():
            self.panels_menu.addAction(dock.toggleViewAction())
        self.toolbars_menu = self.view_menu.addMenu("&Toolbars")
        reset_layout = self.view_menu.addAction("Reset &Layout")
        reset_layout.setToolTip("Put every panel and plot back where it starts, sized to the window")
        reset_layout.triggered.connect(lambda _checked=False: self.reset_layout())
        self.view_menu.addSeparator()

    def _build_toolbars(self) -> None:
        self._file_bar = QToolBar("File", self)
        self._file_bar.setObjectName("fileToolBar")
        for action in (self.files.new, self.files.open, self.files.save):
            self._file_bar.addAction(action)
        self._tool_bar = QToolBar("Tools", self)
        self._tool_bar.setObjectName("toolsToolBar")
        self._run_bar = QToolBar("Simulation", self)
        self._run_bar.setObjectName("runToolBar")
        self.run.fill_toolbar(self._run_bar)
        for bar in (self._file_bar, self._tool_bar, self._run_bar):
            bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.addToolBar(bar)
            self.toolbars_menu.addAction(bar.toggleViewAction())
        self._file_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self._refresh_canvas_actions()

    def _refresh_canvas_actions(self) -> None:
        """The canvas's own actions (tools, edit, view) for the current view."""
        doc = self.document
        self.edit_menu.clear()
        undo = doc.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = doc.undo_stack.createRedoAction(self, "&Redo")
        keys = [QKeySequence(QKeySequence.StandardKey.Redo)]
        if QKeySequence("Ctrl+Shift+Z") not in keys:  # the platform's Redo may be Ctrl+Y
            keys.append(QKeySequence("Ctrl+Shift+Z"))
        redo.setShortcuts(keys)
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)
        self.edit_menu.addSeparator()
        self.edit_menu.addActions(self.view.edit_actions())
        for action in getattr(self, "_view_actions", []):
            self.view_menu.removeAction(action)
        self._view_actions = list(self.view.view_actions())
        self.view_menu.addActions(self._view_actions)
        self._tool_bar.clear()
        self._tool_bar.addActions(self.view.tool_actions())
        # Window-wide shortcuts: the actions live in menus and bars of this window.
        for action in self.findChildren(QAction):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    # ------------------------------------------------------------------ layout and closing
    def restore_layout(self) -> None:
        """Geometry, tool bars and torn-off docks as last saved; the docked panels and plots
        then take the layout of the document shown (its plots, placed to fit), as every
        document opened later does.  Code that adds docks after start-up calls it again."""
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        elif (screen := self.screen()) is not None:  # first run: most of the screen, centred
            area = screen.availableGeometry()
            self.resize(min(1280, area.width() * 9 // 10), min(820, area.height() * 9 // 10))
            frame = self.frameGeometry()
            frame.moveCenter(area.center())
            self.move(frame.topLeft())
        if isinstance(state, QByteArray):
            self.restoreState(state)
            self.caption_bar.own_line()
        if hasattr(self, "learning"):
            self.learning.lay_out()  # the last session's plots belonged to its document

    def reset_layout(self) -> None:
        """View > Reset Layout: the default places and sizes for the plots now shown."""
        for dock in self._docks.values():
            dock.setFloating(False)
        self.learning.lay_out()

    def settle(self) -> None:
        """Do now what the window would do a moment later (the docks' shares after a resize,
        the status bar's rule list), so that what it shows next does not depend on how busy
        the machine is: a recording made twice gives the same frames."""
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        refit = getattr(self, "_refit_timer", None)
        if refit is not None and refit.isActive():
            refit.stop()
            self.learning.refit()
        self.status.settle()
        QApplication.processEvents()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if not hasattr(self, "learning"):
            return
        if not hasattr(self, "_refit_timer"):  # a drag resizes many times: fit once it rests
            self._refit_timer = QTimer(self)
            self._refit_timer.setSingleShot(True)
            self._refit_timer.setInterval(50)
            self._refit_timer.timeout.connect(self.learning.refit)
        self._refit_timer.start()

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if _local_files(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        paths = _local_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            # After the drop returns: a dialog inside a drop handler confuses some platforms.
            QTimer.singleShot(0, lambda: self.files.open_path(paths[0]))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        # A restored layout can leave a dock tab bar shown over the menus (dock_layout)
        QTimer.singleShot(0, self._hide_stray_tab_bars)

    def _hide_stray_tab_bars(self) -> None:
        from nnsim.app.dock_layout import hide_stray_tab_bars

        hide_stray_tab_bars(self)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self.files.maybe_discard():
            event.ignore()
            return
        self.save_layout()
        self.recovery.stop()
        self.recovery.discard()  # closed on purpose: nothing to recover
        self.recording.close()
        self.engine.stop(timeout_ms=30_000)  # a step in progress finishes first
        self._ack_fallback.stop()
        self.status.stop()
        event.accept()

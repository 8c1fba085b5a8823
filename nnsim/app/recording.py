"""Recording in the window: a Record control (toolbar and Simulation menu) for the whole window,
the canvas or one plot; a red indicator with the recorded time; Stop asks where to save and
encodes in the background with a progress bar.  Frames are taken in lockstep with the engine:
one frame per drawn snapshot, and the worker does not step until that frame is taken."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QMessageBox, QProgressDialog, QToolButton

from nnsim.app.recorder import Recorder, save_screenshot

VIDEO_FILTER = "MP4 video (*.mp4);;Animated GIF (*.gif)"


class RecordingControls(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.recorder = Recorder(self)
        self.target_name = "window"
        self._progress: QProgressDialog | None = None

        self.record_action = QAction("Record", window)
        self.record_action.setCheckable(True)
        self.record_action.setShortcut(QKeySequence("Ctrl+R"))
        self.record_action.setToolTip("Record a video of the window, the canvas or a plot (Ctrl+R)")
        self.record_action.toggled.connect(self._toggled)
        self.target_menu = QMenu("Record What", window)
        group = QActionGroup(self)
        for key, title in [("window", "Whole Window"), ("canvas", "Canvas")] + [
                (k, dock.windowTitle()) for k, dock in window.learning.plot_docks.items()]:
            action = self.target_menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(key == "window")
            action.setData(key)
            group.addAction(action)
        group.triggered.connect(lambda a: setattr(self, "target_name", a.data()))
        self.screenshot_action = QAction("Save Screenshot…", window)
        self.screenshot_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.screenshot_action.triggered.connect(self.save_screenshot)

        self.indicator = QLabel()
        self.indicator.setStyleSheet("color: white; background: #d32f2f; border-radius: 3px;"
                                     "padding: 1px 6px; font-weight: 600;")
        self.indicator.hide()
        window.status.addWidget(self.indicator)
        self.recorder.captured.connect(self._show_time)
        self.recorder.progress.connect(self._on_progress)
        self.recorder.finished.connect(self._on_saved)
        self.recorder.failed.connect(self._on_failed)

    def fill_toolbar(self, bar) -> None:
        button = QToolButton()
        button.setDefaultAction(self.record_action)
        button.setMenu(self.target_menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addWidget(button)

    def fill_menu(self, menu) -> None:
        menu.addSeparator()
        menu.addAction(self.record_action)
        menu.addMenu(self.target_menu)

    # ------------------------------------------------------------------ recording
    def target(self):
        if self.target_name == "window":
            return self.window
        if self.target_name == "canvas":
            return self.window.view
        return self.window.learning.plots[self.target_name]

    def _toggled(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

    def start(self) -> None:
        if self.recorder.is_recording or self.recorder.is_saving:
            return
        target = self.target()
        caption = self.caption_for(target)
        width, height = target.width(), target.height()
        if caption is not None:
            from nnsim.app.caption import lay_out

            height += lay_out(caption, width).height
        even = (width // 2 * 2, height // 2 * 2)  # MP4 wants even sides
        self.recorder.start(target, fps=30, size=even, caption=caption)
        self.window.engine.set_lockstep(True)
        self.window.engine.request_snapshot()  # the first frame: the state as it is now
        self._show_time(0, 0.0)
        self.indicator.show()

    def caption_for(self, target):
        """The caption to draw above a recorded plot or canvas: the window's, while it shows
        one (the whole window has the strip in it already)."""
        window = self.window
        bar = getattr(window, "caption_bar", None)
        if target is window or bar is None or not bar.wanted or not window.caption.active:
            return None
        return window.caption

    def capture(self) -> None:
        """Called by the window after it has drawn a snapshot."""
        if self.recorder.is_recording:
            self.recorder.capture()

    def stop(self) -> None:
        if not self.recorder.is_recording:
            return
        self.window.engine.set_lockstep(False)
        frames = self.recorder.stop()
        self.indicator.hide()
        self.record_action.blockSignals(True)
        self.record_action.setChecked(False)
        self.record_action.blockSignals(False)
        if len(frames) == 0:
            self.window.status.showMessage("Nothing was recorded", 5000)
            return
        while True:  # nothing recorded is thrown away without asking
            path = self.ask_video_path()
            if path:
                break
            if self.window_confirm(f"Discard the recording ({len(frames)} frames)?"):
                return
        try:
            self.recorder.save(path)
        except ValueError as exc:
            self.window.show_error("The recording could not be saved", str(exc))
            return
        self._progress = QProgressDialog("Encoding the video…", "", 0, len(frames), self.window)
        self._progress.setCancelButton(None)
        self._progress.setWindowModality(Qt.WindowModality.NonModal)  # the window keeps working
        self._progress.setMinimumDuration(300)

    def ask_video_path(self) -> str:
        path, chosen = QFileDialog.getSaveFileName(
            self.window, "Save recording", "recording.mp4", VIDEO_FILTER,
            options=QFileDialog.Option.DontUseNativeDialog)
        if path and not path.lower().endswith((".mp4", ".gif")):
            path += ".gif" if "gif" in chosen.lower() else ".mp4"
        return path

    def window_confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self.window, "Recording", question)
        return answer == QMessageBox.StandardButton.Yes

    def _show_time(self, frames: int, seconds: float) -> None:
        self.indicator.setText(f"● REC {int(seconds) // 60:02d}:{int(seconds) % 60:02d}"
                               f" · {frames} frames")

    def _on_progress(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.setMaximum(total)
            self._progress.setValue(done)

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None

    def _on_saved(self, path: str) -> None:
        self._close_progress()
        self.window.status.showMessage(f"Saved recording {path}", 8000)

    def _on_failed(self, reason: str) -> None:
        self._close_progress()
        self.window.show_error("The recording could not be saved", reason)

    # ------------------------------------------------------------------ screenshots
    def save_screenshot(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save screenshot", "nnsim.png",
                                              "PNG image (*.png)",
                                              options=QFileDialog.Option.DontUseNativeDialog)
        if not path:
            return
        try:
            save_screenshot(self.window, path)
        except (OSError, ValueError) as exc:
            self.window.show_error("The screenshot could not be saved", str(exc))
            return
        self.window.status.showMessage(f"Saved screenshot {path}", 5000)

    def close(self) -> None:
        self.recorder.stop()
        self.recorder.close()

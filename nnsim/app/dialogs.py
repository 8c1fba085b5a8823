"""The window's questions and messages, as methods tests can answer or replace.

`confirm_discard` asks before unsaved work is lost; `ask_open_path` / `ask_save_path` use Qt's
own file dialog (not the platform's: the same everywhere, and a typed path just works);
`show_error` never blocks the event loop, so the engine keeps going behind it.
"""
from __future__ import annotations

import os
import re

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

FILE_FILTER = "nnsim networks (*.json);;All files (*)"
# "ValueError: ...", "numpy.linalg.LinAlgError: ...": an exception's class name before the text.
_CLASS_PREFIX = re.compile(r"^\s*(?:[A-Za-z_][\w]*\.)*[A-Z][\w]*(?:Error|Exception|Warning|Exit|"
                           r"Interrupt|Fault)\s*:\s*")


def plain_message(text: str) -> str:
    """An error as a user reads it: no exception class name in front, a capital letter, a full
    stop ("ValueError: the data have 3 columns" -> "The data have 3 columns.")."""
    text = _CLASS_PREFIX.sub("", str(text)).strip() or "Something went wrong"
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


class WindowDialogs:
    """Mixed into MainWindow: needs `self.document`, `self.files` and QWidget."""

    _error_box: QMessageBox | None = None

    def confirm_discard(self) -> str:
        """'save', 'discard' or 'cancel'."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"{self.document.display_name()} has unsaved changes.",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("Save them before continuing?")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(
                    QMessageBox.StandardButton(answer), "cancel")

    def confirm_replace_read_only(self, path: str) -> bool:
        """The file to save over is read-only: replace it anyway (it stays read-only)?"""
        box = QMessageBox(QMessageBox.Icon.Warning, "Read-only file",
                          f"{path} is read-only.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("Replace it anyway? It stays read-only. Choose Cancel to keep it "
                               "and save under another name with Save As.")
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _start_dir(self) -> str:
        """The document's folder, else the last file's, else the user's documents."""
        if self.document.path:
            return os.path.dirname(self.document.path)
        recent = self.files.recent_files()
        if recent and os.path.isdir(os.path.dirname(recent[0])):
            return os.path.dirname(recent[0])
        return QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or os.path.expanduser("~")

    def ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Open network", self._start_dir(), FILE_FILTER,
                                              options=QFileDialog.Option.DontUseNativeDialog)
        return path

    def ask_save_path(self) -> str:
        # A Qt dialog, not the platform's: the same everywhere, and a typed path just works.
        start = self.document.path or os.path.join(self._start_dir(), "network.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save network", start, FILE_FILTER,
                                              options=QFileDialog.Option.DontUseNativeDialog)
        return path

    def show_file_error(self, title: str, path: str, exc: OSError,
                        advice: str = "Choose another folder or file name.") -> None:
        """A file that could not be written or read: its path and the system's reason in words
        ("Permission denied"), never "[Errno 13]"."""
        self.show_error(title, f"{path}: {exc.strerror or exc}.", advice=advice)

    def show_error(self, title: str, text: str, details: str = "", advice: str = "") -> None:
        """A window-modal message that does not block the event loop (the engine keeps going).
        `text` says what happened, `advice` what to do; neither may hold an exception's class
        name (see plain_message)."""
        if self._error_box is not None:
            self._error_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self)
        box.setObjectName("errorBox")
        if advice:
            box.setInformativeText(advice)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self._error_box = box
        box.destroyed.connect(lambda *_: setattr(self, "_error_box", None))

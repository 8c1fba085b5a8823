"""Documents in the window: New, Open, Save, Save As, recent files, drops, the unsaved prompt.

`FileActions` holds the File menu's actions and the rules around them: nothing unsaved is lost
without asking, and a bad file changes nothing (its NetworkFileError message is shown).  Dialogs
are the window's methods (`confirm_discard`, `ask_open_path`, `ask_save_path`, `show_error`) so
tests can answer them.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from nnsim.engine.atomic_write import ReadOnlyFile, replacing_read_only
from nnsim.engine.fileformat import NetworkFileError

MAX_RECENT = 8
RECENT_KEY = "recentFiles"
MAX_RECENT_READ = 100  # entries of a damaged list looked at, at most
MAX_PATH_CHARS = 4096  # Linux's PATH_MAX


def reasonable_path(value) -> bool:
    """A recent-files entry worth showing: an absolute path as text, of sane length, without
    control characters, that the file system can take (no lone surrogates)."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_PATH_CHARS:
        return False
    if any(ord(c) < 32 or ord(c) == 127 for c in value) or not os.path.isabs(value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class FileActions(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        w = window
        self.new = self._action("&New", QKeySequence.StandardKey.New, self.new_document,
                                "Start a new, empty network")
        self.open = self._action("&Open…", QKeySequence.StandardKey.Open, self.open_dialog,
                                 "Open a network file")
        self.save = self._action("&Save", QKeySequence.StandardKey.Save, self.save_document,
                                 "Save the network")
        self.save_as = self._action("Save &As…", QKeySequence.StandardKey.SaveAs, self.save_as_dialog,
                                    "Save the network under a new name")
        self.quit = self._action("&Quit", QKeySequence.StandardKey.Quit, w.close, "Quit nnsim")
        self.recent_menu = QMenu("Open &Recent", w)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        for icon, action in ((w.style().StandardPixmap.SP_FileIcon, self.new),
                             (w.style().StandardPixmap.SP_DialogOpenButton, self.open),
                             (w.style().StandardPixmap.SP_DialogSaveButton, self.save)):
            action.setIcon(w.style().standardIcon(icon))

    def _action(self, text, key, slot, tip) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(key))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def fill_menu(self, menu: QMenu) -> None:
        menu.addAction(self.new)
        menu.addAction(self.open)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        menu.addAction(self.save)
        menu.addAction(self.save_as)
        menu.addSeparator()
        menu.addAction(self.quit)

    # ------------------------------------------------------------------ the rules
    def maybe_discard(self) -> bool:
        """True when the current document may be replaced: it is clean, or the user saved it
        or chose to discard it."""
        doc = self.window.document
        if not doc.is_dirty:
            return True
        answer = self.window.confirm_discard()
        if answer == "save":
            return self.save_document()
        return answer == "discard"

    def new_document(self) -> bool:
        if not self.maybe_discard():
            return False
        from nnsim.app.document import Document
        from nnsim.app.learning import DEFAULT_PLOTS
        from nnsim.engine.setup import Setup

        # A fresh start: the default data (AND), no rule, values shown, the default plots.
        self.window.set_document(Document(setup=Setup(plots=DEFAULT_PLOTS)))
        return True

    def open_dialog(self) -> bool:
        if not self.maybe_discard():
            return False
        path = self.window.ask_open_path()
        return bool(path) and self.open_path(path, ask=False)

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open a file in place of the current document; a bad file changes nothing."""
        if ask and not self.maybe_discard():
            return False
        from nnsim.app.document import Document

        try:
            doc = Document.open(path)
        except NetworkFileError as exc:
            lesson = self._lesson(path)
            if lesson is not None:  # a lesson file (e.g. a user's saved scene) opens as a lesson
                return self.window.learning.open_scene(lesson, 0)
            self.window.show_error("This file cannot be opened", str(exc),
                                   advice="Open an nnsim network (.json) or lesson file.")
            return False
        self.window.set_document(doc)
        self.add_recent(doc.path)
        return True

    @staticmethod
    def _lesson(path: str):
        from nnsim.engine.lessons import load_lesson

        try:
            return load_lesson(path)
        except NetworkFileError:  # LessonFileError too: the network's own error is shown
            return None

    def save_document(self) -> bool:
        doc = self.window.document
        if doc.path is None:
            return self.save_as_dialog()
        return self._save(doc.path)

    def save_as_dialog(self) -> bool:
        path = self.window.ask_save_path()
        if not path:
            return False
        if not os.path.splitext(path)[1]:
            path += ".json"
        return self._save(path)

    def _save(self, path: str) -> bool:
        learning = getattr(self.window, "learning", None)
        if learning is not None:
            learning.sync_plots()  # the plots on view are saved with the network
        try:
            try:
                self.window.document.save(path)
            except ReadOnlyFile:
                if not self.window.confirm_replace_read_only(path):
                    return False
                with replacing_read_only(path):  # the user said yes: it stays read-only
                    self.window.document.save(path)
        except OSError as exc:
            self.window.show_file_error("The network could not be saved", path, exc,
                                        "Choose another folder or file name with Save As.")
            return False
        except ValueError as exc:
            self.window.show_error("The network could not be saved", f"{path}: {exc}.",
                                   advice="Choose another file name with Save As.")
            return False
        self.add_recent(path)
        self.window.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    # ------------------------------------------------------------------ recent files
    def recent_files(self) -> list[str]:
        """The list as stored, checked: at most MAX_RECENT distinct reasonable paths; anything
        else a damaged or hand-edited settings file holds is left out, never raised."""
        try:
            value = self.window.settings.value(RECENT_KEY, [])
        except Exception:  # noqa: BLE001 - a value Qt cannot convert: the list is junk
            return []
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        if not isinstance(value, list | tuple):
            return []
        files: list[str] = []
        for v in value[:MAX_RECENT_READ]:
            if reasonable_path(v) and v not in files:
                files.append(v)
                if len(files) == MAX_RECENT:
                    break
        return files

    def add_recent(self, path: str) -> None:
        path = os.path.abspath(path)
        files = [path] + [p for p in self.recent_files() if p != path]
        self.window.settings.setValue(RECENT_KEY, files[:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = [p for p in self.recent_files() if os.path.exists(p)]
        for i, path in enumerate(files):
            action = self.recent_menu.addAction(f"&{i + 1} {os.path.basename(path)}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if not files:
            self.recent_menu.addAction("No recent files").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", lambda: self.window.settings.setValue(
                RECENT_KEY, []))

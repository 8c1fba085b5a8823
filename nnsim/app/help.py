"""Help menu contents: About, and a table of every keyboard shortcut: the window's actions' and the
canvas's own key map (canvas/keys.py), both read when the table opens, so it cannot go stale."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout


def about_text(version: str) -> str:
    return (f"<h3>nnsim {version}</h3>"
            "<p>Draw a neural network and watch it compute and learn: McCulloch-Pitts units, "
            "loops that remember, Hebbian learning, the perceptron, Hopfield memories and "
            "multi-layer perceptrons trained by backpropagation.</p>"
            "<p>Open source under the MIT licence. Built with Qt (PySide6), pyqtgraph and "
            "NumPy.</p>")


def shortcut_rows(window) -> list[tuple[str, str]]:
    """(action, keys) for every QAction of the window with a shortcut, sorted by action."""
    rows = {}
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = list(dict.fromkeys(k for k in keys if k))
        text = action.text().replace("&", "").rstrip(".…")
        if keys and text:
            rows[text] = ", ".join(keys)
    return sorted(rows.items())


def canvas_rows() -> list[tuple[str, str]]:
    """(what, keys) for every key the canvas handles itself, from its key map (canvas/keys.py)."""
    from nnsim.app.canvas.keys import CANVAS_KEYS

    native = QKeySequence.SequenceFormat.NativeText
    return [(entry.text, ", ".join(QKeySequence(k).toString(native) for k in entry.keys))
            for entry in CANVAS_KEYS]


def all_rows(window) -> list[tuple[str, str, str]]:
    """(where, action, keys): the window's shortcuts, then the canvas's own keys."""
    return ([("Window", text, keys) for text, keys in shortcut_rows(window)]
            + [("Canvas", text, keys) for text, keys in canvas_rows()])


def shortcuts_dialog(window) -> QDialog:
    dialog = QDialog(window)
    dialog.setWindowTitle("Keyboard shortcuts — nnsim")
    rows = all_rows(window)
    table = QTableWidget(len(rows), 3, dialog)
    table.setObjectName("shortcutsTable")
    table.setAccessibleName("Keyboard shortcuts")
    table.setHorizontalHeaderLabels(["Where", "Action", "Shortcut"])
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # scrolled with the keys, too
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.setWordWrap(True)
    table.resizeColumnsToContents()
    table.setColumnWidth(1, min(table.columnWidth(1), 460))  # long canvas entries wrap
    table.setColumnWidth(2, min(table.columnWidth(2), 180))
    table.horizontalHeader().setStretchLastSection(True)
    table.resizeRowsToContents()
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(760, 560)
    return dialog

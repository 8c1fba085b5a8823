"""Help menu contents: About, and a table of every keyboard shortcut in the window."""
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
    rows = {}
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = list(dict.fromkeys(k for k in keys if k))
        text = action.text().replace("&", "").rstrip(".…")
        if keys and text:
            rows[text] = ", ".join(keys)
    return sorted(rows.items())


def shortcuts_dialog(window) -> QDialog:
    dialog = QDialog(window)
    dialog.setWindowTitle("Keyboard shortcuts — nnsim")
    rows = shortcut_rows(window)
    table = QTableWidget(len(rows), 2, dialog)
    table.setHorizontalHeaderLabels(["Action", "Shortcut"])
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for r, (text, keys) in enumerate(rows):
        table.setItem(r, 0, QTableWidgetItem(text))
        table.setItem(r, 1, QTableWidgetItem(keys))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(460, 520)
    return dialog

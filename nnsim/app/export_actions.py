"""File > Export: the network's weights as .npz, or the drawn network as Keras or PyTorch code."""
from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog

from nnsim.app.dialogs import plain_message
from nnsim.engine import export
from nnsim.engine.fileformat import write_text_atomic


class ExportActions:
    def __init__(self, window) -> None:
        self.window = window

    def fill_menu(self, menu) -> None:
        sub = menu.addMenu("&Export")
        sub.addAction("Weights (.npz)…", self.export_weights)
        sub.addAction("Keras Code (.py)…", lambda: self.export_code("keras"))
        sub.addAction("PyTorch Code (.py)…", lambda: self.export_code("pytorch"))

    def _base(self) -> str:
        path = self.window.document.path
        return os.path.splitext(path)[0] if path else "network"

    def _ask(self, title: str, suggestion: str, file_filter: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.window, title, suggestion, file_filter,
                                              options=QFileDialog.Option.DontUseNativeDialog)
        return path

    def export_weights(self, path: str | None = None) -> bool:
        path = path or self._ask("Export weights", self._base() + ".npz", "NumPy archive (*.npz)")
        if not path:
            return False
        try:
            export.save_weights_npz(self.window.document.network, path)
        except OSError as exc:
            self.window.show_file_error("The weights could not be exported", path, exc)
            return False
        except ValueError as exc:
            self.window.show_error("The weights could not be exported", plain_message(str(exc)))
            return False
        self.window.status.showMessage(f"Exported weights to {path}", 5000)
        return True

    def export_code(self, framework: str, path: str | None = None) -> bool:
        make = export.to_keras_code if framework == "keras" else export.to_pytorch_code
        try:
            code = make(self.window.document.network)
        except ValueError as exc:  # recurrent, inhibitory: says why
            self.window.show_error(f"No {framework.capitalize()} code for this network",
                                   plain_message(str(exc)))
            return False
        suggestion = f"{self._base()}_{framework}.py"
        path = path or self._ask(f"Export {framework.capitalize()} code", suggestion,
                                 "Python (*.py)")
        if not path:
            return False
        try:
            write_text_atomic(code, path)
        except OSError as exc:
            self.window.show_file_error("The code could not be saved", path, exc)
            return False
        self.window.status.showMessage(f"Exported {framework} code to {path}", 5000)
        return True

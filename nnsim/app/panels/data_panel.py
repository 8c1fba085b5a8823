"""The data a rule trains on: a generated set, a CSV file, or points drawn on the decision plot.

Generator parameters are forms generated from `datasets.GENERATORS` declarations; a change
regenerates at once (throttled: dragging the size spin box does not regenerate 50 times).
A CSV that cannot be read shows the reader's message (which names the line) and keeps the
current data.  Drawn points are undoable edits on a QUndoStack; with several network outputs
the labels 0..k-1 are sent to the engine one-hot, one target column per output.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QPalette, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.data_spec import fit_targets
from nnsim.engine import datasets
from nnsim.engine.datasets import Dataset, DatasetFileError

from .param_form import ParamForm
from .point_edits import Points, ReplacePoints
from .summary import class_labels, class_swatch, describe, distinct
from .throttle import Throttler

ERROR_STYLE = "color: #b00020;"
DRAW_HELP = ("Click on the decision-region plot to add points: left click adds a point of the "
             "class chosen here, right click a point of class 0.  Clear to start from an empty "
             "plane.")


class DataPanel(QWidget):
    """Choose, load or draw the dataset; `dataset()` is always ready for the engine."""

    dataset_changed = Signal(object)  # Dataset
    drawing_class_changed = Signal(int)

    def __init__(self, generators: Mapping[str, Any] | None = None, initial: str | None = None,
                 parent: QWidget | None = None, throttle_ms: int | None = None) -> None:
        super().__init__(parent)
        self.generators = dict(datasets.GENERATORS if generators is None else generators)
        # Qt's own file dialog by default, as the main window uses: the same on every desktop.
        self.native_dialog = False
        self.last_dir = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        self.last_error = ""
        self._outputs = 1
        self._classes = 2
        self._points = Points(np.zeros((0, 2)), np.zeros(0))
        self._dataset: Dataset | None = None
        self._none = False  # showing "no data" (a document without a dataset)
        self.undo_stack = QUndoStack(self)
        self._throttle = Throttler(self._generate_now, parent=self) if throttle_ms is None \
            else Throttler(self._generate_now, throttle_ms, self)

        # -- generated
        self.generator_combo = QComboBox()
        self.forms = QStackedWidget()
        self.forms.currentChanged.connect(self._fit_forms)
        self._forms: dict[str, ParamForm] = {}
        kinds = dict.fromkeys(getattr(g, "kind", "classification") for g in self.generators.values())
        for kind in kinds:  # one block per kind, separated, in registry order
            group = [(k, g) for k, g in self.generators.items()
                     if getattr(g, "kind", "classification") == kind]
            if group and self.generator_combo.count():
                self.generator_combo.insertSeparator(self.generator_combo.count())
            for key, gen in group:
                self.generator_combo.addItem(getattr(gen, "title", key), key)
                self.generator_combo.setItemData(self.generator_combo.count() - 1,
                                                 f"{kind.capitalize()} data",
                                                 Qt.ItemDataRole.ToolTipRole)
                form = ParamForm(getattr(gen, "params", ()))
                form.changed.connect(lambda *_: self._throttle.trigger())
                self._forms[key] = form
                self.forms.addWidget(form)
        self.generator_combo.currentIndexChanged.connect(self._on_generator)
        gen_box = QGroupBox("Generated data")
        self.generator_combo.setAccessibleName("Dataset")
        self.generator_combo.setToolTip("Which dataset to generate")
        gen_layout = QVBoxLayout(gen_box)
        gen_layout.addWidget(self.generator_combo)
        gen_layout.addWidget(self.forms)

        # -- file
        self.load_button = QPushButton(self.style().standardIcon(
            QStyle.StandardPixmap.SP_DialogOpenButton), "Load CSV…")
        self.load_button.setToolTip("Columns of inputs, then one column of targets; a first row "
                                    "of names is skipped")
        self.load_button.clicked.connect(self.choose_csv)
        self.file_label = QLabel("No file loaded")
        self.file_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        file_box = QGroupBox("File")
        file_layout = QVBoxLayout(file_box)
        row = QHBoxLayout()
        row.addWidget(self.load_button)
        row.addWidget(self.file_label, 1)
        file_layout.addLayout(row)
        file_layout.addWidget(self.error_label)

        # -- drawn
        self.class_combo = QComboBox()
        self.class_combo.setToolTip("The class of points added with a left click")
        self.class_combo.currentIndexChanged.connect(
            lambda i: i >= 0 and self.drawing_class_changed.emit(i))
        self.undo_button = QPushButton("Undo point")
        self.undo_button.clicked.connect(self.undo_point)
        self.clear_button = QPushButton("Clear points")
        self.clear_button.setToolTip("Remove every point, to draw a dataset from scratch")
        self.clear_button.clicked.connect(self.clear_points)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.draw_help = QLabel(DRAW_HELP)
        self.draw_help.setWordWrap(True)
        self.draw_message = QLabel()
        self.draw_message.setStyleSheet(ERROR_STYLE)
        self.draw_message.setWordWrap(True)
        self.draw_message.hide()
        draw_box = QGroupBox("Draw your own")
        draw_layout = QVBoxLayout(draw_box)
        draw_layout.addWidget(self.draw_help)
        class_row = QHBoxLayout()
        class_label = QLabel("&Class:")
        class_label.setBuddy(self.class_combo)
        class_row.addWidget(class_label)
        class_row.addWidget(self.class_combo, 1)
        class_row.addWidget(self.undo_button)
        class_row.addWidget(self.clear_button)
        draw_layout.addLayout(class_row)
        draw_layout.addWidget(self.draw_message)

        # -- summary
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setStyleSheet(ERROR_STYLE)
        self.warning.setWordWrap(True)
        self.warning.hide()
        summary_box = QGroupBox("Training data")
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.summary)
        summary_layout.addWidget(self.warning)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)
        for box in (summary_box, gen_box, file_box, draw_box):
            layout.addWidget(box)
        layout.addStretch(1)

        self.set_class_count(2)
        if self.generators:
            key = initial if initial in self.generators else next(iter(self.generators))
            self.generator_combo.blockSignals(True)
            self.generator_combo.setCurrentIndex(self.generator_combo.findData(key))
            self.generator_combo.blockSignals(False)
            self.forms.setCurrentWidget(self._forms[key])
            self._fit_forms(self.forms.currentIndex())
            self._generate_now(emit=False)
        else:
            self._refresh(emit=False)

    # ------------------------------------------------------------------ queries
    def dataset(self) -> Dataset | None:
        return self._dataset

    def source(self) -> str:
        """'generated', 'csv' or 'drawn'."""
        return self._points.source

    def generator_name(self) -> str | None:
        return self.generator_combo.currentData()

    def spec(self) -> dict | None:
        """What the panel shows, as a document's dataset spec (engine/setup.py): the generator
        and its parameters, or the points with their name and source; None: no data."""
        if self._none or self._dataset is None:
            return None
        pts = self._points
        if pts.source == "generated":
            return {"generator": self.generator_name(), "params": self.generator_params()}
        return {"X": pts.X, "y": pts.y, "name": pts.name, "source": pts.source}

    def reset_forms(self) -> None:
        """A new document: every generator's form back to its defaults."""
        self._throttle.cancel()
        for key, form in self._forms.items():
            form.set_values({p.name: p.default for p in getattr(self.generators[key], "params", ())})

    def data_points(self) -> Dataset | None:
        """The data shown, with class labels as they are (not one-hot): what `spec()` makes."""
        if self._none or self._dataset is None:
            return None
        pts = self._points
        return Dataset(pts.X, pts.y, name=pts.name)

    def show_spec(self, spec: Mapping[str, Any] | None, data: Dataset | None) -> None:
        """Show a document's dataset (its spec and the data it makes) without emitting."""
        self._throttle.cancel()
        if spec is None or data is None:
            self._none = True
            self._points = Points(np.zeros((0, 2)), np.zeros(0), "", "drawn")
            self.undo_stack.clear()
            self.error_label.hide()
            self.draw_message.hide()
            self._refresh(emit=False)
            return
        if "generator" in spec and spec["generator"] in self.generators:
            key = spec["generator"]
            self.generator_combo.blockSignals(True)
            self.generator_combo.setCurrentIndex(self.generator_combo.findData(key))
            self.generator_combo.blockSignals(False)
            self.forms.setCurrentWidget(self._forms[key])
            self._fit_forms(self.forms.currentIndex())
            self._forms[key].set_values(dict(spec.get("params", {})))
            self._replace_all(data, "generated", data.name or getattr(self.generators[key],
                                                                      "title", key), False)
        else:
            source = spec.get("source", "lesson")
            self._replace_all(data, source, data.name or source, False)

    def generator_params(self) -> dict[str, Any]:
        key = self.generator_name()
        return {} if key is None else self._forms[key].values()

    def form(self, key: str) -> ParamForm:
        return self._forms[key]

    def drawing_class(self) -> int:
        return max(self.class_combo.currentIndex(), 0)

    # ------------------------------------------------------------------ generated
    def _fit_forms(self, index: int) -> None:
        # A stack is as tall as its tallest page; let hidden pages shrink so no gap is left.
        for i in range(self.forms.count()):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            self.forms.widget(i).setSizePolicy(policy, policy)
        self.forms.adjustSize()

    def _on_generator(self, index: int) -> None:
        key = self.generator_combo.itemData(index)
        if key is None:
            return
        self.forms.setCurrentWidget(self._forms[key])
        self._throttle.cancel()
        self._generate_now()

    def set_generator(self, key: str, **params: Any) -> bool:
        """Select a generator and its parameters (e.g. from a lesson file) and generate."""
        if key not in self.generators:
            raise ValueError(f"no dataset generator {key!r}; choose one of "
                             f"{', '.join(self.generators)}")
        self.generator_combo.blockSignals(True)
        self.generator_combo.setCurrentIndex(self.generator_combo.findData(key))
        self.generator_combo.blockSignals(False)
        self.forms.setCurrentWidget(self._forms[key])
        self._forms[key].set_values(params)
        self._throttle.cancel()
        return self._generate_now()

    def set_dataset(self, data: Dataset, source: str = "lesson") -> None:
        """Show and send a ready-made dataset (e.g. a lesson's inline points)."""
        self._throttle.cancel()
        self._replace_all(data, source, data.name or source, True)

    def generate(self) -> bool:
        """Generate with the parameters shown, now."""
        self._throttle.cancel()
        return self._generate_now()

    def _generate_now(self, emit: bool = True) -> bool:
        key = self.generator_name()
        gen = self.generators[key]
        try:
            data = gen(**self._forms[key].values())
        except ValueError as exc:
            self._show_error(f"{getattr(gen, 'title', key)}: {exc}. Change the value; the data "
                             "shown are kept.")
            return False
        self._replace_all(data, "generated", data.name or getattr(gen, "title", key), emit)
        return True

    # ------------------------------------------------------------------ CSV
    def choose_csv(self) -> bool:
        """Ask for a CSV file and load it; False when cancelled or refused."""
        options = QFileDialog.Option(0) if self.native_dialog else \
            QFileDialog.Option.DontUseNativeDialog
        path, _ = QFileDialog.getOpenFileName(self, "Load a dataset", self.last_dir,
                                              "CSV files (*.csv);;All files (*)", options=options)
        return bool(path) and self.load_csv(path)

    def load_csv(self, path: Any) -> bool:
        """Load a CSV; on error show the message (file and line) and keep the current data."""
        try:
            data = datasets.load_csv(path)
        except DatasetFileError as exc:
            self._show_error(str(exc))
            return False
        except OSError as exc:
            self._show_error(f"{path}: {exc.strerror or exc}. Choose another file.")
            return False
        except ValueError as exc:  # e.g. a Dataset that rejects the values
            self._show_error(f"{path}: {exc}. Fix the file or choose another one.")
            return False
        self.last_dir = str(Path(path).resolve().parent)
        self.file_label.setText(Path(path).name)
        self.file_label.setToolTip(str(path))
        self._replace_all(data, "csv", data.name or Path(path).stem, True)
        return True

    def _show_error(self, message: str) -> None:
        self.last_error = message
        self.error_label.setText(message)
        self.error_label.setToolTip(message)
        self.error_label.show()

    # ------------------------------------------------------------------ drawn points
    def add_point(self, x: float, y: float, label: int | float | None = None) -> bool:
        """Add a point at (x, y) of class `label` (default: the chosen class).  For a one-input
        regression set, the point is input x with target y.  False (with a message) when the
        current data cannot take such a point."""
        pts = self._points
        label = self.drawing_class() if label is None else label
        if pts.y is not None and pts.y.ndim != 1:
            return self._refuse("Points cannot be drawn on data with several target columns.")
        if pts.X.shape[1] == 1 and (len(pts) == 0 or self._is_regression()):
            after, text = pts.added([x], y), "Add point"
        elif pts.X.shape[1] != 2:
            return self._refuse(f"Points can be drawn on two-input data only; this data has "
                                f"{pts.X.shape[1]} inputs. Clear points to start a drawing.")
        elif float(label) != int(label) or not 0 <= int(label) < self._classes:
            return self._refuse(f"Class {label} does not exist: classes are 0 to "
                                f"{self._classes - 1}.")
        else:
            after, text = pts.added([x, y], int(label)), f"Add a point of class {int(label)}"
        self.draw_message.hide()
        self.undo_stack.push(ReplacePoints(text, pts, after, self._apply_points))
        return True

    def _refuse(self, message: str) -> bool:
        self.draw_message.setText(message)
        self.draw_message.show()
        return False

    def undo_point(self) -> None:
        self.undo_stack.undo()

    def redo_point(self) -> None:
        self.undo_stack.redo()

    def clear_points(self) -> None:
        # Keep 1-D regression data 1-D; anything else becomes an empty plane of two inputs.
        empty = self._points.cleared() if self._is_regression() and self._points.X.shape[1] == 1 \
            else Points(np.zeros((0, 2)), np.zeros(0)).cleared()
        self.undo_stack.push(ReplacePoints("Clear points", self._points, empty, self._apply_points))

    def _apply_points(self, points: Points) -> None:
        self._none = False
        self._points = points
        self._refresh(emit=True)

    def _is_regression(self) -> bool:
        return self._dataset is not None and self._dataset.y is not None \
            and class_labels(self._dataset) is None and len(self._dataset) > 0

    # ------------------------------------------------------------------ network
    def set_network(self, net: Any) -> None:
        """Match the classes to the network's outputs: k outputs -> labels 0..k-1 (one-hot)."""
        outputs = max(len(getattr(net, "outputs", ()) or ()) if net is not None else 1, 1)
        if outputs == self._outputs:
            return  # most canvas edits: the data sent to the engine stay the same
        self._outputs = outputs
        self.set_class_count(max(outputs, 2))
        self._refresh(emit=True)

    def theme_changed(self) -> None:
        """A new palette (nnsim.app.theme): the class swatches in its colours."""
        for c in range(self.class_combo.count()):
            self.class_combo.setItemIcon(c, class_swatch(c))

    def set_class_count(self, k: int) -> None:
        keep = self.drawing_class()
        self._classes = int(k)
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        for c in range(self._classes):
            self.class_combo.addItem(class_swatch(c), f"Class {c}")
        self.class_combo.setCurrentIndex(min(max(keep, 1 if k == 2 else 0), k - 1))
        self.class_combo.blockSignals(False)

    # ------------------------------------------------------------------ internals
    def _replace_all(self, data: Dataset, source: str, name: str, emit: bool) -> None:
        self._none = False
        y = data.y
        if y is not None and y.ndim == 2:
            labels = class_labels(data)
            y = labels.astype(float) if labels is not None else y
        self._points = Points(data.X, y, name, source)
        self.error_label.hide()
        self.draw_message.hide()
        self.undo_stack.clear()  # point edits were relative to the data just replaced
        self._refresh(emit)

    def _refresh(self, emit: bool) -> None:
        if self._none:
            self._dataset = None
            self.summary.setText("<b>No data</b><br>Choose a generated set, load a CSV file or "
                                 "draw points on the decision plot.")
            self.warning.hide()
            return
        pts = self._points
        self._dataset = fit_targets(Dataset(pts.X, pts.y, name=pts.name), self._outputs)
        self.summary.setText(f"<b>{pts.name or 'Unnamed data'}</b> "
                             f"<span style='color:gray'>({pts.source})</span><br>"
                             f"{describe(self._dataset)}")
        self._check_fit()
        if emit:
            self.dataset_changed.emit(self._dataset)

    def _check_fit(self) -> None:
        """Warn when the targets cannot match the network's outputs."""
        labels = class_labels(Dataset(self._points.X, self._points.y)) \
            if self._points.y is not None and len(self._points) else None
        message = ""
        if labels is not None and self._outputs > 1 and labels.max() >= self._outputs:
            message = (f"The data have {labels.max() + 1} classes but the network has "
                       f"{self._outputs} outputs.")
        elif labels is not None and self._outputs == 1 and distinct(labels)[0].size > 2:
            message = (f"The data have {distinct(labels)[0].size} classes: give the network one "
                       "output per class.")
        self.warning.setText(message)
        self.warning.setVisible(bool(message))

"""NeuronInspector: every property of the selected neuron, each change one undoable edit."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.document import Document
from nnsim.engine.network import ROLES
from nnsim.engine.units import ACTIVATIONS, get_unit

THRESHOLD_UNITS = ("step", "sign")  # shown with the lecture's T rather than a bias


def _spin(lo: float = -1e6, hi: float = 1e6, step: float = 0.1) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(4)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)  # one edit when typing is done, not one per keystroke
    return box


class NeuronInspector(QWidget):
    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.name: str | None = None
        self._updating = False
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.role_box = QComboBox()
        for role in ROLES:
            self.role_box.addItem(role.capitalize(), role)
        self.unit_box = QComboBox()
        for act in ACTIVATIONS:
            self.unit_box.addItem(get_unit(act).label, act)
            self.unit_box.setItemData(self.unit_box.count() - 1, get_unit(act).formula,
                                      Qt.ItemDataRole.ToolTipRole)
        self.bias_label = QLabel("Bias b")
        self.bias_box = _spin()
        self.value_box = _spin()
        self.toggle_button = QPushButton("Toggle 0/1")
        self.beta_box = _spin(1e-6, 1e6)
        for widget, name in ((self.name_edit, "inspectorName"), (self.role_box, "inspectorRole"),
                             (self.unit_box, "inspectorUnit"), (self.bias_box, "inspectorBias"),
                             (self.value_box, "inspectorValue"), (self.beta_box, "inspectorBeta")):
            widget.setObjectName(name)  # found by name in tests and by screen readers' tools
        self.formula = QLabel()
        self.formula.setStyleSheet("color: #607d8b")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Name", self.name_edit)
        form.addRow("Role", self.role_box)
        form.addRow("Unit", self.unit_box)
        form.addRow("", self.formula)
        form.addRow(self.bias_label, self.bias_box)
        self.value_label = QLabel("Input value")
        form.addRow(self.value_label, self.value_box)
        form.addRow("", self.toggle_button)
        self.beta_label = QLabel("Beta \u03b2")
        form.addRow(self.beta_label, self.beta_box)
        self.form = QWidget()
        self.form.setLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)

        self.name_edit.editingFinished.connect(self._rename)
        self.role_box.activated.connect(lambda: self._set(role=self.role_box.currentData()))
        self.unit_box.activated.connect(lambda: self._set(activation=self.unit_box.currentData()))
        self.bias_box.valueChanged.connect(self._bias_changed)
        self.value_box.valueChanged.connect(lambda v: self._set(value=v))
        self.toggle_button.clicked.connect(self._toggle)
        self.beta_box.valueChanged.connect(self._beta_changed)
        document.changed.connect(self.refresh)
        self.refresh()

    def set_document(self, document: Document) -> None:
        self.document.changed.disconnect(self.refresh)
        self.document = document
        document.changed.connect(self.refresh)
        self.set_selection([])

    def set_selection(self, names: list[str]) -> None:
        names = list(names)
        self.name = names[0] if len(names) == 1 else None
        self._many = len(names)
        self.error.clear()
        self.refresh()

    # ------------------------------------------------------------------ document -> widgets
    def refresh(self) -> None:
        net = self.document.network
        if self.name is not None and not net.has_neuron(self.name):
            self.name = None
        self.form.setVisible(self.name is not None)
        if self.name is None:
            many = getattr(self, "_many", 0)
            self.title.setText(f"{many} neurons selected: select one to edit it" if many > 1
                               else "Select a neuron to edit it")
            return
        n = net.neuron(self.name)
        self._updating = True
        try:
            inputs, outputs = len(net.incoming(n.id)), len(net.outgoing(n.id))
            self.title.setText(f"<b>{n.name}</b> &nbsp; {inputs} in, {outputs} out")
            if not self.name_edit.hasFocus():
                self.name_edit.setText(n.name)
            self.role_box.setCurrentIndex(self.role_box.findData(n.role))
            self.unit_box.setCurrentIndex(self.unit_box.findData(n.activation))
            self.formula.setText(get_unit(n.activation).formula)
            threshold = n.activation in THRESHOLD_UNITS
            self.bias_label.setText("Threshold T" if threshold else "Bias b")
            self.bias_box.setToolTip("Fires when the weighted sum exceeds T (stored as bias = -T)"
                                     if threshold else "Added to the weighted sum")
            self.bias_box.setValue(n.threshold if threshold else n.bias)
            is_input = n.role == "input"
            for w in (self.bias_label, self.bias_box):
                w.setVisible(not is_input)
            for w in (self.value_label, self.value_box, self.toggle_button):
                w.setVisible(is_input)
            self.value_box.setValue(n.value)
            gaussian = n.activation == "gaussian"
            self.beta_label.setVisible(gaussian)
            self.beta_box.setVisible(gaussian)
            self.beta_box.setValue(n.param("beta", 1.0))
        finally:
            self._updating = False

    # ------------------------------------------------------------------ widgets -> document
    def _set(self, **fields) -> None:
        if self._updating or self.name is None:
            return
        try:
            self.document.set_neuron(self.name, **fields)
            self.error.clear()
        except ValueError as exc:
            self.error.setText(str(exc))
            self.refresh()

    def _bias_changed(self, v: float) -> None:
        if self.name is None:
            return
        if self.document.network.neuron(self.name).activation in THRESHOLD_UNITS:
            self._set(threshold=v)
        else:
            self._set(bias=v)

    def _beta_changed(self, v: float) -> None:
        if self.name is not None:
            params = dict(self.document.network.neuron(self.name).params)
            params["beta"] = v
            self._set(params=params)

    def _toggle(self) -> None:
        if self.name is not None:
            self.document.toggle_input(self.name)

    def _rename(self) -> None:
        if self._updating or self.name is None:
            return
        new = self.name_edit.text().strip()
        if new == self.name:
            return
        old, self.name = self.name, new  # so the refresh during the edit finds the neuron
        try:
            self.document.rename_neuron(old, new)
            self.error.clear()
        except ValueError as exc:
            self.name = old
            self.error.setText(str(exc))
            self.name_edit.setText(old)
        self.refresh()

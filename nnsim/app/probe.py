"""What the window shows, written to a JSON file for end-to-end tests (NNSIM_PROBE_FILE).

The end-to-end tests drive the real app with the real mouse and keyboard only; to check what a
person would read off the screen they need the texts as painted and where the controls are.  With
NNSIM_PROBE_FILE set, the window writes, a few times a second:
- the title and whether there is unsaved work;
- every visible button, box and field: its kind, text or value, tooltip, enabled, screen rect;
- the canvas: each neuron's screen centre and the value labels as painted (text, screen rect);
- each plot on screen: its key, whether it says it does not apply (and why), how many data
  points it draws, its status line;
- the last simulation frame's step, epoch and metrics, and the status bar's message.
Without the variable nothing of this runs.
"""
from __future__ import annotations

import json
import os

from PySide6.QtCore import QObject, QPoint, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QWidget,
)

PROBE_ENV = "NNSIM_PROBE_FILE"
INTERVAL_MS = 250


def _rect(widget: QWidget) -> list[int]:
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _controls(window) -> list[dict]:
    out = []
    for kind, cls in (("button", QAbstractButton), ("combo", QComboBox),
                      ("spin", QAbstractSpinBox), ("field", QLineEdit), ("label", QLabel)):
        for widget in window.findChildren(cls):
            if not _shown(widget):
                continue
            if kind == "combo":
                text = widget.currentText()
            elif kind == "spin":
                text = widget.text()
            else:
                text = widget.text() if hasattr(widget, "text") else ""
                text = getattr(widget, "full_text", text)
            if kind == "label" and not text:
                continue
            out.append({"kind": kind, "name": widget.objectName(), "text": text,
                        "tooltip": widget.toolTip(), "enabled": widget.isEnabled(),
                        "rect": _rect(widget)})
    for bar in window.findChildren(QTabBar):  # the tabs of tabbed docks
        if _shown(bar):
            for i in range(bar.count()):
                r = bar.tabRect(i)
                top_left = bar.mapToGlobal(r.topLeft())
                out.append({"kind": "tab", "name": "", "text": bar.tabText(i), "tooltip": "",
                            "enabled": bar.isTabEnabled(i), "current": i == bar.currentIndex(),
                            "rect": [top_left.x(), top_left.y(), r.width(), r.height()]})
    return out


def _canvas(view) -> dict:
    scene = view.canvas
    viewport = view.viewport()
    neurons = {}
    for i, name in enumerate(getattr(scene, "names", [])):
        x, y = scene.pos[i]
        point = viewport.mapToGlobal(view.mapFromScene(float(x), float(y)))
        neurons[name] = [point.x(), point.y()]
    labels = []
    viewport.grab()  # a whole paint: the last one may have been a strip of the view
    for kind, _index, text, rect in scene.overlay.shown_labels():  # device pixels of the view
        centre = viewport.mapToGlobal(rect.center().toPoint())
        labels.append({"kind": kind, "text": text, "at": [centre.x(), centre.y()]})
    return {"neurons": neurons, "labels": labels, "rect": _rect(viewport),
            "show_values": bool(getattr(view, "show_values", False)),
            "selected": view.selected_names(),
            "selected_synapses": [list(k) for k in view.selected_synapses()],
            "tool": view.tool}


def _focus(window) -> dict:
    """Which widget has the keyboard (the keyboard-only test steers by it): its class, object
    name and the dock it is in."""
    from PySide6.QtWidgets import QApplication, QDockWidget

    widget = QApplication.focusWidget()
    dock = widget
    while dock is not None and not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    return {"class": type(widget).__name__ if widget is not None else "",
            "name": widget.objectName() if widget is not None else "",
            "dock": dock.objectName() if dock is not None else "",
            "canvas": widget is window.view}


def _plots(learning) -> dict:
    out = {}
    for key, plot in learning.plots.items():
        if not _shown(plot):
            continue
        reason = getattr(plot, "unavailable_reason", None)
        out[key] = {"unavailable": reason, **_drawn(plot), "status": plot.status.text(),
                    "rect": _rect(plot)}
    return out


def _drawn(plot) -> dict:
    """How many markers and curve points the plot's visible items draw."""
    import pyqtgraph as pg

    markers = curve = 0
    for item in plot.graphics.scene().items():
        if not item.isVisible():
            continue
        if isinstance(item, pg.ScatterPlotItem):
            markers += len(item.data)
        elif isinstance(item, pg.PlotCurveItem) and item.xData is not None:
            curve += len(item.xData)
    return {"markers": markers, "curve_points": curve}


def snapshot_of(window) -> dict:
    snap = window.engine.snapshot
    frame = None
    if snap is not None:
        frame = {"step": int(snap.step), "epoch": int(snap.epoch),
                 "metrics": {k: float(v) for k, v in dict(snap.metrics).items()
                             if isinstance(v, int | float)},
                 "done": bool(snap.done)}
    return {
        "title": window.windowTitle(),
        "dirty": window.document.is_dirty,
        "running": bool(window.engine.running),
        "status": window.statusBar().currentMessage(),
        "controls": _controls(window),
        "focus": _focus(window),
        "canvas": _canvas(window.view),
        "plots": _plots(window.learning),
        "frame": frame,
    }


class Probe(QObject):
    def __init__(self, window, path: str) -> None:
        super().__init__(window)
        self.window, self.path = window, path
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.write)
        self.timer.start()

    def write(self) -> None:
        try:
            data = json.dumps(snapshot_of(self.window), default=str)
        except Exception:  # a probe must never take the app down  # noqa: BLE001
            import traceback

            data = json.dumps({"probe_error": traceback.format_exc()})
        temporary = f"{self.path}.tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(data)
        os.replace(temporary, self.path)  # the test never reads half a file


def install_probe(window) -> Probe | None:
    path = os.environ.get(PROBE_ENV)
    return Probe(window, path) if path else None

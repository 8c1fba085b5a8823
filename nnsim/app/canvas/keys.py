"""The canvas from the keyboard: its key map, and what each key does.

`CANVAS_KEYS` is the one table: `CanvasKeys.key_press` dispatches from it and Help > Keyboard
Shortcuts lists it (nnsim/app/help.py), so the list cannot go stale.  Keys that are also the
window's actions (S, N, C, I, Delete, Insert ...) fire as shortcuts in the window; the table
lists only what the canvas does itself while it has the keyboard focus.

- Tab / Shift+Tab walk the neurons in columns (left to right, top to bottom), then the
  synapses; Ctrl+Tab (or F6, the window's Next Panel) leaves the canvas.
- The arrows move the selected neurons a grid step (Shift: five); a burst of presses is one
  undo step, ended by any other key, a click, another selection or leaving the canvas.
- C with a neuron selected chooses a target: Tab, Shift+Tab or the arrows pick it (dashed line
  and ring), Enter connects, Esc cancels.
- Insert (or Enter with the neuron tool) adds a neuron beside the selection, or in the middle of
  the view.  Enter or F2 edits the selection: a synapse's weight in place, a neuron's bias (an
  input's value) in the inspector.  Menu or Shift+F10 opens the selection's context menu.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QToolTip

from . import shapes
from .shapes import GRID, RADIUS

M = Qt.KeyboardModifier
BIG_STEP = 5  # grid steps of a Shift+arrow move


@dataclass(frozen=True)
class CanvasKey:
    keys: tuple[str, ...]  # QKeySequence texts (PortableText)
    text: str  # what the key does, for Help > Keyboard Shortcuts
    handler: str  # the CanvasKeys method called with the matched key text


CANVAS_KEYS: tuple[CanvasKey, ...] = (
    CanvasKey(("Tab",), "Select the next neuron (in columns), then the synapses", "next_item"),
    CanvasKey(("Shift+Tab",), "Select the previous neuron or synapse", "previous_item"),
    CanvasKey(("Ctrl+Tab", "Ctrl+Shift+Tab"), "Leave the canvas for the next (previous) panel",
              "leave"),
    CanvasKey(("Left", "Right", "Up", "Down"),
              "Move the selected neurons one grid step (one undo step per burst); while "
              "connecting, pick the target in that direction", "arrow"),
    CanvasKey(("Shift+Left", "Shift+Right", "Shift+Up", "Shift+Down"),
              f"Move the selected neurons {BIG_STEP} grid steps", "arrow"),
    CanvasKey(("C",), "Connect from the selected neuron: Tab or the arrows pick the target, "
                      "Enter connects, Esc cancels (no selection: the connect tool)", "connect"),
    CanvasKey(("Return", "Enter"), "Connect to the chosen target; with the neuron tool, add a "
                                   "neuron; else edit the selection (as F2)", "enter"),
    CanvasKey(("F2",), "Edit the selection: a synapse's weight in place, a neuron's bias or "
                       "input value in the inspector", "edit"),
    CanvasKey(("T",), "Toggle the selected inputs between 0 and 1", "toggle_inputs"),
    CanvasKey(("Menu", "Shift+F10"), "The selection's menu: role, unit, inhibitory, weight, "
                                     "delete", "menu"),
    CanvasKey(("Esc",), "Cancel connecting or moving; back to the select tool", "escape"),
)

_MODIFIER_KEYS = (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                  Qt.Key.Key_AltGr)
_ARROWS = {"Left": (-1, 0), "Right": (1, 0), "Up": (0, -1), "Down": (0, 1)}


def _int(value) -> int:
    return int(getattr(value, "value", value))  # an enum member, or already an int


def _combination(text: str) -> tuple[int, int]:
    combo = QKeySequence(text)[0]
    return _int(combo.key()), _int(combo.keyboardModifiers())


_LOOKUP: dict[tuple[int, int], tuple[str, str]] = {
    _combination(k): (entry.handler, k) for entry in CANVAS_KEYS for k in entry.keys}


def event_combination(event) -> tuple[int, int]:
    mods = _int(event.modifiers()) & ~_int(M.KeypadModifier)
    key = _int(event.key())
    if key == _int(Qt.Key.Key_Backtab):  # Shift+Tab arrives as Backtab
        key, mods = _int(Qt.Key.Key_Tab), mods | _int(M.ShiftModifier)
    return key, mods


def reading_order(pos: np.ndarray) -> np.ndarray:
    """Indices of neurons at `pos` in columns: left to right, each column top to bottom (a
    column: the same grid step of x)."""
    if not len(pos):
        return np.zeros(0, np.intp)
    col = np.round(pos[:, 0] / GRID)
    return np.lexsort((pos[:, 1], col)).astype(np.intp)


def nearest_in_direction(pos: np.ndarray, start: int, direction: tuple[int, int],
                         allowed: np.ndarray) -> int:
    """The allowed neuron nearest to neuron `start` in `direction` (off-axis distance counts
    double), or -1 when there is none that way."""
    d = pos - pos[start]
    ahead = d @ np.array(direction, float)
    side = np.abs(d @ np.array((direction[1], -direction[0]), float))
    ok = allowed & (ahead > 1e-9)
    ok[start] = False
    if not ok.any():
        return -1
    score = np.where(ok, ahead + 2 * side, np.inf)
    return int(np.argmin(score))


class CanvasKeys:
    """Keyboard state of one NetworkView: the move burst and a keyboard connection in progress."""

    def __init__(self, view) -> None:
        self.view = view
        self.burst = 0  # moves with the same burst number are one undo step
        self._moving = False
        self.source: int | None = None  # neuron ids while connecting from the keyboard
        self.target: int | None = None
        view.selection_changed.connect(lambda _names: self.end_burst())

    @property
    def s(self):
        return self.view.canvas

    # ------------------------------------------------------------------ dispatch
    def key_press(self, event) -> bool:
        if event.key() in _MODIFIER_KEYS:
            return False  # Shift on its way to Shift+Right: the burst goes on
        found = _LOOKUP.get(event_combination(event))
        if found is None or (found[0] != "arrow"):
            self.end_burst()
        if found is None:
            return False
        handler, key = found
        return getattr(self, handler)(key) is not False

    def end_burst(self) -> None:
        if self._moving:
            self._moving = False
            self.burst += 1

    # ------------------------------------------------------------------ selection
    def items(self) -> list[tuple[str, object]]:
        """Every neuron (by id) in reading order, then every synapse (by key) in their order."""
        s = self.s
        neurons = [("neuron", s.ids[i]) for i in reading_order(s.pos).tolist()]
        order = {nid: k for k, (_kind, nid) in enumerate(neurons)}
        keys = sorted(s.keys, key=lambda k: (order.get(k[0], 0), order.get(k[1], 0)))
        return neurons + [("synapse", k) for k in keys]

    def current(self) -> tuple[str, object] | None:
        s = self.s
        if len(s.selected_ids) == 1 and not s.selected_keys:
            return ("neuron", next(iter(s.selected_ids)))
        if len(s.selected_keys) == 1 and not s.selected_ids:
            return ("synapse", next(iter(s.selected_keys)))
        return None

    def step_item(self, delta: int) -> bool:
        if self.source is not None:
            return self.step_target(delta)
        items = self.items()
        if not items:
            return False  # an empty canvas: Tab moves on to the next widget
        current = self.current()
        if current in items:
            k = (items.index(current) + delta) % len(items)
        else:
            k = 0 if delta > 0 else len(items) - 1
        self.select_item(items[k])
        return True

    def next_item(self, _key: str = "") -> bool:
        return self.step_item(+1)

    def previous_item(self, _key: str = "") -> bool:
        return self.step_item(-1)

    def select_item(self, item: tuple[str, object]) -> None:
        kind, ident = item
        s, view = self.s, self.view
        s.selected_ids.clear()
        s.selected_keys.clear()
        if kind == "neuron":
            s.selected_ids.add(ident)
        else:
            s.selected_keys.add(ident)
        s.refresh_emphasis()
        view.emit_selection()
        self.ensure_visible(item)
        view.viewport().update()

    def ensure_visible(self, item: tuple[str, object]) -> None:
        s = self.s
        kind, ident = item
        if kind == "neuron":
            point = s.pos[s.index[ident]]
        else:
            point = 0.5 * (s.pos[s.index[ident[0]]] + s.pos[s.index[ident[1]]])
        self.view.ensureVisible(float(point[0]) - RADIUS, float(point[1]) - RADIUS,
                                2 * RADIUS, 2 * RADIUS, 40, 40)

    def leave(self, key: str) -> None:
        self.cancel_connect()
        self.view.leave_canvas(not key.startswith("Ctrl+Shift"))

    # ------------------------------------------------------------------ moving
    def arrow(self, key: str) -> bool:
        dx, dy = _ARROWS[key.split("+")[-1]]
        if self.source is not None:
            return self.pick_target((dx, dy))
        names = self.view.selected_names()
        if not names:
            return True  # nothing to move: the arrow is still the canvas's
        step = GRID * (BIG_STEP if key.startswith("Shift+") else 1)
        doc, view = self.view.document, self.view
        positions = {}
        for name in names:
            n = doc.network.neuron(name)
            x, y = view.snap(n.x + dx * step, n.y + dy * step)
            positions[name] = (x, y)
        self._moving = True
        doc.move_neurons(positions, merge_key=("keyboard move", self.burst))
        return True

    # ------------------------------------------------------------------ adding
    def add_neuron(self) -> str:
        """A neuron of the toolbar's role and unit beside the selection (to its right, or the
        next free place around it), or in the middle of the view; it becomes the selection."""
        from .tools import name_for_role

        view, s = self.view, self.s
        chosen = [s.pos[i] for i in s.selected_indices()]
        if chosen:
            anchor = np.max(np.array(chosen), axis=0) * (1, 0) + (4 * GRID, 0)
            anchor[1] = float(np.mean(np.array(chosen)[:, 1]))
        else:
            centre = view.mapToScene(view.viewport().rect().center())
            anchor = np.array([centre.x(), centre.y()])
        x, y = self.free_place(anchor)
        x, y = view.snap(x, y)
        doc = view.document
        name = doc.add_neuron(name_for_role(set(doc.network.names), view.new_neuron_role),
                              role=view.new_neuron_role, activation=view.new_neuron_activation,
                              x=float(x), y=float(y))
        view.select([name])
        self.ensure_visible(("neuron", s.ids[s.name_index[name]]))
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return name

    def free_place(self, anchor: np.ndarray) -> tuple[float, float]:
        """`anchor`, or the nearest place around it (rings of grid steps) that no neuron covers."""
        pos = self.s.pos
        spacing = 3 * RADIUS
        for r in range(0, 12):
            for ix, iy in sorted(itertools.product(range(-r, r + 1), repeat=2),
                                 key=lambda p: (abs(p[1]), abs(p[0]), -p[1], -p[0])):
                if max(abs(ix), abs(iy)) != r:
                    continue
                p = anchor + np.array([ix, iy]) * 2 * GRID
                if not len(pos) or np.min(np.hypot(*(pos - p).T)) >= spacing:
                    return float(p[0]), float(p[1])
        return float(anchor[0]), float(anchor[1])

    # ------------------------------------------------------------------ connecting
    def connect(self, _key: str = "C") -> None:
        """C: the connect tool; with one neuron selected and the canvas focused, also start
        choosing a target from the keyboard."""
        self.view.choose_tool("synapse")

    def start_connect(self) -> bool:
        current = self.current()
        if current is None or current[0] != "neuron":
            return False
        s = self.s
        self.source = current[1]
        order = [s.ids[i] for i in reading_order(s.pos).tolist()]
        k = order.index(self.source)
        after = order[k + 1:] + order[:k + 1]  # the source itself last: a loop
        receivers = [nid for nid in after if s.roles[s.index[nid]] != "input"]
        self.target = receivers[0] if receivers else self.source
        self.view.viewport().update()
        return True

    def step_target(self, delta: int) -> bool:
        s = self.s
        order = [s.ids[i] for i in reading_order(s.pos).tolist()]
        if self.target not in order:
            self.cancel_connect()
            return True
        k = order.index(self.target)
        for j in range(1, len(order) + 1):
            nid = order[(k + delta * j) % len(order)]
            if s.roles[s.index[nid]] != "input" or nid == self.source:
                self.target = nid
                break
        self.ensure_visible(("neuron", self.target))
        self.view.viewport().update()
        return True

    def pick_target(self, direction: tuple[int, int]) -> bool:
        s = self.s
        allowed = np.array([r != "input" for r in s.roles], bool)
        allowed[s.index[self.source]] = True
        j = nearest_in_direction(s.pos, s.index[self.target], direction, allowed)
        if j >= 0:
            self.target = s.ids[j]
            self.ensure_visible(("neuron", self.target))
            self.view.viewport().update()
        return True

    def finish_connect(self) -> None:
        s, view = self.s, self.view
        source, target = self.source, self.target
        self.cancel_connect()
        if source not in s.index or target not in s.index:
            return
        a, b = s.names[s.index[source]], s.names[s.index[target]]
        try:
            view.document.connect(a, b)
        except ValueError as exc:
            point = view.mapFromScene(QPointF(*s.pos[s.index[target]]))
            QToolTip.showText(view.viewport().mapToGlobal(point), str(exc), view)
            return
        view.set_tool("select")
        view.select(synapses=[(a, b)])  # F2 now edits its weight

    def cancel_connect(self) -> None:
        if self.source is not None:
            self.source = self.target = None
            self.view.viewport().update()

    def validate(self) -> None:
        """The network changed: forget a target or source that is gone."""
        if self.source is not None and (self.source not in self.s.index
                                        or self.target not in self.s.index):
            self.cancel_connect()

    # ------------------------------------------------------------------ editing
    def enter(self, _key: str = "") -> None:
        if self.source is not None:
            self.finish_connect()
        elif self.view.tool == "neuron":
            self.add_neuron()
        else:
            self.edit()

    def edit(self, _key: str = "") -> None:
        current = self.current()
        if current is None:
            return
        kind, ident = current
        if kind == "synapse":
            self.view.interaction.edit_weight(self.s.key_index[ident])
        else:
            self.view.edit_neuron_requested.emit(self.s.names[self.s.index[ident]])

    def toggle_inputs(self, _key: str = "") -> None:
        s = self.s
        for i in sorted(s.selected_indices()):
            if s.roles[i] == "input":
                self.view.document.toggle_input(s.names[i])

    def menu(self, _key: str = "") -> None:
        self.view.selection_menu()

    def escape(self, _key: str = "") -> bool:
        if self.source is not None:
            self.cancel_connect()
            self.view.set_tool("select")
            return True
        return False  # the tools' Esc: cancel a gesture, back to the select tool

    def selection_point(self) -> QPoint:
        """Where the selection is, in viewport pixels (a keyboard context menu opens there)."""
        s = self.s
        current = self.current()
        if current is not None and current[0] == "synapse":
            p = s.synapse_layer.geometry.label[s.key_index[current[1]]]
        elif s.selected_indices():
            p = np.mean(s.pos[s.selected_indices()], axis=0) + (RADIUS, RADIUS)
        else:
            return self.view.viewport().rect().center()
        return self.view.mapFromScene(QPointF(float(p[0]), float(p[1])))

    # ------------------------------------------------------------------ drawing
    def paint_scene(self, painter: QPainter) -> None:
        """A keyboard connection in progress: a dashed line to the chosen target, ringed."""
        s = self.s
        if self.source is None or self.source not in s.index or self.target not in s.index:
            return
        a, b = s.pos[s.index[self.source]], s.pos[s.index[self.target]]
        pen = QPen(shapes.ACCENT, 2.0, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.source != self.target:
            painter.drawLine(QPointF(*a), QPointF(*b))
        painter.drawEllipse(QPointF(*b), RADIUS + 8, RADIUS + 8)

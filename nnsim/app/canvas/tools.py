"""Mouse and keyboard gestures on the canvas, turned into Document edits.

Select tool: click selects (Ctrl or Shift+click adds), drag moves every selected neuron (one
undo step), drag on empty space draws a rubber band, Shift+drag from a neuron connects it, a
click on an input toggles its value 0/1.  Neuron tool: click adds a neuron.  Connect tool: drag
from neuron to neuron (back onto the same neuron makes a self-loop).  Everywhere: middle drag or
Space+drag pans, the wheel zooms, and the wheel over a synapse nudges its weight by 0.1.
Space is the window's Play/Pause shortcut: while the canvas has focus it takes Space over (see
NetworkView.event), so that holding it to pan does not play; a tap, Space pressed and released
without a mouse button in between, is handed on to Play/Pause.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QDoubleValidator, QPainter, QPen
from PySide6.QtWidgets import QLineEdit, QMenu, QToolTip

from nnsim.app.numbers import format_value
from nnsim.engine.network import ROLES
from nnsim.engine.units import ACTIVATIONS, get_unit

from .hover_card import SynapseHits
from .shapes import ACCENT, RADIUS

TOOL_HINTS = {
    "select": "Select: click, drag to move, drag on empty space to select; Shift+drag from a "
              "neuron to connect; click an input to toggle it",
    "neuron": "Add neuron: click on the canvas (role and unit from the toolbar)",
    "synapse": "Connect: drag from one neuron to another (back to itself for a loop)",
}
NAME_STEMS = {"input": "x", "hidden": "h", "output": "y"}
DRAG_START = 4  # pixels before a press becomes a drag
NUDGE = 0.1
B = Qt.MouseButton
M = Qt.KeyboardModifier


def unit_labels() -> list[tuple[str, str]]:
    """(activation, menu text) for every unit, each text with a mnemonic of its own: the first
    letter of its label not taken by an earlier one."""
    taken, out = set(), []
    for activation in ACTIVATIONS:
        label = get_unit(activation).label
        k = next((j for j, ch in enumerate(label) if ch.isalpha() and ch.lower() not in taken), -1)
        if k >= 0:
            taken.add(label[k].lower())
            label = f"{label[:k]}&{label[k:]}"
        out.append((activation, label))
    return out


def name_for_role(taken, role: str) -> str:
    """The first free name for a new neuron of `role`, as the lecture writes them: inputs x1, x2,
    ...; hidden units h1, h2, ...; the output y, then y2, y3, ...  `taken`: names in use."""
    stem = NAME_STEMS.get(role, "n")
    if role == "output" and stem not in taken:
        return stem
    k = 2 if role == "output" else 1
    while f"{stem}{k}" in taken:
        k += 1
    return f"{stem}{k}"


class Interaction:
    def __init__(self, view) -> None:
        self.view = view
        self.mode: str | None = None  # 'move', 'band', 'connect', 'pan' while a button is down
        self.press_pos = QPointF()
        self.press_scene = QPointF()
        self.press_neuron = -1
        self.moved = False
        self.band = QRectF()
        self.connect_to = QPointF()
        self.drag_indices = np.zeros(0, np.intp)
        self.drag_start = np.zeros((0, 2))
        self.space_down = False
        self.space_used = False  # a mouse button went down while Space was held
        self.weight_editor: QLineEdit | None = None
        self.hits = SynapseHits()  # geometry.hit, fast enough for every mouse move (hover)

    @property
    def s(self):
        return self.view.canvas

    # ------------------------------------------------------------------ hit tests
    def neuron_at(self, p: QPointF) -> int:
        pos = self.s.pos
        if not len(pos):
            return -1
        d2 = ((pos - (p.x(), p.y())) ** 2).sum(1)
        i = int(np.argmin(d2))
        return i if d2[i] <= (RADIUS + 2) ** 2 else -1

    def synapse_at(self, p: QPointF) -> int:
        g = self.s.synapse_layer.geometry
        if g is None:
            return -1
        return self.hits.at(g, p.x(), p.y(), max(5.0 / self.view.transform().m11(), 3.0))

    def _scene(self, event) -> QPointF:
        return self.view.mapToScene(event.position().toPoint())

    # ------------------------------------------------------------------ mouse
    def press(self, event) -> bool:
        view, s = self.view, self.s
        view.setFocus()
        self.press_pos = event.position()
        self.press_scene = p = self._scene(event)
        self.moved = False
        self.space_used |= self.space_down
        if event.button() == B.MiddleButton or (event.button() == B.LeftButton and self.space_down):
            self.mode = "pan"
            view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return True
        if event.button() != B.LeftButton:
            return False
        i = self.press_neuron = self.neuron_at(p)
        mods = event.modifiers()
        if view.tool == "synapse" or (i >= 0 and mods & M.ShiftModifier and view.tool == "select"):
            if i >= 0:
                self.mode, self.connect_to = "connect", p
            return True
        if view.tool == "neuron" and i < 0:
            x, y = view.snap(p.x(), p.y())
            role = view.new_neuron_role
            name = view.document.add_neuron(name_for_role(set(view.document.network.names), role), role=role,
                                            activation=view.new_neuron_activation, x=x, y=y)
            view.select([name])
            return True
        ctrl = bool(mods & M.ControlModifier)
        if i >= 0:
            nid = s.ids[i]
            if ctrl:
                s.selected_ids ^= {nid}
            elif nid not in s.selected_ids:
                s.selected_ids = {nid}
                s.selected_keys.clear()
            self.mode = "move"
            self.drag_indices = np.array(s.selected_indices() or [i], np.intp)
            self.drag_start = s.pos[self.drag_indices].copy()
        else:
            k = self.synapse_at(p)
            if k >= 0:
                key = s.keys[k]
                if ctrl:
                    s.selected_keys ^= {key}
                else:
                    s.selected_ids.clear()
                    s.selected_keys = {key}
            else:
                if not ctrl:
                    s.selected_ids.clear()
                    s.selected_keys.clear()
                self.mode, self.band = "band", QRectF(p, p)
        s.refresh_emphasis()
        view.emit_selection()
        view.viewport().update()
        return True

    def move(self, event) -> bool:
        view, s = self.view, self.s
        p = self._scene(event)
        if self.mode is None:
            i = self.neuron_at(p)
            self.set_hover(i, event)
            view.hover_card.point_at(event.position(), self.synapse_at(p) if i < 0 else -1)
            return False
        delta = event.position() - self.press_pos
        if abs(delta.x()) + abs(delta.y()) >= DRAG_START:
            self.moved = True
        if self.mode == "pan":
            view.pan_by(delta.x(), delta.y())
            self.press_pos = event.position()
        elif self.mode == "move" and self.moved:
            d = np.array([p.x() - self.press_scene.x(), p.y() - self.press_scene.y()])
            new = self.drag_start + d
            if view.snap_to_grid:
                new = np.array([view.snap(x, y) for x, y in new]).reshape(-1, 2)
            s.preview_positions(self.drag_indices, new)
        elif self.mode == "band":
            self.band = QRectF(self.press_scene, p).normalized()
        elif self.mode == "connect":
            self.connect_to = p
            self.set_hover(self.neuron_at(p), None)
        view.viewport().update()
        return True

    def release(self, event) -> bool:
        view, s, doc = self.view, self.s, self.view.document
        mode, self.mode = self.mode, None
        if mode is None:
            return False
        p = self._scene(event)
        if mode == "pan":
            view.set_tool(view.tool)  # restores the tool's cursor
            if self.space_down:  # still held: ready for the next pan
                view.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif mode == "move" and self.moved:
            names = [s.names[i] for i in self.drag_indices.tolist()]
            new = s.pos[self.drag_indices]
            doc.move_neurons({n: (float(x), float(y)) for n, (x, y) in zip(names, new)})
        elif mode == "move" and s.roles[self.press_neuron] == "input" and \
                not event.modifiers() & M.ControlModifier:
            doc.toggle_input(s.names[self.press_neuron])
        elif mode == "band":
            r, x, y = self.band, s.pos[:, 0], s.pos[:, 1]
            inside = (x >= r.left()) & (x <= r.right()) & (y >= r.top()) & (y <= r.bottom())
            s.selected_ids |= {s.ids[i] for i in np.flatnonzero(inside).tolist()}
            s.refresh_emphasis()
            view.emit_selection()
        elif mode == "connect" and view.tool == "select" and not self.moved:
            s.selected_ids ^= {s.ids[self.press_neuron]}  # a Shift+click extends the selection
            s.refresh_emphasis()
            view.emit_selection()
        elif mode == "connect":
            j = self.neuron_at(p)
            if j >= 0 and (j != self.press_neuron or self.moved):
                try:
                    doc.connect(s.names[self.press_neuron], s.names[j])
                except ValueError as exc:  # e.g. an input cannot receive: say so where it happened
                    QToolTip.showText(event.globalPosition().toPoint(), str(exc), view)
        view.viewport().update()
        return True

    def cancel(self) -> None:
        """Drop any gesture in progress (the document changed under it, or Esc)."""
        if self.mode == "move" and self.moved:
            self.s.preview_positions(self.drag_indices, self.drag_start)  # back where they were
        self.mode = None
        if self.weight_editor is not None:
            typing = self.weight_editor.hasFocus()
            self.weight_editor.deleteLater()
            self.weight_editor = None
            if typing:  # the keys go back to the canvas, not to the next widget in the chain
                self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def wheel(self, event) -> None:
        p = self._scene(event)
        steps = event.angleDelta().y() / 120.0
        k = -1 if event.modifiers() & M.ControlModifier else self.synapse_at(p)
        if k >= 0 and steps:
            s = self.s
            a, b = s.keys[k]
            self.view.document.nudge_weight(s.names[s.index[a]], s.names[s.index[b]], NUDGE * steps)
            w = self.view.document.network.synapse(s.names[s.index[a]], s.names[s.index[b]]).weight
            QToolTip.showText(event.globalPosition().toPoint(), f"w = {format_value(w)}", self.view)
        elif steps:
            self.view.zoom(1.15 ** steps, p)
        event.accept()

    def double_click(self, event) -> bool:
        if event.button() != B.LeftButton:
            return False
        k = self.synapse_at(self._scene(event))
        if k < 0 or self.neuron_at(self._scene(event)) >= 0:
            return False
        self.edit_weight(k)
        return True

    def edit_weight(self, k: int) -> QLineEdit:
        """An inline editor over synapse k's weight label; Enter commits, Esc cancels."""
        self.cancel()
        s, view = self.s, self.view
        a, b = s.keys[k]
        src, tgt = s.names[s.index[a]], s.names[s.index[b]]
        # the weight in full (what is shown is rounded): Enter on it unchanged changes nothing
        initial = f"{float(s.weights[k]):.12g}"
        editor = _WeightEditor(initial, view.viewport())
        editor.cancelled.connect(self.cancel)
        editor.setValidator(QDoubleValidator(editor))
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor.setFixedWidth(70)
        editor.setToolTip(f"Weight {src} \u2192 {tgt}: Enter to set, Esc to cancel")
        centre = view.mapFromScene(QPointF(*s.synapse_layer.geometry.label[k]))
        editor.move(centre.x() - 35, centre.y() - editor.sizeHint().height() // 2)

        def commit() -> None:
            if self.weight_editor is not editor:
                return
            text = editor.text().replace(",", ".")
            self.cancel()
            if text == initial:
                return
            try:
                view.document.set_weight(src, tgt, float(text))
            except ValueError:
                pass  # not a number: leave the weight as it was
        editor.returnPressed.connect(commit)
        editor.editingFinished.connect(commit)
        self.weight_editor = editor
        editor.show()
        editor.selectAll()
        editor.setFocus()
        return editor

    def context_menu(self, event) -> None:
        self.menu_at(self.view.mapToScene(event.pos())).exec(event.globalPos())

    def menu_at(self, p: QPointF) -> QMenu:
        """The context menu for what lies at scene point p: a neuron, a synapse or the canvas."""
        i = self.neuron_at(p)
        return self.menu_for(i, self.synapse_at(p) if i < 0 else -1)

    def menu_for(self, i: int, k: int) -> QMenu:
        """The context menu of neuron i, else of synapse k, else of the canvas (-1: none).
        Every entry has a mnemonic: the menu works from the keyboard (Menu key, Shift+F10)."""
        view, s, doc = self.view, self.s, self.view.document
        menu = QMenu(view)
        if i >= 0:
            name = s.names[i]
            roles = menu.addMenu("&Role")
            for role in ROLES:
                act = roles.addAction(f"&{role.capitalize()}",
                                      lambda r=role: self._try(doc.set_neuron, name, role=r))
                act.setCheckable(True)
                act.setChecked(s.roles[i] == role)
            units = menu.addMenu("&Unit")
            for activation, label in unit_labels():
                act = units.addAction(label, lambda a=activation: self._try(
                    doc.set_neuron, name, activation=a))
                act.setCheckable(True)
                act.setChecked(s.activations[i] == activation)
            menu.addAction("&Delete Neuron", lambda: doc.remove_items([name], []))
        elif k >= 0:
            a, b = s.keys[k]
            src, tgt = s.names[s.index[a]], s.names[s.index[b]]
            act = menu.addAction("&Inhibitory", lambda: doc.toggle_kind([(src, tgt)]))
            act.setCheckable(True)
            act.setChecked(bool(s.inhibitory[k]))
            menu.addAction("Edit &Weight\u2026", lambda: self.edit_weight(k))
            menu.addAction("&Delete Synapse", lambda: doc.disconnect(src, tgt))
        else:
            for act in view.edit_actions()[2:3] + view.view_actions()[2:]:
                menu.addAction(act)
        return menu

    def _try(self, fn, *args, **kw) -> None:
        try:
            fn(*args, **kw)
        except ValueError as exc:
            QToolTip.showText(self.view.cursor().pos(), str(exc), self.view)

    # ------------------------------------------------------------------ keys
    def key_press(self, event) -> bool:
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            if not event.isAutoRepeat() and not self.space_down:  # a held key repeats
                self.space_down, self.space_used = True, False
                self.view.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return True
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            self.view.set_tool("select")
            return True
        # Fallback for when the actions' shortcuts do not fire (no active window, e.g. offscreen)
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        keys = {Qt.Key.Key_S: lambda: self.view.set_tool("select"),
                Qt.Key.Key_N: lambda: self.view.set_tool("neuron"),
                Qt.Key.Key_C: lambda: self.view.choose_tool("synapse"),
                Qt.Key.Key_Insert: self.view.add_neuron_here,
                Qt.Key.Key_I: self.view.toggle_selected_kind,
                Qt.Key.Key_Delete: self.view.delete_selection,
                Qt.Key.Key_Backspace: self.view.delete_selection}
        if event.key() in keys:
            keys[event.key()]()
            return True
        return False

    def key_release(self, event) -> bool:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat() and self.space_down:
            self.release_space()
            if not self.space_used:
                self.view.space_tapped()
            return True
        return False

    def release_space(self) -> None:
        """Space is up (or focus went elsewhere while it was down): back to the tool's cursor."""
        self.space_down = False
        if self.mode != "pan":
            self.view.set_tool(self.view.tool)

    # ------------------------------------------------------------------ hover
    def set_hover(self, i: int | None, event=None) -> None:
        s = self.s
        nid = s.ids[i] if i is not None and i >= 0 else None
        if nid == s.hover_id:
            return
        s.hover_id = nid
        if nid is not None:
            s.hover_key = None  # a neuron's card, not a synapse's
        s.refresh_emphasis()
        self.view.viewport().update()  # the hover card (hover_card.py) shows its numbers

    # ------------------------------------------------------------------ feedback drawing
    def paint_scene(self, painter: QPainter) -> None:
        """The synapse being dragged, in scene coordinates."""
        if self.mode == "connect" and 0 <= self.press_neuron < len(self.s.pos):
            pen = QPen(ACCENT, 2.0, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawLine(QPointF(*self.s.pos[self.press_neuron]), self.connect_to)

    def paint_viewport(self, painter: QPainter) -> None:
        """The rubber band, in viewport pixels."""
        if self.mode == "band":
            r = self.view.mapFromScene(self.band).boundingRect()
            fill = QColor(ACCENT)
            fill.setAlpha(30)
            painter.setPen(QPen(ACCENT, 1.0))
            painter.setBrush(fill)
            painter.drawRect(r)


class _WeightEditor(QLineEdit):
    """The inline weight editor: Esc cancels (a plain QLineEdit would ignore it)."""
    cancelled = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # QLineEdit passes Enter on: the canvas would open the editor again

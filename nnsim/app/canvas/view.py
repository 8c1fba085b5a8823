"""NetworkView: the canvas widget.  It shows a Document and turns mouse and keys into its edits.

Drawing lives in the scene's items; mouse gestures live in `tools.Interaction`; this module
holds the view itself: syncing with the document, zoom and pan, background and legend, the
clipboard and the actions the main window puts in its menus.
"""
from __future__ import annotations

import json
import time

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QImage, QKeySequence, QPainter, QPen, QTransform
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView

from nnsim.app.document import Document, fragment
from nnsim.engine.network import ROLES
from nnsim.engine.units import ACTIVATIONS

from .actions import build_actions
from .hover_card import HoverCard
from .keys import CanvasKeys
from .legend import legend_place, open_rect, paint_hint, paint_legend, paint_tab
from .neuron_maps import MAPS_TIP, maps_unavailable_reason
from .scene import NetworkScene
from .shapes import BACKGROUND, GRID, RADIUS
from .synapses import DENSE
from .tools import TOOL_HINTS, Interaction

MIN_SCALE, MAX_SCALE = 0.03, 8.0
RESTYLE_HZ = 5  # synapse restyles per second on a dense canvas
LINE_BUDGET = 0.006  # seconds of a frame spent drawing a dense canvas's restyled lines
ZOOM_SETTLE_MS = 150  # a dense canvas's zoom shows the last picture scaled until the wheel rests


class NetworkView(QGraphicsView):
    selection_changed = Signal(list)
    tool_changed = Signal(str)
    new_neuron_changed = Signal()
    network_shown = Signal()  # the canvas now shows the document's network as it is
    show_values_changed = Signal(bool)
    show_maps_changed = Signal(bool)  # View > Neuron Maps toggled
    neuron_map_clicked = Signal(str)  # a plain click on a neuron showing its map: its name
    edit_neuron_requested = Signal(str)  # Enter/F2 on a neuron: its fields in the inspector

    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.canvas = NetworkScene(self)
        self.setScene(self.canvas)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        # Every frame recolours most of the canvas: one full repaint beats region bookkeeping.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        # Grid and synapse lines are the background, cached as a pixmap: a frame that only
        # recolours neurons blits them, and a pan draws only the newly exposed strip.
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self._restyle_timer = QTimer(self)
        self._restyle_timer.setSingleShot(True)
        self._restyle_timer.timeout.connect(self._restyle_synapses)
        self._last_restyle = 0.0
        # A dense restyle is drawn a slice per frame into an image (synapses.LineJob); this
        # timer carries on with it when no snapshot comes to do so.
        self._line_job = None
        self._line_image = None  # (image, viewport transform, layer version) of a finished job
        self._job_timer = QTimer(self)
        self._job_timer.setSingleShot(True)
        self._job_timer.setInterval(30)
        self._job_timer.timeout.connect(self._restyle_synapses)
        # The background (grid and lines) as last drawn, (image, viewport transform): a copy of
        # QGraphicsView's background cache that we can read.  An edit redraws only its part of
        # it (lines_changed); a zoom on a dense canvas shows it scaled (_zoom_base) until the
        # wheel has rested for ZOOM_SETTLE_MS, then draws the new view properly.
        self._bg: tuple[QImage, QTransform] | None = None
        self._zoom_base: tuple[QImage, QTransform] | None = None
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(ZOOM_SETTLE_MS)
        self._settle_timer.timeout.connect(self.settle_zoom)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        # panning is a middle drag (or Space+drag): scroll bars would only take room
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.snap_to_grid = False
        self._new_role, self._new_activation = "hidden", "sigmoid"
        self.tool = "select"
        self._last_selection: list[str] = []
        self._paste_count, self._last_paste = 0, ""
        self.throttle_restyles = True  # False: every snapshot restyles (recording: same frames)
        self._auto_fit = True  # fit the network to the window until the user zooms or pans
        self.ui_scale = 1.0  # labels' size factor (presenter mode: set_ui_scale)
        self.interaction = Interaction(self)
        self.hover_card = HoverCard(self)  # numbers of what is under the pointer
        self._readout_pin: str | None = None  # show_readout's target, while the pointer rests
        self._legend: tuple[QRectF, str, bool] = (QRectF(), "bottom-right", False)  # last painted
        self._legend_hover = self._legend_pinned = False  # a folded legend opened
        self._actions = build_actions(self)
        self.keys = CanvasKeys(self)  # the canvas from the keyboard (keys.py)
        self._describe()
        document.changed.connect(self._document_changed)
        self.canvas.sync(document.network)
        self._update_scene_rect()
        self._refresh_maps_action()

    # ------------------------------------------------------------------ document
    def set_document(self, document: Document) -> None:
        self._readout_pin = None  # a lesson scene's read-out belongs to its own document
        self.document.changed.disconnect(self._document_changed)
        self.document = document
        document.changed.connect(self._document_changed)
        self.canvas.selected_ids.clear()
        self.canvas.selected_keys.clear()
        self.canvas.neuron_maps.clear()  # another network's maps, whatever its names
        self._document_changed()
        self._auto_fit = True
        self.fit_to_view()

    def _document_changed(self) -> None:
        self.interaction.cancel()
        self.keys.validate()
        self.canvas.sync(self.document.network)
        self._update_scene_rect()
        self._refresh_maps_action()
        self.emit_selection()
        self.network_shown.emit()
        self.viewport().update()

    def _update_scene_rect(self) -> None:
        r = self.canvas.items_rect()
        margin = max(r.width(), r.height(), 2000.0)
        current = self.sceneRect()
        # Kept while the network stays well inside it and it is not far too big: setting it
        # makes QGraphicsView redraw its whole background cache (every synapse line).
        if current.contains(r.adjusted(-margin / 2, -margin / 2, margin / 2, margin / 2)) and \
                r.adjusted(-2 * margin, -2 * margin, 2 * margin, 2 * margin).contains(current):
            return
        self.setSceneRect(r.adjusted(-margin, -margin, margin, margin))

    def apply_snapshot(self, snapshot) -> None:
        """Colour neurons by output and synapses by weight (names not on the canvas are ignored).

        On a dense canvas (thousands of synapses in view) redrawing every line costs more than a
        frame, so synapse restyling is limited to RESTYLE_HZ, and each restyle is drawn a slice
        per frame (LINE_BUDGET) while the previous lines stay on screen; neurons recolour every
        frame."""
        dense = self._dense()
        self.canvas.apply_snapshot(snapshot, restyle_synapses=not dense)
        if not dense:
            self._line_job = None
            self._last_restyle = time.monotonic()
        elif self._line_job is not None or time.monotonic() - self._last_restyle >= 1.0 / RESTYLE_HZ:
            self._restyle_synapses()
        if dense and not self._restyle_timer.isActive():  # the last weights get shown
            self._restyle_timer.start(int(1000 / RESTYLE_HZ))
        self.viewport().update()

    def _dense(self) -> bool:
        return self.throttle_restyles and self.canvas.synapse_layer.visible_count >= DENSE

    def _restyle_synapses(self) -> None:
        """Restyle the synapses by the weights shown: at once on a sparse canvas, else start or
        carry on the LineJob."""
        layer = self.canvas.synapse_layer
        if not self._dense() or not self.isVisible():
            self._line_job = None
            self._last_restyle = time.monotonic()
            if layer.set_weights(self.canvas.shown_weights):
                self.viewport().update()
            return
        start = time.perf_counter()
        job = self._line_job
        if job is not None and job.stale:  # an edit restyled the layer meanwhile
            job = None
        dpr = self.viewport().devicePixelRatioF()
        size = self.viewport().size() * dpr
        if job is not None and (job.transform != self.viewportTransform() or job.image.size() != size):
            job = None  # zoomed, panned or resized meanwhile: draw again for the new view
        if job is None:
            self._last_restyle = time.monotonic()
            image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(dpr)
            rect = self.mapToScene(self.viewport().rect()).boundingRect()
            job = layer.line_job(self.canvas.shown_weights, image, self.viewportTransform(), rect,
                                 self.transform().m11(), lambda p: self._paint_grid(p, rect))
        self._line_job = job
        if job is None:
            return  # nothing would change
        if job.step(max(0.0, LINE_BUDGET - (time.perf_counter() - start))):
            self._line_job = None
            if job.finish():
                self._line_image = (job.image, job.transform, layer.version)
            self.viewport().update()
        else:
            self._job_timer.start()

    def finish_restyle(self) -> None:
        """Draw the rest of a pending restyle now, and settle a zoom (tests, screenshots)."""
        while self._line_job is not None:
            self._line_job.run()
            self._restyle_synapses()
        self.settle_zoom()

    def lines_changed(self, boxes: np.ndarray | None = None) -> None:
        """The synapse layer's lines changed: all of them (None), or only within `boxes`
        ((k, 4) x0, y0, x1, y1, scene units), whose part of the background alone is redrawn."""
        if self._zoom_base is not None or boxes is None:
            self._zoom_base = None  # an edit ends a zoom's preview at once
            self._settle_timer.stop()
            self.resetCachedContent()
            return
        if not len(boxes):
            return
        lo, hi = boxes[:, :2].min(0), boxes[:, 2:].max(0)
        vp = self.viewport().rect()
        dev = self.mapFromScene(QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])).boundingRect()
        dev = dev.adjusted(-2, -2, 2, 2) & vp
        if dev.isEmpty():
            return
        if dev.width() * dev.height() > 0.6 * vp.width() * vp.height():
            self.resetCachedContent()
        else:
            self.invalidateScene(self.mapToScene(dev).boundingRect(),
                                 QGraphicsScene.SceneLayer.BackgroundLayer)

    # ------------------------------------------------------------------ selection
    def selected_names(self) -> list[str]:
        c = self.canvas
        return [c.names[i] for i in sorted(c.selected_indices())]

    def selected_synapses(self) -> list[tuple[str, str]]:
        c = self.canvas
        return [(c.names[c.index[a]], c.names[c.index[b]]) for a, b in
                sorted(c.selected_keys, key=c.key_index.get)]

    def select(self, names=(), synapses=(), add: bool = False) -> None:
        c = self.canvas
        if not add:
            c.selected_ids.clear()
            c.selected_keys.clear()
        c.selected_ids |= {c.ids[c.name_index[n]] for n in names if n in c.name_index}
        for a, b in synapses:
            if a in c.name_index and b in c.name_index:
                key = (c.ids[c.name_index[a]], c.ids[c.name_index[b]])
                if key in c.key_index:
                    c.selected_keys.add(key)
        c.refresh_emphasis()
        self.emit_selection()
        self.viewport().update()

    def emit_selection(self) -> None:
        names = self.selected_names()
        if names != self._last_selection:
            self._last_selection = names
            self.selection_changed.emit(names)

    # ------------------------------------------------------------------ tools
    @property
    def new_neuron_role(self) -> str:
        return self._new_role

    @new_neuron_role.setter
    def new_neuron_role(self, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
        if role != self._new_role:
            self._new_role = role
            if role == "input":  # an input is a clamped value: linear, as the engine's default
                self._new_activation = "linear"
            self.new_neuron_changed.emit()

    @property
    def new_neuron_activation(self) -> str:
        return self._new_activation

    @new_neuron_activation.setter
    def new_neuron_activation(self, activation: str) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown unit {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
        if activation != self._new_activation:
            self._new_activation = activation
            self.new_neuron_changed.emit()

    def set_selected_neurons(self, **fields) -> str | None:
        """Give every selected neuron these fields (role, activation: see Document.set_neuron)
        as one undoable edit.  Returns None, or a sentence saying why nothing changed."""
        names = self.selected_names()
        doc = self.document
        trial = doc.network.copy()  # all or nothing: try them all before the first edit
        try:
            for name in names:
                if "role" in fields:
                    trial.set_role(name, fields["role"])
                if "activation" in fields:
                    trial.set_activation(name, fields["activation"])
        except ValueError as exc:
            return str(exc)
        todo = [n for n in names if any(getattr(doc.network.neuron(n), f) != v
                                        for f, v in fields.items())]
        if len(todo) > 1:
            doc.undo_stack.beginMacro(f"Set {', '.join(sorted(fields))} of {len(todo)} neurons")
        try:
            for name in todo:
                doc.set_neuron(name, **fields)
        finally:
            if len(todo) > 1:
                doc.undo_stack.endMacro()
        return None

    def set_tool(self, name: str) -> None:
        if name not in TOOL_HINTS:
            raise ValueError(f"unknown tool {name!r}; choose one of {', '.join(TOOL_HINTS)}")
        self.interaction.cancel()
        self.tool = name
        self._actions.tools[name].setChecked(True)
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor if name == "select"
                                  else Qt.CursorShape.CrossCursor)
        self.tool_changed.emit(name)
        self.viewport().update()

    # ------------------------------------------------------------------ zoom and pan
    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt's name
        """At a fractional device pixel ratio (1.5) a scroll of 3 px is 4.5 device pixels:
        QGraphicsView shifts its background cache by a truncated 4 and the picture tears
        against the strip drawn fresh.  Such a scroll draws the background again instead."""
        super().scrollContentsBy(dx, dy)
        dpr = self.viewport().devicePixelRatioF()
        if (dx * dpr) % 1 or (dy * dpr) % 1:
            self.resetCachedContent()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit_to_view()

    def zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        self._auto_fit = False
        scale = self.transform().m11()
        factor = min(max(factor, MIN_SCALE / scale), MAX_SCALE / scale)
        if self._zoom_base is None and self._dense():
            bg = self._bg  # what is on screen now, if it is the whole picture of this view
            if bg is not None and bg[1] == self.viewportTransform() and \
                    bg[0].size() == self.viewport().size() * self.viewport().devicePixelRatioF():
                self._zoom_base = bg
        if anchor is None:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.scale(factor, factor)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        if self._zoom_base is not None:
            self._settle_timer.start()

    def settle_zoom(self) -> None:
        """End a zoom's scaled preview: draw the view properly."""
        self._settle_timer.stop()
        if self._zoom_base is not None:
            self._zoom_base = None
            self.resetCachedContent()
            self.viewport().update()

    def fit_to_view(self) -> None:
        # room around the network for names, values and the legend in the corner (scene units:
        # in presenter mode the zoom is larger, and so the room in pixels, as the labels are)
        k = self.ui_scale  # presenter mode: labels and neurons larger, as far as they fit
        self.fitInView(self.canvas.items_rect().adjusted(-40, -30, 40, 60),
                       Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > 1.6 * k:  # a tiny network should not fill the screen
            self.resetTransform()
            self.scale(1.6 * k, 1.6 * k)
            self.centerOn(self.canvas.items_rect().center())

    def set_ui_scale(self, scale: float) -> None:
        """Labels and the read-out card `scale` times their size, and a fitted network up to
        `scale` times closer (presenter mode, nnsim.app.presenter); 1.0: as normal."""
        self.ui_scale = scale
        self.canvas.overlay.set_scale(scale)
        self.hover_card.scale = scale
        if self._auto_fit:
            self.fit_to_view()
        self.viewport().update()

    def pan_by(self, dx: float, dy: float) -> None:
        self._auto_fit = False
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() - int(dx))
        v.setValue(v.value() - int(dy))

    def snap(self, x: float, y: float) -> tuple[float, float]:
        if not self.snap_to_grid:
            return x, y
        return round(x / GRID) * GRID, round(y / GRID) * GRID

    # ------------------------------------------------------------------ painting
    def _view_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        """Grid and synapse lines.  QGraphicsView calls this for the parts of its background
        cache that are exposed (all of it after resetCachedContent, a strip after a pan, an
        edit's part after lines_changed); they are drawn into self._bg and copied from there."""
        transform = self.viewportTransform()
        if painter.transform() != transform:  # rendered elsewhere (QGraphicsView.render)
            self._paint_grid(painter, rect)
            self.canvas.synapse_layer.paint_lines(painter, rect, self.transform().m11(),
                                                  self._view_rect())
            return
        layer = self.canvas.synapse_layer
        dpr = self.viewport().devicePixelRatioF()
        size = self.viewport().size() * dpr
        shown, self._line_image = self._line_image, None
        if shown is not None and shown[2] == layer.version and shown[1] == transform and \
                shown[0].size() == size:
            self._bg = (shown[0], transform)  # a finished LineJob: this very view, all drawn
            self._zoom_base = None
            self._settle_timer.stop()
        elif self._zoom_base is not None:
            self._paint_zoom_preview(painter, rect)
            return
        else:
            self._update_background(painter, rect, transform, size, dpr)
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(0, 0), self._bg[0])  # within the exposed part (the clip)
        painter.restore()

    def _update_background(self, painter: QPainter, rect: QRectF, transform: QTransform,
                           size, dpr: float) -> None:
        """Bring self._bg up to date where QGraphicsView exposes `rect` (scene units)."""
        full = self.viewport().rect()
        exposed = transform.mapRect(rect).toAlignedRect() & full
        bg = self._bg
        if bg is None or bg[0].size() != size:
            image, exposed = QImage(size, QImage.Format.Format_ARGB32_Premultiplied), full
            image.setDevicePixelRatio(dpr)
        else:
            image, old = bg
            dx, dy = transform.dx() - old.dx(), transform.dy() - old.dy()
            same_scale = (old.m11(), old.m12(), old.m21(), old.m22()) == \
                (transform.m11(), transform.m12(), transform.m21(), transform.m22())
            if not same_scale or dx != int(dx) or dy != int(dy):
                exposed = full
            elif dx or dy:  # panned: the view scrolled its cache so, and exposes the rest
                moved = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
                moved.setDevicePixelRatio(dpr)
                p = QPainter(moved)
                p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
                p.drawImage(QPointF(dx, dy), image)
                p.end()
                image = moved
                kept = full.translated(int(dx), int(dy)) & full
                if kept.isEmpty():
                    exposed = full
                else:  # whatever the shift uncovered is drawn as well
                    for strip in (QRect(full.left(), full.top(), full.width(), kept.top()),
                                  QRect(full.left(), kept.bottom() + 1, full.width(),
                                        full.bottom() - kept.bottom()),
                                  QRect(full.left(), full.top(), kept.left(), full.height()),
                                  QRect(kept.right() + 1, full.top(), full.right() - kept.right(),
                                        full.height())):
                        if not strip.isEmpty():
                            exposed |= strip
        self._bg = (image, QTransform(transform))
        if exposed.isEmpty():
            return
        p = QPainter(image)
        p.setRenderHints(painter.renderHints())  # as the view's own cache painter
        p.setClipRect(exposed)
        p.setTransform(transform)
        area = transform.inverted()[0].mapRect(QRectF(exposed))
        self._paint_grid(p, area)
        self.canvas.synapse_layer.paint_lines(p, area, self.transform().m11(), self._view_rect())
        p.end()

    def _paint_zoom_preview(self, painter: QPainter, rect: QRectF) -> None:
        """The picture from before the zoom, scaled to the new view (see zoom)."""
        image, base = self._zoom_base
        self._paint_grid(painter, rect)  # where the old picture does not reach
        painter.save()
        painter.setTransform(base.inverted()[0] * painter.transform())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(QPointF(0, 0), image)
        painter.restore()

    def _paint_grid(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, BACKGROUND)
        scale = self.transform().m11()
        step = GRID
        while step * scale < 12:  # keep grid lines at least 12 px apart
            step *= 5
        minor, major = QPen(Qt.GlobalColor.transparent), QPen()
        minor.setColor(BACKGROUND.darker(104))
        major.setColor(BACKGROUND.darker(109))
        minor.setCosmetic(True)
        major.setCosmetic(True)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for vertical in (True, False):
            lo, hi = (rect.left(), rect.right()) if vertical else (rect.top(), rect.bottom())
            for k in range(int(np.floor(lo / step)), int(np.ceil(hi / step)) + 1):
                painter.setPen(major if k % 5 == 0 else minor)
                v = k * step
                if vertical:
                    painter.drawLine(QPointF(v, rect.top()), QPointF(v, rect.bottom()))
                else:
                    painter.drawLine(QPointF(rect.left(), v), QPointF(rect.right(), v))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    def neuron_boxes(self) -> np.ndarray:
        """(n, 4) x0, y0, x1, y1 of every neuron (with its selection ring) in viewport pixels."""
        pos = self.canvas.pos
        if not len(pos):
            return np.zeros((0, 4))
        t = self.viewportTransform()
        centre = pos @ np.array([[t.m11(), t.m12()], [t.m21(), t.m22()]]) + (t.dx(), t.dy())
        r = (RADIUS + 6) * abs(t.m11())
        return np.column_stack([centre - r, centre + r])

    def show_readout(self, target: str | None) -> bool:
        """Show the hover card of a neuron (its name) or a synapse ("SOURCE->TARGET") as if
        the pointer rested on it: a lesson scene's `readout`, and recordings, which have no
        pointer.  The pointer takes over when it moves on the canvas.  None or "" hides it.
        Returns False (and shows nothing) when the network has no such neuron or synapse."""
        self._readout_pin = None
        self.interaction.set_hover(None)
        self.hover_card.leave()
        if target and self._pinned_place(target) is None:
            return False
        self._readout_pin = target or None
        self.viewport().update()
        return True

    def _pinned_place(self, target: str):
        """(neuron index or None, synapse key or None, scene point) of a read-out target, or None
        when the network has no such neuron or synapse."""
        s = self.canvas
        source, arrow, goal = target.partition("->")
        if not arrow:
            i = s.name_index.get(target)
            return None if i is None else (i, None, s.pos[i])
        if source not in s.name_index or goal not in s.name_index:
            return None
        a, b = s.name_index[source], s.name_index[goal]
        key = (s.ids[a], s.ids[b])
        return (None, key, 0.5 * (s.pos[a] + s.pos[b])) if key in s.key_index else None

    def _apply_readout_pin(self) -> None:
        """Hover what the pin names, where it is drawn now (the view may have been fitted since)."""
        place = self._pinned_place(self._readout_pin)
        if place is None:  # the network changed under it
            self._readout_pin = None
            return
        i, key, point = place
        s = self.canvas
        self.hover_card.pointer = QPointF(self.mapFromScene(QPointF(*point)))
        if i is not None:
            self.interaction.set_hover(i)
        elif s.hover_key != key or s.hover_id is not None:
            self.interaction.set_hover(None)
            s.hover_key = key
            s.refresh_emphasis()

    def readout_text(self) -> str:
        """The hover card's text as it is now ("" when none shows): what the neuron or synapse
        under the pointer computes, with the live numbers (see hover_card.py)."""
        readout = self.hover_card.readout()
        return "" if readout is None else readout.text

    @property
    def readout_rect(self) -> QRectF:
        """Where the hover card shows now, in viewport pixels (empty: not shown)."""
        return self.hover_card.current_rect(QRectF(self.viewport().rect()))

    def legend_place(self) -> tuple[QRectF, str, bool]:
        """(rect, corner, folded) of the legend for the view as it is (see legend.legend_place):
        in a corner free of neurons, else folded into a tab."""
        layout = self.canvas.overlay.layout
        labels = np.concatenate([layout.names[1], layout.values[1], layout.biases[1],
                                 layout.weights[1]]).reshape(-1, 4)
        return legend_place(QRectF(self.viewport().rect()), self.neuron_boxes(), labels)

    @property
    def legend_rect(self) -> QRectF:
        """Where the legend (or its folded tab) was last painted, in viewport pixels."""
        return QRectF(self._legend[0])

    def legend_open_rect(self) -> QRectF | None:
        """Where the folded legend shows when opened (None when it is not folded)."""
        rect, corner, folded = self._legend
        return open_rect(rect, corner) if folded else None

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        if self._readout_pin:
            self._apply_readout_pin()
        self.interaction.paint_scene(painter)
        self.keys.paint_scene(painter)
        painter.save()
        painter.resetTransform()
        vp = QRectF(self.viewport().rect())
        self._legend = place = self.legend_place()
        legend, _corner, folded = place
        if folded:
            paint_tab(painter, legend)
        else:
            paint_legend(painter, legend)
        if not len(self.canvas.ids):
            paint_hint(painter, vp, "Press N and click to add neurons, C and drag to connect",
                       centred=True)
        else:
            paint_hint(painter, vp, TOOL_HINTS[self.tool], avoid=legend)
        if folded and (self._legend_hover or self._legend_pinned):
            paint_legend(painter, self.legend_open_rect())  # asked for: over the canvas
        self.interaction.paint_viewport(painter)
        self.hover_card.paint(painter, vp)
        painter.restore()

    def _legend_hit(self, pos: QPointF) -> tuple[bool, bool]:
        """(on the folded legend's tab, on the tab or the opened legend) at viewport pos."""
        rect, _corner, folded = self._legend
        if not folded:
            return False, False
        on_tab = rect.contains(pos)
        opened = self._legend_hover or self._legend_pinned
        return on_tab, on_tab or (opened and self.legend_open_rect().contains(pos))

    def _legend_mouse(self, event, press: bool) -> bool:
        """Hover opens the folded legend, a click on its tab pins it open (or closed again).
        Returns whether the event was the legend's."""
        on_tab, over = self._legend_hit(event.position())
        if press and on_tab and event.button() == Qt.MouseButton.LeftButton:
            self._legend_pinned = not self._legend_pinned
            self.viewport().update()
            return True
        if over != self._legend_hover and self.interaction.mode is None:
            self._legend_hover = over
            self.viewport().update()
        return False

    # ------------------------------------------------------------------ events
    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.keys.cancel_connect()  # the mouse takes over from a keyboard connection
        self.keys.end_burst()
        if self._legend_mouse(event, press=True):
            return
        if not self.interaction.press(event):
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        self._readout_pin = None  # the pointer's own hover from now on
        self._legend_mouse(event, press=False)
        if not self.interaction.move(event):
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        i = self.interaction
        index = i.press_neuron if i.mode == "move" and not i.moved and self.tool == "select" \
            and event.button() == Qt.MouseButton.LeftButton and not event.modifiers() else -1
        if not i.release(event):
            super().mouseReleaseEvent(event)
        if 0 <= index < len(self.canvas.names) and self.canvas.roles[index] != "input" and \
                self.canvas.neuron_maps.has_map(self.canvas.names[index]):
            self.neuron_map_clicked.emit(self.canvas.names[index])  # shown large elsewhere

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if not self.interaction.double_click(event):
            super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802
        self.interaction.wheel(event)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        if event.reason() == event.Reason.Keyboard:
            self.selection_menu()
        else:
            self.interaction.context_menu(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        self.interaction.set_hover(None)
        self.hover_card.leave()
        if self._legend_hover:
            self._legend_hover = False
            self.viewport().update()
        super().leaveEvent(event)

    def event(self, event) -> bool:
        # Space plays and pauses window-wide, but held on the canvas it pans: the canvas takes
        # the key over while it has focus and hands a tap on (space_tapped).
        if (event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Space
                and not event.modifiers()):
            event.accept()
            return True
        return super().event(event)

    def space_tapped(self) -> None:
        """Space pressed and released without panning: trigger what Space does in the window
        (Play/Pause), whose shortcut the canvas took over."""
        space = QKeySequence(Qt.Key.Key_Space)
        window = self.window()
        if window is self:
            return
        own = set(self.edit_actions() + self.view_actions() + self.tool_actions())
        for action in window.findChildren(QAction):
            if action not in own and action.isEnabled() and space in action.shortcuts():
                action.trigger()
                return

    def focusOutEvent(self, event) -> None:  # noqa: N802
        if self.interaction.space_down:  # Space's release will not come here
            self.interaction.release_space()
        self.keys.end_burst()
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if not (self.keys.key_press(event) or self.interaction.key_press(event)):
            super().keyPressEvent(event)

    # ------------------------------------------------------------------ keyboard (keys.py)
    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt's name
        """Tab and Shift+Tab walk the neurons and synapses while the canvas has the focus
        (Ctrl+Tab and F6 leave it); an empty canvas lets Tab move on."""
        if self.hasFocus() and self.keys.step_item(+1 if forward else -1):
            return True
        return super().focusNextPrevChild(forward)

    def leave_canvas(self, forward: bool = True) -> None:
        """Ctrl+Tab: the focus moves on to the next widget, as Tab does elsewhere."""
        super().focusNextPrevChild(forward)

    def choose_tool(self, name: str) -> None:
        """A tool chosen by its action or key; Connect with one neuron selected and the canvas
        focused also starts choosing the target from the keyboard (keys.py)."""
        self.set_tool(name)
        if name == "synapse" and self.hasFocus():
            self.keys.start_connect()

    def add_neuron_here(self) -> None:
        """Edit > Add Neuron Here (Insert): beside the selection or in the view's middle."""
        self.keys.add_neuron()

    def selection_menu(self) -> None:
        """The context menu of the selection, opened at it (Menu key, Shift+F10)."""
        s, current = self.canvas, self.keys.current()
        neuron = s.index[current[1]] if current and current[0] == "neuron" else -1
        synapse = s.key_index[current[1]] if current and current[0] == "synapse" else -1
        point = self.viewport().mapToGlobal(self.keys.selection_point())
        self.interaction.menu_for(neuron, synapse).exec(point)

    def _describe(self) -> None:
        """What a screen reader announces for the canvas."""
        self.setAccessibleName("Network canvas")
        self.setAccessibleDescription(
            "The network: Tab selects the next neuron or synapse, arrows move it, Insert adds "
            "a neuron, C connects, F2 edits, Delete removes; Help > Keyboard Shortcuts lists all")

    def keyReleaseEvent(self, event) -> None:  # noqa: N802
        if not self.interaction.key_release(event):
            super().keyReleaseEvent(event)

    # ------------------------------------------------------------------ clipboard and edits
    def copy_selection(self) -> None:
        names = self.selected_names()
        if not names:
            return
        # Plain text (JSON marked "nnsim-fragment"): Qt then owns the clipboard's data itself.  A
        # QMimeData made in Python would be deleted by Qt's exit-time clean-up after the
        # interpreter has gone, crashing the process at exit.
        QApplication.clipboard().setText(json.dumps(fragment(self.document.network, names)))

    def cut_selection(self) -> None:
        self.copy_selection()
        self.delete_selection()

    def paste(self) -> None:
        raw = QApplication.clipboard().text()
        try:
            data = json.loads(raw)
        except ValueError:
            return  # not ours: ordinary text
        if not isinstance(data, dict) or data.get("format") != "nnsim-fragment":
            return
        # pasting the same thing again steps further, so copies do not pile up on each other
        self._paste_count = self._paste_count + 1 if raw == self._last_paste else 1
        self._last_paste = raw
        step = 2 * GRID * self._paste_count
        names = self.document.paste(data, (step, step))
        self.select(names)

    def delete_selection(self) -> None:
        names, keys = self.selected_names(), self.selected_synapses()
        if names or keys:
            self.document.remove_items(names, keys)

    def select_all(self) -> None:
        self.select(self.canvas.names)

    def toggle_selected_kind(self) -> None:
        keys = self.selected_synapses()
        if keys:
            self.document.toggle_kind(keys)

    @property
    def show_values(self) -> bool:
        """Numbers on the canvas: each neuron's output and bias, each synapse's weight (on by
        default; View > Show Values toggles it)."""
        return self.canvas.overlay.show_values

    @show_values.setter
    def show_values(self, on: bool) -> None:
        self.set_show_values(on)

    def set_show_values(self, on: bool) -> None:
        on = bool(on)
        actions = getattr(self, "_actions", None)  # None while the actions are being made
        if actions is not None:
            actions.show_values.setChecked(on)  # the menu item says what is shown
        if on == self.canvas.overlay.show_values:
            return
        self.canvas.overlay.show_values = on
        self.canvas.overlay.update()
        self.viewport().update()
        self.show_values_changed.emit(on)

    @property
    def show_maps(self) -> bool:
        """Each neuron's own map on the canvas (on by default; View > Neuron Maps toggles it;
        shown only where maps_unavailable_reason() is None)."""
        return self.canvas.neuron_maps.show_maps

    @show_maps.setter
    def show_maps(self, on: bool) -> None:
        self.set_show_maps(on)

    def set_show_maps(self, on: bool) -> None:
        on = bool(on)
        actions = getattr(self, "_actions", None)  # None while the actions are being made
        if actions is not None:
            actions.show_maps.setChecked(on)
        item = self.canvas.neuron_maps
        if on == item.show_maps:
            return
        item.show_maps = on
        item.update()
        self.canvas.overlay.update()  # the glyphs move between the plates and the middle
        self.viewport().update()
        self.show_maps_changed.emit(on)

    def maps_unavailable_reason(self) -> str | None:
        """Why this network's neurons show no maps (a sentence), or None when they can."""
        return maps_unavailable_reason(self.document.network)

    def _refresh_maps_action(self) -> None:
        reason = self.maps_unavailable_reason()
        item = self.canvas.neuron_maps
        if item.available != (reason is None):
            item.available = reason is None
            item.update()
            self.canvas.overlay.update()
        action = self._actions.show_maps
        action.setEnabled(reason is None)
        action.setToolTip(reason or MAPS_TIP)
        action.setStatusTip(reason or MAPS_TIP)

    def set_snap(self, on: bool) -> None:
        self.snap_to_grid = bool(on)

    # ------------------------------------------------------------------ actions
    def document_auto_layout(self) -> None:
        self.document.auto_layout()
        self.fit_to_view()

    def edit_actions(self) -> list[QAction]:
        """Cut, Copy, Paste, Delete, Select All, Toggle Inhibitory."""
        return list(self._actions.edit)

    def view_actions(self) -> list[QAction]:
        """Zoom In, Zoom Out, Fit to View, Snap to Grid, Auto Layout, Show Values, Neuron Maps."""
        return list(self._actions.view)

    def tool_actions(self) -> list[QAction]:
        """Select, Add Neuron, Connect (an exclusive group), then role and unit combo boxes
        (QWidgetActions) for the neuron tool."""
        return list(self._actions.tools.values()) + list(self._actions.choices)

    def tool_group(self) -> QActionGroup:
        return self._actions.group

"""The caption strip: a lesson scene's title, its claim in one sentence and live key figures.

    +--------------------------------------------------------------+----------------------+
    | 6. Hopfield networks — Recall A from 20% noise                | E = -33.6, falling   |
    | Updating one unit at a time never raises the energy, so the   | step 120             |
    | noisy A slides downhill into the stored letter.                |                      |
    +--------------------------------------------------------------+----------------------+

`Caption` holds what is shown (the scene's texts, and the figures of the latest snapshot, from
`Scene.figures`); `paint_caption` draws it into any rectangle, so the window's strip
(`CaptionStrip`, a full-width bar under the tool bars) and a recorded plot's frame
(`caption_image`) are drawn by the same code.  The strip's height depends only on the scene's
texts and its width, never on the figures: a live update repaints it and re-lays nothing out.
Text is wrapped and elided at word boundaries, never cut inside a word.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolBar, QWidget

from nnsim.app.numbers import format_value

TEXT_PX = 16  # pixel size at 1280 px wide and narrower: read at 1280x720 in a recording
MAX_TEXT_PX = 22  # wider (1920x1080) the text grows with the width, up to this
PAD_X, PAD_Y = 12, 6
MAX_CLAIM_LINES = 4  # a claim of 300 characters fits in 4 lines from 998 px wide
FIGURES_SHARE = 0.27  # of the width, for the figures column
FIGURES_MIN, FIGURES_MAX = 200, 420
BACKGROUND = QColor("#1f2a36")
TITLE_COLOR = QColor("#ffd180")
CLAIM_COLOR = QColor("#ffffff")
FIGURE_COLOR = QColor("#80deea")
ELLIPSIS = "…"
SWITCHES = ("step", "sign")  # units whose output reads as on/off
SETTINGS_KEY = "view/caption"


def text_px(width: int) -> int:
    """The caption's text size for a strip `width` pixels wide: 16 px up to 1280, then in
    proportion (a 1920x1080 recording is projected as large as a 1280x720 one), at most 22."""
    return int(min(max(TEXT_PX, width * TEXT_PX // 1280), MAX_TEXT_PX))


def fonts(width: int = 1280, scale: float = 1.0) -> tuple[QFont, QFont, QFont]:
    """(title, claim, figures) fonts for a strip `width` pixels wide; `scale` times larger in
    presenter mode (nnsim.app.presenter)."""
    px = math.ceil(text_px(width) * scale)
    title, claim, figure = QFont(), QFont(), QFont()
    for font in (title, claim, figure):
        font.setPixelSize(px)
    title.setWeight(QFont.Weight.DemiBold)
    figure.setWeight(QFont.Weight.DemiBold)
    return title, claim, figure


def wrap_words(text: str, metrics: QFontMetrics, width: int, max_lines: int) -> list[str]:
    """`text` in lines of at most `width` pixels, broken between words; past `max_lines` the
    last line ends in "…" after a whole word.  A single word wider than a line is elided (the
    only case in which a word is shortened, and then visibly)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if line and metrics.horizontalAdvance(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1:])
        lines = lines[:max_lines - 1] + [elide_words(rest, metrics, width, force=True)]
    return [elide_words(t, metrics, width) for t in lines]


def elide_words(text: str, metrics: QFontMetrics, width: int, force: bool = False) -> str:
    """`text` if it fits in `width` pixels (and not `force`), else as many whole words as fit
    followed by "…"; a first word too long alone is elided by Qt."""
    if not force and metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split()
    while words:
        shown = " ".join(words) + ELLIPSIS
        if metrics.horizontalAdvance(shown) <= width:
            return shown
        words.pop()
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


def switch_text(value: float, activation: str) -> str:
    on = value > 0 if activation == "sign" else value >= 0.5
    return "on" if on else "off"


class Caption(QObject):
    """What the caption shows.  `texts_changed` when the scene's title or claim changes (the
    strip's height may change), `figures_changed` on a snapshot (a repaint only)."""

    texts_changed = Signal()
    figures_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.short_title = ""  # the title without the lesson's subtitle, where it is too long
        self.claim = ""
        self.figure_keys: tuple[str, ...] = ()
        self.figures: list[str] = []
        self._units: dict[str, str] = {}  # neuron name -> activation, for output:NAME
        self._document = None  # the lesson scene's document
        self._energy: list[float] = []  # the last energy, and the step it was reached at
        self._trend = ""
        self._step = -1

    @property
    def active(self) -> bool:
        return bool(self.title or self.claim)

    def set_scene(self, lesson, index: int, network=None, document=None) -> None:
        """Show a lesson scene: "N. Lesson — Scene", its claim (or the lesson's summary when
        it has none) and, once snapshots come, its figures.  `document`: the scene's document,
        about to be shown (the caption stays while it is, see `document_shown`)."""
        self._document = document
        scene = lesson.scenes[index]
        title = f"{lesson.number}. {lesson.title}"
        short = f"{lesson.number}. {lesson.title.split(':')[0]}"  # before a subtitle
        if scene.title and scene.title != lesson.title:
            title += f" — {scene.title}"
            short += f" — {scene.title}"
        self.short_title = " ".join(short.split())
        net = network if network is not None else scene.network
        self._units = {n.name: n.activation for n in net.neurons}
        units = [n for n in net.neurons if n.role != "input"]
        if units and all(n.activation in SWITCHES for n in units):
            for n in net.neurons:  # a threshold network's inputs are signals: on or off too
                if n.role == "input":
                    self._units[n.name] = "input-switch"
        self.figure_keys = tuple(scene.figures)
        self._reset_figures()
        self._set_texts(" ".join(title.split()), " ".join((scene.claim or lesson.summary).split()))

    def document_shown(self, document) -> None:
        """The window shows `document`: the caption stays if it is the scene's, else goes."""
        if document is not self._document:
            self.clear()

    def clear(self) -> None:
        """Nothing to caption (a document that is no lesson scene)."""
        self.figure_keys, self._units, self._document = (), {}, None
        self.short_title = ""
        self._reset_figures()
        self._set_texts("", "")

    def _reset_figures(self) -> None:
        self._energy, self._trend, self._step = [], "", -1
        self.figures = [self._figure(key, None) for key in self.figure_keys]
        self.figures_changed.emit()

    def _set_texts(self, title: str, claim: str) -> None:
        if (title, claim) != (self.title, self.claim):
            self.title, self.claim = title, claim
            self.texts_changed.emit()

    def figures_text(self) -> str:
        return " · ".join(self.figures)

    def update_snapshot(self, snapshot) -> None:
        if not self.figure_keys:
            return
        if snapshot.step < self._step:  # reset: the run starts over
            self._energy, self._trend = [], ""
        self._step = snapshot.step
        energy = snapshot.metrics.get("energy")
        if energy is not None:
            if self._energy and energy != self._energy[0]:
                self._trend = "falling" if energy < self._energy[0] else "rising"
                self._energy = [energy, snapshot.step]
            elif not self._energy:
                self._energy = [energy, snapshot.step]
            if self._trend and snapshot.step - self._energy[1] >= len(snapshot.names):
                self._trend = "settled"  # a sweep's worth of updates changed nothing
        figures = [self._figure(key, snapshot) for key in self.figure_keys]
        if figures != self.figures:
            self.figures = figures
            self.figures_changed.emit()

    def _figure(self, key: str, snapshot) -> str:
        """One figure as a student reads it: "step 7", "accuracy 100%", "memory: on"."""
        dash = "—"
        if key == "step":
            return f"step {snapshot.step:,}" if snapshot is not None else f"step {dash}"
        if key == "epoch":
            return f"epoch {snapshot.epoch:,}" if snapshot is not None else f"epoch {dash}"
        if key.startswith("output:"):
            name = key[len("output:"):]
            if snapshot is None or name not in snapshot.names:
                return f"{name}: {dash}"
            value = snapshot.output(name)
            activation = self._units.get(name, "")
            if activation in SWITCHES or (activation == "input-switch" and value in (0.0, 1.0)):
                return f"{name}: {switch_text(value, activation)}"
            return f"{name} = {format_value(value)}"
        value = None if snapshot is None else snapshot.metrics.get(key)
        if key == "energy":
            if value is None:
                return f"E = {dash}"
            trend = "settled" if snapshot.done else self._trend
            return f"E = {format_value(value)}" + (f", {trend}" if trend else "")
        labels = {"loss": "loss {}", "accuracy": "accuracy {}",
                  "val_accuracy": "validation accuracy {}", "errors": "errors {}",
                  "weight_norm": "‖w‖ = {}"}
        if value is None:
            shown = dash
        elif key in ("accuracy", "val_accuracy"):
            shown = f"{format_value(100 * value)}%"
        elif key == "errors":
            shown = f"{int(round(value)):,}"
        else:
            shown = format_value(value)
        return labels.get(key, key + " {}").format(shown)


@dataclass
class CaptionLayout:
    """Where each text goes in a strip of a given width (see `lay_out`)."""

    width: int
    height: int
    title: str
    title_rect: QRect
    claim_lines: list[str]
    claim_rects: list[QRect]
    figures_rect: QRect
    scale: float = 1.0  # the text size factor it was laid out for (presenter mode)


def lay_out(caption: Caption, width: int, scale: float = 1.0) -> CaptionLayout:
    """The caption laid out in `width` pixels: title and claim on the left, the figures in a
    column on the right (one a line).  The height depends on the texts and the width only.
    `scale`: text (and the figures column) that many times larger (presenter mode)."""
    title_font, claim_font, figure_font = fonts(width, scale)
    tm, cm, fm = QFontMetrics(title_font), QFontMetrics(claim_font), QFontMetrics(figure_font)
    n_figures = len(caption.figure_keys)
    column = 0
    if n_figures:
        column = int(min(max(width * FIGURES_SHARE, FIGURES_MIN), FIGURES_MAX) * scale)
        column = min(column, max(width // 2, 1))
    left = max(width - 2 * PAD_X - (column + PAD_X if column else 0), 40)
    title = caption.title
    if tm.horizontalAdvance(title) > left and caption.short_title:
        title = caption.short_title
    title = elide_words(title, tm, left)
    claim_lines = wrap_words(caption.claim, cm, left, MAX_CLAIM_LINES) if caption.claim else []
    y = PAD_Y
    title_rect = QRect(PAD_X, y, left, tm.height())
    y += tm.height() + 2
    claim_rects = []
    for _ in claim_lines:
        claim_rects.append(QRect(PAD_X, y, left, cm.height()))
        y += cm.height()
    figures_h = n_figures * fm.height()
    height = max(y, PAD_Y + figures_h) + PAD_Y
    figures_rect = QRect(width - PAD_X - column, PAD_Y, column, max(figures_h, 0))
    return CaptionLayout(width, height, title, title_rect, claim_lines, claim_rects, figures_rect,
                         scale)


def paint_caption(painter: QPainter, layout: CaptionLayout, caption: Caption,
                  origin_y: int = 0) -> None:
    """Draw the caption as laid out, its top at `origin_y`."""
    title_font, claim_font, figure_font = fonts(layout.width, layout.scale)
    painter.save()
    painter.translate(0, origin_y)
    painter.fillRect(QRect(0, 0, layout.width, layout.height), BACKGROUND)
    left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    painter.setFont(title_font)
    painter.setPen(TITLE_COLOR)
    painter.drawText(layout.title_rect, left, layout.title)
    painter.setFont(claim_font)
    painter.setPen(CLAIM_COLOR)
    for line, rect in zip(layout.claim_lines, layout.claim_rects):
        painter.drawText(rect, left, line)
    if caption.figures:
        painter.setFont(figure_font)
        painter.setPen(FIGURE_COLOR)
        fm = QFontMetrics(figure_font)
        r = layout.figures_rect
        for i, text in enumerate(caption.figures):
            rect = QRect(r.x(), r.y() + i * fm.height(), r.width(), fm.height())
            painter.drawText(rect, left, elide_words(text, fm, r.width()))
    painter.restore()


def caption_image(caption: Caption, width: int) -> QImage:
    """The caption drawn `width` pixels wide, as tall as it needs (for a recorded plot)."""
    layout = lay_out(caption, width)
    image = QImage(width, layout.height, QImage.Format.Format_RGB888)
    painter = QPainter(image)
    paint_caption(painter, layout, caption)
    painter.end()
    return image


def stack_caption(caption: Caption, image: QImage) -> QImage:
    """`image` with the caption drawn above it, as wide as it (a recorded plot or canvas).
    A grab from a HiDPI screen (devicePixelRatio 2: twice the pixels) gets the caption laid
    out at its logical width and drawn at its ratio, as sharp as the image and in proportion."""
    dpr = image.devicePixelRatio()
    layout = lay_out(caption, round(image.width() / dpr))
    top = int(layout.height * dpr)  # whole device pixels: at 1.5 the image covers the half row
    out = QImage(image.width(), top + image.height(), QImage.Format.Format_RGB888)
    painter = QPainter(out)
    painter.scale(dpr, dpr)
    paint_caption(painter, layout, caption)
    painter.resetTransform()
    painter.drawImage(QRect(0, top, image.width(), image.height()), image)  # pixel for pixel
    painter.end()
    out.setDevicePixelRatio(dpr)
    return out


class CaptionStrip(QWidget):
    """The caption as a widget: as tall as its texts need at its width, repainted (never
    re-laid out) when the figures change."""

    def __init__(self, caption: Caption, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captionStrip")
        self.caption = caption
        self._layout: CaptionLayout | None = None
        self.scale = 1.0  # text size factor (presenter mode: set_scale)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        caption.texts_changed.connect(self._texts_changed)
        caption.figures_changed.connect(self.update)

    def layout_for(self, width: int) -> CaptionLayout:
        if self._layout is None or (self._layout.width, self._layout.scale) != (width, self.scale):
            self._layout = lay_out(self.caption, width, self.scale)
        return self._layout

    def set_scale(self, scale: float) -> None:
        """Text `scale` times its size (presenter mode, nnsim.app.presenter); 1.0: as normal."""
        self.scale = scale
        self._texts_changed()

    def _texts_changed(self) -> None:
        self._layout = None
        self.updateGeometry()
        self.update()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self.layout_for(width).height

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(FIGURES_MIN, self.heightForWidth(max(self.width(), FIGURES_MIN)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(FIGURES_MIN, 0)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        paint_caption(painter, self.layout_for(self.width()), self.caption)
        painter.end()

    # what is shown, for tests and tools
    def shown_title(self) -> str:
        return self.layout_for(self.width()).title

    def shown_claim(self) -> str:
        return " ".join(self.layout_for(self.width()).claim_lines)


class CaptionBar(QToolBar):
    """The strip in the window: a fixed bar the width of the window, under the tool bars,
    shown while a lesson scene is open and View > Caption Strip is on (remembered)."""

    def __init__(self, window, caption: Caption) -> None:
        super().__init__("Caption", window)
        self.setObjectName("captionBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.setContentsMargins(0, 0, 0, 0)
        self.layout().setContentsMargins(0, 0, 0, 0)
        self.restyle()
        self.toggleViewAction().setVisible(False)  # View > Caption Strip decides, not the menu
        self.strip = CaptionStrip(caption, self)
        self.addWidget(self.strip)
        self.caption = caption
        self.settings = window.settings
        self.action = window.view_menu.addAction("&Caption Strip")
        self.action.setCheckable(True)
        self.action.setToolTip("The lesson's title, the scene's claim and its key figures, "
                               "above the canvas (and in recordings)")
        wanted = self.settings.value(SETTINGS_KEY, True)
        self.action.setChecked(wanted not in (False, "false", "0", 0))
        self.action.toggled.connect(self._toggled)
        caption.texts_changed.connect(self.refresh)
        self.refresh()

    def restyle(self) -> None:
        """The bar in the theme's caption colours (nnsim.app.theme sets BACKGROUND and the inks)."""
        self.setStyleSheet("QToolBar#captionBar { border: 0px; padding: 0px; margin: 0px;"
                           f" background: {BACKGROUND.name()}; spacing: 0px; }}")
        strip = getattr(self, "strip", None)
        if strip is not None:
            strip.update()

    def fit(self) -> None:
        """As tall as the caption at the bar's width: a tool bar row does not follow a widget's
        height for width by itself (it kept the height of the first width it was laid out at)."""
        height = self.strip.heightForWidth(max(self.width(), FIGURES_MIN))
        if self.strip.maximumHeight() != height:
            self.strip.setFixedHeight(height)
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()

    @property
    def wanted(self) -> bool:
        return self.action.isChecked()

    def _toggled(self, on: bool) -> None:
        self.settings.setValue(SETTINGS_KEY, on)
        self.refresh()

    def refresh(self) -> None:
        self.fit()
        self.setVisible(self.wanted and self.caption.active)

    def set_wanted(self, on: bool, remember: bool = True) -> None:
        """Show or hide the strip; remember=False (a recording's --no-caption) leaves the
        user's choice as it was."""
        if remember:
            self.action.setChecked(on)
            return
        self.action.blockSignals(True)
        self.action.setChecked(on)
        self.action.blockSignals(False)
        self.refresh()


    def own_line(self) -> None:
        """In a tool bar row of its own, under the others (also after a saved window state
        from before the strip existed is restored: it would join the last row)."""
        window = self.parentWidget()
        top = Qt.ToolBarArea.TopToolBarArea
        window.removeToolBar(self)
        window.addToolBarBreak(top)
        window.addToolBar(top, self)
        self.refresh()


def install(window) -> CaptionBar:
    """A caption and its bar in `window`, in a tool bar row of its own under the others."""
    bar = CaptionBar(window, Caption(window))
    bar.own_line()
    return bar


class CaptionedFrame(QWidget):
    """A plot or the canvas taken out of the window to be recorded alone: a top-level widget
    that a recording sizes exactly (the frame's size), the caption strip above the widget
    unless `caption` is False.  The widget is drawn at the frame's size, not scaled up from
    its dock's.  Closing the frame gives the widget back to where it was (its dock, or the
    window's centre)."""

    def __init__(self, widget: QWidget, caption: Caption, caption_shown: bool = True) -> None:
        super().__init__()
        from PySide6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout

        self.setObjectName("captionedFrame")
        self.setWindowTitle("nnsim recording")
        self.target = widget
        self._home = widget.parentWidget()
        self._dock = self._home if isinstance(self._home, QDockWidget) else None
        self._window = self._home if isinstance(self._home, QMainWindow) else None
        if self._window is not None and self._window.centralWidget() is widget:
            self._window.takeCentralWidget()
        self.strip = CaptionStrip(caption, self)
        self.strip.setVisible(caption_shown and caption.active)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.strip)
        layout.addWidget(widget, 1)
        widget.show()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.give_back()
        super().closeEvent(event)

    def give_back(self) -> None:
        widget, self.target = self.target, None
        if widget is None:
            return
        if self._dock is not None:
            self._dock.setWidget(widget)
        elif self._window is not None:
            self._window.setCentralWidget(widget)
        else:
            widget.setParent(self._home)

"""The app's look: a theme (light, dark, high contrast) and a class palette (colour-blind safe or
the classic red/green), chosen in View > Theme and View > Palette, remembered in QSettings and
applied at once to everything open.

This module owns both choices.  The canvas's colours are QColor objects that its modules share
(canvas.shapes, legend, overlay, hover card, caption): a theme sets them in place, so every
painter that reads them sees the new colours.  The plots read theirs from plots.style, whose
module attributes a theme sets; plots made later start in the theme, and `apply` restyles the
ones open (axes, labels, legends, backgrounds, text items) and redraws the canvas and the
caption.  Widgets with a `theme_changed()` method are called too (plots that draw class points),
and `notifier().changed` is emitted for anything else.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QPalette

THEME_KEY = "view/theme"
PALETTE_KEY = "view/palette"

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    # the canvas
    background: RGB
    grid_dot: RGB
    outline: RGB  # neuron outlines
    ink: RGB  # labels and text
    muted: RGB  # secondary text (legend words, hints): still at least 4.5:1 on the background
    accent: RGB  # selection and hover
    name_plate: RGBA
    value_plate: RGBA
    soft_plate: RGBA
    plate_edge: RGB
    bias_ink: RGB
    panel: RGBA  # the legend's box
    border: RGB
    card_plate: RGBA  # the hover card
    card_edge: RGB
    # the plots
    plot_background: RGB
    plot_ink: RGB
    plot_faint: RGB
    legend_brush: RGBA
    legend_pen: RGB
    point_outline: RGB  # the rim of data points drawn over a map
    # the caption strip
    caption_background: RGB
    caption_title: RGB
    caption_claim: RGB
    caption_figure: RGB
    # Qt widgets: None keeps the style's own palette
    window: dict = field(default_factory=dict)


LIGHT = Theme(
    "light", "&Light",
    background=(250, 251, 252), grid_dot=(214, 219, 225), outline=(55, 71, 79), ink=(38, 50, 56),
    muted=(90, 104, 112), accent=(124, 77, 255),
    name_plate=(250, 251, 252, 215), value_plate=(255, 255, 255, 235), soft_plate=(255, 255, 255, 200),
    plate_edge=(207, 216, 220), bias_ink=(84, 99, 107), panel=(255, 255, 255, 230), border=(207, 216, 220),
    card_plate=(255, 255, 255, 242), card_edge=(176, 190, 197),
    plot_background=(255, 255, 255), plot_ink=(55, 65, 75), plot_faint=(110, 120, 130),
    legend_brush=(255, 255, 255, 170), legend_pen=(200, 200, 200), point_outline=(33, 33, 33),
    caption_background=(0x1f, 0x2a, 0x36), caption_title=(0xff, 0xd1, 0x80),
    caption_claim=(255, 255, 255), caption_figure=(0x80, 0xde, 0xea),
)

DARK = Theme(
    "dark", "&Dark",
    background=(30, 34, 40), grid_dot=(58, 64, 72), outline=(196, 204, 210), ink=(236, 239, 241),
    muted=(168, 178, 186), accent=(179, 136, 255),
    name_plate=(30, 34, 40, 215), value_plate=(42, 48, 56, 235), soft_plate=(42, 48, 56, 200),
    plate_edge=(84, 94, 104), bias_ink=(196, 204, 210), panel=(38, 43, 50, 235), border=(84, 94, 104),
    card_plate=(40, 45, 53, 245), card_edge=(100, 110, 120),
    plot_background=(30, 34, 40), plot_ink=(222, 228, 232), plot_faint=(160, 170, 178),
    legend_brush=(30, 34, 40, 200), legend_pen=(84, 94, 104), point_outline=(20, 20, 20),
    caption_background=(0x1f, 0x2a, 0x36), caption_title=(0xff, 0xd1, 0x80),
    caption_claim=(255, 255, 255), caption_figure=(0x80, 0xde, 0xea),
    window={"Window": (40, 44, 51), "WindowText": (236, 239, 241), "Base": (30, 34, 40),
            "AlternateBase": (46, 51, 58), "Text": (236, 239, 241), "Button": (50, 56, 64),
            "ButtonText": (236, 239, 241), "BrightText": (255, 255, 255), "Light": (70, 77, 86),
            "Midlight": (58, 64, 72), "Mid": (36, 40, 46), "Dark": (24, 27, 32), "Shadow": (10, 10, 12),
            "Highlight": (66, 133, 244), "HighlightedText": (255, 255, 255),
            "ToolTipBase": (50, 56, 64), "ToolTipText": (236, 239, 241),
            "PlaceholderText": (150, 160, 168), "Link": (138, 180, 248),
            "disabled": (130, 138, 146)},
)

HIGH_CONTRAST = Theme(
    "high-contrast", "&High Contrast",
    background=(0, 0, 0), grid_dot=(90, 90, 90), outline=(255, 255, 255), ink=(255, 255, 255),
    muted=(235, 235, 235), accent=(255, 214, 0),
    name_plate=(0, 0, 0, 235), value_plate=(0, 0, 0, 245), soft_plate=(0, 0, 0, 225),
    plate_edge=(255, 255, 255), bias_ink=(255, 255, 255), panel=(0, 0, 0, 245), border=(255, 255, 255),
    card_plate=(0, 0, 0, 250), card_edge=(255, 255, 255),
    plot_background=(0, 0, 0), plot_ink=(255, 255, 255), plot_faint=(220, 220, 220),
    legend_brush=(0, 0, 0, 230), legend_pen=(255, 255, 255), point_outline=(0, 0, 0),
    caption_background=(0, 0, 0), caption_title=(255, 235, 59),
    caption_claim=(255, 255, 255), caption_figure=(0, 255, 255),
    window={"Window": (0, 0, 0), "WindowText": (255, 255, 255), "Base": (0, 0, 0),
            "AlternateBase": (24, 24, 24), "Text": (255, 255, 255), "Button": (0, 0, 0),
            "ButtonText": (255, 255, 255), "BrightText": (255, 255, 0), "Light": (255, 255, 255),
            "Midlight": (200, 200, 200), "Mid": (160, 160, 160), "Dark": (255, 255, 255),
            "Shadow": (255, 255, 255), "Highlight": (255, 214, 0), "HighlightedText": (0, 0, 0),
            "ToolTipBase": (0, 0, 0), "ToolTipText": (255, 255, 255),
            "PlaceholderText": (200, 200, 200), "Link": (0, 255, 255), "disabled": (170, 170, 170)},
)

THEMES: dict[str, Theme] = {t.name: t for t in (LIGHT, DARK, HIGH_CONTRAST)}

# ------------------------------------------------------------------ class palettes
# Marker shapes (pyqtgraph symbols) by class: circle, cross, then more shapes for more classes.
CLASS_SYMBOLS = ("o", "x", "t", "s", "d", "+", "star", "p", "h", "t1")
# Colour-blind safe: TensorFlow Playground's blue and orange (the ends of the diverging map, so a
# point sits on a map of its own hue), then Okabe & Ito's palette for further classes.
SAFE_CLASSES: tuple[RGB, ...] = (
    (8, 119, 189), (245, 147, 34),
    (0, 158, 115), (204, 121, 167), (86, 180, 233), (213, 94, 0), (240, 228, 66),
    (110, 110, 110), (0, 114, 178), (230, 159, 0),
)
# The lecture's classic: class 0 red, class 1 green; further classes from tab10.
CLASSIC_CLASSES: tuple[RGB, ...] = (
    (214, 39, 40), (44, 160, 44),
    (31, 119, 180), (255, 127, 14), (148, 103, 189), (140, 86, 75), (227, 119, 194),
    (127, 127, 127), (188, 189, 34), (23, 190, 207),
)
PALETTES: dict[str, tuple[str, tuple[RGB, ...]]] = {
    "safe": ("Colour-blind &Safe (blue/orange)", SAFE_CLASSES),
    "classic": ("&Classic (red/green)", CLASSIC_CLASSES),
}
CLASS_NAMES = {"safe": ("blue", "orange"), "classic": ("red", "green")}

_state = {"theme": "light", "palette": "safe"}


class _Notifier(QObject):
    changed = Signal()  # after a theme or palette was applied


_notifier: _Notifier | None = None


def notifier() -> _Notifier:
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


def current() -> Theme:
    return THEMES[_state["theme"]]


def palette_name() -> str:
    return _state["palette"]


def class_colors() -> tuple[RGB, ...]:
    return PALETTES[_state["palette"]][1]


def class_color(label: int) -> RGB:
    colors = class_colors()
    return colors[int(label) % len(colors)]


def class_symbol(label: int) -> str:
    return CLASS_SYMBOLS[int(label) % len(CLASS_SYMBOLS)]


def class_name(label: int) -> str:
    """'blue' / 'orange' (or 'red' / 'green') for classes 0 and 1, '' for others."""
    names = CLASS_NAMES[_state["palette"]]
    return names[label] if 0 <= label < len(names) else ""


# ------------------------------------------------------------------ applying
def _set(colour: QColor, rgb) -> None:
    colour.setRgb(*rgb) if len(rgb) == 4 else colour.setRgb(*rgb, 255)


def _apply_modules(t: Theme) -> None:
    """The shared colour objects and module attributes of the canvas, plots and caption."""
    from nnsim.app import caption
    from nnsim.app.canvas import hover_card, legend, overlay, shapes
    from nnsim.app.plots import style

    for colour, rgb in ((shapes.BACKGROUND, t.background), (shapes.GRID_DOT, t.grid_dot),
                        (shapes.OUTLINE, t.outline), (shapes.INK, t.ink), (shapes.MUTED, t.muted),
                        (shapes.ACCENT, t.accent),
                        (overlay.NAME_PLATE, t.name_plate), (overlay.VALUE_PLATE, t.value_plate),
                        (overlay.SOFT_PLATE, t.soft_plate), (overlay.PLATE_EDGE, t.plate_edge),
                        (overlay.BIAS_INK, t.bias_ink),
                        (legend.PANEL, t.panel), (legend.BORDER, t.border),
                        (hover_card.PLATE, t.card_plate), (hover_card.EDGE, t.card_edge),
                        (caption.BACKGROUND, t.caption_background), (caption.TITLE_COLOR, t.caption_title),
                        (caption.CLAIM_COLOR, t.caption_claim), (caption.FIGURE_COLOR, t.caption_figure)):
        _set(colour, rgb)
    style.apply_theme(t, class_colors())


def qt_palette(t: Theme, base: QPalette) -> QPalette:
    """The widgets' palette for theme `t` (Fusion follows it); `base` for the light theme."""
    if not t.window:
        return QPalette(base)
    pal = QPalette(base)
    roles = QPalette.ColorRole
    for name, rgb in t.window.items():
        if name == "disabled":
            continue
        pal.setColor(getattr(roles, name), QColor(*rgb))
    off = QColor(*t.window["disabled"])
    for role in (roles.WindowText, roles.Text, roles.ButtonText, roles.PlaceholderText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, off)
    return pal


def _apply_widgets(t: Theme) -> None:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance()
    if app is None:
        return
    if not hasattr(app, "_nnsim_base_palette"):
        app._nnsim_base_palette = QPalette(app.palette())  # the style's own, for light
    app.setPalette(qt_palette(t, app._nnsim_base_palette))
    for widget in QApplication.allWidgets():
        sheet = widget.styleSheet()
        if sheet and isinstance(widget, QLabel):  # polished with the old palette: again
            widget.setStyleSheet("")
            widget.setStyleSheet(sheet)
        restyle(widget)


def restyle(widget) -> None:
    """Bring one open widget to the current theme (a plot panel, the canvas, the caption bar,
    or anything with a theme_changed() method)."""
    from nnsim.app.canvas.view import NetworkView
    from nnsim.app.caption import CaptionBar
    from nnsim.app.plots.base import PlotPanel
    from nnsim.app.plots.style import restyle_panel

    if isinstance(widget, NetworkView):
        _restyle_view(widget)
    elif isinstance(widget, PlotPanel):
        restyle_panel(widget)
    elif isinstance(widget, CaptionBar):
        widget.restyle()
    hook = getattr(widget, "theme_changed", None)
    if callable(hook):
        hook()


def _restyle_view(view) -> None:
    from nnsim.app.canvas.shapes import outline_pen

    scene = view.canvas
    pen = outline_pen()
    scene._pen = pen
    for item in getattr(scene, "_items", {}).values():
        if hasattr(item, "setPen"):
            item.setPen(pen)
    maps = getattr(scene, "neuron_maps", None)
    if maps is not None and hasattr(maps, "_pen"):
        maps._pen = outline_pen()
        maps.update()
    overlay = getattr(scene, "overlay", None)
    if overlay is not None:
        cache = getattr(overlay, "_glyphs", None)
        if isinstance(cache, dict):
            cache.clear()
        overlay.update()
    view._bg = None  # the background (grid and lines) is drawn again in the new colours
    view.resetCachedContent()
    scene.update()
    view.viewport().update()


def apply(theme: str | None = None, palette: str | None = None, settings=None) -> None:
    """Switch to `theme` and/or `palette` (names in THEMES / PALETTES), restyle everything open,
    and remember the choice in `settings` (a QSettings) if given."""
    if theme is not None:
        if theme not in THEMES:
            raise ValueError(f"theme: unknown theme {theme!r} (one of {', '.join(THEMES)})")
        _state["theme"] = theme
    if palette is not None:
        if palette not in PALETTES:
            raise ValueError(f"palette: unknown palette {palette!r} (one of {', '.join(PALETTES)})")
        _state["palette"] = palette
    t = current()
    _apply_modules(t)
    _apply_widgets(t)
    if settings is not None:
        settings.setValue(THEME_KEY, _state["theme"])
        settings.setValue(PALETTE_KEY, _state["palette"])
    notifier().changed.emit()


def restore(settings) -> None:
    """The remembered theme and palette (unknown or missing values: the defaults)."""
    theme = settings.value(THEME_KEY, "light")
    palette = settings.value(PALETTE_KEY, "safe")
    theme = theme if theme in THEMES else "light"
    palette = palette if palette in PALETTES else "safe"
    if (theme, palette) != (_state["theme"], _state["palette"]) or theme != "light":
        apply(theme, palette)


def add_menus(window) -> None:
    """View > Theme and View > Palette (radio items; the choice applies at once and is kept)."""
    from PySide6.QtGui import QActionGroup

    settings = window.settings
    menus = []
    for title, names, current_name, kind in (
            ("T&heme", {k: v.label for k, v in THEMES.items()}, _state["theme"], "theme"),
            ("Pa&lette", {k: v[0] for k, v in PALETTES.items()}, _state["palette"], "palette")):
        menu = window.view_menu.addMenu(title)
        group = QActionGroup(menu)
        group.setExclusive(True)
        for name, label in names.items():
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(name == current_name)
            action.setData(name)
            group.addAction(action)
            action.triggered.connect(
                lambda _c=False, n=name, k=kind: apply(settings=settings, **{k: n}))
        menus.append(menu)
    window.theme_menu, window.palette_menu = menus

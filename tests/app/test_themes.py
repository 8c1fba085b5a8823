"""Themes (issue 15): light, dark and high contrast, measured from rendered pixels.

The main window at 1280x720 with lesson 7 open (a network, its decision map and the caption):
each theme's canvas background has the luminance expected of it, and text drawn on the canvas
(neuron names and values on their plates), a plot's axis label and the caption strip keep at
least 4.5:1 contrast to what is around them (WCAG AA).  Switching restyles what is open at once
and is remembered.
"""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect

from nnsim.app import theme

AA = 4.5
MEASURED: dict = {}  # theme -> {what: ratio or luminance}, printed at the end


def rgb(image) -> np.ndarray:
    from PySide6.QtGui import QImage

    a = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = a.height(), a.width(), a.bytesPerLine()
    rows = np.frombuffer(a.constBits(), np.uint8, count=h * stride).reshape(h, stride)
    return rows[:, : w * 3].reshape(h, w, 3).copy()


def luminance(px: np.ndarray) -> np.ndarray:
    c = np.asarray(px, float) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def contrast(a: float, b: float) -> float:
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


def text_contrast(pixels: np.ndarray, rect: QRect) -> float:
    """The contrast of a text's glyphs to their background within `rect` (window pixels): the
    background is the region's commonest luminance, the ink the glyph pixels' farthest from it
    (glyph cores; antialiased edges lie between).  At least 12 pixels must differ from the
    background, so an empty rectangle cannot pass."""
    r = rect.intersected(QRect(0, 0, pixels.shape[1], pixels.shape[0]))
    region = luminance(pixels[r.top():r.bottom() + 1, r.left():r.right() + 1]).ravel()
    values, counts = np.unique(np.round(region, 3), return_counts=True)
    bg = float(values[np.argmax(counts)])
    ratios = np.array([contrast(bg, v) for v in region])
    glyph = ratios[ratios > 1.5]
    assert len(glyph) >= 12, f"no text in {rect}"
    return float(np.max(glyph))


@pytest.fixture
def window(qtbot):
    from nnsim.app.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    w.learning.fill()
    assert w.learning.open_lesson("7")
    plot = w.learning.plots["decision"] if hasattr(w.learning, "plots") else None
    if plot is not None:
        qtbot.waitUntil(lambda: plot.grid is not None or plot._decision is not None, timeout=20000)
    qtbot.wait(200)
    yield w
    theme.apply("light", "safe")
    w.document.undo_stack.setClean()
    w.close()


def _decision(w):
    plots = getattr(w.learning, "plots", {})
    return plots.get("decision")


def shot(w, qtbot, name: str) -> np.ndarray:
    theme.apply(name)
    qtbot.wait(150)
    w.view.viewport().repaint()
    return rgb(w.grab().toImage())


def canvas_background(w, pixels: np.ndarray) -> float:
    """The luminance of the canvas where nothing is drawn: its commonest colour."""
    top_left = w.view.viewport().mapTo(w, QPoint(0, 0))
    vp = w.view.viewport().rect().translated(top_left)
    region = pixels[vp.top():vp.bottom() + 1, vp.left():vp.right() + 1].reshape(-1, 3)
    values, counts = np.unique(region, axis=0, return_counts=True)
    return float(luminance(values[np.argmax(counts)]))


def label_rects(w) -> list[tuple[str, QRect]]:
    """Window rectangles of the canvas's name and value labels, a plot's axis label and the
    caption's title and claim."""
    out = []
    vp = w.view.viewport()
    origin = vp.mapTo(w, QPoint(0, 0))
    for kind, _i, text, rect in w.view.canvas.overlay.shown_labels():
        if kind in ("names", "values"):
            out.append((f"canvas {kind} '{text}'", rect.toAlignedRect().translated(origin)))
    plot = _decision(w)
    if plot is not None and plot.isVisible():
        axis = plot.plot.getAxis("bottom")
        scene_rect = axis.label.sceneBoundingRect()
        view_rect = plot.graphics.mapFromScene(scene_rect).boundingRect()
        origin = plot.graphics.mapTo(w, QPoint(0, 0))
        out.append(("plot axis label", view_rect.translated(origin)))
    strip = w.caption_bar.strip
    layout = strip.layout_for(strip.width())
    origin = strip.mapTo(w, QPoint(0, 0))
    out.append(("caption title", layout.title_rect.translated(origin)))
    out.append(("caption claim", layout.claim_rects[0].translated(origin)))
    return out


EXPECTED = {"light": (0.85, 1.01), "dark": (0.0, 0.05), "high-contrast": (0.0, 0.001)}


@pytest.mark.parametrize("name", list(theme.THEMES))
def test_each_theme_has_its_background_and_readable_text(window, qtbot, name, capsys):
    pixels = shot(window, qtbot, name)
    bg = canvas_background(window, pixels)
    lo, hi = EXPECTED[name]
    assert lo <= bg <= hi, f"{name}: canvas background luminance {bg:.3f}"
    record = {"canvas background luminance": bg}
    rects = label_rects(window)
    kinds = {what.split(" '")[0] for what, _ in rects}
    assert {"canvas names", "canvas values", "caption title", "caption claim"} <= kinds
    for what, rect in rects:
        ratio = text_contrast(pixels, rect)
        record[what] = ratio
        assert ratio >= AA, f"{name}: {what} only {ratio:.2f}:1"
    MEASURED[name] = record
    with capsys.disabled():
        print(f"\n{name}: canvas background L = {bg:.3f}; minimum text contrast "
              f"{min(v for k, v in record.items() if k != 'canvas background luminance'):.2f}:1")
        for k, v in record.items():
            print(f"    {k}: {v:.3f}")


def test_a_live_switch_restyles_what_is_open_and_is_remembered(window, qtbot):
    from nnsim.app.main_window import MainWindow

    plot = _decision(window)
    light = shot(window, qtbot, "light")
    menu = window.theme_menu
    dark_action = next(a for a in menu.actions() if a.data() == "dark")
    dark_action.trigger()  # as the user chooses View > Theme > Dark
    qtbot.wait(150)
    window.view.viewport().repaint()
    dark = rgb(window.grab().toImage())
    assert theme.current().name == "dark"

    def region(widget):
        r = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        return r.top(), r.bottom() + 1, r.left(), r.right() + 1

    t, b, lft, rgt = region(window.view.viewport())
    assert luminance(light[t:b, lft:rgt]).mean() - luminance(dark[t:b, lft:rgt]).mean() > 0.4
    if plot is not None and plot.isVisible():
        t, b, lft, rgt = region(plot.graphics)
        changed = np.abs(light[t:b, lft:rgt].astype(int) - dark[t:b, lft:rgt]).sum(axis=2) > 60
        assert changed.mean() > 0.1  # the open plot's background and axes restyled
        axis = plot.plot.getAxis("bottom")
        assert axis.textPen().color().getRgb()[:3] == theme.DARK.plot_ink
    assert window.settings.value(theme.THEME_KEY) == "dark"
    theme.apply("light")  # a later session starts in the remembered theme
    later = MainWindow(settings=window.settings)
    qtbot.addWidget(later)
    try:
        assert theme.current().name == "dark"
        checked = [a.data() for a in later.theme_menu.actions() if a.isChecked()]
        assert checked == ["dark"]
    finally:
        later.close()


def test_an_unknown_theme_is_refused_in_one_line():
    with pytest.raises(ValueError, match="theme: unknown theme 'sepia'"):
        theme.apply("sepia")
    assert theme.current().name == "light"


@pytest.mark.parametrize("name", ["dark", "high-contrast"])
def test_the_weight_norm_curve_reads_on_a_dark_plot(qtbot, name):
    """‖w‖ was drawn near-black whatever the theme: on the dark plots it nearly vanished."""
    from nnsim.app.plots import PLOTS, style

    plot = PLOTS["weights"]()
    qtbot.addWidget(plot)
    try:
        theme.apply(name)
        pen_rgb = plot.norm_curve.opts["pen"].color().getRgb()[:3]
        ratio = contrast(float(luminance(pen_rgb)), float(luminance(style.BACKGROUND)))
        assert ratio >= 4.5, (pen_rgb, style.BACKGROUND, ratio)
        fresh = PLOTS["weights"]()  # a plot made in the theme starts readable too
        qtbot.addWidget(fresh)
        assert fresh.norm_curve.opts["pen"].color().getRgb()[:3] == pen_rgb
    finally:
        theme.apply("light")
    assert plot.norm_curve.opts["pen"].color().getRgb()[:3] == (38, 50, 56)


@pytest.mark.parametrize("name", ["light", "dark", "high-contrast"])
def test_the_keys_boundary_sample_reads_on_every_theme(qtbot, name):
    """The boundary is a dark line over the pale map; its sample in the key was the dark line
    alone, invisible on the dark themes' key.  Now a dark line on a pale strip, in every theme."""
    from nnsim.app.plots import PLOTS

    try:
        theme.apply(name)
        plot = PLOTS["decision"]()
        qtbot.addWidget(plot)
        plot.resize(500, 460)
        plot.show()
        qtbot.waitExposed(plot)
        sample = next(s for s, label in plot.legend.items if label.text == "boundary")
        rect = plot.graphics.mapFromScene(sample.sceneBoundingRect()).boundingRect()
        pixels = rgb(plot.graphics.grab().toImage())
        patch = luminance(pixels[rect.top():rect.bottom(), rect.left():rect.right()])
        assert patch.size and patch.max() > 0.85 and patch.min() < 0.05, (patch.min(), patch.max())
        assert contrast(float(patch.max()), float(patch.min())) >= 4.5
    finally:
        theme.apply("light")


def test_the_play_step_and_reset_icons_read_on_the_dark_themes(window, qtbot):
    """Qt's media icons are dark grey: on high contrast's black toolbar they vanished.  In dark
    and high contrast they are drawn in the palette's button text colour, live, and the
    running Play/Pause swap keeps it; light keeps Qt's own icons."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    run = window.run
    window.learning.rules.select_rule("backprop")
    panel = window.learning.rules.current_panel()

    def ink_luminance(icon) -> float:
        image = icon.pixmap(24, 24).toImage().convertToFormat(
            icon.pixmap(24, 24).toImage().Format.Format_ARGB32)
        px = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
        opaque = px[px[..., 3] > 200][:, [2, 1, 0]]  # BGRA -> RGB
        assert len(opaque) > 10
        return float(luminance(opaque).mean())

    light_play = ink_luminance(run.play.icon())
    try:
        def lum(colour) -> float:
            return float(luminance(np.array([[colour.red(), colour.green(), colour.blue()]]))[0])

        for name in ("dark", "high-contrast"):
            theme.apply(name)
            bg = lum(QApplication.palette().color(QPalette.ColorRole.Window))
            for icon in (run.play.icon(), run.step.icon(), run.reset.icon()):
                assert contrast(ink_luminance(icon), bg) >= 4.5, name
            # the rule panel's buttons: on each button's own face (they may differ)
            for button in (panel.train_button, panel.step_button, panel.reset_button):
                face = lum(button.palette().color(QPalette.ColorRole.Button))
                assert contrast(ink_luminance(button.icon()), face) >= 4.5, (name, button.text())
            run.show_running(True)  # Pause: drawn in the theme too
            assert contrast(ink_luminance(run.play.icon()), bg) >= 4.5
            run.show_running(False)
    finally:
        theme.apply("light")
    assert ink_luminance(run.play.icon()) == pytest.approx(light_play)

"""HiDPI (issue 15): at QT_SCALE_FACTOR=2 (and 1.5) the first-hour layout still fits at 1280x720
logical (2560x1440 device pixels), the canvas's glyphs, the legend and the caption are drawn
with a device pixel's detail (not a 1x picture blown up), and a recording keeps the frame size
asked for and shows the whole window, and a pan of the canvas keeps its background in step.

A scale factor must be set before the QApplication exists, so each case runs in a child
process (the test session's own application is at 1x)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# the first hour's layout at 1280x720: every lesson scene fits, the caption strip is counted,
# the Hopfield state stays large, Reset Layout, a larger window, no stale tab bar (lesson 21's
# known non-strict xfail is left to the normal run: it opens every lesson once more)
LAYOUT_TESTS = ["tests/app/test_layout.py", "tests/app/test_layout_caption.py"]
LAYOUT_K = "(1280x720 or hopfield or restores or larger or stale_tab) and not lesson_21"
LAYOUT_COUNT = 7


def child_env(scale: float | None, tmp_path: Path) -> dict:
    env = dict(os.environ)
    env.pop("QT_SCALE_FACTOR", None)
    if scale is not None:
        env["QT_SCALE_FACTOR"] = str(scale)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["NNSIM_SETTINGS_DIR"] = str(tmp_path / "settings")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_child(func: str, scale: float | None, tmp_path: Path, *args: str) -> dict:
    """Run test_hidpi.<func>(*args) in a child at `scale`; returns what it printed as JSON."""
    script = tmp_path / f"child_{func}.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "if __name__ == '__main__':\n"
        "    import test_hidpi\n"
        f"    test_hidpi.{func}(*sys.argv[1:])\n")
    done = subprocess.run([sys.executable, str(script), *args], cwd=ROOT, env=child_env(scale, tmp_path),
                          capture_output=True, text=True, timeout=600)
    found = re.search(r"^RESULT (.*)$", done.stdout, re.M)
    assert done.returncode == 0 and found, f"child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return json.loads(found[1])


# ---------------------------------------------------------------------------------- (1) layout
@pytest.mark.parametrize("scale", [2, 1.5])
def test_the_first_hour_layout_fits_at_1280x720_on_a_scaled_screen(scale, tmp_path):
    done = subprocess.run([sys.executable, "-m", "pytest", *LAYOUT_TESTS, "-k", LAYOUT_K, "-q",
                           "-p", "no:cacheprovider"],
                          cwd=ROOT, env=child_env(scale, tmp_path), capture_output=True, text=True,
                          timeout=900)
    tail = done.stdout[-3000:]
    assert done.returncode == 0, f"layout tests at QT_SCALE_FACTOR={scale}:\n{tail}\n{done.stderr[-2000:]}"
    assert re.search(rf"\b{LAYOUT_COUNT} passed\b", tail), tail
    # the child really ran scaled: the window's device pixel ratio is the factor asked for
    assert run_child("child_ratio", scale, tmp_path)["dpr"] == scale


def child_ratio() -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([])
    w = QWidget()
    w.show()
    app.processEvents()
    print("RESULT " + json.dumps({"dpr": w.devicePixelRatioF()}), flush=True)
    w.close()


# ------------------------------------------------------------------------------- (2) crispness
def twins(rgb: np.ndarray) -> float:
    """Of the pixels on an edge (some 4-neighbour differs), the share that equal a horizontal
    and a vertical neighbour exactly: 1.0 for a 1x picture blown up 2x pixel by pixel (every
    pixel has its twins), well under 1 for one drawn at the device's pixels."""
    a = rgb.astype(np.int64)
    a = a[..., 0] * 65536 + a[..., 1] * 256 + a[..., 2]
    c = a[1:-1, 1:-1]
    left, right, up, down = a[1:-1, :-2], a[1:-1, 2:], a[:-2, 1:-1], a[2:, 1:-1]
    edge = ~((c == left) & (c == right) & (c == up) & (c == down))
    twin = ((c == left) | (c == right)) & ((c == up) | (c == down))
    return float((twin & edge).sum() / max(int(edge.sum()), 1))


def soft(rgb: np.ndarray) -> float:
    """Pixels between dark and light per sharp step between neighbours: a picture blown up
    smoothly has wide soft edges (6.8 for the caption, 21 for the legend), one drawn at the
    device's pixels narrow ones (1.4 and 4.1: the legend's colour bar is soft by nature)."""
    g = rgb[..., :3].astype(float).mean(axis=2)
    lo, hi = np.percentile(g, 2), np.percentile(g, 98)
    t = (g - lo) / max(hi - lo, 1.0)
    mid = int(((t > 0.15) & (t < 0.85)).sum())
    sharp = int((np.abs(np.diff(t, axis=1)) > 0.5).sum() + (np.abs(np.diff(t, axis=0)) > 0.5).sum())
    return mid / max(sharp, 1)


def array_of(image) -> np.ndarray:
    from nnsim.app.frames import image_to_array

    return image_to_array(image)


def child_crisp(dump: str = "") -> None:
    """Lesson 1 at 1280x720 on the scaled screen: figures for the canvas's glyphs (neuron maps
    off) and badges (maps on) against the same view rendered at twice the zoom on a 1x image
    (drawn there at the device's resolution by the zoom path), and the legend, the caption
    strip and a recording's stacked caption by their own detail."""
    from PySide6.QtCore import QPointF, QRect, QRectF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    QApplication([])
    from nnsim.app.canvas.neuron_maps import BADGE, BADGE_AT
    from nnsim.app.canvas.overlay import GLYPH_BOX
    from nnsim.app.caption import lay_out, stack_caption
    from nnsim.app.main_window import MainWindow

    window = MainWindow()
    window.resize(1280, 720)
    window.show()
    lesson = next(le for le in window.learning.lessons.lessons if le.number == 1)
    window.learning.open_scene(lesson, 0)
    view, scene = window.view, window.view.canvas
    dpr = view.viewport().devicePixelRatioF()
    out = {"dpr": dpr}
    for _ in range(500):  # the engine's first snapshot brings the maps
        QTest.qWait(20)
        if len(scene.neuron_maps.painted) == len(scene.names):
            break
    QTest.qWait(100)

    def device(rect: QRectF) -> QRect:
        return QRect(round(rect.left() * dpr), round(rect.top() * dpr),
                     round(rect.width() * dpr), round(rect.height() * dpr))

    def twice_zoomed() -> QImage:
        size = view.viewport().size()
        image = QImage(round(size.width() * dpr), round(size.height() * dpr), QImage.Format.Format_RGB32)
        image.fill(0xFFFFFF)
        p = QPainter(image)
        p.setRenderHints(view.renderHints())
        # without the viewport-pixel layer (legend, hints, card): render() puts it at 1x scale
        view.drawForeground = lambda *args: None
        try:
            view.render(p, QRectF(image.rect()), view.viewport().rect())
        finally:
            del view.drawForeground
        p.end()
        return image

    def compare(name: str, half: tuple[float, float], offset: tuple[float, float]) -> None:
        grab = view.viewport().grab().toImage()
        ref = twice_zoomed()
        k = view.transform().m11()
        diffs, rows = [], []
        for i in range(len(scene.names)):
            c = view.mapFromScene(QPointF(*scene.pos[i]) + QPointF(*offset))
            r = device(QRectF(c.x() - half[0] * k, c.y() - half[1] * k, 2 * half[0] * k, 2 * half[1] * k))
            a, b = array_of(grab.copy(r)).astype(float), array_of(ref.copy(r)).astype(float)
            diffs.append(float(np.abs(a - b).mean()))
            rows.append(np.hstack([a, b]).astype(np.uint8))
        out[name] = max(diffs)
        if dump:
            from PIL import Image

            h = max(r.shape[0] for r in rows)
            Image.fromarray(np.vstack([np.pad(r, ((0, h - r.shape[0]), (0, 0), (0, 0)))
                                       for r in rows])).save(f"{dump}/{name}.png")

    compare("badge", BADGE, BADGE_AT)
    grab = view.viewport().grab().toImage()
    legend = array_of(grab.copy(device(view.legend_rect)))
    out["legend"] = [twins(legend), soft(legend)]
    view.set_show_maps(False)
    QTest.qWait(50)
    compare("glyph", GLYPH_BOX, (0.0, 0.5))
    strip = window.caption_bar.strip
    caption = array_of(strip.grab().toImage())
    out["caption"] = [twins(caption), soft(caption)]
    plot = view.grab().toImage()
    framed = stack_caption(window.caption_bar.caption, plot)
    top = framed.height() - plot.height()
    stacked = array_of(framed.copy(0, 0, framed.width(), top))
    out["stacked"] = [twins(stacked), soft(stacked)]
    out["stacked_top"] = top
    out["stacked_expected"] = int(lay_out(window.caption_bar.caption, view.width()).height * dpr)
    out["stacked_ratio"] = framed.devicePixelRatio()
    if dump:
        for name, pixels in (("legend", legend), ("caption", caption), ("stacked", stacked)):
            from PIL import Image

            Image.fromarray(pixels).save(f"{dump}/{name}.png")
    print("RESULT " + json.dumps(out), flush=True)
    window.document.undo_stack.setClean()
    window.close()
    os._exit(0)  # nothing left to tear down in order (see tests/conftest.py's unconfigure)


@pytest.fixture(scope="module", params=[2, 1.5], ids=["x2", "x1.5"])
def crisp(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crisp")
    figures = run_child("child_crisp", request.param, tmp, os.environ.get("NNSIM_HIDPI_DUMP", ""))
    assert figures["dpr"] == request.param
    return figures


def test_canvas_glyphs_are_drawn_at_the_devices_pixels(crisp):
    """With maps off each neuron's activation glyph sits in its middle, a cached pixmap: at 2x
    it must be made at the device's pixels, like the view drawn at twice the zoom (a 1x pixmap
    blown up differs by ~10 grey levels a pixel on average)."""
    assert crisp["glyph"] < 2.0, crisp


def test_map_badges_are_drawn_at_the_devices_pixels(crisp):
    """The glyph on its plate at a neuron's lower right, over the neuron's map."""
    assert crisp["badge"] < 2.0, crisp


def test_the_legend_and_caption_strip_have_a_device_pixels_detail(crisp):
    """Drawn straight onto the device (no 1x cache): edges are not pixel pairs, nor soft."""
    twin, softness = crisp["caption"]
    assert twin < 0.8 and softness < 4, crisp  # drawn here: 0.6, 1.4; a 1x cache: 1.0 or 6.8
    twin, softness = crisp["legend"]  # its colour bar is soft by nature
    assert twin < 0.8 and softness < 10, crisp  # drawn here: 0.44, 4.1; a 1x cache: 0.84 or 21


def test_a_recordings_caption_is_laid_out_at_the_logical_width_and_drawn_at_the_ratio(crisp):
    """grab_frame stacks the caption over a 2x grab: laid out for the logical width (the same
    lines as on the screen), ratio times as tall in device pixels, as sharp as the grab."""
    assert crisp["stacked_top"] == crisp["stacked_expected"], crisp
    assert crisp["stacked_ratio"] == crisp["dpr"]
    twin, softness = crisp["stacked"]
    assert twin < 0.8 and softness < 4, crisp


# ------------------------------------------------------------------------------- (3) recording
def record(scale: float | None, tmp_path: Path) -> np.ndarray:
    import imageio.v2 as imageio

    out = tmp_path / f"rec_{scale}.mp4"
    done = subprocess.run([sys.executable, "main.py", "record", "--lesson", "1", "--out", str(out),
                           "--size", "640x360", "--seconds", "1"],
                          cwd=ROOT, env=child_env(scale, tmp_path), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    reader = imageio.get_reader(str(out))
    try:
        frames = [np.asarray(f) for f in reader]
    finally:
        reader.close()
    return np.stack(frames)


def test_a_recording_at_scale_2_keeps_its_frame_size_and_shows_the_whole_window(tmp_path):
    """main.py record --size 640x360 with QT_SCALE_FACTOR=2: frames of 640x360 that show what
    the 1x recording shows (the window at 2x scaled down), not the window's top-left quarter
    blown up (the offscreen platform's grabWindow returns only that on a scaled screen)."""
    at2 = record(2, tmp_path)
    at1 = record(None, tmp_path)
    assert at2.shape[1:] == (360, 640, 3) and at1.shape[1:] == (360, 640, 3)
    diff = np.abs(at2[-1].astype(float) - at1[-1].astype(float)).mean()
    assert diff < 12, f"the 2x recording's last frame differs from the 1x one by {diff:.1f} a pixel"


# ------------------------------------------------------------------------- canvas background
@pytest.mark.parametrize("scale", [2, 1.5])
def test_pans_keep_the_canvas_background_in_step_on_a_scaled_screen(scale, tmp_path):
    """The canvas's pan test at a scaled screen: at 1.5 a 3 px pan is 4.5 device pixels, which
    QGraphicsView's background cache cannot shift by; the picture must still be the one a full
    redraw gives (it tore by a device pixel along the freshly drawn strip)."""
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/app/test_canvas_incremental.py",
                           "-k", "pans", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, env=child_env(scale, tmp_path), capture_output=True, text=True,
                          timeout=600)
    tail = done.stdout[-3000:]
    assert done.returncode == 0 and re.search(r"\b1 passed\b", tail), tail

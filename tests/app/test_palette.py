"""A palette everyone can read (issue 15): the class colours and the diverging map checked under
simulated colour-vision deficiencies, classes told apart by shape, synapse kinds by line style.

Simulation: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation
of color vision deficiency", severity 1.0, applied to linear RGB and clipped to the display's
gamut.  The matrices are copied here from the paper's table, independently of the app's copy.
Distances: CIE 1976 ΔE*ab in CIELAB (D65).
"""
import numpy as np
import pytest

MACHADO = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
MIN_DELTA_E = 20.0  # classes 0 and 1 at least this far apart, seen by anyone


def to_linear(rgb) -> np.ndarray:
    c = np.asarray(rgb, float) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def simulate(rgb, kind: str) -> np.ndarray:
    """Linear RGB as seen with `kind` (clipped as a display shows it)."""
    return np.clip(to_linear(rgb) @ MACHADO[kind].T, 0.0, 1.0)


def lab(linear: np.ndarray) -> np.ndarray:
    xyz = linear @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                             [0.0193, 0.1192, 0.9505]]).T
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e(a, b, kind: str) -> float:
    return float(np.linalg.norm(lab(simulate(a, kind)) - lab(simulate(b, kind))))


def distance_table() -> dict[str, dict[str, float]]:
    from nnsim.app import theme

    return {name: {kind: delta_e(colors[0], colors[1], kind) for kind in MACHADO}
            for name, (_label, colors) in theme.PALETTES.items()}


def test_the_simulation_is_the_papers():
    """Sanity of the model: a dichromat's view of white is white, and the classic red/green pair
    collapses for a deuteranope (the problem this palette solves)."""
    for kind in MACHADO:
        assert np.allclose(simulate((255, 255, 255), kind), 1.0, atol=0.02)
    assert delta_e((214, 39, 40), (44, 160, 44), "deuteranopia") < 10
    assert delta_e((214, 39, 40), (44, 160, 44), "normal") > 100


def test_classes_stay_apart_for_every_viewer(capsys):
    """The default palette's classes 0 and 1 are at least MIN_DELTA_E apart after each
    simulation; the table is printed (the issue's closing note quotes it)."""
    from nnsim.app import theme

    table = distance_table()
    with capsys.disabled():
        print("\nCIE76 ΔE*ab between class 0 and class 1 (Machado 2009, severity 1.0)")
        print(f"{'palette':<10}" + "".join(f"{k:>14}" for k in MACHADO))
        for name, row in table.items():
            print(f"{name:<10}" + "".join(f"{row[k]:>14.1f}" for k in MACHADO))
    assert theme.palette_name() == "safe"  # the default
    for kind, d in table["safe"].items():
        assert d >= MIN_DELTA_E, f"{kind}: classes only {d:.1f} apart"
    # and the classic pair fails for a deuteranope: the test can tell the two apart
    assert table["classic"]["deuteranopia"] < MIN_DELTA_E


def test_the_default_classes_are_blue_circles_and_orange_crosses():
    from nnsim.app import theme
    from nnsim.app.plots import style

    assert style.class_color(0) == theme.class_color(0) and style.class_color(1) == theme.class_color(1)
    b, o = style.class_color(0), style.class_color(1)
    assert b[2] > b[0] and o[0] > o[2]  # blue, orange
    assert style.class_symbol(0) == "o" and style.class_symbol(1) == "x"
    shapes = [style.class_symbol(c) for c in range(len(style.CLASS_SYMBOLS))]
    assert len(set(shapes)) == len(shapes)  # more classes, more shapes


@pytest.mark.parametrize("kind", list(MACHADO))
def test_the_diverging_map_is_ordered_in_lightness(kind):
    """From the middle (0) out to either end the map only gets darker, for every viewer; the
    plots' copy is the canvas's."""
    from nnsim.app.colors import LUT
    from nnsim.app.plots.colormap import LUT as PLOT_LUT

    assert np.array_equal(LUT, PLOT_LUT)
    light = lab(simulate(LUT, kind))[:, 0]
    mid = len(LUT) // 2
    negative, positive = light[:mid], light[mid:]  # -1 .. 0 and 0 .. +1
    assert np.all(np.diff(negative) >= 0), f"{kind}: L* rises towards -1 at {np.argmin(np.diff(negative))}"
    assert np.all(np.diff(positive) <= 0), f"{kind}: L* rises towards +1 at {np.argmax(np.diff(positive))}"
    assert light[mid] - light[0] > 30 and light[mid] - light[-1] > 25  # and the ends are dark
    # the two ends stay distinct hues for this viewer too
    assert delta_e(LUT[0], LUT[-1], kind) >= MIN_DELTA_E


def test_palette_switch_changes_the_classes_and_is_remembered(qapp, tmp_path):
    from PySide6.QtCore import QSettings

    from nnsim.app import theme
    from nnsim.app.panels.summary import class_color
    from nnsim.app.plots import style

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    try:
        theme.apply(palette="classic", settings=settings)
        assert style.class_color(0) == (214, 39, 40) and style.class_color(1) == (44, 160, 44)
        assert class_color(1) == "#2ca02c"  # the data panel's swatches follow
        assert settings.value(theme.PALETTE_KEY) == "classic"
        theme.apply(palette="safe")
        theme.restore(settings)  # a later session
        assert theme.palette_name() == "classic" and style.class_color(1) == (44, 160, 44)
    finally:
        theme.apply("light", "safe")
    assert style.class_color(1) == theme.SAFE_CLASSES[1]


def test_inhibitory_synapses_are_dashed(qapp):
    """Excitatory solid with a triangle head, inhibitory dashed with a disc: drawn, not only
    coloured.  Two horizontal synapses of the same weight, one of each kind; along the
    inhibitory line the ink breaks into dashes, along the excitatory one it does not."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from nnsim.app.canvas.geometry import compute
    from nnsim.app.canvas.synapses import SynapseLayer

    pos = np.array([[0.0, 0.0], [200.0, 0.0], [0.0, 40.0], [200.0, 40.0]])
    geo = compute(pos, np.array([0, 2]), np.array([1, 3]))
    layer = SynapseLayer()
    layer.set_geometry(geo, np.array([1.0, 1.0]), np.array([False, True]))
    image = QImage(260, 80, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    p = QPainter(image)
    p.translate(20, 20)
    layer.paint_lines(p, QRectF(-20, -20, 260, 80), 1.0)
    p.end()
    a = np.frombuffer(image.constBits(), np.uint8).reshape(80, image.bytesPerLine() // 4, 4)[:, :260, :3]
    ink = a.astype(int).sum(axis=2) < 600
    solid, dashed = ink[20, 50:170], ink[60, 50:170]
    assert solid.all()
    assert 0.3 < dashed.mean() < 0.8 and np.count_nonzero(np.diff(dashed.astype(int))) >= 8

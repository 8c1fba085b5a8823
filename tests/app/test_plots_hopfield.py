"""HopfieldView: the image is the reshaped state, clicks flip the right unit, noise, gallery."""
from types import SimpleNamespace

import exported
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from nnsim.app.plots import HopfieldView
from nnsim.app.plots.hopfield import INK, PAPER, grid_shape
from nnsim.engine.datasets import bitmap_patterns


@pytest.fixture
def view(shown):
    return shown(HopfieldView(), 400, 440)


def click_cell(view, row, col):
    scene = view.view.mapViewToScene(QPointF(col + 0.5, row + 0.5))
    QTest.mouseClick(view.graphics.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.graphics.mapFromScene(scene))


def test_image_is_the_state_reshaped(view):
    state = bitmap_patterns("A")[0]
    view.update_snapshot(SimpleNamespace(step=3, names=tuple(f"s{k}" for k in range(64)), outputs=state))
    np.testing.assert_array_equal(view.image.image, state.reshape(8, 8))
    assert tuple(view.image.getLevels()) == (-1.0, 1.0)
    assert "step 3" in view.status.text()


def test_non_square_states_are_padded(view):
    view.set_state([1, -1, 1, 1, -1])
    assert grid_shape(5) == (3, 3) and grid_shape(9) == (3, 3) and grid_shape(1) == (1, 1)
    img = view.image.image
    assert img.shape == (3, 3)
    np.testing.assert_array_equal(img.ravel()[:5], [1, -1, 1, 1, -1])
    np.testing.assert_array_equal(img.ravel()[5:], 0)  # padding: neither +1 nor -1


def test_click_flips_the_right_pixel(view, qtbot):
    state = -np.ones(16)
    view.set_state(state)
    with qtbot.waitSignal(view.state_edited) as blocker:
        click_cell(view, 2, 1)  # row 2, column 1 -> unit 2 * 4 + 1 = 9
    expected = state.copy()
    expected[9] = 1
    np.testing.assert_array_equal(blocker.args[0], expected)
    np.testing.assert_array_equal(view.image.image, expected.reshape(4, 4))
    click_cell(view, 2, 1)
    np.testing.assert_array_equal(view.state, state)


def test_clicks_on_padding_do_nothing(view):
    view.set_state(np.ones(5))
    edits = []
    view.state_edited.connect(edits.append)
    click_cell(view, 2, 2)  # cell 8 does not exist
    assert edits == []


def test_add_noise_flips_the_asked_fraction(view):
    pattern = bitmap_patterns("H")[0]
    view.set_state(pattern)
    noisy = view.add_noise(0.25, seed=1)
    assert np.sum(noisy != pattern) == 16
    np.testing.assert_array_equal(view.image.image.ravel(), noisy)


def test_gallery_loads_a_stored_pattern(view, qtbot):
    patterns = bitmap_patterns("AB")
    view.set_patterns(patterns, ["A", "B"])
    view.set_state(-np.ones(64))
    assert len(view.thumbnails) == 2 and not view.thumbnails[1].icon().isNull()
    with qtbot.waitSignal(view.state_edited):
        view.thumbnails[1].click()
    np.testing.assert_array_equal(view.state, patterns[1])
    assert view.status.text().startswith("closest: B · 0 of 64 pixels off")


def test_recall_is_animated_by_successive_snapshots(view):
    names = tuple(f"s{k}" for k in range(4))
    frames = [np.array([1, 1, -1, -1]), np.array([1, -1, -1, -1]), np.array([1, -1, 1, -1])]
    seen = []
    for step, outputs in enumerate(frames):
        view.update_snapshot(SimpleNamespace(step=step, names=names, outputs=outputs))
        seen.append(view.image.image.ravel().copy())
    np.testing.assert_array_equal(seen, frames)


def test_a_subset_of_neurons(view):
    view.set_neurons(["b", "a"])
    view.update_snapshot(SimpleNamespace(step=0, names=("a", "b", "c"), outputs=np.array([1, -1, 1])))
    np.testing.assert_array_equal(view.state, [-1, 1])


def test_clear_and_export(view, tmp_path):
    """The exports hold the state: the CSV its +1/-1 grid, the PNG and the SVG's embedded image
    each cell in ink (+1) or paper (-1)."""
    state = bitmap_patterns("T")[0]
    view.set_state(state)
    grid = state.reshape(8, 8)
    rows = view.export(tmp_path / "s.csv").read_text().splitlines()
    assert len(rows) == 8
    np.testing.assert_array_equal(exported.csv_matrix(tmp_path / "s.csv"), grid)
    pixels = exported.png(view.export(tmp_path / "s.png"))
    origin = view.graphics.viewRect().topLeft()
    for r in range(8):
        for c in range(8):
            at = view.image.mapToScene(QPointF(c + 0.5, r + 0.5)) - origin
            want = INK if grid[r, c] > 0 else PAPER
            assert exported.near(pixels[int(at.y()), int(at.x())], QColor(*want)) == 1, (r, c)
    [embedded] = exported.svg_images(exported.svg(view.export(tmp_path / "s.svg")))
    assert embedded.shape == (8, 8, 3)
    np.testing.assert_array_equal(embedded, np.where(grid[..., None] > 0, INK, PAPER))
    view.clear()
    assert view.image.image is None and view.state.size == 0


def test_units_flipped_by_the_last_sweep_are_outlined(view):
    names = tuple(f"s{k}" for k in range(9))
    before = -np.ones(9)
    after = before.copy()
    after[[1, 5]] = 1  # row 0 col 1, row 1 col 2
    view.update_snapshot(SimpleNamespace(step=0, names=names, outputs=before))
    assert len(view.changed.getData()[0]) == 0
    view.update_snapshot(SimpleNamespace(step=1, names=names, outputs=after))
    x, y = view.changed.getData()
    assert sorted(zip(x.tolist(), y.tolist())) == [(1.5, 0.5), (2.5, 1.5)]


@pytest.mark.parametrize("count,width", [(3, 300), (10, 300), (10, 240), (30, 300)])
def test_the_gallery_wraps_instead_of_scrolling_sideways(shown, count, width):
    """Lesson 6's second scene stores 10 patterns: in a narrow dock they shrink, then wrap onto
    a second row; a horizontal scroll bar never appears."""
    from nnsim.app.plots import HopfieldView

    view = shown(HopfieldView(), width, 360)
    rng = np.random.default_rng(1)
    view.set_patterns(np.where(rng.random((count, 64)) > 0.5, 1.0, -1.0))
    view.resize(view.width(), view.height() + 1)  # a resize lays the gallery out again
    scroll = view.gallery_scroll
    assert not scroll.horizontalScrollBar().isVisible()
    assert scroll.horizontalScrollBar().maximum() == 0
    viewport = scroll.viewport()
    for button in view.thumbnails[: min(count, 2 * view._gallery_columns)]:  # two rows show
        top_left = button.mapTo(viewport, button.rect().topLeft())
        bottom_right = button.mapTo(viewport, button.rect().bottomRight())
        assert viewport.rect().contains(top_left) and viewport.rect().contains(bottom_right)
        assert button.iconSize().width() >= 24

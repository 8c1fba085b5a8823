"""Where the docks go: a layout made for teaching, the same at 1280x720, 1280x800 and 1920x1080.

    +---------+---------------------+--------------+
    | Lessons |                     | square plot  |   decision map or Hopfield state
    |         |       canvas        +--------------+
    |         |                     | Rule | Data  |   tabs: Learning rule, Data, Inspector
    |         +----------+----------+ Inspector    |
    |         | plot     | plot     |              |   the scene's other plots, side by side
    +---------+----------+----------+--------------+

The left and right columns run the full height (the bottom row sits under the canvas only), so
the square plot and the rule panel's Train button are on screen together.  Sizes are shares of
the window, so a larger window gives room to the plots as well as to the canvas.  The height the
docks share is the window's less the menu, tool and status bars and, while it is shown, the
caption strip under the tool bars (nnsim.app.caption: 71-90 px at 1280x720).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea
HORIZONTAL, VERTICAL = Qt.Orientation.Horizontal, Qt.Orientation.Vertical

SQUARE_PLOTS = ("decision", "hopfield", "surface", "layers", "landscape")  # planes, pixels, 3-D: right column
BARS = 110  # the menu, tool and status bars (81 px), the right column's tab bar and separators
# The right column's share of the width (at most, px) and the square plot's of the height.  The
# Hopfield state is the scene's claim (recall seen pixel by pixel): a larger image, >= 300 px at
# 1280x720, its stored patterns beside it, the rule panel under it still above its least height.
# The layer view (a hidden layer's bent grid, a chooser row and a key) as wide, a little taller:
# at 1280x720 its plot area is ~400x180 px (0.52 gave ~360x140) with Train and the rule panel's
# progress line still in view under it (at 0.62 that line is cut).
COLUMN_SHARES = {None: (0.28, 560, 0.52), "hopfield": (0.36, 700, 0.58),  # Train stays in view
                 "layers": (0.36, 700, 0.6), "landscape": (0.36, 700, 0.6)}


@dataclass(frozen=True)
class Sizes:
    left: int    # the lessons column's width
    right: int   # the right column's width
    square: int  # the square plot's height
    bottom: int  # the bottom row's height
    caption: int = 0  # the caption strip's height counted (0: not shown)
    square_plot: str | None = None  # the right column's plot the shares were made for


def sizes_for(width: int, height: int, caption: int = 0, square_plot: str | None = None) -> Sizes:
    """Column widths and row heights as shares of the window, within readable bounds;
    `caption`: the height of the caption strip shown under the tool bars (0 when hidden);
    `square_plot`: the plot in the right column (the Hopfield state gets a larger share)."""
    share, most, tall = COLUMN_SHARES.get(square_plot, COLUMN_SHARES[None])
    right = int(min(max(width * share, 340), most))
    left = int(min(max(width * 0.21, 250), 400))
    usable = height - BARS - caption
    square = int(min(right * 0.95, usable * tall))
    bottom = int(min(max(usable * 0.32, 215), 380))
    return Sizes(left, right, square, bottom, caption, square_plot)


def caption_height(window: QMainWindow) -> int:
    """The caption strip's height at the window's width while it is shown (a lesson scene open
    and View > Caption Strip on), else 0.  Asked of the strip, not of its bar's geometry, so it
    is right before the window is first shown or laid out (a recording opens the scene first)."""
    bar = getattr(window, "caption_bar", None)
    if bar is None or bar.isHidden():
        return 0
    return bar.strip.heightForWidth(max(window.width(), 1))


def window_sizes(window: QMainWindow, square_plot: str | None = None) -> Sizes:
    """sizes_for the window as it is, its caption strip counted."""
    return sizes_for(window.width(), window.height(), caption_height(window), square_plot)


def plot_key(dock: QDockWidget) -> str | None:
    """'hopfield' for the dock 'plot_hopfield_dock' (learning.LearningDocks' names)."""
    name = dock.objectName()
    return name[5:-5] if name.startswith("plot_") and name.endswith("_dock") else None


class _CaptionWatch(QObject):
    """Shares planned again when the caption strip is shown or hidden (a scene opened or
    closed, View > Caption Strip): the docks gain or lose its height."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            learning = getattr(self.parent(), "learning", None)
            if learning is not None:
                QTimer.singleShot(0, learning, learning.refit)  # after the bar is laid out
        return False


def _watch_caption(window: QMainWindow) -> None:
    bar = getattr(window, "caption_bar", None)
    if bar is not None and window.findChild(_CaptionWatch) is None:
        bar.installEventFilter(_CaptionWatch(window))


def split_plots(keys) -> tuple[str | None, list[str]]:
    """(the plot for the right column, the plots for the bottom row), in the order given."""
    keys = list(dict.fromkeys(keys))
    square = next((k for k in keys if k in SQUARE_PLOTS), None)
    return square, [k for k in keys if k != square]


def arrange(window: QMainWindow, lessons: QDockWidget, tabs: list[QDockWidget],
            plots: dict[str, QDockWidget], shown: list[str],
            front: QDockWidget | None = None) -> tuple[list, list, list]:
    """Place every dock: lessons on the left, `tabs` tabbed in the right column under the square
    plot, the other plots of `shown` side by side under the canvas; plots not in `shown` are
    hidden (still listed in View > Panels).  Floating docks the user tore off stay where they are.
    Bottom plots that would not fit side by side at their least width share tabs instead.
    Returns (the first tab, the square plot, the bottom docks side by side), for apply_sizes."""
    window.setCorner(Qt.Corner.BottomLeftCorner, LEFT)
    window.setCorner(Qt.Corner.BottomRightCorner, RIGHT)
    window.setCorner(Qt.Corner.TopLeftCorner, LEFT)
    window.setCorner(Qt.Corner.TopRightCorner, RIGHT)
    square, bottom = split_plots(k for k in shown if k in plots)
    docked = [d for d in [lessons, *tabs, *plots.values()] if not d.isFloating()]
    for dock in docked:
        window.removeDockWidget(dock)
    if not lessons.isFloating():
        window.addDockWidget(LEFT, lessons)
        lessons.show()
    column = [plots[square]] if square is not None and not plots[square].isFloating() else []
    placed_tabs = [d for d in tabs if not d.isFloating()]
    for dock in column + placed_tabs[:1]:
        window.addDockWidget(RIGHT, dock, VERTICAL)
        dock.show()
    for dock in placed_tabs[1:]:
        window.tabifyDockWidget(placed_tabs[0], dock)
        dock.show()
    _watch_caption(window)
    sizes = window_sizes(window, square if column else None)
    room = window.width() - _least(lessons, sizes.left) - _least(
        (column + placed_tabs or [lessons])[0], sizes.right) - 12
    row, used = [], 0
    for dock in (plots[k] for k in bottom if not plots[k].isFloating()):
        need = dock.minimumSizeHint().width()
        if row and used + need > room:
            window.tabifyDockWidget(row[-1], dock)  # too narrow for one more column
        else:
            window.addDockWidget(BOTTOM, dock, HORIZONTAL)
            row.append(dock)
            used += need
        dock.show()
    for key, dock in plots.items():
        if key in shown:
            dock.show()
        elif not dock.isFloating():
            dock.hide()
    if front is not None:
        front.raise_()
    elif placed_tabs:
        placed_tabs[0].raise_()
    apply_sizes(window, sizes, lessons, placed_tabs[:1], column, row)
    hide_stray_tab_bars(window)
    return placed_tabs[:1], column, row


def hide_stray_tab_bars(window: QMainWindow) -> None:
    """Hide dock tab bars Qt left behind: after restoreState has tabbed docks, taking them out
    and adding them again gives the group a new tab bar, and the old one stays shown at the
    window's top-left over the menu bar (never laid out: at (0, 0)).  A tab bar in use sits at
    the foot of its dock area, never there."""
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if bar.isVisible() and bar.pos() == QPoint(0, 0):
            bar.hide()


def _least(dock: QDockWidget, share: int) -> int:
    return max(dock.minimumSizeHint().width(), share)


def apply_sizes(window: QMainWindow, sizes: Sizes, lessons: QDockWidget, tabs: list[QDockWidget],
                column: list[QDockWidget], row: list[QDockWidget]) -> None:
    """Give the docks their shares.  Sizes planned for another caption strip than the one shown
    now or another square plot (e.g. sizes_for(width, height) of a resized window) are planned
    again with them."""
    square_plot = plot_key(column[0]) if column else None
    if (sizes.caption, sizes.square_plot) != (caption_height(window), square_plot):
        sizes = window_sizes(window, square_plot)
    docks, widths = [], []
    if lessons.isVisible() and not lessons.isFloating():
        docks.append(lessons)
        widths.append(sizes.left)
    right = [d for d in column + tabs if d.isVisible()]
    if right:
        docks.append(right[0])
        widths.append(sizes.right)
    if docks:
        window.resizeDocks(docks, widths, HORIZONTAL)
    if column and tabs:
        rest = max(window.height() - BARS - sizes.caption - sizes.square, 200)
        window.resizeDocks([column[0], tabs[0]], [sizes.square, rest], VERTICAL)
    if row:
        window.resizeDocks([row[0]], [sizes.bottom], VERTICAL)
        share = max((window.width() - sizes.left - sizes.right) // len(row), 1)
        window.resizeDocks(row, [share] * len(row), HORIZONTAL)

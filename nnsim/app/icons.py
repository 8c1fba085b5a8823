"""Qt's standard media icons (Play, Pause, Step, Reset) drawn in the theme's ink.

Fusion draws them dark grey: on the dark theme they are faint and on high contrast's black they
vanish.  In any theme but the light one each is redrawn in the palette's button text colour
(its shape kept as the mask), at the sizes tool bars and buttons use; light keeps Qt's own.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

SIZES = (16, 20, 24, 32, 48)


def media_icon(style: QStyle, pixmap: QStyle.StandardPixmap, widget=None) -> QIcon:
    """style.standardIcon(pixmap), in the theme's ink unless the theme is light: the button
    text colour of `widget`'s palette (a button may have its own), else the application's."""
    from nnsim.app import theme

    icon = style.standardIcon(pixmap)
    if theme.current().name == "light":
        return icon
    palette = widget.palette() if widget is not None else QApplication.palette()
    ink = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    faint = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    out = QIcon()
    for size in SIZES:
        source = icon.pixmap(size, size)
        if source.isNull():
            continue
        for mode, colour in ((QIcon.Mode.Normal, ink), (QIcon.Mode.Disabled, faint)):
            tinted = QPixmap(source.size())
            tinted.setDevicePixelRatio(source.devicePixelRatio())
            tinted.fill(Qt.GlobalColor.transparent)
            painter = QPainter(tinted)
            painter.drawPixmap(0, 0, source)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
            painter.fillRect(tinted.rect(), colour)
            painter.end()
            out.addPixmap(tinted, mode)
    return out

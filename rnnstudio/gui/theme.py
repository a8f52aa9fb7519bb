"""Colours, fonts and marks shared by the panes, sized from the application font.

Everything scales with the application's font, so a later projector zoom only has to change
that one font.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication

# A projector at the back of a classroom needs at least this (Qt's default is often 9 pt).
BASE_POINT_SIZE = 12.0

ERROR_COLOR = "#c62828"
WARNING_COLOR = "#8a5a00"
ERROR_BACKGROUND = "#fde4e4"
WARNING_BACKGROUND = "#fff3c4"
WARNING_MARK_COLOR = "#f2b600"
# The same meanings on a dark palette: light enough to read on it, dark enough behind text.
DARK_ERROR_COLOR = "#ff8a80"
DARK_WARNING_COLOR = "#ffcc66"
DARK_ERROR_BACKGROUND = "#5c2323"
DARK_WARNING_BACKGROUND = "#4d3d0a"


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette (the application's by default) draws light text on dark."""
    palette = palette if palette is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def error_color() -> str:
    """Error text, readable on the current palette's background."""
    return DARK_ERROR_COLOR if is_dark() else ERROR_COLOR


def warning_color() -> str:
    return DARK_WARNING_COLOR if is_dark() else WARNING_COLOR


def error_background() -> str:
    """Behind a row with an error; the palette's text stays readable on it."""
    return DARK_ERROR_BACKGROUND if is_dark() else ERROR_BACKGROUND


def warning_background() -> str:
    return DARK_WARNING_BACKGROUND if is_dark() else WARNING_BACKGROUND


def monospace_font() -> QFont:
    """The system's fixed-width font at the application font's size."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setPointSizeF(QApplication.font().pointSizeF())
    return font


def mark_size() -> int:
    return max(12, QFontMetrics(QApplication.font()).height())


# Device pixel ratios drawn for each mark, so high-DPI screens get sharp pixels, not a blur.
_MARK_PIXEL_RATIOS = (1.0, 1.5, 2.0, 3.0)


@cache
def _mark_icon(kind: str, size: int) -> QIcon:
    icon = QIcon()
    for ratio in _MARK_PIXEL_RATIOS:
        icon.addPixmap(_mark_pixmap(kind, size, ratio))
    return icon


def _mark_pixmap(kind: str, size: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    if kind == "none":
        return pixmap
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    inset = size * 0.08
    box = QRectF(inset, inset, size - 2 * inset, size - 2 * inset)
    if kind == "error":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(ERROR_COLOR)))
        painter.drawEllipse(box)
        ink = QColor("white")
    else:
        triangle = QPainterPath()
        triangle.moveTo(QPointF(box.center().x(), box.top()))
        triangle.lineTo(box.bottomRight())
        triangle.lineTo(box.bottomLeft())
        triangle.closeSubpath()
        painter.setPen(QPen(QColor(WARNING_COLOR), max(1.0, size / 16)))
        painter.setBrush(QBrush(QColor(WARNING_MARK_COLOR)))
        painter.drawPath(triangle)
        ink = QColor("black")
    font = QApplication.font()
    font.setBold(True)
    font.setPixelSize(max(8, int(size * 0.62)))
    painter.setFont(font)
    painter.setPen(ink)
    text_box = box.adjusted(0, size * 0.1 if kind == "warning" else 0, 0, 0)
    painter.drawText(text_box, Qt.AlignmentFlag.AlignCenter, "!")
    painter.end()
    return pixmap


def mark_icon(kind: str) -> QIcon:
    """A red disc for an error, a yellow triangle for a warning, blank otherwise."""
    return _mark_icon(kind, mark_size())

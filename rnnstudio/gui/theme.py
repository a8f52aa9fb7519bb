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


def monospace_font() -> QFont:
    """The system's fixed-width font at the application font's size."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setPointSizeF(QApplication.font().pointSizeF())
    return font


def mark_size() -> int:
    return max(12, QFontMetrics(QApplication.font()).height())


@cache
def _mark_icon(kind: str, size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    if kind == "none":
        return QIcon(pixmap)
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
    return QIcon(pixmap)


def mark_icon(kind: str) -> QIcon:
    """A red disc for an error, a yellow triangle for a warning, blank otherwise."""
    return _mark_icon(kind, mark_size())

"""A row of buttons that wraps onto more lines when the pane is narrow (or the text large).

Like Qt's flow layout example, with each line's spare width shared by its items, so a
line that fits looks like a plain row of equally stretched buttons.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLayout, QLayoutItem, QStyle, QWidget

# A row that fits in this part of the screen's width stays on one line.
ONE_LINE_SHARE_OF_SCREEN = 0.4


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._height = -1
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        height = self._arrange(rect, apply=True)
        if height != self._height:
            # More or fewer lines than before: the parent must leave room for them.
            self._height = height
            self.invalidate()

    def sizeHint(self) -> QSize:
        """All on one line."""
        gap = self._gap()
        visible = [item for item in self._items if not item.isEmpty()]
        width = sum(item.sizeHint().width() for item in visible) + gap * max(len(visible) - 1, 0)
        height = max((item.sizeHint().height() for item in visible), default=0)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:
        """One line while that takes a modest part of the screen (so normal text keeps a
        plain row); with larger text, as narrow as the widest item. As tall as the lines
        need at the present width: a dock does not ask its contents for a height for a
        given width, and wrapped lines would otherwise overlap whatever is below.
        """
        one_line = self.sizeHint()
        if one_line.width() <= self._screen_width() * ONE_LINE_SHARE_OF_SCREEN:
            return one_line
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        size += QSize(margins.left() + margins.right(), margins.top() + margins.bottom())
        width = self.geometry().width()
        if width > 0:
            size.setHeight(max(size.height(), self.heightForWidth(width)))
        return size

    def _screen_width(self) -> int:
        parent = self.parentWidget()
        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        return screen.availableGeometry().width() if screen is not None else 1024

    def _gap(self) -> int:
        if self._spacing >= 0:
            return self._spacing
        parent = self.parentWidget()
        if parent is None:
            return 6
        return parent.style().pixelMetric(
            QStyle.PixelMetric.PM_LayoutHorizontalSpacing, None, parent
        )

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        """Place the items in lines; returns the height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        gap = max(self._gap(), 0)
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._items:
            if item.isEmpty():
                continue
            width = item.sizeHint().width()
            line = lines[-1]
            if line and used + gap + width > area.width():
                lines.append([])
                used = 0
                line = lines[-1]
            used += (gap if line else 0) + width
            line.append(item)
        y = area.top()
        placed = False
        for line in lines:
            if not line:
                continue
            height = max(item.sizeHint().height() for item in line)
            natural = sum(item.sizeHint().width() for item in line) + gap * (len(line) - 1)
            extra = max(area.width() - natural, 0) // len(line)
            x = area.left()
            for item in line:
                width = item.sizeHint().width() + extra
                if apply:
                    item.setGeometry(QRect(QPoint(x, y), QSize(width, height)))
                x += width + gap
            y += height + gap
            placed = True
        if not placed:
            return 0
        return y - gap - area.top() + margins.top() + margins.bottom()

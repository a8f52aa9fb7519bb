"""Keyboard order and names: Tab walks the panes as they are read, and every stop has a name.

Qt's Tab order is the order widgets were created in, which for this window is neither the
order on screen nor stable (block forms are made the first time a block type is selected).
`KeyboardOrder` keeps it as a person reads the window: Input, Stack, Block properties,
Parameters, Model, Shapes, then any other pane, each pane's fields in their own order.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDockWidget,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTabBar,
    QToolBar,
    QToolButton,
    QWidget,
)

# The reading order of the panes; panes added later follow, as the window lists them.
PANE_ORDER = (
    "dock_input",
    "dock_stack",
    "dock_properties",
    "dock_parameters",
    "dock_model",
    "dock_shapes",
)


def takes_tab_focus(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.focusProxy() is None


def _chain(window: QWidget) -> list[QWidget]:
    """The window's widgets in Qt's current Tab order."""
    # Widgets waiting for deleteLater are still in the chain. Wrapping them for Python just
    # before Qt deletes them invalidated unrelated wrappers (a plot toolbar's actions),
    # under a real display. Qt only deletes here what no caller on the stack still uses.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    widgets, current = [], window.nextInFocusChain()
    while current is not window and current is not None and len(widgets) < 100_000:
        widgets.append(current)
        current = current.nextInFocusChain()
    return widgets


def _docks(window: QMainWindow) -> list[QDockWidget]:
    docks = [dock for dock in window.findChildren(QDockWidget) if dock.parent() is window]
    rank = {name: index for index, name in enumerate(PANE_ORDER)}
    return sorted(docks, key=lambda dock: rank.get(dock.objectName(), len(rank)))


def reading_order(window: QMainWindow) -> list[QWidget]:
    """Every widget that takes Tab focus, pane by pane in reading order."""
    chain = [widget for widget in _chain(window) if takes_tab_focus(widget)]
    ordered: list[QWidget] = []
    for dock in _docks(window):
        ordered += [widget for widget in chain if dock.isAncestorOf(widget)]
    placed = set(ordered)
    ordered += [widget for widget in chain if widget not in placed]
    return ordered


def _no_focus_on_scroll_areas(window: QWidget) -> None:
    # A scroll area around a form is an empty Tab stop: its fields take focus themselves.
    for area in window.findChildren(QScrollArea):
        inner = area.widget()
        if inner is not None and inner.findChildren(QWidget):
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)


def _name_buttons(window: QWidget) -> None:
    """A button whose text says what but not of what ("Copy") gets its tooltip as its name."""
    texts: dict[str, int] = {}
    buttons = window.findChildren(QAbstractButton)
    for button in buttons:
        texts[button.text()] = texts.get(button.text(), 0) + 1
    for button in buttons:
        if texts[button.text()] > 1 and not button.accessibleName():
            neighbour = _heading_near(button)
            if neighbour:
                button.setAccessibleName(f"{button.text().replace('&', '')} — {neighbour}")


def _heading_near(button: QWidget) -> str:
    """The accessible name of the first named editor beside the button, in its parent."""
    parent = button.parentWidget()
    if parent is None:
        return ""
    for sibling in parent.findChildren(QWidget):
        if sibling is not button and sibling.accessibleName():
            return sibling.accessibleName()
    return ""


def _reachable_toolbars(window: QWidget) -> None:
    # A toolbar's buttons take no Tab focus by default: a plot's Home, Pan or Zoom would be
    # out of reach of the keyboard.
    for bar in window.findChildren(QToolBar):
        for button in bar.findChildren(QToolButton):
            if button.focusPolicy() == Qt.FocusPolicy.NoFocus:
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            if not button.accessibleName() and button.toolTip() and not button.text().strip():
                button.setAccessibleName(button.toolTip())


def _clean(text: str) -> str:
    return " ".join(text.replace("&", "").split()).rstrip(":").strip()


def _name_unnamed(window: QWidget) -> None:
    """Give every Tab stop a name: its label's text, its tabs, its tooltip, or its pane's title.

    Screen readers read the name; a label that is only placed beside a field says nothing.
    """
    buddies = {
        label.buddy(): label.text() for label in window.findChildren(QLabel) if label.buddy()
    }
    for widget in window.findChildren(QWidget):
        if not takes_tab_focus(widget) or widget.accessibleName():
            continue
        if isinstance(widget, QAbstractButton) and _clean(widget.text()):
            continue
        name = _clean(buddies.get(widget, ""))
        if not name and isinstance(widget, QTabBar):
            tabs = ", ".join(_clean(widget.tabText(index)) for index in range(widget.count()))
            name = QCoreApplication.translate("Keyboard", "Tabs: {tabs}").format(tabs=tabs)
        if not name and widget.toolTip():
            name = _clean(widget.toolTip().splitlines()[0])
        if not name:
            dock = widget.parentWidget()
            while dock is not None and not isinstance(dock, QDockWidget):
                dock = dock.parentWidget()
            name = _clean(dock.windowTitle()) if dock is not None else ""
        if name:
            widget.setAccessibleName(name)


def arrange(window: QMainWindow) -> None:
    """Put Tab in reading order and name every stop; cheap enough to call again."""
    _no_focus_on_scroll_areas(window)
    _reachable_toolbars(window)
    _name_buttons(window)
    _name_unnamed(window)
    ordered = reading_order(window)
    for first, second in itertools.pairwise(ordered):
        QWidget.setTabOrder(first, second)


class KeyboardOrder(QObject):
    """Keeps the order as panes create widgets (a block form appears on first use)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._count = -1
        self.refresh()
        # Both connected after the panes' own slots, so they run once the panes are updated.
        document = getattr(window, "document", None)
        if document is not None:
            document.sig_analysis_changed.connect(self._on_document_analysis_changed)
        stack_pane = getattr(window, "stack_pane", None)
        if stack_pane is not None:
            stack_pane.sig_selection_changed.connect(self._on_stack_pane_selection_changed)

    def refresh(self) -> None:
        count = len(self._window.findChildren(QWidget))
        if count != self._count:
            self._count = count
            arrange(self._window)

    def _on_document_analysis_changed(self, _analysis: object) -> None:
        self.refresh()

    def _on_stack_pane_selection_changed(self, _row: int) -> None:
        self.refresh()

"""The Stack pane: the blocks in order, one line each, with error and warning marks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rnnstudio.core.analysis import Analysis, Stage

from .flow_layout import FlowLayout
from .i18n import current_language
from .texts import block_line
from .theme import mark_icon

BLOCK_NAME_ROLE = Qt.ItemDataRole.UserRole
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 1

_AnyIndex = QModelIndex | QPersistentModelIndex


class StackListModel(QAbstractListModel):
    """One row per block. A drop asks for a move; the document then sends the new stack."""

    sig_move_requested = Signal(int, int)  # from row, to row (after the move)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._blocks: tuple[Any, ...] = ()
        self._stages: tuple[Stage, ...] = ()

    def set_analysis(self, analysis: Analysis) -> None:
        blocks, stages = analysis.project.blocks, analysis.stages[1:]
        if len(blocks) == len(self._blocks):
            self._blocks, self._stages = blocks, stages
            if blocks:
                self.dataChanged.emit(self.index(0), self.index(len(blocks) - 1))
            return
        self.beginResetModel()
        self._blocks, self._stages = blocks, stages
        self.endResetModel()

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._blocks)

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._blocks):
            return None
        block, stage = self._blocks[index.row()], self._stages[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return block_line(block, stage)
        if role == Qt.ItemDataRole.DecorationRole:
            return mark_icon(_severity(stage))
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole line first: a narrow pane may cut it short.
            return "\n\n".join(text for text in (block_line(block, stage), _tooltip(stage)) if text)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return _tooltip(stage)
        if role == BLOCK_NAME_ROLE:
            return block.name
        if role == SEVERITY_ROLE:
            return _severity(stage)
        return None

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def moveRows(
        self,
        source_parent: _AnyIndex,
        source_row: int,
        count: int,
        destination_parent: _AnyIndex,
        destination_child: int,
    ) -> bool:
        """Called by the list view on an internal drop: turn it into a move request.

        `destination_child` is the row the block goes before, counted before the move.
        """
        if source_parent.isValid() or destination_parent.isValid() or count != 1:
            return False
        if not 0 <= source_row < len(self._blocks):
            return False
        target = destination_child if destination_child >= 0 else len(self._blocks)
        target = min(target, len(self._blocks))
        final_row = target - 1 if target > source_row else target
        if final_row == source_row:
            return False
        self.sig_move_requested.emit(source_row, final_row)
        return True


def _severity(stage: Stage) -> str:
    if stage.errors:
        return "error"
    if stage.warnings:
        return "warning"
    return "none"


def _tooltip(stage: Stage) -> str:
    messages = [problem.text(current_language()) for problem in stage.problems]
    if stage.blocked_by is not None:
        messages.append(
            StackListModel.tr("Not analysed: {block} above has an error.").format(
                block=stage.blocked_by
            )
        )
    return "\n\n".join(messages)


class StackPane(QWidget):
    """The block list with buttons for the window's stack actions."""

    sig_selection_changed = Signal(int)  # row, or -1 for none

    def __init__(
        self,
        add_actions: Iterable[QAction],
        edit_actions: Iterable[QAction],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = StackListModel(self)
        self.view = QListView()
        self.view.setObjectName("stack_list")
        self.view.setAccessibleName(self.tr("Blocks of the model, in order"))
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setUniformItemSizes(True)
        self.view.setSpacing(2)
        self.view.setMinimumHeight(self.fontMetrics().height() * 4)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)

        self.buttons: dict[str, QToolButton] = {}
        # The rows wrap onto more lines when the pane is narrow or the text large.
        add_row, edit_row = FlowLayout(), FlowLayout()
        for action in add_actions:
            self._add_button(add_row, action)
        for action in edit_actions:
            self._add_button(edit_row, action)
            # Delete, Alt+Up and Alt+Down act on the list while the pane has the focus.
            self.addAction(action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view, 1)
        layout.addLayout(add_row)
        layout.addLayout(edit_row)

    def _add_button(self, row: FlowLayout, action: QAction) -> None:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        row.addWidget(button)
        self.buttons[action.objectName()] = button

    def set_analysis(self, analysis: Analysis, selected_row: int) -> None:
        self.model.set_analysis(analysis)
        self.select_row(selected_row)

    def select_row(self, row: int) -> None:
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        try:
            if 0 <= row < self.model.rowCount():
                index = self.model.index(row)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.view.scrollTo(index)
            else:
                selection.clear()
        finally:
            selection.blockSignals(False)
        # The selection model's signals were blocked; repaint the highlight.
        self.view.viewport().update()

    def selected_row(self) -> int:
        index = self.view.selectionModel().currentIndex()
        return index.row() if index.isValid() else -1

    def _on_view_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.sig_selection_changed.emit(current.row() if current.isValid() else -1)

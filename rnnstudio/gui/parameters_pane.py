"""The Parameters pane: block → parameter, as named_parameters() lists them, with totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QVBoxLayout, QWidget

from rnnstudio.core.analysis import Analysis, ParameterInfo
from rnnstudio.core.errors import format_bytes

from .texts import count_text, shape_text, type_title

NAME_COLUMN, SHAPE_COLUMN, COUNT_COLUMN = range(3)
# Raw values for code that reads the tree (tests, later exercises): name, shape tuple, count.
VALUE_ROLE = Qt.ItemDataRole.UserRole

_AnyIndex = QModelIndex | QPersistentModelIndex
_TOP_LEVEL = 0  # internalId of block and total rows; a parameter row stores its block row + 1


@dataclass(frozen=True)
class _BlockRow:
    name: str
    kind: str
    parameters: tuple[ParameterInfo, ...]
    known: bool  # False when an error above hides this block's sizes

    @property
    def count(self) -> int:
        return sum(parameter.numel for parameter in self.parameters)


class ParameterTreeModel(QAbstractItemModel):
    """Top level: one row per block, then a Total row. Children: that block's parameters."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._blocks: tuple[_BlockRow, ...] = ()
        self._total = 0
        self._complete = True
        self._total_bytes = 0

    def set_analysis(self, analysis: Analysis) -> None:
        rows = []
        for stage, block in zip(analysis.stages[1:], analysis.project.blocks, strict=True):
            parameters = analysis.block_parameters(block.name)
            known = (
                bool(parameters)
                or block.type == "softmax"
                or not (stage.errors or stage.blocked_by)
            )
            rows.append(_BlockRow(block.name, block.type, parameters, known))
        self.beginResetModel()
        self._blocks = tuple(rows)
        self._total = analysis.total_parameters
        self._total_bytes = analysis.parameter_bytes
        self._complete = analysis.complete
        self.endResetModel()

    def index(self, row: int, column: int, parent: _AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP_LEVEL)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: _AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _TOP_LEVEL:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _TOP_LEVEL)

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._blocks) + 1
        if parent.column() != 0 or parent.internalId() != _TOP_LEVEL:
            return 0
        if parent.row() >= len(self._blocks):
            return 0
        return len(self._blocks[parent.row()].parameters)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Parameter"), self.tr("Shape"), self.tr("Count"))[section]

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() != _TOP_LEVEL:
            block = self._blocks[index.internalId() - 1]
            return self._parameter_data(block.parameters[index.row()], index.column(), role)
        if index.row() == len(self._blocks):
            return self._total_data(index.column(), role)
        return self._block_data(self._blocks[index.row()], index.column(), role)

    def _parameter_data(self, parameter: ParameterInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            # Under its block row, the local name is enough; the tooltip has the full name.
            return (
                parameter.local_name,
                shape_text(parameter.shape),
                count_text(parameter.numel),
            )[column]
        if role == VALUE_ROLE:
            return (parameter.name, parameter.shape, parameter.numel)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COUNT_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("{name}: {shape}, {count} values").format(
                name=parameter.name,
                shape=shape_text(parameter.shape),
                count=count_text(parameter.numel),
            )
        return None

    def _block_data(self, block: _BlockRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME_COLUMN:
                return f"{block.name} ({type_title(block.kind)})"
            if column == COUNT_COLUMN:
                return count_text(block.count) if block.known else "—"
            return ""
        if role == VALUE_ROLE:
            return (block.name, None, block.count)[column]
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COUNT_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and not block.known:
            return self.tr("Unknown until the error above this block is fixed.")
        return None

    def _total_data(self, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME_COLUMN:
                return self.tr("Total")
            if column == SHAPE_COLUMN:
                return ""
            prefix = "" if self._complete else "≥ "
            return prefix + count_text(self._total)
        if role == VALUE_ROLE:
            return (None, None, self._total)[column]
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COUNT_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.tr("All parameters of the model; as float32 they take {size}.").format(
                size=format_bytes(self._total_bytes)
            )
            if not self._complete:
                text += "\n" + self.tr("Blocks after an error are not counted.")
            return text
        return None

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def block_row(self, name: str) -> int:
        for row, block in enumerate(self._blocks):
            if block.name == name:
                return row
        raise KeyError(name)


class ParametersPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ParameterTreeModel(self)
        self.view = QTreeView()
        self.view.setObjectName("parameter_tree")
        self.view.setAccessibleName(self.tr("Parameters of the model"))
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SHAPE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._collapsed: set[str] = set()
        self.view.collapsed.connect(self._on_view_collapsed)
        self.view.expanded.connect(self._on_view_expanded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def set_analysis(self, analysis: Analysis) -> None:
        self.model.set_analysis(analysis)
        # A reset collapses everything; reopen the blocks the user did not close.
        self.view.blockSignals(True)
        try:
            for row in range(self.model.rowCount() - 1):
                index = self.model.index(row, 0)
                name = self.model.data(index, VALUE_ROLE)
                self.view.setExpanded(index, name not in self._collapsed)
        finally:
            self.view.blockSignals(False)

    def _on_view_collapsed(self, index: QModelIndex) -> None:
        self._collapsed.add(self.model.data(index.siblingAtColumn(0), VALUE_ROLE))

    def _on_view_expanded(self, index: QModelIndex) -> None:
        self._collapsed.discard(self.model.data(index.siblingAtColumn(0), VALUE_ROLE))

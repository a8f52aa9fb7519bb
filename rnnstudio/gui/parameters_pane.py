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


def _row_layout(rows: tuple[_BlockRow, ...] | list[_BlockRow]) -> tuple[Any, ...]:
    """What decides the tree's rows: blocks and their parameter names, not their sizes."""
    return tuple(
        (row.name, row.kind, row.known, tuple(p.local_name for p in row.parameters)) for row in rows
    )


_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _cell(
    text: str,
    value: Any,
    tooltip: str | None,
    font: QFont | None = None,
    *,
    align_right: bool = False,
) -> dict[int, Any]:
    cell: dict[int, Any] = {
        int(Qt.ItemDataRole.DisplayRole): text,
        int(VALUE_ROLE): value,
    }
    if tooltip:
        cell[int(Qt.ItemDataRole.ToolTipRole)] = tooltip
    if font is not None:
        cell[int(Qt.ItemDataRole.FontRole)] = font
    if align_right:
        cell[int(Qt.ItemDataRole.TextAlignmentRole)] = _RIGHT_ALIGNED
    return cell


class ParameterTreeModel(QAbstractItemModel):
    """Top level: one row per block, then a Total row. Children: that block's parameters."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._blocks: tuple[_BlockRow, ...] = ()
        self._total = 0
        self._complete = True
        self._total_bytes = 0
        self._top_cells: list[list[dict[int, Any]]] = [[{}, {}, {}]]
        self._child_cells: list[list[list[dict[int, Any]]]] = []

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
        same_rows = _row_layout(rows) == _row_layout(self._blocks)
        if not same_rows:
            self.beginResetModel()
        self._blocks = tuple(rows)
        self._total = analysis.total_parameters
        self._total_bytes = analysis.parameter_bytes
        self._complete = analysis.complete
        self._prepare_cells()
        if not same_rows:
            self.endResetModel()
            return
        # Only sizes changed (the usual edit): keep expansion, selection and scrolling.
        last_column = self.columnCount() - 1
        for row, block in enumerate(self._blocks):
            parent = self.index(row, 0)
            if block.parameters:
                self.dataChanged.emit(
                    self.index(0, 0, parent),
                    self.index(len(block.parameters) - 1, last_column, parent),
                )
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._blocks), last_column))

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
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and section == COUNT_COLUMN:
            return _RIGHT_ALIGNED
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Parameter"), self.tr("Shape"), self.tr("Count"))[section]

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Views ask for many roles of every cell on each refresh: answer from a prepared table.
        if not index.isValid():
            return None
        block_id = index.internalId()
        cells = (
            self._top_cells[index.row()]
            if block_id == _TOP_LEVEL
            else self._child_cells[block_id - 1][index.row()]
        )
        return cells[index.column()].get(int(role))

    def _prepare_cells(self) -> None:
        bold = QFont()
        bold.setBold(True)
        self._top_cells = [self._block_cells(block, bold) for block in self._blocks]
        self._top_cells.append(self._total_cells(bold))
        self._child_cells = [
            [self._parameter_cells(parameter) for parameter in block.parameters]
            for block in self._blocks
        ]

    def _parameter_cells(self, parameter: ParameterInfo) -> list[dict[int, Any]]:
        shape = shape_text(parameter.shape)
        count = count_text(parameter.numel)
        tooltip = self.tr("{name}: {shape}, {count} values").format(
            name=parameter.name, shape=shape, count=count
        )
        # Under its block row the local name is enough; the tooltip has the full name.
        return [
            _cell(parameter.local_name, parameter.name, tooltip),
            _cell(shape, parameter.shape, tooltip),
            _cell(count, parameter.numel, tooltip, align_right=True),
        ]

    def _block_cells(self, block: _BlockRow, bold: QFont) -> list[dict[int, Any]]:
        tooltip = (
            None if block.known else self.tr("Unknown until the error above this block is fixed.")
        )
        count = count_text(block.count) if block.known else "—"
        return [
            _cell(f"{block.name} ({type_title(block.kind)})", block.name, tooltip, bold),
            _cell("", None, tooltip, bold),
            _cell(count, block.count, tooltip, bold, align_right=True),
        ]

    def _total_cells(self, bold: QFont) -> list[dict[int, Any]]:
        tooltip = self.tr("All parameters of the model; as float32 they take {size}.").format(
            size=format_bytes(self._total_bytes)
        )
        if not self._complete:
            tooltip += "\n" + self.tr("Blocks after an error are not counted.")
        prefix = "" if self._complete else "≥ "
        return [
            _cell(self.tr("Total"), None, tooltip, bold),
            _cell("", None, tooltip, bold),
            _cell(prefix + count_text(self._total), self._total, tooltip, bold, align_right=True),
        ]

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
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SHAPE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COUNT_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._collapsed: set[str] = set()
        self.view.collapsed.connect(self._on_view_collapsed)
        self.view.expanded.connect(self._on_view_expanded)
        self.model.modelReset.connect(self._on_model_reset)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def set_analysis(self, analysis: Analysis) -> None:
        self.model.set_analysis(analysis)

    def _on_model_reset(self) -> None:
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

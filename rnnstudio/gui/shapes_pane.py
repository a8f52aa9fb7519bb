"""The Shapes pane: Exercise 1's table, one row per stage (the input, then each block)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rnnstudio.core.analysis import Analysis, Stage, TensorInfo

from .forms import messages_html
from .i18n import current_language
from .texts import shape_text, type_title
from .theme import error_background, error_color, mark_icon, warning_background, warning_color

STAGE_COLUMN, SHAPE_COLUMN, AXES_COLUMN, H_N_COLUMN, C_N_COLUMN = range(5)
# Raw values for code that reads the table: the stage name, or a TensorInfo / None.
VALUE_ROLE = Qt.ItemDataRole.UserRole

_AnyIndex = QModelIndex | QPersistentModelIndex


class ShapesTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._stages: tuple[Stage, ...] = ()

    def set_analysis(self, analysis: Analysis) -> None:
        stages = analysis.stages
        if len(stages) == len(self._stages):
            self._stages = stages
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(stages) - 1, self.columnCount() - 1)
            )
            return
        self.beginResetModel()
        self._stages = stages
        self.endResetModel()

    @property
    def has_cell_states(self) -> bool:
        return any("c_n" in stage.state for stage in self._stages)

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._stages)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section)
        return (
            self.tr("Stage"),
            self.tr("Output shape"),
            self.tr("Axes"),
            self.tr("h_n shape"),
            self.tr("c_n shape"),
        )[section]

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._stages):
            return None
        stage = self._stages[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(stage, column)
        if role == VALUE_ROLE:
            return self._value(stage, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(stage, column)
        if role == Qt.ItemDataRole.DecorationRole and column == STAGE_COLUMN:
            return mark_icon(_severity(stage))
        if role == Qt.ItemDataRole.ForegroundRole:
            severity = _severity(stage)
            if severity != "none" and column == STAGE_COLUMN:
                return QBrush(QColor(error_color() if severity == "error" else warning_color()))
        if role == Qt.ItemDataRole.BackgroundRole:
            severity = _severity(stage)
            if severity != "none":
                return QBrush(
                    QColor(error_background() if severity == "error" else warning_background())
                )
        return None

    def _value(self, stage: Stage, column: int) -> Any:
        if column == STAGE_COLUMN:
            return stage.name
        if column in (SHAPE_COLUMN, AXES_COLUMN):
            return stage.output
        if column == H_N_COLUMN:
            return stage.state.get("h_n")
        return stage.state.get("c_n")

    def _display(self, stage: Stage, column: int) -> str:
        if column == STAGE_COLUMN:
            if stage.kind == "input":
                return self.tr("input")
            return f"{stage.name} ({type_title(stage.kind)})"
        if column in (SHAPE_COLUMN, AXES_COLUMN):
            if stage.output is None:
                return "—"
            return (
                shape_text(stage.output.shape)
                if column == SHAPE_COLUMN
                else (stage.output.describe(current_language()))
            )
        info = stage.state.get("h_n" if column == H_N_COLUMN else "c_n")
        return shape_text(info.shape) if info is not None else ""

    def _tooltip(self, stage: Stage, column: int) -> str | None:
        if column in (H_N_COLUMN, C_N_COLUMN):
            info: TensorInfo | None = stage.state.get("h_n" if column == H_N_COLUMN else "c_n")
            return info.describe(current_language()) if info is not None else None
        if column in (SHAPE_COLUMN, AXES_COLUMN) and stage.output is not None:
            return f"{shape_text(stage.output.shape)}  {stage.output.describe(current_language())}"
        return stage_notes(stage) or None

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def stage_notes(stage: Stage) -> str:
    """The stage's errors and warnings, or why it was not analysed."""
    if stage.problems:
        return "\n\n".join(problem.text(current_language()) for problem in stage.problems)
    if stage.blocked_by is not None:
        return ShapesTableModel.tr("Not analysed: {block} above has an error.").format(
            block=stage.blocked_by
        )
    return ""


def _severity(stage: Stage) -> str:
    if stage.errors:
        return "error"
    if stage.warnings:
        return "warning"
    return "none"


class ShapesPane(QWidget):
    """The table, and below it every error and warning in full, in colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ShapesTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("shapes_table")
        self.view.setAccessibleName(self.tr("Tensor shapes between blocks"))
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.notes = QLabel()
        self.notes.setObjectName("shapes_notes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.notes_area = QScrollArea()
        self.notes_area.setWidget(self.notes)
        self.notes_area.setWidgetResizable(True)
        self.notes_area.setFrameShape(QFrame.Shape.NoFrame)
        self.notes_area.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self.notes_area.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 3)
        layout.addWidget(self.notes_area, 2)

    def set_analysis(self, analysis: Analysis) -> None:
        self.model.set_analysis(analysis)
        self.view.setColumnHidden(C_N_COLUMN, not self.model.has_cell_states)
        lang = current_language()
        messages = [(problem.severity, problem.text(lang)) for problem in analysis.problems]
        self.notes.setText(messages_html(messages))
        self.notes_area.setVisible(bool(messages))

    def preferred_height(self, rows: int = 6, note_lines: int = 4) -> int:
        """Room for the title, the header, a few stages and a few lines of notes."""
        row_height = self.view.verticalHeader().defaultSectionSize()
        line = self.fontMetrics().lineSpacing()
        header = self.view.horizontalHeader().sizeHint().height()
        return 2 * line + header + rows * row_height + note_lines * line
